"""Build the user guide (操作手册) from the screenshots the browser journeys just saved.

    make guide    # runs the browser tests, then this script

Every image in docs/guide/img/ is copied from var/screenshots/ of the latest run (the browser tests empty
that folder when they start), so the guide never shows a screen the product no longer has. A chapter
whose screenshot is missing fails the build; images no chapter uses are removed. CI runs `make guide`.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "var" / "screenshots"
OUT = Path(__file__).resolve().parent

# Who sees what (the one policy, wuxing.core.policy), stated once for every reader of the guide.
ROLES = [
    "## 角色与可见范围", "",
    "| 角色 | 可见范围 | 主要工作 |", "|---|---|---|",
    "| 区级管理员 | 本区五星创建的全部数据 | 创建年度、评星标准、审核、公示、命名、夺旗 |",
    "| 星级审核员 | 本区各支部负责审核的星 | 审核所负责的星 |",
    "| 办事处管理员 | 本办事处及下属社区、村 | 部署、初审、周动态汇总、会议活动 |",
    "| 包联领导 | 分包的社区、村 | 跟进规划、查看差距 |",
    "| 支部书记 / 填报员 | 本支部 | 目标、规划、周动态、台账、自评申报 |",
    "| 评查组织者 | 本区案卷评查 | 抽取、分配评查员、通报、整改 |",
    "| 评查员 | 分配给本人的案卷 | 逐项评查打分 |",
    "| 被评查单位 | 本单位的案卷、得分和整改 | 上传案卷、报送整改 |", "",
    "五星创建和案卷评查是两个独立的业务：五星创建的角色看不到案卷评查的数据，评查的角色也看不到五星创建的数据，"
    "即使角色授予在区一级。管理某个用户（查看、修改、重置密码、停用、导出）须能管到该用户的全部角色；"
    "任何人不能给自己授予角色，也不能审核自己担任支部角色的支部。",
]

CHAPTERS = [
    ("支部书记 / 填报员", [
        ("branch-home", "登录后首页是“待办”：本周动态何时截止、逾期未报的周动态、被退回的目标和申报、逾期的创建任务、申报的指标还缺少的台账，点击即可办理。"),
        ("notifications", "右上角“通知”显示未读条数：目标确认或退回、周动态采用或退回、申报初审和区级审核结果、公示、命名、撤星，以及包联领导的批注都会通知到人；点击通知打开对应页面并标为已读。在首页“我的通知设置”中可选择同时发到邮箱或手机短信，逐条发送或每天下午汇总一次。"),
        ("branch-workspace", "“年度创建”中打开本支部的创建工作台：点“研判并设定目标”勾选争创的星、写明短板；点“新增任务”按星列出创建任务（时间节点、责任人、对应指标）。“找差距、补短板”逐项标出已达标、有台账待评、已列任务和未着手的指标。"),
        ("branch-weekly", "“周动态”列出每周的报送情况（按时、迟报、未报），点“填写”报送本周工作，点“保存并提交”后状态变为“已提交”；工作事项可以关联创建任务。"),
        ("branch-evidence", "“评星 → 台账资料”按指标上传佐证材料（PDF、Office 文档或图片），系统按文件内容校验类型。"),
        ("branch-evaluation", "“评星”中逐项自评，页面实时显示按当前自评可得的星级；点“保存自评”后，在“申报”中勾选达标的星提交办事处初审。"),
    ]),
    ("办事处管理员", [
        ("todo-office", "首页“待办”列出待确认的争创目标、待采用的周动态、待初审的申报、上周逾期和本周尚未报送周动态的支部（列出名称）、各支部的逾期任务。"),
        ("office-channels", "“单位推送渠道”为办事处或社区、村的工作群添加企业微信群机器人：粘贴群机器人的 Webhook 地址（页面只显示密钥的前几位），可选每日汇总；点“发送测试消息”检查群里是否收到；删除须先勾选“确认删除”。周动态报送提醒也会推送到群里；没有账号的支部收不到提醒，会逐个列出提醒办事处开通账号。"),
        ("office-weekly-matrix", "“周动态”显示本办事处各支部近八周的报送矩阵，点击周次查看汇总。"),
        ("office-weekly-rollup", "周汇总按未报在前列出各支部动态，可导出 Word 和 Excel。"),
        ("office-weekly-return", "对已提交的动态点“审阅”，写明意见后“采纳”或“退回”；退回的意见支部书记可以看到。"),
        ("office-evaluation-queue", "“评星”按状态列出各支部申报，点“待办事处初审”查看需要初审的支部。"),
        ("office-evaluation-review", "进入支部页面逐项初审：不同意的指标写明理由并“保存初审意见”，然后“初审通过，报区级审核”或写明意见“退回支部修改”。"),
    ]),
    ("包联领导", [
        ("todo-leader", "首页列出所包联支部的本周动态、评星进度、已命名星级、逾期任务和近期活动；“周动态”列出各包联支部近几周的报送情况。"),
        ("leader-comment", "点“批注”打开支部的创建工作台，在“包联领导批注”中写下意见并发送，支部书记会收到通知。"),
        ("leader-view", "“年度创建 → 我包联的支部”在一页上列出所包联支部的目标、逾期任务和尚差的指标。"),
    ]),
    ("星级审核员", [
        ("todo-reviewer", "首页只列出等待本人审核的星（不是整个队列），点击进入已按星筛选的审核队列；评星队列还可按支部名称、办事处和状态筛选。"),
        ("reviewer-district-review", "在“待区级审核”中打开支部，只能对本部门负责的星作出结论（例如政法委负责平安法治星），选择通过或不通过、写明意见后保存。"),
    ]),
    ("区级管理员", [
        ("todo-district", "首页列出待区级审核的申报、审核完成待公示的支部、公示期满待命名的批次、待处理的公示异议、待确认的一票否决事件和上周周动态未报齐的办事处。"),
        ("district-dashboard", "“看板”显示全区星级分布、各星达标、目标与实现、任务进度、周动态按时率和历年情况；每张图都有数据表和 Excel 导出。"),
        ("district-campaign", "“年度创建”中打开年度创建活动：页面列出所用的评星标准和各阶段时间节点（点“编辑年度设置”修改），以及全区创建矩阵（办事处 × 星）；可导出、导入创建规划。"),
        ("district-final-review", "区级审核：逐星保存结论，全部审核后点“完成审核”，支部进入“审核完成待公示”。"),
        ("district-notices", "“评星 → 公示与命名”把审核完成的支部发布公示（按法定工作日计算公示期）。"),
        ("district-objection-rejected", "公示只能从今天或以后开始，截止日按法定工作日自动计算。每条异议都要作出处理：成立或部分成立须选定因此取消的星，不成立须写明核查情况，重复、无实质内容或不属于公示事项的可“不予受理”并选择理由（不予受理的不影响命名）；命名前可写明理由更正处理结果。"),
        ("district-naming", "公示期满、异议处理完毕后，在公示页面点“公示结束，确认命名”，支部列入“命名名单”。"),
        ("district-veto", "支部评星页的“一票否决事件”登记评星标准列明的否决情形（如“三零”中的刑事案件）、发生日期、情况说明和佐证。区级登记后立即生效：该星不能申报、不能审核通过，已命名的星随即撤销并通知支部和办事处；办事处登记的待区级确认。登记有误的可写明理由撤销，撤掉的星随之恢复。"),
        ("district-flag-conferred", "“看板 → 摘星夺旗”按年度（或季度）显示各办事处的计算结果；达到条件的由区级管理员“授旗”，授旗时各支部星级随记录保存，此后星级变化不影响已授的旗；授旗后可“推荐参加上级争创”；撤销须写明理由。"),
        ("district-rerate-preview", "评星标准一旦被目标、任务、评估、申报或命名使用就被锁定。更换版本请在年度页点“更换标准版本”：先预览星级会变化的每个支部，确认后才更换；已审核完成、公示中和已命名的支部不受影响。"),
    ]),
    ("评查组织者 / 评查员", [
        ("todo-casefile", "评查组织者首页列出待仲裁的案卷和已报送整改、待回头看的单位；评查员首页列出待本人评查的案卷（评查员可以打开分配给自己的案卷详情）。"),
        ("casefile-campaign", "评查活动页面显示抽样框、随机种子和算法，任何人可用同一种子复核抽取结果；随机分配评查员并回避本单位。"),
        ("casefile-sheet", "评查员逐项填写扣分次数、页码和说明，系统根据案卷日期自动提示超期等问题并写明计算过程；保存后可“提交评查表”。"),
        ("casefile-arbitration", "复核的评查表与初评分差超过仲裁线、等次不同或仅一方一票否决时，结果暂不计入，在“待仲裁”中由组织者选定采用的评查表并写明理由；已下发的整改通知随之更新并通知被评查单位。下发整改通知时，还有案卷未评完的单位须逐个勾选确认。"),
    ]),
    ("被评查单位", [
        ("todo-unit", "被评查单位首页列出待报送整改情况的整改通知，整改下发、按仲裁结果更新和验收关闭时都会收到通知。"),
        ("unit-files", "被评查单位只能看到本单位的案卷和结果，并在“整改”中报送整改情况。"),
    ]),
    ("公众", [
        ("public-notice", "公示页面无需登录即可查看拟命名名单，并可提出异议；姓名和联系方式仅用于核实，不公开。"),
    ]),
]


def main() -> int:
    img = OUT / "img"
    img.mkdir(exist_ok=True)
    lines = ["# 五星支部创建管理平台 操作手册", "",
             "本手册的截图由浏览器自动化测试在最近一次运行中生成（桌面和手机两种屏幕），与系统界面保持一致。", "",
             *ROLES, ""]
    missing, written = [], set()
    for role, steps in CHAPTERS:
        lines += [f"## {role}", ""]
        for name, text in steps:
            lines += [text, ""]
            for viewport, label in (("desktop", "电脑"), ("phone", "手机")):
                src = SHOTS / f"{name}-{viewport}.png"
                if not src.exists():
                    missing.append(src.name)
                    continue
                shutil.copyfile(src, img / src.name)
                written.add(src.name)
                lines.append(f"![{role}（{label}）](img/{src.name})")
            lines.append("")
    if missing:
        print("missing screenshots (run the browser tests first):", ", ".join(missing), file=sys.stderr)
        return 1
    for stale in img.glob("*.png"):  # a screen the guide no longer shows
        if stale.name not in written:
            stale.unlink()
    (OUT / "README.md").write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {OUT / 'README.md'} with {sum(len(s) for _r, s in CHAPTERS) * 2} screenshots")
    return 0


if __name__ == "__main__":
    sys.exit(main())
