from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from qlvb.directory.models import User
    from qlvb.files.models import StoredFile


def _may_see_signature_reports(actor: User, sha256: str) -> bool:
    """Whoever may see an incoming document may read the signature reports of its files."""
    from .selectors import documents_visible_to

    return documents_visible_to(actor).filter(attachments__stored_file__blob__sha256=sha256).exists()


def _may_open_file(actor: User, stored_file: StoredFile) -> bool:
    """Whoever may see an incoming document may open its files (also by id)."""
    from .selectors import documents_visible_to

    return documents_visible_to(actor).filter(attachments__stored_file=stored_file).exists()


class IncomingConfig(AppConfig):
    name = "qlvb.incoming"
    label = "incoming"
    verbose_name = "Văn bản đến"

    def ready(self) -> None:
        from qlvb.assignments.workflows import workflow_register
        from qlvb.directory.unit_sections import unit_section_register
        from qlvb.documents.models import Direction
        from qlvb.documents.seen import seen_recipient_register
        from qlvb.documents.visibility import visibility_register
        from qlvb.files.policies import content_access_register
        from qlvb.signing.selectors import report_access_register

        from . import audit_actions, events, policies  # noqa: F401  (declares permissions, events, audit actions)
        from .seen_setting import seen_setting_section
        from .selectors import document_received, documents_received_by, documents_visible_to, visibility_key
        from .workflow import DocumentWorkflow

        # the shared handling of assignments writes a document's parts into its history (layer 4 asks up)
        workflow_register("document", DocumentWorkflow())
        report_access_register(_may_see_signature_reports)
        content_access_register(_may_open_file)
        # the one rule for incoming documents, asked by the other workflows through documents
        visibility_register(Direction.INCOMING, documents_visible_to, key=visibility_key)
        # who received an incoming document, for its seen receipts ("đã xem")
        seen_recipient_register(Direction.INCOMING, documents_received_by, one=document_received)
        # the agency's choice of how receipts are taken, on the administrator's agency page
        unit_section_register(seen_setting_section)
