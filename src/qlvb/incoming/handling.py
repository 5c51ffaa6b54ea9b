"""Handling a part after it was given out: the same for a document's parts and a task's parts, kept in
:mod:`qlvb.assignments.handling` (the document's side — its events, its completion — is
``workflow.py``). Submitting, directing and routing: ``directing.py``."""

from __future__ import annotations

from qlvb.assignments.handling import (
    assignment_accept,
    assignment_assign,
    assignment_complete,
    assignment_report,
    assignment_return,
    assignment_return_result,
)

from .assigning import Target
from .directing import (
    incoming_direct,
    incoming_handle_self,
    incoming_return_to_clerk,
    incoming_route,
    incoming_submit,
)

# Callers import the directing services from here too (``services.py`` is the one list of them all).
__all__ = [
    "Target",
    "assignment_accept",
    "assignment_assign",
    "assignment_complete",
    "assignment_report",
    "assignment_return",
    "assignment_return_result",
    "incoming_direct",
    "incoming_handle_self",
    "incoming_return_to_clerk",
    "incoming_route",
    "incoming_submit",
]
