"""Issue 19 item 2: every workflow step tells the people who must act or are affected — in the app and
through the channels configured for them (here: a WeCom robot on the district, a real HTTP server, and
each person's e-mail) — and never the actor. A failing channel is retried; the in-app notice is there."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from tests.conftest import at, met_results, office_agrees, proposed
from wuxing.core.models import Notification
from wuxing.creation import services as creation
from wuxing.evaluation import services as evaluation
from wuxing.messaging import services as messaging
from wuxing.messaging.models import ChannelKind, Delivery, DeliveryStatus
from wuxing.messaging.sending import drain
from wuxing.messaging.sink import Sink
from wuxing.weekly import services as weekly

pytestmark = pytest.mark.django_db


@pytest.fixture
def sink():
    with Sink() as s:
        yield s


@pytest.fixture
def wired(world, sink):
    """The district's robot group hears everything below it; every person chose e-mail."""
    messaging.add_channel(world.district_admin, world.district, kind=ChannelKind.WECOM, name="经开区创建工作群",
                          address=sink.webhook("district"))
    for user in (world.district_admin, world.office_admin, world.branch_user, world.village_user, world.leader,
                 world.star_reviewer, world.casefile_organiser):
        user.email = f"{user.username}@example.cn"
        user.save()
        messaging.set_preference(user, email=True, sms=False, digest=False)
    return world


def told(fragment: str) -> set[str]:
    """Who was told in the app of a notice whose title holds `fragment`; each also has an e-mail queued."""
    users = {n.user.username for n in Notification.objects.filter(title__contains=fragment).select_related("user")}
    mailed = set(Delivery.objects.filter(kind=ChannelKind.EMAIL, title__contains=fragment)
                 .values_list("user__username", flat=True))
    assert mailed == users  # everyone here chose e-mail: each person told is also mailed
    return users


def robot_heard(fragment: str) -> bool:
    return Delivery.objects.filter(kind=ChannelKind.WECOM, title__contains=fragment).exists()


def target(world, campaign, branch=None, user=None):
    creation.save_target(user or world.branch_user, campaign, branch or world.community, star_codes=["zbgy"],
                         strengths="组织健全", goal="三星")
    return creation.submit_target(user or world.branch_user, creation.get_target(campaign, branch or world.community))


def test_target_submitted_tells_the_office_and_the_leader_not_the_branch(wired, campaign):
    target(wired, campaign)
    assert told("提交了争创目标") == {"office_admin", "leader"}
    assert robot_heard("提交了争创目标")


def test_target_confirmed_and_returned_tell_the_branch(wired, campaign):
    t = target(wired, campaign)
    creation.return_target(wired.office_admin, t, "目标偏低")
    assert told("争创目标被退回") == {"branch_user"}
    assert Notification.objects.get(title__contains="争创目标被退回").body == "目标偏低"
    t = creation.submit_target(wired.branch_user, creation.get_target(campaign, wired.community))
    creation.confirm_target(wired.office_admin, t)
    assert told("争创目标已确认") == {"branch_user"} and robot_heard("争创目标已确认")


def test_weekly_report_accepted_and_returned_tell_the_branch(wired, campaign):
    with at(2026, 5, 15, 9):
        report = weekly.save_report(wired.branch_user, campaign, wired.community, 2026, 20, summary="主题党日")
        report = weekly.submit_report(wired.branch_user, report)
        weekly.return_report(wired.office_admin, report, "请补充图片")
    assert told("周动态被退回") == {"branch_user"}
    with at(2026, 5, 15, 10):
        report = weekly.submit_report(wired.branch_user, report)
        weekly.accept_report(wired.office_admin, report)
    assert told("周动态已采用") == {"branch_user"} and robot_heard("周动态已采用")


def claim(world, campaign):
    evaluation.save_self_results(world.branch_user, campaign, world.community,
                                 met_results(campaign, world.community, ["zbgy", "pafz"]))
    return evaluation.submit_claim(world.branch_user, campaign, world.community, ["zbgy", "pafz"], confirmed=True)


def test_claim_submitted_tells_the_office_and_the_leader(wired, campaign):
    claim(wired, campaign)
    assert told("申报") == {"office_admin", "leader"} and robot_heard("请初审")


def test_claim_returned_by_the_office_tells_the_branch(wired, campaign):
    evaluation.office_return(wired.office_admin, claim(wired, campaign), "台账不全")
    assert told("被办事处退回") == {"branch_user"}


def test_claim_passed_tells_the_stars_reviewer_the_district_and_the_branch(wired, campaign):
    office_agrees(wired.office_admin, claim(wired, campaign))
    assert told("待区级审核") == {"star_reviewer", "district_admin"}  # the reviewer owns 平安法治
    assert told("已通过办事处初审") == {"branch_user"}


def test_district_return_tells_the_office(wired, campaign):
    sub = office_agrees(wired.office_admin, claim(wired, campaign))
    evaluation.district_return(wired.district_admin, sub, "请核实台账")
    assert told("被区级退回初审") == {"office_admin"}


def test_star_decided_tells_the_branch_and_the_office_not_the_reviewer(wired, campaign):
    sub = office_agrees(wired.office_admin, claim(wired, campaign))
    evaluation.district_decide(wired.star_reviewer, sub, "pafz", False, "有未化解的信访")
    assert told("审核未通过") == {"branch_user", "office_admin"}
    assert Notification.objects.filter(title__contains="平安法治").exists()


def test_notice_objection_ruling_and_naming_tell_the_branch_and_the_office(wired, campaign):
    sub = proposed(wired, campaign)
    with at(2026, 11, 30, 9):
        notice = evaluation.publish_notice(wired.district_admin, campaign, "公示", dt.date(2026, 11, 30))
        assert told("已列入公示") == {"branch_user", "office_admin"}
        objection = evaluation.raise_objection(notice, name="群众", contact="13800000000", content="该社区有信访未化解",
                                               submission_id=sub.pk)
    assert told("公示收到异议") == {"district_admin", "office_admin"} and robot_heard("公示收到异议")
    with at(2026, 11, 30, 10):
        evaluation.resolve_objection(wired.district_admin, objection, ruling="dismissed", outcome="经核实不属实")
    assert told("公示异议已处理") == {"branch_user", "office_admin"}
    [award] = evaluation.close_notice(wired.district_admin, notice, today=notice.ends_on + dt.timedelta(days=1))
    assert told("被命名为") == {"branch_user", "office_admin"}
    with at(2026, 12, 1, 9):
        evaluation.remove_star(wired.district_admin, award, star_code="pafz", category="petition",
                               description="发生越级集体上访", occurred_on=dt.date(2026, 12, 1))
    assert told("被撤销") == {"branch_user", "office_admin"} and robot_heard("被撤销")


def test_a_veto_recorded_by_the_office_asks_the_district_and_in_force_tells_the_branch(wired, campaign):
    veto = campaign.standard_for(wired.community).stars.get(code="pafz").vetoes.first()
    with at(2026, 11, 30, 9):
        event = evaluation.record_veto(wired.office_admin, campaign, wired.community, veto_code=veto.code,
                                       occurred_on=dt.date(2026, 11, 2), description="发生刑事案件", evidence="案件编号 1")
    assert told("待区级确认") == {"district_admin"}
    evaluation.approve_veto(wired.district_admin, event)
    assert told("因一票否决事件不能保留") == {"branch_user", "office_admin"}


def test_case_file_steps_tell_reviewers_organisers_and_the_unit(world, review, sink):
    from tests.casefiles.test_fair_review import reviewed, user
    from wuxing.casefiles import services as casefiles
    from wuxing.casefiles.models import Rectification, ScoreSheet

    for person in (review.organiser, world.casefile_organiser, review.unit_user, *review.reviewers):
        person.email = f"{person.username}@example.cn"
        person.save()
        messaging.set_preference(person, email=True, sms=False, digest=False)
    sample = reviewed(review, veto_file=review.a1)
    assert told("份案卷待评查") == {r.username for r in review.reviewers if r.pk in
                                  set(sample.campaign.sample.values_list("reviewer_id", flat=True))}
    with at(2026, 11, 30, 9):
        casefiles.issue_rectifications(review.organiser, review.campaign, dt.date(2026, 12, 31))
    assert told("请于 2026-12-31 前完成整改") == {"unit_a1"}
    casefiles.request_second_review(review.organiser, sample)
    sample.refresh_from_db()
    second = user(sample.second_reviewer_id)
    assert told("请您复核评查") == {second.username}
    sheet = casefiles.open_sheet(second, sample)
    casefiles.save_findings(second, sheet, [{"item_code": "7.2"}])
    casefiles.submit_sheet(second, ScoreSheet.objects.get(pk=sheet.pk))
    assert told("需要仲裁") == {"organiser", "casefile_organiser"}  # both organisers of the district
    rect = Rectification.objects.get(campaign=review.campaign, unit=review.a1)
    casefiles.respond(review.unit_user, rect, "已组织整改")
    assert told("报送了整改情况") == {"organiser", "casefile_organiser"}
    casefiles.follow_up(review.organiser, rect, "整改到位")
    assert told("整改已验收关闭") == {"unit_a1"}
    assert drain().sent == Delivery.objects.count() and len(mail.outbox) == Delivery.objects.count()


def test_a_failing_robot_is_retried_and_the_branch_still_sees_the_notice(wired, campaign, sink):
    sink.fail_next = 1
    with at(2026, 11, 30, 9):
        t = target(wired, campaign)
        creation.return_target(wired.office_admin, t, "目标偏低")
        first = drain()
    assert first.retrying == 1  # the robot refused the first of its two messages; the e-mails went
    assert Notification.objects.filter(user=wired.branch_user, title__contains="争创目标被退回", read_at=None).exists()
    with at(2026, 11, 30, 9, 5):
        drain()
    assert not Delivery.objects.exclude(status=DeliveryStatus.SENT).exists()
    assert any("争创目标被退回" in text for text in sink.texts("district"))
    assert {m.to[0] for m in mail.outbox} >= {"branch_user@example.cn", "office_admin@example.cn"}


def test_nobody_hears_of_a_step_that_was_refused(wired, campaign):
    t = target(wired, campaign)
    before = (Notification.objects.count(), Delivery.objects.count())
    with pytest.raises(ValidationError):
        creation.return_target(wired.office_admin, t, "")
    assert (Notification.objects.count(), Delivery.objects.count()) == before
