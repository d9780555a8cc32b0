"""The Jinja2 environment of the few large tables rendered with Jinja2 (settings.TEMPLATES, name "jinja2").

The same helpers as the Django templates: gettext (`_`), `url`, `static`, and the filters the tables use, with
dates shown in the local time zone as Django templates show them.
"""

from __future__ import annotations

import functools

from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from jinja2 import Environment

from wuxing.core.templatetags.wuxing import percent, star_level, week_words
from wuxing.core.weeks import status_word

# Django date formats the tables use, as strftime formats (the same output, a tenth of the cost per cell).
_STRFTIME = {"m-d": "%m-%d", "m-d H:i": "%m-%d %H:%M", "Y-m-d": "%Y-%m-%d", "Y-m-d H:i": "%Y-%m-%d %H:%M"}


def _date(value, fmt: str = "") -> str:
    if value is None or value == "":
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.template_localtime(value)
    if fmt in _STRFTIME:
        return value.strftime(_STRFTIME[fmt])
    return defaultfilters.date(value, fmt)


@functools.cache
def _choices(model, field: str) -> dict:
    return dict(model._meta.get_field(field).flatchoices)


def _display(obj, field: str = "status") -> str:
    """`{{ report|display }}`: Django's get_FOO_display, the field's choices read once per model instead of once per
    row (53 rows of a weekly history: 1.0 → 0.2 ms)."""
    value = getattr(obj, field)
    return str(_choices(type(obj), field).get(value, value))


@functools.lru_cache(maxsize=256)
def _fixed_url(name: str, urlconf, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)


def _url(name: str, *args) -> str:
    if not args:  # an address without arguments is the same on every request of the same urlconf and prefix
        return _fixed_url(name, get_urlconf(), get_script_prefix())
    return reverse(name, args=args)


_HOLE = 987654320  # stand-ins for the integer arguments a row fills in


def _url_pattern(name: str, *args) -> str:
    """The address of `name` with each None argument left as a str.format field ({0}, {1}, …), reversed once per
    table instead of once per row: `{% set link = url_pattern("weekly:report", c.pk, b.pk, None, None) %}` then
    `link.format(year, week)`. Only for integer path arguments."""
    holes = [i for i, arg in enumerate(args) if arg is None]
    address = reverse(name, args=[_HOLE + i if arg is None else arg for i, arg in enumerate(args)])
    for n, i in enumerate(holes):
        address = address.replace(f"/{_HOLE + i}/", "/{" + str(n) + "}/")
    return address


def environment(**options) -> Environment:
    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(translation.gettext, translation.ngettext, newstyle=True)
    env.globals.update(url=_url, url_pattern=_url_pattern, static=static)
    env.filters.update(date=_date, display=_display, week_words=week_words, week_status=status_word, percent=percent,
                       star_level=star_level)
    return env
