"""Demo case-file review: ten district agencies, three hundred closed files with realistic dates
(most on time, some over their limits, some with late service or missing documents), and one campaign
that drew 25 files, assigned them and has part of the score sheets in."""

from __future__ import annotations

import datetime as dt
import random

from wuxing.casefiles import rubric as rubrics
from wuxing.casefiles import services
from wuxing.casefiles.models import CaseFile, Matter
from wuxing.core.roles import Level, Role
from wuxing.core.workdays import add_working_days
from wuxing.orgs import services as org_services
from wuxing.orgs.models import OrgUnit, User

DOCS = ["申请书", "受理通知书", "审查意见", "许可决定书", "送达回证"]
UNITS = [
    ("JKA01", "区市场监督管理局", [("SC-01", "企业设立登记", "registration", 20, 3), ("SC-02", "企业注销登记", "registration", 20, 3),
                                   ("SC-03", "食品经营许可", "licence", 20, 10)]),
    ("JKA02", "区建设局", [("JS-01", "建筑工程施工许可", "licence", 15, 7), ("JS-02", "城市建筑垃圾处置核准", "licence", 20, 10)]),
    ("JKA03", "区发展和改革委员会", [("FG-01", "企业投资项目核准", "licence", 20, 10), ("FG-02", "企业投资项目备案", "filing", 20, 3)]),
    ("JKA04", "区财政局", [("CZ-01", "创业担保贷款贴息", "payment", 20, 15)]),
    ("JKA05", "区农业农村局", [("NY-01", "农药经营许可", "licence", 20, 12), ("NY-02", "兽药经营许可", "licence", 20, 12)]),
    ("JKA06", "区生态环境分局", [("HB-01", "建设项目环境影响报告表审批", "licence", 20, 15)]),
    ("JKA07", "区卫生健康委员会", [("WJ-01", "医疗机构执业登记", "licence", 20, 15), ("WJ-02", "公共场所卫生许可", "licence", 20, 10)]),
    ("JKA08", "区教育局", [("JY-01", "民办学校办学许可", "licence", 20, 15)]),
    ("JKA09", "区人力资源和社会保障局", [("RS-01", "劳务派遣经营许可", "licence", 20, 10), ("RS-02", "就业补贴发放", "payment", 20, 10)]),
    ("JKA10", "区交通运输局", [("JT-01", "道路货物运输经营许可", "licence", 20, 10)]),
]
COMPANIES = ["郑州{}科技有限公司", "河南{}建设工程有限公司", "郑州经开区{}餐饮店", "河南{}物流有限公司", "郑州{}医药有限公司"]
WORDS = ["华润", "中原", "天正", "嘉禾", "宏达", "恒信", "瑞丰", "金地", "安泰", "宇通", "博远", "新蓝"]


def cjk_font(size: int):
    """A simplified-Chinese face installed on the machine (Debian's fonts-noto-cjk), found through fontconfig; None
    where there is none."""
    import shutil
    import subprocess

    from PIL import ImageFont

    if shutil.which("fc-match") is None:
        return None
    path = subprocess.run(["fc-match", "-f", "%{file}", "Noto Sans CJK SC:lang=zh-cn"], capture_output=True, text=True,
                          check=False).stdout.strip()
    if "CJK" not in path:
        return None
    for index in range(12):  # a .ttc holds several faces; take the simplified-Chinese one
        try:
            font = ImageFont.truetype(path, size, index=index)
        except OSError:
            break
        if "SC" in " ".join(font.getname()):
            return font
    return None


def scan_image(lines: list[str], *, kind: str = "PNG") -> bytes:
    """A page of a case file as a scanner gives it: black text on white at 150 dpi (A4, 1240×1754)."""
    import io

    from PIL import Image, ImageDraw

    font = cjk_font(40)
    if font is None:
        raise RuntimeError("no simplified-Chinese font (apt-get install fonts-noto-cjk)")
    img = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(img)
    y = 160
    for line in lines:
        draw.text((130, y), line, font=font, fill=0)
        y += 84
    out = io.BytesIO()
    img.save(out, kind, dpi=(150, 150))
    return out.getvalue()


def dossier_pages(f: CaseFile) -> list[list[str]]:
    """The four documents of a licence file as pages, with the file's own dates where an officer would write them."""
    def cn(day):
        return f"{day.year}年{day.month}月{day.day}日"

    unit = f.unit.name
    pages = [[f"{f.matter.name}申请书", "", f"申请人：{f.applicant}", "申请事项：" + f.matter.name,
              f"申请日期：{cn(f.received)}", "", "申请人（签章）"]]
    if f.accepted:
        pages.append([unit, "受理通知书", f"{f.file_no}", f"{f.applicant}：",
                      f"你单位于{cn(f.received)}提出的申请，材料齐全，", "符合法定形式，本机关决定予以受理。",
                      f"受理日期：{cn(f.accepted)}", "", f"{unit}（印章）"])
    if f.decided:
        pages.append([unit, "准予行政许可决定书", f"{f.file_no}", f"{f.applicant}：",
                      "经审查，你单位的申请符合法定条件和标准，", "本机关决定准予行政许可。",
                      f"决定日期：{cn(f.decided)}", "", f"{unit}（印章）"])
    if f.served:
        pages.append(["送达回证", f"送达文书：准予行政许可决定书（{f.file_no}）", f"受送达人：{f.applicant}",
                      f"送达方式：{f.service_method or '直接送达'}", f"送达日期：{cn(f.served)}", "", "受送达人签收："])
    return pages


def _wd(day, n):
    return add_working_days(day, n, strict=True).day if n > 0 else day


def load(district: OrgUnit) -> None:
    from types import SimpleNamespace

    rng = random.Random(2026)
    actor = SimpleNamespace(is_superuser=True, is_authenticated=False, pk=None)
    for path in rubrics.shipped():
        rubrics.load(actor, path.read_bytes())
    justice = org_services.create_unit(actor, parent=district, code="JKA11", name="区司法局", level=Level.AGENCY)
    units = {}
    for code, name, matters in UNITS:
        unit = org_services.create_unit(actor, parent=district, code=code, name=name, level=Level.AGENCY)
        units[code] = unit
        for m_code, m_name, category, statutory, promised in matters:
            Matter.objects.create(unit=unit, code=m_code, name=m_name, category=category, statutory_days=statutory,
                                  promised_days=promised, required_documents=DOCS if category == "licence" else DOCS[:2] + DOCS[3:],
                                  legal_basis="《中华人民共和国行政许可法》" if category == "licence" else "")
    files = []
    for code, unit in units.items():
        matters = list(Matter.objects.filter(unit=unit))
        for i in range(30):
            m = rng.choice(matters)
            received = _wd(dt.date(2026, 1, 5), rng.randint(0, 190))
            supplement = rng.random() < 0.25
            notice = _wd(received, rng.choice([1, 2, 3, 3, 4, 7])) if supplement else None
            complete = _wd(notice, rng.randint(2, 6)) if supplement else None
            accepted = complete if supplement else _wd(received, rng.choice([0, 0, 1, 2, 6]))
            roll = rng.random()
            days = rng.randint(1, m.promised_days) if roll < 0.8 else (
                rng.randint(m.promised_days + 1, m.statutory_days) if roll < 0.94 else m.statutory_days + rng.randint(1, 6))
            decided = _wd(accepted, days)
            served = _wd(decided, rng.choice([1, 2, 3, 5, 12]))
            published = _wd(decided, rng.choice([1, 2, 3, 9])) if rng.random() < 0.9 else None
            docs = list(m.required_documents)
            if rng.random() < 0.15:
                docs.remove(rng.choice(docs))
            files.append(CaseFile(unit=unit, matter=m, file_no=f"{code}-2026-{i + 1:03d}",
                                  applicant=rng.choice(COMPANIES).format(rng.choice(WORDS)), received=received,
                                  supplement_notice=notice, supplement_complete=complete, accepted=accepted,
                                  decided=decided, served=served, published=published,
                                  archived=served + dt.timedelta(days=rng.randint(5, 20)), documents=docs,
                                  service_method=rng.choice(["直接送达", "邮寄送达"])))
    CaseFile.objects.bulk_create(files)
    # People: the organiser exists (demo_casefile); a reviewer from 司法局, reviewers from three agencies,
    # and a reviewed unit's account for 区市场监督管理局.
    def person(username, name, role, unit):
        return org_services.create_user(actor, username=username, real_name=name, mobile="", password="Wuxing@2026",
                                        role=role, unit=unit)

    auditor = person("demo_auditor", "周明", Role.CASEFILE_REVIEWER, justice)
    others = [person(f"reviewer_{c.lower()}", n, Role.CASEFILE_REVIEWER, units[c])
              for c, n in [("JKA02", "吴磊"), ("JKA05", "郑华"), ("JKA07", "冯雪")]]
    person("demo_unit", "钱立", Role.REVIEWED_UNIT, units["JKA01"])
    rubric = rubrics.Rubric.objects.get(code="henan-licence-sample", version=1)
    counts = [3, 3, 3, 3, 3, 2, 2, 2, 2, 2]
    campaign = services.create_campaign(
        actor, unit=district, title="2026年度行政许可案卷评查", rubric=rubric, units=list(units.values()),
        closed_from=dt.date(2026, 1, 1), closed_to=dt.date(2026, 10, 31),
        plan={code: {"count": n} for code, n in zip(units, counts)})
    services.draw_sample(actor, campaign, 20261126)
    for user in [auditor, *others]:
        services.add_reviewer(actor, campaign, user)
    services.assign_reviewers(actor, campaign)
    for sample in list(campaign.sample.select_related("file"))[:12]:
        reviewer = User.objects.get(pk=sample.reviewer_id)
        sheet = services.open_sheet(reviewer, sample)
        services.submit_sheet(reviewer, sheet)
    # Scanned dossiers of the files still to be scored by the auditor and of one 市场监管局 file: the pages an officer
    # would scan (application, acceptance notice, decision, service receipt), left for `wuxing casefiles ocr` to read.
    samples = campaign.sample.select_related("file__unit", "file__matter").order_by("order")
    scanned = [s.file for s in samples.filter(reviewer=auditor).exclude(sheets__status="submitted")[:3]]
    scanned += [s.file for s in samples.filter(file__unit__code="JKA01")[:1] if s.file not in scanned]
    for f in scanned if cjk_font(40) is not None else []:  # without a Chinese font the demo has no scans
        services.add_scans(actor, f, [(f"{i}.png", scan_image(lines)) for i, lines in enumerate(dossier_pages(f), 1)])
