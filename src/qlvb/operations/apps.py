from __future__ import annotations

from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Vận hành (layer 6, docs/architecture.md): backup and restore (docs/operations.md)."""

    name = "qlvb.operations"
    label = "operations"
    verbose_name = "Vận hành hệ thống"

    def ready(self) -> None:
        # the audit actions, the handover's document event, the handover permission
        from . import audit_actions, handover_events, policies, register_import_events  # noqa: F401
