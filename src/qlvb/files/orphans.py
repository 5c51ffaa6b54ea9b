"""Stored contents no row refers to (issue 17, "nothing half-written, no orphan rows"): the sweep.

An upload writes its content first (``BlobWriter.place``) and its :class:`~.models.Blob` row in the
transaction that follows; a rollback removes what that transaction placed. A process killed between the
two (a web node or a worker ``kill -9``), or a removal that failed while the object store was away, leaves
a content that no row names: an orphan. It is harmless (never served: every read goes through a row) but
takes space. :func:`orphans` lists the contents under the store's content-addressed keys (``ab/cd/<sha256>``,
on the folder store or on S3) that have no ``Blob`` row and are older than a grace period (an upload in
flight has placed its content and not yet committed its row); :func:`orphans_sweep` removes them. The
command ``qlvb files_orphans`` lists them (dry run by default; ``--delete`` removes), and the beat job
``qlvb.files.orphans_sweep`` (daily) removes them when ``QLVB_ORPHAN_SWEEP_DELETE`` is on, and otherwise only
logs how many there are.

A content is re-checked just before its removal: if a row appeared meanwhile (the same content uploaded
again), it is kept. On the folder store the content is first moved aside, the row checked once more, and
put back if one appeared, so an upload of the same content at that very moment never loses it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings

from .models import Blob
from .storage import blob_path, files_root, on_s3, tmp_dir

log = logging.getLogger(__name__)

KEY = re.compile(r"^([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})$")
BATCH = 500


@dataclass(frozen=True)
class Orphan:
    sha256: str
    size: int
    modified: dt.datetime


@dataclass
class Sweep:
    found: list[Orphan] = field(default_factory=list)
    removed: int = 0
    kept: int = 0  # a row appeared before the removal: the content is in use again
    bytes_removed: int = 0


def _stored() -> Iterator[tuple[str, int, float]]:
    """(sha256, size, modified) of every content under a content-addressed key."""
    if on_s3():
        from . import s3store

        for relative, size, modified in s3store.objects_dated():
            match = KEY.match(relative)
            if match and match[3].startswith(match[1] + match[2]):
                yield match[3], size, modified
        return
    root = files_root()
    if not root.exists():
        return
    for top in sorted(root.iterdir()):
        if not (top.is_dir() and re.fullmatch(r"[0-9a-f]{2}", top.name)):
            continue  # tmp/ and anything else that is not a content
        for path in sorted(top.glob("*/*")):
            match = KEY.match(path.relative_to(root).as_posix())
            if match and match[3].startswith(match[1] + match[2]) and path.is_file():
                stat = path.stat()
                yield match[3], stat.st_size, stat.st_mtime


def orphans(*, grace: dt.timedelta, now: float | None = None) -> Iterator[Orphan]:
    """The stored contents older than ``grace`` that no ``Blob`` row names, in key order (checked against the
    rows in batches)."""
    limit = (now if now is not None else time.time()) - grace.total_seconds()
    batch: list[tuple[str, int, float]] = []

    def flush() -> Iterator[Orphan]:
        known = set(Blob.objects.filter(sha256__in=[sha for sha, _s, _m in batch]).values_list("sha256", flat=True))
        for sha, size, modified in batch:
            if sha not in known:
                yield Orphan(sha, size, dt.datetime.fromtimestamp(modified, tz=dt.UTC))
        batch.clear()

    for sha, size, modified in _stored():
        if modified > limit:
            continue
        batch.append((sha, size, modified))
        if len(batch) >= BATCH:
            yield from flush()
    if batch:
        yield from flush()


def _remove(orphan: Orphan) -> bool:
    """Remove one orphan unless a row names it now. Returns whether it was removed."""
    if Blob.objects.filter(sha256=orphan.sha256).exists():
        return False
    if on_s3():
        from . import s3store

        s3store.delete(orphan.sha256)
        if Blob.objects.filter(sha256=orphan.sha256).exists():  # raced with an upload of the same content
            log.error("orphan sweep: %s was uploaded again while it was being removed", orphan.sha256)
        return True
    path = blob_path(orphan.sha256)
    aside = tmp_dir() / f"orphan-{orphan.sha256}"
    try:
        os.replace(path, aside)
    except FileNotFoundError:
        return False
    if Blob.objects.filter(sha256=orphan.sha256).exists():  # uploaded again meanwhile: put it back
        os.replace(aside, path)
        return False
    with contextlib.suppress(FileNotFoundError):
        aside.unlink()
    return True


def orphans_sweep(*, grace: dt.timedelta | None = None, delete: bool = False, now: float | None = None) -> Sweep:
    """List (``delete=False``, the default) or remove the orphans older than ``grace``
    (``QLVB_ORPHAN_GRACE_HOURS`` by default)."""
    if grace is None:
        grace = dt.timedelta(hours=float(settings.QLVB_ORPHAN_GRACE_HOURS))
    sweep = Sweep(found=list(orphans(grace=grace, now=now)))
    if not delete:
        return sweep
    for orphan in sweep.found:
        if _remove(orphan):
            sweep.removed += 1
            sweep.bytes_removed += orphan.size
        else:
            sweep.kept += 1
    log.info("orphan sweep: %d found, %d removed, %d kept", len(sweep.found), sweep.removed, sweep.kept)
    return sweep
