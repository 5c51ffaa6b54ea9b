"""The document event of a register import, declared into the shared table of ``documents.events``."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from qlvb.documents.events import events_declare

REGISTER_IMPORT_EVENTS: dict[str, str] = {
    "imported": gettext_noop("Nhập từ sổ đăng ký văn bản (Excel/CSV, hệ thống cũ)"),
}

events_declare(REGISTER_IMPORT_EVENTS)
