"""The tables the benchmark data set fills and, for each, the columns of its row tuples (attribute
names, in the order the generator builds them)."""

from __future__ import annotations

from qlvb.assignments.models import Assignment, AssignmentUpdate, Notification
from qlvb.documents.models import Document, DocumentEvent
from qlvb.documents.searchindex import SearchEntry

LOAD_TABLES = (
    Document,
    SearchEntry,
    Assignment,
    AssignmentUpdate,
    DocumentEvent,
    Notification,
)  # bulk-loaded, re-indexed

UNIT_COLS = (
    "id",
    "kind",
    "parent_id",
    "agency_id",
    "name",
    "short_name",
    "username_prefix",
    "organ_id",
    "organ_id_warning",
    "external",
    "is_active",
    "name_folded",
    "created_at",
)
USER_COLS = (
    "id",
    "password",
    "last_login",
    "is_superuser",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "date_joined",
    "full_name",
    "unit_id",
    "position",
    "phone",
    "full_name_folded",
    "locked_at",
    "locked_reason",
)
ROLE_COLS = ("id", "user_id", "unit_id", "role", "granted_at")
REGISTER_COLS = ("id", "agency_id", "direction", "year", "name", "last_number", "created_at")
DOC_COLS = (
    "id",
    "direction",
    "agency_id",
    "status",
    "channel",
    "doc_type_id",
    "code_number",
    "code_notation",
    "issued_date",
    "organ_name",
    "organ_id",
    "subject",
    "language",
    "page_amount",
    "description",
    "signer_position",
    "signer_name",
    "urgency",
    "secrecy",
    "to_places",
    "due_date",
    "document_identifier",
    "register_id",
    "year",
    "arrival_number",
    "arrival_date",
    "received_at",
    "registered_at",
    "completed_at",
    "created_by_id",
    "submitted_to_id",
    "duplicate_of_id",
    "search_folded",
    "created_at",
    "updated_at",
)
ASSIGN_COLS = (
    "id",
    "document_id",
    "agency_id",
    "parent_id",
    "role",
    "unit_id",
    "user_id",
    "assigned_by_id",
    "assigned_at",
    "directive",
    "due_date",
    "status",
    "progress",
    "result",
    "return_reason",
    "completed_at",
    "overdue_notified_on",
    "due_soon_notified_on",
)
ENTRY_COLS = ("document_id", "agency_id", "meta_folded", "body", "body_folded", "body_updated_at")
UPDATE_COLS = ("id", "assignment_id", "author_id", "kind", "text", "progress", "created_at")
EVENT_COLS = ("id", "document_id", "actor_id", "actor_name", "actor_unit", "action", "text", "data", "created_at")
NOTE_COLS = ("id", "user_id", "kind", "text", "document_id", "assignment_id", "created_at", "read_at")
