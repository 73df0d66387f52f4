#!/usr/bin/env bash
# Takeover time of the transparency log's writer after SIGKILL (issue 16, docs/CLUSTER.md).
# Starts three `covenant serve --db` members with one --log-key in a fresh schema, then ROUNDS
# times: finds the writer in GET /v1/cluster, SIGKILLs it, polls a survivor every 20 ms until
# another member holds the log lease at a higher epoch (read from the lease row with psql, which
# is quicker to poll than GET /v1/cluster on a loaded machine), prints the milliseconds,
# restarts the killed member. Needs psql on PATH and PGHOST/PGUSER/PGDATABASE for the same
# database (default 127.0.0.1, postgres, test).
# Usage: bench/scripts/cluster-takeover.sh [ROUNDS] [LEASE_SECONDS]
set -euo pipefail
ROUNDS=${1:-5}
LEASE=${2:-3}
URL=${COVENANT_TEST_PG_URL:-jdbc:postgresql://127.0.0.1:5432/test?user=postgres}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
SCHEMA=covenant_takeover_$RANDOM$RANDOM
"$ROOT/covenant" log key --data "$WORK/k" > /dev/null
declare -A PID URLS
start() {
  "$ROOT/covenant" serve --db "$URL" --db-schema "$SCHEMA" --log-key "$WORK/k/keys/log.key" \
    --data "$WORK/$1" --port 0 --lease "$LEASE" > "$WORK/$1.out" 2> "$WORK/$1.err" &
  PID[$1]=$!
  until grep -q '  stop' "$WORK/$1.out" 2> /dev/null; do sleep 0.2; done
  URLS[$1]=$(grep -o 'http://[0-9.:]*' "$WORK/$1.out" | head -1)
}
export PGHOST=${PGHOST:-127.0.0.1} PGUSER=${PGUSER:-postgres} PGDATABASE=${PGDATABASE:-test}
cleanup() {
  for m in "${!PID[@]}"; do kill "${PID[$m]}" 2> /dev/null || true; done
  sleep 1
  psql -qc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" > /dev/null 2>&1 || true
}
trap cleanup EXIT
start a
TOKEN=$(grep '  operator' "$WORK/a.out" | awk '{print $2}')
start b
start c
field() { curl -s -H "Authorization: Bearer $TOKEN" "$1/v1/cluster" | python3 -c \
  "import sys,json; d=json.load(sys.stdin); print(d['log']['writer'] or '', d['log']['epoch'], d['self'])"; }
for r in $(seq 1 "$ROUNDS"); do
  sleep 2
  read -r W E _ < <(field "${URLS[a]}") || true
  for m in a b c; do read -r _ _ SELF < <(field "${URLS[$m]}"); [ "$SELF" = "$W" ] && VICTIM=$m; done
  for m in a b c; do [ "$m" != "$VICTIM" ] && WATCH=$m; done
  T0=$(date +%s%N)
  kill -9 "${PID[$VICTIM]}"
  while :; do
    read -r W2 E2 < <(psql -Atc "SELECT holder || ' ' || epoch FROM $SCHEMA.cluster_lease \
      WHERE name = 'log' AND expires > clock_timestamp()" | tr '|' ' ')
    if [ -n "${W2:-}" ] && [ "$W2" != "$W" ] && [ "$E2" -gt "$E" ]; then break; fi
    sleep 0.02
  done
  echo "round $r: killed $W (epoch $E), $W2 took over (epoch $E2) after $(( ($(date +%s%N) - T0) / 1000000 )) ms"
  start "$VICTIM"
done
uptime
