"""Indexing throughput of full-text search (issue 12): documents per second written by
``documents.searchindex.search_text_set`` (what the text extraction calls once a file's text is read:
the body, its character-aligned fold, the tsvector/FTS5 row computed by the database) and by
``search_metadata_sync`` (the metadata entries of documents written without ``Document.save``), on
realistic bodies: the Vietnamese administrative prose of ``benchdata.bodies`` (0.3 to 3 pages each).

    .venv/bin/python bench/bench_search_indexing.py --database qlvb_search2

A database of your own (PostgreSQL on the local socket) or ``--database-url``; the data set is made with
``python -m benchdata --documents N`` when it has no document (``--fresh``: always). Never run it on
``qlvb_bench_1m``: it writes the index.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", help="a PostgreSQL database of your own on the local socket")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--documents", type=int, default=3000, help="documents of a fresh data set")
    parser.add_argument("--bodies", type=int, default=1000, help="bodies written by search_text_set")
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.database == "qlvb_bench_1m":
        raise SystemExit("qlvb_bench_1m is read-only: this benchmark writes the index")
    if args.database:
        args.database_url = f"postgresql:///{args.database}?host=/var/run/postgresql"
    if not args.database_url:
        args.database_url = f"sqlite:///{ROOT / 'var' / 'bench-search-indexing.sqlite3'}"
    sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]
    import bench_search

    os.environ.update(bench_search._env(args.database_url))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
    import django

    django.setup()
    from django.db import DatabaseError, connection

    from qlvb.documents.models import Document

    try:
        ready = Document.objects.exists()
    except DatabaseError:
        ready = False
    connection.close()
    if args.fresh or not ready:
        bench_search.prepare(args.database_url, args.documents)
    run(args)


def run(args: argparse.Namespace) -> None:
    from benchdata.bodies import body_make
    from benchdata.records import Agency
    from django.db import connection

    from qlvb.documents.models import Document
    from qlvb.documents.searchindex import search_metadata_sync, search_text_set

    total = Document.objects.count()
    started = time.perf_counter()
    written = search_metadata_sync()
    seconds = time.perf_counter() - started
    print(f"== {connection.vendor}: {total:,} documents")
    print(f"search_metadata_sync: {written:,} entries in {seconds:.2f} s = {written / seconds:,.0f} documents/s")

    rng = random.Random(args.seed)
    agency = Agency(1, "Ủy ban nhân dân huyện Bến Lức", "UBND", "H1", "Long An", "Thạnh Lợi", 1.0)
    rows = list(Document.objects.order_by("pk").values_list("pk", "subject", "signer_name", "received_at"))
    chosen = rng.sample(rows, min(args.bodies, len(rows)))
    bodies = [
        (pk, body_make(rng, agency, subject, (received or dt_now()).year, signer or "Nguyễn Văn An")[0])
        for pk, subject, signer, received in chosen
    ]
    chars = [len(text) for _pk, text in bodies]
    times: list[float] = []
    started = time.perf_counter()
    for pk, text in bodies:
        one = time.perf_counter()
        search_text_set(pk, body=text)  # autocommit: one transaction per document, as the extraction does
        times.append((time.perf_counter() - one) * 1000)
    seconds = time.perf_counter() - started
    ordered = sorted(times)
    print(
        f"search_text_set: {len(bodies):,} bodies ({statistics.mean(chars):,.0f} characters on average, "
        f"{min(chars):,}–{max(chars):,}) in {seconds:.2f} s = {len(bodies) / seconds:,.0f} documents/s, "
        f"{sum(chars) / seconds / 1e6:.2f} M characters/s; per document p50 {statistics.median(times):.1f} ms, "
        f"p95 {ordered[int(len(ordered) * 0.95)]:.1f} ms"
    )


def dt_now():  # type: ignore[no-untyped-def]
    import datetime as dt

    return dt.datetime.now(tz=dt.UTC)


if __name__ == "__main__":
    main()
