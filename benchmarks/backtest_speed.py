"""Backtest speed, side by side in one run: agentzoo.markets vs backtrader, backtesting.py, vectorbt.

Workload: synthetic 1-minute bars (24/7 class, seed 0), SMA(10)/SMA(50) long/flat, 10 bps fees,
decisions on bar t's close filled at bar t+1's open. Peers that are slow run on a prefix and are
reported in bars/s (event-driven engines slow down with length, so a prefix flatters them).

    .venv/bin/python benchmarks/backtest_speed.py                 # full run (several minutes)
    .venv/bin/python benchmarks/backtest_speed.py --bars 200000   # smaller

Peers come from the ``bench`` extra: ``pip install 'agentzoo[bench]'``; a missing peer is
printed as "not measured".
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from importlib import metadata

import numpy as np
import pandas as pd

from agentzoo.markets import backtest, baselines, metrics, sweep, synth
from agentzoo.markets.backtest import Costs

FEE = 0.001


def make_bars(n: int) -> synth.Bars:
    days = -(-n // 1440)
    return synth.minute_bars(1, days, "crypto_major", seed=0)[:n]


def timed(fn, repeat: int = 3) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def ours(bars) -> dict[str, object]:  # type: ignore[no-untyped-def]
    strat = baselines.SMA_CROSS({"fast": 10, "slow": 50})
    t0 = time.perf_counter()
    backtest.run_targets(bars[:200], strat, Costs(fee_bps=10))  # first call compiles (or loads) numba code
    compile_s = time.perf_counter() - t0
    seconds, res = timed(lambda: backtest.run_targets(bars, strat, Costs(fee_bps=10)), repeat=5)
    return {"bars": bars.T, "seconds": seconds, "bars_per_s": bars.T / seconds, "compile_s": compile_s, "result": res}


def with_backtrader(bars, n: int) -> dict[str, object]:  # type: ignore[no-untyped-def]
    try:
        import backtrader as bt
    except ImportError:
        return {"bars_per_s": None, "note": "not measured (pip install backtrader)"}
    frame = bars[:n].frame(0).tz_localize(None)

    class SmaCross(bt.Strategy):
        def __init__(self) -> None:
            self.fast, self.slow = bt.ind.SMA(period=10), bt.ind.SMA(period=50)

        def next(self) -> None:
            if not self.position and self.fast[0] > self.slow[0]:
                self.order_target_percent(target=0.99)
            elif self.position and self.fast[0] <= self.slow[0]:
                self.order_target_percent(target=0.0)

    def run() -> int:
        cerebro = bt.Cerebro(stdstats=False)
        cerebro.adddata(bt.feeds.PandasData(dataname=frame))
        cerebro.addstrategy(SmaCross)
        cerebro.broker.setcommission(commission=FEE)
        cerebro.broker.setcash(1_000_000.0)
        cerebro.run()
        return n

    seconds, _ = timed(run, repeat=1)
    return {"bars": n, "seconds": seconds, "bars_per_s": n / seconds, "version": metadata.version("backtrader")}


def with_backtesting(bars, n: int) -> dict[str, object]:  # type: ignore[no-untyped-def]
    try:
        from backtesting import Backtest, Strategy
    except ImportError:
        return {"bars_per_s": None, "note": "not measured (pip install backtesting)"}
    frame = bars[:n].frame(0).tz_localize(None).rename(columns=str.capitalize)

    def sma(x: np.ndarray, k: int) -> np.ndarray:
        return pd.Series(x).rolling(k).mean().to_numpy()

    class SmaCross(Strategy):
        def init(self) -> None:
            self.fast = self.I(sma, self.data.Close, 10)
            self.slow = self.I(sma, self.data.Close, 50)

        def next(self) -> None:
            if not self.position and self.fast[-1] > self.slow[-1]:
                self.buy(size=0.99)
            elif self.position and self.fast[-1] <= self.slow[-1]:
                self.position.close()

    def run():  # type: ignore[no-untyped-def]
        return Backtest(frame, SmaCross, cash=1e12, commission=FEE, trade_on_close=False,
                        finalize_trades=False).run()

    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        seconds, stats = timed(run, repeat=1)
    trades = stats._trades  # type: ignore[attr-defined]
    return {"bars": n, "seconds": seconds, "bars_per_s": n / seconds, "trades": trades,
            "version": metadata.version("backtesting")}


def with_vectorbt(bars, grid: np.ndarray | None = None) -> dict[str, object]:  # type: ignore[no-untyped-def]
    try:
        import vectorbt as vbt
    except ImportError:
        return {"bars_per_s": None, "note": "not measured (pip install vectorbt)"}
    close = pd.Series(bars.close[:, 0])
    open_ = pd.Series(bars.open[:, 0])
    if grid is None:
        grid = np.array([[10, 50]])
    fast = vbt.MA.run(close, window=list(grid[:, 0].astype(int)), short_name="f")
    slow = vbt.MA.run(close, window=list(grid[:, 1].astype(int)), short_name="s")
    above = fast.ma.to_numpy().reshape(bars.T, -1) > slow.ma.to_numpy().reshape(bars.T, -1)
    # signals on bar t's close execute at bar t+1's open: shift by one bar and price at the open
    entries = np.vstack([np.zeros((1, above.shape[1]), bool), above[:-1]])
    exits = ~entries

    def run():  # type: ignore[no-untyped-def]
        return vbt.Portfolio.from_signals(close, entries, exits, price=open_, fees=FEE, init_cash=1_000_000.0,
                                          freq="1min")

    run()  # compile
    seconds, _ = timed(run, repeat=2 if len(grid) == 1 else 1)
    cells = bars.T * len(grid)
    return {"bars": bars.T, "params": len(grid), "seconds": seconds, "bars_per_s": bars.T / seconds,
            "bar_params_per_s": cells / seconds, "version": metadata.version("vectorbt")}


def sweep_in_subprocess(n_bars: int, side: int) -> dict[str, object]:
    """A side x side fast/slow sweep in a fresh process: throughput and peak RSS."""
    code = f"""
import json, resource, time, numpy as np
from benchmarks.backtest_speed import make_bars
from agentzoo.markets import sweep
bars = make_bars({n_bars})
fast = np.unique(np.geomspace(2, 200, {side}).round())
slow = np.unique(np.geomspace(10, 2000, {side}).round())
grid = np.array([[f, s] for f in np.linspace(2, 200, {side}).round() for s in np.linspace(10, 2000, {side}).round()])
t0 = time.perf_counter(); sweep.sweep(bars[:2000], sweep.SMA_CROSS, grid[:2]); compile_s = time.perf_counter() - t0
t0 = time.perf_counter(); res = sweep.sweep(bars, sweep.SMA_CROSS, grid); dt = time.perf_counter() - t0
print(json.dumps({{"params": len(grid), "bars": bars.T, "seconds": dt, "compile_s": compile_s,
                  "bar_params_per_s": len(grid) * bars.T / dt,
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.getcwd(), os.environ.get("PYTHONPATH", "")]))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def compare_trades(bars, trades: pd.DataFrame, n: int) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Our round trips on the prefix vs backtesting.py's: same entry/exit bars, same price returns.

    backtesting.py first calls ``next()`` one bar after the indicators' first valid value, so our
    strategy is held flat on that one bar here (the only change; it is still the engine's fills).
    """

    def aligned(b):  # type: ignore[no-untyped-def]
        w = baselines.sma_cross_targets(b.close[:, 0], 10, 50)
        w[:50] = 0.0
        return w

    res = backtest.run_targets(bars[:n], aligned, Costs(fee_bps=10))
    ours_rt = res.round_trips()
    ours_rt = ours_rt[ours_rt["exit_bar"] < n]
    theirs = trades[["EntryBar", "ExitBar", "EntryPrice", "ExitPrice"]].reset_index(drop=True)
    k = min(len(ours_rt), len(theirs))
    same_bars = bool((ours_rt["entry_bar"].to_numpy()[:k] == theirs["EntryBar"].to_numpy()[:k]).all()
                     and (ours_rt["exit_bar"].to_numpy()[:k] == theirs["ExitBar"].to_numpy()[:k]).all())
    diff = np.abs(ours_rt["price_return"].to_numpy()[:k] - (theirs["ExitPrice"] / theirs["EntryPrice"] - 1).to_numpy()[:k])
    return {"ours": len(ours_rt), "theirs": len(theirs), "same_timestamps": same_bars and len(ours_rt) == len(theirs),
            "max_return_diff": float(diff.max()) if k else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bars", type=int, default=1_000_000)
    parser.add_argument("--backtrader-bars", type=int, default=100_000)
    parser.add_argument("--backtesting-bars", type=int, default=20_000)
    parser.add_argument("--sweep-bars", type=int, default=100_000)
    parser.add_argument("--sweep-side", type=int, default=100)
    parser.add_argument("--out", default=None, help="write the numbers as JSON here")
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"# backtest speed  python {platform.python_version()}  {platform.machine()}  cpus={os.cpu_count()}  "
          f"load={load[0]:.1f}/{load[1]:.1f}  numpy {np.__version__}  numba {metadata.version('numba')}")
    t0 = time.perf_counter()
    bars = make_bars(args.bars)
    gen_1 = bars.T / (time.perf_counter() - t0)
    gen_s, uni = timed(lambda: synth.minute_bars(24, 60, "crypto_major", seed=1), repeat=2)
    gen_rate = uni.T * uni.N / gen_s  # type: ignore[attr-defined]
    del uni
    print(f"synthetic generator: {gen_rate:,.0f} minute bars/s (24 instruments x 60 days); "
          f"{gen_1:,.0f} bars/s for the 1-instrument benchmark series (first call, numba compile included)")
    row_ours = ours(bars)
    res = row_ours.pop("result")
    perf = metrics.evaluate(res)  # type: ignore[arg-type]
    print(f"ours: {row_ours['bars_per_s']:,.0f} bars/s on {bars.T:,} bars ({row_ours['seconds']:.3f} s; numba "
          f"compile/load {row_ours['compile_s']:.2f} s); trades {perf.n_trades}")
    bt_row = with_backtrader(bars, args.backtrader_bars)
    btp_row = with_backtesting(bars, args.backtesting_bars)
    vbt_row = with_vectorbt(bars)
    trades = btp_row.pop("trades", None)
    check = compare_trades(bars, trades, args.backtesting_bars) if trades is not None else {}
    sweep_row = sweep_in_subprocess(args.sweep_bars, args.sweep_side)
    vbt_sweep = with_vectorbt(bars[: args.sweep_bars], np.array(
        [[f, s] for f in np.linspace(2, 200, 10).round() for s in np.linspace(10, 2000, 10).round()]))
    ours_small = sweep.sweep(bars[: args.sweep_bars], sweep.SMA_CROSS, np.array(
        [[f, s] for f in np.linspace(2, 200, 10).round() for s in np.linspace(10, 2000, 10).round()]))
    t0 = time.perf_counter()
    sweep.sweep(bars[: args.sweep_bars], sweep.SMA_CROSS, np.array(
        [[f, s] for f in np.linspace(2, 200, 10).round() for s in np.linspace(10, 2000, 10).round()]))
    ours_small_rate = 100 * min(args.sweep_bars, bars.T) / (time.perf_counter() - t0)
    del ours_small
    rows = {"ours": row_ours, "backtrader": bt_row, "backtesting.py": btp_row, "vectorbt": vbt_row}
    print("\n| engine | bars | bars/s | ours / peer |")
    print("|---|---:|---:|---:|")
    for name, row in rows.items():
        rate = row.get("bars_per_s")
        ratio = row_ours["bars_per_s"] / rate if rate else None  # type: ignore[operator]
        rate_text = f"{rate:.0f}" if rate else row.get("note")
        ratio_text = f"{ratio:.1f}x" if ratio else "-"
        print(f"| {name} {row.get('version', '')} | {row.get('bars', '-')} | {rate_text} | {ratio_text} |")
    print(f"\nbacktesting.py trade check on the first {args.backtesting_bars:,} bars: {check}")
    print(f"\nsweep {sweep_row['params']} params x {sweep_row['bars']:,} bars: {sweep_row['bar_params_per_s']:,.0f} "
          f"bar*params/s ({sweep_row['seconds']:.1f} s, compile {sweep_row['compile_s']:.1f} s), "
          f"peak RSS {sweep_row['peak_rss_mib']:.0f} MiB")
    if vbt_sweep.get("bar_params_per_s"):
        print(f"10x10 sweep on {min(args.sweep_bars, bars.T):,} bars: ours {ours_small_rate:,.0f} vs vectorbt "
              f"{vbt_sweep['bar_params_per_s']:,.0f} bar*params/s "
              f"({ours_small_rate / vbt_sweep['bar_params_per_s']:.1f}x)")  # type: ignore[operator]
    else:
        print("vectorbt sweep: not measured")
    if args.out:
        summary = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "load": load},
                   "generator_bars_per_s": gen_rate,
                   "engines": rows, "trade_check": check, "sweep": sweep_row,
                   "sweep_10x10": {"ours": ours_small_rate, "vectorbt": vbt_sweep.get("bar_params_per_s")},
                   "peak_rss_mib_main": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
        with open(args.out, "w") as fh:
            json.dump(summary, fh, indent=2, default=str)


if __name__ == "__main__":
    main()
