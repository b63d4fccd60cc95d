"""Repeated-matching instances: n agents, n items, T rounds, additive utilities u[i, o] >= 0.

Model (Lim, Neoh, Teh, arXiv 2510.04624, abstract and introduction): in each of T rounds
every agent gets exactly one item, so a round is a perfect matching M_t : N -> O. Utilities
are cardinal, additive and constant over rounds (reconstructed: the abstract does not say
whether they vary). The paper's model has as many items as agents; unequal sizes are
handled by :meth:`Instance.from_rectangular` with dummy agents or items.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from agentzoo.systems.fair_matching.spectrum import spectrum_utilities


def _as_utility_matrix(utilities: Any) -> np.ndarray:
    """``utilities`` as a float matrix, or a ValueError naming the first bad entry."""
    raw = np.asarray(utilities, dtype=object) if not isinstance(utilities, np.ndarray) else utilities
    if raw.ndim != 2:
        raise ValueError(f"utilities must be a 2-D n×n matrix, got an array of shape {raw.shape}")
    if raw.dtype.kind in "biuf":
        u = raw.astype(float)
    else:
        u = np.empty(raw.shape, dtype=float)
        for index, value in np.ndenumerate(raw):
            if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
                raise ValueError(f"utilities[{index[0]}, {index[1]}] = {value!r} is not a number")
            u[index] = float(value)
    n, m = u.shape
    if n == 0 or m == 0:
        raise ValueError(f"utilities must have at least one agent and one item, got shape {u.shape}")
    if n != m:
        raise ValueError(
            f"utilities has shape {u.shape}: the paper's model has as many items as agents (n×n); "
            "use Instance.from_rectangular(...) to pad with dummy agents or items"
        )
    bad = np.argwhere(~np.isfinite(u))
    if len(bad):
        i, o = bad[0]
        raise ValueError(f"utilities[{i}, {o}] = {u[i, o]} is not finite")
    bad = np.argwhere(u < 0)
    if len(bad):
        i, o = bad[0]
        raise ValueError(f"utilities[{i}, {o}] = {u[i, o]} is negative (utilities must be >= 0)")
    return u


@dataclass(frozen=True)
class Instance:
    """A repeated-matching instance."""

    utilities: np.ndarray
    """u, shape (n, n): u[i, o] >= 0 is agent i's utility for item o in any round."""
    rounds: int
    """T >= 1, the number of rounds."""
    agent_names: tuple[str, ...] = ()
    """Optional names of the n agents."""
    item_names: tuple[str, ...] = ()
    """Optional names of the n items."""
    n_dummy_agents: int = 0
    """The last `n_dummy_agents` rows are padding (see :meth:`from_rectangular`); never the worst off."""
    meta: dict[str, Any] = field(default_factory=dict, compare=False)
    """Where the instance came from (generator, seed, ...)."""

    def __post_init__(self) -> None:
        u = _as_utility_matrix(self.utilities)
        u.setflags(write=False)
        object.__setattr__(self, "utilities", u)
        T = self.rounds
        if isinstance(T, bool) or not isinstance(T, int | np.integer) or T < 1:
            raise ValueError(f"rounds (T) must be an integer >= 1, got {T!r}")
        object.__setattr__(self, "rounds", int(T))
        n = u.shape[0]
        for name, names in (("agent_names", self.agent_names), ("item_names", self.item_names)):
            if names and len(names) != n:
                raise ValueError(f"{name} has {len(names)} entries for n = {n}")
        if not 0 <= self.n_dummy_agents < n:
            raise ValueError(f"n_dummy_agents must be in [0, {n}), got {self.n_dummy_agents}")

    @property
    def n(self) -> int:
        return int(self.utilities.shape[0])

    @property
    def real_agents(self) -> slice:
        """Rows of the real (non-dummy) agents."""
        return slice(0, self.n - self.n_dummy_agents)

    def with_rounds(self, rounds: int) -> Instance:
        """The same utilities over another horizon."""
        return Instance(self.utilities, rounds, self.agent_names, self.item_names, self.n_dummy_agents, self.meta)

    # ------------------------------------------------------------------ classes
    def is_identical(self) -> bool:
        """Every agent has the same utility row (u_io = v_o)."""
        return bool(np.all(self.utilities == self.utilities[0]))

    def is_binary(self) -> bool:
        """Every utility is 0 or 1."""
        return bool(np.all((self.utilities == 0) | (self.utilities == 1)))

    def is_integral(self) -> bool:
        return bool(np.all(self.utilities == np.round(self.utilities)))

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_rectangular(cls, utilities: Any, rounds: int) -> Instance:
        """Pad an n×m matrix to square.

        More agents than items (n > m): dummy items of utility 0 (an agent is idle that round).
        More items than agents (m > n): dummy agents whose utility for every item is
        C = 1 + max u; after t rounds a dummy has tC > t·max u >= U_i^t, so it is never the
        worst-off agent and the maximin over the real agents is unchanged.
        """
        raw = np.asarray(utilities, dtype=object)
        if raw.ndim != 2:
            raise ValueError(f"utilities must be a 2-D matrix, got an array of shape {raw.shape}")
        n, m = raw.shape
        if n == 0 or m == 0:
            raise ValueError(f"utilities must have at least one agent and one item, got shape {raw.shape}")
        size = max(n, m)
        probe = np.zeros((size, size), dtype=object)
        probe[:n, :m] = raw
        u = _as_utility_matrix(probe)  # validates every real entry (padding is 0 for now)
        if m > n:
            u[n:, :] = 1.0 + float(u[:n, :m].max())
        return cls(u, rounds, n_dummy_agents=max(0, m - n))

    @classmethod
    def load(cls, path: str | Path, rounds: int) -> Instance:
        """Read an n×n matrix from ``.npy`` or ``.csv`` (optional header row and name column)."""
        path = Path(path)
        if not path.exists():
            raise ValueError(f"utility file {path} does not exist")
        if path.suffix.lower() == ".npy":
            try:
                data = np.load(path, allow_pickle=False)
            except (ValueError, OSError) as exc:
                raise ValueError(f"{path}: not a readable .npy array ({exc})") from exc
            return cls(data, rounds, meta={"generator": "file", "path": str(path)})
        if path.suffix.lower() != ".csv":
            raise ValueError(f"{path}: unsupported utility file type {path.suffix!r}; use .csv or .npy")
        with path.open(newline="", encoding="utf-8") as handle:
            rows = [row for row in csv.reader(handle) if any(cell.strip() for cell in row)]
        if not rows:
            raise ValueError(f"{path}: empty utility file")
        item_names: tuple[str, ...] = ()
        if not any(_is_number(cell) for cell in rows[0]):
            item_names = tuple(c.strip() for c in rows[0] if c.strip())
            rows = rows[1:]
        agent_names: tuple[str, ...] = ()
        if rows and all(not _is_number(row[0]) for row in rows):
            agent_names = tuple(row[0].strip() for row in rows)
            rows = [row[1:] for row in rows]
        values: list[list[float]] = []
        for r, row in enumerate(rows):
            line = []
            for c, cell in enumerate(row):
                if not _is_number(cell):
                    raise ValueError(f"{path}: data row {r + 1}, column {c + 1}: {cell!r} is not a number")
                line.append(float(cell))
            values.append(line)
        if len({len(line) for line in values}) > 1:
            raise ValueError(f"{path}: rows have different lengths {sorted({len(x) for x in values})}")
        return cls(np.array(values), rounds, agent_names, item_names[-len(values):] if item_names else (),
                   meta={"generator": "file", "path": str(path)})


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------- generators
def generate(
    kind: str,
    n: int,
    rounds: int,
    rng: np.random.Generator,
    *,
    noise: float = 0.1,
    p_binary: float = 0.3,
    int_scale: int = 0,
    snr_db: float = 10.0,
    pathloss_exp: float = 3.5,
) -> Instance:
    """A random instance of generator ``kind`` (see ``Config.utility``)."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n (number of agents) must be an integer >= 1, got {n!r}")
    if kind == "uniform":
        u = rng.random((n, n))
    elif kind == "correlated":  # near-identical: shared item values v_o plus agent noise
        v = rng.random(n)
        u = np.clip(v[None, :] + noise * rng.standard_normal((n, n)), 0.0, None)
    elif kind == "binary":
        u = (rng.random((n, n)) < p_binary).astype(float)
    elif kind == "identical":
        u = np.repeat(rng.random(n)[None, :], n, axis=0)
    elif kind == "spectrum":
        u = spectrum_utilities(n, rng, snr_db=snr_db, pathloss_exp=pathloss_exp)
    else:
        raise ValueError(f"unknown generator {kind!r}; allowed: uniform, correlated, binary, identical, spectrum")
    if int_scale > 0 and kind != "binary":
        top = float(u.max())
        u = np.rint(u / top * int_scale) if top > 0 else np.zeros_like(u)
    return Instance(u, rounds, meta={"generator": kind, "n": n, "T": rounds})


def normalise_rows(instance: Instance) -> Instance:
    """Scale each agent's row to maximum 1 (outside the paper's model; maximin is not scale invariant)."""
    u = np.array(instance.utilities)
    top = u.max(axis=1, keepdims=True)
    u = np.divide(u, top, out=np.zeros_like(u), where=top > 0)
    return Instance(u, instance.rounds, instance.agent_names, instance.item_names, instance.n_dummy_agents,
                    {**instance.meta, "normalised": "max"})
