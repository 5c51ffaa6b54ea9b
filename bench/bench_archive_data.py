"""Files the bench data's documents into closed and archived dossiers (issue 13's archive benchmark), with bulk
``INSERT … SELECT`` statements: per agency one archivist (a clerk given the role), ``--per-agency`` dossiers
(default 25: 5,000 for the 200 agencies) created by the agency's officers — a third closed, two submitted in a
batch waiting for the archivist, the rest archived through a finished batch, ended 2010–2024 with retentions
of 5, 10, 20 years or permanent (so part has expired) — and ``--share`` of the agency's documents (default 60 %)
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

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]

ARCHIVISTS = """
INSERT INTO directory_roleassignment (user_id, unit_id, role, granted_at)
SELECT DISTINCT ON (unit_id) user_id, unit_id, 'archivist', now() FROM directory_roleassignment r
JOIN directory_unit u ON u.id = r.unit_id AND u.kind = 'agency'
WHERE r.role = 'clerk' ORDER BY unit_id, user_id
ON CONFLICT DO NOTHING
"""

# the agency's officers by their number of lead assignments; the first %(n)s create the dossiers
DOSSIERS = """
WITH officers AS (
  SELECT d.parent_id AS agency_id, u.id AS user_id, u.last_name || ' ' || u.first_name AS name,
         row_number() OVER (PARTITION BY d.parent_id ORDER BY u.id) AS k
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
WHERE o.k = 1 + (i - 1) %% greatest(1, (SELECT count(*) FROM officers x WHERE x.agency_id = o.agency_id))
  AND o.k <= %(n)s
"""

ITEMS = """
WITH dossiers AS (
  SELECT id, agency_id, creator_id, row_number() OVER (PARTITION BY agency_id ORDER BY id) - 1 AS k,
         count(*) OVER (PARTITION BY agency_id) AS n
  FROM dossiers_dossier WHERE notation LIKE '%%.BENCH'
), picked AS (
  SELECT doc.id AS document_id, doc.agency_id,
    (SELECT a.user_id FROM assignments_assignment a WHERE a.document_id = doc.id AND a.role = 'lead'
     ORDER BY a.id LIMIT 1) AS lead_id
  FROM documents_document doc WHERE (doc.id * 7919) %% 1000 < %(share)s
), placed AS (
  SELECT p.document_id, coalesce(
    (SELECT d.id FROM dossiers d WHERE d.agency_id = p.agency_id AND d.creator_id = p.lead_id ORDER BY d.id LIMIT 1),
    (SELECT d.id FROM dossiers d WHERE d.agency_id = p.agency_id AND d.k = p.document_id %% d.n)) AS dossier_id
  FROM picked p
)
INSERT INTO dossiers_dossieritem (dossier_id, document_id, title, ordinal, added_by_id, added_at)
SELECT pl.dossier_id, pl.document_id, '', row_number() OVER (PARTITION BY pl.dossier_id ORDER BY pl.document_id),
  d.creator_id, now()
FROM placed pl JOIN dossiers_dossier d ON d.id = pl.dossier_id
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
UPDATE dossiers_dossier d SET doc_total = least(32767, (SELECT count(*) FROM dossiers_dossieritem i
  WHERE i.dossier_id = d.id)) WHERE notation LIKE '%%.BENCH'
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-agency", type=int, default=25)
    parser.add_argument("--share", type=float, default=0.6)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
    import django

    django.setup()
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM dossiers_dossier WHERE notation LIKE '%%.BENCH'")
        if cursor.fetchone()[0]:
            sys.exit("the bench dossiers are there already")
        steps = (
            ("archivists", ARCHIVISTS, {}),
            ("dossiers", DOSSIERS, {"n": args.per_agency}),
            ("documents filed", ITEMS, {"share": round(args.share * 1000)}),
            ("batches", BATCHES, {}),
            ("batch items", BATCH_ITEMS, {}),
        )
        for name, sql, params in steps:
            t = time.perf_counter()
            cursor.execute(sql, params)
            took = time.perf_counter() - t
            print(f"[{time.perf_counter() - started:7.1f} s] {cursor.rowcount:,} {name} ({took:.1f} s)")
        cursor.execute(DOC_TOTALS)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"done in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
