"""Follow-up: deadline extensions (gia hạn), reminders (đôn đốc) and the daily deadline sweep — the same
for a document's parts and a task's parts, kept in :mod:`qlvb.assignments.followup`."""

from qlvb.assignments.followup import deadlines_sweep, extension_decide, extension_request, reminder_send

__all__ = ["deadlines_sweep", "extension_decide", "extension_request", "reminder_send"]
