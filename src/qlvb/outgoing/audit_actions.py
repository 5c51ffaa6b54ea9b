"""The audit actions of the outgoing flow, declared into ``core.audit`` (``audit.record`` refuses
undeclared actions). Labels are marked for translation here."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from qlvb.core.audit import audit_actions_declare

OUTGOING_AUDIT_ACTIONS: dict[str, str] = {
    "outgoing.signed": gettext_noop("Ký ban hành văn bản đi"),
    "outgoing.numbered": gettext_noop("Cấp số văn bản đi"),
    "outgoing.agency_signed": gettext_noop("Ký số của cơ quan trên văn bản đi"),
    "outgoing.issued": gettext_noop("Phát hành văn bản đi"),
    "outgoing.revoked": gettext_noop("Thu hồi văn bản đi"),
    "outgoing.take_back": gettext_noop("Lấy lại văn bản đi từ một nơi nhận"),
    "outgoing.deliveries_retried": gettext_noop("Gửi lại văn bản đi tới các nơi nhận chưa gửi được"),
}

audit_actions_declare(OUTGOING_AUDIT_ACTIONS)
