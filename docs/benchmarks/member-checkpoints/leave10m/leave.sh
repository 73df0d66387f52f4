#!/bin/bash
# leave.sh LABEL SIGNAL: with a, b, c running (ports 18361..3), c leaves by SIGNAL (TERM|KILL);
# a client decides about c's accounts through a meanwhile (probe.py); prints a's and b's move
# lines (the member's own timing) and their process CPU over the move.
LABEL=$1; SIG=$2
export MC_DIR=/tmp/leave10m; D=$MC_DIR; H=/work/leavefast/docs/benchmarks/member-checkpoints
OP=$(cat $D/op10); P=18361
cpu() { awk '{printf "%.2f", ($14+$15)/100}' /proc/$(cat $D/$1.pid)/stat; }
moves() { grep -c "owners now" $D/$1.err; }
waitmove() { for i in $(seq 1 3000); do [ $(moves $1) -gt $2 ] && return; sleep 0.2; done; echo "no move on $1"; }
echo "[$LABEL] c leaves by SIG$SIG $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
psql -h 127.0.0.1 -U postgres -d test -Atqc "select member, position, length(body), written_at from leave10m_10m.member_checkpoint order by written_at" | tail -6
ma=$(moves a); mb=$(moves b); ca=$(cpu a); cb=$(cpu b)
rm -f $D/probe.stop; python3 $H/probe.py $P $OP $D/c.ids $D/probe.stop > $D/probe.out & PROBE=$!
sleep 2
t0=$(date +%s.%N)
kill -$SIG $(cat $D/c.pid); while kill -0 $(cat $D/c.pid) 2>/dev/null; do sleep 0.1; done
echo "  c gone after $(echo "$(date +%s.%N) - $t0" | bc | cut -c1-5) s"
waitmove a $ma; waitmove b $mb; sleep 1
touch $D/probe.stop; wait $PROBE
echo "  cpu over the move: a +$(echo "$(cpu a) - $ca" | bc), b +$(echo "$(cpu b) - $cb" | bc); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  a: $(grep 'owners now' $D/a.err | tail -1 | sed 's/.*(moved in/moved in/' | sed 's/in PostgreSQL table [^(]*//')"
echo "  b: $(grep 'owners now' $D/b.err | tail -1 | sed 's/.*(moved in/moved in/' | sed 's/in PostgreSQL table [^(]*//')"
echo "  probe through a about c's accounts: $(cat $D/probe.out)"
grep -h "ignoring projection checkpoint" $D/a.err $D/b.err | tail -3
