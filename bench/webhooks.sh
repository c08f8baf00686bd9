#!/usr/bin/env bash
# The webhook cost on POST /charge (issue: at most -10% with three webhooks
# subscribed): BenchmarkCharge and BenchmarkChargeWebhooks alternated ROUNDS
# times on each store, CHARGES charges a run, then the median req/s of each
# and their ratio. Runs differ by up to 15% on this machine, hence the
# alternation and the medians.
#   bash bench/webhooks.sh            # ROUNDS=5 CHARGES=8000 STORES="sqlite postgres"
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
CHARGES=${CHARGES:-8000}
STORES=${STORES:-sqlite postgres}
bin=$(mktemp -d)/bench.test
go test -c -o "$bin" ./bench/
out=$(mktemp)
for store in $STORES; do
  for i in $(seq 1 "$ROUNDS"); do
    for b in Charge ChargeWebhooks; do
      "$bin" -test.run '^$' -test.bench "^Benchmark$b\$/^$store\$" -test.benchtime "${CHARGES}x" | grep '^Benchmark' | tee -a "$out"
    done
  done
done
awk '
  /^Benchmark/ {
    split($1, p, "/"); name = p[1]; store = p[2]; sub(/-[0-9]+$/, "", store); sub(/^Benchmark/, "", name)
    for (i = 2; i <= NF; i++) if ($(i) == "req/s") v = $(i-1)
    k = store " " name; n[k]++; val[k, n[k]] = v; stores[store] = 1
  }
  function median(k,   m, i, j, t, a) {
    m = n[k]; for (i = 1; i <= m; i++) a[i] = val[k, i]
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
  }
  END {
    printf "\n%-10s %14s %22s %8s\n", "store", "charge req/s", "charge+webhooks req/s", "change"
    for (s in stores) {
      c = median(s " Charge"); w = median(s " ChargeWebhooks")
      printf "%-10s %14.0f %22.0f %+7.1f%%\n", s, c, w, (w / c - 1) * 100
    }
  }' "$out"
