#!/usr/bin/env bash
# Benchmark of the main job: the full `neuroncert figures` workload (every experiment at the
# paper's settings, real-data jobs included) with 2 worker threads, from a cold activation cache.
# Prints the wall time of each job and the total. Usage: bench/figures_workload.sh [BUILD_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
start=$(date +%s.%N)
"$build/apps/neuroncert" figures --out "$out" --threads 2 2> "$out/progress.log" > /dev/null
end=$(date +%s.%N)
# Each progress line is "[k/N] job running (S s elapsed)"; job k took elapsed(k+1) - elapsed(k).
awk -v start="$start" -v end="$end" 'BEGIN { n = 0 }
  /running/ { name[n] = $2; t[n++] = substr($4, 2) + 0 }
  END {
    total = end - start
    for (i = 0; i < n; ++i) printf "%-16s %6.0f s\n", name[i], (i + 1 < n ? t[i + 1] : total) - t[i]
    printf "%-16s %6.1f s (2 threads)\n", "total", total
  }' "$out/progress.log"
