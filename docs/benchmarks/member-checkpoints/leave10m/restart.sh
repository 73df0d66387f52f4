#!/bin/bash
# restart.sh NAME PORT JAR: SIGTERM the member, wait for the others' moves, start it on JAR
export MC_DIR=/tmp/leave10m; D=$MC_DIR; H=/work/leavefast/docs/benchmarks/member-checkpoints
N=$1; P=$2; J=$3
moves() { grep -c "owners now" $D/$1.err; }
waitmove() { for i in $(seq 1 3000); do [ $(moves $1) -gt $2 ] && return; sleep 0.2; done; echo "no move on $1"; }
others=$(echo a b c | tr ' ' '\n' | grep -v $N)
declare -A before; for o in $others; do before[$o]=$(moves $o); done
kill $(cat $D/$N.pid); while kill -0 $(cat $D/$N.pid) 2>/dev/null; do sleep 0.1; done
for o in $others; do waitmove $o ${before[$o]}; echo "  $N left ($J next), $o: $(grep 'owners now' $D/$o.err | tail -1 | sed 's/.*(moved in/moved in/' | sed 's/in PostgreSQL table [^(]*//' | cut -c1-400)"; done
for o in $others; do before[$o]=$(moves $o); done
mv -f $D/$N.err $D/$N.err.$(date +%H%M%S)
echo "  $(JAR=$J $H/member.sh $N $P leave10m_10m)"
for o in $others; do waitmove $o ${before[$o]}; echo "  $N back, $o: $(grep 'owners now' $D/$o.err | tail -1 | sed 's/.*(moved in/moved in/' | cut -c1-200)"; done
