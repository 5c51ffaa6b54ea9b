"""Where things go on the page (NĐ 30 Phụ lục I): find text with its position, and compute the
boxes of the personal signature image, the seal, the number and date fields and the attachment
signature text. Coordinates are PDF points, origin bottom-left; a box is (x1, y1, x2, y2)."""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass

from pypdf import PdfReader

Box = tuple[float, float, float, float]
MM = 72 / 25.4
# Average advance width of a Times/Liberation Serif glyph, in ems (to estimate text widths).
_EM_RATIO = 0.47


@dataclass(frozen=True)
class TextLine:
    page: int  # 0-based
    x: float
    y: float  # baseline
    size: float
    text: str

    @property
    def width(self) -> float:
        return len(self.text) * self.size * _EM_RATIO

    def find(self, needle: str) -> tuple[float, float] | None:
        """(x start, x end) of ``needle`` within the line, estimated from the character offset."""
        index = _norm(self.text).find(_norm(needle))
        if index < 0:
            return None
        start = self.x + index * self.size * _EM_RATIO
        return start, start + len(needle) * self.size * _EM_RATIO


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def text_lines(reader: PdfReader, pages: list[int] | None = None) -> list[TextLine]:
    """Text runs of the given pages grouped into lines (same page, same baseline)."""
    lines: list[TextLine] = []
    for page_index in pages if pages is not None else range(len(reader.pages)):
        runs: list[tuple[float, float, float, str]] = []

        def visit(
            text: str,
            cm: list[float],
            tm: list[float],
            _font: object,
            size: float,
            runs: list[tuple[float, float, float, str]] = runs,
        ) -> None:
            if not text.strip():
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            scale = abs(tm[3] * cm[3]) or 1.0
            runs.append((x, y, size * scale, text))

        reader.pages[page_index].extract_text(visitor_text=visit)
        runs.sort(key=lambda r: (-round(r[1]), r[0]))
        current: list[tuple[float, float, float, str]] = []
        for run in [*runs, (0.0, -1e9, 0.0, "")]:
            if current:
                last = current[-1]
                end = last[0] + len(last[3]) * last[2] * _EM_RATIO
                # a new line: another baseline, or a far gap on the same baseline (two columns, as the
                # "Số:" cell and the place/date cell of the header)
                if abs(run[1] - current[0][1]) > 1.5 or run[0] > end + 2 * last[2]:
                    text = " ".join(r[3].strip() for r in current)
                    size = max(r[2] for r in current)
                    lines.append(TextLine(page_index, current[0][0], current[0][1], size, text))
                    current = []
            current.append(run)
    return lines


class PageText:
    """A PDF's text lines by page, parsed on first use and kept for the life of this object (one
    signing call asks several questions of the same pages)."""

    def __init__(self, data: bytes) -> None:
        self.reader = PdfReader(io.BytesIO(data))
        self._lines: dict[int, list[TextLine]] = {}

    @property
    def page_count(self) -> int:
        return len(self.reader.pages)

    def lines(self, page: int) -> list[TextLine]:
        if page not in self._lines:
            self._lines[page] = text_lines(self.reader, [page])
        return self._lines[page]


Document = PageText | bytes


def _doc(document: Document) -> PageText:
    return document if isinstance(document, PageText) else PageText(document)


def find_text(document: Document, needle: str, *, last: bool = True) -> tuple[TextLine, float, float] | None:
    """The line holding ``needle`` (the last occurrence in the document when ``last``)."""
    doc = _doc(document)
    order = list(range(doc.page_count))
    if last:
        order.reverse()
    for page_index in order:
        lines = list(doc.lines(page_index))
        if last:
            lines.reverse()
        for line in lines:
            span = line.find(needle)
            if span is not None:
                return line, span[0], span[1]
    return None


def signature_box_between(document: Document, name: str, image_ratio: float) -> tuple[int, Box] | None:
    """Box of the personal signature image: centred on the signer's name, between the title line
    above it and the name line (Phụ lục I, ô 7c). ``image_ratio`` is width / height."""
    doc = _doc(document)
    found = find_text(doc, name)
    if found is None:
        return None
    line, x1, x2 = found
    centre = (x1 + x2) / 2
    above = [
        other
        for other in doc.lines(line.page)
        if other.y > line.y + line.size and other.x <= centre <= other.x + max(other.width, 1)
    ]
    bottom = line.y + line.size * 1.1
    top = min((o.y for o in above), default=bottom + 22 * MM) - 3
    height = max(min(top - bottom, 28 * MM), 10 * MM)
    width = min(height * image_ratio, 60 * MM)
    height = width / image_ratio
    y1 = bottom + max((top - bottom - height) / 2, 0)
    return line.page, (centre - width / 2, y1, centre + width / 2, y1 + height)


def seal_box(signature: Box, seal_width: float) -> Box:
    """The seal at its real size, overlapping about one third of the signature image on its left
    (Phụ lục I, ô 8)."""
    x1, y1, x2, y2 = signature
    overlap_right = x1 + (x2 - x1) / 3
    centre_y = (y1 + y2) / 2
    return (overlap_right - seal_width, centre_y - seal_width / 2, overlap_right, centre_y + seal_width / 2)


def top_right_box(page_width: float, page_height: float, width: float, height: float) -> Box:
    """Top-right corner of the page inside the margins (right 15–20 mm, top 20–25 mm)."""
    x2 = page_width - 15 * MM
    y2 = page_height - 8 * MM
    return (x2 - width, y2 - height, x2, y2)


def field_box_after(document: Document, needle: str, width: float, *, page: int = 0) -> tuple[int, Box] | None:
    """A box starting where ``needle`` ends on its line (for the number after "Số:", the date after
    the place name), on page ``page`` (first occurrence)."""
    doc = _doc(document)
    if page >= doc.page_count:
        return None
    for line in doc.lines(page):
        span = line.find(needle)
        if span is not None:
            x = span[1] + 2
            return page, (x, line.y - line.size * 0.3, x + width, line.y + line.size * 1.0)
    return None
