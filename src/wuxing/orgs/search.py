"""Choosing units by typing, not from a list of every unit: a form field whose page holds only the units already
chosen, and a search (htmx) that answers the first matches within the chooser's own reach.

Which units a field offers is one of SCOPES, named in the page and checked again by the form's own queryset
when it is posted, so a value typed by hand outside the reach is refused like any other wrong choice.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse

from wuxing.core.roles import BRANCH_LEVELS, Level
from wuxing.orgs.models import OrgUnit

LIMIT = 20


def _branches(user) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.for_user(user, "manage").filter(level__in=BRANCH_LEVELS, is_active=True)


def _units(user) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.for_user(user, "manage")


def _areas(user) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.for_user(user, "manage").filter(is_active=True).exclude(level__in=BRANCH_LEVELS)


def _worked(user) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.for_user(user, "work").filter(level__in=BRANCH_LEVELS, is_active=True)


def _seen_areas(user) -> QuerySet[OrgUnit]:
    """Districts and offices the user sees (not only manages): where a calendar or a list may be narrowed to."""
    return OrgUnit.objects.for_user(user).filter(level__in=(Level.DISTRICT, Level.OFFICE), is_active=True)


def _seen_offices(user) -> QuerySet[OrgUnit]:
    """Offices the user sees: what a list of branches may be narrowed to."""
    return OrgUnit.objects.for_user(user).filter(level=Level.OFFICE, is_active=True)


# name -> the units a user may choose: what the search answers from (the form narrows further, e.g. to a campaign)
SCOPES = {"branches": _branches, "units": _units, "areas": _areas, "worked": _worked, "seen_areas": _seen_areas,
          "seen_offices": _seen_offices}


def search(user, scope: str, q: str, within_id: int | None = None) -> tuple[list[OrgUnit], bool]:
    """The first LIMIT units of `scope` for `user` whose name contains `q` or whose code starts with it, under
    the unit `within_id` if given (nothing when the user does not see that unit); and whether more match."""
    qs = SCOPES[scope](user)
    if within_id is not None:
        within = OrgUnit.objects.for_user(user).filter(pk=within_id).first()
        if within is None:
            return [], False
        qs = qs.filter(path__startswith=within.path)
    q = q.strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__startswith=q))
    units = list(qs.select_related("parent").order_by("path")[:LIMIT + 1])
    return units[:LIMIT], len(units) > LIMIT


def label(unit: OrgUnit) -> str:
    """A unit as a chooser shows it: its parent's name first (two 东城社区 in different offices differ)."""
    return f"{unit.parent.name if unit.parent_id and unit.parent else ''} {unit.name}".strip()


class UnitSearch(forms.Widget):
    """A search box and the chosen units (radio or ticked boxes named like the field): the page never lists
    more units than are chosen, whatever the size of the province."""

    template_name = "orgs/widgets/unit_search.html"
    multiple = False

    def __init__(self, scope: str, attrs=None):
        super().__init__(attrs)
        self.scope = scope
        self.within: OrgUnit | None = None
        self.choices = ()

    def value_from_datadict(self, data, files, name):
        if self.multiple:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def _chosen(self, value) -> list[OrgUnit]:
        values = value if isinstance(value, (list, tuple)) else [value]
        ids = [int(v) for v in values if v not in (None, "") and str(v).isdigit()]
        queryset = getattr(self.choices, "queryset", None)
        if not ids or queryset is None:
            return []
        return list(queryset.filter(pk__in=ids).select_related("parent").order_by("path"))

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        url = reverse("orgs:unit_search") + f"?scope={self.scope}"
        if self.within is not None:
            url += f"&within={self.within.pk}"
        context["widget"].update(search_url=url, multiple=self.multiple,
                                 chosen=[(u.pk, label(u)) for u in self._chosen(value)])
        return context


class UnitSearchMultiple(UnitSearch):
    multiple = True


class _Searched:
    """A model choice field over units whose widget is the search box: `scope` names what the search offers;
    the form sets the queryset, which decides what is accepted."""

    widget_class = UnitSearch

    def __init__(self, *, scope: str = "branches", **kwargs):
        kwargs.setdefault("queryset", OrgUnit.objects.none())
        super().__init__(widget=self.widget_class(scope), **kwargs)

    def label_from_instance(self, obj):
        return label(obj)


class UnitField(_Searched, forms.ModelChoiceField):
    """One unit, chosen by typing."""


class UnitsField(_Searched, forms.ModelMultipleChoiceField):
    """Several units, chosen by typing."""

    widget_class = UnitSearchMultiple


def units(user, scope: str) -> QuerySet[OrgUnit]:
    """The units the chooser `scope` offers `user` (SCOPES)."""
    return SCOPES[scope](user)


class UnitFilterForm(forms.Form):
    """One unit among a list page's filters, chosen by typing (a province has thousands: never a <select> of them
    all): the field `name` accepts `queryset` and shows `value` as chosen."""

    def __init__(self, *, name: str, label, scope: str, queryset: QuerySet[OrgUnit], value=None):
        super().__init__(initial={name: value})
        self.fields[name] = UnitField(label=label, scope=scope, required=False, queryset=queryset)
