"""Where the template keeps the number/notation and the issue date, and the text that replaces it.

:func:`find_placeholders` measures the runs "Số:      /UBND-VHXH" and "<place>, ngày … tháng … năm …"
from the glyphs' real positions (:mod:`qlvb.signing.glyphs`), stopping at the column gap of the
two-column header table; :func:`number_line` / :func:`date_line` write the complete lines and
:func:`text_width` / :func:`ink_extent` measure them in the font they are drawn with. The fields
themselves are laid out and filled by :mod:`qlvb.signing.number_fields`.
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from pypdf import PdfReader

from qlvb.core.text import strip_marks

from . import conf, glyphs

NUMBER_FIELD = "SoKyHieu"
DATE_FIELD = "NgayBanHanh"
Box = tuple[float, float, float, float]

# what a blank of a placeholder is made of, besides white space and gaps
_BLANK = "._…·‥-–"
_NUMBER = re.compile(r"(?<![a-z0-9])so\s*:")
_DATE = re.compile(r"(?<![a-z0-9])ngay([\s" + re.escape(_BLANK) + r"]*)thang([\s" + re.escape(_BLANK) + r"]*)nam")
_DATE_FILLED = re.compile(r"(?<![a-z0-9])ngay\s*\d{1,2}\s*thang\s*\d{1,2}\s*nam")
# a gap wider than this (in ems) ends a run: the next cell of the header table
_COLUMN_GAP = 2.5
_GAP = 0.18  # a gap wider than this (in ems) between two glyphs reads as a space


@dataclass(frozen=True)
class Placeholder:
    """A measured run of the template — the number line or the place-and-date line — and the field
    laid out over it."""

    kind: str  # "number" or "date"
    page: int
    x0: float  # start of its first glyph
    x1: float  # end of its last glyph
    y: float  # baseline
    size: float  # font size of the run
    text: str  # as the template has it
    align: str = "left"  # how the template's line is aligned: left, center, right
    notation: str = ""  # number line: the template's notation after "/" ("UBND-VHXH")
    place: str = ""  # date line: the place before ", ngày" ("Liên Minh")
    year_typed: bool = False  # date line: "năm 2026" already typed
    box: Box = (0.0, 0.0, 0.0, 0.0)  # the field: the whole run, room for the longest text, no other line

    @property
    def italic(self) -> bool:
        return self.kind == "date"  # NĐ 30 Phụ lục I: the place-and-date line in italics

    def start(self, width: float) -> float:
        """Where a text ``width`` wide starts so that it is aligned as the template's line was."""
        if self.align == "center":
            return (self.x0 + self.x1 - width) / 2
        if self.align == "right":
            return self.x1 - width
        return self.x0


def _line_text(line: list[glyphs.Glyph]) -> tuple[str, list[int]]:
    """The folded text of a line (lower case, no diacritics) with a gap read as a space, and for each
    character the index of its glyph (-1 for such a space)."""
    chars: list[str] = []
    owners: list[int] = []
    for index, glyph in enumerate(line):
        if index and glyph.x0 - line[index - 1].x1 > _GAP * glyph.size:
            chars.append(" ")
            owners.append(-1)
        folded = strip_marks(glyph.text).lower()
        for ch in folded:
            chars.append(" " if ch.isspace() else ch)
            owners.append(index)
    return "".join(chars), owners


def _glyphs_of(owners: list[int], start: int, end: int) -> list[int]:
    return sorted({owners[i] for i in range(start, end) if owners[i] >= 0})


def _trim_blank_tail(line: list[glyphs.Glyph], indexes: list[int], last_solid: int) -> list[int]:
    """Keep the glyphs up to ``last_solid`` and the visible blank glyphs (dots, underscores) after it
    that are not beyond a column gap."""
    kept = [i for i in indexes if i <= last_solid]
    previous = line[last_solid]
    for i in (i for i in indexes if i > last_solid):
        glyph = line[i]
        if glyph.x0 - previous.x1 > _COLUMN_GAP * glyph.size:
            break
        if not glyph.blank:
            kept.append(i)
        previous = glyph
    return kept


def _segments(line: list[glyphs.Glyph]) -> list[tuple[float, float]]:
    """The visible stretches of a line, split at column gaps (the cells of the header table)."""
    spans: list[tuple[float, float]] = []
    for glyph in line:
        if glyph.blank:
            continue
        if spans and glyph.x0 - spans[-1][1] <= _COLUMN_GAP * glyph.size:
            spans[-1] = (spans[-1][0], glyph.x1)
        else:
            spans.append((glyph.x0, glyph.x1))
    return spans


def _alignment(page_lines: list[list[glyphs.Glyph]], line: list[glyphs.Glyph], x0: float, x1: float) -> str:
    """Left, centred or right: compared with the nearest lines above in the same column (the agency
    name above "Số", the national motto above the date)."""
    y, size = line[0].y, line[0].size
    tolerance = 0.2 * size
    for other in sorted((o for o in page_lines if y + 0.5 * size < o[0].y <= y + 6 * size), key=lambda o: o[0].y):
        for s0, s1 in _segments(other):
            if s1 < x0 or s0 > x1:
                continue
            left, centre, right = abs(s0 - x0), abs((s0 + s1) / 2 - (x0 + x1) / 2), abs(s1 - x1)
            if left <= tolerance:
                return "left"
            if centre <= tolerance:
                return "center"
            if right <= tolerance:
                return "right"
    return "left"


def _placeholder(
    page_lines: list[list[glyphs.Glyph]],
    line: list[glyphs.Glyph],
    first: int,
    last: int,
    visible: list[int],
    *,
    page: int,
    page_width: float,
    kind: str,
    size_of: int,
    **details: object,
) -> Placeholder:
    """The run ``line[first..last]`` (``visible``: its glyphs that must be covered) and its field."""
    x0 = line[first].x0
    x1 = max(line[i].x1 for i in visible)
    y, size = line[size_of].y, line[size_of].size
    run = Placeholder(
        kind=kind,
        page=page,
        x0=x0,
        x1=x1,
        y=y,
        size=size,
        text="".join(g.text for g in line[first : last + 1]),
        align=_alignment(page_lines, line, x0, x1),
        **details,  # type: ignore[arg-type]
    )
    # how far the field may reach sideways: the neighbouring text on the line, else the page margins
    margin = 10 * 72 / 25.4
    left_limit, right_limit = margin, page_width - margin
    for glyph in reversed(line[:first]):
        if not glyph.blank:
            left_limit = max(left_limit, glyph.x1 + 0.6 * glyph.size)
            break
    for glyph in line[last + 1 :]:
        if not glyph.blank:
            right_limit = min(right_limit, glyph.x0 - 0.6 * glyph.size)
            break
    # room for the longest text the field can receive (four-digit number, two-digit day and month)
    if kind == "number":
        longest = number_line("0000/" + (run.notation or "UBND-VHXH"), None)
    else:
        longest = date_line(date(2000, 12, 28), run)
    width = text_width(longest, size, italic=run.italic) + 3
    start = run.start(width)
    bx1 = max(min(x0 - 1.5, start), min(left_limit, x0 - 1.5))
    bx2 = min(max(x1 + 1.5, start + width), max(right_limit, x1 + 1.5))
    # as high and low as the template's glyphs and the new text reach, without covering the lines
    # above and below (their own glyphs' ink, measured the same way)
    low, high = ink_extent(run.text + longest + "0123456789", italic=run.italic)
    top, bottom = y + high * size + 0.8, y + low * size - 0.8
    for other in page_lines:
        for glyph in other:
            if glyph.blank or glyph.x1 < bx1 or glyph.x0 > bx2:
                continue
            g_low, g_high = ink_extent(glyph.text)
            if glyph.y > y + 0.5 * size:
                top = min(top, glyph.y + g_low * glyph.size - 0.3)
            elif glyph.y < y - 0.5 * size:
                bottom = max(bottom, glyph.y + g_high * glyph.size + 0.3)
    top, bottom = max(top, y + 0.6 * size), min(bottom, y - 0.05 * size)
    return replace(run, box=(bx1, bottom, bx2, top))


def _number_run(
    page_lines: list[list[glyphs.Glyph]], page: int, page_width: float, page_height: float
) -> Placeholder | None:
    for line in page_lines:
        if line[0].y < page_height * 0.55:  # ô 3 is in the header: never a "số:" of the body
            break
        text, owners = _line_text(line)
        match = _NUMBER.search(text)
        if match is None:
            continue
        rest = text[match.end() :]
        blank = re.match(r"[\s\d" + re.escape(_BLANK) + r"]*", rest)  # a number typed already is replaced too
        assert blank is not None
        after = match.end() + blank.end()
        notation = ""
        number_part = _glyphs_of(owners, match.start(), match.end())
        colon = number_part[-1]
        tail = re.match(r"/(\S+)", text[after:])
        if tail is not None:
            notation_glyphs = _glyphs_of(owners, after, after + tail.end())
            indexes = number_part + _glyphs_of(owners, match.end(), after) + notation_glyphs
            notation = "".join(line[i].text for i in notation_glyphs)[1:]
            last = notation_glyphs[-1]
        else:
            indexes = _trim_blank_tail(line, number_part + _glyphs_of(owners, match.end(), after), colon)
            last = max(indexes)
        return _placeholder(
            page_lines,
            line,
            number_part[0],
            last,
            indexes,
            page=page,
            page_width=page_width,
            kind="number",
            size_of=number_part[0],
            notation=notation.strip(),
        )
    return None


def _place_before(line: list[glyphs.Glyph], day: int) -> tuple[int, str]:
    """(index of the first glyph, text) of "<place>," before the glyph ``day`` ("n" of "ngày")."""
    i = day - 1
    while i >= 0 and line[i].blank and line[i + 1].x0 - line[i].x1 < _COLUMN_GAP * line[i].size:
        i -= 1
    if i < 0 or line[i].text != "," or line[day].x0 - line[i].x1 > _COLUMN_GAP * line[day].size:
        return day, ""
    comma = i
    first = comma
    while first > 0:
        previous = line[first - 1]
        if line[first].x0 - previous.x1 > 1.2 * line[first].size:  # a column gap, not a space
            break
        first -= 1
    while first < comma and line[first].blank:
        first += 1
    if first == comma:
        return day, ""
    place = _joined(line[first:comma])
    return first, place


def _joined(run: list[glyphs.Glyph]) -> str:
    out = ""
    for index, glyph in enumerate(run):
        if index and glyph.x0 - run[index - 1].x1 > _GAP * glyph.size and not out.endswith(" "):
            out += " "
        out += glyph.text
    return " ".join(out.split())


def _date_run(
    page_lines: list[list[glyphs.Glyph]], page: int, page_width: float, page_height: float
) -> Placeholder | None:
    candidates: list[tuple[list[glyphs.Glyph], str, list[int], re.Match[str]]] = []
    for line in page_lines:
        text, owners = _line_text(line)
        match = _DATE.search(text)
        if match is not None:
            candidates.append((line, text, owners, match))
            break
    if not candidates:  # a date line typed in full: still the header's, if high on the page
        for line in page_lines:
            if line[0].y < page_height * 0.55:
                break
            text, owners = _line_text(line)
            match = _DATE_FILLED.search(text)
            if match is not None:
                candidates.append((line, text, owners, match))
                break
    if not candidates:
        return None
    line, text, owners, match = candidates[0]
    year = re.match(r"[\s" + re.escape(_BLANK) + r"]*(\d{0,4})[" + re.escape(_BLANK) + r"]*", text[match.end() :])
    assert year is not None
    end = match.end() + year.end()
    indexes = _glyphs_of(owners, match.start(), end)
    day = indexes[0]
    solid_end = match.end() + year.end(1) if year.group(1) else match.end()
    solid = _glyphs_of(owners, match.start(), solid_end)
    indexes = _trim_blank_tail(line, indexes, solid[-1])
    first, place = _place_before(line, day)
    return _placeholder(
        page_lines,
        line,
        first,
        max(indexes),
        indexes,
        page=page,
        page_width=page_width,
        kind="date",
        size_of=day,
        place=place,
        year_typed=len(year.group(1)) == 4,
    )


def find_placeholders(pdf: bytes | PdfReader, *, page: int = 0) -> dict[str, Placeholder]:
    """The number run and the place-and-date run of ``page`` (the first occurrence of each, reading
    from the top), keyed by field name."""
    reader = pdf if isinstance(pdf, PdfReader) else PdfReader(io.BytesIO(pdf))
    if page >= len(reader.pages):
        return {}
    box = reader.pages[page].mediabox
    width, height = float(box.right) - float(box.left), float(box.top) - float(box.bottom)
    page_lines = glyphs.lines(glyphs.page_glyphs(reader, page))
    found: dict[str, Placeholder] = {}
    number = _number_run(page_lines, page, width, height)
    if number is not None:
        found[NUMBER_FIELD] = number
    day = _date_run(page_lines, page, width, height)
    if day is not None:
        found[DATE_FIELD] = day
    return found


# --- the text written --------------------------------------------------------------------------------


def date_text(issue_date: date) -> str:
    """``ngày 05 tháng 3 năm 2026``: day below 10 and months 1–2 with a leading zero."""
    month = f"{issue_date.month:02d}" if issue_date.month < 3 else str(issue_date.month)
    return f"ngày {issue_date.day:02d} tháng {month} năm {issue_date.year}"


def number_line(number: str, run: Placeholder | None) -> str:
    """``Số: 01/UBND-VHXH``; a bare number takes the template's notation."""
    number = " ".join(number.split())
    if "/" not in number and run is not None and run.notation:
        number = f"{number}/{run.notation}"
    return f"Số: {number}"


def date_line(issue_date: date, run: Placeholder | None, place: str = "") -> str:
    where = (run.place if run is not None and run.place else "") or place
    return f"{where}, {date_text(issue_date)}" if where else date_text(issue_date)


# --- fonts ------------------------------------------------------------------------------------------


def font_file(italic: bool) -> str:
    regular = conf.font_path()
    if not italic:
        return regular
    source = conf._source_font()
    candidate = Path(source.replace("Regular", "Italic"))
    if candidate != Path(source) and candidate.exists():
        return conf._scaled_font(str(candidate))
    return regular


def _metrics(italic: bool) -> tuple[dict[int, float], dict[int, tuple[float, float]]]:
    return _font_metrics(font_file(italic))


@functools.cache
def _font_metrics(path: str) -> tuple[dict[int, float], dict[int, tuple[float, float]]]:
    """Unicode code point → advance (em) and → (lowest, highest) ink (em, from the baseline)."""
    from fontTools.ttLib import TTFont

    font = TTFont(path)
    per_em = font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    glyf = font.get("glyf")
    advances: dict[int, float] = {}
    extents: dict[int, tuple[float, float]] = {}
    for code, name in font.getBestCmap().items():
        if name in metrics:
            advances[code] = metrics[name][0] / per_em
        glyph = glyf[name] if glyf is not None and name in glyf else None
        if glyph is not None and glyph.numberOfContours != 0:
            extents[code] = (glyph.yMin / per_em, glyph.yMax / per_em)
    return advances, extents


def text_width(text: str, size: float, *, italic: bool) -> float:
    """Width in points of ``text`` (sum of advances; kerning ignored — a margin covers it)."""
    advances, _extents = _metrics(italic)
    return sum(advances.get(ord(ch), 0.5) for ch in text) * size


def ink_extent(text: str, *, italic: bool = False) -> tuple[float, float]:
    """(lowest, highest) ink of ``text`` in ems from the baseline, measured on Liberation Serif (metric
    twin of the Times New Roman templates use): "ố" reaches higher than "o", "g" lower."""
    _advances, extents = _metrics(italic)
    found = [extents.get(ord(ch), (-0.22, 0.9)) for ch in text if not ch.isspace()]
    if not found:
        return 0.0, 0.0
    return min(f[0] for f in found), max(f[1] for f in found)
