"""Who hears of each step of the case-file review (called by casefiles.services inside the step):

    sheets assigned          each reviewer, with how many files are theirs
    second review requested  the second reviewer
    sheets diverge           the organisers (an arbitration is needed)
    rectification issued     each unit's reviewed-unit people
    rectification updated    the unit's people (after an arbitration)
    rectification answered   the organisers (to follow up)
    rectification closed     the unit's people
"""

from __future__ import annotations

from collections import Counter

from django.urls import reverse
from django.utils.translation import gettext as _

from wuxing.messaging import people
from wuxing.messaging.services import tell


def assigned(actor, campaign, samples) -> None:
    counts = Counter(s.reviewer_id for s in samples)
    from wuxing.orgs.models import User

    url = reverse("casefiles:campaign", args=[campaign.pk])
    for user in User.objects.filter(pk__in=counts, is_active=True):
        tell([user], _("{title}：分配给您 {n} 份案卷待评查").format(title=campaign.title, n=counts[user.pk]), "", url)


def second_review(actor, sample) -> None:
    tell([sample.second_reviewer], _("{title}：案卷 {f} 请您复核评查").format(title=sample.campaign.title,
                                                                    f=sample.file.file_no),
         "", reverse("casefiles:sheet", args=[sample.pk]))


def diverged(actor, sample, reasons: list[str]) -> None:
    campaign = sample.campaign
    tell(people.union(people.organisers(campaign.unit), without=actor),
         _("{title}：案卷 {f} 两份评查表结论不一致，需要仲裁").format(title=campaign.title, f=sample.file.file_no),
         "；".join(reasons), reverse("casefiles:sheet", args=[sample.pk]))


def issued(actor, campaign, rects) -> None:
    for rect in rects:
        tell(people.reviewed_unit_people(rect.unit),
             _("{title}：请于 {d} 前完成整改并报送整改情况").format(title=campaign.title,
                                                       d=rect.deadline.strftime("%Y-%m-%d")),
             rect.problems[:500], reverse("casefiles:rectification", args=[rect.pk]), unit=rect.unit)


def updated_by_arbitration(actor, rect, sample, sheet, reason: str) -> None:
    tell(people.reviewed_unit_people(rect.unit), _("整改通知已按仲裁结果更新：{f}").format(f=sample.file.file_no),
         _("案卷 {f} 经仲裁采用得分 {s}（{b}）。理由：{r}").format(f=sample.file.file_no, s=sheet.score, b=sheet.band,
                                                       r=reason),
         reverse("casefiles:rectification", args=[rect.pk]), unit=rect.unit)


def answered(actor, rect) -> None:
    tell(people.union(people.organisers(rect.campaign.unit), without=actor),
         _("{unit}报送了整改情况，请回头看验收").format(unit=rect.unit.name), rect.response[:500],
         reverse("casefiles:rectification", args=[rect.pk]))


def closed(actor, rect) -> None:
    tell(people.union(people.reviewed_unit_people(rect.unit), without=actor),
         _("{title}：整改已验收关闭").format(title=rect.campaign.title), rect.followup[:500],
         reverse("casefiles:rectification", args=[rect.pk]), unit=rect.unit)
