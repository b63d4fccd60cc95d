"""TiMi's figures for ``agentzoo report``: equity curves, per-pair Sharpe, no-edge distribution."""

from __future__ import annotations

from typing import Any


def figures(results: list[Any]) -> list[tuple[str, Any]]:
    """Equity curves (TiMi vs the val-selected best baseline), per-pair test Sharpe by method,
    and the distribution of segment Sharpe ratios in the planted-edge and no-edge worlds."""
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    out: list[tuple[str, Any]] = []
    curves = [c for r in results for c in (r.artifacts.get("equity_curves.json") or [])]
    if curves:
        main = [c for c in curves if c["world"] in ("planted", "real")]
        pairs = sorted({c["pair"] for c in main})[:6]
        fig, axes = plt.subplots(1, max(1, len(pairs)), figsize=(3.2 * max(1, len(pairs)), 3.0), squeeze=False)
        for ax, pair in zip(axes[0], pairs):
            for method, style in (("timi", "-"), ("best_baseline", "--")):
                level = 1.0
                xs: list[int] = []
                ys: list[float] = []
                for c in sorted((c for c in main if c["pair"] == pair and c["method"] == method),
                                key=lambda c: (c["fold"] == "holdout", str(c["fold"]).zfill(4))):
                    seg = level * np.asarray(c["equity"])
                    xs.extend(range(len(ys), len(ys) + len(seg)))
                    ys.extend(seg.tolist())
                    level = seg[-1] if len(seg) else level
                ax.plot(xs, ys, style, label=method)
            ax.set_title(pair, fontsize=9)
            ax.set_xlabel("test session (folds chained)")
        axes[0][0].set_ylabel("equity (net of costs)")
        axes[0][0].legend(fontsize=7)
        fig.tight_layout()
        out.append(("timi_equity_curves", fig))
    frames = [r.records for r in results if len(r.records)]
    if frames:
        rec = pd.concat(frames, ignore_index=True)
        main = rec[rec["world"].isin(["planted", "real"]) & (rec["fold"] != "holdout")]
        if len(main):
            table = main.groupby(["pair", "method"])["sharpe"].mean().unstack("method")
            fig, ax = plt.subplots(figsize=(max(5, 0.5 * len(table)), 3.2))
            table.plot(kind="bar", ax=ax, width=0.8)
            ax.set_ylabel("mean test Sharpe (after costs)")
            ax.axhline(0, color="k", lw=0.5)
            ax.legend(fontsize=6, ncol=3)
            fig.tight_layout()
            out.append(("timi_per_pair_sharpe", fig))
        fig, ax = plt.subplots(figsize=(5, 3.2))
        for world in ("planted", "no_edge", "real"):
            rows = rec[(rec["world"] == world) & (rec["method"] == "timi")]
            if len(rows):
                ax.hist(rows["sharpe"], bins=20, alpha=0.5, label=f"TiMi, {world}")
        ax.set_xlabel("test-segment Sharpe")
        ax.legend(fontsize=7)
        fig.tight_layout()
        out.append(("timi_sharpe_distribution", fig))
    return out
