"""The audit actions of the incoming flow, declared into ``core.audit`` (``audit.record`` refuses
undeclared actions). Labels are marked for translation here."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from qlvb.core.audit import audit_actions_declare

INCOMING_AUDIT_ACTIONS: dict[str, str] = {
    "incoming.registered": gettext_noop("Vào sổ văn bản đến"),
}

audit_actions_declare(INCOMING_AUDIT_ACTIONS)
