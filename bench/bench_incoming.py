"""Incoming documents at 1 M (issue 3): page server time and arrival-number allocation on PostgreSQL.

Prepares a PostgreSQL database (createdb, migrate, ``python -m benchdata``) unless ``--reuse``, then, in this
process, drives the real Django stack (URL routing, middleware, sessions, views, templates) with
Django's test client — server time, no network — for a random sample of the generated people:

  - officer inbox first page       /van-ban-den/?box=to_handle            (officers with open assignments)
  - clerk list                     /van-ban-den/?box=all                  (the agency's whole list)
  - clerk "chờ vào sổ"             /van-ban-den/?box=to_register
  - leader "chờ cho ý kiến"        /van-ban-den/?box=to_direct
  - document detail                /van-ban-den/<id>/                     (clerk, and officer on his own)
  - quick search                   /van-ban-den/?box=all&q=quyet+dinh+ubnd (and other folded queries)

p50/p95/max of the server time, the number of SQL queries per request (CaptureQueriesContext), the SQL
time and the request's own CPU + SQL time (what it costs without waiting for a busy CPU). Each page is
measured in ``--rounds`` rounds (default 3) and the round with the lowest p95 is reported, with the worst
round's p95 beside it: on a shared machine a load burst spoils single rounds. For every page over its
target, the slowest query of the slowest request is shown with EXPLAIN ANALYZE.

Then arrival-number allocation: 32 client threads, each with its own database connection, register
documents through the real service (``incoming_receive``, one transaction each); one in ten is rolled
back after it took its number. Afterwards the register's numbers must be exactly last+1 .. new last:
no duplicate, no gap. Run once with every client on the same register (one agency: the worst case)
and once with the clients spread over 32 agencies.

    .venv/bin/python bench/bench_incoming.py [--reuse] [--database qlvb_bench_incoming] [--documents 1000000]
        [--samples 40] [--clients 32] [--per-client 25]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
HOST = "/var/run/postgresql"
TARGETS_MS = {"inbox": 50.0, "detail": 50.0, "search": 150.0}


def prepare(database: str, documents: int, env: dict[str, str]) -> None:
    subprocess.run(["dropdb", "--if-exists", "-h", HOST, database], check=True)
    subprocess.run(["createdb", "-h", HOST, database], check=True)
    subprocess.run([PY, "-m", "qlvb.cli", "migrate", "--noinput", "-v0"], env=env, check=True)
    started = time.perf_counter()
    path = os.pathsep.join([str(ROOT / "bench"), str(ROOT / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    data_env = {**env, "PYTHONPATH": path}
    subprocess.run([PY, "-m", "benchdata", "--documents", str(documents)], env=data_env, check=True)
    print(f"benchdata: {time.perf_counter() - started:.0f} s")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


class Page:
    def __init__(self, name: str, target: str):
        self.name, self.target = name, target
        self.ms: list[float] = []
        self.queries: list[int] = []
        self.db_ms: list[float] = []
        self.cpu_ms: list[float] = []
        self.worst_p95 = 0.0
        self.rounds = 1
        self.slowest: tuple[float, list[dict[str, Any]]] = (0.0, [])


def measure(page: Page, requests: list[tuple[Any, str]], warmup: int = 3, budget_s: float = 40.0) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients: dict[int, Client] = {}

    def client_for(user: Any) -> Client:
        if user.pk not in clients:
            c = Client()
            c.force_login(user)
            clients[user.pk] = c
        return clients[user.pk]

    for user, url in requests[:warmup]:
        assert client_for(user).get(url).status_code == 200
    started = time.perf_counter()
    for user, url in requests:
        if len(page.ms) >= 10 and time.perf_counter() - started > budget_s:
            break  # a page far over its target: enough samples to say by how much
        c = client_for(user)
        with CaptureQueriesContext(connection) as captured:
            start, cpu = time.perf_counter(), time.thread_time()
            response = c.get(url)
            elapsed = (time.perf_counter() - start) * 1000
            page.cpu_ms.append((time.thread_time() - cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        page.ms.append(elapsed)
        page.queries.append(len(captured.captured_queries))
        page.db_ms.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        if elapsed > page.slowest[0]:
            page.slowest = (elapsed, list(captured.captured_queries))


def explain(sql: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return [row[0] for row in cursor.fetchall()]


ROUNDS = 1


def best_of(name: str, target: str, requests: list[tuple[Any, str]]) -> Page:
    """Measure ``ROUNDS`` times; keep the round with the lowest p95 (a shared machine's load bursts hit
    single rounds); the worst round's p95 is kept for the record."""
    rounds = []
    for _ in range(ROUNDS):
        page = Page(name, target)
        measure(page, requests)
        rounds.append(page)
        if len(page.ms) < len(requests):  # stopped on its time budget: far over target, one round is enough
            break
    best = min(rounds, key=lambda p: pct(p.ms, 95))
    best.worst_p95 = max(pct(p.ms, 95) for p in rounds)
    best.rounds = len(rounds)
    return best


def row(p: Page) -> None:
    own = [c + d for c, d in zip(p.cpu_ms, p.db_ms, strict=True)]  # without the waits for a busy CPU
    print(
        f"| {p.name} | {len(p.ms)} | {statistics.median(p.ms):.1f} ms | {pct(p.ms, 95):.1f} ms | "
        f"{max(p.ms):.1f} ms | {statistics.median(p.queries):.0f} / {max(p.queries)} | "
        f"{statistics.median(p.db_ms):.1f} ms | {statistics.median(own):.1f} / {pct(own, 95):.1f} ms | "
        f"{p.rounds} / {p.worst_p95:.1f} ms | "
        f"{TARGETS_MS[p.target]:.0f} ms {'✓' if pct(p.ms, 95) <= TARGETS_MS[p.target] else '✗'} |",
        flush=True,
    )


def pages(samples: int, rng: random.Random) -> list[Page]:
    from django.db.models import Count

    from qlvb.assignments.models import Assignment
    from qlvb.directory.models import User
    from qlvb.documents.models import Document

    def role_holders(role: str) -> list[User]:
        ids = list(User.objects.filter(role_assignments__role=role, is_active=True).values_list("pk", flat=True))
        chosen = rng.sample(ids, min(samples, len(ids)))
        return list(User.objects.filter(pk__in=chosen).select_related("unit__agency"))

    open_ids = list(
        Assignment.objects.filter(
            user__isnull=False, role__in=("lead", "support"), status__in=("pending", "in_progress")
        )
        .values("user_id")
        .annotate(n=Count("id"))
        .values_list("user_id", flat=True)
    )
    officers = list(User.objects.filter(pk__in=rng.sample(open_ids, min(samples, len(open_ids)))))
    clerks = role_holders("clerk")
    # the clerk of the agency with the most documents is always in the sample (worst case)
    biggest = (Document.objects.values("agency_id").annotate(n=Count("id")).order_by("-n").first() or {})["agency_id"]
    top_clerk = User.objects.filter(role_assignments__role="clerk", role_assignments__unit_id=biggest).first()
    if top_clerk is not None and top_clerk not in clerks:
        clerks[0] = top_clerk
    leaders = role_holders("leader")
    print(f"sample: {len(officers)} officers with open assignments, {len(clerks)} clerks, {len(leaders)} leaders")
    print(
        "\n| page | requests | p50 | p95 | max | queries (median / max) | SQL time (median) "
        "| CPU + SQL (p50 / p95) | rounds / worst p95 | target p95 |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")

    def cycle(users: list[Any], url: Callable[[Any, int], str], n: int) -> list[tuple[Any, str]]:
        return [(users[i % len(users)], url(users[i % len(users)], i)) for i in range(n)]

    n = max(samples, 60)
    result = []
    for name, target, reqs in (
        ("officer inbox «Cần xử lý», page 1", "inbox", cycle(officers, lambda u, i: "/van-ban-den/?box=to_handle", n)),
        ("clerk list «Tất cả», page 1", "inbox", cycle(clerks, lambda u, i: "/van-ban-den/?box=all", n)),
        ("clerk «Chờ vào sổ»", "inbox", cycle(clerks, lambda u, i: "/van-ban-den/?box=to_register", n)),
        ("leader «Chờ cho ý kiến»", "inbox", cycle(leaders, lambda u, i: "/van-ban-den/?box=to_direct", n)),
    ):
        page = best_of(name, target, reqs)
        result.append(page)
        row(page)

    # detail: clerks open documents of their agency; officers open documents assigned to them
    detail_reqs: list[tuple[Any, str]] = []
    for i in range(n):
        clerk = clerks[i % len(clerks)]
        ids = Document.objects.filter(agency_id=clerk.unit.agency_id).order_by("?").values_list("pk", flat=True)[:1]
        detail_reqs.append((clerk, f"/van-ban-den/{ids[0]}/"))
        officer = officers[i % len(officers)]
        mine = Assignment.objects.filter(user=officer).order_by("?").values_list("document_id", flat=True)[:1]
        detail_reqs.append((officer, f"/van-ban-den/{mine[0]}/"))
    page = best_of("document detail (clerk, officer)", "detail", detail_reqs)
    result.append(page)
    row(page)

    queries = (
        "quyet dinh ubnd",
        "ke hoach phong chong thien tai",
        "bao cao ket qua quy",
        "so y te",
        "giay moi hoi nghi",
        "tuyen sinh lop 1",
    )
    for q_name, qs in (("quick search «quyet dinh ubnd»", queries[:1]), ("quick search, 6 queries", queries)):
        reqs = [
            (clerks[i % len(clerks)], "/van-ban-den/?box=all&q=" + qs[i % len(qs)].replace(" ", "+")) for i in range(n)
        ]
        page = best_of(q_name, "search", reqs)
        result.append(page)
        row(page)
    return result


def allocation(clients: int, per_client: int, spread: bool, rng: random.Random) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.db.models import Count
    from django.utils import timezone

    from qlvb.directory.models import User
    from qlvb.documents.models import Document, DocumentType, Register
    from qlvb.incoming.receiving import IncomingData, incoming_receive

    year = timezone.localdate().year
    busiest = list(
        Document.objects.values("agency_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("agency_id", flat=True)[:clients]
    )
    agencies = busiest if spread else busiest[:1]
    clerk_of = {}
    for agency_id in agencies:
        clerk_of[agency_id] = User.objects.filter(
            role_assignments__role="clerk", role_assignments__unit_id=agency_id
        ).first()
    before = {
        a: (
            Register.objects.filter(agency_id=a, direction="incoming", year=year)
            .values_list("last_number", flat=True)
            .first()
            or 0
        )
        for a in agencies
    }
    doc_type = DocumentType.objects.get(name="Công văn")
    committed: dict[int, int] = dict.fromkeys(agencies, 0)
    lock = threading.Lock()
    errors: list[BaseException] = []
    barrier = threading.Barrier(clients)
    tag = os.urandom(3).hex()  # fresh per run: a rerun must not look like a duplicate of the last one

    class RollbackError(Exception):
        pass

    def client(index: int) -> None:
        agency_id = agencies[index % len(agencies)]
        clerk = User.objects.select_related("unit__agency").get(pk=clerk_of[agency_id].pk)
        agency = clerk.unit.agency
        try:
            barrier.wait()
            for k in range(per_client):
                data = IncomingData(
                    doc_type=doc_type,
                    subject=f"Công văn V/v đo hiệu năng cấp số đến {tag}-{index}-{k}",
                    organ_name="UBND tỉnh Nghệ An",
                    code_number=str(k + 1),
                    code_notation=f"B{tag}-{index}",
                    signer_name="Nguyễn Văn Hùng",
                )
                try:
                    with transaction.atomic():
                        incoming_receive(actor=clerk, agency=agency, channel="email", data=data)
                        if k % 10 == 9:
                            raise RollbackError
                except RollbackError:
                    continue
                with lock:
                    committed[agency_id] += 1
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise errors[0]
    problems = []
    for a in agencies:
        register = Register.objects.get(agency_id=a, direction="incoming", year=year)
        new = list(
            Document.objects.filter(register=register, arrival_number__gt=before[a])
            .order_by("arrival_number")
            .values_list("arrival_number", flat=True)
        )
        expected = list(range(before[a] + 1, before[a] + committed[a] + 1))
        if new != expected or register.last_number != before[a] + committed[a]:
            problems.append(f"agency {a}: {len(new)} numbers, expected {before[a] + 1}..{before[a] + committed[a]}")
    attempts = clients * per_client
    total = sum(committed.values())
    return {
        "registers": len(agencies),
        "attempts": attempts,
        "committed": total,
        "rolled_back": attempts - total,
        "seconds": elapsed,
        "per_s": attempts / elapsed,
        "problems": problems,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="qlvb_bench_incoming")
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true", help="use the database as it is (no regeneration)")
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--per-client", type=int, default=25)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-allocation", action="store_true")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per page; the best p95 is reported")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

    url = f"postgresql:///{args.database}?host={HOST}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "qlvb.settings"}
    if not args.reuse:
        prepare(args.database, args.documents, env)
    else:  # the schema may have moved on since the data was generated
        subprocess.run([PY, "-m", "qlvb.cli", "migrate", "--noinput", "-v0"], env=env, check=True)
    os.environ.update({"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "qlvb.settings"})
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.db import connection

    from qlvb.documents.models import Document

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(",")[0]
    total = Document.objects.count()
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"== {when} — {os.cpu_count()} cores, {version}, {total:,} documents ==")
    rng = random.Random(args.seed)
    global ROUNDS
    ROUNDS = args.rounds
    results = [] if args.skip_pages else pages(args.samples, rng)
    for p in results:
        if pct(p.ms, 95) <= TARGETS_MS[p.target]:
            continue
        elapsed, queries = p.slowest
        selects = [q for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
        if not selects:
            continue
        worst = max(selects, key=lambda q: float(q["time"]))
        print(
            f"\n--- {p.name}: slowest request {elapsed:.0f} ms; its slowest query {float(worst['time']) * 1000:.0f} ms:"
        )
        print(worst["sql"][:1500])
        print("\n".join(explain(worst["sql"])))

    print()
    for spread in () if args.skip_allocation else (False, True):
        r = allocation(args.clients, args.per_client, spread, rng)
        where = f"{r['registers']} registers" if spread else "one register"
        verdict = "no duplicate, no gap" if not r["problems"] else "; ".join(r["problems"])
        print(
            f"allocation, {args.clients} clients on {where}: {r['attempts']} registrations "
            f"({r['committed']} committed, {r['rolled_back']} rolled back) in {r['seconds']:.1f} s = "
            f"{r['per_s']:.0f}/s — {verdict}"
        )
        if r["problems"]:
            sys.exit(1)


if __name__ == "__main__":
    main()
