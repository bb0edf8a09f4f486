#!/usr/bin/env bash
# identify on row shards (docs/sharded_inputs.md) gives files byte-identical to the single-process run:
# every metric, each with --bootstrap (its identification files included) and one without, on shards of
# unequal size (one of a single row), in one process with small blocks and, when MPI is built in, under mpirun -np 1, 2 and 3 (oversubscribed).
# Bad shards (corrupt, another width, missing) fail with one line naming the rank and the file, exit 1,
# and leave no output. The JSON reports are compared without their metadata, input and output paths and
# the bootstrap's wall time.
# Usage: test_identify_sharded.sh NEURONCERT PYTHON WITH_MPI(ON|OFF)
set -euo pipefail
exe="$1"; python="$2"; with_mpi="$3"
work="$(mktemp -d)"
trap '[ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }

"$python" - <<'PY'
import os, numpy as np
rng = np.random.default_rng(7)
n, F, C = 403, 23, 9
A = rng.normal(size=(n, F)).astype(np.float32)
A[:, 5] = np.round(A[:, 5])                        # ties
Y = (rng.random((n, C)) < 0.15).astype(np.uint8)
A[:, :6] += 1.2 * Y[:, :6]
P = np.clip(rng.beta(0.5, 2.0, size=(n, C)), 0, 1)  # concept probabilities for the layer metrics
np.save("acts.npy", A); np.save("concepts.npy", Y); np.save("probs.npy", P)
os.makedirs("shards"); os.makedirs("pshards")
cuts = [0, 150, 151, 251, 403]                      # 150, 1, 100 and 152 rows
for k in range(4):
    np.save(f"shards/part_{k:02d}.npy", A[cuts[k]:cuts[k + 1]])
    np.save(f"pshards/part_{k:02d}.npy", P[cuts[k]:cuts[k + 1]])
# The binary concepts as a CSR directory, indices unsorted within rows, as SciPy may leave them.
os.makedirs("y.csr")
rows = [np.flatnonzero(Y[i])[::-1] for i in range(n)]
np.save("y.csr/indptr.npy", np.concatenate([[0], np.cumsum([len(r) for r in rows])]).astype(np.int64))
np.save("y.csr/indices.npy", np.concatenate(rows).astype(np.int32))
np.save("y.csr/shape.npy", np.array([n, C], dtype=np.int64))
PY

same_json() {  # the reports agree except where they say how they were run
  "$python" - "$1" "$2" <<'PY' || fail "$1 and $2 differ"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for j in (a, b):
    j.pop("metadata"); j["inputs"].pop("activations"); j["inputs"].pop("concepts")
    if "bootstrap" in j: j["bootstrap"].pop("seconds"); j["bootstrap"].pop("files")
sys.exit(0 if a == b else 1)
PY
}
same_outputs() {  # reference prefix, other prefix
  for f in .csv _bootstrap.csv _be_sets.csv; do
    if [ -e "$1$f" ]; then cmp -s "$1$f" "$2$f" || fail "$2$f differs from $1$f"; fi
  done
  same_json "$1.json" "$2.json"
}
mpi=()
if [ "$with_mpi" = ON ]; then
  mpi=(mpirun -q --allow-run-as-root --oversubscribe --mca btl_vader_single_copy_mechanism none -np)
fi

runs=0
for metric in accuracy recall precision iou f1 auroc auprc correlation mad wpmi; do
  boot=(--bootstrap 12 --seed 3 --threshold 10)
  "$exe" identify --activations acts.npy --concepts concepts.npy --metric "$metric" "${boot[@]}" --out "ref_$metric" >/dev/null
  "$exe" identify --activations-shards shards --concepts y.csr --metric "$metric" "${boot[@]}" --block-neurons 4 \
    --out "s1_$metric" >/dev/null
  same_outputs "ref_$metric" "s1_$metric"; runs=$((runs + 1))
  if [ "$with_mpi" = ON ]; then
    for R in 1 2 3; do
      "${mpi[@]}" "$R" "$exe" identify --activations-shards shards/part_00.npy,shards/part_01.npy,shards/part_02.npy,shards/part_03.npy \
        --concepts-shards y.csr --metric "$metric" "${boot[@]}" --block-neurons $((R + 2)) --threads 1 --out "mpi${R}_$metric" >/dev/null
      same_outputs "ref_$metric" "mpi${R}_$metric"; runs=$((runs + 1))
    done
  fi
done

# Without --bootstrap (the writer's other path), once per mode.
"$exe" identify --activations acts.npy --concepts concepts.npy --metric auroc --out ref_plain >/dev/null
"$exe" identify --activations-shards shards --concepts y.csr --metric auroc --block-neurons 6 --out s1_plain >/dev/null
same_outputs ref_plain s1_plain; runs=$((runs + 1))
if [ "$with_mpi" = ON ]; then
  "${mpi[@]}" 3 "$exe" identify --activations-shards shards --concepts y.csr --metric auroc --threads 1 --out mpi3_plain >/dev/null
  same_outputs ref_plain mpi3_plain; runs=$((runs + 1))
fi

# The layer metrics: one block of one process gives the single-process files; split, they are refused.
for metric in soft_wpmi cd_wpmi; do
  "$exe" identify --activations acts.npy --concepts probs.npy --metric "$metric" --top-k 20 --bootstrap 12 --seed 3 \
    --out "ref_$metric" >/dev/null
  "$exe" identify --activations-shards shards --concepts-shards pshards --metric "$metric" --top-k 20 --bootstrap 12 \
    --seed 3 --out "s1_$metric" >/dev/null
  same_outputs "ref_$metric" "s1_$metric"; runs=$((runs + 1))
  set +e
  err="$("$exe" identify --activations-shards shards --concepts-shards pshards --metric "$metric" --top-k 20 \
         --block-neurons 4 --out "split_$metric" 2>&1 >/dev/null)"; rc=$?
  set -e
  [ "$rc" -eq 2 ] && [[ "$err" == *"--metric $metric: a layer metric"* ]] || fail "split $metric: rc $rc, '$err'"
done

# Bad shards: one line naming the rank and the file, exit 1, nothing written.
"$python" - <<'PY'
import numpy as np, shutil
raw = open("shards/part_03.npy", "rb").read()
open("corrupt.npy", "wb").write(raw[: len(raw) // 2])
a = np.load("shards/part_02.npy"); np.save("wide.npy", np.hstack([a, a[:, :1]]))
PY
check_failure() {  # name expected-text command...
  local name="$1" want="$2"; shift 2
  set +e
  err="$("$@" --concepts y.csr --metric accuracy --out "bad_$name" 2>&1 >/dev/null)"; rc=$?
  set -e
  [ "$rc" -eq 1 ] || fail "$name: exit $rc, want 1 ($err)"
  [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "$name: more than one line: $err"
  [[ "$err" == *"$want"* ]] || fail "$name: '$err' does not say '$want'"
  ! ls bad_"$name"* >/dev/null 2>&1 || fail "$name: left $(ls bad_"$name"*)"
}
shards3="shards/part_00.npy,shards/part_01.npy,shards/part_02.npy"
check_failure corrupt "corrupt.npy: truncated data" "$exe" identify --activations-shards "$shards3,corrupt.npy"
check_failure width "wide.npy: 24 columns" "$exe" identify --activations-shards "shards/part_00.npy,wide.npy"
check_failure missing "nothere.npy: cannot open" "$exe" identify --activations-shards "$shards3,nothere.npy"
if [ "$with_mpi" = ON ]; then
  # Three ranks over four shards: rank r owns shards [4r/3, 4(r+1)/3), so part 3 is rank 2's, part 2 rank 1's.
  check_failure mpi_corrupt "rank 2: corrupt.npy: truncated data" "${mpi[@]}" 3 "$exe" identify --activations-shards "$shards3,corrupt.npy"
  check_failure mpi_width "rank 1: wide.npy: 24 columns" "${mpi[@]}" 2 "$exe" identify --activations-shards "shards/part_00.npy,wide.npy"
  check_failure mpi_missing "rank 2: nothere.npy: cannot open" "${mpi[@]}" 3 "$exe" identify --activations-shards "$shards3,nothere.npy"
fi
echo "identify on shards: $runs runs byte-identical to one process; bad shards refused"
