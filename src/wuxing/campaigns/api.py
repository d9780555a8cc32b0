"""API fields every domain app's serializers share: a campaign and a branch, looked up through the policy."""

from __future__ import annotations

from wuxing.campaigns.selectors import campaigns_for
from wuxing.core.api import ScopedPrimaryKeyField
from wuxing.core.roles import BRANCH_LEVELS


def CampaignField(**kwargs) -> ScopedPrimaryKeyField:
    """A campaign id the caller may see (404 otherwise, like a missing one)."""
    return ScopedPrimaryKeyField(scope=campaigns_for, **kwargs)


def BranchField(**kwargs) -> ScopedPrimaryKeyField:
    """A community or village id in the caller's scope (404 otherwise, like a missing one)."""
    from wuxing.orgs.models import OrgUnit

    return ScopedPrimaryKeyField(scope=lambda user: OrgUnit.objects.for_user(user).filter(level__in=BRANCH_LEVELS),
                                 **kwargs)
