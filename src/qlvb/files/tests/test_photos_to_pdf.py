"""Issue 16: pages photographed with a phone become one scanned PDF (files/photos.py): in the order taken,
upright by their EXIF orientation, one page each; refused clearly — over 50 MB together, not a photo,
HEIC, a decompression bomb, a broken photo — before any page is made."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from qlvb.core.errors import PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from qlvb.files.photos import photos_intake, photos_to_pdf

from .photos import HEIC_HEAD, photo_jpeg, photo_png, png_bomb


def _upload(name: str, content: bytes, kind: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=kind)


def _pages(photos: list[SimpleUploadedFile]) -> list[tuple[float, float]]:
    reader = PdfReader(photos_to_pdf(photos))
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]


def test_photos_become_one_pdf_in_order_and_upright() -> None:
    pages = _pages(
        [
            # the phone held upright: the sensor wrote 800×600 and the EXIF says "turn 90°"
            _upload("IMG_0001.jpg", photo_jpeg(800, 600, orientation=6, mark="trang 1")),
            _upload("IMG_0002.jpg", photo_jpeg(1000, 400, mark="trang 2")),  # a wide page, no turn
            _upload("Screenshot.png", photo_png(300, 300), "image/png"),
        ]
    )
    assert len(pages) == 3
    (w1, h1), (w2, h2), (w3, h3) = pages
    assert h1 > w1  # upright: portrait
    assert w2 / h2 == pytest.approx(2.5, rel=0.01)  # the second photo is the second page
    assert w3 == pytest.approx(h3)
    assert w1 == pytest.approx(600 * 72 / 300, rel=0.01)  # 300 dpi: a page's size follows its pixels


def test_a_huge_photo_is_scaled_down_to_a4_at_300_dpi() -> None:
    ((width, height),) = _pages([_upload("big.jpg", photo_jpeg(4000, 6000))])
    assert height == pytest.approx(3508 * 72 / 300, rel=0.01) and width < height


def test_photos_over_50_mb_together_are_refused(settings: Any) -> None:
    one = photo_jpeg(200, 300)
    settings.FILE_MAX_BYTES = len(one) * 2 - 1  # two photos pass the limit by one byte
    with pytest.raises(PayloadTooLarge) as refused:
        photos_to_pdf([_upload("a.jpg", one), _upload("b.jpg", one)])
    assert "vượt quá" in refused.value.message and refused.value.status_code == 413


def test_heic_is_named_and_explained() -> None:
    with pytest.raises(UnsupportedMediaType) as refused:
        photos_to_pdf([_upload("a.jpg", photo_jpeg(100, 100)), _upload("IMG_0002.HEIC", HEIC_HEAD, "image/heic")])
    assert "HEIC" in refused.value.message and "Tương thích nhất" in refused.value.message
    assert refused.value.status_code == 415


@pytest.mark.parametrize(
    "content",
    [b"%PDF-1.7\n", b"PK\x03\x04 a zip", "Biên bản họp".encode(), b"GIF89a" + b"\x00" * 20],
    ids=["pdf", "zip", "text", "gif"],
)
def test_what_is_not_a_jpeg_or_png_photo_is_refused(content: bytes) -> None:
    with pytest.raises(UnsupportedMediaType) as refused:
        photos_to_pdf([_upload("anh.jpg", content)])
    assert "không phải ảnh chụp JPEG hoặc PNG" in refused.value.message


def test_a_decompression_bomb_is_refused_from_its_header() -> None:
    bomb = png_bomb()
    assert len(bomb) < 1000
    with pytest.raises(ValidationFailed) as refused:
        photos_to_pdf([_upload("bom.png", bomb, "image/png")])
    assert "quá lớn" in refused.value.message


def test_a_photo_over_the_pixel_limit_is_refused(settings: Any) -> None:
    settings.QLVB_PHOTO_MAX_PIXELS = 1_000_000
    with pytest.raises(ValidationFailed) as refused:
        photos_to_pdf([_upload("a.jpg", photo_jpeg(1200, 900))])
    assert "1200×900" in refused.value.message


def test_a_broken_photo_is_refused() -> None:
    broken = photo_jpeg(400, 300)[:200]
    with pytest.raises(ValidationFailed) as refused:
        photos_to_pdf([_upload("hong.jpg", broken)])
    assert "Không đọc được ảnh “hong.jpg”" in refused.value.message


def test_too_many_photos_and_none_are_refused(settings: Any) -> None:
    settings.QLVB_PHOTO_MAX_PAGES = 2
    one = photo_jpeg(50, 50)
    with pytest.raises(ValidationFailed):
        photos_to_pdf([_upload(f"{i}.jpg", one) for i in range(3)])
    with pytest.raises(ValidationFailed):
        photos_to_pdf([])


@pytest.mark.django_db
def test_the_pdf_goes_through_the_one_intake_as_a_scan(person: Any) -> None:
    stored = photos_intake(
        actor=person("lethuha"), photos=[_upload("1.jpg", photo_jpeg(600, 800)), _upload("2.jpg", photo_jpeg(600, 800))]
    )
    assert stored.name == "anh-chup-2-trang.pdf" and stored.channel == "scan"
    assert stored.blob.kind == "pdf" and stored.blob.content_type == "application/pdf"
