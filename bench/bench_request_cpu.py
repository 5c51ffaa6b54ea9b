"""The request's own CPU on the busiest pages (issue 17, "CPU per request").

Builds (or, with ``--reuse``, keeps) a PostgreSQL database with a volume that fills every page — by
default 40,000 incoming documents over 40 agencies and 2,000 people from ``python -m benchdata``, plus
``--outgoing`` drafts of the biggest agency through the real ``outgoing_create`` — then, in this
process, calls the Django WSGI application as a browser would (a signed-in session cookie, the whole
middleware stack, the view, the template) for a sample of real people:

  - officer inbox «Cần xử lý»       /van-ban-den/?box=to_handle
  - clerk's incoming list «Tất cả»  /van-ban-den/?box=all
  - outgoing list «Tất cả» (clerk)  /van-ban-di/?box=all
  - document detail                 /van-ban-den/<id>/ (the clerk, and an officer on his own document)
  - quick search                    /van-ban-den/?box=all&q=<folded words>

Per page: wall time, the process's CPU time (``time.process_time``), the SQL time (wall time inside the
database calls, through ``connection.execute_wrapper``) and the CPU outside those calls, p50/p95, and
the number of queries. ``--profile`` prints, for each page, a cProfile summary of ``--profile-requests``
requests (the functions with the most cumulative and own time).

    .venv/bin/python bench/bench_request_cpu.py [--reuse] [--database qlvb_bench_cpu] [--documents 40000]
        [--requests 60] [--profile] [--only inbox,detail] [--cache-url redis://localhost:6379/13]

The database's name may also come from ``QLVB_BENCH_CPU_DB``. With ``--cache-url`` (or ``QLVB_CACHE_URL``)
the per-person counts are kept in that Redis as in production (``core/person_counts.py``); a person's
requests after his first find them there. The column "calls" is the number of Python function calls per
request (cProfile over ``--calls-requests`` requests): a figure that does not move with the machine's load.

Never on the 1 M database of bench_incoming.py (another name): this one is dropped and rebuilt.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
HOST = "/var/run/postgresql"
TARGET_CPU_MS = 10.0


def prepare(database: str, args: argparse.Namespace, env: dict[str, str]) -> None:
    subprocess.run(["dropdb", "--if-exists", "-h", HOST, "-p", args.port, "-U", "postgres", database], check=True)
    subprocess.run(["createdb", "-h", HOST, "-p", args.port, "-U", "postgres", database], check=True)
    subprocess.run([PY, "-m", "qlvb.cli", "migrate", "--noinput", "-v0"], env=env, check=True)
    path = os.pathsep.join([str(ROOT / "bench"), str(ROOT / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    sizes = ["--documents", str(args.documents), "--agencies", str(args.agencies), "--users", str(args.users)]
    subprocess.run(
        [PY, "-m", "benchdata", *sizes],
        env={**env, "PYTHONPATH": path},
        check=True,
    )


def seed_outgoing(count: int) -> None:
    """``count`` drafts in the biggest agency, by its officers, through the real service (once)."""
    from django.db.models import Count

    from qlvb.directory.models import User
    from qlvb.documents.models import Direction, Document, DocumentType
    from qlvb.outgoing.drafting import DraftData, outgoing_create

    if Document.objects.filter(direction=Direction.OUTGOING).exists():
        return
    agency_id = (
        Document.objects.filter(direction=Direction.INCOMING)
        .values("agency_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
        or {}
    )["agency_id"]
    officers = list(User.objects.filter(role_assignments__role="officer", unit__parent_id=agency_id).distinct()[:10])
    signer = User.objects.filter(role_assignments__role="leader", role_assignments__unit_id=agency_id).first()
    types = list(DocumentType.objects.all()[:6])
    rng = random.Random(3)
    for i in range(count):
        outgoing_create(
            actor=officers[i % len(officers)],
            data=DraftData(
                doc_type=types[i % len(types)],
                subject=f"V/v triển khai kế hoạch số {rng.randint(1, 999)} về chuyển đổi số năm {2024 + i % 3}",
                signer=signer,
                urgency=rng.choice((0, 0, 0, 1)),
                free_recipients="Như trên\nLưu: VT",
            ),
        )


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))]


class Caller:
    """The WSGI application called as a server calls it, with the session cookie of each person."""

    def __init__(self) -> None:
        from django.db import connection
        from django.test import Client, RequestFactory

        from qlvb.wsgi import application  # what gunicorn serves

        self.app = application
        self.factory = RequestFactory()
        self.cookies: dict[int, str] = {}
        self.client_class = Client
        self.connection = connection
        self.sql_s = 0.0
        self.sql_cpu_s = 0.0
        self.queries = 0
        connection.ensure_connection()

    def _timer(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        start, cpu = time.perf_counter(), time.process_time()
        try:
            return execute(sql, params, many, context)
        finally:
            self.sql_s += time.perf_counter() - start
            self.sql_cpu_s += time.process_time() - cpu
            self.queries += 1

    def cookie(self, user: Any) -> str:
        if user.pk not in self.cookies:
            c = self.client_class()
            c.force_login(user)
            self.cookies[user.pk] = c.cookies["sessionid"].value
        return self.cookies[user.pk]

    def get(self, user: Any, url: str) -> tuple[int, bytes]:
        path, _, query = url.partition("?")
        return self.call(user, path, QUERY_STRING=query, REQUEST_METHOD="GET")

    def call(self, user: Any, path: str, cookie: str = "", **environ_extra: Any) -> tuple[int, bytes]:
        """One request as a browser sends it (the person's session cookie, ``cookie`` beside it)."""
        environ = self.factory._base_environ(
            PATH_INFO=path,
            HTTP_HOST="localhost",
            HTTP_COOKIE=f"sessionid={self.cookie(user)}{cookie}",
            HTTP_ACCEPT="text/html",
            HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
            **environ_extra,
        )
        status: list[str] = []
        response = self.app(environ, lambda s, headers, exc_info=None: status.append(s))
        try:
            body = b"".join(response)
        finally:
            response.close()  # request_finished, as a server does
        return int(status[0].split()[0]), body

    def measure(self, user: Any, url: str) -> dict[str, float]:
        return self.timed(lambda: self.get(user, url), url, 200)

    def timed(self, request: Callable[[], tuple[int, bytes]], url: str, expected: int) -> dict[str, float]:
        """Wall, CPU, SQL time and queries of one request, which must answer ``expected``."""
        self.sql_s = self.sql_cpu_s = 0.0
        self.queries = 0
        with self.connection.execute_wrapper(self._timer):
            start, cpu = time.perf_counter(), time.process_time()
            code, body = request()
            wall, cpu_s = time.perf_counter() - start, time.process_time() - cpu
        assert code == expected, (url, code, body[:600])
        return {
            "wall": wall * 1000,
            "cpu": cpu_s * 1000,
            "sql": self.sql_s * 1000,
            "app_cpu": (cpu_s - self.sql_cpu_s) * 1000,
            "queries": self.queries,
        }


def sample(rng: random.Random, n: int) -> dict[str, list[tuple[Any, str]]]:
    from django.db.models import Count

    from qlvb.assignments.models import Assignment
    from qlvb.directory.models import User
    from qlvb.documents.models import Direction, Document

    by_size = list(
        Document.objects.filter(direction=Direction.INCOMING)
        .values("agency_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("agency_id", flat=True)
    )
    clerks = []
    for agency_id in by_size[:8]:  # the big agencies: full pages, the costliest counts
        clerk = User.objects.filter(role_assignments__role="clerk", role_assignments__unit_id=agency_id).first()
        if clerk is not None:
            clerks.append(clerk)
    open_ids = list(
        Assignment.objects.filter(
            user__isnull=False, role__in=("lead", "support"), status__in=("pending", "in_progress")
        )
        .values("user_id")
        .annotate(k=Count("id"))
        .filter(k__gte=5)
        .values_list("user_id", flat=True)
    )
    officers = list(User.objects.filter(pk__in=rng.sample(open_ids, min(20, len(open_ids)))))
    out_clerk = clerks[0]

    def cycle(users: list[Any], url: Callable[[Any], str]) -> list[tuple[Any, str]]:
        return [(users[i % len(users)], url(users[i % len(users)])) for i in range(n)]

    detail: list[tuple[Any, str]] = []
    for i in range(n):
        if i % 2 == 0:
            clerk = clerks[i % len(clerks)]
            doc = Document.objects.filter(agency_id=clerk.unit.agency_id, direction=Direction.INCOMING)
            doc_id = doc.order_by("?").values_list("pk", flat=True)[0]
            detail.append((clerk, f"/van-ban-den/{doc_id}/"))
        else:
            officer = officers[i % len(officers)]
            mine = Assignment.objects.filter(user=officer, document__isnull=False).order_by("?")
            detail.append((officer, f"/van-ban-den/{mine.values_list('document_id', flat=True)[0]}/"))
    words = ("quyet dinh ubnd", "ke hoach", "bao cao ket qua", "so y te", "giay moi hoi nghi", "tuyen sinh")
    # an outgoing document's page as the reviewer whose step it waits for (the load's «approve»), else as its drafter
    from qlvb.outgoing.models import ApprovalStep, Outgoing

    readers = [
        (step.user, step.outgoing_id)
        for step in ApprovalStep.objects.filter(user__isnull=False, status="pending").select_related("user")[:20]
    ] or [(o.drafter, o.pk) for o in Outgoing.objects.select_related("drafter").order_by("-pk")[:20]]
    outdetail = [(readers[i % len(readers)][0], f"/van-ban-di/{readers[i % len(readers)][1]}/") for i in range(n)]
    return {
        "inbox": cycle(officers, lambda u: "/van-ban-den/?box=to_handle"),
        "incoming": cycle(clerks, lambda u: "/van-ban-den/?box=all"),
        "outgoing": cycle([out_clerk], lambda u: "/van-ban-di/?box=all"),
        "detail": detail,
        "floor": cycle(officers, lambda u: "/ung-dung/"),
        "home": cycle(officers, lambda u: "/"),
        "outdetail": outdetail,
        "fullsearch": [
            (clerks[i % len(clerks)], "/tim-kiem/?q=" + words[i % len(words)].replace(" ", "+")) for i in range(n)
        ],
        "search": [
            (clerks[i % len(clerks)], "/van-ban-den/?box=all&q=" + words[i % len(words)].replace(" ", "+"))
            for i in range(n)
        ],
    }


NAMES = {
    "inbox": "officer inbox «Cần xử lý»",
    "incoming": "clerk's incoming list «Tất cả»",
    "outgoing": "outgoing list «Tất cả» (clerk)",
    "detail": "document detail (clerk, officer)",
    "search": "quick search (6 queries)",
    "floor": "floor: the app's «Thêm» page (layout, session, middleware)",
    "home": "home page (officer: the dashboard's figures)",
    "fullsearch": "the search page /tim-kiem/ (6 queries)",
    "outdetail": "an outgoing document's page (the reviewer it waits for)",
}


def run_page(caller: Caller, requests: list[tuple[Any, str]]) -> dict[str, list[float]]:
    for user, url in requests:  # warm: connection, templates, each person's first session read
        caller.measure(user, url)
    figures: dict[str, list[float]] = {"wall": [], "cpu": [], "sql": [], "app_cpu": [], "queries": []}
    for user, url in requests:
        for k, v in caller.measure(user, url).items():
            figures[k].append(v)
    return figures


def profile_page(caller: Caller, requests: list[tuple[Any, str]], top: int, dump: str = "") -> str:
    profiler = cProfile.Profile(time.process_time)  # CPU, not the waits for the database or a busy core
    profiler.enable()
    for user, url in requests:
        caller.get(user, url)
    profiler.disable()
    if dump:  # the raw statistics, for pstats or snakeviz
        profiler.dump_stats(dump)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(r"qlvb/|templat|middleware", top)  # our code, templates
    stats.strip_dirs().sort_stats("tottime").print_stats(top)
    return out.getvalue()


def count_calls(caller: Caller, requests: list[tuple[Any, str]]) -> float:
    """Python function calls per request (cProfile's count): independent of the machine's load."""
    profiler = cProfile.Profile()
    profiler.enable()
    for user, url in requests:
        caller.get(user, url)
    profiler.disable()
    return pstats.Stats(profiler).total_calls / max(1, len(requests))  # type: ignore[attr-defined,no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=os.environ.get("QLVB_BENCH_CPU_DB", "qlvb_bench_cpu"))
    parser.add_argument("--cache-url", default=os.environ.get("QLVB_CACHE_URL", ""), help="Redis for the caches")
    parser.add_argument("--calls-requests", type=int, default=10, help="requests counted for the calls column")
    parser.add_argument("--documents", type=int, default=40_000)
    parser.add_argument("--agencies", type=int, default=40)
    parser.add_argument("--users", type=int, default=2_000)
    parser.add_argument("--outgoing", type=int, default=120, help="drafts in the biggest agency")
    parser.add_argument("--reuse", action="store_true", help="use the database as it is (no regeneration)")
    parser.add_argument("--requests", type=int, default=60, help="measured requests per page")
    parser.add_argument("--only", default="", help="comma-separated pages: " + ",".join(NAMES))
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary per page")
    parser.add_argument("--profile-requests", type=int, default=30)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--dump", default="", help="with --profile: write each page's raw profile to DUMP-<page>.prof")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--port", default="5432", help="PostgreSQL's port (5434: the cluster's own primary)")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

    url = f"postgresql://postgres@/{args.database}?host={HOST}&port={args.port}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "qlvb.settings"}
    if not args.reuse:
        prepare(args.database, args, env)
    else:  # the schema may have moved on since the data was generated
        subprocess.run([PY, "-m", "qlvb.cli", "migrate", "--noinput", "-v0"], env=env, check=True)
    os.environ.update({"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "qlvb.settings"})
    if args.cache_url:
        os.environ["QLVB_CACHE_URL"] = args.cache_url
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.db import connection

    from qlvb.documents.models import Document

    seed_outgoing(args.outgoing)
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(",")[0]
    load = os.getloadavg()
    print(
        f"== {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} — {os.cpu_count()} cores, {version}, "
        f"Python {sys.version.split()[0]}, {Document.objects.count():,} documents, "
        f"load {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} =="
    )
    wanted = [p for p in (args.only.split(",") if args.only else NAMES) if p]
    plans = sample(random.Random(args.seed), args.requests)
    caller = Caller()
    from django.conf import settings

    counts_on = getattr(settings, "QLVB_COUNTS_CACHE", False)  # absent before issue 17's counts cache
    print(f"counts cache: {'on, ' + settings.CACHES['default']['BACKEND'] if counts_on else 'off'}")
    print(
        "\n| page | requests | wall p50 / p95 | CPU p50 / p95 | SQL time p50 | CPU outside SQL p50 | queries "
        f"| calls | CPU ≤ {TARGET_CPU_MS:.0f} ms |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |")
    for key in wanted:
        f = run_page(caller, plans[key])
        q = f["queries"]
        calls = count_calls(caller, plans[key][: args.calls_requests])
        print(
            f"| {NAMES[key]} | {len(f['wall'])} | {statistics.median(f['wall']):.1f} / {pct(f['wall'], 95):.1f} ms "
            f"| {statistics.median(f['cpu']):.1f} / {pct(f['cpu'], 95):.1f} ms | {statistics.median(f['sql']):.1f} ms "
            f"| {statistics.median(f['app_cpu']):.1f} ms | {min(q):.0f}–{max(q):.0f} | {calls:,.0f} "
            f"| {'✓' if statistics.median(f['cpu']) <= TARGET_CPU_MS else '✗'} |"
        )
    if args.profile:
        for key in wanted:
            print(f"\n--- profile: {NAMES[key]}, {args.profile_requests} requests")
            dump = f"{args.dump}-{key}.prof" if args.dump else ""
            print(profile_page(caller, plans[key][: args.profile_requests], args.top, dump))


if __name__ == "__main__":
    main()
