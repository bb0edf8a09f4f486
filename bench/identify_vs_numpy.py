#!/usr/bin/python3
"""neuroncert identify against its NumPy/SciPy peer, side by side in one run, on the same data.

Shape (issue 11): n probing images x F neurons, |C| concepts with frequencies log-uniform in
(1e-3, 1e-1) (CLIP-Dissect's and NetDissect's regime), float32 .npy inputs. Every neuron carries a
weak signal of one concept so the best concept is not a coin flip.

Workloads, each timed as a whole process (wall seconds and peak resident memory via /usr/bin/time):
  auroc      `neuroncert identify --metric auroc`  vs  the rank trick of Neuron_Eval (SciPy
             rankdata per column, one GEMM R^T Y, AUROC = (S - n1 (n1 + 1) / 2) / (n1 n0)).
             The chosen concept of every neuron must agree (a cross-check, not only a race).
  bootstrap  `neuroncert identify --metric auroc --bootstrap K`  vs  the same NumPy rank trick on
             K multinomial resamples (timed on a few resamples and scaled to K, printed as such),
             and the paper's own figure: 64.7 s for K = 100 on a GPU.

Usage: bench/identify_vs_numpy.py [--build DIR] [--n N] [--neurons F] [--concepts C]
                                  [--bootstrap K] [--skip-bootstrap] [--keep DIR]
Prints the machine's load average first: numbers are only comparable on a quiet machine.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

PEER_AUROC = r"""
import sys, numpy as np, scipy.stats
acts = np.load(sys.argv[1]); y = np.load(sys.argv[2])
ranks = scipy.stats.rankdata(acts, axis=0)          # mid-ranks, n x F float64
del acts
n = y.shape[0]
n1 = y.sum(axis=0, dtype=np.float64)
s = ranks.T @ y.astype(np.float64)                  # rank sums, F x |C|
auroc = (s - n1 * (n1 + 1) / 2) / (n1 * (n - n1))
np.save(sys.argv[3], np.argmax(auroc, axis=1))
"""

PEER_BOOTSTRAP = r"""
import sys, numpy as np, scipy.stats
acts = np.load(sys.argv[1]); y = np.load(sys.argv[2]).astype(np.float64); k = int(sys.argv[3])
n = y.shape[0]; rng = np.random.default_rng(0)
for _ in range(k):
    idx = rng.integers(0, n, n)
    ranks = scipy.stats.rankdata(acts[idx], axis=0)
    yy = y[idx]
    n1 = yy.sum(axis=0)
    s = ranks.T @ yy
    with np.errstate(divide="ignore", invalid="ignore"):
        auroc = (s - n1 * (n1 + 1) / 2) / (n1 * (n - n1))
    np.argmax(np.nan_to_num(auroc, nan=-1.0), axis=1)
"""

PAPER_BOOTSTRAP_SECONDS = 64.7  # the paper, K = 100, on a GPU


def timed(cmd, env=None):
    """Runs cmd under /usr/bin/time; returns (wall seconds, peak RSS in MiB)."""
    fmt_file = tempfile.NamedTemporaryFile(delete=False)
    fmt_file.close()
    start = time.monotonic()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", fmt_file.name] + cmd, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - start
    with open(fmt_file.name) as f:
        peak_kib = int(f.read().strip().splitlines()[-1])
    os.unlink(fmt_file.name)
    if proc.returncode != 0:
        sys.exit(f"identify_vs_numpy: {' '.join(cmd[:2])} failed:\n{proc.stderr}")
    return wall, peak_kib / 1024.0


def make_data(directory, n, neurons, concepts, seed=11):
    rng = np.random.default_rng(seed)
    freq = np.exp(rng.uniform(np.log(1e-3), np.log(1e-1), concepts))
    y = (rng.random((n, concepts), dtype=np.float32) < freq.astype(np.float32)).astype(np.float32)
    y[rng.integers(0, n, concepts), np.arange(concepts)] = 1.0  # no empty concept
    acts = rng.standard_normal((n, neurons), dtype=np.float32)
    acts += 0.8 * y[:, rng.integers(0, concepts, neurons)]
    np.save(os.path.join(directory, "acts.npy"), acts)
    np.save(os.path.join(directory, "concepts.npy"), y)
    return sum(os.path.getsize(os.path.join(directory, f)) for f in ("acts.npy", "concepts.npy")) / 2**20


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(root, "build"))
    ap.add_argument("--n", type=int, default=50_000)
    ap.add_argument("--neurons", type=int, default=1024)
    ap.add_argument("--concepts", type=int, default=1000)
    ap.add_argument("--bootstrap", type=int, default=100)
    ap.add_argument("--peer-resamples", type=int, default=3, help="NumPy resamples timed, then scaled to K")
    ap.add_argument("--skip-bootstrap", action="store_true")
    ap.add_argument("--keep", help="directory to keep the generated data in")
    args = ap.parse_args()
    exe = os.path.join(args.build, "apps", "neuroncert")
    if not os.access(exe, os.X_OK):
        sys.exit(f"identify_vs_numpy: --build: no executable {exe} (run scripts/build)")

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    work = args.keep or tempfile.mkdtemp(prefix="nc-bench-")
    os.makedirs(work, exist_ok=True)
    try:
        mib = make_data(work, args.n, args.neurons, args.concepts)
        acts, conc = os.path.join(work, "acts.npy"), os.path.join(work, "concepts.npy")
        print(f"data: n = {args.n}, F = {args.neurons}, |C| = {args.concepts}, float32, {mib:.0f} MiB of input files")
        out = os.path.join(work, "id")
        nc_t, nc_m = timed([exe, "identify", "--metric", "auroc", "--activations", acts, "--concepts", conc,
                            "--out", out, "--threads", "2"])
        peer_out = os.path.join(work, "peer_best.npy")
        py_t, py_m = timed(["/usr/bin/python3", "-c", PEER_AUROC, acts, conc, peer_out],
                           env=dict(os.environ, OMP_NUM_THREADS="2", OPENBLAS_NUM_THREADS="2"))
        with open(out + ".json") as f:
            ours = np.array([nr["concept"] for nr in json.load(f)["neurons"]])
        theirs = np.load(peer_out)
        agree = int((ours == theirs).sum())
        print(f"{'workload':<34}{'neuroncert':>12}{'peer':>12}{'ratio':>8}")
        print(f"{'identify auroc: wall s':<34}{nc_t:>12.2f}{py_t:>12.2f}{py_t / nc_t:>7.1f}x")
        print(f"{'identify auroc: peak MiB':<34}{nc_m:>12.0f}{py_m:>12.0f}{py_m / nc_m:>7.1f}x"
              f"   (input files {mib:.0f} MiB; neuroncert peak / inputs = {nc_m / mib:.2f})")
        print(f"  same best concept for {agree}/{len(ours)} neurons")
        if agree != len(ours):
            sys.exit("identify_vs_numpy: neuroncert and the peer disagree on the best concept")
        if not args.skip_bootstrap:
            k = args.bootstrap
            b_t, _ = timed([exe, "identify", "--metric", "auroc", "--activations", acts, "--concepts", conc,
                            "--out", out, "--threads", "2", "--bootstrap", str(k), "--no-progress"])
            pr = args.peer_resamples
            p_t, _ = timed(["/usr/bin/python3", "-c", PEER_BOOTSTRAP, acts, conc, str(pr)],
                           env=dict(os.environ, OMP_NUM_THREADS="2", OPENBLAS_NUM_THREADS="2"))
            scaled = p_t / pr * k
            print(f"{f'identify auroc --bootstrap {k}: s':<34}{b_t:>12.2f}{scaled:>12.1f}{scaled / b_t:>7.1f}x"
                  f"   (NumPy: {pr} resamples in {p_t:.1f} s, scaled to {k})")
            if k == 100:
                print(f"{'  vs the paper (GPU, K = 100)':<34}{b_t:>12.2f}{PAPER_BOOTSTRAP_SECONDS:>12.1f}"
                      f"{PAPER_BOOTSTRAP_SECONDS / b_t:>7.1f}x")
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
