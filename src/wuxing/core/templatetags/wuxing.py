"""Template helpers shared by the apps."""

from django import template

register = template.Library()


@register.filter
def star_names(codes, names) -> str:
    """['zbgy', 'pafz'] with {'zbgy': '支部过硬星', …} → '支部过硬星、平安法治星' (codes kept if unknown)."""
    if not codes:
        return ""
    names = names or {}
    return "、".join(names.get(code, code) for code in codes)


LEVEL_WORDS = ["无星级", "一星级", "二星级", "三星级", "四星级", "五星级"]


@register.filter
def star_level(level) -> str:
    """3 → '三星级': how documents and pages speak a level (never '3 星级')."""
    try:
        return LEVEL_WORDS[int(level)]
    except (TypeError, ValueError, IndexError):
        return ""


@register.filter
def get_item(mapping, key):
    """{{ names|get_item:code }}: a dict lookup by a variable key ('' when absent)."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""
