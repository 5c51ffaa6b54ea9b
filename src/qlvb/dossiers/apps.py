from __future__ import annotations

from importlib import import_module

from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "qlvb.dossiers"
    label = "dossiers"
    verbose_name = "Hồ sơ, lưu trữ"

    def ready(self) -> None:
        from qlvb.documents.visibility import dossier_visibility_register

        from . import audit_actions, events, policies  # noqa: F401  (declares permissions, events, audit actions)
        from .selectors import dossiers_visible_to

        dossier_visibility_register(dossiers_visible_to)  # tasklinks: a task links only dossiers its giver sees
        import_module(f"{self.name}.package")  # export13: the package task and its audit actions
