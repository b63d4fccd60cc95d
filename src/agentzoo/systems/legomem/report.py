"""Metrics, the success table and the figures of a LEGOMem run."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

METRIC_NAMES = {"none": "success_no_memory", "random": "success_random_memory"}


def success_key(condition: str) -> str:
    return METRIC_NAMES.get(condition, f"success_{condition}")


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval of a proportion."""
    if n == 0:
        return (float("nan"), float("nan"))
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (float(centre - half), float(centre + half))


def condition_metrics(records: pd.DataFrame, conditions: list[str]) -> dict[str, Any]:
    metrics: dict[str, Any] = {}
    for condition in conditions:
        rows = records[records["condition"] == condition]
        if rows.empty:
            continue
        key = success_key(condition)
        metrics[key] = float(rows["passed"].mean())
        low, high = wilson(int(rows["passed"].sum()), len(rows))
        metrics[f"{key}_ci95"] = [low, high]
        for n_apps in sorted(rows["n_apps"].unique()):
            metrics[f"{key}_apps{int(n_apps)}"] = float(rows[rows["n_apps"] == n_apps]["passed"].mean())
        metrics[f"predicate_pass_{condition}"] = float(rows["predicates_passed"].sum() / max(1, rows["n_predicates"].sum()))
        metrics[f"steps_per_task_{condition}"] = float(rows["steps"].mean())
        metrics[f"invalid_actions_per_task_{condition}"] = float(rows["invalid_actions"].mean())
        metrics[f"memory_tokens_per_prompt_{condition}"] = float(rows["memory_tokens_per_prompt"].mean())
        metrics[f"seconds_per_task_{condition}"] = float(rows["seconds"].mean())
        metrics[f"llm_calls_per_task_{condition}"] = float(rows["llm_calls"].mean())
    return metrics


def retrieval_metrics(rows: list[dict[str, Any]], top_k: int) -> dict[str, Any]:
    """P@1 and recall@k of vanilla retrieval: a hit is a memory of the test task's family."""
    if not rows:
        return {"retrieval_precision_at_1": float("nan"), f"retrieval_recall_at_{top_k}": float("nan")}
    frame = pd.DataFrame(rows)
    metrics: dict[str, Any] = {
        "retrieval_precision_at_1": float(frame["hit_at_1"].mean()),
        f"retrieval_recall_at_{top_k}": float(frame["hit_at_k"].mean()),
    }
    by_family = frame.groupby("family")["hit_at_1"].mean()
    metrics["retrieval_precision_at_1_by_family"] = {str(k): float(v) for k, v in by_family.items()}
    metrics["retrieval_precision_at_1_min_family"] = float(by_family.min())
    return metrics


def skipped_metrics(reasons: Counter[str]) -> dict[str, Any]:
    metrics: dict[str, Any] = {"tasks_skipped": int(sum(reasons.values()))}
    for reason, count in sorted(reasons.items()):
        metrics[f"skipped_{reason}"] = int(count)
    return metrics


def success_table(records: pd.DataFrame, conditions: list[str]) -> str:
    """Markdown: condition x app count, with counts and 95% Wilson intervals overall."""
    apps = sorted(int(a) for a in records["n_apps"].unique())
    head = "| condition | " + " | ".join(f"{a}-app" for a in apps) + " | overall | 95% CI | n |"
    lines = [head, "|" + "---|" * (len(apps) + 4)]
    for condition in conditions:
        rows = records[records["condition"] == condition]
        if rows.empty:
            continue
        cells = []
        for a in apps:
            group = rows[rows["n_apps"] == a]
            cells.append(f"{group['passed'].mean() * 100:.1f}" if len(group) else "-")
        low, high = wilson(int(rows["passed"].sum()), len(rows))
        lines.append(f"| {condition} | " + " | ".join(cells) +
                     f" | {rows['passed'].mean() * 100:.1f} | [{low * 100:.0f}, {high * 100:.0f}] | {len(rows)} |")
    return "\n".join(lines)


def figures(results: list[Any]) -> list[tuple[str, Any]]:
    """Success rate per condition (mean over runs, with the runs as dots) and by app count."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    frames = [r.records for r in results if getattr(r, "records", None) is not None and not r.records.empty
              and "condition" in r.records.columns]
    if not frames:
        return []
    out = []
    per_run = [f.groupby("condition")["passed"].mean() for f in frames]
    conditions = list(dict.fromkeys(c for s in per_run for c in s.index))
    fig, ax = plt.subplots(figsize=(7, 3.5))
    means = [np.nanmean([s.get(c, np.nan) for s in per_run]) * 100 for c in conditions]
    ax.bar(range(len(conditions)), means, color="#4c72b0")
    for s in per_run:
        ax.scatter(range(len(conditions)), [s.get(c, np.nan) * 100 for c in conditions], color="k", s=8, zorder=3)
    ax.set_xticks(range(len(conditions)), conditions, rotation=30, ha="right")
    ax.set_ylabel("subtasks passed (%)")
    ax.set_title("LEGOMem: success by memory placement / retrieval")
    fig.tight_layout()
    out.append(("legomem_success_by_condition", fig))
    merged = pd.concat(frames)
    table = merged.groupby(["condition", "n_apps"])["passed"].mean().unstack() * 100
    fig2, ax2 = plt.subplots(figsize=(7, 3.5))
    table.plot(kind="bar", ax=ax2)
    ax2.set_ylabel("subtasks passed (%)")
    ax2.set_title("LEGOMem: success by number of apps")
    fig2.tight_layout()
    out.append(("legomem_success_by_apps", fig2))
    return out
