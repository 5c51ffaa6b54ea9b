"""``qlvb text FILE``: the text as the pipeline reads it, or the Vietnamese reason and exit status 1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from qlvb.files.extraction import Limits, extraction

from . import samples, textfiles


def _qlvb_text(path: Path) -> subprocess.CompletedProcess[str]:
    src = str(Path(__file__).resolve().parents[3])
    env = {**os.environ, "PYTHONPATH": src, "QLVB_DATA_DIR": str(settings.DATA_DIR)}
    return subprocess.run(
        [sys.executable, "-m", "qlvb.cli", "text", str(path)], capture_output=True, text=True, env=env, timeout=120
    )


def test_prints_the_text_as_the_pipeline_reads_it(tmp_path):
    path = tmp_path / "qd.pdf"
    path.write_bytes(textfiles.text_pdf(["Quyet dinh so 15 ve viec kien toan", "Noi nhan: nhu tren"]))
    done = _qlvb_text(path)
    assert done.returncode == 0, done.stderr
    with extraction(path, kind="pdf", name="qd.pdf", limits=Limits.from_settings()) as found:
        assert done.stdout.rstrip("\n") == found.text == "Quyet dinh so 15 ve viec kien toan\fNoi nhan: nhu tren"


def test_a_refused_file_gives_the_reason_and_status_1(tmp_path):
    path = tmp_path / "mat-khau.pdf"
    path.write_bytes(textfiles.encrypted_pdf())
    done = _qlvb_text(path)
    assert done.returncode == 1
    assert done.stdout == ""
    assert "được mã hóa bằng mật khẩu" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_file_of_a_refused_type(tmp_path):
    path = tmp_path / "setup.pdf"
    path.write_bytes(samples.EXE)
    done = _qlvb_text(path)
    assert (done.returncode, "Traceback" in done.stderr) == (1, False)
    assert "tệp chương trình chạy được" in done.stderr


def test_a_file_over_the_intake_limit(tmp_path):
    path = tmp_path / "lon.txt"
    with path.open("wb") as fh:
        fh.truncate(settings.FILE_MAX_BYTES + 1)  # sparse: costs no disk
    done = _qlvb_text(path)
    assert (done.returncode, "Traceback" in done.stderr) == (1, False)
    assert "vượt quá dung lượng cho phép 50 MB" in done.stderr
