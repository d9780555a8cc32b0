"""Messy text in, activity fields out: each cleanup rule on its own, then whole fixtures."""

import datetime as dt
import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from wuxing.activities import cleanup
from wuxing.activities.briefs import BriefInput, render
from wuxing.activities.parsing import parse

FIXTURES = Path(__file__).parent / "fixtures"
UNITS = ["经开区", "明湖办事处", "京航办事处", "前程办事处", "九龙办事处", "郭店村", "张庄村", "明湖社区"]


# --- each cleanup rule on its own -------------------------------------------------------------

def test_heading_marks_are_removed_and_remembered():
    assert cleanup.strip_heading_marks("## 明湖办事处召开推进会") == ("明湖办事处召开推进会", True)
    assert cleanup.strip_heading_marks("#5 号文件") == ("#5 号文件", False)
    assert cleanup.strip_heading_marks("  ###  三级标题") == ("三级标题", True)
    assert cleanup.strip_heading_marks("正文一行") == ("正文一行", False)


def test_spaces_between_chinese_characters_are_closed_up_but_not_between_words():
    assert cleanup.remove_cjk_spaces("京 航 办 事 处 召 开 座 谈 会 。") == "京航办事处召开座谈会。"
    assert cleanup.remove_cjk_spaces("共 40 余人，GDP 增长") == "共 40 余人，GDP 增长"
    assert cleanup.remove_cjk_spaces("（记者  王芳 通 讯 员 赵磊 孙丽）1 1月") == "（记者 王芳 通讯员 赵磊 孙丽）1 1月"


def test_a_repeated_phrase_is_collapsed_but_numbers_are_untouched():
    assert cleanup.collapse_repeats("找差距、补短板补短板补短板，确保") == "找差距、补短板，确保"
    assert cleanup.collapse_repeats("奖励1000000元，2020202020") == "奖励1000000元，2020202020"
    assert cleanup.collapse_repeats("支部支部") == "支部支部"  # two copies may be real


def test_page_furniture_is_recognised():
    for line in ["第 3 版", "第二版  要闻", "2026年11月20日 星期五", "责任编辑：刘洋", "经开区报", "郑州日报", "——————", "12"]:
        assert cleanup.is_stray(line), line
    for line in ["要求各社区于第3版方案印发后落实", "明湖办事处召开推进会", "会议要求，各社区要找差距。"]:
        assert not cleanup.is_stray(line), line


def test_a_sentence_broken_across_lines_and_blank_lines_is_rejoined():
    lines = [("党工委书记孙涛主持会议，相关“两委”成员", False), ("", False), ("25人参加会议。", False),
             ("", False), ("会议要求，抓好整改。", False)]
    assert cleanup.join_broken_lines(lines) == [("党工委书记孙涛主持会议，相关“两委”成员25人参加会议。", False),
                                                ("", False), ("会议要求，抓好整改。", False)]


def test_headlines_above_a_lead_keep_their_lines():
    lines = [("京航办事处召开座谈会", False), ("", False), ("本报讯（记者 李娜）11月5日，会议召开。", False)]
    assert cleanup.join_broken_lines(lines)[0] == ("京航办事处召开座谈会", True)


def test_full_width_digits_are_normalised():
    assert cleanup.normalise("１１月２０日，４０余人") == "11月20日，40余人"


@given(st.text(alphabet=st.sampled_from(list("五星支部创建明湖办事处，。、 \n0123456789")), max_size=200))
def test_cleanup_never_loses_a_chinese_character_except_repeats(text):
    cleaned, _lines = cleanup.clean(text)
    # Every character of the cleaned text comes from the input, in order (a subsequence).
    it = iter(cleanup.normalise(text))
    assert all(ch in it for ch in cleaned.replace("\n", ""))


# --- whole texts ----------------------------------------------------------------------------------

def parse_fixture(name):
    return parse((FIXTURES / name).read_text(encoding="utf-8"), UNITS, 2026)


def test_a_scanned_newspaper_page_gives_three_articles_with_their_fields():
    _clean, arts = parse_fixture("newspaper_page.md")
    assert [a.title for a in arts] == ["明湖办事处召开“五星”支部创建推进会", "京航办事处举办支部书记培训班",
                                       "区市场监督管理局召开行政许可案卷评查会"]
    a, b, c = (x.as_json() for x in arts)
    assert (a["date"], a["organizer"], a["type"], a["host"], a["participants"]) == (
        "11-18", "明湖办事处", "推进会", "党工委书记李明", "40余人")
    assert a["documents"] == ["关于创建“五星”支部引领城市基层治理的指导意见"]
    assert (a["reporter"], a["correspondents"]) == ("王芳", ["赵磊", "孙丽"])
    assert "补短板，确保" in a["body"] and "补短板补短板" not in a["body"]
    assert arts[0].subtitle == "以高质量党建引领基层治理"
    assert (b["date"], b["organizer"], b["type"], b["host"], b["participants"]) == (
        "11-17", "京航办事处", "培训", "党工委副书记张华", "六十余人")
    assert arts[1].participants_count == 60
    assert b["documents"] == ["河南省“五星”支部创建评价标准", "经开区“五星”支部创建工作要点"]
    assert "责任编辑" not in b["body"] and "工作要点》，并就" in b["body"]
    assert (c["organizer"], c["type"], c["host"], c["participants"], c["reporter"], c["correspondents"]) == (
        "区市场监督管理局", "评查会", "局党组书记赵刚", "12人", "", ["陈晨"])
    assert c["documents"] == ["河南省行政许可案卷评查标准"]
    assert not arts[2].organizer_matched and arts[0].organizer_matched


def test_a_wechat_article_with_markdown_headings_and_no_lead_marker():
    _clean, arts = parse_fixture("wechat.md")
    assert len(arts) == 2
    a, b = (x.as_json() for x in arts)
    assert (a["date"], a["organizer"], a["type"], a["host"], a["participants"]) == (
        "11-12", "九龙办事处", "书记论坛", "办事处党工委书记王强", "30余名")
    assert (b["date"], b["organizer"], b["type"], b["host"], b["participants"]) == (
        "11-10", "前程办事处", "观摩", "", "二十人")
    assert arts[1].participants_count == 20


def test_an_ocr_column_with_spaces_breaks_and_a_page_break_in_mid_sentence():
    clean, arts = parse_fixture("ocr_column.txt")
    assert len(arts) == 1
    a = arts[0].as_json()
    assert a["title"] == "京航办事处召开软弱涣散党组织整顿座谈会"
    assert (a["date"], a["organizer"], a["type"], a["host"], a["participants"]) == (
        "11-05", "京航办事处", "座谈会", "党工委书记孙涛", "25人")
    assert a["documents"] == ["中国共产党支部工作条例（试行）"]
    assert (a["reporter"], a["correspondents"]) == ("李娜", [])
    assert "“两委”成员25人参加会议。" in clean and "第 3 版" not in clean


def test_a_generated_brief_parses_back_to_the_same_fields():
    brief = BriefInput(organiser="明湖办事处", meeting="“五星”支部书记论坛", on=dt.date(2026, 3, 7),
                       host="党工委书记李明", attendees="各社区党组织书记", participants="40余人",
                       documents=["关于创建“五星”支部引领城市基层治理的指导意见", "经开区“五星”支部创建工作要点"],
                       requirements="各社区要对照标准找差距、补短板", content="论坛上，5名书记作交流发言。",
                       reporter="王芳", correspondents=["赵磊", "孙丽"], subtitle="比学赶超争五星")
    _clean, arts = parse(render(brief), UNITS, 2026)
    assert len(arts) == 1
    a = arts[0]
    assert (a.date, a.organizer, a.type, a.host, a.participants, a.documents, a.reporter, a.correspondents) == (
        "03-07", "明湖办事处", "书记论坛", "党工委书记李明", "40余人", brief.documents, "王芳", ["赵磊", "孙丽"])


def test_the_command_prints_one_json_object_per_article(capsys, db):
    from django.core.management import call_command

    call_command("activities", "parse", str(FIXTURES / "newspaper_page.md"), "--json")
    data = json.loads(capsys.readouterr().out)
    assert len(data) == 3
    assert set(data[0]) == {"title", "date", "organizer", "type", "host", "participants", "documents", "reporter",
                            "correspondents", "body"}
    assert data[2]["organizer"] == "区市场监督管理局"
