"""News-style briefs out of an activity, in the usual style of a district paper. Pure Python.

    {headline}
    ——{subtitle}
    本报讯（记者 {reporter} 通讯员 {a} {b}）{M}月{D}日，{organiser}召开{meeting}。{host}主持会议，
    {attendees}{participants}参加会议。会议学习了《…》《…》。
    {content}
    会议要求，{requirements}

A record parsed from a brief carries the headline as its title ("明湖办事处召开……推进会") and the article as
its content, lead included; the brief made from it names the organiser once and has one 本报讯.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

VERBS = ("组织召开", "召开", "举办", "举行", "组织开展", "开展", "组织")
SENTENCE = re.compile(r"[^。！？]*[。！？]?")
DATE_START = re.compile(r"^(?:\d{4}年)?\d{1,2}月\d{1,2}日")


@dataclass
class BriefInput:
    organiser: str
    meeting: str  # e.g. "“五星”支部创建推进会", or a whole headline "明湖办事处召开……推进会"
    on: dt.date
    host: str = ""
    attendees: str = ""  # who: "各社区党组织书记"
    participants: str = ""  # how many, as written: "40余人"
    documents: list[str] = field(default_factory=list)
    requirements: str = ""
    content: str = ""
    reporter: str = ""
    correspondents: list[str] = field(default_factory=list)
    subtitle: str = ""
    headline: str = ""


def of_record(a) -> BriefInput:
    """The brief's input from an activity record (any object with the record's fields)."""
    return BriefInput(organiser=a.organiser_name or a.unit.name, meeting=a.title, on=a.on, host=a.host,
                      attendees=a.attendees, participants=a.participants, documents=list(a.documents),
                      requirements=a.requirements, content=a.content, reporter=a.reporter,
                      correspondents=list(a.correspondents), subtitle=a.subtitle)


def verb_and_meeting(b: BriefInput) -> tuple[str, str]:
    """What was held and how: a headline-style title loses its organiser and keeps its own verb
    (京航办事处举办……培训班 → 举办, ……培训班)."""
    meeting = b.meeting.strip()
    if b.organiser and meeting.startswith(b.organiser):
        meeting = meeting[len(b.organiser):]
    for verb in VERBS:
        if meeting.startswith(verb):
            return verb, meeting[len(verb):]
    return "召开", meeting


def headline(b: BriefInput) -> str:
    if b.headline:
        return b.headline
    if b.organiser and b.meeting.startswith(b.organiser):
        return b.meeting
    verb, meeting = verb_and_meeting(b)
    return f"{b.organiser}{verb}{meeting}"


def byline(b: BriefInput) -> str:
    parts = []
    if b.reporter:
        parts.append(f"记者 {b.reporter}")
    if b.correspondents:
        parts.append("通讯员 " + " ".join(b.correspondents))
    return f"（{' '.join(parts)}）" if parts else ""


def _covered(sentence: str, b: BriefInput) -> bool:
    """A sentence (or clause) of a parsed lead that the generated lead already says."""
    s = sentence.strip().rstrip("。！？")
    verb, meeting = verb_and_meeting(b)
    return (not s or DATE_START.match(s) is not None or "主持" in s or "参加" in s
            or (bool(meeting) and s.endswith(meeting))
            or (bool(b.organiser) and any(s.startswith(b.organiser + v) for v in VERBS))
            or (bool(b.documents) and s.startswith(("会议学习了", "学习了")) and "《" in s))


def _uncovered(sentence: str, b: BriefInput) -> str:
    """What a sentence of a parsed lead says beyond the generated lead: the sentence when none of it is
    said, its other clauses when its first (date, organiser, meeting) is."""
    if not _covered(sentence, b):
        return sentence
    clauses = [c for c in re.split(r"[，,]", sentence.strip().rstrip("。！？")) if c and not _covered(c, b)]
    return "，".join(clauses) + "。" if clauses else ""


def content_paragraphs(b: BriefInput) -> list[str]:
    """The content without what the lead says: a parsed article's own lead (its 本报讯 paragraph, or its
    dated first paragraph, and what follows until a paragraph says something new) is reduced to the
    sentences the generated lead does not cover; its 会议要求 paragraph waits for the end."""
    out = []
    in_lead = False
    for i, para in enumerate(p.strip() for p in b.content.splitlines() if p.strip()):
        if para.startswith("本报讯") or (i == 0 and DATE_START.match(para)):
            in_lead = True
            para = re.sub(r"^本报讯\s*(?:[（(][^）)]*[）)])?", "", para)
        if in_lead:
            sentences = SENTENCE.findall(para)
            para = "".join(_uncovered(s, b) for s in sentences)
            in_lead = not para  # the lead goes on while every sentence of it is said already
        if b.requirements and para.startswith("会议要求"):
            continue  # said once, at the end
        if para:
            out.append(para)
    return out


def noun(meeting: str) -> str:
    """What the lead calls the activity: 会议, or 培训 / 论坛 / 活动 / 观摩 for those."""
    for word, said in (("培训", "培训"), ("论坛", "论坛"), ("观摩", "观摩"), ("活动", "活动")):
        if word in meeting[-6:]:
            return said
    return "会议"


def lead(b: BriefInput) -> str:
    verb, meeting = verb_and_meeting(b)
    what = noun(meeting)
    text = f"本报讯{byline(b)}{b.on.month}月{b.on.day}日，{b.organiser}{verb}{meeting}。"
    if b.host:
        host = b.host if b.host.endswith("主持") else f"{b.host}主持{what}"
        text += host
        text += f"，{b.attendees}{b.participants}参加{what}。" if (b.attendees or b.participants) else "。"
    elif b.attendees or b.participants:
        text += f"{b.attendees}{b.participants}参加{what}。"
    if b.documents:
        text += ("会议学习了" if what == "会议" else f"{what}中学习了") + "".join(f"《{d}》" for d in b.documents) + "。"
    return text


def requirements(b: BriefInput) -> str:
    req = b.requirements.strip()
    if not req:
        return ""
    req = re.sub(r"^会议要求[，,：:]?", "", req)
    return f"会议要求，{req}" + ("" if req.endswith(("。", "！", "？")) else "。")


def render(b: BriefInput) -> str:
    lines = [headline(b)]
    if b.subtitle:
        lines.append(f"——{b.subtitle}")
    lines.append(lead(b))
    lines += content_paragraphs(b)
    if b.requirements:
        lines.append(requirements(b))
    return "\n".join(lines)
