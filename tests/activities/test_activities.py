import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from docx import Document
from rest_framework.test import APIClient

from wuxing.activities import services
from wuxing.activities.models import Activity
from wuxing.creation.models import PlanTask

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


def meeting(world, **extra):
    fields = {"type": "progress", "title": "“五星”支部创建推进会", "on": dt.date(2026, 11, 18), "host": "党工委书记李明",
              "attendees": "各社区党组织书记", "participants": "40余人", "participants_count": 40,
              "documents": ["经开区“五星”支部创建工作要点"], "requirements": "各社区要对照标准找差距",
              "reporter": "王芳", "correspondents": ["赵磊", "孙丽"]} | extra
    return services.save_activity(world.office_admin, world.east, **fields)


def test_a_brief_generated_from_an_activity_parses_back_through_the_page(world, campaign, login):
    a = meeting(world)
    client = login(world.office_admin)
    text = client.get(reverse("activities:brief", args=[a.pk])).context["form"].initial["text"]
    assert text.startswith("东城办事处召开“五星”支部创建推进会") and "本报讯（记者 王芳 通讯员 赵磊 孙丽）11月18日" in text
    r = client.post(reverse("activities:import"), {"text": text})
    draft = r.context["drafts"][0]
    assert (draft.date, draft.organizer, draft.type, draft.host, draft.participants, draft.documents, draft.reporter,
            draft.correspondents) == ("11-18", "东城办事处", "推进会", a.host, a.participants, a.documents, a.reporter,
                                      a.correspondents)


def test_the_brief_exports_as_word_and_text(world, campaign, login):
    a = meeting(world)
    client = login(world.office_admin)
    r = client.post(reverse("activities:brief", args=[a.pk]), {"text": "标题\n本报讯 改过的正文。", "format": "docx"})
    paragraphs = [p.text for p in Document(io.BytesIO(r.content)).paragraphs]
    assert paragraphs == ["标题", "本报讯 改过的正文。"]
    r = client.post(reverse("activities:brief", args=[a.pk]), {"text": "纯文本", "format": "txt"})
    assert r.content.decode() == "纯文本"


def test_pasting_a_newspaper_page_makes_draft_records_with_raw_and_clean_text(world, campaign, login):
    client = login(world.district_admin)
    text = (FIXTURES / "newspaper_page.md").read_text(encoding="utf-8")
    r = client.post(reverse("activities:import"), {"text": text})
    assert len(r.context["drafts"]) == 3
    r = client.post(reverse("activities:import"), {"text": text, "confirm": "1", "pick": ["0", "2"]})
    assert r.status_code == 302
    made = list(Activity.objects.order_by("title"))
    assert [x.title for x in made] == ["区市场监督管理局召开行政许可案卷评查会", "明湖办事处召开“五星”支部创建推进会"]
    bureau = made[0]
    assert bureau.organiser_name == "区市场监督管理局" and bureau.unit == world.district and bureau.type == "review"
    assert bureau.status == "draft" and "第 2 版" in bureau.raw_text and "第 2 版" not in bureau.clean_text
    assert bureau.on == dt.date(2026, 11, 16)


def test_uploading_a_file_parses_it_too(world, campaign, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = (FIXTURES / "ocr_column.txt").read_bytes()
    r = login(world.district_admin).post(reverse("activities:import"), {"file": SimpleUploadedFile("page.txt", data)})
    assert [d.title for d in r.context["drafts"]] == ["京航办事处召开软弱涣散党组织整顿座谈会"]


def test_a_decision_becomes_plan_tasks_for_named_branches_once(world, campaign, login):
    a = meeting(world, campaign=campaign)
    d = services.add_decision(world.office_admin, a, "建立网格党支部", [world.community, world.village], "zbgy",
                              dt.date(2026, 12, 31))
    assert services.decision_to_tasks(world.office_admin, d) == 2
    assert set(PlanTask.objects.values_list("branch__code", "star_code")) == {("T101", "zbgy"), ("T102", "zbgy")}
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.decision_to_tasks(world.office_admin, d)


def test_only_admins_over_the_unit_record_activities(world, campaign):
    with pytest.raises(PermissionDenied):
        services.save_activity(world.branch_user, world.east, type="progress", title="x", on=dt.date(2026, 1, 1))
    with pytest.raises(PermissionDenied):
        services.save_activity(world.office_admin, world.west, type="progress", title="x", on=dt.date(2026, 1, 1))


def test_list_calendar_and_export(world, campaign, login):
    meeting(world)
    client = login(world.office_admin)
    assert "“五星”支部创建推进会" in client.get(reverse("activities:list")).content.decode()
    html = client.get(reverse("activities:calendar"), {"month": "2026-11", "unit": world.east.pk}).content.decode()
    assert "推进会" in html
    text = client.get(reverse("activities:list"), {"format": "csv"}).content.decode("utf-8-sig")
    assert "党工委书记李明" in text
    assert "“五星”支部创建推进会" not in login(world.other_branch_user).get(reverse("activities:list")).content.decode()


def test_the_api_parses_without_writing_and_serves_briefs(world, campaign):
    api = APIClient()
    api.force_authenticate(world.district_admin)
    text = (FIXTURES / "wechat.md").read_text(encoding="utf-8")
    body = api.post(reverse("api:activity-parse"), {"text": text}, format="json").json()
    assert [a["date"] for a in body["articles"]] == ["11-12", "11-10"] and not Activity.objects.exists()
    a = meeting(world)
    assert api.get(reverse("api:activity-brief", args=[a.pk])).json()["text"].startswith("东城办事处召开")
    assert api.post(reverse("api:activity-parse"), {"text": ""}, format="json").status_code == 400


@pytest.mark.parametrize("name, count", [("newspaper_page.md", 3), ("wechat.md", 2), ("ocr_column.txt", 1)])
def test_each_messy_fixture_gives_the_same_articles_through_the_page_and_the_command(world, campaign, login, capsys,
                                                                                    name, count):
    import json

    from django.core.management import call_command

    text = (FIXTURES / name).read_text(encoding="utf-8")
    drafts = login(world.district_admin).post(reverse("activities:import"), {"text": text}).context["drafts"]
    call_command("activities", "parse", str(FIXTURES / name), "--json")
    printed = json.loads(capsys.readouterr().out)
    assert len(drafts) == len(printed) == count
    assert [d.as_json() for d in drafts] == printed


def test_the_calendar_chooses_its_unit_by_typing_not_from_every_unit(world, campaign, login):
    """Issue 21 §1: no full <select> of units. The page holds the chosen unit only; the search offers the districts
    and offices the person sees, and a unit out of their sight falls back to their first."""
    meeting(world)
    client = login(world.office_admin)
    html = client.get(reverse("activities:calendar"), {"month": "2026-11", "unit": world.east.pk}).content.decode()
    assert "<select" not in html and 'name="unit" value="%d" checked' % world.east.pk in html
    assert "scope=seen_areas" in html and "西城办事处" not in html
    found = client.get(reverse("orgs:unit_search"), {"scope": "seen_areas", "q": "办事处"}).content.decode()
    assert "东城办事处" in found and "西城办事处" not in found
    other = client.get(reverse("activities:calendar"), {"month": "2026-11", "unit": world.west.pk}).content.decode()
    assert 'name="unit" value="%d" checked' % world.east.pk in other and "推进会" in other
