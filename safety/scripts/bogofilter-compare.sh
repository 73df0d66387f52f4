#!/usr/bin/env bash
# Side by side: the Covenant invite scanner and bogofilter, trained and tested on the same
# deterministic splits: the random split (HoldoutSplit.STANDARD: SHA-256 of salt and id, 20 %
# held out) and the drift split (TimeSplit.STANDARD: the newest 20 % of each label by the Date
# header held out, training only on older mail).
#
#   safety/scripts/bogofilter-compare.sh [CORPUS.jsonl.gz]
#
# Needs Java 17 and Maven; installs bogofilter with apt-get when it is missing (Debian package
# bogofilter). Prints one JSON line per split and filter with split, n, precision, recall, f1,
# fpr and the confusion counts. bogofilter runs with its
# built-in defaults (-C: no config file; spam_cutoff 0.99, ham_cutoff 0.45): "unsure" (U) counts
# as delivered (not flagged) in the main line and as flagged in the second bogofilter line.
# WORK=DIR keeps the exported split and the bogofilter database there (default: a temp dir);
# SPLITS="random time" picks the splits (default both); SALT=S makes "random" another 20 % draw
# (default: the standard one, covenant-safety-holdout-v1).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
data=${1:-$root/../shared/data/spamassassin/dev.jsonl.gz}
work=${WORK:-$(mktemp -d)}
data=$(cd "$(dirname "$data")" && pwd)/$(basename "$data")

if ! command -v bogofilter >/dev/null; then
  echo "bogofilter not found: installing the Debian package" >&2
  as_root=()
  [ "$(id -u)" -eq 0 ] || as_root=(sudo)
  "${as_root[@]}" apt-get install -y bogofilter >&2 \
    || { "${as_root[@]}" apt-get update >&2 && "${as_root[@]}" apt-get install -y bogofilter >&2; }
fi

cd "$root"
mvn -B -q -pl safety compile
mvn -B -q -pl safety dependency:build-classpath -Dmdep.outputFile="$work/classpath.txt" >/dev/null
cp="$root/safety/target/classes:$(cat "$work/classpath.txt")"

# bogofilter exits 0 (spam), 1 (ham) or 2 (unsure) for the last message it saw; 3 is an error
bogo() {
  local status=0
  bogofilter "$@" || status=$?
  if [ "$status" -ge 3 ]; then
    echo "bogofilter $* failed with status $status" >&2
    exit 1
  fi
}

metrics() { # $1: filter name, $2: what U counts as (ham|spam), $3: split label
  awk -v name="$1" -v unsure="$2" -v splitname="$3" -v train_ms="$(( (trained - start) / 1000000 ))" \
      -v classify_ms="$(( (classified - trained) / 1000000 ))" '
    {
      truth = ($1 ~ /^test\/spam\//) ? "spam" : "ham"
      flagged = ($2 == "S") || ($2 == "U" && unsure == "spam")
      if (truth == "spam" && flagged) tp++
      else if (truth == "spam") fn++
      else if (flagged) fp++
      else tn++
    }
    END {
      n = tp + fp + tn + fn
      p = (tp + fp) ? tp / (tp + fp) : 0
      r = (tp + fn) ? tp / (tp + fn) : 0
      f1 = (2 * tp + fp + fn) ? 2 * tp / (2 * tp + fp + fn) : 0
      fpr = (fp + tn) ? fp / (fp + tn) : 0
      printf "{\"split\":\"%s\",\"filter\":\"%s\",\"n\":%d,\"precision\":%.4f,\"recall\":%.4f,\"f1\":%.4f,", splitname, name, n, p, r, f1
      printf "\"fpr\":%.4f,\"tp\":%d,\"fp\":%d,\"tn\":%d,\"fn\":%d,\"train_ms\":%d,\"classify_ms\":%d}\n", fpr, tp + 0, fp + 0, tn + 0, fn + 0, train_ms, classify_ms
    }' "$work/bogofilter-results.txt"
}


compare() { # $1: split name as CorpusSplit.parse reads it, $2: its label in the output
  cd "$root"
  rm -rf "$work/split" "$work/db"
  mkdir -p "$work/db"
  java -cp "$cp" org.covenant.safety.SplitExport "$data" "$work/split" "$1" >&2
  cd "$work/split"
  start=$(date +%s%N)
  find train/spam -type f | sort | bogo -C -d "$work/db" -s -b
  find train/ham -type f | sort | bogo -C -d "$work/db" -n -b
  trained=$(date +%s%N)
  find test -type f | sort | bogo -C -d "$work/db" -T -b > "$work/bogofilter-results.txt"
  classified=$(date +%s%N)
  cd "$root"
  java -cp "$cp" org.covenant.safety.QualityReport "$data" "$1" | sed "s/^{/{\"split\":\"$2\",/"
  metrics bogofilter-unsure-as-ham ham "$2"
  metrics bogofilter-unsure-as-spam spam "$2"
}

for s in ${SPLITS:-random time}; do
  case $s in
    random) compare "${SALT:-random}" "random${SALT:+:$SALT}" ;;
    time) compare time time ;;
    *) echo "unknown split $s: use random or time" >&2; exit 2 ;;
  esac
done
echo "last split and bogofilter database in $work" >&2
