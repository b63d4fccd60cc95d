"""Figures of QuantAgents runs: equity curves, R_score with alerts, the meeting timeline, predicted vs realised."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from agentzoo.systems.quantagents.config import VARIANTS


def _rows(results: list[Any]) -> pd.DataFrame:
    frames = []
    for k, res in enumerate(results):
        if len(res.records) and "variant" in res.records:
            frame = res.records.copy()
            frame["run"] = k
            frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def figures(results: list[Any]) -> list[tuple[str, Any]]:
    """Equity against the baselines, R_score with alert markers, the meeting timeline, and predicted versus
    realised weekly returns (the first run's records; every run's rewards)."""
    import matplotlib

    if matplotlib.get_backend().lower() not in {"agg", "pdf", "svg", "cairo", "module://matplotlib_inline.backend_inline"}:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out: list[tuple[str, Any]] = []
    before = set(plt.get_fignums())
    try:
        _draw(results, plt, out)
    except Exception:  # a figure that fails must not leave the ones already opened behind
        for num in set(plt.get_fignums()) - before:
            plt.close(num)
        raise
    return out


def _draw(results: list[Any], plt: Any, out: list[tuple[str, Any]]) -> None:
    """Append the figures to ``out`` as they are made (the caller renders and closes them)."""
    rows = _rows(results)
    if rows.empty:
        return
    first = rows[rows["run"] == 0]
    fig, ax = plt.subplots(figsize=(8, 4))
    for name, g in first.groupby("variant", sort=False):
        agent = name in VARIANTS
        ax.plot(g["day"], g["equity"] / g["equity"].iloc[0], lw=1.8 if agent else 1.0, ls="-" if agent else "--", label=str(name))
    ax.set_xlabel("test day")
    ax.set_ylabel("equity / start")
    ax.set_title("Equity after costs: QuantAgents variants (solid) and baselines (dashed)")
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    out.append(("equity_curves", fig))

    agents = first[first["variant"].isin(VARIANTS)]
    if "r_score" in agents:
        fig, ax = plt.subplots(figsize=(8, 3.2))
        threshold = float(results[0].config.get("r_threshold", 0.75))
        for name, g in agents.groupby("variant", sort=False):
            line = ax.plot(g["day"], g["r_score"], lw=1, label=str(name))[0]
            hits = g[g["risk_alert"].astype(bool)]
            ax.scatter(hits["day"], hits["r_score"], color=line.get_color(), marker="v", s=30, zorder=3)
        ax.axhline(threshold, color="red", ls=":", lw=1, label=f"threshold {threshold:g}")
        ax.set_xlabel("test day")
        ax.set_ylabel("R_score")
        ax.set_title("Risk score after each close (markers: risk-alert meetings)")
        ax.legend(fontsize=7)
        fig.tight_layout()
        out.append(("r_score_alerts", fig))

        fig, ax = plt.subplots(figsize=(8, 1.6 + 0.45 * agents["variant"].nunique()))
        for y, (_, g) in enumerate(agents.groupby("variant", sort=False)):
            for flag, marker, color in (("market_analysis", "|", "grey"), ("strategy_development", "o", "tab:blue"),
                                        ("risk_alert", "v", "tab:red")):
                days = g.loc[g[flag].astype(bool), "day"]
                ax.scatter(days, np.full(len(days), y), marker=marker, color=color, s=25,
                           label=flag if y == 0 else None)
            stops = g.loc[g["stop_loss"] > 0, "day"]
            ax.scatter(stops, np.full(len(stops), y + 0.2), marker="x", color="black", s=15, label="stop-loss" if y == 0 else None)
        ax.set_yticks(range(agents["variant"].nunique()), list(dict.fromkeys(agents["variant"])))
        ax.set_xlabel("test day")
        ax.set_title("Meeting timeline")
        ax.legend(fontsize=7, ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.35))
        fig.tight_layout()
        out.append(("meeting_timeline", fig))

    pairs = []
    for res in results:
        for name, value in res.artifacts.items():
            if name.startswith("meetings/") and isinstance(value, list):
                pairs += [(name[9:-5], e["record"]["r_hat"], e["record"]["r_real"]) for e in value
                          if isinstance(e, dict) and e.get("meeting") == "reward"]
    if pairs:
        frame = pd.DataFrame(pairs, columns=["variant", "r_hat", "r_real"])
        fig, ax = plt.subplots(figsize=(4.5, 4.2))
        for name, g in frame.groupby("variant", sort=False):
            ax.scatter(100 * g["r_hat"], 100 * g["r_real"], s=12, alpha=0.7, label=str(name))
        lim = float(np.nanmax(np.abs(100 * frame[["r_hat", "r_real"]].to_numpy()))) or 1.0
        ax.plot([-lim, lim], [-lim, lim], color="grey", lw=0.8)
        ax.set_xlabel("predicted weekly net return (%)")
        ax.set_ylabel("realised (%)")
        ax.set_title("Simulated-trading predictions")
        ax.legend(fontsize=7)
        fig.tight_layout()
        out.append(("predicted_vs_realised", fig))
