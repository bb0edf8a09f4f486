"""identify and similarity: against the CLI (bit for bit), scikit-learn, and bad input."""
import math
import tracemalloc

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

import neuroncert
from conftest import make_probe, number, read_csv

COLUMNS = ["neuron", "concept", "concept_name", "estimate", "skipped_concepts", "bound", "effective_n", "rate",
           "certified_lower", "certified_upper", "cp_lower", "cp_upper", "gap_to_best", "gap_vacuous", "lcb_concept",
           "lcb_concept_name", "lcb_lower", "lcb_upper", "certified_set_size", "certified_unique", "below_min_support",
           "set_intervals"]


@pytest.mark.parametrize("metric", ["accuracy", "recall", "iou", "auroc", "auprc", "correlation", "mad", "wpmi"])
def test_identify_equals_the_cli_bit_for_bit(cli, probe_files, metric):
    d, a, y = probe_files
    cli("identify", "--activations", d / "A.npy", "--concepts", d / "Y.npy", "--metric", metric, "--out", d / "id")
    rows = read_csv(d / "id.csv")
    got = neuroncert.identify(a, y, metric)
    assert list(got.keys()) == COLUMNS
    assert len(got) == len(rows) == a.shape[1]
    for i, r in enumerate(rows):
        assert got["concept"][i] == int(r["concept"])
        assert got["concept_name"][i] == r["concept_name"]
        assert got["bound"][i] == r["bound"]
        for c in ["estimate", "effective_n", "rate", "certified_lower", "certified_upper", "cp_lower", "cp_upper",
                  "gap_to_best", "lcb_concept", "lcb_lower", "lcb_upper", "certified_set_size", "below_min_support"]:
            want, have = number(r[c]), got[c][i]
            assert (math.isnan(want) and math.isnan(have)) or want == have, (c, i, want, have)


def test_identify_table_reads_well_and_converts():
    a, y = make_probe(n=300, neurons=3, concepts=4)
    r = neuroncert.identify(a, y, "auroc", concept_names=["cat", "dog", "car", "sky"])
    text = repr(r)
    assert text.startswith("neuroncert.identify: 300 samples, 3 neurons, 4 concepts, metric auroc")
    assert "concept_name" in text and "certified_lower" in text
    d = r.to_dict()
    assert set(d) == set(COLUMNS) and d["estimate"].dtype == np.float64 and d["concept"].dtype == np.int64
    assert set(r["concept_name"]) <= {"cat", "dog", "car", "sky"}
    assert r.summary["identified"] == 3 and r.summary["delta"] == 0.05
    # AUROC's rate: no Clopper-Pearson interval (NaN), a certified interval inside [0, 1].
    assert np.all(np.isnan(r["cp_lower"]))
    assert np.all((0 <= r["certified_lower"]) & (r["certified_lower"] <= r["estimate"]) &
                  (r["estimate"] <= r["certified_upper"]) & (r["certified_upper"] <= 1))


def test_similarity_matches_scikit_learn():
    a, y = make_probe(n=500, neurons=3, concepts=4, levels=4)  # ties: sklearn uses mid-ranks too
    auroc = neuroncert.similarity(a, y, "auroc")
    auprc = neuroncert.similarity(a, y, "auprc")
    for j in range(3):
        for c in range(4):
            assert auroc.values[j, c] == pytest.approx(roc_auc_score(y[:, c], a[:, j]), abs=1e-12)
            assert auprc.values[j, c] == pytest.approx(average_precision_score(y[:, c], a[:, j]), abs=1e-12)
    assert auroc.values.shape == (3, 4) and auroc.reasons.dtype == np.uint8 and not auroc.reasons.any()


def test_similarity_undefined_is_nan_with_a_reason():
    a, y = make_probe(n=200, neurons=2, concepts=3)
    y[:, 1] = True  # no negatives
    s = neuroncert.similarity(a, y, "auroc")
    assert np.isnan(s.values[:, 1]).all() and not np.isnan(s.values[:, [0, 2]]).any()
    assert s.reason(0, 1) == "no_concept_negatives" and s.reason(0, 0) == neuroncert.reason_names()[0]
    y[:, 1] = False  # no positives: undefined for similarity, refused by identify (as by the CLI)
    s = neuroncert.similarity(a, y, "auroc")
    assert np.isnan(s.values[:, 1]).all() and s.reason(1, 1) == "no_concept_positives"
    with pytest.raises(ValueError, match="concept 1 is zero in every sample"):
        neuroncert.identify(a, y, "auroc")


def test_similarity_weights_are_multiplicities():
    a, y = make_probe(n=100, neurons=2, concepts=2)
    w = np.zeros(100)
    w[:50] = 2.0  # the first half twice = the first half once, for a ratio metric like AUROC
    assert np.array_equal(neuroncert.similarity(a, y, "auroc", weights=w).values,
                          neuroncert.similarity(a[:50], y[:50], "auroc").values)


def test_orders_and_dtypes_give_the_same_numbers():
    a, y = make_probe(n=300, neurons=3, concepts=4)
    ref = neuroncert.similarity(a, y, "correlation").values
    for acts in (np.asfortranarray(a), a.astype(np.float64), np.ascontiguousarray(a[::1, ::1])):
        for conc in (y, y.astype(np.uint8), y.astype(np.float32), np.asfortranarray(y)):
            assert np.array_equal(neuroncert.similarity(acts, conc, "correlation").values, ref)
    strided = np.zeros((300, 6), dtype=np.float32)
    strided[:, ::2] = a
    assert np.array_equal(neuroncert.similarity(strided[:, ::2], y, "correlation").values, ref)


def test_inputs_are_read_in_place_without_a_numpy_copy():
    # tracemalloc sees every NumPy allocation; the engine's own matrix is C++ and not traced.
    a = np.random.default_rng(0).standard_normal((20000, 50)).astype(np.float32)  # 4 MB
    y = np.random.default_rng(1).random((20000, 30)) < 0.1
    for acts in (a, a.astype(np.float64)):
        neuroncert.identify(acts, y, "auroc")  # warm up
        tracemalloc.start()
        neuroncert.identify(acts, y, "auroc")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert peak < 500_000, f"{acts.dtype}: {peak} bytes of NumPy/Python allocations"


@pytest.mark.parametrize("call, error, text", [
    (lambda a, y: neuroncert.identify(a.astype(np.complex64), y, "auroc"), TypeError, "activations: dtype complex64"),
    (lambda a, y: neuroncert.identify(a.astype(np.float16), y, "auroc"), TypeError, "activations: dtype float16"),
    (lambda a, y: neuroncert.identify(a[:, :, None], y, "auroc"), ValueError, "activations: expected a 2-D array"),
    (lambda a, y: neuroncert.identify(a, y[:, 0], "auroc"), ValueError, "concepts: expected a 2-D array"),
    (lambda a, y: neuroncert.identify(a[:-1], y, "auroc"), ValueError, "concepts: 100 rows, but activations have 99"),
    (lambda a, y: neuroncert.identify(a, y, "auroc", delta=1.5), ValueError, "delta"),
    (lambda a, y: neuroncert.identify(a, y, "auroc", delta=0), ValueError, "delta"),
    (lambda a, y: neuroncert.identify(a, y, "nope"), ValueError, "unknown metric 'nope'"),
    (lambda a, y: neuroncert.identify(a, y, "accuracy", alpha=0), ValueError, "alpha"),
    (lambda a, y: neuroncert.identify(a, y, "auroc", concept_names=["x"]), ValueError, "concept_names: 1 names for 3"),
    (lambda a, y: neuroncert.identify(np.where(a > 0, np.nan, a), y, "auroc"), ValueError, "activations contain nan at row 0"),
    (lambda a, y: neuroncert.identify(a, y * 2.0, "auroc"), ValueError, "concept"),
    (lambda a, y: neuroncert.identify("text", y, "auroc"), ValueError, "activations"),
    (lambda a, y: neuroncert.identify(a, y, "auroc", threads=-1), ValueError, "threads"),
    # An option the metric does not read is refused in the CLI's words, never silently ignored.
    (lambda a, y: neuroncert.identify(a, y, "auroc", alpha=0.1), ValueError,
     "--alpha is not used for metric auroc (it ranks the activations"),
    (lambda a, y: neuroncert.similarity(a, y, "accuracy", wpmi_lambda=2.0), ValueError,
     "--wpmi-lambda is not used for metric accuracy"),
    (lambda a, y: neuroncert.bootstrap(a, y, "iou", K=2, orientation="neuron-eval"), ValueError,
     "--orientation is not used for metric iou"),
    (lambda a, y: neuroncert.identify(a, y, "accuracy", alpha=0.1, binary=True), ValueError,
     "--alpha is not used with --binary"),
    (lambda a, y: neuroncert.identify(a, y, "auroc", orientation="sideways"), ValueError,
     "--orientation must be 'paper' or 'neuron-eval', got 'sideways'"),
])
def test_bad_input_is_one_line_naming_the_argument(call, error, text):
    a, y = make_probe(n=100, neurons=2, concepts=3)
    with pytest.raises(error) as e:
        call(a, y)
    message = str(e.value)
    assert text in message and "\n" not in message, message


def test_threads_do_not_change_the_result():
    a, y = make_probe(n=2000, neurons=70, concepts=9)  # three engine blocks
    one = neuroncert.identify(a, y, "auroc", threads=1).to_dict()
    two = neuroncert.identify(a, y, "auroc", threads=2).to_dict()
    for k in one:
        assert np.array_equal(one[k], two[k], equal_nan=one[k].dtype.kind == "f"), k


def test_torch_tensors_are_read_through_numpy():
    torch = pytest.importorskip("torch")
    a, y = make_probe(n=200, neurons=2, concepts=3)
    got = neuroncert.identify(torch.from_numpy(a), torch.from_numpy(y), "auroc").to_dict()
    want = neuroncert.identify(a, y, "auroc").to_dict()
    for k in want:  # float columns hold NaN where a cell is empty: NaN equals NaN here
        floats = np.asarray(want[k]).dtype.kind == "f"
        assert np.array_equal(got[k], want[k], equal_nan=floats), k


def test_min_support_and_the_certified_set_equal_the_cli(cli, probe_files):
    # The certified set and c_LCB with a minimum support: the CLI's columns, and the filter only shrinks the set.
    d, a, y = probe_files
    cli("identify", "--activations", d / "A.npy", "--concepts", d / "Y.npy", "--metric", "recall", "--min-support", 5,
        "--out", d / "ms")
    rows = read_csv(d / "ms.csv")
    got = neuroncert.identify(a, y, "recall", min_support=5)
    plain = neuroncert.identify(a, y, "recall")
    for i, r in enumerate(rows):
        assert got["lcb_concept_name"][i] == r["lcb_concept_name"]
        assert got["certified_set_size"][i] == int(r["certified_set_size"])
        assert got["below_min_support"][i] == int(r["below_min_support"])
        assert got["certified_set_size"][i] <= plain["certified_set_size"][i]
        assert got["certified_unique"][i] == (r["certified_unique"] == "true")
    assert got.summary["certified_unique"] == sum(1 for r in rows if r["certified_unique"] == "true")
    with pytest.raises(ValueError, match="min_support filters the certified sets, and f1 has no certificate"):
        neuroncert.identify(a, y, "f1", min_support=5)
    with pytest.raises(ValueError, match="min_support"):
        neuroncert.identify(a, y, "recall", min_support=-1)
