"""Dates read from a dossier's OCR text, proposed for a case file's date fields. Pure Python, no Django.

A date is proposed for a field when a key word of that field stands near it on the same line (受理日期：
2026年3月4日; 于2026年3月2日提出……申请), or, failing that, when the page is a document whose title names the
step (the 成文日期 under 受理通知书 is the acceptance date). Nothing here writes a date: a person confirms or
corrects each proposal, and only confirmed dates reach the time-limit checks.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from wuxing.casefiles.checks import FIELD_WORDS

# Field → key words, longest first where one contains another (补正告知 before 告知).
KEYWORDS: dict[str, tuple[str, ...]] = {
    "supplement_notice": ("补正告知", "补正通知", "一次性告知", "告知补正", "告知"),
    "supplement_complete": ("补正齐全", "补齐"),
    "extension_notified": ("延期告知", "延长告知"),
    "extension_approved": ("延期批准", "批准延长", "延长期限"),
    "received": ("收件日期", "收件", "申请日期", "提出", "申请"),
    "accepted": ("受理日期", "受理"),
    "decided": ("决定日期", "作出", "决定"),
    "served": ("送达日期", "送达", "签收"),
    "published": ("公示日期", "公示"),
    "archived": ("归档日期", "归档"),
}
FIELD_LABELS = {field: f"{word}日期" for field, word in FIELD_WORDS.items()}  # 受理 → 受理日期
# A page's document, by its title: its 成文日期 is that step's date.
TITLES: tuple[tuple[str, str], ...] = (
    ("补正", "supplement_notice"), ("延期", "extension_notified"), ("受理通知", "accepted"),
    ("决定书", "decided"), ("送达回证", "served"), ("申请书", "received"), ("备考表", "archived"),
)
BEFORE, AFTER = 16, 10  # characters a key word may stand before or after the date on its line
AFTER_COST = 2

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "O": 0, "o": 0, "0": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_ARABIC = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[年\-./]\s*(\d{1,2})\s*[月\-./]\s*(\d{1,2})(?!\d)\s*日?")
_CN_YEAR = "[〇○零Oo0一二三四五六七八九]"
_CN_SMALL = "[一二三四五六七八九十]{1,3}"
_CHINESE = re.compile(rf"({_CN_YEAR}{{4}})\s*年\s*({_CN_SMALL})\s*月\s*({_CN_SMALL})\s*日")
_SPACE_BETWEEN = re.compile(r"(?<=[^\x00-\x7f\d])\s+|\s+(?=[^\x00-\x7f])")
_FULLWIDTH = str.maketrans("０１２３４５６７８９：（）", "0123456789:()")


@dataclass(frozen=True)
class Found:
    """A date on a page, where it stands."""

    day: dt.date
    line: str
    start: int
    end: int


@dataclass(frozen=True)
class Proposal:
    field: str
    day: dt.date
    page: int
    keyword: str
    snippet: str
    distance: int  # characters between the key word and the date; titles count as BEFORE + 1


def normalise(text: str) -> str:
    """OCR text with full-width digits made plain and the spaces Tesseract puts between Chinese characters removed."""
    lines = []
    for line in text.translate(_FULLWIDTH).splitlines():
        lines.append(_SPACE_BETWEEN.sub("", line).strip())
    return "\n".join(lines)


def _small_number(word: str) -> int:
    """一 … 三十一 as an int."""
    if "十" not in word:
        return _CN_DIGITS[word] if len(word) == 1 else -1
    tens, _sep, ones = word.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def dates_in(line: str) -> list[Found]:
    """Every valid date on a line, in Arabic (2026年3月4日, 2026-03-04, 2026.3.4) or Chinese numerals (二〇二六年三月四日)."""
    out = []
    for m in _ARABIC.finditer(line):
        try:
            out.append(Found(dt.date(int(m[1]), int(m[2]), int(m[3])), line, m.start(), m.end()))
        except ValueError:
            continue
    for m in _CHINESE.finditer(line):
        try:
            year = int("".join(str(_CN_DIGITS[c]) for c in m[1]))
            out.append(Found(dt.date(year, _small_number(m[2]), _small_number(m[3])), line, m.start(), m.end()))
        except (ValueError, KeyError):
            continue
    return sorted(out, key=lambda f: f.start)


def _keyword_near(found: Found) -> tuple[str, str, int] | None:
    """(field, key word, distance) of the nearest key word before or after the date on its line."""
    best = None
    before = found.line[max(0, found.start - BEFORE):found.start]
    after = found.line[found.end:found.end + AFTER]
    for field, words in KEYWORDS.items():
        for word in words:
            at = before.rfind(word)
            if at >= 0:
                distance = len(before) - (at + len(word))
                # A longer word ending at the same place wins (补正告知 over 告知); before wins over after.
                key = (distance, -len(word), 0)
                if best is None or key < best[0]:
                    best = (key, field, word)
            at = after.find(word)
            if at >= 0:
                # A verb after the date (于…提出, 于…送达) counts as further than a label before it (送达日期：…).
                key = (at + AFTER_COST, -len(word), 1)
                if best is None or key < best[0]:
                    best = (key, field, word)
    return None if best is None else (best[1], best[2], best[0][0])


def _title_field(lines: list[str]) -> tuple[str, str] | None:
    for line in lines[:6]:
        if not any(w in line for w in ("通知书", "决定书", "回证", "申请书", "告知书", "备考表")):
            continue
        for word, field in TITLES:
            if word in line:
                return field, line
    return None


def propose(pages: list[tuple[int, str]]) -> list[Proposal]:
    """One proposal per field, the best supported: a key word nearest its date, then the earliest page."""
    candidates: dict[str, list[Proposal]] = {}
    for number, text in pages:
        lines = [line for line in normalise(text).splitlines() if line]
        title = _title_field(lines)
        for line in lines:
            for found in dates_in(line):
                near = _keyword_near(found)
                if near is not None:
                    field, word, distance = near
                elif title is not None:
                    field, word, distance = title[0], title[1], BEFORE + 1
                else:
                    continue
                candidates.setdefault(field, []).append(Proposal(field, found.day, number, word, line[:80], distance))
    return [min(found, key=lambda p: (p.distance, p.page)) for field, found in sorted(
        candidates.items(), key=lambda kv: list(FIELD_LABELS).index(kv[0]))]
