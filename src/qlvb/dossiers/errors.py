"""The codes of the dossiers flow's domain errors (``DomainError.code``; API clients read them as they are)."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    NOTATION_TAKEN = "notation_taken"  # the notation is already used in this agency and year
    PLAN_FROZEN = "plan_frozen"  # an approved list is not changed: a change is a new version
    PLAN_NOT_APPROVED = "plan_not_approved"  # opening a dossier from a list not yet approved
    PLAN_EMPTY = "plan_empty"  # approving a list with no dossier row
    PLAN_EXISTS = "plan_exists"  # a draft list for this year already exists
    NO_PREVIOUS_PLAN = "no_previous_plan"  # copy forward with no list of an earlier year
    DOSSIER_EMPTY = "dossier_empty"  # closing a dossier with no document
    DOSSIER_FROZEN = "dossier_frozen"  # a closed dossier is not changed (reopen first)
    NOT_CLOSED = "not_closed"  # reopening a dossier that is open
    ALREADY_FILED = "already_filed"  # the document is already in this dossier
    BAD_RETENTION = "bad_retention"  # retention years out of range
    # the agency archive (archive.py, disposal.py)
    NOT_TRANSFERABLE = "not_transferable"  # submitting a dossier that is not closed, or already in a batch
    BATCH_STATE = "batch_state"  # the batch is not in the state the action needs
    ALREADY_DECIDED = "already_decided"  # accepting/returning a dossier already decided
    BAD_RIGHTS = "bad_rights"  # chế độ sử dụng other than Công khai / Hạn chế / Mật
    PERMANENT = "permanent"  # a "Vĩnh viễn" dossier is never disposed of
    NOT_EXPIRED = "not_expired"  # disposing of a dossier whose retention has not run out
    NOT_ARCHIVED = "not_archived"  # disposing of a dossier not under the archive's management
    DISPOSAL_STATE = "disposal_state"  # the proposal is not in the state the action needs
    KEEP_TOO_LONG = "keep_too_long"  # keeping a due dossier beyond 2 years from its transfer deadline (Điều 31)
    # export13: packages, the list in XLSX, bulk filing, other files
    PACKAGE_NOT_CLOSED = "package_not_closed"  # exporting a dossier not yet closed
    PACKAGE_NOT_READY = "package_not_ready"  # downloading a package still being built (or failed)
    PACKAGE_MANIFEST = "package_manifest"  # an import whose manifest does not match its files
    PACKAGE_BAD = "package_bad"  # an import that is not a qlvb package (no manifest, bad metadata)
    PACKAGE_CLASH = "package_clash"  # an imported dossier's code is taken by a dossier not from a package
    PLAN_IMPORT_REFUSED = "plan_import_refused"  # an XLSX list with bad rows (nothing imported)
    BULK_REFUSED = "bulk_refused"  # bulk filing with a document the person may not see (nothing filed)
    PACKAGE_UNSIGNED = "package_unsigned"  # an import without the manifest's signature where one is required
    PACKAGE_SIGNATURE = "package_signature"  # an import whose manifest signature does not verify
    PACKAGE_SIGNER_REVOKED = "package_signer_revoked"  # the manifest's signer's certificate is revoked (OCSP/CRL)
    PACKAGE_SIGNER_UNTRUSTED = "package_signer_untrusted"  # signer not chaining to a trust anchor, where required
