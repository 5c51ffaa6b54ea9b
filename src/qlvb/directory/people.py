"""Who holds a role where — the recipients of notifications and the checks on targets, for every
workflow (incoming, outgoing, exchange); they sit here so that the workflows need not import each other."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Unit, User


def holders(unit: Unit, role: str) -> QuerySet[User]:
    return User.objects.filter(role_assignments__unit=unit, role_assignments__role=role, is_active=True).distinct()


def clerks_of(agency: Unit) -> QuerySet[User]:
    return holders(agency, "clerk")


def leaders_of(agency: Unit) -> QuerySet[User]:
    return holders(agency, "leader")


def dept_leaders_of(unit: Unit) -> QuerySet[User]:
    return holders(unit, "dept_leader")


def departments_of(agency: Unit) -> QuerySet[Unit]:
    return Unit.objects.filter(agency=agency, kind="department", is_active=True).order_by("name")


def members_of(unit: Unit) -> QuerySet[User]:
    return User.objects.filter(unit=unit, is_active=True).order_by("full_name")
