#!/usr/bin/env bash
# Install the Debian packages qlvb needs, only those missing. Root (or sudo) on Debian 12+.
# Lists live in scripts/packages-*.txt: run (needed by `make run`) and test (needed by `make test`).
set -euo pipefail
cd "$(dirname "$0")"
lists=(packages-run.txt)
case "${QLVB_SYSTEM_PACKAGES:-all}" in
  run) ;;
  cluster) lists+=(packages-cluster.txt) ;;  # make cluster
  *) lists+=(packages-test.txt) ;;
esac
want=$(cat "${lists[@]}" | sed 's/#.*//' | tr -s ' \n' '\n' | sed '/^$/d' | sort -u)
missing=()
for pkg in $want; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "Thiếu gói hệ thống: ${missing[*]} — máy này không có apt-get, hãy cài bằng tay." >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Cài gói hệ thống còn thiếu: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
