"""Full-text search at a few thousand documents, with slips and accent-free filters (issue 12; the 1 M
benchmark is bench_search.py): p50/p95 of one results page (count, ranking, permission filter,
snippets — ``documents.search.search_page``, what /tim-kiem/ and /api/v1/search run) for a clerk and for
an officer, over a few terms, on the database of ``DATABASE_URL``.

Uses the bench data already in that database when there is some; otherwise (or with ``--fresh``) it
creates it with ``python -m benchdata`` at ``--documents`` (default 5,000 — not the 1 M of the issue's
target, which takes hours on this machine). Documents written by the generator (``bulk_create``/COPY,
no ``Document.save``) get their index entry from ``search_metadata_sync``; ``--bodies`` gives that
many documents a body of a few pages made of the data set's own subjects, so that the body is searched
too. Prints the size measured.

    DATABASE_URL=postgresql:///qlvb_bench_search?host=/var/run/postgresql \\
        .venv/bin/python bench/bench_search_slips.py [--fresh] [--documents 5000] [--bodies 2000] [--queries 50]
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
TERMS = ["ủy ban", "kế hoạch", "quyet dinh ubnd", '"ke hoach"', "tiem chu*", "bao cao tinh hinh", "{notation}"]
# a slip of the keyboard: nothing matches exactly, the approximate search answers (page 1 only)
SLIPS = ["ke hoahc tiem chung", "bao cao tinh hinb"]
# the accent-free organ and signer filters, with no words typed
FILTERS = [{"organ": "tinh quang tri"}, {"signer": "nguyen van"}]


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
    default_url = os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'var' / 'bench-search.sqlite3'}"
    parser.add_argument("--database-url", default=default_url)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--bodies", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=50, help="queries per term and person")
    args = parser.parse_args()

    os.environ.update(_env(args.database_url))
    sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
    import django

    django.setup()
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    from qlvb.documents.models import Document

    try:
        executor = MigrationExecutor(connection)
        ready = not executor.migration_plan(executor.loader.graph.leaf_nodes()) and Document.objects.exists()
    except DatabaseError:
        ready = False  # no such database yet
    connection.close()
    if args.fresh or not ready:
        prepare(args.database_url, args.documents)
    run(args)


def run(args: argparse.Namespace) -> None:
    from django.db import connection
    from django.db.models import Count

    from qlvb.directory.models import RoleAssignment, User
    from qlvb.documents.models import Document, SearchEntry
    from qlvb.documents.search import SearchFilters, search_page
    from qlvb.documents.searchindex import search_metadata_sync, search_text_set

    total = Document.objects.count()
    if SearchEntry.objects.count() < total:
        started = time.perf_counter()
        search_metadata_sync()
        print(f"index: {total} metadata entries in {time.perf_counter() - started:.1f} s")
    with_body = SearchEntry.objects.exclude(body="").count()
    if with_body < min(args.bodies, total):
        rng = random.Random(1)
        subjects = list(Document.objects.values_list("subject", flat=True)[:5000])
        ids = list(SearchEntry.objects.filter(body="").values_list("document_id", flat=True)[: args.bodies - with_body])
        started = time.perf_counter()
        for pk in ids:  # ~3 pages: 60 lines of the data set's own administrative Vietnamese
            search_text_set(pk, body="\n".join(rng.choice(subjects) for _ in range(60)))
        spent = time.perf_counter() - started
        print(f"bodies: {len(ids)} in {spent:.1f} s ({len(ids) / max(spent, 1e-9):.0f} documents/s)")
        with_body += len(ids)

    clerk_ids = RoleAssignment.objects.filter(role="clerk").values("user_id")
    clerk = User.objects.filter(pk__in=clerk_ids, is_active=True).order_by("pk").first()
    officer_ids = RoleAssignment.objects.filter(role="officer").values("user_id")
    officer = (
        User.objects.filter(pk__in=officer_ids, is_active=True)
        .annotate(n=Count("assignments"))
        .order_by("-n", "pk")
        .first()
    )
    sample = Document.objects.exclude(code_notation="").order_by("pk").first()
    notation = sample.number_notation if sample else "1/QD-UBND"
    size = ""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_relation_size('documents_searchentry_vector'))")
            size = f", GIN index {cursor.fetchone()[0]}"
    print(f"== {connection.vendor}: {total} documents, {with_body} with a body{size}; {args.queries} queries each")
    for who, actor in (("clerk", clerk), ("officer", officer)):
        if actor is None:
            continue
        for term in TERMS:
            text = term.format(notation=notation)
            times = []
            count = 0
            for i in range(args.queries):
                started = time.perf_counter()
                result = search_page(actor, text=text, page=1 + (i % 2))
                count = result.page.paginator.count if result.page else 0
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
            print(f"{who:8} {text!r:24} hits {count:7}  p50 {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms")
        for text in SLIPS:
            _timed(args, who, repr(text), lambda text=text, actor=actor: search_page(actor, text=text))
        for given in FILTERS:
            _timed(
                args,
                who,
                str(given),
                lambda given=given, actor=actor: search_page(actor, text="", filters=SearchFilters(**given)),
            )


def _timed(args: argparse.Namespace, who: str, label: str, call: Any) -> None:
    times = []
    result = None
    for _ in range(args.queries):
        started = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    count = (
        len(result.hits)
        if result and result.approximate
        else (result.page.paginator.count if result and result.page else 0)
    )
    kind = "approx." if result and result.approximate else "hits"
    print(f"{who:8} {label:24} {kind:7} {count:4}  p50 {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms")


if __name__ == "__main__":
    main()
