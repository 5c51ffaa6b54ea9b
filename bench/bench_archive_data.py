"""Files the bench data's documents into closed and archived dossiers (issue 13's archive benchmark), with bulk
``INSERT … SELECT`` statements (hash joins only; the filing cut into ``--batches`` statements, one transaction):
per agency one archivist (a clerk given the role), ``--per-agency`` dossiers (default 25: 5,000 for the 200
agencies) created by the agency's officers — a third closed, two submitted in a batch waiting for the archivist,
the rest archived through a finished batch, ended 2010–2024 with retentions of 5, 10, 20 years or permanent (so
part has expired) — and ``--share`` of the agency's documents (default 60 %)
filed into them, a document into the dossier of its lead officer when he created one. Run once on a fresh
``python -m benchdata`` database, never on real data.

    DATABASE_URL=postgresql:///qlvb_archive2_bench?host=/var/run/postgresql \\
        .venv/bin/python bench/bench_archive_data.py [--per-agency 25] [--share 0.6]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]

ARCHIVISTS = """
INSERT INTO directory_roleassignment (user_id, unit_id, role, granted_at)
SELECT DISTINCT ON (unit_id) user_id, unit_id, 'archivist', now() FROM directory_roleassignment r
JOIN directory_unit u ON u.id = r.unit_id AND u.kind = 'agency'
WHERE r.role = 'clerk' ORDER BY unit_id, user_id
ON CONFLICT DO NOTHING
"""

# The agency's officers numbered 1..n (n: how many the agency has, a window count: the first version counted them
# with a subquery per officer and dossier, 250,000 scans of the 10,000 officers); dossier i of an agency is created
# by its officer 1 + (i - 1) mod n.
DOSSIERS = """
WITH officers AS (
  SELECT d.parent_id AS agency_id, u.id AS user_id, u.last_name || ' ' || u.first_name AS name,
         row_number() OVER (PARTITION BY d.parent_id ORDER BY u.id) AS k,
         count(*) OVER (PARTITION BY d.parent_id) AS n
  FROM directory_user u JOIN directory_unit d ON d.id = u.unit_id AND d.kind = 'department'
  JOIN directory_roleassignment r ON r.user_id = u.id AND r.role = 'officer'
)
INSERT INTO dossiers_dossier (agency_id, organ_id, year, notation, title, retention_years, retention_ref, rights,
  creator_id, creator_name, language, start_date, end_date, description, capital_construction, state, created_at,
  closed_at)
SELECT o.agency_id, '', 2010 + (i %% 15), lpad(i::text, 2, '0') || '.BENCH',
  'Hồ sơ đo hiệu năng số ' || i, (ARRAY[5, 10, 20, NULL])[1 + i %% 4], '', 'Hạn chế', o.user_id,
  coalesce(nullif(trim(o.name), ''), 'Cán bộ'), 'Tiếng Việt', make_date(2010 + (i %% 15), 1, 2),
  make_date(2010 + (i %% 15), 12, 20), '', false,
  CASE WHEN i %% 3 = 0 THEN 'closed' WHEN i IN (1, 2) THEN 'submitted' ELSE 'archived' END, now(), now()
FROM officers o CROSS JOIN generate_series(1, %(n)s) AS i
WHERE o.k = 1 + (i - 1) %% greatest(1, o.n) AND o.k <= %(n)s
"""

# Where each picked document goes: the first bench dossier its lead officer created in the agency, else the
# agency's dossier number (document id mod the agency's count). The first version asked both with correlated
# subqueries on a CTE (no index: 5,000 rows scanned twice per document) and a lead-officer subquery per document:
# at 1 M documents it was still running after 14 minutes. Here every step is a hash join, written once into a
# temporary table, then inserted dossier range by dossier range (progress, bounded statements).
PLACED = """
CREATE TEMPORARY TABLE bench_placed ON COMMIT DROP AS
WITH d AS (
  SELECT id, agency_id, creator_id, row_number() OVER (PARTITION BY agency_id ORDER BY id) - 1 AS k,
         count(*) OVER (PARTITION BY agency_id) AS n
  FROM dossiers_dossier WHERE notation LIKE '%%.BENCH'
), counts AS (
  SELECT DISTINCT agency_id, n FROM d
), first_of_creator AS (
  SELECT DISTINCT ON (agency_id, creator_id) agency_id, creator_id, id FROM d ORDER BY agency_id, creator_id, id
), lead AS (
  SELECT DISTINCT ON (document_id) document_id, user_id FROM assignments_assignment
  WHERE role = 'lead' AND document_id IS NOT NULL ORDER BY document_id, id
)
SELECT doc.id AS document_id, coalesce(mine.id, other.id) AS dossier_id
FROM documents_document doc
JOIN counts c ON c.agency_id = doc.agency_id
JOIN d other ON other.agency_id = doc.agency_id AND other.k = doc.id %% c.n
LEFT JOIN lead l ON l.document_id = doc.id
LEFT JOIN first_of_creator mine ON mine.agency_id = doc.agency_id AND mine.creator_id = l.user_id
WHERE (doc.id * 7919) %% 1000 < %(share)s
"""

ITEMS = """
INSERT INTO dossiers_dossieritem (dossier_id, document_id, title, ordinal, added_by_id, added_at)
SELECT pl.dossier_id, pl.document_id, '', row_number() OVER (PARTITION BY pl.dossier_id ORDER BY pl.document_id),
  d.creator_id, now()
FROM bench_placed pl JOIN dossiers_dossier d ON d.id = pl.dossier_id
WHERE pl.dossier_id >= %(lo)s AND pl.dossier_id < %(hi)s
"""

BATCHES = """
INSERT INTO dossiers_transferbatch (agency_id, unit_id, number, title, state, created_by_id, created_at, submitted_at,
  done_at, received_by_id)
SELECT a.agency_id, a.agency_id, s.number, 'Tài liệu đo hiệu năng đợt ' || s.number, s.state, a.creator_id, now(),
  now(), CASE WHEN s.state = 'done' THEN now() END, NULL
FROM (SELECT agency_id, min(creator_id) AS creator_id FROM dossiers_dossier WHERE notation LIKE '%%.BENCH'
      GROUP BY agency_id) a
CROSS JOIN (VALUES (1, 'done'), (2, 'submitted')) AS s(number, state)
"""

BATCH_ITEMS = """
INSERT INTO dossiers_transferitem (batch_id, dossier_id, decision, reason, decided_at)
SELECT b.id, d.id, CASE WHEN d.state = 'archived' THEN 'accepted' ELSE 'pending' END, '',
  CASE WHEN d.state = 'archived' THEN now() END
FROM dossiers_dossier d JOIN dossiers_transferbatch b ON b.agency_id = d.agency_id
  AND b.number = CASE WHEN d.state = 'archived' THEN 1 ELSE 2 END
WHERE d.notation LIKE '%%.BENCH' AND d.state IN ('archived', 'submitted')
"""

DOC_TOTALS = """
UPDATE dossiers_dossier d SET doc_total = least(32767, t.n)
FROM (SELECT dossier_id, count(*) AS n FROM dossiers_dossieritem GROUP BY dossier_id) t
WHERE t.dossier_id = d.id AND d.notation LIKE '%%.BENCH'
"""

TABLES = (
    "dossiers_dossier, dossiers_dossieritem, dossiers_transferbatch, dossiers_transferitem, directory_roleassignment"
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-agency", type=int, default=25)
    parser.add_argument("--share", type=float, default=0.6)
    parser.add_argument("--batches", type=int, default=20, help="INSERT statements the filing is cut into")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
    import django

    django.setup()
    from django.db import connection, transaction

    started = time.perf_counter()

    def step(cursor: Any, name: str, sql: str, params: dict[str, Any]) -> int:
        t = time.perf_counter()
        cursor.execute(sql, params)
        took = time.perf_counter() - t
        print(f"[{time.perf_counter() - started:7.1f} s] {cursor.rowcount:,} {name} ({took:.1f} s)", flush=True)
        return int(cursor.rowcount)

    # One transaction: stopped half-way, nothing stays (the script refuses to run twice).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM dossiers_dossier WHERE notation LIKE '%%.BENCH'")
        if cursor.fetchone()[0]:
            sys.exit("the bench dossiers are there already")
        cursor.execute("SET LOCAL work_mem = '64MB'")  # the placement's hash joins and sorts in memory
        step(cursor, "archivists", ARCHIVISTS, {})
        step(cursor, "dossiers", DOSSIERS, {"n": args.per_agency})
        cursor.execute("ANALYZE dossiers_dossier")  # the statistics of an empty table would plan the joins below
        step(cursor, "documents placed", PLACED, {"share": round(args.share * 1000)})
        cursor.execute("CREATE INDEX ON bench_placed (dossier_id)")
        cursor.execute("ANALYZE bench_placed")
        cursor.execute("SELECT min(dossier_id), max(dossier_id) FROM bench_placed")
        low, high = cursor.fetchone()
        filed = 0
        if low is not None:
            size = max(1, (high - low + 1 + args.batches - 1) // args.batches)
            for lo in range(low, high + 1, size):
                filed += step(
                    cursor, f"documents filed (dossiers {lo}–{lo + size - 1})", ITEMS, {"lo": lo, "hi": lo + size}
                )
        print(f"[{time.perf_counter() - started:7.1f} s] {filed:,} documents filed in all", flush=True)
        cursor.execute("ANALYZE dossiers_dossieritem")  # else the totals' join is a nested loop over 600,000 rows
        step(cursor, "batches", BATCHES, {})
        step(cursor, "batch items", BATCH_ITEMS, {})
        step(cursor, "dossier totals", DOC_TOTALS, {})
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {TABLES}")
    print(f"done in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
