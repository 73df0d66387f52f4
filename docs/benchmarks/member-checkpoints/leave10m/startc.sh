#!/bin/bash
# startc.sh LABEL: starts c again (its own checkpoint) and prints its ready and a's and b's moves
export MC_DIR=/tmp/leave10m; D=$MC_DIR; H=/work/leavefast/docs/benchmarks/member-checkpoints
moves() { grep -c "owners now" $D/$1.err; }
waitmove() { for i in $(seq 1 3000); do [ $(moves $1) -gt $2 ] && return; sleep 0.2; done; echo "no move on $1"; }
ma=$(moves a); mb=$(moves b)
mv -f $D/c.err $D/c.err.$(date +%H%M%S) 2>/dev/null
echo "[$1] $($H/member.sh c 18363 leave10m_10m)"
waitmove a $ma; waitmove b $mb; sleep 1
echo "  a: $(grep 'owners now' $D/a.err | tail -1 | sed 's/.*(moved in/moved in/' | cut -c1-200)"
echo "  b: $(grep 'owners now' $D/b.err | tail -1 | sed 's/.*(moved in/moved in/' | cut -c1-200)"
