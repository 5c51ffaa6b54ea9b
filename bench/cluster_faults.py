"""Faults on the running cluster (`make cluster`, then `make cluster-faults`): each fault is made for real
while a stream of requests goes through nginx, and the script prints what held.

1. kill -9 one web node (its gunicorn master and workers): the other keeps serving through nginx;
2. the replica stopped: the pages read the primary;
3. Redis restarted: the health check fails while it is down, the queue takes tasks again after;
4. the object store frozen (SIGSTOP, so nothing it holds is lost) for QLVB_FAULT_S3_SECONDS: an upload is
   refused with the Vietnamese "storage_unavailable" message and leaves no row behind; after SIGCONT it works;
5. the OCR worker killed with -9 in the middle of extracting a scan: with acks_late and
   reject_on_worker_lost the task goes back to the queue and the text is done once the worker is back;
6. the default+exchange worker killed with -9 in the middle of an axis send (the local simulator holds the
   request 8 s): the task is retried, and the simulator holds the package exactly once (the outbox's try
   in flight is looked up in the axis's sent list before sending again) — nothing sent twice, nothing lost.

The object store fault also checks that no stored content is left without its row (``qlvb files_orphans``).

Everything is put back as it was. Exit 1 if any check failed.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
STATE = ROOT / "var" / "cluster"
PROXY = "http://127.0.0.1:8100"
PGVER = os.environ.get("QLVB_CLUSTER_PG_VERSION", "15")
PASSWORD = os.environ.get("QLVB_DEMO_PASSWORD", "LienMinh@2025")
results: list[tuple[str, bool, str]] = []


def check(name: str, ok: bool, detail: str = "") -> None:
    results.append((name, ok, detail))
    print(f"{'ĐẠT ' if ok else 'LỖI '} {name}{' — ' + detail if detail else ''}", flush=True)


def pid_of(name: str) -> int:
    return int((STATE / f"{name}.pid").read_text())


def group_signal(name: str, sig: int) -> None:
    os.killpg(pid_of(name), sig)


def token() -> str:
    answer = requests.post(
        f"{PROXY}/api/v1/auth/token",
        json={"username": "ublienminh_lethuha", "password": PASSWORD, "device": "kiểm thử sự cố"},
        timeout=10,
    )
    answer.raise_for_status()
    return str(answer.json()["token"])


class Load:
    """A stream of reads through nginx (the clerk's inbox and the health check) in a thread; counts answers."""

    def __init__(self, bearer: str) -> None:
        self.headers = {"Authorization": f"Bearer {bearer}"}
        self.codes: Counter[str] = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        session = requests.Session()
        while not self._stop.is_set():
            try:
                code = session.get(f"{PROXY}/api/v1/incoming/?limit=20", headers=self.headers, timeout=10).status_code
                self.codes[str(code)] += 1
            except requests.RequestException as exc:
                self.codes[type(exc).__name__] += 1

    def __enter__(self) -> Load:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()


def command_line(pid: int) -> list[str]:
    return [part.decode() for part in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") if part]


def environment(pid: int) -> dict[str, str]:
    pairs = [part.decode().split("=", 1) for part in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0") if part]
    return {k: v for k, v in pairs if len([k, v]) == 2}


def relaunch(name: str, cmd: list[str], env: dict[str, str]) -> None:
    log = (STATE / f"{name}.log").open("ab")
    proc = subprocess.Popen(cmd, stdout=log, stderr=log, stdin=subprocess.DEVNULL, env=env, start_new_session=True)
    (STATE / f"{name}.pid").write_text(str(proc.pid))


def wait_until(test: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if test():
                return True
        except Exception:  # not up yet
            pass
        time.sleep(0.5)
    return False


def replica_reads(bearer: str) -> None:
    """Before any fault: the pages' reads do reach the replica (its transaction count grows)."""

    def served() -> int:
        out = subprocess.run(
            [
                "psql",
                "-h",
                "/var/run/postgresql",
                "-p",
                "5435",
                "-U",
                "postgres",
                "qlvb",
                "-Atc",
                "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = 'qlvb'",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        return int(out.stdout.strip())

    before = served()
    with Load(bearer) as load:
        time.sleep(5)
    after = served()
    check(
        "các trang đọc từ bản sao",
        after - before > load.codes["200"],
        f"{after - before} giao dịch trên bản sao, {load.codes['200']} yêu cầu",
    )


def fault_web_node(bearer: str) -> None:
    name = "web-8101"
    pid = pid_of(name)
    cmd, env = command_line(pid), environment(pid)
    with Load(bearer) as load:
        time.sleep(2)
        os.killpg(pid, signal.SIGKILL)
        time.sleep(8)
    bad = {k: v for k, v in load.codes.items() if k != "200"}
    check(
        "kill -9 một nút web: nút kia vẫn phục vụ qua nginx", not bad and load.codes["200"] > 0, f"{dict(load.codes)}"
    )
    relaunch(name, cmd, env)
    up = wait_until(lambda: requests.get("http://127.0.0.1:8101/healthz", timeout=2).ok, 60)
    check("nút web khởi động lại", up)


def fault_replica(bearer: str) -> None:
    subprocess.run(["pg_ctlcluster", PGVER, "qlvbreplica", "stop", "-m", "fast"], check=True)
    with Load(bearer) as load:
        time.sleep(15)  # past QLVB_REPLICA_CHECK_SECONDS: the routers notice
    bad = {k: v for k, v in load.codes.items() if k != "200"}
    metrics = requests.get(f"{PROXY}/metrics", timeout=10).text
    check(
        "bản sao dừng: các trang đọc từ máy chính, không lỗi",
        not bad and load.codes["200"] > 0 and 'qlvb_component_up{component="replica"} 0.0' in metrics,
        f"{dict(load.codes)}",
    )
    subprocess.run(["pg_ctlcluster", PGVER, "qlvbreplica", "start"], check=True)
    started = time.monotonic()
    up = wait_until(lambda: 'component="replica"} 1.0' in requests.get(f"{PROXY}/metrics", timeout=10).text, 300)
    check("bản sao chạy lại và bắt kịp", up, f"sau {time.monotonic() - started:.0f} s")


def fault_redis() -> None:
    pid = pid_of("redis")
    cmd = ["redis-server", "--port", "6390", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    os.killpg(pid, signal.SIGKILL)
    down = wait_until(lambda: requests.get(f"{PROXY}/healthz", timeout=10).status_code == 503, 20)
    check("Redis dừng: /healthz báo lỗi hàng đợi (503)", down)
    relaunch("redis", cmd, dict(os.environ))
    up = wait_until(lambda: requests.get(f"{PROXY}/healthz", timeout=10).ok, 60)
    check("Redis chạy lại: /healthz trở lại bình thường", up)
    env = dict(os.environ, **_cluster_env())
    replies = 0

    def workers_answer() -> bool:
        nonlocal replies
        ping = subprocess.run(
            [str(ROOT / ".venv/bin/python"), "-m", "celery", "-A", "qlvb", "inspect", "ping", "--timeout", "5"],
            env=env,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        replies = ping.stdout.count("pong")
        return replies >= 2

    check("các worker Celery nối lại với Redis", wait_until(workers_answer, 120), f"{replies} worker trả lời")


def _cluster_env() -> dict[str, str]:
    pairs = [line.split("=", 1) for line in (STATE / "env").read_text().splitlines() if "=" in line]
    return dict(pairs) | {"PYTHONPATH": str(ROOT / "src")}


def _scan_pdf() -> bytes:
    """A one-page image-only PDF (no text layer): the OCR path."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf", 40)
    for line in range(40):
        draw.text((120, 120 + line * 52), f"Dòng {line + 1}: Ủy ban nhân dân xã Liên Minh đề nghị các phòng", font=font)
    buffer = io.BytesIO()
    image.save(buffer, "PDF", resolution=200)
    return buffer.getvalue()


def _upload(bearer: str, body: bytes, name: str, timeout: float = 60) -> requests.Response:
    return requests.post(
        f"{PROXY}/api/v1/files",
        headers={"Authorization": f"Bearer {bearer}"},
        files={"file": (name, body, "application/pdf")},
        timeout=timeout,
    )


def _sql(query: str) -> str:
    out = subprocess.run(
        ["psql", "-h", "/var/run/postgresql", "-p", "5434", "-U", "postgres", "qlvb", "-Atc", query],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def fault_object_store(bearer: str) -> None:
    seconds = float(os.environ.get("QLVB_FAULT_S3_SECONDS", "60"))
    rows_before = _sql("SELECT count(*) FROM files_storedfile")
    blobs_before = _sql("SELECT count(*) FROM files_blob")
    orphans_before = _orphans()
    group_signal("s3", signal.SIGSTOP)
    try:
        started = time.monotonic()
        answer = _upload(bearer, _scan_pdf() + os.urandom(16), "khi-kho-tep-dung.pdf")
        refused = answer.status_code == 503 and "storage_unavailable" in answer.text
        check(
            "kho tệp không trả lời: tải lên bị từ chối rõ ràng",
            refused,
            f"{answer.status_code} sau {time.monotonic() - started:.1f} s: {answer.text[:160]}",
        )
        check(
            "không để lại dòng dở dang",
            _sql("SELECT count(*) FROM files_storedfile") == rows_before
            and _sql("SELECT count(*) FROM files_blob") == blobs_before,
        )
        time.sleep(max(0.0, seconds - (time.monotonic() - started)))
    finally:
        group_signal("s3", signal.SIGCONT)
    after = _orphans()
    check("không để lại tệp mồ côi trong kho", after == orphans_before, f"trước: {orphans_before} — sau: {after}")
    answer = _upload(bearer, _scan_pdf() + os.urandom(16), "sau-khi-kho-tep-tro-lai.pdf")
    check("kho tệp trở lại: tải lên được", answer.status_code in (200, 201), f"{answer.status_code}")


AXIS = "http://127.0.0.1:8095"
DISTRICT = "000.00.30.H42"  # the simulated district (qlvb demo adds it to the directory)

QUEUE_TO_DISTRICT = """
import io
from django.db import transaction
from django.utils import timezone
from qlvb.directory.models import Unit, User
from qlvb.documents.deliveries import Delivery, Status, Transport
from qlvb.documents.models import Attachment, AttachmentKind, DocumentType
from qlvb.exchange.outbox import axis_deliveries_queue
from qlvb.files.intake import file_intake
from qlvb.files.tests.samples import pdf_bytes
from qlvb.outgoing import services

district = Unit.objects.get(organ_id="000.00.30.H42")
clerk = User.objects.get(username="ublienminh_lethuha")
outgoing = services.outgoing_create(
    actor=User.objects.get(username="ublienminh_dothanhhuong"),
    data=services.DraftData(
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject="Kiểm thử sự cố: gửi liên thông khi worker bị dừng",
        signer=User.objects.get(username="ublienminh_nguyenvanhung"),
        recipients=[district],
    ),
)
pdf = file_intake(actor=clerk, stream=io.BytesIO(pdf_bytes() + str(timezone.now()).encode()),
                  original_name="vb.pdf", channel="system")
with transaction.atomic():
    now = timezone.now()
    document = outgoing.document
    document.code_number, document.code_notation, document.issued_date = "99", "UBND-SC", now.date()
    document.save()
    Attachment.objects.create(document=document, stored_file=pdf, kind=AttachmentKind.SIGNED, ordinal=1,
                              name=pdf.name, added_by=clerk, added_at=now)
    delivery = Delivery.objects.create(
        document=document, unit=district, organ_name=district.name, organ_id=district.organ_id,
        transport=Transport.AXIS, status=Status.WAITING, status_at=now, created_at=now,
    )
    print(axis_deliveries_queue([delivery])[0].pk)
"""


def _sent_to_district() -> int:
    """Packages the simulator holds from our system to the district (its ``sent/`` records)."""
    import json

    count = 0
    for path in (STATE / "axis-sim" / "sent").glob("*/*.json"):
        record = json.loads(path.read_text())
        count += sum(1 for d in record.get("deliveries", []) if d.get("to") == DISTRICT)
    return count


def fault_axis_worker() -> None:
    """The default+exchange worker killed (-9) while it sends a package to the axis (the simulator answers
    after 8 s): the task goes back to the queue, the next try finds the package in the axis's sent list or
    sends it, and the simulator holds it exactly once."""
    env = dict(os.environ, **_cluster_env())
    before = _sent_to_district()
    requests.post(f"{AXIS}/_sim/faults", json={"delay": 8}, timeout=10).raise_for_status()
    try:
        out = subprocess.run(
            [str(ROOT / ".venv/bin/python"), "-m", "qlvb.cli", "shell", "-c", QUEUE_TO_DISTRICT],
            env=env,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        if out.returncode != 0 or not out.stdout.strip().splitlines()[-1].isdigit():
            check("gói tin gửi trục được xếp hàng", False, out.stderr[-300:])
            return
        item = int(out.stdout.strip().splitlines()[-1])
        in_flight = wait_until(
            lambda: _sql(f"SELECT sending_token <> '' FROM exchange_outboxitem WHERE id = {item}") == "t", 60
        )
        time.sleep(1)  # the request is on its way to the simulator, which holds it 8 s
        children = subprocess.run(
            ["pgrep", "-P", str(pid_of("worker-default"))], capture_output=True, text=True
        ).stdout.split()
        for child in children:
            os.kill(int(child), signal.SIGKILL)
        check(
            "worker bị kill -9 khi đang gửi gói tin lên trục",
            in_flight and bool(children),
            f"{len(children)} tiến trình",
        )
        requests.post(f"{AXIS}/_sim/faults", json={"delay": 0}, timeout=30)
        sent = wait_until(
            lambda: _sql(f"SELECT sent_at IS NOT NULL FROM exchange_outboxitem WHERE id = {item}") == "t", 180
        )
        time.sleep(3)
        arrived = _sent_to_district() - before
        check(
            "việc gửi được thử lại: gói tin tới trục đúng một lần",
            sent and arrived == 1,
            f"đã gửi: {sent}, trục nhận {arrived} gói tin, "
            f"{_sql(f'SELECT attempts FROM exchange_outboxitem WHERE id = {item}')} lần thử",
        )
    finally:
        requests.post(f"{AXIS}/_sim/faults", json={"delay": 0}, timeout=30)


def _orphans() -> str:
    env = dict(os.environ, **_cluster_env())
    out = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-m", "qlvb.cli", "files_orphans", "--grace-hours", "0"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return (out.stdout.strip().splitlines() or [out.stderr.strip()])[-1]


def fault_ocr_worker(bearer: str) -> None:
    main_pid = pid_of("worker-ocr")
    answer = _upload(bearer, _scan_pdf() + os.urandom(16), "ban-quet-khi-worker-chet.pdf")
    if answer.status_code not in (200, 201):
        check("tệp quét để OCR được tải lên", False, f"{answer.status_code} {answer.text[:200]}")
        return
    file_id = int(answer.json()["id"])
    state = f"SELECT state FROM files_filetext WHERE stored_file_id = {file_id}"
    # the pool process that runs the task, once OCRmyPDF/Tesseract runs under it
    busy = wait_until(
        lambda: bool(subprocess.run(["pgrep", "-f", "tesseract|ocrmypdf"], capture_output=True).stdout), 90
    )
    children = subprocess.run(["pgrep", "-P", str(main_pid)], capture_output=True, text=True).stdout.split()
    for child in children:
        os.kill(int(child), signal.SIGKILL)
    check("tiến trình OCR bị kill -9 khi đang OCR", busy and bool(children), f"{len(children)} tiến trình")
    done = wait_until(lambda: _sql(state) == "done", 300)
    check("việc OCR được giao lại và xong, không mất", done, f"trạng thái: {_sql(state)}")


def main() -> int:
    if not (STATE / "started").exists():
        print("Cụm chưa chạy: make cluster", file=sys.stderr)
        return 2
    bearer = token()
    for fault in (replica_reads, fault_web_node, fault_replica, fault_object_store, fault_ocr_worker):
        fault(bearer)
    fault_axis_worker()
    fault_redis()
    failed = [name for name, ok, _ in results if not ok]
    print(f"\n{len(results) - len(failed)}/{len(results)} kiểm tra đạt")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
