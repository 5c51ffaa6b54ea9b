"""Pages photographed with a phone's camera become one scanned PDF (issue 16): the clerk takes a photo of
each page of a paper document on "Tiếp nhận văn bản đến"; the photos, in the order taken, are turned
upright by their EXIF orientation, made into one page each (at most A4 at 300 dpi) and joined into one
PDF, which goes through the one intake (``file_intake``, channel ``scan``) and from there the OCR path
like any scan.

Refused before any page is made, with a Vietnamese message: photos together over ``FILE_MAX_BYTES``
(50 MB, 413), more than ``QLVB_PHOTO_MAX_PAGES`` photos, a file that is not a JPEG or PNG photo (HEIC,
the iPhone's default, is named: the camera must be set to JPEG, "Tương thích nhất"), an image larger
than ``QLVB_PHOTO_MAX_PIXELS`` (a decompression bomb: judged from the header, before decoding). Pages are
made one at a time (only one photo decoded in memory at once), then joined with pypdf."""

from __future__ import annotations

import io
import tempfile
import warnings
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfWriter

from qlvb.core.errors import PayloadTooLarge, UnsupportedMediaType, ValidationFailed

from .errors import ErrorCode
from .intake import file_intake, size_mb
from .models import Channel, StoredFile

if TYPE_CHECKING:
    from qlvb.directory.models import User

A4_LONG_SIDE = 3508  # pixels at 300 dpi
RESOLUTION = 300.0
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif")


def _name(photo: UploadedFile) -> str:
    return photo.name or "ảnh"


def _kind(head: bytes) -> str:
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "heic"
    return ""


def _refuse_kind(name: str, kind: str) -> UnsupportedMediaType:
    if kind == "heic":
        return UnsupportedMediaType(
            f"Ảnh “{name}” ở định dạng HEIC/HEIF, hệ thống chưa nhận. Hãy đặt camera chụp ảnh JPEG "
            "(trên iPhone: Cài đặt › Camera › Định dạng › Tương thích nhất) rồi chụp lại.",
            code=ErrorCode.FILE_TYPE_REFUSED,
        )
    return UnsupportedMediaType(
        f"Tệp “{name}” không phải ảnh chụp JPEG hoặc PNG: chỉ chụp ảnh các trang văn bản ở đây.",
        code=ErrorCode.FILE_TYPE_REFUSED,
    )


def photos_check(photos: Sequence[UploadedFile]) -> None:
    """The refusals that need no decoding: count, total size, type of each photo."""
    if not photos:
        raise ValidationFailed("Chưa có ảnh nào.", code=ErrorCode.FILE_EMPTY)
    if len(photos) > int(settings.QLVB_PHOTO_MAX_PAGES):
        raise ValidationFailed(
            f"Nhiều nhất {int(settings.QLVB_PHOTO_MAX_PAGES)} ảnh (trang) cho một văn bản.",
            code=ErrorCode.TEXT_TOO_MANY_PAGES,
        )
    limit = int(settings.FILE_MAX_BYTES)
    total = sum(int(p.size or 0) for p in photos)
    if total > limit:
        raise PayloadTooLarge(
            f"Các ảnh chụp cộng lại {size_mb(total)}, vượt quá {size_mb(limit)} cho một văn bản "
            "(Điều 8.4 Quy chế). Hãy chụp ở độ phân giải thấp hơn hoặc bớt ảnh.",
            code=ErrorCode.FILE_TOO_LARGE,
            details={"max_bytes": limit},
        )
    for photo in photos:
        photo.seek(0)
        kind = _kind(photo.read(16))
        photo.seek(0)
        if kind not in ("jpeg", "png"):
            raise _refuse_kind(_name(photo), kind)


def _page(photo: UploadedFile) -> bytes:
    """One PDF page of one photo: upright, RGB, at most A4 at 300 dpi."""
    max_pixels = int(settings.QLVB_PHOTO_MAX_PIXELS)

    def too_large(size: str) -> ValidationFailed:
        return ValidationFailed(
            f"Ảnh “{_name(photo)}” quá lớn ({size} điểm ảnh, tối đa {max_pixels // 1_000_000} triệu): không xử lý.",
            code=ErrorCode.TEXT_IMAGE_TOO_LARGE,
        )

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(photo)  # reads the header only
            width, height = image.size
            if width * height > max_pixels:
                raise too_large(f"{width}×{height}")
            if image.format not in ("JPEG", "PNG"):
                raise _refuse_kind(_name(photo), "")
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_large("hơn 89 triệu") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationFailed(
            f"Không đọc được ảnh “{_name(photo)}” (tệp hỏng hoặc không phải ảnh). Hãy chụp lại trang đó.",
            code=ErrorCode.UNREADABLE,
        ) from exc
    upright = ImageOps.exif_transpose(image)
    if upright.mode in ("RGBA", "LA", "P"):
        background = Image.new("RGB", upright.size, "white")
        converted = upright.convert("RGBA")
        background.paste(converted, mask=converted.getchannel("A"))
        upright = background
    elif upright.mode != "RGB":
        upright = upright.convert("RGB")
    upright.thumbnail((A4_LONG_SIDE, A4_LONG_SIDE))  # only ever smaller, keeps the proportions
    out = io.BytesIO()
    upright.save(out, "PDF", resolution=RESOLUTION, quality=85)
    return out.getvalue()


def photos_to_pdf(photos: Sequence[UploadedFile]) -> IO[bytes]:
    """One PDF of the photos, in the order given; a temporary file (on disk past 8 MB), at its start."""
    photos_check(photos)
    writer = PdfWriter()
    for photo in photos:
        writer.append(io.BytesIO(_page(photo)))
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 — handed to the caller
    writer.write(out)
    out.seek(0)
    return out


def photos_intake(*, actor: User, photos: Sequence[UploadedFile]) -> StoredFile:
    """The photos as one scanned PDF through the one intake (type, size, storage, then OCR after commit)."""
    pdf = photos_to_pdf(photos)
    try:
        return file_intake(
            actor=actor, stream=pdf, original_name=f"anh-chup-{len(photos)}-trang.pdf", channel=Channel.SCAN
        )
    finally:
        pdf.close()
