"""A migration bundle opened: a ZIP checked by ``files.zipguard`` before anything reads it (zip bomb, path
traversal, too many entries refused), its ``manifest.json`` read and checked, its sheets found by name.

Layout (docs/operations.md, "Chuyển đổi dữ liệu từ hệ thống cũ")::

    manifest.json        {"format": "qlvb-migration", "version": 1, "organ_id": "000.00.31.H42", "source": "..."}
    don-vi.xlsx|csv      the units tree (old codes)
    nguoi-dung.xlsx|csv  the accounts (old user codes)
    so-den*.xlsx|csv     incoming registers (Phụ lục IV), any number of them
    so-di*.xlsx|csv      outgoing registers
    giao-xu-ly.xlsx|csv  assignments of the incoming documents, by old user code
    ho-so.xlsx|csv       dossiers and their documents by number/notation/date
    tep/                 the files named in the registers' "Tệp đính kèm" column
    edxml/*.edxml        edXML packages, registered as received documents

Every part but the manifest is optional. A folder with this layout is taken too: :func:`folder_zipped` packs it
into a temporary ZIP (symbolic links refused), which then goes through the same checks."""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from qlvb.core.errors import ValidationFailed
from qlvb.files.zipguard import member_stream, zip_check

from .errors import ErrorCode

FORMAT = "qlvb-migration"
VERSION = 1
MANIFEST_MAX_BYTES = 64 * 1024
SPOOL_BYTES = 8 * 1024 * 1024
_REGISTER = re.compile(r"^so-(den|di)[^/]*\.(xlsx|csv)$", re.IGNORECASE)


@dataclass
class Manifest:
    organ_id: str
    source: str
    version: int


class Bundle:
    """The bundle's ZIP, checked once at opening; :meth:`open` gives one member as a seekable file."""

    def __init__(self, fh: IO[bytes], *, name: str) -> None:
        self.fh, self.name = fh, name
        fh.seek(0)
        if fh.read(4) != b"PK\x03\x04":
            raise ValidationFailed(f"Tệp “{name}” không phải tệp ZIP của gói chuyển đổi.", code=ErrorCode.BUNDLE_FILE)
        fh.seek(0)
        zip_check(fh, name=name)  # a zip bomb or “../” never reaches a reader
        fh.seek(0)
        with zipfile.ZipFile(fh) as zf:
            self.members = [i.filename for i in zf.infolist() if not i.is_dir()]
        self.manifest = self._manifest()

    def _manifest(self) -> Manifest:
        if "manifest.json" not in self.members:
            raise ValidationFailed(
                f"Gói “{self.name}” thiếu tệp manifest.json (định dạng, mã định danh cơ quan).",
                code=ErrorCode.BUNDLE_FILE,
            )
        raw = self.read("manifest.json", limit=MANIFEST_MAX_BYTES)
        try:
            data: Any = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValidationFailed(
                f"manifest.json không phải JSON hợp lệ: {exc}.", code=ErrorCode.BUNDLE_FILE
            ) from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValidationFailed(
                f'manifest.json phải có "format": "{FORMAT}" (gói chuyển đổi của qlvb).', code=ErrorCode.BUNDLE_FILE
            )
        if data.get("version") != VERSION:
            raise ValidationFailed(
                f"Phiên bản gói {data.get('version')!r} không được hỗ trợ: chỉ nhận phiên bản {VERSION}.",
                code=ErrorCode.BUNDLE_FILE,
            )
        organ_id = data.get("organ_id")
        if not isinstance(organ_id, str) or not organ_id.strip():
            raise ValidationFailed(
                'manifest.json thiếu "organ_id" (mã định danh của cơ quan).', code=ErrorCode.BUNDLE_FILE
            )
        source = data.get("source", "")
        return Manifest(organ_id.strip(), str(source)[:200] if source else "", VERSION)

    def read(self, member: str, *, limit: int) -> bytes:
        out = bytearray()
        for piece in member_stream(self.fh, member, name=self.name):
            out += piece
            if len(out) > limit:
                raise ValidationFailed(f"“{member}” lớn quá {limit} byte.", code=ErrorCode.BUNDLE_FILE)
        return bytes(out)

    def open(self, member: str) -> IO[bytes]:
        """The member in a temporary file (in memory up to 8 MB), positioned at 0."""
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115  (the caller closes it)
        for piece in member_stream(self.fh, member, name=self.name):
            spool.write(piece)
        spool.seek(0)
        return spool

    def has(self, member: str) -> bool:
        return member in self.members

    def sheet(self, file: str) -> str | None:
        """The member that holds the sheet ``file`` ("don-vi.xlsx"): that name, else the same name in CSV
        ("don-vi.csv", UTF-8 with or without BOM, comma or semicolon: the register import's reader), else None."""
        if file in self.members:
            return file
        csv = file.rsplit(".", 1)[0] + ".csv"
        return csv if csv in self.members else None

    def registers(self) -> list[str]:
        return sorted(m for m in self.members if "/" not in m and _REGISTER.match(m))

    def edxml(self) -> list[str]:
        return sorted(m for m in self.members if m.startswith("edxml/") and m.lower().endswith(".edxml"))

    def has_files(self) -> bool:
        return any(m.startswith("tep/") for m in self.members)

    def sha256(self) -> str:
        digest = hashlib.sha256()
        self.fh.seek(0)
        while chunk := self.fh.read(1024 * 1024):
            digest.update(chunk)
        self.fh.seek(0)
        return digest.hexdigest()


def folder_zipped(folder: Path, out: IO[bytes]) -> None:
    """Write the bundle folder ``folder`` into ``out`` as a ZIP (stored, names relative with "/"). A symbolic
    link or anything but plain files and folders is refused: a bundle never reads outside its folder."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_symlink() or not (path.is_file() or path.is_dir()):
                raise ValidationFailed(
                    f"Thư mục gói có “{path.relative_to(folder)}” không phải tệp thường (liên kết tượng trưng?): "
                    "không nhận.",
                    code=ErrorCode.BUNDLE_FILE,
                )
            if path.is_file():
                zf.write(path, path.relative_to(folder).as_posix())
    out.seek(0)
