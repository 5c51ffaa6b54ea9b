"""The text of every stored file (issue 12), recorded in :class:`FileText`.

1. ``file_intake`` calls :func:`file_text_schedule` in its transaction: a *pending* row, and the Celery
   task (queue ``ocr``) queued with ``transaction.on_commit``, so a rolled-back upload queues nothing
   and a slow scan never holds a web request.
2. The task calls :func:`file_text_extract`, which reads the text outside any transaction
   (``extraction.py``: pdftotext, OCRmyPDF/Tesseract, LibreOffice, plain text; bounded), takes the
   OCR's searchable PDF/A copy in through ``file_intake`` as a new file beside the original, and records
   *done* or *failed* with the Vietnamese reason.
3. Idempotent: a file whose text is done is left as it is unless ``force``; a failed or pending one is
   read again (retry). Files with the same content share the work: a done text of the same blob is copied.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from qlvb.core.errors import DomainError

from .extraction import TextRefused, extraction
from .models import Channel, FileText, StoredFile, TextState
from .storage import StorageUnavailable, blob_local

log = logging.getLogger(__name__)

COPIED_FIELDS = ("text", "language", "page_count", "pages_failed", "ocr_confidence", "engine", "searchable_pdf")

# What a layer above does once a file's text is read (``documents`` indexes the documents holding the
# file for search): callables ``hook(stored_file_id)`` registered at start-up by
# :func:`text_done_register`; this module never imports them.
_TEXT_DONE: list[Callable[[int], None]] = []


def text_done_register(hook: Callable[[int], None]) -> None:
    """Call ``hook(stored_file_id)`` after each extraction that ends *done* (outside its transaction)."""
    if hook not in _TEXT_DONE:
        _TEXT_DONE.append(hook)


def _text_done(file_text: FileText) -> FileText:
    if file_text.state == TextState.DONE:
        for hook in _TEXT_DONE:
            try:
                hook(file_text.stored_file_id)
            except Exception:  # an index that fails must not lose the text: it is rebuilt on the next run
                log.exception("text-done hook %r failed for stored file %s", hook, file_text.stored_file_id)
    return file_text


def file_text_schedule(stored_file: StoredFile) -> FileText:
    """A pending text for ``stored_file`` and its task after commit (called inside the caller's transaction)."""
    from .tasks import file_text_extract_task

    file_text, _created = FileText.objects.get_or_create(
        stored_file=stored_file, defaults={"requested_at": timezone.now()}
    )
    file_id = stored_file.pk

    def queue() -> None:
        try:
            file_text_extract_task.delay(file_id)
        except Exception:  # the upload is committed: a broker that refuses must not turn it into an error
            log.exception("text extraction of stored file %s not queued; it stays pending", file_id)

    transaction.on_commit(queue)
    return file_text


def file_text_extract(stored_file: StoredFile, *, force: bool = False) -> FileText:
    """Read and record the text of ``stored_file`` (see the module's docstring). Never raises for a
    file whose text cannot be had: that is recorded as *failed* with the reason. A *done* text is
    handed to the registered hooks (:func:`text_done_register`)."""
    return _text_done(_extract(stored_file, force=force))


def _extract(stored_file: StoredFile, *, force: bool) -> FileText:
    file_text, _created = FileText.objects.get_or_create(
        stored_file=stored_file, defaults={"requested_at": timezone.now()}
    )
    if file_text.state == TextState.DONE and not force:
        return file_text
    if not force:
        same = (
            FileText.objects.filter(stored_file__blob_id=stored_file.blob_id, state=TextState.DONE)
            .exclude(pk=file_text.pk)
            .first()
        )
        if same is not None:
            return _finish(file_text, state=TextState.DONE, values={f: getattr(same, f) for f in COPIED_FIELDS})
    blob = stored_file.blob
    try:
        with (
            blob_local(blob.sha256, size=blob.size, name=stored_file.name) as source,
            extraction(source, kind=blob.kind, name=stored_file.name) as found,
        ):
            values: dict[str, Any] = {
                "text": found.text,
                "language": found.language,
                "page_count": found.page_count,
                "pages_failed": found.pages_failed,
                "ocr_confidence": found.ocr_confidence,
                "engine": found.engine,
                "timings": found.timings,
                "searchable_pdf": None,
            }
            reason = ""
            if found.searchable_pdf is not None:
                values["searchable_pdf"], reason = _keep_copy(stored_file, found.searchable_pdf)
            if found.pages_failed:
                reason = f"{found.pages_failed} trang không đọc được; các trang khác đã lấy nội dung."
    except TextRefused as exc:
        return _finish(file_text, state=TextState.FAILED, reason=exc.message, code=exc.code)
    except StorageUnavailable:  # the object store for a moment: the task retries, the text stays pending
        raise
    except DomainError as exc:  # a tool missing on the server
        return _finish(file_text, state=TextState.FAILED, reason=exc.message, code=exc.code)
    return _finish(file_text, state=TextState.DONE, values=values, reason=reason)


def _keep_copy(stored_file: StoredFile, path: Any) -> tuple[StoredFile | None, str]:
    """The OCR's PDF/A copy taken in as a new file (the original stays as it is)."""
    from .intake import file_intake

    stem = stored_file.name.rsplit(".", 1)[0]
    try:
        with open(path, "rb") as handle:
            copy = file_intake(
                actor=stored_file.uploaded_by,
                stream=handle,
                original_name=f"{stem[:40]}-ocr.pdf",
                channel=Channel.SYSTEM,
                extract_text=False,
            )
    except DomainError as exc:
        log.warning("searchable copy of %s not kept: %s", stored_file.pk, exc.message)
        return None, f"Không lưu được bản PDF tìm kiếm được: {exc.message}"[:500]
    return copy, ""


@transaction.atomic
def _finish(
    file_text: FileText, *, state: str, values: dict[str, Any] | None = None, reason: str = "", code: str = ""
) -> FileText:
    locked = FileText.objects.select_for_update().get(pk=file_text.pk)
    for name, value in (values or {}).items():
        setattr(locked, name, value)
    if state == TextState.FAILED:
        locked.text, locked.searchable_pdf, locked.engine = "", None, ""
    locked.state, locked.reason, locked.code = state, reason[:500], code[:32]
    locked.attempts += 1
    locked.finished_at = timezone.now()
    locked.save()
    return locked
