#!/bin/bash
# member.sh NAME PORT SCHEMA [extra serve options]: starts a serve --db member in the background
# (pid in $MC_DIR/NAME.pid), waits for /readyz 200 and prints the wall to ready, the process's
# CPU-s at ready (JVM start, JIT and HTTP server included), PostgreSQL's CPU-s meanwhile (every
# postgres process alive at the end: other clients' work included, exited backends missed) and
# how the member opened its projection.
NAME=$1; PORT=$2; SCHEMA=$3; shift 3
URL='jdbc:postgresql://127.0.0.1:5432/test?user=postgres'
D=${MC_DIR:-/tmp/member10m}
pgcpu() { for p in $(pgrep -x postgres); do awk '{printf "%d ", $14+$15}' /proc/$p/stat 2>/dev/null; done |
  awk '{for(i=1;i<=NF;i++) s+=$i} END {printf "%.1f", s/100}'; }
mkdir -p $D/$NAME
pg0=$(pgcpu); t0=$(date +%s.%N)
java -Xmx${HEAP:-3g} -jar $D/${JAR:-new.jar} serve --db "$URL" --db-schema $SCHEMA --log-key $D/k/keys/log.key \
  --data $D/$NAME --port $PORT "$@" > $D/$NAME.out 2> $D/$NAME.err &
pid=$!
echo $pid > $D/$NAME.pid
while true; do
  code=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$PORT/readyz)
  [ "$code" = 200 ] && break
  kill -0 $pid 2>/dev/null || { echo "$NAME died"; tail -5 $D/$NAME.err; exit 1; }
  sleep 0.2
done
t1=$(date +%s.%N)
read ut st < <(awk '{print $14, $15}' /proc/$pid/stat)
echo "$NAME pid=$pid ready_wall_s=$(echo "$t1 - $t0" | bc) cpu_s=$(echo "($ut + $st)/100" | bc -l | cut -c1-6) pg_cpu_s=$(echo "$(pgcpu) - $pg0" | bc) load=\"$(cut -d' ' -f1-3 /proc/loadavg)\" $(grep -h 'opened its projection' $D/$NAME.err | tail -1 | sed 's/.*opened its projection //' | cut -c1-60)... $(grep -ho 'in [0-9]* ms (head [0-9]*)' $D/$NAME.err | tail -1)"
