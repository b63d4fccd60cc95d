"""A_fr, feedback reflection: risk events from the validation trace become linear programs.

Reconstruction (the paper gives only appendix examples): the decision vector x holds the
numeric fields of the bot's parameter layer, bounded by their schema [lo_j, hi_j]. Each risk
event adds rows A_ub x <= b_ub:

=====================  =========================================================
exposure breach        A * sum_i M_Q[i] c_m c_f <= Q_max  (grid ladder; else size <= Q_max)
stop loss > L_max      k_atr * ATR_q95 / price * size <= L_max
profit given back      tp_a + tp_b * s <= MFE_q  (take-profit below the median favourable excursion)
over-trading,          m(x0) + g (x - x0) <= cap, g by central finite differences of the
drawdown, utilisation  validation backtest (utilisation: >= its floor)
=====================  =========================================================

Phase 1 (minimal intervention) minimises sum_j |x_j - x0_j| / (hi_j - lo_j); phase 2 maximises
the linearised validation P&L c x inside the rows and a trust region |x - x*| <= rho (hi - lo).
Both use ``scipy.optimize.linprog(method="highs")``. A candidate is kept only if the
re-simulated J = net validation Sharpe - 10 * (violated limits) improves. An event that no
parameter row can express, or an infeasible LP (status 2), escalates to the function layer
(A_be edits slots) and then to the strategy layer (the next family of S_p).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog

from agentzoo.markets.backtest import BacktestResult
from agentzoo.markets.metrics import Performance, evaluate
from agentzoo.systems.timi.strategies import Bot

LEVELS = ("parameter", "function", "strategy")


@dataclass(frozen=True)
class RiskLimits:
    """The limits that become LP rows (see :class:`agentzoo.systems.timi.Config`)."""

    q_max: float = 1.0
    max_loss_per_trade: float = 0.01
    max_drawdown: float = 0.10
    max_trades_per_day: float = 20.0
    min_utilisation: float = 0.05


@dataclass(frozen=True)
class RiskEvent:
    kind: str
    """exposure_breach, stop_loss, profit_giveback, overtrading, drawdown, underutilisation."""
    detail: str
    data: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Feedback:
    """F: the validation backtest of a bot, its metrics, risk events and objective J."""

    perf: Performance
    events: tuple[RiskEvent, ...]
    J: float
    metrics: dict[str, float]


def _mfe_atr(res: BacktestResult, atr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per closed trip: max favourable excursion and realised move, both in ATRs at entry."""
    trips = res.round_trips()
    c = res.bars.close[:, 0]
    mfe, real = [], []
    for e, x, side in zip(trips["entry_bar"], trips["exit_bar"], trips["side"]):
        a = atr[max(e - 1, 0)]
        if not np.isfinite(a) or a <= 0:
            continue
        base = c[max(e - 1, 0)]
        path = side * (c[e : x + 1] - base) / a
        mfe.append(float(path.max()) if len(path) else 0.0)
        real.append(float(path[-1]) if len(path) else 0.0)
    return np.asarray(mfe), np.asarray(real)


def feedback(bot: Bot, res: BacktestResult, atr: np.ndarray, limits: RiskLimits) -> Feedback:
    """Detect the typed risk events of a validation trace."""
    perf = evaluate(res)
    events: list[RiskEvent] = []
    peak = float(np.nanmax(np.abs(res.targets))) if res.targets.size else 0.0
    if peak > limits.q_max + 1e-12:
        p = bot.params
        sum_mq = sum(1 + i * p.get("m", 0.0) for i in range(int(p.get("levels", 3)))) * p.get("c_m", 1) * p.get("c_f", 1)
        events.append(RiskEvent("exposure_breach", f"peak exposure {peak:.2f} > Q_max {limits.q_max}",
                                {"sum_mq": sum_mq, "peak": peak}))
    trips = res.round_trips()
    if len(trips):
        worst = float(trips["pnl"].min()) / res.capital
        if worst < -limits.max_loss_per_trade:
            c = res.bars.close[:, 0]
            q95 = float(np.nanquantile(atr / c, 0.95)) if np.isfinite(atr).any() else 0.0
            events.append(RiskEvent("stop_loss", f"worst trade {worst:.2%} < -L_max {limits.max_loss_per_trade:.2%}",
                                    {"atr_q95_rel": q95, "size": bot.params.get("size", 1.0), "worst": worst}))
        mfe, real = _mfe_atr(res, atr)
        given = (mfe > 1.0) & (real < 0.5 * mfe)
        if len(mfe) >= 3 and given.mean() > 0.5:
            events.append(RiskEvent("profit_giveback", f"{given.mean():.0%} of trades gave back over half their gain",
                                    {"mfe_q": float(np.median(mfe[given])), "trend_s": bot.params.get("trend_s", 0.0)}))
    m = {"trades_per_day": perf.trades_per_day, "mdd": perf.mdd, "utilisation": perf.utilisation,
         "total_return": perf.total_return, "sharpe": perf.sharpe if math.isfinite(perf.sharpe) else 0.0}
    if perf.trades_per_day > limits.max_trades_per_day:
        events.append(RiskEvent("overtrading", f"{perf.trades_per_day:.1f} trades/day > {limits.max_trades_per_day}"))
    if perf.mdd > limits.max_drawdown:
        events.append(RiskEvent("drawdown", f"drawdown {perf.mdd:.1%} > DD_max {limits.max_drawdown:.0%}"))
    if perf.utilisation < limits.min_utilisation:
        events.append(RiskEvent("underutilisation", f"utilisation {perf.utilisation:.1%} < {limits.min_utilisation:.0%}"))
    return Feedback(perf, tuple(events), m["sharpe"] - 10.0 * len(events), m)


# ---------------------------------------------------------------------- the LP
@dataclass
class LinearProgram:
    """Rows A_ub x <= b_ub over the named parameters, with bounds; ``missing`` = inexpressible events."""

    names: list[str]
    x0: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    A_ub: np.ndarray
    b_ub: np.ndarray
    rows: list[str]
    missing: list[str]
    c: np.ndarray | None = None

    def to_json(self) -> dict[str, object]:
        return {"names": self.names, "x0": self.x0.tolist(), "lo": self.lo.tolist(), "hi": self.hi.tolist(),
                "A_ub": self.A_ub.tolist(), "b_ub": self.b_ub.tolist(), "rows": self.rows, "missing": self.missing,
                "c": None if self.c is None else self.c.tolist()}


def min_intervention(x0: np.ndarray, lo: np.ndarray, hi: np.ndarray, A_ub: np.ndarray, b_ub: np.ndarray) -> tuple[int, np.ndarray]:
    """Phase 1: argmin sum_j |x_j - x0_j| / (hi_j - lo_j) s.t. A_ub x <= b_ub, lo <= x <= hi.

    Variables (x, d) with d_j >= |x_j - x0_j|; returns (linprog status, x).
    """
    n = len(x0)
    span = np.maximum(hi - lo, 1e-12)
    cost = np.r_[np.zeros(n), 1.0 / span]
    eye = np.eye(n)
    A = np.vstack([np.hstack([A_ub, np.zeros((len(A_ub), n))]) if len(A_ub) else np.zeros((0, 2 * n)),
                   np.hstack([eye, -eye]), np.hstack([-eye, -eye])])
    b = np.r_[b_ub, x0, -x0]
    bounds = [(float(a), float(z)) for a, z in zip(lo, hi)] + [(0.0, None)] * n
    res = linprog(cost, A_ub=A, b_ub=b, bounds=bounds, method="highs")
    return int(res.status), (np.asarray(res.x[:n]) if res.status == 0 else x0.copy())


def maximise(c: np.ndarray, center: np.ndarray, lo: np.ndarray, hi: np.ndarray, A_ub: np.ndarray, b_ub: np.ndarray,
             rho: float) -> tuple[int, np.ndarray]:
    """Phase 2: argmax c x s.t. A_ub x <= b_ub and |x - center| <= rho (hi - lo) within the bounds."""
    r = rho * (hi - lo)
    bounds = [(float(max(a, m - d)), float(min(z, m + d))) for a, z, m, d in zip(lo, hi, center, r)]
    res = linprog(-c, A_ub=A_ub if len(A_ub) else None, b_ub=b_ub if len(b_ub) else None, bounds=bounds, method="highs")
    return int(res.status), (np.asarray(res.x) if res.status == 0 else center.copy())


def gradients(bot: Bot, simulate: Callable[[Bot], Feedback], keys: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Central finite differences of validation metrics w.r.t. each parameter (one-sided at bounds)."""
    schema = bot.schema()
    out = {k: np.zeros(len(schema)) for k in keys}
    for j, p in enumerate(schema):
        x = bot.params[p.name]
        h = max(1.0, round(0.05 * (p.hi - p.lo))) if p.integer else 0.05 * (p.hi - p.lo)
        up, down = p.clip(x + h), p.clip(x - h)
        if up == down:
            continue
        f_up, f_down = simulate(bot.with_params({p.name: up})), simulate(bot.with_params({p.name: down}))
        for k in keys:
            out[k][j] = (f_up.metrics[k] - f_down.metrics[k]) / (up - down)
    return out


def build_lp(bot: Bot, fb: Feedback, limits: RiskLimits, grads: dict[str, np.ndarray] | None,
             only: tuple[str, ...] | None = None) -> LinearProgram:
    """The LP rows of the events in ``fb`` (or only those of kinds ``only``)."""
    schema = bot.schema()
    names = [p.name for p in schema]
    x0 = np.array([bot.params[n] for n in names])
    lo, hi = np.array([p.lo for p in schema]), np.array([p.hi for p in schema])
    rows, b, desc, missing = [], [], [], []

    def row(coeffs: dict[str, float], bound: float, text: str) -> None:
        r = np.zeros(len(names))
        for k, v in coeffs.items():
            r[names.index(k)] = v
        rows.append(r)
        b.append(bound)
        desc.append(text)

    for e in fb.events:
        if only is not None and e.kind not in only:
            continue
        if e.kind == "exposure_breach" and "A" in names:
            row({"A": e.data["sum_mq"]}, limits.q_max, "A * sum M_Q c_m c_f <= Q_max")
        elif e.kind == "exposure_breach" and "size" in names:
            row({"size": 1.0}, limits.q_max, "size <= Q_max")
        elif e.kind == "stop_loss" and "k_atr" in names:
            row({"k_atr": e.data["atr_q95_rel"] * e.data["size"]}, limits.max_loss_per_trade,
                "k_atr * ATR_q95/price * size <= L_max")
        elif e.kind == "profit_giveback" and "tp_a" in names:
            row({"tp_a": 1.0, "tp_b": e.data["trend_s"]}, e.data["mfe_q"], "tp_a + tp_b s <= MFE_q")
        elif e.kind in ("overtrading", "drawdown", "underutilisation") and grads is not None:
            key, cap, sign = {"overtrading": ("trades_per_day", limits.max_trades_per_day, 1.0),
                              "drawdown": ("mdd", limits.max_drawdown, 1.0),
                              "underutilisation": ("utilisation", limits.min_utilisation, -1.0)}[e.kind]
            g = grads[key]
            if not np.any(g):
                missing.append(e.kind)
                continue
            m0 = fb.metrics[key]
            r = sign * g
            rows.append(r)
            b.append(sign * (cap - m0) + float(r @ x0))
            desc.append(f"{key}(x0) + g (x - x0) {'<=' if sign > 0 else '>='} {cap}")
        else:
            missing.append(e.kind)
    A_ub = np.vstack(rows) if rows else np.zeros((0, len(names)))
    return LinearProgram(names, x0, lo, hi, A_ub, np.asarray(b, dtype=float), desc, missing)


def solve(lp: LinearProgram, c: np.ndarray | None, rho: float) -> tuple[int, np.ndarray]:
    """Phase 1 then (if ``c``) phase 2; status 2 when an event cannot be expressed or rows conflict."""
    if lp.missing:
        return 2, lp.x0.copy()
    status, x_star = min_intervention(lp.x0, lp.lo, lp.hi, lp.A_ub, lp.b_ub)
    if status != 0 or c is None or not np.any(c):
        return status, x_star
    lp.c = c
    status2, x2 = maximise(c, x_star, lp.lo, lp.hi, lp.A_ub, lp.b_ub, rho)
    return (0, x2) if status2 == 0 else (0, x_star)
