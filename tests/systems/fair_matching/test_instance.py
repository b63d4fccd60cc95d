"""Instances: validation with clear errors (acceptance 6), generators, file loading."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from agentzoo.config import ConfigError
from agentzoo.seeding import rng
from agentzoo.systems.fair_matching import Config, Instance, generate, solve
from agentzoo.systems.fair_matching.spectrum import jain_index, price_of_fairness


@pytest.mark.parametrize(
    ("utilities", "rounds", "message"),
    [
        ([[1, -2], [0, 1]], 2, r"utilities\[0, 1\] = -2.0 is negative"),
        ([[1, float("nan")], [0, 1]], 2, r"utilities\[0, 1\] = nan is not finite"),
        ([[1, 0], [float("inf"), 1]], 2, r"utilities\[1, 0\] = inf is not finite"),
        ([[1, "abc"], [0, 1]], 2, r"utilities\[0, 1\] = 'abc' is not a number"),
        ([[1, None], [0, 1]], 2, r"utilities\[0, 1\] = None is not a number"),
        ([[1, 2, 3], [4, 5, 6]], 2, r"shape \(2, 3\).*as many items as agents"),
        ([1, 2, 3], 2, "2-D"),
        ([[1, 2], [3]], 2, "2-D"),
        (np.zeros((0, 0)), 2, "at least one agent"),
        ([[1, 0], [0, 1]], 0, r"rounds \(T\) must be an integer >= 1, got 0"),
        ([[1, 0], [0, 1]], -3, "got -3"),
        ([[1, 0], [0, 1]], 2.5, "got 2.5"),
    ],
)
def test_invalid_instances_name_the_offending_entry(utilities: object, rounds: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Instance(utilities, rounds)  # type: ignore[arg-type]


def test_unknown_algorithm_and_generator_and_sizes() -> None:
    instance = Instance([[1, 0], [0, 1]], 2)
    with pytest.raises(ValueError, match="unknown algorithm 'nope'; allowed: exact, greedy"):
        solve("nope", instance)
    with pytest.raises(ValueError, match="unknown objective"):
        solve("exact", instance, objective="sometimes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown generator 'gauss'"):
        generate("gauss", 3, 3, rng(0, "x"))
    with pytest.raises(ValueError, match=r"n .* must be an integer >= 1, got -1"):
        generate("uniform", -1, 3, rng(0, "x"))
    with pytest.raises(ConfigError, match="algorithms"):
        Config(algorithms=("exact", "magic"))
    with pytest.raises(ConfigError, match="sizes"):
        Config(sizes=(5, -5))
    with pytest.raises(ConfigError, match="utility"):
        Config(utility=("gaussian",))


def test_rectangular_instances_are_padded() -> None:
    # 2 agents, 3 items: a dummy agent who is never worst off
    wide = Instance.from_rectangular([[1, 5, 2], [4, 1, 3]], 3)
    assert wide.n == 3 and wide.n_dummy_agents == 1
    schedule = solve("exact", wide)
    assert schedule is not None
    assert schedule.value == 12.0  # agent 0 takes item 1 (5), agent 1 item 0 (4): 3·4 = 12
    # 3 agents, 2 items: a dummy item of utility 0
    tall = Instance.from_rectangular([[1, 1], [2, 0], [0, 2]], 3)
    assert tall.n == 3 and tall.n_dummy_agents == 0 and tall.utilities[:, 2].tolist() == [0, 0, 0]
    with pytest.raises(ValueError, match=r"utilities\[1, 0\] = -1.0 is negative"):
        Instance.from_rectangular([[1, 1, 1], [-1, 0, 0]], 2)


def test_generators_are_seeded_and_valid() -> None:
    for kind in ("uniform", "correlated", "binary", "identical", "spectrum"):
        a = generate(kind, 6, 4, rng(3, kind))
        b = generate(kind, 6, 4, rng(3, kind))
        assert np.array_equal(a.utilities, b.utilities)
        assert a.utilities.shape == (6, 6) and (a.utilities >= 0).all()
    assert generate("identical", 5, 2, rng(0, "i")).is_identical()
    assert generate("binary", 5, 2, rng(0, "b")).is_binary()
    scaled = generate("uniform", 5, 2, rng(0, "s"), int_scale=5)
    assert scaled.is_integral() and scaled.utilities.max() == 5


def test_csv_and_npy_loading(tmp_path: Path) -> None:
    good = tmp_path / "u.csv"
    good.write_text("agent,ch1,ch2\nalice,1.5,2\nbob,0,3\n")
    instance = Instance.load(good, 4)
    assert instance.utilities.tolist() == [[1.5, 2.0], [0.0, 3.0]]
    assert instance.agent_names == ("alice", "bob") and instance.item_names == ("ch1", "ch2")
    npy = tmp_path / "u.npy"
    np.save(npy, np.eye(3))
    assert Instance.load(npy, 2).n == 3
    bad = tmp_path / "bad.csv"
    bad.write_text("1,2\n3,x\n")
    with pytest.raises(ValueError, match=r"bad.csv: data row 2, column 2: 'x' is not a number"):
        Instance.load(bad, 2)
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("1,2\n3\n")
    with pytest.raises(ValueError, match="different lengths"):
        Instance.load(ragged, 2)
    corrupt = tmp_path / "corrupt.npy"
    corrupt.write_bytes(b"not an array")
    with pytest.raises(ValueError, match=r"not a readable \.npy"):
        Instance.load(corrupt, 2)
    with pytest.raises(ValueError, match="does not exist"):
        Instance.load(tmp_path / "missing.csv", 2)


def test_spectrum_measures() -> None:
    assert jain_index(np.array([2.0, 2.0, 2.0])) == pytest.approx(1.0)
    assert jain_index(np.array([3.0, 0.0, 0.0])) == pytest.approx(1 / 3)
    assert price_of_fairness(12.0, 10.0) == pytest.approx(1.2)
    low = generate("spectrum", 8, 1, rng(0, "s"), snr_db=60.0).utilities
    high = generate("spectrum", 8, 1, rng(0, "s"), snr_db=70.0).utilities  # same draws, +10 dB
    assert np.isfinite(low).all() and (low > 0).all()
    # at high SNR log2(1 + SNR g) ~ log2(SNR g): +10 dB adds log2(10) bit/s/Hz to every pair
    np.testing.assert_allclose(high - low, np.log2(10.0), atol=1e-3)
