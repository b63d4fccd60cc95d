"""Bob's simulated-trading sandbox ("StressTestPro"): candidates traded forward on scenarios of the past.

``SimTrade(view, portfolio)`` gets a :class:`~agentzoo.systems.quantagents.tools.MarketView` ending at
the close of day t (any later day raises :class:`~agentzoo.markets.backtest.FutureAccessError`) and a
deep copy of the portfolio, so nothing it does can touch the real book.

* Scenarios: a stationary block bootstrap (mean block ``sim_block_days``) of the cross-sectional
  daily return vectors of the last ``sim_lookback_days``, which keeps correlation and volatility
  clustering, with each stock's lookback mean replaced by the universe's long-run mean (no in-sample
  winner bias), plus a sentiment tilt mu_j = kappa tau-bar_j per 5 days (kappa fitted on closed windows only).
* Each candidate's weights come from the same family code as in the real market; every path is held
  ``sim_horizon_days`` with the family's per-name stop-loss and charged the same fees and slippage
  (turnover from the current book at entry, and stopped exits), so predictions are net of costs like
  the realised returns they are scored against.
* The scenario generator is its own seeded stream (never the world's).
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from agentzoo.markets.backtest import LookAheadError
from agentzoo.markets.metrics import stationary_bootstrap_indices
from agentzoo.systems.quantagents.records import SimResult, StrategyProposal
from agentzoo.systems.quantagents.strategies import FAMILIES, Family, Signals
from agentzoo.systems.quantagents.tools import MarketView


@dataclass
class Portfolio:
    """The book at the close of a day: units per stock, cash, and each position's entry reference price."""

    units: np.ndarray
    cash: float
    prices: np.ndarray
    """(N,) closes the book is marked at."""
    entry: np.ndarray = field(default_factory=lambda: np.zeros(0))
    """(N,) close at which each current position was adopted (NaN when flat); the stop-loss reference."""

    @property
    def equity(self) -> float:
        return float(self.cash + self.units @ self.prices)

    @property
    def weights(self) -> np.ndarray:
        e = self.equity
        return self.units * self.prices / e if e > 0 else np.zeros_like(self.units)

    def copy(self) -> Portfolio:
        return copy.deepcopy(self)

    def digest(self) -> str:
        """A hash of the whole state (tests check that simulation leaves it unchanged)."""
        h = hashlib.sha256()
        for a in (self.units, np.array([self.cash]), self.prices, self.entry):
            h.update(np.ascontiguousarray(a, dtype=np.float64).tobytes())
        return h.hexdigest()


def hold_path(w0: Any, w: Any, growth: Any, stop: float, cost: float) -> tuple[Any, Any]:
    """Net return and max drawdown of moving from weights ``w0`` to ``w`` and holding for H days.

    ``growth`` is (P, H, N) price relatives since the decision close (numpy, or a torch tensor for
    ``sim_device="cuda"``); a name whose relative falls below 1 - ``stop`` is sold at that close, paying
    ``cost`` (fee + slippage, a fraction of the notional), as is the entry turnover |w - w0|.
    Returns ((P,) returns, (P,) max drawdowns).
    """
    torch_mode = not isinstance(growth, np.ndarray)
    xp: Any = __import__("torch") if torch_mode else np
    P, H, _ = growth.shape
    wv = xp.as_tensor(w, device=growth.device, dtype=growth.dtype) if torch_mode else np.asarray(w, np.float64)
    w0v = xp.as_tensor(w0, device=growth.device, dtype=growth.dtype) if torch_mode else np.asarray(w0, np.float64)
    cash = 1.0 - float(wv.sum()) - cost * float(xp.abs(wv - w0v).sum())
    alive = xp.ones(growth.shape[0::2], dtype=bool, device=growth.device) if torch_mode else np.ones((P, growth.shape[2]), bool)
    frozen = growth.new_zeros(P) if torch_mode else np.zeros(P)
    peak = growth.new_full((P,), 1.0) if torch_mode else np.ones(P)
    dd = growth.new_zeros(P) if torch_mode else np.zeros(P)
    value = frozen + cash
    for h in range(H):
        p = growth[:, h, :]
        if np.isfinite(stop):
            hit = alive & (p < 1.0 - stop)
            frozen = frozen + (wv * p * hit).sum(1) * (1.0 - cost)
            alive = alive & ~hit
        value = cash + frozen + (wv * p * alive).sum(1)
        peak = xp.maximum(peak, value)
        dd = xp.maximum(dd, 1.0 - value / peak)
    return value - 1.0, dd


class SimTrade:
    """The sandbox of one strategy meeting; candidates share its scenarios (common random numbers)."""

    def __init__(self, view: MarketView, portfolio: Portfolio, signals: Signals, *, gen: np.random.Generator,
                 paths: int = 256, horizon: int = 5, lookback: int = 250, block: float = 5.0, cost: float = 7e-4,
                 kappa: float = 0.0, max_weight: float = 0.2, device: str = "cpu") -> None:
        self.view, self.signals = view, signals
        self.portfolio = portfolio.copy()  # the sandbox never holds the real book
        self.gen, self.paths, self.horizon, self.lookback, self.block = gen, paths, horizon, lookback, block
        self.cost, self.kappa, self.max_weight, self.device = cost, kappa, max_weight, device
        self._growth: Any = None
        self.refusals: list[str] = []

    def growth(self) -> Any:
        """(P, H, N) simulated price relatives since today's close (drawn once per meeting)."""
        if self._growth is None:
            R = self.view.returns(self.lookback)  # (L, N), the past only
            # each stock's own lookback mean is replaced by the universe's long-run mean (all of the past):
            # otherwise a candidate that picks the lookback's winners is predicted to repeat their in-sample
            # returns (selection bias) and a bad quarter predicts a bad week (reconstructed)
            R = R - R.mean(axis=0) + float(self.view.returns(self.view.t).mean())
            L = len(R)
            idx = stationary_bootstrap_indices(L, self.paths, self.block, self.gen)[:, : self.horizon]
            mu = self.kappa * self.signals.tau_bar / 5.0  # sentiment tilt per day (kappa is per 5 days)
            g = np.cumprod(1.0 + R[idx] + mu, axis=1)
            if self.device != "cpu":
                import torch

                self._growth = torch.as_tensor(g, device=self.device)
            else:
                self._growth = g
        return self._growth

    def simulate(self, proposal: StrategyProposal, family: Family | None = None) -> SimResult:
        """Trade ``proposal`` forward on every scenario; a rule that reads the future is refused and recorded."""
        fam = family or FAMILIES.get(proposal.family)
        if fam is None:
            self.refusals.append(f"{proposal.family}: unknown family")
            return SimResult(proposal.family, 0.0, 0.0, 0.0, 0.0, 0.0, refused="unknown family")
        try:
            w = fam.weights(self.view, self.signals, proposal.params, self.max_weight)
        except LookAheadError as exc:
            self.refusals.append(f"{proposal.family}: {exc}")
            return SimResult(proposal.family, 0.0, 0.0, 0.0, 0.0, 0.0, refused=f"LookAheadError: {exc}")
        ret, dd = hold_path(self.portfolio.weights, w, self.growth(), fam.stop(proposal.params), self.cost)
        if self.device != "cpu":
            ret, dd = ret.cpu().numpy(), dd.cpu().numpy()
        return SimResult(proposal.family, float(np.mean(ret)), float(np.std(ret, ddof=1)),
                         float(-np.quantile(ret, 0.05)), float(np.mean(ret < 0)), float(np.mean(dd)))

    def stress(self, weights: np.ndarray, vol_mult: float = 2.0) -> SimResult:
        """The current book held over the horizon with every scenario return scaled by ``vol_mult``."""
        g = self.growth()
        g = np.asarray(g.cpu().numpy() if self.device != "cpu" else g)
        daily = np.diff(np.concatenate([np.ones_like(g[:, :1]), g], axis=1), axis=1) / np.concatenate(
            [np.ones_like(g[:, :1]), g[:, :-1]], axis=1)
        stressed = np.cumprod(1.0 + vol_mult * daily, axis=1)
        ret, dd = hold_path(weights, weights, stressed, np.inf, self.cost)
        return SimResult("stress", float(np.mean(ret)), float(np.std(ret, ddof=1)), float(-np.quantile(ret, 0.05)),
                         float(np.mean(ret < 0)), float(np.mean(dd)))
