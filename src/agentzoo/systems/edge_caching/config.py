"""Configuration of the edge-caching system (Fu et al., arXiv 2509.19341).

The defaults form the benchmark scenario of ``../shared/specs/edge_caching.md``. The
paper's simulation parameters are not available to this project: every default is a
reconstruction unless its docstring says "(paper)".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Self

from agentzoo.config import SystemConfig, require

METHODS = (
    "maasn_da",
    "maasn",
    "qmix",
    "vdn",
    "iql",
    "whole_model",
    "pb_lfu",
    "unicast",
    "random",
    "oracle_greedy",
)
LEARNERS = ("maasn_da", "maasn", "qmix", "vdn", "iql")


@dataclass(frozen=True)
class Config(SystemConfig):
    """One run: a scenario, the methods compared on it, and the learners' settings."""

    # ------------------------------------------------------------------ topology
    n_edges: int = 3
    """Number of edge nodes K (one per cell, one CoMP cluster)."""
    antennas: int = 4
    """Antennas per edge node N_t."""
    n_users: int = 12
    """Single-antenna users U, spread evenly over the cells."""
    isd_m: float = 200.0
    """Inter-site distance in metres (hexagonal layout; users within isd/2 of their EN)."""

    # ------------------------------------------------------------------ catalogue
    catalogue: Literal["cnn", "llm"] = "cnn"
    """Model catalogue: ResNet-50-like backbones in 8 PBs (``cnn``) or a 2 GB fp16 LLM with LoRA PBs (``llm``)."""
    catalogue_file: Path | None = None
    """A catalogue saved as JSON (overrides ``catalogue``, ``n_backbones``, ``tasks_per_backbone``)."""
    n_backbones: int = 2
    """Number of frozen pre-trained backbones."""
    tasks_per_backbone: int = 3
    """Task models fine-tuned from each backbone (task j freezes f_j = 5, 6, 7, ... of its 8 PBs)."""
    capacity_frac: float = 0.3
    """Cache capacity C_k as a fraction of the deduplicated catalogue size."""

    # ------------------------------------------------------------------ demand
    zipf_alpha: float = 0.8
    """Zipf exponent α of each cell's model popularity."""
    p_request: float = 0.8
    """Probability p_req that a user requests a model in a slot."""
    drift_every: int = 10
    """Every this many slots, two models swap popularity ranks in each cell (0 = never)."""

    # ------------------------------------------------------------------ radio
    bandwidth_hz: float = 20e6
    """System bandwidth B (Hz)."""
    p_tx_dbm: float = 30.0
    """Per-EN transmit power P_k (dBm)."""
    noise_dbm_hz: float = -174.0
    """Noise power spectral density (dBm/Hz)."""
    noise_figure_db: float = 9.0
    """Receiver noise figure (dB)."""
    shadowing_db: float = 8.0
    """Log-normal shadowing standard deviation (dB)."""
    csi_error: float = 0.1
    """Relative CSI error bound ε: ‖e_u‖ ≤ ε‖ĥ_u‖."""

    # ------------------------------------------------------------------ migration
    backhaul_bps: float = 1e9
    """Backhaul rate R_bh between edge nodes (bit/s)."""
    cloud_bps: float = 2e8
    """Cloud-to-EN rate R_cloud (bit/s)."""
    cloud_latency_s: float = 0.02
    """Extra latency L_cloud of a cloud fetch (s)."""
    lambda_bh: float = 0.1
    """Weight λ_bh of the backhaul time of cache updates in the slot objective."""

    # ------------------------------------------------------------------ environment
    slots_per_episode: int = 20
    """Slots per episode (the episode ends by truncation)."""
    obs_mode: Literal["flat", "dict"] = "flat"
    """Observations: a flat Box, or a dict with ``observation`` and ``action_mask``."""
    action_mode: Literal["factored", "single"] = "factored"
    """Actions: MultiDiscrete, one head per PB, or Discrete, one operation per slot."""
    schedule: Literal["group_size", "smith"] = "group_size"
    """Broadcast order: decreasing |G_b| (smaller PB first on ties), or |G_b|/airtime (Smith's rule)."""
    bf_train: Literal["mrt", "sdr", "robust"] = "mrt"
    """Beamformer used while learning (MRT: cheap, batched)."""
    bf_eval: Literal["mrt", "sdr", "robust"] = "sdr"
    """Beamformer used in the final evaluation of every method."""

    # ------------------------------------------------------------------ what to compare
    methods: tuple[str, ...] = METHODS
    """Methods compared in one run (learners and heuristics)."""
    eval_episodes: int = 20
    """Evaluation episodes per method (identical request and channel traces across methods)."""
    heuristic_warmup_episodes: int = 5
    """Episodes whose requests the LFU heuristics count before evaluation (their 'history')."""

    # ------------------------------------------------------------------ MAASN-DA
    mixer: Literal["qmix", "vdn"] = "qmix"
    """Value-decomposition mixer of ``maasn``/``maasn_da``: QMIX hypernetwork or VDN sum."""
    use_asn: bool = True
    """Action semantics network in ``maasn``/``maasn_da`` (False: MLP agents)."""
    augment: bool = True
    """Data augmentation in ``maasn_da`` (the ``maasn`` method never augments)."""
    da_reward: Literal["sim", "esn"] = "sim"
    """Reward of synthetic transitions: the known delay model with fresh fading, or an ESN readout."""
    total_env_steps: int = 100_000
    """Real environment steps per learner per seed."""
    warmup_steps: int = 1_000
    """Random masked steps before learning starts."""
    hidden: int = 64
    """Hidden width of every network."""
    lr_actor: float = 3e-4
    """Actor learning rate."""
    lr_critic: float = 5e-4
    """Critic learning rate."""
    gamma: float = 0.9
    """Discount factor γ."""
    batch_size: int = 128
    """Minibatch size of each gradient step (one gradient step per real step)."""
    replay_size: int = 50_000
    """Real replay capacity (the synthetic buffer has the same)."""
    tau_soft: float = 0.01
    """Soft target-update rate τ."""
    temp_start: float = 1.0
    """Gumbel-Softmax temperature at the start (annealed linearly)."""
    temp_end: float = 0.5
    """Gumbel-Softmax temperature at the end."""
    entropy_beta: float = 0.01
    """Entropy bonus β of the actor loss."""
    eval_every: int = 500
    """Real steps between learning-curve evaluations."""
    curve_episodes: int = 4
    """Episodes per learning-curve evaluation point."""

    # ------------------------------------------------------------------ ESN data augmentation
    esn_units: int = 200
    """Reservoir size of the echo state network."""
    esn_spectral_radius: float = 0.9
    """Spectral radius of the reservoir matrix."""
    esn_leak: float = 0.3
    """Leak rate of the reservoir state."""
    esn_input_scale: float = 0.5
    """Input weight scale."""
    esn_density: float = 0.1
    """Fraction of non-zero reservoir weights."""
    esn_ridge: float = 1e-4
    """Ridge penalty of the readout fit."""
    esn_washout: int = 20
    """Reservoir steps discarded before the readout fit."""
    esn_refit_every: int = 200
    """Real steps between readout refits (and updates of ρ_t)."""
    esn_window: int = 2_000
    """Real steps the readout is fitted on."""
    rho_max: float = 0.5
    """Largest synthetic fraction ρ_max of a minibatch."""
    syn_per_real: int = 4
    """Synthetic transitions generated per real step."""
    syn_horizon: int = 1
    """Length of each synthetic rollout."""

    def __post_init__(self) -> None:
        require(self.n_edges >= 1, "n_edges", f"K must be >= 1, got {self.n_edges}")
        require(self.antennas >= 1, "antennas", f"N_t must be >= 1, got {self.antennas}")
        require(self.n_users >= 1, "n_users", f"must be >= 1, got {self.n_users}")
        require(self.isd_m > 0, "isd_m", f"must be > 0, got {self.isd_m}")
        require(self.n_backbones >= 1, "n_backbones", f"must be >= 1, got {self.n_backbones}")
        require(
            1 <= self.tasks_per_backbone <= 7,
            "tasks_per_backbone",
            f"must be in 1..7 (f_j = 5, 6, 7 wraps), got {self.tasks_per_backbone}",
        )
        require(
            0 < self.capacity_frac <= 1, "capacity_frac", f"must be in (0, 1], got {self.capacity_frac}"
        )
        require(self.zipf_alpha >= 0, "zipf_alpha", f"α must be >= 0, got {self.zipf_alpha}")
        require(0 < self.p_request <= 1, "p_request", f"must be in (0, 1], got {self.p_request}")
        require(self.drift_every >= 0, "drift_every", f"must be >= 0, got {self.drift_every}")
        for name in ("bandwidth_hz", "backhaul_bps", "cloud_bps"):
            require(getattr(self, name) > 0, name, f"must be > 0, got {getattr(self, name)}")
        require(self.cloud_latency_s >= 0, "cloud_latency_s", "must be >= 0")
        require(self.lambda_bh >= 0, "lambda_bh", "must be >= 0")
        require(self.shadowing_db >= 0, "shadowing_db", "must be >= 0")
        require(0 <= self.csi_error < 1, "csi_error", f"ε must be in [0, 1), got {self.csi_error}")
        require(self.slots_per_episode >= 1, "slots_per_episode", "must be >= 1")
        unknown = sorted(set(self.methods) - set(METHODS))
        require(not unknown, "methods", f"unknown {unknown}; allowed: {', '.join(METHODS)}")
        require(len(self.methods) >= 1, "methods", "at least one method")
        require(self.eval_episodes >= 1, "eval_episodes", "must be >= 1")
        require(self.heuristic_warmup_episodes >= 0, "heuristic_warmup_episodes", "must be >= 0")
        require(self.total_env_steps >= 1, "total_env_steps", "must be >= 1")
        require(self.warmup_steps >= 0, "warmup_steps", "must be >= 0")
        require(self.batch_size >= 1, "batch_size", "must be >= 1")
        require(self.replay_size >= self.batch_size, "replay_size", "must be >= batch_size")
        require(0 < self.gamma < 1, "gamma", f"must be in (0, 1), got {self.gamma}")
        require(0 < self.temp_end <= self.temp_start, "temp_end", "need 0 < temp_end <= temp_start")
        require(self.eval_every >= 1, "eval_every", "must be >= 1")
        require(self.curve_episodes >= 1, "curve_episodes", "must be >= 1")
        require(self.esn_units >= 2, "esn_units", "must be >= 2")
        require(0 < self.esn_spectral_radius < 1.5, "esn_spectral_radius", "must be in (0, 1.5)")
        require(0 < self.esn_leak <= 1, "esn_leak", "must be in (0, 1]")
        require(0 < self.esn_density <= 1, "esn_density", "must be in (0, 1]")
        require(0 <= self.rho_max < 1, "rho_max", f"ρ_max must be in [0, 1), got {self.rho_max}")
        require(self.syn_per_real >= 0, "syn_per_real", "must be >= 0")
        require(self.syn_horizon >= 1, "syn_horizon", "must be >= 1")
        if self.catalogue_file is not None:
            require(
                Path(self.catalogue_file).is_file(),
                "catalogue_file",
                f"no such file: {self.catalogue_file}",
            )
        from agentzoo.systems.edge_caching.catalogue import make_catalogue

        cat = make_catalogue(
            self.catalogue, self.n_backbones, self.tasks_per_backbone, self.catalogue_file
        )
        capacity = self.capacity_frac * cat.dedup_bytes
        require(
            capacity >= cat.sizes.min(),
            "capacity_frac",
            f"C_k = {capacity / 1e6:.2f} MB is below the smallest PB ({cat.sizes.min() / 1e6:.2f} MB)",
        )

    @property
    def learners(self) -> tuple[str, ...]:
        return tuple(m for m in self.methods if m in LEARNERS)

    @classmethod
    def quick(cls) -> Self:
        """K = 3, N_t = 2, 6 users, 2×2 models, 10-slot episodes; maasn_da and maasn briefly; MRT."""
        return cls(
            n_edges=3,
            antennas=2,
            n_users=6,
            n_backbones=2,
            tasks_per_backbone=2,
            capacity_frac=0.4,
            slots_per_episode=10,
            bf_eval="mrt",
            methods=("maasn_da", "maasn", "whole_model", "pb_lfu", "unicast", "random", "oracle_greedy"),
            total_env_steps=1_500,
            warmup_steps=300,
            hidden=32,
            batch_size=32,
            eval_every=250,
            curve_episodes=2,
            eval_episodes=5,
            esn_units=100,
            esn_window=1_000,
        )

    @classmethod
    def paper(cls) -> Self:
        """K = 7 (hexagonal cluster), N_t = 4, 40 users, 3 backbones × 6 tasks, 50-slot episodes."""
        return cls(
            n_edges=7,
            antennas=4,
            n_users=40,
            n_backbones=3,
            tasks_per_backbone=6,
            slots_per_episode=50,
            total_env_steps=200_000,
            bf_eval="sdr",
        )
