"""The 评星 queue's and the naming list's sheets as exports (wuxing.core.services: "evaluation.claims",
"evaluation.awards"): read with the reader's scope, in the request or, past EXPORT_INLINE_ROWS, by the job runner."""

from __future__ import annotations

from django.utils.translation import gettext as _

CLAIM_HEADERS = ["办事处", "支部", "状态", "申报星数", "初审通过星数", "拟命名星级"]
AWARD_HEADERS = ["办事处", "支部", "命名星级", "现有星级", "现有的星", "命名日期"]


def claim_rows(subs):
    for s in subs.iterator(chunk_size=2000):
        yield [s.branch.parent.name if s.branch.parent else "", s.branch.name, s.get_status_display(),
               len(s.claimed_star_codes), len(s.office_star_codes),
               s.proposed_level if s.status in ("proposed", "notice", "awarded") else ""]


def award_rows(items):
    for a in items.iterator(chunk_size=2000):
        yield [a.branch.parent.name if a.branch.parent else "", a.branch.name, a.level, a.effective_level,
               "、".join(a.effective_star_codes), a.awarded_at.date()]


def _campaign(user, params):
    from wuxing.campaigns.selectors import visible_campaign
    from wuxing.core.services import ExportGone

    campaign = visible_campaign(user, params.get("campaign"))
    if campaign is None:
        raise ExportGone(_("要导出的年度创建活动已不存在，或您已无权查看。"))
    return campaign


def claims_job(user, params: dict):
    from wuxing.core.services import Sheet
    from wuxing.evaluation.selectors import submissions_in_scope

    subs = submissions_in_scope(user, _campaign(user, params), params.get("status") or "", q=params.get("q") or "",
                                office=params.get("office"), star=params.get("star") or "")
    return Sheet(CLAIM_HEADERS, claim_rows(subs), None, size=subs)


def awards_job(user, params: dict):
    from wuxing.core.services import Sheet
    from wuxing.evaluation.selectors import awards_in_scope

    items = awards_in_scope(user, _campaign(user, params))
    return Sheet(AWARD_HEADERS, award_rows(items), None, size=items)
