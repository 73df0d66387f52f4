#!/bin/bash
# usage: importrun.sh LABEL JAR sqlite|pg [EVENTS]  -- one `bench scale --no-open` import, niced, in
# $RUNS/LABEL (default /tmp/importrun); with pg in schema ${SCHEMA_PREFIX:-importrun}_LABEL (dropped first).
# Prints the JSON, /usr/bin/time, per-thread CPU and the CPU of every postgres process meanwhile
# (other clients included; reaped backends through the postmaster). JOPTS adds JVM options.
label=$1; jar=$2; mode=$3; n=${4:-1000000}
d=${RUNS:-/tmp/importrun}/$label; rm -rf $d; mkdir -p $d
pgcpu() { t=0; for p in $(pgrep -x postgres); do s=$(sed 's/.*) //' /proc/$p/stat 2>/dev/null) || continue; set -- $s; t=$((t + ${12} + ${13} + ${14} + ${15})); done; echo $t; }
extra=""
if [ "$mode" = pg ]; then
  psql -q -h 127.0.0.1 -U postgres test -c "DROP SCHEMA IF EXISTS ${SCHEMA_PREFIX:-importrun}_$label CASCADE" >/dev/null
  extra="--db jdbc:postgresql://127.0.0.1:5432/test?user=postgres --schema ${SCHEMA_PREFIX:-importrun}_$label"
fi
echo "load before: $(cat /proc/loadavg)"
p0=$(pgcpu)
nice -n 10 /usr/bin/time -f "time: %e s wall %U user %S sys" java -Xmx4g ${JOPTS:-} -cp $jar org.covenant.cli.Main bench scale --events $n --data $d/data --no-open $extra > $d/out.json 2> $d/err &
sleep 0.5; jp=$(pgrep -f "^java -Xmx4g.*--data $d/data" | head -1)
"$(dirname "$0")/threadcpu.sh" $jp $d/cpu & "$(dirname "$0")/pgprocs.sh" $jp $d/pg &
wait %1
p1=$(pgcpu)
echo "load after: $(cat /proc/loadavg)"
cat $d/out.json; grep "time:" $d/err
python3 "$(dirname "$0")/sumcpu.py" $d/cpu.all
echo "postgres CPU ticks delta: $((p1 - p0)) (= $(echo "scale=2; ($p1 - $p0)/100" | bc) s)"
python3 "$(dirname "$0")/pgsum.py" $d/pg
