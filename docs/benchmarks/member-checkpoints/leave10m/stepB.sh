#!/bin/bash
D=/tmp/leave10m
echo "lock $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
H=/work/leavefast/docs/benchmarks/member-checkpoints
python3 $H/owned.py 18361 $(cat $D/op10) leave10m_10m 900 > $D/owned.txt
IDC=$(cat $D/c/cluster/member-id); grep "^$IDC " $D/owned.txt | awk '{print $2}' > $D/c.ids
echo "contents of c's accounts: $(wc -l < $D/c.ids) of $(wc -l < $D/owned.txt)"
$D/leave.sh new TERM
$D/startc.sh "c rejoins"
$D/restart.sh a 18361 main.jar
$D/restart.sh b 18362 main.jar
$D/leave.sh old TERM
echo "done $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
