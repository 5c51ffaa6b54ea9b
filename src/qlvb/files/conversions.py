"""Office file → PDF as a background job (issue 9: "conversion in a Celery task, not in the web
request"). A workflow that needs the PDF of an upload:

1. calls :func:`conversion_request` in its own transaction (a ``Conversion`` row, state *pending*)
   and queues its own Celery task with ``transaction.on_commit``;
2. in that task calls :func:`conversion_run`, which converts with the fenced LibreOffice
   (``convert.to_pdf``: zip guard, own process group, limits, timeout), takes the PDF in through
   ``file_intake`` and records *done* with the PDF, or *failed* with the Vietnamese reason;
3. shows the state (``Conversion.state``, ``error``) and offers a retry (:func:`conversion_request`
   again) when it failed.

The workflow writes its own records (the draft version's PDF) after a successful run.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from qlvb.core.errors import DomainError

from .convert import timeout_seconds, to_pdf
from .intake import file_intake
from .models import Channel, Conversion, ConversionState, StoredFile
from .storage import open_verified

if TYPE_CHECKING:
    from qlvb.directory.models import User


def conversion_stalled(conversion: Conversion) -> bool:
    """Pending far longer than any conversion may take: its task was lost (a worker killed, a broker
    emptied). LibreOffice itself cannot outlive its own timeout (``convert.run_soffice``)."""
    limit = dt.timedelta(seconds=2 * timeout_seconds() + 300)
    return conversion.state == ConversionState.PENDING and conversion.requested_at < timezone.now() - limit


def conversion_retryable(conversion: Conversion) -> bool:
    return conversion.state == ConversionState.FAILED or conversion_stalled(conversion)


def conversion_request(*, source: StoredFile) -> Conversion:
    """A pending conversion of ``source`` (a new one, or a failed or stalled one set pending again)."""
    conversion, created = Conversion.objects.get_or_create(source=source, defaults={"requested_at": timezone.now()})
    if not created and conversion_retryable(conversion):
        conversion.state, conversion.error, conversion.code = ConversionState.PENDING, "", ""
        conversion.requested_at, conversion.finished_at = timezone.now(), None
        conversion.save(update_fields=["state", "error", "code", "requested_at", "finished_at"])
    return conversion


def conversion_run(*, conversion_id: int, actor: User | None = None) -> Conversion:
    """Convert (outside any transaction: LibreOffice may take up to ``QLVB_CONVERT_TIMEOUT``) and
    record the outcome. Idempotent: a conversion already done is returned as it is."""
    conversion = Conversion.objects.select_related("source__blob", "source__uploaded_by").get(pk=conversion_id)
    if conversion.state == ConversionState.DONE:
        return conversion
    source = conversion.source
    actor = actor or source.uploaded_by
    try:
        with open_verified(source.blob.sha256, size=source.blob.size, name=source.name) as handle:
            data = handle.read()
        pdf_bytes = to_pdf(data, ext=source.blob.kind, name=source.name)
        del data
        stem = source.name.rsplit(".", 1)[0]
        pdf = file_intake(
            actor=actor,
            stream=io.BytesIO(pdf_bytes),
            original_name=f"{stem}.pdf",
            channel=Channel.SYSTEM,
            declared_size=len(pdf_bytes),
        )
    except DomainError as exc:
        return _finish(conversion, state=ConversionState.FAILED, error=exc.message[:500], code=exc.code[:32])
    return _finish(conversion, state=ConversionState.DONE, pdf=pdf)


@transaction.atomic
def _finish(
    conversion: Conversion, *, state: str, pdf: StoredFile | None = None, error: str = "", code: str = ""
) -> Conversion:
    locked = Conversion.objects.select_for_update().get(pk=conversion.pk)
    if locked.state == ConversionState.DONE:  # another run won
        return locked
    locked.state, locked.pdf, locked.error, locked.code = state, pdf, error, code
    locked.attempts += 1
    locked.finished_at = timezone.now()
    locked.save(update_fields=["state", "pdf", "error", "code", "attempts", "finished_at"])
    return locked
