"""Every change to units, people, roles and 分包 goes through here: checked, atomic, audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from wuxing.core import events, gongwen, policy, versions
from wuxing.core.audit import record
from wuxing.core.credentials import revoke_tokens
from wuxing.core.roles import BRANCH_LEVELS, KIND_BY_LEVEL, PARENT_LEVELS, ROLE_LEVELS, Kind, Level, Role
from wuxing.core.scoping import forget_scope
from wuxing.orgs.models import Assignment, IssuedDocument, OrgUnit, RoleAssignment, User, path_segment


def may_manage_unit(actor, unit: OrgUnit | None) -> bool:
    """Admins manage their subtree; only superusers create or change roots."""
    if unit is None:
        return bool(getattr(actor, "is_superuser", False))
    return policy.may(actor, "unit.manage", unit)


may_manage_user = policy.may_manage_user


def _require(condition: bool) -> None:
    if not condition:
        # Callers have already fetched the object through for_user(view); this is the write check.
        raise PermissionDenied(_("您没有权限执行此操作。"))


def check_placement(level: str, kind: str, parent: OrgUnit | None) -> str:
    """Validate level against parent and return the effective urban/rural kind."""
    allowed = PARENT_LEVELS.get(level)
    if allowed is None:
        raise ValidationError({"level": _("未知的层级。")})
    parent_level = parent.level if parent is not None else None
    if parent_level not in allowed:
        if parent is None:
            raise ValidationError({"parent": _("该层级的单位必须有上级单位。")})
        raise ValidationError(
            {"parent": _("“{level}”不能设在“{parent}”（{parent_level}）之下。").format(
                level=Level(level).label, parent=parent.name, parent_level=Level(parent.level).label)}
        )
    if level in KIND_BY_LEVEL:
        return KIND_BY_LEVEL[level]
    if level == Level.GRID and parent is not None:
        return parent.kind
    return kind or Kind.MIXED


@transaction.atomic
def create_unit(actor, *, parent: OrgUnit | None, code: str, name: str, level: str, kind: str = "",
                area_code: str = "") -> OrgUnit:
    """Add a unit under `parent` (a root only for superusers)."""
    _require(may_manage_unit(actor, parent) if parent is not None else getattr(actor, "is_superuser", False))
    kind = check_placement(level, kind, parent)
    unit = OrgUnit(code=code.strip(), name=name.strip(), level=level, kind=kind, parent=parent,
                   area_code=area_code.strip(), path=f"new:{code}")
    unit.full_clean(exclude=["path"])
    unit.save()
    unit.path = (parent.path if parent else "") + path_segment(unit.pk)
    unit.depth = parent.depth + 1 if parent else 0
    OrgUnit.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)
    events.units_changed([unit])
    record(actor, "orgs.unit.create", unit, {"code": unit.code, "name": unit.name, "level": level})
    return unit


@transaction.atomic
def update_unit(actor, unit: OrgUnit, *, name: str, kind: str, area_code: str, is_active: bool,
                doc_mark: str | None = None, doc_prefix: str | None = None) -> OrgUnit:
    """Rename or re-classify a unit, or set the head of its documents; its place in the tree does not
    change here."""
    _require(may_manage_unit(actor, unit))
    before = {"name": unit.name, "kind": unit.kind, "area_code": unit.area_code, "is_active": unit.is_active,
              "doc_mark": unit.doc_mark, "doc_prefix": unit.doc_prefix}
    if doc_mark is not None:
        unit.doc_mark = doc_mark.strip()
    if doc_prefix is not None:
        unit.doc_prefix = doc_prefix.strip()
    unit.name = name.strip()
    unit.kind = check_placement(unit.level, kind, unit.parent)
    unit.area_code = area_code.strip()
    if unit.parent_id is None and not is_active:
        raise ValidationError({"is_active": _("最上级单位不能停用。")})
    unit.is_active = is_active
    unit.full_clean()
    unit.save()
    after = {"name": unit.name, "kind": unit.kind, "area_code": unit.area_code, "is_active": unit.is_active,
             "doc_mark": unit.doc_mark, "doc_prefix": unit.doc_prefix}
    if before["is_active"] != unit.is_active or before["kind"] != unit.kind:
        events.units_changed([unit])  # the rollups recount; the epoch moves
    elif before != after:
        # Any change of a unit's row moves the epoch (a rare write): units are kept per process under it
        # (orgs.selectors.seen_unit), and its name is on cached pages — its own, its office's matrix, every area
        # page listing it (dashboards, rankings, flags) — which all key on the epoch.
        versions.touch_all()
    record(actor, "orgs.unit.update", unit, {"before": before, "after": after})
    return unit


def letterhead(unit: OrgUnit) -> tuple[str, str]:
    """The mark and the number prefix of `unit`'s documents (its name where they are not set)."""
    return unit.doc_mark or unit.name, unit.doc_prefix or unit.name


def issued(unit: OrgUnit, key: str) -> IssuedDocument | None:
    return IssuedDocument.objects.filter(unit=unit, key=key).first()


@dataclass(frozen=True)
class Head:
    """The head of one of `unit`'s documents: its mark, its number (blank until issued) and its date."""

    mark: str
    number: str
    date: dt.date
    issued: bool


def document_head(unit: OrgUnit, key: str) -> Head:
    """The number and date the document `key` took when it was issued; before that a blank number
    (经开组〔2026〕　号) and today."""
    mark, prefix = letterhead(unit)
    taken = issued(unit, key)
    if taken is not None:
        return Head(mark, str(taken), timezone.localdate(taken.issued_at), True)
    today = timezone.localdate()
    return Head(mark, gongwen.document_number(prefix, today.year, None), today, False)


@transaction.atomic
def take_number(actor, unit: OrgUnit, key: str, title: str, *, year: int | None = None) -> IssuedDocument:
    """The document number of `key`, taken now if it has none: the next of `unit`'s running numbers in the
    year. Called by the services that issue a document, after they have checked the issuing action; the
    unit's row is locked so two issues at once never take the same number."""
    found = issued(unit, key)
    if found is not None:
        return found
    OrgUnit.objects.select_for_update().filter(pk=unit.pk).first()
    year = year or timezone.localdate().year
    last = IssuedDocument.objects.filter(unit=unit, year=year).aggregate(n=Max("number"))["n"] or 0
    doc = IssuedDocument.objects.create(unit=unit, year=year, number=last + 1, prefix=letterhead(unit)[1],
                                        key=key, title=title[:200],
                                        issued_by=actor if getattr(actor, "is_authenticated", False) else None)
    record(actor, "orgs.document.number", doc, {"number": str(doc), "title": doc.title, "key": key},
           unit_path=unit.path)
    return doc


def move_subtree(unit: OrgUnit, new_parent: OrgUnit) -> None:
    """Re-hang `unit` with its subtree under `new_parent`, rewriting every descendant path in one UPDATE.

    Callers check rights and cycles; this only keeps paths and depths consistent.
    """
    old_path = unit.path
    new_path = new_parent.path + path_segment(unit.pk)
    depth_shift = new_parent.depth + 1 - unit.depth
    OrgUnit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_shift,
    )
    OrgUnit.objects.filter(pk=unit.pk).update(parent=new_parent)
    unit.parent, unit.path, unit.depth = new_parent, new_path, unit.depth + depth_shift
    events.units_changed([unit])


# --- people -----------------------------------------------------------------------------------------

def check_role_unit(role: str, unit: OrgUnit) -> None:
    if unit.level not in ROLE_LEVELS[role]:
        levels = "、".join(str(Level(level).label) for level in sorted(ROLE_LEVELS[role]))
        raise ValidationError({"unit": _("“{role}”只能授予以下层级的单位：{levels}。").format(
            role=Role(role).label, levels=levels)})


@transaction.atomic
def create_user(actor, *, username: str, real_name: str, mobile: str, password: str, role: str,
                unit: OrgUnit, star_codes: list[str] | None = None, must_change: bool = False) -> User:
    """Create a person together with their first role, inside the actor's subtree. `must_change`: the
    password was chosen by someone else, so the owner replaces it at first login."""
    _require(may_manage_unit(actor, unit))
    check_role_unit(role, unit)
    if role == Role.STAR_REVIEWER and not star_codes:
        raise ValidationError({"star_codes": _("星级审核员须指定负责审核的星。")})
    user = User(username=username.strip(), real_name=real_name.strip(), mobile=mobile.strip(),
                must_change_password=must_change)
    user.full_clean(exclude=["password"])
    validate_password(password, user)
    user.set_password(password)
    user.save()
    RoleAssignment.objects.create(user=user, role=role, unit=unit,
                                  star_codes=list(star_codes or []) if role == Role.STAR_REVIEWER else [])
    record(actor, "orgs.user.create", user, {"username": user.username, "role": role, "unit": unit.code},
           unit_path=unit.path)
    return user


@transaction.atomic
def update_user(actor, user: User, *, real_name: str, mobile: str, is_active: bool) -> User:
    _require(may_manage_user(actor, user))
    if user.pk == getattr(actor, "pk", None) and not is_active:
        raise ValidationError({"is_active": _("不能停用自己的账号。")})
    before = {"real_name": user.real_name, "mobile": user.masked_mobile, "is_active": user.is_active}
    user.real_name, user.mobile, user.is_active = real_name.strip(), mobile.strip(), is_active
    user.full_clean(exclude=["password"])
    user.save()
    if before["is_active"] and not is_active:
        revoke_tokens(user)  # a deactivated account keeps no API access (its sessions stop authenticating)
    record(actor, "orgs.user.update", user,
           {"before": before, "after": {"real_name": user.real_name, "mobile": user.masked_mobile,
                                        "is_active": user.is_active}})
    return user


@transaction.atomic
def reset_password(actor, user: User, password: str) -> None:
    """An administrator sets a new password for someone in their subtree."""
    _require(may_manage_user(actor, user))
    validate_password(password, user)
    user.set_password(password)
    user.must_change_password = True  # a password someone else knows: the owner replaces it at next login
    user.save(update_fields=["password", "must_change_password"])
    revoked = revoke_tokens(user)  # sessions end with the old password hash
    record(actor, "orgs.user.reset_password", user, {"tokens_revoked": revoked})


@transaction.atomic
def change_own_password(user: User, old: str, new: str) -> None:
    """One's own password, with the site's validators; every API token of the user is revoked."""
    if not user.check_password(old):
        raise ValidationError({"old": _("原密码不正确。")})
    validate_password(new, user)
    user.set_password(new)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    revoked = revoke_tokens(user)
    record(user, "auth.password_change", user, {"tokens_revoked": revoked, "via": "api"})


@transaction.atomic
def grant_role(actor, user: User, role: str, unit: OrgUnit, star_codes: list[str] | None = None) -> RoleAssignment:
    """Grant a role over a subtree; a 星级审核员 also names the stars they decide. Grants stay inside the
    granter's scope, go only to people the granter manages, and never to the granter."""
    if user.pk == getattr(actor, "pk", None):
        raise ValidationError(_("不能给自己授予角色，请由上级管理员操作。"))
    _require(policy.may_grant(actor, user, unit))
    check_role_unit(role, unit)
    star_codes = list(star_codes or [])
    if role == Role.STAR_REVIEWER and not star_codes:
        raise ValidationError({"star_codes": _("星级审核员须指定负责审核的星。")})
    if role != Role.STAR_REVIEWER and star_codes:
        raise ValidationError({"star_codes": _("只有星级审核员需要指定负责的星。")})
    grant, created = RoleAssignment.objects.get_or_create(user=user, role=role, unit=unit,
                                                          defaults={"star_codes": star_codes})
    if not created:
        if role == Role.STAR_REVIEWER and grant.star_codes != star_codes:
            before = grant.star_codes
            grant.star_codes = star_codes
            grant.save(update_fields=["star_codes"])
            forget_scope(user)
            record(actor, "orgs.role.stars", user, {"unit": unit.code, "before": before, "after": star_codes},
                   unit_path=unit.path)
            return grant
        raise ValidationError(_("该用户已在此单位拥有此角色。"))
    forget_scope(user)
    record(actor, "orgs.role.grant", user, {"role": role, "unit": unit.code, "stars": star_codes}, unit_path=unit.path)
    return grant


@transaction.atomic
def revoke_role(actor, grant: RoleAssignment) -> None:
    _require(may_manage_unit(actor, grant.unit) and may_manage_user(actor, grant.user))
    if grant.user_id == getattr(actor, "pk", None) and grant.role in (Role.DISTRICT_ADMIN, Role.OFFICE_ADMIN):
        raise ValidationError(_("不能撤销自己的管理员角色，请由上级管理员操作。"))
    record(actor, "orgs.role.revoke", grant.user, {"role": grant.role, "unit": grant.unit.code},
           unit_path=grant.unit.path)
    grant.delete()
    forget_scope(grant.user)


@transaction.atomic
def assign_leader(actor, leader: User, unit: OrgUnit, note: str = "") -> Assignment:
    """分包: the leader must hold the 包联领导 role in the office above the branch."""
    _require(may_manage_unit(actor, unit))
    if unit.level not in BRANCH_LEVELS:
        raise ValidationError({"unit": _("只能分包到社区或村。")})
    offices = RoleAssignment.objects.filter(user=leader, role=Role.LEADER, unit_id__in=unit.ancestor_ids())
    if not offices.exists():
        raise ValidationError({"leader": _("该用户不是本办事处的包联领导，请先授予“包联领导”角色。")})
    if Assignment.objects.filter(leader=leader, unit=unit).exists():
        raise ValidationError(_("该领导已包联此支部。"))
    assignment = Assignment.objects.create(leader=leader, unit=unit, note=note.strip())
    forget_scope(leader)
    record(actor, "orgs.assignment.create", assignment, {"leader": leader.username, "unit": unit.code})
    return assignment


@transaction.atomic
def remove_assignment(actor, assignment: Assignment) -> None:
    _require(may_manage_unit(actor, assignment.unit))
    record(actor, "orgs.assignment.delete", assignment,
           {"leader": assignment.leader.username, "unit": assignment.unit.code})
    assignment.delete()
    forget_scope(assignment.leader)
