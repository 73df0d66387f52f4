#!/usr/bin/env bash
# The time-ordered replay of the dev corpus with and without review feedback
# (org.covenant.safety.FeedbackReplay): prints one JSON line per batch and arm, and writes the
# recall-per-batch plot to docs/benchmarks/safety-replay.svg.
#
#   safety/scripts/feedback-replay.sh [CORPUS.jsonl.gz] [BATCHES]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
data=${1:-$root/../shared/data/spamassassin/dev.jsonl.gz}
batches=${2:-6}
work=$(mktemp -d)
cd "$root"
mvn -B -q -pl safety compile
mvn -B -q -pl safety dependency:build-classpath -Dmdep.outputFile="$work/classpath.txt" >/dev/null
java -cp "$root/safety/target/classes:$(cat "$work/classpath.txt")" \
  org.covenant.safety.FeedbackReplay "$data" "$batches" | tee "$work/replay.jsonl"
python3 "$root/safety/scripts/replay-plot.py" "$work/replay.jsonl" \
  "$root/docs/benchmarks/safety-replay.svg"
echo "plot: docs/benchmarks/safety-replay.svg" >&2
