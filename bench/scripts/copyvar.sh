#!/bin/bash
# copies into $X.t (X defaults to pgimport2_x; create the schema first); the DDL creates that table.
# usage: copyvar.sh NAME "COLUMN/INDEX DDL after CREATE TABLE t (...)" "COPY opts" FILE
# Backend CPU of one COPY of FILE into $X.t; WAL bytes. PERF=FILE also records the backend with perf.
name=$1; ddl=$2; opts=$3; file=$4
db() { psql -h 127.0.0.1 -U postgres -d test "$@"; }
db -q -c "DROP TABLE IF EXISTS ${X:-pgimport2_x}.t" -c "$ddl" 
out=$(mktemp)
db -At > $out 2>&1 <<SQL &
select pg_backend_pid();
select pg_current_wal_lsn();
\! sleep 1
\timing on
\copy ${X:-pgimport2_x}.t (position, type, at, body, idempotency_key, account) from '$file' $opts
select pg_current_wal_lsn();
\! sleep 1
SQL
sleep 0.5
pid=$(head -1 $out)
if [ -n "$PERF" ]; then perf record -F 499 -g -p $pid -o $PERF >/dev/null 2>&1 & fi
t0=$(awk '{print $14+$15}' /proc/$pid/stat); t1=$t0
while kill -0 $pid 2>/dev/null; do t1=$(awk '{print $14+$15}' /proc/$pid/stat 2>/dev/null || echo $t1); sleep 0.3; done
wait
l0=$(sed -n 2p $out); l1=$(grep -E '^[0-9A-F]+/[0-9A-F]+$' $out | tail -1)
wal=$(db -At -c "select pg_wal_lsn_diff('$l1','$l0')")
echo "$name: backend CPU $((t1 - t0)) ticks; $(grep -i time $out | tr '\n' ' '); WAL $((wal/1048576)) MiB; load $(cut -d' ' -f1-3 /proc/loadavg)"
rm -f $out
