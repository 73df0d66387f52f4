#!/bin/bash
D=/tmp/leave10m
echo "lock $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
$D/startc.sh "c rejoins"
$D/restart.sh a 18361 new.jar
$D/restart.sh b 18362 new.jar
sleep 15
$D/leave.sh newkill KILL
echo "done $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
