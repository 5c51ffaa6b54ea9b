"""Content-addressed by SHA-256: identical content is stored once; each upload keeps its own row."""

from __future__ import annotations

import hashlib
import io

from qlvb.core.models import AuditEntry
from qlvb.files.intake import file_intake
from qlvb.files.models import Blob, Channel, StoredFile
from qlvb.files.storage import blob_path

from . import samples
from .conftest import stored_paths


def test_same_content_twice_is_one_blob(person, files_dir):
    data = samples.pdf_bytes()
    first = file_intake(
        actor=person("lethuha"), stream=io.BytesIO(data), original_name="Quyết định.pdf", channel=Channel.WEB
    )
    second = file_intake(
        actor=person("dothanhhuong"),
        stream=iter([data[:10], data[10:]]),
        original_name="ban-sao.pdf",
        channel=Channel.API,
    )
    assert first.pk != second.pk
    assert first.blob_id == second.blob_id
    assert Blob.objects.count() == 1 and StoredFile.objects.count() == 2
    sha = hashlib.sha256(data).hexdigest()
    assert first.blob.sha256 == sha
    path = blob_path(sha)
    assert path == files_dir / sha[:2] / sha[2:4] / sha
    assert stored_paths(files_dir) == [path]  # one file, no temporary file left
    assert path.read_bytes() == data
    uploads = AuditEntry.objects.filter(action="file.uploaded").order_by("seq")
    assert [e.data["deduplicated"] for e in uploads] == [False, True]


def test_failure_after_placing_the_content_leaves_nothing(person, files_dir):
    """If recording the upload fails, the content this call stored is removed with the rolled-back rows."""
    from qlvb.directory.models import User

    ghost = User(username="ghost", is_superuser=True, is_active=True)  # never saved: the row insert fails
    try:
        file_intake(actor=ghost, stream=io.BytesIO(samples.pdf_bytes()), original_name="a.pdf", channel=Channel.WEB)
    except ValueError:
        pass
    else:
        raise AssertionError("an unsaved uploader cannot be recorded")
    assert not Blob.objects.exists() and not StoredFile.objects.exists()
    assert stored_paths(files_dir) == []
