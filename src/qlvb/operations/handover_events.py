"""The document event of a handover, declared into the shared table of ``documents.events``."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from qlvb.documents.events import events_declare

HANDOVER_EVENTS: dict[str, str] = {
    "handed_over": gettext_noop("Chuyển giao do nghỉ việc, chuyển công tác"),
}

events_declare(HANDOVER_EVENTS)
