from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Thống kê, báo cáo (layer 6, docs/architecture.md): the home page's "what waits for me", the leader's
    dashboard, the statistics pages and the six-monthly report on the use of the system (seed Điều 21.10).
    Reads only: every figure is computed in SQL from the workflows' own tables, nothing is stored."""

    name = "qlvb.reports"
    label = "reports"
    verbose_name = "Thống kê, báo cáo"

    def ready(self) -> None:
        from . import cache, counts_invalidation, policies  # noqa: F401  (permissions; the caches' invalidation)
