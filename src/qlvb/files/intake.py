"""The one intake function every channel uses (seed Điều 8.3–8.4).

``file_intake`` streams the upload into a temporary file in chunks while hashing it, stops as soon
as the limit (``settings.FILE_MAX_BYTES``) is passed, decides the type by content, gives the file a
safe name, stores the content once (content-addressed) and records the upload in the audit log.

On every refusal or failure nothing stays behind: no temporary file, no stored content, no row.
The refusal itself is recorded (``file.refused``) in its own step, outside any transaction this
function opens; a caller that wraps ``file_intake`` in its own transaction and rolls it back also
rolls that entry back, so callers take files in first and attach them in their own transaction
afterwards (docs/files.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Protocol, cast

from django.conf import settings
from django.db import transaction

from qlvb.core import audit
from qlvb.core.errors import DomainError, PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from qlvb.core.permissions import require
from qlvb.core.text import nfc

from . import policies
from .errors import ErrorCode
from .models import Blob, Channel, StoredFile
from .names import safe_name, split_extension
from .pdfscripts import pdf_scripts
from .sniffing import ALLOWED_TEXT, ContentRefusedError, TextProbe, sniff
from .storage import CHUNK_SIZE, BlobWriter, blob_remove
from .texts import file_text_schedule
from .zipguard import ZipRefused

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qlvb.directory.models import User


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


def size_mb(limit: int) -> str:
    return f"{limit / (1024 * 1024):g} MB"


def too_large(original_name: str, limit: int | None = None) -> PayloadTooLarge:
    limit = limit or settings.FILE_MAX_BYTES
    return PayloadTooLarge(
        f"Tệp “{original_name}” vượt quá dung lượng cho phép {size_mb(limit)} mỗi tệp "
        "(Điều 8.4 Quy chế). Hãy giảm dung lượng hoặc chia nhỏ tệp.",
        code=ErrorCode.FILE_TOO_LARGE,
        details={"max_bytes": limit},
    )


def _chunks(stream: Readable | Iterable[bytes]) -> Iterator[bytes]:
    read = getattr(stream, "read", None)
    if callable(read):
        while True:
            chunk = read(CHUNK_SIZE)
            if not chunk:
                return
            yield bytes(chunk)
    else:
        for chunk in stream:  # type: ignore[union-attr]
            if chunk:
                yield bytes(chunk)


def _refuse(
    *, actor: User | AnonymousUser | None, original_name: str, channel: str, exc: DomainError, received: int
) -> None:
    audit.record(
        "file.refused",
        actor=actor,
        obj=("files.storedfile", "", original_name[:255]),
        data={
            "original_name": original_name[:255],
            "channel": channel,
            "code": exc.code,
            "status": exc.status_code,
            "received_bytes": received,
            "reason": exc.message,
        },
    )


def file_intake(
    *,
    actor: User | AnonymousUser | None,
    stream: Readable | Iterable[bytes],
    original_name: str,
    channel: str,
    declared_size: int | None = None,
    extract_text: bool = True,
) -> StoredFile:
    """Take in one file from any channel and return its :class:`StoredFile`.

    ``stream`` is a binary file object (anything with ``read(n)``) or an iterable of byte chunks;
    it is read in chunks of 1 MiB and never held whole in memory. ``declared_size`` (the size the
    sender announced, if any) lets a too-large file be refused before reading it, and a truncated
    transfer be detected. The file's text is read after commit (``texts.file_text_schedule``) unless
    ``extract_text`` is false (the searchable copy that reading made). Raises ``PayloadTooLarge``
    (413), ``ValidationFailed`` (422, empty or truncated) or ``UnsupportedMediaType`` (415, a type
    the seed does not allow).
    """
    if not (actor is None and channel in (Channel.AXIS, Channel.SYSTEM)):  # a system channel acts for no one
        require(actor, policies.UPLOAD)
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    original_name = nfc(original_name or "")[:255]
    limit = settings.FILE_MAX_BYTES
    received = 0
    try:
        if declared_size is not None and declared_size > limit:
            raise too_large(original_name, limit)
        with BlobWriter(name=original_name) as writer:
            probe = TextProbe()
            for chunk in _chunks(stream):
                if writer.size + len(chunk) > limit:
                    received = writer.size + len(chunk)
                    raise too_large(original_name, limit)
                writer.write(chunk)
                probe.feed(chunk)
            probe.close()
            received = writer.size
            if writer.size == 0:
                raise ValidationFailed(f"Tệp “{original_name}” rỗng (0 byte).", code=ErrorCode.FILE_EMPTY)
            if declared_size is not None and writer.size != declared_size:
                raise ValidationFailed(
                    f"Tệp “{original_name}” nhận được không đầy đủ ({writer.size} trên {declared_size} byte). "
                    "Hãy gửi lại.",
                    code=ErrorCode.FILE_TRUNCATED,
                )
            writer.finish()
            try:
                sniffed = sniff(writer.temp_path, probe=probe)
            except ZipRefused as bomb:
                raise bomb.named(original_name) from None
            except ContentRefusedError as refused:
                raise UnsupportedMediaType(
                    f"Tệp “{original_name}” không được tiếp nhận: nội dung là {refused.what}. "
                    f"Chỉ nhận các loại tệp ({ALLOWED_TEXT}) theo Điều 8.3 Quy chế.",
                    code=ErrorCode.FILE_TYPE_REFUSED,
                    details={"found": refused.what},
                ) from None
            _stem, offered_ext = split_extension(original_name)
            ftype = sniffed.for_extension(offered_ext)
            keep_offered = bool(offered_ext) and ftype.accepts_extension(offered_ext)
            name = safe_name(original_name, ext=offered_ext.lower() if keep_offered else ftype.ext)
            return _store(
                actor=cast("User", actor),  # require() above lets only a signed-in User through
                writer=writer,
                kind=sniffed.type.ext,
                mime=sniffed.type.mime,
                name=name,
                original_name=original_name,
                channel=channel,
                extract_text=extract_text,
            )
    except DomainError as exc:
        _refuse(actor=actor, original_name=original_name, channel=channel, exc=exc, received=received)
        raise


@transaction.atomic
def _store(
    *,
    actor: User,
    writer: BlobWriter,
    kind: str,
    mime: str,
    name: str,
    original_name: str,
    channel: str,
    extract_text: bool,
) -> StoredFile:
    scripts = pdf_scripts(writer.temp_path) if kind == "pdf" else []  # active content, shown on the page
    blob, created = Blob.objects.get_or_create(
        sha256=writer.sha256,
        defaults={"size": writer.size, "kind": kind, "content_type": mime, "scripts": ",".join(scripts)},
    )
    # The row is written (and, on PostgreSQL, its key locked) before the content gets its name, so an
    # identical upload running at the same time waits for us and never loses its content to our cleanup.
    newly_placed = writer.place()
    try:
        stored = StoredFile.objects.create(
            blob=blob,
            name=name,
            original_name=original_name,
            uploaded_by=actor,
            channel=channel,
        )
        audit.record(
            "file.uploaded",
            actor=actor,
            obj=stored,
            data={
                "name": name,
                "original_name": original_name,
                "sha256": blob.sha256,
                "size": blob.size,
                "type": blob.kind,
                "channel": channel,
                "deduplicated": not created,
                **({"scripts": blob.scripts} if blob.scripts else {}),
            },
        )
        if extract_text:
            file_text_schedule(stored)  # its text, in the background after commit (queue "ocr")
    except BaseException:
        if newly_placed and created:
            blob_remove(blob.sha256)
        raise
    return stored
