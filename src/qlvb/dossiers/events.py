"""The document events of the dossiers flow, declared into the shared table of ``documents.events``."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from qlvb.documents.events import events_declare

DOSSIER_EVENTS: dict[str, str] = {
    "filed": gettext_noop("Đưa vào hồ sơ"),
    "unfiled": gettext_noop("Rút khỏi hồ sơ"),
}

events_declare(DOSSIER_EVENTS)
