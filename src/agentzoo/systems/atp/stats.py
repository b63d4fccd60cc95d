"""Percentile-bootstrap 95% CIs: SA resamples items (paired across arms), MA resamples games."""

from __future__ import annotations

import numpy as np
import pandas as pd

from agentzoo.seeding import rng


def _percentiles(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.nanpercentile(samples, 2.5, axis=0), np.nanpercentile(samples, 97.5, axis=0)


def item_matrix(frame: pd.DataFrame, value: str, unit: str = "item") -> tuple[list[str], np.ndarray]:
    """units x rounds matrix of ``value`` (NaN where missing, e.g. unparseable answers)."""
    table = frame.pivot_table(index=unit, columns="round", values=value, aggfunc="mean")
    return [str(i) for i in table.index], table.to_numpy(dtype=float)


def rate_with_ci(matrix: np.ndarray, n_boot: int, seed: int, name: str) -> dict[str, list[float]]:
    """Per-round mean over units and its bootstrap CI (units resampled with replacement)."""
    gen = rng(seed, "bootstrap", name)
    idx = gen.integers(0, matrix.shape[0], size=(n_boot, matrix.shape[0]))
    samples = np.nanmean(matrix[idx], axis=1)
    low, high = _percentiles(samples)
    return {"mean": np.nanmean(matrix, axis=0).tolist(), "low": low.tolist(), "high": high.tolist()}


def paired_gap(a: np.ndarray, b: np.ndarray, n_boot: int, seed: int, name: str) -> dict[str, list[float]]:
    """Per-round mean(a) - mean(b) for the same units, CI from resampling units jointly."""
    if a.shape != b.shape:
        raise ValueError(f"paired arms need the same items and rounds, got {a.shape} and {b.shape}")
    gen = rng(seed, "bootstrap", name)
    idx = gen.integers(0, a.shape[0], size=(n_boot, a.shape[0]))
    samples = np.nanmean(a[idx], axis=1) - np.nanmean(b[idx], axis=1)
    low, high = _percentiles(samples)
    return {"mean": (np.nanmean(a, axis=0) - np.nanmean(b, axis=0)).tolist(), "low": low.tolist(), "high": high.tolist()}


def cluster_rate(frame: pd.DataFrame, value: str, n_boot: int, seed: int, name: str,
                 cluster: str = "game_index") -> dict[str, list[float]]:
    """Pooled per-round rate over agents; CI from resampling clusters (games), which keeps the
    dependence between the agents of one game."""
    sums = frame.pivot_table(index=cluster, columns="round", values=value, aggfunc="sum").to_numpy(dtype=float)
    counts = frame.pivot_table(index=cluster, columns="round", values=value, aggfunc="count").to_numpy(dtype=float)
    gen = rng(seed, "bootstrap", name)
    idx = gen.integers(0, sums.shape[0], size=(n_boot, sums.shape[0]))
    with np.errstate(invalid="ignore", divide="ignore"):
        samples = sums[idx].sum(axis=1) / counts[idx].sum(axis=1)
        mean = sums.sum(axis=0) / counts.sum(axis=0)
    low, high = _percentiles(samples)
    return {"mean": mean.tolist(), "low": low.tolist(), "high": high.tolist()}
