"""Issue 19 item 1: the to-do (待办) of each role, on the home page and at /api/v1/me/todo/ — counts that
follow the work, links that open where it is done, and nothing of another person's queue."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.conftest import SHANGHAI, api_as, at, met_results, office_agrees, proposed
from wuxing.core.models import AuditEvent, Notification
from wuxing.creation import services as creation
from wuxing.evaluation import services as evaluation
from wuxing.workbench.selectors import due_week, todo

pytestmark = pytest.mark.django_db


def items(user, role=None) -> dict[str, tuple[int, str]]:
    return {i.key: (i.count, i.url) for s in todo(user) if role is None or s.role == role for i in s.items}


def test_monday_morning_the_branch_sees_last_weeks_report_due_at_noon(world, campaign):
    with at(2026, 11, 30, 9, 30):  # Monday, Shanghai: week 48 is due at 12:00 today
        mine = items(world.branch_user, "branch")
        assert due_week(campaign, dt.datetime(2026, 11, 30, 9, 30, tzinfo=SHANGHAI)) == (2026, 48)
    count, url = mine["weekly_due"]
    assert count == 1 and url == reverse("weekly:report", args=[campaign.pk, world.community.pk, 2026, 48])
    assert mine["target_draft"][0] == 1
    with at(2026, 11, 30, 12, 0, 1):  # a second past noon: this week's report is next, last week's is late
        after = items(world.branch_user, "branch")
    assert after["weekly_due"][1].endswith("/2026/49/") and after["weekly_late"][1].endswith("/2026/48/")


def test_year_end_due_week_crosses_into_the_new_iso_year(world, campaign):
    with at(2027, 1, 4, 11, 0):  # Monday of 2027-W01: 2026-W53 is due at noon
        assert due_week(campaign, dt.datetime.now(dt.UTC)) == (2026, 53)


def test_a_submitted_target_is_the_offices_to_do_and_a_returned_one_the_branchs(world, campaign):
    creation.save_target(world.branch_user, campaign, world.community, star_codes=["zbgy"], goal="三星")
    target = creation.submit_target(world.branch_user, creation.get_target(campaign, world.community))
    office = items(world.office_admin, "office")
    assert office["targets_to_confirm"][0] == 1 and office["targets_to_confirm"][1].endswith("?status=submitted")
    assert "target_draft" not in items(world.branch_user, "branch")
    creation.return_target(world.office_admin, target, "目标偏低")
    assert items(world.office_admin, "office")["targets_to_confirm"][0] == 0
    assert items(world.branch_user, "branch")["target_returned"][0] == 1


def test_the_office_counts_claims_to_review_and_branches_missing_the_week(world, campaign):
    evaluation.save_self_results(world.branch_user, campaign, world.community,
                                 met_results(campaign, world.community, ["zbgy"]))
    evaluation.submit_claim(world.branch_user, campaign, world.community, ["zbgy"], confirmed=True)
    with at(2026, 12, 1, 9):  # Tuesday: week 48 was due yesterday; nobody in the east reported it
        office = {i.key: i for s in todo(world.office_admin) for i in s.items}
    assert office["claims_to_review"].count == 1
    assert office["reports_missing"].count == 2 and office["reports_missing"].urgent
    assert "第48周" in office["reports_missing"].label and office["reports_missing"].url.endswith("/2026/48/")
    assert set(office["reports_missing"].detail.split("、")) == {"东城社区", "李家村"}
    assert office["reports_pending"].count == 2 and not office["reports_pending"].urgent
    # The west office's branches are not the east admin's to-do.
    assert "西城" not in office["reports_missing"].detail


def test_a_star_reviewer_sees_only_the_stars_waiting_for_their_own_decision(world, campaign):
    evaluation.save_self_results(world.branch_user, campaign, world.community,
                                 met_results(campaign, world.community, ["zbgy", "pafz"]))
    sub = office_agrees(world.office_admin, evaluation.submit_claim(world.branch_user, campaign, world.community,
                                                                   ["zbgy", "pafz"], confirmed=True))
    mine = items(world.star_reviewer, "star_reviewer")
    assert set(mine) == {"stars_to_decide:pafz"}  # 支部过硬 is not theirs
    assert mine["stars_to_decide:pafz"][0] == 1
    assert items(world.district_admin, "district")["claims_to_decide"][0] == 1
    evaluation.district_decide(world.star_reviewer, sub, "pafz", True)
    assert items(world.star_reviewer, "star_reviewer")["stars_to_decide:pafz"][0] == 0


def test_the_district_sees_the_batch_to_publish_objections_and_the_notice_to_name(world, campaign):
    proposed(world, campaign)
    assert items(world.district_admin, "district")["batch_to_publish"][0] == 1
    with at(2026, 11, 30, 9):
        notice = evaluation.publish_notice(world.district_admin, campaign, "公示", dt.date(2026, 11, 30))
        evaluation.raise_objection(notice, name="群众", contact="138", content="该社区有信访未化解")
        district = items(world.district_admin, "district")
    assert district["objections_open"][0] == 1 and district["notices_to_name"][0] == 0
    with at(2026, 12, 9, 9):  # after the five working days
        assert items(world.district_admin, "district")["notices_to_name"] == (
            1, reverse("evaluation:notice", args=[notice.pk]))


def test_the_leader_follows_the_assigned_branch_and_a_comment_tells_it(world, campaign, login):
    [section] = [s for s in todo(world.leader) if s.role == "leader"]
    assert [r.branch for r in section.rows] == [world.community]  # not the village, not assigned
    page = login(world.leader).post(reverse("creation:comment", args=[campaign.pk, world.community.pk]),
                                    {"text": "请加快党群服务中心改造"})
    assert page.status_code == 302
    note = Notification.objects.get(user=world.branch_user)
    assert "包联领导甲" in note.title and note.body == "请加快党群服务中心改造"
    assert AuditEvent.objects.filter(action="creation.comment", actor=world.leader).exists()
    shown = login(world.branch_user).get(reverse("creation:branch", args=[campaign.pk, world.community.pk]))
    assert "请加快党群服务中心改造" in shown.content.decode()
    refused = login(world.leader).post(reverse("creation:comment", args=[campaign.pk, world.village.pk]), {"text": "x"})
    assert refused.status_code == 404 and Notification.objects.count() == 1


def test_an_empty_comment_is_refused_with_a_message_and_nothing_saved(world, campaign, login):
    page = login(world.leader).post(reverse("creation:comment", args=[campaign.pk, world.community.pk]),
                                    {"text": "  "}, follow=True)
    assert "批注" in page.content.decode() and not AuditEvent.objects.filter(action="creation.comment").exists()


def test_case_file_roles_see_their_sheets_and_rectifications(world, review):
    from wuxing.casefiles import services as casefiles
    from wuxing.casefiles.models import ScoreSheet
    from wuxing.orgs.models import User

    casefiles.draw_sample(review.organiser, review.campaign, 5)
    casefiles.assign_reviewers(review.organiser, review.campaign)
    reviewer = review.reviewers[0]
    assigned = review.campaign.sample.filter(reviewer=reviewer).count()
    assert items(reviewer, "casefile_reviewer")["sheets_to_score"][0] == assigned > 0
    first = review.campaign.sample.filter(file__unit=review.a1).order_by("order").first()
    for sample in review.campaign.sample.all():
        person = User.objects.get(pk=sample.reviewer_id)
        sheet = casefiles.open_sheet(person, sample)
        if sample == first:
            casefiles.save_findings(person, sheet, [{"item_code": "7.2"}])
        casefiles.submit_sheet(person, ScoreSheet.objects.get(pk=sheet.pk))
    assert items(reviewer, "casefile_reviewer")["sheets_to_score"][0] == 0
    with at(2026, 11, 30, 9):
        casefiles.issue_rectifications(review.organiser, review.campaign, dt.date(2026, 12, 31))
    assert items(review.unit_user, "reviewed_unit")["rectifications_to_answer"][0] == 1
    rect = review.campaign.rectifications.get(unit=review.a1)
    casefiles.respond(review.unit_user, rect, "已整改")
    assert items(review.unit_user, "reviewed_unit")["rectifications_to_answer"][0] == 0
    assert items(review.organiser, "casefile_organiser")["rectifications_to_check"][0] == 1


def test_the_api_gives_the_same_to_do_as_the_page(world, campaign, login):
    creation.save_target(world.branch_user, campaign, world.community, star_codes=["zbgy"], goal="三星")
    creation.submit_target(world.branch_user, creation.get_target(campaign, world.community))
    body = api_as(world.office_admin).get(reverse("api:me-todo")).json()
    [office] = [s for s in body["sections"] if s["role"] == "office"]
    item = next(i for i in office["items"] if i["key"] == "targets_to_confirm")
    assert item["count"] == 1 and body["total"] >= 1
    page = login(world.office_admin).get(reverse("home")).content.decode()
    assert item["url"].replace("&", "&amp;") in page and "待确认的争创目标" in page


def test_a_comment_through_the_api_follows_the_same_rules(world, campaign):
    url = reverse("api:comment-list")
    body = {"campaign": campaign.pk, "branch": world.community.pk, "text": ""}
    empty = api_as(world.leader).post(url, body, format="json")
    assert empty.status_code == 400 and "text" in empty.json()
    refused = api_as(world.branch_user).post(url, {**body, "text": "自己批注自己"}, format="json")
    assert refused.status_code == 404 and not Notification.objects.exists()
    made = api_as(world.leader).post(url, {**body, "text": "请补齐台账"}, format="json")
    assert made.status_code == 201 and made.json()["author_name"] == "包联领导甲"
    assert Notification.objects.get(user=world.branch_user).body == "请补齐台账"
    listed = api_as(world.branch_user).get(url, {"branch": world.community.pk}).json()
    assert [c["text"] for c in listed["results"]] == ["请补齐台账"]
    assert api_as(world.other_branch_user).get(url).json()["results"] == []


def test_a_report_in_shows_the_week_as_done(world, campaign):
    from wuxing.weekly import services as weekly

    with at(2026, 11, 27, 16, 0):  # Friday: week 48 is due on Monday
        report = weekly.save_report(world.branch_user, campaign, world.community, 2026, 48, summary="主题党日")
        weekly.submit_report(world.branch_user, report)
        count, _url = items(world.branch_user, "branch")["weekly_due"]
        [label] = [i.label for s in todo(world.branch_user) for i in s.items if i.key == "weekly_due"]
    assert count == 0 and label == "2026年第48周动态已报送"


def test_every_to_do_label_names_its_week_once(world, campaign):
    """A week is written one way (core.weeks.label): never 第48周周动态."""
    with at(2026, 12, 1, 9, 0):  # Tuesday: week 48 closed, week 49 due
        labels = [i.label for user in (world.branch_user, world.office_admin, world.district_admin, world.leader)
                  for s in todo(user) for i in s.items]
    weeks = [label for label in labels if "第48周" in label or "第49周" in label]
    assert weeks and not [label for label in weeks if "周周" in label], weeks
    assert "2026年第48周动态未报齐的办事处" in labels


def test_the_district_to_do_names_the_offices_behind_as_the_reports_say(world, campaign, monkeypatch):
    """Counted from the rollups by the database (a province has 2,400 offices): each office's branches less the
    week's reports received, equal to counting the reports; the detail names the offices furthest behind."""
    from wuxing.weekly import services as weekly
    from wuxing.workbench import selectors

    with at(2026, 11, 27, 16, 0):
        report = weekly.save_report(world.branch_user, campaign, world.community, 2026, 48, summary="主题党日")
        weekly.submit_report(world.branch_user, report)
    with at(2026, 12, 1, 9, 0):  # Tuesday: week 48 closed
        [item] = [i for s in todo(world.district_admin) for i in s.items if i.key == "offices_behind"]
        # 东城: 东城社区 reported, 李家村 not; 西城: neither of its two branches.
        assert item.count == 2 and item.detail == "西城办事处（2）、东城办事处（1）"
        monkeypatch.setattr(selectors, "BEHIND_NAMED", 1)
        [item] = [i for s in todo(world.district_admin) for i in s.items if i.key == "offices_behind"]
        assert item.count == 2 and item.detail == "西城办事处（2）等 2 个"


def test_the_reviewed_unit_is_told_which_drawn_files_need_scans_and_which_dates_wait(review):
    import io

    from PIL import Image

    from wuxing.casefiles import services as casefiles
    from wuxing.casefiles.models import DateProposal

    casefiles.draw_sample(review.organiser, review.campaign, 20261126)
    own = list(review.campaign.sample.filter(file__unit=review.a1).order_by("order").select_related("file"))
    assert items(review.unit_user, "reviewed_unit")["dossiers_to_upload"][0] == len(own) == 4
    out = io.BytesIO()
    Image.new("L", (100, 140), 255).save(out, "PNG")
    casefiles.add_scans(review.unit_user, own[0].file, [("1.png", out.getvalue())])
    count, url = items(review.unit_user, "reviewed_unit")["dossiers_to_upload"]
    assert count == 3 and url.startswith(reverse("casefiles:file", args=[own[1].file.pk]))
    assert items(review.unit_user, "reviewed_unit")["dates_to_confirm"][0] == 0
    p = DateProposal.objects.create(file=own[0].file, field="decided", proposed=dt.date(2026, 3, 16), page=1,
                                    keyword="决定日期", snippet="决定日期：2026年3月16日")
    count, url = items(review.unit_user, "reviewed_unit")["dates_to_confirm"]
    assert count == 1 and url == reverse("casefiles:file", args=[own[0].file.pk]) + "#dates"
    casefiles.decide_date(review.unit_user, p, "confirm")
    assert items(review.unit_user, "reviewed_unit")["dates_to_confirm"][0] == 0
    # Another unit's drawn files are its own work, not this unit's: its count is untouched by this unit's scans.
    from tests.conftest import PASSWORD, SYSTEM
    from wuxing.core.roles import Role
    from wuxing.orgs import services as org

    other = org.create_user(SYSTEM, username="unit_a2", real_name="建设局联络员", mobile="", password=PASSWORD,
                            role=Role.REVIEWED_UNIT, unit=review.a2)
    theirs = review.campaign.sample.filter(file__unit=review.a2).count()
    assert items(other, "reviewed_unit")["dossiers_to_upload"][0] == theirs > 0
    assert items(other, "reviewed_unit")["dates_to_confirm"][0] == 0
