#!/bin/bash
# series10.sh SCHEMA ROUNDS: with a10, b10, c10 running (run10m.sh), stops c10 (SIGTERM) and
# starts it again with its own checkpoint, stops it, moves the checkpoint rows aside and starts
# it without one. Prints c10's time to ready (member.sh), a10's and b10's moves (wall as the
# member prints it, process CPU-s meanwhile) and what a client deciding about c10's accounts
# through a10 saw during each move (probe.py).
H=$(cd "$(dirname "$0")" && pwd)
SCHEMA=$1; ROUNDS=${2:-1}; P=${PORT0:-18261}
D=${MC_DIR:-/tmp/member10m}; OP=$(cat $D/op10)
PSQL="psql -h 127.0.0.1 -U postgres -d test -Atq"
cpu() { awk '{printf "%.2f", ($14+$15)/100}' /proc/$(cat $D/$1.pid)/stat; }
moves() { grep -c "owners now" $D/$1.err; }
waitmove() { # waitmove member count_before
  for i in $(seq 1 3000); do [ $(moves $1) -gt $2 ] && return; sleep 0.2; done; echo "no move on $1"; }
probe() { rm -f $D/probe.stop; python3 $H/probe.py $P $OP $D/c.ids $D/probe.stop > $D/probe.out & PROBE=$!; }
probed() { touch $D/probe.stop; wait $PROBE; echo "  client through a10 about c10's accounts: $(cat $D/probe.out)"; }
stopc() {
  ma=$(moves a10); mb=$(moves b10); ca=$(cpu a10); cb=$(cpu b10); probe
  kill $(cat $D/c10.pid); while kill -0 $(cat $D/c10.pid) 2>/dev/null; do sleep 0.1; done
  waitmove a10 $ma; waitmove b10 $mb; sleep 1; probed
  echo "  c left: a gains: $(grep 'owners now' $D/a10.err | tail -1 | grep -o 'moved in [0-9]* ms') cpu+$(echo "$(cpu a10) - $ca" | bc) | b gains: $(grep 'owners now' $D/b10.err | tail -1 | grep -o 'moved in [0-9]* ms') cpu+$(echo "$(cpu b10) - $cb" | bc) | load $(cut -d' ' -f1 /proc/loadavg)"
}
startc() { # startc label: a10's and b10's CPU and the probe from c10's open done (before it
  # announces itself, which starts the moves) until both moved
  ma=$(moves a10); mb=$(moves b10)
  mv -f $D/c10.err $D/c10.err.prev 2>/dev/null
  $H/member.sh c10 $((P+2)) $SCHEMA > $D/c10.ready & MPID=$!
  until grep -q 'opened its projection' $D/c10.err 2>/dev/null || ! kill -0 $MPID 2>/dev/null; do sleep 0.1; done
  ca=$(cpu a10); cb=$(cpu b10); probe
  wait $MPID; echo "  [$1] $(cat $D/c10.ready)"
  waitmove a10 $ma; waitmove b10 $mb; sleep 1; probed
  pid=$(cat $D/c10.pid); jcmd $pid GC.run >/dev/null; jcmd $pid GC.run >/dev/null
  echo "  c joined: a loses: $(grep 'owners now' $D/a10.err | tail -1 | grep -o 'moved in [0-9]* ms') cpu+$(echo "$(cpu a10) - $ca" | bc) | b loses: $(grep 'owners now' $D/b10.err | tail -1 | grep -o 'moved in [0-9]* ms') cpu+$(echo "$(cpu b10) - $cb" | bc) | c10 heap $(jcmd $pid GC.heap_info | grep -o 'used [0-9]*K' | head -1)"
}
for r in $(seq 1 $ROUNDS); do
  echo "round $r $(date -u +%T)"
  stopc; startc own
  stopc
  $PSQL -c "DROP TABLE IF EXISTS $SCHEMA.mc_bak; CREATE TABLE $SCHEMA.mc_bak AS SELECT * FROM $SCHEMA.member_checkpoint; DELETE FROM $SCHEMA.member_checkpoint"
  startc none
  $PSQL -c "INSERT INTO $SCHEMA.member_checkpoint SELECT * FROM $SCHEMA.mc_bak ON CONFLICT DO NOTHING"
done
