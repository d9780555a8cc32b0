"""A long export in the browser (我的导出): the district admin asks for the plans, is sent to 我的导出 where the job
shows as queued, the page turns to 已完成 by itself once the runner has built it, and the file downloads."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import shot, sign_in

pytestmark = pytest.mark.e2e


def test_a_long_export_is_built_in_the_background_and_downloaded(device, settings):
    from wuxing.campaigns.models import Campaign
    from wuxing.core.services import run_exports

    settings.EXPORT_INLINE_ROWS = 10  # the demo district's plans are longer than this
    campaign = Campaign.objects.get()
    sign_in(device, "demo_district")
    device.goto(reverse("creation:campaign", args=[campaign.pk]))
    device.locator("main a:has-text('导出创建规划')").first.click()
    device.wait_for_url(f"**{reverse('exports')}")
    expect(device.locator(".messages")).to_contain_text("已转入后台生成")
    row = device.locator("#jobs tbody tr").first
    expect(row).to_contain_text("创建规划_")
    expect(row).to_contain_text("排队中")
    shot(device, "exports-queued")
    assert run_exports() == 1
    download_link = row.locator("a.button:has-text('下载')")
    expect(download_link).to_be_visible(timeout=15000)  # the page asks again every 5 seconds
    shot(device, "exports-done")
    with device.expect_download() as caught:
        download_link.click()
    assert caught.value.suggested_filename.endswith(f"_{campaign.year}.xlsx")
    assert caught.value.suggested_filename.startswith("创建规划_")
    device.goto(reverse("notifications"))
    expect(device.locator("main")).to_contain_text("导出已完成")
