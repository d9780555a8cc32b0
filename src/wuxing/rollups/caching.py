"""Bodies of pages drawn from the rollups, cached under the rollups' version stamp (services.version)."""

from __future__ import annotations

from wuxing.campaigns.selectors import report_weeks, weeks_state
from wuxing.core.pagecache import cached
from wuxing.rollups.services import version


def cached_body(request, campaign, root, name: str, build) -> str:
    """`build()` once per state of the rollups, in any cache: the version stamp is a database row that every
    write moves in its own transaction, so a body filed under an older stamp is never served again.

    The body depends on the rollups (version stamp), the area, the user's grants, the query string, the weeks
    shown and which of their deadlines have passed (a week turns from pending to missing at its deadline with no
    write at all, and on a Monday morning two weeks shown are pending), and the units' names and places (the
    epoch, which a rename or a move moves: `campaign.numbers`, read by campaign_or_404 with the campaign); anything
    else is the same for every request.
    """
    return cached(request, name, lambda: (
        campaign.pk, *campaign.numbers, root.pk, version(), *weeks_state(campaign, report_weeks(campaign, last=12))),
        build)


def cached_json(request, campaign, root, name: str, build):
    """An API answer drawn from the rollups, cached like cached_body as the JSON bytes it is sent as, so a hit
    encodes nothing again (core.api.json_answer; a browser asking for HTML still gets DRF's page)."""
    from wuxing.core.api import json_answer, json_body

    return json_answer(request, cached_body(request, campaign, root, f"{name}-json", lambda: json_body(build())))
