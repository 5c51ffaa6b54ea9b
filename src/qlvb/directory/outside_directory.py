"""Outside agencies that come from a directory (the national axis's ``getAgenciesList``), not typed by a
person: kept current by code. Called by the exchange's directory sync, which owns the transport; here
only the directory's side of it (no permission check: the caller checked the sync right)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from qlvb.core.text import nfc

from .models import Unit, UnitKind
from .services import _short_name_of  # one rule for the initials of an outside agency


@dataclass(frozen=True)
class Upserted:
    unit: Unit | None  # None: the code is one of this deployment's own agencies (left alone)
    created: bool = False
    changed: bool = False


def _email(value: str) -> str:
    value = (value or "").strip()[:254]
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value


def outside_agency_upsert(*, code: str, name: str, email: str = "") -> Upserted:
    """The outside agency with this (validated) code, created or brought up to date (name, e-mail, active).
    An own agency with the code is never touched."""
    name = nfc(name or "")[:255] or code
    email = _email(email)
    unit = Unit.objects.filter(organ_id=code).first()
    if unit is None:
        unit = Unit.objects.create(
            kind=UnitKind.AGENCY, name=name, short_name=_short_name_of(name), organ_id=code, external=True, email=email
        )
        return Upserted(unit, created=True)
    if not unit.external:
        return Upserted(None)
    changes = {"name": name, "is_active": True, **({"email": email} if email else {})}
    changed = [field for field, value in changes.items() if getattr(unit, field) != value]
    if changed:
        for field in changed:
            setattr(unit, field, changes[field])
        unit.save(update_fields=[*changed, "name_folded"])
    return Upserted(unit, changed=bool(changed))


def outside_agency_retire(unit: Unit) -> bool:
    """An outside agency the directory no longer lists: inactive (not offered as a recipient); its past
    deliveries stay."""
    if not unit.external or not unit.is_active:
        return False
    unit.is_active = False
    unit.save(update_fields=["is_active"])
    return True
