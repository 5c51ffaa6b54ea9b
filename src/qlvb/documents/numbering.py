"""Registers and their numbers: consecutive from 1 each year, never duplicated, never skipped.

``register_take_number`` must run inside the transaction that stores the registered document: it
locks the register row (``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite the IMMEDIATE transaction
already holds the database's write lock) and increments ``last_number``. Another registration in the
same register waits for the lock, so two never read the same value; a transaction that rolls back
also rolls back the increment, so a failed registration consumes no number.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from qlvb.directory.models import Unit

from .models import Direction, Register

REGISTER_NAMES = {
    Direction.INCOMING: "Sổ đăng ký văn bản đến",
    Direction.OUTGOING: "Sổ đăng ký văn bản đi",
    Direction.INTERNAL: "Sổ văn bản nội bộ",
}


def register_for(*, agency: Unit, direction: str, year: int) -> Register:
    """The agency's register for ``direction`` and ``year``, created on first use (race-safe)."""
    found = Register.objects.filter(agency=agency, direction=direction, year=year).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Register.objects.create(
                agency=agency, direction=direction, year=year, name=str(REGISTER_NAMES[Direction(direction)])
            )
    except IntegrityError:
        return Register.objects.get(agency=agency, direction=direction, year=year)


def register_take_number(register: Register) -> int:
    """The next number of ``register``. Call inside the transaction that uses the number."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("register_take_number must run inside the registering transaction")
    locked = Register.objects.select_for_update().get(pk=register.pk)
    locked.last_number += 1
    locked.save(update_fields=["last_number"])
    register.last_number = locked.last_number
    return locked.last_number
