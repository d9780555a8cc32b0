"""The pure engine that proposes a file's dates from OCR text (issue 22)."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from wuxing.casefiles import dating, dossier

CN = "〇一二三四五六七八九"


def _cn_small(n: int) -> str:
    if n < 10:
        return CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN[tens]) + "十" + (CN[ones] if ones else "")


def _written(day: dt.date, style: int) -> str:
    return [f"{day.year}年{day.month}月{day.day}日", day.isoformat(), f"{day.year}.{day.month}.{day.day}",
            f"{day.year} 年 {day.month} 月 {day.day} 日",
            "".join(CN[int(c)] for c in str(day.year)) + f"年{_cn_small(day.month)}月{_cn_small(day.day)}日"][style]


@given(st.dates(dt.date(1990, 1, 1), dt.date(2099, 12, 31)), st.integers(0, 4))
def test_every_way_a_date_is_written_reads_back(day, style):
    found = dating.dates_in(dating.normalise(f"受理日期：{_written(day, style)}"))
    assert [f.day for f in found] == [day]


def test_impossible_dates_and_long_numbers_are_not_dates():
    assert dating.dates_in("2026年2月30日 20261301 编号12026年3月4日5") == []


def test_the_nearest_key_word_decides_the_field_and_a_label_beats_a_verb():
    pages = [(1, "本机关于2026年3月16日作出准予许可决定，于2026年3月18日送达"),
             (2, "送达回证\n送达日期：2026年3月19日"),
             (3, "补正告知书\n申请人：某某\n一次性告知补正日期 2026-03-05")]
    got = {p.field: (p.day, p.page) for p in dating.propose(pages)}
    assert got == {"decided": (dt.date(2026, 3, 16), 1), "served": (dt.date(2026, 3, 19), 2),
                   "supplement_notice": (dt.date(2026, 3, 5), 3)}


def test_a_date_without_a_key_word_takes_the_document_title_and_tesseract_spaces_are_ignored():
    pages = [(5, "郑州经开区市场监督管理局\n受 理 通 知 书\n郑州某某餐饮店：\n二〇二六年三月四日")]
    (p,) = dating.propose(pages)
    assert (p.field, p.day, p.page) == ("accepted", dt.date(2026, 3, 4), 5)


def test_citations_name_their_first_page():
    assert [dossier.cited_page(r) for r in ("3", "3-4", "第 3–4 页", "P12", "", "无")] == [3, 3, 3, 12, None, None]
