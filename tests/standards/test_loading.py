"""Loading standards: the shipped files, broken files, immutability, versions, command, pages, API."""

import io
import textwrap

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.forms.models import model_to_dict
from django.urls import reverse

from tests.conftest import SYSTEM
from wuxing.standards import schema
from wuxing.standards.library import shipped_files
from wuxing.standards.models import Indicator, Standard, Star, Veto
from wuxing.standards.services import load_standard

pytestmark = pytest.mark.django_db

GOOD = textwrap.dedent("""\
    code: test-std
    version: 1
    title: 测试标准
    applies_to: rural
    effective_year: 2026
    stars:
      - code: s1
        name: 支部过硬星
        indicators:
          - {code: I1, text: 班子齐全}
          - {code: I2, text: 考核得分, kind: points, max: 100, pass_mark: 90}
      - code: s2
        name: 平安法治星
        indicators:
          - {code: I3, text: 三零达标}
    vetoes:
      - {code: V1, star: s2, text: 发生刑事案件, category: 三零}
""")

BROKEN = textwrap.dedent("""\
    code: broken
    version: 1
    title: 坏标准
    applies_to: rural
    effective_year: 2026
    stars:
      - code: s1
        indicators:
          - {code: I1, text: 甲}
          - {code: I1, text: 重复编码}
          - {code: I2, text: 乙, kind: score}
          - {code: I3, text: 丙, kind: points, max: 10, pass_mark: 12}
    vetoes:
      - {code: V1, text: 无星否决}
""")


def snapshot(standard):
    rows = [model_to_dict(standard)]
    for star in Star.objects.filter(standard=standard).order_by("pk"):
        rows.append(model_to_dict(star))
        rows += [model_to_dict(i) for i in Indicator.objects.filter(star=star).order_by("pk")]
        rows += [model_to_dict(v) for v in Veto.objects.filter(star=star).order_by("pk")]
    return rows


def test_both_shipped_standards_load_with_five_stars_and_the_three_zero_veto():
    for path in shipped_files():
        result = load_standard(SYSTEM, path.read_bytes())
        assert result.ok, [e.format(path.name) for e in result.errors]
        stars = list(result.standard.stars.all())
        assert len(stars) == 5
        assert all(5 <= s.indicators.count() <= 8 for s in stars)
        pafz = next(s for s in stars if s.name == "平安法治星")
        assert pafz.vetoes.filter(category="三零").count() == 3
        assert "示例" in result.standard.description
    assert set(Standard.objects.values_list("applies_to", flat=True)) == {"urban", "rural"}
    urban = Standard.objects.get(applies_to="urban")
    assert [s.name for s in urban.stars.all()] == ["支部过硬星", "共建共享星", "宜居宜业星", "平安法治星", "文明幸福星"]


def test_a_broken_file_reports_every_error_with_its_line_and_loads_nothing():
    doc, errors = schema.parse(BROKEN.encode())
    assert doc is None
    found = {(e.line, e.path) for e in errors}
    assert (7, "stars[0].name") in found                          # a star missing its name
    assert (10, "stars[0].indicators[1].code") in found           # a duplicate indicator code
    assert (11, "stars[0].indicators[2].kind") in found           # an unknown kind
    assert (12, "stars[0].indicators[3].pass_mark") in found      # a pass mark above the max
    assert (14, "vetoes[0].star") in found                        # a veto naming no star
    assert load_standard(SYSTEM, BROKEN.encode()).standard is None
    assert not Standard.objects.exists()


def test_the_command_prints_file_line_path_and_exits_non_zero(tmp_path, capsys):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("standards", "load", str(path))
    err = capsys.readouterr().err
    assert f"{path}:7: stars[0].name: " in err
    assert f"{path}:14: vetoes[0].star: " in err
    assert len(err.strip().splitlines()) == 5
    assert not Standard.objects.exists()


def test_the_command_loads_and_lists_the_shipped_standards(capsys):
    call_command("standards", "load", "--shipped")
    call_command("standards", "list")
    out = capsys.readouterr().out
    assert "henan-rural-sample" in out and "henan-urban-sample" in out and "支部过硬星" in out


@pytest.mark.parametrize("text, fragment", [
    ("", "文件为空"),
    ("code: [unclosed", "YAML 语法错误"),
    ("- just\n- a list\n", "映射"),
    (GOOD.replace("applies_to: rural", "applies_to: suburb"), "applies_to"),
    (GOOD.replace("version: 1", "version: one"), "整数"),
    (GOOD.replace("title: 测试标准", "title: 测试标准\nsurprise: 1"), "未知的字段"),
    (GOOD + "options: {capstone_star: nope}\n", "不存在的星"),
])
def test_other_malformed_files_are_explained(text, fragment):
    doc, errors = schema.parse(text.encode())
    assert doc is None and any(fragment in e.message for e in errors), errors


def test_non_utf8_is_refused():
    doc, errors = schema.parse("code: 测试".encode("gbk"))
    assert doc is None and "UTF-8" in errors[0].message


def test_reloading_identical_content_is_a_no_op():
    first = load_standard(SYSTEM, GOOD.encode())
    again = load_standard(SYSTEM, GOOD.encode())
    assert first.created and not again.created and again.standard.pk == first.standard.pk
    assert Standard.objects.count() == 1


def test_changing_a_loaded_version_is_refused():
    load_standard(SYSTEM, GOOD.encode())
    changed = load_standard(SYSTEM, GOOD.replace("班子齐全", "班子配强").encode())
    assert not changed.ok and "不能更改" in changed.errors[0].message
    assert Indicator.objects.get(code="I1").text == "班子齐全"


def test_a_second_version_loads_beside_the_first_which_stays_unchanged():
    v1 = load_standard(SYSTEM, GOOD.encode()).standard
    before = snapshot(v1)
    v2 = load_standard(SYSTEM, GOOD.replace("version: 1", "version: 2").replace("班子齐全", "班子配强").encode())
    assert v2.ok and v2.created
    assert Standard.objects.filter(code="test-std").count() == 2
    v1.refresh_from_db()
    assert snapshot(v1) == before
    assert Standard.objects.get(code="test-std", version=1).source == GOOD


def test_the_stored_standard_gives_the_same_engine_spec_as_the_file():
    from wuxing.standards.engine import evaluate
    from wuxing.standards.selectors import standard_full

    doc, _ = schema.parse(GOOD.encode())
    standard = standard_full().get(pk=load_standard(SYSTEM, GOOD.encode()).standard.pk)
    assert standard.spec() == doc.spec()
    ev = evaluate(standard.spec(), {"I1": True, "I2": 95, "I3": True}, {"V1"})
    assert ev.held == ("s1",)


def test_only_district_admins_load(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        load_standard(world.office_admin, GOOD.encode())
    assert load_standard(world.district_admin, GOOD.encode()).ok


def test_upload_page_shows_errors_with_locations(world, login):
    f = io.BytesIO(BROKEN.encode())
    f.name = "坏.yaml"
    r = login(world.district_admin).post(reverse("standards:standard_upload"), {"file": f})
    html = r.content.decode()
    assert "未加载" in html and "坏.yaml:14: vetoes[0].star" in html
    assert not Standard.objects.exists()


def test_upload_page_loads_a_good_file(world, login):
    f = io.BytesIO(GOOD.encode())
    f.name = "good.yml"
    r = login(world.district_admin).post(reverse("standards:standard_upload"), {"file": f})
    assert r.status_code == 302 and Standard.objects.filter(code="test-std").exists()


def test_standard_page_and_export_show_stars_indicators_and_vetoes(world, login):
    standard = load_standard(SYSTEM, GOOD.encode()).standard
    client = login(world.branch_user)
    html = client.get(reverse("standards:standard_detail", args=[standard.pk])).content.decode()
    assert "支部过硬星" in html and "三零达标" in html and "发生刑事案件" in html and "90 分达标" in html
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(client.get(reverse("standards:standard_export", args=[standard.pk])).content)).active
    values = [row for row in ws.values]
    assert values[0][0] == "星" and len(values) == 1 + 3 + 1


def test_api_reads_for_all_and_loads_for_district_admins(world):
    from rest_framework.test import APIClient

    standard = load_standard(SYSTEM, GOOD.encode()).standard
    api = APIClient()
    api.force_authenticate(world.branch_user)
    body = api.get(reverse("api:standard-detail", args=[standard.pk])).json()
    assert [s["code"] for s in body["stars"]] == ["s1", "s2"]
    assert body["stars"][1]["vetoes"][0]["code"] == "V1"
    f = io.BytesIO(GOOD.replace("version: 1", "version: 3").encode())
    f.name = "v3.yaml"
    assert api.post(reverse("api:standard-list"), {"file": f}, format="multipart").status_code == 404
    api.force_authenticate(world.district_admin)
    f.seek(0)
    r = api.post(reverse("api:standard-list"), {"file": f}, format="multipart")
    assert r.status_code == 201 and r.json()["version"] == 3
    bad = io.BytesIO(BROKEN.encode())
    bad.name = "bad.yaml"
    r = api.post(reverse("api:standard-list"), {"file": bad}, format="multipart")
    assert r.status_code == 400 and any("vetoes[0].star" in e for e in r.json()["errors"])


def test_standard_pages_query_counts_are_bounded(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for path in shipped_files():
        load_standard(SYSTEM, path.read_bytes())
    client = login(world.branch_user)
    standard = Standard.objects.first()
    client.get(reverse("standards:standard_list"))
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("standards:standard_detail", args=[standard.pk]))
    # session, user, grants (nav), bell, standard, stars, indicators, vetoes
    assert len(ctx) <= 8
