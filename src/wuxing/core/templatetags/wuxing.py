"""Template helpers shared by the apps."""

import functools

from django import template

from wuxing.core.levels import star_level
from wuxing.core.weeks import status_word

register = template.Library()


@register.filter
def star_names(codes, names) -> str:
    """['zbgy', 'pafz'] with {'zbgy': '支部过硬星', …} → '支部过硬星、平安法治星' (codes kept if unknown)."""
    if not codes:
        return ""
    names = names or {}
    return "、".join(names.get(code, code) for code in codes)


@register.simple_tag(takes_context=True)
def topbar(context) -> str:
    """The top bar of base.html (wuxing/jinja2/core/_topbar.html), from the facts the navigation context processor
    gives. It is the same for every request with the same facts: each process keeps the last thousand, rendered
    with a stand-in for the CSRF token, which is the one part of it a request's own."""
    from django.urls import get_script_prefix, get_urlconf
    from django.utils.safestring import mark_safe
    from django.utils.translation import get_language

    from wuxing.core.pagecache import with_token

    request, user = context.get("request"), context.get("user")
    signed_in = bool(getattr(user, "is_authenticated", False))
    facts = (get_language(), get_urlconf(), get_script_prefix(), signed_in)
    if signed_in:
        domains = context.get("nav_domains") or {}
        facts += (user.real_name or user.username, user.is_superuser, bool(domains.get("star")),
                  bool(domains.get("casefile")), bool((context.get("nav_is_admin") or {}).get("value")),
                  (context.get("nav_unread") or {}).get("value") or 0)
    bar = _topbar(facts)
    # Jinja2 escaped it; an error page rendered without a request shows the brand alone, with no form.
    return with_token(request, bar) if request is not None and signed_in else mark_safe(bar)


@functools.lru_cache(maxsize=1000)
def _topbar(facts: tuple) -> str:
    from django.template.loader import render_to_string

    from wuxing.core.pagecache import CSRF_SENTINEL

    _language, _urlconf, _prefix, signed_in, *rest = facts
    context = {"signed_in": signed_in, "csrf_token": CSRF_SENTINEL}
    if signed_in:
        context.update(zip(("name", "is_superuser", "star", "casefile", "is_admin", "unread"), rest))
    return render_to_string("core/_topbar.html", context, using="jinja2")


register.filter("star_level", star_level)
register.filter("week_status", status_word)  # on_time → 按时 (core.weeks.STATUS_WORDS)


@register.filter
def week_words(week) -> str:
    """(2026, 48) → '第48周（11月23日—11月29日）': a week as people write it (ISO weeks run Monday to Sunday;
    the year is added when the week is not in the current year)."""
    import datetime as dt

    from django.utils import timezone

    from wuxing.core.weeks import label, week_start

    if hasattr(week, "iso_year"):  # a weekly report
        week = (week.iso_year, week.iso_week)
    year, number = int(week[0]), int(week[1])
    monday = week_start(year, number)
    sunday = monday + dt.timedelta(days=6)
    named = label(year, number, with_year=year != timezone.localdate().year)
    return f"{named}（{monday.month}月{monday.day}日—{sunday.month}月{sunday.day}日）"


@register.filter
def is_button(bound_field) -> bool:
    """A field a page's buttons send (e.g. "保存并提交"), named in the form's `button_fields`: not drawn as an input."""
    return bound_field.name in getattr(bound_field.form, "button_fields", ())


@register.filter
def get_item(mapping, key):
    """{{ names|get_item:code }}: a dict lookup by a variable key ('' when absent)."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def percent(value) -> str:
    """0.8 or Decimal('0.800') → '80%' (a share reads as a percentage, never as 0.800)."""
    try:
        return f"{float(value) * 100:.4g}%"
    except (TypeError, ValueError):
        return ""

