"""Held-out evaluation records, per-arm metrics and report figures."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from agentzoo.rl.experiment import reward_curves
from agentzoo.systems.mars.episode import Episode


def records(arm: str, episodes: list[Episode]) -> list[dict[str, Any]]:
    """One row per test question of an arm."""
    rows = []
    for e in episodes:
        rows.append({
            "arm": arm, "question": e.question.id, "qtype": e.question.qtype, "answer": e.answer or "",
            "gold": e.question.answer, "em": e.em, "reward": e.reward, "format_ok": float(e.format_ok),
            "invalid_actions": e.invalid, "turns": e.turns, "context_tokens": e.context_tokens,
            "raw_equivalent_tokens": e.raw_equivalent_tokens, "search_turns": e.search_turns,
            "sys1_calls": len(e.sys1), "bins": sum(e.bins), "items": sum(e.items),
            "tool_calls": sum(e.tool_calls.values()), "cut_observations": e.cut_observations,
            "generated_sys2": e.generated["sys2"], "generated_sys1": e.generated["sys1"],
        })
    return rows


def arm_metrics(frame: pd.DataFrame, arm: str) -> dict[str, float]:
    """EM/reward per type, format rate, tokens and calls for one arm's rows."""
    rows = frame[frame["arm"] == arm]
    if rows.empty:
        return {}
    out = {
        f"em_{arm}": float(rows["em"].mean()),
        f"reward_{arm}": float(rows["reward"].mean()),
        f"format_rate_{arm}": float(rows["format_ok"].mean()),
        f"invalid_actions_{arm}": float(rows["invalid_actions"].mean()),
        f"context_tokens_{arm}": float(rows["context_tokens"].mean()),
        f"raw_equivalent_tokens_{arm}": float(rows["raw_equivalent_tokens"].mean()),
        f"tool_calls_{arm}": float(rows["tool_calls"].mean()),
        f"generated_tokens_{arm}": float((rows["generated_sys2"] + rows["generated_sys1"]).mean()),
        f"cut_observations_{arm}": float(rows["cut_observations"].mean()),
    }
    turns = rows["search_turns"].sum()
    out[f"sys1_calls_per_search_turn_{arm}"] = float(rows["sys1_calls"].sum() / turns) if turns else 0.0
    out[f"items_per_search_turn_{arm}"] = float(rows["items"].sum() / turns) if turns else 0.0
    for qtype, part in rows.groupby("qtype"):
        out[f"em_{arm}_{qtype}"] = float(part["em"].mean())
        out[f"reward_{arm}_{qtype}"] = float(part["reward"].mean())
    return out


def figures(results: list[Any]) -> list[tuple[str, Any]]:
    """Reward curves per role and arm, accuracy before/after, System-2 context tokens."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    curves = reward_curves(results, ylabel="training reward",
                           title="Reward per role (solid: System 2 trajectories; dashed: kept System-1 rows)",
                           dashed={"curve_sys1_row_reward_": "System-1 rows"})
    out: list[tuple[str, Any]] = [("mars_reward_curves", curves)]
    bars = plt.figure(figsize=(7, 3.5))
    left, right = bars.add_subplot(121), bars.add_subplot(122)
    names = ["accuracy_before", "accuracy_after", "accuracy_single_agent", "accuracy_frozen_system1"]
    means = [np.nanmean([r.metrics.get(n, np.nan) for r in results]) for n in names]
    left.bar(["before", "after", "single", "frozen S1"], means, color=["grey", "C0", "C1", "C2"])
    left.set_ylabel("held-out EM")
    tokens = ["context_tokens_raw", "context_tokens_mars"]
    right.bar(["raw outputs", "MARS summaries"], [np.nanmean([r.metrics.get(n, np.nan) for r in results]) for n in tokens],
              color=["C1", "C0"])
    right.set_ylabel("System-2 context tokens / question")
    bars.tight_layout()
    out.append(("mars_accuracy_and_context", bars))
    return out
