"""Automatic checks of a licensing file from its dates and fields (research §5). Pure Python.

Each check returns a suggested finding that shows its computation, e.g.
受理 2025-09-26 → 决定 2025-10-31 = 21 个工作日（已扣除法定节假日）, 法定 20 日, 超期 1 日.
A reviewer confirms or waives every suggestion; nothing is deducted silently.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from wuxing.core.workdays import UnknownYear, YearEntry, workdays_after

CHECKS = {
    "T01": "补正告知时限（收件后 5 个工作日内一次性告知）",
    "T02": "逾期未告知补正视为受理",
    "T04": "受理时限（收件后 5 个工作日内受理）",
    "T05": "法定办理时限",
    "T07": "承诺办理时限",
    "T09": "准予许可后 10 个工作日内送达证件",
    "T15": "程序顺序（收件 ≤ 受理 ≤ 决定 ≤ 送达 ≤ 归档）",
    "T19": "作出决定后 7 个工作日内公示",
    "T21": "案卷材料完整",
}


@dataclass
class FileFacts:
    received: dt.date | None = None
    supplement_notice: dt.date | None = None
    supplement_complete: dt.date | None = None
    accepted: dt.date | None = None
    extension_approved: dt.date | None = None
    extension_notified: dt.date | None = None
    excluded: list[tuple[dt.date, dt.date, bool]] = field(default_factory=list)  # (start, end, written notice on file)
    decided: dt.date | None = None
    decision_type: str = "grant"  # grant / refuse / not_accept
    served: dt.date | None = None
    published: dt.date | None = None
    archived: dt.date | None = None
    documents: list[str] = field(default_factory=list)
    statutory_days: int = 20
    extension_days: int = 10
    promised_days: int | None = None
    instant: bool = False
    required_documents: list[str] = field(default_factory=list)
    pages: dict[str, int] = field(default_factory=dict)  # date field → the dossier page it was confirmed from


@dataclass(frozen=True)
class Suggestion:
    check: str
    passed: bool
    computation: str
    occurrences: int = 1  # for per-occurrence items (e.g. missing documents)


# The date fields each check reads, in the order its computation names them (for the page citations).
CHECK_FIELDS = {
    "T01": ("received", "supplement_notice"), "T02": ("received", "supplement_notice"),
    "T04": ("received", "supplement_complete", "accepted"),
    "T05": ("accepted", "supplement_complete", "extension_approved", "extension_notified", "decided"),
    "T07": ("accepted", "supplement_complete", "decided"), "T09": ("decided", "served"),
    "T15": ("received", "accepted", "decided", "served", "archived"), "T19": ("decided", "published"),
}
FIELD_WORDS = {"received": "收件", "supplement_notice": "补正告知", "supplement_complete": "补正齐全", "accepted": "受理",
               "extension_approved": "延期批准", "extension_notified": "延期告知", "decided": "决定", "served": "送达",
               "published": "公示", "archived": "归档"}


def cited(code: str, computation: str, pages: dict[str, int]) -> str:
    """The computation with the dossier page of each date it used that was confirmed from the scans."""
    used = [f"{FIELD_WORDS[name]}见第 {pages[name]} 页" for name in CHECK_FIELDS.get(code, ()) if name in pages]
    return computation + (f"（{'，'.join(used)}）" if used else "")


def _d(day: dt.date) -> str:
    return day.isoformat()


class Checker:
    def __init__(self, entered: dict[int, YearEntry] | None = None, count_start: bool = False):
        self.entered, self.count_start = entered, count_start

    def wd(self, a: dt.date, b: dt.date) -> int:
        return workdays_after(a, b, count_start=self.count_start, entered=self.entered)

    def run(self, f: FileFacts) -> list[Suggestion]:
        out = []
        for code in CHECKS:
            try:
                result = getattr(self, code.lower())(f)
            except UnknownYear as exc:
                result = Suggestion(code, False, str(exc))
            if result is not None:
                if f.pages:
                    result = Suggestion(result.check, result.passed, cited(code, result.computation, f.pages),
                                        result.occurrences)
                out.append(result)
        return out

    def effective_acceptance(self, f: FileFacts) -> dt.date | None:
        """Supplemented files are accepted when the supplement is complete; a notice later than 5 working
        days means the file counts as accepted on receipt (Art. 32(4))."""
        if f.received and f.supplement_notice and self.wd(f.received, f.supplement_notice) > 5:
            return f.received
        return f.supplement_complete or f.accepted

    def t01(self, f):
        if not (f.received and f.supplement_notice):
            return None
        n = self.wd(f.received, f.supplement_notice)
        return Suggestion("T01", n <= 5, f"收件 {_d(f.received)} → 补正告知 {_d(f.supplement_notice)} = {n} 个工作日，"
                                         f"应 ≤ 5 个工作日{'' if n <= 5 else f'，超出 {n - 5} 日'}")

    def t02(self, f):
        if not (f.received and f.supplement_notice):
            return None
        n = self.wd(f.received, f.supplement_notice)
        if n <= 5:
            return Suggestion("T02", True, f"补正告知在 5 个工作日内（{n} 日），不适用“视为受理”")
        return Suggestion("T02", False, f"补正告知晚于 5 个工作日（{n} 日），依法自收件之日 {_d(f.received)} 起视为受理，"
                                        f"办理时限按此计算")

    def t04(self, f):
        if not f.received or f.instant:
            return None
        base, label = (f.supplement_complete, "补正齐全") if f.supplement_complete else (f.received, "收件")
        accepted = f.accepted or f.supplement_complete
        if not accepted:
            return None
        n = self.wd(base, accepted) if accepted >= base else 0
        return Suggestion("T04", n <= 5, f"{label} {_d(base)} → 受理 {_d(accepted)} = {n} 个工作日，应 ≤ 5 个工作日"
                                         + ("" if n <= 5 else f"，超出 {n - 5} 日"))

    def _excluded(self, f) -> tuple[int, str]:
        days, notes = 0, []
        for start, end, noticed in f.excluded:
            if noticed:
                n = self.wd(start - dt.timedelta(days=1), end)
                days += n
                notes.append(f"扣除 {_d(start)}～{_d(end)} {n} 个工作日（有书面告知）")
            else:
                notes.append(f"{_d(start)}～{_d(end)} 未书面告知，不予扣除")
        return days, "；".join(notes)

    def t05(self, f):
        start = self.effective_acceptance(f)
        if not (start and f.decided) or f.instant:
            return None
        used = self.wd(start, f.decided)
        excluded, note = self._excluded(f)
        limit = f.statutory_days
        extended = (f.extension_approved is not None and f.extension_notified is not None
                    and self.wd(start, f.extension_approved) <= f.statutory_days)
        if extended:
            limit += f.extension_days
        net = used - excluded
        text = f"受理 {_d(start)} → 决定 {_d(f.decided)} = {used} 个工作日（已扣除法定节假日）"
        if note:
            text += f"；{note}，计 {net} 日"
        text += f"，法定 {f.statutory_days} 日" + (f"，经批准延长 {f.extension_days} 日" if extended else "")
        if f.extension_approved and not extended:
            text += "（延期审批晚于原期限或未告知申请人，不计延期）"
        text += "" if net <= limit else f"，超期 {net - limit} 日"
        return Suggestion("T05", net <= limit, text)

    def t07(self, f):
        start = self.effective_acceptance(f)
        if not (start and f.decided and f.promised_days) or f.instant:
            return None
        used = self.wd(start, f.decided) - self._excluded(f)[0]
        ok = used <= f.promised_days and f.promised_days <= f.statutory_days
        text = f"受理 {_d(start)} → 决定 {_d(f.decided)} 计 {used} 个工作日，承诺 {f.promised_days} 日"
        if used > f.promised_days:
            text += f"，超出承诺 {used - f.promised_days} 日"
        if f.promised_days > f.statutory_days:
            text += f"；承诺时限长于法定时限 {f.statutory_days} 日"
        return Suggestion("T07", ok, text)

    def _after_decision(self, f, code: str, step: str, day, limit: int, missing: str) -> Suggestion:
        """A step that must follow the decision within `limit` working days (送达, 公示)."""
        if not day:
            return Suggestion(code, False, missing)
        n = self.wd(f.decided, day)
        return Suggestion(code, n <= limit, f"决定 {_d(f.decided)} → {step} {_d(day)} = {n} 个工作日，应 ≤ {limit} 个工作日"
                                            + ("" if n <= limit else f"，超出 {n - limit} 日"))

    def t09(self, f):
        if f.decision_type != "grant" or not f.decided:
            return None
        return self._after_decision(f, "T09", "送达", f.served, 10,
                                    f"准予许可决定 {_d(f.decided)} 后无送达日期（缺送达回证或邮寄凭证）")

    def t15(self, f):
        steps = [("收件", f.received), ("受理", f.supplement_complete or f.accepted), ("决定", f.decided),
                 ("送达", f.served), ("归档", f.archived)]
        present = [(name, day) for name, day in steps if day]
        broken = [(a, b) for a, b in zip(present, present[1:]) if b[1] < a[1]]
        if not broken:
            return Suggestion("T15", True, "程序日期顺序正确：" + " ≤ ".join(f"{n} {_d(d)}" for n, d in present))
        (a, da), (b, db) = broken[0]
        return Suggestion("T15", False, f"程序顺序颠倒：{b} {_d(db)} 早于 {a} {_d(da)}")

    def t19(self, f):
        if not f.decided or f.decision_type == "not_accept":
            return None
        return self._after_decision(f, "T19", "公示", f.published, 7, f"决定 {_d(f.decided)} 后未见公示记录（双公示）")

    def t21(self, f):
        if not f.required_documents:
            return None
        missing = [d for d in f.required_documents if d not in set(f.documents)]
        if not missing:
            return Suggestion("T21", True, f"应有材料 {len(f.required_documents)} 项，齐全")
        return Suggestion("T21", False, f"缺少材料 {len(missing)} 项：{'、'.join(missing)}", occurrences=len(missing))
