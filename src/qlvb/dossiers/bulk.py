"""Bulk filing (many documents from the "chưa lập hồ sơ" box into one dossier, one transaction) and the
other files of a dossier ("tài liệu khác": a photo, a recording, a table), taken in through the files app's
one intake (type, size, zip-bomb checks) before they are attached."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from qlvb.core import audit
from qlvb.core.errors import NotFound, ValidationFailed
from qlvb.core.locks import row_locked
from qlvb.core.text import text_clean
from qlvb.directory.models import User
from qlvb.files.intake import Readable, file_intake
from qlvb.files.models import Channel, StoredFile

from .errors import ErrorCode
from .models import MAX, Dossier, DossierItem
from .preconditions import dossier_edit_check
from .selectors import documents_visible_any
from .services import dossier_documents_add

BULK_MAX = 500


@transaction.atomic
def documents_file_bulk(*, actor: User, dossier: Dossier, document_ids: Iterable[int]) -> list[DossierItem]:
    """File the chosen documents in ``dossier`` in one transaction. Each is checked for visibility first:
    one the person may not see refuses the whole request, naming how many and their numbers, nothing filed."""
    wanted = sorted({int(pk) for pk in document_ids})
    if not wanted:
        raise ValidationFailed("Chưa chọn văn bản nào để đưa vào hồ sơ.")
    if len(wanted) > BULK_MAX:
        raise ValidationFailed(f"Mỗi lần đưa tối đa {BULK_MAX} văn bản vào hồ sơ.")
    dossier_edit_check(actor, dossier)
    seen = set(documents_visible_any(actor).filter(pk__in=wanted).values_list("pk", flat=True))
    unseen = [pk for pk in wanted if pk not in seen]
    if unseen:
        shown = ", ".join(f"#{pk}" for pk in unseen[:10]) + ("…" if len(unseen) > 10 else "")
        raise NotFound(
            f"{len(unseen)} văn bản đã chọn ({shown}) không tìm thấy hoặc bạn không có quyền xem; "
            "không văn bản nào được đưa vào hồ sơ.",
            code=ErrorCode.BULK_REFUSED,
        )
    return dossier_documents_add(actor=actor, dossier=dossier, document_ids=wanted)


def dossier_file_upload(
    *, actor: User, dossier: Dossier, stream: Readable, original_name: str, title: str, declared_size: int | None = None
) -> DossierItem:
    """An uploaded file as "tài liệu khác" of an open dossier: the right is checked first, the file taken
    in (``file_intake``: refused types, sizes and zip bombs never reach the dossier), then attached."""
    dossier_edit_check(actor, dossier)
    title = text_clean(title, label="tên tài liệu", limit=MAX["title"], required=True)
    stored = file_intake(
        actor=actor, stream=stream, original_name=original_name, channel=Channel.WEB, declared_size=declared_size
    )
    return dossier_file_add(actor=actor, dossier=dossier, stored_file=stored, title=title)


@transaction.atomic
def dossier_file_add(*, actor: User, dossier: Dossier, stored_file: StoredFile, title: str) -> DossierItem:
    """A stored file (taken in through ``file_intake``) put in the dossier with its title."""
    dossier = row_locked(dossier, related=("agency",))
    dossier_edit_check(actor, dossier)
    if stored_file.uploaded_by_id not in (actor.pk, None):
        raise NotFound()
    title = text_clean(title, label="tên tài liệu", limit=MAX["title"], required=True)
    last = DossierItem.objects.filter(dossier=dossier).aggregate(n=Max("ordinal"))["n"] or 0
    item = DossierItem.objects.create(
        dossier=dossier, stored_file=stored_file, title=title, ordinal=last + 1, added_by=actor, added_at=timezone.now()
    )
    audit.record(
        "dossiers.file_added",
        actor=actor,
        obj=dossier,
        data={
            "file_code": dossier.file_code,
            "file": stored_file.pk,
            "title": title,
            "sha256": stored_file.blob.sha256,
        },
    )
    return item
