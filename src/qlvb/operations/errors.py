"""The codes of the operations app's errors (``DomainError.code``; a value never changes once published)."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    BACKUP_BUSY = "backup_busy"  # another backup is being written to the same folder
    BACKUP_LOCKED = "backup_locked"  # pg_dump gave up waiting for a table held by an exclusive lock
    BACKUP_FAILED = "backup_failed"  # the database dump or a file copy failed (nothing listed as good)
    BACKUP_INVALID = "backup_invalid"  # a manifest that does not match the backup's files
    BACKUP_KEY = "backup_key"  # an encrypted backup without the passphrase, or the wrong one
    RESTORE_NOT_EMPTY = "restore_not_empty"  # restoring over a database or file store that holds data
    RESTORE_VENDOR = "restore_vendor"  # a SQLite backup restored into PostgreSQL or the reverse
    READ_ONLY = "read_only"  # a write while the site is read-only for maintenance
    NOTICE_ENDED = "notice_ended"  # ending a notice already ended
    NOTICE_DATES = "notice_dates"  # expected end before the start
    TICKET_EMPTY = "ticket_empty"  # a support ticket without a subject or a description
    TICKET_CLOSED = "ticket_closed"  # answering or closing a ticket already closed
    ANSWER_EMPTY = "answer_empty"  # an empty answer to a ticket
    EXPORT_OPEN = "export_open"  # a personal data export asked while another waits for a decision or is built
    EXPORT_DECIDED = "export_decided"  # approving or refusing an export already decided
    EXPORT_REASON = "export_reason"  # refusing an export without a reason
    EXPORT_SELF = "export_self"  # the head deciding his own export
    EXPORT_NOT_READY = "export_not_ready"  # downloading an export not approved or not built yet
    EXPORT_EXPIRED = "export_expired"  # downloading an export after its 7 days (HTTP 410)
    HANDOVER_SELF = "handover_self"  # handing over one's own work, or a locked person's
    HANDOVER_SUCCESSOR = "handover_successor"  # a successor locked, of another agency, unknown or the person himself
    HANDOVER_UNIT = "handover_unit"  # moving to no unit, a closed unit, another agency's or the same unit
    IMPORT_FILE = "import_file"  # a register sheet that is not XLSX/CSV, unreadable, or has no Phụ lục IV header
    IMPORT_TOO_LARGE = "import_too_large"  # a register sheet past REGISTER_IMPORT_MAX_BYTES
    IMPORT_ROWS = "import_rows"  # importing a sheet whose dry run found rows in error
    IMPORT_DONE = "import_done"  # confirming an import already imported, or whose staged file is gone
    BUNDLE_FILE = "bundle_file"  # a migration bundle that is no ZIP, lacks or has a wrong manifest.json
    BUNDLE_AGENCY = "bundle_agency"  # the manifest's organ id names no agency of the system, or another one
    BUNDLE_DONE = "bundle_done"  # confirming a bundle already imported, or whose staged file is gone
    UPGRADE_BACKUP = "upgrade_backup"  # the backup before an upgrade failed: nothing upgraded
    UPGRADE_LOCK = "upgrade_lock"  # a migration waited longer than QLVB_UPGRADE_LOCK_TIMEOUT for a table lock
    UPGRADE_FAILED = "upgrade_failed"  # another step of the upgrade failed (read-only lifted, run recorded)
