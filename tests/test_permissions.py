"""Generated permission tests: every page and API URL × every persona.

Each case names who may use a URL; everyone else signed in must get 404 (the object does not
exist for them), anonymous users the login redirect (pages) or 401 (API). A final test fails when a
URL exists that no case covers, so a new page cannot ship without its permission tests.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.authtoken.models import Token

from wuxing.core.roles import Role
from wuxing.orgs.models import Assignment, RoleAssignment

PERSONAS = ["superuser", "district_admin", "office_admin", "branch_user", "village_user", "other_branch_user",
            "star_reviewer", "casefile_reviewer", "casefile_organiser", "leader", "outsider"]
SIGNED_IN = frozenset(PERSONAS)
ADMINS = frozenset({"superuser", "district_admin", "office_admin"})
# Star-campaign data: the domains are separate, so case-file roles held at the district do not open it.
DISTRICT_WIDE = frozenset({"superuser", "district_admin", "star_reviewer"})
# Who reaches the east community T101: district-wide roles, its office, its own branch, its leader.
EAST_COMMUNITY = DISTRICT_WIDE | {"office_admin", "branch_user", "leader"}
WEST_VILLAGE = DISTRICT_WIDE | {"other_branch_user"}
EAST_OFFICE = DISTRICT_WIDE | {"office_admin"}
IN_DISTRICT = SIGNED_IN - {"outsider", "casefile_reviewer", "casefile_organiser"}
COMMUNITY_PLAN = frozenset({"superuser", "district_admin", "office_admin", "branch_user"})
# The branch's own declaration (self-assessment): its people only, never the administrators above.
COMMUNITY_DECLARE = frozenset({"superuser", "branch_user"})
# Who holds the role of a review step over the east community (a transition's other personas get 404).
REVIEWERS = frozenset({"superuser", "district_admin", "office_admin"})
OFFICE_REVIEW = frozenset({"superuser", "office_admin"})
DECIDERS = frozenset({"superuser", "district_admin", "star_reviewer"})
# The org tree is the shared vocabulary of both domains: case-file roles at the district see it too.
TREE = frozenset({"casefile_reviewer", "casefile_organiser"})


@dataclass
class Case:
    name: str  # URL name as reversed
    url: Callable  # world -> url (called once per persona so that deletions get a fresh object)
    allowed: frozenset[str]
    method: str = "get"
    data: Callable | None = None
    ok_status: int = 200
    api: bool = False
    anonymous_status: int | None = None  # default: 302 to login for pages, 401 for the API
    # Transitions whose outcome depends on state (tested on their own): allowed personas must reach the
    # object (any answer but 404/403/5xx); everyone else must get 404.
    reach_only: bool = False
    # What an allowed write leaves behind: "audited" (rows changed and an audit event), "none" (a preview
    # or a parse writes nothing), "any" (depends on the persona's own rows). A refused one: nothing at all.
    effect: str = "audited"
    extra: dict = field(default_factory=dict)


def _fresh_grant(w):
    grant, _ = RoleAssignment.objects.get_or_create(user=w.village_user, role=Role.REPORTER, unit=w.village)
    return reverse("orgs:role_revoke", args=[grant.pk])


def _ungranted(person: str, unit: str):
    """A URL builder: `person` without the 填报员 grant on `unit`, so that each allowed persona really grants it."""
    def build(w):
        user = getattr(w, person)
        RoleAssignment.objects.filter(user=user, role=Role.REPORTER, unit=getattr(w, unit)).delete()
        return reverse("orgs:role_grant", args=[user.pk])
    return build


def _unassigned(w):
    """The east community without its 包联领导, so that each allowed persona really assigns one."""
    Assignment.objects.filter(leader=w.leader, unit=w.community).delete()
    return reverse("orgs:assignment_create", args=[w.community.pk])


def _draft_target(w):
    """The east community's target back in draft, so that each allowed persona really submits it."""
    from wuxing.creation.models import Target

    target = _target(w)
    Target.objects.filter(pk=target.pk).update(status="draft", star_codes=["pafz"], level=1)
    return reverse("creation:target_action", args=[_cid(w), w.community.pk, "submit"])


def _reset_target(w):
    """A clerk who is not a persona: resetting a persona's password would end its own session."""
    from wuxing.orgs.models import User

    clerk, created = User.objects.get_or_create(username="village_clerk", defaults={"real_name": "村填报员"})
    if created:
        RoleAssignment.objects.create(user=clerk, role=Role.REPORTER, unit=w.village)
    return reverse("orgs:password_reset", args=[clerk.pk])


def _standard(w) -> int:
    from tests.conftest import SYSTEM
    from wuxing.standards.library import shipped_files
    from wuxing.standards.services import load_standard

    return load_standard(SYSTEM, shipped_files()[0].read_bytes()).standard.pk


def _campaign(w):
    from tests.conftest import make_campaign
    from wuxing.campaigns.models import Campaign

    return Campaign.objects.first() or make_campaign(w)


def _target(w):
    from wuxing.creation.models import Target
    from wuxing.creation.services import save_target

    return Target.objects.filter(branch=w.community).first() or save_target(
        w.branch_user, _campaign(w), w.community, star_codes=["pafz"])


def _task(w):
    import datetime as dt

    from wuxing.creation.services import create_task

    return create_task(w.branch_user, _campaign(w), w.community, title="任务", star_code="pafz",
                       due_date=dt.date(2030, 1, 1), responsible_name="张三")


def _c(name, *args):
    return lambda w: reverse(name, args=[a(w) if callable(a) else a for a in args])


def _cid(w):
    return _campaign(w).pk


def _report(w):
    """A submitted week-1 report of the east community (week 1 has begun whatever today is)."""
    from wuxing.weekly import services as weekly

    report = weekly.get_report(_campaign(w), w.community, _campaign(w).year, 1)
    if report.pk is None:
        report = weekly.save_report(w.branch_user, _campaign(w), w.community, _campaign(w).year, 1, summary="周动态")
        weekly.submit_report(w.branch_user, report)
    return report


def _attachment(w):
    from django.core.files.base import ContentFile

    from wuxing.weekly.models import Attachment

    report = _report(w)
    att = Attachment.objects.filter(report=report).first()
    if att is None:
        att = Attachment(report=report, original_name="a.png", content_type="image/png", size=8, sha256="0" * 64)
        att.file.save("a.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    return att


def _wk(name, *extra):
    return lambda w: reverse(name, args=[_cid(w), w.community.pk, _campaign(w).year, 1, *extra])


def _chain(w):
    """One of each evaluation object for the east community: submission, evidence, notice, objection, award."""
    import datetime as dt

    from django.core.files.base import ContentFile

    from wuxing.evaluation import models as ev

    c = _campaign(w)
    sub, _ = ev.Submission.objects.get_or_create(campaign=c, branch=w.community)
    if not ev.Evidence.objects.exists():
        evidence = ev.Evidence(campaign=c, branch=w.community, indicator_code="U-PAFZ-01", original_name="a.pdf",
                               content_type="application/pdf", size=9, sha256="0" * 64)
        evidence.file.save("a.pdf", ContentFile(b"%PDF-1.7\n"), save=True)
        notice = ev.PublicNotice.objects.create(campaign=c, title="公示", starts_on=dt.date(2000, 1, 3),
                                                ends_on=dt.date(2099, 1, 1), working_days=5)
        ev.Objection.objects.create(notice=notice, submission=sub, name="甲", contact="139", content="异议内容")
        award = ev.Award.objects.create(submission=sub, campaign=c, branch=w.community, star_codes=["pafz"], level=1,
                                        effective_star_codes=["pafz"], effective_level=1)
        ev.StarRemoval.objects.create(award=award, star_code="pafz", category="other", description="x",
                                      occurred_on=dt.date(2026, 1, 1))
    return {"sub": sub, "evidence": ev.Evidence.objects.get(), "notice": ev.PublicNotice.objects.get(),
            "objection": ev.Objection.objects.get(), "award": ev.Award.objects.get(), "removal": ev.StarRemoval.objects.get()}


def _ch(name, key=None, *, branch=False, extra=()):
    def build(w):
        objs = _chain(w)
        if branch:
            return reverse(name, args=[_cid(w), w.community.pk, *extra])
        return reverse(name, args=[objs[key].pk, *extra])
    return build


DISTRICT_ADMINS = frozenset({"superuser", "district_admin"})


def _open_objection(w):
    """The objection open again, so that each allowed persona really resolves it."""
    from wuxing.evaluation.models import Objection

    objection = _chain(w)["objection"]
    Objection.objects.filter(pk=objection.pk).update(status="open", outcome="", resolved_at=None, resolved_by=None)
    return reverse("evaluation:objection_resolve", args=[objection.pk])


def _removed_again(w):
    """The star removal in force again, so that each allowed persona really reinstates it."""
    from wuxing.evaluation.models import StarRemoval

    removal = _chain(w)["removal"]
    StarRemoval.objects.filter(pk=removal.pk).update(reinstated_at=None)
    return reverse("evaluation:reinstate", args=[removal.pk])


def _veto(w, status):
    """A 支部过硬星 veto event at the chain's community in `status`, so each allowed persona really acts on it
    (the chain's award holds only 平安法治星, so no removal follows)."""
    from wuxing.evaluation.models import VetoEvent

    event = VetoEvent.objects.filter(branch=w.community).first() or VetoEvent.objects.create(
        campaign=_campaign(w), branch=w.community, veto_code="U-V-ZBGY-1", star_code="zbgy",
        occurred_on=dt.date(2026, 1, 5), description="列为软弱涣散", evidence="组织部通报")
    VetoEvent.objects.filter(pk=event.pk).update(status=status, approved_at=None, revoked_at=None)
    return event


def _pending_veto(w):
    return reverse("evaluation:veto_approve", args=[_veto(w, "pending").pk])


def _veto_in_force(w):
    return reverse("evaluation:veto_revoke", args=[_veto(w, "in_force").pk])


def _flag(w):
    """A live conferred flag of the east office, so that each allowed persona really revokes it."""
    from wuxing.contest.models import FlagAward

    award = FlagAward.objects.filter(office=w.east).first() or FlagAward.objects.create(
        campaign=_campaign(w), office=w.east, period="2026", inputs={"total": 0, "at_or_above": 0, "share": 0})
    FlagAward.objects.filter(pk=award.pk).update(revoked_at=None, revoke_reason="")
    return award


def _contest_objs(w):
    import datetime as dt
    from decimal import Decimal

    from django.core.files.base import ContentFile

    from tests.conftest import SYSTEM
    from wuxing.contest import models as cm
    from wuxing.contest import services as cs

    c = _campaign(w)
    if not cm.Pairing.objects.exists():
        from tests.conftest import met_results
        from wuxing.evaluation.services import save_self_results

        # 五星带四星: the mentor meets four stars by its self-assessment, the mentee none.
        save_self_results(SYSTEM, c, w.community, met_results(c, w.community, ["zbgy", "gjgx", "yjyy", "pafz"]))
        cs.create_pairing(SYSTEM, c, w.community, [w.village], "五星带四星")
        h = cs.create_highlight(SYSTEM, c, w.community, title="亮点", story="事迹")
        photo = cm.HighlightPhoto(highlight=h, original_name="a.png", content_type="image/png", size=8)
        photo.file.save("a.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
        cs.create_contest(SYSTEM, c, w.east, kind="arena", title="擂台赛", held_on=dt.date(2026, 6, 1),
                          drop_extremes=True, criteria=[("内容", Decimal(40))], judges=["甲"], entries=[w.community])
        cs.record_sanction(SYSTEM, c, kind="reward", unit=w.community, reason="表彰", decided_on=dt.date(2026, 6, 1))
    return {"pairing": cm.Pairing.objects.get(), "highlight": cm.Highlight.objects.get(),
            "photo": cm.HighlightPhoto.objects.get(), "contest": cm.Contest.objects.get(),
            "judge": cm.Judge.objects.get(), "sanction": cm.Sanction.objects.get()}


def _co(name, key, *more):
    return lambda w: reverse(name, args=[_contest_objs(w)[key].pk, *[_contest_objs(w)[m].pk for m in more]])


def _activity(w):
    import datetime as dt

    from tests.conftest import SYSTEM
    from wuxing.activities import services as acts
    from wuxing.activities.models import Activity

    return Activity.objects.first() or acts.save_activity(SYSTEM, w.east, type="progress", title="推进会",
                                                           on=dt.date(2026, 11, 1))


def _activity_photo(w):
    from django.core.files.base import ContentFile

    from wuxing.activities.models import ActivityPhoto

    photo = ActivityPhoto.objects.first()
    if photo is None:
        photo = ActivityPhoto(activity=_activity(w), original_name="a.png", content_type="image/png", size=8)
        photo.file.save("a.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    return photo


def _review(w):
    """A reviewed agency under the district with one file, a rubric, a drawn campaign and its objects."""
    import datetime as dt

    from tests.conftest import PASSWORD, SYSTEM
    from wuxing.casefiles import rubric as rubrics
    from wuxing.casefiles import services as cs
    from wuxing.casefiles.models import CaseFile, Matter, Rectification, ReviewCampaign, SampledFile
    from wuxing.core.roles import Level, Role
    from wuxing.orgs import services as org

    if not ReviewCampaign.objects.exists():
        for path in rubrics.shipped():
            rubrics.load(SYSTEM, path.read_bytes())
        agency = org.create_unit(SYSTEM, parent=w.district, code="TA1", name="区市场监督管理局", level=Level.AGENCY)
        m = Matter.objects.create(unit=agency, code="M1", name="许可", category="licence")
        day = dt.date(2026, 3, 2)
        CaseFile.objects.create(unit=agency, matter=m, file_no="F-1", applicant="甲", received=day, accepted=day,
                                    decided=day)
        c = cs.create_campaign(SYSTEM, unit=w.district, title="评查", rubric=rubrics.Rubric.objects.get(), units=[agency],
                               closed_from=dt.date(2026, 1, 1), closed_to=dt.date(2026, 12, 31), plan={"TA1": {"count": 1}})
        cs.draw_sample(SYSTEM, c, 1)
        cs.add_reviewer(SYSTEM, c, w.casefile_reviewer)
        cs.assign_reviewers(SYSTEM, c)
        Rectification.objects.create(campaign=c, unit=agency, problems="问题", deadline=dt.date(2026, 12, 31))
        org.create_user(SYSTEM, username="agency_user", real_name="部门联络员", mobile="", password=PASSWORD,
                        role=Role.REVIEWED_UNIT, unit=agency)
    from wuxing.casefiles.models import ScanPage

    if not ScanPage.objects.exists():
        cs.add_scans(SYSTEM, CaseFile.objects.get(), [("1.png", _white_png())])
    return {"campaign": ReviewCampaign.objects.get(), "file": CaseFile.objects.get(), "sample": SampledFile.objects.get(),
            "rect": Rectification.objects.get(), "rubric": __import__("wuxing.casefiles.models", fromlist=["Rubric"]).Rubric.objects.get(),
            "page": ScanPage.objects.order_by("pk").first()}


def _white_png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (200, 280), 255).save(out, "PNG")
    return out.getvalue()


def _fresh_page(w):
    """A page of its own for each persona that tries to take one out."""
    from tests.conftest import SYSTEM
    from wuxing.casefiles import services as cs

    (page,) = cs.add_scans(SYSTEM, _review(w)["file"], [("x.png", _white_png())])
    return reverse("casefiles:page_remove", args=[page.pk])


def _fresh_proposal(w):
    """A date proposal waiting for a decision, fresh for each persona."""
    import datetime as dt

    from wuxing.casefiles.models import DateProposal

    f = _review(w)["file"]
    DateProposal.objects.filter(file=f).delete()
    p = DateProposal.objects.create(file=f, field="served", proposed=dt.date(2026, 3, 20), page=1, keyword="送达日期",
                                    snippet="送达日期：2026年3月20日")
    return reverse("casefiles:date_decide", args=[p.pk])


def _rv(name, key):
    return lambda w: reverse(name, args=[_review(w)[key].pk])


# Case-file data belongs to the agency under the district: case-file roles reach it (the reviewer is in
# the pool, district scope); star roles, even at the district, and branch and office people do not.
CASEFILE_VIEW = frozenset({"superuser", "casefile_reviewer", "casefile_organiser"})
CASEFILE_ORG = frozenset({"superuser", "casefile_organiser"})


def _fresh_assignment(w):
    assignment, _ = Assignment.objects.get_or_create(leader=w.leader, unit=w.community)
    return reverse("orgs:assignment_delete", args=[assignment.pk])


CASES = [
    Case("home", lambda w: reverse("home"), SIGNED_IN),
    Case("orgs:unit_list", lambda w: reverse("orgs:unit_list"), SIGNED_IN),
    Case("orgs:unit_export", lambda w: reverse("orgs:unit_export"), SIGNED_IN),
    Case("orgs:unit_detail", lambda w: reverse("orgs:unit_detail", args=[w.community.pk]), EAST_COMMUNITY | TREE),
    Case("orgs:unit_detail#west", lambda w: reverse("orgs:unit_detail", args=[w.west_village.pk]), WEST_VILLAGE | TREE),
    Case("orgs:unit_edit", lambda w: reverse("orgs:unit_edit", args=[w.community.pk]), ADMINS),
    Case("orgs:unit_edit#west", lambda w: reverse("orgs:unit_edit", args=[w.west_village.pk]),
         ADMINS - {"office_admin"}),
    Case("orgs:unit_create", lambda w: reverse("orgs:unit_create", args=[w.east.pk]), ADMINS),
    Case("orgs:unit_create#west", lambda w: reverse("orgs:unit_create", args=[w.west.pk]),
         ADMINS - {"office_admin"}),
    Case("orgs:unit_import", lambda w: reverse("orgs:unit_import"), ADMINS),
    Case("orgs:unit_import_template", lambda w: reverse("orgs:unit_import_template"), ADMINS),
    Case("orgs:assignment_create", _unassigned, ADMINS,
         method="post", data=lambda w: {"leader": w.leader.pk}, ok_status=302),
    Case("orgs:assignment_delete", _fresh_assignment, ADMINS, method="post", ok_status=302),
    Case("orgs:user_list", lambda w: reverse("orgs:user_list"), ADMINS),
    Case("orgs:user_export", lambda w: reverse("orgs:user_export"), ADMINS),
    Case("orgs:user_import", lambda w: reverse("orgs:user_import"), ADMINS),
    Case("orgs:user_import_template", lambda w: reverse("orgs:user_import_template"), ADMINS),
    Case("orgs:user_create", lambda w: reverse("orgs:user_create"), ADMINS),
    Case("orgs:user_detail", lambda w: reverse("orgs:user_detail", args=[w.branch_user.pk]), ADMINS),
    Case("orgs:user_detail#west", lambda w: reverse("orgs:user_detail", args=[w.other_branch_user.pk]),
         ADMINS - {"office_admin"}),
    Case("orgs:role_grant", _ungranted("village_user", "village"), ADMINS,
         method="post", data=lambda w: {"role": Role.REPORTER, "unit": w.village.pk}, ok_status=302),
    Case("orgs:role_grant#west", _ungranted("other_branch_user", "west_village"),
         ADMINS - {"office_admin"}, method="post",
         data=lambda w: {"role": Role.REPORTER, "unit": w.west_village.pk}, ok_status=302),
    Case("orgs:role_revoke", _fresh_grant, ADMINS, method="post", ok_status=302),
    Case("orgs:password_reset", _reset_target, ADMINS,
         method="post", data=lambda w: {"password": "Another2026pw"}, ok_status=302),
    Case("password_change", lambda w: reverse("password_change"), SIGNED_IN),
    Case("password_change_done", lambda w: reverse("password_change_done"), SIGNED_IN),
    Case("standards:standard_list", lambda w: reverse("standards:standard_list"), SIGNED_IN),
    Case("standards:standard_detail", lambda w: reverse("standards:standard_detail", args=[_standard(w)]),
         SIGNED_IN),
    Case("standards:standard_workbook", lambda w: reverse("standards:standard_workbook", args=[_standard(w)]), SIGNED_IN),
    Case("standards:standard_export", lambda w: reverse("standards:standard_export", args=[_standard(w)]),
         SIGNED_IN),
    Case("standards:standard_upload", lambda w: reverse("standards:standard_upload"),
         frozenset({"superuser", "district_admin"})),
    Case("api:standard-list", lambda w: reverse("api:standard-list"), SIGNED_IN, api=True),
    Case("api:standard-detail", lambda w: reverse("api:standard-detail", args=[_standard(w)]), SIGNED_IN, api=True),
    Case("api:standard-list#load", lambda w: reverse("api:standard-list"), frozenset({"superuser", "district_admin"}),
         method="post", api=True, ok_status=400, effect="none"),  # an empty body: refused, nothing loaded
    Case("creation:campaigns", _c("creation:campaigns"), SIGNED_IN),
    Case("creation:campaign_create", lambda w: (_campaign(w), reverse("creation:campaign_create"))[1],
         frozenset({"superuser", "district_admin"})),
    Case("creation:campaign", _c("creation:campaign", _cid), IN_DISTRICT),
    Case("creation:campaign_edit", _c("creation:campaign_edit", _cid), frozenset({"superuser", "district_admin"})),
    Case("creation:campaign_rerate", _c("creation:campaign_rerate", _cid), DISTRICT_ADMINS),
    Case("creation:leader", _c("creation:leader", _cid), IN_DISTRICT),
    Case("creation:plan_import", _c("creation:plan_import", _cid), ADMINS),
    Case("creation:plan_template", _c("creation:plan_template", _cid), IN_DISTRICT),
    Case("creation:plan_export", _c("creation:plan_export", _cid, lambda w: w.east.pk), EAST_OFFICE),
    Case("creation:office", _c("creation:office", _cid, lambda w: w.east.pk), EAST_OFFICE),
    Case("creation:office#west", _c("creation:office", _cid, lambda w: w.west.pk), DISTRICT_WIDE),
    Case("creation:branch", _c("creation:branch", _cid, lambda w: w.community.pk), EAST_COMMUNITY),
    Case("creation:branch#west", _c("creation:branch", _cid, lambda w: w.west_village.pk), WEST_VILLAGE),
    Case("creation:target_edit", _c("creation:target_edit", _cid, lambda w: w.community.pk),
         frozenset({"superuser", "branch_user"})),
    Case("creation:target_action", _draft_target, COMMUNITY_DECLARE, method="post", ok_status=302),
    Case("creation:task_create", _c("creation:task_create", _cid, lambda w: w.community.pk), COMMUNITY_PLAN),
    Case("creation:task", _c("creation:task", lambda w: _task(w).pk), EAST_COMMUNITY),
    Case("creation:task_progress", _c("creation:task_progress", lambda w: _task(w).pk), COMMUNITY_PLAN,
         method="post", data=lambda w: {"on": "2026-01-01", "note": "进展"}, ok_status=302),
    Case("creation:task_delete", _c("creation:task_delete", lambda w: _task(w).pk), COMMUNITY_PLAN, method="post",
         data=lambda w: {"confirmed": "on"}, ok_status=302),
    Case("api:campaign-list", _c("api:campaign-list"), SIGNED_IN, api=True),
    Case("api:campaign-detail", _c("api:campaign-detail", _cid), IN_DISTRICT, api=True),
    Case("api:campaign-rerate", _c("api:campaign-rerate", _cid), DISTRICT_ADMINS, method="post", api=True,
         reach_only=True),
    Case("api:target-list", _c("api:target-list"), SIGNED_IN, api=True),
    Case("api:target-detail", _c("api:target-detail", lambda w: _target(w).pk), EAST_COMMUNITY, api=True),
    Case("api:target-list#save", _c("api:target-list"), frozenset({"superuser", "branch_user"}), method="post",
         api=True, data=lambda w: {"campaign": _cid(w), "branch": w.community.pk, "star_codes": ["pafz"]}),
    Case("api:target-submit", _c("api:target-submit", lambda w: _target(w).pk), COMMUNITY_DECLARE, method="post",
         api=True, reach_only=True),
    Case("api:target-confirm", _c("api:target-confirm", lambda w: _target(w).pk), REVIEWERS, method="post",
         api=True, reach_only=True),
    Case("api:target-return", _c("api:target-return", lambda w: _target(w).pk), REVIEWERS, method="post",
         api=True, reach_only=True),
    Case("api:task-list", _c("api:task-list"), SIGNED_IN, api=True),
    Case("api:task-detail", _c("api:task-detail", lambda w: _task(w).pk), EAST_COMMUNITY, api=True),
    Case("api:task-detail#delete", _c("api:task-detail", lambda w: _task(w).pk), COMMUNITY_PLAN, method="delete",
         api=True, ok_status=204),
    Case("api:task-progress", _c("api:task-progress", lambda w: _task(w).pk), COMMUNITY_PLAN, method="post",
         api=True, data=lambda w: {"note": "进展"}),
    Case("api:gaps", lambda w: reverse("api:gaps") + f"?campaign={_cid(w)}&branch={w.community.pk}", EAST_COMMUNITY,
         api=True),
    Case("help", _c("help"), SIGNED_IN),
    Case("notifications", _c("notifications"), SIGNED_IN),
    Case("exports", _c("exports"), SIGNED_IN),
    # A finished long export is its owner's alone, whatever the others' roles (the superuser's too).
    Case("export_download", lambda w: reverse("export_download", args=[_export(w)]), frozenset({"branch_user"})),
    Case("notifications_read", _c("notifications_read"), SIGNED_IN, method="post", ok_status=302,
         effect="any"),  # marks the persona's own notifications read, if it has any
    Case("weekly:home", _c("weekly:home"), SIGNED_IN, reach_only=True),
    Case("weekly:district", _c("weekly:district", _cid), DISTRICT_WIDE),
    Case("weekly:office", _c("weekly:office", _cid, lambda w: w.east.pk), EAST_OFFICE),
    Case("weekly:rollup", lambda w: reverse("weekly:rollup", args=[_cid(w), w.east.pk, _campaign(w).year, 1]),
         EAST_OFFICE),
    Case("weekly:branch", _c("weekly:branch", _cid, lambda w: w.community.pk), EAST_COMMUNITY),
    Case("weekly:report", lambda w: (_report(w), _wk("weekly:report")(w))[1], EAST_COMMUNITY),
    Case("weekly:report_action", lambda w: (_report(w), _wk("weekly:report_action", "accept")(w))[1],
         REVIEWERS, method="post", reach_only=True),
    Case("weekly:attachment_add", lambda w: (_report(w), _wk("weekly:attachment_add")(w))[1], EAST_COMMUNITY,
         method="post", reach_only=True),
    Case("weekly:attachment", lambda w: reverse("weekly:attachment", args=[_attachment(w).pk]), EAST_COMMUNITY),
    Case("api:weekly-report-list", _c("api:weekly-report-list"), SIGNED_IN, api=True),
    Case("api:weekly-report-detail", lambda w: reverse("api:weekly-report-detail", args=[_report(w).pk]),
         EAST_COMMUNITY, api=True),
    Case("api:weekly-report-submit", lambda w: reverse("api:weekly-report-submit", args=[_report(w).pk]),
         COMMUNITY_DECLARE, method="post", api=True, reach_only=True),
    Case("api:weekly-report-return", lambda w: reverse("api:weekly-report-return", args=[_report(w).pk]),
         REVIEWERS, method="post", api=True, reach_only=True),
    Case("api:weekly-report-accept", lambda w: reverse("api:weekly-report-accept", args=[_report(w).pk]),
         REVIEWERS, method="post", api=True, reach_only=True),
    Case("api:weekly-compliance", lambda w: reverse("api:weekly-compliance") + f"?campaign={_cid(w)}&unit={w.east.pk}",
         EAST_OFFICE, api=True),
    Case("evaluation:home", _c("evaluation:home"), SIGNED_IN, reach_only=True),
    Case("evaluation:queue", _c("evaluation:queue", _cid), IN_DISTRICT),
    Case("evaluation:notices", _c("evaluation:notices", _cid), DISTRICT_ADMINS),
    Case("evaluation:awards", _c("evaluation:awards", _cid), IN_DISTRICT),
    Case("evaluation:branch", _ch("evaluation:branch", branch=True), EAST_COMMUNITY),
    Case("evaluation:branch#west", lambda w: reverse("evaluation:branch", args=[_cid(w), w.west_village.pk]), WEST_VILLAGE),
    Case("evaluation:self_save", _ch("evaluation:self_save", branch=True), COMMUNITY_DECLARE, method="post",
         ok_status=302),
    Case("evaluation:self_preview", _ch("evaluation:self_preview", branch=True), EAST_COMMUNITY, method="post",
         effect="none"),
    Case("evaluation:claim", _ch("evaluation:claim", branch=True), COMMUNITY_DECLARE, method="post", reach_only=True),
    Case("evaluation:office_action", _ch("evaluation:office_action", branch=True, extra=("pass",)), OFFICE_REVIEW,
         method="post", reach_only=True),
    Case("evaluation:district_action", _ch("evaluation:district_action", branch=True, extra=("finalize",)),
         DISTRICT_ADMINS, method="post", reach_only=True),
    Case("evaluation:evidence", _ch("evaluation:evidence", branch=True), EAST_COMMUNITY),
    Case("evaluation:history", _ch("evaluation:history", branch=True), EAST_COMMUNITY),
    Case("evaluation:evidence_file", _ch("evaluation:evidence_file", "evidence"), EAST_COMMUNITY),
    Case("evaluation:notice", _ch("evaluation:notice", "notice"), DISTRICT_ADMINS),
    # State-dependent (the notice runs to 2099): who reaches it; the chain tests check the effect.
    Case("evaluation:notice_close", _ch("evaluation:notice_close", "notice"), DISTRICT_ADMINS, method="post",
         reach_only=True),
    Case("evaluation:objection_resolve", _open_objection, DISTRICT_ADMINS, method="post", ok_status=302,
         data=lambda w: {f"o{_chain(w)['objection'].pk}-ruling": "dismissed",
                         f"o{_chain(w)['objection'].pk}-outcome": "经核查，反映情况不属实。"}),
    Case("evaluation:award", _ch("evaluation:award", "award"), EAST_COMMUNITY),
    Case("evaluation:vetoes", _c("evaluation:vetoes", _cid), IN_DISTRICT),
    Case("evaluation:veto_record", _ch("evaluation:veto_record", branch=True), REVIEWERS, method="post",
         reach_only=True),
    Case("evaluation:veto_approve", _pending_veto, DISTRICT_ADMINS, method="post", ok_status=302),
    Case("evaluation:veto_revoke", _veto_in_force, DISTRICT_ADMINS, method="post", ok_status=302,
         data=lambda w: {"reason": "经复核，登记有误。"}),
    Case("evaluation:certificate", _ch("evaluation:certificate", "award"), EAST_COMMUNITY),
    Case("evaluation:reinstate", _removed_again, DISTRICT_ADMINS, method="post", ok_status=302,
         data=lambda w: {"reason": "经复核，信访事项已化解。"}),
    Case("public:public_notices", _c("public:public_notices"), SIGNED_IN, anonymous_status=200),
    Case("public:public_notice", _ch("public:public_notice", "notice"), SIGNED_IN, anonymous_status=200),
    Case("public:public_notice_qr", _ch("public:public_notice_qr", "notice"), SIGNED_IN, anonymous_status=200),
    Case("api:evidence-list", _c("api:evidence-list"), SIGNED_IN, api=True),
    Case("api:evidence-detail", _ch("api:evidence-detail", "evidence"), EAST_COMMUNITY, api=True),
    Case("api:submission-list", _c("api:submission-list"), SIGNED_IN, api=True),
    Case("api:submission-detail", _ch("api:submission-detail", "sub"), EAST_COMMUNITY, api=True),
    Case("api:submission-self-results", _c("api:submission-self-results"), COMMUNITY_DECLARE, method="post", api=True,
         data=lambda w: {"campaign": _cid(w), "branch": w.community.pk, "results": {"U-PAFZ-01": True}}),
    Case("api:submission-claim", _c("api:submission-claim"), COMMUNITY_DECLARE, method="post", api=True, reach_only=True,
         data=lambda w: {"campaign": _cid(w), "branch": w.community.pk, "claimed": ["pafz"], "confirm": True}),
    *[Case(f"api:submission-{a}", _ch(f"api:submission-{a}", "sub"), who, method="post", api=True, reach_only=True)
      for a, who in (("office-review", OFFICE_REVIEW), ("office-return", OFFICE_REVIEW), ("office-pass", OFFICE_REVIEW),
                     ("decide", DECIDERS), ("district-return", DISTRICT_ADMINS), ("finalize", DISTRICT_ADMINS))],
    Case("api:award-list", _c("api:award-list"), SIGNED_IN, api=True),
    Case("api:award-detail", _ch("api:award-detail", "award"), EAST_COMMUNITY, api=True),
    Case("api:award-remove-star", _ch("api:award-remove-star", "award"), DISTRICT_ADMINS, method="post", api=True,
         reach_only=True),
    Case("api:veto-event-list", _c("api:veto-event-list"), SIGNED_IN, api=True),
    Case("api:veto-event-detail", lambda w: reverse("api:veto-event-detail", args=[_veto(w, "in_force").pk]),
         EAST_COMMUNITY, api=True),
    Case("api:veto-event-approve", lambda w: reverse("api:veto-event-approve", args=[_veto(w, "pending").pk]),
         DISTRICT_ADMINS, method="post", api=True),
    Case("api:veto-event-revoke", lambda w: reverse("api:veto-event-revoke", args=[_veto(w, "in_force").pk]),
         DISTRICT_ADMINS, method="post", api=True, data=lambda w: {"reason": "经复核，登记有误。"}),
    Case("api:notice-list", _c("api:notice-list"), SIGNED_IN, api=True),
    Case("api:notice-detail", _ch("api:notice-detail", "notice"), IN_DISTRICT, api=True),
    Case("api:notice-close", _ch("api:notice-close", "notice"), DISTRICT_ADMINS, method="post", api=True,
         reach_only=True),
    Case("api:objection-list", _c("api:objection-list"), SIGNED_IN, api=True),
    Case("api:objection-detail", _ch("api:objection-detail", "objection"), DISTRICT_ADMINS, api=True),
    Case("api:objection-resolve", lambda w: _open_objection(w) and reverse(
        "api:objection-resolve", args=[_chain(w)["objection"].pk]), DISTRICT_ADMINS, method="post", api=True,
        data=lambda w: {"ruling": "dismissed", "outcome": "经核查，反映情况不属实。"}),
    Case("contest:home", _c("contest:home"), SIGNED_IN, reach_only=True),
    Case("orgs:unit_search", _c("orgs:unit_search"), SIGNED_IN, reach_only=True),
    Case("contest:district", _c("contest:district", _cid), IN_DISTRICT),
    Case("contest:office", _c("contest:office", _cid, lambda w: w.east.pk), EAST_OFFICE),
    Case("contest:branch", _c("contest:branch", _cid, lambda w: w.community.pk), EAST_COMMUNITY),
    Case("contest:rankings", _c("contest:rankings", _cid), IN_DISTRICT),
    Case("contest:matrix", _c("contest:matrix", _cid), IN_DISTRICT),
    Case("contest:flags", _c("contest:flags", _cid), IN_DISTRICT),
    Case("contest:flag_confer", _c("contest:flag_confer", _cid), DISTRICT_ADMINS, method="post", reach_only=True),
    Case("contest:flag_revoke", lambda w: reverse("contest:flag_revoke", args=[_flag(w).pk]), DISTRICT_ADMINS,
         method="post", ok_status=302, data=lambda w: {"reason": "复查不符合条件"}),
    Case("api:flag-list", _c("api:flag-list"), SIGNED_IN, api=True),
    Case("api:flag-detail", lambda w: reverse("api:flag-detail", args=[_flag(w).pk]), IN_DISTRICT, api=True),
    Case("api:flag-revoke", lambda w: reverse("api:flag-revoke", args=[_flag(w).pk]), DISTRICT_ADMINS, method="post",
         api=True, data=lambda w: {"reason": "复查不符合条件"}),
    Case("contest:pairings", _c("contest:pairings", _cid), IN_DISTRICT),
    Case("contest:pairing_create", _c("contest:pairing_create", _cid), ADMINS),
    # A pairing is seen by its mentor's and its mentees' people (the east community and village).
    Case("contest:pairing", _co("contest:pairing", "pairing"), EAST_COMMUNITY | {"village_user"}),
    Case("contest:highlights", _c("contest:highlights", _cid), IN_DISTRICT),
    Case("contest:highlight_create", _c("contest:highlight_create", _cid),
         ADMINS | {"branch_user", "village_user", "other_branch_user"}),
    Case("contest:highlight", _co("contest:highlight", "highlight"), EAST_COMMUNITY),
    Case("contest:photo", _co("contest:photo", "photo"), EAST_COMMUNITY),
    Case("contest:sanctions", _c("contest:sanctions", _cid), IN_DISTRICT),
    Case("contest:contests", _c("contest:contests", _cid), IN_DISTRICT),
    Case("contest:contest_create", _c("contest:contest_create", _cid), ADMINS),
    Case("contest:contest", _co("contest:contest", "contest"), EAST_OFFICE),
    Case("contest:contest_score", _co("contest:contest_score", "contest", "judge"), ADMINS),
    Case("api:dashboard", lambda w: reverse("api:dashboard") + f"?campaign={_cid(w)}", IN_DISTRICT, api=True),
    Case("api:dashboard#office", lambda w: reverse("api:dashboard") + f"?campaign={_cid(w)}&office={w.east.pk}",
         EAST_OFFICE, api=True),
    Case("api:rankings", lambda w: reverse("api:rankings") + f"?campaign={_cid(w)}", IN_DISTRICT, api=True),
    Case("api:pairing-list", _c("api:pairing-list"), SIGNED_IN, api=True),
    Case("api:pairing-detail", _co("api:pairing-detail", "pairing"), EAST_COMMUNITY | {"village_user"}, api=True),
    Case("api:highlight-list", _c("api:highlight-list"), SIGNED_IN, api=True),
    Case("api:highlight-detail", _co("api:highlight-detail", "highlight"), EAST_COMMUNITY, api=True),
    Case("api:sanction-list", _c("api:sanction-list"), SIGNED_IN, api=True),
    Case("api:sanction-detail", _co("api:sanction-detail", "sanction"), EAST_COMMUNITY, api=True),
    Case("api:contest-list", _c("api:contest-list"), SIGNED_IN, api=True),
    Case("api:contest-detail", _co("api:contest-detail", "contest"), EAST_OFFICE, api=True),
    Case("activities:list", _c("activities:list"), SIGNED_IN),
    Case("activities:calendar", _c("activities:calendar"), SIGNED_IN),
    Case("activities:create", _c("activities:create"), ADMINS),
    Case("activities:import", lambda w: (_campaign(w), reverse("activities:import"))[1], ADMINS),
    Case("activities:detail", lambda w: reverse("activities:detail", args=[_activity(w).pk]), EAST_OFFICE),
    Case("activities:edit", lambda w: reverse("activities:edit", args=[_activity(w).pk]), ADMINS),
    Case("activities:brief", lambda w: reverse("activities:brief", args=[_activity(w).pk]), EAST_OFFICE),
    Case("activities:photo", lambda w: reverse("activities:photo", args=[_activity_photo(w).pk]), EAST_OFFICE),
    Case("api:activity-list", _c("api:activity-list"), SIGNED_IN, api=True),
    Case("api:activity-detail", lambda w: reverse("api:activity-detail", args=[_activity(w).pk]), EAST_OFFICE, api=True),
    Case("api:activity-brief", lambda w: reverse("api:activity-brief", args=[_activity(w).pk]), EAST_OFFICE, api=True),
    Case("api:activity-parse", _c("api:activity-parse"), SIGNED_IN, method="post", api=True,
         data=lambda w: {"text": "# 标题\n\n11月1日，东城办事处召开推进会。"}, effect="none"),
    Case("casefiles:home", _c("casefiles:home"), SIGNED_IN),
    Case("casefiles:files", _c("casefiles:files"), SIGNED_IN),
    Case("casefiles:file_import", _c("casefiles:file_import"), CASEFILE_ORG),
    Case("casefiles:file_template", _c("casefiles:file_template"), SIGNED_IN),
    Case("casefiles:file", _rv("casefiles:file", "file"), CASEFILE_VIEW),
    Case("casefiles:dossier", _rv("casefiles:dossier", "file"), CASEFILE_VIEW),
    Case("casefiles:page_pdf", _rv("casefiles:page_pdf", "page"), CASEFILE_VIEW),
    Case("casefiles:page_thumb", _rv("casefiles:page_thumb", "page"), CASEFILE_VIEW),
    Case("casefiles:page_remove", _fresh_page, CASEFILE_ORG, method="post", ok_status=302),
    Case("casefiles:date_decide", _fresh_proposal, CASEFILE_ORG, method="post", data=lambda w: {"decision": "confirm"},
         ok_status=302),
    Case("casefiles:scan_zip", _c("casefiles:scan_zip"), CASEFILE_ORG),
    Case("casefiles:dossier_search", lambda w: _rv("casefiles:dossier_search", "campaign")(w) + "?q=%E7%94%B3",
         CASEFILE_ORG | {"casefile_reviewer"}),
    Case("casefiles:campaign_create", _c("casefiles:campaign_create"), CASEFILE_ORG),
    Case("casefiles:campaign", _rv("casefiles:campaign", "campaign"), CASEFILE_ORG | {"casefile_reviewer"}),
    Case("casefiles:sheet", _rv("casefiles:sheet", "sample"), CASEFILE_ORG | {"casefile_reviewer"}),
    Case("casefiles:rectification", _rv("casefiles:rectification", "rect"), CASEFILE_VIEW),
    Case("casefiles:matters", _c("casefiles:matters"), SIGNED_IN),
    Case("casefiles:matter_import", _c("casefiles:matter_import"), CASEFILE_ORG),
    Case("casefiles:matter_template", _c("casefiles:matter_template"), SIGNED_IN),
    Case("casefiles:rubric_upload", _c("casefiles:rubric_upload"), CASEFILE_ORG),
    Case("casefiles:rubrics", _c("casefiles:rubrics"), SIGNED_IN),
    Case("casefiles:rubric", _rv("casefiles:rubric", "rubric"), SIGNED_IN),
    Case("casefiles:calendar", _c("casefiles:calendar"), SIGNED_IN),
    Case("api:case-file-list", _c("api:case-file-list"), SIGNED_IN, api=True),
    Case("api:case-file-detail", _rv("api:case-file-detail", "file"), CASEFILE_VIEW, api=True),
    Case("api:case-file-checks", _rv("api:case-file-checks", "file"), CASEFILE_VIEW, api=True),
    Case("api:review-campaign-list", _c("api:review-campaign-list"), SIGNED_IN, api=True),
    Case("api:review-campaign-detail", _rv("api:review-campaign-detail", "campaign"), CASEFILE_ORG | {"casefile_reviewer"},
         api=True),
    Case("api:review-campaign-results", _rv("api:review-campaign-results", "campaign"),
         CASEFILE_ORG | {"casefile_reviewer"}, api=True),
    Case("api:review-campaign-draw", _rv("api:review-campaign-draw", "campaign"), CASEFILE_ORG, method="post", api=True,
         reach_only=True),
    Case("api:review-campaign-arbitrate", _rv("api:review-campaign-arbitrate", "campaign"), CASEFILE_ORG, method="post",
         api=True, reach_only=True),
    Case("api:review-campaign-rectify", _rv("api:review-campaign-rectify", "campaign"), CASEFILE_ORG, method="post",
         api=True, reach_only=True),
    Case("api:score-sheet-detail", _rv("api:score-sheet-detail", "sample"), frozenset({"casefile_reviewer"}), api=True),
    Case("api:rectification-list", _c("api:rectification-list"), SIGNED_IN, api=True),
    Case("api:rectification-detail", _rv("api:rectification-detail", "rect"), CASEFILE_VIEW, api=True),
    Case("api:rectification-respond", _rv("api:rectification-respond", "rect"), frozenset({"superuser"}), method="post",
         api=True, reach_only=True),
    Case("api:unit-list", lambda w: reverse("api:unit-list"), SIGNED_IN, api=True),
    Case("api:unit-detail", lambda w: reverse("api:unit-detail", args=[w.community.pk]), EAST_COMMUNITY | TREE,
         api=True),
    Case("api:unit-detail#west", lambda w: reverse("api:unit-detail", args=[w.west_village.pk]), WEST_VILLAGE | TREE,
         api=True),
    Case("api:me", lambda w: reverse("api:me"), SIGNED_IN, api=True),
    Case("api:me-password", _c("api:me-password"), SIGNED_IN, method="post", api=True, reach_only=True),
    Case("api:me-todo", _c("api:me-todo"), SIGNED_IN, api=True),
    # Issue 19: the plans of every branch one sees; 批注; opening one's own notice; channels and choices.
    Case("creation:plan_export_all", _c("creation:plan_export_all", _cid), IN_DISTRICT),
    Case("creation:comment", _c("creation:comment", _cid, lambda w: w.community.pk),
         frozenset({"superuser", "district_admin", "office_admin", "leader"}), method="post",
         data=lambda w: {"text": "请加快推进阵地建设"}, ok_status=302),
    Case("notification_open", lambda w: reverse("notification_open", args=[_notice(w)]), frozenset({"branch_user"}),
         ok_status=302),
    Case("api:comment-list", _c("api:comment-list"), SIGNED_IN, api=True),
    Case("api:comment-list#post", _c("api:comment-list"), frozenset({"superuser", "district_admin", "office_admin",
                                                                      "leader"}),
         method="post", api=True, ok_status=201,
         data=lambda w: {"campaign": _cid(w), "branch": w.community.pk, "text": "请加快推进阵地建设"}),
    Case("messaging:preferences", _c("messaging:preferences"), SIGNED_IN),
    Case("messaging:channels", _c("messaging:channels"), ADMINS),
    Case("messaging:channel_action", lambda w: reverse("messaging:channel_action", args=[_channel(w)]), ADMINS,
         method="post", data=lambda w: {"action": "disable"}, ok_status=302),
]


def _notice(w) -> int:
    from wuxing.core.models import Notification

    return Notification.objects.create(user=w.branch_user, title="第1周动态被退回", url="/weekly/").pk


def _export(w) -> int:
    from django.core.files.base import ContentFile

    from wuxing.core.models import ExportJob

    job = ExportJob.objects.create(user=w.branch_user, kind="creation.plans", name="创建规划_东城社区_2026", fmt="csv",
                                   status=ExportJob.DONE, rows=1)
    job.file.save(job.filename, ContentFile("\ufeff支部,任务\n东城社区,完善网格\n".encode()))
    return job.pk


def _channel(w) -> int:
    """A fresh, active robot channel of the east office (each allowed persona really disables one)."""
    from wuxing.messaging.models import Channel

    return Channel.objects.create(unit=w.east, kind="wecom", name="东城群",
                                  address="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k").pk

# URLs that are the same for everyone, tested elsewhere (login, logout, token, schema, docs, health).
PUBLIC = {"login", "logout", "api:token", "schema", "swagger-ui", "healthz", "api:api-root",
          # the public objection form's captcha (tests/hostile/test_objections.py)
          "captcha-image", "captcha-image-2x", "captcha-audio", "captcha-refresh"}


WRITES = ("post", "put", "patch", "delete")
UNTRACKED = {"core.auditevent", "core.audithead", "orgs.user"}  # audit is counted; sign-ins touch last_login


def _fingerprint():
    """Every row of every Wuxing table and many-to-many table (a few hundred in the mini district), as one
    digest, read with raw SQL: no model instances, so it is cheap enough to take around every request."""
    import hashlib

    from django.apps import apps
    from django.db import connection

    digest = hashlib.sha256()
    def owner(model):  # a many-to-many table belongs to the model that declares the field
        return model._meta.auto_created or model

    tables = sorted({m._meta.db_table for m in apps.get_models(include_auto_created=True)
                     if owner(m).__module__.startswith("wuxing.") and owner(m)._meta.label_lower not in UNTRACKED})
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")
            digest.update(table.encode())
            digest.update(repr(cursor.fetchall()).encode())
    return digest.hexdigest()


def _audited() -> int:
    from wuxing.core.models import AuditEvent

    return AuditEvent.objects.exclude(action__startswith="auth.").count()  # sign-ins and -outs of the test


def _status(client, case: Case, w, persona: str, url: str | None = None, data: dict | None = None) -> int:
    url = url or case.url(w)
    data = data if data is not None else (case.data(w) if case.data else {})
    if case.api and persona != "anonymous":
        token, _ = Token.objects.get_or_create(user=w.persona(persona))
        client.logout()
        kwargs = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
        if case.method in ("post", "put", "patch"):
            response = getattr(client, case.method)(url, json.dumps(data), content_type="application/json", **kwargs)
        else:
            response = getattr(client, case.method)(url, data, **kwargs)
    else:
        response = getattr(client, case.method)(url, data)
    return response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_url_answers_each_persona_as_its_scope_says(case, world, login, client):
    wrong = []
    write = case.method in WRITES
    for persona in ["anonymous", *PERSONAS]:
        login(world.persona(persona))
        url = case.url(world)  # builds what the URL names (a fresh object for each persona)
        data = case.data(world) if case.data else {}
        if write:
            before, events = _fingerprint(), _audited()
        status = _status(client, case, world, persona, url, data)
        if write:
            changed, audited = _fingerprint() != before, _audited() > events
            refused = persona not in case.allowed or persona == "anonymous"
            if refused and (changed or audited):
                wrong.append(f"{persona}: refused ({status}) but the write took effect")
            elif case.effect == "any":
                pass
            elif not refused and not case.reach_only and case.effect == "audited" and not audited:
                wrong.append(f"{persona}: allowed ({status}) but nothing was written and audited")
            elif not refused and case.effect == "none" and (changed or audited):
                wrong.append(f"{persona}: wrote although this action writes nothing")
        if persona == "anonymous":
            expected = case.anonymous_status or (401 if case.api else 302)
        elif case.reach_only and persona in case.allowed:
            if status in (403, 404) or status >= 500:
                wrong.append(f"{persona}: got {status}, expected to reach the object")
            continue
        elif persona in case.allowed:
            expected = case.ok_status
        else:
            expected = 404
        if status != expected:
            wrong.append(f"{persona}: got {status}, expected {expected}")
    assert not wrong, f"{case.name}: " + "; ".join(wrong)


def _names(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            if p.namespace == "admin":
                continue
            yield from _names(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{prefix}{p.name}"


def test_every_named_url_has_a_permission_case():
    covered = {c.name.split("#")[0] for c in CASES} | PUBLIC
    missing = sorted({n for n in _names(get_resolver().url_patterns) if n not in covered})
    assert not missing, f"URLs without permission tests: {missing}"
