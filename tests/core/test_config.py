"""Config dataclasses: field docs, string parsing, overrides and validation errors."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Self

import pytest

from agentzoo.config import (
    ConfigError,
    SystemConfig,
    apply_overrides,
    field_docs,
    parse_value,
    require,
)


@dataclass(frozen=True)
class ToyConfig(SystemConfig):
    n_agents: int = 3
    """Number of agents n."""
    rate: float = 0.5
    """A rate in [0, 1]."""
    solver: Literal["ilp", "greedy"] = "ilp"
    """Which solver."""
    sizes: tuple[int, ...] = (1, 2)
    """Sizes, comma-separated."""
    verbose: bool = False
    """Talk more."""
    path: Path | None = None
    """Optional path."""

    def __post_init__(self) -> None:
        require(self.n_agents >= 1, "n_agents", f"must be >= 1, got {self.n_agents}")
        require(0 <= self.rate <= 1, "rate", f"must be in [0, 1], got {self.rate}")

    @classmethod
    def quick(cls) -> Self:
        return cls(n_agents=2)


def test_field_docs_read_from_source_including_base():
    docs = field_docs(ToyConfig)
    assert docs["n_agents"] == "Number of agents n."
    assert docs["solver"] == "Which solver."
    assert docs["seed"].startswith("Seed of every random choice")


def test_parse_value_types():
    assert parse_value("n", int, "7") == 7
    assert parse_value("r", float, "0.25") == 0.25
    assert parse_value("s", tuple[int, ...], "1, 2,3") == (1, 2, 3)
    assert parse_value("b", bool, "yes") is True and parse_value("b", bool, "off") is False
    assert parse_value("p", Path | None, "none") is None
    assert parse_value("p", Path | None, "/tmp/x") == Path("/tmp/x")
    assert parse_value("l", Literal["a", "b"], "b") == "b"


@pytest.mark.parametrize(
    ("tp", "text", "needle"),
    [
        (int, "abc", "'abc' is not a valid int"),
        (bool, "maybe", "allowed: true, false"),
        (Literal["ilp", "greedy"], "lp", "allowed: ilp, greedy"),
    ],
)
def test_parse_value_errors_name_field_and_allowed(tp, text, needle):
    with pytest.raises(ConfigError) as err:
        parse_value("field_x", tp, text)
    assert "field_x" in str(err.value) and needle in str(err.value)


def test_overrides_validation_and_presets():
    config = apply_overrides(ToyConfig.preset("quick"), {"n-agents": "5", "solver": "greedy", "seed": "3"})
    assert (config.n_agents, config.solver, config.seed) == (5, "greedy", 3)
    with pytest.raises(ConfigError, match="n_agents: must be >= 1, got 0"):
        apply_overrides(config, {"n_agents": "0"})
    with pytest.raises(ConfigError, match="unknown field; allowed:"):
        apply_overrides(config, {"n_agentz": "2"})
    with pytest.raises(ConfigError, match="unknown preset 'fast'; allowed: quick, paper"):
        ToyConfig.preset("fast")


def test_dict_round_trip():
    config = ToyConfig(n_agents=4, sizes=(3, 4), path=Path("/x"), verbose=True)
    assert ToyConfig.from_dict(config.to_dict()) == config
    with pytest.raises(ConfigError):
        ToyConfig.from_dict({**config.to_dict(), "bogus": 1})
