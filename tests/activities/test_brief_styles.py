"""Briefs as district papers and WeChat accounts print them: bylines after the body, a trailing source,
WeChat headers, several correspondents, articles that open with their title, masthead lines and
continuation markers, "会议由…主持", trainings. Each fixture has its expected fields beside it; then the
round trip parse → record → brief names the organiser once and has one 本报讯."""

import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from wuxing.activities import briefs, cleanup
from wuxing.activities.parsing import parse
from wuxing.activities.services import article_fields

FIXTURES = Path(__file__).parent / "fixtures"
UNITS = ["经开区", "明湖办事处", "京航办事处", "前程办事处", "九龙办事处", "郭店村", "张庄村", "明湖社区", "锦荣社区",
         "马寨村", "周庄村"]
STYLES = sorted(p.name.removesuffix(".expected.json") for p in FIXTURES.glob("*.expected.json"))
FIELDS = ("title", "date", "organizer", "type", "host", "participants", "documents", "reporter", "correspondents")


def _articles(stem: str):
    source = next(p for p in FIXTURES.iterdir() if p.stem == stem and not p.name.endswith(".json"))
    return parse(source.read_text(encoding="utf-8"), UNITS, 2026)


@pytest.mark.parametrize("stem", STYLES)
def test_each_style_gives_the_right_fields(stem):
    expected = json.loads((FIXTURES / f"{stem}.expected.json").read_text(encoding="utf-8"))
    _clean, arts = _articles(stem)
    got = [{k: a.as_json()[k] for k in FIELDS} for a in arts]
    assert got == expected


@pytest.mark.parametrize("stem", STYLES)
def test_what_the_page_or_the_account_added_is_not_in_the_body(stem):
    _clean, arts = _articles(stem)
    for a in arts:
        for furniture in ("下转", "上接", "责任编辑", "编辑：", "阅读 ", "发布时间", "点击上方", "文/图", "经开区报"):
            assert furniture not in a.body, (furniture, a.body)
        lines = a.body.splitlines()
        # Neither a closing source （某某办事处 王某） nor a byline line is left as the body's last paragraph.
        assert not cleanup.SOURCE_LINE.match(lines[-1]) and not cleanup.BARE_BYLINE.match(lines[-1]), lines[-1]


def test_the_continued_article_is_joined_across_the_page_break():
    _clean, [a] = _articles("continued_page")
    assert "20余人参加会议。" in a.body and "会上，各社区书记围绕" in a.body


def test_a_wechat_post_without_a_date_in_its_text_takes_the_publication_date():
    text = ("明湖办事处召开“五星”支部创建推进会\n发布时间：2026-11-21 18:30 来源：明湖办事处\n"
            "近日，明湖办事处召开“五星”支部创建推进会，党工委书记李明主持会议。\n")
    [a] = parse(text, UNITS, 2025)[1]
    assert (a.date, a.year, a.organizer) == ("11-21", 2026, "明湖办事处")
    assert "发布时间" not in a.body


def test_the_source_names_the_organiser_only_when_the_text_does_not():
    text = "支部书记谈创建\n11月3日，支部书记们围绕五星创建畅谈体会。\n（前程办事处 王磊）\n"
    [a] = parse(text, UNITS, 2026)[1]
    assert (a.organizer, a.correspondents) == ("前程办事处", ["王磊"])


# --- the round trip --------------------------------------------------------------------------------------------

def _record(article):
    fields = article_fields(article, 2026)
    return SimpleNamespace(**fields, unit=SimpleNamespace(name=fields["organiser_name"]), requirements="")


def _round_trips():
    seed_style = [(stem, i) for stem in STYLES + ["newspaper_page", "wechat", "ocr_column"]
                  for i in range(len(_articles(stem)[1]))]
    return seed_style


@pytest.mark.parametrize("stem,index", _round_trips())
def test_a_brief_made_from_a_parsed_record_names_the_organiser_once_and_has_one_lead(stem, index):
    article = _articles(stem)[1][index]
    text = briefs.render(briefs.of_record(_record(article)))
    lines = text.splitlines()
    organiser = article.organizer
    assert text.count("本报讯") == 1, text
    assert lines[0] == article.title
    lead = next(line for line in lines if line.startswith("本报讯"))
    assert lead.count(organiser) == 1, lead
    assert f"{organiser}召开{organiser}" not in text and f"召开{organiser}召开" not in text
    # Nothing of the original lead is said twice: the host and the count appear once.
    if article.host:
        assert text.count(article.host + "主持") <= 1 and article.host in lead
    # And it parses back to the same date, organiser and type.
    [again] = parse(text, UNITS, 2026)[1]
    assert (again.date, again.organizer, again.type) == (article.date, organiser, article.type)


def test_the_demo_brief_and_a_typed_record_read_the_same_way():
    from wuxing.activities.demo import PASTED

    [article] = parse(PASTED.format(m=11, d=28), UNITS, 2026)[1]
    pasted = briefs.render(briefs.of_record(_record(article)))
    assert pasted.splitlines()[:2] == [
        "区市场监督管理局召开行政许可案卷评查会",
        "本报讯（通讯员 陈晨）11月28日，区市场监督管理局召开行政许可案卷评查会。局党组书记赵刚主持会议，"
        "评查组成员12人参加会议。会议学习了《河南省行政许可案卷评查标准》。"]
    typed = briefs.render(briefs.BriefInput(
        organiser="明湖办事处", meeting="“五星”支部创建推进会", on=dt.date(2026, 11, 18), host="党工委书记高建军",
        attendees="各社区党组织书记", participants="30余人", requirements="要对照标准找差距。", content="会上，三个社区作交流发言。"))
    assert typed.splitlines() == [
        "明湖办事处召开“五星”支部创建推进会",
        "本报讯11月18日，明湖办事处召开“五星”支部创建推进会。党工委书记高建军主持会议，各社区党组织书记30余人参加会议。",
        "会上，三个社区作交流发言。",
        "会议要求，要对照标准找差距。"]
