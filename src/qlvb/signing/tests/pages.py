"""Checks on the rendered first page of an issued document (``pdftoppm``) and on poppler's word boxes,
which share no code with ours: the number and date fields replace the template's placeholder.

:func:`assert_replaced` proves, for one approved PDF and its issued version:

1. outside the number and date fields (and the signature and seal), the issued page is pixel for
   pixel the approved page — nothing else moved or was covered;
2. inside each field, the issued page is pixel for pixel the field's appearance drawn alone on
   white — no template ink shows through (the appearance is opaque);
3. every inked pixel of the template's placeholder words (located by poppler) lies inside a field,
   and every inked pixel of other words stays outside — the whole placeholder is covered and no
   other text is (poppler's word boxes run from ascent to descent, so those of two neighbouring
   lines overlap a little; a pixel in both is counted for neither);
4. what the appearances draw, read alone, is exactly the expected two lines.

Text extraction of the issued file cannot prove it: the template's own text stays in the signed page
content under the field, so ``pdftotext`` reads both.
"""

from __future__ import annotations

import html
import io
import re
import subprocess
import unicodedata
from pathlib import Path

from PIL import Image, ImageChops
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, NameObject, StreamObject

from qlvb.conftest import SCREENSHOTS
from qlvb.signing import number_fields

DPI = 110
SCALE = DPI / 72
INK = 160  # a pixel darker than this is ink
FIELDS = (number_fields.NUMBER_FIELD, number_fields.DATE_FIELD)


def _render(pdf: bytes, folder: Path, stem: str) -> Image.Image:
    source = folder / f"{stem}.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(DPI), "-f", "1", "-l", "1", "-singlefile", str(source), str(folder / stem)],
        check=True,
        capture_output=True,
    )
    return Image.open(folder / f"{stem}.png").convert("L")


def _pixels(rect: list[float], page_height: float, grow: int = 0) -> tuple[int, int, int, int]:
    x1, y1, x2, y2 = rect
    return (
        int(x1 * SCALE) - grow,
        int((page_height - y2) * SCALE) - grow,
        int(x2 * SCALE + 0.999) + grow,
        int((page_height - y1) * SCALE + 0.999) + grow,
    )


def _widgets(pdf: bytes) -> dict[str, list[float]]:
    reader = PdfReader(io.BytesIO(pdf))
    found = {}
    for annot in reader.pages[0].get("/Annots") or []:
        annot = annot.get_object()
        if "/T" in annot:
            found[str(annot["/T"])] = [float(v) for v in annot["/Rect"]]
    return found


def field_values(pdf: bytes) -> dict[str, str]:
    reader = PdfReader(io.BytesIO(pdf))
    annots = reader.pages[0]["/Annots"]
    assert isinstance(annots, ArrayObject)
    return {str(a.get_object()["/T"]): str(a.get_object().get("/V")) for a in annots}


def _appearance_only(pdf: bytes) -> bytes:
    """The issued file with page 1's content emptied and only the number and date widgets left: what
    their appearances draw, alone on white."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    page = writer.pages[0]
    page[NameObject("/Contents")] = writer._add_object(StreamObject())
    annots = page["/Annots"]
    assert isinstance(annots, ArrayObject)
    keep = [a for a in annots if str(a.get_object().get("/T")) in FIELDS]
    page[NameObject("/Annots")] = ArrayObject(keep)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _poppler_words(pdf: bytes, folder: Path) -> list[tuple[str, float, float, float, float]]:
    source = folder / "words.pdf"
    source.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(source), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [
        (unicodedata.normalize("NFC", html.unescape(text)), float(a), float(b), float(c), float(d))
        for a, b, c, d, text in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out
        )
    ]


def _words_of(words: list[tuple[str, float, float, float, float]], typed: str) -> list[tuple[float, ...]]:
    """The consecutive poppler words that spell ``typed`` (white space and tabs ignored)."""
    target = "".join(unicodedata.normalize("NFC", typed).split())
    for start in range(len(words)):
        joined = ""
        for end in range(start, len(words)):
            joined += words[end][0]
            if joined == target:
                return [w[1:] for w in words[start : end + 1]]
            if not target.startswith(joined):
                break
    raise AssertionError(f"poppler does not find {typed!r} on page 1")


def _inked(image: Image.Image, box: tuple[int, int, int, int]) -> set[tuple[int, int]]:
    x1, y1, x2, y2 = box
    region = image.crop(box).load()
    assert region is not None
    return {(x1 + x, y1 + y) for x in range(x2 - x1) for y in range(y2 - y1) if _grey(region[x, y]) < INK}


def _grey(pixel: float | tuple[int, ...]) -> float:
    """A pixel of a greyscale image is one number."""
    assert isinstance(pixel, int | float), pixel
    return pixel


def _inside(point: tuple[int, int], boxes: list[tuple[int, int, int, int]]) -> bool:
    return any(b[0] <= point[0] < b[2] and b[1] <= point[1] < b[3] for b in boxes)


def assert_replaced(
    approved: bytes, issued: bytes, *, typed: tuple[str, str], expected: tuple[str, str], folder: Path, name: str
) -> None:
    """``typed``: the template's number and date lines as typed; ``expected``: the two lines written.
    Saves the issued page 1 as var/screenshots/so-ngay-<name>.png, to look at."""
    # 4. what the appearances draw, read alone
    alone = _appearance_only(issued)
    (folder / "alone.pdf").write_bytes(alone)
    drawn = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(folder / "alone.pdf"), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert sorted(line.strip() for line in drawn.splitlines() if line.strip()) == sorted(expected)

    height = float(PdfReader(io.BytesIO(approved)).pages[0].mediabox.top)
    widgets = _widgets(issued)
    fields = [_pixels(widgets[n], height) for n in FIELDS]
    before = _render(approved, folder, "approved")
    after = _render(issued, folder, "issued")
    appearance = _render(alone, folder, "alone")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    after.save(SCREENSHOTS / f"so-ngay-{name}.png")

    # 1. nothing changed outside the fields, the signature and the seal
    changed = ImageChops.difference(before, after).point(lambda v: 255 if v > 40 else 0)
    for rect in widgets.values():
        changed.paste(0, _pixels(rect, height, grow=1))
    assert changed.getbbox() is None, f"pixels changed outside the fields, in {changed.getbbox()}"

    # 2. inside the fields: exactly the appearance, nothing of the template shows through
    for field_name, box in zip(FIELDS, fields, strict=True):
        inner = (box[0] + 1, box[1] + 1, box[2] - 1, box[3] - 1)
        diff = ImageChops.difference(after.crop(inner), appearance.crop(inner)).point(lambda v: 255 if v > 40 else 0)
        assert diff.getbbox() is None, f"{field_name}: the template shows through at {diff.getbbox()}"

    # 3. the placeholder's ink is all inside the fields, and no other text's ink is
    words = _poppler_words(approved, folder)
    spelled = [w for line in typed for w in _words_of(words, line)]
    placeholder = [_pixels([w[0], height - w[3], w[2], height - w[1]], height) for w in spelled]
    others = [_pixels([w[1], height - w[4], w[3], height - w[2]], height) for w in words if tuple(w[1:]) not in spelled]
    ink = {p for box in placeholder for p in _inked(before, box) if not _inside(p, others)}
    assert ink, "the template's placeholder has ink"
    uncovered = [p for p in ink if not _inside(p, fields)]
    assert not uncovered, f"{len(uncovered)} pixels of the placeholder stay visible, e.g. {uncovered[:5]}"
    other_ink = {p for box in others for p in _inked(before, box) if not _inside(p, placeholder)}
    hidden = [p for p in other_ink if _inside(p, fields)]
    assert not hidden, f"the fields cover {len(hidden)} pixels of other text, e.g. {sorted(hidden)[:5]}"
