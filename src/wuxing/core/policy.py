"""The one policy: who may do what, decided here and nowhere else (DESIGN §2, §5.1).

Every named action maps to the roles that grant it over an org subtree. `may(user, action, obj)`
answers for one object and `ScopedQuerySet.for_user(user, action)` filters rows, both from the
table below; the rules a subtree alone cannot express sit beside it:

- domains are separate: star roles read star data (`star.view`), case-file roles case-file data
  (`casefile.view`); a role held at the district unit does not open the other domain;
- separation of duties: nobody takes a review step for a branch where they hold a branch role;
- managing a person needs covering every role grant they hold (`manageable_users`);
- grants stay inside the granter's scope and never go to the granter (`may_grant`).
"""

from __future__ import annotations

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from wuxing.core.roles import ADMIN_ROLES, BRANCH_ROLES, CASEFILE_ROLES, ORGANISERS, STAR_ROLES, Role
from wuxing.core.scoping import ALL, gate, path_q, scope_paths

ANYONE = None  # any role holder inside their scope

ACTIONS: dict[str, frozenset[str] | None] = {
    # The org tree is the shared vocabulary of both domains; people are managed by administrators.
    "unit.view": ANYONE,
    "unit.manage": ADMIN_ROLES,
    "user.manage": ADMIN_ROLES,
    "role.grant": ADMIN_ROLES,
    # The star campaign.
    "star.view": STAR_ROLES,
    "campaign.manage": frozenset({Role.DISTRICT_ADMIN}),
    "standard.load": frozenset({Role.DISTRICT_ADMIN}),
    "branch.declare": BRANCH_ROLES,  # target, self-assessment, claim, weekly report: the branch's own word
    "branch.work": BRANCH_ROLES | ADMIN_ROLES,  # plan tasks and evidence, which an office may help with
    "branch.review": ADMIN_ROLES,  # confirm or return a target, accept or return a weekly report
    "branch.office_review": frozenset({Role.OFFICE_ADMIN}),
    "branch.district_review": frozenset({Role.DISTRICT_ADMIN}),
    "branch.decide_star": frozenset({Role.DISTRICT_ADMIN, Role.STAR_REVIEWER}),
    "area.manage": ADMIN_ROLES,  # activities, pairings, sanctions, contests, weekly roll-ups
    "branch.comment": ADMIN_ROLES | {Role.LEADER},  # 批注 on a branch's work (a leader: the branches assigned)
    # The case-file review.
    "casefile.view": CASEFILE_ROLES,
    "casefile.organise": ORGANISERS,
    "casefile.upload": ORGANISERS | {Role.REVIEWED_UNIT},
    "casefile.answer": frozenset({Role.REVIEWED_UNIT}),
}

# Review steps nobody takes for a branch where they hold a branch role.
SEPARATED = frozenset({"branch.review", "branch.office_review", "branch.district_review", "branch.decide_star"})


def roles_for(action: str) -> frozenset[str] | None:
    try:
        return ACTIONS[action]
    except KeyError:
        raise ValueError(f"unknown policy action {action!r}") from None


def _path(obj) -> str:
    return obj.scope_path if hasattr(obj, "scope_path") else obj.path


def holds_branch_role(user, obj) -> bool:
    """Whether `user` speaks for the branch `obj` belongs to (secretary or reporter there)."""
    path = _path(obj)
    return any(path.startswith(p) for p in scope_paths(user, BRANCH_ROLES))


def _superuser(user) -> bool:
    # The system actor of commands and loaders is a superuser without a session.
    return bool(getattr(user, "is_superuser", False) and getattr(user, "is_active", True))


def may(user, action: str, obj) -> bool:
    """Whether `user` may take `action` on `obj` (anything with a `scope_path` or a unit `path`)."""
    return deciding(user, action)(_path(obj))


def deciding(user, action: str):
    """The rule of `may(user, action, ·)`, asked by unit path (`decide(path) -> bool`): for many rows, the user's
    scope is read once, not once a row (a page of 50 rows from 50 branches asked it 100 times)."""
    roles = roles_for(action)
    separated = tuple(scope_paths(user, BRANCH_ROLES)) if action in SEPARATED else ()
    everywhere = _superuser(user)
    paths = () if everywhere else tuple(scope_paths(user, roles))

    def decide(path: str) -> bool:
        if separated and path.startswith(separated):
            return False
        return everywhere or path.startswith(paths)

    return decide


def refuse(user, action: str, obj, state_message: str):
    """Why a transition cannot be taken now: out of the actor's role (PermissionDenied, shown as 404: the
    step does not exist for them) or, for someone who holds the role, the state (a ValidationError)."""
    from django.core.exceptions import PermissionDenied, ValidationError

    if may(user, action, obj):
        return ValidationError(state_message)
    return PermissionDenied(_("您没有权限执行此操作。"))


def may_anywhere(user, action: str) -> bool:
    """Whether `user` may take `action` somewhere (menus, create buttons)."""
    return _superuser(user) or bool(scope_paths(user, roles_for(action)))


def paths_for(user, action: str) -> list[str] | None:
    """Subtrees where `user` may take `action`: ALL (None) for a superuser, [] for nobody."""
    return ALL if _superuser(user) else gate(user, roles_for(action))


# --- people ---------------------------------------------------------------------------------------------

def manageable_users(user):
    """People `user` may see, edit, reset, deactivate or export: every grant they hold lies inside the
    actor's administrative scope. Nobody manages a superuser, or a person with a grant above or outside."""
    User = apps.get_model("orgs", "User")
    RoleAssignment = apps.get_model("orgs", "RoleAssignment")
    paths = paths_for(user, "user.manage")
    if paths is ALL:
        return User.objects.all()
    if not paths:
        return User.objects.none()
    inside = path_q("unit__path", paths)
    covered = RoleAssignment.objects.filter(inside).values("user_id")
    uncovered = RoleAssignment.objects.exclude(inside).values("user_id")
    return User.objects.filter(pk__in=covered, is_superuser=False).exclude(pk__in=uncovered)


def may_manage_user(user, target) -> bool:
    return manageable_users(user).filter(pk=target.pk).exists()


def may_grant(user, target, unit) -> bool:
    """A role is granted on a unit inside the granter's scope, to a person the granter manages, never to
    the granter: an office admin cannot appoint a district role, nor make itself a branch secretary."""
    if getattr(target, "pk", None) is not None and target.pk == getattr(user, "pk", object()):
        return False
    return may(user, "role.grant", unit) and (target.pk is None or may_manage_user(user, target))


def visible_users(user):
    """The people list: those one manages, and oneself."""
    User = apps.get_model("orgs", "User")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return User.objects.none()
    return User.objects.filter(Q(pk__in=manageable_users(user).values("pk")) | Q(pk=user.pk))


class ScopedQuerySet(models.QuerySet):
    """Base queryset of every scoped model: `for_user(user, action)` keeps the rows inside the subtrees
    where the policy lets `user` take the policy action that `actions` names for the model's action.

    Subclasses set `scope_field` (lookup to an OrgUnit path) and `actions` (model action -> policy action).
    """

    scope_field = "path"
    actions: dict[str, str] = {"view": "star.view"}

    def for_user(self, user, action: str = "view"):
        if action not in self.actions:
            raise ValueError(f"unknown action {action!r} for {self.model.__name__}")
        paths = paths_for(user, self.actions[action])
        if paths is ALL:
            return self
        return self.filter(path_q(self.scope_field, paths)) if paths else self.none()
