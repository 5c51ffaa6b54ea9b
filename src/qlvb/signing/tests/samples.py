"""Sample documents and images for the signing tests and benchmark: a Quyết định laid out as
NĐ 30 Phụ lục I (number line, place/date line, signer block with title and name), multi-page
documents, and a blue signature / red seal PNG with transparent background."""

from __future__ import annotations

import io
import math
from pathlib import Path

from fpdf import FPDF
from PIL import Image, ImageDraw

from qlvb.signing.demo import seal_image

FONT_DIRS = (
    "/usr/share/fonts/truetype/liberation2",
    "/usr/share/fonts/truetype/liberation",
    "/usr/share/fonts/truetype/dejavu",
)
SIGNER_NAME = "Nguyễn Văn Hùng"
SIGNER_TITLE = "CHỦ TỊCH"


def _font(pdf: FPDF) -> str:
    for directory in FONT_DIRS:
        regular = Path(directory) / "LiberationSerif-Regular.ttf"
        bold = Path(directory) / "LiberationSerif-Bold.ttf"
        if regular.exists():
            pdf.add_font("Serif", "", str(regular))
            pdf.add_font("Serif", "B", str(bold))
            return "Serif"
    dejavu = Path(FONT_DIRS[-1]) / "DejaVuSerif.ttf"
    pdf.add_font("Serif", "", str(dejavu))
    pdf.add_font("Serif", "B", str(dejavu))
    return "Serif"


def decision_pdf(
    pages: int = 1, *, signer_name: str = SIGNER_NAME, title: str = SIGNER_TITLE, second_signer: str = ""
) -> bytes:
    """A Quyết định of ``pages`` A4 pages; the signer block is on the last page (with
    ``second_signer``, a joint document: a second block on the left instead of "Nơi nhận")."""
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(30, 20, 15)
    pdf.set_auto_page_break(False)
    family = _font(pdf)
    for index in range(pages):
        pdf.add_page()
        if index == 0:
            pdf.set_font(family, "", 13)
            pdf.set_xy(30, 20)
            pdf.cell(70, 6, "ỦY BAN NHÂN DÂN", align="C")
            pdf.set_font(family, "B", 13)
            pdf.cell(95, 6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C")
            pdf.set_xy(30, 26)
            pdf.cell(70, 6, "XÃ LIÊN MINH", align="C")
            pdf.cell(95, 6, "Độc lập - Tự do - Hạnh phúc", align="C")
            pdf.set_font(family, "", 13)
            pdf.set_xy(30, 36)
            pdf.cell(70, 6, "Số:        /QĐ-UBND", align="C")
            pdf.set_xy(100, 36)
            pdf.cell(95, 6, "Liên Minh, ngày     tháng     năm 2026", align="C")
            pdf.set_font(family, "B", 14)
            pdf.set_xy(30, 50)
            pdf.cell(165, 7, "QUYẾT ĐỊNH", align="C")
            pdf.set_xy(30, 57)
            pdf.cell(165, 7, "Về việc ban hành Quy chế quản lý văn bản và điều hành", align="C")
            top = 72
        else:
            top = 20
        pdf.set_font(family, "", 14)
        pdf.set_xy(30, top)
        body = (
            f"Trang {index + 1}. Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ "
            "về công tác văn thư; xét đề nghị của Văn phòng HĐND và UBND xã. "
        ) * 6
        pdf.multi_cell(165, 7, body)
        if index == pages - 1:
            pdf.set_font(family, "B", 13)
            pdf.set_xy(110, 200)
            pdf.cell(85, 6, "TM. ỦY BAN NHÂN DÂN", align="C")
            pdf.set_xy(110, 206)
            pdf.cell(85, 6, title, align="C")
            pdf.set_xy(110, 240)
            pdf.cell(85, 6, signer_name, align="C")
            if second_signer:
                pdf.set_font(family, "B", 13)
                pdf.set_xy(30, 206)
                pdf.cell(70, 6, "PHÓ CHỦ TỊCH", align="C")
                pdf.set_xy(30, 240)
                pdf.cell(70, 6, second_signer, align="C")
                continue
            pdf.set_font(family, "B", 12)
            pdf.set_xy(30, 200)
            pdf.cell(70, 6, "Nơi nhận:")
            pdf.set_font(family, "", 11)
            pdf.set_xy(30, 206)
            pdf.cell(70, 5, "- Như Điều 3;")
            pdf.set_xy(30, 211)
            pdf.cell(70, 5, "- Lưu: VT, VP.")
    return bytes(pdf.output())


def attachment_pdf(pages: int = 1) -> bytes:
    pdf = FPDF(format="A4", unit="mm")
    family = _font(pdf)
    for index in range(pages):
        pdf.add_page()
        pdf.set_font(family, "B", 14)
        pdf.set_xy(30, 40)
        pdf.cell(165, 7, f"PHỤ LỤC — Danh mục hồ sơ (trang {index + 1})", align="C")
    return bytes(pdf.output())


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def signature_png(width: int = 600, height: int = 240) -> bytes:
    """A blue handwritten-looking stroke on a transparent background."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [
        (int(40 + t * (width - 80) / 200), int(height / 2 + math.sin(t / 9) * height / 3 * math.cos(t / 31)))
        for t in range(201)
    ]
    draw.line(points, fill=(20, 40, 200, 255), width=8)
    draw.line([(60, height - 50), (width - 60, height - 70)], fill=(20, 40, 200, 255), width=5)
    return _png(image)


def seal_png() -> bytes:
    """A red round seal on a transparent background, 500 px: the demo's (``signing.demo.seal_image``)."""
    return seal_image()


def opaque_png() -> bytes:
    """A PNG without transparency (refused as a signature image)."""
    return _png(Image.new("RGB", (400, 160), (255, 255, 255)))
