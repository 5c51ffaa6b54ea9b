#!/usr/bin/env bash
# The whole suite on SQLite, then again on PostgreSQL when one is reachable.
# PostgreSQL: $QLVB_TEST_POSTGRES_URL, else $DATABASE_URL if it names PostgreSQL, else the local socket.
# QLVB_REQUIRE_POSTGRES=1 turns a skipped PostgreSQL run into a failure (CI sets it).
# Writes var/test-report.txt: one line per database, "passed", "failed" or "skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
mkdir -p var
report=var/test-report.txt
: > "$report"
status=0

# Browser tests run in a pytest process of their own: Playwright's sync API keeps an event loop in the
# main thread for as long as a browser is open, which other tests must not inherit.
run_suite() {  # $1 = label, $2 = DATABASE_URL
  local rc=0 part
  for part in "not browser" "browser"; do
    echo "=== Bộ kiểm thử trên $1 ($part) ==="
    DATABASE_URL="$2" "$py" -m pytest -m "$part" "${PYTEST_ARGS[@]}"
    part_rc=$?
    # exit 5 = no test selected (e.g. PYTEST_ARGS names a folder without browser tests)
    if [ $part_rc -ne 0 ] && [ $part_rc -ne 5 ]; then rc=$part_rc; fi
  done
  if [ $rc -eq 0 ]; then echo "$1: passed" >> "$report"; else echo "$1: failed (exit $rc)" >> "$report"; status=1; fi
}

read -r -a PYTEST_ARGS <<< "${PYTEST_ARGS:-}"
PYTEST_ARGS+=("$@")

echo "=== Ruff và mypy ==="
if .venv/bin/ruff check . && .venv/bin/mypy src; then
  echo "lint: passed" >> "$report"
else
  echo "lint: failed" >> "$report"; status=1
fi

run_suite sqlite "sqlite:///$(pwd)/var/test.sqlite3"

pg_url=${QLVB_TEST_POSTGRES_URL:-}
if [ -z "$pg_url" ] && [[ "${DATABASE_URL:-}" == postgres* ]]; then pg_url=$DATABASE_URL; fi
if [ -z "$pg_url" ]; then pg_url="postgresql:///qlvb?host=/var/run/postgresql"; fi

if "$py" - "$pg_url" <<'PY' 2>/dev/null
import sys, dj_database_url, psycopg
cfg = dj_database_url.parse(sys.argv[1])
kw = {"dbname": "postgres", "user": cfg.get("USER") or None, "password": cfg.get("PASSWORD") or None,
      "host": cfg.get("HOST") or None, "port": cfg.get("PORT") or None, "connect_timeout": 3}
psycopg.connect(**{k: v for k, v in kw.items() if v}).close()
PY
then
  run_suite postgresql "$pg_url"
else
  echo "postgresql: skipped (không kết nối được $pg_url)" | tee -a "$report"
  if [ "${QLVB_REQUIRE_POSTGRES:-0}" = 1 ]; then
    echo "LỖI: lượt kiểm thử trên PostgreSQL đã không chạy." >&2
    status=1
  fi
fi

echo "=== Kết quả ==="
cat "$report"
exit $status
