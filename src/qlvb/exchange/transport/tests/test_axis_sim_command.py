"""``qlvb axis-sim`` as a developer runs it: it starts, names its port and where the secrets are, and
serves the two simulated outside agencies and the demo agencies to a VdxpTransport."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import qlvb
from qlvb.axissim.multipart import PartReader
from qlvb.exchange.transport import VdxpConfig, VdxpTransport


def test_the_command_serves_the_seeded_directory(tmp_path: Path) -> None:
    source = str(Path(qlvb.__file__).resolve().parents[1])  # this checkout, not the installed one
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "QLVB_DATA_DIR": str(tmp_path / "var"), "PYTHONPATH": source}
    process = subprocess.Popen(
        [sys.executable, "-m", "qlvb.cli", "axis-sim", "--bind", "127.0.0.1:0", "--data", str(tmp_path / "axis")],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("Trục liên thông mô phỏng: http://127.0.0.1:")
        url = re.search(r"http://\S+", first).group(0).rstrip("/")  # type: ignore[union-attr]
        accounts = json.loads((tmp_path / "axis" / "accounts.json").read_text())
        assert set(accounts) == {"sim-tinh", "sim-huyen", "qlvb-demo"}
        client = VdxpTransport(VdxpConfig(endpoint=url, system_id="sim-huyen", secret=accounts["sim-huyen"]["secret"]))
        names = {a.code: a.name for a in client.agencies()}
        assert names["000.00.30.H42"] == "Ủy ban nhân dân huyện Mô Phỏng (mô phỏng)"
        assert names["000.00.00.H42"] == "Ủy ban nhân dân tỉnh Mô Phỏng (mô phỏng)"
        assert names["000.00.31.H42"] == "Ủy ban nhân dân xã Liên Minh"
    finally:
        process.terminate()
        process.wait(timeout=10)


class _Trickle:
    """A request body that arrives a few bytes at a time, so every delimiter is split across reads."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, size: int) -> bytes:
        chunk, self.data = self.data[: min(size, 7)], self.data[min(size, 7) :]
        return chunk


def test_the_simulators_multipart_reader_survives_delimiters_split_across_reads() -> None:
    payload = b"\r\n--notquite" * 50 + bytes(range(256)) * 40
    body = (
        b'--B0undary\r\nContent-Disposition: form-data; name="header"\r\n\r\n{"from": "x"}\r\n'
        b'--B0undary\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\n'
        + payload
        + b"\r\n--B0undary--\r\n"
    )
    parts = {name: b"".join(chunks) for name, chunks in PartReader(_Trickle(body), len(body), b"B0undary").parts()}
    assert parts == {"header": b'{"from": "x"}', "file": payload}
