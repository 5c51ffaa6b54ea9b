"""A corpus of văn bản for measuring the fields read from their text (``documents/fieldread.py``, issue 12).

Each document is made from the layout of Nghị định 30/2020 Phụ lục I/III (organ, quốc hiệu, số/ký hiệu,
place and date, type and subject or "V/v", body, Nơi nhận, authority and position, signer) for one of
seven types — Quyết định, Công văn, Thông báo, Kế hoạch, Giấy mời, Tờ trình, Báo cáo — with the variations
agencies and tools really produce:

- the header's two columns read one after the other (pdftotext) or side by side on one line (OCR);
- "Số:" written "Số : 15 / QĐ-UBND", "Số:15/QĐ-UBND", "Số: 15/QĐ - UBND";
- the subject broken over two lines; an urgency stamp; governing + issuing organ on two lines;
- the whole text without diacritics (a poor OCR);
- some as scans: the page drawn with two columns (Pillow, Liberation Serif 13 pt), saved as an image-only
  PDF at 300 or 200 dpi, read by the project's OCR pipeline (OCRmyPDF + Tesseract ``vie``).

    python bench/fields_corpus.py [OUT]     # writes OUT/NN-type.txt (or .pdf) and OUT/truth.json

The truth is the value a clerk registers (accents, the organ's name as written in a sentence; the "V/v"
of a công văn left out of the subject). Deterministic (seeded).
"""

from __future__ import annotations

import io
import json
import random
import sys
import textwrap
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")

# (lines of the header in capitals, the organ's name as registered, notation's organ part, place)
ORGANS = [
    (["ỦY BAN NHÂN DÂN", "HUYỆN BẾN LỨC"], "Ủy ban nhân dân huyện Bến Lức", "UBND", "Bến Lức"),
    (["ỦY BAN NHÂN DÂN", "TỈNH NINH BÌNH"], "Ủy ban nhân dân tỉnh Ninh Bình", "UBND", "Ninh Bình"),
    (["ỦY BAN NHÂN DÂN", "XÃ LIÊN MINH"], "Ủy ban nhân dân xã Liên Minh", "UBND", "Liên Minh"),
    (["UBND TỈNH LONG AN", "SỞ TÀI CHÍNH"], "Sở Tài chính", "STC", "Long An"),
    (["UBND HUYỆN BẾN LỨC", "PHÒNG TÀI CHÍNH - KẾ HOẠCH"], "Phòng Tài chính - Kế hoạch", "TCKH", "Bến Lức"),
    (["UBND TỈNH NINH BÌNH", "SỞ GIÁO DỤC VÀ ĐÀO TẠO"], "Sở Giáo dục và Đào tạo", "SGDĐT", "Ninh Bình"),
    (["ỦY BAN NHÂN DÂN", "THÀNH PHỐ TÂN AN"], "Ủy ban nhân dân thành phố Tân An", "UBND", "Tân An"),
    (["UBND HUYỆN MÊ LINH", "PHÒNG NỘI VỤ"], "Phòng Nội vụ", "PNV", "Mê Linh"),
]
SIGNERS = [
    (["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], "Phó Chủ tịch", "Nguyễn Văn An"),
    (["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], "Chủ tịch", "Trần Thị Lan"),
    (["GIÁM ĐỐC"], "Giám đốc", "Lê Hoàng Minh"),
    (["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"], "Phó Giám đốc", "Phạm Thị Thu Hà"),
    (["TRƯỞNG PHÒNG"], "Trưởng phòng", "Đỗ Thanh Hương"),
    (["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"], "Chánh Văn phòng", "Võ Minh Tuấn"),
]
# type, abbreviation (None: công văn), subjects
TYPES = [
    (
        "Quyết định",
        "QĐ",
        [
            "Về việc phê duyệt kế hoạch chuyển đổi số năm 2026",
            "Về việc thành lập Tổ công tác rà soát thủ tục hành chính",
            "Về việc kiện toàn Ban chỉ đạo phòng, chống thiên tai và tìm kiếm cứu nạn",
        ],
    ),
    (
        "Công văn",
        None,
        [
            "hướng dẫn quyết toán kinh phí năm 2025",
            "đôn đốc thực hiện tiêm chủng mở rộng",
            "rà soát hộ nghèo, hộ cận nghèo năm 2026",
        ],
    ),
    (
        "Thông báo",
        "TB",
        [
            "Kết luận của Chủ tịch tại cuộc họp giao ban tháng 3 năm 2026",
            "Về việc nghỉ Tết Nguyên đán năm 2027",
            "Lịch tiếp công dân định kỳ của lãnh đạo quý II năm 2026",
        ],
    ),
    (
        "Kế hoạch",
        "KH",
        [
            "Triển khai công tác cải cách hành chính năm 2026",
            "Tổ chức Hội khỏe Phù Đổng cấp huyện năm 2026",
            "Phòng, chống dịch bệnh sốt xuất huyết năm 2026",
        ],
    ),
    (
        "Giấy mời",
        "GM",
        [
            "Dự hội nghị sơ kết công tác quý I năm 2026",
            "Dự buổi làm việc về giải phóng mặt bằng dự án đường tỉnh 830",
            "Dự lễ khai giảng năm học 2026 - 2027",
        ],
    ),
    (
        "Tờ trình",
        "TTr",
        [
            "Về việc đề nghị phê duyệt dự toán kinh phí sửa chữa trụ sở",
            "Về việc đề nghị khen thưởng tập thể, cá nhân có thành tích xuất sắc",
            "Về việc xin chủ trương đầu tư xây dựng nhà văn hóa ấp",
        ],
    ),
    (
        "Báo cáo",
        "BC",
        [
            "Tình hình kinh tế - xã hội quý I năm 2026",
            "Kết quả thực hiện công tác văn thư, lưu trữ năm 2025",
            "Công tác phòng, chống tham nhũng năm 2025",
        ],
    ),
]
BODY = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
    "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh tại Công văn số 1234/UBND-KT ngày 10 tháng 02 năm 2026,",
    "đề nghị các cơ quan, đơn vị triển khai thực hiện nghiêm túc, báo cáo kết quả trước ngày 30 tháng 6 năm 2026.",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, kịp thời báo cáo để được hướng dẫn, giải quyết.",
]
URGENCY = {"KHẨN": 1, "THƯỢNG KHẨN": 2, "HỎA TỐC": 3}


@dataclass
class Doc:
    key: str
    organ_lines: list[str]
    number: str
    notation: str
    place: str
    day: tuple[int, int, int]
    type_name: str
    subject_lines: list[str]  # as printed (with "V/v" for a công văn)
    heading: list[str]
    signer: str
    urgency: str = ""
    number_style: str = "Số: {n}/{k}"
    truth: dict[str, object] = field(default_factory=dict)

    @property
    def date_line(self) -> str:
        d, m, y = self.day
        month = f"{m:02d}" if m < 3 else str(m)  # months 1 and 2 padded, the others not (Phụ lục I)
        return f"{self.place}, ngày {d:02d} tháng {month} năm {y}"

    @property
    def number_line(self) -> str:
        return self.number_style.format(n=self.number, k=self.notation)

    def left(self) -> list[str]:
        out = [*self.organ_lines, "-------", self.number_line]
        if self.type_name == "Công văn":
            out += self.subject_lines
        return out

    def right(self) -> list[str]:
        return [*MOTTO, "---------------", self.date_line]

    def middle(self) -> list[str]:
        out = [self.urgency] if self.urgency else []
        if self.type_name != "Công văn":
            out += [self.type_name.upper(), *self.subject_lines]
        else:
            out += ["Kính gửi: Các cơ quan, đơn vị trực thuộc."]
        return out

    def ending(self) -> tuple[list[str], list[str]]:
        return ["Nơi nhận:", "- Như trên;", "- Lưu: VT."], [*self.heading, "", "", self.signer]


def documents() -> list[Doc]:
    rng = random.Random(12)
    styles = ["Số: {n}/{k}", "Số : {n} / {k}", "Số:{n}/{k}", "Số: {n}/{k}"]
    out = []
    for t_index, (type_name, abbr, subjects) in enumerate(TYPES):
        for i in range(6):
            organ_lines, organ_name, organ_abbr, place = ORGANS[(t_index * 3 + i) % len(ORGANS)]
            heading, position, signer = SIGNERS[(t_index + i) % len(SIGNERS)]
            number = f"{rng.randint(1, 480):02d}"
            notation = f"{abbr}-{organ_abbr}" if abbr else f"{organ_abbr}-{rng.choice(['VP', 'KT', 'VX', 'NC'])}"
            subject = subjects[i % len(subjects)]
            printed = ("V/v " + subject) if abbr is None else subject
            words = printed.split()
            lines = (
                [printed] if i % 2 == 0 else [" ".join(words[: len(words) // 2]), " ".join(words[len(words) // 2 :])]
            )
            day = (rng.randint(1, 28), rng.randint(1, 12), 2026)
            urgency = ["", "", "KHẨN", "", "THƯỢNG KHẨN", "HỎA TỐC"][i]
            style = styles[i % len(styles)]
            if i == 3:
                style = "Số: {n}/{k}".replace("{k}", notation.replace("-", " - "))
            doc = Doc(
                key=f"{len(out) + 1:02d}-{_slug(type_name)}",
                organ_lines=organ_lines,
                number=number,
                notation=notation,
                place=place,
                day=day,
                type_name=type_name,
                subject_lines=lines,
                heading=heading,
                signer=signer,
                urgency=urgency,
                number_style=style,
            )
            doc.truth = {
                "code_number": number,
                "code_notation": notation,
                "issued_date": f"{day[2]}-{day[1]:02d}-{day[0]:02d}",
                "organ_name": organ_name,
                "doc_type": type_name,
                "subject": subject[:1].upper() + subject[1:],
                "signer_position": position,
                "signer_name": signer,
                "urgency": URGENCY.get(urgency),
            }
            out.append(doc)
    return out


def _slug(name: str) -> str:
    base = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in base if not unicodedata.combining(c)).lower().replace(" ", "-")


def _strip(text: str) -> str:
    base = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(c for c in base if not unicodedata.combining(c)))


def text_of(doc: Doc, *, layout: str) -> str:
    """The text as a tool hands it: ``sequential`` (columns one after the other), ``merged`` (side by side)."""
    left, right = doc.left(), doc.right()
    if layout == "merged":
        rows = max(len(left), len(right))
        header = [f"{(left + [''] * rows)[i]}   {(right + [''] * rows)[i]}".strip() for i in range(rows)]
    else:
        header = [*left, "", *right]
    noi_nhan, signature = doc.ending()
    if layout == "merged":
        rows = max(len(noi_nhan), len(signature))
        end = [f"{(noi_nhan + [''] * rows)[i]}   {(signature + [''] * rows)[i]}".strip() for i in range(rows)]
    else:
        end = [*noi_nhan, "", *signature]
    return "\n".join([*header, "", *doc.middle(), "", *BODY, "", *end]) + "\n"


def render_scan(doc: Doc, *, dpi: int) -> bytes:
    """The page drawn as printed (two-column header, centred title, signature block on the right), as an
    image-only PDF at ``dpi``."""
    from PIL import Image, ImageDraw, ImageFont

    fonts = [
        "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    ]
    path = next(p for p in fonts if Path(p).exists())
    bold_path = path.replace("Regular", "Bold")
    size = round(13 / 72 * dpi)
    face, bold = ImageFont.truetype(path, size), ImageFont.truetype(bold_path, size)
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    page = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(page)
    step = round(size * 1.45)
    left_x, right_x, top = round(0.8 * dpi), round(4.3 * dpi), round(0.7 * dpi)
    col = round(3.2 * dpi)

    def centred(x: int, y: int, text: str, font: ImageFont.FreeTypeFont) -> None:
        w = draw.textlength(text, font=font)
        draw.text((x + (col - w) / 2, y), text, fill="black", font=font)

    y = top
    for line in doc.left():
        centred(left_x, y, line, bold if line.isupper() else face)
        y += step
    y_right = top
    for line in doc.right():
        centred(right_x, y_right, line, bold if line.isupper() else face)
        y_right += step
    y = max(y, y_right) + step
    for line in doc.middle():
        w = draw.textlength(line, font=bold)
        draw.text(((width - w) / 2, y), line, fill="black", font=bold)
        y += step
    y += step
    for line in (piece for body_line in BODY for piece in textwrap.wrap(body_line, 82)):
        draw.text((left_x, y), line, fill="black", font=face)
        y += step
    y += step
    noi_nhan, signature = doc.ending()
    for i, line in enumerate(noi_nhan):
        draw.text((left_x, y + i * step), line, fill="black", font=face)
    for i, line in enumerate(signature):
        centred(right_x, y + i * step, line, bold if line.isupper() else face)
    out = io.BytesIO()
    page.save(out, format="PDF", resolution=float(dpi))
    return out.getvalue()


def variants(docs: list[Doc]) -> list[tuple[Doc, str]]:
    """Each document's form in the corpus: every 7th a 300 dpi scan, the 4th of each seven a 200 dpi scan,
    every 5th without diacritics, the others read sequentially or merged."""
    out = []
    for index, doc in enumerate(docs):
        if index % 7 == 0:
            out.append((doc, "scan300"))
        elif index % 7 == 3:
            out.append((doc, "scan200"))
        elif index % 5 == 1:
            out.append((doc, "nodiacritics"))
        else:
            out.append((doc, "merged" if index % 2 else "sequential"))
    return out


def write(out: Path) -> list[dict[str, object]]:
    out.mkdir(parents=True, exist_ok=True)
    truth = []
    for doc, form in variants(documents()):
        if form.startswith("scan"):
            name = f"{doc.key}.pdf"
            (out / name).write_bytes(render_scan(doc, dpi=int(form[4:])))
        else:
            name = f"{doc.key}.txt"
            text = text_of(doc, layout="merged" if form in ("merged", "nodiacritics") else "sequential")
            (out / name).write_text(_strip(text) if form == "nodiacritics" else text, encoding="utf-8")
        truth.append({"file": name, "form": form, **doc.truth})
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return truth


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "fields-corpus"
    print(f"{len(write(target))} văn bản → {target}")
