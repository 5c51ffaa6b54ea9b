"""The operations app's models, one module per subject, gathered here for Django."""

from __future__ import annotations

from .handover_models import Handover, HandoverLine, HandoverMode, ItemKind
from .migration_models import MigratedAccount, MigratedRecord, MigrationRun  # noqa: F401  (bundles)
from .notice_models import NoticeKind, SystemNotice
from .personal_export_models import ExportState, PersonalExport  # noqa: F401  (personal data export)
from .register_import_models import ImportedRow, ImportState, RegisterImport  # noqa: F401  (register import)
from .support_models import SupportTicket, TicketStatus
from .upgrade_models import UpgradeResult, UpgradeRun, WhatsNewSeen

__all__ = [
    "Handover",
    "HandoverLine",
    "HandoverMode",
    "ItemKind",
    "NoticeKind",
    "SupportTicket",
    "SystemNotice",
    "TicketStatus",
    "UpgradeResult",
    "UpgradeRun",
    "WhatsNewSeen",
]
