#!/bin/bash
# run10m.sh: the 10M member measurements (under /tmp/bigrun.lock; all10m.sh imports first).
# Three members a10, b10, c10 on $SCHEMA (ports $PORT0..+2); waits until the log covers the
# ledger's head and every member has checkpointed it; each member's live heap (after a full GC);
# decisions about a10's accounts through a10 (owner) and b10 (non-owner), alternating; then
# series10.sh: c10 restarted with and without its checkpoint, the moves on a10 and b10 and what a
# client deciding about c10's accounts sees meanwhile.
H=$(cd "$(dirname "$0")" && pwd)
export MC_DIR=${MC_DIR:-/tmp/member10m} SCHEMA=${SCHEMA:-member10m_10m} PORT0=${PORT0:-18261}
D=$MC_DIR; S=$SCHEMA; P=$PORT0; export HEAP=${HEAP:-3g}
PSQL="psql -h 127.0.0.1 -U postgres -d test -Atq"
echo "begin $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
HEAD=$($PSQL -c "select max(position) from $S.ledger_event")
echo "ledger head $HEAD"
rm -rf $D/a10 $D/b10 $D/c10 $D/a10.err $D/b10.err $D/c10.err
$H/member.sh a10 $P $S || exit 1
grep -o 'operator    cov_[^ ]*' $D/a10.out | awk '{print $2}' > $D/op10
OP=$(cat $D/op10)
$H/member.sh b10 $((P+1)) $S || exit 1
$H/member.sh c10 $((P+2)) $S || exit 1
echo "three up $(date -u +%T)"
t0=$(date +%s)
for i in $(seq 1 $(( ${MAXWAIT:-2400} / 5 ))); do
  n=$($PSQL -c "select count(distinct member) from $S.member_checkpoint where position = $HEAD")
  [ "$n" -ge 3 ] && break
  if [ $((i % 12)) = 0 ]; then
    sz=$(curl -s -H "Authorization: Bearer $OP" localhost:$P/v1/cluster | python3 -c 'import json,sys; print(json.load(sys.stdin)["log"]["size"])')
    echo "  $(date -u +%T) log size $sz, members with a checkpoint at the head: $n, load $(cut -d' ' -f1 /proc/loadavg)"
  fi
  sleep 5
done
echo "log level and checkpoints at the head after $(( $(date +%s) - t0 )) s (from three up); cpu a/b/c: $(for m in a10 b10 c10; do awk '{printf "%.1f ", ($14+$15)/100}' /proc/$(cat $D/$m.pid)/stat; done)"
sleep 10   # a tick for the last writes to finish
$PSQL -c "select member, position, length(body), written_at from $S.member_checkpoint order by written_at"
grep -h "written in\|checkpoint" $D/a10.err $D/b10.err $D/c10.err | tail -20
for m in a10 b10 c10; do
  pid=$(cat $D/$m.pid); jcmd $pid GC.run >/dev/null; jcmd $pid GC.run >/dev/null
  echo "heap $m: $(jcmd $pid GC.heap_info | grep -o 'used [0-9]*K' | head -1) rss $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
done
for m in a10 b10 c10; do
  curl -s -H "Authorization: Bearer $OP" localhost:$((P + $(echo a10 b10 c10 | tr ' ' '\n' | grep -n $m | cut -d: -f1) - 1))/v1/cluster |
    python3 -c 'import json,sys; o=json.load(sys.stdin); print("'$m'", o["self"], [(x["id"], x.get("accounts")) for x in o["members"]], o["member"].get("checkpoint"))' | tee -a $D/ids
done
IDA=$(grep '^a10 ' $D/ids | tail -1 | awk '{print $2}'); IDC=$(grep '^c10 ' $D/ids | tail -1 | awk '{print $2}')
python3 $H/owned.py $P $OP $S ${ACCOUNTS:-900} > $D/owned.txt
grep "^$IDA " $D/owned.txt | awk '{print $2}' > $D/a.ids; grep "^$IDC " $D/owned.txt | awk '{print $2}' > $D/c.ids
echo "contents: $(wc -l < $D/a.ids) of a10's accounts, $(wc -l < $D/c.ids) of c10's"
PIDS=$(cat $D/a10.pid),$(cat $D/b10.pid),$(cat $D/c10.pid)
echo "decisions about a10's accounts $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 $H/dec.py $P $OP $D/a.ids 500 $PIDS > /dev/null   # warm-up, both paths
python3 $H/dec.py $((P+1)) $OP $D/a.ids 500 $PIDS > /dev/null
for r in 1 2 3; do
  echo "  owner     $(python3 $H/dec.py $P $OP $D/a.ids ${DECN:-2000} $PIDS)"
  echo "  non-owner $(python3 $H/dec.py $((P+1)) $OP $D/a.ids ${DECN:-2000} $PIDS)"
done
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
$H/series10.sh $S ${ROUNDS:-1}
echo "end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
for m in a10 b10 c10; do kill $(cat $D/$m.pid) 2>/dev/null; done
