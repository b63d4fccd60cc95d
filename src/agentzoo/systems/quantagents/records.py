"""Typed meeting records: frozen dataclasses with a JSON round trip.

Every record an agent produces carries ``parse_failed`` (the model's output could not be read and a
safe default was used) and ``raw_text`` (what the model wrote, or the forced choice it made), so a
run keeps what the models said beside what the system did with it.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, Union

ACTIONS = ("hold", "adopt_strategy", "rebalance", "reduce_exposure", "exit_positions", "raise_cash",
           "restore_exposure", "hedge_market")
"""The typed action set (reconstructed; the paper's ten actions are not listed)."""
Action = Literal["hold", "adopt_strategy", "rebalance", "reduce_exposure", "exit_positions", "raise_cash",
                 "restore_exposure", "hedge_market"]
MeetingKind = Literal["market_analysis", "strategy_development", "risk_alert", "single_agent"]


@dataclass(frozen=True)
class MarketReport:
    """Output of the weekly market-analysis meeting (Emily -> Bob -> Dave), stored in report memory."""

    week: int
    sentiment_by_ticker: dict[str, float] = field(default_factory=dict)
    """Decayed sentiment tau-bar per ticker (SentimentAnalyzer; LLM labels blended in)."""
    top_movers: tuple[str, ...] = ()
    """Tickers with the largest absolute 5-day returns (Bob's quantitative view)."""
    regime_view: str = "calm"
    """Bob's label for the market: calm, volatile or crisis."""
    risks: tuple[str, ...] = ()
    """Dave's risks in words (highest-risk names, R components)."""
    text: str = ""
    """Emily's written report (empty when no text was asked for)."""
    parse_failed: bool = False
    raw_text: str = ""


@dataclass(frozen=True)
class StrategyProposal:
    """A candidate strategy: a family and its typed, bounded parameters."""

    family: str
    params: dict[str, float] = field(default_factory=dict)
    rationale: str = ""
    parse_failed: bool = False
    raw_text: str = ""


@dataclass(frozen=True)
class SimResult:
    """Bob's simulated trading of one candidate: the distribution of its net return over the horizon."""

    family: str
    mean: float
    """r-hat: mean simulated net return over the horizon (after costs, before calibration k)."""
    std: float
    var95: float
    """95% value at risk of the horizon return (positive = loss)."""
    p_loss: float
    max_dd: float
    """Mean over paths of the path's maximum drawdown."""
    refused: str = ""
    """Why the candidate was refused (e.g. LookAheadError), else empty."""
    parse_failed: bool = False
    raw_text: str = ""

    @property
    def sharpe(self) -> float:
        return self.mean / self.std if self.std > 0 else 0.0


@dataclass(frozen=True)
class RiskAssessment:
    """Dave's risk score: R_score, its four terms, their inputs and the names he flags."""

    r_score: float
    components: dict[str, float] = field(default_factory=dict)
    inputs: dict[str, float] = field(default_factory=dict)
    flagged: tuple[str, ...] = ()
    parse_failed: bool = False
    raw_text: str = ""


@dataclass(frozen=True)
class Decision:
    """Otto's decision at a meeting."""

    meeting: MeetingKind
    action: Action = "hold"
    strategy: StrategyProposal | None = None
    """The adopted candidate (adopt_strategy), else None."""
    target_gross: float = 1.0
    excluded: tuple[str, ...] = ()
    """Tickers to exit or leave out."""
    rationale: str = ""
    parse_failed: bool = False
    raw_text: str = ""


@dataclass(frozen=True)
class RewardRecord:
    """The dual reward of one simulated candidate in one week (both terms logged)."""

    week: int
    candidate: str
    r_hat: float
    """Calibrated prediction k * r-hat of the week's net return."""
    r_real: float
    """Realised net return: the real P&L if adopted, else a shadow backtest over the realised week."""
    r_hat_raw: float
    """Bob's simulated mean before calibration (its sign and rank are scored)."""
    real_term: float
    acc_term: float
    reward: float
    adopted: bool = False


RECORD_TYPES: dict[str, type] = {c.__name__: c for c in (MarketReport, StrategyProposal, SimResult, RiskAssessment,
                                                          Decision, RewardRecord)}
R = TypeVar("R")


def to_dict(record: Any) -> dict[str, Any]:
    """A JSON-able dict of a record, with its type name under ``type``."""
    out: dict[str, Any] = {"type": type(record).__name__}
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        out[f.name] = to_dict(value) if dataclasses.is_dataclass(value) else _plain(value)
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _convert(tp: Any, value: Any) -> Any:
    origin = typing.get_origin(tp)
    if value is None:
        return None
    if origin in (Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _convert(inner[0], value)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return from_dict(value, tp)
    if origin is tuple:
        return tuple(value)
    if origin is dict:
        _, vt = typing.get_args(tp)
        return {str(k): _convert(vt, v) for k, v in value.items()}
    if tp is float:
        return float(value)
    return value


def from_dict(data: dict[str, Any], cls: type[R] | None = None) -> R:
    """Rebuild a record from :func:`to_dict` output (``type`` picks the class when ``cls`` is None)."""
    klass: Any = cls or RECORD_TYPES[str(data["type"])]
    hints = typing.get_type_hints(klass)
    kwargs = {f.name: _convert(hints[f.name], data[f.name]) for f in dataclasses.fields(klass) if f.name in data}
    built: R = klass(**kwargs)
    return built


def dumps(record: Any) -> str:
    return json.dumps(to_dict(record), sort_keys=True)


def loads(text: str) -> Any:
    return from_dict(json.loads(text))
