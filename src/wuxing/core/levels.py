"""How a level is spoken: 3 → 三星级. Pure Python, so the pure engines can use it as the pages do."""

LEVEL_WORDS = ["无星级", "一星级", "二星级", "三星级", "四星级", "五星级"]


def star_level(level) -> str:
    """3 → '三星级': how documents and pages speak a level (never '3 星级')."""
    try:
        return LEVEL_WORDS[int(level)]
    except (TypeError, ValueError, IndexError):
        return ""
