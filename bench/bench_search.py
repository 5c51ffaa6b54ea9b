"""Full-text search (issue 12): p50/p95/p99 of one results page (count, ranking, permission filter,
snippets — ``documents.search.search_page``, what /tim-kiem/ and /api/v1/search run) per kind of query,
for clerks (always including the clerk of the largest agency), leaders and officers, on PostgreSQL;
then the query plans (EXPLAIN ANALYZE) of the slowest statement of the slowest queries. Beside the
wall time: the time spent inside database calls and this process's own CPU time, because on a shared
machine the wall time also holds the wait for a CPU.

The data set is ``python -m benchdata`` (bodies for ~30 % of the documents). At 1 M documents, as in
docs/benchmarks.md ("Full-text search at 1 M"):

    .venv/bin/python bench/bench_search.py --database qlvb_bench_1m

Three kinds have a slip of the keyboard (two letters swapped), so the approximate search answers
(``documents/fuzzy.py``): in the metadata's words, in words only the files' text holds (corrected against the
vocabulary ``SearchWord``, which ``python -m benchdata`` fills, or ``qlvb search_vocabulary``), and with
filters. ``--buffers``: instead, the blocks each statement of a few searches with no exact hit reads
(``EXPLAIN (ANALYZE, BUFFERS)``), summed per search.

``--database NAME`` (PostgreSQL on the local socket) or ``--database-url`` (default ``DATABASE_URL``);
a database without bench data (or with ``--fresh``) is created with ``--documents`` (default 5,000).
Read-only on an existing data set.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
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
BROAD = ["ủy ban", "kế hoạch", "ubnd", "nhân dân", "thực hiện", "báo cáo", "quyết định", "công tác"]
ONE_WORD = ["tiêm", "thuốc", "rác", "khiếu", "tuyển", "cháy", "ngân", "diễn", "giải", "tết", "đất", "lợn"]
TWO_WORDS = [
    "tiêm chủng",
    "thiên tai",
    "an toàn thực phẩm",
    "tái định cư",
    "hộ nghèo",
    "chuyển đổi số",
    "phòng cháy",
    "khiếu nại",
    "tuyển quân",
    "nông thôn mới",
]
UNACCENTED = [
    "quyet dinh ubnd",
    "ke hoach su dung dat",
    "tiem chung mo rong",
    "phong chong thien tai",
    "bao cao tinh hinh",
    "cai cach hanh chinh",
    "giai ngan von dau tu cong",
    "ho ngheo can ngheo",
]
# words of the bodies' templates (benchdata/bodies.py) that subjects rarely hold: a slip in one of them is
# corrected against the vocabulary of the files' text (SearchWord), not the metadata
BODY_WORDS = [
    "tuyen truyen sau rong",
    "truyen thanh co so",
    "nguon von xa hoi hoa",
    "cong thong tin dien tu",
    "kho khan vuong mac",
    "dau moi phoi hop",
    "hoi truong uy ban",
]
PHRASES = [
    '"chuyển đổi số"',
    '"ke hoach su dung dat"',
    '"an toàn thực phẩm"',
    '"hội trường ủy ban nhân dân"',
    '"tiêm chủng mở rộng"',
    '"cải cách hành chính"',
    '"thu gom rác thải"',
]


def _env(database_url: str) -> dict[str, str]:
    path = os.pathsep.join([str(ROOT / "bench"), str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])
    return {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": path.rstrip(os.pathsep)}


def prepare(database_url: str, documents: int) -> None:
    if database_url.startswith("postgresql"):
        name = database_url.split("///", 1)[1].split("?", 1)[0]
        subprocess.run(["dropdb", "--if-exists", "-h", "/var/run/postgresql", name], check=True)
        subprocess.run(["createdb", "-h", "/var/run/postgresql", name], check=True)
    elif database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    env = _env(database_url)
    subprocess.run([PY, "-m", "qlvb.cli", "migrate", "--noinput", "-v0"], env=env, check=True)
    started = time.perf_counter()
    agencies, users = max(2, documents // 5000), max(50, documents // 100)
    subprocess.run(
        [PY, "-m", "benchdata", "--documents", str(documents), "--agencies", str(agencies), "--users", str(users)],
        env=env,
        check=True,
    )
    print(f"benchdata: {documents} documents in {time.perf_counter() - started:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", help="a PostgreSQL database on the local socket, e.g. qlvb_bench_1m")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=40, help="queries per kind")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--kinds", default="", help="comma-separated kinds to run (default: all)")
    parser.add_argument("--plans", type=int, default=3, help="query plans shown (the slowest queries)")
    parser.add_argument("--kind-seconds", type=float, default=90, help="stop a kind after this long")
    parser.add_argument(
        "--default-gc", action="store_true", help="do not freeze the start-up objects as qlvb/wsgi.py does"
    )
    parser.add_argument(
        "--buffers",
        action="store_true",
        help="instead: the blocks every statement of a few searches with no exact hit reads (EXPLAIN ANALYZE BUFFERS)",
    )
    parser.add_argument(
        "--no-agency-index",
        action="store_true",
        help="never start from the (agency, words) index (the walk, as before migration documents 0015)",
    )
    args = parser.parse_args()
    if args.database:
        args.database_url = f"postgresql:///{args.database}?host=/var/run/postgresql"
    if not args.database_url:
        args.database_url = f"sqlite:///{ROOT / 'var' / 'bench-search.sqlite3'}"

    os.environ.update(_env(args.database_url))
    if args.database == "qlvb_bench_1m":  # shared, never written: every transaction read-only
        os.environ["PGOPTIONS"] = (os.environ.get("PGOPTIONS", "") + " -c default_transaction_read_only=on").strip()
    sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
    import django

    django.setup()
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    from qlvb.documents.models import Document

    try:
        executor = MigrationExecutor(connection)
        behind = bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
        ready = Document.objects.exists() and (not behind or args.database == "qlvb_bench_1m")
        if ready and behind:  # made with older migrations: searched as is, never migrated here
            print("note: the data set's migrations are older than this tree's; read as is (missing columns deferred)")
    except DatabaseError:
        ready = False  # no such database yet
    connection.close()
    if args.fresh or not ready:
        if args.database == "qlvb_bench_1m":
            raise SystemExit("qlvb_bench_1m is generated once (python -m benchdata), never re-created here")
        prepare(args.database_url, args.documents)
    if args.no_agency_index:
        from qlvb.documents import search

        search.AGENCY_MATCHES = -1
        print("the (agency, words) index is not used: broad queries walk the visible documents")
    if not args.default_gc:
        # the process as gunicorn's workers run it: the start-up objects frozen out of the garbage collector's
        # sight (qlvb/wsgi.py). Without it a full collection walks them every ~100 searches (+~110 ms p95).
        import qlvb.wsgi  # noqa: F401
    if args.buffers:
        buffers(Actors(random.Random(args.seed)))
    else:
        run(args)


def _users() -> Any:
    """``User.objects`` without the columns a data set made with older migrations lacks (read-only use)."""
    from django.db import connection

    from qlvb.directory.models import User

    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, User._meta.db_table)}
    missing = [f.name for f in User._meta.concrete_fields if f.column not in columns]
    return User.objects.defer(*missing) if missing else User.objects


class Actors:
    """The people who search: clerks (the largest agency's first), leaders, officers with many and with
    few visible documents."""

    def __init__(self, rng: random.Random):
        from django.db.models import Count

        from qlvb.directory.models import RoleAssignment, Unit
        from qlvb.documents.models import Document

        users = _users()

        biggest = (
            Document.objects.values("agency_id").annotate(n=Count("id")).order_by("-n").values_list("agency_id", "n")
        )[:1][0]
        self.biggest_agency, self.biggest_count = biggest
        agency_units = Unit.objects.filter(agency_id=self.biggest_agency).values("pk")
        clerks = list(users.filter(role_assignments__role="clerk", is_active=True).distinct().order_by("pk")[:2000])
        self.big_clerk = next(
            u for u in users.filter(role_assignments__role="clerk", role_assignments__unit__in=agency_units)
        )
        self.clerks = [self.big_clerk, *rng.sample(clerks, min(39, len(clerks)))]
        leaders = list(users.filter(role_assignments__role="leader", is_active=True).distinct()[:2000])
        self.leaders = rng.sample(leaders, min(20, len(leaders)))
        officers = (
            users.filter(
                pk__in=RoleAssignment.objects.filter(role="officer").values("user_id"),
                is_active=True,
            )
            .annotate(n=Count("assignments"))
            .filter(n__gt=0)
        )
        ranked = list(officers.order_by("-n", "pk").values_list("pk", "n")[:5000])
        few = [pk for pk, n in ranked if n <= 20] or [pk for pk, _n in ranked[-40:]]
        self.officers = list(users.filter(pk__in=[pk for pk, _n in ranked[:40]]))
        self.officers_few = list(users.filter(pk__in=rng.sample(few, min(40, len(few)))))
        print(
            f"actors: {len(self.clerks)} clerks (largest agency #{self.biggest_agency}: {self.biggest_count:,} "
            f"documents), {len(self.leaders)} leaders, {len(self.officers)} officers with the most "
            f"assignments (max {ranked[0][1] if ranked else 0}), {len(self.officers_few)} with ≤ 20"
        )

    def anyone(self, rng: random.Random) -> Any:
        r = rng.random()
        pool = self.clerks if r < 0.4 else self.leaders if r < 0.6 else self.officers
        return rng.choice(pool or self.clerks)


Query = tuple[Any, str, Any, int]  # actor, text, filters, page


def slip(text: str, rng: random.Random) -> str:
    """``text`` unaccented with one slip of the keyboard: two neighbouring letters of one word of 4 letters
    or more swapped ("hoach" → "hoahc"), so that nothing matches exactly and the approximate search answers."""
    from qlvb.core.text import fold

    words = fold(text.replace('"', " ")).split()
    long = [i for i, w in enumerate(words) if len(w) >= 4] or [max(range(len(words)), key=lambda i: len(words[i]))]
    i = rng.choice(long)
    word = words[i]
    places = [j for j in range(len(word) - 1) if word[j] != word[j + 1]] or [0]
    j = rng.choice(places)
    words[i] = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    return " ".join(words)


def kinds(actors: Actors, rng: random.Random) -> dict[str, Callable[[], Query]]:
    from django.utils import timezone

    from qlvb.documents.models import Document, DocumentType
    from qlvb.documents.search import SearchFilters

    clerk_of = {}
    for clerk in actors.clerks:
        for agency in {a for _u, a, r in clerk._roles_held if r == "clerk"}:
            clerk_of[agency] = clerk
    sample = list(  # documents of the sampled clerks' agencies: each is searched by its own clerk
        Document.objects.exclude(code_notation="")
        .filter(agency_id__in=list(clerk_of))
        .order_by("?")
        .values_list("code_number", "code_notation", "signer_name", "organ_name", "agency_id")[:400]
    )
    types = list(DocumentType.objects.values_list("pk", flat=True))
    today = timezone.localdate()

    def own(row: tuple[Any, ...]) -> Any:
        return clerk_of.get(row[4]) or rng.choice(actors.clerks)

    def notation() -> Query:
        row = rng.choice(sample)
        return own(row), f"{row[0]}/{row[1]}", None, 1

    def person() -> Query:
        row = rng.choice(sample)
        return own(row), row[2], None, 1

    def filtered() -> Query:
        start = today - dt.timedelta(days=rng.randint(30, 600))
        r = rng.random()
        if r < 0.4:
            f = SearchFilters(doc_type=rng.choice(types), date_from=start, date_to=start + dt.timedelta(days=90))
        elif r < 0.7:
            f = SearchFilters(organ=rng.choice(sample)[3].split(" ")[-1], date_from=start)
        else:
            f = SearchFilters(doc_type=rng.choice(types))
        text = rng.choice(["", rng.choice(TWO_WORDS), rng.choice(BROAD)])
        return actors.anyone(rng), text, f, 1

    return {
        "one word": lambda: (actors.anyone(rng), rng.choice(ONE_WORD), None, 1),
        "two words": lambda: (actors.anyone(rng), rng.choice(TWO_WORDS), None, 1),
        "unaccented": lambda: (actors.anyone(rng), rng.choice(UNACCENTED), None, 1),
        "phrase": lambda: (actors.anyone(rng), rng.choice(PHRASES), None, 1),
        "notation": notation,
        "person's name": person,
        "filters": filtered,
        "broad, largest clerk": lambda: (actors.big_clerk, rng.choice(BROAD), None, 1),
        "broad, clerks+leaders": lambda: (rng.choice(actors.clerks + actors.leaders), rng.choice(BROAD), None, 1),
        "broad, officer": lambda: (rng.choice(actors.officers), rng.choice(BROAD), None, 1),
        "officer, few documents": lambda: (
            rng.choice(actors.officers_few),
            rng.choice(BROAD + TWO_WORDS + UNACCENTED),
            None,
            1,
        ),
        "page 50": lambda: (rng.choice(actors.clerks[:5]), rng.choice(BROAD), None, 50),
        # a slip of the keyboard: nothing matches exactly, the approximate search answers (documents/fuzzy.py)
        "slip": lambda: (actors.anyone(rng), slip(rng.choice(TWO_WORDS + UNACCENTED), rng), None, 1),
        "slip in files' text": lambda: (actors.anyone(rng), slip(rng.choice(BODY_WORDS), rng), None, 1),
        "slip with filters": lambda: (filtered()[0], slip(rng.choice(TWO_WORDS + UNACCENTED), rng), filtered()[2], 1),
    }


def _pct(times: list[float], p: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def run(args: argparse.Namespace) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from qlvb.documents.models import Document, SearchEntry
    from qlvb.documents.search import search_page
    from qlvb.documents.searchindex import search_metadata_sync

    total = Document.objects.count()
    if SearchEntry.objects.count() < total:  # a data set made before benchdata wrote the index
        started = time.perf_counter()
        search_metadata_sync()
        print(f"index: {total} metadata entries in {time.perf_counter() - started:.1f} s")
    with_body = SearchEntry.objects.exclude(body="").count()
    size = ""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_size_pretty(pg_relation_size('documents_searchentry_vector')), "
                "pg_size_pretty(pg_total_relation_size('documents_searchentry')), version()"
            )
            gin, table, version = cursor.fetchone()
            size = f"; GIN index {gin}, table with TOAST and indexes {table}; {version.split(',')[0]}"
    print(f"== {connection.vendor}: {total:,} documents, {with_body:,} with a body{size}")
    rng = random.Random(args.seed)
    actors = Actors(rng)
    chosen = [k.strip() for k in args.kinds.split(",") if k.strip()]
    slowest: list[tuple[float, str, Query]] = []
    overall: list[float] = []
    sql_ms = [0.0]

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_ms[0] += (time.perf_counter() - started) * 1000

    connection.execute_wrappers.append(timed)
    print(
        f"{'kind':26} {'n':>4} {'hits p50':>9} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}"
        f" | {'SQL p50':>8} {'SQL p95':>8} {'CPU p50':>8} {'CPU p95':>8} {'approx.':>7}"
    )
    for kind, make in kinds(actors, rng).items():
        if chosen and kind not in chosen:
            continue
        times: list[float] = []
        hits: list[int] = []
        sqls: list[float] = []
        cpus: list[float] = []
        approximate = 0  # answered by the approximate search (hits: the approximate hits shown)
        started_kind = time.perf_counter()
        for _ in range(args.queries):
            actor, text, filters, page = make()
            sql_ms[0] = 0.0
            cpu = time.thread_time()
            started = time.perf_counter()
            result = search_page(actor, text=text, filters=filters, page=page)
            ms = (time.perf_counter() - started) * 1000
            cpus.append((time.thread_time() - cpu) * 1000)  # this process's CPU (Python, driver)
            sqls.append(sql_ms[0])  # wall time inside the database calls
            times.append(ms)
            hits.append(len(result.hits) if result.approximate else result.page.paginator.count if result.page else 0)
            approximate += result.approximate
            slowest.append((ms, kind, (actor, text, filters, page)))
            if time.perf_counter() - started_kind > args.kind_seconds:  # far over target: enough to know
                break
        overall += times
        print(
            f"{kind:26} {len(times):4} {statistics.median(hits):9,.0f} {statistics.median(times):6.1f}ms "
            f"{_pct(times, 0.95):6.1f}ms {_pct(times, 0.99):6.1f}ms {max(times):6.1f}ms"
            f" | {statistics.median(sqls):6.1f}ms {_pct(sqls, 0.95):6.1f}ms "
            f"{statistics.median(cpus):6.1f}ms {_pct(cpus, 0.95):6.1f}ms {approximate:7}"
        )
    print(
        f"{'all':26} {len(overall):4} {'':9} {statistics.median(overall):6.1f}ms {_pct(overall, 0.95):6.1f}ms "
        f"{_pct(overall, 0.99):6.1f}ms {max(overall):6.1f}ms"
    )
    connection.execute_wrappers.remove(timed)
    if connection.vendor != "postgresql":
        return
    slowest.sort(key=lambda s: -s[0])
    shown: set[str] = set()
    for ms, kind, (actor, text, filters, page) in slowest:
        if len(shown) >= args.plans:
            break
        if kind in shown:
            continue
        shown.add(kind)
        with CaptureQueriesContext(connection) as captured:
            search_page(actor, text=text, filters=filters, page=page)
        worst = max(captured.captured_queries, key=lambda q: float(q["time"]))
        print(f"\n--- slowest {kind}: {text!r} page {page}, {ms:.0f} ms; its slowest statement ({worst['time']} s):")
        print(worst["sql"][:1500])
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + worst["sql"])
            print("\n".join(row[0] for row in cursor.fetchall()))


def buffers(actors: Actors) -> None:
    """For a few searches that find nothing exactly (so the approximate search runs): each statement's blocks
    (shared buffers hit + read, ``EXPLAIN (ANALYZE, BUFFERS)``, after the search ran once to warm the cache)
    and time, summed per search; the largest statement apart."""
    import json

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from qlvb.documents.models import DocumentType
    from qlvb.documents.search import SearchFilters, search_page

    today = timezone.localdate()
    kind = DocumentType.objects.order_by("pk").values_list("pk", flat=True).first()
    start = today - dt.timedelta(days=400)
    quarter = SearchFilters(doc_type=kind, date_from=start, date_to=start + dt.timedelta(days=90))
    officer, few = actors.officers[0], actors.officers_few[0]
    cases = [
        ("officer, a broad word in a type and 3 months", officer, "thực hiện", quarter),
        ("officer (≤ 20 documents), 'bao cao tinh hinh'", few, "bao cao tinh hinh", None),
        ("largest clerk, a slip", actors.big_clerk, "ke hoahc su dung dat", None),
        ("largest clerk, a slip in the files' text", actors.big_clerk, "cong thnog tin dien tu", None),
        ("largest clerk, two words in a type and 3 months", actors.big_clerk, "tiêm chủng", quarter),
        ("officer, a slip", officer, "tiem chugn mo rong", None),
    ]
    print(f"{'search':52} {'approx.':>7} {'statements':>10} {'blocks':>9} {'ms':>8} | largest: {'blocks':>8} {'ms':>7}")
    for label, actor, text, filters in cases:
        result = search_page(actor, text=text, filters=filters)  # warm the cache as a repeated search would
        with CaptureQueriesContext(connection) as captured:
            search_page(actor, text=text, filters=filters)
        blocks, ms, largest = 0, 0.0, (0, 0.0)
        with connection.cursor() as cursor:
            for statement in captured.captured_queries:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement["sql"])
                raw = cursor.fetchone()[0]
                plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]
                top = plan["Plan"]
                read = int(top.get("Shared Hit Blocks", 0)) + int(top.get("Shared Read Blocks", 0))
                blocks, ms = blocks + read, ms + float(plan["Execution Time"])
                largest = max(largest, (read, float(plan["Execution Time"])))
        print(
            f"{label:52} {result.approximate!s:>7} {len(captured.captured_queries):10} {blocks:9,} {ms:8.1f} |"
            f" {largest[0]:>16,} {largest[1]:7.1f}"
        )


if __name__ == "__main__":
    main()
