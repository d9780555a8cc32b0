"""Turning news briefs back into activity records. Pure Python, no Django.

Text is cleaned first (activities.cleanup), split into articles at their headlines, and each
article's fields are read from its lead: the date, the organising unit, the activity type, the
host (…主持), the participant count, document titles (《…》), and the byline (记者 … 通讯员 …).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from wuxing.activities.cleanup import BARE_BYLINE, POST_HEADER, SOURCE_LINE, clean, looks_like_title

TYPES = [  # most specific first
    ("书记论坛", ("书记论坛", "书记擂台", "论坛")),
    ("座谈会", ("座谈会", "座谈")),
    ("部署会", ("部署会", "部署大会", "安排部署")),
    ("推进会", ("推进会", "推进大会", "观摩推进")),
    ("动员会", ("动员会", "动员大会")),
    ("培训", ("培训会", "培训班", "培训")),
    ("评查会", ("评查会", "评查")),
    ("观摩", ("观摩",)),
]
TYPE_CODES = {"书记论坛": "forum", "座谈会": "symposium", "部署会": "deployment", "推进会": "progress",
              "动员会": "mobilisation", "培训": "training", "评查会": "review", "观摩": "tour", "其他": "other"}

DATE = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*日")
YEAR = re.compile(r"(20\d{2})\s*年")
HOST = re.compile(r"([^，。；、\s（）()]{2,30}?)(?:同志)?主持")
PARTICIPANTS = re.compile(r"(\d+|[一二两三四五六七八九十百千]+)\s*(余|多)?\s*(名|人)")
DOCUMENTS = re.compile(r"《([^《》\n]{1,60})》")
BYLINE = re.compile(r"[（(]\s*(?:记者\s*(?P<reporter>[^\s通）)][^通）)]*?))?\s*(?:通讯员\s*(?P<corr>[^）)]*?))?\s*[）)]")
ORG_ACTION = re.compile(r"(?:日|上午|下午|晚)，?\s*([^，。；\s]{2,24}?)(?:组织召开|召开|举办|举行|组织开展|开展|组织)")
OUTSIDE_UNIT = re.compile(r"^[\u4e00-\u9fff]{2,16}(?:局|委|部|办|院|所|中心|队|站|公司|党工委|管委会|分局)$")
UNIT_SUFFIXES = ("街道办事处", "办事处", "街道", "乡", "镇", "社区", "村")
HOST_PREFIX = re.compile(r"^(?:会议|活动|论坛|培训|座谈会|会上|本次会议)?由")
POST_DATE = re.compile(r"发布(?:时间|日期)[：:]\s*(20\d{2})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})")
POST_SOURCE = re.compile(r"来源[：:]\s*([^\s：:]{2,30})")
BYLINE_SUFFIX = re.compile(r"\s*(?:文\s*/\s*图|图\s*/\s*文|文/摄|摄影|摄|供稿|文)$")
CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


@dataclass
class Article:
    title: str
    subtitle: str = ""
    date: str = ""  # MM-DD
    year: int | None = None
    organizer: str = ""
    organizer_matched: bool = False  # found in the org tree
    type: str = "其他"
    host: str = ""
    participants: str = ""  # as written: "40余人"
    participants_count: int | None = None
    attendees: str = ""  # who, as written before the count: "各社区党组织书记"
    documents: list[str] = field(default_factory=list)
    reporter: str = ""
    correspondents: list[str] = field(default_factory=list)
    body: str = ""

    def as_json(self) -> dict:
        data = asdict(self)
        return {k: data[k] for k in ("title", "date", "organizer", "type", "host", "participants", "documents",
                                     "reporter", "correspondents", "body")}


def cn_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    total, section, number = 0, 0, 0
    units = {"十": 10, "百": 100, "千": 1000}
    for ch in text:
        if ch in CN_DIGITS:
            number = CN_DIGITS[ch]
        elif ch in units:
            section += (number or 1) * units[ch]
            number = 0
        else:
            return None
    return total + section + number


def split_articles(lines: list[tuple[str, bool]]) -> list[tuple[list[str], list[str]]]:
    """(title lines, body lines) per article. An article starts at a headline block: lines flagged as
    titles, which the cleanup marks above each 本报讯 lead and on Markdown headings."""
    articles: list[tuple[list[str], list[str]]] = []
    titles: list[str] = []
    for text, is_title in lines:
        if not text:
            continue
        if is_title:
            if articles and not titles and not articles[-1][1]:
                articles[-1][0].append(text)  # a subtitle under a heading with no body yet
                continue
            titles.append(text)
            continue
        if titles:
            articles.append((titles, []))
            titles = []
        if not articles:
            articles.append(([], []))
        articles[-1][1].append(text)
    if titles:
        articles.append((titles, []))
    kept = [(t, b) for t, b in articles if b]
    if len(kept) == 1 and not kept[0][0] and len(kept[0][1]) > 1 and looks_like_title(kept[0][1][0]):
        # One pasted article without markings: its first short line is the headline.
        kept = [([kept[0][1][0]], kept[0][1][1:])]
    # Text before the first headline that is no news (a preface, leftover furniture) is dropped.
    return [(t, b) for t, b in kept if t or any(line.startswith("本报讯") or DATE.search(line) for line in b)]


def _title_parts(titles: list[str]) -> tuple[str, str]:
    main = [t for t in titles if not t.startswith(("——", "—", "－－"))]
    sub = [t.lstrip("—－- ") for t in titles if t.startswith(("——", "—", "－－"))]
    return (main[-1] if main else (titles[0] if titles else "")), (sub[0] if sub else "")


def match_unit(candidate: str, units: Iterable[str]) -> tuple[str, bool]:
    """A name from the text against the org tree: exact, or a short form without its suffix
    (明湖 → 明湖办事处). Units outside the tree (a district bureau) are kept as written."""
    names = list(units)
    for name in names:
        if candidate == name:
            return name, True
    for name in sorted(names, key=len, reverse=True):
        if candidate.endswith(name) or name in candidate:
            return name, True
    for name in names:
        for suffix in UNIT_SUFFIXES:
            if name.endswith(suffix) and name[: -len(suffix)] and candidate in (name[: -len(suffix)],):
                return name, True
    return candidate, False


def find_organizer(lead: str, units: list[str]) -> tuple[str, bool]:
    match = ORG_ACTION.search(lead)
    if match:
        name, found = match_unit(match.group(1), units)
        if found or OUTSIDE_UNIT.match(name):
            return name, found
    for name in sorted(units, key=len, reverse=True):  # a unit named anywhere in the lead
        if name in lead:
            return name, True
    return (match.group(1), False) if match else ("", False)


def _names(text: str) -> list[str]:
    return [n for n in re.split(r"[\s、，,]+", text) if n]


def trailing_credits(body_lines: list[str]) -> tuple[list[str], dict]:
    """The body without the lines a paper or an account puts around it, and what they say: a post's header
    (发布时间：… 来源：…), a byline after the body (记者 王芳 通讯员 赵磊 孙丽 文/图), a closing source in
    parentheses (（九龙办事处 马超 李娜）)."""
    found: dict = {"reporter": "", "correspondents": [], "source": "", "published": None}
    kept = []
    for line in body_lines:
        if POST_HEADER.match(line):
            date = POST_DATE.search(line)
            if date:
                found["published"] = tuple(int(x) for x in date.groups())
            source = POST_SOURCE.search(line)
            if source:
                found["source"] = source.group(1)
            continue
        kept.append(line)
    while kept and (BARE_BYLINE.match(kept[-1]) or SOURCE_LINE.match(kept[-1])):
        line = kept.pop().strip()
        if BARE_BYLINE.match(line):
            line = BYLINE_SUFFIX.sub("", line)
            reporter, _sep, corr = line.partition("通讯员")
            found["reporter"] = " ".join(reporter.replace("记者", "", 1).split()) if reporter.startswith("记者") else ""
            found["correspondents"] = _names(corr)
        else:
            parts = _names(BYLINE_SUFFIX.sub("", line[1:-1]))
            if len(parts) >= 2:
                found["source"] = found["source"] or parts[0]
                found["correspondents"] = parts[1:]
            else:
                kept.append(line)  # a parenthesis of the text itself
                break
    return kept, found


def parse_article(titles: list[str], body_lines: list[str], units: list[str], default_year: int | None = None) -> Article:
    title, subtitle = _title_parts(titles)
    body_lines, credits = trailing_credits(body_lines)
    body = "\n".join(body_lines)
    lead = body_lines[0] if body_lines else ""
    art = Article(title=title, subtitle=subtitle, body=body)
    date = DATE.search(lead) or DATE.search(body)
    published = credits["published"]
    if date:
        art.date = f"{int(date.group(1)):02d}-{int(date.group(2)):02d}"
    elif published:
        art.date = f"{published[1]:02d}-{published[2]:02d}"
    year = YEAR.search(lead) or YEAR.search(title)
    art.year = int(year.group(1)) if year else published[0] if published else default_year
    byline = BYLINE.search(lead)
    is_byline = bool(byline) and ("记者" in byline.group(0) or "通讯员" in byline.group(0))
    text_after_byline = lead[:byline.start()] + lead[byline.end():] if is_byline else lead
    art.organizer, art.organizer_matched = find_organizer(text_after_byline, units)
    if not art.organizer and credits["source"]:  # only where the text names no organiser
        art.organizer, art.organizer_matched = match_unit(credits["source"], units)
    # The title says what the activity was; the lead only where the title does not (a training's lead may
    # well mention 安排部署).
    art.type = next((label for text in (title, lead) for label, words in TYPES if any(w in text for w in words)),
                    "其他")
    host = HOST.search(body)
    if host:
        art.host = HOST_PREFIX.sub("", host.group(1))
    scope = body.split("参加", 1)[0] if "参加" in body else body
    people = list(PARTICIPANTS.finditer(scope))
    if people:
        last = people[-1]
        art.participants = last.group(0).replace(" ", "")
        art.participants_count = cn_number(last.group(1))
        before = re.split(r"[，。；：,;:]", scope[:last.start()])[-1].strip()
        art.attendees = re.sub(r"(?:共|等|约|计)$", "", before)[:200]
    seen: list[str] = []
    for doc in DOCUMENTS.findall(body):
        if doc not in seen:
            seen.append(doc)
    art.documents = seen
    if is_byline:
        art.reporter = " ".join((byline.group("reporter") or "").split())
        art.correspondents = _names(byline.group("corr") or "")
    else:
        art.reporter, art.correspondents = credits["reporter"], credits["correspondents"]
    return art


def parse(text: str, units: list[str] | None = None, default_year: int | None = None) -> tuple[str, list[Article]]:
    """Clean `text` and parse every article in it; returns the clean text and the articles."""
    cleaned, lines = clean(text)
    return cleaned, [parse_article(t, b, list(units or []), default_year) for t, b in split_articles(lines)]


