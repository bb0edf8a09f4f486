"""bootstrap: against the CLI's bootstrap files (bit for bit), the frequencies, and Ctrl-C."""
import math
import os
import signal
import threading
import time

import numpy as np
import pytest

import neuroncert
from conftest import make_probe, number, read_csv


def test_bootstrap_equals_the_cli(cli, probe_files):
    d, a, y = probe_files
    cli("identify", "--activations", d / "A.npy", "--concepts", d / "Y.npy", "--metric", "auroc", "--out", d / "id",
        "--bootstrap", 30, "--seed", 7, "--threshold-fraction", 0.9, "--no-progress")
    sets = read_csv(d / "id_be_sets.csv")
    freq = read_csv(d / "id_bootstrap.csv")
    got = neuroncert.bootstrap(a, y, "auroc", 30, seed=7, threshold=0.9)
    assert len(got) == len(sets) == a.shape[1]
    assert list(got.keys()) == list(sets[0].keys())
    for i, r in enumerate(sets):
        for k, cell in r.items():
            have = got[k][i]
            if k in ("be_set_names",):
                assert have == cell
            elif k == "be_set":
                assert ";".join(str(c) for c in have) == cell
            elif k == "be_reached":
                assert bool(have) == (cell == "true")
            else:
                want = number(cell)
                assert (math.isnan(want) and (have == -1 or math.isnan(have))) or want == have, (k, i, cell, have)
    assert len(got.frequencies) == len(freq)
    for i, r in enumerate(freq):
        assert got.frequencies["neuron"][i] == int(r["neuron"])
        assert got.frequencies["concept"][i] == int(r["concept"])
        assert got.frequencies["count"][i] == int(r["count"])
        assert got.frequencies["frequency"][i] == float(r["frequency"])
    # counts: every resample chose one concept per neuron (all defined here), and they match.
    assert got.counts.shape == (a.shape[1], y.shape[1]) and (got.counts.sum(axis=1) == 30).all()
    for n, c, k in zip(got.frequencies["neuron"], got.frequencies["concept"], got.frequencies["count"]):
        assert got.counts[n, c] == k
    assert got.summary["threshold"] == 27 and got.summary["seed"] == 7


def test_threshold_as_count_or_fraction():
    a, y = make_probe(n=300, neurons=2, concepts=3)
    by_fraction = neuroncert.bootstrap(a, y, "accuracy", 20, seed=1, threshold=0.95)
    by_count = neuroncert.bootstrap(a, y, "accuracy", 20, seed=1, threshold=19)
    assert by_fraction.summary["threshold"] == by_count.summary["threshold"] == 19
    assert all(np.array_equal(by_fraction[k], by_count[k]) for k in ("top_concept", "be_set_size"))
    with pytest.raises(ValueError, match="threshold must be in"):
        neuroncert.bootstrap(a, y, "accuracy", 20, threshold=21)
    with pytest.raises(ValueError, match="K must lie between 1 and"):
        neuroncert.bootstrap(a, y, "accuracy", 0)
    with pytest.raises(TypeError, match="threshold"):
        neuroncert.bootstrap(a, y, "accuracy", 20, threshold=True)


def test_ctrl_c_stops_a_long_bootstrap():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((20000, 256)).astype(np.float32)
    y = rng.random((20000, 200)) < 0.05
    timer = threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGINT))
    start = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        neuroncert.bootstrap(a, y, "auroc", 2000, threads=1)  # minutes if it ran to the end
    elapsed = time.monotonic() - start
    timer.join()
    assert elapsed < 20, f"took {elapsed:.1f} s to stop"
    # The module is still usable afterwards.
    assert len(neuroncert.identify(a[:100, :2], y[:100, :3], "accuracy")) == 2
