"""Every write of the incoming flow (the modules below hold them by subject)."""

from .attaching import IncomingFile, attachments_add, incoming_file_replace, incoming_files_add, kept_upload_get
from .correcting import incoming_correct
from .followup import deadlines_sweep, extension_decide, extension_request, reminder_send
from .handling import (
    Target,
    assignment_accept,
    assignment_assign,
    assignment_complete,
    assignment_report,
    assignment_return,
    assignment_return_result,
    incoming_direct,
    incoming_handle_self,
    incoming_return_to_clerk,
    incoming_route,
    incoming_submit,
)
from .receiving import DuplicateWarning, IncomingData, ReceiveResult, incoming_receive, incoming_register
from .rejecting import incoming_reject
from .verification import attachment_verify_again

__all__ = [
    "DuplicateWarning",
    "IncomingData",
    "IncomingFile",
    "ReceiveResult",
    "Target",
    "assignment_accept",
    "assignment_assign",
    "assignment_complete",
    "assignment_report",
    "assignment_return",
    "assignment_return_result",
    "attachment_verify_again",
    "attachments_add",
    "deadlines_sweep",
    "extension_decide",
    "extension_request",
    "incoming_correct",
    "incoming_direct",
    "incoming_file_replace",
    "incoming_files_add",
    "incoming_handle_self",
    "incoming_receive",
    "incoming_register",
    "incoming_reject",
    "incoming_return_to_clerk",
    "incoming_route",
    "incoming_submit",
    "kept_upload_get",
    "reminder_send",
]
