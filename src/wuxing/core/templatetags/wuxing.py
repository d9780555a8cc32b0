"""Template helpers shared by the apps."""

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

