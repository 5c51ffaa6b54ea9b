"""Passing the dossiers a person keeps to a successor (``operations.handover``; Điều 31 of the seed: the
files of one who leaves are handed over). The caller — who holds the right to hand the work over —
writes its audit entry and record."""

from __future__ import annotations

from django.db import transaction

from qlvb.core.errors import ValidationFailed
from qlvb.directory.models import User

from .models import MAX, Dossier


@transaction.atomic
def dossier_creator_reassign(*, actor: User, dossier_id: int, successor: User) -> Dossier:
    d = Dossier.objects.select_for_update().get(pk=dossier_id)
    unit = successor.unit
    if not successor.is_active or unit is None or (unit.agency_id or unit.pk) != d.agency_id:
        raise ValidationFailed(f"Người nhận {successor.full_name} không thuộc cơ quan lập hồ sơ.")
    d.creator = successor
    d.creator_name = (successor.full_name or successor.username)[: MAX["creator"]]
    d.save(update_fields=["creator", "creator_name"])
    return d
