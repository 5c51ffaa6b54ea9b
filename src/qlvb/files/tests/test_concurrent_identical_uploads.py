"""Identical content uploaded at the same moment by several people: one blob, every upload recorded,
the content present and intact (PostgreSQL: real concurrent transactions), on the folder store and on S3."""

from __future__ import annotations

import io
import threading

import pytest
from django.db import connection, connections

from qlvb.directory.demo import load_demo
from qlvb.directory.models import User
from qlvb.files import s3store
from qlvb.files.intake import file_intake
from qlvb.files.models import Blob, Channel, StoredFile
from qlvb.files.services import file_open

from . import samples
from .conftest import stored_paths


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_identical_uploads_at_once(store, files_dir):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real concurrent transactions")
    load_demo()
    names = ["lethuha", "dothanhhuong", "ngothuytrang", "hoangvannam", "vuquanghuy", "phamthimai"]
    users = [User.objects.get(username=f"ublienminh_{n}") for n in names]
    data = samples.pdf_bytes()
    barrier = threading.Barrier(len(users))
    errors: list[BaseException] = []

    def upload(user: User) -> None:
        try:
            barrier.wait(timeout=30)
            file_intake(actor=user, stream=io.BytesIO(data), original_name=f"{user.username}.pdf", channel=Channel.API)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=upload, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert Blob.objects.count() == 1
    assert StoredFile.objects.count() == len(users)
    sha = Blob.objects.get().sha256
    if store == "s3":  # one object, under its content address
        assert [key for key, _size in s3store.objects()] == [f"{sha[:2]}/{sha[2:4]}/{sha}"]
        assert stored_paths(files_dir / "tmp") == []
    else:
        assert [p.name for p in stored_paths(files_dir)] == [sha]
    for stored in StoredFile.objects.all():
        assert stored.uploaded_by is not None
        with file_open(actor=stored.uploaded_by, stored_file=stored).handle as fh:
            assert fh.read() == data
