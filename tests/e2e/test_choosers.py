"""Choosing units by typing in a real browser: the district admin records a sanction for a community found by its
name, on the desktop and on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import shot, sign_in
from tests.e2e.test_roles import no_sideways_scroll

pytestmark = pytest.mark.e2e


def test_the_district_admin_records_a_sanction_for_a_unit_found_by_typing(device):
    from wuxing.campaigns.models import Campaign
    from wuxing.contest.models import Sanction

    campaign = Campaign.objects.get()
    sign_in(device, "demo_district")
    device.goto(f"/contest/{campaign.pk}/sanctions/")
    assert device.locator("#id_unit option").count() == 0  # no list of every unit on the page
    device.fill("#id_unit", "明湖")
    results = device.locator(".unit-search-results .unit-search-pick")
    # Only the units named 明湖 (the office and its community), each with its parent's name.
    expect(results).to_have_count(2)
    expect(results.nth(0)).to_have_text("经开区 明湖办事处")
    expect(results.nth(1)).to_have_text("明湖办事处 明湖社区")
    no_sideways_scroll(device)
    shot(device, "unit-chooser")
    results.nth(1).click()
    expect(device.locator(".unit-search-chosen input:checked")).to_have_count(1)
    expect(device.locator(".unit-search-chosen")).to_contain_text("明湖社区")
    device.select_option("#id_kind", index=0)
    device.fill("#id_reason", "周动态连续三周未报送")
    device.click("main form[method=post] button.primary")
    expect(device.locator("#sanctions")).to_contain_text("周动态连续三周未报送")
    sanction = Sanction.objects.get(reason="周动态连续三周未报送")
    assert sanction.unit.name == "明湖社区"


def test_the_campaign_matrix_drills_down_from_the_district_to_an_office(device):
    from wuxing.campaigns.models import Campaign

    campaign = Campaign.objects.get()
    sign_in(device, "demo_district")
    device.goto(f"/creation/{campaign.pk}/")
    matrix = device.locator("#area-matrix")
    expect(matrix).to_contain_text("明湖办事处")  # embedded from the rollups
    expect(matrix.locator("tfoot")).to_contain_text("经开区合计")
    no_sideways_scroll(device)
    shot(device, "campaign-matrix")
    device.goto(f"/contest/{campaign.pk}/matrix/")
    expect(device.locator(".crumbs")).to_contain_text(campaign.name)
    device.locator("#area-matrix a", has_text="明湖办事处").click()
    expect(device.locator("#office-matrix")).to_contain_text("明湖社区")
