"""Configuration of the fair-matching experiment (one frozen dataclass, presets quick/paper)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Self

from agentzoo.config import SystemConfig, require

GENERATORS = ("uniform", "correlated", "binary", "identical", "spectrum", "file")
ALL_ALGORITHMS = (
    "exact",
    "greedy",
    "rotation",
    "lp_round",
    "local_search",
    "decomp_order",
    "utilitarian",
    "prop_fair",
    "serial_dictatorship",
    "random",
)


@dataclass(frozen=True)
class Config(SystemConfig):
    """Repeated matching with a maximin objective (Lim, Neoh, Teh; arXiv 2510.04624)."""

    n_agents: int = 10
    """n, the number of agents (= number of items); used when `sizes` is empty."""
    rounds: int = 30
    """T, the number of rounds; used when `sizes` is empty."""
    sizes: tuple[int, ...] = (10, 10, 10, 31, 20, 20, 20, 61)
    """The (n, T) grid as a flat list n1,T1,n2,T2,...; empty means the single size (n_agents, rounds)."""
    utility: tuple[str, ...] = ("uniform", "correlated")
    """Instance generators: uniform (U[0,1] i.i.d.), correlated (shared item values + noise, the
    near-identical regime), binary (Bernoulli p_binary), identical (u_io = v_o), spectrum
    (log2(1 + SNR g) with path loss and Rayleigh fading), file (utility_file)."""
    noise: float = 0.1
    """Standard deviation of the per-agent noise of the `correlated` generator."""
    p_binary: float = 0.3
    """Probability that an agent likes an item in the `binary` generator."""
    int_scale: int = 0
    """k > 0 rounds utilities to integers 0..k (largest utility = k) for exact arithmetic; 0 keeps floats."""
    utility_file: Path | None = None
    """CSV or NPY n×n utility matrix for the `file` generator (n comes from the file, T from `sizes`)."""
    objective: Literal["optimal", "anytime"] = "optimal"
    """Which schedule the exact solver returns: end-of-horizon optimal, or anytime optimal."""
    algorithms: tuple[str, ...] = ALL_ALGORITHMS
    """The algorithms compared in one run (see `agentzoo.systems.fair_matching.api.ALGORITHMS`)."""
    time_limit_s: float = 60.0
    """Time limit of each exact (HiGHS) solve; at the limit the incumbent is kept with its gap."""
    mip_rel_gap: float = 1e-6
    """Relative MIP gap at which HiGHS stops (its default 1e-4 is too loose to call a value optimal)."""
    refine: Literal["none", "utilitarian", "leximin"] = "utilitarian"
    """Second stage of the exact solver on proven optima: none, max-sum among maximin optima (Pareto optimal), or leximin."""
    normalise: Literal["none", "max"] = "none"
    """`max` scales each agent's row to maximum 1 (an extension outside the paper's model)."""
    n_instances: int = 50
    """Instances per (generator, n, T); instance seeds derive from `seed`."""
    anytime_sizes: tuple[int, ...] = (6, 6)
    """(n, T) grid of the anytime suite (exact OPT(t), existence and best-alpha ILPs); empty skips it."""
    anytime_instances: int = 20
    """Instances of the anytime suite per size (integer utilities 0..5)."""
    anytime_max_nt: int = 12
    """The anytime ILPs run only for n, T <= this."""
    pareto_max_n: int = 10
    """Pareto-optimality checks (one ILP per schedule) run only for n <= this."""
    spectrum_size: tuple[int, ...] = (8, 24)
    """(n devices = n channels, T slots) of the spectrum-allocation demo; empty skips it."""
    spectrum_instances: int = 10
    """Channel realisations of the spectrum demo."""
    snr_db: float = 10.0
    """Spectrum demo: SNR in dB of a device at the reference distance with unit fading."""
    pathloss_exp: float = 3.5
    """Spectrum demo: path-loss exponent of the distance attenuation d^-exp."""
    fading: Literal["static"] = "static"
    """Spectrum demo fading: `static` (drawn once, constant over the T slots, as the model requires)."""

    def __post_init__(self) -> None:
        require(self.n_agents >= 1, "n_agents", f"must be >= 1, got {self.n_agents}")
        require(self.rounds >= 1, "rounds", f"must be >= 1, got {self.rounds}")
        require(len(self.sizes) % 2 == 0, "sizes", f"needs pairs n,T; got {len(self.sizes)} numbers")
        require(all(s >= 1 for s in self.sizes), "sizes", f"every n and T must be >= 1, got {self.sizes}")
        require(len(self.anytime_sizes) % 2 == 0, "anytime_sizes", "needs pairs n,T")
        require(all(s >= 1 for s in self.anytime_sizes), "anytime_sizes", "every n and T must be >= 1")
        require(len(self.spectrum_size) in (0, 2), "spectrum_size", "needs n,T or nothing")
        require(all(s >= 1 for s in self.spectrum_size), "spectrum_size", "n and T must be >= 1")
        require(len(self.utility) >= 1, "utility", f"needs at least one of {', '.join(GENERATORS)}")
        for name in self.utility:
            require(name in GENERATORS, "utility", f"unknown generator {name!r}; allowed: {', '.join(GENERATORS)}")
        require("file" not in self.utility or self.utility_file is not None, "utility_file",
                "the `file` generator needs utility_file")
        require(len(self.algorithms) >= 1, "algorithms", "needs at least one algorithm")
        for name in self.algorithms:
            require(name in ALL_ALGORITHMS, "algorithms",
                    f"unknown algorithm {name!r}; allowed: {', '.join(ALL_ALGORITHMS)}")
        require(self.noise >= 0, "noise", f"must be >= 0, got {self.noise}")
        require(0 <= self.p_binary <= 1, "p_binary", f"must be in [0, 1], got {self.p_binary}")
        require(self.int_scale >= 0, "int_scale", f"must be >= 0, got {self.int_scale}")
        require(self.time_limit_s > 0, "time_limit_s", f"must be > 0, got {self.time_limit_s}")
        require(0 <= self.mip_rel_gap < 1, "mip_rel_gap", f"must be in [0, 1), got {self.mip_rel_gap}")
        require(self.n_instances >= 1, "n_instances", f"must be >= 1, got {self.n_instances}")
        require(self.anytime_instances >= 1, "anytime_instances", "must be >= 1")
        require(self.spectrum_instances >= 1, "spectrum_instances", "must be >= 1")
        require(self.anytime_max_nt >= 1, "anytime_max_nt", "must be >= 1")

    @property
    def size_pairs(self) -> list[tuple[int, int]]:
        """The (n, T) grid as pairs."""
        if not self.sizes:
            return [(self.n_agents, self.rounds)]
        return [(self.sizes[k], self.sizes[k + 1]) for k in range(0, len(self.sizes), 2)]

    @property
    def anytime_pairs(self) -> list[tuple[int, int]]:
        return [(self.anytime_sizes[k], self.anytime_sizes[k + 1]) for k in range(0, len(self.anytime_sizes), 2)]

    @classmethod
    def quick(cls) -> Self:
        """About a minute on 2 cores: 80 instances (uniform + correlated, n in {5, 10}), short ILP limit."""
        return cls(
            sizes=(5, 5, 5, 16, 10, 10, 10, 31),
            n_instances=10,
            time_limit_s=1.0,
            pareto_max_n=5,
            anytime_sizes=(6, 6),
            anytime_instances=10,
            spectrum_size=(8, 24),
            spectrum_instances=5,
        )

    @classmethod
    def paper(cls) -> Self:
        """n in {5, 10, 20, 40}, T in {n, 3n+1, 50}; 50 instances; every generator (the paper's own grid is unknown)."""
        sizes: list[int] = []
        for n in (5, 10, 20, 40):
            for T in sorted({n, 3 * n + 1, 50}):
                sizes += [n, T]
        return cls(
            sizes=tuple(sizes),
            utility=("uniform", "correlated", "binary", "identical", "spectrum"),
            n_instances=50,
            time_limit_s=60.0,
            anytime_sizes=(4, 4, 6, 6, 8, 8, 10, 10, 12, 12),
            anytime_instances=20,
            spectrum_size=(16, 48),
            spectrum_instances=20,
        )
