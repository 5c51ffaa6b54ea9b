"""Issue 16: the clerk photographs the pages of a paper document with the phone straight into "Tiếp nhận
văn bản đến": several photos become the document's one scanned PDF, in the order taken; a photo and a
file together, a photo that is not one, photos over 50 MB are refused on the form, nothing registered."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from qlvb.documents.models import Document
from qlvb.files.storage import open_verified
from qlvb.files.tests.photos import HEIC_HEAD, photo_jpeg

from .test_after_registration import _form
from .test_attachments import pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def files_dir(settings: Any, tmp_path: Any) -> Any:
    settings.FILES_DIR = tmp_path / "files"
    return settings.FILES_DIR


def _photo(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def test_the_form_offers_the_back_camera(client: Any, person: Any) -> None:
    client.force_login(person("lethuha"))
    page = client.get(reverse("incoming:receive")).content.decode()
    assert 'accept="image/*"' in page and 'capture="environment"' in page and "multiple" in page


def test_two_photos_register_as_one_scanned_pdf(client: Any, person: Any, files_dir: Any) -> None:
    client.force_login(person("lethuha"))
    photos = [_photo("IMG_0001.jpg", photo_jpeg(600, 800)), _photo("IMG_0002.jpg", photo_jpeg(1000, 400))]
    response = client.post(reverse("incoming:receive"), _form(photos=photos))
    assert response.status_code == 302, response.content.decode()[:2000]
    document = Document.objects.get(code_number="45")
    attachment = document.attachments.get()
    stored = attachment.stored_file
    assert stored.name == "anh-chup-2-trang.pdf" and stored.channel == "scan"
    with open_verified(stored.blob.sha256) as handle:
        reader = PdfReader(handle)
        sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
    assert len(sizes) == 2 and sizes[0][1] > sizes[0][0] and sizes[1][0] > sizes[1][1]  # in the order taken


def test_refused_photos_register_nothing(client: Any, person: Any, files_dir: Any, settings: Any) -> None:
    client.force_login(person("lethuha"))
    heic = client.post(reverse("incoming:receive"), _form(photos=[_photo("IMG_0003.HEIC", HEIC_HEAD)]))
    assert heic.status_code == 415 and "HEIC" in heic.content.decode()
    both = client.post(
        reverse("incoming:receive"),
        _form(
            photos=[_photo("a.jpg", photo_jpeg(60, 80))],
            main_file=SimpleUploadedFile("qd.pdf", pdf_bytes(1), content_type="application/pdf"),
        ),
    )
    assert both.status_code == 422 and "không dùng cả hai" in both.content.decode()
    one = photo_jpeg(200, 300)
    settings.FILE_MAX_BYTES = len(one) * 2 - 1
    over = client.post(reverse("incoming:receive"), _form(photos=[_photo("a.jpg", one), _photo("b.jpg", one)]))
    assert over.status_code == 413 and "vượt quá" in over.content.decode()
    assert not Document.objects.filter(code_number="45").exists()
