"""The scanned dossier on the screen (issue 22): the reviewer opens a file's pages from the scoring sheet, beside the
items on a desktop and one page at a time on a phone, and follows a finding's page citation."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import shot, sign_in
from wuxing.casefiles.demo import scan_image

pytestmark = pytest.mark.e2e


def _todo():
    from wuxing.casefiles.models import SampledFile

    return (SampledFile.objects.filter(reviewer__username="demo_auditor", file__pages__isnull=False)
            .exclude(sheets__status="submitted").select_related("file").distinct().order_by("order").first())


def test_the_reviewer_reads_the_file_beside_the_sheet_and_follows_a_citation(device):
    sample = _todo()
    assert sample is not None and sample.file.pages.count() >= 3
    sign_in(device, "demo_auditor")
    device.goto(reverse("casefiles:sheet", args=[sample.pk]))
    expect(device.locator("h1")).to_contain_text("评查表")
    item = device.locator("input[name^=p_]").first
    code = item.get_attribute("name")[2:]
    device.fill(f"input[name='n_{code}']", "1")
    item.fill("2-3")
    device.fill(f"input[name='t_{code}']", "受理通知书未载明受理日期的依据")
    device.locator("main button:has-text('保存')").first.click()
    expect(device.locator(".messages")).to_contain_text("已保存")
    cite = device.locator("a[data-cite='2']")
    expect(cite).to_have_text("第 2-3 页")
    viewer = device.locator("[data-viewer]")
    if device.viewport_name == "desktop":
        expect(viewer).to_have_attribute("data-rendered", "1", timeout=15000)
    shot(device, "casefile-sheet-dossier")
    if device.viewport_name == "desktop":
        # The file beside the items: page 1 drawn by PDF.js, then the citation opens page 2 in place.
        expect(viewer).to_be_visible()
        cite.click()
        expect(viewer).to_have_attribute("data-rendered", "2", timeout=15000)
        assert "/pages/" not in device.url  # stayed on the sheet
        device.locator(".viewer-thumbs a[data-page='3']").click()
        expect(viewer).to_have_attribute("data-rendered", "3", timeout=15000)
        device.click("[data-zoom=in]")
        expect(device.locator("[data-zoom-label]")).not_to_have_text("适应宽度")
        device.goto(reverse("casefiles:dossier", args=[sample.file.pk]) + "?page=2")
        expect(device.locator("[data-viewer]")).to_have_attribute("data-rendered", "2", timeout=15000)
        shot(device, "casefile-dossier")
    else:
        # On a phone the sheet links to the dossier; the citation opens the dossier at the cited page.
        expect(viewer).to_be_hidden()
        cite.click()
        device.wait_for_url(f"**{reverse('casefiles:dossier', args=[sample.file.pk])}?page=2")
        viewer = device.locator("[data-viewer]")
        expect(viewer).to_have_attribute("data-rendered", "2", timeout=15000)
        expect(device.locator(".viewer-thumbs")).to_be_hidden()  # one page at a time
        device.click("[data-go='1']")
        expect(viewer).to_have_attribute("data-rendered", "3", timeout=15000)
        assert device.url.endswith("?page=3")
        shot(device, "casefile-dossier")
    width = device.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert width <= 1, f"page scrolls sideways by {width}px"


def test_the_reviewed_unit_uploads_and_reads_its_own_dossier(device):
    from wuxing.casefiles import services
    from wuxing.casefiles.models import CaseFile

    f = CaseFile.objects.filter(unit__code="JKA01", pages__isnull=False).distinct().first()
    services.ocr_pending(limit=10, file=f)  # what `wuxing casefiles ocr --loop` does beside the server
    sign_in(device, "demo_unit")
    device.goto(reverse("casefiles:file", args=[f.pk]))
    expect(device.locator("#dossier")).to_contain_text("文字识别已完成")
    rows = device.locator("#date-proposals tbody tr")
    expect(rows.filter(has_text="决定日期")).to_contain_text(f"{f.decided:%Y-%m-%d}")
    shot(device, "unit-file-dates")
    # The unit confirms the decision date OCR read from page 3: the checks now cite that page.
    rows.filter(has_text="决定日期").locator("button:has-text('确认')").click()
    expect(device.locator(".messages")).to_contain_text("决定日期已确认")
    expect(device.locator("#checks")).to_contain_text("决定见第 3 页")
    # A scanned page more, sent with a progress bar (upload.js), lands as page 5.
    device.set_input_files("#dossier input[type=file]", files=[
        {"name": "补充材料.png", "mimeType": "image/png", "buffer": scan_image(["补充材料", "说明：原件已核对"])}])
    device.click("#dossier button:has-text('上传扫描件')")
    expect(device.locator(".messages")).to_contain_text("已上传 1 页（第 5 页）", timeout=15000)
    assert f.pages.count() == 5
    device.click("#dossier >> text=查看卷宗")
    expect(device.locator("[data-viewer]")).to_have_attribute("data-rendered", "1", timeout=15000)
    shot(device, "unit-dossier")
    # Taking a page out asks first; declining leaves the dossier as it was.
    device.once("dialog", lambda d: d.dismiss())
    device.click("text=删除本页")
    device.wait_for_timeout(300)
    assert f.pages.count() == 5
    device.click("[data-go='1']")
    expect(device.locator("[data-viewer]")).to_have_attribute("data-rendered", "2", timeout=15000)
    device.once("dialog", lambda d: d.accept())
    device.click("text=删除本页")
    expect(device.locator(".messages")).to_contain_text("已删除第 2 页")
    assert list(f.pages.values_list("number", flat=True)) == [1, 2, 3, 4]
    other = CaseFile.objects.exclude(unit__code="JKA01").first()
    response = device.goto(reverse("casefiles:dossier", args=[other.pk]))
    assert response.status == 404
