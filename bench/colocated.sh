#!/usr/bin/env bash
# What sharing the cores costs PostgreSQL: the pgbench charge script
# (loadgen/pgbench/charge.sql, the statement one sandbox charge runs) alone, then
# again while a Go process that never touches PostgreSQL (the SQLite
# customer-read benchmark) keeps the same cores busy, as the server and the
# load tool do during `tender bench`. Prints tx/s and PostgreSQL's CPU per
# transaction (all its processes, from /proc), ROUNDS times each, alternated.
#   bash bench/colocated.sh        # ROUNDS=2 SECONDS_EACH=10 CLIENTS=8
# Needs pgbench and a local PostgreSQL whose processes run as user postgres.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-2}
SECONDS_EACH=${SECONDS_EACH:-10}
CLIENTS=${CLIENTS:-8}
DB=${PGBENCH_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
schema=tender_colocated_$$
bin=$(mktemp -d)/bench.test
go test -c -o "$bin" ./bench/
psql -q "$DB" -c "CREATE SCHEMA $schema"
trap 'psql -q "$DB" -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1; kill $(jobs -p) 2>/dev/null || true' EXIT
# pgbench's charge script writes to Tender's own tables (its migrations).
go run ./cmd/tender bench --database-url "$DB" --pgbench-schema "$schema"

# PostgreSQL's CPU in clock ticks: every postgres process, with the children
# the postmaster has reaped (backends that ended).
pgcpu() {
  local t=0 s
  for p in $(pgrep -u postgres); do
    s=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$p/stat" 2>/dev/null || echo 0)
    t=$((t + s))
  done
  echo "$t"
}

run() {
  local label=$1 a b out n tps
  a=$(pgcpu)
  out=$(PGOPTIONS="-c search_path=$schema" pgbench -n -M prepared -c "$CLIENTS" -j "$(( CLIENTS < 4 ? CLIENTS : 4 ))" \
    -T "$SECONDS_EACH" -f loadgen/pgbench/charge.sql "$DB" 2>&1)
  b=$(pgcpu)
  n=$(awk '/actually processed/ {print $NF}' <<<"$out" | cut -d/ -f1)
  tps=$(awk '/^tps/ {printf "%.0f", $3}' <<<"$out")
  awk -v l="$label" -v tps="$tps" -v d="$((b - a))" -v n="$n" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%-22s %8s tx/s   PostgreSQL CPU %.3f ms/tx\n", l, tps, d * 1000 / hz / n }'
}

for _ in $(seq 1 "$ROUNDS"); do
  run "pgbench alone"
  "$bin" -test.run '^$' -test.bench '^BenchmarkCustomerGet$/^sqlite$' -test.benchtime "$((SECONDS_EACH * 3))s" >/dev/null 2>&1 &
  load=$!
  sleep 3
  run "pgbench + Go load"
  kill "$load" 2>/dev/null || true
  wait "$load" 2>/dev/null || true
done
