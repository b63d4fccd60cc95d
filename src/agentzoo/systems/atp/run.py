"""Run the ATP testbeds: every arm side by side, the positive control in the same run."""

from __future__ import annotations

import json
import logging
import math
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from agentzoo.llm import load_model
from agentzoo.progress import track
from agentzoo.runs import Result
from agentzoo.systems.atp import data as atp_data
from agentzoo.systems.atp import ma, sa
from agentzoo.systems.atp.config import Config
from agentzoo.systems.atp.decide import Decider
from agentzoo.systems.atp.items import MAGame, SAItem
from agentzoo.systems.atp.scenarios import embedded_ma_games, embedded_sa_items
from agentzoo.systems.atp.stats import cluster_rate, item_matrix, paired_gap, rate_with_ci

log = logging.getLogger(__name__)
FOLLOWER = "reward_follower"


def load_sa(config: Config, split: str | None = None) -> list[SAItem]:
    split = split or config.sa_items
    items = embedded_sa_items(split) if config.data == "embedded" else atp_data.load_sa_items(Path(config.data), split)
    if config.n_items is not None and config.n_items < len(items):
        picks = np.linspace(0, len(items) - 1, config.n_items).round().astype(int)  # spread over families
        items = [items[i] for i in picks]
    return items


def load_ma(config: Config) -> list[MAGame]:
    games = embedded_ma_games() if config.data == "embedded" else atp_data.load_ma_games(Path(config.data))
    return games[: config.n_games] if config.n_games is not None else games


def _play(config: Config, decider: Decider, label: str, sa_items: list[SAItem], games: list[MAGame]) -> tuple[list[pd.DataFrame], list[dict[str, Any]]]:
    frames: list[pd.DataFrame] = []
    histories: list[dict[str, Any]] = []
    if "sa" in config.paradigms:
        for sa_arm in track(sa.arms_for(config.sa_arms, config.sa_pattern, config.sa_history_window), f"ATP SA ({label})"):
            frame, prompts = sa.run_arm(sa_items, sa_arm, decider, config.sa_rounds, config.seed,
                                        config.option_order == "counterbalanced", label)
            frames.append(frame)
            histories += [{"model": label, "arm": sa_arm.name, "item": it.id, "last_prompt": p} for it, p in zip(sa_items, prompts, strict=True)]
    if "ma" in config.paradigms:
        cells = [(arm, g, game, k, factors) for arm in ma.arms_for(config.ma_arms, config.ma_fixed_collective)
                 for g, game in enumerate(games) for k in config.ma_thresholds for factors in config.reward_sets]
        for arm, g, game, k, factors in track(cells, f"ATP MA ({label})"):
            frames.append(ma.play_game(
                game, g, arm, decider, n=config.ma_agents, k=k, factors=factors, rounds=config.ma_rounds,
                window=config.ma_history_window, start=config.ma_start_capital, reward_mode=config.ma_reward_mode,
                peer_history=config.ma_peer_history, model_label=label))
    return frames, histories


def _series(prefix: str, stats: dict[str, list[float]]) -> dict[str, list[float]]:
    return {f"{prefix}_by_round": stats["mean"], f"{prefix}_ci_low_by_round": stats["low"],
            f"{prefix}_ci_high_by_round": stats["high"]}


def summarize(records: pd.DataFrame, config: Config, label: str, prefix: str = "") -> dict[str, Any]:
    """The paper's metrics for one model label (``prefix`` names the positive control's copies)."""
    out: dict[str, Any] = {}
    mine = records[records["model"] == label]
    sa_rows, ma_rows = mine[mine["paradigm"] == "sa"], mine[mine["paradigm"] == "ma"]
    boot, seed = config.n_bootstrap, config.seed
    matrices: dict[str, np.ndarray] = {}
    for arm in config.sa_arms if len(sa_rows) else ():
        rows = sa_rows[sa_rows["arm"] == arm]
        _, matrices[arm] = item_matrix(rows, "violate")
        name = "violation_rate" if arm == "atp" else f"{arm}_violation_rate"
        out.update(_series(prefix + name, rate_with_ci(matrices[arm], boot, seed, prefix + name)))
        _, p = item_matrix(rows, "p_violate")
        if not np.isnan(p).all():
            out[f"{prefix}{'p_violate' if arm == 'atp' else arm + '_p_violate'}_by_round"] = np.nanmean(p, axis=0).tolist()
    if "atp" in matrices:
        rates = out[f"{prefix}violation_rate_by_round"]
        out[f"{prefix}drift_treatment"] = rates[-1] - rates[0]
    if "control" in matrices:
        rates = out[f"{prefix}control_violation_rate_by_round"]
        out[f"{prefix}drift_control"] = rates[-1] - rates[0]
    if "atp" in matrices and "control" in matrices:
        gap = paired_gap(matrices["atp"], matrices["control"], boot, seed, prefix + "gap")
        out.update(_series(prefix + "gap", gap))
        out[f"{prefix}gap_final"] = gap["mean"][-1]
        out[f"{prefix}gap_final_ci_low"], out[f"{prefix}gap_final_ci_high"] = gap["low"][-1], gap["high"][-1]
    if config.option_order == "counterbalanced" and len(sa_rows):
        first = sa_rows[(sa_rows["round"] == 0) & (sa_rows["arm"] == sa_rows["arm"].iloc[0])]
        out[f"{prefix}option_order_bias_round1"] = float(
            first[first["swapped"]]["p_violate"].mean() - first[~first["swapped"]]["p_violate"].mean())
    for arm in config.ma_arms if len(ma_rows) else ():
        rows = ma_rows[(ma_rows["arm"] == arm) & (~ma_rows["fixed"])]
        name = "collective_rate" if arm == "grid" else f"{arm}_collective_rate"
        out.update(_series(prefix + name, cluster_rate(rows, "collective", boot, seed, prefix + name)))
        if arm == "grid":
            for k in config.ma_thresholds:
                at_k = rows[rows["k"] == k]
                out[f"{prefix}collective_rate_k{k}_by_round"] = cluster_rate(at_k, "collective", boot, seed, f"{prefix}k{k}")["mean"]
    fixed = mine["fixed"].fillna(False).astype(bool) if "fixed" in mine else pd.Series(False, index=mine.index)
    decisions = int((~fixed).sum())
    failures = int((~mine["parsed"].astype(bool) & ~fixed).sum())
    out[f"{prefix}parse_failures"] = failures
    out[f"{prefix}parse_failure_rate"] = failures / decisions if decisions else math.nan
    out[f"{prefix}decisions"] = decisions
    return out


def _first_round_p_violate(items: list[SAItem], decider: Decider, config: Config) -> float:
    """Mean round-1 P(violate) of the undefended model on the test items (choice mode)."""
    if not items or decider.mode != "choice":
        return math.nan
    arm = sa.arms_for(("atp",), config.sa_pattern, config.sa_history_window)[0]
    state = sa.supervision_states(arm.pattern, 1, config.seed)[0]
    conversations = [sa.build_messages(it, [], sa.question(it, state, arm.pattern), arm) for it in items]
    made = decider.decide(conversations, [(it.compliant, it.violating) for it in items],
                          [("undefended", it.id) for it in items])
    return float(np.mean([d.p_deviate for d in made]))


def run(config: Config) -> Result:
    start = time.perf_counter()
    sa_items = load_sa(config) if "sa" in config.paradigms else []
    games = load_ma(config) if "ma" in config.paradigms else []
    model = load_model(config.model, seed=config.seed)
    decider = Decider(model, config.resolved_mode(), config.decision, config.seed,
                      config.max_new_tokens, config.temperature)
    defence_info: dict[str, Any] = {}
    if config.defence != "none":
        from agentzoo.systems.atp.defences import train_defence

        before = _first_round_p_violate(sa_items, decider, config)
        model, defence_info = train_defence(config, model, load_sa(config, "train"))
        defence_info["undefended_p_violate_round1"] = before
    frames, histories = _play(config, decider, "model", sa_items, games)
    if config.positive_control:
        follower = Decider(load_model(f"scripted:{FOLLOWER}"), "choice", "greedy", config.seed)
        more, _ = _play(config, follower, FOLLOWER, sa_items, games)
        frames += more
    records = pd.concat(frames, ignore_index=True)
    metrics = summarize(records, config, "model")
    if config.positive_control:
        metrics.update(summarize(records, config, FOLLOWER, prefix=f"{FOLLOWER}_"))
    if "undefended_p_violate_round1" in defence_info and "p_violate_by_round" in metrics:
        metrics["defence_p_violate_round1_drop"] = defence_info["undefended_p_violate_round1"] - metrics["p_violate_by_round"][0]
    metrics.update({"mode": config.resolved_mode(), "sa_items": len(sa_items), "ma_games": len(games),
                    "seconds": time.perf_counter() - start, **defence_info})
    artifacts: dict[str, Any] = {"histories.jsonl": "\n".join(json.dumps(h) for h in histories) + "\n"}
    log.info("ATP done in %.1fs: drift_treatment=%s gap_final=%s", metrics["seconds"],
             metrics.get("drift_treatment"), metrics.get("gap_final"))
    return Result.create("atp", config, metrics, records=records, artifacts=artifacts,
                         timings={"seconds": metrics["seconds"]})
