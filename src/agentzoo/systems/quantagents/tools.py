"""Deterministic tools the agents call; every one reads the market only through :class:`MarketView`.

Technical indicators (SMA, EMA, RSI, MACD, Bollinger), 60-day beta against the equal-weight universe,
realised volatility, historical VaR, correlation, sector exposure, the liquidity ratio, the risk
score R_score and the SentimentAnalyzer (a lexicon over the news templates' vocabulary).

R_score (paper: fires a risk-alert meeting above 0.75; weights and normalisation reconstructed):

    R = w1 min(beta_p / 2, 1) + w2 min((1 / LR) / 5, 1) + w3 min(max_j SE_j / 1, 1) + w4 min(sigma_p / 0.6, 1)

with beta_p = sum_j w_j beta_j, LR = (cash + sum_j min(|pos_j|, 0.1 ADV_j price_j)) / equity, SE the
largest sector gross weight and sigma_p the 20-day annualised volatility of the current weights.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from agentzoo.markets import indicators as ind
from agentzoo.markets.backtest import FutureAccessError, PastArray
from agentzoo.markets.backtest import PastView as CorePastView
from agentzoo.markets.data import Bars
from agentzoo.systems.quantagents.news import NewsFeed
from agentzoo.systems.quantagents.records import RiskAssessment

A = 252
R_TERMS = ("beta", "inv_liquidity", "sector_exposure", "volatility")


class MarketView:
    """What an agent or the simulator sees at the close of day t: bars 0..t and the news stamped by t.

    ``view[k]`` is bar k as a dict; any k > t raises :class:`FutureAccessError` (a
    :class:`~agentzoo.markets.backtest.LookAheadError`), as do the fields' windows of the core
    :class:`~agentzoo.markets.backtest.PastView`.
    """

    def __init__(self, bars: Bars, t: int, news: NewsFeed | None = None, sectors: np.ndarray | None = None) -> None:
        if not 0 <= t < bars.T:
            raise IndexError(f"day {t} outside 0:{bars.T}")
        self._core = CorePastView(bars, t)
        self._bars = bars
        self.t = t
        self.news_feed = news or NewsFeed.empty()
        self.sectors = np.zeros(bars.N, np.int64) if sectors is None else np.asarray(sectors)

    @property
    def N(self) -> int:
        return self._bars.N

    @property
    def ids(self) -> list[str]:
        return self._bars.ids

    def __getitem__(self, k: int) -> dict[str, Any]:
        if not isinstance(k, int | np.integer):
            raise TypeError("index a MarketView with a day number")
        if k > self.t:
            raise FutureAccessError(f"day {k} is in the future (the decision is at the close of day {self.t})")
        if k < 0:
            raise IndexError("negative days are not allowed on a MarketView; use view.close[-k]")
        return {f: getattr(self._bars, f)[int(k)].copy() for f in ("open", "high", "low", "close", "volume")}

    close = property(lambda self: PastArray(self._bars.close, self.t))
    open = property(lambda self: PastArray(self._bars.open, self.t))
    volume = property(lambda self: PastArray(self._bars.volume, self.t))

    def closes(self, n: int) -> np.ndarray:
        """(min(n, t+1), N) closes of the last n days, today included."""
        return self._bars.close[max(0, self.t + 1 - n) : self.t + 1]

    def returns(self, n: int) -> np.ndarray:
        """(min(n, t), N) simple close-to-close returns of the last n days."""
        c = self.closes(n + 1)
        return c[1:] / c[:-1] - 1

    def news(self, since: int | None = None) -> pd.DataFrame:
        return self.news_feed.visible(self.t, since)


# ---------------------------------------------------------------------- indicators
def sma(x: np.ndarray, n: int) -> np.ndarray:
    return np.column_stack([ind.sma(x[:, j], n) for j in range(x.shape[1])])


def ema(x: np.ndarray, n: int) -> np.ndarray:
    return np.column_stack([ind.ema(x[:, j], n) for j in range(x.shape[1])])


def rsi(x: np.ndarray, n: int = 14) -> np.ndarray:
    return np.column_stack([ind.rsi(x[:, j], n) for j in range(x.shape[1])])


def macd(x: np.ndarray, fast: int = 12, slow: int = 26, signal: int = 9) -> tuple[np.ndarray, np.ndarray]:
    """(MACD line = EMA_fast - EMA_slow, signal line = EMA_signal of the MACD line)."""
    line = ema(x, fast) - ema(x, slow)
    return line, ema(line, signal)


def bollinger(x: np.ndarray, n: int = 20, k: float = 2.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lower, middle, upper) = SMA_n -+ k rolling std_n."""
    mid = sma(x, n)
    sd = np.column_stack([ind.rolling_std(x[:, j], n) for j in range(x.shape[1])])
    return mid - k * sd, mid, mid + k * sd


def beta(view: MarketView, n: int = 60) -> np.ndarray:
    """(N,) OLS beta of each stock's daily returns on the equal-weight universe's, last n days."""
    r = view.returns(n)
    if len(r) < 3:
        return np.ones(view.N)
    m = r.mean(axis=1)
    mc = m - m.mean()
    var = float(mc @ mc)
    return (mc @ (r - r.mean(axis=0))) / var if var > 0 else np.ones(view.N)


def realised_vol(view: MarketView, n: int = 20) -> np.ndarray:
    """(N,) annualised standard deviation of the last n daily returns."""
    r = view.returns(n)
    return r.std(axis=0, ddof=1) * math.sqrt(A) if len(r) > 1 else np.zeros(view.N)


def historical_var(returns: np.ndarray, level: float = 0.95) -> float:
    """Historical value at risk: the loss exceeded with probability 1 - level (positive = loss)."""
    r = np.asarray(returns, dtype=np.float64)
    return float(-np.quantile(r, 1 - level)) if len(r) else math.nan


def correlation(view: MarketView, n: int = 60) -> np.ndarray:
    r = view.returns(n)
    return np.corrcoef(r, rowvar=False) if len(r) > 2 else np.eye(view.N)


def sector_exposure(weights: np.ndarray, sectors: np.ndarray) -> np.ndarray:
    """(S,) gross weight per sector."""
    return np.bincount(np.asarray(sectors, np.int64), weights=np.abs(weights), minlength=int(np.max(sectors)) + 1)


def dollar_adv(view: MarketView, n: int = 20) -> np.ndarray:
    """(N,) mean daily traded value (volume x close) of the last n days."""
    lo = max(0, view.t + 1 - n)
    return (view.volume[lo : view.t + 1] * view.close[lo : view.t + 1]).mean(axis=0)


def liquidity_ratio(positions: np.ndarray, cash: float, equity: float, adv: np.ndarray) -> float:
    """LR = (cash + sum_j min(|pos_j|, 0.1 ADV_j price_j)) / equity (ADV in currency)."""
    if equity <= 0:
        return 0.0
    return float((max(cash, 0.0) + np.minimum(np.abs(positions), 0.1 * adv).sum()) / equity)


def portfolio_vol(view: MarketView, weights: np.ndarray, n: int = 20) -> float:
    """Annualised volatility of today's weights over the last n days' returns (ex ante)."""
    r = view.returns(n)
    return float((r @ weights).std(ddof=1) * math.sqrt(A)) if len(r) > 1 else 0.0


# ---------------------------------------------------------------------- R_score
def r_components(beta_p: float, lr: float, se: float, sigma_p: float,
                 refs: Sequence[float] = (2.0, 5.0, 1.0, 0.6)) -> tuple[float, float, float, float]:
    """The four terms min(x / ref, 1) for beta_p, 1/LR, SE and sigma_p."""
    inv_lr = 1.0 / lr if lr > 0 else math.inf
    xs = (abs(beta_p), inv_lr, se, sigma_p)
    return tuple(float(min(x / ref, 1.0)) for x, ref in zip(xs, refs, strict=True))  # type: ignore[return-value]


def r_score(components: Sequence[float], weights: Sequence[float] = (0.25, 0.25, 0.25, 0.25)) -> float:
    """R = sum_k w_k term_k."""
    return float(sum(w * c for w, c in zip(weights, components, strict=True)))


def assess(view: MarketView, weights: np.ndarray, cash: float, equity: float, *, betas: np.ndarray,
           adv: np.ndarray, refs: Sequence[float], r_weights: Sequence[float], threshold: float) -> RiskAssessment:
    """Dave's risk assessment of the current book (weights are fractions of equity at today's close)."""
    beta_p = float(weights @ betas)
    lr = liquidity_ratio(weights * equity, cash, equity, adv)
    se = float(sector_exposure(weights, view.sectors).max()) if len(weights) else 0.0
    sigma_p = portfolio_vol(view, weights)
    comps = r_components(beta_p, lr, se, sigma_p, refs)
    R = r_score(comps, r_weights)
    contrib = np.abs(weights) * (np.abs(betas) + realised_vol(view) / max(refs[3], 1e-9))
    order = [int(j) for j in np.argsort(-contrib) if weights[j] != 0][:3]
    flagged = tuple(view.ids[j] for j in order) if R > threshold else ()
    return RiskAssessment(r_score=R, components=dict(zip(R_TERMS, comps, strict=True)),
                          inputs={"beta_p": beta_p, "LR": lr, "SE": se, "sigma_p": sigma_p}, flagged=flagged)


# ---------------------------------------------------------------------- sentiment
LEXICON = {
    "plunges": -0.8, "plunge": -0.8, "collapses": -0.8, "warning": -0.8, "tumbles": -0.8, "tumble": -0.8,
    "cutting": -0.8, "big miss": -0.8, "recession": -0.8, "collapse": -0.8,
    "misses": -0.4, "slips": -0.4, "slip": -0.4, "soft": -0.4, "trims": -0.4,
    "in line": 0.0, "steady": 0.0, "flat": 0.0,
    "beats": 0.4, "edges higher": 0.4, "edge higher": 0.4, "solid": 0.4, "better-than-expected": 0.4,
    "soars": 0.8, "smashing": 0.8, "surges": 0.8, "surge": 0.8, "record": 0.8, "jumps": 0.8, "sharply raised": 0.8,
}
"""Word or phrase -> polarity, over the news templates' vocabulary."""
_LEX = re.compile("|".join(sorted((re.escape(k) for k in LEXICON), key=len, reverse=True)), re.IGNORECASE)


class SentimentAnalyzer:
    """tau in [-1, 1] of a headline: the mean polarity of its lexicon matches; a rumour counts half.

    With an LLM, Emily's forced-choice label (positive/neutral/negative = +1/0/-1) for an item is
    blended in: tau = (1 - llm_weight) tau_lexicon + llm_weight 0.8 label.
    """

    def __init__(self, llm_weight: float = 0.5) -> None:
        self.llm_weight = llm_weight
        self.labels: dict[int, int] = {}
        """Item id (row label in the news table) -> the LLM's label."""
        self._lexicon: dict[str, float] = {}

    @staticmethod
    def lexicon_tau(headline: str) -> float:
        hits = [LEXICON[m.lower()] for m in _LEX.findall(headline)]
        tau = float(np.mean(hits)) if hits else 0.0
        return 0.5 * tau if headline.startswith("Rumour:") else tau

    def tau(self, item_id: int, headline: str) -> float:
        lex = self._lexicon.get(headline)
        if lex is None:
            lex = self._lexicon[headline] = self.lexicon_tau(headline)
        if item_id in self.labels:
            return (1 - self.llm_weight) * lex + self.llm_weight * 0.8 * self.labels[item_id]
        return lex

    def tau_bar(self, view: MarketView, half_life: float, *, window: int = 30) -> np.ndarray:
        """(N,) decayed sentiment: tau-bar_j = clip(sum_i 0.5^((t - day_i) / half_life) a_ij tau_i, -1, 1),
        with a_ij = 1 for items about stock j, 0.5 for its sector's items and 0.3 for market items."""
        items = view.news(since=view.t - window)
        out = np.zeros(view.N)
        if not len(items):
            return out
        index = {tk: j for j, tk in enumerate(view.ids)}
        sector_of = np.asarray(view.sectors)
        names = _sector_names(view)
        for item_id, day, scope, ticker, sector, headline in zip(
                items.index, items["day"], items["scope"], items["ticker"], items["sector"], items["headline"],
                strict=True):
            weight = 0.5 ** ((view.t - int(day)) / half_life)
            tau = self.tau(int(item_id), str(headline))
            if scope == "stock" and ticker in index:
                out[index[ticker]] += weight * tau
            elif scope == "sector" and sector in names:
                out[sector_of == names[sector]] += 0.5 * weight * tau
            elif scope == "market":
                out += 0.3 * weight * tau
        return np.clip(out, -1.0, 1.0)


def _sector_names(view: MarketView) -> dict[str, int]:
    labels = view._bars.assets["sector"].astype(str).tolist()
    return {name: int(view.sectors[labels.index(name)]) for name in dict.fromkeys(labels)}


def abnormal_forward(close: np.ndarray, day: int, horizon: int = 5) -> np.ndarray:
    """(N,) return from the close of ``day`` to the close of ``day + horizon`` minus the equal-weight mean."""
    r = close[day + horizon] / close[day] - 1
    return r - r.mean()


def fit_kappa(view: MarketView, analyzer: SentimentAnalyzer, horizon: int = 5, window: int = 500) -> float:
    """kappa: OLS slope of 5-day forward abnormal returns on item sentiment, fitted only on stock items
    whose 5-day window closed strictly before today (day + horizon < t), so it never reads the future."""
    items = view.news(since=view.t - window)
    items = items[(items["scope"] == "stock") & (items["day"] + horizon < view.t)]
    if len(items) < 10:
        return 0.0
    index = {tk: j for j, tk in enumerate(view.ids)}
    known = items["ticker"].isin(index).to_numpy()
    items = items[known]
    if len(items) < 10:
        return 0.0
    close = view.closes(view.t + 1)
    day = items["day"].to_numpy(np.int64)
    col = np.array([index[tk] for tk in items["ticker"]], dtype=np.int64)
    r = close[day + horizon] / close[day] - 1  # (items, N), every window closed before t
    ya = r[np.arange(len(day)), col] - r.mean(axis=1)  # abnormal: minus the equal-weight mean
    xa = np.array([analyzer.tau(int(i), str(h)) for i, h in zip(items.index, items["headline"], strict=True)])
    xc = xa - xa.mean()
    var = float(xc @ xc)
    return float(xc @ (ya - ya.mean()) / var) if var > 0 else 0.0
