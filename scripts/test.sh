#!/usr/bin/env bash
# The whole suite on SQLite and on PostgreSQL, four runs side by side (each database without and with the
# browser), Ruff and mypy beside them.
# PostgreSQL: $QLVB_TEST_POSTGRES_URL, else $DATABASE_URL if it names PostgreSQL, else the local socket.
# QLVB_REQUIRE_POSTGRES=1 turns a skipped PostgreSQL run into a failure (CI sets it).
# QLVB_TEST_SERIAL=1 runs everything one after the other (less memory, about twice the time).
# Writes var/test-report.txt: one line per database, "passed", "failed" or "skipped". Each log ends with
# its 25 slowest tests (--durations), to see where the time goes when CI nears its 40 minutes.
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
# main thread for as long as a browser is open, which other tests must not inherit. The four runs
# (SQLite and PostgreSQL, each without and with the browser) go side by side: the browser tests mostly
# wait (about half a core each), so they fill what the two others leave. Each run has its own data folder
# (files, keys, Celery queue) and, on PostgreSQL, its own test database: they share nothing.
# The main run's last folders go to the browser run once its browser tests are done (that run mostly waits,
# then idles): the two runs of a database end about together (CI nears its 40 minutes otherwise). Only for
# the whole suite: with PYTEST_ARGS (a folder, -k ...) the two runs split by the browser mark alone.
# Each run writes var/test-<database>-<main|browser|tail>.xml (JUnit: every test's time), which
# scripts/test_times.py sums by run and folder. (Two runs without the browser per database instead of one
# were tried on 03/12/2026: slower, 45 min against 39 — the machine's two cores are the limit, not waiting.)
# Each database has its own tail, so that its two runs end together: on 04/12/2026 the PostgreSQL main run
# took 49 min against 33 for its browser run and tail, SQLite's 47 against 40 (scripts/test_times.py), so the
# API's tests (schemathesis) go after PostgreSQL's browser tests, the integrations' after SQLite's.
TAIL_sqlite=(src/qlvb/outgoing src/qlvb/reports src/qlvb/signing src/qlvb/web src/qlvb/integrations)
TAIL_postgresql=(src/qlvb/outgoing src/qlvb/reports src/qlvb/signing src/qlvb/web src/qlvb/api)
# Arguments of every pytest process of a database: --reuse-db once its test databases are made in advance
# (pg_template below).
REUSE_sqlite=()
REUSE_postgresql=()
run_part() {  # $1 = label, $2 = DATABASE_URL, $3 = "not browser" | "browser"; writes var/test-$1-<part>.rc
  local tag; tag=$([ "$3" = browser ] && echo browser || echo main)
  local -n TAIL="TAIL_$1"
  local -n REUSE="REUSE_$1"
  local data="$PWD/var/test-data-$1-$tag"
  local whole=0 extra=() rc tail_rc only=0
  [ ${#PYTEST_ARGS[@]} -eq 0 ] && whole=1
  # PostgreSQL: the tests that use the database (the others ran on SQLite; conftest.py)
  [ "$1" = postgresql ] && [ $whole = 1 ] && only=1
  if [ $whole = 1 ] && [ "$tag" = main ]; then
    for folder in "${TAIL[@]}"; do extra+=("--ignore=$folder"); done
  fi
  rm -rf "$data"; mkdir -p "$data"
  echo "=== Bộ kiểm thử trên $1 ($3) ==="
  QLVB_TEST_DATABASE_ONLY=$only QLVB_DATA_DIR="$data" DATABASE_URL="$2" "$py" -m pytest -p no:cacheprovider --durations=25 -m "$3" \
    --junitxml="var/test-$1-$tag.xml" "${REUSE[@]}" "${extra[@]}" "${PYTEST_ARGS[@]}"
  rc=$?
  # exit 5 = no test selected (e.g. PYTEST_ARGS names a folder without browser tests)
  if [ $rc -eq 5 ]; then rc=0; fi
  # A browser test waits on Chromium and the live server, both starved while four runs share two cores:
  # a few that fail get one more try, alone, and are then listed in var/test-report.txt as "flaky" (look
  # at them). A failure that comes back fails the run; more than three failures are not tried again.
  if [ "$tag" = browser ] && [ $rc -eq 1 ] && [ -f "var/test-$1-browser.xml" ]; then
    local failed=()
    mapfile -t failed < <("$py" scripts/test_times.py --failed "var/test-$1-browser.xml")
    if [ ${#failed[@]} -ge 1 ] && [ ${#failed[@]} -le 3 ]; then
      echo "=== Chạy lại một lần ${#failed[@]} kiểm thử trình duyệt không qua: ${failed[*]} ==="
      QLVB_TEST_DATABASE_ONLY=$only QLVB_DATA_DIR="$data" DATABASE_URL="$2" "$py" -m pytest -p no:cacheprovider -m browser \
        --junitxml="var/test-$1-browser-again.xml" "${REUSE[@]}" "${failed[@]}"
      rc=$?
      if [ $rc -eq 0 ]; then
        printf "flaky ($1, passed on the second try): %s\n" "${failed[@]}" >> "var/test-flaky-$1.txt"
      fi
    fi
  fi
  if [ $whole = 1 ] && [ "$tag" = browser ]; then
    rm -rf "$data-tail"; mkdir -p "$data-tail"
    echo "=== Bộ kiểm thử trên $1 (not browser: ${TAIL[*]}) ==="
    QLVB_TEST_DATABASE_ONLY=$only QLVB_DATA_DIR="$data-tail" DATABASE_URL="$2" "$py" -m pytest -p no:cacheprovider --durations=25 \
      --junitxml="var/test-$1-tail.xml" -m "not browser" "${REUSE[@]}" "${TAIL[@]}"
    tail_rc=$?
    if [ $tail_rc -eq 5 ]; then tail_rc=0; fi
    if [ $rc -eq 0 ]; then rc=$tail_rc; fi
  fi
  echo $rc > "var/test-$1-$tag.rc"
}

finish_suite() {  # $1 = label: print its logs, record its verdict
  local rc=0 tag part_rc
  for tag in main browser; do
    cat "var/test-$1-$tag.log"
    part_rc=$(cat "var/test-$1-$tag.rc" 2>/dev/null || echo 1)
    [ "$part_rc" -eq 0 ] || rc=$part_rc
  done
  if [ "$rc" -eq 0 ]; then echo "$1: passed" >> "$report"; else echo "$1: failed (exit $rc)" >> "$report"; status=1; fi
}

lint() {
  echo "=== Ruff và mypy ==="
  local rc=0
  .venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy src || rc=1
  echo $rc > var/test-lint.rc
}
rm -f var/test-*.rc var/test-flaky-*.txt
if [ "${QLVB_TEST_SERIAL:-0}" = 1 ]; then lint > var/test-lint.log 2>&1; else lint > var/test-lint.log 2>&1 & lint_pid=$!; fi

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

# PostgreSQL's browser run gets a database name of its own (test_<name>_browser): the two runs at once
pg_browser_url=$("$py" -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path=p.path.rstrip("/") + "_browser")))' "$pg_url")
sqlite_url="sqlite:///$PWD/var/test.sqlite3"
pg_prepare() {  # the whole suite only (a folder or -k: the runs make their own, as usual)
  [ ${#PYTEST_ARGS[@]} -eq 0 ] || return 0
  if pg_template make > var/test-postgresql-template.log 2>&1; then
    REUSE_postgresql=(--reuse-db)
  else
    echo "(PostgreSQL: the test databases could not be made in advance; each run makes its own)"
    cat var/test-postgresql-template.log
  fi
}

# PostgreSQL's test databases, made once before its runs: the first migrated (82 migrations, ~25 s of CPU,
# ~50 s under the load of the other runs), the browser run's a copy of it (CREATE DATABASE … TEMPLATE,
# about a second). Each run and its tail then reuse theirs (--reuse-db) instead of migrating three times.
# Dropped at the end. If anything fails here, the runs make their databases as without it.
pg_template() {
  local data="$PWD/var/test-data-postgresql-template"
  rm -rf "$data"; mkdir -p "$data"
  QLVB_DATA_DIR="$data" "$py" - "$pg_url" "$pg_browser_url" "$1" <<'PY'
import os, subprocess, sys, urllib.parse
import dj_database_url, psycopg
from psycopg import sql

main_url, browser_url, action = sys.argv[1:4]
cfg = dj_database_url.parse(main_url)
names = ["test_" + dj_database_url.parse(url)["NAME"] for url in (main_url, browser_url)]
kw = {"dbname": "postgres", "user": cfg.get("USER") or None, "password": cfg.get("PASSWORD") or None,
      "host": cfg.get("HOST") or None, "port": cfg.get("PORT") or None}
with psycopg.connect(**{k: v for k, v in kw.items() if v}, autocommit=True) as conn:
    for name in names:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    if action == "drop":
        sys.exit(0)
    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(names[0])))
    parts = urllib.parse.urlsplit(main_url)
    url = urllib.parse.urlunsplit(parts._replace(path="/" + names[0]))
    subprocess.run([sys.executable, "-m", "qlvb.cli", "migrate", "--noinput", "-v0"],
                   env={**os.environ, "DATABASE_URL": url}, check=True)
    conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(*map(sql.Identifier, (names[1], names[0]))))
PY
}
echo "=== SQLite$([ $pg_ok = 1 ] && echo " và PostgreSQL") — nhật ký in ra khi xong ==="
if [ "${QLVB_TEST_SERIAL:-0}" = 1 ]; then
  run_part sqlite "$sqlite_url" "not browser" > var/test-sqlite-main.log 2>&1
  run_part sqlite "$sqlite_url" browser > var/test-sqlite-browser.log 2>&1
  if [ $pg_ok = 1 ]; then
    pg_prepare
    run_part postgresql "$pg_url" "not browser" > var/test-postgresql-main.log 2>&1
    run_part postgresql "$pg_browser_url" browser > var/test-postgresql-browser.log 2>&1
  fi
else
  pids=()
  run_part sqlite "$sqlite_url" "not browser" > var/test-sqlite-main.log 2>&1 & pids+=($!)
  run_part sqlite "$sqlite_url" browser > var/test-sqlite-browser.log 2>&1 & pids+=($!)
  if [ $pg_ok = 1 ]; then
    pg_prepare
    run_part postgresql "$pg_url" "not browser" > var/test-postgresql-main.log 2>&1 & pids+=($!)
    run_part postgresql "$pg_browser_url" browser > var/test-postgresql-browser.log 2>&1 & pids+=($!)
  fi
  wait "${pids[@]}" "$lint_pid"
fi
[ ${#REUSE_postgresql[@]} -eq 0 ] || pg_template drop >> var/test-postgresql-template.log 2>&1
cat var/test-lint.log
if [ "$(cat var/test-lint.rc 2>/dev/null || echo 1)" = 0 ]; then echo "lint: passed" >> "$report"; else echo "lint: failed" >> "$report"; status=1; fi
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

cat var/test-flaky-*.txt >> "$report" 2>/dev/null
echo "=== Kết quả ==="
cat "$report"
exit $status
