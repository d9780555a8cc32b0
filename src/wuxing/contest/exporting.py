"""The branch ranking's sheet as an export (wuxing.core.services: "contest.branch_ranking"): read with the reader's
scope, in the request or, past EXPORT_INLINE_ROWS, by the job runner."""

from __future__ import annotations

from django.utils.translation import gettext as _

BRANCH_HEADERS = ["名次", "支部", "办事处", "星级", "星数", "任务完成率%", "星级来源"]


def pick_area(groups, root, office):
    """The area the ranking is drawn for: the office asked for among the area's groups, else the area."""
    return next((g for g in groups if g.pk == office), None) or root


def branch_ranking_job(user, params: dict):
    from wuxing.campaigns.selectors import visible_campaign
    from wuxing.core.services import ExportGone, Sheet
    from wuxing.rollups import selectors as rollups

    campaign = visible_campaign(user, params.get("campaign"))
    if campaign is None:
        raise ExportGone(_("要导出的年度创建活动已不存在，或您已无权查看。"))
    root = rollups.area(user, campaign, params.get("unit"))
    area = pick_area(rollups.groups(user, root), root, params.get("office"))
    kind = params.get("kind") or ""
    _first, total, _page, _pages = rollups.ranking_page(user, campaign, area, kind, 1, per_page=1)

    def rows():  # ranked only when the file is written
        ranked, _total, _page, _pages = rollups.ranking_page(user, campaign, area, kind, 1, per_page=10 ** 7)
        for r, s in ranked:
            yield [r, s.branch.name, s.office.name if s.office else "", s.level, s.star_count, float(s.progress),
                   "命名" if s.named else "评估"]

    return Sheet(BRANCH_HEADERS, rows(), None, size=total)
