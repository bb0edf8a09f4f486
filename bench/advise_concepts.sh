#!/bin/sh
# Time of `neuroncert advise` for a concept set of |C| = 1000 frequencies read from a file (issue 14:
# at most 10 s on 2 cores at the default precision). Usage: bench/advise_concepts.sh [BUILD_DIR] [THREADS]
# Prints the wall time of each of three runs; run it on a quiet machine.
set -eu
build=${1:-build}
threads=${2:-2}
exe="$build/apps/neuroncert"
[ -x "$exe" ] || { echo "advise_concepts.sh: $exe not found; build it first (scripts/build)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# 1000 frequencies from 0.001 to 0.08, a neuron firing on 5% of the inputs and on 60% of its concept.
awk 'BEGIN { for (i = 0; i < 1000; i++) printf "%.8g\n", 0.001 + 0.079 * i / 999 }' > "$tmp/freq.txt"
for run in 1 2 3; do
  start=$(date +%s.%N)
  "$exe" advise --frequency-file "$tmp/freq.txt" --neuron-recall 0.6 --alpha 0.05 --n 20000 --epsilon 0.05 \
    --threads "$threads" --no-progress --out "$tmp/adv$run" > /dev/null
  end=$(date +%s.%N)
  echo "advise |C| = 1000, threads $threads, run $run: $(echo "$end - $start" | bc) s"
done
