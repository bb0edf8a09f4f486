"""neuroncert: trustworthy neuron identification, from NumPy arrays and torch tensors.

A neuron (or an SAE feature, a probe direction) is explained by the concept that maximises an
empirical similarity on a probing set. neuroncert computes those similarities, certifies the
choice (generalisation bounds, docs/theory.md sec. 3-4), measures its stability (bootstrap ensemble and BE
prediction sets, sec. 5) and plans a study (how many probing images a metric needs, sec. 4.1).
It is the same engine as the ``neuroncert`` command line: the same inputs give the same numbers,
bit for bit.

Inputs: any 2-D array of float32, float64, bool or integers (C or Fortran order, any strides), or a
torch tensor (a CPU tensor is read through ``.numpy()`` without a copy). Rows are probing samples;
activation columns are neurons, concept columns are concepts (0/1 labels or probabilities in [0, 1]).
The arrays are read in place; the engine keeps its own float64 copy, as the CLI does with .npy files.

Errors are one line naming the argument: ValueError for bad values and shapes, TypeError for dtypes.
Long calls release the GIL; ``threads=`` caps the worker threads (0 = all cores; results never
depend on it), and Ctrl-C stops a bootstrap between neurons with KeyboardInterrupt.

    >>> import neuroncert, numpy as np
    >>> acts = np.random.rand(1000, 8).astype("f4"); concepts = np.random.rand(1000, 20) < 0.1
    >>> neuroncert.identify(acts, concepts, "auroc")          # a table: concept, estimate, interval
    >>> neuroncert.plan("accuracy", concepts=1000, epsilon=0.01) # probing images a study needs
"""
from __future__ import annotations

import os
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple, Union

import numpy as np

from . import _core
from ._tables import Table, columns_from_rows

__version__ = _core.version
__all__ = [
    "advise", "similarity", "identify", "bootstrap", "concepts", "plan", "bound", "be_coverage", "clopper_pearson",
    "sieve_plan", "simulate", "experiments", "extract", "metrics", "reason_names",
    "Similarity", "Identification", "Stability", "Table",
    "read_image",
]

ArrayLike = Any  # a NumPy array, a torch tensor, or anything with __array__


def metrics() -> List[str]:
    """The metric names every function accepts (the CLI's --metric values)."""
    return list(_core.metric_names())


def reason_names() -> List[str]:
    """Why a similarity is undefined, indexed by the codes in ``Similarity.reasons`` (0 = defined)."""
    return list(_core.reason_names())


def _array(x: ArrayLike, name: str) -> np.ndarray:
    """A NumPy view of x without copying where possible (torch CPU tensors through .numpy())."""
    if isinstance(x, np.ndarray):
        return x
    mod = type(x).__module__
    if mod.startswith("torch"):
        x = x.detach()
        if x.device.type != "cpu":
            x = x.cpu()  # a copy is unavoidable for a GPU tensor
        return x.numpy()
    try:
        return np.asarray(x)
    except Exception as e:  # noqa: BLE001 - reported as the argument's type error
        raise TypeError(f"{name}: expected an array or a torch tensor, got {type(x).__name__}") from e


def _metric_options(alpha, binary, orientation, auroc_strict, mad_standardised, wpmi_lambda, wpmi_eps,
                    clip_dissect=None) -> Dict[str, Any]:
    """The options the caller gave (None and False are not given), for the check the CLI shares:
    an option the metric does not read is refused, as ``neuroncert identify`` refuses it."""
    given = {"alpha": alpha, "orientation": orientation, "wpmi_lambda": wpmi_lambda, "wpmi_eps": wpmi_eps,
             **(clip_dissect or {})}
    options = {k: v for k, v in given.items() if v is not None}
    for key, flag in (("binary", binary), ("auroc_strict", auroc_strict), ("mad_standardised", mad_standardised)):
        if flag:
            options[key] = True
    return options


_CLIP_DISSECT_DOC = """
    soft_wpmi and cd_wpmi (CLIP-Dissect's scores) take concept probabilities P(c|x) (``concepts``
    makes them from embeddings) and score neuron k against concept c as
    logP(c|E_k) - lambda * logP(c): logP(c|E_k) sums, over the neuron's top_k samples by
    activation (descending; ties: the lower sample index first), log(1 + p_i (P(c|x_(i)) - 1) + eps)
    with p_i = p_start - (i/top_k)(p_start - p_end) (soft_wpmi) or log(P(c|x_(i)) + eps) (cd_wpmi);
    logP(c) = log of the mean over the layer's neurons of exp(logP(c|E_k')), so every score depends on
    every neuron (columns of ``activations``). top_k, cd_lambda, p_start, p_end, cd_eps: None keeps
    CLIP-Dissect's defaults (soft_wpmi 100, 1, 0.998, 0.97, 1e-7; cd_wpmi 28, 0.6, -, -, 1e-7).
    Weights (bootstrap multiplicities) must be whole numbers: a sample of multiplicity m fills m
    consecutive top-k slots."""


class Similarity(NamedTuple):
    """Every (neuron, concept) similarity: ``values`` F x |C| float64 with NaN where undefined, and
    ``reasons`` F x |C| uint8 codes saying why (0 = defined; names in ``reason_names()``)."""
    values: np.ndarray
    reasons: np.ndarray

    def reason(self, neuron: int, concept: int) -> str:
        """Why values[neuron, concept] is NaN ("defined" when it is a number)."""
        return reason_names()[int(self.reasons[neuron, concept])]


def similarity(activations: ArrayLike, concepts: ArrayLike, metric: str, *, alpha: Optional[float] = None,
               weights: Optional[ArrayLike] = None, binary: bool = False, orientation: Optional[str] = None,
               auroc_strict: bool = False, mad_standardised: bool = False, wpmi_lambda: Optional[float] = None,
               wpmi_eps: Optional[float] = None, top_k: Optional[int] = None, cd_lambda: Optional[float] = None,
               p_start: Optional[float] = None, p_end: Optional[float] = None, cd_eps: Optional[float] = None,
               threads: int = 0) -> Similarity:
    """The empirical similarity of every neuron with every concept (docs/theory.md sec. 2).

    activations: n x F; concepts: n x |C| (0/1 or probabilities); metric: one of ``metrics()``.
    alpha: the top-alpha fraction that binarises a neuron (count metrics, WPMI; default 0.05);
    binary: the activations are already 0/1. orientation: recall/precision with the neuron predicting
    the concept ("paper", the default) or transposed ("neuron-eval"). wpmi_lambda, wpmi_eps: WPMI's
    lambda (1) and clamp (1e-8). An option the metric does not read is a ValueError, as on the CLI.
    weights: n sample weights >= 0 (a bootstrap resample's multiplicities, say). Returns ``Similarity(values, reasons)``: NaN marks an undefined
    value (AUROC of a concept without positives or without negatives, ...) and ``reasons`` says
    why; NaN never stands for a number. (``identify`` and ``bootstrap`` refuse a concept column
    without any positive, as the CLI does: there is nothing to explain with it.) Equals ``neuroncert identify``'s similarities on the same data, bit for bit.
    """
    values, reasons = _core.similarity(
        _array(activations, "activations"), _array(concepts, "concepts"), metric,
        _metric_options(alpha, binary, orientation, auroc_strict, mad_standardised, wpmi_lambda, wpmi_eps,
                        dict(top_k=top_k, cd_lambda=cd_lambda, p_start=p_start, p_end=p_end, cd_eps=cd_eps)),
        None if weights is None else _array(weights, "weights"), int(threads))
    return Similarity(values, reasons)


similarity.__doc__ += _CLIP_DISSECT_DOC


def concepts(image_embeddings: ArrayLike, text_embeddings: ArrayLike, *, link: str = "softmax",
             temperature: Optional[float] = None, scale: Optional[float] = None, shift: Optional[float] = None,
             threads: int = 0) -> np.ndarray:
    """Concept probabilities P(c|x) from a vision-language model's embeddings (``neuroncert concepts``).

    image_embeddings: n x d (e.g. CLIP image features of the probing images); text_embeddings: |C| x d
    (the same model's embeddings of the concept names). Every row of both is L2-normalised here, so
    raw encoder outputs are fine; S = E T^T holds the cosines. link="softmax" (CLIP-Dissect):
    P(c|x_i) = softmax over concepts of temperature * S_i (default 10; CLIP-Dissect uses 10 for
    soft_wpmi, 2 for its WPMI, cd_wpmi); link="sigmoid" (Neuron_Eval): P(c|x_i) =
    1 / (1 + exp(-scale (S_ic + shift))), scale and shift per model (SigLIP: 58, -0.13). Computed in
    float64 (the softmax subtracts each row's maximum first). Returns n x |C| float64, the concepts
    argument of ``identify``/``bootstrap``. ValueError for mismatched widths, a non-finite entry, a
    row of norm 0 or an empty array.
    """
    return _core.concepts(_array(image_embeddings, "image_embeddings"), _array(text_embeddings, "text_embeddings"),
                          str(link), None if temperature is None else float(temperature),
                          None if scale is None else float(scale), None if shift is None else float(shift),
                          int(threads))


class Identification(Table):
    """Each neuron's chosen concept with its certificate (one row per neuron; the CLI's PREFIX.csv).

    Columns: neuron, concept (-1: every concept undefined), concept_name, estimate (sim_hat of the
    chosen concept), skipped_concepts, bound (the rate used), effective_n, rate (r at delta/|C|),
    certified_lower/upper (estimate +- rate, clipped to [0, 1]), cp_lower/cp_upper (exact
    Clopper-Pearson interval at delta/|C|, count metrics), gap_to_best (certified
    sim(c*) - sim(c_hat) <= gap). NaN where a value does not apply. ``summary`` holds the run's
    totals and the guarantee in words.
    """

    title = "identification"

    def _header_lines(self):
        s = self.summary
        lines = [f"neuroncert.identify: {s['samples']} samples, {s['neurons']} neurons, {s['concepts']} concepts, "
                 f"metric {s['metric']}, delta {s['delta']:g}",
                 f"identified {s['identified']}/{s['neurons']}, mean estimate {s['mean_estimate']:.4f}"
                 + (f", mean certified gap {s['mean_gap']:.4f}" if s["bounded"] else ", no closed-form bound")]
        return lines

    def _shown_columns(self):
        shown = ["neuron", "concept", "concept_name", "estimate", "certified_lower", "certified_upper",
                 "cp_lower", "cp_upper", "gap_to_best"]
        return [c for c in shown if c in self.columns]


def identify(activations: ArrayLike, concepts: ArrayLike, metric: str, *, delta: float = 0.05,
             concept_names: Optional[Sequence[str]] = None, alpha: Optional[float] = None, binary: bool = False,
             orientation: Optional[str] = None, auroc_strict: bool = False, mad_standardised: bool = False,
             wpmi_lambda: Optional[float] = None, wpmi_eps: Optional[float] = None, top_k: Optional[int] = None,
             cd_lambda: Optional[float] = None, p_start: Optional[float] = None, p_end: Optional[float] = None,
             cd_eps: Optional[float] = None, min_support: float = 0.0, threads: int = 0) -> Identification:
    """Explain every neuron by its best concept, with certified intervals (docs/theory.md sec. 3-4).

    Per neuron, with probability >= 1 - delta simultaneously over its |C| concepts, the population
    similarity of the chosen concept lies in [certified_lower, certified_upper] and the chosen
    concept is at most gap_to_best below the best one (Theorem 3.1 and Corollary 3.2, rates at
    delta/|C|). There is no correction across neurons: use delta/F for all neurons at once.
    Certified identification over the concepts: with probability >= 1 - delta the best concept (among
    those with a defined estimate and at least ``min_support`` positives) is in the certified set
    (``certified_set_size``, ``certified_unique``: the explanation is certified unique), and ``lcb_concept``,
    the concept with the highest certified lower bound, has similarity >= ``lcb_lower``; no resampling
    assumption. Its per-concept intervals are Clopper-Pearson where the counts allow. ``gap_vacuous``
    marks a gap to the best concept that reached 1 (it says nothing).
    Metrics without a closed-form rate (F1, AUPRC, correlation, MAD, WPMI, soft_wpmi, cd_wpmi) report
    estimates only, and ``summary["certificate"]`` says why; use ``bootstrap`` for their stability. Same options as ``similarity``; the same numbers as
    ``neuroncert identify`` (its PREFIX.csv), bit for bit.
    """
    out = _core.identify(
        _array(activations, "activations"), _array(concepts, "concepts"), metric,
        _metric_options(alpha, binary, orientation, auroc_strict, mad_standardised, wpmi_lambda, wpmi_eps,
                        dict(top_k=top_k, cd_lambda=cd_lambda, p_start=p_start, p_end=p_end, cd_eps=cd_eps)),
        float(delta), None if concept_names is None else [str(c) for c in concept_names], int(threads),
        float(min_support))
    return Identification(columns_from_rows(out["rows"]), out["summary"])


identify.__doc__ += _CLIP_DISSECT_DOC


class Stability(Table):
    """The bootstrap ensemble of every neuron (one row per neuron; the CLI's PREFIX_be_sets.csv).

    Columns: neuron, full_set_concept, top_concept, top1_frequency, coverage90_size, unidentified,
    threshold, be_set_size, be_cumulative, be_reached, be_set (the BE prediction set: concept
    indices, most frequent first), be_set_names, plugin_margin, p_plugin, bound_corrected and
    bound_tightened (the Theorem 4.1 plug-in, NaN where it cannot be derived).
    ``frequencies``: a Table with one row per (neuron, chosen concept): count and frequency (the
    CLI's PREFIX_bootstrap.csv). ``counts``: F x |C| int64, how many of the K resamples chose each
    concept. ``summary``: means over neurons, K, seed, threshold, seconds.
    """

    title = "stability"

    def __init__(self, columns, summary, frequencies: Table, counts: np.ndarray):
        super().__init__(columns, summary)
        self.frequencies = frequencies
        self.counts = counts

    def _header_lines(self):
        s = self.summary
        return [f"neuroncert.bootstrap: K = {s['resamples']}, threshold t = {s['threshold']}, seed {s['seed']}, "
                f"metric {s['metric']}",
                f"mean top-1 frequency {s['mean_top1_frequency']:.3f}, mean 90%-coverage set size "
                f"{s['mean_coverage90_size']:.2f}, mean BE set size {s['mean_be_set_size']:.2f}"]

    def _shown_columns(self):
        shown = ["neuron", "full_set_concept", "top_concept", "top1_frequency", "coverage90_size", "be_set_size",
                 "be_set_names", "bound_corrected"]
        return [c for c in shown if c in self.columns]


def bootstrap(activations: ArrayLike, concepts: ArrayLike, metric: str, K: int = 100, *, seed: int = 20251218,
              threshold: Union[float, int] = 0.95, delta: float = 0.05,
              concept_names: Optional[Sequence[str]] = None, alpha: Optional[float] = None, binary: bool = False,
              orientation: Optional[str] = None, auroc_strict: bool = False, mad_standardised: bool = False,
              wpmi_lambda: Optional[float] = None, wpmi_eps: Optional[float] = None, top_k: Optional[int] = None,
              cd_lambda: Optional[float] = None, p_start: Optional[float] = None, p_end: Optional[float] = None,
              cd_eps: Optional[float] = None, threads: int = 0) -> Stability:
    """Stability of every neuron's explanation over K bootstrap resamples (docs/theory.md sec. 5).

    Resample k draws multiplicities w ~ Multinomial(n, 1/n) from its own stream (seed, k), so the
    result is the same for any thread count and equals ``neuroncert identify --bootstrap K --seed``.
    threshold: a fraction tau in (0, 1] (t = ceil(tau K)) or, as an int, t itself in [1, K]. The BE
    prediction set S (Algorithm 1) holds the most frequent concepts until their counts reach t;
    the corrected Theorem 4.1 gives P(c* in S) >= P(Binomial(K, p) <= t - 1) under its assumptions
    (a margin Delta, p from r(n, p/|C|) = Delta/2); bound_corrected is its plug-in with the observed
    margin, not a certified value. Ctrl-C stops the run between neurons (KeyboardInterrupt).
    soft_wpmi and cd_wpmi recompute the layer marginal on every resample (``summary["layer_metric"]``).
    """
    if isinstance(threshold, (bool, np.bool_)):
        raise TypeError("threshold: a fraction in (0, 1] or a whole number of resamples, not a bool")
    as_count = isinstance(threshold, (int, np.integer))
    out = _core.bootstrap(
        _array(activations, "activations"), _array(concepts, "concepts"), metric,
        _metric_options(alpha, binary, orientation, auroc_strict, mad_standardised, wpmi_lambda, wpmi_eps,
                        dict(top_k=top_k, cd_lambda=cd_lambda, p_start=p_start, p_end=p_end, cd_eps=cd_eps)),
        int(K), int(seed), int(threshold) if as_count else None, None if as_count else float(threshold),
        float(delta), None if concept_names is None else [str(c) for c in concept_names], int(threads))
    freq = Table(columns_from_rows(out["frequencies"]))
    freq.title = "bootstrap frequencies (neuron, concept, count, frequency)"
    return Stability(columns_from_rows(out["neurons"]), out["summary"], freq, out["counts"])


bootstrap.__doc__ += _CLIP_DISSECT_DOC


def advise(*, concepts: Optional[int] = None, delta: float = 0.05, n: Optional[int] = None,
           epsilon: Optional[float] = None, margin: Optional[float] = None,
           budget: Union[str, Sequence[int], None] = None, frequency: Union[float, str, Sequence[float], None] = None,
           frequency_file: Optional[str] = None, matrix: Union[str, Sequence[float], None] = None,
           neuron_recall: Optional[float] = None, neuron_precision: Optional[float] = None,
           alpha: Optional[float] = None, pilot_activations: Optional[ArrayLike] = None,
           pilot_concepts: Optional[ArrayLike] = None, pilot_alpha: Optional[float] = None,
           metrics: Optional[Sequence[str]] = None, precision: int = 1, sanity_seeds: int = 1000,
           sanity_orientation: str = "paper", seed: int = 1, threads: int = 0) -> Dict[str, Any]:
    """Which metric, and how many probing samples, for your setting: ``neuroncert advise``.

    Per pair metric: the certified error at n (closed-form rate at delta/|C|, Clopper-Pearson at the
    expected counts) and the n it needs for epsilon; the simulated 0.95-quantile error at n (1000 x
    precision probing sets in your setting); the risk the metric is undefined at n; Neuron_Eval's
    sanity tests (missing and extra labels) at your frequencies, with recall, precision, AUROC and AUPRC
    as ``identify`` computes them (``sanity_orientation="paper"``: the neuron predicts the concept) or as
    Neuron_Eval's code does (``"neuron-eval"``: the concept predicts the neuron); identification over the concept set;
    and a ranking: metrics passing both sanity tests first, by simulated error relative to the range.
    Give n (or ``budget``, the sizes you can afford: "LO:HI" or (LO, HI), evaluated at HI) or epsilon
    (or ``margin``, the margin Delta to resolve: epsilon = Delta/2); the concept frequencies as ``frequency`` (one value, "LO:HI", or one value per
    concept) or ``frequency_file`` (a path); the agreement as ``matrix`` (W00, W01, W10, W11) or
    ``neuron_recall`` with ``neuron_precision`` or ``alpha``; or a pilot (``pilot_activations``
    n x F and ``pilot_concepts`` n x |C| arrays) instead of both. Returns the CLI's PREFIX.json
    report without run metadata (``ranking``, ``rows``, ``sanity``, ``identification``, ...), with
    ``pilot`` when a pilot was given. Errors name the CLI's options (``--neuron-recall``).
    """
    if budget is not None and not isinstance(budget, str):
        lo, hi = budget
        budget = f"{int(lo)}:{int(hi)}"
    kw: Dict[str, Any] = dict(concepts=concepts, delta=float(delta), n=n, epsilon=epsilon, margin=margin, budget=budget,
                              neuron_recall=neuron_recall, neuron_precision=neuron_precision, alpha=alpha,
                              pilot_alpha=pilot_alpha, precision=int(precision), sanity_seeds=int(sanity_seeds),
                              sanity_orientation=str(sanity_orientation), seed=int(seed), threads=int(threads))
    if frequency is not None and not isinstance(frequency, (str, int, float, np.number)):
        if frequency_file is not None:
            raise ValueError("give frequency or frequency_file, not both")
        kw["frequency_file"] = [float(r) for r in frequency]  # one frequency per concept, as a file's lines
    else:
        kw["frequency"] = None if frequency is None else str(frequency)
        kw["frequency_file"] = None if frequency_file is None else os.fspath(frequency_file)
    if matrix is not None and not isinstance(matrix, str):
        matrix = ",".join(repr(float(w)) for w in matrix)
    kw["matrix"] = matrix
    kw["metrics"] = None if metrics is None else [str(m) for m in metrics]
    for key, value in (("pilot_activations", pilot_activations), ("pilot_concepts", pilot_concepts)):
        kw[key] = None if value is None else _array(value, key)
    return _core.advise(kw)


def plan(metric: str, concepts: int, *, epsilon: Optional[float] = None, margin: Optional[float] = None,
         n: Optional[int] = None, delta: float = 0.05, rho: Optional[float] = None, rate: Optional[float] = None,
         delta_split: Optional[float] = None) -> Dict[str, Any]:
    """How many probing samples a target accuracy needs (docs/theory.md sec. 4.1), or what n resolves.

    Give exactly one of epsilon (r(n, delta/|C|) <= epsilon), margin (plans for epsilon =
    margin / 2, Corollary 3.2) or n (reports the epsilon and margin it resolves). rho: the concept
    frequency (AUROC; recall's q); rate: q, the probability of recall/precision/IoU's conditioning
    event; delta_split: the share of delta spent on the rate for those three (default 0.5).
    Returns ``neuroncert plan --json``'s report (without run metadata): one entry per bound.
    """
    return _core.plan(dict(metric=metric, concepts=concepts, epsilon=epsilon, margin=margin, n=n, delta=delta,
                           rho=rho, rate=rate, delta_split=delta_split))


def bound(metric: str, concepts: int, *, n: Optional[int] = None, delta: float = 0.05, rho: Optional[float] = None,
          counts: Optional[Sequence[int]] = None) -> Dict[str, Any]:
    """The certified rate r(n, delta/|C|), the uniform gap 2r (Corollary 3.2) and, from 2x2 counts
    (f00, f01, f10, f11; F_ij = #{f=i, c=j}), the estimate with its Clopper-Pearson interval
    (docs/theory.md sec. 4). Returns ``neuroncert bound --json``'s report (without run metadata)."""
    return _core.bound(dict(metric=metric, concepts=concepts, n=n, delta=delta, rho=rho,
                            counts=None if counts is None else [int(c) for c in counts]))


def be_coverage(K: int, *, threshold: Optional[int] = None, threshold_fraction: Optional[float] = None,
                p: Optional[float] = None, n: Optional[float] = None, margin: Optional[float] = None,
                concepts: Optional[int] = None, metric: Optional[str] = None,
                rho: Optional[float] = None, disagreement: Optional[float] = None,
                pilot_neuron: Optional[ArrayLike] = None, pilot_concepts: Optional[ArrayLike] = None) -> Dict[str, Any]:
    """Lower bound on P(c* in S) for the BE prediction set (Theorem 4.1 corrected, docs/theory.md sec. 5),
    the tightened bound and the paper's printed eq. 9. Give the threshold (t or tau) and either p
    or (n, margin, concepts, metric[, rho]) to solve r(n, p/|C|) = margin/2 for p.
    ``disagreement`` (accuracy only): an upper bound on P(c*(x) != c(x)) for every runner-up c; the
    report then gains ``pairwise``, the same bounds with p from pairwise differences
    (docs/be_coverage_bound.md), far tighter when concepts rarely disagree.
    ``pilot_neuron`` (n_p x 1 or length n_p, 0/1) and ``pilot_concepts`` (n_p x |C|, 0/1), with ``n`` and
    ``metric="accuracy"``, replace ``margin``, ``concepts`` and ``disagreement``: each runner-up's margin
    and disagreement are estimated on the pilot (plug-in) and the report gains ``pilot``.
    Returns ``neuroncert be-coverage --json``'s report (without run metadata)."""
    kw = dict(K=K, threshold=threshold, threshold_fraction=threshold_fraction, p=p, n=n, margin=margin,
              concepts=concepts, metric=metric, rho=rho, disagreement=disagreement)
    for key, value in (("pilot_neuron", pilot_neuron), ("pilot_concepts", pilot_concepts)):
        kw[key] = None if value is None else _array(value, key)
    if kw["pilot_neuron"] is not None and kw["pilot_neuron"].ndim == 1:
        kw["pilot_neuron"] = kw["pilot_neuron"].reshape(-1, 1)  # one neuron as a column
    return _core.be_coverage(kw)


def clopper_pearson(successes: int, trials: int, delta: float) -> Tuple[float, float]:
    """The exact two-sided (1 - delta) Clopper-Pearson interval of a binomial proportion."""
    return tuple(_core.clopper_pearson(int(successes), int(trials), float(delta)))


def sieve_plan(ar: float, *, power: float = 0.8, alpha: float = 0.05, p0: float = 0.01) -> Dict[str, Any]:
    """Verification images SIEVE needs to tell an activation rate ``ar`` from the random-image rate
    p0 with a one-sided exact binomial test at level alpha and the given power (docs/theory.md sec. 7):
    the smallest n (``images``), its critical count, size and power, and the normal approximation.
    The same numbers as ``neuroncert sieve-plan``."""
    return _core.sieve_plan(float(ar), float(power), float(alpha), float(p0))


def experiments() -> List[Tuple[str, str, List[str]]]:
    """The synthetic experiments ``simulate`` runs: (name, description, settings it reads)."""
    return [(name, desc, [u.lstrip("-").replace("-", "_") for u in uses]) for name, desc, uses in _core.experiments()]


def simulate(experiment: str, *, threads: int = 0, **settings: Any) -> Table:
    """Runs one of the paper's synthetic experiments (docs/theory.md sec. 6; names in ``experiments()``).

    settings: seed, replicates, n_min, n_max, n_points, delta, matrix (m00, m01, m10, m11 as a list
    or the CLI's "m00,m01,m10,m11"), as the
    CLI's options; a setting the experiment does not read is refused. Returns the tidy table of
    ``neuroncert simulate`` (columns experiment, setting, metric, n, quantity, value; NaN =
    undefined), with ``parameters`` (every parameter used, seed included) in ``summary``.
    """
    if isinstance(settings.get("matrix"), (list, tuple, np.ndarray)):
        settings["matrix"] = ",".join(repr(float(x)) for x in settings["matrix"])
    out = _core.simulate(experiment, settings, int(threads))
    cols = out["columns"]
    table = Table({"experiment": np.array(cols["experiment"], dtype=object),
                   "setting": np.array(cols["setting"], dtype=object),
                   "metric": np.array(cols["metric"], dtype=object),
                   "n": np.array(cols["n"], dtype=np.int64),
                   "quantity": np.array(cols["quantity"], dtype=object),
                   "value": np.array(cols["value"], dtype=np.float64)},
                  {"experiment": experiment, "description": out["description"], "parameters": out["parameters"]})
    table.title = f"neuroncert.simulate: {experiment} ({out['description']})"
    return table


def _data_directory(data_dir: Optional[str]) -> Tuple[str, str]:
    """The data directory and where it came from: data_dir, else $NEURONCERT_DATA (the CLI's and the
    test suite's variable), else the deprecated $NEURONCERT_DATA_DIR, else the build's."""
    if data_dir:
        return os.fspath(data_dir), "data_dir"
    for name in ("NEURONCERT_DATA", "NEURONCERT_DATA_DIR"):
        if os.environ.get(name):
            return os.environ[name], "$" + name
    from . import _models  # LibTorch: loaded only here
    return _models.default_data_dir, "data_dir (the build's default)"


def extract(model: str, data: Union[str, ArrayLike, None] = None, layer: Optional[str] = None, *,
            pool: str = "auto", batch_size: Optional[int] = None, threads: int = 0, data_dir: Optional[str] = None,
            limit: int = 0, subset: str = "full", norm: str = "imagenet",
            images: Optional[Union[str, "os.PathLike[str]"]] = None,
            files: Optional[Union[str, "os.PathLike[str]", Sequence[Union[str, "os.PathLike[str]"]]]] = None,
            labels: Optional[Union[str, "os.PathLike[str]"]] = None, resize: int = 0, crop: int = 0,
            skip_bad: bool = False) -> Dict[str, Any]:
    """Activations of a model layer (loads LibTorch on first use).

    model: "resnet20", "vit" (the built-in CIFAR-10 models) or a TorchScript file. data: "cifar10"
    (the default) or "cifar100" (the test set: the result also holds ``concepts`` (one-hot classes,
    uint8), ``concept_names`` and ``labels``), or your own images as a uint8 array [n, 3, H, W].
    layer: e.g. resnet20 "penultimate", vit "cls" (the CLI's ``extract --list-layers``).
    Returns a dict with ``activations`` (float32 n x F); for a data set also ``concepts``,
    ``concept_names``, ``labels`` (int64; CIFAR-100: fine) and ``coarse_labels`` (CIFAR-100), ``model``
    and ``pool`` (the pooling applied). The same values as ``neuroncert extract``.
    data_dir: the folder with the CIFAR files and weights (default: $NEURONCERT_DATA, else the one
    this build was configured with; the older $NEURONCERT_DATA_DIR is still read, after
    $NEURONCERT_DATA). A missing folder is a FileNotFoundError saying how to get it (docs/data.md).

    Image files instead of ``data`` (the CLI's --images/--files/--labels/--resize/--crop/--skip-bad,
    the same study): ``images`` a folder (class subfolders or flat), or ``files`` a list of paths
    (relative to the current folder) or a list file; ``labels`` a CSV of concepts; ``resize``/``crop``
    (0 = 256/224 for TorchScript, 32/32 for the built-in models); ``norm`` for TorchScript models.
    The result then also has ``files`` (row i's file), ``skipped`` ((file, error) pairs with
    skip_bad), ``labels`` and ``classes`` for a class-folder run without a labels CSV, ``resize``,
    ``crop`` and ``normalization``; ``concepts`` is float32 when the CSV holds probabilities.
    """
    from . import _models  # LibTorch: loaded only here

    if layer is None:
        raise ValueError("layer: required (resnet20: stem, layer1, layer2, layer3, penultimate, logits; "
                         "vit: encoder0..encoder5, cls, logits)")
    folder, origin = _data_directory(data_dir)
    image_run = images is not None or files is not None
    if image_run and data is not None:
        raise ValueError("data: not used with images= or files= (your images replace CIFAR)")
    if data is None:
        data = "cifar10"
    source = data if isinstance(data, str) else _array(data, "data")
    # The folder holds the CIFAR sets and the built-in models' weights; a TorchScript model on the
    # user's own images needs neither.
    if (model in ("resnet20", "vit") or (isinstance(source, str) and not image_run)) and not os.path.isdir(folder):
        raise FileNotFoundError(
            f"{origin}: '{folder}' is not a directory; the data directory holds the CIFAR files and weights: get "
            f"them as docs/data.md describes, check them with scripts/check-data DIR, then pass data_dir=DIR or set "
            f"NEURONCERT_DATA=DIR")
    file_names: List[str] = []
    files_list = ""
    if isinstance(files, (str, os.PathLike)):
        files_list = os.fspath(files)
    elif files is not None:
        file_names = [os.fspath(f) for f in files]
        if not file_names:
            raise ValueError("files: an empty list")
    if batch_size is not None and int(batch_size) < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    batch = 0 if batch_size is None else int(batch_size)  # 0: the study's default for the input size
    out = _models.extract(model, source, layer, pool, batch, int(threads), str(folder), int(limit),
                          subset, norm, os.fspath(images) if images is not None else "", file_names, files_list,
                          os.fspath(labels) if labels is not None else "", int(resize), int(crop), bool(skip_bad))
    for key in ("labels", "coarse_labels"):
        if key in out:
            out[key] = np.asarray(out[key], dtype=np.int64)
    return out


def read_image(path: Union[str, "os.PathLike[str]"]) -> np.ndarray:
    """The pixels neuroncert decodes from a .jpg/.jpeg/.png file: uint8 [H, W, 3], equal to
    ``np.asarray(PIL.Image.open(path).convert("RGB"))`` (libjpeg-turbo as PIL; EXIF orientation not
    applied; 16-bit samples keep their high byte)."""
    from . import _models  # LibTorch: loaded only here

    return _models.read_image(os.fspath(path))
