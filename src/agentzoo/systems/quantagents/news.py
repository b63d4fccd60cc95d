"""A news stream generated from the world's hidden events: informative but noisy (reconstructed).

* With probability ``news_coverage`` an event yields an item stamped after the close of its day t0
  (agents deciding at that close may read it; the fill is at the next open, so news can capture the
  post-event drift but not the gap). With probability ``news_lead_prob`` a covered event also leaks
  as a rumour 1-3 days earlier, with twice the noise.
* Latent sentiment tau* = clip(tanh(J / J_ref) + N(0, news_noise^2), -1, 1); templates render it as
  graded wording ("beats estimates", "cuts guidance", "plunges", ...).
* False items (a share ``news_false_rate`` of the ticker items: random stock, day and sign, no
  event) and neutral filler are mixed in.
* ``news_informative=False`` keeps the counts and kinds but draws every item's stock, day and
  sentiment at random: the no-edge control.

The noise draws do not depend on ``news_noise`` (only their scale does), so streams at different
noise levels are paired.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from agentzoo.seeding import rng
from agentzoo.systems.quantagents.config import Config
from agentzoo.systems.quantagents.world import World

J_REF = 1.0
"""J_ref: the surprise that maps to tanh(1) = 0.76 before noise."""
COLUMNS = ["day", "scope", "ticker", "sector", "kind", "tau_star", "headline", "event"]

# graded wording: grade -2..2 (tau* < -0.6, < -0.2, <= 0.2, <= 0.6, above)
STOCK_PHRASES = {
    -2: ("plunges after cutting guidance", "collapses on a profit warning", "tumbles on a big miss"),
    -1: ("misses estimates", "slips on soft sales", "trims its outlook"),
    0: ("reports results in line with expectations", "holds guidance steady", "trades flat after results"),
    1: ("beats estimates", "edges higher on solid results", "reports better-than-expected sales"),
    2: ("soars after smashing estimates", "surges on record results", "jumps on a sharply raised outlook"),
}
SECTOR_PHRASES = {
    -2: ("stocks plunge as demand collapses",), -1: ("stocks slip on soft orders",),
    0: ("stocks trade flat",), 1: ("stocks edge higher on solid orders",), 2: ("stocks surge on record demand",),
}
MACRO_PHRASES = {
    -2: ("Markets tumble as a recession warning hits",), -1: ("Markets slip on soft economic data",),
    0: ("Markets trade flat ahead of data",), 1: ("Markets edge higher on solid jobs data",),
    2: ("Markets surge on record growth data",),
}
FILLER = ("to present at an industry conference", "names a new board member", "opens a regional office",
          "schedules its annual meeting")


def grade(tau: float) -> int:
    """The wording grade -2..2 of a sentiment value."""
    return int(np.digitize(tau, [-0.6, -0.2, 0.2 + 1e-12, 0.6 + 1e-12])) - 2


def render(scope: str, kind: str, tau: float, who: str, pick: int) -> str:
    """The headline of an item: ``who`` is 'Name (TICK)', a sector name or ''."""
    g = grade(tau)
    if kind == "filler":
        return f"{who} {FILLER[pick % len(FILLER)]}"
    if scope == "stock":
        phrases = STOCK_PHRASES[g]
        text = f"{who} {phrases[pick % len(phrases)]}"
    elif scope == "sector":
        text = f"{who} {SECTOR_PHRASES[g][0]}"
    else:
        text = MACRO_PHRASES[g][0]
    return f"Rumour: {text}" if kind == "rumour" else text


def generate(world: World, cfg: Config) -> pd.DataFrame:
    """The full news stream of ``world`` (one row per item, sorted by day); empty without events."""
    if not world.has_news or world.events.empty:
        return pd.DataFrame(columns=COLUMNS)
    gen = rng(cfg.seed, "quantagents-news")
    noise = rng(cfg.seed, "quantagents-news-noise")  # scale-free draws: streams at different noise are paired
    T, tickers = world.T, world.tickers
    rows: list[dict[str, object]] = []
    ev = world.events
    for e, (day, kind, J, ticker, sector) in enumerate(zip(
            ev["day"].to_numpy(np.int64), ev["kind"].astype(str), ev["J"].to_numpy(np.float64),
            ev["ticker"].astype(str), ev["sector_name"].astype(str), strict=True)):
        covered, leaks = gen.random() < cfg.news_coverage, gen.random() < cfg.news_lead_prob
        lead, z1, z2 = int(gen.integers(1, 4)), float(noise.standard_normal()), float(noise.standard_normal())
        if not covered:
            continue
        scope = {"earnings": "stock", "sector": "sector", "macro": "market"}[kind]
        base = float(np.tanh(J / J_REF))
        item = {"scope": scope, "ticker": ticker, "sector": sector, "event": e}
        rows.append({**item, "day": int(day), "kind": "news",
                     "tau_star": float(np.clip(base + cfg.news_noise * z1, -1, 1))})
        if leaks and day - lead >= 0:
            rows.append({**item, "day": int(day) - lead, "kind": "rumour",
                         "tau_star": float(np.clip(base + 2 * cfg.news_noise * z2, -1, 1))})
    n_true = sum(1 for r in rows if r["scope"] == "stock")
    rate = cfg.news_false_rate
    n_false = round(rate / (1 - rate) * n_true)  # a share `rate` of the ticker items is false
    for _ in range(n_false):
        sign = 1.0 if gen.random() < 0.5 else -1.0
        z = float(noise.standard_normal())
        tau = sign * abs(float(np.tanh(gen.standard_normal()))) + cfg.news_noise * z
        rows.append({"scope": "stock", "ticker": tickers[int(gen.integers(len(tickers)))], "sector": "",
                     "event": -1, "day": int(gen.integers(T)), "kind": "false", "tau_star": float(np.clip(tau, -1, 1))})
    for day in range(T):  # about one neutral filler item a day
        if gen.random() < 0.8:
            rows.append({"scope": "stock", "ticker": tickers[int(gen.integers(len(tickers)))], "sector": "",
                         "event": -1, "day": day, "kind": "filler", "tau_star": 0.0})
    frame = pd.DataFrame(rows, columns=[c for c in COLUMNS if c != "headline"])
    if not cfg.news_informative:  # the no-edge control: same kinds and counts, nothing tied to events
        informative = (frame["kind"] != "filler").to_numpy()
        k = int(informative.sum())
        frame.loc[informative, "day"] = gen.integers(T, size=k)
        stock_rows = informative & (frame["scope"] == "stock").to_numpy()
        frame.loc[stock_rows, "ticker"] = [tickers[i] for i in gen.integers(len(tickers), size=int(stock_rows.sum()))]
        signs = np.where(gen.random(k) < 0.5, -1.0, 1.0)
        frame.loc[informative, "tau_star"] = np.clip(
            signs * np.abs(np.tanh(gen.standard_normal(k))) + cfg.news_noise * noise.standard_normal(k), -1, 1)
        frame.loc[informative, "event"] = -1
    picks = gen.integers(0, 12, size=len(frame))
    frame["headline"] = [
        render(scope, kind, tau, f"{world.names.get(ticker, ticker)} ({ticker})" if scope == "stock" else sector, int(p))
        for scope, kind, tau, ticker, sector, p in zip(
            frame["scope"].astype(str), frame["kind"].astype(str), frame["tau_star"].to_numpy(np.float64),
            frame["ticker"].astype(str), frame["sector"].astype(str), picks, strict=True)]
    frame["day"] = frame["day"].astype(np.int64)
    frame["event"] = frame["event"].astype(np.int64)
    return frame.sort_values(["day", "scope", "ticker", "kind"], kind="stable").reset_index(drop=True)[COLUMNS]


@dataclass
class NewsFeed:
    """The only way agents read news: :meth:`visible` returns the items stamped at or before day t
    (each item is stamped after the close of its day, so a decision at that close may read it)."""

    items: pd.DataFrame

    def __post_init__(self) -> None:
        self._days = self.items["day"].to_numpy(np.int64) if len(self.items) else np.zeros(0, np.int64)

    def visible(self, t: int, since: int | None = None) -> pd.DataFrame:
        """Items with ``since <= day <= t`` (all of the past when ``since`` is None)."""
        hi = int(np.searchsorted(self._days, t, side="right"))
        lo = 0 if since is None else int(np.searchsorted(self._days, since, side="left"))
        return self.items.iloc[lo:hi]

    @classmethod
    def empty(cls) -> NewsFeed:
        return cls(pd.DataFrame(columns=COLUMNS))

    def __len__(self) -> int:
        return len(self.items)
