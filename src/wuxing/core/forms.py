"""Helpers shared by forms across apps."""

from __future__ import annotations

import functools

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.utils import flatatt
from django.http import Http404
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


def apply_errors(form, exc: ValidationError, password_field: str | None = None) -> None:
    """Put a service's ValidationError onto the form, field by field where the field exists."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    elif password_field is not None and any(getattr(e, "code", "") and "password" in e.code for e in exc.error_list):
        form.add_error(password_field, exc)
    else:
        form.add_error(None, exc)


def form_failure(form) -> ValidationError:
    """A bound form's errors as one ValidationError, for pages that report a refused action as a message."""
    return ValidationError([str(e) for errors in form.errors.values() for e in errors])


def report_failure(request, exc) -> None:
    """A service refused a page action: out of scope reads as not found (404), anything else is shown as
    a message on the page the user returns to."""
    if isinstance(exc, PermissionDenied):
        raise Http404 from None
    messages.error(request, " ".join(exc.messages))


class LongSelect(forms.Select):
    """A <select> for hundreds of options (a county's public notice lists ~300 branches): the options are
    joined in Python instead of rendering one template per option, which costs ~0.1 ms each."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        chosen = {str(v) for v in (value if isinstance(value, (list, tuple)) else [value]) if v is not None}
        options = format_html_join("", '<option value="{}"{}>{}</option>', (
            ("" if v is None else v, mark_safe(" selected") if str("" if v is None else v) in chosen else "", label)
            for v, label in self.choices))
        return format_html("<select{}>{}</select>", flatatt(final), options)


class ActionForm(forms.Form):
    """Which of a page's buttons was pressed (`action`), checked against the page's own list."""

    action = forms.ChoiceField(choices=())

    def __init__(self, data, *, actions, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["action"].choices = [(a, a) for a in actions]


def action_of(request, actions) -> str:
    """The pressed button's action, or 404 for one the page does not have."""
    form = ActionForm(request.POST, actions=actions)
    if not form.is_valid():
        raise Http404
    return form.cleaned_data["action"]


# --- query strings: filters, page and export format of list pages read through one form ---------------------

FORMATS = ["xlsx", "csv", "docx", "pdf", "txt", "png"]


class ListQuery(forms.Form):
    """A list page's query string. A bad value is dropped (the page shows its default), never an error:
    a filter is a view of the page, and `page` is checked by core.paging.page_or_404."""

    q = forms.CharField(required=False)
    page = forms.CharField(required=False)
    format = forms.ChoiceField(required=False, choices=[("", "")] + [(f, f) for f in FORMATS])
    unit = forms.IntegerField(required=False, min_value=1, max_value=2**62)

    def clean_q(self):
        return self.cleaned_data["q"][:50]  # a search box, not a document


# Query strings repeat (most pages are opened with none, or the same few filters), and building a form deep-copies
# its fields: per process, (form class, query string) -> the cleaned values, for forms whose fields are all plain
# (text, numbers, choices, dates, booleans): their cleaning depends on the query string alone. Bounded.
_PLAIN_FIELDS = (forms.CharField, forms.IntegerField, forms.ChoiceField, forms.DateField, forms.BooleanField)
_CLEANED: dict[tuple, dict] = {}
CLEANED_KEPT = 2048


def _plain(form_class) -> bool:
    return form_class.__init__ is forms.Form.__init__ and all(
        type(f) in _PLAIN_FIELDS for f in form_class.base_fields.values())


def query_of(request, form_class=ListQuery, **kwargs) -> dict:
    """The cleaned query string of `request` through `form_class`; fields with bad values take their empty value.
    Each call gets its own dict."""
    key = None
    if not kwargs and _plain(form_class):
        key = (form_class, tuple((k, tuple(v)) for k, v in request.GET.lists()))
        if key in _CLEANED:
            return dict(_CLEANED[key])
    form = form_class(request.GET, **kwargs)
    form.is_valid()
    cleaned = {name: form.cleaned_data[name] if name in form.cleaned_data else
               (None if isinstance(field, forms.IntegerField) else "") for name, field in form.fields.items()}
    if key is not None:
        if len(_CLEANED) >= CLEANED_KEPT:
            _CLEANED.clear()
        _CLEANED[key] = dict(cleaned)
    return cleaned


@functools.cache
def _choice_query(choices: tuple) -> type[ListQuery]:
    fields = {name: forms.ChoiceField(required=False, choices=[("", "")] + list(values)) for name, values in choices}
    return type("ChoiceQuery", (ListQuery,), fields)


def choice_query(**choices) -> type[ListQuery]:
    """A ListQuery with extra choice filters, e.g. choice_query(level=Level.choices): one class per set of choices."""
    return _choice_query(tuple((name, tuple(map(tuple, values))) for name, values in sorted(choices.items())))


# --- several files in one field (Django's documented pattern) -----------------------------------------------

class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A list of uploaded files; each is checked as a FileField checks one."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        one = super().clean
        if isinstance(data, (list, tuple)):
            return [one(d, initial) for d in data] if data else [one(None, initial)]
        return [one(data, initial)]


# --- query parameters of the API's views, read through one plain form ------------------------------------

@functools.cache
def _api_query(ints: tuple[str, ...], texts: tuple[str, ...]) -> type[forms.Form]:
    fields = {name: forms.IntegerField(required=False, min_value=0, max_value=2**62) for name in ints}
    fields.update({name: forms.CharField(required=False, strip=True) for name in texts})
    return type("ApiQuery", (forms.Form,), fields)


def api_query(request, *ints: str, texts: tuple[str, ...] = ()) -> dict:
    """An API view's query parameters (DESIGN: request data only through a Form or Serializer): the whole numbers
    named by `ints` (absent or not a number: None, and the filter is not applied, as before) and the texts named by
    `texts` ("" when absent). One form class per set of names; the cleaned values are kept like a list page's."""
    return query_of(request, _api_query(tuple(ints), tuple(texts)))
