"""Reads of the case-file review, cut to what the reader may see: an organiser sees the whole campaign; a
reviewed unit its own files, scores, unit row and rectifications; a reviewer the files assigned to them.
Pages, exports and the API all read results through `results_for`."""

from __future__ import annotations

from collections import Counter

from wuxing.casefiles import services
from wuxing.casefiles.models import Rectification, ReviewCampaign, SampledFile
from wuxing.core import policy


def is_organiser(user, campaign: ReviewCampaign) -> bool:
    return policy.may(user, "casefile.organise", campaign.unit)


def visible_samples(user, campaign: ReviewCampaign | None = None):
    samples = SampledFile.objects.for_user(user)
    return samples if campaign is None else samples.filter(campaign=campaign)


def results_for(user, campaign: ReviewCampaign) -> dict:
    """The campaign's results as `user` may see them (see the module docstring)."""
    r = services.results(campaign)
    if is_organiser(user, campaign):
        return {**r, "organiser": True}
    allowed = set(visible_samples(user, campaign).values_list("pk", flat=True))
    own = policy.paths_for(user, "casefile.answer") or []
    files = [(s, sh) for s, sh in r["files"] if s.pk in allowed]
    own_units = {s.file.unit.name for s, _sh in files if any(s.file.unit.path.startswith(p) for p in own)}
    return {**r, "organiser": False, "files": files, "units": [(u, v) for u, v in r["units"] if u in own_units],
            "problems": Counter(), "section_counts": [], "common": [], "excellent": [(s, sh) for s, sh in r["excellent"] if s.pk in allowed],
            "reviewed": sum(1 for _s, sh in files if sh is not None), "open_units": [], "arbitration": []}


def readable_files(user):
    """Files one may read: those in one's scope, and those one is assigned to review (a reviewer from another
    agency must read the file they score)."""
    from django.db.models import Q

    from wuxing.casefiles.models import CaseFile

    uid = getattr(user, "pk", None)
    assigned = SampledFile.objects.filter(Q(reviewer_id=uid) | Q(second_reviewer_id=uid)).values("file_id")
    return CaseFile.objects.filter(Q(pk__in=CaseFile.objects.for_user(user).values("pk")) | Q(pk__in=assigned))


def visible_rectifications(user, campaign: ReviewCampaign):
    return Rectification.objects.for_user(user).filter(campaign=campaign).select_related("unit")


def readable_pages(user):
    """Dossier pages one may read: those of the files one may read (readable_files)."""
    from wuxing.casefiles.models import ScanPage

    return ScanPage.objects.filter(file__in=readable_files(user))


def campaign_pages(user, campaign: ReviewCampaign):
    """The dossier pages of the campaign's drawn files `user` may see (visible_samples)."""
    from wuxing.casefiles.models import ScanPage

    return ScanPage.objects.filter(file_id__in=visible_samples(user, campaign).values("file_id"))


def dossier_progress(user, campaign: ReviewCampaign) -> dict:
    """The scanned dossiers of the campaign's files `user` may see: files with scans, pages, and OCR progress."""
    from django.db.models import Count, Q

    from wuxing.casefiles.models import OcrState

    return campaign_pages(user, campaign).aggregate(files=Count("file_id", distinct=True), pages=Count("id"),
                           done=Count("id", filter=Q(ocr_state=OcrState.DONE)),
                           pending=Count("id", filter=Q(ocr_state=OcrState.PENDING)),
                           failed=Count("id", filter=Q(ocr_state=OcrState.FAILED)))
