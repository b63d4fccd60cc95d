"""Calibrate the synthetic daily model to a real daily series shipped by ``arch``.

``python -m agentzoo.markets.calibrate --series sp500`` writes
``markets/calibration/sp500.json`` (shipped with the package), which :mod:`agentzoo.markets.synth`
reads. The recipe (reconstructed testbed design, not from any paper):

1. one ``arch_model(100*r, vol="GARCH", p=1, q=1, dist="t")`` fit on the daily returns;
2. jumps: returns beyond 4 conditional sigma; they are removed and the GARCH fit repeated,
   and their rate (per day), sign balance and excess size (in conditional sigma) are recorded;
3. regimes: days labelled by 20-day rolling volatility above/below its median; each regime
   scales omega by its share of variance; stay probabilities come from the mean run lengths.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)
CALIBRATION_DIR = Path(__file__).resolve().parent / "calibration"
JUMP_SIGMAS = 4.0


def _fit_garch(r_pct: np.ndarray) -> tuple[dict[str, float], np.ndarray]:
    from arch import arch_model

    res = arch_model(r_pct, mean="Constant", vol="GARCH", p=1, q=1, dist="t").fit(disp="off")
    p = res.params
    params = {"mu": float(p["mu"]), "omega": float(p["omega"]), "alpha": float(p["alpha[1]"]),
              "beta": float(p["beta[1]"]), "nu": float(p["nu"])}
    return params, np.asarray(res.conditional_volatility)


def _mean_run(labels: np.ndarray, value: bool) -> float:
    runs, current = [], 0
    for x in labels:
        if x == value:
            current += 1
        elif current:
            runs.append(current)
            current = 0
    if current:
        runs.append(current)
    return float(np.mean(runs)) if runs else 1.0


def calibrate(series: str = "sp500") -> dict[str, object]:
    """The calibration dictionary for ``series`` (an ``arch`` daily OHLC data set)."""
    from agentzoo.markets.data import load_arch

    bars = load_arch(series)
    close = bars.close[:, 0]
    r = np.diff(np.log(close))
    first, sigma = _fit_garch(100 * r)
    jumps = np.abs(100 * r - first["mu"]) > JUMP_SIGMAS * sigma
    params, _ = _fit_garch(100 * r[~jumps])
    z = (100 * r[jumps] - params["mu"]) / sigma[jumps]
    rolling = np.sqrt(np.convolve(r**2, np.ones(20) / 20, mode="valid"))
    high = rolling > np.median(rolling)
    r_aligned = r[19:]
    var_all = float(np.mean(r_aligned**2))
    scale = {"low": float(np.mean(r_aligned[~high] ** 2) / var_all), "high": float(np.mean(r_aligned[high] ** 2) / var_all)}
    calib: dict[str, object] = {
        "series": series,
        "n_days": len(r),
        "garch_pct": params,
        "regime_omega_scale": scale,
        "regime_stay": {"low": 1 - 1 / _mean_run(high, False), "high": 1 - 1 / _mean_run(high, True)},
        "jump_rate_per_day": float(jumps.mean()),
        "jump_p_up": float((z > 0).mean()) if len(z) else 0.5,
        "jump_excess_sigma": float(np.mean(np.abs(z) - JUMP_SIGMAS)) if len(z) else 1.0,
        "daily_vol": float(np.std(r, ddof=1)),
        "annual_vol": float(np.std(r, ddof=1) * np.sqrt(252)),
        "mean_log_volume": float(np.mean(np.log(np.maximum(bars.volume[:, 0], 1.0)))),
    }
    return calib


def load_calibration(series: str = "sp500") -> dict[str, object]:
    """The shipped calibration (see the module docstring for how it was made)."""
    path = CALIBRATION_DIR / f"{series}.json"
    if not path.exists():
        raise FileNotFoundError(f"no calibration for {series!r}; run python -m agentzoo.markets.calibrate --series {series}")
    loaded: dict[str, object] = json.loads(path.read_text())
    return loaded


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--series", default="sp500")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    calib = calibrate(args.series)
    out = args.out or CALIBRATION_DIR / f"{args.series}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(calib, indent=2, sort_keys=True) + "\n")
    logging.basicConfig(level=logging.INFO)
    log.info("wrote %s", out)


if __name__ == "__main__":
    main()
