"""Figures for ``agentzoo report``: ratio distributions, solve-time scaling, anytime results, tables."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from agentzoo.systems.fair_matching.api import ALGORITHMS

STATUS_COLOURS = {"optimal": "tab:green", "time_limit": "tab:red", "heuristic": "tab:orange"}


def _records(results: list[Any]) -> pd.DataFrame:
    frames = [r.records for r in results if isinstance(getattr(r, "records", None), pd.DataFrame) and len(r.records)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def figures(results: list[Any]) -> list[tuple[str, Any]]:
    """[(title, matplotlib Figure)] for the loaded fair-matching results."""
    import matplotlib.pyplot as plt

    frame = _records(results)
    out: list[tuple[str, Any]] = []
    if frame.empty or "suite" not in frame:
        return out
    grid = frame[frame["suite"] == "grid"]
    if len(grid):
        generators = list(dict.fromkeys(grid["generator"]))
        fig, axes = plt.subplots(1, len(generators), figsize=(6 * len(generators), 4.5), squeeze=False)
        for ax, generator in zip(axes[0], generators):
            part = grid[grid["generator"] == generator]
            names = list(dict.fromkeys(part["algorithm"]))
            ax.boxplot([part.loc[part["algorithm"] == a, "ratio"].dropna() for a in names], showfliers=True)
            ax.set_xticks(range(1, len(names) + 1), names, rotation=45, ha="right")
            ax.set_title(f"{generator}: value / OPT (or / proven bound)")
            ax.set_ylabel("ratio")
            ax.grid(alpha=0.3)
        fig.tight_layout()
        out.append(("Ratio to the exact optimum per algorithm", fig))

        exact = grid[grid["algorithm"] == "exact"]
        if len(exact):
            fig, ax = plt.subplots(figsize=(7, 4.5))
            markers = dict(zip(generators, "osd^vx*"))
            for (generator, status), part in exact.groupby(["generator", "status"]):
                generator, status = str(generator), str(status)
                jitter = part["T"] / part["n"]
                ax.scatter(part["n"] * (1 + 0.02 * jitter), part["solve_seconds"], marker=markers.get(generator, "o"),
                           color=STATUS_COLOURS.get(status, "k"), label=f"{generator}, {status}", alpha=0.7)
            ax.set_xlabel("n (agents = items)")
            ax.set_ylabel("exact solve time [s]")
            ax.set_yscale("log")
            ax.set_title("Exact count-ILP solve time vs n (colour: status)")
            ax.legend(fontsize=8)
            ax.grid(alpha=0.3)
            fig.tight_layout()
            out.append(("Exact solve time vs n", fig))

    anytime = frame[frame["suite"] == "anytime"]
    if len(anytime):
        fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
        labels, exists, absent = [], [], []
        for size, group in anytime.groupby(["n", "T"])["anytime_exists"]:
            labels.append("n={}, T={}".format(*size))
            exists.append(float((group == 1).sum()))
            absent.append(float((group == 0).sum()))
        x = np.arange(len(labels))
        left.bar(x - 0.2, exists, 0.4, label="exists")
        left.bar(x + 0.2, absent, 0.4, label="proved not to exist")
        left.set_xticks(x, labels)
        left.set_title("Anytime-optimal sequences")
        left.legend()
        columns = ["best_alpha", "greedy_alpha", "decomp_order_alpha"]
        right.boxplot([anytime[c].dropna() for c in columns])
        right.set_xticks([1, 2, 3], ["alpha* (ILP)", "greedy", "decomp_order"])
        right.set_title("Anytime ratio alpha = min_t min_i U_i^t / OPT(t)")
        right.grid(alpha=0.3)
        fig.tight_layout()
        out.append(("Anytime optimality: existence and alpha", fig))

    spectrum = frame[frame["suite"] == "spectrum"]
    if len(spectrum):
        table = spectrum.groupby("algorithm", sort=False).agg(
            min_throughput=("value", "mean"), sum_throughput=("welfare", "mean"), jain=("jain", "mean"))
        cells = [[a, *(f"{v:.3f}" for v in row)] for a, row in zip(table.index, table.to_numpy())]
        out.append(("Spectrum demo (bit/s/Hz, means over channel draws)",
                    _table_figure(plt, ["algorithm", "min cumulative", "sum", "Jain"], cells)))
    cells = [[name, text] for name, text in ALGORITHMS.items()]
    cells.append(["paper's algorithms", "not yet implemented (full text not available)"])
    out.append(("Guarantees: what is proven, by whom", _table_figure(plt, ["algorithm", "guarantee"], cells, wide=True)))
    return out


def _table_figure(plt: Any, header: list[str], cells: list[list[str]], wide: bool = False) -> Any:
    import textwrap

    if wide:
        cells = [[c[0], "\n".join(textwrap.wrap(c[1], 110))] for c in cells]
    lines = sum(max(str(c).count("\n") + 1 for c in row) for row in [header, *cells])
    fig, ax = plt.subplots(figsize=(13 if wide else 8, 0.3 + 0.25 * lines))
    ax.axis("off")
    table = ax.table(cellText=cells, colLabels=header, cellLoc="left", bbox=[0, 0, 1, 1],
                     colWidths=[0.16, 0.84] if wide else None)
    table.auto_set_font_size(False)
    table.set_fontsize(8)
    fig.tight_layout()
    return fig
