"""OCRmyPDF with Tesseract for ``extraction.py``: the filter for what Tesseract sees, the reading of
OCRmyPDF's temporary folder (Tesseract's text and word confidences per page), and its refusals."""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path

from qlvb.core.errors import ValidationFailed
from qlvb.files.errors import ErrorCode

MAX_TEXT = 64 * 1024 * 1024  # bytes of text kept from one tool's output


class TextRefused(ValidationFailed):
    """The text of this file cannot be had (encrypted, too large, corrupt, too slow): the reason says why."""


# An OCRmyPDF plug-in (written beside each run, loaded by OCRmyPDF's own Python): the image that
# Tesseract sees — not the one kept in the PDF/A copy — is the red channel of the page (the grey of a
# grey page), median-filtered (scanner specks away), cut at 80 % of the paper's brightness. A red seal
# and its pink halo turn white; black and blue ink stay dark.
OCR_FILTER_PLUGIN = """
from ocrmypdf import hookimpl
from PIL import ImageFilter


@hookimpl
def filter_ocr_image(page, image):
    if image.mode == "1":  # already black and white
        return image
    red = image.convert("RGB").getchannel("R").filter(ImageFilter.MedianFilter(3))  # specks away
    histogram = red.histogram()
    paper = max(range(128, 256), key=lambda value: histogram[value])
    cut = int(paper * 0.8)
    return red.point(lambda value: 0 if value < cut else 255)
"""


def ocr_refusal(done: subprocess.CompletedProcess[bytes], name: str) -> TextRefused:
    err = done.stderr.decode("utf-8", "replace")
    if done.returncode == 8 or "encrypt" in err.lower():
        return TextRefused(
            f"Tệp PDF “{name}” được mã hóa nên không nhận dạng được chữ. Tệp vẫn được lưu và dùng được.",
            code=ErrorCode.TEXT_ENCRYPTED,
        )
    if "decompression bomb" in err.lower() or "DecompressionBomb" in err:
        return TextRefused(
            f"Tệp “{name}” chứa ảnh quá lớn (vượt QLVB_TEXT_MAX_MEGAPIXELS) nên không nhận dạng chữ.",
            code=ErrorCode.TEXT_IMAGE_TOO_LARGE,
        )
    if "digital signature" in err.lower():
        return TextRefused(
            f"Tệp PDF “{name}” đã ký số và không có lớp chữ; bản ký số được giữ nguyên nên không nhận dạng chữ.",
            code=ErrorCode.TEXT_SIGNED_SCAN,
        )
    if done.returncode < 0 or done.returncode > 128 or "MemoryError" in err:
        return TextRefused(
            f"Nhận dạng chữ tệp “{name}” dừng vì vượt giới hạn bộ nhớ hoặc thời gian xử lý cho phép.",
            code=ErrorCode.TEXT_LIMIT,
        )
    return TextRefused(
        f"Không nhận dạng được chữ trong tệp “{name}” (tệp hỏng hoặc không đúng định dạng).",
        code=ErrorCode.TEXT_OCR_FAILED,
    )


def tesseract_pages(work: Path) -> dict[int, str]:
    """The text Tesseract wrote for each OCRed page (``000001_ocr_tess.txt``, OCRmyPDF's temporary folder)."""
    found = {}
    for path in work.rglob("*_ocr_tess.txt"):
        number = path.name.split("_", 1)[0]
        if number.isdigit() and path.stat().st_size <= MAX_TEXT:
            found[int(number)] = path.read_text("utf-8", "replace").strip()
    return found


def mean_confidence(work: Path) -> float | None:
    """Mean of Tesseract's word confidences (the TSV files OCRmyPDF left in its temporary folder)."""
    total, words = 0.0, 0
    for tsv in work.rglob("*.tsv"):
        for line in tsv.read_text("utf-8", "replace").splitlines()[1:]:
            cells = line.split("\t")
            if len(cells) == 12 and cells[0] == "5" and cells[11].strip():
                with contextlib.suppress(ValueError):
                    conf = float(cells[10])
                    if conf >= 0:
                        total, words = total + conf, words + 1
    return round(total / words, 1) if words else None
