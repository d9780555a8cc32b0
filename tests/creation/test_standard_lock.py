"""Issue 17 item 3: a campaign's standard is locked once used; moving to another version is an explicit
re-rating step that lists every branch whose level would change before anything is applied."""


import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.conftest import SYSTEM, met_results, proposed
from tests.conftest import api_as as api
from wuxing.core.models import AuditEvent
from wuxing.creation import services
from wuxing.evaluation import services as evaluation
from wuxing.evaluation.selectors import current_levels
from wuxing.standards.library import shipped_files
from wuxing.standards.models import Standard
from wuxing.standards.services import load_standard

pytestmark = pytest.mark.django_db


@pytest.fixture
def stricter(campaign):
    """Version 2 of the urban standard: 平安法治星 gains a sixth required indicator."""
    raw = next(p for p in shipped_files() if "urban" in p.name).read_text()
    raw = raw.replace("version: 1\n", "version: 2\n", 1).replace(
        "      - code: U-PAFZ-05\n", "      - code: U-PAFZ-06\n        text: 建成“无诈社区”\n"
        "        evidence: 反诈工作台账\n      - code: U-PAFZ-05\n", 1)
    result = load_standard(SYSTEM, raw.encode())
    assert not result.errors, result.errors
    return Standard.objects.get(applies_to="urban", version=2)



def test_a_used_standard_cannot_be_swapped_in_the_settings(world, campaign, stricter, login):
    # Unused: the settings may still move it.
    services.update_campaign(world.district_admin, campaign, urban_standard=stricter)
    campaign.refresh_from_db()
    assert campaign.urban_standard == stricter
    services.update_campaign(world.district_admin, campaign, urban_standard=Standard.objects.get(
        applies_to="urban", version=1))
    # A target refers to it: locked, on the page and in the service.
    services.save_target(world.branch_user, campaign, world.community, star_codes=["zbgy"])
    with pytest.raises(ValidationError, match="不能直接更换"):
        services.update_campaign(world.district_admin, campaign, urban_standard=stricter)
    edit = reverse("creation:campaign_edit", args=[campaign.pk])
    page = login(world.district_admin)
    form = page.get(edit).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(urban_standard=stricter.pk, rural_standard=campaign.rural_standard_id, flag_allow_zero="",
                key_work_tags="重点项目")
    r = page.post(edit, data)
    assert r.status_code == 200 and "不能直接更换" in r.content.decode()
    campaign.refresh_from_db()
    assert campaign.urban_standard.version == 1
    # The rural standard is not used by anything yet: it may still move (no rural version 2 here, so the
    # same one is saved and nothing is refused).
    services.update_campaign(world.district_admin, campaign, rural_standard=campaign.rural_standard)


def test_re_rating_previews_every_change_and_applies_only_what_was_confirmed(world, campaign, stricter, login):
    c = campaign
    evaluation.save_self_results(world.branch_user, c, world.community, met_results(c, world.community))
    evaluation.save_self_results(world.other_branch_user, c, world.west_village, met_results(c, world.west_village))
    evaluation.save_self_results(SYSTEM, c, world.west_community,
                                 met_results(c, world.west_community, ["zbgy", "gjgx"]))
    before = current_levels(c, [world.community, world.west_community])
    assert before[world.community.pk].level == 5 and before[world.west_community.pk].level == 2

    admin = api(world.district_admin)
    url = f"/api/v1/campaigns/{c.pk}/rerate/"
    r = admin.post(url, {"kind": "urban", "standard": stricter.pk}, format="json")
    assert r.status_code == 200, r.content
    preview = r.json()
    assert not preview["applied"]
    # Only the community that held 平安法治星 changes (5 → 4); the other community keeps its two stars.
    assert [(x["name"], x["before"], x["after"]) for x in preview["changes"]] == [("东城社区", 5, 4)]
    assert preview["unchanged"] == 1
    c.refresh_from_db()
    assert c.urban_standard.version == 1  # nothing applied by a preview
    assert not AuditEvent.objects.filter(action="creation.campaign.rerate").exists()

    # Something changes after the preview: the old token no longer applies.
    evaluation.save_self_results(SYSTEM, c, world.west_community, met_results(c, world.west_community))
    r = admin.post(url, {"kind": "urban", "standard": stricter.pk, "token": preview["token"]}, format="json")
    assert r.status_code == 400 and "重新预览" in r.content.decode()
    c.refresh_from_db()
    assert c.urban_standard.version == 1

    # The page: preview lists both, then the confirmation applies.
    page = login(world.district_admin)
    rerate = reverse("creation:campaign_rerate", args=[c.pk])
    html = page.post(rerate, {"kind": "urban", "standard": stricter.pk}).content.decode()
    assert "东城社区" in html and "西城社区" in html and "五星级" in html and "四星级" in html
    token = page.post(rerate, {"kind": "urban", "standard": stricter.pk}).context["preview"].token
    r = page.post(rerate, {"kind": "urban", "standard": stricter.pk, "token": token})
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.urban_standard == stricter
    after = current_levels(c, [world.community, world.west_community])
    assert after[world.community.pk].level == 4 and after[world.west_community.pk].level == 4
    event = AuditEvent.objects.get(action="creation.campaign.rerate")
    assert event.data["to"]["version"] == 2 and sorted(x[0] for x in event.data["changes"]) == sorted(
        [world.community.pk, world.west_community.pk])


def test_re_rating_never_touches_batches_in_notice_or_named(world, campaign, stricter):
    c = campaign
    sub = proposed(world, c)
    evaluation.publish_notice(world.district_admin, c, "", timezone.localdate())
    preview = services.rerate_preview(world.district_admin, c, "urban", stricter)
    assert preview.changes == [] and preview.kept == 1
    services.rerate_apply(world.district_admin, c, "urban", stricter, preview.token)
    sub.refresh_from_db()
    assert sub.proposed_star_codes == ["zbgy", "pafz"] and sub.proposed_level == 2


def test_only_the_district_admin_re_rates(world, campaign, stricter):
    for user in (world.office_admin, world.star_reviewer, world.branch_user):
        r = api(user).post(f"/api/v1/campaigns/{campaign.pk}/rerate/", {"kind": "urban", "standard": stricter.pk},
                           format="json")
        assert r.status_code == 404
    r = api(world.district_admin).post(f"/api/v1/campaigns/{campaign.pk}/rerate/", {
        "kind": "urban", "standard": campaign.rural_standard_id}, format="json")
    assert r.status_code == 400 and "不适用" in r.content.decode()
