"""Round trips from a backtest's fills (numba): flat -> position -> flat, a reversal closes one trip
and opens the next. Used by :meth:`agentzoo.markets.backtest.BacktestResult.round_trips`."""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit


def trips_of(asset: int, fills: np.ndarray, units: np.ndarray, price: np.ndarray, f: float) -> list[tuple[Any, ...]]:
    out = _trips_numba(fills.astype(np.int64), np.ascontiguousarray(units), np.ascontiguousarray(price), f)
    return [(asset, int(a), int(b), int(c), d, e, g, h, k) for a, b, c, d, e, g, h, k in zip(*out)]


@njit(cache=True)
def _trips_numba(fills, units, price, f):  # pragma: no cover - compiled
    """Round trips of one instrument from its fills (see :meth:`BacktestResult.round_trips`)."""
    n = len(fills)
    start_o, end_o, side_o = np.empty(2 * n, np.int64), np.empty(2 * n, np.int64), np.empty(2 * n, np.int64)
    pe_o, px_o, pnl_o, ret_o, pret_o = np.empty(2 * n), np.empty(2 * n), np.empty(2 * n), np.empty(2 * n), np.empty(2 * n)
    k = 0
    held, flow, cost, entry_q, entry_v, exit_q, exit_v, start, side = 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1, 0
    legs = np.empty(2)
    for t in fills:
        after, p = units[t], price[t]
        n_legs = 0
        if held != 0 and np.sign(after) != np.sign(held):
            legs[0] = -held  # close the current trip
            n_legs = 1
            if after != 0:
                legs[1] = after  # open the reversed one
                n_legs = 2
        else:
            legs[0] = after - held
            n_legs = 1
        for j in range(n_legs):
            leg = legs[j]
            # a buy of q gives q(1-f) units, so the gross quantity is leg/(1-f) when buying
            gross = leg / (1 - f) if leg > 0 else leg
            cash = -gross * p if leg > 0 else -gross * p * (1 - f)
            if held == 0:
                start, side = t, (1 if leg > 0 else -1)
                flow, cost, entry_q, entry_v, exit_q, exit_v = 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
            flow += cash
            if (leg > 0) == (side > 0):
                cost += abs(cash)
                entry_q += abs(gross)
                entry_v += abs(gross) * p
            else:
                exit_q += abs(gross)
                exit_v += abs(gross) * p
            held += leg
            if abs(held) <= 1e-12 * max(1.0, entry_q):
                held = 0.0
                pe, px = entry_v / entry_q, exit_v / exit_q
                start_o[k], end_o[k], side_o[k] = start, t, side
                pe_o[k], px_o[k], pnl_o[k], ret_o[k], pret_o[k] = pe, px, flow, flow / cost, side * (px / pe - 1)
                k += 1
        held = after
    return start_o[:k], end_o[:k], side_o[:k], pe_o[:k], px_o[:k], pnl_o[:k], ret_o[:k], pret_o[:k]
