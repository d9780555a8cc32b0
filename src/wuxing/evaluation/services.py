"""Evaluation state changes. Issue 6 adds the review chain; here: results and evidence."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from wuxing.core.audit import record
from wuxing.evaluation import filecheck
from wuxing.evaluation.models import Assessment, AssessmentStatus, Evidence, IndicatorResult, Stage
from wuxing.core.scoping import reaches
from wuxing.orgs.models import OrgUnit
from wuxing.orgs.roles import ADMIN_ROLES, BRANCH_ROLES


def _branch_role(actor, branch: OrgUnit) -> bool:
    """The branch's own people, or an administrator above it."""
    return reaches(actor, branch, BRANCH_ROLES | ADMIN_ROLES)


@transaction.atomic
def save_self_results(actor, campaign, branch: OrgUnit, results: dict[str, bool | float | None]) -> Assessment:
    """Record the branch's own results (自评) for some indicators; the assessment stays a draft."""
    if not _branch_role(actor, branch):
        raise PermissionDenied(_("您没有权限填写该支部的自评。"))
    standard = campaign.standard_for(branch)
    codes = {i.code: i for s in standard.stars.all() for i in s.indicators.all()}
    assessment, _created = Assessment.objects.get_or_create(campaign=campaign, branch=branch, stage=Stage.SELF)
    if assessment.status in (AssessmentStatus.SUBMITTED, AssessmentStatus.APPROVED):
        raise ValidationError(_("自评已提交，不能再修改。"))
    for code, value in results.items():
        indicator = codes.get(code)
        if indicator is None:
            raise ValidationError(_("指标“{code}”不属于本支部适用的评星标准。").format(code=code))
        points = float(value) if indicator.kind == "points" and value is not None and not isinstance(value, bool) else None
        met = bool(value) if indicator.kind == "pass" and value is not None else None
        if points is not None and not (0 <= points <= (indicator.max_points or 0)):
            raise ValidationError(_("指标“{code}”的得分应在 0 到 {max} 之间。").format(code=code, max=indicator.max_points))
        IndicatorResult.objects.update_or_create(assessment=assessment, indicator_code=code,
                                                 defaults={"met": met, "points": points})
    Assessment.objects.filter(pk=assessment.pk).update(version=assessment.version + 1)
    record(actor, "evaluation.self.save", assessment, {"results": {k: v for k, v in results.items()}},
           unit_path=branch.path)
    return assessment


@transaction.atomic
def add_evidence(actor, campaign, branch: OrgUnit, indicator_code: str, name: str, data: bytes,
                 description: str = "") -> Evidence:
    """Store one ledger file after checking its name, size and real content; nothing is stored on refusal."""
    if not _branch_role(actor, branch):
        raise PermissionDenied(_("您没有权限上传该支部的台账资料。"))
    standard = campaign.standard_for(branch)
    if not any(i.code == indicator_code for s in standard.stars.all() for i in s.indicators.all()):
        raise ValidationError(_("指标“{code}”不属于本支部适用的评星标准。").format(code=indicator_code))
    try:
        clean_name, kind = filecheck.check(name, data, settings.EVIDENCE_MAX_BYTES)
    except filecheck.FileRejected as exc:
        raise ValidationError(str(exc)) from None
    evidence = Evidence(campaign=campaign, branch=branch, indicator_code=indicator_code, original_name=clean_name,
                        description=description.strip()[:300], content_type=kind.content_type, size=len(data),
                        sha256=hashlib.sha256(data).hexdigest(),
                        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None)
    evidence.file.save(clean_name, ContentFile(data), save=False)
    try:
        evidence.save()
        record(actor, "evaluation.evidence.add", evidence,
               {"indicator": indicator_code, "name": clean_name, "sha256": evidence.sha256, "size": len(data)},
               unit_path=branch.path)
    except Exception:
        evidence.file.delete(save=False)  # the row did not land, so neither may the file
        raise
    return evidence
