#!/usr/bin/env bash
# Tender's charges against PostgreSQL's own limit, on separate cores (#25).
# PostgreSQL's processes (the postmaster and its children; new backends
# inherit it) are pinned to CPU $PG_CPU; this script, and so Tender's server,
# the load tool (`tender bench`) and pgbench's client, to CPU $APP_CPU. Each
# of ROUNDS rounds runs, alternated, for SECONDS_EACH seconds with CLIENTS
# clients:
#   reference  pgbench's built-in select-only script (-S): the machine's own
#              speed in this run, to show how much it swings
#   pgbench    loadgen/pgbench/charge.sql, the statement one sandbox charge runs
#   tender     `tender bench --scenario charge` against a Tender server on a
#              fresh database (after an uncounted 2 s warm-up)
# and prints each round, then medians: charges/s, pgbench tx/s and their
# ratio; CPU per charge of the server (user+sys from /proc/<pid>/stat) and of
# the load tool (apart); PostgreSQL's CPU per charge and per pgbench tx (every
# process of the cluster, with the backends it reaped) and its core's load;
# and, from pg_stat_statements, statement time, shared buffer hits and
# statements per charge and per pgbench tx. The original CPU affinity of every
# PostgreSQL process is restored on exit, failure and Ctrl-C included.
#
#   bash bench/pinned.sh                 # ROUNDS=3 SECONDS_EACH=10 CLIENTS=8
#   bash bench/pinned.sh --latency       # then open-loop latency: charges at 80% of
#                                        # the median pinned pgbench rate on PostgreSQL
#                                        # (pinned), and at 1,000/s on SQLite (all CPUs)
#   bash bench/pinned.sh --enable-pg-stat-statements
#        # when pg_stat_statements is not in shared_preload_libraries: adds it
#        # (ALTER SYSTEM) and RESTARTS PostgreSQL (pg_ctlcluster, or pg_ctl as
#        # user postgres, logging to PG_RESTART_LOG, default
#        # /tmp/postgresql-pinned-restart.log). Without the flag the statement
#        # figures read n/a.
#   bash bench/pinned.sh --statements    # then, for the last round's charges, each
#                                        # statement's calls, time and buffers per
#                                        # charge (the TOP most costly, default 12)
#
#   TENDER_DB_MAX_CONNS=8 bash bench/pinned.sh --latency   # Tender's pool as pgbench's
#                                        # clients (the server inherits the environment;
#                                        # README, "Pool size")
#   TENDER_BIN=/tmp/old bash bench/pinned.sh   # measure that tender binary instead of
#                                        # building this tree (to alternate two builds,
#                                        # each run against its own pgbench side)
#   PERF=/tmp/pg bash bench/pinned.sh    # also `perf record -g` PostgreSQL's core during
#                                        # the last round's pgbench and tender sides, to
#                                        # $PERF/pgbench.data and $PERF/tender.data
#                                        # (perf report -i ... --sort sym)
#
# Settings (environment): ROUNDS, SECONDS_EACH, CLIENTS, PG_CPU (0), APP_CPU
# (1), LAT_CLIENTS (32, open-loop workers), SQLITE_RATE (1000), PG_SERVER
# (postgres://postgres@127.0.0.1:5432, a local cluster: its processes are
# pinned through /proc, so run as root or as their user). Creates and drops a
# database tender_pinned_<pid>. Needs psql, pgbench, taskset, jq, go, and at
# least two CPUs. Figures are only worth keeping from a quiet machine: other
# clients of the same cluster count in PostgreSQL's CPU and statements.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
SECONDS_EACH=${SECONDS_EACH:-10}
CLIENTS=${CLIENTS:-8}
PG_CPU=${PG_CPU:-0}
APP_CPU=${APP_CPU:-1}
LAT_CLIENTS=${LAT_CLIENTS:-32}
SQLITE_RATE=${SQLITE_RATE:-1000}
PG_SERVER=${PG_SERVER:-postgres://postgres@127.0.0.1:5432}
latency=0 enable_pss=0 statements=0
for a in "$@"; do
  case $a in
    --latency) latency=1 ;;
    --enable-pg-stat-statements) enable_pss=1 ;;
    --statements) statements=1 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $a (see --help)" >&2; exit 2 ;;
  esac
done
PERF=${PERF:-}
if [ -n "$PERF" ]; then
  command -v perf >/dev/null || { echo "pinned.sh: PERF is set but perf is not found (Debian: linux-perf)" >&2; exit 1; }
  mkdir -p "$PERF"
fi
for c in psql pgbench taskset jq go; do
  command -v "$c" >/dev/null || { echo "pinned.sh: $c not found" >&2; exit 1; }
done
[ "$(nproc)" -ge 2 ] || { echo "pinned.sh: needs two CPUs" >&2; exit 1; }

db=tender_pinned_$$
dburl() { echo "$PG_SERVER/$1?sslmode=disable${2:+&search_path=$2}"; }
admin=$(dburl postgres)
DB=$(dburl "$db")
hz=$(getconf CLK_TCK)
tmp=$(mktemp -d)
bin=$tmp/tender
self_mask=$(taskset -p $$ | awk '{print $NF}')
srv= pm=
declare -A orig_mask=()

# The postmaster: the parent of the checkpointer, which lives as long as it.
postmaster() {
  local ck
  ck=$(psql -X "$admin" -Atc "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'")
  [ -n "$ck" ] || { echo "pinned.sh: no checkpointer in pg_stat_activity (PostgreSQL ≥ 10 needed)" >&2; return 1; }
  ps -o ppid= -p "$ck" | tr -d ' '
}
cluster_pids() { echo "$pm"; pgrep -P "$pm" || true; }
pin() {
  local p
  for p in $(cluster_pids); do
    orig_mask[$p]=$(taskset -p "$p" | awk '{print $NF}')
    taskset -a -p -c "$PG_CPU" "$p" >/dev/null
  done
}
# Every process of the cluster gets back its own mask; backends started
# while pinned get the postmaster's.
restore() {
  [ -n "$pm" ] && [ -n "${orig_mask[$pm]:-}" ] || return 0
  local p
  for p in $(cluster_pids); do
    taskset -a -p "${orig_mask[$p]:-${orig_mask[$pm]}}" "$p" >/dev/null 2>&1 || true
  done
  echo "PostgreSQL's affinity restored: $(taskset -p "$pm")" >&2
  orig_mask=()
}
stop_server() {
  [ -n "$srv" ] || return 0
  kill -TERM "$srv" 2>/dev/null || true
  wait "$srv" 2>/dev/null || true
  srv=
}
cleanup() {
  local rc=$?
  [ -z "${perf_pid:-}" ] || kill -INT "$perf_pid" 2>/dev/null || true
  restore
  stop_server
  psql -X -q "$admin" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# PostgreSQL's CPU in clock ticks: the postmaster with the children it has
# reaped (backends that ended), and its live children.
pgcpu() {
  local t=0 s p
  for p in $(cluster_pids); do
    s=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$p/stat" 2>/dev/null || echo 0)
    t=$((t + s))
  done
  echo "$t"
}
srvcpu() { awk '{print $14 + $15}' "/proc/$srv/stat"; }
# settled N waits (up to 5 s) until the cluster is back to N processes:
# pgbench's backends exit after it does, and one reaped while pgcpu reads
# the others counts neither in its own stat nor in the postmaster's
# (already read): read too early, the pgbench side's PostgreSQL CPU came
# out at a fraction of the charge side's (0.05-0.36 ms a transaction,
# 13-48% busy, in #25's fifth session).
settled() {
  local i
  for i in $(seq 100); do
    [ "$(cluster_pids | wc -l)" -le "$1" ] && return 0
    sleep 0.05
  done
  echo "pinned.sh: PostgreSQL still has $(($(cluster_pids | wc -l) - $1)) more processes than before pgbench" >&2
}

# pg_stat_statements over the benchmark database: reset, and read the sums
# "exec_ms shared_blks_hit shared_blks_read calls" (empty without it).
pss=0
pss_reset() { [ $pss = 1 ] || return 0; psql -X -q "$DB" -Atc "SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = '$db'), 0)" >/dev/null; }
pss_read() {
  [ $pss = 1 ] || return 0
  psql -X "$DB" -At -F' ' -c "SELECT coalesce(sum(total_exec_time), 0), coalesce(sum(shared_blks_hit), 0), coalesce(sum(shared_blks_read), 0), coalesce(sum(calls), 0)
    FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = '$db') AND query NOT LIKE '%pg_stat_statements%'"
}

# The statements' sums since pss_reset into st hit rd calls.
c_calls=n/a c_st=n/a c_hit=n/a
stmts() {
  st=0 hit=0 rd=0 calls=0
  [ $pss = 1 ] || return 0
  read -r st hit rd calls <<<"$(pss_read)"
}
# pg_stat_wal (PostgreSQL 14+; the whole cluster): "bytes syncs" now.
wal_now() { psql -X "$DB" -At -F' ' -c "SELECT wal_bytes, wal_sync FROM pg_stat_wal" 2>/dev/null || echo "0 0"; }
# wal_rates N: from wal_now read into w0 y0 before a side and w1 y1 after
# it, "bytes-per-op syncs-per-1000-ops" for its N operations.
wal_rates() { echo "$(div "$(calc "$w1 - $w0")" "$1" %.0f) $(div "$(calc "($y1 - $y0) * 1000")" "$1" %.0f)"; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {if (NR == 0) print "n/a"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
calc() { awk "BEGIN {print $1}"; }
div() { awk -v a="$1" -v b="$2" -v f="${3:-%.3f}" 'BEGIN {if (b + 0 == 0) print "n/a"; else printf f "\n", a / b}'; }

# --- PostgreSQL: pg_stat_statements, then the database -----------------------
preload=$(psql -X "$admin" -Atc "SHOW shared_preload_libraries")
if [[ ",${preload// /}," != *,pg_stat_statements,* ]]; then
  if [ $enable_pss = 1 ]; then
    echo "adding pg_stat_statements to shared_preload_libraries and restarting PostgreSQL" >&2
    psql -X -q "$admin" -c "ALTER SYSTEM SET shared_preload_libraries = '${preload:+$preload,}pg_stat_statements'"
    cluster=$(psql -X "$admin" -Atc "SHOW cluster_name")
    datadir=$(psql -X "$admin" -Atc "SHOW data_directory")
    if command -v pg_ctlcluster >/dev/null && [[ $cluster == */* ]]; then
      pg_ctlcluster "${cluster%%/*}" "${cluster#*/}" restart
    else
      # pg_ctl beside the running postgres binary; restart keeps its options.
      pgbin=$(dirname "$(readlink "/proc/$(postmaster)/exe")")
      # Its output goes to PG_RESTART_LOG: pg_ctl does not keep the old -l.
      log=${PG_RESTART_LOG:-/tmp/postgresql-pinned-restart.log}
      touch "$log" && chown postgres "$log"
      su postgres -c "'$pgbin/pg_ctl' -D '$datadir' -l '$log' -w restart" >/dev/null
    fi
    for _ in $(seq 100); do psql -X -q "$admin" -c "SELECT 1" >/dev/null 2>&1 && break; sleep 0.2; done
    pss=1
  else
    echo "pg_stat_statements is not in shared_preload_libraries: statement figures will read n/a." >&2
    echo "  Rerun with --enable-pg-stat-statements to add it; that RESTARTS PostgreSQL." >&2
  fi
else
  pss=1
fi
psql -X -q "$admin" -c "CREATE DATABASE $db"
psql -X -q "$DB" -c "CREATE SCHEMA pgb; CREATE SCHEMA ref; CREATE SCHEMA tender"
[ $pss = 1 ] && psql -X -q "$DB" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
if [ -n "${TENDER_BIN:-}" ]; then cp "$TENDER_BIN" "$bin"; else go build -o "$bin" ./cmd/tender; fi
# pgbench's charge script writes to Tender's own tables (its migrations).
"$bin" bench --database-url "$DB" --pgbench-schema pgb
PGOPTIONS="-c search_path=ref" pgbench -q -i -s 1 "$DB" >/dev/null 2>&1
datadir=$tmp/data
start_server() { # $1: database URL
  : >"$tmp/server.out"
  env TENDER_ADDR=127.0.0.1:0 TENDER_DATA_DIR="$datadir" TENDER_RATE_LIMIT=-1 TENDER_LOG_LEVEL=warn \
    TENDER_SANDBOX=true DATABASE_URL="$1" "$bin" serve >"$tmp/server.out" 2>"$tmp/server.err" &
  srv=$!
  for _ in $(seq 600); do
    grep -q 'listening on' "$tmp/server.out" && break
    kill -0 "$srv" 2>/dev/null || { cat "$tmp/server.err" >&2; echo "pinned.sh: the server did not start" >&2; exit 1; }
    sleep 0.1
  done
  url=$(grep -o 'listening on http://[^ ]*' "$tmp/server.out" | cut -d' ' -f3)
  key=$(jq -r .api_key "$datadir/sandbox-keys.json")
}
tbench() { "$bin" bench --url "$url" --key "$key" --scenario charge --json "$@"; }

pgb_jobs=$((CLIENTS < 4 ? CLIENTS : 4))
pgbench_run() { # $1 schema, then pgbench's arguments; prints "tps transactions"
  local s=$1 out
  shift
  out=$(PGOPTIONS="-c search_path=$s" pgbench -n -M prepared -c "$CLIENTS" -j "$pgb_jobs" -T "$SECONDS_EACH" "$@" "$DB" 2>&1) ||
    { echo "$out" >&2; return 1; }
  echo "$(awk '/^tps/ {print $3; exit}' <<<"$out") $(awk '/actually processed/ {print $NF}' <<<"$out" | cut -d/ -f1)"
}

# --- pinned rounds -------------------------------------------------------------
pm=$(postmaster)
taskset -p -c "$APP_CPU" $$ >/dev/null
pin
echo "PostgreSQL (postmaster $pm and its $(($(cluster_pids | wc -l) - 1)) processes) on CPU $PG_CPU; server, load tool and pgbench's client on CPU $APP_CPU" >&2
echo "rounds: $ROUNDS × ${SECONDS_EACH}s each side, $CLIENTS clients; Tender's pool: ${TENDER_DB_MAX_CONNS:-20 (the default)} connections" >&2

declare -a R_REF R_PGB R_CHG R_RATIO R_SRV R_LOAD R_PGTX R_PGCHG R_BUSY_PGB R_BUSY_CHG R_APPBUSY R_ST_TX R_ST_CHG R_HIT_TX R_HIT_CHG R_CALLS_TX R_CALLS_CHG R_WAL_TX R_WAL_CHG R_SYNC_TX R_SYNC_CHG
# perf_start NAME / perf_stop: with PERF, in the last round, a CPU profile of
# PostgreSQL's core (all its processes, and only them, run there) while one
# side runs.
perf_pid=
perf_start() {
  [ -n "$PERF" ] && [ "$r" = "$ROUNDS" ] || return 0
  perf record -C "$PG_CPU" -g -F 997 -o "$PERF/$1.data" >"$PERF/$1.log" 2>&1 &
  perf_pid=$!
}
perf_stop() {
  [ -n "$perf_pid" ] || return 0
  kill -INT "$perf_pid" 2>/dev/null || true
  wait "$perf_pid" 2>/dev/null || true
  perf_pid=
}
row() { printf '%-6s %-9s %10s %11s %11s %11s %9s %8s %10s %8s\n' "$@"; }
row round side "per s" "srv ms/ch" "load ms/rq" "PG ms/op" "PG core" "stmts" "stmt ms" "hits"
for r in $(seq 1 "$ROUNDS"); do
  res=$(pgbench_run ref -S)
  read -r ref _ <<<"$res"
  R_REF+=("$ref")
  row "$r" reference "$(printf %.0f "$ref")" - - - - - - -

  pss_reset
  read -r w0 y0 <<<"$(wal_now)"
  a=$(pgcpu) procs=$(cluster_pids | wc -l)
  perf_start pgbench
  res=$(pgbench_run pgb -f loadgen/pgbench/charge.sql)
  perf_stop
  settled "$procs"
  b=$(pgcpu)
  read -r tps n <<<"$res"
  read -r w1 y1 <<<"$(wal_now)"
  read -r wb ws <<<"$(wal_rates "$n")"
  R_WAL_TX+=("$wb") R_SYNC_TX+=("$ws")
  stmts
  R_PGB+=("$tps")
  R_PGTX+=("$(div "$(calc "($b - $a) * 1000 / $hz")" "$n")")
  R_BUSY_PGB+=("$(div "$(calc "($b - $a) * 100 / $hz")" "$SECONDS_EACH" %.0f)")
  if [ $pss = 1 ]; then
    c_calls=$(div "$calls" "$n" %.2f) c_st=$(div "$st" "$n") c_hit=$(div "$(calc "$hit + $rd")" "$n" %.1f)
    R_ST_TX+=("$c_st") R_HIT_TX+=("$c_hit") R_CALLS_TX+=("$c_calls")
  fi
  row "$r" pgbench "$(printf %.0f "$tps")" - - "${R_PGTX[-1]}" "${R_BUSY_PGB[-1]}%" "$c_calls" "$c_st" "$c_hit"

  start_server "$(dburl "$db" tender)"
  tbench --duration 2s --warmup 0 >/dev/null
  pss_reset
  read -r w0 y0 <<<"$(wal_now)"
  a=$(pgcpu) s0=$(srvcpu) t0=$(date +%s.%N)
  perf_start tender
  out=$(tbench --clients "$CLIENTS" --duration "${SECONDS_EACH}s" --warmup 0)
  perf_stop
  b=$(pgcpu) s1=$(srvcpu) t1=$(date +%s.%N)
  read -r w1 y1 <<<"$(wal_now)"
  stmts
  stop_server
  read -r n cps errs lcpu < <(jq -r '.results[0] | "\(.requests) \(.requests_per_second) \(.errors) \(.load_cpu_ms_per_request // 0)"' <<<"$out")
  [ "$errs" = 0 ] || echo "round $r: $errs charges failed: $(jq -r '.results[0].first_error' <<<"$out")" >&2
  R_CHG+=("$cps")
  read -r wb ws <<<"$(wal_rates "$n")"
  R_WAL_CHG+=("$wb") R_SYNC_CHG+=("$ws")
  R_RATIO+=("$(div "$cps" "$tps")")
  R_SRV+=("$(div "$(calc "($s1 - $s0) * 1000 / $hz")" "$n")")
  R_LOAD+=("$(printf %.3f "$lcpu")")
  R_PGCHG+=("$(div "$(calc "($b - $a) * 1000 / $hz")" "$n")")
  R_BUSY_CHG+=("$(div "$(calc "($b - $a) * 100 / $hz")" "$(calc "$t1 - $t0")" %.0f)")
  if [ $pss = 1 ]; then
    c_calls=$(div "$calls" "$n" %.2f) c_st=$(div "$st" "$n") c_hit=$(div "$(calc "$hit + $rd")" "$n" %.1f)
    R_ST_CHG+=("$c_st") R_HIT_CHG+=("$c_hit") R_CALLS_CHG+=("$c_calls")
  fi
  # The last round's statements, one by one, per charge (--statements).
  if [ $pss = 1 ] && [ $statements = 1 ] && [ "$r" = "$ROUNDS" ]; then
    by_statement=$(psql -X "$DB" -c "SELECT calls, round((total_exec_time * 1000 / $n)::numeric, 1) AS \"µs/charge\",
        round(((shared_blks_hit + shared_blks_read) / $n::numeric), 2) AS \"buffers/charge\",
        round(rows / greatest(calls, 1)::numeric, 1) AS \"rows/call\", left(btrim(regexp_replace(regexp_replace(query, '--[^\n]*', '', 'g'), '\s+', ' ', 'g')), 72) AS statement
      FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = '$db')
        AND query NOT LIKE '%pg_stat_statements%'
      ORDER BY total_exec_time DESC LIMIT ${TOP:-12}")
  fi
  row "$r" tender "$(printf %.0f "$cps")" "${R_SRV[-1]}" "${R_LOAD[-1]}" "${R_PGCHG[-1]}" "${R_BUSY_CHG[-1]}%" "$c_calls" "$c_st" "$c_hit"
done

# m [-f FORMAT] VALUES: their median, formatted (%.3f).
m() {
  local f=%.3f
  [ "$1" = -f ] && { f=$2; shift 2; }
  median "$@" | awk -v f="$f" '{if ($1 == "n/a") print; else printf f "\n", $1}'
}
mref=$(m "${R_REF[@]}") mpgb=$(m "${R_PGB[@]}") mchg=$(m "${R_CHG[@]}")
echo
echo "medians of $ROUNDS rounds (PostgreSQL on CPU $PG_CPU; server, load tool, pgbench client on CPU $APP_CPU):"
printf '  reference, pgbench select-only        %8.0f tx/s   (the machine in this run)\n' "$mref"
printf '  pgbench, a charge'"'"'s statements         %8.0f tx/s\n' "$mpgb"
printf '  tender charges                        %8.0f /s\n' "$mchg"
printf '  charges/s ÷ pgbench tx/s              %8s      (median of the rounds'"'"' ratios)\n' "$(m "${R_RATIO[@]}")"
printf '  server CPU per charge                 %8s ms   (user+sys of the server process)\n' "$(m "${R_SRV[@]}")"
printf '  load tool CPU per charge              %8s ms   (tender bench itself, apart)\n' "$(m "${R_LOAD[@]}")"
printf '  PostgreSQL CPU per pgbench tx         %8s ms   (its core %s%% busy)\n' "$(m "${R_PGTX[@]}")" "$(m -f %.0f "${R_BUSY_PGB[@]}")"
printf '  PostgreSQL CPU per charge             %8s ms   (its core %s%% busy)\n' "$(m "${R_PGCHG[@]}")" "$(m -f %.0f "${R_BUSY_CHG[@]}")"
printf '  WAL bytes per pgbench tx / charge     %8s / %s   (pg_stat_wal, the whole cluster)\n' "$(m -f %.0f "${R_WAL_TX[@]}")" "$(m -f %.0f "${R_WAL_CHG[@]}")"
printf '  WAL syncs per 1,000 pgbench tx / charges %5s / %s\n' "$(m -f %.0f "${R_SYNC_TX[@]}")" "$(m -f %.0f "${R_SYNC_CHG[@]}")"
if [ $pss = 1 ]; then
  printf '  statements per pgbench tx / charge    %8s / %s\n' "$(m -f %.2f "${R_CALLS_TX[@]}")" "$(m -f %.2f "${R_CALLS_CHG[@]}")"
  printf '  statement time per pgbench tx / charge %7s / %s ms   (charge ÷ tx %s)\n' "$(m "${R_ST_TX[@]}")" "$(m "${R_ST_CHG[@]}")" "$(div "$(m "${R_ST_CHG[@]}")" "$(m "${R_ST_TX[@]}")" %.2f)"
  printf '  shared buffers per pgbench tx / charge %7s / %s        (charge ÷ tx %s; hits + reads)\n' "$(m -f %.1f "${R_HIT_TX[@]}")" "$(m -f %.1f "${R_HIT_CHG[@]}")" "$(div "$(m "${R_HIT_CHG[@]}")" "$(m "${R_HIT_TX[@]}")" %.2f)"
else
  echo "  statement time and buffer hits         n/a (pg_stat_statements not loaded; see --enable-pg-stat-statements)"
fi
if [ -n "${by_statement:-}" ]; then
  echo
  echo "round $ROUNDS's charges by statement (pg_stat_statements; per charge: the round's $n charges):"
  echo "$by_statement"
fi

# --- latency -------------------------------------------------------------------
if [ $latency = 1 ]; then
  rate=$(awk -v t="$mpgb" 'BEGIN {printf "%d", t * 0.8}')
  echo
  echo "latency, open loop, ${SECONDS_EACH}s after a 1s warm-up, $LAT_CLIENTS workers:"
  start_server "$(dburl "$db" tender)"
  out=$(tbench --clients "$LAT_CLIENTS" --duration "${SECONDS_EACH}s" --rate "$rate")
  stop_server
  jq -r --arg rate "$rate" '.results[0] | "  PostgreSQL (pinned), \($rate)/s (80% of pgbench): \(.requests_per_second | floor) charges/s, p50 \(.p50_ms) ms, p99 \(.p99_ms) ms, errors \(.errors)"' <<<"$out"
  restore
  # SQLite: no PostgreSQL involved; the server and the load tool get the CPUs this script started with.
  out=$(taskset "$self_mask" "$bin" bench --spawn --database-url "" --scenario charge --json --clients "$LAT_CLIENTS" \
    --duration "${SECONDS_EACH}s" --rate "$SQLITE_RATE")
  jq -r --arg rate "$SQLITE_RATE" '.results[0] | "  SQLite (all CPUs), \($rate)/s: \(.requests_per_second | floor) charges/s, p50 \(.p50_ms) ms, p99 \(.p99_ms) ms, errors \(.errors), server CPU \((.server_cpu_ms_per_request // 0) * 1000 | round / 1000) ms/charge"' <<<"$out"
fi
