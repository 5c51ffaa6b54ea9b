"""``{% load dossiers_disposed %}{% document_disposal doc %}``: on a document page, the disposal that destroyed
the document's files (Biên bản hủy số … ngày …, the dossier it was in). Shown only when no dossier that is
not disposed of still holds the document (its files were then kept). The document pages load this library by
name; dossiers never imports them."""

from __future__ import annotations

from typing import Any

from django import template

from qlvb.core.statements import KeptStatement

from ..archive_models import DisposalItem, DisposalState
from ..models import DossierItem, DossierState

register = template.Library()


# Asked on every document page, where nearly always no dossier holding it was disposed of: kept compiled.
_IN_DISPOSED: KeptStatement[int] = KeptStatement(
    "dossiers.in_disposed",
    lambda document_id: (
        DossierItem.objects.filter(document_id=document_id, dossier__state=DossierState.DISPOSED)
        .order_by()
        .values_list("pk", flat=True)[:1]
    ),
    document_id=int,
)


def document_disposals(document: Any) -> list[DisposalItem]:
    """The executed disposals of the dossiers that held ``document``, if its files were destroyed."""
    if not _IN_DISPOSED.fetch(document_id=document.pk):
        return []
    held = DossierItem.objects.filter(document_id=document.pk)
    if held.exclude(dossier__state=DossierState.DISPOSED).exists():
        return []
    return list(
        DisposalItem.objects.filter(
            dossier__items__document_id=document.pk, proposal__state=DisposalState.EXECUTED
        ).select_related("proposal", "dossier")
    )


@register.inclusion_tag("dossiers/archive/_document_disposal.html")
def document_disposal(document: Any) -> dict[str, Any]:
    return {"disposals": document_disposals(document)}
