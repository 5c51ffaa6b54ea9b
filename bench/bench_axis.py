"""Throughput of the transport through the local axis simulator (issue 11).

Starts ``qlvb axis-sim`` as its own process (the server does not share the client's interpreter) on a
temporary folder, then with ``VdxpTransport``:

1. sends N packages of SIZE KB from the demo commune to the simulated district (one at a time, as the
   outbox will: each send is one HTTP request with a streamed multipart upload);
2. at the district: lists what waits, downloads each package to a file and acknowledges it ``done``.

Reports packages per second for each phase and the median / p95 of one send.

    .venv/bin/python bench/bench_axis.py [--count 300] [--size-kb 100]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from qlvb.exchange.transport import VdxpConfig, VdxpTransport  # noqa: E402

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
COMMUNE, DISTRICT = "000.00.31.H42", "000.00.30.H42"


def package(number: int, size: int) -> bytes:
    head = (
        f'<?xml version="1.0" encoding="UTF-8"?><edXML xmlns="{NS}"><edXML:edXMLEnvelope xmlns:edXML="{NS}">'
        f"<edXML:edXMLHeader><edXML:MessageHeader><edXML:From><edXML:OrganId>{COMMUNE}</edXML:OrganId>"
        f"</edXML:From><edXML:To><edXML:OrganId>{DISTRICT}</edXML:OrganId></edXML:To>"
        f"<edXML:Code><edXML:CodeNumber>{number}</edXML:CodeNumber></edXML:Code></edXML:MessageHeader>"
        f"</edXML:edXMLHeader></edXML:edXMLEnvelope><AttachmentEncoded><Attachment>"
        f'<edXML:ContentTransferEncoded xmlns:edXML="{NS}">'
    ).encode()
    tail = b"</edXML:ContentTransferEncoded></Attachment></AttachmentEncoded></edXML>"
    body = os.urandom((size - len(head) - len(tail)) * 3 // 4 + 3)
    encoded = base64.b64encode(body)[: size - len(head) - len(tail)]
    return head + encoded + tail


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--size-kb", type=int, default=100)
    args = parser.parse_args()
    size = args.size_kb * 1024
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "axis"
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONUNBUFFERED": "1", "QLVB_DATA_DIR": tmp}
        server = subprocess.Popen(
            [sys.executable, "-m", "qlvb.cli", "axis-sim", "--bind", "127.0.0.1:0", "--data", str(data)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        try:
            assert server.stdout is not None
            url = re.search(r"http://\S+", server.stdout.readline()).group(0)  # type: ignore[union-attr]
            accounts = json.loads((data / "accounts.json").read_text())

            def client(system: str) -> VdxpTransport:
                return VdxpTransport(VdxpConfig(endpoint=url, system_id=system, secret=accounts[system]["secret"]))

            commune, district = client("qlvb-demo"), client("sim-huyen")
            packages = [package(i, size) for i in range(args.count)]
            times = []
            start = time.perf_counter()
            for item in packages:
                t0 = time.perf_counter()
                commune.send(item, sender=COMMUNE)
                times.append(time.perf_counter() - t0)
            send_s = time.perf_counter() - start

            inbox = Path(tmp) / "inbox"
            inbox.mkdir()
            start = time.perf_counter()
            waiting = district.list_received()
            list_s = time.perf_counter() - start
            for message in waiting:
                district.download(message.id, inbox / f"{message.id}.edxml")
                district.acknowledge(message.id, "done")
            receive_s = time.perf_counter() - start
            assert len(waiting) == args.count and district.list_received() == []
            times.sort()
            print(f"{args.count} packages of {args.size_kb} KB, commune → district through qlvb axis-sim")
            print(
                f"send:               {args.count / send_s:7.1f} packages/s ({send_s:.2f} s)"
                f"  median {statistics.median(times) * 1000:.1f} ms, p95 {times[int(len(times) * 0.95)] * 1000:.1f} ms"
            )
            print(f"list (all waiting): {list_s * 1000:7.1f} ms")
            print(f"list+download+ack:  {args.count / receive_s:7.1f} packages/s ({receive_s:.2f} s)")
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
