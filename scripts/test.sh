#!/usr/bin/env bash
# The whole suite on SQLite and on PostgreSQL, the two runs side by side (one per core).
# PostgreSQL: $QLVB_TEST_POSTGRES_URL, else $DATABASE_URL if it names PostgreSQL, else the local socket.
# QLVB_REQUIRE_POSTGRES=1 turns a skipped PostgreSQL run into a failure (CI sets it).
# QLVB_TEST_SERIAL=1 runs the two databases one after the other (less memory, twice the time).
# Writes var/test-report.txt: one line per database, "passed", "failed" or "skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
mkdir -p var
report=var/test-report.txt
: > "$report"
status=0

read -r -a PYTEST_ARGS <<< "${PYTEST_ARGS:-}"
PYTEST_ARGS+=("$@")

# Browser tests run in a pytest process of their own: Playwright's sync API keeps an event loop in the
# main thread for as long as a browser is open, which other tests must not inherit.
# Each database gets its own data folder (files, keys, Celery queue), so the two runs share nothing.
run_suite() {  # $1 = label, $2 = DATABASE_URL; writes var/test-$1.rc
  local rc=0 part part_rc
  local data="$PWD/var/test-data-$1"
  rm -rf "$data"; mkdir -p "$data"
  for part in "not browser" "browser"; do
    echo "=== Bộ kiểm thử trên $1 ($part) ==="
    QLVB_DATA_DIR="$data" DATABASE_URL="$2" "$py" -m pytest -p no:cacheprovider -m "$part" "${PYTEST_ARGS[@]}"
    part_rc=$?
    # exit 5 = no test selected (e.g. PYTEST_ARGS names a folder without browser tests)
    if [ $part_rc -ne 0 ] && [ $part_rc -ne 5 ]; then rc=$part_rc; fi
  done
  echo $rc > "var/test-$1.rc"
}

finish_suite() {  # $1 = label: print its log, record its verdict
  cat "var/test-$1.log"
  local rc; rc=$(cat "var/test-$1.rc" 2>/dev/null || echo 1)
  if [ "$rc" -eq 0 ]; then echo "$1: passed" >> "$report"; else echo "$1: failed (exit $rc)" >> "$report"; status=1; fi
}

echo "=== Ruff và mypy ==="
if .venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy src; then
  echo "lint: passed" >> "$report"
else
  echo "lint: failed" >> "$report"; status=1
fi

pg_url=${QLVB_TEST_POSTGRES_URL:-}
if [ -z "$pg_url" ] && [[ "${DATABASE_URL:-}" == postgres* ]]; then pg_url=$DATABASE_URL; fi
if [ -z "$pg_url" ]; then pg_url="postgresql:///qlvb?host=/var/run/postgresql"; fi
pg_ok=0
if "$py" - "$pg_url" <<'PY' 2>/dev/null
import sys, dj_database_url, psycopg
cfg = dj_database_url.parse(sys.argv[1])
kw = {"dbname": "postgres", "user": cfg.get("USER") or None, "password": cfg.get("PASSWORD") or None,
      "host": cfg.get("HOST") or None, "port": cfg.get("PORT") or None, "connect_timeout": 3}
psycopg.connect(**{k: v for k, v in kw.items() if v}).close()
PY
then pg_ok=1; fi

rm -f var/test-sqlite.rc var/test-postgresql.rc
echo "=== SQLite$([ $pg_ok = 1 ] && echo " và PostgreSQL") — nhật ký in ra khi xong ==="
if [ "${QLVB_TEST_SERIAL:-0}" = 1 ]; then
  run_suite sqlite "sqlite:///$PWD/var/test.sqlite3" > var/test-sqlite.log 2>&1
  [ $pg_ok = 1 ] && run_suite postgresql "$pg_url" > var/test-postgresql.log 2>&1
else
  run_suite sqlite "sqlite:///$PWD/var/test.sqlite3" > var/test-sqlite.log 2>&1 &
  sqlite_pid=$!
  if [ $pg_ok = 1 ]; then run_suite postgresql "$pg_url" > var/test-postgresql.log 2>&1; fi
  wait $sqlite_pid
fi
finish_suite sqlite
if [ $pg_ok = 1 ]; then
  finish_suite postgresql
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
