"""What closing a dossier does besides freezing it (NĐ 30/2020 Điều 29: "loại bỏ bản trùng, bản nháp; xác định
lại thời hạn bảo quản"):

- **retention re-assessed**: each document's type has a retention in ``QLVB_RETENTION_BY_DOCUMENT_TYPE`` (type
  name → years, or "vĩnh viễn"); at closing the dossier's retention is lengthened — never shortened — to the
  longest of its documents', and the change recorded (audit ``dossiers.retention_reassessed``);
- **duplicates** offered for removal: a document filed twice (two documents of the dossier that are the same
  document: one registered as the duplicate of the other, ``Document.duplicate_of``, or both of a third), and a
  "tài liệu khác" whose content is already in the dossier (the same SHA-256). The first one filed stays; the
  close form lists the others, ticked, and they are removed (``unfiled``) on confirmation.

The table's defaults (settings.py) are a recollection of Thông tư 10/2022/TT-BNV's groups, not its text
(regulations.md §6.2, [R]): each agency sets its own from the retention table it applies."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from qlvb.core.text import fold
from qlvb.documents.models import Attachment

from .models import RETENTION_YEARS_MAX, Dossier, DossierItem, maintenance_label

log = logging.getLogger(__name__)

PERMANENT_WORDS = {"vinh vien", "permanent"}


@dataclass(frozen=True)
class Retention:
    """A retention: ``years`` None = "Vĩnh viễn"."""

    years: int | None

    def longer_than(self, other: Retention) -> bool:
        if other.years is None:
            return False
        return self.years is None or self.years > other.years

    @property
    def label(self) -> str:
        return maintenance_label(self.years)


def retention_table() -> dict[str, Retention]:
    """``QLVB_RETENTION_BY_DOCUMENT_TYPE`` read: folded type name → retention. A value neither a number of
    years (1–70) nor "vĩnh viễn" is left out (logged)."""
    table: dict[str, Retention] = {}
    raw: dict[str, Any] = getattr(settings, "QLVB_RETENTION_BY_DOCUMENT_TYPE", {}) or {}
    for name, value in raw.items():
        text = fold(str(value)).strip()
        if text in PERMANENT_WORDS:
            table[fold(name)] = Retention(None)
            continue
        try:
            years = int(text.removesuffix("nam").strip())
        except ValueError:
            years = 0
        if 1 <= years <= RETENTION_YEARS_MAX:
            table[fold(name)] = Retention(years)
        else:
            log.warning("QLVB_RETENTION_BY_DOCUMENT_TYPE: %r → %r is not a retention; ignored", name, value)
    return table


@dataclass(frozen=True)
class Reassessment:
    before: Retention
    after: Retention
    because: str  # "Quyết định 12/QĐ-UBND" — the document that sets the longest retention
    type_name: str

    @property
    def changed(self) -> bool:
        return self.after != self.before


def retention_reassess(dossier: Dossier) -> Reassessment:
    """The dossier's retention after closing: its own, or the longest of its documents' if longer."""
    table = retention_table()
    current = Retention(dossier.retention_years)
    best, because, type_name = current, "", ""
    items = dossier.items.filter(document__isnull=False).select_related("document__doc_type").order_by("ordinal")
    for item in items:
        doc = item.document
        assert doc is not None
        wanted = table.get(fold(doc.doc_type.name))
        if wanted is not None and wanted.longer_than(best):
            best, type_name = wanted, doc.doc_type.name
            because = f"{doc.doc_type.name} {doc.number_notation or doc.subject[:60]}".strip()
    return Reassessment(before=current, after=best, because=because, type_name=type_name)


@dataclass(frozen=True)
class Duplicate:
    item: DossierItem
    of: DossierItem  # the first filed, which stays

    @property
    def reason(self) -> str:
        if self.item.document_id is not None:
            return f"trùng với văn bản số thứ tự {self.of.ordinal} (cùng một văn bản)"
        return f"trùng nội dung với số thứ tự {self.of.ordinal}"


def _document_key(item: DossierItem) -> int:
    doc = item.document
    assert doc is not None
    return doc.duplicate_of_id or doc.pk


def dossier_duplicates(dossier: Dossier) -> list[Duplicate]:
    """The items that repeat an earlier item of the dossier (module docstring); the earliest stays."""
    items = list(dossier.items.select_related("document", "stored_file__blob").order_by("ordinal"))
    first_doc: dict[int, DossierItem] = {}
    first_content: dict[str, DossierItem] = {}
    doc_ids = [i.document_id for i in items if i.document_id is not None]
    contents: dict[int, list[str]] = {}
    for att in Attachment.objects.filter(document_id__in=doc_ids, superseded_at__isnull=True).values_list(
        "document_id", "stored_file__blob__sha256"
    ):
        contents.setdefault(att[0], []).append(att[1])
    found: list[Duplicate] = []
    for item in items:
        if item.document_id is not None:
            key = _document_key(item)
            if key in first_doc:
                found.append(Duplicate(item, first_doc[key]))
                continue
            first_doc[key] = item
            for sha in contents.get(item.document_id, []):
                first_content.setdefault(sha, item)
        elif item.stored_file is not None:
            sha = item.stored_file.blob.sha256
            if sha in first_content:
                found.append(Duplicate(item, first_content[sha]))
                continue
            first_content[sha] = item
    return sorted(found, key=lambda d: d.item.ordinal)
