#!/bin/bash
# usage: threadcpu.sh PID OUTFILE  -- samples per-thread cumulative CPU (utime+stime ticks) until PID exits
pid=$1; out=$2
while kill -0 $pid 2>/dev/null; do
  snap=$(for t in /proc/$pid/task/*; do
    [ -r $t/stat ] || continue
    name=$(cat $t/comm 2>/dev/null)
    s=$(cat $t/stat 2>/dev/null | sed 's/.*) //')
    set -- $s
    echo "$(basename $t)|$name|${12}|${13}"
  done)
  [ -n "$snap" ] && echo "$snap" > $out.tmp && mv $out.tmp $out.last && cat $out.last >> $out.all
  sleep 2
done
