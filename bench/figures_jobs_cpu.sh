#!/usr/bin/env bash
# Per-job wall and CPU time of the main job (`neuroncert figures`), for a busy machine where wall
# time alone is noisy: each job runs as `figures --only JOB` in turn, in the figures' order, into
# one output folder that starts empty (so the activation cache is cold for the first real-data job
# and reused after, exactly as in one `figures` run). Prints wall, user and system seconds per job,
# the synthetic and real-data subtotals and the load average before and after.
# Usage: bench/figures_jobs_cpu.sh [BUILD_DIR] [THREADS] [JOB...]   (default: build, 2, every job)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
threads="${2:-2}"
shift $(( $# > 2 ? 2 : $# )) || true
bin="$build/apps/neuroncert"
[[ -x "$bin" ]] || { echo "no $bin: build first" >&2; exit 1; }
if (( $# > 0 )); then
  jobs=("$@")
else
  # The job list, in order, from the command itself (its error message names every known job).
  known="$({ "$bin" figures --only "?" --out /nonexistent 2>&1 || true; } | sed -n "s/.*(known: \(.*\)).*/\1/p")"
  [[ -n "$known" ]] || { echo "cannot list the figures jobs" >&2; exit 1; }
  IFS=', ' read -r -a jobs <<< "$known"
fi
synthetic=" exp1 auroc-rate exp2 validate gaussian be-coverage "
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)  (threads $threads, $(nproc) cores)"
printf '%-14s %8s %8s %8s\n' job wall_s user_s sys_s
sw=0; su=0; ss=0; rw=0; ru=0; rs=0
for job in "${jobs[@]}"; do
  /usr/bin/time -f '%e %U %S' -o "$out/time" "$bin" figures --only "$job" --out "$out" --threads "$threads" \
    > /dev/null 2>> "$out/progress.log"
  read -r w u s < "$out/time"
  printf '%-14s %8.1f %8.1f %8.1f\n' "$job" "$w" "$u" "$s"
  if [[ "$synthetic" == *" $job "* ]]; then
    sw=$(echo "$sw + $w" | bc); su=$(echo "$su + $u" | bc); ss=$(echo "$ss + $s" | bc)
  else
    rw=$(echo "$rw + $w" | bc); ru=$(echo "$ru + $u" | bc); rs=$(echo "$rs + $s" | bc)
  fi
done
printf '%-14s %8.1f %8.1f %8.1f\n' synthetic "$sw" "$su" "$ss"
printf '%-14s %8.1f %8.1f %8.1f\n' real-data-jobs "$rw" "$ru" "$rs"
printf '%-14s %8.1f %8.1f %8.1f\n' total "$(echo "$sw + $rw" | bc)" "$(echo "$su + $ru" | bc)" "$(echo "$ss + $rs" | bc)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
