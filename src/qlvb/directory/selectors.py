"""Reads of units and people, restricted inside the SQL query to what the actor may see.

Everyone sees the units and people of his own agency (the internal directory). An administrator
also sees every unit below the units where he holds ``admin`` — an administrator of UBND sees
UBND's departments and the agencies under it, such as the Trạm Y tế. Nobody sees another agency's
people. The subtree is a recursive common table expression, so the whole rule runs in one query on
SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.http import HttpRequest

from qlvb.core.errors import NotFound, PermissionDenied
from qlvb.core.text import fold

from .models import RoleAssignment, Unit, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

_UNIT = Unit._meta.db_table
_ROLE = RoleAssignment._meta.db_table


def acting_user(request: HttpRequest) -> User:
    """The signed-in person who makes ``request`` (API endpoints and pages behind a sign-in), as the
    ``User`` the services take; the anonymous user is refused (403)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied()
    return user


def _administered_units_sql(actor: User) -> RawSQL:
    """Ids of the units in the subtrees where ``actor`` holds ``admin`` (a subquery)."""
    sql = (
        f"WITH RECURSIVE administered(id) AS ("  # noqa: S608 — table names come from the models
        f" SELECT unit_id FROM {_ROLE} WHERE user_id = %s AND role = 'admin'"
        f" UNION SELECT u.id FROM {_UNIT} u JOIN administered a ON u.parent_id = a.id"
        f") SELECT id FROM administered"
    )
    return RawSQL(sql, (actor.pk,))  # noqa: S611


def _subtree_sql(root_id: int) -> RawSQL:
    """Ids of ``root_id`` and every unit below it (a subquery)."""
    sql = (
        f"WITH RECURSIVE subtree(id) AS ("  # noqa: S608
        f" SELECT id FROM {_UNIT} WHERE id = %s"
        f" UNION SELECT u.id FROM {_UNIT} u JOIN subtree s ON u.parent_id = s.id"
        f") SELECT id FROM subtree"
    )
    return RawSQL(sql, (root_id,))  # noqa: S611


def _visible_units_q(actor: User | AnonymousUser | None, prefix: str = "") -> Q | None:
    """The condition on a unit (reached through ``prefix``) for ``actor``; None means everything."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return Q(pk__in=[])
    if actor.is_superuser:
        return None
    condition = Q(**{f"{prefix}pk__in": _administered_units_sql(actor)})
    if actor.unit_id is not None:
        own_agency = Unit.objects.filter(pk=actor.unit_id).values("agency_id")[:1]
        condition |= Q(**{f"{prefix}agency_id": Subquery(own_agency)})
    return condition


def units_visible_to(actor: User | AnonymousUser | None) -> QuerySet[Unit]:
    """Units of the actor's own agency and of the subtrees he administers (no outside agencies)."""
    qs = Unit.objects.filter(external=False)
    condition = _visible_units_q(actor)
    return qs if condition is None else qs.filter(condition)


def users_visible_to(
    actor: User | AnonymousUser | None, *, unit: Unit | None = None, q: str = "", include_locked: bool = True
) -> QuerySet[User]:
    """People the actor may see, optionally only in ``unit`` and below, matching the folded ``q``."""
    qs = User.objects.select_related("unit", "unit__agency")
    condition = _visible_units_q(actor, prefix="unit__")
    if condition is not None:
        qs = qs.filter(condition)
    if unit is not None:
        qs = qs.filter(unit_id__in=_subtree_sql(unit.pk))
    if not include_locked:
        qs = qs.filter(is_active=True)
    needle = fold(q)
    if needle:
        compact = needle.replace(" ", "")
        qs = qs.filter(Q(full_name_folded__contains=needle) | Q(username__contains=compact))
    return qs.order_by("full_name_folded", "username")


def unit_get(actor: User | AnonymousUser | None, *, unit_id: int) -> Unit:
    """A unit the actor may see; an unknown id and a unit he may not see get the same NotFound. Use it
    to resolve every unit id a caller sends."""
    unit = units_visible_to(actor).filter(pk=unit_id).select_related("agency", "parent").first()
    if unit is None:
        raise NotFound("Không tìm thấy đơn vị hoặc bạn không có quyền xem.")
    return unit


def user_get(actor: User | AnonymousUser | None, *, user_id: int) -> User:
    """A person the actor may see; an unknown id and a person he may not see (another agency's) get the
    same NotFound. Use it to resolve every user id a caller sends."""
    user = users_visible_to(actor).filter(pk=user_id).first()
    if user is None:
        raise NotFound("Không tìm thấy người dùng hoặc bạn không có quyền xem.")
    return user


def users_get(actor: User | AnonymousUser | None, *, user_ids: Iterable[int]) -> list[User]:
    """The people named by id (in the order given, once each) for an action that takes them from the
    caller — a signer, a leader to submit to, people to consult. Any id the actor may not see answers
    exactly as an id that does not exist (``user_get``'s NotFound), so that an error message can never
    name a person of another agency."""
    wanted = list(dict.fromkeys(user_ids))
    found = {u.pk: u for u in users_visible_to(actor).filter(pk__in=wanted)} if wanted else {}
    if len(found) != len(wanted):
        raise NotFound("Không tìm thấy người dùng hoặc bạn không có quyền xem.")
    return [found[pk] for pk in wanted]


def unit_tree(actor: User | AnonymousUser | None) -> list[dict[str, Any]]:
    """The visible units as a forest: each node has its ``children``; roots are the units whose
    parent the actor does not see (his agency, or a subtree he administers)."""
    units = list(units_visible_to(actor).order_by("kind", "name"))
    nodes: dict[int, dict[str, Any]] = {
        u.pk: {
            "id": u.pk,
            "kind": u.kind,
            "name": u.name,
            "short_name": u.short_name,
            "organ_id": u.organ_id,
            "organ_id_warning": u.organ_id_warning,
            "username_prefix": u.username_prefix,
            "parent_id": u.parent_id,
            "agency_id": u.agency_id,
            "is_active": u.is_active,
            "children": [],
        }
        for u in units
    }
    roots: list[dict[str, Any]] = []
    for unit in units:
        node = nodes[unit.pk]
        parent = nodes.get(unit.parent_id) if unit.parent_id is not None else None
        (parent["children"] if parent is not None else roots).append(node)
    return roots


def agency_of(actor: User | AnonymousUser | None) -> Unit | None:
    """The agency (cơ quan) the actor works in: his unit's agency — the unit itself for a person of an
    agency's own office, the parent agency for a person of a department. None for a person without a
    unit, or for no one signed in. Every "the user's agency" is this one rule."""
    unit = getattr(actor, "unit", None)
    if unit is None:
        return None
    return unit.agency or unit


def units_managed_by(actor: User | AnonymousUser | None) -> QuerySet[Unit]:
    """Own units (open or closed) in the subtrees where the actor holds ``admin`` (who manages units,
    ``policies.UNIT_MANAGE``); every own unit for a superuser. Restricted in the SQL."""
    qs = Unit.objects.filter(external=False).select_related("parent", "agency")
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return qs.none()
    if actor.is_superuser:
        return qs
    return qs.filter(pk__in=_administered_units_sql(actor))


def unit_rows(units: Iterable[Unit]) -> list[tuple[Unit, int]]:
    """The units in tree order (each parent followed by its children, by name) with their depth; a unit
    whose parent is not among them starts a tree."""
    units = list(units)
    present = {u.pk for u in units}
    children: dict[int | None, list[Unit]] = {}
    for unit in sorted(units, key=lambda u: (u.kind != "agency", u.name_folded)):
        children.setdefault(unit.parent_id if unit.parent_id in present else None, []).append(unit)
    rows: list[tuple[Unit, int]] = []
    stack = [(unit, 0) for unit in reversed(children.get(None, []))]
    while stack:
        unit, depth = stack.pop()
        rows.append((unit, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(unit.pk, [])))
    return rows
