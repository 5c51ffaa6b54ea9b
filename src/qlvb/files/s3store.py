"""The file store in an S3-compatible object store (``QLVB_STORAGE=s3``), through boto3.

Same layout as the folder store: one object per distinct content, keyed by its SHA-256
(``<QLVB_S3_PREFIX>ab/cd/<sha256>``), written once and never changed. What this module adds to the
folder store's rules:

- **uploads** go from the local temporary file the intake already wrote (it sniffs and hashes it there)
  to the store with ``upload_file``: one PUT under 8 MiB, a multipart upload of 8 MiB parts above, at
  most two parts in flight, so an upload holds at most ~16 MiB in memory whatever its size;
- **reads** stream the object in 1 MiB chunks into an unnamed local temporary file while hashing it; only
  a copy whose SHA-256 and size match is handed out (the same promise as ``open_verified`` on disk);
- **downloads** either go through the app that way, or (``QLVB_S3_DOWNLOAD=presigned``) answer a redirect
  to a presigned GET valid ``QLVB_S3_URL_SECONDS`` seconds, made after the permission check. The bucket is
  never public;
- **the store unreachable** (no connection, time-out, a 5xx) raises :class:`StorageUnavailable` (HTTP 503)
  with a Vietnamese message; the intake then rolls its rows back, so nothing names a missing object.

Credentials come from boto3's usual sources (``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` in the
environment, a profile, an instance role); never from the settings file.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import boto3
from boto3.exceptions import S3UploadFailedError
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from qlvb.core.errors import DomainError

from .storage import unavailable

log = logging.getLogger(__name__)

CHUNK_SIZE = 1024 * 1024
PART_SIZE = 8 * 1024 * 1024
TRANSFER = TransferConfig(
    multipart_threshold=PART_SIZE, multipart_chunksize=PART_SIZE, max_concurrency=2, use_threads=True
)
_MISSING_CODES = frozenset({"404", "NoSuchKey", "NotFound"})


def _label(sha256: str, name: str) -> str:
    return f"“{name}”" if name else sha256[:12]


def bucket() -> str:
    return str(settings.S3_BUCKET)


def key(sha256: str) -> str:
    return f"{settings.S3_PREFIX}{sha256[:2]}/{sha256[2:4]}/{sha256}"


def client() -> Any:
    return _client(
        settings.S3_ENDPOINT_URL or None,
        settings.S3_REGION,
        float(settings.S3_TIMEOUT_SECONDS),
        os.environ.get("AWS_ACCESS_KEY_ID", ""),
    )


@functools.lru_cache(maxsize=8)
def _client(endpoint: str | None, region: str, timeout: float, _access_key: str) -> Any:
    config = Config(
        connect_timeout=min(timeout, 3.0),
        read_timeout=timeout,
        retries={"max_attempts": 2, "mode": "standard"},
        s3={"addressing_style": "path"},
        signature_version="s3v4",
    )
    return boto3.session.Session().client("s3", endpoint_url=endpoint, region_name=region, config=config)


def _missing(exc: ClientError) -> bool:
    return str(exc.response.get("Error", {}).get("Code", "")) in _MISSING_CODES


def _head(sha256: str, label: str, *, upload: bool) -> dict[str, Any] | None:
    try:
        return dict(client().head_object(Bucket=bucket(), Key=key(sha256)))
    except ClientError as exc:
        if _missing(exc):
            return None
        log.error("object store refused HEAD %s: %s", key(sha256), exc)
        raise unavailable(label, upload=upload) from exc
    except BotoCoreError as exc:
        log.error("object store unreachable (HEAD %s): %s", key(sha256), exc)
        raise unavailable(label, upload=upload) from exc


def put_file(path: Path, sha256: str, size: int, *, name: str = "") -> bool:
    """Store the content of ``path`` (already hashed to ``sha256``) under its key. Returns True when this
    call created the object, False when an object of that content was already there."""
    label = _label(sha256, name)
    found = _head(sha256, label, upload=True)
    if found is not None:
        if int(found.get("ContentLength", -1)) == size and _intact(sha256, size, label):
            return False
        log.error("stored object %s was damaged; replaced by the identical upload", key(sha256))
    try:
        client().upload_file(
            str(path),
            bucket(),
            key(sha256),
            ExtraArgs={"ContentType": "application/octet-stream", "Metadata": {"sha256": sha256}},
            Config=TRANSFER,
        )
    except (BotoCoreError, ClientError, S3UploadFailedError) as exc:
        log.error("object store refused PUT %s: %s", key(sha256), exc)
        raise unavailable(label, upload=True) from exc
    return True


def _intact(sha256: str, size: int, label: str) -> bool:
    """Does the stored object still hash to its key? (streamed, nothing kept: as the folder store checks
    the file an identical upload finds)."""
    try:
        with open(os.devnull, "wb") as nowhere:
            mismatch = _MismatchError()
            copy_verified(sha256, size=size, name=label, missing=mismatch, corrupted=mismatch, out=nowhere)
    except _MismatchError:
        return False
    return True


class _MismatchError(DomainError):
    def __init__(self) -> None:
        super().__init__("")


def delete(sha256: str) -> None:
    """Remove an object (a rolled-back upload that created it, a disposal). A store that cannot be reached
    leaves the object (an unreferenced content, harmless) and logs it."""
    try:
        client().delete_object(Bucket=bucket(), Key=key(sha256))
    except (BotoCoreError, ClientError) as exc:
        log.error("could not delete object %s: %s", key(sha256), exc)


def exists(sha256: str) -> bool:
    return _head(sha256, sha256[:12], upload=False) is not None


def copy_verified(
    sha256: str,
    *,
    size: int | None,
    name: str,
    missing: DomainError,
    corrupted: DomainError,
    out: BinaryIO | None = None,
) -> BinaryIO:
    """The object streamed into ``out`` (by default an unnamed local temporary file) while hashing it;
    returned at position 0 once its SHA-256 (and size) match. Raises ``missing`` / ``corrupted`` /
    :class:`StorageUnavailable`."""
    label = _label(sha256, name)
    target = out if out is not None else tempfile.TemporaryFile(dir=_scratch())  # noqa: SIM115 - returned
    try:
        digest = hashlib.sha256()
        total = 0
        try:
            body = client().get_object(Bucket=bucket(), Key=key(sha256))["Body"]
            with contextlib.closing(body):
                for chunk in body.iter_chunks(CHUNK_SIZE):
                    digest.update(chunk)
                    total += len(chunk)
                    target.write(chunk)
        except ClientError as exc:
            if _missing(exc):
                log.error("object missing: %s", key(sha256))
                raise missing from None
            log.error("object store refused GET %s: %s", key(sha256), exc)
            raise unavailable(label, upload=False) from exc
        except BotoCoreError as exc:
            log.error("object store unreachable (GET %s): %s", key(sha256), exc)
            raise unavailable(label, upload=False) from exc
        if digest.hexdigest() != sha256 or (size is not None and total != size):
            log.error("object corrupted: %s (sha256 now %s, %d bytes)", key(sha256), digest.hexdigest(), total)
            raise corrupted
        if out is None:
            target.seek(0)
        return target
    except BaseException:
        if out is None:
            target.close()
        raise


def presigned_url(sha256: str, *, name: str, content_type: str, disposition: str, missing: DomainError) -> str:
    """A GET URL for the object valid ``QLVB_S3_URL_SECONDS``, answering with our name and type."""
    if _head(sha256, _label(sha256, name), upload=False) is None:
        raise missing
    return str(
        client().generate_presigned_url(
            "get_object",
            Params={
                "Bucket": bucket(),
                "Key": key(sha256),
                "ResponseContentDisposition": disposition,
                "ResponseContentType": content_type,
                "ResponseCacheControl": "private, no-store",
            },
            ExpiresIn=int(settings.S3_URL_SECONDS),
        )
    )


def health() -> dict[str, str]:
    try:
        client().head_bucket(Bucket=bucket())
    except (BotoCoreError, ClientError) as exc:
        return {"status": "error", "store": "s3", "error": type(exc).__name__}
    return {"status": "ok", "store": "s3"}


def objects() -> Iterator[tuple[str, int]]:
    """Every object of the store (key without the prefix, size), in key order."""
    prefix = str(settings.S3_PREFIX)
    try:
        pages = client().get_paginator("list_objects_v2").paginate(Bucket=bucket(), Prefix=prefix)
        for page in pages:
            for item in page.get("Contents", []):
                yield str(item["Key"])[len(prefix) :], int(item["Size"])
    except (BotoCoreError, ClientError) as exc:
        raise unavailable(f"trong kho {bucket()}", upload=False) from exc


def objects_dated() -> Iterator[tuple[str, int, float]]:
    """Every object of the store (key without the prefix, size, last modified as a POSIX time), in key order."""
    prefix = str(settings.S3_PREFIX)
    try:
        pages = client().get_paginator("list_objects_v2").paginate(Bucket=bucket(), Prefix=prefix)
        for page in pages:
            for item in page.get("Contents", []):
                yield str(item["Key"])[len(prefix) :], int(item["Size"]), item["LastModified"].timestamp()
    except (BotoCoreError, ClientError) as exc:
        raise unavailable(f"trong kho {bucket()}", upload=False) from exc


@contextlib.contextmanager
def reader(relative: str) -> Iterator[BinaryIO]:
    """A streaming reader of one object (key without the prefix), for the backup."""
    try:
        body = client().get_object(Bucket=bucket(), Key=str(settings.S3_PREFIX) + relative)["Body"]
    except (BotoCoreError, ClientError) as exc:
        raise unavailable(relative, upload=False) from exc
    with contextlib.closing(body):
        yield body


def put_key(path: Path, relative: str) -> None:
    """Write a local file under a key (without the prefix): the restore of a backup."""
    try:
        client().upload_file(str(path), bucket(), str(settings.S3_PREFIX) + relative, Config=TRANSFER)
    except (BotoCoreError, ClientError, S3UploadFailedError) as exc:
        raise unavailable(relative, upload=True) from exc


def _scratch() -> Path:
    path = Path(settings.FILES_DIR) / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path
