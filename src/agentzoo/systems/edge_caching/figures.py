"""Report figures: delay per method (mean, 95% CI over seeds), learning curves with and
without augmentation, and the cache contents at the end of an evaluation episode."""

from __future__ import annotations

from typing import Any

import numpy as np

from agentzoo.systems.edge_caching.config import METHODS


def mean_ci(values: list[float]) -> tuple[float, float]:
    """Mean and the half-width of its 95% t-interval (0 for a single value)."""
    x = np.asarray([v for v in values if v is not None and np.isfinite(v)], dtype=float)
    if len(x) == 0:
        return float("nan"), 0.0
    if len(x) == 1:
        return float(x[0]), 0.0
    from scipy import stats

    return float(x.mean()), float(stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x)))


def figures(results: list[Any]) -> list[tuple[str, Any]]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out: list[tuple[str, Any]] = []
    methods = [m for m in METHODS if any(f"delay_{m}" in r.metrics for r in results)]
    if methods:
        fig, ax = plt.subplots(figsize=(7, 3.5))
        stats_ = [mean_ci([r.metrics.get(f"delay_{m}", np.nan) for r in results]) for m in methods]
        ax.bar(methods, [s[0] for s in stats_], yerr=[s[1] for s in stats_], capsize=4,
               color=["tab:red" if m == "maasn_da" else "tab:blue" for m in methods])
        ax.set_ylabel("mean download delay (s)")
        ax.set_title(f"Delay per method (mean, 95% CI over {len(results)} seed(s))")
        ax.tick_params(axis="x", rotation=45)
        fig.tight_layout()
        out.append(("edge_caching_delay", fig))
    curves = [r.artifacts.get("curves.json", {}).get("curves", {}) for r in results]
    learners = sorted({m for c in curves for m in c})
    if learners:
        fig, ax = plt.subplots(figsize=(6, 3.5))
        for m in learners:
            runs = [np.asarray(c[m], dtype=float) for c in curves if m in c]
            n = min(len(x) for x in runs)
            steps = runs[0][:n, 0]
            ys = np.stack([x[:n, 1] for x in runs])
            ax.plot(steps, ys.mean(axis=0), label=m, lw=2 if m == "maasn_da" else 1)
            if len(runs) > 1:
                ax.fill_between(steps, ys.min(axis=0), ys.max(axis=0), alpha=0.15)
        ax.set_xlabel("real environment steps")
        ax.set_ylabel("greedy eval return")
        ax.set_title("Learning curves (with / without augmentation)")
        ax.legend()
        fig.tight_layout()
        out.append(("edge_caching_curves", fig))
    content = next((r.artifacts["cache_content.json"] for r in results
                    if "cache_content.json" in r.artifacts), None)
    if content and content.get("methods"):
        shown = [m for m in ("whole_model", "pb_lfu", "maasn", "maasn_da", "oracle_greedy")
                 if m in content["methods"]]
        fig, axes = plt.subplots(len(shown), 1, figsize=(8, 1.2 * len(shown) + 0.6), squeeze=False)
        for ax, m in zip(axes[:, 0], shown):
            grid = np.asarray(content["methods"][m])
            ax.imshow(grid, aspect="auto", cmap="Greens", vmin=0, vmax=1, interpolation="nearest")
            unit = "models" if m == "whole_model" else "PBs"
            ax.set_ylabel(m, rotation=0, ha="right", va="center")
            ax.set_yticks(range(grid.shape[0]))
            ax.set_yticklabels([f"EN{k}" for k in range(grid.shape[0])], fontsize=7)
            ax.set_xlabel(unit, fontsize=7)
        fig.suptitle("Cache contents at the end of the first evaluation episode")
        fig.tight_layout()
        out.append(("edge_caching_cache", fig))
    return out
