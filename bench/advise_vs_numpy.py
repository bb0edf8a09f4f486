#!/usr/bin/python3
"""`neuroncert advise` beside a NumPy peer, in the same run (issue 14: at most 10 s for |C| = 1000).

No other tool answers advise's question, so the peer does the part of it that is a plain Monte Carlo,
the same way: Experiment 1 in the user's setting and the search for the n at which each metric's
simulated error reaches epsilon. For the 50 representative frequencies of a 1000-concept set
(0.001 .. 0.08, recall 0.6, a neuron firing on 5%), NumPy draws 1000 probing sets per frequency through
multinomial counts (numpy.random.Generator.multinomial, vectorised), computes the ten pair metrics of a
binary neuron from the counts (the closed forms of binary_neuron_metrics.hpp), and takes each metric's
0.95-quantile of |error| (an undefined estimate counted as an infinite error), at n = 20,000 and then at
every n of advise's search (start at 1000, double or halve to a bracket, bisect on log n to 1%; stop at
the first frequency that misses). neuroncert runs the whole `advise --epsilon 0.05` on the same setting:
that, plus Neuron_Eval's sanity tests at n = 500,000 and identification over the 1000 concepts.

Usage: /usr/bin/python3 bench/advise_vs_numpy.py [BUILD_DIR] [THREADS]. Run it on a quiet machine.
"""
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

build = sys.argv[1] if len(sys.argv) > 1 else "build"
threads = sys.argv[2] if len(sys.argv) > 2 else "2"
exe = os.path.join(build, "apps", "neuroncert")
if not os.access(exe, os.X_OK):
    sys.exit(f"advise_vs_numpy.py: {exe} not found; build it first (scripts/build)")

N_CONCEPTS, N, REPS, RECALL, ALPHA = 1000, 20000, 1000, 0.6, 0.05
freqs = 0.001 + 0.079 * np.arange(N_CONCEPTS) / (N_CONCEPTS - 1)
# advise's 50 representatives: the order statistics at 50 evenly spaced ranks.
reps_idx = np.round(np.arange(50) * (N_CONCEPTS - 1) / 49).astype(int)
settings = freqs[reps_idx]


def metrics_from_counts(f00, f01, f10, f11):
    """The ten pair metrics of a binary neuron from its 2x2 counts (NaN where undefined)."""
    n = f00 + f01 + f10 + f11
    pos, fire = f01 + f11, f10 + f11
    neg, quiet = f00 + f10, f00 + f01
    with np.errstate(divide="ignore", invalid="ignore"):
        out = {
            "accuracy": (f00 + f11) / n,
            "recall": f11 / pos,
            "precision": f11 / fire,
            "iou": f11 / (f01 + f10 + f11),
            "f1": 2 * f11 / (2 * f11 + f01 + f10),
            "auroc": 0.5 * (f11 / pos + f00 / neg),
            "auprc": (np.where(fire > 0, f11 * f11 / fire, 0.0) + f01 * pos / n) / pos,
            "correlation": (f11 * f00 - f10 * f01) / np.sqrt(fire * quiet * pos * neg),
            "mad": f11 / pos - f10 / neg,
            "wpmi": np.log(1e-8) * f10 / fire - np.log(pos / n),
        }
    return out


def table(rho):
    w11 = RECALL * rho
    return np.array([1 - ALPHA - rho + w11, rho - w11, ALPHA - w11, w11])


def q95_at(rng, n, w, metric=None):
    """Each metric's 0.95-quantile of |error| at n in table w, undefined counted as +inf."""
    est = metrics_from_counts(*rng.multinomial(n, w, size=REPS).astype(np.float64).T)
    pop = metrics_from_counts(*w)
    out = {}
    for m in [metric] if metric else est:
        err = np.abs(est[m] - pop[m])
        out[m] = float(np.quantile(np.where(np.isnan(err), np.inf, err), 0.95))
    return out


def simulated_n(rng, metric, epsilon):
    def reaches(n):
        return all(q95_at(rng, n, table(rho), metric)[metric] <= epsilon for rho in settings)
    lo, hi = 0, 1000
    if reaches(hi):
        while hi > 1:
            if not reaches(hi // 2):
                lo = hi // 2
                break
            hi //= 2
    else:
        lo = hi
        while True:
            if hi >= 10**9:
                return None
            hi = min(2 * hi, 10**9)
            if reaches(hi):
                break
            lo = hi
    while hi - lo > max(1, hi // 100):
        mid = hi // 2 if lo == 0 else min(max(round((lo * hi) ** 0.5), lo + 1), hi - 1)
        if mid <= lo or mid >= hi:
            break
        if reaches(mid):
            hi = mid
        else:
            lo = mid
    return hi


def numpy_peer(seed=1):
    rng = np.random.default_rng(seed)
    q95 = {}
    for rho in settings:
        for m, v in q95_at(rng, N, table(rho)).items():
            q95[m] = max(q95.get(m, 0.0), v)
    return {m: simulated_n(rng, m, 0.05) for m in q95}


def run_advise(tmp, epsilon):
    path = os.path.join(tmp, "freq.txt")
    np.savetxt(path, freqs, fmt="%.8g")
    args = [exe, "advise", "--frequency-file", path, "--neuron-recall", str(RECALL), "--alpha", str(ALPHA),
            "--n", str(N), "--threads", threads, "--no-progress", "--out", os.path.join(tmp, "adv")]
    if epsilon:
        args += ["--epsilon", "0.05"]
    t = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


with tempfile.TemporaryDirectory() as tmp:
    for run in range(3):
        t = time.perf_counter()
        ns = numpy_peer(seed=run + 1)
        t_np = time.perf_counter() - t
        t_nc = run_advise(tmp, epsilon=True)
        print(f"run {run + 1}: NumPy (Experiment 1 at n and the n search) {t_np:.2f} s; neuroncert advise --epsilon "
              f"(the same, + sanity tests and identification) {t_nc:.2f} s: {t_np / t_nc:.1f}x")
        if run == 0:
            print("  NumPy's n for epsilon 0.05:", ", ".join(f"{m} {v}" for m, v in ns.items()))
