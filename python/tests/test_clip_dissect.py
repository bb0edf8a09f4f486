"""concepts() and CLIP-Dissect's scores (soft_wpmi, cd_wpmi) against the CLIP fixture's float64 references
(../shared/data/clip, data README sec. 9), a NumPy transcription of docs/theory.md sec. 2.3, and the CLI."""
import os

import numpy as np
import pytest

import neuroncert
from conftest import read_csv


@pytest.fixture(scope="module")
def clip():
    data = os.environ.get("NEURONCERT_DATA")
    if not data or not os.path.isdir(os.path.join(data, "clip")):
        pytest.fail(f"$NEURONCERT_DATA/clip: '{data}/clip' is not a directory (ctest sets NEURONCERT_DATA; "
                    "docs/data.md says how to get the data, scripts/check-data checks a copy)")
    d = os.path.join(data, "clip")
    load = lambda name: np.load(os.path.join(d, name))  # noqa: E731
    names = open(os.path.join(d, "names.txt")).read().splitlines()
    return d, load, names


def transcription(a, p, top_k, lam, p_start, p_end, eps, soft):
    """docs/theory.md sec. 2.3 in NumPy: top_k by activation (descending, ties the lower index first)."""
    cond = []
    for j in range(a.shape[1]):
        top = np.argsort(-a[:, j].astype(np.float64), kind="stable")[:top_k]
        x = p[top]
        if soft:
            w = (p_start - np.arange(top_k) / top_k * (p_start - p_end))[:, None]
            cond.append(np.log(1 + w * (x - 1) + eps).sum(0))
        else:
            cond.append(np.log(x + eps).sum(0))
    cond = np.array(cond)
    m = cond.max(0)
    return cond - lam * (np.log(np.exp(cond - m).sum(0)) + m - np.log(a.shape[1]))


def test_concepts_reproduce_probs_a10(clip):
    _, load, _ = clip
    p = neuroncert.concepts(load("E.npy"), load("T.npy"))  # softmax, temperature 10
    assert p.dtype == np.float64 and p.shape == (400, 30)
    assert np.abs(p - load("probs_a10.npy")).max() < 1e-14


def test_soft_wpmi_and_cd_wpmi_reproduce_the_fixture(clip):
    _, load, _ = clip
    a = load("A.npy")
    soft = neuroncert.similarity(a, neuroncert.concepts(load("E.npy"), load("T.npy"), temperature=10), "soft_wpmi")
    ref = load("soft_wpmi.npy")
    assert np.abs((soft.values - ref) / ref).max() < 1e-9
    assert (soft.reasons == 0).all()
    wpmi = neuroncert.similarity(a, neuroncert.concepts(load("E.npy"), load("T.npy"), temperature=2), "cd_wpmi")
    ref = load("wpmi.npy")
    assert np.abs((wpmi.values - ref) / ref).max() < 1e-9


def test_other_settings_match_the_transcription(clip):
    _, load, _ = clip
    a = load("A.npy")
    p = neuroncert.concepts(load("E.npy"), load("T.npy"), link="sigmoid", scale=20.0, shift=-0.1)
    got = neuroncert.similarity(a, p, "soft_wpmi", top_k=37, cd_lambda=0.5, p_start=0.9, p_end=0.6, cd_eps=1e-6)
    want = transcription(a, p, 37, 0.5, 0.9, 0.6, 1e-6, soft=True)
    assert np.allclose(got.values, want, rtol=1e-12, atol=0)
    got = neuroncert.similarity(a, p, "cd_wpmi", top_k=5)
    assert np.allclose(got.values, transcription(a, p, 5, 0.6, 1, 1, 1e-7, soft=False), rtol=1e-12, atol=0)


def test_identify_and_bootstrap_say_why_there_is_no_certificate(clip, cli, tmp_path):
    d, load, names = clip
    a = load("A.npy")
    p = neuroncert.concepts(load("E.npy"), load("T.npy"))
    ident = neuroncert.identify(a, p, "soft_wpmi", concept_names=names)
    ref = load("soft_wpmi.npy")
    assert list(ident["concept"]) == list(ref.argmax(1))
    assert np.allclose(ident["estimate"], ref.max(1), rtol=1e-9, atol=0)
    assert "no closed-form rate" in ident.summary["certificate"]
    assert "bootstrap" in ident.summary["certificate"]
    # The CLI on the same data (its concepts command, then identify --bootstrap) gives the same numbers.
    cli("concepts", "--image-embeddings", os.path.join(d, "E.npy"), "--text-embeddings", os.path.join(d, "T.npy"),
        "--concept-names", os.path.join(d, "names.txt"), "--out", tmp_path / "p")
    assert np.array_equal(np.load(tmp_path / "p.npy"), p)
    cli("identify", "--activations", os.path.join(d, "A.npy"), "--concepts", tmp_path / "p.npy", "--concept-names",
        tmp_path / "p.txt", "--metric", "soft_wpmi", "--bootstrap", 12, "--seed", 4, "--out", tmp_path / "id")
    rows = read_csv(tmp_path / "id.csv")
    assert [float(r["estimate"]) for r in rows] == list(ident["estimate"])
    st = neuroncert.bootstrap(a, p, "soft_wpmi", K=12, seed=4, concept_names=names)
    assert "recomputes the marginal" in st.summary["layer_metric"]
    freq = read_csv(tmp_path / "id_bootstrap.csv")
    counts = np.zeros((10, 30), dtype=np.int64)
    for r in freq:
        counts[int(r["neuron"]), int(r["concept"])] = int(r["count"])
    assert np.array_equal(counts, st.counts)


def test_errors_name_the_argument(clip):
    _, load, _ = clip
    e, t, a = load("E.npy"), load("T.npy"), load("A.npy")
    with pytest.raises(ValueError, match="text_embeddings: embedding width 31 differs from 32"):
        neuroncert.concepts(e, t[:, :31])
    bad = e.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="image_embeddings: non-finite value"):
        neuroncert.concepts(bad, t)
    bad = e.copy()
    bad[7] = 0
    with pytest.raises(ValueError, match="image_embeddings: row 7 has norm 0"):
        neuroncert.concepts(bad, t)
    with pytest.raises(ValueError, match="--sigmoid needs --scale A and --shift B"):
        neuroncert.concepts(e, t, link="sigmoid", scale=58.0)
    p = neuroncert.concepts(e, t)
    with pytest.raises(ValueError, match="top_k must lie between 1 and the number of probing samples"):
        neuroncert.similarity(a, p, "soft_wpmi", top_k=401)
    with pytest.raises(ValueError, match="--top-k is not used for metric auroc"):
        neuroncert.similarity(a, p > 0.05, "auroc", top_k=3)
    with pytest.raises(ValueError, match="--p-start is not used for metric cd_wpmi"):
        neuroncert.similarity(a, p, "cd_wpmi", p_start=0.9)
    with pytest.raises(ValueError, match="whole numbers"):
        neuroncert.similarity(a, p, "soft_wpmi", weights=np.full(400, 0.5))
    with pytest.raises(ValueError, match="no closed-form bound"):
        neuroncert.plan("soft_wpmi", concepts=30, epsilon=0.1)
