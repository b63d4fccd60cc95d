"""QuantAgents configuration (paper values where the paper gives them; the rest reconstructed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Self

from agentzoo.config import SystemConfig, require
from agentzoo.markets.backtest import Limits

VARIANTS = ("full", "no_risk_alert", "no_simulation", "no_news", "single_agent")
"""Every variant a run can hold: the full system, the paper's three ablations and the single agent."""
METRIC_SUFFIX = {"full": "", "no_risk_alert": "_no_risk_alert", "no_simulation": "_no_simulation",
                 "no_news": "_no_news", "single_agent": "_single_agent"}
"""Suffix of each variant's keys in metrics.json (``sharpe``, ``sharpe_no_news``, ...)."""
BASELINES = ("equal_weight", "mv", "tsm", "reversal")
"""The classical baselines run on the same data, costs and next-open fills."""
ROLES = ("otto", "bob", "dave", "emily")
"""Manager, simulated-trading analyst, risk-control analyst, market-news analyst (paper names)."""


@dataclass(frozen=True)
class Config(SystemConfig):
    """QuantAgents: a manager and three analysts meet weekly, test strategies in a simulated market,
    and learn from real P&L and from how well the simulation predicted it."""

    model: str = "local"
    """Model spec of all four roles unless a role field below is set (local | local:PATH | openai:MODEL@URL | scripted:quantagents)."""
    llm_otto: str = ""
    """Model of Otto, the manager (paper: GPT-4o for every role); empty = ``model``."""
    llm_bob: str = ""
    """Model of Bob, the simulated-trading analyst; empty = ``model``."""
    llm_dave: str = ""
    """Model of Dave, the risk-control analyst; empty = ``model``."""
    llm_emily: str = ""
    """Model of Emily, the market-news analyst; empty = ``model``."""
    decision_mode: Literal["auto", "choice", "text"] = "auto"
    """``choice``: forced choice over typed options (choice_logprobs); ``text``: free-text JSON parsed into
    the same records; ``auto``: choice for local/scripted models, text for openai: servers."""

    market: str = "synthetic"
    """``synthetic`` (fictional stocks with hidden events and news), ``arch:indices`` (real S&P 500 and
    NASDAQ daily series shipped in PyPI arch, no news) or ``file:PATH`` (panel CSV/Parquet with a ticker column)."""
    n_stocks: int = 30
    """K, stocks in the synthetic universe (paper: the NASDAQ-100)."""
    n_sectors: int = 6
    """S, sectors of the synthetic universe."""
    warmup_years: float = 2.0
    """History before the first test week (tools, kappa and the simulator's bootstrap read it)."""
    test_weeks: int = 52
    """Weeks traded (paper: 156 weeks, 2021-2023)."""
    equity_premium: float = 0.05
    """Annual drift of the synthetic market factor m (reconstructed testbed)."""
    event_sizes: tuple[float, ...] = (0.07, 0.04, 0.03)
    """Total log-return impact per unit surprise J of earnings, sector and macro events (reconstructed)."""

    fee_bps: float = 5.0
    """Fee in basis points of traded notional (reconstructed; the paper gives no costs)."""
    slippage_bps: float = 2.0
    """Fills at the next open move against the trader by this many basis points."""
    max_weight: float = 0.2
    """|w_j| cap per stock (fraction of equity)."""
    allow_short: bool = False
    """Allow negative weights (enables the hedge_market action)."""
    capital: float = 200_000_000.0
    """Starting capital; sets position sizes against each stock's volume (liquidity ratio LR)."""

    news_noise: float = 0.5
    """Standard deviation of the noise added to tanh(J/J_ref) in an item's latent sentiment tau*."""
    news_coverage: float = 0.8
    """Probability that a hidden event yields a news item after the close of its day."""
    news_lead_prob: float = 0.3
    """Probability that a covered event also leaks as a rumour 1-3 days earlier (twice the noise)."""
    news_false_rate: float = 0.2
    """Share of ticker news items that are false (random sign, no event)."""
    post_event_drift_frac: float = 0.5
    """Share of an event's move that drifts in after the event day (the rest is the day's open gap)."""
    drift_days: int = 10
    """Days over which the post-event drift arrives, linearly."""
    news_informative: bool = True
    """False decouples news from events: the no-edge control."""

    r_threshold: float = 0.75
    """A risk-alert meeting fires when R_score exceeds this (paper: 0.75)."""
    r_weights: tuple[float, ...] = (0.25, 0.25, 0.25, 0.25)
    """w1..w4 of R_score for beta, 1/LR, max sector exposure, volatility (not published; reconstructed)."""
    r_refs: tuple[float, ...] = (2.0, 5.0, 1.0, 0.6)
    """Each term is min(x / ref, 1) with these refs for beta, 1/LR, SE, sigma (reconstructed)."""
    alert_cooldown_days: int = 2
    """Days after an alert during which no further alert fires (prevents alert thrashing)."""
    alert_gross: float = 0.5
    """Gross exposure kept by the reduce_exposure action (reconstructed)."""

    n_candidates: int = 4
    """Candidate strategies proposed and simulated at each strategy meeting."""
    sim_paths: int = 256
    """Scenario paths per candidate in Bob's simulated market."""
    sim_horizon_days: int = 5
    """Days each simulated path runs (one trading week)."""
    sim_lookback_days: int = 250
    """Daily cross-sections the stationary block bootstrap draws from."""
    sim_block_days: float = 5.0
    """Mean block length of the stationary bootstrap (days)."""
    sim_device: Literal["cpu", "cuda"] = "cpu"
    """Where the scenario tensors live (cuda needs torch with a GPU)."""

    reward_lambda: float = 0.5
    """lambda: weight of the real-P&L term against the prediction-accuracy term of the dual reward."""
    reward_sigma_ref: float = 0.02
    """sigma_ref: weekly return scale of both reward terms."""
    family_lr: float = 0.5
    """eta: step of the exponential-weights update s_f <- s_f + eta * R_c."""

    memory_top_k: int = 3
    """Memory entries retrieved into a prompt."""
    memory_embedder: Literal["minilm", "hash"] = "minilm"
    """Embedder of the three memories (offline all-MiniLM-L6-v2, or a hashed lexical baseline)."""
    max_tokens_report: int = 96
    """Tokens of Emily's written market report (0 = no written text, tool numbers only)."""
    sentiment_half_life_days: float = 3.0
    """Half-life of an item's weight in the decayed sentiment tau-bar."""

    variants: tuple[str, ...] = VARIANTS
    """Variants run in this invocation on the same world (full, no_risk_alert, no_simulation, no_news, single_agent)."""
    baselines: tuple[str, ...] = BASELINES
    """Classical baselines run beside them (equal_weight, mv, tsm, reversal)."""
    checkpoint_dir: str = ""
    """If set, the state after every completed week is saved here atomically and a rerun resumes from it."""

    def __post_init__(self) -> None:
        require(self.market == "synthetic" or self.market == "arch:indices" or self.market.startswith("file:"),
                "market", f"must be synthetic, arch:indices or file:PATH, got {self.market!r}")
        require(self.n_stocks >= 2, "n_stocks", f"must be >= 2, got {self.n_stocks}")
        require(1 <= self.n_sectors <= self.n_stocks, "n_sectors", f"must be in [1, n_stocks], got {self.n_sectors}")
        require(self.warmup_years > 0, "warmup_years", f"must be > 0, got {self.warmup_years}")
        require(self.test_weeks >= 1, "test_weeks", f"must be >= 1, got {self.test_weeks}")
        require(len(self.event_sizes) == 3 and min(self.event_sizes) >= 0, "event_sizes",
                f"needs 3 values >= 0 (earnings, sector, macro), got {self.event_sizes}")
        require(self.fee_bps >= 0 and self.slippage_bps >= 0, "fee_bps", "fees and slippage must be >= 0")
        require(0 < self.max_weight <= 1, "max_weight", f"must be in (0, 1], got {self.max_weight}")
        require(self.capital > 0, "capital", f"must be > 0, got {self.capital}")
        for name in ("news_coverage", "news_lead_prob", "news_false_rate", "post_event_drift_frac", "alert_gross"):
            value = getattr(self, name)
            require(0 <= value <= 1, name, f"must be in [0, 1], got {value}")
        require(self.news_false_rate < 1, "news_false_rate", "must be < 1")
        require(self.news_noise >= 0, "news_noise", f"must be >= 0, got {self.news_noise}")
        require(self.drift_days >= 1, "drift_days", f"must be >= 1, got {self.drift_days}")
        require(len(self.r_weights) == 4 and min(self.r_weights) >= 0, "r_weights", "needs 4 weights >= 0")
        require(len(self.r_refs) == 4 and min(self.r_refs) > 0, "r_refs", "needs 4 refs > 0")
        require(self.alert_cooldown_days >= 0, "alert_cooldown_days", "must be >= 0")
        require(self.n_candidates >= 1, "n_candidates", f"must be >= 1, got {self.n_candidates}")
        require(self.sim_paths >= 2, "sim_paths", f"must be >= 2, got {self.sim_paths}")
        require(self.sim_horizon_days >= 1, "sim_horizon_days", "must be >= 1")
        require(self.sim_lookback_days >= 20, "sim_lookback_days", f"must be >= 20, got {self.sim_lookback_days}")
        require(self.sim_block_days >= 1, "sim_block_days", "must be >= 1")
        require(0 <= self.reward_lambda <= 1, "reward_lambda", f"must be in [0, 1], got {self.reward_lambda}")
        require(self.reward_sigma_ref > 0, "reward_sigma_ref", "must be > 0")
        require(self.family_lr >= 0, "family_lr", "must be >= 0")
        require(self.memory_top_k >= 0, "memory_top_k", "must be >= 0")
        require(self.max_tokens_report >= 0, "max_tokens_report", "must be >= 0")
        require(self.sentiment_half_life_days > 0, "sentiment_half_life_days", "must be > 0")
        require(len(self.variants) >= 1 and set(self.variants) <= set(VARIANTS), "variants",
                f"must be a non-empty subset of {', '.join(VARIANTS)}, got {self.variants}")
        require(set(self.baselines) <= set(BASELINES), "baselines",
                f"must be a subset of {', '.join(BASELINES)}, got {self.baselines}")

    def role_model(self, role: str) -> str:
        """The model spec of ``role`` (its own field, else ``model``)."""
        own: str = getattr(self, f"llm_{role}")
        return own or self.model

    def limits(self) -> Limits:
        """The engine's position limits: |w_j| <= max_weight, gross <= 1, shorts only if allowed, no dust trades."""
        return Limits(max_weight=self.max_weight, max_gross=1.0, allow_short=self.allow_short,
                      min_trade_notional=1e-5 * self.capital)

    @property
    def costs_bps(self) -> float:
        """Fee plus slippage of one trade, in basis points (the simulator charges both)."""
        return self.fee_bps + self.slippage_bps

    @classmethod
    def quick(cls) -> Self:
        """8 stocks, 3 sectors, 1 warm-up year, 8 test weeks, 64 paths; the full system, the three ablations
        and the classical baselines; the embedded model with forced choices and 32-token reports."""
        return cls(n_stocks=8, n_sectors=3, warmup_years=1.0, test_weeks=8, sim_paths=64, sim_lookback_days=120, n_candidates=3,
                   max_tokens_report=32, variants=("full", "no_risk_alert", "no_simulation", "no_news"))

    @classmethod
    def paper(cls) -> Self:
        """The paper's scale: 100 stocks, 156 weeks, all variants; point ``model`` at a GPT-4o-class server."""
        return cls(n_stocks=100, n_sectors=10, warmup_years=2.0, test_weeks=156, sim_paths=512,
                   model="openai:gpt-4o-2024-05-13@https://api.openai.com/v1")
