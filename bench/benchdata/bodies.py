"""The text of a document's files, as the text extraction leaves it in ``SearchEntry.body``: a few
paragraphs to about three pages of Vietnamese administrative prose (căn cứ, mục đích, nhiệm vụ, tổ
chức thực hiện, nơi nhận), built from the document's own subject and the vocabulary, with its place
names, people, numbers, dates and sums.

Fast by construction: the body is a list of pieces (the templates' fixed parts, names, places,
numbers) whose character-aligned fold (``searchindex.fold_aligned``) is cached per piece, so
``body_folded`` is a join of cached strings: ``fold_aligned(a + b) == fold_aligned(a) + fold_aligned(b)``.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache

from qlvb.documents.searchindex import fold_aligned

from . import vocabulary as V  # noqa: N812
from .records import Agency

BODY_SHARE = 0.30  # documents whose files have text (the others: no file, or a scan not yet read)
_SLOT = re.compile(r"\{(\w+)\}")

OPENINGS = (
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều "
    "của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
    "Căn cứ Quyết định số {n}/QĐ-UBND ngày {d} của Ủy ban nhân dân tỉnh {province} về {topic};",
    "Căn cứ Kế hoạch số {n}/KH-UBND ngày {d} của UBND tỉnh {province} về việc {action} {topic};",
    "Thực hiện Công văn số {n}/UBND-{dept} ngày {d} của Ủy ban nhân dân tỉnh {province};",
    "Xét đề nghị của Trưởng phòng {dept_name} tại Tờ trình số {n}/TTr-{dept} ngày {d}.",
    "Căn cứ Luật Ngân sách nhà nước ngày 25 tháng 6 năm 2015 và các văn bản hướng dẫn thi hành;",
    "Căn cứ Luật Đất đai ngày 18 tháng 01 năm 2024 và Nghị định số 102/2024/NĐ-CP của Chính phủ;",
)
HEADINGS = (
    "I. MỤC ĐÍCH, YÊU CẦU",
    "II. NỘI DUNG, NHIỆM VỤ TRỌNG TÂM",
    "III. KINH PHÍ THỰC HIỆN",
    "IV. TỔ CHỨC THỰC HIỆN",
    "1. Kết quả đạt được",
    "2. Tồn tại, hạn chế và nguyên nhân",
    "3. Nhiệm vụ, giải pháp trong thời gian tới",
    "4. Đề xuất, kiến nghị",
    "Điều 1.",
    "Điều 2.",
    "Điều 3.",
)
SENTENCES = (
    "Triển khai thực hiện có hiệu quả {topic} {place}, bảo đảm đúng quy định, đúng tiến độ và đạt chất lượng.",
    "Phân công cụ thể nhiệm vụ cho từng cơ quan, đơn vị, gắn với trách nhiệm của người đứng đầu trong việc "
    "{action} {topic}.",
    "Tính đến ngày {d}, toàn {area} đã hoàn thành {pct}% kế hoạch, tăng {small}% so với cùng kỳ năm trước.",
    "Tổng kinh phí thực hiện là {money} đồng, từ nguồn ngân sách {level} và nguồn vốn xã hội hóa hợp pháp.",
    "Giao {dept_name} chủ trì, phối hợp với các phòng, ban, ngành liên quan và UBND xã {commune} tổ chức "
    "triển khai, hướng dẫn, kiểm tra việc thực hiện.",
    "Ông (bà) {person}, {position}, chịu trách nhiệm tổng hợp kết quả, báo cáo Chủ tịch Ủy ban nhân dân "
    "trước ngày {d}.",
    "Trong {period}, đã tổ chức {small} cuộc kiểm tra tại {count} cơ sở, phát hiện và xử lý {small} trường "
    "hợp vi phạm, xử phạt vi phạm hành chính với tổng số tiền {money} đồng.",
    "Công tác {topic} còn một số hạn chế: việc phối hợp giữa các cơ quan chưa chặt chẽ, một số đơn vị "
    "chưa chủ động, báo cáo còn chậm so với thời gian quy định.",
    "Đề nghị các cơ quan, đơn vị nghiêm túc triển khai thực hiện; trong quá trình thực hiện, nếu có khó "
    "khăn, vướng mắc, kịp thời phản ánh về {dept_name} để tổng hợp, báo cáo cấp có thẩm quyền xem xét, "
    "giải quyết.",
    "Tổ chức tuyên truyền sâu rộng trên hệ thống truyền thanh cơ sở, Cổng thông tin điện tử và mạng xã hội "
    "để người dân {area} biết, đồng thuận và tích cực tham gia.",
    "Rà soát, thống kê đầy đủ số hộ gia đình, cá nhân có liên quan trên địa bàn xã {commune}, tỉnh "
    "{province}; lập danh sách gửi về trước ngày {d}.",
    "Ủy ban nhân dân tỉnh {province} giao chỉ tiêu cho các xã, phường với tổng số {count} hồ sơ, trong đó "
    "xã {commune} {small} hồ sơ.",
    "Thời gian thực hiện: từ ngày {d} đến hết ngày {d2}; địa điểm: Hội trường Ủy ban nhân dân xã {commune}.",
    "Chánh Văn phòng, Trưởng các phòng, ban chuyên môn, Chủ tịch UBND các xã, phường và các cơ quan, đơn vị "
    "có liên quan chịu trách nhiệm thi hành Quyết định này.",
    "Quyết định này có hiệu lực kể từ ngày ký; thay thế Quyết định số {n}/QĐ-UBND ngày {d}.",
    "Kết quả giải ngân vốn đầu tư công đến nay đạt {money} đồng, bằng {pct}% kế hoạch vốn được giao.",
    "Tỷ lệ hồ sơ thủ tục hành chính được giải quyết đúng hạn đạt {pct}%, tỷ lệ hồ sơ trực tuyến toàn "
    "trình đạt {small}%.",
    "Tiếp tục đẩy mạnh ứng dụng công nghệ thông tin, chuyển đổi số trong hoạt động của cơ quan nhà nước, "
    "sử dụng văn bản điện tử có chữ ký số thay cho văn bản giấy.",
    "Kiểm tra, đôn đốc việc thực hiện; định kỳ hằng tháng (trước ngày 20) báo cáo kết quả về Ủy ban "
    "nhân dân qua {dept_name} để tổng hợp.",
    "Đồng chí {person}, {position}, trực tiếp chỉ đạo; đồng chí {person2} là đầu mối phối hợp, số điện thoại {phone}.",
    "Trường hợp đến hạn mà chưa hoàn thành, cơ quan, đơn vị phải báo cáo rõ lý do, đề xuất giải pháp và "
    "thời hạn hoàn thành.",
    "Ủy ban nhân dân xã {commune} báo cáo kết quả {action} {topic} như sau:",
)
CLOSINGS = (
    "Nơi nhận:\n- Như Điều 3;\n- Thường trực HĐND tỉnh {province};\n- Chủ tịch, các PCT UBND;\n- Lưu: VT, {dept}.",
    "Nơi nhận:\n- Như trên;\n- UBND xã {commune};\n- Lưu: VT.",
    "Trên đây là báo cáo của Ủy ban nhân dân xã {commune} về {topic}./.",
    "Đề nghị các cơ quan, đơn vị quan tâm, phối hợp thực hiện./.",
)
LEVELS = ("tỉnh", "xã", "trung ương", "địa phương")
AREAS = ("tỉnh", "xã", "ngành", "địa bàn")
POSITIONS = ("Phó Chủ tịch UBND xã", "Chánh Văn phòng", "Trưởng phòng Kinh tế", "Công chức Văn phòng - Thống kê")


@lru_cache(maxsize=200_000)
def aligned(piece: str) -> str:
    """``fold_aligned`` of one piece, cached (templates' parts, names and places repeat)."""
    return fold_aligned(piece)


@lru_cache(maxsize=1024)
def _split(template: str) -> tuple[tuple[str, str | None], ...]:
    """A template as (fixed text, slot name or None) pairs."""
    parts: list[tuple[str, str | None]] = []
    at = 0
    for m in _SLOT.finditer(template):
        parts.append((template[at : m.start()], m.group(1)))
        at = m.end()
    parts.append((template[at:], None))
    return tuple(parts)


class Body:
    """The pieces of one body; ``text`` and ``folded`` join them."""

    def __init__(self, rng: random.Random, agency: Agency, subject: str, year: int, person: str):
        self.rng, self.agency, self.subject, self.year, self.person = rng, agency, subject, year, person
        self.pieces: list[str] = []
        dept = rng.choice(agency.depts) if agency.depts else None
        self.dept_short = dept.short if dept else "VP"
        self.dept_name = dept.name if dept else "Văn phòng"
        self.topic = rng.choice(V.TOPICS).format(y=year, y1=year + 1, n=rng.randint(1, 40))

    def _date(self) -> str:
        r = self.rng
        return f"{r.randint(1, 28):02d}/{r.randint(1, 12):02d}/{self.year - r.randint(0, 1)}"

    def _value(self, slot: str) -> str:  # noqa: C901  (one branch per slot)
        r = self.rng
        if slot == "n":
            return str(r.randint(1, 3000))
        if slot in ("d", "d2"):
            return self._date()
        if slot == "topic":
            return self.topic
        if slot == "place":
            return r.choice(V.PLACES).format(p=self.agency.province, c=self.agency.commune)
        if slot == "province":
            return self.agency.province
        if slot == "commune":
            return self.agency.commune if r.random() < 0.7 else r.choice(V.COMMUNES)
        if slot == "action":
            return r.choice(V.ACTIONS)
        if slot == "dept":
            return self.dept_short
        if slot == "dept_name":
            return self.dept_name
        if slot in ("pct", "small"):
            return f"{r.randint(1, 99)}" if slot == "small" else f"{r.randint(40, 100)},{r.randint(0, 9)}"
        if slot == "count":
            return f"{r.randint(100, 20000):,}".replace(",", ".")
        if slot == "money":
            return f"{r.randint(50, 90000) * 1_000_000:,}".replace(",", ".")
        if slot == "level":
            return r.choice(LEVELS)
        if slot == "area":
            return r.choice(AREAS)
        if slot == "person":
            return self.person
        if slot == "person2":
            return f"{r.choice(V.SURNAMES)} {r.choice(V.MIDDLE_FEMALE)} {r.choice(V.GIVEN_FEMALE)}"
        if slot == "position":
            return r.choice(POSITIONS)
        if slot == "period":
            return r.choice(V.PERIODS).format(m=r.randint(1, 12), q=r.randint(1, 4), y=self.year)
        if slot == "phone":
            return f"0{r.randint(200, 999)}.{r.randint(100, 999)}.{r.randint(1000, 9999)}"
        raise KeyError(slot)

    def add(self, template: str) -> None:
        for fixed, slot in _split(template):
            if fixed:
                self.pieces.append(fixed)
            if slot:
                self.pieces.append(self._value(slot))

    def text(self) -> str:
        return "".join(self.pieces)

    def folded(self) -> str:
        return "".join(aligned(p) for p in self.pieces)


def body_make(rng: random.Random, agency: Agency, subject: str, year: int, signer: str) -> tuple[str, str]:
    """A body (text, its ``fold_aligned``) of 3 to ~40 paragraphs (≈ 0.3 to 3 pages)."""
    b = Body(rng, agency, subject, year, signer)
    b.pieces.append(subject)
    b.pieces.append("\n\n")
    for template in rng.sample(OPENINGS, rng.randint(1, 3)):
        b.add(template)
        b.pieces.append("\n")
    paragraphs = min(40, max(3, int(rng.expovariate(1 / 10))))
    heading = 0
    for i in range(paragraphs):
        if i % 4 == 0 and heading < len(HEADINGS) and rng.random() < 0.7:
            b.pieces.append("\n" + HEADINGS[heading] + "\n")
            heading += rng.randint(1, 2)
        for template in rng.sample(SENTENCES, rng.randint(1, 4)):
            b.add(template)
            b.pieces.append(" ")
        b.pieces.append("\n")
    b.add(rng.choice(CLOSINGS))
    return b.text(), b.folded()
