"""Fixtures for the incoming flow: document types, a helper that registers a document as a clerk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from qlvb.directory.models import Unit, User
from qlvb.documents.models import Document, DocumentType
from qlvb.incoming.services import IncomingData, incoming_receive


@pytest.fixture
def ubnd(demo: None) -> Unit:
    return Unit.objects.get(short_name="UBND", kind="agency")


@pytest.fixture
def tyt(demo: None) -> Unit:
    return Unit.objects.get(short_name="TYT", kind="agency")


@pytest.fixture
def dept(ubnd: Unit) -> Callable[[str], Unit]:
    return lambda short: Unit.objects.get(short_name=short, agency=ubnd)


@pytest.fixture
def quyet_dinh(db: None) -> DocumentType:
    return DocumentType.objects.get(name="Quyết định")


def make_data(doc_type: DocumentType | None = None, **overrides: Any) -> IncomingData:
    values: dict[str, Any] = {
        "doc_type": doc_type or DocumentType.objects.get(name="Công văn"),
        "subject": "Về việc triển khai tiêm chủng mở rộng năm 2026",
        "organ_name": "Ủy ban nhân dân huyện Mê Linh",
        "code_number": "15",
        "code_notation": "UBND-VX",
        "issued_date": dt.date(2026, 3, 2),
        "signer_position": "Chủ tịch",
        "signer_name": "Nguyễn Văn An",
    }
    values.update(overrides)
    return IncomingData(**values)


@pytest.fixture
def receive(person: Callable[[str], User], ubnd: Unit) -> Callable[..., Document]:
    """``receive(**fields)`` → a document registered by the UBND clerk Lê Thu Hà."""

    def run(
        *,
        actor: User | None = None,
        agency: Unit | None = None,
        channel: str = "email",
        confirm_duplicate: bool = False,
        **fields: Any,
    ) -> Document:
        clerk = actor or person("lethuha")
        return incoming_receive(
            actor=clerk,
            agency=agency or ubnd,
            channel=channel,
            data=make_data(**fields),
            confirm_duplicate=confirm_duplicate,
        ).document

    return run


@pytest.fixture(scope="session")
def test_pki(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The signing app's test PKI (root, intermediate, personal certificate of Nguyễn Văn Hùng…) with its
    OCSP/CRL/TSA served over real HTTP on 127.0.0.1."""
    from qlvb.signing.tests.pki import start_test_pki

    running = start_test_pki(tmp_path_factory.mktemp("pki-incoming"))
    yield running
    running.stop()


@pytest.fixture
def verifying(settings: Any, test_pki: Any, tmp_path: Any) -> Any:
    """Trust the test root, fetch revocation data from its responders, run Celery tasks in-process."""
    settings.QLVB_TRUST_ANCHORS_DIR = str(test_pki.anchors_dir())
    settings.QLVB_VERIFY_FETCH = "1"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.FILES_DIR = tmp_path / "files"
    # Celery reads the Django settings once; once its configuration is loaded a changed setting is not seen.
    from qlvb.celery_app import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield test_pki
    app.conf.task_always_eager = before
