"""Vietnamese test scans made in the run: known text (a Quyết định, a công văn) rendered to a page
image at a given resolution, optionally with noise, a skew and a red stamp over part of the text,
and the character error rate (CER) of what OCR read back. Used by the accuracy test and by
``bench/bench_ocr.py``; fonts are the system's (Liberation Serif 2, DejaVu Serif)."""

from __future__ import annotations

import io
import random
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONTS = (
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
)

QUYET_DINH = """ỦY BAN NHÂN DÂN TỈNH NINH BÌNH
Số: 123/QĐ-UBND
Ninh Bình, ngày 05 tháng 3 năm 2026
QUYẾT ĐỊNH
Về việc phê duyệt kế hoạch chuyển đổi số năm 2026
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;
Theo đề nghị của Giám đốc Sở Thông tin và Truyền thông tại Tờ trình số 45/TTr-STTTT.
QUYẾT ĐỊNH:
Điều 1. Phê duyệt kế hoạch chuyển đổi số năm 2026 của tỉnh với các nội dung chủ yếu sau đây:
xây dựng hệ thống quản lý văn bản và điều hành thống nhất cho các cơ quan, đơn vị trên địa bàn;
số hóa hồ sơ, tài liệu lưu trữ; bảo đảm an toàn thông tin và dữ liệu cá nhân.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
Điều 3. Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc các sở, ban, ngành và Chủ tịch Ủy ban
nhân dân các huyện, thành phố chịu trách nhiệm thi hành Quyết định này.
Nơi nhận: Như Điều 3; Lưu: VT, KGVX.
KT. CHỦ TỊCH PHÓ CHỦ TỊCH
Nguyễn Văn Hùng"""

CONG_VAN = """SỞ TÀI CHÍNH TỈNH NINH BÌNH
Số: 456/STC-HCSN
V/v hướng dẫn quyết toán kinh phí năm 2025
Ninh Bình, ngày 12 tháng 01 năm 2026
Kính gửi: Ủy ban nhân dân các huyện, thành phố.
Thực hiện Thông tư số 137/2017/TT-BTC của Bộ Tài chính quy định xét duyệt, thẩm định, thông báo
và tổng hợp quyết toán năm, Sở Tài chính đề nghị các đơn vị lập báo cáo quyết toán kinh phí ngân
sách nhà nước năm 2025 theo đúng mẫu biểu quy định, gửi về Sở trước ngày 28 tháng 02 năm 2026.
Trong quá trình thực hiện, nếu có vướng mắc, đề nghị liên hệ phòng Hành chính sự nghiệp, số điện
thoại 0229 3871 234 để được hướng dẫn. Sở Tài chính trân trọng đề nghị các đơn vị quan tâm thực hiện.
Nơi nhận: Như trên; Lưu: VT, HCSN.
GIÁM ĐỐC
Trần Thị Lan"""

TEXTS = {"quyet-dinh": QUYET_DINH, "cong-van": CONG_VAN}


@dataclass(frozen=True)
class Scan:
    text: str
    dpi: int = 300
    noise: float = 0.0  # share of pixels flipped to a random grey
    skew: float = 0.0  # degrees
    stamp: bool = False  # a red seal over part of the signature block and the last lines

    @property
    def label(self) -> str:
        extras = [f"nhiễu {self.noise:.0%}"] if self.noise else []
        extras += [f"nghiêng {self.skew:g}°"] if self.skew else []
        extras += ["dấu đỏ"] if self.stamp else []
        return f"{self.dpi} dpi" + (", " + ", ".join(extras) if extras else ", sạch")


def font(size: int) -> ImageFont.FreeTypeFont:
    for path in FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    raise RuntimeError("Không có phông chữ Liberation Serif hoặc DejaVu Serif (fonts-liberation2).")


def render(scan: Scan, *, seed: int = 7) -> Image.Image:
    """An A4 page (RGB) at ``scan.dpi`` with the text in 13 pt, one line per line of ``scan.text``."""
    width, height = round(8.27 * scan.dpi), round(11.69 * scan.dpi)
    page = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(page)
    face = font(round(13 / 72 * scan.dpi))
    margin = round(0.8 * scan.dpi)
    y = margin
    line_height = round(13 / 72 * scan.dpi * 1.5)
    for line in scan.text.splitlines():
        draw.text((margin, y), line, fill="black", font=face)
        y += line_height
    if scan.stamp:
        _stamp(page, centre=(round(width * 0.62), y - 3 * line_height), radius=round(0.7 * scan.dpi))
    if scan.skew:
        page = page.rotate(scan.skew, resample=Image.Resampling.BICUBIC, expand=False, fillcolor="white")
    if scan.noise:
        _noise(page, share=scan.noise, seed=seed)
    return page


def _stamp(page: Image.Image, *, centre: tuple[int, int], radius: int) -> None:
    """A red round seal, drawn translucent over the text (as ink over print)."""
    layer = Image.new("RGBA", page.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    x, y = centre
    red = (220, 30, 40, 150)
    for r in (radius, radius - max(3, radius // 25), round(radius * 0.62)):
        draw.ellipse((x - r, y - r, x + r, y + r), outline=red, width=max(3, radius // 30))
    star = font(round(radius * 0.45))
    draw.text((x, y), "★", fill=red, font=star, anchor="mm")
    small = font(round(radius * 0.14))
    draw.text((x, y - round(radius * 0.8)), "ỦY BAN NHÂN DÂN", fill=red, font=small, anchor="mm")
    draw.text((x, y + round(radius * 0.8)), "TỈNH NINH BÌNH", fill=red, font=small, anchor="mm")
    page.paste(Image.alpha_composite(page.convert("RGBA"), layer).convert("RGB"))


def _noise(page: Image.Image, *, share: float, seed: int) -> None:
    rng = random.Random(seed)
    pixels = page.load()
    assert pixels is not None
    width, height = page.size
    for _ in range(int(width * height * share)):
        grey = rng.randint(0, 255)
        pixels[rng.randrange(width), rng.randrange(height)] = (grey, grey, grey)


def png_bytes(image: Image.Image, *, dpi: int) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi))
    return out.getvalue()


def pdf_bytes(image: Image.Image, *, dpi: int) -> bytes:
    """An image-only PDF (a scanner's output): one page, no text layer."""
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=float(dpi))
    return out.getvalue()


_SPACE = re.compile(r"\s+")


def normalised(text: str) -> str:
    """NFC, white space collapsed to single spaces: line breaks and layout do not count as errors."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions), two rows of memory."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def cer(reference: str, read: str) -> float:
    """Character error rate: edit distance over the reference's length, after :func:`normalised`."""
    ref, hyp = normalised(reference), normalised(read)
    return edit_distance(ref, hyp) / max(1, len(ref))
