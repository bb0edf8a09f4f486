"""neuroncert.advise against `neuroncert advise --out` on the same settings: the same study, so the
same report number for number (run metadata aside), with a frequency list and with a pilot."""
import json

import numpy as np
import pytest

import neuroncert


def cli_report(cli, tmp_path, *args):
    out = tmp_path / "advice"
    cli("advise", *args, "--out", out, "--no-progress")
    with open(f"{out}.json") as f:
        report = json.load(f)
    report.pop("metadata")
    return report


def test_advise_equals_the_cli(cli, tmp_path):
    want = cli_report(cli, tmp_path, "--concepts", 100, "--frequency", "0.01", "--neuron-recall", 0.6, "--alpha", 0.05,
                      "--n", 2000, "--epsilon", 0.1, "--metric", "accuracy", "--metric", "iou", "--metric", "auroc", "--sanity-seeds", 50)
    got = neuroncert.advise(concepts=100, frequency=0.01, neuron_recall=0.6, alpha=0.05, n=2000, epsilon=0.1,
                            metrics=["accuracy", "iou", "auroc"], sanity_seeds=50)
    assert got == want
    assert got["ranking"][0]["metric"] in ("accuracy", "iou", "auroc")


def test_a_frequency_list_is_the_frequency_file(cli, tmp_path):
    freqs = [0.002, 0.01, 0.05, 0.01]
    path = tmp_path / "freq.txt"
    path.write_text("".join(f"{r}\n" for r in freqs))
    want = cli_report(cli, tmp_path, "--frequency-file", path, "--neuron-recall", 0.6, "--alpha", 0.05, "--n", 1000,
                      "--metric", "accuracy", "--metric", "recall", "--sanity-seeds", 20)
    common = dict(neuron_recall=0.6, alpha=0.05, n=1000, metrics=["accuracy", "recall"], sanity_seeds=20)
    # The list, like the file, is the concept set: |C| = 4.
    assert neuroncert.advise(frequency=freqs, **common) == want
    assert neuroncert.advise(frequency_file=str(path), **common) == want
    assert want["concepts"] == 4


def test_a_matrix_as_numbers_or_text(cli, tmp_path):
    # Experiment 1's setting 1 (docs/theory.md sec. 6.1): the table fixes the one frequency, 0.05.
    want = cli_report(cli, tmp_path, "--matrix", "0.93,0.02,0.02,0.03", "--n", 1000, "--metric", "accuracy",
                      "--metric", "recall", "--sanity-seeds", 20)
    common = dict(n=1000, metrics=["accuracy", "recall"], sanity_seeds=20)
    assert neuroncert.advise(matrix=[0.93, 0.02, 0.02, 0.03], **common) == want
    assert neuroncert.advise(matrix="0.93,0.02,0.02,0.03", **common) == want


def test_a_pilot_from_arrays_equals_the_pilot_from_files(cli, tmp_path):
    rng = np.random.default_rng(3)
    y = (rng.random((600, 5)) < [0.02, 0.05, 0.1, 0.2, 0.3]).astype(np.float32)
    acts = rng.standard_normal((600, 4)).astype(np.float32) + 2.0 * y[:, [0, 1, 2, 3]]
    np.save(tmp_path / "pa.npy", acts)
    np.save(tmp_path / "pc.npy", y)
    want = cli_report(cli, tmp_path, "--pilot-activations", tmp_path / "pa.npy", "--pilot-concepts", tmp_path / "pc.npy",
                      "--n", 3000, "--metric", "accuracy", "--metric", "f1", "--sanity-seeds", 20)
    got = neuroncert.advise(pilot_activations=acts, pilot_concepts=y, n=3000, metrics=["accuracy", "f1"], sanity_seeds=20)
    pilot = got.pop("pilot")
    assert got == want
    assert pilot["concepts"] == 5 and pilot["samples"] == 600 and pilot["neurons"] == 4


@pytest.mark.parametrize("kwargs, text", [
    (dict(frequency=2.0, neuron_recall=0.5, alpha=0.05, n=100), "--frequency must lie in the open interval (0, 1)"),
    (dict(frequency=0.01, neuron_recall=0.5, alpha=0.05, n=100, pilot_alpha=0.1),
     "--pilot-alpha is not used without a pilot"),
    (dict(frequency=[0.01, 1.5], neuron_recall=0.5, alpha=0.05, n=100), "--frequency-file: frequency must lie in (0, 1)"),
    (dict(frequency=0.01, neuron_recall=0.5, alpha=0.05, n=100, precision=0), "--precision must lie between 1 and 1000"),
    (dict(frequency=0.01, neuron_recall=0.5, alpha=0.05, n=100, threads=-1), "--threads"),
])
def test_bad_settings_are_one_line_in_the_cli_words(kwargs, text):
    with pytest.raises(ValueError) as e:
        neuroncert.advise(sanity_seeds=10, **kwargs)
    assert text in str(e.value) and "\n" not in str(e.value), str(e.value)


def test_sanity_orientation_is_the_cli_option(cli, tmp_path):
    # Neuron_Eval's orientation makes the concept the predictor in AUPRC: at frequency 0.499 extra labels
    # then always lower it, where the paper's orientation (the neuron as the score) misses half the seeds.
    args = ("--frequency", "0.499", "--neuron-recall", 0.5, "--neuron-precision", 0.5, "--n", 1000,
            "--metric", "auprc", "--metric", "f1", "--sanity-seeds", 200)
    want = cli_report(cli, tmp_path, *args, "--sanity-orientation", "neuron-eval")
    common = dict(frequency=0.499, neuron_recall=0.5, neuron_precision=0.5, n=1000, metrics=["auprc", "f1"],
                  sanity_seeds=200)
    got = neuroncert.advise(sanity_orientation="neuron-eval", **common)
    assert got == want
    assert got["sanity"]["orientation"] == "neuron-eval"
    ranking = {r["metric"]: r for r in got["ranking"]}
    assert ranking["auprc"]["passes_extra_labels"]
    paper = {r["metric"]: r for r in neuroncert.advise(**common)["ranking"]}
    assert not paper["auprc"]["passes_extra_labels"]
    assert 0.3 < paper["auprc"]["worst_detection_extra_labels"] < 0.7
    with pytest.raises(ValueError, match="--sanity-orientation must be 'paper' or 'neuron-eval', got 'concept'"):
        neuroncert.advise(sanity_orientation="concept", **common)


def test_budget_and_margin_are_the_cli_options(cli, tmp_path):
    # A budget of 2,000 to 20,000 images and a margin of 0.1 to resolve: evaluated at n = 20,000, epsilon 0.05.
    want = cli_report(cli, tmp_path, "--concepts", 100, "--frequency", "0.01", "--neuron-recall", 0.6, "--alpha", 0.05,
                      "--budget", "2000:20000", "--margin", 0.1, "--metric", "accuracy", "--metric", "iou",
                      "--sanity-seeds", 20)
    common = dict(concepts=100, frequency=0.01, neuron_recall=0.6, alpha=0.05, metrics=["accuracy", "iou"], sanity_seeds=20)
    got = neuroncert.advise(budget=(2000, 20000), margin=0.1, **common)
    assert got == want
    assert got["n"] == 20000 and got["epsilon"] == 0.05 and got["budget"] == {"low": 2000, "high": 20000}
    assert neuroncert.advise(budget="2000:20000", margin=0.1, **common) == want
    with pytest.raises(ValueError, match="give --n or --budget, not both"):
        neuroncert.advise(budget=(2000, 20000), n=100, **common)
    with pytest.raises(ValueError, match="--budget LO:HI needs 1 <= LO < HI"):
        neuroncert.advise(budget=(200, 20), epsilon=0.1, **common)
    with pytest.raises(ValueError, match="give --epsilon or --margin, not both"):
        neuroncert.advise(n=100, epsilon=0.1, margin=0.1, **common)
