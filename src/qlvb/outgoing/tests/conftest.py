"""Fixtures for the outgoing flow: a công văn draft as a real docx (laid out as NĐ 30 Phụ lục I), the
demo people, drafting helpers, and signing profiles on the signing app's test PKI."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

import pytest

from qlvb.directory.models import Unit, User
from qlvb.documents.models import DocumentType
from qlvb.files.intake import file_intake
from qlvb.files.models import StoredFile
from qlvb.files.tests.samples import a4_section, docx_package
from qlvb.outgoing import services
from qlvb.outgoing.models import Outgoing
from qlvb.signing.models import SigningProfile
from qlvb.signing.tests.conftest import (  # noqa: F401  (fixtures of the signing app's test PKI)
    agency_key,
    pki,
    seal_image,
    signature_image,
    signing_settings,
)
from qlvb.signing.tests.pki import AGENCY, P12_PASSWORD, PERSONAL

PIN = P12_PASSWORD

CONG_VAN_LINES: list[tuple[str, str]] = [
    ("ỦY BAN NHÂN DÂN XÃ LIÊN MINH", "left"),
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "right"),
    ("Độc lập - Tự do - Hạnh phúc", "right"),
    ("Số:        /UBND-VHXH", "left"),
    ("Liên Minh, ngày      tháng      năm 2026", "right"),
    ("V/v triển khai tiêm chủng mở rộng", "left"),
    ("Kính gửi: Trạm Y tế xã Liên Minh.", "center"),
    ("Ủy ban nhân dân xã đề nghị Trạm Y tế xã triển khai kế hoạch tiêm chủng mở rộng năm 2026.", "both"),
    ("Nơi nhận:", "left"),
    ("- Như trên;", "left"),
    ("- Lưu: VT, VHXH.", "left"),
    ("CHỦ TỊCH", "right"),
    ("", "right"),
    ("", "right"),
    ("", "right"),
    ("", "right"),
    ("Nguyễn Văn Hùng", "right"),
]


def docx_bytes(lines: list[tuple[str, str]] | None = None, *, pages: int = 1) -> bytes:
    """A real Office Open XML document (what Word saves), Times New Roman 13 pt."""
    body = []
    for page in range(pages):
        for text, align in lines or CONG_VAN_LINES:
            body.append(
                f'<w:p><w:pPr><w:jc w:val="{align}"/></w:pPr><w:r><w:rPr>'
                '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman"/><w:sz w:val="26"/></w:rPr>'
                f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'
            )
        if page < pages - 1:
            body.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
    return docx_package("".join(body) + a4_section(left=1814))


def upload(actor: User, data: bytes, name: str = "du-thao.docx") -> StoredFile:
    return file_intake(actor=actor, stream=io.BytesIO(data), original_name=name, channel="web")


@pytest.fixture(autouse=True)
def files_dir(settings: Any, tmp_path: Any) -> None:
    settings.FILES_DIR = tmp_path / "files"


@pytest.fixture
def eager() -> Any:
    """Celery tasks run in the calling process (event consumers, notifications)."""
    from qlvb.celery_app import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def committed(eager: None, django_capture_on_commit_callbacks: Any) -> Any:
    """``with committed(): action()`` — the action's after-commit work (Celery, eager) runs at the end of
    the block, as it does when a real transaction commits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(scope="session")
def cong_van_docx() -> bytes:
    return docx_bytes()


@pytest.fixture
def ubnd(demo: None) -> Unit:
    return Unit.objects.get(short_name="UBND", kind="agency")


@pytest.fixture
def tyt(demo: None) -> Unit:
    return Unit.objects.get(short_name="TYT", kind="agency")


@pytest.fixture
def cong_van(db: None) -> DocumentType:
    return DocumentType.objects.get(name="Công văn")


@pytest.fixture
def draft(person: Callable[[str], User], tyt: Unit, cong_van: DocumentType) -> Callable[..., Outgoing]:
    """``draft(**overrides)`` → a công văn drafted by Đỗ Thanh Hương to Trạm Y tế, signer Nguyễn Văn Hùng."""

    def make(actor: User | None = None, **overrides: Any) -> Outgoing:
        values: dict[str, Any] = {
            "doc_type": cong_van,
            "subject": "Triển khai tiêm chủng mở rộng",
            "signer": person("nguyenvanhung"),
            "competence": "",
            "recipients": [tyt],
            "drafter_initials": "ĐTH",
            "copy_count": 5,
            "free_recipients": "Như trên;\nLưu: VT, VHXH.",
        }
        values.update(overrides)
        return services.outgoing_create(actor=actor or person("dothanhhuong"), data=services.DraftData(**values))

    return make


@pytest.fixture
def with_version(person: Callable[[str], User], cong_van_docx: bytes) -> Callable[[Outgoing], Outgoing]:
    def add(outgoing: Outgoing, actor: User | None = None, data: bytes | None = None) -> Outgoing:
        who = actor or outgoing.drafter
        version = services.version_upload(actor=who, outgoing=outgoing, stored_file=upload(who, data or cong_van_docx))
        services.version_convert(version_id=version.pk)  # what the Celery task does after the commit
        return Outgoing.objects.get(pk=outgoing.pk)

    return add


ALL_OK = dict.fromkeys(services.FORMAT_CHECKLIST, True)


@pytest.fixture
def to_sign(
    draft: Callable[..., Outgoing], with_version: Callable[..., Outgoing], person: Callable[[str], User]
) -> Callable[..., Outgoing]:
    """A draft through review and format check, waiting for the signer."""

    def make(**overrides: Any) -> Outgoing:
        outgoing = with_version(draft(**overrides))
        services.outgoing_submit(actor=outgoing.drafter, outgoing=outgoing)
        services.outgoing_approve(actor=person("hoangvannam"), outgoing=outgoing)
        services.outgoing_format_check(actor=person("lethuha"), outgoing=outgoing, checks=ALL_OK)
        return Outgoing.objects.get(pk=outgoing.pk)

    return make


@pytest.fixture
def profiles(
    signing_settings: Any,  # noqa: F811
    person: Callable[[str], User],
    ubnd: Unit,
    signature_image: bytes,  # noqa: F811
    seal_image: bytes,  # noqa: F811
) -> None:
    SigningProfile.objects.create(
        user=person("nguyenvanhung"),
        method="pkcs12",
        pkcs12_path=str(signing_settings.p12(PERSONAL)),
        image_png=signature_image,
    )
    SigningProfile.objects.create(
        agency=ubnd, method="pkcs12", pkcs12_path=str(signing_settings.p12(AGENCY)), image_png=seal_image
    )


@pytest.fixture
def signed(to_sign: Callable[..., Outgoing], profiles: None, person: Callable[[str], User]) -> Callable[..., Outgoing]:
    def make(**overrides: Any) -> Outgoing:
        outgoing = to_sign(**overrides)
        return services.outgoing_sign(actor=person("nguyenvanhung"), outgoing=outgoing, pin=PIN)

    return make


@pytest.fixture
def issued(signed: Callable[..., Outgoing], person: Callable[[str], User], committed: Any) -> Callable[..., Outgoing]:
    """An issued document whose issue has committed: the exchange has carried its deliveries (internal
    recipients hold their copy, status 01)."""

    def make(**overrides: Any) -> Outgoing:
        clerk = person("lethuha")
        outgoing = signed(**overrides)
        services.outgoing_number(actor=clerk, outgoing=outgoing)
        services.outgoing_sign_agency(actor=clerk, outgoing=outgoing, pin=PIN)
        with committed():
            return services.outgoing_issue(actor=clerk, outgoing=outgoing)

    return make


def signed_documents(pdf: bytes, count: int) -> list[int]:
    """``count`` new công văn of Đỗ Thanh Hương, each at state signed with its own stored copy of ``pdf`` (a
    personally signed PDF): what the signer's step leaves, without converting and signing each again.
    Returns their ids. Plain function (no fixture), so that a test's subprocess can call it too."""
    from django.db import transaction

    from qlvb.outgoing.models import State

    drafter = User.objects.get(username="ublienminh_dothanhhuong")
    signer = User.objects.get(username="ublienminh_nguyenvanhung")
    cong_van = DocumentType.objects.get(name="Công văn")
    ids = []
    for i in range(count):
        outgoing = services.outgoing_create(
            actor=drafter,
            data=services.DraftData(
                doc_type=cong_van, subject=f"Cấp số song song {i}", signer=signer, free_recipients="Như trên"
            ),
        )
        stored = file_intake(actor=signer, stream=io.BytesIO(pdf), original_name=f"ky-{i}.pdf", channel="system")
        with transaction.atomic():
            Outgoing.objects.filter(pk=outgoing.pk).update(state=State.SIGNED, signed_pdf=stored)
        ids.append(outgoing.pk)
    return ids
