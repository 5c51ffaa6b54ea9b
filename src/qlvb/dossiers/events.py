"""The document events of the dossiers flow, declared into the shared table of ``documents.events``."""

from __future__ import annotations

from qlvb.documents.events import events_declare

DOSSIER_EVENTS: dict[str, str] = {
    "filed": "Đưa vào hồ sơ",
    "unfiled": "Rút khỏi hồ sơ",
}

events_declare(DOSSIER_EVENTS)
