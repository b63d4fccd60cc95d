"""Configuration of RDIRL runs (Ghanem et al., arXiv 2504.13241; agentzoo spec rdirl.md)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Self

from agentzoo.config import ConfigError, SystemConfig, require

ENVS = ("CartPole-v1", "Pendulum-v1", "MountainCarContinuous-v0", "Acrobot-v1", "pursuit", "gridworld")
METHODS = ("rdirl", "first_order", "gcl", "airl", "maxent")
CURVATURES = ("gauss_newton", "full", "fisher_diff", "clip", "abs", "diag")
COV_STRUCTURES = ("full", "block", "diag")


@dataclass(frozen=True)
class Config(SystemConfig):
    envs: tuple[str, ...] = ("CartPole-v1",)
    """Tasks: CartPole-v1, Pendulum-v1, MountainCarContinuous-v0, Acrobot-v1, pursuit (adversarial
    scenario with a known hidden cost), gridworld (tabular, exact MaxEnt answer)."""
    methods: tuple[str, ...] = ("rdirl", "first_order", "gcl", "airl")
    """Methods: rdirl (recursive second-order), first_order (same stream, Adam), gcl (importance-
    weighted GCL), airl; maxent runs on gridworld only. A method that does not apply to a task
    (gcl/airl need a sampler with a density, so not MPPI; maxent needs a tabular task) is skipped."""
    sampler: Literal["auto", "mppi"] = "auto"
    """auto: PPO for discrete tasks, SAC for continuous ones; mppi: model-based MPPI on the learned
    cost where agentzoo has the dynamics (Pendulum), PPO/SAC elsewhere. pursuit always uses MPPI."""
    expert: Literal["analytic", "sb3"] = "analytic"
    """analytic controllers (LQR, energy pumping), or SB3 experts trained once and cached."""
    demo_dir: Path | None = None
    """Folder with demonstration files <env_id>.npz to use instead of generating them."""
    n_demo_episodes: int = 10
    """Number of fixed-horizon expert episodes in the demo set."""
    cost_hidden: tuple[int, ...] = (16, 16)
    """Hidden layer widths of the state-only cost net c_theta (ReLU); n = 369 on CartPole."""
    cost_head: Literal["sigmoid", "square_clip", "neglog_clipsq"] = "sigmoid"
    """Bounded output head: c_max * sigmoid(z), the authors' clip(z^2, 0, c_max), or -log of it."""
    c_max: float = 5.0
    """Bound of the cost head (L_UB is linear in c, so the cost must be bounded)."""
    input_std_floor: float = 0.05
    """Floor of the frozen demo standard deviations used to standardise cost-net inputs."""
    curvature: Literal["gauss_newton", "full", "fisher_diff", "clip", "abs", "diag"] = "gauss_newton"
    """H_t of the recursive update: gauss_newton g_d g_d^T + g_s g_s^T (Woodbury, PSD); full
    (H_d - H_s)/N (IRL_Radar); fisher_diff g_d g_d^T - g_s g_s^T (RDIRL_PPO); clip/abs the
    eigenvalue-clipped / absolute full H; diag the Gauss-Newton diagonal."""
    cov_structure: Literal["full", "block", "diag"] = "full"
    """Covariance P: full matrix, one block per layer (decoupled EKF), or diagonal."""
    pd_guard: bool = True
    """Redo an update whose P is not positive definite with the eigenvalue-clipped curvature."""
    p0: float = 1e-2
    """Prior covariance P_0 = p0 I."""
    q: float = 1e-4
    """Process noise Q = q I added to P before every update."""
    q_decay: float = 0.1
    """Factor applied to Q every ``q_decay_every`` epochs (IRL_Radar: x0.1 every 10 epochs)."""
    q_decay_every: int = 10
    """Epochs (passes over the demo steps) between Q decays; 0 disables the decay."""
    jitter: float = 0.0
    """Added to the diagonal of P after each update (the authors' torch code uses 1e-5..1e-6)."""
    max_params_full: int = 2000
    """Largest cost net allowed with a full covariance (n = 2000 is a 32 MB float64 P)."""
    first_order_lr: float = 1e-3
    """Adam learning rate of the first-order ablation, GCL and the AIRL discriminator."""
    gcl_episodes: int = 5
    """Demo and sampler episodes per GCL update."""
    gcl_steps: int = 5
    """Adam steps per GCL update."""
    gcl_lcr: float = 0.0
    """Weight of GCL's lcr smoothness regulariser on demo cost sequences (0: off)."""
    airl_updates: int = 2
    """Discriminator updates per AIRL round."""
    total_env_steps: int = 0
    """Learner interaction budget per task; 0: the task default (1e5 CartPole/Acrobot/MountainCar,
    5e4 Pendulum) times ``budget_scale``."""
    budget_scale: float = 1.0
    """Multiplies the task default budgets (when ``total_env_steps`` is 0)."""
    budgets: tuple[str, ...] = ()
    """Per-task budgets ENV=STEPS (e.g. CartPole-v1=100000,Pendulum-v1=20000); they take precedence."""
    eval_every: int = 5000
    """Environment steps between evaluations on the true reward."""
    eval_episodes: int = 5
    """Episodes per evaluation (standard env, deterministic policy)."""
    absorbing: Literal["value", "padded", "none"] = "value"
    """Termination handling: value adds gamma/(1-gamma) r(s_T) at a terminal step (exact absorbing
    state); padded pads episodes to H with the frozen terminal state; none keeps the plain end."""
    mppi_horizon: int = 15
    """MPPI planning horizon (IRL_Radar: 15)."""
    mppi_samples: int = 250
    """MPPI samples per iteration (IRL_Radar: 250)."""
    mppi_iters: int = 5
    """MPPI refinement iterations per step (IRL_Radar: 25; 5 fits 2 cores)."""
    mppi_gamma: float = 0.95
    """Discount inside the MPPI cost (IRL_Radar: 0.95)."""
    pursuit_epochs: int = 50
    """pursuit: epochs of online observation (IRL_Radar: 50)."""
    pursuit_steps: int = 200
    """pursuit: adversary steps per epoch (IRL_Radar: 200); also N of the 1/N gradient scale."""
    pursuit_p0: float = 0.1
    """pursuit: P_0 (IRL_Radar radar setting 0.1 I)."""
    pursuit_q: float = 1e-3
    """pursuit: Q (IRL_Radar radar setting 1e-3 I)."""
    gridworld_size: int = 8
    """gridworld: side of the grid."""
    gridworld_slip: float = 0.1
    """gridworld: probability that a move goes in another direction."""
    gridworld_horizon: int = 20
    """gridworld: episode length."""
    gridworld_demos: int = 200
    """gridworld: number of sampled expert episodes."""
    cache_dir: Path | None = None
    """Where SB3 experts are cached (expert=sb3); None: do not cache."""
    torch_threads: int = 1
    """torch intra-op threads (the sampler nets are tiny; more threads only add contention)."""

    def __post_init__(self) -> None:
        require(len(self.envs) > 0, "envs", f"name at least one of {', '.join(ENVS)}")
        for env in self.envs:
            require(env in ENVS, "envs", f"unknown env {env!r}; allowed: {', '.join(ENVS)}")
        require(len(self.methods) > 0, "methods", f"name at least one of {', '.join(METHODS)}")
        for method in self.methods:
            require(method in METHODS, "methods", f"unknown method {method!r}; allowed: {', '.join(METHODS)}")
        require(self.curvature in CURVATURES, "curvature", f"allowed: {', '.join(CURVATURES)}")
        require(self.cov_structure in COV_STRUCTURES, "cov_structure", f"allowed: {', '.join(COV_STRUCTURES)}")
        require(len(self.cost_hidden) > 0 and min(self.cost_hidden) > 0, "cost_hidden",
                f"needs positive widths, got {self.cost_hidden}")
        for name in ("p0", "c_max", "first_order_lr", "input_std_floor", "pursuit_p0"):
            require(getattr(self, name) > 0, name, f"must be > 0, got {getattr(self, name)}")
        for name in ("q", "jitter", "gcl_lcr", "pursuit_q"):
            require(getattr(self, name) >= 0, name, f"must be >= 0, got {getattr(self, name)}")
        require(0 < self.q_decay <= 1, "q_decay", f"must be in (0, 1], got {self.q_decay}")
        for name in ("n_demo_episodes", "eval_every", "eval_episodes", "mppi_horizon", "mppi_samples",
                     "mppi_iters", "pursuit_epochs", "pursuit_steps", "gcl_episodes", "gcl_steps",
                     "airl_updates", "gridworld_size", "gridworld_horizon", "gridworld_demos",
                     "torch_threads", "max_params_full"):
            require(getattr(self, name) >= 1, name, f"must be >= 1, got {getattr(self, name)}")
        require(self.total_env_steps >= 0, "total_env_steps", f"must be >= 0, got {self.total_env_steps}")
        require(self.budget_scale > 0, "budget_scale", f"must be > 0, got {self.budget_scale}")
        for item in self.budgets:
            env, _, steps = item.partition("=")
            require(env in ENVS and steps.isdigit() and int(steps) > 0, "budgets",
                    f"{item!r} is not ENV=STEPS with ENV in {', '.join(ENVS)} and STEPS > 0")
        require(0 <= self.gridworld_slip < 1, "gridworld_slip", f"must be in [0, 1), got {self.gridworld_slip}")
        require(0 < self.mppi_gamma <= 1, "mppi_gamma", f"must be in (0, 1], got {self.mppi_gamma}")

    def budget(self, env: str, default: int) -> int:
        """The learner's interaction budget on ``env`` (task default ``default``)."""
        for item in self.budgets:
            name, _, steps = item.partition("=")
            if name == env:
                return int(steps)
        return self.total_env_steps or int(default * self.budget_scale)

    def check_size(self, n_params: int) -> None:
        """A full covariance over more than ``max_params_full`` weights is refused."""
        if self.cov_structure == "full" and n_params > self.max_params_full:
            raise ConfigError("cov_structure", f"a full covariance over n = {n_params} cost-net weights exceeds "
                              f"max_params_full = {self.max_params_full} ({n_params**2 * 8 / 1e6:.0f} MB); "
                              "use cov_structure=block or cov_structure=diag")

    @classmethod
    def quick(cls) -> Self:
        """About a minute of CPU on 2 cores: CartPole (PPO, all four methods, 1e4 steps),
        Pendulum (MPPI sampler, online methods, 2e3 steps) and pursuit (3 x 100 steps)."""
        return cls(envs=("CartPole-v1", "Pendulum-v1", "pursuit"), sampler="mppi",
                   budgets=("CartPole-v1=10000", "Pendulum-v1=2000"), eval_every=2500, eval_episodes=3,
                   mppi_samples=128, pursuit_epochs=3, pursuit_steps=100)

    @classmethod
    def paper(cls) -> Self:
        """All four classic-control tasks, pursuit and gridworld, all methods, full budgets."""
        return cls(envs=ENVS, methods=METHODS)
