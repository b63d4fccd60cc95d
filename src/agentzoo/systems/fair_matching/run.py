"""``run(config)``: every algorithm on seeded instances, against exact optima; anytime suite; spectrum demo.

Records hold one row per (instance, algorithm) with a ``suite`` column (grid, anytime,
spectrum). ``artifacts/instances/*.npy`` and ``artifacts/schedules/*.json`` hold every
instance and schedule so any number can be re-verified.
"""

from __future__ import annotations

import io
import logging
import time
from typing import Any

import numpy as np
import pandas as pd

from agentzoo.progress import track
from agentzoo.runs import Result
from agentzoo.seeding import rng, stream_key
from agentzoo.systems.fair_matching import anytime, heuristics
from agentzoo.systems.fair_matching.api import solve
from agentzoo.systems.fair_matching.assignment import max_weight_matching
from agentzoo.systems.fair_matching.config import Config
from agentzoo.systems.fair_matching.exact import count_ilp, lp_bound
from agentzoo.systems.fair_matching.instance import Instance, generate, normalise_rows
from agentzoo.systems.fair_matching.pareto import is_pareto_optimal
from agentzoo.systems.fair_matching.schedule import Schedule
from agentzoo.systems.fair_matching.spectrum import jain_index, price_of_fairness

log = logging.getLogger(__name__)

SPECTRUM_ALGORITHMS = ("exact", "greedy", "prop_fair", "utilitarian", "rotation")
PAPER_ALGORITHMS = "not yet implemented"


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(array), allow_pickle=False)
    return buffer.getvalue()


def _ratio(value: float, reference: float) -> float:
    if reference <= 1e-12:
        return 1.0 if value >= reference - 1e-12 else 0.0
    return value / reference


def _make(config: Config, kind: str, n: int, T: int, stream: np.random.Generator) -> Instance:
    if kind == "file":
        assert config.utility_file is not None
        instance = Instance.load(config.utility_file, T)
    else:
        instance = generate(kind, n, T, stream, noise=config.noise, p_binary=config.p_binary,
                            int_scale=config.int_scale, snr_db=config.snr_db, pathloss_exp=config.pathloss_exp)
    return normalise_rows(instance) if config.normalise == "max" else instance


def evaluate(instance: Instance, algorithms: tuple[str, ...], config: Config, key: str,
             pareto: bool) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Run ``algorithms`` on one instance; rows carry value, ratio to OPT (or to a proven bound)."""
    n, T = instance.n, instance.rounds
    ub_lp, _ = lp_bound(instance)
    max_sum = float(instance.utilities[np.arange(n), max_weight_matching(instance.utilities)].sum())
    schedules: dict[str, Schedule] = {}
    reference, reference_kind = ub_lp, "ub_lp"
    ordered = ("exact", *[a for a in algorithms if a != "exact"]) if "exact" in algorithms else algorithms
    for algorithm in ordered:
        counts = schedules["exact"].counts if "exact" in schedules else None
        schedule = solve(algorithm, instance, config.objective if algorithm == "exact" else "optimal",
                         time_limit_s=config.time_limit_s, mip_rel_gap=config.mip_rel_gap,
                         refine=config.refine, seed=stream_key(config.seed, key) % 2**31, counts=counts)
        if schedule is None:  # exact anytime objective with no anytime-optimal sequence
            continue
        schedules[algorithm] = schedule
        if algorithm == "exact":
            if schedule.status == "optimal":
                reference, reference_kind = schedule.value, "opt"
            elif schedule.bound is not None:
                reference, reference_kind = min(ub_lp, schedule.bound), "bound"
    rows = []
    for algorithm, schedule in schedules.items():
        minima = schedule.round_minima
        t = np.arange(1, T + 1)
        lp_t = t * ub_lp / T  # UB_LP(t) = t·UB_LP(1): an upper bound on OPT(t)
        max_envy, envy_pairs = schedule.envy()
        row: dict[str, Any] = {
            "instance": key, "algorithm": algorithm, "n": n, "T": T,
            "value": schedule.value, "reference": reference, "reference_kind": reference_kind,
            "ratio": _ratio(schedule.value, reference), "ub_lp": ub_lp,
            "anytime_ratio_lb": float(min(1.0, np.min([_ratio(m, b) for m, b in zip(minima, lp_t)]))),
            "seconds": schedule.seconds, "solve_seconds": schedule.info.get("solve_seconds", schedule.seconds),
            "status": schedule.status, "gap": schedule.gap, "method": schedule.info.get("method", ""),
            "welfare": schedule.welfare(), "welfare_ratio": _ratio(schedule.welfare(), T * max_sum),
            "jain": jain_index(schedule.U[instance.real_agents]), "max_envy": max_envy,
            "envy_pairs": envy_pairs, "guarantee": schedule.guarantee,
        }
        if pareto:
            po = is_pareto_optimal(instance, schedule.U, time_limit_s=config.time_limit_s)
            row["pareto_optimal"] = np.nan if po is None else float(po)
        rows.append(row)
    return rows, {a: s.summary() for a, s in schedules.items()}


def _anytime_suite(config: Config) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    pairs = [(n, T) for n, T in config.anytime_pairs if max(n, T) <= config.anytime_max_nt]
    jobs = [(n, T, k) for n, T in pairs for k in range(config.anytime_instances)]
    for n, T, k in track(jobs, "anytime suite"):
        stream = rng(config.seed, "anytime", n, T, k)
        instance = generate("uniform", n, T, stream, int_scale=5)  # integer utilities 0..5
        key = f"anytime-n{n}-T{T}-{k}"
        start = time.perf_counter()
        try:
            opt_t = anytime.opt_values(instance, time_limit_s=config.time_limit_s * 5)
        except TimeoutError as exc:  # counted as undecided, never a crash
            log.warning("%s: %s", key, exc)
            rows.append({"suite": "anytime", "instance": key, "n": n, "T": T, "algorithm": "exact",
                         "anytime_exists": np.nan, "certificate": str(exc), "seconds": time.perf_counter() - start})
            continue
        exists = anytime.anytime_exists(instance, opt_t, time_limit_s=config.time_limit_s * 5)
        best = anytime.best_alpha(instance, opt_t, time_limit_s=config.time_limit_s * 5)
        X = count_ilp(instance, time_limit_s=config.time_limit_s * 5).X
        alphas = {"greedy": anytime.anytime_ratio(instance, heuristics.greedy(instance), opt_t)}
        if X is not None:
            alphas["decomp_order"] = anytime.anytime_ratio(instance, heuristics.decomp_order(instance, X), opt_t)
        rows.append({
            "suite": "anytime", "instance": key, "n": n, "T": T, "algorithm": "exact",
            "anytime_exists": np.nan if exists.exists is None else float(exists.exists),
            "best_alpha": best.alpha if best.status == "optimal" else np.nan,
            "greedy_alpha": alphas["greedy"], "decomp_order_alpha": alphas.get("decomp_order", np.nan),
            "existence_seconds": exists.seconds, "seconds": time.perf_counter() - start,
            "certificate": exists.certificate,
        })
    return rows


def _spectrum_suite(config: Config) -> list[dict[str, Any]]:
    if not config.spectrum_size:
        return []
    n, T = config.spectrum_size
    rows: list[dict[str, Any]] = []
    for k in track(range(config.spectrum_instances), "spectrum demo"):
        instance = generate("spectrum", n, T, rng(config.seed, "spectrum", n, T, k),
                            snr_db=config.snr_db, pathloss_exp=config.pathloss_exp)
        results, _ = evaluate(instance, SPECTRUM_ALGORITHMS, config, f"spectrum-{k}", pareto=False)
        for row in results:
            rows.append({**row, "suite": "spectrum", "instance": f"spectrum-n{n}-T{T}-{k}"})
    return rows


def _stats(values: pd.Series) -> tuple[float, float, float]:
    v = values.dropna().to_numpy(dtype=float)
    if not len(v):
        return float("nan"), float("nan"), float("nan")
    return float(np.median(v)), float(np.percentile(v, 5)), float(v.min())


def summarise(frame: pd.DataFrame) -> dict[str, Any]:
    """The run's metrics from its records (the issue's keys first)."""
    grid = frame[frame["suite"] == "grid"]
    exact = grid[grid["algorithm"] == "exact"]
    greedy = grid[grid["algorithm"] == "greedy"]
    metrics: dict[str, Any] = {}
    if len(greedy):
        median, p05, low = _stats(greedy["ratio"])
        metrics |= {"greedy_ratio_median": median, "greedy_ratio_min": low, "greedy_ratio_p05": p05}
    if len(exact):
        metrics["exact_solved_fraction"] = float((exact["status"] == "optimal").mean())
        metrics["exact_seconds_max"] = float(exact["solve_seconds"].max())
        metrics["exact_seconds_median"] = float(exact["solve_seconds"].median())
        metrics["exact_gap_max"] = float(exact["gap"].fillna(0).max())
    metrics["n_instances"] = int(grid["instance"].nunique())
    metrics["ratio_vs_bound_instances"] = int(grid.loc[grid["reference_kind"] != "opt", "instance"].nunique())
    for algorithm, part in grid.groupby("algorithm", sort=False):
        median, p05, low = _stats(part["ratio"])
        metrics |= {f"{algorithm}_ratio_median": median, f"{algorithm}_ratio_p05": p05, f"{algorithm}_ratio_min": low,
                    f"{algorithm}_seconds_median": float(part["seconds"].median()),
                    f"{algorithm}_anytime_ratio_lb_median": float(part["anytime_ratio_lb"].median()),
                    f"{algorithm}_welfare_ratio_median": float(part["welfare_ratio"].median())}
        if "pareto_optimal" in part and part["pareto_optimal"].notna().any():
            metrics[f"{algorithm}_pareto_fraction"] = float(part["pareto_optimal"].dropna().mean())
    for generator, part in greedy.groupby("generator", sort=False):
        metrics[f"greedy_ratio_median_{generator}"] = float(part["ratio"].median())
    anytime_rows = frame[frame["suite"] == "anytime"]
    if len(anytime_rows):
        exists = anytime_rows["anytime_exists"]
        metrics |= {
            "anytime_instances": len(anytime_rows),
            "anytime_exists_count": int((exists == 1).sum()),
            "anytime_nonexistent_count": int((exists == 0).sum()),
            "anytime_undecided_count": int(exists.isna().sum()),
            "anytime_existence_seconds_max": float(anytime_rows["existence_seconds"].max()),
        }
        for column in ("best_alpha", "greedy_alpha", "decomp_order_alpha"):
            median, _, low = _stats(anytime_rows[column])
            metrics |= {f"{column}_median": median, f"{column}_min": low}
    spectrum = frame[frame["suite"] == "spectrum"]
    for algorithm, part in spectrum.groupby("algorithm", sort=False):
        metrics[f"spectrum_{algorithm}_min_throughput"] = float(part["value"].mean())
        metrics[f"spectrum_{algorithm}_sum_throughput"] = float(part["welfare"].mean())
        metrics[f"spectrum_{algorithm}_jain"] = float(part["jain"].mean())
    if {"exact", "utilitarian"} <= set(spectrum["algorithm"]):
        by = spectrum.pivot_table(index="instance", columns="algorithm", values="welfare")
        metrics["spectrum_price_of_fairness"] = float(np.mean(
            [price_of_fairness(a, b) for a, b in zip(by["utilitarian"], by["exact"])]))
    metrics["paper_algorithms"] = PAPER_ALGORITHMS
    return metrics


def run(config: Config) -> Result:
    start = time.perf_counter()
    rows: list[dict[str, Any]] = []
    artifacts: dict[str, Any] = {}
    jobs = [(kind, n, T, k) for kind in config.utility for n, T in config.size_pairs
            for k in range(1 if kind == "file" else config.n_instances)]  # a file is one instance per T
    for kind, n, T in dict.fromkeys((kind, n, T) for kind, n, T, _ in jobs):
        log.info("grid: %s n=%d T=%d, %d instances", kind, n, T, config.n_instances)
    for kind, n, T, k in track(jobs, "fair-matching instances"):
        instance = _make(config, kind, n, T, rng(config.seed, "instance", kind, n, T, k))
        key = f"{kind}-n{instance.n}-T{T}-{k}"
        results, summaries = evaluate(instance, config.algorithms, config, key,
                                      pareto=instance.n <= config.pareto_max_n)
        rows += [{**row, "suite": "grid", "generator": kind, "seed_index": k} for row in results]
        artifacts[f"instances/{key}.npy"] = _npy(instance.utilities)
        artifacts[f"schedules/{key}.json"] = {"rounds": T, "schedules": summaries}
    rows += _anytime_suite(config)
    rows += _spectrum_suite(config)
    frame = pd.DataFrame(rows)
    metrics = summarise(frame)
    _log_table(frame)
    return Result.create("fair-matching", config, metrics, records=frame, artifacts=artifacts,
                         timings={"run_seconds": time.perf_counter() - start})


def _log_table(frame: pd.DataFrame) -> None:
    grid = frame[frame["suite"] == "grid"]
    if not len(grid):
        return
    table = grid.groupby(["generator", "n", "T", "algorithm"], sort=False).agg(
        ratio_median=("ratio", "median"), ratio_min=("ratio", "min"), seconds=("seconds", "median"),
        optimal=("status", lambda s: float((s == "optimal").mean())), gap_max=("gap", "max"))
    log.info("ratio to OPT (or to a proven bound where the ILP timed out):\n%s", table.to_string(float_format="%.4f"))
