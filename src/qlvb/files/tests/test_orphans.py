"""The orphan sweep (issue 17): contents in the store that no row refers to (a process killed between placing
a content and committing its row) are listed — a dry run by default — and removed only when asked, once
older than the grace period; contents with a row are never touched. On the folder store and on S3."""

from __future__ import annotations

import datetime as dt
import io
import time

import pytest
from django.core.management import call_command

from qlvb.files.intake import file_intake
from qlvb.files.models import Blob, Channel
from qlvb.files.orphans import orphans_sweep
from qlvb.files.storage import BlobWriter, blob_exists

from . import samples

pytestmark = pytest.mark.django_db
HOUR = dt.timedelta(hours=1)


def placed_without_row(data: bytes) -> str:
    """What a process killed after ``place`` and before its row's commit leaves: a content and no row."""
    with BlobWriter(name="mo-coi.pdf") as writer:
        writer.write(data)
        writer.place()
    return writer.sha256


def test_orphans_listed_by_default_removed_when_asked_never_a_content_in_use(store, person, files_dir):
    kept = file_intake(
        actor=person("lethuha"), stream=io.BytesIO(samples.pdf_bytes()), original_name="vb.pdf", channel=Channel.WEB
    )
    orphan = placed_without_row(b"%PDF-1.4 half-written upload " + b"x" * 100)
    later = time.time() + 2 * 3600

    assert orphans_sweep(grace=HOUR).found == []  # just written: it may be an upload in flight
    dry = orphans_sweep(grace=HOUR, now=later)
    assert [o.sha256 for o in dry.found] == [orphan] and dry.removed == 0
    assert blob_exists(orphan)  # a dry run removes nothing

    done = orphans_sweep(grace=HOUR, now=later, delete=True)
    assert done.removed == 1 and done.bytes_removed == dry.found[0].size
    assert not blob_exists(orphan)
    assert blob_exists(kept.blob.sha256) and Blob.objects.filter(pk=kept.blob_id).exists()
    assert orphans_sweep(grace=HOUR, now=later).found == []


def test_a_content_uploaded_again_before_its_removal_is_kept(store, person, files_dir, monkeypatch):
    data = b"%PDF-1.4 the same content again " + b"y" * 100
    orphan = placed_without_row(data)
    from qlvb.files import orphans

    found = list(orphans.orphans(grace=HOUR, now=time.time() + 2 * 3600))
    assert [o.sha256 for o in found] == [orphan]
    Blob.objects.create(sha256=orphan, size=len(data), kind="pdf", content_type="application/pdf")  # uploaded again
    assert orphans._remove(found[0]) is False
    assert blob_exists(orphan)


def test_the_command_is_a_dry_run_unless_told_to_delete(store, files_dir):
    orphan = placed_without_row(b"%PDF-1.4 left behind " + b"z" * 100)
    out = io.StringIO()
    call_command("files_orphans", "--grace-hours", "0", stdout=out)
    assert orphan in out.getvalue() and "1 tệp mồ côi" in out.getvalue() and "--delete" in out.getvalue()
    assert blob_exists(orphan)
    out = io.StringIO()
    call_command("files_orphans", "--grace-hours", "0", "--delete", stdout=out)
    assert "Đã xoá 1 tệp mồ côi" in out.getvalue()
    assert not blob_exists(orphan)
