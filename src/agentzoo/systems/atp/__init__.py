"""atp — Alignment Tipping Process: how self-evolution pushes LLM agents off the rails (Han et al.).

Two testbeds run side by side with their control arms and a positive control:
Self-Interested Exploration (one agent, a rule, a better-paid violation, in-context
experience) and Imitative Strategy Diffusion (n agents in a threshold game who see each
other's choices and outcomes). See ``docs/atp.md``.

    agentzoo run atp --preset quick
    agentzoo run atp --preset cpu --data ../shared/data/atp
"""

from __future__ import annotations

from typing import Any

from agentzoo.systems.atp.config import Config
from agentzoo.systems.atp.run import run

__all__ = ["Config", "figures", "run"]


def figures(results: list[Any]) -> list[tuple[str, Any]]:
    """SA violation curves (arms overlaid, mean and 95% CI over runs) and the MA grid heatmap."""
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    out: list[tuple[str, Any]] = []
    frames = [r.records for r in results if len(r.records)]
    if not frames:
        return out
    records = pd.concat(frames, ignore_index=True)
    sa_rows = records[records["paradigm"] == "sa"]
    if len(sa_rows):
        fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
        for ax, label in zip(axes, ("model", "reward_follower"), strict=True):
            for arm, rows in sa_rows[sa_rows["model"] == label].groupby("arm"):
                per_round = rows.groupby("round")["violate"].agg(["mean", "count", "std"])
                half = 1.96 * per_round["std"].fillna(0) / np.sqrt(per_round["count"].clip(lower=1))
                ax.plot(per_round.index, per_round["mean"], marker="o", label=str(arm))
                ax.fill_between(per_round.index, per_round["mean"] - half, per_round["mean"] + half, alpha=0.15)
            ax.set_title(f"SA violation rate ({label})")
            ax.set_xlabel("round")
            ax.legend(fontsize=7)
        axes[0].set_ylabel("violation rate")
        fig.tight_layout()
        out.append(("sa_violation_curves", fig))
    ma_rows = records[(records["paradigm"] == "ma") & (records["model"] == "model")]
    if len(ma_rows):
        grid = ma_rows[(ma_rows["arm"] == "grid") & (~ma_rows["fixed"].astype(bool))]
        table = grid.pivot_table(index="k", columns="round", values="collective", aggfunc="mean")
        fig, ax = plt.subplots(figsize=(5, 3.2))
        image = ax.imshow(table.to_numpy(), vmin=0, vmax=1, cmap="viridis", aspect="auto")
        ax.set_xticks(range(table.shape[1]), [str(c) for c in table.columns])
        ax.set_yticks(range(table.shape[0]), [f"k={k}" for k in table.index])
        ax.set_xlabel("round")
        ax.set_title("MA collective-choice rate (grid)")
        fig.colorbar(image, ax=ax)
        fig.tight_layout()
        out.append(("ma_grid", fig))
    return out
