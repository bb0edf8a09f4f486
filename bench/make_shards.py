#!/usr/bin/env python3
"""Writes a synthetic sharded probing set for bench/mpi_scaling.sh (docs/sharded_inputs.md):
n samples x F float32 activations as row shards of `rows` samples, and |C| sparse binary concepts as
one CSR directory (concepts.csr). Neuron f < |C| responds to concept f (activation + 2 where the
concept is present), so identification has something to find. Deterministic for a seed.

usage: make_shards.py OUT_DIR [--samples N] [--neurons F] [--concepts C] [--density D] [--rows R] [--concepts-only]
"""
import argparse
import os

import numpy as np

p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
p.add_argument("out")
p.add_argument("--samples", type=int, default=400_000)
p.add_argument("--neurons", type=int, default=4096)
p.add_argument("--concepts", type=int, default=2000)
p.add_argument("--density", type=float, default=0.005, help="fraction of samples where a concept is present")
p.add_argument("--rows", type=int, default=10_000, help="samples per shard")
p.add_argument("--seed", type=int, default=1)
p.add_argument("--concepts-only", action="store_true", help="write only concepts.csr (another concept set for the same shards)")
a = p.parse_args()
rng = np.random.default_rng(a.seed)
csr = os.path.join(a.out, "concepts.csr")
os.makedirs(csr, exist_ok=True)
# Concepts: each sample holds Binomial(|C|, density) concepts, drawn without replacement.
counts = rng.binomial(a.concepts, a.density, size=a.samples)
indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
indices = np.empty(indptr[-1], dtype=np.int32)
for i in range(a.samples):
    indices[indptr[i]:indptr[i + 1]] = np.sort(rng.choice(a.concepts, counts[i], replace=False))
np.save(os.path.join(csr, "indptr.npy"), indptr)
np.save(os.path.join(csr, "indices.npy"), indices)
np.save(os.path.join(csr, "shape.npy"), np.array([a.samples, a.concepts], dtype=np.int64))
if a.concepts_only:
    print(f"{csr}: {a.samples} x {a.concepts}, {indptr[-1]} nonzeros")
    raise SystemExit(0)
responding = min(a.neurons, a.concepts)
os.makedirs(os.path.join(a.out, "shards"), exist_ok=True)
for k, first in enumerate(range(0, a.samples, a.rows)):
    last = min(a.samples, first + a.rows)
    block = rng.standard_normal((last - first, a.neurons), dtype=np.float32)
    for i in range(first, last):  # neuron c responds to concept c
        present = indices[indptr[i]:indptr[i + 1]]
        present = present[present < responding]
        block[i - first, present] += 2.0
    np.save(os.path.join(a.out, "shards", f"part_{k:05d}.npy"), block)
print(f"{a.out}: {a.samples} x {a.neurons} float32 in {k + 1} shards "
      f"({a.samples * a.neurons * 4 / 2**30:.2f} GiB), {a.concepts} concepts, {indptr[-1]} nonzeros")
