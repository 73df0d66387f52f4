#!/bin/bash
# PostgreSQL's own CPU for a COPY of a ledger's rows (docs/BENCHMARKS.md, "Replay as a pipeline;
# PostgreSQL's key index"). usage: pgcopycpu.sh SCHEMA VARIANT  with VARIANT `two` (the key's
# UNIQUE constraint and the text_pattern_ops index, schema versions 2-3) or `one` (one unique
# text_pattern_ops index, version 4). Exports SCHEMA.ledger_event to /tmp, copies it into
# SCHEMA.copytest with that variant's indexes, prints the backend's CPU ticks (1/100 s) and
# psql's time; drops the table (the export stays for the next variant: delete it after).
set -e
schema=$1; v=$2; rows=/tmp/pgcopycpu-$schema.tsv
db() { psql -h 127.0.0.1 -U postgres -d test "$@"; }
[ -f $rows ] || db -q -c "\copy (select position, type, at, body, idempotency_key, account from $schema.ledger_event order by position) to '$rows'"
key=$([ "$v" = two ] && echo UNIQUE || true)
db -q <<SQL
DROP TABLE IF EXISTS $schema.copytest;
CREATE TABLE $schema.copytest (position BIGINT PRIMARY KEY, type TEXT NOT NULL,
  at TIMESTAMPTZ NOT NULL, body JSONB NOT NULL, idempotency_key TEXT $key,
  appended_at TIMESTAMPTZ NOT NULL DEFAULT now(), account TEXT);
CREATE $([ "$v" = one ] && echo UNIQUE) INDEX copytest_key ON $schema.copytest (idempotency_key text_pattern_ops);
CREATE INDEX copytest_account ON $schema.copytest (account, position);
SQL
out=$(mktemp)
db -At > $out 2>&1 <<SQL &
select pg_backend_pid();
\! sleep 1
\timing on
\copy $schema.copytest (position, type, at, body, idempotency_key, account) from '$rows'
\! sleep 1
SQL
sleep 0.5
pid=$(head -1 $out)
t0=$(awk '{print $14+$15}' /proc/$pid/stat); t1=$t0
while kill -0 $pid 2>/dev/null; do t1=$(awk '{print $14+$15}' /proc/$pid/stat 2>/dev/null || echo $t1); sleep 0.5; done
wait
echo "$v: backend CPU $((t1 - t0)) ticks; $(tr '\n' ' ' < $out); load $(cut -d' ' -f1-3 /proc/loadavg)"
db -q -c "DROP TABLE $schema.copytest"
rm -f $out
