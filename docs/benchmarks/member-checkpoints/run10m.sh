#!/bin/bash
# The 10M member measurements (under /tmp/bigrun.lock): start three members on memberckpt_10m,
# let the log cover the ledger and every member checkpoint its share, then rolling restarts of
# c10 with and without its checkpoint, the moves on a10/b10, and decisions through a10.
D=${MC_DIR:-/tmp/memberckpt}; S=memberckpt_10m; export HEAP=3g
PSQL="psql -h 127.0.0.1 -U postgres -d test -Atq"
echo "begin $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf $D/a10 $D/b10 $D/c10
$D/member.sh a10 18201 $S
grep -o 'operator    cov_[^ ]*' $D/a10.out | awk '{print $2}' > $D/op10
OP=$(cat $D/op10)
$D/member.sh b10 18202 $S
$D/member.sh c10 18203 $S
echo "three up $(date -u +%T)"
for i in $(seq 1 720); do
  n=$($PSQL -c "select count(*) from $S.member_checkpoint where position = 10000000")
  sz=$(curl -s -H "Authorization: Bearer $OP" localhost:18201/v1/cluster | python3 -c 'import json,sys; print(json.load(sys.stdin)["log"]["size"])')
  [ "$n" -ge 3 ] && break
  [ $((i % 6)) = 0 ] && echo "  $(date -u +%T) log size $sz, checkpoints at 10M: $n"
  sleep 5
done
sleep 10   # a tick for the last writes to finish
$PSQL -c "select member, position, length(body), written_at from $S.member_checkpoint order by written_at"
grep -h "written in" $D/a10.err $D/b10.err $D/c10.err
echo "decisions through a10 $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 $D/dec.py 18201 $OP $S 2000
$D/series10.sh $S ${ROUNDS:-1}
echo "end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
for m in a10 b10 c10; do kill $(cat $D/$m.pid) 2>/dev/null; done
