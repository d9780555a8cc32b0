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
