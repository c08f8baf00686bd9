#!/usr/bin/env bash
# What a charge costs the server in system calls and CPU (#25): a fresh
# `tender serve` (sandbox, rate limits off) on SQLite or on a fresh
# PostgreSQL schema; `tender bench --scenario charge` runs WARMUP charges
# uncounted, then CHARGES counted, and the server's /proc/<pid>/io (syscr,
# syscw: read- and write-family calls, pread64/pwrite64 and the sockets'
# included) and /proc/<pid>/stat (user+sys) are read before and after. No
# tracer slows the server, so the counts are those of a normal run. Each
# binary in TENDER_BINS (default: this tree, built) is measured in turn,
# ROUNDS times, alternated.
#
#   bash bench/syscalls.sh                  # SQLite, ROUNDS=2 CHARGES=6000 CLIENTS=8
#   bash bench/syscalls.sh postgres         # on PG_URL (postgres://127.0.0.1:5432/test)
#   TENDER_BINS="/tmp/old /tmp/new" bash bench/syscalls.sh
#
# Needs curl, jq, bc, go (to build), psql for PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
STORE=${1:-sqlite}
ROUNDS=${ROUNDS:-2}
CHARGES=${CHARGES:-6000}
WARMUP=${WARMUP:-3000}
CLIENTS=${CLIENTS:-8}
PG_URL=${PG_URL:-postgres://127.0.0.1:5432/test}
PORT=${PORT:-18181}
export PGOPTIONS="-c client_min_messages=warning"

tmp=$(mktemp -d)
srv=
schema=
cleanup() {
  [ -n "$srv" ] && kill "$srv" 2>/dev/null && wait "$srv" 2>/dev/null
  [ -n "$schema" ] && psql -q "$PG_URL" -c "DROP SCHEMA $schema CASCADE" >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT

if [ -z "${TENDER_BINS:-}" ]; then
  go build -o "$tmp/tender" ./cmd/tender
  TENDER_BINS=$tmp/tender
fi

# io prints the server's read calls, write calls and CPU ticks so far.
io() {
  echo "$(awk '/^syscr/{r=$2} /^syscw/{w=$2} END{print r, w}' "/proc/$srv/io") $(awk '{print $14+$15}' "/proc/$srv/stat")"
}

run() {
  local bin=$1 dir=$tmp/data url=
  rm -rf "$dir" && mkdir "$dir"
  if [ "$STORE" = postgres ]; then
    schema=syscalls_$$_$RANDOM
    psql -q "$PG_URL" -c "CREATE SCHEMA $schema" >/dev/null
    url="$PG_URL?sslmode=disable&search_path=$schema"
  fi
  "$bin" serve --addr "127.0.0.1:$PORT" --data "$dir" --log-level error --rate-limit -1 \
    --database-url "$url" >"$tmp/server.log" 2>&1 &
  srv=$!
  for _ in $(seq 300); do
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
    sleep 0.1
  done
  local load=("$bin" bench --url "http://127.0.0.1:$PORT" --data "$dir" --scenario charge --clients "$CLIENTS" --json)
  "${load[@]}" --requests "$WARMUP" >/dev/null
  read -r r1 w1 c1 < <(io)
  out=$("${load[@]}" --requests "$CHARGES" --warmup 0)
  read -r r2 w2 c2 < <(io)
  kill "$srv" && wait "$srv" 2>/dev/null || true
  srv=
  if [ -n "$schema" ]; then
    psql -q "$PG_URL" -c "DROP SCHEMA $schema CASCADE" >/dev/null
    schema=
  fi
  local hz
  hz=$(getconf CLK_TCK)
  printf '%-28s %-8s %8.0f %10.2f %10.2f %10.3f\n' "$(basename "$bin")" "$STORE" \
    "$(jq '.results[0].requests_per_second' <<<"$out")" \
    "$(bc -l <<<"($r2-$r1)/$CHARGES")" "$(bc -l <<<"($w2-$w1)/$CHARGES")" \
    "$(bc -l <<<"($c2-$c1)*1000/$hz/$CHARGES")"
}

printf '%-28s %-8s %8s %10s %10s %10s\n' binary store charges/s reads/ch writes/ch cpu_ms/ch
for _ in $(seq "$ROUNDS"); do
  for bin in $TENDER_BINS; do
    run "$bin"
  done
done
