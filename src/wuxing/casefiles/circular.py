"""The circular (通报) and the rectification notices (整改通知) as official documents (GB/T 9704): summary,
unit table, common problems by dimension, excellent files, causes and requirements; each notice with its
unit's own problems and the deadline."""

from __future__ import annotations

from wuxing.core import gongwen
from wuxing.orgs import services as orgs

MAX_NAMED_ADDRESSEES = 6


def circular_key(campaign) -> str:
    return f"casefiles.circular:{campaign.pk}"


def notice_key(rect) -> str:
    return f"casefiles.rectification:{rect.pk}"


def circular_title(campaign) -> str:
    return f"关于{campaign.title}情况的通报"


def notice_title(campaign) -> str:
    return f"关于{campaign.title}发现问题整改的通知"


DRAFT = "（未编号稿，下发整改通知时编定发文字号）"


def _meetings(campaign) -> str:
    """The 评查会 recorded for the campaign (activities linked to it), as the circular's sentence."""
    held = list(campaign.meetings.order_by("on", "pk")[:3]) if campaign.pk else []
    if not held:
        return ""
    return "".join(f"{m.on:%Y年%-m月%-d日}，召开{m.title}" + (f"（{m.place}）" if m.place else "") + "，"
                   for m in held).rstrip("，") + "，对评查工作作出安排。"


def circular(campaign, r: dict) -> gongwen.Official:
    head = orgs.document_head(campaign.unit, circular_key(campaign))
    draft = "" if head.issued else DRAFT
    if not r["finished"]:
        # An unfinished review says so first, so no one reads a partial result as final.
        draft = (f"（评查尚未完成：共抽取 {r['drawn']} 份，已评定 {r['reviewed']} 份"
                 + (f"，{len(r['arbitration'])} 份待仲裁" if r.get("arbitration") else "")
                 + "。以下为阶段性结果，不作为最终结论。）")
    bands: dict[str, int] = {}
    for _s, sheet in r["files"]:
        if sheet is not None:
            bands[sheet.band] = bands.get(sheet.band, 0) + 1
    units = sorted({unit for unit, _row in r["units"]})
    body: list = [
        "一、基本情况",
        # The figures come from the sample itself: units that had files drawn, files drawn, files scored.
        (f"{campaign.closed_from.year}年，按照评查工作安排，对{r['sampled_units']}个单位"
         f"{campaign.closed_from:%Y年%-m月%-d日}至{campaign.closed_to:%Y年%-m月%-d日}办结的行政许可案卷开展了评查。"
         f"本次评查采取随机抽取方式（随机种子 {campaign.seed}，可据此复核抽取结果），共抽取案卷{r['drawn']}份，"
         f"已评定{r['reviewed']}份"
         + ("，其中" + "，".join(f"{band}{n}份" for band, n in bands.items()) if bands else "") + "。"
         + _meetings(campaign)),
        "二、各单位评查结果",
        gongwen.Table(["名次", "单位", "平均分", "等次"],
                      [[str(rank), unit, str(mean), band] for unit, (mean, band, rank) in r["units"]]),
        "三、存在的主要问题",
    ]
    n_section = 0
    for section in r["sections"]:
        n = r["problems"].get(section, 0)
        if not n:
            continue
        n_section += 1
        common = [f"{text}（{k}处，评查标准第{code}项）" for code, text, s, k in r["common"] if s == section]
        body.append(f"（{gongwen.chinese_number(n_section)}）{section}方面。共发现问题{n}处"
                    + ("，主要是：" + "；".join(common) if common else "") + "。")
    if n_section == 0:
        body.append("本次评定的案卷未发现扣分问题。")
    heading = 4
    if r["excellent"]:
        body += ["四、优秀案卷", "、".join(f"{s.file.unit.name}{s.file.file_no}" for s, _sh in r["excellent"]) + "。"]
        heading = 5
    body += [f"{gongwen.chinese_number(heading)}、原因分析和整改要求",
             campaign.causes or "部分单位对行政许可法规定的办理时限、送达和公示要求把握不准，案卷归档意识不强。",
             "请各单位对照问题清单逐项整改，按期报送整改情况。"]
    addressees = "、".join(units) if 0 < len(units) <= MAX_NAMED_ADDRESSEES else "各被评查单位"
    return gongwen.Official(mark=head.mark, number=head.number, title=circular_title(campaign),
                            addressees=addressees, body=body, signer=campaign.unit.name, date=head.date, draft=draft,
                            printer=campaign.unit.name, printed=head.date)


def notice(rect) -> gongwen.Official:
    campaign = rect.campaign
    head = orgs.document_head(campaign.unit, notice_key(rect))
    lines = [line for line in rect.problems.splitlines() if line.strip()]
    body = [f"在{campaign.title}中，你单位被抽查的案卷存在以下问题：",
            *(f"{i}．{line}" for i, line in enumerate(lines, 1)),
            f"请对照上述问题逐卷整改，举一反三完善制度，并于{gongwen.date_words(rect.deadline)}前将整改情况"
            f"报送{campaign.unit.name}（可在系统“整改”页面直接报送）。"]
    return gongwen.Official(mark=head.mark, number=head.number, title=notice_title(campaign),
                            addressees=rect.unit.name, body=body, signer=campaign.unit.name, date=head.date,
                            draft="" if head.issued else DRAFT, printer=campaign.unit.name, printed=head.date)


def docx_bytes(campaign, r: dict) -> bytes:
    return gongwen.docx_bytes(circular(campaign, r))


def notice_bytes(rect) -> bytes:
    return gongwen.docx_bytes(notice(rect))
