#!/usr/bin/python3
"""neuroncert.identify from Python against the same call through the C++ command line, same data.

Shape (issue 12): the identify benchmark of bench/identify_vs_numpy.py (n = 50,000 probing images,
F = 1,024 neurons, |C| = 1,000 concepts with frequencies log-uniform in (1e-3, 1e-1), float32 .npy).
Both sides start from the .npy files and end with every neuron's certified identification:
  C++      `neuroncert identify --metric auroc` (reads the files, identifies, writes CSV + JSON),
           the whole process;
  Python   np.load of both files (memory-mapped, as the CLI streams them: each side reads the
           files once) + neuroncert.identify(acts, concepts, "auroc") in one interpreter, timed
           around those two lines (the interpreter's start and `import neuroncert` are printed
           apart). A plain np.load copies the 386 MiB first (about 0.7 s here), which is NumPy's
           cost, not the package's.
Median of --repeats runs each, alternating. Prints the ratio and checks that both chose the same
concept for every neuron. Usage: bench/python_overhead.py [--build DIR] [--repeats R] [--keep DIR]
Prints the load average first: numbers are only comparable on a quiet machine.
"""
import argparse
import csv
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time

PYTHON_SIDE = r"""
import sys, time
t0 = time.perf_counter()
import numpy as np, neuroncert
t1 = time.perf_counter()
acts = np.load(sys.argv[1], mmap_mode="r"); concepts = np.load(sys.argv[2], mmap_mode="r")
r = neuroncert.identify(acts, concepts, "auroc")
t2 = time.perf_counter()
np.save(sys.argv[3], r["concept"])
print(t1 - t0, t2 - t1)
"""


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(root, "build"))
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--keep", help="directory holding (or to keep) acts.npy and concepts.npy")
    a = ap.parse_args()
    spec = importlib.util.spec_from_file_location("peer", os.path.join(root, "bench", "identify_vs_numpy.py"))
    peer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(peer)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    work = a.keep or tempfile.mkdtemp(prefix="neuroncert_pybench_")
    acts, concepts = os.path.join(work, "acts.npy"), os.path.join(work, "concepts.npy")
    if not (os.path.exists(acts) and os.path.exists(concepts)):
        peer.make_data(work, 50_000, 1024, 1000)
    cli = [os.path.join(a.build, "apps", "neuroncert"), "identify", "--activations", acts, "--concepts", concepts,
           "--metric", "auroc", "--out", os.path.join(work, "cli")]
    env = dict(os.environ, PYTHONPATH=os.path.join(a.build, "python"))
    cpp, py, imports = [], [], []
    for _ in range(a.repeats):
        start = time.monotonic()
        subprocess.run(cli, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cpp.append(time.monotonic() - start)
        out = subprocess.run([sys.executable, "-c", PYTHON_SIDE, acts, concepts, os.path.join(work, "py.npy")],
                             check=True, env=env, capture_output=True, text=True).stdout.split()
        imports.append(float(out[0]))
        py.append(float(out[1]))
    import numpy as np
    with open(os.path.join(work, "cli.csv"), newline="") as f:
        want = [int(r["concept"]) for r in csv.DictReader(f)]
    same = int((np.load(os.path.join(work, "py.npy")) == np.array(want)).sum())
    c, p = statistics.median(cpp), statistics.median(py)
    print(f"identify --metric auroc, n = 50000, F = 1024, |C| = 1000 (median of {a.repeats})")
    print(f"  C++ command line (whole process)        {c:7.2f} s")
    print(f"  Python: np.load(mmap) + identify       {p:7.2f} s   ratio {p / c:.3f}  ({(p / c - 1) * 100:+.1f}%)")
    print(f"  Python: interpreter start-up imports    {statistics.median(imports):7.2f} s (numpy, neuroncert)")
    print(f"  same concept for {same}/{len(want)} neurons")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
