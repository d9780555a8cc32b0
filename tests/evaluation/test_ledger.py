"""The ledger (台账) as a branch secretary keeps it: several files at once, all or none; a file replaced or
withdrawn until the claim goes up, kept in the audit; a task's 对应指标 only from its own star."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import met_results
from wuxing.core.models import AuditEvent
from wuxing.creation.forms import TaskForm
from wuxing.evaluation import services
from wuxing.evaluation.models import Evidence

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
PDF = b"%PDF-1.7\n%%EOF\n"


def _url(campaign, world):
    return reverse("evaluation:evidence", args=[campaign.pk, world.community.pk])


def test_several_files_go_up_at_once(world, campaign, login):
    client = login(world.branch_user)
    r = client.post(_url(campaign, world), {"action": "upload", "indicator_code": "U-PAFZ-01", "description": "照片",
                                            "file": [SimpleUploadedFile("一.png", PNG), SimpleUploadedFile("二.pdf", PDF)]},
                    follow=True)
    assert "已上传 2 个文件" in r.content.decode()
    assert sorted(Evidence.objects.values_list("original_name", flat=True)) == ["一.png", "二.pdf"]
    assert AuditEvent.objects.filter(action="evaluation.evidence.add").count() == 2


def test_one_refused_file_refuses_the_whole_upload(world, campaign, login):
    client = login(world.branch_user)
    r = client.post(_url(campaign, world), {"indicator_code": "U-PAFZ-01", "file": [
        SimpleUploadedFile("好.png", PNG), SimpleUploadedFile("坏.png", b"MZ\x90\x00" + b"\0" * 60)]})
    html = r.content.decode()
    assert r.status_code == 200 and "“坏.png”" in html and "本次没有上传任何文件" in html
    assert not Evidence.all_objects.exists() and not AuditEvent.objects.filter(action="evaluation.evidence.add").exists()


def test_the_limits_are_on_the_page_for_the_browser_to_check_before_sending(world, campaign, login, settings):
    settings.EVIDENCE_MAX_BYTES, settings.EVIDENCE_MAX_FILES = 3 * 1024 * 1024, 4
    html = login(world.branch_user).get(_url(campaign, world)).content.decode()
    assert 'data-max-bytes="3145728"' in html and 'data-max-files="4"' in html and "multiple" in html
    assert "wuxing/upload.js" in html and "<progress" in html
    r = login(world.branch_user).post(_url(campaign, world), {"indicator_code": "U-PAFZ-01", "file": [
        SimpleUploadedFile(f"{i}.png", PNG) for i in range(5)]})
    assert "一次最多上传 4 个文件" in r.content.decode() and not Evidence.objects.exists()


def test_a_file_is_replaced_or_withdrawn_until_the_claim_goes_up_and_the_audit_keeps_both(world, campaign, login):
    client = login(world.branch_user)
    url = _url(campaign, world)
    old = services.add_evidence(world.branch_user, campaign, world.community, "U-PAFZ-01", "旧.png", PNG)
    other = services.add_evidence(world.branch_user, campaign, world.community, "U-PAFZ-01", "另.pdf", PDF)
    assert "<th>撤回或替换</th>" in client.get(url).content.decode()

    r = client.post(url, {"action": "replace", "evidence": old.pk, "file": SimpleUploadedFile("新.png", PNG + b"1")},
                    follow=True)
    assert "已用“新.png”替换“旧.png”" in r.content.decode()
    old.refresh_from_db()
    new = Evidence.objects.get(original_name="新.png")
    assert old.withdrawn_at and new.replaces_id == old.pk and not Evidence.objects.filter(pk=old.pk).exists()
    replaced = AuditEvent.objects.get(action="evaluation.evidence.replace")
    assert replaced.data["sha256"] == old.sha256 and replaced.data["by"] == "新.png"

    r = client.post(url, {"action": "withdraw", "evidence": other.pk}, follow=True)  # no tick: nothing happens
    assert "请先勾选“确认撤回”" in r.content.decode() and Evidence.objects.filter(pk=other.pk).exists()
    client.post(url, {"action": "withdraw", "evidence": other.pk, "confirmed": "on"})
    assert not Evidence.objects.filter(pk=other.pk).exists() and Evidence.all_objects.filter(pk=other.pk).exists()
    assert AuditEvent.objects.filter(action="evaluation.evidence.withdraw", data__name="另.pdf").exists()

    # The claim goes up: from now on files stay, and the page no longer offers to change them.
    services.save_self_results(world.branch_user, campaign, world.community, met_results(campaign, world.community))
    services.submit_claim(world.branch_user, campaign, world.community, ["pafz"], confirmed=True)
    with pytest.raises(ValidationError, match="申报已提交"):
        services.withdraw_evidence(world.branch_user, new)
    r = client.post(url, {"action": "withdraw", "evidence": new.pk, "confirmed": "on"}, follow=True)
    assert "申报已提交" in r.content.decode() and Evidence.objects.filter(pk=new.pk).exists()
    assert "<th>撤回或替换</th>" not in client.get(url).content.decode()


def test_another_branch_cannot_withdraw_a_file(world, campaign, login):
    mine = services.add_evidence(world.branch_user, campaign, world.community, "U-PAFZ-01", "旧.png", PNG)
    r = login(world.village_user).post(reverse("evaluation:evidence", args=[campaign.pk, world.community.pk]),
                                       {"action": "withdraw", "evidence": mine.pk, "confirmed": "on"})
    assert r.status_code == 404 and Evidence.objects.filter(pk=mine.pk).exists()


def test_a_task_takes_only_its_own_stars_indicators(campaign):
    standard = campaign.urban_standard
    form = TaskForm({"title": "网格全覆盖", "star_code": "zbgy", "indicator_codes": ["U-ZBGY-04", "U-PAFZ-01"],
                     "responsible_name": "张三", "due_date": "2026-12-31"}, standard=standard)
    assert not form.is_valid() and "U-PAFZ-01 不是" in str(form.errors["indicator_codes"])
    form = TaskForm({"title": "网格全覆盖", "star_code": "zbgy", "indicator_codes": ["U-ZBGY-04"],
                     "responsible_name": "张三", "due_date": "2026-12-31"}, standard=standard)
    assert form.is_valid(), form.errors
    assert 'data-narrows="id_indicator_codes"' in str(form["star_code"])
