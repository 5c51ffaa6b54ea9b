"""One register row read and checked (no database write): dates, numbers, the document type at the start
of "Tên loại và trích yếu", lengths of Phụ lục VI, units of another agency, files named in the ZIP. A
problem is one clear Vietnamese reason; the row is then refused.

A cell is kept as text whatever it starts with: "=HYPERLINK(...)" is the text a person typed, stored as
such and never evaluated (our exports write it as a text cell, ``files.workbook``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from qlvb.core.text import fold, nfc
from qlvb.directory.models import Unit
from qlvb.documents.models import MAX, Direction, DocumentType

_DATE_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPLIT = re.compile(r"[;\n]+")
FIRST_YEAR = 1945


class RowError(Exception):
    """The row is refused; ``args[0]`` is the reason."""


@dataclass
class Context:
    """What checking a row needs to know once per file."""

    agency: Unit
    direction: str
    today: dt.date
    types: list[tuple[str, DocumentType]]  # (folded name, type), longest name first
    own_units: set[str]  # folded names of the agency's units
    other_units: dict[str, str]  # folded unit name → its agency's name (units of other agencies only)
    agency_refs: set[str]
    archive_names: dict[str, str] | None  # casefolded base name → member name; None: no ZIP given

    @classmethod
    def build(cls, *, agency: Unit, direction: str, today: dt.date, archive_names: list[str] | None) -> Context:
        types = sorted(
            ((fold(t.name), t) for t in DocumentType.objects.all()), key=lambda pair: len(pair[0]), reverse=True
        )
        own = {fold(n) for n in Unit.objects.filter(agency=agency).values_list("name", flat=True)}
        others = {
            fold(name): agency_name
            for name, agency_name in Unit.objects.filter(external=False)
            .exclude(agency=agency)
            .values_list("name", "agency__name")
        }
        refs = {fold(agency.name), fold(agency.short_name)} | (
            {agency.organ_id.casefold()} if agency.organ_id else set()
        )
        members = None
        if archive_names is not None:
            members = {n.rsplit("/", 1)[-1].casefold(): n for n in archive_names if not n.endswith("/")}
        return cls(
            agency, direction, today, types, own, {k: v for k, v in others.items() if k not in own}, refs, members
        )


@dataclass
class ParsedRow:
    row: int
    year: int
    number: int
    code_number: str
    code_notation: str
    issued_date: dt.date | None
    doc_type: DocumentType
    subject: str
    organ_name: str = ""
    arrival_date: dt.date | None = None
    to_places: str = ""
    note: str = ""
    sent_date: dt.date | None = None
    signed_for: str = ""
    signer_name: str = ""
    signer_position: str = ""
    kept_by: str = ""
    copies: int = 1
    files: list[str] = field(default_factory=list)  # member names in the ZIP

    @property
    def number_notation(self) -> str:
        return "/".join(p for p in (self.code_number, self.code_notation) if p)

    def fingerprint(self, direction: str) -> str:
        parts = (
            direction,
            str(self.year),
            str(self.number),
            fold(self.organ_name),
            fold(self.number_notation),
            self.issued_date.isoformat() if self.issued_date else "",
            fold(self.subject),
        )
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    def label(self, direction: str) -> str:
        kind = self.doc_type.name
        if direction == Direction.INCOMING:
            return f"Số đến {self.number}/{self.year}: {kind} {self.number_notation} — {self.subject[:80]}"
        return f"{kind} số {self.number_notation} ngày {self.issued_date:%d/%m/%Y} — {self.subject[:80]}"


def _text(values: dict[str, Any], key: str, label: str, limit: int | None = None) -> str:
    value = values.get(key, "")
    if isinstance(value, dt.datetime | dt.date):
        value = f"{value:%d/%m/%Y}"
    text = nfc(str(value or ""))
    if "\x00" in text:
        raise RowError(f"cột “{label}” chứa ký tự NUL (không hợp lệ)")
    if _CONTROL.search(text):
        raise RowError(f"cột “{label}” chứa ký tự điều khiển không hợp lệ")
    if limit is not None and len(text) > limit:
        raise RowError(f"cột “{label}” dài {len(text)} ký tự, quá {limit} ký tự (Phụ lục VI)")
    return text


def parse_date(value: Any, label: str, *, today: dt.date, required: bool) -> dt.date | None:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        day = value
    else:
        text = str(value or "").strip()
        if not text:
            if required:
                raise RowError(f"thiếu “{label}”")
            return None
        m = _DATE_DMY.match(text)
        iso = _DATE_ISO.match(text)
        try:
            if m:
                day = dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            elif iso:
                day = dt.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
            else:
                raise ValueError
        except ValueError:
            raise RowError(f"“{label}” “{text[:30]}” không phải ngày hợp lệ (ghi theo dạng dd/mm/yyyy)") from None
    if day > today:
        raise RowError(f"“{label}” {day:%d/%m/%Y} ở tương lai")
    if day.year < FIRST_YEAR:
        raise RowError(f"“{label}” {day:%d/%m/%Y} trước năm {FIRST_YEAR}")
    return day


def _positive(text: str, label: str, *, limit: int) -> int:
    if not re.fullmatch(r"\d{1,10}", text):
        raise RowError(f"“{label}” “{text[:20]}” phải là số nguyên dương")
    number = int(text)
    if not 1 <= number <= limit:
        raise RowError(f"“{label}” {number} phải từ 1 đến {limit}")
    return number


def _type_and_subject(text: str, ctx: Context) -> tuple[DocumentType, str]:
    if not text:
        raise RowError("thiếu “Tên loại và trích yếu nội dung văn bản”")
    head = fold(text)
    for folded, doc_type in ctx.types:
        if head.startswith(folded) and (len(head) == len(folded) or head[len(folded)] in " :-–—,."):
            subject = text[len(doc_type.name) :].lstrip(" :-–—,.\n")
            if not subject:
                raise RowError(f"thiếu trích yếu sau tên loại “{doc_type.name}”")
            if len(subject) > MAX["subject"]:
                raise RowError(f"trích yếu dài {len(subject)} ký tự, quá {MAX['subject']} ký tự (Phụ lục VI)")
            return doc_type, subject
    raise RowError(
        f"không rõ loại văn bản của “{text[:40]}”: cột “Tên loại và trích yếu” phải bắt đầu bằng tên loại theo "
        "Nghị định 30/2020 (ví dụ “Công văn: V/v …”, “Quyết định: Về việc …”)"
    )


def _number_notation(text: str, *, required: bool) -> tuple[str, str]:
    if not text:
        if required:
            raise RowError("thiếu “Số, ký hiệu văn bản”")
        return "", ""
    number, _, notation = text.partition("/")
    number, notation = number.strip(), notation.strip()
    if required and not re.fullmatch(r"\d{1,10}", number):
        raise RowError(f"“Số, ký hiệu văn bản” “{text[:40]}” phải có dạng Số/Ký hiệu, ví dụ 15/QĐ-UBND")
    if len(number) > MAX["code_number"]:
        raise RowError(f"số văn bản “{number[:20]}” dài quá {MAX['code_number']} ký tự")
    if len(notation) > MAX["code_notation"]:
        raise RowError(f"ký hiệu văn bản “{notation[:40]}” dài quá {MAX['code_notation']} ký tự")
    return number, notation


def _places(text: str, ctx: Context) -> str:
    for part in _SPLIT.split(text.replace(",", ";")):
        key = fold(part.strip(" -+•"))
        if key and key not in ctx.own_units and key in ctx.other_units:
            raise RowError(
                f"“{part.strip()[:60]}” là đơn vị của cơ quan khác ({ctx.other_units[key]}), không thuộc "
                f"{ctx.agency.name}: dòng này không phải của sổ cơ quan mình"
            )
    return text


def _files(text: str, ctx: Context) -> list[str]:
    names = [n.strip() for n in text.split(";") if n.strip()]
    if not names:
        return []
    if ctx.archive_names is None:
        raise RowError("có tên tệp đính kèm nhưng không có tệp ZIP kèm theo")
    members = []
    for name in names:
        member = ctx.archive_names.get(name.rsplit("/", 1)[-1].casefold())
        if member is None:
            raise RowError(f"không có tệp “{name[:60]}” trong tệp ZIP")
        members.append(member)
    return members


def _signer(text: str) -> tuple[str, str]:
    """ "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Văn A" → ("KT. CHỦ TỊCH PHÓ CHỦ TỊCH", "Nguyễn Văn A")."""
    lines = [x.strip() for x in text.splitlines() if x.strip()]
    if not lines:
        return "", ""
    name, position = lines[-1], " ".join(lines[:-1])
    if len(name) > MAX["signer_name"]:
        raise RowError(f"tên người ký dài quá {MAX['signer_name']} ký tự")
    if len(position) > MAX["signer_position"]:
        raise RowError(f"chức vụ người ký dài quá {MAX['signer_position']} ký tự")
    return name, position


def _common(values: dict[str, Any], ctx: Context) -> tuple[DocumentType, str, str, dt.date | None, str, str, list[str]]:
    """The columns both registers have, in their order."""
    doc_type, subject = _type_and_subject(_text(values, "type_subject", "Tên loại và trích yếu nội dung văn bản"), ctx)
    to_places = _places(_text(values, "to_places", "Nơi nhận", MAX["to_places"]), ctx)
    sent = parse_date(values.get("sent_date"), "Ngày chuyển", today=ctx.today, required=False)
    signed_for = _text(values, "signed_for", "Ký nhận", 200)
    note = _text(values, "note", "Ghi chú", MAX["description"])
    files = _files(_text(values, "files", "Tệp đính kèm"), ctx)
    return doc_type, subject, to_places, sent, signed_for, note, files


def row_parse(n: int, values: dict[str, Any], ctx: Context) -> ParsedRow:
    """The row checked and typed, or :class:`RowError` with the reason."""
    for value in values.values():
        if isinstance(value, str) and "\x00" in value:
            raise RowError("dòng chứa ký tự NUL (không hợp lệ)")
    ref = _text(values, "agency_ref", "Cơ quan")
    if ref and fold(ref) not in ctx.agency_refs and ref.casefold() not in ctx.agency_refs:
        raise RowError(f"dòng của cơ quan khác (“{ref[:60]}”), không phải {ctx.agency.name}")
    if ctx.direction == Direction.INCOMING:
        arrival = parse_date(values.get("arrival_date"), "Ngày đến", today=ctx.today, required=True)
        assert arrival is not None
        number = _positive(_text(values, "arrival_number", "Số đến"), "Số đến", limit=MAX["arrival_number"])
        organ = _text(values, "organ_name", "Tác giả", MAX["organ_name"])
        if not organ:
            raise RowError("thiếu “Tác giả” (cơ quan ban hành)")
        code_number, notation = _number_notation(
            _text(values, "number_notation", "Số, ký hiệu văn bản"), required=False
        )
        issued = parse_date(values.get("issued_date"), "Ngày tháng văn bản", today=ctx.today, required=False)
        if issued is not None and issued > arrival:
            raise RowError(f"ngày văn bản {issued:%d/%m/%Y} sau ngày đến {arrival:%d/%m/%Y}")
        doc_type, subject, to_places, sent, signed_for, note, files = _common(values, ctx)
        return ParsedRow(
            row=n,
            year=arrival.year,
            number=number,
            code_number=code_number,
            code_notation=notation,
            issued_date=issued,
            doc_type=doc_type,
            subject=subject,
            organ_name=organ,
            arrival_date=arrival,
            to_places=to_places,
            note=note,
            sent_date=sent,
            signed_for=signed_for,
            files=files,
        )
    code_number, notation = _number_notation(_text(values, "number_notation", "Số, ký hiệu văn bản"), required=True)
    issued = parse_date(values.get("issued_date"), "Ngày tháng văn bản", today=ctx.today, required=True)
    assert issued is not None
    doc_type, subject, to_places, sent, signed_for, note, files = _common(values, ctx)
    signer_name, signer_position = _signer(_text(values, "signer", "Người ký"))
    copies_text = _text(values, "copies", "Số lượng bản")
    copies = _positive(copies_text, "Số lượng bản", limit=999) if copies_text else 1
    return ParsedRow(
        row=n,
        year=issued.year,
        number=int(code_number),
        code_number=code_number,
        code_notation=notation,
        issued_date=issued,
        doc_type=doc_type,
        subject=subject,
        organ_name=ctx.agency.name[: MAX["organ_name"]],
        to_places=to_places,
        note=note,
        sent_date=sent,
        signed_for=signed_for,
        signer_name=signer_name,
        signer_position=signer_position,
        kept_by=_text(values, "kept_by", "Đơn vị, người nhận bản lưu", 200),
        copies=copies,
        files=files,
    )
