#!/usr/bin/env bash
# Tender's sandbox against stripe-mock, the tool a Stripe developer would run
# locally instead (#25). One load tool for both, wrk, with the same threads,
# connections and duration, alternated ROUNDS times after an uncounted 1 s
# warm-up of each; prints req/s of each round, the medians and their ratio.
#   stripe-mock  POST /v1/charges  amount=1050&currency=usd&source=tok_visa
#                (stateless: validates the request and answers a fixture)
#   Tender       POST /charge  a tokenized card (made once before), $10.50,
#                a unique idempotency_id per request, as loadgen's charge
#                scenario sends: the SQLite store (durable, the card in the
#                encrypted vault, one transaction with its event and the
#                idempotent response)
#
#   bash bench/vs-stripe-mock.sh      # ROUNDS=2 SECONDS_EACH=10 CONNECTIONS=8 THREADS=2
#
# Needs wrk (Debian: apt-get install -y wrk), jq, curl, go; installs
# stripe-mock v0.203.0 with `go install` when $(go env GOPATH)/bin lacks it.
# Both servers and wrk share all the machine's CPUs: run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-2}
SECONDS_EACH=${SECONDS_EACH:-10}
CONNECTIONS=${CONNECTIONS:-8}
THREADS=${THREADS:-2}
STRIPE_MOCK_VERSION=v0.203.0
for c in wrk jq curl go; do
  command -v "$c" >/dev/null || {
    echo "vs-stripe-mock.sh: $c not found${c/#wrk/ (Debian: apt-get install -y wrk)}" >&2
    exit 1
  }
done
sm=$(go env GOPATH)/bin/stripe-mock
if [ ! -x "$sm" ]; then
  echo "installing stripe-mock $STRIPE_MOCK_VERSION" >&2
  go install "github.com/stripe/stripe-mock@$STRIPE_MOCK_VERSION"
fi

tmp=$(mktemp -d)
pids=()
cleanup() {
  local rc=$? p
  # TERM: a script's background jobs ignore SIGINT.
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_for FILE REGEX: the first match of REGEX's group in FILE, once there.
wait_for() {
  local v
  for _ in $(seq 300); do
    v=$(sed -nE "s|$2|\1|p" "$1" | head -1)
    [ -n "$v" ] && { echo "$v"; return 0; }
    sleep 0.1
  done
  echo "vs-stripe-mock.sh: nothing matched $2 in $1:" >&2
  cat "$1" >&2
  return 1
}

"$sm" -http-addr 127.0.0.1: -https-addr 127.0.0.1: >"$tmp/sm.out" 2>&1 &
pids+=($!)
sm_url=http://$(wait_for "$tmp/sm.out" '.*Listening for HTTP at address: ([0-9.:]+).*')

go build -o "$tmp/tender" ./cmd/tender
env TENDER_ADDR=127.0.0.1:0 TENDER_DATA_DIR="$tmp/data" TENDER_RATE_LIMIT=-1 TENDER_LOG_LEVEL=warn \
  TENDER_SANDBOX=true DATABASE_URL= "$tmp/tender" serve >"$tmp/tender.out" 2>"$tmp/tender.err" &
pids+=($!)
td_url=$(wait_for "$tmp/tender.out" '.*listening on (http://[^ ]+) \(store: sqlite\).*')
key=$(jq -r .api_key "$tmp/data/sandbox-keys.json")
api() { curl -fsS -X POST -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "$2" "$td_url$1"; }
customer=$(api /customer '{"firstname": "Load", "lastname": "Test", "email": "load@example.com"}' | jq -r .id)
card=$(api /payment-method '{"method": "card", "customer_id": "'"$customer"'", "person_name": "Load Test",
  "card_number": "4111111111111111", "card_cvv": "123", "card_exp": "1230"}' | jq -r .id)

cat >"$tmp/stripe.lua" <<'EOF'
wrk.method = "POST"
wrk.body = "amount=1050&currency=usd&source=tok_visa"
wrk.headers["Authorization"] = "Bearer sk_test_123"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
EOF
cat >"$tmp/tender.lua" <<'EOF'
-- args: API key, payment method id, a run id; each request a new idempotency_id.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local key, card, run
local n = 0
function init(args)
  key, card, run = args[1], args[2], args[3]
end
function request()
  n = n + 1
  local body = string.format('{"payment_method_id": "%s", "total": 10.5, "meta": {"reference": "load", "tax": 0.5}, "idempotency_id": "vs-%s-%d-%d"}', card, run, tid, n)
  return wrk.format("POST", nil, {["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json"}, body)
end
EOF

# load NAME SECONDS RUN: one wrk run; prints "req/s failed requests" (failed:
# non-2xx answers and socket errors; requests: those wrk counted). RUN makes
# Tender's idempotency ids unique to the run: a run that reused an earlier
# one's would be answered from stored responses, not charged (until
# 2026-12-07 every round took the same, set inside the $(...) subshell, so
# the later rounds replayed the first one's charges and rose: 3,504, 5,842,
# 7,436 req/s in one run).
load() {
  local out
  case $1 in
    stripe-mock) out=$(wrk -t "$THREADS" -c "$CONNECTIONS" -d "$2s" -s "$tmp/stripe.lua" "$sm_url/v1/charges") ;;
    tender) out=$(wrk -t "$THREADS" -c "$CONNECTIONS" -d "$2s" -s "$tmp/tender.lua" "$td_url/charge" -- "$key" "$card" "$$-$3") ;;
  esac
  echo "$out" >>"$tmp/wrk.log"
  awk '/^Requests\/sec/ {rps = $2} /Non-2xx/ {bad += $NF} /Socket errors/ {for (i = 4; i <= NF; i += 2) bad += $i}
    / requests in / {n = $1} END {printf "%.0f %d %d\n", rps, bad, n}' <<<"$out"
}
# Tender's transactions so far (the list's total).
charges() { curl -fsS -H "Authorization: Bearer $key" "$td_url/transaction?per_page=1" | jq -e .total; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

load stripe-mock 1 0 >/dev/null
load tender 1 0 >/dev/null
echo "wrk -t $THREADS -c $CONNECTIONS -d ${SECONDS_EACH}s, $ROUNDS rounds alternated"
S=() T=()
for r in $(seq 1 "$ROUNDS"); do
  for side in stripe-mock tender; do
    [ "$side" = tender ] && before=$(charges)
    read -r rps bad n <<<"$(load "$side" "$SECONDS_EACH" "$r")"
    [ "$bad" = 0 ] || { echo "$side: $bad failed requests (wrk's output: see below)" >&2; tail -12 "$tmp/wrk.log" >&2; exit 1; }
    if [ "$side" = tender ]; then
      # Every answer counted was a new charge: the transactions written
      # (wrk's last in-flight requests may add up to a connection's worth).
      wrote=$(($(charges) - before))
      [ "$wrote" -ge "$n" ] || { echo "tender: $n answers but $wrote new transactions (replayed idempotency ids?)" >&2; exit 1; }
      T+=("$rps")
    else
      S+=("$rps")
    fi
    printf 'round %d  %-12s %8d req/s\n' "$r" "$side" "$rps"
  done
done
ms=$(median "${S[@]}") mt=$(median "${T[@]}")
printf 'median     stripe-mock  %8.0f req/s  (POST /v1/charges, stateless)\n' "$ms"
printf 'median     tender       %8.0f req/s  (POST /charge, SQLite, durable)\n' "$mt"
awk -v t="$mt" -v s="$ms" 'BEGIN {printf "Tender ÷ stripe-mock  %.2f×\n", t / s}'
