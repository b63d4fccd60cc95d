"""Spectrum allocation, the application the paper names first: devices share channels slot by slot.

n devices and n channels; in each of T slots every device gets one exclusive channel (a
perfect matching). Device i on channel o gets the Shannon rate u_io = log2(1 + SNR·g_io)
bit/s/Hz, where g_io = d_i^-exp · |h_io|^2 combines distance path loss (devices uniform
over the cell area, 0.2 <= d <= 1 in units of the cell radius, SNR referenced at the cell
edge) with frequency-selective Rayleigh fading |h_io|^2 ~ Exp(1) per device–channel pair,
static over the T slots. It illustrates the model; it is not a system-level simulator.
"""

from __future__ import annotations

import numpy as np

MIN_DISTANCE = 0.2
"""Closest device distance, in units of the cell radius."""


def spectrum_utilities(n: int, rng: np.random.Generator, *, snr_db: float = 10.0, pathloss_exp: float = 3.5) -> np.ndarray:
    """Rates u[i, o] = log2(1 + SNR · d_i^-exp · |h_io|^2) of n devices on n channels."""
    snr = 10.0 ** (snr_db / 10.0)
    d = np.sqrt(rng.uniform(MIN_DISTANCE**2, 1.0, size=n))  # uniform over the annulus area
    fading = rng.exponential(1.0, size=(n, n))  # Rayleigh: |h|^2 ~ Exp(1)
    g = d[:, None] ** (-pathloss_exp) * fading
    return np.log2(1.0 + snr * g)


def jain_index(U: np.ndarray) -> float:
    """Jain's fairness index (ΣU)^2 / (n ΣU^2), 1 when all equal, 1/n when one agent has all."""
    U = np.asarray(U, dtype=float)
    denominator = len(U) * float(np.sum(U**2))
    return float(np.sum(U) ** 2 / denominator) if denominator > 0 else 1.0


def price_of_fairness(utilitarian_sum: float, maximin_sum: float) -> float:
    """Utilitarian optimum's total throughput over the maximin solution's total (>= 1)."""
    return float(utilitarian_sum / maximin_sum) if maximin_sum > 0 else float("inf")
