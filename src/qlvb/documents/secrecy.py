"""The one refusal of state secrets (Quy chế Điều 1 khoản 2; architecture: "refused everywhere").

Every channel that creates or changes a document asks ``secrecy_refuse`` — a received document's
"độ mật" field, an outgoing draft's, and the secrecy stamp found in a draft's file — so that the
refusal, its message and its error code (``state_secret``) are one. The database refuses the rest
(``Document``'s ``document_no_state_secret`` constraint).
"""

from __future__ import annotations

from django.utils.translation import gettext

from qlvb.core.errors import ValidationFailed

from .models import SECRECY_REFUSED_MESSAGE, Secrecy

STATE_SECRET = "state_secret"  # noqa: S105 — an error code, not a password


def secrecy_refuse(secrecy: str | None = "", *, stamp: str = "") -> None:
    """Raise ``ValidationFailed`` (code ``state_secret``) for a state secret: a ``secrecy`` other than
    "không mật" (a ``Secrecy`` value — Mật, Tối mật, Tuyệt mật — or any other text a channel sent), or a
    secrecy ``stamp`` found in the document's file ("MẬT", "TỐI MẬT", "TUYỆT MẬT"). Does nothing for a
    document that is not secret."""
    level = (secrecy or "").strip()
    stamp = (stamp or "").strip()
    if stamp:
        raise ValidationFailed(
            gettext("Tệp văn bản có dấu “%(stamp)s”.") % {"stamp": stamp} + " " + str(SECRECY_REFUSED_MESSAGE),
            code=STATE_SECRET,
            details={"stamp": stamp},
        )
    if level:
        raise ValidationFailed(
            SECRECY_REFUSED_MESSAGE,
            code=STATE_SECRET,
            details={"secrecy": str(Secrecy(level).label) if level in Secrecy.values else level},
        )
