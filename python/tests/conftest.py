"""Shared fixtures: the CLI next to the package (NEURONCERT_CLI, set by ctest), the data folder, and
probing sets written both as arrays and as .npy files, so every function is checked against the
command line on the same data."""
import csv
import json
import os
import shutil
import subprocess

import numpy as np
import pytest

import neuroncert


@pytest.fixture(scope="session")
def cli():
    exe = os.environ.get("NEURONCERT_CLI") or shutil.which("neuroncert")
    if not exe:
        pytest.skip("NEURONCERT_CLI is not set (ctest sets it)")

    def run(*args, check=True):
        proc = subprocess.run([exe, *map(str, args)], capture_output=True, text=True)
        if check and proc.returncode != 0:
            raise AssertionError(f"neuroncert {' '.join(map(str, args))} failed: {proc.stderr}")
        return proc

    return run


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def read_json(path):
    with open(path) as f:
        return json.load(f)


def make_probe(n=600, neurons=5, concepts=7, seed=3, levels=None):
    """Activations with ties (levels) and a signal: neuron j leans on concept j mod |C|."""
    rng = np.random.default_rng(seed)
    y = rng.random((n, concepts)) < rng.uniform(0.05, 0.4, concepts)
    a = rng.standard_normal((n, neurons))
    a += 1.2 * y[:, np.arange(neurons) % concepts]
    if levels:
        a = np.round(a * levels) / levels
    return a.astype(np.float32), y


@pytest.fixture
def probe_files(tmp_path):
    a, y = make_probe()
    np.save(tmp_path / "A.npy", a)
    np.save(tmp_path / "Y.npy", y.astype(np.uint8))
    return tmp_path, a, y


def number(cell):
    """A CSV cell as the CLI wrote it (shortest round trip): float, or NaN when empty."""
    return float(cell) if cell not in ("", None) else float("nan")
