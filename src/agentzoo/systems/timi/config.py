"""TiMi configuration (defaults from the spec; reconstructed values are marked so)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Self

from agentzoo.config import SystemConfig, require
from agentzoo.markets.synth import ASSET_CLASSES

BASELINE_NAMES = ("buy_and_hold", "grid", "sma_cross", "rsi_reversion")
ABLATIONS = ("no_sa", "no_reflection", "text_reflection")


@dataclass(frozen=True)
class Config(SystemConfig):
    """Trade in Minutes: offline LLM policy + optimisation stages, LLM-free minute-level deployment."""

    model: str = "local"
    """Model spec used by every agent whose role field below is empty (local | local:PATH | openai:MODEL@URL | scripted:timi)."""
    llm_semantic: str = ""
    """Model of A_ma and A_sa's semantic step phi (paper: DeepSeek-V3); empty = ``model``."""
    llm_code: str = ""
    """Model of A_be, the bot writer (paper: Qwen2.5-Coder-32B); empty = ``model``."""
    llm_math: str = ""
    """Model of A_sa's step gamma and A_fr (paper: DeepSeek-R1); empty = ``model``."""
    bot_mode: Literal["template", "code"] = "template"
    """``template``: typed slots rendered into the three bot files (any model); ``code``: the model
    writes the files, checked by the layer laws and run in the sandbox (needs a capable server model)."""

    market: str = "synthetic"
    """``synthetic``, ``arch:sp500``, ``arch:nasdaq`` or ``file:PATH`` (CSV/Parquet OHLCV)."""
    n_pairs: int = 24
    """Synthetic instruments ('pairs'), split round-robin over ``asset_classes`` (paper: 200+)."""
    asset_classes: tuple[str, ...] = ("index_future", "crypto_major", "altcoin")
    """Synthetic asset classes (paper: US index futures, mainstream crypto, altcoins)."""
    days: int = 120
    """Sessions of data (synthetic: generated; real data: the most recent ``days`` sessions)."""
    bar_minutes: int = 1
    """Bar length in minutes for synthetic markets (paper: minute-level)."""
    edge: float = 2.0
    """Planted trend-day drift in daily sigma (reconstructed testbed; 0 = no-edge world). The spec's
    0.5 leaves the best possible intraday rule below the noise of 5-day test segments (see docs)."""
    p_trend_day: float = 0.3
    """Probability that a session of an instrument is a trend day."""
    run_no_edge_control: bool = True
    """Also run every method on the ``edge = 0`` twin generated from the same seed."""

    fee_bps: tuple[float, ...] = (1.0, 10.0, 10.0)
    """Fee in bps of traded notional for index_future, crypto_major, altcoin (one value: all); real data
    uses the first (reconstructed)."""
    slippage_bps: tuple[float, ...] = (1.0, 2.0, 5.0)
    """Slippage in bps for index_future, crypto_major, altcoin (one value: all) (reconstructed)."""
    allow_short: bool = False
    """Allow short positions."""
    max_weight: float = 1.0
    """|w| cap per instrument (fraction of the pair's capital)."""
    max_gross: float = 1.0
    """Gross exposure cap."""

    n_folds: int = 4
    """Walk-forward folds."""
    train_days: int = 20
    """Training window (sessions) where A_sa and the baselines tune."""
    val_days: int = 5
    """Validation window: A_fr's feedback, the baselines' selection."""
    test_days: int = 5
    """Test window: deployment, read once per fold."""
    gap_days: int = 1
    """Sessions skipped between windows."""
    holdout_days: int = 10
    """Final held-out window after the last fold (read once, at the very end)."""
    feature_windows: tuple[int, ...] = (15, 60, 240, 1440)
    """Windows (minutes) of A_ma's technical features (paper: 'dynamically updated windows')."""

    max_reflect_iters: int = 5
    """Reflection iterations per pair (reconstructed: the stopping rule is unpublished)."""
    lp_trust_region: float = 0.25
    """rho: phase-2 LP moves each parameter at most rho * (hi - lo) (reconstructed)."""
    q_max: float = 1.0
    """Q_max: cap on the summed ladder exposure sum_i Q_i (paper appendix)."""
    max_loss_per_trade: float = 0.01
    """L_max: largest loss per trade as a fraction of capital."""
    max_drawdown: float = 0.10
    """DD_max: validation drawdown limit."""
    max_trades_per_day: float = 20.0
    """Over-trading limit."""
    min_utilisation: float = 0.05
    """Minimum mean capital utilisation."""

    baselines: tuple[str, ...] = BASELINE_NAMES
    """Baselines tuned on the same windows: buy_and_hold, grid, sma_cross, rsi_reversion."""
    baseline_grid_size: int = 64
    """Parameter sets tried per baseline on train (TiMi's A_sa gets the same budget per family)."""
    ablations: tuple[str, ...] = ABLATIONS
    """``no_sa`` (one global Theta for all pairs), ``no_reflection`` (no loop), ``text_reflection``
    (the LLM edits parameters freely, no LP)."""
    calibrate_choices: bool = True
    """Contextual calibration of forced choices: subtract each option's log-prob under a content-free
    prompt (reconstructed for small models; without it the 135M model picks 'breakout' almost always)."""
    ask_entry_rule: bool = True
    """A_be also picks the entry rule by forced choice (else the family's first rule; a function-layer
    edit can still switch it)."""
    checkpoint_dir: Path | None = None
    """If set, each finished (world, class, fold) is saved here atomically and skipped when the run
    is started again with the same directory (resume after a crash)."""

    def __post_init__(self) -> None:
        require(self.n_pairs >= 1, "n_pairs", f"must be >= 1, got {self.n_pairs}")
        require(self.days >= 2, "days", f"must be >= 2, got {self.days}")
        require(bool(self.asset_classes), "asset_classes", "needs at least one class")
        for c in self.asset_classes:
            require(c in ASSET_CLASSES, "asset_classes", f"unknown class {c!r}; allowed: {', '.join(ASSET_CLASSES)}")
        for name in ("fee_bps", "slippage_bps"):
            value = getattr(self, name)
            require(len(value) in (1, len(ASSET_CLASSES)), name,
                    f"give one value or one per class ({', '.join(ASSET_CLASSES)}), got {len(value)}")
            require(all(v >= 0 for v in value), name, "costs must be >= 0")
        require(self.market == "synthetic" or self.market.startswith(("arch:", "file:")), "market",
                f"{self.market!r} not allowed; allowed: synthetic, arch:sp500, arch:nasdaq, file:PATH")
        require(self.bar_minutes >= 1, "bar_minutes", "must be >= 1")
        for name in ("n_folds", "train_days", "val_days", "test_days"):
            require(getattr(self, name) >= 1, name, f"must be >= 1, got {getattr(self, name)}")
        require(self.gap_days >= 0 and self.holdout_days >= 0, "gap_days", "gaps and holdout must be >= 0")
        require(self.edge >= 0, "edge", "must be >= 0")
        require(0 <= self.p_trend_day <= 1, "p_trend_day", "must be in [0, 1]")
        require(self.max_reflect_iters >= 0, "max_reflect_iters", "must be >= 0")
        require(0 < self.lp_trust_region <= 1, "lp_trust_region", "must be in (0, 1]")
        require(self.baseline_grid_size >= 1, "baseline_grid_size", "must be >= 1")
        for b in self.baselines:
            require(b in BASELINE_NAMES, "baselines", f"unknown baseline {b!r}; allowed: {', '.join(BASELINE_NAMES)}")
        for a in self.ablations:
            require(a in ABLATIONS, "ablations", f"unknown ablation {a!r}; allowed: {', '.join(ABLATIONS)}")
        require(self.max_weight > 0 and self.max_gross > 0, "max_weight", "limits must be > 0")

    def role_model(self, role: Literal["semantic", "code", "math"]) -> str:
        """The model spec of a role (its own field, else ``model``)."""
        return getattr(self, f"llm_{role}") or self.model

    def class_costs(self, cls: str) -> tuple[float, float]:
        """(fee_bps, slippage_bps) of asset class ``cls`` (the first values for real data)."""
        index = list(ASSET_CLASSES).index(cls) if cls in ASSET_CLASSES else 0
        fee = self.fee_bps[index if len(self.fee_bps) > 1 else 0]
        slip = self.slippage_bps[index if len(self.slippage_bps) > 1 else 0]
        return float(fee), float(slip)

    @classmethod
    def quick(cls) -> Self:
        """6 pairs, 30 sessions, 2 folds (10/3/3), holdout 4, 2 reflection iterations, grid 16, local model;
        fewer model questions (no text_reflection ablation, entry rule not asked)."""
        return cls(n_pairs=6, days=30, n_folds=2, train_days=10, val_days=3, test_days=3, holdout_days=4,
                   max_reflect_iters=2, baseline_grid_size=16, bar_minutes=1,
                   ablations=("no_sa", "no_reflection"), ask_entry_rule=False)

    @classmethod
    def paper(cls) -> Self:
        """240 pairs, 365 sessions, 6 folds (40/10/10), holdout 30, 5 iterations, code mode, server models."""
        return cls(n_pairs=240, days=365, n_folds=6, train_days=40, val_days=10, test_days=10, holdout_days=30,
                   max_reflect_iters=5, bot_mode="code",
                   llm_semantic="openai:deepseek-ai/DeepSeek-V3@http://localhost:8000/v1",
                   llm_code="openai:Qwen/Qwen2.5-Coder-32B-Instruct@http://localhost:8001/v1",
                   llm_math="openai:deepseek-ai/DeepSeek-R1@http://localhost:8002/v1")
