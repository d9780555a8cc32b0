import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import plan_three_stars, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_branch_secretary_signs_in_and_sees_only_its_own_unit(page):
    sign_in(page, "demo_branch")
    expect(page.locator("h1")).to_contain_text("张丽华")
    expect(page.locator(".roles")).to_contain_text("支部书记")
    page.click("text=组织架构")
    rows = page.locator("#unit-rows tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("明湖社区")
    # Another office's village by id answers 404.
    response = page.goto("/orgs/units/999999/")
    assert response.status == 404
    expect(page.locator("h1")).to_contain_text("页面不存在")


def test_office_admin_sees_its_office_and_searches_live(page):
    sign_in(page, "demo_office")
    page.goto("/orgs/units/")
    body = page.locator("#unit-rows")
    expect(body).to_contain_text("明湖办事处")
    expect(body).not_to_contain_text("九龙办事处")
    expect(body).not_to_contain_text("京航")
    page.fill("#id_q", "杨庄")
    expect(page.locator("#unit-rows tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=%E6%9D%A8%E5%BA%84|q=杨庄"))


def test_office_admin_adds_a_community_and_sees_it_in_the_tree(page):
    sign_in(page, "demo_office")
    page.goto("/orgs/units/?q=明湖办事处")
    page.click("#unit-rows >> text=明湖办事处")
    page.click("text=新增下级单位")
    page.fill("#id_code", "JK0199")
    page.fill("#id_name", "新湖社区")
    page.select_option("#id_level", "community")
    page.click("button.primary")
    expect(page.locator("h1")).to_contain_text("新湖社区")
    expect(page.locator(".crumbs")).to_contain_text("明湖办事处")


def test_wrong_password_shows_a_chinese_message(page):
    page.goto("/accounts/login/")
    page.fill("#id_username", "demo_branch")
    page.fill("#id_password", "wrong-password1")
    page.click("button[type=submit]")
    expect(page.locator(".errors")).to_contain_text("请输入一个正确的")


def test_district_admin_opens_people_and_the_api_docs(page):
    sign_in(page, "demo_district")
    page.click("text=用户管理")
    expect(page.locator("table")).to_contain_text("demo_branch2")
    expect(page.locator("table")).to_contain_text("137****0004")
    page.goto("/api/docs/")
    expect(page.locator("#swagger-ui")).to_contain_text("Wuxing API", timeout=15000)


def test_the_site_works_on_a_phone(phone):
    sign_in(phone, "demo_office")
    phone.goto("/orgs/units/")
    expect(phone.locator("#unit-rows")).to_contain_text("明湖社区")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1, f"page is {width}px wide on a 375px phone"


def test_branch_sets_a_target_and_a_task_and_the_office_sees_it(page, browser, live_server):
    sign_in(page, "demo_branch")
    page.click("text=年度创建")
    plan_three_stars(page)
    page.click("text=提交办事处")
    expect(page.locator("#target")).to_contain_text("待确认")

    office = browser.new_context(locale="zh-CN", base_url=live_server.url).new_page()
    sign_in(office, "demo_office")
    office.goto("/creation/")
    office.click("text=明湖办事处 创建矩阵")
    row = office.locator("#office-matrix tr", has_text="明湖社区")
    expect(row).to_contain_text("三星级")
    expect(row).to_contain_text("待确认")
    expect(office.locator("#office-matrix")).not_to_contain_text("郭店村")
    office.context.close()


def test_branch_files_a_weekly_report_and_the_district_trend_is_drawn(page, browser, live_server):
    sign_in(page, "demo_branch")
    page.click("nav >> text=周动态")
    expect(page.locator("h1")).to_contain_text("明湖社区 周工作动态")
    page.locator("#weekly-history tbody tr").first.locator("a").click()
    page.fill("#id_summary", "组织党员开展主题党日活动")
    page.fill("#id_form-0-text", "入户走访困难群众 12 户")
    page.click("button[name=submit]")
    expect(page.locator(".messages")).to_contain_text("已提交")
    expect(page.locator("h1")).to_contain_text("已提交")

    district = browser.new_context(locale="zh-CN", base_url=live_server.url).new_page()
    requests = []
    district.on("request", lambda r: requests.append(r.url))
    sign_in(district, "demo_district")
    district.click("nav >> text=周动态")
    chart = district.locator("[data-chart=weekly-trend]")
    expect(chart).to_have_attribute("data-drawn", "true")
    expect(chart.locator("canvas")).to_have_count(1)
    expect(district.locator("#weekly-rates")).to_contain_text("明湖办事处")
    assert requests and all(url.startswith(live_server.url) for url in requests), requests
    district.context.close()


def test_district_dashboard_draws_every_chart_from_local_assets(browser, live_server, demo):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    sign_in(page, "demo_district")
    page.click("nav >> text=看板")
    charts = page.locator("[data-chart=generic]")
    expect(charts).to_have_count(7)  # levels, stars, targets, progress, on-time rate, submitted rate, years
    expect(page.locator("[data-chart=generic][data-key=weekly_reported]")).to_have_attribute("data-drawn", "true")
    for i in range(7):
        expect(charts.nth(i)).to_have_attribute("data-drawn", "true")
        expect(charts.nth(i).locator("canvas")).to_have_count(1)
    # The charts hold data: ECharts reports series with values for the level chart.
    total = page.evaluate("""() => {
        const el = document.querySelector('[data-key=levels]');
        const opt = echarts.getInstanceByDom(el).getOption();
        return opt.series.reduce((sum, s) => sum + s.data.reduce((a, b) => a + (b || 0), 0), 0);
    }""")
    assert total == 40
    page.locator("#ds-levels summary").click()
    expect(page.locator("table[data-key=levels]")).to_contain_text("明湖办事处")
    assert requests and all(url.startswith(live_server.url) for url in requests), [
        u for u in requests if not u.startswith(live_server.url)]
    context.close()
