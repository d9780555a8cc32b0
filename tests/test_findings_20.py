"""Issue 20's findings that are bugs, each reproduced first: an Excel export of a lazy translation, a
password error in English, the activity import answering 500 for an article without a title, and the audit
history showing code instead of sentences."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from tests.conftest import PASSWORD, api_as, met_results, office_agrees
from wuxing.activities.models import Activity
from wuxing.core.exports import xlsx_bytes

pytestmark = pytest.mark.django_db


def test_a_lazy_translation_exports_as_its_text():
    data = xlsx_bytes([("任务", ["状态"], [[gettext_lazy("未开始")]])])
    assert [c.value for c in next(load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2))] == ["未开始"]


def test_the_branch_dashboards_task_export_answers_with_a_workbook(world, campaign, login):
    from wuxing.creation import services as creation

    creation.create_task(world.branch_user, campaign, world.community, title="阵地建设", star_code="zbgy",
                         due_date=dt.date(2026, 12, 31), responsible_name="张丽华")
    url = reverse("contest:branch", args=[campaign.pk, world.community.pk])
    r = login(world.branch_user).get(url, {"export": "tasks", "format": "xlsx"})
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert ("未开始", 1) in rows  # the status label was a lazy translation openpyxl could not write


def test_a_short_password_is_refused_in_chinese(world, login):
    body = str(api_as(world.branch_user).post(reverse("api:me-password"), {"old": PASSWORD, "new": "ab1"},
                                              format="json").json())
    assert "密码太短" in body and "This password" not in body
    page = login(world.branch_user).post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "ab1", "new_password2": "ab1"}).content.decode()
    assert "密码太短" in page and "This password" not in page


def test_an_article_without_a_title_is_a_message_not_a_500(world, campaign, login):
    text = "本报讯（记者 王芳）11月18日，东城办事处召开“五星”支部创建推进会，40余人参加。"
    client = login(world.office_admin)
    preview = client.post(reverse("activities:import"), {"text": text})
    assert preview.status_code == 200
    r = client.post(reverse("activities:import"), {"text": text, "confirm": "1"})
    assert r.status_code == 200 and "没有标题" in r.content.decode()
    assert not Activity.objects.exists()


def test_the_audit_history_reads_as_sentences(world, campaign, login):
    from wuxing.evaluation import services

    services.save_self_results(world.branch_user, campaign, world.community,
                               met_results(campaign, world.community, ["zbgy"]))
    office_agrees(world.office_admin, services.submit_claim(world.branch_user, campaign, world.community, ["zbgy"],
                                                            confirmed=True), "同意上报")
    page = login(world.district_admin).get(reverse("evaluation:history", args=[campaign.pk,
                                                                               world.community.pk])).content.decode()
    assert "evaluation.office" not in page and "draft" not in page and "submitted" not in page and "audit verify" not in page
    assert "东城管理员 初审通过了申报" in page and "社区书记 提交了评星申报" in page and "支部过硬星" in page


def test_forms_draw_their_fields_but_neither_button_fields_nor_labels_of_hidden_ones(world, campaign, login):
    page = login(world.branch_user).get(reverse("password_change")).content.decode()
    assert page.count('type="password"') == 3
    report = login(world.branch_user).get(reverse("weekly:report", args=[campaign.pk, world.community.pk, 2026, 20]))
    html = report.content.decode()
    assert 'name="summary"' in html and ">Submit<" not in html and ">Version<" not in html
    assert 'type="hidden" name="version"' in html
    paste = login(world.office_admin).get(reverse("activities:import")).content.decode()
    assert 'name="text"' in paste and 'name="pick"' not in paste and ">Confirm<" not in paste


def test_the_readme_lists_every_account_the_demo_creates(demo_world, db):
    from pathlib import Path

    from wuxing.orgs.models import User

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert sorted(u for u in User.objects.values_list("username", flat=True) if f"`{u}`" not in readme) == []


def test_pages_carry_a_favicon_served_locally(world, login):
    from django.contrib.staticfiles import finders

    page = login(world.branch_user).get(reverse("home")).content.decode()
    assert 'rel="icon"' in page and finders.find("wuxing/favicon.svg")


def test_the_demo_says_what_it_is_doing(db, capsys, tmp_path, settings):
    from django.core.management import call_command

    settings.VAR_DIR = tmp_path
    call_command("demo", "--no-serve")
    out = capsys.readouterr().out
    assert out.index("正在准备数据库") < out.index("正在加载演示区") < out.index("完成") < out.index("演示账号")


def test_weeks_read_as_people_write_them():
    from tests.conftest import at
    from wuxing.core.templatetags.wuxing import week_words

    with at(2026, 11, 30, 9):
        assert week_words((2026, 48)) == "第48周（11月23日—11月29日）"
        assert week_words((2026, 53)) == "第53周（12月28日—1月3日）"  # the ISO week across the new year
    with at(2027, 1, 4, 9):
        assert week_words((2026, 53)) == "2026年第53周（12月28日—1月3日）"


def test_the_weekly_pages_show_weeks_in_words(world, campaign, login):
    from tests.conftest import at

    with at(2026, 5, 20, 9):
        page = login(world.branch_user).get(reverse("weekly:branch", args=[campaign.pk, world.community.pk]))
    html = page.content.decode()
    assert "第20周（5月11日—5月17日）" in html and "-W20" not in html


def test_an_exported_sheet_opens_ready_to_read():
    long = "请各社区对照标准逐项查找差距，" * 6
    data = xlsx_bytes([("创建任务", ["支部", "任务", "说明"], [["明湖社区", "网格党支部全覆盖", long], ["杨庄村", "a", "b"]])])
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.title == "创建任务" and ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width == 2 * len("明湖社区") + 2  # CJK counted double
    assert ws.column_dimensions["B"].width == 2 * len("网格党支部全覆盖") + 2
    assert ws.column_dimensions["C"].width == 50 and ws["C2"].alignment.wrap_text
    assert [c.value for c in ws[3]] == ["杨庄村", "a", "b"]


def test_the_demo_dates_the_first_notice_its_objection_and_the_naming_in_their_real_order(demo_world, db):
    from django.utils import timezone

    from wuxing.evaluation.models import Award, Objection, PublicNotice, StarRemoval

    first = PublicNotice.objects.filter(closed_at__isnull=False).get()
    objection = Objection.objects.filter(notice=first).get()
    awards = list(Award.objects.filter(submission__notice=first))
    today = timezone.localdate()
    assert first.published_at < objection.created_at < objection.resolved_at < first.closed_at
    assert timezone.localdate(first.published_at) == first.starts_on
    assert timezone.localdate(first.closed_at) > first.ends_on and timezone.localdate(first.closed_at) < today
    assert awards and all(a.awarded_at == first.closed_at for a in awards)
    removal = StarRemoval.objects.get()
    assert first.closed_at < removal.created_at and timezone.localdate(removal.created_at) < today
    current = PublicNotice.objects.filter(closed_at__isnull=True).get()
    assert first.published_at < current.published_at and current.hotline


def test_the_public_notice_carries_its_issuer_hotline_qr_code_and_share_card(world, campaign, client):
    from wuxing.evaluation import services

    proposed = _proposed_submission(world, campaign)
    notice = services.publish_notice(world.district_admin, campaign, "", hotline="0371-66001234")
    assert notice.hotline == "0371-66001234" and proposed.pk in notice.submissions.values_list("pk", flat=True)
    html = client.get(reverse("public:public_notice", args=[notice.pk])).content.decode()
    assert "监督电话：0371-66001234" in html and f"{world.district.name}<br>" in html
    assert '<meta property="og:title" content="2026年度“五星”支部拟命名名单公示">' in html
    assert 'property="og:description" content="测试区2026年度“五星”支部拟命名名单公示，共1个支部' in html
    qr_url = reverse("public:public_notice_qr", args=[notice.pk])
    assert qr_url in html
    svg = client.get(qr_url)
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    png = client.get(qr_url, {"format": "png"})
    assert png.content.startswith(b"\x89PNG") and "filename*=UTF-8''" in png["Content-Disposition"]
    from PIL import Image

    image = Image.open(io.BytesIO(png.content))
    assert image.size[0] == image.size[1] >= 12 * 21


def test_a_notice_hotline_that_is_not_a_number_is_refused_in_chinese(world, campaign, login):
    from wuxing.evaluation.models import PublicNotice

    _proposed_submission(world, campaign)
    before = PublicNotice.objects.count()
    r = login(world.district_admin).post(reverse("evaluation:notices", args=[campaign.pk]),
                                         {"starts_on": "2026-12-31", "hotline": "call me"})
    assert "请填写电话号码" in r.content.decode()
    assert PublicNotice.objects.count() == before


def _proposed_submission(world, campaign):
    from tests.conftest import proposed

    return proposed(world, campaign)


def test_help_is_linked_from_every_page_and_opens_on_the_readers_own_chapter(world, login):
    client = login(world.office_admin)
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("help")}"' in home and "帮助" in home
    html = client.get(reverse("help")).content.decode()
    first = html.index("<h2>", html.index("操作手册"))
    assert html[first:first + 20].startswith("<h2>办事处管理员") and "角色与可见范围" in html
    assert "区级管理员" in html  # every chapter is there, the reader's own first


def test_exported_sheets_are_named_for_what_they_hold(world, login):
    from wuxing.core.exports import sheet_name

    r = login(world.district_admin).get(reverse("orgs:unit_export"), {"format": "xlsx"})
    names = load_workbook(io.BytesIO(r.content)).sheetnames
    assert names != ["Sheet1"] and all(n for n in names), names
    assert sheet_name("a/b:c*d?[e]" + "长" * 40) == "a b c d  e " + "长" * 20


def test_charts_name_their_axes_with_units_and_counts_tick_in_whole_numbers(world, campaign):
    from wuxing.contest import selectors

    datasets, summary = selectors.district_dashboard(world.district_admin, campaign)
    charts = {d.key: d.chart for d in datasets if d.chart}
    assert set(charts) == {"levels", "stars", "targets", "progress", "weekly", "weekly_reported", "years"}
    for key, chart in charts.items():
        assert chart["x_name"] and chart["y_name"], key
        assert ("（%）" in chart["y_name"]) == chart["percent"] and chart["integer"] == (not chart["percent"]), key
    assert charts["weekly"]["categories"][-1].startswith("第") and "-W" not in str(datasets)
    # The flag result is explained next to its figure, with the rule's numbers.
    flag = next(iter(summary["flags"].values()))
    assert "要求不低于" in flag.reasons[0]
