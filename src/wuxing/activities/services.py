"""Activity state changes: record, confirm parsed drafts, decisions into plan tasks, photos."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wuxing.activities.models import Activity, ActivityPhoto, ActivityStatus, ActivityType, Decision
from wuxing.activities.parsing import TYPE_CODES, Article
from wuxing.core import policy
from wuxing.core.audit import record
from wuxing.core.files import store_checked
from wuxing.core.roles import BRANCH_LEVELS
from wuxing.orgs.models import OrgUnit


def review_campaigns_for(unit: OrgUnit):
    """The case-file review campaigns a 评查会 of `unit` may be linked to: those organised by it, a unit above it or
    a unit below it."""
    from django.db.models import Q

    from wuxing.casefiles.models import ReviewCampaign

    parts = [p for p in unit.path.split("/") if p]
    above = ["".join(f"{p}/" for p in parts[:i]) for i in range(1, len(parts) + 1)]
    return ReviewCampaign.objects.filter(Q(unit__path__in=above) | Q(unit__path__startswith=unit.path)).order_by(
        "-created_at")


def _review_campaign(unit: OrgUnit, kind: str, campaign):
    if campaign is None:
        return None
    if kind != ActivityType.REVIEW:
        raise ValidationError({"review_campaign": _("只有“评查会”可以关联评查活动。")})
    if not review_campaigns_for(unit).filter(pk=campaign.pk).exists():
        raise ValidationError({"review_campaign": _("只能关联本区的评查活动。")})
    return campaign


FIELDS = ["type", "title", "on", "at", "place", "host", "attendees", "participants", "participants_count", "documents",
          "content", "requirements", "reporter", "correspondents", "subtitle", "organiser_name"]


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def may_record(actor, unit: OrgUnit) -> bool:
    return policy.may(actor, "area.manage", unit)


@transaction.atomic
def save_activity(actor, unit: OrgUnit, activity: Activity | None = None, campaign=None, **fields) -> Activity:
    """Create or update an activity of `unit` (office or district admins over it); `campaign` links
    it to a campaign year (decisions then become that year's plan tasks)."""
    if not may_record(actor, unit) or (activity is not None and not may_record(actor, activity.unit)):
        raise PermissionDenied(_("您没有权限记录该单位的活动。"))
    if unit.is_branch:
        raise ValidationError({"unit": _("活动由办事处或区级单位记录，不能记在社区或村。")})
    if fields.get("type") not in ActivityType.values:
        raise ValidationError({"type": _("请选择活动类型。")})
    if not str(fields.get("title", "")).strip():
        raise ValidationError({"title": _("请填写活动名称。")})
    activity = activity or Activity(unit=unit, created_by=_user(actor))
    activity.unit = unit
    for key in FIELDS:
        if key in fields:
            setattr(activity, key, fields[key].strip() if isinstance(fields[key], str) else fields[key])
    activity.organiser_name = activity.organiser_name or unit.name
    if campaign is not None:
        activity.campaign = campaign
    if "review_campaign" in fields:
        activity.review_campaign = _review_campaign(unit, activity.type, fields["review_campaign"])
    activity.documents = [d.strip().strip("《》") for d in (activity.documents or []) if d.strip()]
    activity.full_clean(exclude=["campaign", "created_by"])
    activity.save()
    record(actor, "activities.save", activity, {"title": activity.title, "on": str(activity.on)}, unit_path=unit.path)
    return activity


def article_fields(article: Article, year: int) -> dict:
    """The fields an activity takes from a parsed article."""
    month, day = (int(x) for x in article.date.split("-")) if article.date else (1, 1)
    try:
        on = dt.date(article.year or year, month, day)
    except ValueError:
        on = dt.date(year, 1, 1)
    return {"type": TYPE_CODES.get(article.type, "other"), "title": article.title[:120], "on": on,
            "host": article.host[:60], "participants": article.participants[:20],
            "participants_count": article.participants_count, "attendees": article.attendees,
            "documents": article.documents,
            "content": article.body, "reporter": article.reporter[:40], "correspondents": article.correspondents,
            "subtitle": article.subtitle[:80], "organiser_name": (article.organizer or "")[:60]}


@transaction.atomic
def create_from_articles(actor, campaign, articles: list[Article], units: dict[str, OrgUnit], raw_text: str,
                         clean_text: str) -> list[Activity]:
    """Drafts from pasted briefs: organisers matched in the tree own their record; others (a district
    bureau) are recorded under the campaign's district. Raw and clean text are kept."""
    untitled = [str(i) for i, art in enumerate(articles, start=1) if not art.title.strip()]
    if untitled:
        raise ValidationError(_("第 {n} 篇没有标题，请在粘贴的文字中为其补上标题（单独一行）后再生成。").format(
            n="、".join(untitled)))
    made = []
    for art in articles:
        unit = units.get(art.organizer) or campaign.unit
        if not may_record(actor, unit):
            raise PermissionDenied(_("您没有权限记录“{u}”的活动。").format(u=unit.name))
        activity = save_activity(actor, unit, campaign=campaign, **article_fields(art, campaign.year))
        activity.status, activity.raw_text, activity.clean_text = ActivityStatus.DRAFT, raw_text, clean_text
        activity.save(update_fields=["status", "raw_text", "clean_text"])
        made.append(activity)
    return made


@transaction.atomic
def confirm(actor, activity: Activity) -> Activity:
    if not may_record(actor, activity.unit):
        raise PermissionDenied(_("您没有权限确认该活动。"))
    activity.status = ActivityStatus.CONFIRMED
    activity.save(update_fields=["status"])
    record(actor, "activities.confirm", activity, unit_path=activity.unit.path)
    return activity


@transaction.atomic
def add_decision(actor, activity: Activity, text: str, branches: list[OrgUnit], star_code: str = "",
                 due_date: dt.date | None = None) -> Decision:
    if not may_record(actor, activity.unit):
        raise PermissionDenied(_("您没有权限执行此操作。"))
    if not text.strip():
        raise ValidationError({"text": _("请填写决定事项。")})
    if any(b.level not in BRANCH_LEVELS or not b.path.startswith(activity.unit.path) for b in branches):
        raise ValidationError({"branches": _("落实支部须是组织单位下属的社区或村。")})
    decision = Decision.objects.create(activity=activity, text=text.strip()[:300], star_code=star_code, due_date=due_date)
    decision.branches.set(branches)
    record(actor, "activities.decision", activity, {"text": decision.text}, unit_path=activity.unit.path)
    return decision


@transaction.atomic
def decision_to_tasks(actor, decision: Decision) -> int:
    """Each named branch gets the decision as a plan task (once)."""
    from django.utils import timezone

    from wuxing.creation.services import create_task

    activity = decision.activity
    if not may_record(actor, activity.unit):
        raise PermissionDenied(_("您没有权限执行此操作。"))
    if decision.tasks_created_at is not None:
        raise ValidationError(_("该决定事项已转为任务。"))
    if activity.campaign is None or not decision.star_code or decision.due_date is None:
        raise ValidationError(_("转为任务需要所属年度、对应的星和完成时限。"))
    n = 0
    for branch in decision.branches.all():
        create_task(actor, activity.campaign, branch, title=decision.text[:200], star_code=decision.star_code,
                    due_date=decision.due_date, responsible_name=_("支部书记"),
                    measures=_("落实{title}要求").format(title=activity.title))
        n += 1
    decision.tasks_created_at = timezone.now()
    decision.save(update_fields=["tasks_created_at"])
    return n


@transaction.atomic
def add_photo(actor, activity: Activity, name: str, data: bytes) -> ActivityPhoto:
    if not may_record(actor, activity.unit):
        raise PermissionDenied(_("您没有权限执行此操作。"))
    return store_checked(ActivityPhoto(activity=activity), name, data, images_only=True)
