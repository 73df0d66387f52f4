#!/bin/bash
# series.sh SCHEMA ROUNDS: rolling restarts of member c (own checkpoint / none / fresh id)
SCHEMA=$1; ROUNDS=${2:-2}
D=${MC_DIR:-/tmp/memberckpt}; OP=$(cat $D/op10)
PSQL="psql -h 127.0.0.1 -U postgres -d test -Atq"
cpu() { awk '{printf "%.2f", ($14+$15)/100}' /proc/$(cat $D/$1.pid)/stat; }
moves() { grep -c "owners now" $D/$1.err; }
waitmove() { # waitmove member count_before
  for i in $(seq 1 3000); do [ $(moves $1) -gt $2 ] && return; sleep 0.2; done; echo "no move on $1"; }
stopc() { # stopc [NAME]
  n=${1:-c10}
  ma=$(moves a10); mb=$(moves b10); ca=$(cpu a10); cb=$(cpu b10); t0=$(date +%s.%N)
  kill $(cat $D/$n.pid); while kill -0 $(cat $D/$n.pid) 2>/dev/null; do sleep 0.1; done
  waitmove a10 $ma; waitmove b10 $mb; sleep 1
  echo "  c left: a gains: $(grep 'owners now' $D/a10.err | tail -1 | grep -o 'moved in [0-9]* ms') cpu+$(echo "$(cpu a10) - $ca" | bc) | b gains: $(grep 'owners now' $D/b10.err | tail -1 | grep -o 'moved in [0-9]* ms') cpu+$(echo "$(cpu b10) - $cb" | bc) | load $(cut -d' ' -f1 /proc/loadavg)"
}
startc() { # startc DIRNAME label
  ma=$(moves a10); mb=$(moves b10); ca=$(cpu a10); cb=$(cpu b10)
  mv -f $D/$1.err $D/$1.err.prev 2>/dev/null
  echo "  [$2] $($D/member.sh $1 18203 $SCHEMA)"
  waitmove a10 $ma; waitmove b10 $mb; sleep 1
  echo "  c joined: a loses: $(grep 'owners now' $D/a10.err | tail -1 | grep -o 'moved in [0-9]* ms') cpu+$(echo "$(cpu a10) - $ca" | bc) | b loses: $(grep 'owners now' $D/b10.err | tail -1 | grep -o 'moved in [0-9]* ms') cpu+$(echo "$(cpu b10) - $cb" | bc)"
}
for r in $(seq 1 $ROUNDS); do
  echo "round $r $(date -u +%T)"
  stopc; startc c10 own
  stopc
  $PSQL -c "DROP TABLE IF EXISTS $SCHEMA.mc_bak; CREATE TABLE $SCHEMA.mc_bak AS SELECT * FROM $SCHEMA.member_checkpoint; DELETE FROM $SCHEMA.member_checkpoint"
  startc c10 none
  $PSQL -c "INSERT INTO $SCHEMA.member_checkpoint SELECT * FROM $SCHEMA.mc_bak ON CONFLICT DO NOTHING"
done
