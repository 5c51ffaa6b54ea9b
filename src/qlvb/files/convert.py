"""Office files → PDF with LibreOffice headless: one function for every app (the outgoing draft that
gets signed, the printed registers and slips, the consultation summary).

Each conversion runs in its own temporary folder with a private LibreOffice profile
(``-env:UserInstallation``), so conversions in parallel never share a profile lock. A workbook prints
with the page setup it carries (A4, orientation, fit to width, repeated header rows).

LibreOffice is fenced (issue 9, "A zip-bomb draft takes the machine"):

- an office file goes through the zip guard (``zipguard.zip_check``) before LibreOffice sees it;
- LibreOffice runs in a session and process group of its own (``start_new_session``), with resource
  limits set in the child before it starts: address space (``QLVB_CONVERT_MEMORY_MB``), CPU seconds
  (the timeout), size of any file it writes (``QLVB_CONVERT_FILE_MB``);
- on timeout, on any exception, and after a normal exit, the whole group is killed (``os.killpg``,
  SIGKILL) and reaped, so no ``soffice.bin`` outlives the call — the request or the Celery task.

The same bytes are not converted twice in a row by one process: the last PDFs made are kept in its memory
(``QLVB_CONVERT_MEMO_ENTRIES`` conversions, ``QLVB_CONVERT_MEMO_MB`` in all), keyed by the SHA-256 of the
source, its kind and the LibreOffice program. A task retried after its commit failed, a template uploaded
by several clerks of an agency, the drafts of one form: LibreOffice (1–3 s of CPU each) runs once. Only
successful conversions are kept; the zip guard still reads every file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import resource
import shutil
import signal
import subprocess
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed

from qlvb.core.errors import DomainError, ValidationFailed

from .errors import ErrorCode
from .zipguard import zip_check

TEXT_DOCUMENTS = ("docx", "odt", "doc", "rtf", "txt")
SPREADSHEETS = ("xlsx", "ods", "xls")
ZIPPED = ("docx", "odt", "xlsx", "ods")


def timeout_seconds() -> int:
    return int(getattr(settings, "QLVB_CONVERT_TIMEOUT", 120))


class ConverterMissing(DomainError):  # noqa: N818 (named like core.errors)
    """The server has no LibreOffice (HTTP 503: the deployment's fault, not the user's)."""

    status_code = 503


class ConversionFailed(ValidationFailed):
    """LibreOffice could not read the file, or took too long (HTTP 422)."""


def soffice() -> str:
    found = os.environ.get("QLVB_SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise ConverterMissing(
            "Máy chủ chưa cài LibreOffice nên không tạo được bản PDF "
            "(apt-get install libreoffice-writer-nogui libreoffice-calc-nogui).",
            code=ErrorCode.NO_LIBREOFFICE,
        )
    return found


def _limits(*, cpu_seconds: int, memory_bytes: int, file_bytes: int) -> None:
    """Runs in the child between fork and exec: the limits hold for LibreOffice and everything it starts."""
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    if file_bytes > 0:
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL to LibreOffice's whole process group (soffice, oosplash, soffice.bin), then reap."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)
    for pipe in (process.stdout, process.stderr):
        if pipe is not None:
            pipe.close()


def run_fenced(
    argv: list[str],
    *,
    cwd: str,
    timeout: float,
    memory_bytes: int,
    file_bytes: int,
    env: dict[str, str] | None = None,
    output_limit: int = 256 * 1024 * 1024,
) -> subprocess.CompletedProcess[bytes]:
    """Run an outside program fenced: own session and group, rlimits (CPU, address space, written file
    size), the whole group killed whatever happens. Raises ``subprocess.TimeoutExpired`` after
    ``timeout`` seconds (the group is dead by then). Used for LibreOffice and for the text tools
    (pdftotext, OCRmyPDF with Tesseract: files/extraction.py).

    Its output goes to unnamed temporary files (a broken PDF makes poppler print megabytes of
    errors), of which the result holds at most ``output_limit`` bytes of stdout and 64 KiB of stderr."""
    cpu = int(timeout) + 5
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(  # noqa: S603 (fixed program and arguments, no shell)
            argv,
            cwd=cwd,
            env=env if env is not None else dict(os.environ),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
            preexec_fn=lambda: _limits(cpu_seconds=cpu, memory_bytes=memory_bytes, file_bytes=file_bytes),
        )
        try:
            process.wait(timeout=timeout)
        finally:
            _kill_group(process)  # also after a normal exit: nothing of that group may stay behind
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(process.args, process.returncode, out.read(output_limit), err.read(65536))


def run_soffice(args: list[str], *, cwd: str, timeout: int | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run LibreOffice fenced (:func:`run_fenced`) with the ``QLVB_CONVERT_*`` limits."""
    timeout = timeout or timeout_seconds()
    return run_fenced(
        [soffice(), *args],
        cwd=cwd,
        timeout=timeout,
        memory_bytes=int(getattr(settings, "QLVB_CONVERT_MEMORY_MB", 3072)) * 1024 * 1024,
        file_bytes=int(getattr(settings, "QLVB_CONVERT_FILE_MB", 512)) * 1024 * 1024,
        env={**os.environ, "HOME": cwd},
    )


def to_pdf(data: bytes, *, ext: str, name: str = "tep", timeout: int | None = None) -> bytes:
    """The PDF of a text document or a workbook. A PDF is returned as it is."""
    ext = ext.lower().lstrip(".")
    if ext == "pdf":
        return data
    if ext not in TEXT_DOCUMENTS + SPREADSHEETS:
        raise ConversionFailed(
            f"Không chuyển được tệp “{name}” sang PDF: chỉ nhận docx, odt, doc, rtf, txt, xlsx, ods, xls.",
            code=ErrorCode.NOT_CONVERTIBLE,
        )
    if ext in ZIPPED:
        zip_check(data, name=name)  # a zip bomb never reaches LibreOffice
    key = (hashlib.sha256(data).hexdigest(), ext, soffice())
    kept = _memo_get(key)
    if kept is not None:
        return kept
    pdf = _convert(data, ext=ext, name=name, timeout=timeout or timeout_seconds())
    _memo_put(key, pdf)
    return pdf


def _convert(data: bytes, *, ext: str, name: str, timeout: int) -> bytes:
    export = "calc_pdf_Export" if ext in SPREADSHEETS else "writer_pdf_Export"
    with tempfile.TemporaryDirectory(prefix="qlvb-convert-") as tmp:
        folder = Path(tmp)
        source = folder / f"source.{ext}"
        source.write_bytes(data)
        profile = (folder / "profile").as_uri()
        try:
            done = run_soffice(
                [
                    f"-env:UserInstallation={profile}",
                    "--headless",
                    "--norestore",
                    "--nolockcheck",
                    "--convert-to",
                    f"pdf:{export}",
                    "--outdir",
                    str(folder / "out"),
                    str(source),
                ],
                cwd=tmp,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            raise ConversionFailed(
                f"Chuyển tệp “{name}” sang PDF quá {timeout} giây nên đã dừng; hãy kiểm tra "
                "tệp (quá dài, quá nhiều ảnh hoặc hỏng) rồi tải lên lại.",
                code=ErrorCode.CONVERT_TIMEOUT,
            ) from None
        result = folder / "out" / "source.pdf"
        code = done.returncode
        signalled = -code if code < 0 else code - 128 if code > 128 else 0
        if not result.exists() and (
            signalled in (signal.SIGKILL, signal.SIGXCPU, signal.SIGXFSZ, signal.SIGSEGV, signal.SIGABRT)
            or any(m in done.stderr for m in (b"failed to map", b"bad_alloc", b"out of memory"))
        ):
            raise ConversionFailed(
                f"LibreOffice dừng khi chuyển tệp “{name}” sang PDF vì vượt giới hạn bộ nhớ hoặc thời gian xử lý "
                "cho phép; hãy kiểm tra tệp (quá dài, quá nhiều ảnh) rồi tải lên lại.",
                code=ErrorCode.CONVERT_LIMIT,
            )
        if not result.exists() or result.stat().st_size == 0 or not result.read_bytes().startswith(b"%PDF-"):
            raise ConversionFailed(
                f"LibreOffice không đọc được tệp “{name}” nên không chuyển được sang PDF. Hãy mở và lưu lại tệp "
                "bằng Word hoặc LibreOffice (định dạng docx hoặc odt) rồi tải lên lại.",
                code=ErrorCode.UNREADABLE,
            )
        return result.read_bytes()


# --- The last conversions of this process -------------------------------------------------------------

_memo: OrderedDict[tuple[str, str, str], bytes] = OrderedDict()
_memo_lock = threading.Lock()


def _memo_get(key: tuple[str, str, str]) -> bytes | None:
    with _memo_lock:
        found = _memo.get(key)
        if found is not None:
            _memo.move_to_end(key)
        return found


def _memo_put(key: tuple[str, str, str], pdf: bytes) -> None:
    entries = int(getattr(settings, "QLVB_CONVERT_MEMO_ENTRIES", 8))
    budget = int(getattr(settings, "QLVB_CONVERT_MEMO_MB", 32)) * 1024 * 1024
    if entries <= 0 or len(pdf) > budget:
        return
    with _memo_lock:
        _memo[key] = pdf
        _memo.move_to_end(key)
        while len(_memo) > entries or sum(len(v) for v in _memo.values()) > budget:
            _memo.popitem(last=False)


def memo_clear(**kwargs: Any) -> None:
    """Forget the kept PDFs (a conversion setting changed: its limits apply to the next conversion)."""
    setting = kwargs.get("setting")
    if setting is None or str(setting).startswith("QLVB_CONVERT"):
        with _memo_lock:
            _memo.clear()


setting_changed.connect(memo_clear)


def xlsx_to_pdf(data: bytes, *, name: str = "bang.xlsx") -> bytes:
    """A workbook printed to PDF with its own page setup."""
    return to_pdf(data, ext="xlsx", name=name)
