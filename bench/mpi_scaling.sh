#!/usr/bin/env bash
# identify past one process: n = 400,000 samples x F = 4,096 float32 neurons (6.1 GiB in 40 row shards),
# |C| = 2,000 sparse concepts, run in one process and with mpirun -np 2 (docs/sharded_inputs.md). Prints a
# Markdown table (wall time, time per neuron, planned and measured peak memory per rank) and checks that
# the first 256 neurons equal a plain single-process run on a subset file that holds only them.
# Usage: bench/mpi_scaling.sh [DATA_DIR] [METRIC] (DATA_DIR default /tmp/nc-mpi-bench, made by
# bench/make_shards.py when absent; about 7 GiB of disk). Run on a quiet machine.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
data="${1:-/tmp/nc-mpi-bench}"; metric="${2:-accuracy}"
exe="${NEURONCERT_EXE:-$root/build/apps/neuroncert}"
py=/usr/bin/python3
[ -d "$data/shards" ] || "$py" "$root/bench/make_shards.py" "$data"
cd "$data"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
run() {  # label ranks threads-per-rank command...
  local label="$1" ranks="$2" threads="$3"; shift 3
  local start end
  start=$(date +%s.%N)
  "$@" --threads "$threads" --activations-shards shards --concepts concepts.csr --metric "$metric" --rank-memory 3G --out "$label" > "$label.log"
  end=$(date +%s.%N)
  local wall; wall=$(echo "$end - $start" | bc)
  local planned measured rounds
  planned=$(sed -n 's/.*memory per rank (planned): \([0-9.]* [GM]iB\) at the peak.*/\1/p' "$label.log")
  measured=$(sed -n 's/.*peak resident memory per rank (measured): //p' "$label.log")
  rounds=$(sed -n 's/.*: up to \([0-9]*\) neurons each, in \([0-9]*\) rounds\{0,1\} of \([0-9]*\) neurons/\2 x \3/p' "$label.log")
  printf '| %s | %d x %d | %s | %.1f | %.1f | %s | %s |\n' "$label" "$ranks" "$threads" "$rounds" "$wall" \
    "$(echo "$wall * $ranks * $threads * 1000 / 4096" | bc -l)" "$planned" "$measured"
}
echo "| run | ranks x threads | rounds x block | wall s | core-ms per neuron | planned peak per rank | measured peak per rank |"
echo "|---|---|---|---|---|---|---|"
run one_process 1 2 "$exe" identify
run mpirun_np2 2 1 mpirun -q --allow-run-as-root -np 2 "$exe" identify
cmp one_process.csv mpirun_np2.csv && echo "one process and mpirun -np 2: identical CSV" >&2
# A subset that fits in one process as a plain .npy: the first 256 neurons.
"$py" -c "
import numpy as np, glob
np.save('subset.npy', np.concatenate([np.load(p, mmap_mode='r')[:, :256] for p in sorted(glob.glob('shards/*.npy'))]))"
"$exe" identify --activations subset.npy --concepts concepts.csr --metric "$metric" --out subset > /dev/null
if cmp <(head -n 257 mpirun_np2.csv) subset.csv; then
  echo "first 256 neurons: identical to the single-process run on subset.npy" >&2
else
  echo "first 256 neurons DIFFER from the single-process run on subset.npy" >&2; exit 1
fi
