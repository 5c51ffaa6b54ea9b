"""Where each character of a PDF page really is: a small content-stream interpreter that follows the
text state (font, size, character/word spacing, horizontal scaling, rise, text and graphics
matrices, form XObjects) and the fonts' own advance widths, so a placeholder such as "Số:      /UBND"
can be covered exactly — not estimated from a character count.

Coordinates are PDF points on the page, origin bottom-left. Only what placing the number and date
fields needs: horizontal text (rotated text is measured along its baseline but is never a header
line), simple fonts (one byte per code, ``/Widths``) and Type0 fonts with two-byte codes
(``Identity-H``, what LibreOffice, Word and browsers write), Unicode from ``/ToUnicode``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pypdf import PageObject, PdfReader
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, IndirectObject, StreamObject

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_MAX_FORM_DEPTH = 8


@dataclass(frozen=True)
class Glyph:
    """One shown character code: its Unicode text ('' when the font has no mapping), the start and
    end of its advance on the baseline, the baseline and the effective font size."""

    text: str
    x0: float
    x1: float
    y: float
    size: float
    font: str  # /BaseFont without the subset prefix, e.g. "LiberationSerif-Italic"

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def _mul(m: Matrix, n: Matrix) -> Matrix:
    """m × n (PDF row-vector convention: apply m, then n)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _point(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5]


def _num(value: Any, default: float = 0.0) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _hex_bytes(token: str) -> bytes:
    token = re.sub(r"\s", "", token)
    if len(token) % 2:
        token += "0"
    return bytes.fromhex(token)


def _utf16(data: bytes) -> str:
    return data.decode("utf-16-be", "replace") if len(data) >= 2 else data.decode("latin-1")


def parse_tounicode(data: bytes) -> dict[int, str]:
    """``code → text`` from a ToUnicode CMap (bfchar and bfrange sections)."""
    text = data.decode("latin-1")
    mapping: dict[int, str] = {}
    for section in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f\s]+)>\s*<([0-9A-Fa-f\s]*)>", section):
            mapping[int.from_bytes(_hex_bytes(src), "big")] = _utf16(_hex_bytes(dst))
    for section in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, rest in re.findall(
            r"<([0-9A-Fa-f\s]+)>\s*<([0-9A-Fa-f\s]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f\s]*>)", section
        ):
            start, end = int.from_bytes(_hex_bytes(lo), "big"), int.from_bytes(_hex_bytes(hi), "big")
            if end - start > 0xFFFF:
                continue
            if rest.startswith("["):
                for offset, dst in enumerate(re.findall(r"<([0-9A-Fa-f\s]*)>", rest)):
                    mapping[start + offset] = _utf16(_hex_bytes(dst))
            else:
                base = _hex_bytes(rest[1:-1])
                for offset in range(end - start + 1):
                    value = int.from_bytes(base, "big") + offset
                    mapping[start + offset] = _utf16(value.to_bytes(max(len(base), 2), "big"))
    return mapping


class _Font:
    """Codes, widths (text space, 1/1000 em) and Unicode of one font resource."""

    def __init__(self, font: DictionaryObject) -> None:
        self.name = str(font.get("/BaseFont", "")).lstrip("/").split("+")[-1]
        subtype = font.get("/Subtype")
        self.two_byte = subtype == "/Type0"
        self.scale = 0.001
        self.widths: dict[int, float] = {}
        self.default_width = 0.0
        if self.two_byte:
            descendants = font.get("/DescendantFonts")
            cid = descendants[0].get_object() if descendants else DictionaryObject()
            self.default_width = _num(cid.get("/DW"), 1000.0)
            self._cid_widths(cid.get("/W"))
        else:
            first = int(_num(font.get("/FirstChar"), 0))
            widths = font.get("/Widths")
            for offset, width in enumerate(widths.get_object() if widths is not None else []):
                self.widths[first + offset] = _num(width)
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None:
                self.default_width = _num(descriptor.get_object().get("/MissingWidth"), 0.0)
            if subtype == "/Type3" and "/FontMatrix" in font:
                self.scale = _num(font["/FontMatrix"].get_object()[0], 0.001)  # type: ignore[index]
            if not self.widths:
                self.default_width = 500.0  # a standard-14 font without /Widths: an average
        self.unicode: dict[int, str] = {}
        to_unicode = font.get("/ToUnicode")
        if to_unicode is not None:
            stream = to_unicode.get_object()
            if isinstance(stream, StreamObject):
                self.unicode = parse_tounicode(stream.get_data())

    def _cid_widths(self, w: Any) -> None:
        if w is None:
            return
        items = list(w.get_object())
        index = 0
        while index < len(items):
            first = int(_num(items[index]))
            nxt = items[index + 1].get_object() if index + 1 < len(items) else None
            if isinstance(nxt, ArrayObject):
                for offset, width in enumerate(nxt):
                    self.widths[first + offset] = _num(width)
                index += 2
            else:
                last = int(_num(nxt))
                width = _num(items[index + 2]) if index + 2 < len(items) else self.default_width
                if last - first <= 0xFFFF:
                    for code in range(first, last + 1):
                        self.widths[code] = width
                index += 3

    def codes(self, data: bytes) -> list[int]:
        if self.two_byte:
            return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data) - 1, 2)]
        return list(data)

    def text(self, code: int) -> str:
        if code in self.unicode:
            return self.unicode[code]
        if self.two_byte:
            return ""
        return bytes([code]).decode("cp1252", "replace")

    def width(self, code: int) -> float:
        return self.widths.get(code, self.default_width) * self.scale


def _raw(value: Any) -> bytes:
    if isinstance(value, bytes):
        return bytes(value)
    original = getattr(value, "original_bytes", None)
    if original is not None:
        return bytes(original)
    return str(value).encode("latin-1", "replace")


class _State:
    def __init__(self) -> None:
        self.ctm: Matrix = IDENTITY
        self.font: _Font | None = None
        self.size = 0.0
        self.char_spacing = 0.0
        self.word_spacing = 0.0
        self.scale = 1.0
        self.leading = 0.0
        self.rise = 0.0

    def copy(self) -> _State:
        clone = _State()
        clone.__dict__.update(self.__dict__)
        return clone


_TEXT_STATE_OPERATORS = frozenset({"Tf", "Tc", "Tw", "Tz", "TL", "Ts"})


class _Cursor:
    """The text matrix and the text line matrix (PDF 32000 §9.4.2)."""

    def __init__(self) -> None:
        self.tm: Matrix = IDENTITY
        self.tlm: Matrix = IDENTITY

    def next_line(self, leading: float) -> None:
        self.tm = self.tlm = _mul((1.0, 0.0, 0.0, 1.0, 0.0, -leading), self.tlm)


class _Interpreter:
    def __init__(self, reader: PdfReader) -> None:
        self.reader = reader
        self.glyphs: list[Glyph] = []
        self._fonts: dict[int, _Font] = {}

    def _font(self, resources: DictionaryObject, name: str) -> _Font | None:
        fonts = resources.get("/Font")
        if fonts is None:
            return None
        ref = fonts.get_object().get(name)
        if ref is None:
            return None
        key = ref.idnum if isinstance(ref, IndirectObject) else id(ref)
        if key not in self._fonts:
            self._fonts[key] = _Font(ref.get_object())
        return self._fonts[key]

    def run(self, contents: Any, resources: DictionaryObject, ctm: Matrix, depth: int = 0) -> None:
        if contents is None or depth > _MAX_FORM_DEPTH:
            return
        state = _State()
        state.ctm = ctm
        stack: list[_State] = []
        cursor = _Cursor()
        for operands, operator in ContentStream(contents, self.reader).operations:
            op = operator.decode("latin-1") if isinstance(operator, bytes) else str(operator)
            if op == "q":
                stack.append(state.copy())
            elif op == "Q":
                if stack:
                    state = stack.pop()
            elif op == "cm" and len(operands) == 6:
                state.ctm = _mul(tuple(_num(v) for v in operands), state.ctm)  # type: ignore[arg-type]
            elif op == "Do" and operands:
                self._form(resources, str(operands[0]), state.ctm, depth)
            elif op in _TEXT_STATE_OPERATORS:
                self._text_state(state, op, operands, resources)
            else:
                self._text(state, cursor, op, operands)

    def _text_state(self, state: _State, op: str, operands: list[Any], resources: DictionaryObject) -> None:
        """Tf, Tc, Tw, Tz, TL, Ts: the font and the spacing of the text that follows."""
        if op == "Tf":
            if len(operands) == 2:
                state.font = self._font(resources, str(operands[0]))
                state.size = _num(operands[1])
        elif not operands:
            return
        elif op == "Tc":
            state.char_spacing = _num(operands[0])
        elif op == "Tw":
            state.word_spacing = _num(operands[0])
        elif op == "Tz":
            state.scale = _num(operands[0], 100.0) / 100.0
        elif op == "TL":
            state.leading = _num(operands[0])
        elif op == "Ts":
            state.rise = _num(operands[0])

    def _text(self, state: _State, cursor: _Cursor, op: str, operands: list[Any]) -> None:
        """BT, Td, TD, Tm, T*: where the text goes; Tj, TJ, ', ": the text shown there."""
        if op == "BT":
            cursor.tm = cursor.tlm = IDENTITY
        elif op in ("Td", "TD") and len(operands) == 2:
            tx, ty = _num(operands[0]), _num(operands[1])
            if op == "TD":
                state.leading = -ty
            cursor.tm = cursor.tlm = _mul((1.0, 0.0, 0.0, 1.0, tx, ty), cursor.tlm)
        elif op == "Tm" and len(operands) == 6:
            cursor.tm = cursor.tlm = tuple(_num(v) for v in operands)  # type: ignore[assignment]
        elif op == "T*":
            cursor.next_line(state.leading)
        elif op == "Tj" and operands:
            cursor.tm = self._show(state, cursor.tm, [operands[0]])
        elif op == "TJ" and operands:
            cursor.tm = self._show(state, cursor.tm, list(operands[0]))
        elif op == "'" and operands:
            cursor.next_line(state.leading)
            cursor.tm = self._show(state, cursor.tm, [operands[0]])
        elif op == '"' and len(operands) == 3:
            state.word_spacing, state.char_spacing = _num(operands[0]), _num(operands[1])
            cursor.next_line(state.leading)
            cursor.tm = self._show(state, cursor.tm, [operands[2]])

    def _form(self, resources: DictionaryObject, name: str, ctm: Matrix, depth: int) -> None:
        objects = resources.get("/XObject")
        if objects is None:
            return
        form = objects.get_object().get(name)
        form = form.get_object() if form is not None else None
        if not isinstance(form, StreamObject) or form.get("/Subtype") != "/Form":
            return
        matrix = tuple(_num(v) for v in form.get("/Matrix", [1, 0, 0, 1, 0, 0]))
        inner = form.get("/Resources")
        inner = inner.get_object() if inner is not None else resources
        self.run(form, inner, _mul(matrix, ctm), depth + 1)  # type: ignore[arg-type]

    def _show(self, state: _State, tm: Matrix, items: list[Any]) -> Matrix:
        font = state.font
        if font is None:
            return tm
        for item in items:
            if isinstance(item, (int, float)) or type(item).__name__ in ("NumberObject", "FloatObject"):
                shift = -_num(item) / 1000.0 * state.size * state.scale
                tm = _mul((1.0, 0.0, 0.0, 1.0, shift, 0.0), tm)
                continue
            data = _raw(item)
            for code in font.codes(data):
                width = font.width(code)
                advance = width * state.size * state.scale
                full = (width * state.size + state.char_spacing) * state.scale
                if not font.two_byte and code == 32:
                    full += state.word_spacing * state.scale
                m = _mul(tm, state.ctm)
                x0, y0 = _point(m, 0.0, state.rise)
                x1, _y1 = _point(m, advance, state.rise)
                size = state.size * (m[2] ** 2 + m[3] ** 2) ** 0.5
                self.glyphs.append(Glyph(font.text(code), x0, x1, y0, size, font.name))
                tm = _mul((1.0, 0.0, 0.0, 1.0, full, 0.0), tm)
        return tm


def page_glyphs(reader: PdfReader, page_index: int) -> list[Glyph]:
    """Every shown character of a page, in content-stream order."""
    page: PageObject = reader.pages[page_index]
    interpreter = _Interpreter(reader)
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else DictionaryObject()
    interpreter.run(page.get_contents(), resources, IDENTITY)
    return interpreter.glyphs


def lines(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs grouped by baseline (top of the page first), each line sorted left to right."""
    ordered = sorted((g for g in glyphs if g.size > 0), key=lambda g: (-g.y, g.x0))
    grouped: list[list[Glyph]] = []
    for glyph in ordered:
        if grouped and abs(grouped[-1][0].y - glyph.y) <= max(grouped[-1][0].size, glyph.size) * 0.2:
            grouped[-1].append(glyph)
        else:
            grouped.append([glyph])
    for line in grouped:
        line.sort(key=lambda g: g.x0)
    return grouped
