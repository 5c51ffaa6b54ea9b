from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import AppConfig

if TYPE_CHECKING:
    from qlvb.directory.models import User


def _may_open_file(actor: User, stored_file: Any) -> bool:
    """Whoever may see an outgoing document may open its drafts, their PDFs and the signed PDF."""
    from django.db.models import Q

    from .models import ConsultationAnswer
    from .selectors import outgoing_visible_to

    holds = Q(signed_pdf=stored_file) | Q(versions__stored_file=stored_file) | Q(versions__pdf=stored_file)
    if outgoing_visible_to(actor).filter(holds).exists():
        return True
    answers = ConsultationAnswer.objects.filter(stored_file=stored_file).values("consultation__outgoing")
    return outgoing_visible_to(actor).filter(pk__in=answers).exists()


class OutgoingConfig(AppConfig):
    name = "qlvb.outgoing"
    label = "outgoing"
    verbose_name = "Văn bản đi"

    def ready(self) -> None:
        from qlvb.files.policies import content_access_register

        from . import audit_actions, events, policies  # noqa: F401  (declares permissions, events, audit actions)

        content_access_register(_may_open_file)
        from qlvb.documents.models import Direction
        from qlvb.documents.visibility import visibility_register

        from .selectors import outgoing_documents_visible_to, visibility_key

        # the search and the dossiers ask it
        visibility_register(Direction.OUTGOING, outgoing_documents_visible_to, key=visibility_key)
