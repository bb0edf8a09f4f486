"""plan, bound, be_coverage, clopper_pearson, sieve_plan, simulate: the CLI's numbers."""
import json
import math

import numpy as np
import pytest
from scipy.stats import beta

import neuroncert
from conftest import number, read_csv


def cli_json(cli, *args):
    out = json.loads(cli(*args, "--json").stdout)
    out.pop("metadata")
    return out


@pytest.mark.parametrize("args, kwargs", [
    (["--metric", "accuracy", "--concepts", 1000, "--epsilon", 0.01, "--delta", 0.05],
     dict(metric="accuracy", concepts=1000, epsilon=0.01)),
    (["--metric", "auroc", "--concepts", 50, "--margin", 0.1, "--delta", 0.1, "--rho", 0.05],
     dict(metric="auroc", concepts=50, margin=0.1, delta=0.1, rho=0.05)),
    (["--metric", "recall", "--concepts", 10, "--n", 5000, "--delta", 0.05, "--rate", 0.1],
     dict(metric="recall", concepts=10, n=5000, rate=0.1)),
])
def test_plan_equals_the_cli(cli, args, kwargs):
    assert neuroncert.plan(**kwargs) == cli_json(cli, "plan", *args)


def test_bound_equals_the_cli(cli):
    want = cli_json(cli, "bound", "--metric", "precision", "--concepts", 20, "--delta", 0.05, "--counts", "700,50,80,170")
    assert neuroncert.bound("precision", 20, counts=[700, 50, 80, 170]) == want
    assert neuroncert.bound("accuracy", 1, n=1000)["rate"] == cli_json(
        cli, "bound", "--metric", "accuracy", "--concepts", 1, "--n", 1000, "--delta", 0.05)["rate"]


def test_be_coverage_equals_the_cli(cli):
    want = cli_json(cli, "be-coverage", "--K", 100, "--threshold-fraction", 0.95, "--n", 5000, "--margin", 0.05,
                    "--concepts", 100, "--metric", "accuracy")
    got = neuroncert.be_coverage(100, threshold_fraction=0.95, n=5000, margin=0.05, concepts=100, metric="accuracy")
    assert got == want


def test_be_coverage_with_disagreement_equals_the_cli(cli):
    args = ["--K", 100, "--threshold", 95, "--n", 1000, "--margin", 0.04, "--concepts", 10, "--metric", "accuracy",
            "--disagreement", 0.344]
    want = cli_json(cli, "be-coverage", *args)
    got = neuroncert.be_coverage(100, threshold=95, n=1000, margin=0.04, concepts=10, metric="accuracy",
                                 disagreement=0.344)
    assert got == want
    assert got["corrected"] == 0.0 and got["pairwise"]["corrected"] > 0.999
    assert got["pairwise"]["p"] < got["p"]
    with pytest.raises(ValueError, match="--disagreement applies to --metric accuracy only"):
        neuroncert.be_coverage(100, threshold=95, n=1000, margin=0.04, concepts=10, metric="recall", disagreement=0.3)
    with pytest.raises(ValueError, match=r"--disagreement must lie in \[--margin, 1\]"):
        neuroncert.be_coverage(100, threshold=95, n=1000, margin=0.04, concepts=10, metric="accuracy",
                               disagreement=0.01)


def test_be_coverage_with_a_pilot_equals_the_cli(cli, tmp_path):
    rng = np.random.default_rng(3)
    f = (rng.random(500) < 0.2).astype(np.float64)
    c = np.repeat(f[:, None], 5, axis=1)
    for j in range(5):
        rows = rng.choice(500, size=10 + 5 * j, replace=False)
        c[rows, j] = 1 - c[rows, j]
    np.save(tmp_path / "f.npy", f[:, None])
    np.save(tmp_path / "c.npy", c)
    want = cli_json(cli, "be-coverage", "--K", 100, "--threshold", 95, "--n", 2000, "--metric", "accuracy",
                    "--pilot-neuron", tmp_path / "f.npy", "--pilot-concepts", tmp_path / "c.npy")
    got = neuroncert.be_coverage(100, threshold=95, n=2000, metric="accuracy", pilot_neuron=f, pilot_concepts=c)
    assert got == want
    assert got["pilot"]["best"] == 0 and got["pilot"]["concepts"] == 5
    assert got["pairwise"]["p"] <= got["p"]
    with pytest.raises(ValueError, match="replace --p, --margin"):
        neuroncert.be_coverage(100, threshold=95, n=2000, metric="accuracy", margin=0.1, pilot_neuron=f,
                               pilot_concepts=c)


def test_plan_and_bound_refuse_what_the_cli_refuses():
    with pytest.raises(ValueError, match="exactly one of --epsilon, --margin or --n"):
        neuroncert.plan("accuracy", 10, epsilon=0.1, n=100)
    with pytest.raises(ValueError, match="--rho is not used"):
        neuroncert.plan("accuracy", 10, epsilon=0.1, rho=0.2)
    with pytest.raises(ValueError, match="--delta"):
        neuroncert.bound("accuracy", 10, n=100, delta=1.0)


def test_clopper_pearson_is_the_beta_quantile_interval():
    lo, hi = neuroncert.clopper_pearson(7, 40, 0.05)
    assert lo == pytest.approx(beta.ppf(0.025, 7, 34), rel=1e-9)
    assert hi == pytest.approx(beta.ppf(0.975, 8, 33), rel=1e-9)
    assert neuroncert.clopper_pearson(0, 10, 0.05)[0] == 0.0


def test_sieve_plan_equals_the_cli(cli):
    text = cli("sieve-plan", "--ar", 0.05, "--power", 0.8).stdout
    got = neuroncert.sieve_plan(0.05, power=0.8)
    assert f"verification images needed: {got['images']} (reject when >= {got['critical']} fire" in text
    assert got["power"] >= 0.8 and got["size"] <= 0.05


def test_simulate_equals_the_cli(cli, tmp_path):
    cli("simulate", "--experiment", "exp1", "--replicates", 20, "--n-points", 3, "--seed", 5, "--quiet",
        "--out", tmp_path)
    rows = read_csv(tmp_path / "exp1.csv")
    got = neuroncert.simulate("exp1", replicates=20, n_points=3, seed=5)
    assert len(got) == len(rows)
    for i, r in enumerate(rows):
        assert (got["experiment"][i], got["setting"][i], got["metric"][i], got["quantity"][i]) == (
            r["experiment"], r["setting"], r["metric"], r["quantity"])
        assert got["n"][i] == int(r["n"])
        want = number(r["value"])
        assert (math.isnan(want) and math.isnan(got["value"][i])) or got["value"][i] == want
    assert got.summary["parameters"]["seed"] == 5
    with pytest.raises(ValueError, match="--matrix is not used by experiment 'gaussian'"):
        neuroncert.simulate("gaussian", matrix="1,2,3,4")
    with pytest.raises(ValueError, match="unknown setting 'replicate'"):
        neuroncert.simulate("exp1", replicate=3)
    assert "exp1" in [name for name, _, _ in neuroncert.experiments()]
    as_list = neuroncert.simulate("exp1", replicates=5, n_points=2, matrix=[0.4, 0.1, 0.1, 0.4])
    as_text = neuroncert.simulate("exp1", replicates=5, n_points=2, matrix="0.4,0.1,0.1,0.4")
    assert np.array_equal(as_list["value"], as_text["value"], equal_nan=True)
