#!/bin/bash
# usage: pgprocs.sh JAVAPID OUT -- samples every postgres process's CPU (pid|title|utime|stime) and
# the java process's TCP source ports, until JAVAPID exits.
jp=$1; out=$2; : > $out; : > $out.ports
while kill -0 $jp 2>/dev/null; do
  for p in $(pgrep -x postgres); do
    s=$(sed 's/.*) //' /proc/$p/stat 2>/dev/null) || continue; set -- $s
    t=$(tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null | cut -c1-60)
    echo "$p|$t|${12}|${13}" >> $out
  done
  ss -tnp 2>/dev/null | grep "pid=$jp," | awk '{print $4}' | sed 's/.*://' >> $out.ports
  sleep 0.5
done
