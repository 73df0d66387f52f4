#!/bin/bash
# all10m.sh: the whole 10M member run, to be started under the machine's lock:
#   flock /tmp/bigrun.lock nice -n 10 docs/benchmarks/member-checkpoints/all10m.sh
# Imports the 10M ledger into PostgreSQL schema $SCHEMA (skipped when SKIP_IMPORT=1), then runs
# run10m.sh (three members, the log brought level, restarts with and without a checkpoint, the
# moves, decisions). Everything goes to $MC_DIR (default /tmp/member10m).
H=$(cd "$(dirname "$0")" && pwd)
export MC_DIR=${MC_DIR:-/tmp/member10m} SCHEMA=${SCHEMA:-member10m_10m}
D=$MC_DIR; URL='jdbc:postgresql://127.0.0.1:5432/test?user=postgres'
pgcpu() { # CPU-s of every PostgreSQL process alive now (exited backends are missed)
  for p in $(pgrep -x postgres); do awk '{s+=$14+$15} END {printf "%d ", s}' /proc/$p/stat 2>/dev/null; done |
    awk '{for(i=1;i<=NF;i++) s+=$i} END {printf "%.1f", s/100}'; }
echo "lock taken $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "${SKIP_IMPORT:-0}" != 1 ]; then
  psql -h 127.0.0.1 -U postgres -d test -Atqc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE"
  rm -rf $D/gen; pg0=$(pgcpu)
  /usr/bin/time -f 'import wall_s=%e user_s=%U sys_s=%S maxrss_kb=%M' \
    java -Xmx4g -jar $D/new.jar bench scale --events 10000000 --batch 5000 --no-open \
      --db "$URL" --schema $SCHEMA --data $D/gen > $D/import.json 2> $D/import.err
  echo "import rc=$? $(tail -1 $D/import.err) postgres_cpu_s(live procs)=$(echo "$(pgcpu) - $pg0" | bc) load $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%T)"
  cat $D/import.json; echo
  rm -rf $D/gen
fi
bash $H/run10m.sh
echo "driver end $(date -u +%T)"
