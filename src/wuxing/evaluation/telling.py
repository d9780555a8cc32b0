"""Who hears of each step of the review chain, and what they read. Called by evaluation.services inside
the step's transaction; the actor never hears of their own step.

    claim submitted         the office admins (to review) and the branch's leaders
    returned by the office  the branch's people
    passed by the office    the star reviewers owning a forwarded star and the district admins; the branch
    returned by the district  the office admins
    star decided            the branch's people and the office admins
    notice published        each listed branch's people and office admins
    objection filed         the district admins, and the office admins of the branch named
    objection resolved      the branch named: its people and office admins
    batch named             each named branch's people and office admins
    star removed / vetoed   the branch's people and office admins
    veto recorded by an office  the district admins (to confirm)
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from wuxing.messaging import people
from wuxing.messaging.services import tell


def _names(campaign, branch, codes) -> str:
    names = {s.code: s.name for s in campaign.standard_for(branch).stars.all()}
    return "、".join(names.get(c, c) for c in codes)


def _url(sub) -> str:
    return reverse("evaluation:branch", args=[sub.campaign_id, sub.branch_id])


def _branch_and_office(branch):
    return people.branch_people(branch), people.office_admins(branch)


def claim_submitted(actor, sub) -> None:
    tell(people.union(people.office_admins(sub.branch), people.leaders(sub.branch), without=actor),
         _("{branch}申报{stars}，请初审").format(branch=sub.branch.name,
                                            stars=_names(sub.campaign, sub.branch, sub.claimed_star_codes)),
         "", _url(sub), unit=sub.branch)


def office_returned(actor, sub) -> None:
    tell(people.union(people.branch_people(sub.branch), without=actor),
         _("{branch}的申报被办事处退回，请修改后重新申报").format(branch=sub.branch.name), sub.note, _url(sub),
         unit=sub.branch)


def office_passed(actor, sub) -> None:
    stars = _names(sub.campaign, sub.branch, sub.office_star_codes) or _("无")
    tell(people.union(people.star_reviewers(sub.branch, sub.office_star_codes), people.district_admins(sub.branch),
                      without=actor),
         _("{branch}通过初审，待区级审核：{stars}").format(branch=sub.branch.name, stars=stars), sub.note, _url(sub),
         unit=sub.branch)
    tell(people.union(people.branch_people(sub.branch), without=actor),
         _("{branch}的申报已通过办事处初审，报区级审核：{stars}").format(branch=sub.branch.name, stars=stars), "",
         _url(sub))


def district_returned(actor, sub) -> None:
    tell(people.union(people.office_admins(sub.branch), without=actor),
         _("{branch}的申报被区级退回初审").format(branch=sub.branch.name), sub.note, _url(sub), unit=sub.branch)


def star_decided(actor, sub, star_code: str, passed: bool, note: str) -> None:
    star = _names(sub.campaign, sub.branch, [star_code])
    title = (_("{branch}{star}区级审核通过") if passed else _("{branch}{star}区级审核未通过")).format(
        branch=sub.branch.name, star=star)
    tell(people.union(*_branch_and_office(sub.branch), without=actor), title, note, _url(sub), unit=sub.branch)


def notice_published(actor, notice, subs) -> None:
    for sub in subs:
        tell(people.union(*_branch_and_office(sub.branch), without=actor),
             _("{branch}已列入公示（{start} 至 {end}），拟命名{level}星").format(
                 branch=sub.branch.name, start=notice.starts_on.strftime("%m月%d日"),
                 end=notice.ends_on.strftime("%m月%d日"), level=sub.proposed_level),
             "", _url(sub), unit=sub.branch)


def objection_filed(objection) -> None:
    notice, sub = objection.notice, objection.submission
    about = sub.branch.name if sub else _("公示名单")
    url = reverse("evaluation:notice", args=[notice.pk])
    tell(people.union(people.district_admins(notice.campaign.unit), people.office_admins(sub.branch) if sub else []),
         _("公示收到异议：{about}，请核实处理").format(about=about), objection.content[:200], url,
         unit=sub.branch if sub else notice.campaign.unit)


def objection_resolved(actor, objection) -> None:
    sub = objection.submission
    if sub is None:
        return  # about the whole list: the district handled it itself
    tell(people.union(*_branch_and_office(sub.branch), without=actor),
         _("关于{branch}的公示异议已处理：{ruling}").format(branch=sub.branch.name,
                                                   ruling=objection.get_status_display()),
         objection.outcome, _url(sub), unit=sub.branch)


def named(actor, awards) -> None:
    for award in awards:
        tell(people.union(*_branch_and_office(award.branch), without=actor),
             _("{branch}被命名为{level}星支部").format(branch=award.branch.name, level=award.level),
             _names(award.campaign, award.branch, award.star_codes), reverse("evaluation:award", args=[award.pk]),
             unit=award.branch)


def star_removed(actor, award, star_code: str, description: str) -> None:
    tell(people.union(*_branch_and_office(award.branch), without=actor),
         _("{branch}被撤销{star}（现为{level}星）").format(branch=award.branch.name,
                                                     star=_names(award.campaign, award.branch, [star_code]),
                                                     level=award.effective_level),
         description, reverse("evaluation:award", args=[award.pk]), unit=award.branch)


def veto_recorded(actor, event) -> None:
    tell(people.union(people.district_admins(event.branch), without=actor),
         _("{branch}登记了一票否决事件，待区级确认").format(branch=event.branch.name), event.description,
         reverse("evaluation:vetoes", args=[event.campaign_id]), unit=event.branch)


def veto_in_force(actor, event) -> None:
    campaign, branch = event.campaign, event.branch
    tell(people.union(*_branch_and_office(branch), without=actor),
         _("{branch}：{star}因一票否决事件不能保留").format(branch=branch.name,
                                                  star=_names(campaign, branch, [event.star_code])),
         event.description, reverse("evaluation:branch", args=[campaign.pk, branch.pk]), unit=branch)
