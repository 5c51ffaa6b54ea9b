"""The Phụ lục VI fields read from the text of a document (issue 12): what a clerk would copy from the paper
when registering it — số and ký hiệu, ngày ban hành (and the place), cơ quan ban hành, loại văn bản,
trích yếu, chức vụ and họ tên người ký, độ khẩn — found in the layout Nghị định 30/2020 Phụ lục I gives
every văn bản:

    ỦY BAN NHÂN DÂN                      CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
    HUYỆN BẾN LỨC                              Độc lập - Tự do - Hạnh phúc
    Số: 15/QĐ-UBND                        Bến Lức, ngày 05 tháng 3 năm 2026
                          QUYẾT ĐỊNH
           Về việc phê duyệt kế hoạch chuyển đổi số năm 2026
    ...
    Nơi nhận:                                        KT. CHỦ TỊCH
    - Như Điều 3;                                    PHÓ CHỦ TỊCH
    - Lưu: VT.
                                                     Nguyễn Văn An

Pure functions over the text (the text layer or the OCR, ``files.FileText.text``): no database. The text
may come in any order a tool reads a two-column header (left column first, or both columns on one line),
with broken lines, spaces in "Số : 15 / QĐ - UBND", and without diacritics (a poor OCR): keywords are found
in the folded text (``fold_aligned``: one folded character per character, so a match is cut from the
original, accented text). Every value is a suggestion the clerk checks; nothing here is ever saved by itself.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass

from qlvb.core.text import fold

from .models import MAX, Urgency
from .searchindex import fold_aligned
from .types_data import DOCUMENT_TYPES

HEAD_LINES = 40  # the header (organ, number, date, type, subject) lies in the first lines of the text
TAIL_LINES = 40  # the signature block in the last ones

# --- what the layout holds, folded ------------------------------------------------------------------------------

_MOTTO = re.compile(
    r"cong\s*hoa\s*xa\s*hoi\s*chu\s*nghia\s*viet\s*nam|doc\s*lap\s*[-–—]?\s*tu\s*do\s*[-–—]?\s*hanh\s*phuc"
)
_NUMBER = re.compile(r"(?<![a-z])so\s*[:;.]?\s*(\d{1,7})\s*/\s*([a-z0-9]+(?:\s*[-/]\s*[a-z0-9]+)*)")
_DATE = re.compile(r"ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})")
_VV = re.compile(r"^\s*v\s*[/|l]\s*v\b[\s.:]*")
_RULE = re.compile(r"^[\s\-–—_=.*]+$")
_SUBJECT_STOP = re.compile(
    r"^(can cu|kinh gui|thuc hien|theo de nghi|noi nhan|dieu \d|i\.|1\.|[-–—_]{3,})|^(so|ngay)\b"
)
_AUTHORITY = re.compile(r"^(tm|kt|q|tl|tuq)\s*\.\s*", re.IGNORECASE)
_URGENCY_STAMPS = {"hoa toc": Urgency.FLASH, "thuong khan": Urgency.VERY_URGENT, "khan": Urgency.URGENT}
# Administrative units: a header line starting with one continues the organ above it ("ỦY BAN NHÂN DÂN" /
# "HUYỆN BẾN LỨC"); any other second line is the issuing organ under its governing one ("UBND HUYỆN
# BẾN LỨC" / "PHÒNG TÀI CHÍNH - KẾ HOẠCH").
_UNITS = ("tinh ", "thanh pho ", "huyen ", "quan ", "thi xa ", "xa ", "phuong ", "thi tran ", "dac khu ")
_TYPES = {fold(name): name for name, _abbr in DOCUMENT_TYPES}
_TYPE_OF_ABBREVIATION = {abbr: name for name, abbr in DOCUMENT_TYPES if abbr}
# "QD" (read without its mark) → "QĐ", when only one abbreviation folds so ("HD" is Hướng dẫn or Hợp đồng: kept)
_ABBREVIATIONS = {
    key: abbrs[0]
    for key, abbrs in {
        fold(a).upper(): [b for b in _TYPE_OF_ABBREVIATION if fold(b).upper() == fold(a).upper()]
        for a in _TYPE_OF_ABBREVIATION
    }.items()
    if len(abbrs) == 1
}


@dataclass(frozen=True)
class ReadFields:
    """The fields read from a text; an empty value (``""`` / ``None``) was not found."""

    code_number: str = ""
    code_notation: str = ""
    issued_date: dt.date | None = None
    place: str = ""
    organ_name: str = ""
    doc_type: str = ""  # the type's name as in ``types_data.DOCUMENT_TYPES`` ("Quyết định")
    subject: str = ""
    signer_position: str = ""
    signer_name: str = ""
    urgency: int | None = None  # ``Urgency`` when a stamp is printed, else None
    recipients: tuple[str, ...] = ()  # the "Nơi nhận" lines, in order ("Như Điều 3", "Lưu: VT, KGVX")

    def found(self) -> dict[str, object]:
        """The fields found, by name (what a form pre-fills)."""
        return {k: v for k, v in asdict(self).items() if v not in ("", None, ())}


@dataclass(frozen=True)
class _Line:
    text: str  # as in the document, white space collapsed
    folded: str  # fold_aligned: the same length, position for position

    def cut(self, start: int, end: int) -> str:
        return " ".join(self.text[start:end].split())


LINE_LIMIT = 500  # characters of a line looked at (a text without line breaks is no văn bản's layout)


def _lines(raw: list[str]) -> list[_Line]:
    out = []
    for text in raw:
        line = " ".join(text[: LINE_LIMIT * 2].split())[:LINE_LIMIT]
        out.append(_Line(line, fold_aligned(line)))
    return out


def fields_read(text: str) -> ReadFields:
    """The fields of the văn bản whose text is ``text`` (see the module's docstring). Only the first and the
    last lines are read, whatever the length of the text; a value longer than its field allows is dropped
    (a misreading)."""
    raw = (text or "").replace("\f", "\n").splitlines()
    head, tail = _lines(raw[:HEAD_LINES]), _lines(raw[-TAIL_LINES:])
    number, notation, number_at = _number(head)
    issued, place = _date(head)
    doc_type, type_at = _doc_type(head)
    if not doc_type and notation:
        doc_type = _type_of_notation(notation, head)
    position, signer = _signer(tail)
    values = {
        "code_number": number,
        "code_notation": notation,
        "organ_name": _organ(head, number_at),
        "subject": _subject(head, type_at),
        "signer_position": position,
        "signer_name": signer,
    }
    bounded = {name: value if len(value) <= MAX[name] else "" for name, value in values.items()}
    return ReadFields(
        issued_date=issued,
        place=place[:100],
        doc_type=doc_type,
        urgency=_urgency(head),
        recipients=_recipients(raw[-TAIL_LINES:]),
        **bounded,
    )


# --- nơi nhận ----------------------------------------------------------------------------------------------------

_RECIPIENT = re.compile(r"^[-+•*]\s*(?P<item>.+?)\s*(?:[;.]\s*$|[;.](?=\s)|\s{3,}|$)")
RECIPIENTS_MAX = 30


def _recipients(raw: list[str]) -> tuple[str, ...]:
    """The lines under "Nơi nhận:" that start with a dash, each cut at its ";"/"." or at a wide gap (the
    signature block printed beside them), until the first line that is not one (blank lines aside)."""
    lines = [line[: LINE_LIMIT * 2] for line in raw]
    start = next((i for i, line in enumerate(lines) if fold(line).strip().lower().startswith("noi nhan")), None)
    if start is None:
        return ()
    found: list[str] = []
    for line in lines[start + 1 :]:
        if not line.strip():  # OCR (Tesseract) leaves a blank line between the lines of the list
            continue
        match = _RECIPIENT.match(line.strip())
        if match is None:
            if found:
                break
            continue
        item = " ".join(match.group("item").split())
        if item and len(item) <= 200:
            found.append(item)
        if len(found) == RECIPIENTS_MAX:
            break
    return tuple(found)


# --- number and notation ----------------------------------------------------------------------------------------


def _number(lines: list[_Line]) -> tuple[str, str, int]:
    """("15", "QĐ-UBND", index of the line) of the first "Số: 15/QĐ-UBND" written with a capital S."""
    for index, line in enumerate(lines):
        for match in _NUMBER.finditer(line.folded):
            if not line.text[match.start()].isupper() and match.start() > 0:
                continue  # "... Nghị định số 30/2020/NĐ-CP" in the body
            notation = "".join(line.text[match.start(2) : match.end(2)].split()).upper()
            return match.group(1), _notation_marks(notation), index
    return "", "", -1


def _notation_marks(notation: str) -> str:
    """The type abbreviation of a notation read without its marks given them back: "QD-UBND" → "QĐ-UBND"."""
    groups = notation.split("-")
    for i, group in enumerate(groups):
        if group in _TYPE_OF_ABBREVIATION:
            break
        abbr = _ABBREVIATIONS.get(group)
        if abbr:
            groups[i] = abbr
            break  # only the type's group: the organ's letters cannot be told
    return "-".join(groups)


def _type_of_notation(notation: str, lines: list[_Line]) -> str:
    """The type an abbreviation in the notation names ("QĐ-UBND" → Quyết định); a notation of an organ and a
    unit with a "V/v" line is a Công văn."""
    for group in re.split(r"[-/]", notation):
        if group in _TYPE_OF_ABBREVIATION:
            return _TYPE_OF_ABBREVIATION[group]
    if any(_VV.match(line.folded) for line in lines):
        return "Công văn"
    return ""


# --- date and place ---------------------------------------------------------------------------------------------


def _date(lines: list[_Line]) -> tuple[dt.date | None, str]:
    """The "<Địa danh>, ngày 05 tháng 3 năm 2026" line (one with the comma first; a date in a "Căn cứ" line
    has none), as (date, place)."""
    fallback: tuple[dt.date | None, str] = (None, "")
    for line in lines:
        for match in _DATE.finditer(line.folded):
            day = _valid_date(*(int(g) for g in match.groups()))
            if day is None:
                continue
            before = line.text[: match.start()].rstrip()
            if before.endswith(","):
                return day, _place(before[:-1])
            if fallback[0] is None:
                fallback = (day, "")
    return fallback


def _valid_date(day: int, month: int, year: int) -> dt.date | None:
    try:
        found = dt.date(year, month, day)
    except ValueError:
        return None
    return found if 1945 <= year <= 2100 else None


def _place(before: str) -> str:
    """The capitalised words just before the comma ("… quyết toán Ninh Bình" → "Ninh Bình")."""
    words: list[str] = []
    for word in reversed(before.split()):
        if not word[:1].isupper() or any(ch.isdigit() for ch in word):
            break
        words.insert(0, word)
    while len(words) > 1 and _upper(words[0]) and not _upper(words[-1]):
        words = words[1:]  # the end of an upper-case header line merged with the place
    return " ".join(words)


# --- type and subject -------------------------------------------------------------------------------------------


def _doc_type(lines: list[_Line]) -> tuple[str, int]:
    """The first line that is a type's name in capitals ("QUYẾT ĐỊNH", "GIẤY MỜI"), and its index."""
    for index, line in enumerate(lines):
        name = _TYPES.get(line.folded.strip(" :.").strip())
        if name and _upper(line.text):
            return name, index
    return "", -1


def _upper(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


def _subject(lines: list[_Line], type_at: int) -> str:
    """The trích yếu: the "V/v ..." line(s) of a công văn (without "V/v"), else the line(s) under the type's
    name ("Về việc phê duyệt ...")."""
    for index, line in enumerate(lines):
        match = _VV.match(line.folded)
        if match:
            first = _before_date(line, match.end())
            subject = _join([first, *_continued(lines, index + 1, stop_upper=True)])
            return subject[:1].upper() + subject[1:]
    if type_at < 0:
        return ""
    return _join(_continued(lines, type_at + 1, stop_upper=True))


def _before_date(line: _Line, start: int) -> str:
    """``line`` from ``start``, up to the place and date merged onto it from the right-hand column."""
    date = _DATE.search(line.folded, start)
    motto = _MOTTO.search(line.folded, start)
    end = len(line.text)
    if date:
        comma = line.text.rfind(",", start, date.start())
        end = comma if comma >= 0 else date.start()
        place = _place(line.text[start:end])
        if place:
            end = line.text.rfind(place, start, end)
    if motto:
        end = min(end, motto.start())
    return line.cut(start, end)


def _continued(lines: list[_Line], start: int, *, stop_upper: bool) -> list[str]:
    """The lines from ``start`` that continue a subject: at most three, up to a blank line, a rule, the
    "Kính gửi"/"Căn cứ" lines, a date line or a heading in capitals (blank lines and rules before the
    first one skipped)."""
    out: list[str] = []
    for line in lines[start : start + 5]:
        folded = line.folded.strip()
        if not folded or _RULE.match(line.text) or _SUBJECT_STOP.match(folded) or _DATE.search(folded):
            if out:
                break
            continue  # a blank line or a rule under the type's name (an OCR puts one there)
        if len(out) == 3:
            break
        if stop_upper and _upper(line.text) and out:
            break
        if _MOTTO.search(folded):
            break
        out.append(line.text)
    return out


def _join(parts: list[str]) -> str:
    """The subject's lines as one, without an urgency stamp an OCR put at the end of a line."""
    text = " ".join(" ".join(parts).split()).strip(" .;,")
    for stamp in ("THƯỢNG KHẨN", "HỎA TỐC", "KHẨN"):
        if fold(text).endswith(" " + fold(stamp)) and _upper(text[-len(stamp) :]):
            return text[: -len(stamp)].strip(" .;,")
    return text


# --- organ ------------------------------------------------------------------------------------------------------


def _organ(lines: list[_Line], number_at: int) -> str:
    """The organ's name in the header's left column: the upper-case lines above "Số:" (the national motto and
    the date taken out of a merged line). Under a governing organ ("UBND HUYỆN BẾN LỨC" / "PHÒNG TÀI CHÍNH -
    KẾ HOẠCH") the issuing organ is the lower one; a line naming an administrative unit continues the line
    above ("ỦY BAN NHÂN DÂN" / "HUYỆN BẾN LỨC")."""
    end = number_at if number_at >= 0 else min(len(lines), 6)
    parts: list[str] = []
    for line in lines[: end + 1]:
        piece = _organ_piece(line)
        if not piece:
            if parts and number_at < 0:
                break  # the blank line under the organ (with a "Số:" line, the organ ends there)
            continue
        parts.append(piece)
        if len(parts) == 4:
            break
    if not parts:
        return ""
    organ = [parts[0]]
    for piece in parts[1:]:
        if fold(piece).startswith(_UNITS) or fold(organ[-1]).endswith((" va", "-")):
            organ[-1] = organ[-1] + " " + piece
        else:
            organ = [piece]  # the issuing organ under its governing one
    return _name_case(organ[-1])


def _organ_piece(line: _Line) -> str:
    """The upper-case words at the start of ``line`` that belong to the organ's name."""
    end = len(line.text)
    for pattern in (_MOTTO, _NUMBER, _DATE):
        match = pattern.search(line.folded)
        if match:
            end = min(end, match.start())
    words = []
    for word in line.text[:end].split():
        if not _upper(word) and word not in ("-", "–", "&"):
            break
        words.append(word)
    piece = " ".join(words).strip(" -–—_")
    return piece if len(piece) >= 2 and not _RULE.match(piece) else ""


def _name_case(upper: str) -> str:
    """An organ's name from capitals to how it is written in a sentence (Phụ lục II): the first word, the first
    word of the field after "Sở", "Phòng", "Bộ" ... or after "-" and "và", and the proper name after an
    administrative unit capitalised ("SỞ TÀI CHÍNH TỈNH NINH BÌNH" → "Sở Tài chính tỉnh Ninh Bình");
    abbreviations ("UBND", "HĐND") kept."""
    out: list[str] = []
    capital_next, proper = True, False
    for word in upper.split():
        folded = fold(word)
        if word.isupper() and len(word) >= 2 and not _syllable(folded):
            out.append(word)  # an abbreviation: UBND, HĐND
            capital_next = False
            continue
        capitalised = capital_next or proper
        out.append(word[:1].upper() + word[1:].lower() if capitalised else word.lower())
        if folded in _UNIT_WORDS and not capital_next:
            proper = True
        capital_next = folded in _HEAD_WORDS or word in ("-", "–") or folded == "va"
    return " ".join(out)


_UNIT_WORDS = frozenset({"tinh", "huyen", "quan", "xa", "phuong", "tran", "pho", "khu"})
_HEAD_WORDS = frozenset({"so", "bo", "phong", "cuc", "vu", "vien", "tam", "truong"})


def _syllable(folded: str) -> bool:
    """A Vietnamese syllable has a vowel and no run of three consonants ("ubnd", "hdnd", "tckh" are none)."""
    return any(ch in "aeiouy" for ch in folded) and not re.search(r"[^aeiouy\W]{3}", folded.replace("ngh", "n"))


# --- signer -----------------------------------------------------------------------------------------------------


def _signer(lines: list[_Line]) -> tuple[str, str]:
    """(position, name) of the signature block: the last line that is a person's name, and the heading in
    capitals above it ("KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH" → "Phó Chủ tịch")."""
    for index in range(len(lines) - 1, -1, -1):
        name = _person(lines[index].text)
        if not name:
            continue
        return _position(lines[max(0, index - 6) : index]), name
    return "", ""


_NOT_NAMES = frozenset({"noi", "nhu", "luu", "kinh", "gui", "so", "ngay", "dieu", "dia", "chi", "dien", "thoai"})


def _person(text: str) -> str:
    """``text`` (or its end, after a left column merged onto it) if it is a name: 2 to 5 capitalised words."""
    words = text.split()
    tail: list[str] = []
    for word in reversed(words):
        if not (word[:1].isupper() and word[1:].islower() and word.isalpha()):
            break
        tail.insert(0, word)
    if not 2 <= len(tail) <= 5 or any(fold(w) in _NOT_NAMES for w in tail):
        return ""
    if len(tail) != len(words) and not words[len(words) - len(tail) - 1].endswith((".", ";", ",")):
        return ""  # the end of a sentence, not a name of its own
    return " ".join(tail)


def _position(lines: list[_Line]) -> str:
    """The last heading in capitals above the name, without the authority ("KT.", "TM.", "TL.", "Q.", "TUQ.")."""
    headings = []
    for line in lines:
        words = line.text.split()
        tail: list[str] = []
        for word in reversed(words):
            if not (_upper(word) or word in ("-",)):
                break
            tail.insert(0, word)
        heading = " ".join(tail).strip()
        bare = _AUTHORITY.sub("", heading)
        words_ok = bare and "," not in bare and all(_syllable(fold(w)) for w in bare.split() if w != "-")
        if words_ok and not _URGENCY_STAMPS.get(fold(heading)):
            headings.append(heading)
    for heading in reversed(headings):
        bare = _AUTHORITY.sub("", heading).strip()
        if bare and not _AUTHORITY.match(heading):
            return _position_case(bare)
    if headings:
        return _position_case(_AUTHORITY.sub("", headings[-1]).strip())
    return ""


def _position_case(upper: str) -> str:
    """ "PHÓ CHỦ TỊCH" → "Phó Chủ tịch", "GIÁM ĐỐC" → "Giám đốc", "CHÁNH VĂN PHÒNG" → "Chánh Văn phòng";
    "CHỦ TỊCH PHÓ CHỦ TỊCH" (a "KT." heading read as one line) → "Phó Chủ tịch"."""
    words = upper.lower().split()
    folded = [fold(w) for w in words]
    if "pho" in folded[1:]:
        words = words[folded.index("pho", 1) :]
    if not words:
        return ""
    words[0] = words[0][:1].upper() + words[0][1:]
    if fold(words[0]) in ("pho", "chanh") and len(words) > 1:
        words[1] = words[1][:1].upper() + words[1][1:]
    return " ".join(words)


# --- urgency ----------------------------------------------------------------------------------------------------


def _urgency(lines: list[_Line]) -> int | None:
    """The stamp "HỎA TỐC" / "THƯỢNG KHẨN" / "KHẨN" on a line of its own (or "Độ khẩn: ...")."""
    for line in lines:
        folded = line.folded.strip(" .:")
        folded = re.sub(r"^do khan\s*:\s*", "", folded)
        if folded in _URGENCY_STAMPS and (_upper(line.text) or "khan" in line.folded[:8]):
            return int(_URGENCY_STAMPS[folded])
    return None
