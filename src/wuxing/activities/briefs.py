"""News-style briefs out of an activity, in the usual style of a district paper. Pure Python.

    {headline}
    ——{subtitle}
    本报讯（记者 {reporter} 通讯员 {a} {b}）{M}月{D}日，{organiser}召开{meeting}。{host}主持会议，
    {attendees}{participants}参加会议。会议学习了《…》《…》。会议要求，{requirements}
    {content}
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class BriefInput:
    organiser: str
    meeting: str  # e.g. "“五星”支部创建推进会"
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


def headline(b: BriefInput) -> str:
    return b.headline or f"{b.organiser}召开{b.meeting}"


def byline(b: BriefInput) -> str:
    parts = []
    if b.reporter:
        parts.append(f"记者 {b.reporter}")
    if b.correspondents:
        parts.append("通讯员 " + " ".join(b.correspondents))
    return f"（{' '.join(parts)}）" if parts else ""


def lead(b: BriefInput) -> str:
    text = f"本报讯{byline(b)}{b.on.month}月{b.on.day}日，{b.organiser}召开{b.meeting}。"
    if b.host:
        text += f"{b.host}主持会议"
        text += f"，{b.attendees}{b.participants}参加会议。" if (b.attendees or b.participants) else "。"
    elif b.attendees or b.participants:
        text += f"{b.attendees}{b.participants}参加会议。"
    if b.documents:
        text += "会议学习了" + "".join(f"《{d}》" for d in b.documents) + "。"
    if b.requirements:
        req = b.requirements.strip()
        text += f"会议要求，{req}" + ("" if req.endswith(("。", "！", "？")) else "。")
    return text


def render(b: BriefInput) -> str:
    lines = [headline(b)]
    if b.subtitle:
        lines.append(f"——{b.subtitle}")
    lines.append(lead(b))
    lines += [p.strip() for p in b.content.splitlines() if p.strip()]
    return "\n".join(lines)
