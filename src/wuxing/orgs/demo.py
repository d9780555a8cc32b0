"""The demo district 经开区: four offices, their communities and villages, and the demo logins."""

from __future__ import annotations

from django.db import transaction

from wuxing.core.roles import Kind, Level, Role
from wuxing.orgs import services
from wuxing.orgs.models import OrgUnit, User

DEMO_PASSWORD = "Wuxing@2026"
DISTRICT_CODE = "JK"

# (office code, office name, [(name, level), ...]); names are typical of the area, not an official list.
OFFICES = [
    ("JK01", "明湖办事处", [
        ("明湖社区", Level.COMMUNITY), ("锦荣社区", Level.COMMUNITY), ("航海社区", Level.COMMUNITY),
        ("朗悦社区", Level.COMMUNITY), ("泰和社区", Level.COMMUNITY), ("康平社区", Level.COMMUNITY),
        ("瑞锦社区", Level.COMMUNITY), ("海滨社区", Level.COMMUNITY), ("小李庄村", Level.VILLAGE),
        ("杨庄村", Level.VILLAGE),
    ]),
    ("JK02", "京航办事处", [
        ("京航社区", Level.COMMUNITY), ("航兴社区", Level.COMMUNITY), ("嵩山社区", Level.COMMUNITY),
        ("顺和社区", Level.COMMUNITY), ("雁鸣社区", Level.COMMUNITY), ("滨河社区", Level.COMMUNITY),
        ("润泽社区", Level.COMMUNITY), ("周庄村", Level.VILLAGE), ("马寨村", Level.VILLAGE),
    ]),
    ("JK03", "前程办事处", [
        ("锦绣社区", Level.COMMUNITY), ("前程社区", Level.COMMUNITY), ("豫康社区", Level.COMMUNITY),
        ("双湖社区", Level.COMMUNITY), ("丹桂社区", Level.COMMUNITY), ("朱庄村", Level.VILLAGE),
        ("王新庄村", Level.VILLAGE), ("沙门村", Level.VILLAGE), ("后湖村", Level.VILLAGE),
        ("黄岗村", Level.VILLAGE), ("祥和社区", Level.COMMUNITY),
    ]),
    ("JK04", "九龙办事处", [
        ("九龙社区", Level.COMMUNITY), ("龙王社区", Level.COMMUNITY), ("郭店村", Level.VILLAGE),
        ("张庄村", Level.VILLAGE), ("新店村", Level.VILLAGE), ("大湖村", Level.VILLAGE),
        ("南岗村", Level.VILLAGE), ("辛庄村", Level.VILLAGE), ("十八里河村", Level.VILLAGE),
        ("白庙村", Level.VILLAGE),
    ]),
]

# (username, real name, mobile, role, unit code, description shown by `wuxing demo` and the README)
USERS = [
    ("demo_district", "李建国", "13700000001", Role.DISTRICT_ADMIN, "JK", "区级管理员（经开区）"),
    ("demo_office", "王秀英", "13700000002", Role.OFFICE_ADMIN, "JK01", "办事处管理员（明湖办事处）"),
    ("demo_branch", "张丽华", "13700000003", Role.SECRETARY, "JK0101", "支部书记（明湖办事处 明湖社区）"),
    ("demo_branch2", "刘德胜", "13700000004", Role.SECRETARY, "JK0403", "支部书记（九龙办事处 郭店村）"),
    ("demo_reviewer", "陈志强", "13700000005", Role.STAR_REVIEWER, "JK", "星级审核员（区委政法委，负责平安法治星）"),
    ("demo_casefile", "赵敏", "13700000006", Role.CASEFILE_ORGANISER, "JK", "评查组织者（区司法局）"),
    ("demo_leader", "孙卫东", "13700000007", Role.LEADER, "JK01", "包联领导（明湖办事处，分包明湖社区、锦荣社区）"),
]

DEMO_USERS = [(u[0], u[5]) for u in USERS] + [("demo_auditor", "评查员（区司法局）"),
                                             ("demo_unit", "被评查单位（区市场监督管理局）")]
LEADER_BRANCHES = ["JK0101", "JK0102"]


def _letterhead(system, unit: OrgUnit, mark: str, prefix: str) -> None:
    services.update_unit(system, unit, name=unit.name, kind=unit.kind, area_code=unit.area_code, is_active=True,
                         doc_mark=mark, doc_prefix=prefix)


@transaction.atomic
def load_org(system) -> OrgUnit | None:
    """Create the demo district's tree, people and 分包 unless it exists; returns the district (None if it
    existed). The shipped standards are loaded first (reviewers name the stars they own)."""
    if OrgUnit.objects.filter(code=DISTRICT_CODE).exists():
        return None
    district = services.create_unit(system, parent=None, code=DISTRICT_CODE, name="经开区", level=Level.DISTRICT,
                                    kind=Kind.MIXED, area_code="410171000000")
    _letterhead(system, district, "中共郑州经开区工委组织部文件", "郑经组")
    for office_code, office_name, branches in OFFICES:
        office = services.create_unit(system, parent=district, code=office_code, name=office_name,
                                      level=Level.OFFICE, kind=Kind.MIXED)
        _letterhead(system, office, f"中共{office_name}工委文件", f"{office_name[:2]}工")
        for number, (name, level) in enumerate(branches, start=1):
            services.create_unit(system, parent=office, code=f"{office_code}{number:02d}", name=name, level=level)
    units = {u.code: u for u in OrgUnit.objects.all()}
    for username, real_name, mobile, role, unit_code, _description in USERS:
        services.create_user(system, username=username, real_name=real_name, mobile=mobile,
                             password=DEMO_PASSWORD, role=role, unit=units[unit_code],
                             star_codes=["pafz"] if role == Role.STAR_REVIEWER else None)
    leader = User.objects.get(username="demo_leader")
    for code in LEADER_BRANCHES:
        services.assign_leader(system, leader, units[code])
    return district
