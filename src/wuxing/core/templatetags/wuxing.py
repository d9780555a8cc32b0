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
