"""The demo district 经开区 with a whole campaign year: each app seeds its own part, in the order the year runs."""

from __future__ import annotations

from types import SimpleNamespace

from django.db import transaction

from wuxing.activities.demo import load as load_activities
from wuxing.casefiles.demo import load as load_casefiles
from wuxing.creation.demo import load as load_creation
from wuxing.evaluation.demo import load as load_evaluation
from wuxing.messaging.demo import load as load_channels
from wuxing.orgs.demo import DISTRICT_CODE, load_org
from wuxing.orgs.models import OrgUnit
from wuxing.rollups.services import batched, rebuild
from wuxing.standards.models import Standard
from wuxing.weekly.demo import load as load_weekly


@transaction.atomic
def load_demo() -> bool:
    """Create the demo district unless it exists; returns whether anything was created."""
    if OrgUnit.objects.filter(code=DISTRICT_CODE).exists():
        return False
    system = SimpleNamespace(is_superuser=True, is_authenticated=False, pk=None)
    load_shipped_standards(system)  # reviewers name the stars they own
    district = load_org(system)
    with batched():  # thousands of demo rows: each branch's rollups once, at the end
        campaign = load_creation(system, district, Standard.objects.get(code="henan-urban-sample", version=1),
                                 Standard.objects.get(code="henan-rural-sample", version=1))
        load_weekly(campaign)
        load_evaluation(system, campaign)
        load_activities(system, campaign)
        load_casefiles(district)
    # The weekly demo writes a year of past reports directly, as they were; count them once.
    rebuild(campaign)
    load_channels(system)
    return True


def load_shipped_standards(actor) -> None:
    from wuxing.standards.library import shipped_files
    from wuxing.standards.services import load_standard

    for path in shipped_files():
        result = load_standard(actor, path.read_bytes())
        if not result.ok:
            raise RuntimeError(f"shipped standard {path.name} does not load: {result.errors}")
