#!/usr/bin/env bash
# The webhook cost on POST /charge (issue: at most -10% with three webhooks
# subscribed): BenchmarkChargeWebhooksAlternated, which alternates blocks of
# 800 charges with and without three webhooks on one server, so that this
# machine's drift in speed (a third within minutes) falls on both sides
# alike. ROUNDS runs of CHARGES charges on each store; prints each run's
# line (charges/s without and with webhooks, change), then per store the
# median change and every run's.
#   bash bench/webhooks.sh            # ROUNDS=5 CHARGES=16000 STORES="sqlite postgres"
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
CHARGES=${CHARGES:-16000}
STORES=${STORES:-sqlite postgres}
bin=$(mktemp -d)/bench.test
go test -c -o "$bin" ./bench/
out=$(mktemp)
for i in $(seq 1 "$ROUNDS"); do
  for store in $STORES; do
    "$bin" -test.run '^$' -test.bench "^BenchmarkChargeWebhooksAlternated\$/^$store\$" -test.benchtime "${CHARGES}x" | grep '^Benchmark' | tee -a "$out"
  done
done
awk '
  /^Benchmark/ {
    split($1, p, "/"); store = p[2]; sub(/-[0-9]+$/, "", store)
    for (i = 2; i <= NF; i++) if ($(i) == "change-%") d = $(i-1)
    n[store]++; ch[store, n[store]] = d; cs[store] = cs[store] " " sprintf("%+.1f%%", d); stores[store] = 1
  }
  function median(s,   m, i, j, t, a) {
    m = n[s]; for (i = 1; i <= m; i++) a[i] = ch[s, i]
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
  }
  END {
    printf "\n%-10s %14s   %s\n", "store", "median change", "runs"
    for (s in stores) printf "%-10s %+13.1f%%  %s\n", s, median(s), cs[s]
  }' "$out"
