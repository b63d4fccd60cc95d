"""Candidate strategy families with typed, bounded parameters.

A family maps what is known at the close of day t (a :class:`~agentzoo.systems.quantagents.tools.MarketView`
and the day's :class:`Signals`) to long-only target weights; the same code runs in the real market
and in Bob's simulated market. Weights are capped at ``max_weight`` per name and gross 1.

* ``momentum_reversal`` (the paper's example): long the top-k by ``lookback``-day momentum excluding
  the last ``skip`` days, skipping names up more than ``max_gain`` over 5 days, with a per-name stop-loss;
* ``sentiment_tilt``: long the top-k by decayed news sentiment tau-bar above ``min_tau``, with a stop-loss;
* ``risk_parity``: weights proportional to 1 / realised volatility;
* ``low_beta``: the k names with the lowest 60-day beta;
* ``equal_weight`` and ``cash``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from agentzoo.markets.strategy import Param
from agentzoo.systems.quantagents.records import StrategyProposal
from agentzoo.systems.quantagents.tools import MarketView

Params = Mapping[str, float]


@dataclass(frozen=True)
class Signals:
    """Tool outputs of one day, shared by every family (all computed from the past only)."""

    tau_bar: np.ndarray
    """(N,) decayed news sentiment."""
    beta: np.ndarray
    """(N,) 60-day beta against the equal-weight universe."""
    vol: np.ndarray
    """(N,) 20-day annualised volatility."""


WeightsFn = Callable[[MarketView, Signals, Params], np.ndarray]


@dataclass(frozen=True)
class Family:
    """A strategy family: ``rule(view, signals, params) -> (N,) raw weights`` and its parameter schema."""

    name: str
    rule: WeightsFn
    params: tuple[Param, ...] = ()
    description: str = ""
    needs_news: bool = False

    def defaults(self) -> dict[str, float]:
        return {p.name: p.default for p in self.params}

    def clip(self, params: Mapping[str, object]) -> dict[str, float]:
        """Keep the known parameters, clipped to their bounds; unknown names and non-numbers are dropped."""
        out = self.defaults()
        for p in self.params:
            value = params.get(p.name)
            try:
                if value is not None and np.isfinite(float(value)):  # type: ignore[arg-type]
                    out[p.name] = p.clip(float(value))  # type: ignore[arg-type]
            except (TypeError, ValueError):
                continue
        return out

    def weights(self, view: MarketView, signals: Signals, params: Params, max_weight: float) -> np.ndarray:
        """Long-only weights with |w_j| <= max_weight and gross <= 1."""
        w = np.nan_to_num(np.asarray(self.rule(view, signals, self.clip(params)), dtype=np.float64))
        w = np.clip(w, 0.0, max_weight)
        gross = float(w.sum())
        return w / gross if gross > 1.0 else w

    def stop(self, params: Params) -> float:
        """The per-name stop-loss (a fall from the entry price that triggers an exit); inf without one."""
        return float(self.clip(params).get("stop", np.inf))


def _top_k(score: np.ndarray, k: int, allowed: np.ndarray) -> np.ndarray:
    w = np.zeros(len(score))
    idx = [int(j) for j in np.argsort(-score, kind="stable") if allowed[j]][: max(1, k)]
    w[idx] = 1.0 / max(1, k)
    return w


def _momentum_reversal(view: MarketView, s: Signals, p: Params) -> np.ndarray:
    lookback, skip = int(p["lookback"]), int(p["skip"])
    c = view.closes(lookback + 1)
    if len(c) <= skip + 1:
        return np.zeros(view.N)
    mom = c[-1 - skip] / c[0] - 1
    gain5 = c[-1] / c[max(0, len(c) - 6)] - 1
    return _top_k(mom, int(p["k"]), gain5 <= p["max_gain"])


def _sentiment_tilt(view: MarketView, s: Signals, p: Params) -> np.ndarray:
    return _top_k(s.tau_bar, int(p["k"]), s.tau_bar > p["min_tau"])


def _risk_parity(view: MarketView, s: Signals, p: Params) -> np.ndarray:
    r = view.returns(int(p["lookback"]))
    vol = r.std(axis=0, ddof=1) if len(r) > 2 else np.ones(view.N)
    inv = np.where(vol > 0, 1.0 / np.maximum(vol, 1e-12), 0.0)
    return inv / inv.sum() if inv.sum() > 0 else np.zeros(view.N)


def _low_beta(view: MarketView, s: Signals, p: Params) -> np.ndarray:
    return _top_k(-s.beta, int(p["k"]), np.ones(view.N, dtype=bool))


def _equal_weight(view: MarketView, s: Signals, p: Params) -> np.ndarray:
    return np.full(view.N, 1.0 / view.N)


def _cash(view: MarketView, s: Signals, p: Params) -> np.ndarray:
    return np.zeros(view.N)


K = Param("k", 1, 10, 5, integer=True, doc="names held")
STOP = Param("stop", 0.03, 0.25, 0.08, doc="per-name stop-loss: exit after this fall from the entry price")
FAMILIES: dict[str, Family] = {f.name: f for f in (
    Family("momentum_reversal", _momentum_reversal,
           (K, Param("lookback", 20, 120, 60, integer=True, doc="momentum window (days)"),
            Param("skip", 1, 10, 5, integer=True, doc="recent days left out of the momentum (short-term reversal)"),
            Param("max_gain", 0.02, 0.25, 0.08, doc="skip names up more than this over 5 days"), STOP),
           "long-term momentum plus short-term reversal, with stop-loss (the paper's example)"),
    Family("sentiment_tilt", _sentiment_tilt,
           (K, Param("min_tau", 0.0, 0.6, 0.1, doc="minimum decayed sentiment tau-bar"), STOP),
           "long the names with the best recent news", needs_news=True),
    Family("risk_parity", _risk_parity, (Param("lookback", 20, 120, 60, integer=True, doc="volatility window"),),
           "weights proportional to 1 / volatility"),
    Family("low_beta", _low_beta, (K,), "the lowest-beta names"),
    Family("equal_weight", _equal_weight, (), "every name equally"),
    Family("cash", _cash, (), "no positions"),
)}
"""The candidate families by name."""


def propose(allowed: Sequence[str], scores: Mapping[str, float], n: int, gen: np.random.Generator,
            explore: float = 0.5) -> list[StrategyProposal]:
    """``n`` candidates: families drawn without replacement with probability proportional to exp(s_f)
    (exponential weights over families), each with its default parameters or, with probability
    ``explore``, a uniform draw within the parameters' bounds."""
    names = [f for f in allowed if f != "cash"]
    s = np.array([scores.get(f, 0.0) for f in names])
    p = np.exp(s - s.max())
    chosen = gen.choice(len(names), size=min(n, len(names)), replace=False, p=p / p.sum())
    out = []
    for i in chosen:
        fam = FAMILIES[names[int(i)]]
        params = fam.defaults()
        if fam.params and gen.random() < explore:
            params = {q.name: q.from_unit(float(gen.random())) for q in fam.params}
        out.append(StrategyProposal(fam.name, params, "proposed by the tools (exponential weights over families)"))
    return out


def describe(proposal: StrategyProposal) -> str:
    """A compact rendering, e.g. ``momentum_reversal(k=5, lookback=60, stop=0.08)``."""
    inner = ", ".join(f"{k}={v:g}" for k, v in proposal.params.items())
    return f"{proposal.family}({inner})"
