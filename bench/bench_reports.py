"""The leader's dashboard and the six-monthly report at scale (issue 14), **read-only**.

Runs against an existing benchmark database (default ``qlvb_bench_1m``, made by ``python -m benchdata``)
and never writes to it: every connection is opened with ``default_transaction_read_only = on`` (PostgreSQL
refuses any write), sessions are signed cookies built here (no ``django_session`` row, no sign-in, so no
``last_login`` or audit entry). The reports app adds no table, so the database needs no migration.
``--prepare N`` first creates ``--database`` itself (createdb, migrate, benchdata with N documents) — for a
database of one's own only.

In this process, through the whole Django stack (URL routing, middleware, session, view, template) with
the test client — server time, no network:

  - the leader's dashboard ``/thong-ke/bang-dieu-hanh/`` with an empty cache before every request (cold:
    every figure computed in SQL) and with the cache warm (what a leader gets until the agency's next
    write), for a sample of leaders always including one of the largest agency;
  - the home page ``/`` and "what waits for me" ``/thong-ke/cho-toi/`` of the same leaders;
  - the statistics page for the current half year, for the same leaders;
  - the six-monthly report for the whole deployment (every agency): the figures (``usage_compute``), then
    its XLSX and PDF.

    .venv/bin/python bench/bench_reports.py [--database qlvb_bench_1m] [--prepare 100000] [--samples 30]
        [--requests 60] [--cache-url redis://127.0.0.1:6379/9]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
HOST = "/var/run/postgresql"
TARGET_DASHBOARD_MS = 100.0
TARGET_REPORT_S = 10.0


def prepare(database: str, documents: int, env: dict[str, str]) -> None:
    subprocess.run(["dropdb", "--if-exists", "-h", HOST, database], check=True)
    subprocess.run(["createdb", "-h", HOST, database], check=True)
    subprocess.run([PY, "-m", "qlvb.cli", "migrate", "--noinput", "-v0"], env=env, check=True)
    path = os.pathsep.join([str(ROOT / "bench"), str(ROOT / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    started = time.perf_counter()
    subprocess.run([PY, "-m", "benchdata", "--documents", str(documents)], env={**env, "PYTHONPATH": path}, check=True)
    print(f"benchdata ({documents:,} documents): {time.perf_counter() - started:.0f} s", flush=True)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))]


def read_only() -> None:
    from django.db.backends.signals import connection_created

    def on_connect(sender: Any, connection: Any, **kwargs: Any) -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET default_transaction_read_only = on")

    connection_created.connect(on_connect, weak=False)


def client_for(user: Any) -> Any:
    """A test client signed in as ``user`` by a signed-cookie session made here (nothing written)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.test import Client

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]  # the account backend (not axes)
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    return client


class Result:
    def __init__(self, name: str) -> None:
        self.name = name
        self.ms: list[float] = []
        self.db_ms: list[float] = []
        self.queries: list[int] = []
        self.cpu_ms: list[float] = []
        self.slowest: tuple[float, list[dict[str, Any]]] = (0.0, [])

    def line(self, target: float | None) -> str:
        verdict = "" if target is None else f"{target:.0f} ms {'✓' if pct(self.ms, 95) <= target else '✗'}"
        own = [c + d for c, d in zip(self.cpu_ms, self.db_ms, strict=True)]  # without the waits for a busy CPU
        return (
            f"| {self.name} | {len(self.ms)} | {statistics.median(self.ms):.1f} ms | {pct(self.ms, 95):.1f} ms | "
            f"{max(self.ms):.1f} ms | {statistics.median(self.queries):.0f} | {statistics.median(self.db_ms):.1f} ms "
            f"| {statistics.median(own):.1f} / {pct(own, 95):.1f} ms | {verdict} |"
        )


def measure(name: str, requests: list[tuple[Any, str]], *, cold: bool) -> Result:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clients: dict[int, Any] = {}
    result = Result(name)
    # warm the process (templates, first connection); with the cache in use, every leader's dashboard is
    # computed once first (otherwise the first request of each agency would be a miss, not a warm read)
    for user, url in requests[:3] if cold else requests:
        clients.setdefault(user.pk, client_for(user)).get(url)
    for user, url in requests:
        client = clients.setdefault(user.pk, client_for(user))
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            start, cpu = time.perf_counter(), time.thread_time()
            response = client.get(url)
            elapsed = (time.perf_counter() - start) * 1000
            result.cpu_ms.append((time.thread_time() - cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        result.ms.append(elapsed)
        result.queries.append(len(captured.captured_queries))
        result.db_ms.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        if elapsed > result.slowest[0]:
            result.slowest = (elapsed, list(captured.captured_queries))
    return result


def leaders(samples: int, rng: random.Random) -> list[Any]:
    from django.db.models import Count

    from qlvb.directory.models import User
    from qlvb.documents.models import Document

    ids = list(User.objects.filter(role_assignments__role="leader", is_active=True).values_list("pk", flat=True))
    chosen = rng.sample(ids, min(samples, len(ids)))
    biggest = Document.objects.values("agency_id").annotate(n=Count("id")).order_by("-n").first()
    if biggest is not None:
        top = User.objects.filter(role_assignments__role="leader", role_assignments__unit_id=biggest["agency_id"])
        first = top.values_list("pk", flat=True).first()
        if first is not None and first not in chosen:
            chosen[0] = first
        print(f"largest agency: {biggest['n']:,} documents; its leader is in the sample", flush=True)
    return list(User.objects.filter(pk__in=chosen).select_related("unit__agency"))


def pages(samples: int, n: int, rng: random.Random) -> list[Result]:
    people = leaders(samples, rng)
    print(f"sample: {len(people)} leaders, {n} requests per page\n", flush=True)
    print(
        "| page | requests | p50 | p95 | max | SQL queries (median) | SQL time (median) | CPU + SQL (p50 / p95) "
        "| target p95 |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")

    def cycle(url: str) -> list[tuple[Any, str]]:
        return [(people[i % len(people)], url) for i in range(n)]

    out = []
    for name, url, cold, target in (
        ("dashboard, cache empty (every figure in SQL)", "/thong-ke/bang-dieu-hanh/", True, TARGET_DASHBOARD_MS),
        ("dashboard, cache warm", "/thong-ke/bang-dieu-hanh/", False, TARGET_DASHBOARD_MS),
        ("home page (shell; widgets load after)", "/", False, None),
        ("what waits for me", "/thong-ke/cho-toi/", False, None),
        ("statistics, current half year", "/thong-ke/", False, None),
    ):
        result = measure(name, cycle(url), cold=cold)
        out.append(result)
        print(result.line(target), flush=True)
    return out


def slowest_sql(result: Result, top: int = 3) -> None:
    ordered = sorted(result.slowest[1], key=lambda q: -float(q["time"]))[:top]
    print(f"\nslowest SQL of the slowest «{result.name}» request ({result.slowest[0]:.0f} ms):")
    for q in ordered:
        print(f"  {float(q['time']) * 1000:.1f} ms  {q['sql'][:400]}")


def deployment_report() -> None:
    from qlvb.directory.models import Unit, UnitKind
    from qlvb.reports import exports, narrative
    from qlvb.reports.periods import current_half, half_year
    from qlvb.reports.usage import usage_compute

    agencies = list(Unit.objects.filter(kind=UnitKind.AGENCY, external=False).order_by("pk"))
    print(f"\nsix-monthly report, whole deployment ({len(agencies)} agencies):")
    print("| period | figures (SQL) | XLSX | PDF | documents received | target |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    today = current_half()
    earlier = half_year(today.start.year, 1) if today.start.month == 7 else half_year(today.start.year - 1, 2)
    for period in (today, earlier, today):
        start = time.perf_counter()
        report = usage_compute(agencies, period, whole_deployment=True)
        figures = time.perf_counter() - start
        start = time.perf_counter()
        exports.usage_xlsx(report, title_owner="Toàn bộ Hệ thống")
        xlsx = time.perf_counter() - start
        start = time.perf_counter()
        narrative.usage_pdf(report, owner="Toàn bộ Hệ thống")
        pdf = time.perf_counter() - start
        total = figures + xlsx + pdf
        print(
            f"| {period.label} | {figures:.2f} s | {xlsx:.2f} s | {pdf:.2f} s | {report.total.values['in_total']:,} "
            f"| {TARGET_REPORT_S:.0f} s {'✓' if total <= TARGET_REPORT_S else '✗'} ({total:.2f} s) |",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="qlvb_bench_1m")
    parser.add_argument("--prepare", type=int, default=0, help="create --database with this many documents first")
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--cache-url", default="", help="Redis for the cache (default: the process's memory)")
    parser.add_argument("--seed", type=int, default=14)
    options = parser.parse_args()

    env = {
        **os.environ,
        "DATABASE_URL": f"postgresql:///{options.database}?host={HOST}",
        "DJANGO_SETTINGS_MODULE": "qlvb.settings",
        "QLVB_CACHE_URL": options.cache_url,
    }
    if options.prepare:
        if options.database == "qlvb_bench_1m":
            sys.exit("--prepare never touches qlvb_bench_1m (another helper's database): name your own")
        prepare(options.database, options.prepare, env)
    os.environ.update(
        {k: v for k, v in env.items() if k in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "QLVB_CACHE_URL")}
    )
    import django
    from django.conf import settings

    django.setup()
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    settings.ALLOWED_HOSTS = ["testserver"]
    read_only()
    from qlvb.directory import signins

    # the session list (issue 15) records each session's last request: a write, which the read-only guard
    # refuses; the bench's sessions are signed cookies of its own, nobody's to list
    signins.session_touch = lambda request, user: None  # type: ignore[assignment]
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM documents_document")
        documents = cursor.fetchone()[0]
        cursor.execute("SHOW default_transaction_read_only")
        guard = cursor.fetchone()[0]
    print(
        f"database {options.database}: {documents:,} documents; read-only guard: {guard}; "
        f"cache: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}",
        flush=True,
    )
    rng = random.Random(options.seed)
    results = pages(options.samples, options.requests, rng)
    cold = results[0]
    if pct(cold.ms, 95) > TARGET_DASHBOARD_MS:
        slowest_sql(cold)
    deployment_report()


if __name__ == "__main__":
    main()
