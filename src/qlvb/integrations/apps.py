from __future__ import annotations

from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    """Hệ thống kết nối (layer 6, docs/architecture.md): system accounts of other software (một cửa, task
    tracking, finance, HR) and the integration API they call on behalf of a person (docs/integration.md)."""

    name = "qlvb.integrations"
    label = "integrations"
    verbose_name = "Hệ thống kết nối"

    def ready(self) -> None:
        from . import audit_actions, policies  # noqa: F401
