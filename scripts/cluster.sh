#!/usr/bin/env bash
# The production shape on one machine (docs/deploy.md "Cụm trên một máy"): `make cluster` / `make cluster-stop`.
#
#   PostgreSQL primary (port 5434) and a streaming replica (5435): two clusters of their own made with the
#   Debian tools (pg_createcluster, pg_basebackup -R); the machine's own cluster on 5432 is not touched.
#   Redis (6390) for the broker, the cache and the locks; an S3-protocol object store (moto in server mode,
#   9010) for the files; two gunicorn web nodes (8101, 8102) behind nginx (8100); two Celery workers with
#   split queues (default+exchange, ocr) and one beat; the local axis simulator (8095) for outside agencies.
#
# Everything it starts is recorded under var/cluster/ (pid files, logs, environment); `stop` stops exactly
# that, and drops the two PostgreSQL clusters. `env` prints the environment to run commands against it.
#
# For the measured load (bench/bench_load.py, docs/benchmarks.md): QLVB_CLUSTER_NODES=1 puts only web node 8101
# behind nginx (default 2); QLVB_CLUSTER_DATABASE_URL serves an existing database instead of the cluster's own
# (a bench data set on the machine's PostgreSQL): its two PostgreSQL clusters are then not made, the nodes read
# everything from that database (no replica) and `qlvb demo` is not run on it. QLVB_CLUSTER_DATABASE=<name> serves
# a database of the cluster's own primary instead of `qlvb` (a bench data set made there after `cluster.sh pg`,
# read through the replica like `qlvb`; no demo on it), and QLVB_CLUSTER_KEEP_PG=1 makes `stop` stop the two
# PostgreSQL clusters without dropping them, so that the data set outlives the run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
state=$root/var/cluster
py=$root/.venv/bin/python
export PYTHONPATH=$root/src${PYTHONPATH:+:$PYTHONPATH}  # this checkout's code, whichever checkout the venv was made in
PGVER=${QLVB_CLUSTER_PG_VERSION:-15}
PRIMARY=qlvbprimary REPLICA=qlvbreplica
PG_PRIMARY_PORT=5434 PG_REPLICA_PORT=5435 REDIS_PORT=6390 S3_PORT=9010 PROXY_PORT=8100 WEB_PORTS=(8101 8102)
AXIS_PORT=8095  # the local axis simulator (docs/axis.md): the outside agencies the cluster sends to
NODES=${QLVB_CLUSTER_NODES:-2}
case $NODES in 1 | 2) WEB_PORTS=("${WEB_PORTS[@]:0:$NODES}") ;; *) echo "QLVB_CLUSTER_NODES: 1 hoặc 2" >&2; exit 2 ;; esac
EXTERNAL_DB=${QLVB_CLUSTER_DATABASE_URL:-}
DB_NAME=${QLVB_CLUSTER_DATABASE:-qlvb}

as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }

cluster_env() {
  if [ -n "$EXTERNAL_DB" ]; then
    echo "DATABASE_URL=$EXTERNAL_DB"
  else
    echo "DATABASE_URL=postgresql://postgres@/$DB_NAME?host=/var/run/postgresql&port=$PG_PRIMARY_PORT"
    # QLVB_CLUSTER_REPLICA_READS=0: the replica follows, but the nodes read everything from the primary
    [ "${QLVB_CLUSTER_REPLICA_READS:-1}" = 0 ] ||
      echo "QLVB_REPLICA_URL=postgresql://postgres@/$DB_NAME?host=/var/run/postgresql&port=$PG_REPLICA_PORT"
  fi
  cat <<EOF
CELERY_BROKER_URL=redis://127.0.0.1:$REDIS_PORT/0
QLVB_CACHE_URL=redis://127.0.0.1:$REDIS_PORT/1
QLVB_STORAGE=s3
QLVB_S3_ENDPOINT_URL=http://127.0.0.1:$S3_PORT
QLVB_S3_BUCKET=qlvb-files
AWS_ACCESS_KEY_ID=qlvb-local
AWS_SECRET_ACCESS_KEY=qlvb-local-secret
QLVB_DATA_DIR=$state/data
QLVB_TRUST_X_FORWARDED_FOR=1
QLVB_AXIS_ENDPOINT=http://127.0.0.1:$AXIS_PORT
QLVB_AXIS_SYSTEM_ID=qlvb-demo
QLVB_AXIS_SECRET=$(cat "$state/axis-secret" 2> /dev/null || true)
EOF
}

load_env() { set -a; # shellcheck disable=SC1090
  source <(cluster_env | sed -E "s/^([A-Z_0-9]+)=(.*)$/\1='\2'/"); set +a; }

started() { echo "$1" >> "$state/started"; }

background() {  # $1 = name, rest = command: runs detached, pid in var/cluster/$1.pid, log in $1.log
  local name=$1; shift
  setsid "$@" > "$state/$name.log" 2>&1 < /dev/null &
  echo $! > "$state/$name.pid"
  started "pid:$name"
}

wait_for() {  # $1 = what, rest = a command that succeeds once it is up
  local what=$1; shift
  for _ in $(seq 1 60); do "$@" > /dev/null 2>&1 && return 0; sleep 1; done
  echo "Không khởi động được: $what (xem var/cluster/)" >&2
  return 1
}

pg_start() {  # `pg` alone (no cluster): nothing recorded, so a later `start` runs and `stop` takes them
  if [ -z "${PG_ONLY:-}" ]; then started "pg:$PRIMARY"; started "pg:$REPLICA"; fi
  if ! pg_lsclusters -h | awk '{print $2}' | grep -qx "$PRIMARY"; then
    pg_createcluster -q "$PGVER" "$PRIMARY" -p "$PG_PRIMARY_PORT" -- --auth=trust > /dev/null
    conf=/etc/postgresql/$PGVER/$PRIMARY
    {
      echo "listen_addresses = ''"
      echo "wal_level = replica"
      echo "max_wal_senders = 4"
      echo "shared_buffers = 256MB"
      echo "max_connections = 200"
    } >> "$conf/postgresql.conf"
    echo "local replication all trust" >> "$conf/pg_hba.conf"
  fi
  pg_ctlcluster "$PGVER" "$PRIMARY" start 2> /dev/null || true
  wait_for "PostgreSQL chính" pg_isready -q -h /var/run/postgresql -p "$PG_PRIMARY_PORT"
  as_postgres psql -q -h /var/run/postgresql -p "$PG_PRIMARY_PORT" -tc "SELECT 1 FROM pg_database WHERE datname='qlvb'" \
    | grep -q 1 || as_postgres createdb -h /var/run/postgresql -p "$PG_PRIMARY_PORT" qlvb

  data=/var/lib/postgresql/$PGVER/$REPLICA
  if ! pg_lsclusters -h | awk '{print $2}' | grep -qx "$REPLICA"; then
    pg_createcluster -q "$PGVER" "$REPLICA" -p "$PG_REPLICA_PORT" -- --auth=trust > /dev/null
    echo "listen_addresses = ''" >> "/etc/postgresql/$PGVER/$REPLICA/postgresql.conf"
    {
      echo "hot_standby_feedback = on"
      echo "shared_buffers = 256MB"
      echo "max_connections = 200"  # a standby needs at least the primary's
    } >> "/etc/postgresql/$PGVER/$REPLICA/postgresql.conf"
  fi
  # The replica reads the primary's WAL through a replication slot: the primary keeps what the replica has not
  # yet replayed (a bulk load, the replica stopped a while) instead of removing it under it, which left a
  # replica without a slot stuck for good ("requested WAL segment ... has already been removed", seen on
  # 04/12/2026 while a 1 M bench set was written). Bounded: past 16 GB the slot is given up, not the disk.
  as_postgres psql -q -h /var/run/postgresql -p "$PG_PRIMARY_PORT" -c "ALTER SYSTEM SET max_slot_wal_keep_size = '16GB'" \
    -c "SELECT pg_reload_conf()" > /dev/null
  if [ -f "$data/standby.signal" ] && grep -q "requested WAL segment .* has already been removed" \
    <(tail -n 3 "/var/log/postgresql/postgresql-$PGVER-$REPLICA.log" 2> /dev/null); then  # its latest lines: stuck now
    rm -f "$data/standby.signal"  # a replica left behind for good (no slot, or past the bound): made again
  fi
  if [ ! -f "$data/standby.signal" ]; then
    pg_ctlcluster "$PGVER" "$REPLICA" stop 2> /dev/null || true
    as_postgres find "$data" -mindepth 1 -delete  # pg_basebackup fills an empty folder
    as_postgres psql -q -h /var/run/postgresql -p "$PG_PRIMARY_PORT" -c \
      "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'qlvb_replica'" > /dev/null
    # a copy of the primary that follows it (standby.signal + primary_conninfo + primary_slot_name written by -R)
    as_postgres pg_basebackup -h /var/run/postgresql -p "$PG_PRIMARY_PORT" -D "$data" -R -X stream -c fast \
      --create-slot --slot=qlvb_replica
  fi
  pg_ctlcluster "$PGVER" "$REPLICA" start 2> /dev/null || true
  wait_for "PostgreSQL bản sao" pg_isready -q -h /var/run/postgresql -p "$PG_REPLICA_PORT"
}

start() {
  if [ -f "$state/started" ]; then echo "Cụm đang chạy (var/cluster/started). Dừng: make cluster-stop" >&2; exit 1; fi
  QLVB_SYSTEM_PACKAGES=cluster bash scripts/system-packages.sh
  mkdir -p "$state/data"
  : > "$state/started"
  # the simulator's accounts first: the demo system's secret goes into the cluster's environment
  "$py" -c "import sys; from pathlib import Path; from qlvb.axissim.store import Store, seed_default
s = Store(Path(sys.argv[1])); seed_default(s); print(s.accounts()['qlvb-demo']['secret'])" "$state/axis-sim" > "$state/axis-secret"
  cluster_env > "$state/env"
  [ -n "$EXTERNAL_DB" ] || pg_start
  background redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no
  background s3 "$root/.venv/bin/moto_server" -H 127.0.0.1 -p "$S3_PORT"
  background axis-sim "$py" -m qlvb.cli axis-sim --bind "127.0.0.1:$AXIS_PORT" --data "$state/axis-sim" --answer
  wait_for Redis redis-cli -p "$REDIS_PORT" ping
  wait_for "kho tệp S3" curl -sf "http://127.0.0.1:$S3_PORT/moto-api/"
  wait_for "trục liên thông mô phỏng" curl -sf "http://127.0.0.1:$AXIS_PORT/_sim/faults"
  load_env
  "$py" - <<'PY'
import os, boto3
s3 = boto3.client("s3", endpoint_url=os.environ["QLVB_S3_ENDPOINT_URL"], region_name="us-east-1")
if os.environ["QLVB_S3_BUCKET"] not in [b["Name"] for b in s3.list_buckets().get("Buckets", [])]:
    s3.create_bucket(Bucket=os.environ["QLVB_S3_BUCKET"])
PY
  "$py" -m qlvb.cli migrate --noinput -v0
  "$py" -m qlvb.cli collectstatic --noinput -v0
  [ -n "$EXTERNAL_DB" ] || [ "$DB_NAME" != qlvb ] || "$py" -m qlvb.cli demo > "$state/demo.log" 2>&1
  for port in "${WEB_PORTS[@]}"; do
    mkdir -p "$state/metrics-$port"  # each node adds up its own workers (web/metrics.py)
    background "web-$port" env PROMETHEUS_MULTIPROC_DIR="$state/metrics-$port" "$py" -m gunicorn qlvb.wsgi:application --config python:qlvb.gunicorn_conf \
      --bind "127.0.0.1:$port" --workers 2 --threads 4 --timeout 120
  done
  background worker-default "$py" -m celery -A qlvb worker -n "default@%h" --queues default,exchange --concurrency 2 --loglevel INFO
  background worker-ocr "$py" -m celery -A qlvb worker -n "ocr@%h" --queues ocr --concurrency 1 --loglevel INFO
  background beat "$py" -m celery -A qlvb beat --schedule "$state/beat-schedule" --loglevel INFO
  sed -e "s/@PROXY_PORT@/$PROXY_PORT/" -e "s#@STATE@#$state#g" \
    -e "s/@UPSTREAMS@/$(printf 'server 127.0.0.1:%s max_fails=1 fail_timeout=5s; ' "${WEB_PORTS[@]}")/" \
    -e "s#@STATIC@#$root/var/static/#" docs/deploy/nginx-cluster.conf > "$state/nginx.conf"
  nginx -c "$state/nginx.conf" -p "$state"
  started "nginx"
  for port in "${WEB_PORTS[@]}"; do wait_for "web $port" curl -sf "http://127.0.0.1:$port/healthz"; done
  wait_for "nginx" curl -sf "http://127.0.0.1:$PROXY_PORT/healthz"
  echo "Cụm đã chạy: http://127.0.0.1:$PROXY_PORT (nginx → ${WEB_PORTS[*]}); môi trường: var/cluster/env"
}

stop() {
  [ -f "$state/started" ] || { echo "Không có cụm nào đang chạy."; return 0; }
  tac "$state/started" | while read -r item; do
    case $item in
      nginx) nginx -c "$state/nginx.conf" -p "$state" -s quit 2> /dev/null || true ;;
      pid:*)
        name=${item#pid:}
        pid=$(cat "$state/$name.pid" 2> /dev/null || true)
        # the whole process group started by setsid: gunicorn's and Celery's children go with it
        [ -n "$pid" ] && kill -TERM -- "-$pid" 2> /dev/null || true
        ;;
      pg:*)
        if [ -n "${QLVB_CLUSTER_KEEP_PG:-}" ]; then
          pg_ctlcluster "$PGVER" "${item#pg:}" stop 2> /dev/null || true
        else
          pg_dropcluster --stop "$PGVER" "${item#pg:}" 2> /dev/null || true
        fi
        ;;
    esac
  done
  sleep 2
  for f in "$state"/*.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f"); kill -KILL -- "-$pid" 2> /dev/null || true; rm -f "$f"
  done
  rm -f "$state/started"
  echo "Đã dừng cụm."
}

case "${1:-}" in
  start) start ;;
  pg) PG_ONLY=1 pg_start ;;
  stop) stop ;;
  env) cluster_env ;;
  *) echo "Dùng: scripts/cluster.sh start|stop|env|pg" >&2; exit 2 ;;
esac
