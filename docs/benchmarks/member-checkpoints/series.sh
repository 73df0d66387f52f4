#!/bin/bash
# series.sh SCHEMA ROUNDS: rolling restarts of member c (own checkpoint / none / fresh id)
SCHEMA=$1; ROUNDS=${2:-2}
D=${MC_DIR:-/tmp/memberckpt}; OP=$(cat $D/op)
PSQL="psql -h 127.0.0.1 -U postgres -d test -Atq"
cpu() { awk '{printf "%.2f", ($14+$15)/100}' /proc/$(cat $D/$1.pid)/stat; }
moves() { grep -c "owners now" $D/$1.err; }
waitmove() { # waitmove member count_before
  for i in $(seq 1 600); do [ $(moves $1) -gt $2 ] && return; sleep 0.2; done; echo "no move on $1"; }
stopc() { # stopc [NAME]
  n=${1:-c}
  ma=$(moves a); mb=$(moves b); ca=$(cpu a); cb=$(cpu b); t0=$(date +%s.%N)
  kill $(cat $D/$n.pid); while kill -0 $(cat $D/$n.pid) 2>/dev/null; do sleep 0.1; done
  waitmove a $ma; waitmove b $mb; sleep 1
  echo "  c left: a gains: $(grep 'owners now' $D/a.err | tail -1 | grep -o 'moved in [0-9]* ms') cpu+$(echo "$(cpu a) - $ca" | bc) | b gains: $(grep 'owners now' $D/b.err | tail -1 | grep -o 'moved in [0-9]* ms') cpu+$(echo "$(cpu b) - $cb" | bc) | load $(cut -d' ' -f1 /proc/loadavg)"
}
startc() { # startc DIRNAME label
  ma=$(moves a); mb=$(moves b); ca=$(cpu a); cb=$(cpu b)
  mv -f $D/$1.err $D/$1.err.prev 2>/dev/null
  echo "  [$2] $($D/member.sh $1 18103 $SCHEMA)"
  waitmove a $ma; waitmove b $mb; sleep 1
  echo "  c joined: a loses: $(grep 'owners now' $D/a.err | tail -1 | grep -o 'moved in [0-9]* ms') cpu+$(echo "$(cpu a) - $ca" | bc) | b loses: $(grep 'owners now' $D/b.err | tail -1 | grep -o 'moved in [0-9]* ms') cpu+$(echo "$(cpu b) - $cb" | bc)"
}
for r in $(seq 1 $ROUNDS); do
  echo "round $r $(date -u +%T)"
  stopc; startc c own
  stopc
  $PSQL -c "DROP TABLE IF EXISTS $SCHEMA.mc_bak; CREATE TABLE $SCHEMA.mc_bak AS SELECT * FROM $SCHEMA.member_checkpoint; DELETE FROM $SCHEMA.member_checkpoint"
  startc c none
  $PSQL -c "INSERT INTO $SCHEMA.member_checkpoint SELECT * FROM $SCHEMA.mc_bak ON CONFLICT DO NOTHING"
  stopc
  rm -rf $D/cfresh; startc cfresh other
  stopc cfresh
  startc c own
done
