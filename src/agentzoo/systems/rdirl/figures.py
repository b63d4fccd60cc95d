"""Report figures: learning curves (normalised return vs environment steps, mean and 95% CI
over seeds, every method) and recovered-vs-true reward scatter plots.

Figures are built as plain :class:`matplotlib.figure.Figure` objects, outside pyplot's registry,
so callers that never close them (tests, benchmarks) do not accumulate open figures.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from agentzoo.systems.rdirl.metrics import mean_ci95, pearson


def learning_curves(records: pd.DataFrame) -> list[tuple[str, Any]]:
    """One figure per task: mean normalised return +/- 95% CI over seeds against env steps."""
    from matplotlib.figure import Figure

    figures = []
    evals = records[records["kind"] == "eval"]
    for env, frame in evals.groupby("env"):
        fig = Figure(figsize=(6, 3.6))
        ax = fig.subplots()
        for method, part in frame.groupby("method"):
            stats = part.groupby("env_step")["normalised_return"].apply(lambda v: mean_ci95(list(v)))
            steps = np.asarray(stats.index, dtype=float)
            mean = np.array([m for m, _ in stats])
            half = np.nan_to_num(np.array([h for _, h in stats]))
            ax.plot(steps, mean, label=str(method))
            ax.fill_between(steps, mean - half, mean + half, alpha=0.2)
        ax.axhline(0.9, color="grey", linestyle=":", linewidth=1)
        ax.set_xlabel("environment steps" if env != "pursuit" else "observed adversary steps")
        ax.set_ylabel("normalised return" if env != "pursuit" else "normalised trajectory cost")
        ax.set_title(f"{env}: mean and 95% CI over {part['seed'].nunique() if 'seed' in part else 1} seed(s)")
        ax.legend(fontsize=8)
        fig.tight_layout()
        figures.append((f"rdirl_curve_{env}", fig))
    return figures


def cost_scatter(scatter: pd.DataFrame) -> list[tuple[str, Any]]:
    """Recovered reward against the true reward on the coverage set, per task and method."""
    from matplotlib.figure import Figure

    figures = []
    for env, frame in scatter.groupby("env"):
        methods = list(frame["method"].unique())
        fig = Figure(figsize=(3.4 * len(methods), 3.2))
        axes = fig.subplots(1, len(methods), squeeze=False)
        for ax, method in zip(axes[0], methods):
            part = frame[frame["method"] == method]
            ax.scatter(part["true_reward"], part["learned_reward"], s=4, alpha=0.5)
            ax.set_title(f"{method}: rho = {pearson(part['true_reward'], part['learned_reward']):.2f}", fontsize=9)
            ax.set_xlabel("true reward")
            ax.set_ylabel("recovered reward (-c)")
        fig.suptitle(str(env))
        fig.tight_layout()
        figures.append((f"rdirl_cost_{env}", fig))
    return figures


def figures(results: list[Any]) -> list[tuple[str, Any]]:
    """The system's figures for ``agentzoo report`` (``results``: loaded :class:`Result` objects)."""
    frames, scatters = [], []
    for result in results:
        if result.records is not None and len(result.records):
            frames.append(result.records.assign(seed=result.seed))
        scatter = result.artifacts.get("cost_scatter.parquet")
        if isinstance(scatter, pd.DataFrame):
            scatters.append(scatter.assign(seed=result.seed))
    out: list[tuple[str, Any]] = []
    if frames:
        out += learning_curves(pd.concat(frames, ignore_index=True))
    if scatters:
        out += cost_scatter(pd.concat(scatters, ignore_index=True))
    return out
