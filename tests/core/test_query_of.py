"""Query strings read through the page's form (core.forms.query_of), kept per process for plain forms: the kept
answer is the form's own, for every query string, and a caller changing its copy changes nothing kept."""

import datetime as dt

from django.test import RequestFactory
from hypothesis import given, settings
from hypothesis import strategies as st

from wuxing.activities.forms import CalendarQuery
from wuxing.contest.forms import DashboardQuery, RankingQuery
from wuxing.core import forms as core_forms
from wuxing.core.forms import ListQuery, choice_query, query_of
from wuxing.core.roles import Level
from wuxing.evaluation.forms import QueueQuery

FORMS = [ListQuery, DashboardQuery, RankingQuery, CalendarQuery, QueueQuery, choice_query(level=Level.choices)]
words = st.sampled_from(["", "1", "2", "0", "-3", "abc", "东城", "2026-11", "2026-13", "urban", "rural", "offices",
                         "xlsx", "district", "x" * 80, "99999999999999999999999"])
names = st.sampled_from(["q", "page", "format", "unit", "export", "office", "kind", "table", "month", "status",
                         "star", "level", "other"])


def _fresh(form_class, request) -> dict:
    form = form_class(request.GET)
    form.is_valid()
    return {name: form.cleaned_data.get(name, None if isinstance(f, core_forms.forms.IntegerField) else "")
            for name, f in form.fields.items()}


@settings(max_examples=150, deadline=None)
@given(form_class=st.sampled_from(FORMS), pairs=st.lists(st.tuples(names, words), max_size=4))
def test_a_kept_answer_is_the_forms_own(form_class, pairs):
    request = RequestFactory().get("/", pairs)
    first, again = query_of(request, form_class), query_of(request, form_class)
    assert first == again == _fresh(form_class, request)


def test_a_caller_changing_its_copy_changes_nothing_kept():
    request = RequestFactory().get("/", {"month": "2026-11", "q": "东城"})
    mine = query_of(request, CalendarQuery)
    assert mine["month"] == dt.date(2026, 11, 1)
    mine["q"] = "改了"
    assert query_of(request, CalendarQuery)["q"] == "东城"


def test_one_class_per_set_of_choices():
    assert choice_query(level=Level.choices) is choice_query(level=Level.choices)
    assert choice_query(level=Level.choices) is not choice_query(kind=Level.choices)
