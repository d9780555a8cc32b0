"""Excel import of the org tree and of users: dry run, every bad row reported, all-or-nothing.

Re-importing a file updates units (by code) and people (by username) instead of duplicating them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import IO

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wuxing.core import events, policy
from wuxing.core.audit import record
from wuxing.core.importing import Column, ImportReport, SheetRow, read_sheet, text_cell
from wuxing.core.roles import KIND_BY_LEVEL, PARENT_LEVELS, ROLE_LEVELS, Kind, Level, Role
from wuxing.orgs.models import OrgUnit, RoleAssignment, User, path_segment
from wuxing.orgs.services import move_subtree
from wuxing.orgs.validators import AREA_CODE_RE, CODE_RE, MOBILE_RE

CHUNK = 900  # stays under SQLite's bound-parameter limit on old builds


def _choice_lookup(choices, extra: dict[str, str]) -> dict[str, str]:
    table = {str(label): value for value, label in choices.choices}
    table.update({value: value for value in choices.values})
    table.update(extra)
    return table


LEVEL_WORDS = _choice_lookup(Level, {
    "省": Level.PROVINCE, "市": Level.CITY, "区": Level.DISTRICT, "县": Level.DISTRICT, "区县": Level.DISTRICT,
    "县区": Level.DISTRICT, "办事处": Level.OFFICE, "乡镇": Level.OFFICE, "街道": Level.OFFICE,
    "乡": Level.OFFICE, "镇": Level.OFFICE, "社区": Level.COMMUNITY, "村": Level.VILLAGE, "行政村": Level.VILLAGE,
    "网格": Level.GRID, "部门": Level.AGENCY, "区直部门": Level.AGENCY, "区直单位": Level.AGENCY,
})
KIND_WORDS = _choice_lookup(Kind, {"城镇": Kind.URBAN, "城区": Kind.URBAN, "混合": Kind.MIXED})
ROLE_WORDS = _choice_lookup(Role, {"支部书记/填报员": Role.SECRETARY, "书记": Role.SECRETARY})


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


# --- units --------------------------------------------------------------------------------------------

UNIT_COLUMNS = [
    Column("code", "单位编码", True, ("编码", "code"), "JK0101", "唯一，字母数字，最长 32 位；重复导入按编码更新"),
    Column("name", "单位名称", True, ("名称", "name"), "明湖办事处", "最长 100 字"),
    Column("level", "层级", True, ("level",), "办事处", "省/市/区/县/办事处/乡镇/街道/社区/村/网格",
           choices=tuple(str(label) for _v, label in Level.choices)),
    Column("parent", "上级编码", False, ("上级单位编码", "parent"), "JK", "最上级单位留空"),
    Column("kind", "城乡类型", False, ("类型", "kind"), "", "城市/农村/城乡混合；社区固定为城市，村固定为农村",
           choices=tuple(str(label) for _v, label in Kind.choices)),
    Column("area_code", "区划代码", False, ("统计用区划代码", "area_code"), "", "12 位数字，选填"),
]


class _UnitRow:
    __slots__ = ("number", "code", "name", "level", "parent", "kind", "area_code")


def _parse_unit_rows(rows: list[SheetRow], report: ImportReport) -> dict[str, _UnitRow]:
    parsed: dict[str, _UnitRow] = {}
    first_seen: dict[str, int] = {}
    for row in rows:
        r = _UnitRow()
        r.number = row.number
        bad = False

        def cell(key, header, **kw):
            nonlocal bad
            try:
                return text_cell(row.values.get(key), **kw)
            except ValueError as exc:
                report.add(row.number, header, str(exc))
                bad = True
                return ""

        r.code = cell("code", "单位编码")
        r.name = cell("name", "单位名称")
        level_text = cell("level", "层级")
        r.parent = cell("parent", "上级编码")
        kind_text = cell("kind", "城乡类型")
        r.area_code = cell("area_code", "区划代码")
        if bad:
            continue
        if not r.code:
            report.add(row.number, "单位编码", _("不能为空。"))
        elif not CODE_RE.match(r.code):
            report.add(row.number, "单位编码", _("“{code}”格式不正确：只能包含字母、数字、下划线、点和连字符，最长 32 位。").format(code=r.code))
        elif r.code in first_seen:
            report.add(row.number, "单位编码", _("编码“{code}”与第 {row} 行重复。").format(code=r.code, row=first_seen[r.code]))
            continue
        if not r.name:
            report.add(row.number, "单位名称", _("不能为空。"))
        elif len(r.name) > 100:
            report.add(row.number, "单位名称", _("超过 100 字。"))
        r.level = LEVEL_WORDS.get(level_text, "")
        if not r.level:
            report.add(row.number, "层级", _("无法识别的层级“{value}”。").format(value=level_text) if level_text else _("不能为空。"))
        r.kind = KIND_WORDS.get(kind_text, "") if kind_text else ""
        if kind_text and not r.kind:
            report.add(row.number, "城乡类型", _("无法识别的城乡类型“{value}”。").format(value=kind_text))
        elif r.level in KIND_BY_LEVEL and r.kind and r.kind != KIND_BY_LEVEL[r.level]:
            report.add(row.number, "城乡类型", _("{level}的城乡类型只能是“{kind}”。").format(
                level=Level(r.level).label, kind=Kind(KIND_BY_LEVEL[r.level]).label))
        if r.area_code and not AREA_CODE_RE.match(r.area_code):
            report.add(row.number, "区划代码", _("应为 12 位数字。"))
        if r.parent and r.parent == r.code:
            report.add(row.number, "上级编码", _("上级编码不能是本单位自己。"))
        if r.code and r.code not in first_seen:
            first_seen[r.code] = row.number
            parsed[r.code] = r
    return parsed


def import_units(actor, fileobj: IO[bytes], *, dry_run: bool = True, filename: str = "") -> ImportReport:
    """Validate the whole sheet; write only if every row is good and `dry_run` is false."""
    report = ImportReport(dry_run=dry_run)
    rows = read_sheet(fileobj, UNIT_COLUMNS, report)
    if report.errors:
        return report
    report.total = len(rows)
    parsed = _parse_unit_rows(rows, report)

    # Existing units named by the file (as units or as parents), fetched in chunks.
    wanted = list({*parsed.keys(), *(r.parent for r in parsed.values() if r.parent)})
    existing: dict[str, OrgUnit] = {}
    for chunk in _chunks(wanted):
        for unit in OrgUnit.objects.filter(code__in=chunk).select_related("parent"):
            existing[unit.code] = unit
    manageable = _manageable_paths(actor)

    def final_parent(code: str) -> str | None:
        if code in parsed:
            return parsed[code].parent or None
        unit = existing.get(code)
        if unit is None or unit.parent is None:
            return None
        return unit.parent.code

    def level_of(code: str) -> str | None:
        return parsed[code].level if code in parsed else (existing[code].level if code in existing else None)

    settled: set[str] = set()  # codes whose ancestor chain is known to end at a root without a cycle
    for code, r in parsed.items():
        if not r.level:
            continue
        old = existing.get(code)
        if old is not None and old.level != r.level:
            report.add(r.number, "层级", _("已有单位“{code}”的层级是“{level}”，导入不能修改层级。").format(
                code=code, level=Level(old.level).label))
            continue
        if r.parent and r.parent not in parsed and r.parent not in existing:
            report.add(r.number, "上级编码", _("上级编码“{code}”不存在（既不在本表中，也不在系统中）。").format(code=r.parent))
            continue
        # Cycle check: walk up the final tree until a settled code or a root.
        seen = [code]
        walker = final_parent(code)
        cycle = False
        while walker is not None and walker not in settled:
            if walker in seen:
                cycle = True
                break
            seen.append(walker)
            walker = final_parent(walker)
        if cycle:
            report.add(r.number, "上级编码", _("上下级关系形成循环：{chain}。").format(chain=" → ".join(seen + [walker])))
            continue
        settled.update(seen)
        parent_level = level_of(r.parent) if r.parent else None
        if r.parent and not parent_level:
            continue  # the parent row itself is broken and reported
        if parent_level not in PARENT_LEVELS[r.level]:
            if r.parent:
                report.add(r.number, "上级编码", _("“{level}”不能设在“{parent_level}”之下。").format(
                    level=Level(r.level).label, parent_level=Level(parent_level).label))
            else:
                report.add(r.number, "上级编码", _("“{level}”必须填写上级编码。").format(level=Level(r.level).label))
            continue
        # Rights: an existing unit must be inside the actor's subtree; so must a new unit's parent.
        if not getattr(actor, "is_superuser", False):
            anchor = existing.get(code) if code in existing else (existing.get(r.parent) if r.parent else None)
            new_parent = existing.get(r.parent) if r.parent else None
            checks = [u for u in (anchor, new_parent) if u is not None]
            if (not r.parent and code not in existing) or any(
                not any(u.path.startswith(p) for p in manageable) for u in checks
            ):
                report.add(r.number, "上级编码", _("您无权在该单位下新增或修改单位。"))
    report.errors.sort()
    if report.errors or dry_run:
        _count(report, parsed, existing)
        return report
    with transaction.atomic():
        events.units_changed(_apply_units(actor, parsed, existing, final_parent, report))
        record(actor, "orgs.unit.import", None, {"file": filename[:200], "created": report.created,
                                                  "updated": report.updated, "rows": report.total})
    return report


def _reserve_ids(n: int) -> list[int]:
    """`n` fresh OrgUnit ids: from the table's sequence on PostgreSQL; elsewhere the next ids after the
    largest, which is safe because SQLite holds its write lock for the whole import transaction."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                           [OrgUnit._meta.db_table, n])
            return [row[0] for row in cursor.fetchall()]
    first = (OrgUnit.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    return list(range(first, first + n))


def _manageable_paths(actor) -> list[str]:

    paths = policy.paths_for(actor, "unit.manage")
    return [""] if paths is None else paths


def _changed(r: _UnitRow, unit: OrgUnit) -> bool:
    kind = KIND_BY_LEVEL.get(r.level) or r.kind or unit.kind
    parent_code = unit.parent.code if unit.parent else ""
    return (r.name, kind, r.area_code, r.parent or "") != (unit.name, unit.kind, unit.area_code, parent_code)


def _count(report: ImportReport, parsed, existing) -> None:
    for code, r in parsed.items():
        if code not in existing:
            report.created += 1
        elif _changed(r, existing[code]):
            report.updated += 1
        else:
            report.unchanged += 1


def _apply_units(actor, parsed: dict[str, _UnitRow], existing: dict[str, OrgUnit], final_parent,
                 report) -> list[OrgUnit]:
    """Create and update the units; returns those created, changed or moved."""
    touched: list[OrgUnit] = []
    # Generations: a row comes after its parent when both are in the file.
    generation: dict[str, int] = {}

    def gen(code: str) -> int:
        if code not in generation:
            parent = parsed[code].parent
            generation[code] = gen(parent) + 1 if parent and parent in parsed else 0
        return generation[code]

    by_gen: dict[int, list[str]] = defaultdict(list)
    for code in parsed:
        by_gen[gen(code)].append(code)
    # Every unit the file names, by code, with its current id/path/depth.
    units: dict[str, OrgUnit] = dict(existing)

    for g in sorted(by_gen):
        new_objs: list[OrgUnit] = []
        for code in by_gen[g]:
            r = parsed[code]
            parent = units.get(r.parent) if r.parent else None
            kind = KIND_BY_LEVEL.get(r.level) or (parent.kind if r.level == Level.GRID and parent else r.kind) or Kind.MIXED
            unit = existing.get(code)
            if unit is None:
                new_objs.append(OrgUnit(code=code, name=r.name, level=r.level, kind=kind, parent=parent,
                                        area_code=r.area_code, path=f"new:{code}",
                                        depth=parent.depth + 1 if parent else 0))
                continue
            if not _changed(r, unit):
                report.unchanged += 1
                continue
            report.updated += 1
            touched.append(unit)
            OrgUnit.objects.filter(pk=unit.pk).update(name=r.name, kind=kind, area_code=r.area_code)
            unit.name, unit.kind, unit.area_code = r.name, kind, r.area_code
            if (unit.parent.code if unit.parent else "") != (r.parent or ""):
                old_path = unit.path
                move_subtree(unit, parent)
                # Refresh paths of every unit we hold that sat under the moved one.
                for other in units.values():
                    if other.pk != unit.pk and other.path.startswith(old_path):
                        other.path = unit.path + other.path[len(old_path):]
                        other.depth = other.path.count("/") - 1
        if new_objs:
            # Ids first, so each path is known before the insert: one bulk INSERT, no second UPDATE pass.
            for obj, pk in zip(new_objs, _reserve_ids(len(new_objs))):
                obj.pk = pk
                obj.path = (obj.parent.path if obj.parent else "") + path_segment(pk)
                units[obj.code] = obj
            OrgUnit.objects.bulk_create(new_objs, batch_size=2000)
            report.created += len(new_objs)
            touched.extend(new_objs)
    return touched


def unit_rows(queryset):
    """Rows of the unit sheet, in the template's column order, for export (re-importable)."""
    for code, name, level, parent_code, kind, area_code in queryset.order_by("path").values_list(
        "code", "name", "level", "parent__code", "kind", "area_code"
    ).iterator(chunk_size=2000):
        yield [code, name, str(Level(level).label), parent_code or "", str(Kind(kind).label), area_code]


# --- users --------------------------------------------------------------------------------------------

USER_COLUMNS = [
    Column("username", "用户名", True, ("账号", "username"), "zhangsan", "登录账号，字母数字及 @.+-_，重复导入按用户名更新"),
    Column("real_name", "姓名", True, ("real_name",), "张三", ""),
    Column("mobile", "手机号码", False, ("手机号", "mobile"), "13800138000", "11 位手机号码"),
    Column("role", "角色", True, ("role",), "支部书记", "区级管理员/星级审核员/办事处管理员/包联领导/支部书记/填报员/评查组织者/评查员/被评查单位",
           choices=tuple(str(label) for _v, label in Role.choices)),
    Column("unit", "单位编码", True, ("unit",), "JK0101", "角色所在单位的编码"),
    Column("password", "初始密码", False, ("密码", "password"), "", "新用户必填：至少 8 位，含字母和数字；已有用户忽略此列"),
]


def import_users(actor, fileobj: IO[bytes], *, dry_run: bool = True, filename: str = "") -> ImportReport:
    """One row per (person, role, unit); a person with two roles takes two rows."""
    report = ImportReport(dry_run=dry_run)
    rows = read_sheet(fileobj, USER_COLUMNS, report)
    if report.errors:
        return report
    report.total = len(rows)
    username_validator = UnicodeUsernameValidator()
    manageable = _manageable_paths(actor)
    parsed: list[tuple[int, dict[str, str]]] = []
    for row in rows:
        values: dict[str, str] = {}
        bad = False
        for col in USER_COLUMNS:
            try:
                values[col.key] = text_cell(row.values.get(col.key))
            except ValueError as exc:
                report.add(row.number, col.header, str(exc))
                bad = True
        if not bad:
            parsed.append((row.number, values))
    unit_codes = list({v["unit"] for _n, v in parsed if v["unit"]})
    units = {}
    for chunk in _chunks(unit_codes):
        units.update({u.code: u for u in OrgUnit.objects.filter(code__in=chunk)})
    usernames = list({v["username"] for _n, v in parsed if v["username"]})
    users = {}
    for chunk in _chunks(usernames):
        users.update({u.username: u for u in User.objects.filter(username__in=chunk)})
    manageable_users = set()
    for chunk in _chunks([u.pk for u in users.values()]):
        manageable_users.update(User.objects.for_user(actor, "manage").filter(pk__in=chunk).values_list("pk", flat=True))
    seen_people: dict[str, tuple[int, str, str]] = {}
    seen_grants: set[tuple[str, str, str]] = set()
    for number, v in parsed:
        username = v["username"]
        if not username:
            report.add(number, "用户名", _("不能为空。"))
        else:
            try:
                username_validator(username)
                if len(username) > 150:
                    raise ValidationError(_("超过 150 个字符。"))
            except ValidationError as exc:
                report.add(number, "用户名", " ".join(exc.messages))
        if not v["real_name"]:
            report.add(number, "姓名", _("不能为空。"))
        elif len(v["real_name"]) > 50:
            report.add(number, "姓名", _("超过 50 字。"))
        if v["mobile"] and not MOBILE_RE.match(v["mobile"]):
            report.add(number, "手机号码", _("“{value}”不是有效的 11 位手机号码。").format(value=v["mobile"]))
        role = ROLE_WORDS.get(v["role"], "")
        if not role:
            report.add(number, "角色", _("无法识别的角色“{value}”。").format(value=v["role"]) if v["role"] else _("不能为空。"))
        unit = units.get(v["unit"])
        if not v["unit"]:
            report.add(number, "单位编码", _("不能为空。"))
        elif unit is None:
            report.add(number, "单位编码", _("单位编码“{code}”不存在。").format(code=v["unit"]))
        elif not any(unit.path.startswith(p) for p in manageable):
            report.add(number, "单位编码", _("您无权管理单位“{name}”的人员。").format(name=unit.name))
        elif role and unit.level not in ROLE_LEVELS[role]:
            report.add(number, "角色", _("“{role}”不能授予{level}级单位。").format(
                role=Role(role).label, level=Level(unit.level).label))
        if username in seen_people:
            first_row, name, mobile = seen_people[username]
            if (name, mobile) != (v["real_name"], v["mobile"]):
                report.add(number, "姓名", _("与第 {row} 行同一用户名的姓名或手机号码不一致。").format(row=first_row))
        elif username:
            seen_people[username] = (number, v["real_name"], v["mobile"])
        key = (username, role, v["unit"])
        if key in seen_grants:
            report.add(number, "角色", _("与前面的行重复。"))
        seen_grants.add(key)
        existing = users.get(username)
        if existing is not None and existing.pk not in manageable_users and not getattr(actor, "is_superuser", False):
            report.add(number, "用户名", _("用户名“{name}”已被您管理范围之外的账号使用。").format(name=username))
        if existing is None and username and seen_people[username][0] == number:
            if not v["password"]:
                report.add(number, "初始密码", _("新用户必须填写初始密码。"))
            else:
                try:
                    validate_password(v["password"], User(username=username, real_name=v["real_name"]))
                except ValidationError as exc:
                    report.add(number, "初始密码", " ".join(exc.messages))
    report.errors.sort()
    new_names = {name for name in seen_people if name not in users}
    report.created = len(new_names)
    report.updated = len(seen_people) - report.created
    if report.errors or dry_run:
        return report
    with transaction.atomic():
        for number, v in parsed:
            username = v["username"]
            user = users.get(username)
            if user is None:
                user = User(username=username, real_name=v["real_name"], mobile=v["mobile"], must_change_password=True)
                user.set_password(v["password"])
                user.save()
                users[username] = user
            elif (user.real_name, user.mobile) != (v["real_name"], v["mobile"]):
                User.objects.filter(pk=user.pk).update(real_name=v["real_name"], mobile=v["mobile"])
                user.real_name, user.mobile = v["real_name"], v["mobile"]
            RoleAssignment.objects.get_or_create(user=user, role=ROLE_WORDS[v["role"]], unit=units[v["unit"]])
        record(actor, "orgs.user.import", None, {"file": filename[:200], "created": report.created,
                                                  "updated": report.updated, "rows": report.total})
    return report


def user_rows(queryset):
    """Rows of the user sheet for export: one row per role, mobile masked (personal data)."""
    grants = RoleAssignment.objects.filter(user__in=queryset).select_related("user", "unit").order_by(
        "user__username", "role")
    for g in grants.iterator(chunk_size=2000):
        yield [g.user.username, g.user.real_name, g.user.masked_mobile, str(Role(g.role).label), g.unit.code,
               g.unit.name, "是" if g.user.is_active else "否"]


def units_export_job(user, params: dict):
    """The unit sheet (re-importable) as an export (wuxing.core.services, "orgs.units"), read with `user`'s scope."""
    from wuxing.core.services import Sheet
    from wuxing.orgs.selectors import visible_units

    units = visible_units(user, q=params.get("q") or "")
    return Sheet([c.header for c in UNIT_COLUMNS], unit_rows(units), _("组织架构"), size=units)


def users_export_job(user, params: dict):
    """The user sheet as an export ("orgs.users"): for administrators only, as the page is."""
    from wuxing.core.services import ExportGone, Sheet
    from wuxing.orgs.selectors import is_admin, visible_users

    if not is_admin(user):
        raise ExportGone(_("您已无权导出用户。"))
    users = visible_users(user, q=params.get("q") or "")
    headers = [_("用户名"), _("姓名"), _("手机号码"), _("角色"), _("单位编码"), _("单位名称"), _("启用")]
    return Sheet(headers, user_rows(users), _("用户"), size=users)
