"""The text of one file, by kind, with bounds (issue 12). No database here: ``files/texts.py`` records the
result for a stored file, ``qlvb text FILE`` prints it for any file.

- PDF with a text layer: ``pdftotext`` (whole document in one call; if that fails, page by page, so a
  bad page loses only itself). Pages with no text (a scan) go through OCRmyPDF with Tesseract
  (``-l vie``, ``--skip-text``: pages that have text are kept), which also writes a searchable PDF/A
  copy; the text is then read from that copy. The original is never touched.
- Images (jpg, png, tif): OCRmyPDF the same way, after the size check (megapixels) on the header.
- docx/odt/rtf/doc, xlsx/ods/xls: the fenced LibreOffice makes a PDF (``convert.to_pdf``: zip guard,
  limits), whose text layer is read.
- txt/csv: the bytes decoded (UTF-8 or UTF-16 with a BOM, UTF-8, else Windows-1258), NFC.

Every outside program runs fenced (``convert.run_fenced``: own process group, CPU and memory limits,
killed at the deadline). One wall-clock limit covers the whole file (``QLVB_TEXT_TIMEOUT``), as do a
page limit and an image size limit. Whatever is refused raises :class:`TextRefused` with a Vietnamese
reason; nothing else is expected to escape.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from PIL import Image

from qlvb.core.errors import DomainError, ValidationFailed

from .convert import SPREADSHEETS, TEXT_DOCUMENTS, run_fenced, to_pdf
from .errors import ErrorCode
from .ocr import MAX_TEXT, OCR_FILTER_PLUGIN, TextRefused, mean_confidence, ocr_refusal, tesseract_pages

IMAGES = ("jpg", "png", "tif")
PLAIN = ("txt", "csv")
OFFICE = tuple(k for k in TEXT_DOCUMENTS + SPREADSHEETS if k not in PLAIN)
MIN_PAGE_CHARS = 1  # a page without a visible character is a scan: OCRmyPDF --skip-text reads only those

ENGINE_PDFTOTEXT = "pdftotext"
ENGINE_OCR = "ocrmypdf+tesseract"
ENGINE_OFFICE = "libreoffice+pdftotext"
ENGINE_PLAIN = "plain"


@dataclass(frozen=True)
class Limits:
    timeout: float  # seconds for the whole file
    max_pages: int
    max_megapixels: float
    memory_mb: int
    languages: str = "vie"
    jobs: int = 1

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            timeout=float(settings.QLVB_TEXT_TIMEOUT),
            max_pages=int(settings.QLVB_TEXT_MAX_PAGES),
            max_megapixels=float(settings.QLVB_TEXT_MAX_MEGAPIXELS),
            memory_mb=int(settings.QLVB_TEXT_MEMORY_MB),
            languages=str(settings.QLVB_OCR_LANGUAGES),
            jobs=int(settings.QLVB_OCR_JOBS),
        )


@dataclass
class Extracted:
    text: str
    engine: str
    page_count: int | None = None
    pages_failed: int = 0
    language: str = ""
    ocr_confidence: float | None = None  # mean Tesseract word confidence, 0–100
    searchable_pdf: Path | None = None  # the OCR copy (PDF/A), inside the extraction's temporary folder
    timings: dict[str, float] = field(default_factory=dict)


class _Clock:
    def __init__(self, limit: float, name: str):
        self.limit, self.name, self.start = limit, name, time.monotonic()

    def remaining(self) -> float:
        left = self.limit - (time.monotonic() - self.start)
        if left <= 0:
            raise self.expired()
        return left

    def expired(self) -> TextRefused:
        return TextRefused(
            f"Lấy nội dung tệp “{self.name}” quá {self.limit:g} giây nên đã dừng (giới hạn QLVB_TEXT_TIMEOUT). "
            "Tệp vẫn dùng được; hãy thử lại khi máy chủ rảnh hoặc tăng giới hạn.",
            code=ErrorCode.TEXT_TIMEOUT,
        )


@contextlib.contextmanager
def extraction(path: Path, *, kind: str, name: str, limits: Limits | None = None) -> Iterator[Extracted]:
    """The text of the file at ``path`` of type ``kind`` (the sniffed extension). The OCR copy, if any,
    exists until the ``with`` block ends. Raises :class:`TextRefused`."""
    limits = limits or Limits.from_settings()
    path = path.resolve()  # the tools run in the temporary folder
    clock = _Clock(limits.timeout, name)
    with tempfile.TemporaryDirectory(prefix="qlvb-text-") as tmp:
        run = _Run(Path(tmp), clock=clock, limits=limits, name=name)
        try:
            if kind == "pdf":
                result = run.pdf(path, allow_ocr=True)
            elif kind in IMAGES:
                result = run.image(path)
            elif kind in OFFICE:
                result = run.office(path, kind)
            elif kind in PLAIN:
                result = Extracted(text=decode_text(path.read_bytes()), engine=ENGINE_PLAIN)
            else:
                raise TextRefused(f"Không lấy được nội dung của loại tệp “{kind}” ({name}).", code=ErrorCode.TEXT_KIND)
        except subprocess.TimeoutExpired:
            raise clock.expired() from None
        result.text = clean(result.text, ocr=result.engine == ENGINE_OCR)
        result.language = language_of(result.text)
        result.timings["total"] = round(time.monotonic() - clock.start, 3)
        yield result


class _Run:
    def __init__(self, folder: Path, *, clock: _Clock, limits: Limits, name: str):
        self.folder, self.clock, self.limits, self.name = folder, clock, limits, name
        self.syntax_errors = False  # poppler found a broken structure (pdfinfo's warnings)

    def tool(
        self, argv: list[str], *, env: dict[str, str] | None = None, output_limit: int = 1024 * 1024
    ) -> subprocess.CompletedProcess[bytes]:
        program = shutil.which(argv[0])
        if program is None:
            raise DomainError(
                f"Máy chủ chưa cài {argv[0]} nên không lấy được nội dung tệp (scripts/system-packages.sh).",
                code=ErrorCode.TEXT_TOOL_MISSING,
            )
        return run_fenced(
            [program, *argv[1:]],
            cwd=str(self.folder),
            timeout=self.clock.remaining(),
            memory_bytes=self.limits.memory_mb * 1024 * 1024,
            file_bytes=1024 * 1024 * 1024,
            env=env,
            output_limit=output_limit,
        )

    # --- PDF ------------------------------------------------------------------------------------
    def pdf_pages(self, path: Path) -> int:
        done = self.tool(["pdfinfo", str(path)])
        err = done.stderr.decode("utf-8", "replace")
        if done.returncode != 0:
            if "password" in err.lower():
                raise TextRefused(
                    f"Tệp PDF “{self.name}” được mã hóa bằng mật khẩu nên không lấy được nội dung. "
                    "Tệp vẫn được lưu và dùng được; hãy gửi bản không đặt mật khẩu nếu cần tìm kiếm theo nội dung.",
                    code=ErrorCode.TEXT_ENCRYPTED,
                )
            raise TextRefused(
                f"Tệp PDF “{self.name}” bị hỏng hoặc không đúng cấu trúc nên không lấy được nội dung.",
                code=ErrorCode.TEXT_CORRUPT,
            )
        self.syntax_errors = b"Syntax Error" in done.stderr
        found = re.search(rb"^Pages:\s+(\d+)", done.stdout, re.MULTILINE)
        pages = int(found.group(1)) if found else 0
        if pages < 1:
            raise TextRefused(f"Tệp PDF “{self.name}” không có trang nào đọc được.", code=ErrorCode.TEXT_CORRUPT)
        if pages > self.limits.max_pages:
            raise TextRefused(
                f"Tệp PDF “{self.name}” có {pages} trang, vượt giới hạn {self.limits.max_pages} trang "
                "(QLVB_TEXT_MAX_PAGES) nên không lấy nội dung.",
                code=ErrorCode.TEXT_TOO_MANY_PAGES,
            )
        return pages

    def pages_with_images(self, path: Path) -> set[int]:
        """Numbers of the pages that show an image (``pdfimages -list``); every page if that fails."""
        done = self.tool(["pdfimages", "-q", "-list", str(path)], output_limit=MAX_TEXT)
        if done.returncode != 0:
            return set(range(1, 1_000_000))
        pages = set()
        for line in done.stdout.decode("ascii", "replace").splitlines()[2:]:
            first = line.split(maxsplit=1)[:1]
            if first and first[0].isdigit():
                pages.add(int(first[0]))
        return pages

    def pdftotext(self, path: Path, pages: int) -> tuple[list[str], int]:
        """The text of every page; a page that fails is empty and counted."""
        done = self.tool(["pdftotext", "-q", "-enc", "UTF-8", "-eol", "unix", str(path), "-"], output_limit=MAX_TEXT)
        if done.returncode == 0:
            texts = [t.strip() for t in done.stdout.decode("utf-8", "replace").split("\f")]
            texts = (texts + [""] * pages)[:pages]
            return texts, 0
        texts, failed = [], 0
        for page in range(1, pages + 1):
            one = self.tool(
                ["pdftotext", "-enc", "UTF-8", "-eol", "unix", "-f", str(page), "-l", str(page), str(path), "-"]
            )
            if one.returncode == 0:
                texts.append(one.stdout.decode("utf-8", "replace").strip())
            else:
                texts.append("")
                failed += 1
        if failed == pages:
            raise TextRefused(
                f"Tệp PDF “{self.name}” bị hỏng hoặc không đúng cấu trúc nên không lấy được nội dung.",
                code=ErrorCode.TEXT_CORRUPT,
            )
        return texts, failed

    def pdf(self, path: Path, *, allow_ocr: bool, engine: str = ENGINE_PDFTOTEXT) -> Extracted:
        started = time.monotonic()
        pages = self.pdf_pages(path)
        texts, failed = self.pdftotext(path, pages)
        timings = {"pdftotext": round(time.monotonic() - started, 3)}
        scanned = {i + 1 for i, t in enumerate(texts) if len("".join(t.split())) < MIN_PAGE_CHARS}
        if allow_ocr and scanned:
            scanned &= self.pages_with_images(path)  # a blank page has nothing to read
        if not scanned and self.syntax_errors and not any(texts):
            raise TextRefused(
                f"Tệp PDF “{self.name}” bị hỏng hoặc không đúng cấu trúc nên không lấy được nội dung.",
                code=ErrorCode.TEXT_CORRUPT,
            )
        if not allow_ocr or not scanned:
            return Extracted("\f".join(texts), engine, page_count=pages, pages_failed=failed, timings=timings)
        result = self.ocr(path, image_dpi=None)
        result.timings = {**timings, **result.timings}
        return result

    # --- OCR ------------------------------------------------------------------------------------
    def image(self, path: Path) -> Extracted:
        try:
            with Image.open(path) as image:  # reads the header only
                width, height = image.size
                frames = getattr(image, "n_frames", 1)
                dpi = image.info.get("dpi")
                mode = image.mode
        except (OSError, ValueError, Image.DecompressionBombError):
            raise TextRefused(
                f"Ảnh “{self.name}” bị hỏng nên không nhận dạng được chữ.", code=ErrorCode.TEXT_CORRUPT
            ) from None
        megapixels = width * height / 1e6
        if megapixels > self.limits.max_megapixels:
            raise TextRefused(
                f"Ảnh “{self.name}” có {width}×{height} điểm ảnh ({megapixels:.0f} megapixel), vượt giới hạn "
                f"{self.limits.max_megapixels:g} megapixel (QLVB_TEXT_MAX_MEGAPIXELS) nên không nhận dạng chữ. "
                "Hãy quét lại ở 300 dpi.",
                code=ErrorCode.TEXT_IMAGE_TOO_LARGE,
            )
        if frames > 1:
            raise TextRefused(
                f"Ảnh TIFF “{self.name}” có {frames} trang; hãy quét thành một tệp PDF để nhận dạng chữ.",
                code=ErrorCode.TEXT_MULTIPAGE_TIFF,
            )
        source = path
        if mode not in ("1", "L", "RGB", "CMYK"):  # OCRmyPDF refuses an alpha channel or a palette
            source = self.folder / "flat.png"
            with Image.open(path) as image:
                image.convert("RGB").save(source, format="PNG", dpi=dpi or (300, 300))
        has_dpi = dpi is not None and min(float(dpi[0]), float(dpi[1])) >= 50
        return self.ocr(source, image_dpi=None if has_dpi else 300)

    def ocr(self, path: Path, *, image_dpi: int | None) -> Extracted:
        started = time.monotonic()
        work = self.folder / "ocr"
        work.mkdir()
        config = self.folder / "tsv.cfg"
        config.write_text("tessedit_create_tsv 1\n")  # word confidences beside Tesseract's text
        plugin = self.folder / "qlvb_ocr_filter.py"
        plugin.write_text(OCR_FILTER_PLUGIN)
        output = self.folder / "searchable.pdf"
        argv = [
            "ocrmypdf",
            "-l",
            self.limits.languages,
            "--skip-text",
            "--output-type",
            "pdfa",
            "--pdf-renderer",
            "sandwich",  # hOCR loses Vietnamese letters in the text layer
            "--max-image-mpixels",
            f"{self.limits.max_megapixels:g}",
            "--jobs",
            str(self.limits.jobs),
            "--keep-temporary-files",
            "--tesseract-config",
            str(config),
            "--plugin",
            str(plugin),
            "--quiet",
        ]
        if image_dpi:
            argv += ["--image-dpi", str(image_dpi)]
        env = {**os.environ, "TMPDIR": str(work), "HOME": str(self.folder), "OMP_THREAD_LIMIT": "1"}
        done = self.tool([*argv, str(path), str(output)], env=env)
        if done.returncode not in (0, 4, 10) or not output.exists():  # 4, 10: made, but not valid PDF/A
            raise ocr_refusal(done, self.name)
        timings = {"ocr": round(time.monotonic() - started, 3)}
        pages = self.pdf_pages(output)
        texts, failed = self.pdftotext(output, pages)
        for number, read in tesseract_pages(work).items():  # Tesseract's own reading order, not the
            if 0 < number <= pages:  # text layer's, which pdftotext scrambles on a skewed page
                texts[number - 1] = read
        return Extracted(
            "\f".join(texts),
            ENGINE_OCR,
            page_count=pages,
            pages_failed=failed,
            ocr_confidence=mean_confidence(work),
            searchable_pdf=output,
            timings=timings,
        )

    # --- office ---------------------------------------------------------------------------------
    def office(self, path: Path, kind: str) -> Extracted:
        started = time.monotonic()
        pdf = self.folder / "office.pdf"
        try:
            pdf.write_bytes(
                to_pdf(path.read_bytes(), ext=kind, name=self.name, timeout=int(self.clock.remaining()) + 1)
            )
        except ValidationFailed as exc:
            raise TextRefused(_office_reason(exc, self.name), code=ErrorCode.TEXT_OFFICE) from None
        timings = {"libreoffice": round(time.monotonic() - started, 3)}
        result = self.pdf(pdf, allow_ocr=False, engine=ENGINE_OFFICE)
        result.engine, result.timings = ENGINE_OFFICE, {**timings, **result.timings}
        return result


def _office_reason(exc: DomainError, name: str) -> str:
    if exc.code == "convert_timeout":
        return f"Lấy nội dung tệp “{name}” quá thời gian cho phép (QLVB_TEXT_TIMEOUT) nên đã dừng."
    return f"Không lấy được nội dung tệp “{name}”: {exc.message}"


def decode_text(data: bytes) -> str:
    """Bytes of a txt/csv as text: a BOM decides, else UTF-8, else Windows-1258 (Vietnamese ANSI)."""
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1258", "replace")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_OCR_LOOKALIKES = str.maketrans({"Ð": "Đ", "ð": "đ"})  # Tesseract reads Đ as the Icelandic Eth at times
_TRAILING_SPACE = re.compile(r"[ \t]+\n")


def clean(text: str, *, ocr: bool = False) -> str:
    """NFC, no control characters but TAB/LF/FF, lines without trailing blanks."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text)
    if ocr:
        text = text.translate(_OCR_LOOKALIKES)
    return _TRAILING_SPACE.sub("\n", text).strip()


_VIETNAMESE = frozenset("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹàáèéìíòóùúýãõĩũ")


def language_of(text: str) -> str:
    """``vi`` when Vietnamese letters are frequent, ``en`` for plain Latin text, else empty."""
    letters = [c for c in text.lower() if c.isalpha()]
    if len(letters) < 20:
        return ""
    marked = sum(c in _VIETNAMESE for c in letters)
    if marked / len(letters) > 0.05:
        return "vi"
    return "en" if sum(c.isascii() for c in letters) / len(letters) > 0.95 else ""
