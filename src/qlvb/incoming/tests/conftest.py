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

    def run(*, actor: User | None = None, agency: Unit | None = None, channel: str = "email",
            confirm_duplicate: bool = False, **fields: Any) -> Document:
        clerk = actor or person("lethuha")
        return incoming_receive(actor=clerk, agency=agency or ubnd, channel=channel, data=make_data(**fields),
                                confirm_duplicate=confirm_duplicate).document

    return run


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """The demo's eleven accounts are hashed with Argon2 otherwise (seconds per test); login still works."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
