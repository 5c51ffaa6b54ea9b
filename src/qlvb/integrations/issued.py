"""The issued documents of the system's unit (scope ``read_issued``), as the acting person may see them:
filtered inside the query by the outgoing flow's own visibility, paginated, newest first."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from qlvb.core.errors import NotFound
from qlvb.directory.models import User
from qlvb.directory.units import unit_subtree_ids
from qlvb.files.models import StoredFile
from qlvb.outgoing.models import Outgoing, State
from qlvb.outgoing.selectors import outgoing_visible_to

from .models import ConnectedSystem, Scope
from .scopes import scope_require


def issued_of_unit(*, system: ConnectedSystem, person: User, since: dt.date | None = None) -> QuerySet[Outgoing]:
    scope_require(system, Scope.READ_ISSUED)
    query = (
        outgoing_visible_to(person)
        .filter(state=State.ISSUED, drafting_unit_id__in=unit_subtree_ids(system.owner_unit))
        .select_related("document__doc_type")
        .order_by("-document__issued_date", "-pk")
    )
    if since is not None:
        query = query.filter(document__issued_date__gte=since)
    return query


def issued_row(outgoing: Outgoing) -> dict[str, Any]:
    document = outgoing.document
    return {
        "id": outgoing.pk,
        "doc_type": document.doc_type.name,
        "subject": document.subject,
        "number": document.code_number,
        "notation": document.code_notation,
        "number_notation": document.number_notation,
        "issued_date": document.issued_date.isoformat() if document.issued_date else None,
        "signer_name": document.signer_name,
    }


def issued_pdf(*, system: ConnectedSystem, person: User, pk: int) -> StoredFile:
    found = issued_of_unit(system=system, person=person).select_related("signed_pdf__blob").filter(pk=pk).first()
    if found is None or found.signed_pdf is None:
        raise NotFound("Không tìm thấy văn bản đã phát hành này.")
    return found.signed_pdf
