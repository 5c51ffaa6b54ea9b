#!/usr/bin/env bash
# Run every benchmark; each prints its figures. Copy them into docs/benchmarks.md with the date.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
echo "== $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GiB =="
for b in bench/bench_*.py; do
  echo "--- $b"
  "$py" "$b"
done
