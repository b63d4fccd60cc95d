"""Held-out evaluation records, per-arm metrics, the arms table and the report figures."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from agentzoo.rl.experiment import cell, reward_curves
from agentzoo.systems.matpo.episode import Episode


def records(arm: str, noise: float, episodes: list[Episode]) -> list[dict[str, Any]]:
    """One row per test question × arm × noise level."""
    rows = []
    for e in episodes:
        workers = e.workers
        rows.append({
            "arm": arm, "noise": float(noise), "question": e.question.id, "qtype": e.question.qtype,
            "answer": e.answer or "", "gold": e.question.answer, "em": e.em, "accuracy": e.accuracy,
            "reward": e.reward, "format_ok": float(e.format_ok),
            "worker_format_rate": float(np.mean([w.format_ok for w in workers])) if workers else float("nan"),
            "workers": len(workers), "turns": e.turns, "context_tokens": e.context_tokens,
            "worker_context_tokens": float(np.mean(e.worker_context_tokens)) if workers else 0.0,
            "generated_planner": e.generated["planner"], "generated_worker": e.generated["worker"],
            "generated_single": e.generated["single"],
            "parse_failures_planner": e.parse_failures["planner"], "parse_failures_worker": e.parse_failures["worker"],
            "parse_failures_single": e.parse_failures["single"], "budget_overruns": e.budget_overruns,
            "delegation_attempts": sum(w.delegation_attempts for w in workers), "overflow": float(e.overflow),
            "cut_observations": e.cut_observations,
            "tool_calls": sum(sum(w.tool_calls.values()) for w in [e.root, *workers]),
        })
    return rows


def arm_metrics(frame: pd.DataFrame, arm: str) -> dict[str, float]:
    """EM/accuracy/reward per noise level and (at the lowest level) per type; formats, workers, tokens."""
    rows = frame[frame["arm"] == arm]
    if rows.empty:
        return {}
    levels = sorted(rows["noise"].unique())
    clean = rows[rows["noise"] == levels[0]]
    out: dict[str, float] = {}
    for level in levels:
        part = rows[rows["noise"] == level]
        out[f"em_{arm}_noise{level:g}"] = float(part["em"].mean())
        out[f"accuracy_{arm}_noise{level:g}"] = float(part["accuracy"].mean())
        out[f"reward_{arm}_noise{level:g}"] = float(part["reward"].mean())
    out |= {
        f"em_{arm}": float(clean["em"].mean()),
        f"accuracy_{arm}": float(clean["accuracy"].mean()),
        f"reward_{arm}": float(clean["reward"].mean()),
        f"format_rate_{arm}": float(clean["format_ok"].mean()),
        f"worker_format_rate_{arm}": float(clean["worker_format_rate"].mean()),
        f"workers_per_episode_{arm}": float(clean["workers"].mean()),
        f"context_tokens_{arm}": float(clean["context_tokens"].mean()),
        f"worker_context_tokens_{arm}": float(clean["worker_context_tokens"].mean()),
        f"generated_planner_{arm}": float(clean["generated_planner"].mean()),
        f"generated_worker_{arm}": float(clean["generated_worker"].mean()),
        f"generated_single_{arm}": float(clean["generated_single"].mean()),
        f"generated_tokens_{arm}": float((clean["generated_planner"] + clean["generated_worker"]
                                          + clean["generated_single"]).mean()),
        f"parse_failures_planner_{arm}": float(clean["parse_failures_planner"].mean()),
        f"parse_failures_worker_{arm}": float(clean["parse_failures_worker"].mean()),
        f"parse_failures_single_{arm}": float(clean["parse_failures_single"].mean()),
        f"budget_overruns_{arm}": float(clean["budget_overruns"].mean()),
        f"overflow_rate_{arm}": float(clean["overflow"].mean()),
        f"tool_calls_{arm}": float(clean["tool_calls"].mean()),
    }
    if len(levels) > 1:  # EM(noise = highest) / EM(noise = lowest)
        top = out[f"em_{arm}_noise{levels[-1]:g}"]
        out[f"em_{arm}_noisy"] = top
        out[f"accuracy_{arm}_noisy"] = out[f"accuracy_{arm}_noise{levels[-1]:g}"]
        out[f"robustness_{arm}"] = top / out[f"em_{arm}"] if out[f"em_{arm}"] > 0 else float("nan")
    for qtype, part in clean.groupby("qtype"):
        out[f"em_{arm}_{qtype}"] = float(part["em"].mean())
        out[f"reward_{arm}_{qtype}"] = float(part["reward"].mean())
    return out


def headline(metrics: dict[str, Any]) -> dict[str, float]:
    """The issue's metric names: accuracy of MATPO and of single-agent GRPO with clean and noisy tools,
    and MATPO's relative improvement over the single agent (clean tools; NaN when the single agent scores 0)."""
    def get(key: str) -> float:
        return float(metrics.get(key, float("nan")))

    out = {
        "matpo_accuracy": get("accuracy_matpo"),
        "single_agent_accuracy": get("accuracy_single_agent_grpo"),
        "matpo_accuracy_noisy": get("accuracy_matpo_noisy"),
        "single_agent_accuracy_noisy": get("accuracy_single_agent_grpo_noisy"),
    }
    m, s = out["matpo_accuracy"], out["single_agent_accuracy"]
    out["absolute_improvement"] = m - s
    out["relative_improvement"] = (m - s) / s if s > 0 else float("nan")
    mn, sn = out["matpo_accuracy_noisy"], out["single_agent_accuracy_noisy"]
    out["absolute_improvement_noisy"] = mn - sn
    out["relative_improvement_noisy"] = (mn - sn) / sn if sn > 0 else float("nan")
    return out


def arms_table(metrics: dict[str, Any], arms: tuple[str, ...], levels: tuple[float, ...]) -> str:
    """A Markdown table: EM per noise level, reward, formats, workers, planner context, tokens per role."""
    head = " | ".join(f"EM noise {level:g}" for level in levels)
    lines = [f"| arm | {head} | reward | planner format | worker format | workers / ep | context tokens | "
             "generated planner / worker / single |",
             "|---|" + "---|" * (len(levels) + 6)]
    for arm in arms:
        def f(key: str, digits: int = 3, arm: str = arm) -> str:
            return cell(metrics.get(f"{key}_{arm}"), digits)

        ems = " | ".join(cell(metrics.get(f"em_{arm}_noise{level:g}")) for level in levels)
        lines.append(f"| {arm} | {ems} | {f('reward')} | {f('format_rate', 2)} | {f('worker_format_rate', 2)} | "
                     f"{f('workers_per_episode', 2)} | {f('context_tokens', 0)} | {f('generated_planner', 0)} / "
                     f"{f('generated_worker', 0)} / {f('generated_single', 0)} |")
    return "\n".join(lines) + "\n"


def figures(results: list[Any]) -> list[tuple[str, Any]]:
    """Training reward curves per arm, and held-out EM by noise level (mean over runs) per arm."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    curves = reward_curves(results, ylabel="training reward (planner trajectories)",
                           title="MATPO: training reward per arm")
    out: list[tuple[str, Any]] = [("matpo_reward_curves", curves)]
    noise = plt.figure(figsize=(7, 4))
    ax = noise.add_subplot(111)
    arms = sorted({k.removeprefix("em_").rsplit("_noise", 1)[0] for r in results for k in r.metrics
                   if k.startswith("em_") and "_noise" in k and not k.endswith("_noisy")})
    levels = sorted({float(k.rsplit("_noise", 1)[1]) for r in results for k in r.metrics
                     if k.startswith("em_") and "_noise" in k and not k.endswith("_noisy")})
    for arm in arms:
        means = [np.nanmean([r.metrics.get(f"em_{arm}_noise{level:g}", np.nan) for r in results]) for level in levels]
        ax.plot(levels, means, marker="o", label=arm)
    ax.set_xlabel("tool noise (probability a search result is spoiled)")
    ax.set_ylabel("held-out EM")
    ax.set_title("Robustness to noisy tool outputs")
    ax.legend(fontsize=7)
    out.append(("matpo_em_by_noise", noise))
    return out
