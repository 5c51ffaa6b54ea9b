"""Templates as agencies make them in Word or LibreOffice (NĐ 30 Phụ lục III): the header as a
borderless two-column table — agency name and "Số: …/…" on the left, national title and
"<place>, ngày … tháng … năm …" on the right, the number and the date on the same row — with blanks
typed the way people type them (spaces, tabs, "…", dots, underscores), the year typed or not.

One small document model written out as a real .docx (WordprocessingML) or .odt (OpenDocument),
which LibreOffice then converts to the PDF that gets signed, as in production."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from qlvb.files.tests.samples import a4_section, docx_package


@dataclass(frozen=True)
class Para:
    text: str  # "\t" is a tab
    align: str = "left"  # left, center, right, both
    bold: bool = False
    italic: bool = False
    size: float = 13.0
    indent_cm: float = 0.0


@dataclass(frozen=True)
class Table:
    widths_cm: tuple[float, ...]
    rows: tuple[tuple[tuple[Para, ...], ...], ...]


Block = Para | Table


@dataclass(frozen=True)
class Template:
    name: str
    number: str  # the "Số" line as typed
    date: str  # the place-and-date line as typed
    table: bool = True  # header as a two-column table (else left/right paragraphs)
    date_size: float = 13.0
    body: tuple[str, ...] = field(
        default=(
            "Thực hiện Kế hoạch số 12/KH-UBND của Ủy ban nhân dân huyện về tiêm chủng mở rộng năm 2026, "
            "Ủy ban nhân dân xã Liên Minh đề nghị Trạm Y tế xã triển khai các nội dung sau:",
            "1. Rà soát danh sách trẻ em trong độ tuổi tiêm chủng trên địa bàn xã.",
            "2. Báo cáo kết quả về Ủy ban nhân dân xã trước ngày 30 tháng 4 năm 2026.",
        )
    )

    def blocks(self) -> list[Block]:
        left_top = (
            Para("ỦY BAN NHÂN DÂN", "center"),
            Para("XÃ LIÊN MINH", "center", bold=True),
        )
        right_top = (
            Para("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "center", bold=True, size=12),
            Para("Độc lập - Tự do - Hạnh phúc", "center", bold=True),
        )
        number = Para(self.number, "center")
        day = Para(self.date, "center", italic=True, size=self.date_size)
        blocks: list[Block] = []
        if self.table:
            blocks.append(
                Table(
                    (6.0, 10.5),
                    (
                        (left_top, right_top),
                        ((Para(""),), (Para(""),)),
                        ((number, Para("V/v triển khai tiêm chủng mở rộng", "center", size=12)), (day,)),
                    ),
                )
            )
        else:
            blocks += [
                Para("ỦY BAN NHÂN DÂN XÃ LIÊN MINH", bold=True),
                Para("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "right", bold=True, size=12),
                Para("Độc lập - Tự do - Hạnh phúc", "right", bold=True),
                Para(self.number),
                Para(self.date, "right", italic=True, size=self.date_size),
                Para("V/v triển khai tiêm chủng mở rộng", size=12),
            ]
        blocks += [Para(""), Para("Kính gửi: Trạm Y tế xã Liên Minh.", "center"), Para("")]
        blocks += [Para(text, "both", size=14, indent_cm=1.0) for text in self.body]
        blocks.append(Para(""))
        blocks.append(
            Table(
                (8.0, 8.5),
                (
                    (
                        (
                            Para("Nơi nhận:", bold=True, italic=True, size=12),
                            Para("- Như trên;", size=11),
                            Para("- Lưu: VT, VHXH.", size=11),
                        ),
                        (
                            Para("TM. ỦY BAN NHÂN DÂN", "center", bold=True),
                            Para("CHỦ TỊCH", "center", bold=True),
                            Para("", "center"),
                            Para("", "center"),
                            Para("", "center"),
                            Para("", "center"),
                            Para("Nguyễn Văn Hùng", "center", bold=True),
                        ),
                    ),
                ),
            )
        )
        return blocks


# --- WordprocessingML -------------------------------------------------------------------------------

_CM = 567  # twips per centimetre


def _docx_para(p: Para) -> str:
    props = '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/>'
    props += ("<w:b/>" if p.bold else "") + ("<w:i/>" if p.italic else "") + f'<w:sz w:val="{round(p.size * 2)}"/>'
    parts = []
    for index, piece in enumerate(p.text.split("\t")):
        if index:
            parts.append("<w:tab/>")
        if piece:
            parts.append(f'<w:t xml:space="preserve">{escape(piece)}</w:t>')
    indent = f'<w:ind w:firstLine="{round(p.indent_cm * _CM)}"/>' if p.indent_cm else ""
    return (
        f'<w:p><w:pPr><w:spacing w:before="0" w:after="0"/>{indent}<w:jc w:val="{p.align}"/></w:pPr>'
        f"<w:r><w:rPr>{props}</w:rPr>{''.join(parts)}</w:r></w:p>"
    )


def _docx_table(t: Table) -> str:
    grid = "".join(f'<w:gridCol w:w="{round(w * _CM)}"/>' for w in t.widths_cm)
    rows = []
    for row in t.rows:
        cells = "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{round(w * _CM)}" w:type="dxa"/></w:tcPr>'
            + "".join(_docx_para(p) for p in cell)
            + "</w:tc>"
            for w, cell in zip(t.widths_cm, row, strict=True)
        )
        rows.append(f"<w:tr>{cells}</w:tr>")
    return (
        f'<w:tbl><w:tblPr><w:tblW w:w="{round(sum(t.widths_cm) * _CM)}" w:type="dxa"/>'
        '<w:tblInd w:w="-400" w:type="dxa"/><w:tblLayout w:type="fixed"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )


def docx(template: Template) -> bytes:
    body = "".join(_docx_table(b) if isinstance(b, Table) else _docx_para(b) for b in template.blocks())
    return docx_package(body + a4_section(left=1701))


# --- OpenDocument -----------------------------------------------------------------------------------

_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.3"'
)
_ALIGN = {"left": "start", "right": "end", "center": "center", "both": "justify"}


class _OdtStyles:
    def __init__(self) -> None:
        self.styles: dict[tuple[object, ...], str] = {}
        self._xml = ""

    def para(self, p: Para) -> str:
        key = (p.align, p.bold, p.italic, p.size, p.indent_cm)
        if key not in self.styles:
            name = f"P{len(self.styles) + 1}"
            text = f'fo:font-size="{p.size}pt" style:font-name="Times New Roman"'
            text += ' fo:font-weight="bold"' if p.bold else ""
            text += ' fo:font-style="italic"' if p.italic else ""
            indent = f' fo:text-indent="{p.indent_cm}cm"' if p.indent_cm else ""
            self.styles[key] = name
            self._xml += (
                f'<style:style style:name="{name}" style:family="paragraph"><style:paragraph-properties '
                f'fo:text-align="{_ALIGN[p.align]}" fo:margin-top="0cm" fo:margin-bottom="0cm"{indent}/>'
                f"<style:text-properties {text}/></style:style>"
            )
        return self.styles[key]

    def xml(self) -> str:
        return self._xml


def _odt_para(p: Para, styles: _OdtStyles) -> str:
    inner = "<text:tab/>".join(escape(piece).replace("  ", " <text:s/>") for piece in p.text.split("\t"))
    return f'<text:p text:style-name="{styles.para(p)}">{inner}</text:p>'


def _odt_table(t: Table, styles: _OdtStyles, index: int) -> tuple[str, str]:
    name = f"Tbl{index}"
    auto = (
        f'<style:style style:name="{name}" style:family="table"><style:table-properties '
        f'style:width="{sum(t.widths_cm)}cm" table:align="left" fo:margin-left="-0.7cm"/></style:style>'
    )
    columns = ""
    for col, width in enumerate(t.widths_cm):
        auto += (
            f'<style:style style:name="{name}.C{col}" style:family="table-column">'
            f'<style:table-column-properties style:column-width="{width}cm"/></style:style>'
        )
        columns += f'<table:table-column table:style-name="{name}.C{col}"/>'
    rows = "".join(
        "<table:table-row>"
        + "".join(
            '<table:table-cell office:value-type="string">'
            + "".join(_odt_para(p, styles) for p in cell)
            + "</table:table-cell>"
            for cell in row
        )
        + "</table:table-row>"
        for row in t.rows
    )
    return auto, f'<table:table table:name="{name}" table:style-name="{name}">{columns}{rows}</table:table>'


def odt(template: Template) -> bytes:
    styles = _OdtStyles()
    body, tables = "", ""
    for index, block in enumerate(template.blocks()):
        if isinstance(block, Table):
            auto, xml = _odt_table(block, styles, index)
            tables += auto
            body += xml
        else:
            body += _odt_para(block, styles)
    fonts = (
        '<office:font-face-decls><style:font-face style:name="Times New Roman" '
        'svg:font-family="\'Times New Roman\'" style:font-family-generic="roman"/></office:font-face-decls>'
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NS}>{fonts}'
        f"<office:automatic-styles>{tables}{styles.xml()}</office:automatic-styles>"
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    page = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {_NS}>{fonts}'
        '<office:automatic-styles><style:page-layout style:name="A4"><style:page-layout-properties '
        'fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="2cm" fo:margin-bottom="2cm" '
        'fo:margin-left="3cm" fo:margin-right="2cm"/></style:page-layout></office:automatic-styles>'
        '<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="A4"/>'
        "</office:master-styles></office:document-styles>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("styles.xml", page, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


# The templates the tests run (blanks as people type them).
TEMPLATES: dict[str, tuple[Template, str]] = {
    # LibreOffice, table header, blanks of spaces, year typed
    "odt-spaces": (Template("odt-spaces", "Số:      /UBND-VHXH", "Liên Minh, ngày      tháng      năm 2026"), "odt"),
    # Word, table header, "…" blanks, year not typed
    "docx-ellipsis": (Template("docx-ellipsis", "Số: …/UBND-VHXH", "Liên Minh, ngày … tháng … năm …"), "docx"),
    # Word, underscores, the date line in 14 pt, year typed
    "docx-underscores": (
        Template("docx-underscores", "Số: ______/UBND-VHXH", "Liên Minh, ngày ____ tháng ____ năm 2026", date_size=14),
        "docx",
    ),
    # LibreOffice, no table (left/right paragraphs), tabs as blanks, year typed
    "odt-tabs": (Template("odt-tabs", "Số:\t/UBND-VHXH", "Liên Minh, ngày\ttháng\tnăm 2026", table=False), "odt"),
    # Word, dots, no notation typed (the number brings it), year not typed
    "docx-dots-no-notation": (
        Template("docx-dots-no-notation", "Số: ..........", "Liên Minh, ngày ..... tháng ..... năm ......."),
        "docx",
    ),
}


def build(name: str) -> tuple[bytes, str]:
    template, ext = TEMPLATES[name]
    return (odt(template) if ext == "odt" else docx(template)), ext
