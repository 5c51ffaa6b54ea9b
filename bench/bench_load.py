"""The measured mixed load on the cluster (issue 17, "Load, measured"; docs/benchmarks.md).

For each node count asked (``--nodes 1 2``), under the machine's cluster lock (``/tmp/qlvb-cluster.lock``,
shared with the other users of ``make cluster``):

1. ``scripts/cluster.sh start`` with ``QLVB_CLUSTER_NODES`` and ``QLVB_CLUSTER_DATABASE_URL`` = ``--database``
   (a bench data set made by ``python -m benchdata``; the nodes serve it directly, without the replica);
2. ``prepare`` (this file, in the cluster's environment): the people of the ``--agencies`` largest agencies
   and their work — officers with open assignments to complete, documents submitted to each leader to direct,
   drafts waiting for a department leader's approval (uploaded, converted once by LibreOffice, submitted), one
   PDF attached to a few documents of each person to download; written to ``var/load/pool.json``;
3. ``locust -f bench/load/locustfile.py --headless`` for ``--minutes`` with ``--users`` people (each signs in
   once through the form), ``--think`` seconds between the actions of a person;
4. meanwhile, every 2 s: the CPU time of each web node's process group, nginx, the Celery workers, locust, the
   PostgreSQL backends serving the database, and the load average; the database's ``active_time`` (SQL time);
5. ``scripts/cluster.sh stop``, the lock released; then the figures: requests/s, p50/p95/p99 per kind,
   errors, CPU per node and per request, SQL time per request, the load average.

    .venv/bin/python bench/bench_load.py [--database qlvb_h_load] [--nodes 1 2] [--minutes 3] [--users 60]

Writes: the prepare step's actions through the services (submissions, drafts, attachments) and the load's
(registrations, directions, completions, approvals) change the database, so each node count runs on a fresh
copy ``<database>_run`` (``createdb -T``: nobody may be connected to the template); ``--database`` is generated
first when it does not exist (``python -m benchdata --documents 60000 --agencies 40 --users 2000``).
``--read-only`` leaves the write kinds out of the mix (and prepare writes nothing but sessions).

``--replica``: the production shape with its read replica in the load's path. ``--database`` then lives in the
cluster's own primary (port 5434; made there after ``scripts/cluster.sh pg``), each run's copy is made there
with ``createdb --strategy=file_copy`` (the replica copies the folder itself instead of replaying 7 GB of WAL)
and the run waits for the replica to have replayed it; the nodes read pages from the replica (5435) and write
to the primary (``core/replica.py``), the two clusters are kept between runs (``QLVB_CLUSTER_KEEP_PG``), and the
figures add the replica's backends and the share of transactions it answered.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
HOST = "/var/run/postgresql"
PORT, PRIMARY_PORT, REPLICA_PORT = "5432", "5434", "5435"  # the machine's cluster; the cluster's own two
LOCK = "/tmp/qlvb-cluster.lock"
STATE = ROOT / "var" / "cluster"
OUT = ROOT / "var" / "load"
TICK = os.sysconf("SC_CLK_TCK")
WORDS = [
    "ke hoach",
    "bao cao ket qua",
    "chuyen doi so",
    "tiem chung",
    "phong chong dich",
    "quyet dinh",
    "giay moi hop",
    "tuyen sinh",
    "ngan sach",
    "cai cach hanh chinh",
]
ROLES = ("officer", "clerk", "leader", "reviewer")
CLASSES = {"Officer": "officer", "Clerk": "clerk", "Leader": "leader", "Reviewer": "reviewer"}
KINDS = ["inbox", "open", "pdf", "search", "home", "register", "direct", "complete", "approve"]


# --- prepare (runs in the cluster's environment, with Django) ---------------------------------------------------------


def _pdf_bytes() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    for page in range(3):
        pdf.add_page()
        pdf.set_font("helvetica", size=12)
        for line in range(40):
            pdf.cell(
                0,
                6,
                f"Cong van so {page * 40 + line}: trien khai ke hoach chuyen doi so nam 2026.",
                new_x="LMARGIN",
                new_y="NEXT",
            )
    return bytes(pdf.output())


def _docx_bytes() -> bytes:
    from qlvb.files.tests.samples import a4_section, docx_package

    para = (
        '<w:p><w:r><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman"/><w:sz w:val="26"/></w:rPr>'
        '<w:t xml:space="preserve">Triển khai kế hoạch chuyển đổi số năm 2026.</w:t></w:r></w:p>'
    )
    return docx_package(para * 20 + a4_section(left=1814))


class Preparer:
    """The people of one agency and their prepared work, through the services (``prepare``)."""

    def __init__(self, args: argparse.Namespace) -> None:
        from qlvb.documents.models import DocumentType

        self.args = args
        self.write = not args.read_only
        self.rng = random.Random(17)
        self.pdf = _pdf_bytes()
        (OUT / "sample.pdf").write_bytes(self.pdf)
        self.docx = _docx_bytes()
        self.doc_type = DocumentType.objects.filter(is_active=True).first()
        self.first_pdf_id: int | None = None
        self.pool: dict[str, Any] = {"password": args.password, "pdf": str(OUT / "sample.pdf"), "words": WORDS}
        for role in ROLES:
            self.pool[role] = []

    def attach(self, doc_ids: list[int], budget: int) -> list[tuple[int, int]]:
        """One PDF attached (as an appendix, by the clerk) to up to ``budget`` of the documents."""
        from qlvb.core.errors import DomainError
        from qlvb.documents.models import Document
        from qlvb.incoming.services import IncomingFile, incoming_files_add

        out: list[tuple[int, int]] = []
        if not self.write:
            return out
        for doc in Document.objects.filter(pk__in=doc_ids[:budget]):
            try:
                added = incoming_files_add(
                    actor=self.clerk, document=doc, files=[IncomingFile(self.pdf_stored, kind="appendix")]
                )
            except DomainError:
                continue
            out.append((doc.pk, added[0].pk))
        return out

    def agency(self, agency_id: int) -> None:
        import io

        from qlvb.directory.models import User
        from qlvb.documents.models import Direction, Document
        from qlvb.files.intake import file_intake

        self.docs = list(
            Document.objects.filter(agency_id=agency_id, direction=Direction.INCOMING)
            .order_by("-id")
            .values_list("pk", flat=True)[:400]
        )
        clerk = User.objects.filter(role_assignments__role="clerk", role_assignments__unit_id=agency_id).first()
        self.leaders = list(User.objects.filter(role_assignments__role="leader", role_assignments__unit_id=agency_id))
        if clerk is None or not self.leaders or not self.docs:
            return
        self.clerk = clerk
        self.pdf_stored = file_intake(
            actor=clerk, stream=io.BytesIO(self.pdf), original_name="cong-van.pdf", channel="web"
        )
        sample = self.rng.sample(self.docs, min(50, len(self.docs)))
        self.pool["clerk"].append({"username": clerk.username, "documents": sample, "pdfs": self.attach(sample, 5)})
        busy = self.officers(agency_id)
        self.submitted(agency_id)
        if self.write:
            self.drafts(busy[:2])

    def officers(self, agency_id: int) -> list[int]:
        """Officers with open parts to handle, the busiest first."""
        from django.db.models import Count

        from qlvb.assignments.models import Assignment
        from qlvb.directory.models import User

        open_status = ("pending", "in_progress")
        busy = list(
            Assignment.objects.filter(
                document__agency_id=agency_id, user__isnull=False, role="lead", status__in=open_status
            )
            .values("user_id")
            .annotate(k=Count("id"))
            .order_by("-k")
            .values_list("user_id", flat=True)[: self.args.officers_per_agency]
        )
        for officer in User.objects.filter(pk__in=busy):
            mine = Assignment.objects.filter(user=officer, document__isnull=False)
            docs = list(mine.values_list("document_id", flat=True)[:60])
            parts = list(mine.filter(role="lead", status__in=open_status).values_list("pk", flat=True)[:40])
            self.pool["officer"].append(
                {
                    "username": officer.username,
                    "documents": docs,
                    "pdfs": self.attach(docs, 3),
                    "open": parts if self.write else [],
                }
            )
        return busy

    def submitted(self, agency_id: int) -> None:
        """Documents submitted to each leader: those waiting already, and registered ones the clerk submits."""
        from qlvb.core.errors import DomainError
        from qlvb.documents.models import Document, DocumentStatus
        from qlvb.incoming.services import incoming_submit

        per = self.args.submitted_per_leader
        registered = list(
            Document.objects.filter(agency_id=agency_id, status=DocumentStatus.REGISTERED).values_list("pk", flat=True)[
                : per * len(self.leaders)
            ]
        )
        for i, leader in enumerate(self.leaders):
            waiting: list[int] = []
            if self.write:
                waiting = list(
                    Document.objects.filter(status=DocumentStatus.SUBMITTED, submitted_to=leader).values_list(
                        "pk", flat=True
                    )[:per]
                )
                mine = registered[i :: len(self.leaders)][: per - len(waiting)]
                mine += [self.received(agency_id, n) for n in range(per - len(waiting) - len(mine))]
                for pk in mine:
                    try:
                        incoming_submit(actor=self.clerk, document=Document.objects.get(pk=pk), leader=leader)
                    except DomainError:
                        continue
                    waiting.append(pk)
            self.pool["leader"].append(
                {"username": leader.username, "documents": self.docs[:60], "submitted": waiting, "pdfs": []}
            )

    def received(self, agency_id: int, n: int) -> int:
        """A paper document received and registered by the clerk (when the data set has too few waiting)."""
        import datetime as dt

        from qlvb.directory.models import Unit
        from qlvb.incoming.services import IncomingData, incoming_receive

        number = self.rng.randint(1, 9999)
        data = IncomingData(
            doc_type=self.doc_type,  # type: ignore[arg-type]
            subject=f"Về việc triển khai kế hoạch số {number} năm 2026 ({n})",
            organ_name="Ủy ban nhân dân tỉnh",
            code_number=str(number),
            code_notation="UBND-VX",
            issued_date=dt.date(2026, 11, 20),
            signer_position="Chủ tịch",
            signer_name="Nguyễn Văn An",
        )
        result = incoming_receive(
            actor=self.clerk,
            agency=Unit.objects.get(pk=agency_id),
            channel="paper",
            data=data,
            confirm_duplicate=True,
        )
        return int(result.document.pk)

    def draft(self, officer: Any, n: int) -> tuple[str, int] | None:
        """One draft uploaded and submitted; (the reviewer whose step it waits for, its id)."""
        import io

        from qlvb.core.errors import DomainError
        from qlvb.files.intake import file_intake
        from qlvb.outgoing.approval import outgoing_submit
        from qlvb.outgoing.draft_state import current_step
        from qlvb.outgoing.drafting import DraftData, outgoing_create
        from qlvb.outgoing.models import DraftVersion
        from qlvb.outgoing.versions import version_convert, version_upload

        try:
            outgoing = outgoing_create(
                actor=officer,
                data=DraftData(
                    doc_type=self.doc_type,  # type: ignore[arg-type]
                    subject=f"V/v triển khai kế hoạch số {self.rng.randint(1, 999)} về chuyển đổi số",
                    signer=self.leaders[0],
                    free_recipients="Như trên\nLưu: VT",
                ),
            )
            stored = file_intake(
                actor=officer, stream=io.BytesIO(self.docx), original_name=f"du-thao-{n}.docx", channel="web"
            )
            version = version_upload(actor=officer, outgoing=outgoing, stored_file=stored)
            if self.first_pdf_id is None:  # LibreOffice once; every other draft shares that PDF
                self.first_pdf_id = version_convert(version_id=version.pk).pdf_id
            DraftVersion.objects.filter(pk=version.pk).update(pdf_id=self.first_pdf_id)
            outgoing = outgoing_submit(actor=officer, outgoing=outgoing)
            step = current_step(outgoing)
        except DomainError as exc:
            print(f"draft skipped: {exc}", file=sys.stderr)
            return None
        if step is None or step.user is None or step.kind != "review":
            return None
        return step.user.username, outgoing.pk

    def drafts(self, drafters: list[int]) -> None:
        """Drafts of the busiest officers, waiting for the first reviewer of their chain."""
        from qlvb.assignments.models import Assignment
        from qlvb.directory.models import User

        by_reviewer: dict[str, list[int]] = {}
        for officer in User.objects.filter(pk__in=drafters):
            for n in range(self.args.drafts_per_agency // max(1, len(drafters))):
                made = self.draft(officer, n)
                if made is not None:
                    by_reviewer.setdefault(made[0], []).append(made[1])
        for username, drafts in by_reviewer.items():
            reviewer = User.objects.get(username=username)
            docs = list(
                Assignment.objects.filter(unit_id=reviewer.unit_id, document__isnull=False).values_list(
                    "document_id", flat=True
                )[:60]
            )
            self.pool["reviewer"].append(
                {"username": username, "documents": docs or self.docs[:60], "drafts": drafts, "pdfs": []}
            )


def prepare(args: argparse.Namespace) -> None:
    """The pool of people and their work for the locustfile, in ``var/load/pool.json``."""
    import django

    django.setup()
    from django.db.models import Count

    from qlvb.documents.models import Direction, Document

    OUT.mkdir(parents=True, exist_ok=True)
    preparer = Preparer(args)
    agencies = list(
        Document.objects.filter(direction=Direction.INCOMING)
        .values("agency_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("agency_id", flat=True)[: args.agencies]
    )
    for agency_id in agencies:
        preparer.agency(agency_id)
    pool = preparer.pool
    for role in ROLES:
        pool[role] = [p for p in pool[role] if p["documents"]]
    (OUT / "pool.json").write_text(json.dumps(pool, ensure_ascii=False))
    work = {
        "to complete": sum(len(p.get("open", [])) for p in pool["officer"]),
        "to direct": sum(len(p.get("submitted", [])) for p in pool["leader"]),
        "to approve": sum(len(p.get("drafts", [])) for p in pool["reviewer"]),
        "pdfs": sum(len(p["pdfs"]) for role in ROLES for p in pool[role]),
    }
    print(f"pool: { {role: len(pool[role]) for role in ROLES} }; work: {work}", flush=True)


def written_since(since: str) -> dict[str, int]:
    """What the load's writes left in the database (counted after the run, in the cluster's environment)."""
    import django

    django.setup()
    from qlvb.documents.models import DocumentEvent

    rows = DocumentEvent.objects.filter(created_at__gte=since).values_list("action", flat=True)
    counts: dict[str, int] = {}
    for action in rows:
        counts[action] = counts.get(action, 0) + 1
    return counts


# --- measuring -------------------------------------------------------------------------------------------------------


def group_cpu(pgid: int) -> float:
    """CPU seconds (user + system, children reaped included) of every live process of a process group."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields[0] is the state: pgrp is the 5th field of stat, here index 2
            total += sum(int(x) for x in fields[11:15])
    return total / TICK


def pids_cpu(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:13])
    return total / TICK


def psql(database: str, sql: str, port: str = PORT) -> str:
    return subprocess.run(
        ["psql", "-h", HOST, "-p", port, "-U", "postgres", "-d", database, "-Atc", sql],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


class Sampler(threading.Thread):
    """Every 2 s: the cumulative CPU seconds of each part, the load average, the database's SQL time
    (``pg_stat_database.active_time``, ms) and its committed transactions. The PostgreSQL backends serving the
    database come and go: each one's CPU is added from its first reading to its last. ``ports``: the primary
    first, then the replica if the nodes read from one (its backends, SQL time and transactions added apart)."""

    def __init__(self, groups: dict[str, int], database: str, ports: tuple[str, ...] = (PORT,)) -> None:
        super().__init__(daemon=True)
        self.groups, self.database, self.ports = groups, database, ports
        self.stop = threading.Event()
        self.samples: list[dict[str, float]] = []
        self.backend_first: dict[tuple[str, int], float] = {}
        self.backend_last: dict[tuple[str, int], float] = {}

    def sample(self) -> None:
        row = {name: group_cpu(pgid) for name, pgid in self.groups.items()}
        row["t"] = time.time()
        row["load"] = float(Path("/proc/loadavg").read_text().split()[0])
        # the whole machine (every process and the kernel): what the parts above leave out shows here
        ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        row["machine busy"] = (sum(ticks[:3]) + sum(ticks[5:8])) / TICK  # user nice system, irq softirq steal
        row["machine iowait"] = ticks[4] / TICK
        row["sql_ms"] = 0.0  # both databases; "replica sql_ms" the replica's part
        for i, port in enumerate(self.ports):
            where = "" if i == 0 else "replica "
            stats = psql(
                self.database,
                f"SELECT active_time, xact_commit FROM pg_stat_database WHERE datname = '{self.database}'",
                port,
            ).split("|")
            row["sql_ms"] += float(stats[0])
            if where:
                row["replica sql_ms"] = float(stats[0])
            row[f"{where}xacts"] = float(stats[1])
            sql = f"SELECT pid FROM pg_stat_activity WHERE datname = '{self.database}'"
            pids = [(port, int(pid)) for pid in psql(self.database, sql, port).split()]
            for key in pids:
                cpu = pids_cpu([key[1]])
                self.backend_first.setdefault(key, cpu)
                self.backend_last[key] = cpu
            row[f"postgres {where}backends"] = sum(
                self.backend_last[k] - self.backend_first[k] for k in self.backend_last if k[0] == port
            )
        self.samples.append(row)

    def run(self) -> None:
        while not self.stop.wait(2):
            try:
                self.sample()
            except Exception as exc:  # a sample lost is reported, the run goes on
                print(f"sample: {exc}", file=sys.stderr)

    def window(self, t0: float) -> tuple[dict[str, float], list[float]]:
        """What each part used from the first sample at or after ``t0`` to the last; the load averages seen."""
        inside = [r for r in self.samples if r["t"] >= t0] or self.samples[-1:]
        first, last = inside[0], self.samples[-1]
        used = {k: last[k] - first[k] for k in last if k not in ("t", "load")}
        used["seconds"] = last["t"] - first["t"]
        return used, [r["load"] for r in inside]


def route_cpu(ports: list[int]) -> dict[tuple[str, str], list[float]]:
    """Each node's /metrics, added up: (route, method) → [requests, CPU seconds of their threads]."""
    import urllib.request

    from prometheus_client.parser import text_string_to_metric_families

    out: dict[tuple[str, str], list[float]] = {}
    for port in ports:
        text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                key = (sample.labels.get("route", ""), sample.labels.get("method", ""))
                if sample.name == "qlvb_request_seconds_count":
                    out.setdefault(key, [0.0, 0.0])[0] += sample.value
                elif sample.name == "qlvb_request_cpu_seconds_total":
                    out.setdefault(key, [0.0, 0.0])[1] += sample.value
    return out


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))]


def cluster(action: str, env: dict[str, str]) -> None:
    subprocess.run(["bash", str(ROOT / "scripts" / "cluster.sh"), action], env=env, check=True, cwd=ROOT)


def cluster_env() -> dict[str, str]:
    out = {}
    for line in (STATE / "env").read_text().splitlines():
        name, _, value = line.partition("=")
        out[name] = value
    return out


def locust_path(given: str) -> str:
    for candidate in (given, str(ROOT / ".venv" / "bin" / "locust"), shutil.which("locust") or ""):
        if candidate and Path(candidate).exists():
            return candidate
    raise SystemExit("locust not found: `make venv` installs it (requirements.lock), or give --locust PATH")


def prepare_args(args: argparse.Namespace) -> list[str]:
    out = ["--database", args.database, "--agencies", str(args.agencies), "--password", args.password]
    out += ["--officers-per-agency", str(args.officers_per_agency)]
    out += [
        "--submitted-per-leader",
        str(args.submitted_per_leader),
        "--drafts-per-agency",
        str(args.drafts_per_agency),
    ]
    return out + (["--read-only"] if args.read_only else [])


def locust_command(args: argparse.Namespace, classes: list[str]) -> list[str]:
    return [
        locust_path(args.locust),
        *("-f", str(ROOT / "bench" / "load" / "locustfile.py"), "--headless", "--host", "http://127.0.0.1:8100"),
        *("--users", str(args.users), "--spawn-rate", str(args.spawn_rate)),
        *(
            "--run-time",
            f"{int(args.minutes * 60)}s",
            "--only-summary",
            "--stop-timeout",
            "10",
            "--loglevel",
            "WARNING",
        ),
        *classes,
    ]


def ensure_dataset(database: str, port: str) -> None:
    """The documented data set, generated once when ``database`` does not exist (503 s on the test machine)."""
    if psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{database}'", port) == "1":
        return
    print(f"generating {database} (python -m benchdata --documents 60000 --agencies 40 --users 2000)", flush=True)
    env = {
        **os.environ,
        "DATABASE_URL": f"postgresql://postgres@/{database}?host={HOST}&port={port}",
        "PYTHONPATH": f"{ROOT / 'src'}:{ROOT / 'bench'}",
    }
    subprocess.run(["createdb", "-h", HOST, "-p", port, "-U", "postgres", database], check=True)
    subprocess.run([PY, "-m", "qlvb.cli", "migrate", "--noinput", "-v0"], env=env, check=True)
    sizes = ["--documents", "60000", "--agencies", "40", "--users", "2000"]
    subprocess.run([PY, "-m", "benchdata", *sizes], env=env, check=True)


def fresh_copy(template: str, port: str) -> str:
    """Each run on its own copy of the data set (the run writes): ``<template>_run``, made again. On the
    cluster's primary (``--replica``) the copy is a file copy, and it is ready once the replica has it too."""
    copy = f"{template}_run"
    pg = ["-h", HOST, "-p", port, "-U", "postgres"]
    subprocess.run(["dropdb", "--if-exists", *pg, copy], check=True)
    strategy = ["--strategy=file_copy"] if port == PRIMARY_PORT else []
    started = time.monotonic()
    subprocess.run(["createdb", *pg, *strategy, "-T", template, copy], check=True)
    if port == PRIMARY_PORT:
        target = psql("postgres", "SELECT pg_current_wal_lsn()", port)
        sql = f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"
        while psql("postgres", sql, REPLICA_PORT) != "t":
            time.sleep(1)
    print(f"[{time.strftime('%H:%M:%S')}] {copy} ready in {time.monotonic() - started:.0f} s", flush=True)
    return copy


def run_once(args: argparse.Namespace, nodes: int) -> dict[str, Any]:
    env = {**os.environ, "QLVB_CLUSTER_NODES": str(nodes)}
    if args.replica:  # the cluster's own primary and replica, kept for the next run
        env |= {"QLVB_CLUSTER_DATABASE": args.database, "QLVB_CLUSTER_KEEP_PG": "1"}
        env["QLVB_CLUSTER_REPLICA_READS"] = "0" if args.primary_reads else "1"
    else:
        env["QLVB_CLUSTER_DATABASE_URL"] = f"postgresql://postgres@/{args.database}?host={HOST}"
    env["PYTHONPATH"] = f"{ROOT / 'src'}:{ROOT / 'bench'}"
    log_path = OUT / f"requests-n{nodes}.json"
    with open(LOCK, "w") as lock:
        print(f"[{time.strftime('%H:%M:%S')}] waiting for the cluster lock {LOCK}", flush=True)
        fcntl.flock(lock, fcntl.LOCK_EX)
        print(f"[{time.strftime('%H:%M:%S')}] cluster with {nodes} node(s) on {args.database}", flush=True)
        cluster("start", env)
        try:
            # the prepare step's after-commit tasks are dropped (memory broker): no LibreOffice conversion of the
            # drafts by the workers, no notifications of the work it sets up, nothing left queued for the run
            run_env = {**env, **cluster_env(), "DJANGO_SETTINGS_MODULE": "qlvb.settings"}
            prep_env = {**run_env, "CELERY_BROKER_URL": "memory://"}
            subprocess.run([PY, __file__, *prepare_args(args), "_prepare"], env=prep_env, check=True)
            groups = {f"web {port}": int((STATE / f"web-{port}.pid").read_text()) for port in (8101, 8102)[:nodes]}
            for name, pid_file in (
                ("worker default", "worker-default"),
                ("worker ocr", "worker-ocr"),
                ("beat", "beat"),
                ("s3 (moto)", "s3"),  # the object store stands in for S3 on the same cores: its CPU is the load's
                ("redis", "redis"),
            ):
                groups[name] = int((STATE / f"{pid_file}.pid").read_text())
            nginx_master = int((STATE / "nginx.pid").read_text())
            groups["nginx"] = int(Path(f"/proc/{nginx_master}/stat").read_text().rsplit(")", 1)[1].split()[2])
            since = psql(args.database, "SELECT now()", args.port)
            ports = (PRIMARY_PORT, REPLICA_PORT) if args.replica and not args.primary_reads else (args.port,)
            sampler = Sampler(groups, args.database, ports)
            sampler.sample()
            pool = json.loads((OUT / "pool.json").read_text())
            classes = [name for name, role in CLASSES.items() if pool[role]]  # a role nobody has is left out
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            node_ports = [8101, 8102][:nodes]
            routes_before = route_cpu(node_ports)
            loc = subprocess.Popen(
                locust_command(args, classes),
                env={
                    **os.environ,
                    "QLVB_LOAD_POOL": str(OUT / "pool.json"),
                    "QLVB_LOAD_THINK": str(args.think),
                    "QLVB_LOAD_READ_ONLY": "1" if args.read_only else "",
                    "QLVB_LOAD_REQUESTS": str(log_path),
                },
                start_new_session=True,
            )
            sampler.start()
            loc.wait()
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            routes_after = route_cpu(node_ports)
            sampler.stop.set()
            sampler.join()
            sampler.sample()
            written = json.loads(
                subprocess.run(
                    [PY, __file__, "--database", args.database, "_written", since],
                    env=run_env,
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
            )
        finally:
            cluster("stop", env)
        fcntl.flock(lock, fcntl.LOCK_UN)
    log = json.loads(log_path.read_text())
    signed_in = [t for t, kind, _ms, _f in log if kind == "sign-in"]
    t0 = max(signed_in) + 2 if signed_in else sampler.samples[0]["t"]  # steady state: everyone signed in
    used, loads = sampler.window(t0)
    locust_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {
        "nodes": nodes,
        "log": log,
        "t0": t0,
        "used": used,
        "loads": loads,
        "locust_cpu": locust_cpu,
        "written": written,
        "wall": (sampler.samples[0]["t"], sampler.samples[-1]["t"]),
        "routes": {
            key: [after_[0] - routes_before.get(key, [0.0, 0.0])[0], after_[1] - routes_before.get(key, [0.0, 0.0])[1]]
            for key, after_ in routes_after.items()
        },
    }


def where_read(args: argparse.Namespace) -> str:
    if not args.replica:
        return f"one database, {args.database} on the machine's PostgreSQL (no replica)"
    if args.primary_reads:
        return f"{args.database} on the cluster's primary, replica following, every read on the primary"
    return f"{args.database} on the cluster's primary, page reads on its replica"


def report(args: argparse.Namespace, result: dict[str, Any]) -> None:
    used, t0 = result["used"], result["t0"]
    seconds = used["seconds"] or 1.0
    inside = [(kind, ms, failed) for t, kind, ms, failed in result["log"] if t >= t0 and kind != "sign-in"]
    sign_ins = [ms for _t, kind, ms, _f in result["log"] if kind == "sign-in"]
    start, end = (time.strftime("%H:%M:%S", time.gmtime(x)) for x in (t0, result["wall"][1]))
    loads = result["loads"] or [0.0]
    print(
        f"\n== {result['nodes']} web node(s), {args.users} people, think {args.think} s; steady window {start}–{end} "
        f"UTC ({seconds:.0f} s, after the last sign-in); load average (1 min) {min(loads):.1f}–{max(loads):.1f}; "
        f"{where_read(args)}"
    )
    print(f"{'kind':<10} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6}")
    for kind in [*KINDS, "all"]:
        times = [ms for k, ms, _f in inside if kind in ("all", k)]
        errors = sum(f for k, _ms, f in inside if kind in ("all", k))
        if times:
            print(
                f"{kind:<10} {len(times):>8} {len(times) / seconds:>7.1f} {pct(times, 50):>7.0f} "
                f"{pct(times, 95):>7.0f} {pct(times, 99):>7.0f} {errors:>6}"
            )
    print(
        f"sign-in (whole run, once per person): {len(sign_ins)}, p50 {pct(sign_ins, 50):.0f} ms, "
        f"max {max(sign_ins or [0]):.0f} ms"
    )
    n = len(inside) or 1
    print("CPU in the window (cores used on average; per request):")
    for name, value in used.items():
        if name in ("seconds", "sql_ms", "xacts", "replica xacts", "replica sql_ms"):
            continue
        print(f"  {name:<18} {value:7.1f} s  {value / seconds:5.2f} cores  {value / n * 1000:6.1f} ms/request")
    web = sum(v for k, v in used.items() if k.startswith("web "))
    print(
        f"  web nodes together {web / seconds:5.2f} cores, {web / n * 1000:.1f} ms/request; SQL active time "
        f"{used['sql_ms'] / n:.1f} ms/request, {used['xacts'] / n:.1f} transactions/request; "
        f"locust (whole run) {result['locust_cpu']:.1f} s"
    )
    if "replica xacts" in used:
        on_replica = used["replica xacts"] / max(used["replica xacts"] + used["xacts"], 1)
        print(
            f"  transactions: primary {used['xacts']:.0f}, replica {used['replica xacts']:.0f} "
            f"({on_replica:.0%} answered by the replica); SQL active time on the replica "
            f"{used['replica sql_ms'] / n:.1f} ms/request"
        )
    print(f"written by the run (document events): {result['written']}")
    routes = sorted(result["routes"].items(), key=lambda item: -item[1][1])
    spent = sum(cpu for _n, cpu in result["routes"].values()) or 1.0
    print("the web threads' CPU per route (whole run, sign-ins included; /metrics, qlvb_request_cpu_seconds):")
    print(f"  {'route':<44} {'method':<6} {'requests':>8} {'CPU ms/request':>14} {'share':>6}")
    for (route, method), (count, cpu) in routes[:14]:
        if count:
            print(f"  /{route:<43} {method:<6} {count:>8.0f} {cpu / count * 1000:>14.1f} {cpu / spent:>6.0%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="qlvb_h_load", help="a bench data set (python -m benchdata), a copy")
    parser.add_argument("--nodes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--users", type=int, default=60)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--think", type=float, default=1.0, help="seconds between a person's actions (mean)")
    parser.add_argument("--agencies", type=int, default=8, help="the people of the N largest agencies")
    parser.add_argument("--officers-per-agency", type=int, default=12)
    parser.add_argument("--submitted-per-leader", type=int, default=25)
    parser.add_argument("--drafts-per-agency", type=int, default=30)
    parser.add_argument("--password", default="LienMinh@2025")
    parser.add_argument("--read-only", action="store_true", help="no write kinds, nothing prepared but sessions")
    parser.add_argument("--locust", default="", help="the locust program (default: the venv's)")
    parser.add_argument(
        "--in-place", action="store_true", help="run on --database itself, not on a fresh copy <database>_run"
    )
    parser.add_argument(
        "--replica",
        action="store_true",
        help="--database is in the cluster's own primary (5434); the nodes read pages from its replica (5435)",
    )
    parser.add_argument(
        "--primary-reads", action="store_true", help="with --replica: the replica follows, the nodes read the primary"
    )
    parser.add_argument("step", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.port = PRIMARY_PORT if args.replica else PORT
    if args.step[:1] == ["_prepare"]:
        return prepare(args)
    if args.step[:1] == ["_written"]:
        print(json.dumps(written_since(args.step[1])))
        return None
    OUT.mkdir(parents=True, exist_ok=True)
    template = args.database
    for nodes in args.nodes:
        if args.replica:  # the two clusters up (a replica made if none) before the data set is looked for or copied
            subprocess.run(["bash", str(ROOT / "scripts" / "cluster.sh"), "pg"], check=True, cwd=ROOT)
        if not args.in_place:
            ensure_dataset(template, args.port)
            args.database = fresh_copy(template, args.port)
        report(args, run_once(args, nodes))
    return None


if __name__ == "__main__":
    main()
