"""The office's weekly roll-up (周工作动态汇总) as an official document (.docx, PDF) and as .xlsx."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from wuxing.core import gongwen
from wuxing.core import weeks as deadlines
from wuxing.orgs import services as orgs


def key(campaign, office, week: tuple[int, int]) -> str:
    return f"weekly.rollup:{campaign.pk}:{office.pk}:{week[0]}-{week[1]}"


def title(office, week: tuple[int, int]) -> str:
    return _("{office}{week}工作动态汇总").format(office=office.name, week=deadlines.label(*week))


def official(campaign, office, week: tuple[int, int], rows) -> gongwen.Official:
    """The roll-up printed for the office's meeting, in the layout of GB/T 9704, with its document number once
    the office has issued it (a blank number before)."""
    monday = deadlines.week_start(*week)
    sunday = monday + dt.timedelta(days=6)
    submitted = [(b, r, s) for b, r, s in rows if r is not None and r.submitted_at is not None]
    # Before the deadline nobody is missing yet: the same rule as the weekly page (未到截止) and the dashboard.
    due = campaign.weekly_due(*week)
    pending = deadlines.status(None, due, timezone.now()) == deadlines.PENDING
    missing = [b.name for b, report, status in rows if report is None or report.submitted_at is None]
    if pending:
        due = timezone.localtime(due)
        clock = f"{due.hour}时" + (f"{due.minute}分" if due.minute else "")
        state = _("尚未报送{m}个（截止时间{month}月{day}日{clock}）").format(
            m=len(missing), month=due.month, day=due.day, clock=clock)
        missing_heading = _("三、尚未报送党支部")
    else:
        state = _("未报送{m}个").format(m=len(missing))
        missing_heading = _("三、未报送党支部")
    body: list = [
        _("一、总体情况"),
        _("{a}至{b}，全办事处应报送周工作动态的党支部{n}个，已报送{k}个（其中按时{t}个），{state}。").format(
            a=f"{monday.month}月{monday.day}日", b=f"{sunday.month}月{sunday.day}日", n=len(rows), k=len(submitted),
            t=sum(1 for _b, _r, s in submitted if s == deadlines.ON_TIME), state=state),
        _("二、各支部工作动态"),
    ]
    for i, (branch, report, status) in enumerate(submitted, 1):
        body.append(f"（{gongwen.chinese_number(i)}）{branch.name}（{deadlines.status_word(status)}）。")
        items = [f"{n}．{item.text}" for n, item in enumerate(report.items.all(), 1)]
        body += [text for text in (report.summary, *items) if text]
        for heading, text in ((_("问题和困难"), report.problems), (_("下周计划"), report.next_plan),
                              (_("亮点"), report.highlights)):
            if text:
                body.append(f"{heading}：{text}")
    if not submitted:
        body.append(_("本周暂无党支部报送工作动态。"))
    body += [missing_heading, ("、".join(missing) + "。") if missing else _("无。")]
    head = orgs.document_head(office, key(campaign, office, week))
    return gongwen.Official(
        mark=head.mark, number=head.number, title=title(office, week), addressees=_("各社区（村）党组织"), body=body,
        signer=office.name, date=head.date, printer=office.name, printed=head.date,
        draft="" if head.issued else _("（未编号稿，在汇总页点击“编号印发”后编定发文字号）"))


def docx_bytes(campaign, office, week: tuple[int, int], rows) -> bytes:
    return gongwen.docx_bytes(official(campaign, office, week, rows))


def xlsx_rows(rows):
    for branch, report, status in rows:
        items = "\n".join(i.text for i in report.items.all()) if report else ""
        yield [branch.name, branch.code, deadlines.status_word(status),
               timezone.localtime(report.submitted_at).strftime("%Y-%m-%d %H:%M") if report and report.submitted_at else "",
               report.get_status_display() if report else "", (report.summary + ("\n" + items if items else "")) if report else "",
               report.problems if report else "", report.next_plan if report else "", report.highlights if report else ""]


XLSX_HEADERS = ["支部", "编码", "报送情况", "提交时间", "审阅状态", "本周工作", "问题和困难", "下周计划", "亮点"]
