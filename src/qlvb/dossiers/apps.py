from __future__ import annotations

from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "qlvb.dossiers"
    label = "dossiers"
    verbose_name = "Hồ sơ, lưu trữ"

    def ready(self) -> None:
        from . import audit_actions, events, policies  # noqa: F401  (declares permissions, events, audit actions)
