#!/bin/bash
# stepA: c (whole-ledger checkpoint of its id), a, b from their own checkpoints.
export MC_DIR=/tmp/leave10m; D=$MC_DIR; H=/work/leavefast/docs/benchmarks/member-checkpoints
echo "lock $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
for m in c a b; do
  [ $m = c ] && P=18363; [ $m = a ] && P=18361; [ $m = b ] && P=18362
  mv -f $D/$m.err $D/$m.err.prev 2>/dev/null
  JAR=${JAR:-new.jar} $H/member.sh $m $P leave10m_10m || exit 1
done
grep -o 'operator    cov_[^ ]*' $D/*.out | awk '{print $2}' | head -1 > /dev/null
sleep 3
for m in a b c; do echo "$m: $(grep 'owners now' $D/$m.err | tail -1 | sed 's/.*(moved in/moved in/' | sed 's/in PostgreSQL table [^(]*//' | cut -c1-400)"; done
echo "done $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
