"""The run's metrics from its records (one row per world, class, pair, fold and method).

* ``timi_sharpe`` / ``best_baseline_sharpe``: mean annualised test Sharpe over the (pair, fold)
  segments of the main world (daily returns, A = 252 or 365 by calendar; no trades = 0); the
  best baseline of a segment is the one with the highest *validation* Sharpe;
* ``walk_forward_win_fraction``: share of segments where TiMi's net test Sharpe beats the best
  baseline's, with a bootstrap 95% CI of the median difference;
* ``max_drawdown``: TiMi's worst test-segment drawdown;
* no-edge twin: per method, the share of segments with a positive net return against
  0.5 + 2 SE, the Deflated Sharpe Ratio of the segment returns with the number of
  configurations tried, and a bootstrap 95% CI of the mean segment Sharpe
  (``noedge_sharpe_ci_lo_<method>`` / ``_hi_``; ``noedge_significant_<method>`` when it excludes
  0 from above: segments are resampled independently, which ignores the common factor of a
  class and so errs towards calling a Sharpe significant); ``suspect_leak`` when TiMi "wins" there;
* held-out window (read once): the same comparison.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from agentzoo.markets.metrics import deflated_sharpe_ratio, mean_ci, median_ci


def _segments(frame: pd.DataFrame, method: str) -> pd.Series:
    rows = frame[frame["method"] == method]
    return rows.set_index(["cls", "pair", "fold"])["sharpe"]


def compare(frame: pd.DataFrame, seed: int = 0) -> dict[str, float]:
    """TiMi against the val-selected best baseline on the segments of ``frame``."""
    timi, best = _segments(frame, "timi"), _segments(frame, "best_baseline")
    both = pd.concat([timi.rename("timi"), best.rename("best")], axis=1).dropna()
    if both.empty:
        return {}
    diff = (both["timi"] - both["best"]).to_numpy()
    lo, hi = median_ci(diff, seed=seed)
    return {"timi_sharpe": float(both["timi"].mean()), "timi_sharpe_median": float(both["timi"].median()),
            "best_baseline_sharpe": float(both["best"].mean()),
            "walk_forward_win_fraction": float((diff > 0).mean()), "n_segments": len(diff),
            "median_sharpe_diff": float(np.median(diff)), "median_sharpe_diff_ci_lo": lo, "median_sharpe_diff_ci_hi": hi}


def no_edge(frame: pd.DataFrame, seed: int = 0) -> dict[str, Any]:
    """Positive-return share, DSR and the CI of the mean Sharpe per method on the no-edge twin."""
    out: dict[str, Any] = {}
    suspect = False
    for method, rows in frame.groupby("method"):
        r = rows["total_return"].to_numpy(dtype=float)
        n = len(r)
        if n == 0:
            continue
        share = float((r > 0).mean())
        se = math.sqrt(0.25 / n)
        trials = int(rows["n_trials"].fillna(1).max()) if "n_trials" in rows else 1
        with np.errstate(all="ignore"):
            dsr = deflated_sharpe_ratio(r, max(trials, 1)) if n >= 3 and np.std(r) > 0 else math.nan
        out[f"noedge_positive_share_{method}"] = share
        out[f"noedge_positive_bound_{method}"] = 0.5 + 2 * se
        out[f"noedge_dsr_{method}"] = dsr
        out[f"noedge_mean_sharpe_{method}"] = float(rows["sharpe"].mean())
        lo, hi = mean_ci(rows["sharpe"].to_numpy(dtype=float), seed=seed)
        out[f"noedge_sharpe_ci_lo_{method}"], out[f"noedge_sharpe_ci_hi_{method}"] = lo, hi
        out[f"noedge_significant_{method}"] = bool(math.isfinite(lo) and lo > 0)
        if method == "timi" and (share > 0.5 + 2 * se or (math.isfinite(dsr) and dsr >= 0.95)):
            suspect = True
    out["suspect_leak"] = suspect
    return out


def summarise(records: pd.DataFrame, config: Any) -> dict[str, Any]:
    """All metrics of a run (see the module docstring)."""
    metrics: dict[str, Any] = {}
    main_world = "planted" if (records["world"] == "planted").any() else "real"
    main = records[(records["world"] == main_world) & (records["fold"] != "holdout")]
    metrics.update(compare(main, config.seed))
    timi = main[main["method"] == "timi"]
    metrics["max_drawdown"] = float(timi["mdd"].max()) if len(timi) else math.nan
    metrics["mean_drawdown"] = float(timi["mdd"].mean()) if len(timi) else math.nan
    for col in ("turnover", "utilisation", "trades_per_day", "win_rate", "pl_ratio", "latency_p99_us"):
        if col in timi:
            metrics[f"timi_{col}"] = float(timi[col].mean())
    for method, rows in main.groupby("method"):
        metrics[f"sharpe_{method}"] = float(rows["sharpe"].mean())
        metrics[f"arr_{method}"] = float(rows["arr"].mean())
    for cls, rows in main.groupby("cls"):
        part = compare(rows, config.seed)
        metrics[f"timi_sharpe_{cls}"] = part.get("timi_sharpe", math.nan)
        metrics[f"best_baseline_sharpe_{cls}"] = part.get("best_baseline_sharpe", math.nan)
        metrics[f"win_fraction_{cls}"] = part.get("walk_forward_win_fraction", math.nan)
        metrics[f"annualisation_{cls}"] = int(rows["annualisation"].iloc[0])
    for method in ("timi", "no_sa"):
        rows = main[main["method"] == method]
        if len(rows):
            metrics[f"cross_pair_sharpe_std_{method}"] = float(rows.groupby("pair")["sharpe"].mean().std(ddof=0))
    hold = records[(records["world"] == main_world) & (records["fold"] == "holdout")]
    if len(hold):
        metrics.update({f"holdout_{k}": v for k, v in compare(hold, config.seed).items()})
    ne = records[(records["world"] == "no_edge") & (records["fold"] != "holdout")]
    if len(ne):
        metrics.update(no_edge(ne, config.seed))
        metrics.update({f"noedge_{k}": v for k, v in compare(ne, config.seed).items()})
    metrics["families_chosen"] = timi["family"].value_counts().to_dict() if len(timi) else {}
    metrics["data_source"] = "; ".join(sorted({str(s) for s in main["source"]})) if len(main) else ""
    return metrics


TABLE_COLS = ("arr", "sharpe", "sortino", "mdd", "calmar", "win_rate", "pl_ratio", "turnover", "utilisation",
              "trades_per_day")


def tables(records: pd.DataFrame) -> str:
    """Markdown tables: per world and asset class, method x mean test metrics over (pair, fold)."""
    out = ["Test-window means over (pair, fold) segments, after costs. Sharpe/Sortino/ARR annualised "
           "with A = 252 (xnys) or 365 (24/7) from daily returns; no trades = Sharpe 0.\n"]
    for (world, holdout), frame in records.groupby([records["world"], records["fold"] == "holdout"], sort=False):
        for cls, rows in frame.groupby("cls", sort=False):
            label = "held-out window" if holdout else "walk-forward folds"
            out.append(f"### {world} / {cls} / {label} (source: {rows['source'].iloc[0]}, "
                       f"A = {int(rows['annualisation'].iloc[0])})\n")
            table = rows.groupby("method", sort=False)[list(TABLE_COLS)].mean()
            out.append("| method | " + " | ".join(TABLE_COLS) + " |")
            out.append("|---|" + "---:|" * len(TABLE_COLS))
            for method, vals in table.iterrows():
                out.append(f"| {method} | " + " | ".join(f"{v:.3g}" for v in vals) + " |")
            out.append("")
    return "\n".join(out)
