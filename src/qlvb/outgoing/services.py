"""The outgoing flow (NĐ 30/2020 Điều 10–19): draft → approval chain → format check → personal
signature → number → agency signature → issue → track; revoke and replace. Every write, re-exported
from the modules that hold them by subject.

Every service checks the right, locks the ``Outgoing`` row, checks the state, records a DocumentEvent
(and an audit entry for the acts with legal weight), all in one transaction: a refused action leaves
nothing half-done. Slow work (LibreOffice, signing) runs before the transaction; the state is checked
again under the lock afterwards.
"""

from .approval import FORMAT_CHECKLIST, outgoing_approve, outgoing_format_check, outgoing_return, outgoing_submit
from .draft_state import current_step, latest_version, version_conversion
from .drafting import (
    METADATA_LABELS,
    DraftData,
    changes_text,
    metadata_value,
    outgoing_create,
    outgoing_update,
    recipient_lines,
    to_places_text,
)
from .issuing import outgoing_deliveries_retry, outgoing_issue, outgoing_replacement_start, outgoing_revoke
from .numbering_step import outgoing_number
from .signing_steps import (
    outgoing_sign,
    outgoing_sign_agency,
    outgoing_sign_check,
    outgoing_signed_record,
    personal_signature_prepare,
    signs_at_desk,
)
from .take_back import outgoing_take_back
from .versions import (
    APPENDIX_EXTENSIONS,
    DRAFT_EXTENSIONS,
    comment_add,
    conversion_status,
    version_convert,
    version_convert_retry,
    version_upload,
)

__all__ = [
    "APPENDIX_EXTENSIONS",
    "DRAFT_EXTENSIONS",
    "FORMAT_CHECKLIST",
    "METADATA_LABELS",
    "DraftData",
    "changes_text",
    "comment_add",
    "conversion_status",
    "current_step",
    "latest_version",
    "metadata_value",
    "outgoing_approve",
    "outgoing_create",
    "outgoing_deliveries_retry",
    "outgoing_format_check",
    "outgoing_issue",
    "outgoing_number",
    "outgoing_replacement_start",
    "outgoing_return",
    "outgoing_revoke",
    "outgoing_sign",
    "outgoing_sign_agency",
    "outgoing_sign_check",
    "outgoing_signed_record",
    "outgoing_submit",
    "outgoing_take_back",
    "outgoing_update",
    "personal_signature_prepare",
    "recipient_lines",
    "signs_at_desk",
    "to_places_text",
    "version_conversion",
    "version_convert",
    "version_convert_retry",
    "version_upload",
]
