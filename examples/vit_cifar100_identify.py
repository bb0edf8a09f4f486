#!/usr/bin/python3
"""Which CIFAR-100 concept does each CLS neuron of the built-in ViT encode, and how far can we trust it?

1. extract: the 128 CLS-token activations of the ViT on the CIFAR-100 test set, with the
   concept matrix neuroncert builds from the labels (100 fine classes + 20 coarse superclasses);
2. identify: every neuron's best concept by AUROC, with its certified interval (docs/theory.md sec. 3-4);
3. bootstrap: how stable that choice is over K resamples, and the BE prediction sets (sec. 5);
4. a bar chart of the top-1 bootstrap frequency per neuron (if matplotlib is installed).

Run from anywhere after scripts/install-python, or with PYTHONPATH=build/python:
    examples/vit_cifar100_identify.py                 # all 10,000 test images
    examples/vit_cifar100_identify.py --limit 2000    # the first 2,000, faster
"""
import argparse
import sys
import textwrap
import time

import numpy as np

try:
    import neuroncert
except ImportError:
    sys.exit("neuroncert is not importable: run scripts/install-python, or set PYTHONPATH=build/python "
             "(and use Debian's /usr/bin/python3)")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--limit", type=int, default=0, metavar="N",
                   help="use the first N test images (default: all 10,000)")
    p.add_argument("--threads", type=int, default=0, help="worker threads (default 0: all cores)")
    p.add_argument("--resamples", type=int, default=100, metavar="K", help="bootstrap resamples (default 100)")
    p.add_argument("--seed", type=int, default=1, help="bootstrap seed (default 1)")
    p.add_argument("--delta", type=float, default=0.05, help="failure probability per neuron (default 0.05)")
    p.add_argument("--show", type=int, default=10, metavar="M", help="print the BE sets of the first M neurons")
    p.add_argument("--plot", default="vit_cifar100_auroc.png", metavar="PNG",
                   help="where to draw the chart (default: vit_cifar100_auroc.png)")
    p.add_argument("--no-plot", action="store_true", help="skip the chart")
    p.add_argument("--data-dir", default=None,
                   help="folder with the CIFAR files and weights (default: $NEURONCERT_DATA or the build's)")
    return p.parse_args()


def main():
    args = parse_args()
    # Checked here so that a typo does not cost an extraction first.
    if args.limit < 0:
        sys.exit("--limit: must be at least 0")
    if not 0 <= args.threads <= 256:
        sys.exit("--threads: must lie between 0 (all cores) and 256")
    if not 1 <= args.resamples <= 10**6:
        sys.exit("--resamples: must lie between 1 and 1,000,000")

    # 1. Activations and concepts. `extract` returns float32 activations (n x 128), uint8 concepts
    #    (n x 120: the fine classes, then "coarse:..." superclasses) and their names.
    t0 = time.perf_counter()
    data = neuroncert.extract("vit", "cifar100", "cls", limit=args.limit, threads=args.threads,
                              data_dir=args.data_dir)
    acts, concepts, names = data["activations"], data["concepts"], list(data["concept_names"])
    print(f"extract: ViT CLS activations of {acts.shape[0]} CIFAR-100 test images, {acts.shape[1]} neurons, "
          f"{len(names)} concepts ({sum(not c.startswith('coarse:') for c in names)} fine + "
          f"{sum(c.startswith('coarse:') for c in names)} coarse), {time.perf_counter() - t0:.1f} s")

    # A concept with no positive (or no negative) image has no AUROC and neuroncert refuses it;
    # with --limit some classes can be missing, so keep only the concepts present.
    keep = concepts.any(axis=0) & ~concepts.all(axis=0)
    if not keep.all():
        dropped = [n for n, k in zip(names, keep) if not k]
        print(f"dropped {len(dropped)} concepts without positive (or negative) images here: {', '.join(dropped[:8])}"
              + (" ..." if len(dropped) > 8 else "") + f"; concept indices below count the {keep.sum()} kept")
        concepts = concepts[:, keep]
        names = [n for n, k in zip(names, keep) if k]

    # 2. Identification with certified intervals.
    t0 = time.perf_counter()
    result = neuroncert.identify(acts, concepts, "auroc", delta=args.delta, concept_names=names,
                                 threads=args.threads)
    seconds = time.perf_counter() - t0
    print()
    print(result)
    chosen = result["concept"]
    is_coarse = np.array([c >= 0 and names[c].startswith("coarse:") for c in chosen])
    fine = (chosen >= 0) & ~is_coarse
    print(f"identify: {seconds:.2f} s")
    print(f"  {fine.sum()} neurons chose a fine class ({len(set(chosen[fine]))} distinct), "
          f"{is_coarse.sum()} a coarse superclass, {(chosen < 0).sum()} none")
    lower = result["certified_lower"]
    print(f"  {(lower > 0.5).sum()} of {len(result)} are certified better than chance (certified_lower > 0.5); "
          f"median interval half-width {np.nanmedian(result['rate']):.3f}")
    print(textwrap.fill(f"guarantee: {result.summary['guarantee']}", width=100, initial_indent="  ",
                        subsequent_indent="    "))

    # 3. Stability: bootstrap ensemble and BE prediction sets.
    t0 = time.perf_counter()
    stab = neuroncert.bootstrap(acts, concepts, "auroc", K=args.resamples, seed=args.seed, delta=args.delta,
                                concept_names=names, threads=args.threads)
    seconds = time.perf_counter() - t0
    s = stab.summary
    print()
    print(f"bootstrap: K = {s['resamples']}, seed {s['seed']}, BE threshold t = {s['threshold']}, {seconds:.2f} s")
    print(f"  mean top-1 frequency {s['mean_top1_frequency']:.3f}, mean BE set size {s['mean_be_set_size']:.2f}, "
          f"{(stab['be_set_size'] == 1).sum()} neurons with a BE set of one concept")
    print(f"  the full-set choice is in its BE set for {s['full_set_concept_in_be_set']} of {len(stab)} neurons, "
          f"and the most frequent concept for {(stab['top_concept'] == stab['full_set_concept']).sum()}")
    shown = max(0, min(args.show, len(stab)))
    if shown:
        print(f"  BE sets of the first {shown} neurons (concept: resamples that chose it):")
    for i in range(shown):
        members = stab["be_set"][i]
        counts = stab.counts[i]
        listed = ", ".join(f"{names[c]}: {counts[c]}" for c in members[:6])
        more = f", ... ({len(members) - 6} more)" if len(members) > 6 else ""
        print(f"    neuron {stab['neuron'][i]:3d}  top-1 {stab['top1_frequency'][i]:.2f}  "
              f"|S| = {stab['be_set_size'][i]:2d}  {{{listed}{more}}}")
    bound = stab["bound_corrected"]
    vacuous = int((bound == 0).sum())
    print(f"  Theorem 4.1 plug-in bound on P(c* in S) (heuristic for a bootstrap): median {np.nanmedian(bound):.3f}, "
          f"0 for {vacuous} of {len(stab)} neurons")
    if vacuous:
        print(f"    (their observed margins, median {np.nanmedian(stab['plugin_margin'][bound == 0]):.3f}, are too "
              f"small for n = {acts.shape[0]} images to resolve)")

    # 4. The chart: top-1 bootstrap frequency per neuron, most stable first.
    if args.no_plot:
        return 0
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("\nmatplotlib is not installed (Debian: python3-matplotlib): no chart drawn")
        return 0
    order = np.argsort(-stab["top1_frequency"], kind="stable")
    top = stab["top_concept"][order]
    freq = stab["top1_frequency"][order]
    coarse = np.array([t >= 0 and names[t].startswith("coarse:") for t in top])
    labels = [f"{stab['neuron'][j]}: {names[t].removeprefix('coarse:') if t >= 0 else '-'}"
              for j, t in zip(order, top)]
    fig, ax = plt.subplots(figsize=(max(8.0, 0.16 * len(order)), 5.5))
    x = np.arange(len(order))
    ax.bar(x[~coarse], freq[~coarse], color="tab:blue", label="fine class")
    if coarse.any():
        ax.bar(x[coarse], freq[coarse], color="tab:orange", label="coarse superclass")
    ax.set_xticks(x, labels, rotation=90, fontsize=6)
    ax.set_xlim(-1, len(order))
    ax.set_ylim(0, 1)
    ax.set_ylabel(f"top-1 frequency over K = {s['resamples']} resamples")
    ax.set_xlabel("neuron: its most frequent concept")
    ax.set_title(f"ViT CLS neurons on CIFAR-100 ({acts.shape[0]} images): stability of the AUROC explanation")
    ax.legend(loc="upper right")
    fig.tight_layout()
    try:
        fig.savefig(args.plot, dpi=120)
    except OSError as e:
        sys.exit(f"--plot: cannot write {args.plot}: {e.strerror or e}")
    plt.close(fig)
    print(f"\nchart: {args.plot}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit("interrupted")
    except (ValueError, TypeError) as e:
        sys.exit(f"error: {e}")
