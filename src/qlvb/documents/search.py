"""Quick search on the folded text (subject, number and notation, issuing organ, signer).

The same ``core.text.fold`` runs at index time (``Document.save``) and here, so "quyet dinh ubnd"
finds "Quyết định ... UBND". Every word of the query must occur.
"""

from __future__ import annotations

from django.db.models import QuerySet

from qlvb.core.text import fold

from .models import Document

MAX_WORDS = 8


def documents_matching(queryset: QuerySet[Document], query: str) -> QuerySet[Document]:
    for word in fold(query).split()[:MAX_WORDS]:
        queryset = queryset.filter(search_folded__contains=word)
    return queryset
