"""``pursuit``: an adversarial scenario with a known hidden cost (reconstructed in the spirit of the
paper's cognitive-radar case and of IRL_Radar; not the authors' exact setup).

A sensor platform (2-D double integrator, dt 0.1, |u| <= 1) tracks a target on a known
constant-turn trajectory. State s = (p_r - p_t, v_r, v_t) (6-D). Hidden adversary cost

    c*(s, u) = w_r (||d|| - d*)^2 - w_i log det J(s) + w_u ||u||^2

with J the Fisher information of a range-bearing measurement of the target: range noise
sigma_r = sigma_r0 (r / r0)^2 and bearing noise sigma_b = sigma_b0 (1 + kappa sin^2 phi), phi the
angle between the platform's heading and the line of sight, so J = u u^T / sigma_r^2 +
u_perp u_perp^T / (sigma_b r)^2 and log det J = -2 log sigma_r - 2 log sigma_b - 2 log r.
The adversary is MPPI on c*. RDIRL watches it online: after every adversary state s^E_t it
updates c_theta against the state s_t of a "shadow" MPPI agent that plans with the current
c_theta from the same start against the same target track.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from agentzoo.systems.rdirl.methods import CostMethod
from agentzoo.systems.rdirl.metrics import pearson, state_epic
from agentzoo.systems.rdirl.mppi import MPPI

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pursuit:
    """Scenario constants; the hidden cost's weights are the spec's defaults."""

    dt: float = 0.1
    u_max: float = 1.0
    v_max: float = 3.0
    w_r: float = 1.0
    d_star: float = 5.0
    w_i: float = 0.5
    w_u: float = 0.01
    kappa: float = 2.0
    sigma_r0: float = 0.1
    r0: float = 5.0
    sigma_b0: float = 0.05
    target_radius: float = 10.0
    target_speed: float = 1.0
    r_min: float = 0.5
    """Ranges are floored here in the cost (log det J diverges at r = 0)."""

    # ------------------------------------------------------------------ target and dynamics
    def target(self, t: np.ndarray | int, phase: float) -> tuple[np.ndarray, np.ndarray]:
        """Target position and velocity at step(s) t on its circle (angular rate v / R)."""
        omega = self.target_speed / self.target_radius
        a = omega * np.asarray(t, dtype=np.float64) * self.dt + phase
        p = self.target_radius * np.stack([np.cos(a), np.sin(a)], axis=-1)
        v = self.target_speed * np.stack([-np.sin(a), np.cos(a)], axis=-1)
        return p, v

    def step(self, x: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Platform x = (p_r, v_r) (K, 4) under control u (K, 2): semi-implicit Euler."""
        u_norm = np.sqrt(np.maximum(u[:, 0] ** 2 + u[:, 1] ** 2, 1e-24))
        v = x[:, 2:] + u * (np.minimum(1.0, self.u_max / u_norm) * self.dt)[:, None]
        speed = np.sqrt(np.maximum(v[:, 0] ** 2 + v[:, 1] ** 2, 1e-24))
        v *= np.minimum(1.0, self.v_max / speed)[:, None]
        out = np.empty_like(x)
        out[:, :2] = x[:, :2] + v * self.dt
        out[:, 2:] = v
        return out

    def observe(self, x: np.ndarray, t: int, phase: float) -> np.ndarray:
        """The 6-D state s = (p_r - p_t, v_r, v_t) of platform states x (K, 4) at step t."""
        p_t, v_t = self.target(t, phase)
        K = x.shape[0]
        return np.concatenate([x[:, :2] - p_t, x[:, 2:], np.broadcast_to(v_t, (K, 2))], axis=1)

    def observe_horizon(self, X: np.ndarray, t0: int, phase: float) -> np.ndarray:
        """States (K, H, 6) of platform states X (K, H, 4) reached at steps t0 + 1 .. t0 + H."""
        K, H, _ = X.shape
        p_t, v_t = self.target(np.arange(t0 + 1, t0 + H + 1), phase)
        return np.concatenate([X[:, :, :2] - p_t, X[:, :, 2:], np.broadcast_to(v_t, (K, H, 2))], axis=2)

    # ------------------------------------------------------------------ the hidden cost
    def log_det_J(self, s: np.ndarray) -> np.ndarray:
        d = -s[:, :2]  # line of sight platform -> target
        r = np.maximum(np.linalg.norm(d, axis=1), self.r_min)
        v = s[:, 2:4]
        cross = v[:, 0] * d[:, 1] - v[:, 1] * d[:, 0]
        sin2 = cross**2 / ((v**2).sum(axis=1) * r**2 + 1e-9)  # sin^2 of heading vs line of sight
        sigma_r = self.sigma_r0 * (r / self.r0) ** 2
        sigma_b = self.sigma_b0 * (1.0 + self.kappa * sin2)
        return np.asarray(-2.0 * np.log(sigma_r) - 2.0 * np.log(sigma_b) - 2.0 * np.log(r))

    def state_cost(self, s: np.ndarray) -> np.ndarray:
        """c*(s) without its control term: the quantity the recovered cost is compared with."""
        r = np.linalg.norm(s[:, :2], axis=1)
        return np.asarray(self.w_r * (r - self.d_star) ** 2 - self.w_i * self.log_det_J(s))

    def cost(self, s: np.ndarray, u: np.ndarray) -> np.ndarray:
        return self.state_cost(s) + self.w_u * (u**2).sum(axis=1)

    def min_state_cost(self) -> float:
        """inf_s c*(s): heading along the line of sight, best range (c* has no natural zero)."""
        from scipy.optimize import minimize_scalar

        def at_range(r: float) -> float:
            return float(self.state_cost(np.array([[-r, 0.0, 1.0, 0.0, 0.0, 0.0]]))[0])

        best = minimize_scalar(at_range, bounds=(self.r_min, 10 * self.d_star), method="bounded")
        return float(best.fun)

    def scales(self) -> np.ndarray:
        """Fixed input scales for the cost net (the states are not known before they are seen)."""
        v = self.target_speed
        return np.array([self.d_star, self.d_star, 1.0, 1.0, v, v])

    def start(self, rng: np.random.Generator) -> tuple[np.ndarray, float]:
        """A random start: target phase, platform 3-10 away from the target, at rest."""
        phase = float(rng.uniform(0, 2 * np.pi))
        p_t, _ = self.target(0, phase)
        angle, dist = rng.uniform(0, 2 * np.pi), rng.uniform(3.0, 10.0)
        return np.array([*(p_t + dist * np.array([np.cos(angle), np.sin(angle)])), 0.0, 0.0]), phase


@dataclass
class PursuitSettings:
    epochs: int = 50
    steps: int = 200
    horizon: int = 15
    samples: int = 250
    iters: int = 5
    gamma: float = 0.95


@dataclass
class PursuitOutcome:
    epochs: list[int] = field(default_factory=list)
    steps: list[int] = field(default_factory=list)
    rho: list[float] = field(default_factory=list)
    normalised_cost: list[float] = field(default_factory=list)
    """(C_rand - C_shadow) / (C_rand - C_adversary) of each epoch's trajectories on c*."""
    intent_error: float = float("nan")
    intent_error_cv: float = float("nan")
    epic: float = float("nan")
    coverage_true: np.ndarray = field(default_factory=lambda: np.zeros(0))
    coverage_learned: np.ndarray = field(default_factory=lambda: np.zeros(0))
    diverged_at_step: int | None = None
    wall_seconds: float = 0.0


def _planner(world: Pursuit, settings: PursuitSettings, phase: float,
             cost: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> MPPI:
    def dynamics(x: np.ndarray, u: np.ndarray, t: int) -> np.ndarray:
        return world.step(x, u)

    def mppi_cost(X: np.ndarray, U: np.ndarray, t0: int) -> np.ndarray:
        K, H, _ = X.shape
        s = world.observe_horizon(X, t0, phase).reshape(K * H, -1)
        return cost(s, U.reshape(K * H, -1)).reshape(K, H)

    return MPPI(dynamics, mppi_cost, du=2, u_max=world.u_max, horizon=settings.horizon,
                samples=settings.samples, iters=settings.iters, gamma=settings.gamma, sigma=0.5,
                norm_clip=True)


def episode(world: Pursuit, settings: PursuitSettings, x0: np.ndarray, phase: float,
            cost: Callable[[np.ndarray, np.ndarray], np.ndarray] | None, rng: np.random.Generator,
            steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Platform states (steps + 1, 4) and controls (steps, 2); ``cost=None`` is a random policy."""
    planner = _planner(world, settings, phase, cost) if cost is not None else None
    xs, us = [x0], []
    x = x0[None]
    for t in range(steps):
        u = planner.act(x[0], t, rng) if planner is not None else rng.uniform(-1, 1, 2) * world.u_max
        x = world.step(x, u[None])
        xs.append(x[0])
        us.append(u)
    return np.asarray(xs), np.asarray(us)


def trajectory_cost(world: Pursuit, xs: np.ndarray, us: np.ndarray, phase: float) -> float:
    """Excess true cost sum_t c*(s_t, u_t) - inf c* (>= 0, so ratios of costs mean something)."""
    s = np.concatenate([world.observe(xs[t + 1][None], t + 1, phase) for t in range(len(us))])
    return float((world.cost(s, us) - world.min_state_cost()).sum())


def coverage(world: Pursuit, adversary_states: np.ndarray, rng: np.random.Generator, n: int = 1500) -> np.ndarray:
    """Adversary states, random-policy states and a uniform box (relative position within 15)."""
    box = n // 3
    angle = rng.uniform(0, 2 * np.pi, box)
    uniform = np.column_stack([rng.uniform(-15, 15, (box, 2)), rng.uniform(-2, 2, (box, 2)),
                               world.target_speed * np.column_stack([-np.sin(angle), np.cos(angle)])])
    randoms: list[np.ndarray] = []
    while sum(r.shape[0] for r in randoms) < box:
        x0, phase = world.start(rng)
        xs, _ = episode(world, PursuitSettings(), x0, phase, None, rng, 50)
        randoms.append(np.concatenate([world.observe(xs[t][None], t, phase) for t in range(1, len(xs))]))
    pick = rng.choice(len(adversary_states), size=min(box, len(adversary_states)), replace=False)
    return np.concatenate([adversary_states[pick], np.concatenate(randoms)[:box], uniform])


def run_pursuit(method: CostMethod, settings: PursuitSettings, rng: np.random.Generator,
                world: Pursuit | None = None, on_epoch: Callable[[int, dict[str, float]], None] | None = None,
                ) -> PursuitOutcome:
    """Online IRL of the adversary's cost: one ``method.observe`` per adversary step."""
    world = world or Pursuit()
    outcome = PursuitOutcome()
    start_time = time.perf_counter()
    held_x0, held_phase = world.start(rng)
    held_xs, _ = episode(world, settings, held_x0, held_phase, world.cost, rng, settings.steps)
    held_states = np.concatenate([world.observe(held_xs[t][None], t, held_phase) for t in range(1, len(held_xs))])
    cover = coverage(world, held_states, rng)
    true_cover = -world.state_cost(cover)

    def learned_cost(s: np.ndarray, u: np.ndarray) -> np.ndarray:
        return method.net.cost(s)

    observed = 0
    for epoch in range(settings.epochs):
        x0, phase = world.start(rng)
        adversary = _planner(world, settings, phase, world.cost)
        shadow = _planner(world, settings, phase, learned_cost)
        x_adv, x_sh = x0[None], x0[None]
        xs_adv, xs_sh, us_adv, us_sh = [x0], [x0], [], []
        for t in range(settings.steps):
            u_adv = adversary.act(x_adv[0], t, rng)
            u_sh = shadow.act(x_sh[0], t, rng)
            x_adv, x_sh = world.step(x_adv, u_adv[None]), world.step(x_sh, u_sh[None])
            xs_adv.append(x_adv[0])
            xs_sh.append(x_sh[0])
            us_adv.append(u_adv)
            us_sh.append(u_sh)
            s_expert = world.observe(x_adv, t + 1, phase)[0]
            s_learner = world.observe(x_sh, t + 1, phase)[0]
            method.observe(s_expert, s_learner)  # online: one update per observed adversary state
            observed += 1
            if not method.finite():
                outcome.diverged_at_step = observed
                log.warning("%s diverged on pursuit at step %d", method.name, observed)
                return outcome
        method.end_epoch()
        xs_rand, us_rand = episode(world, settings, x0, phase, None, rng, settings.steps)
        c_adv = trajectory_cost(world, np.asarray(xs_adv), np.asarray(us_adv), phase)
        c_sh = trajectory_cost(world, np.asarray(xs_sh), np.asarray(us_sh), phase)
        c_rand = trajectory_cost(world, xs_rand, us_rand, phase)
        rho = pearson(method.state_reward(cover), true_cover)
        outcome.epochs.append(epoch + 1)
        outcome.steps.append(observed)
        outcome.rho.append(rho)
        outcome.normalised_cost.append((c_rand - c_sh) / (c_rand - c_adv))
        if on_epoch is not None:
            on_epoch(observed, {"rho": rho, "normalised_cost": outcome.normalised_cost[-1]})
    learned = method.state_reward(cover)
    outcome.coverage_true, outcome.coverage_learned = true_cover, learned
    outcome.epic = state_epic(learned, true_cover)
    outcome.intent_error, outcome.intent_error_cv = intent_errors(world, settings, method, held_xs, held_phase, rng)
    outcome.wall_seconds = time.perf_counter() - start_time
    return outcome


def intent_errors(world: Pursuit, settings: PursuitSettings, method: CostMethod, xs: np.ndarray,
                  phase: float, rng: np.random.Generator, k: int = 5, n: int = 20) -> tuple[float, float]:
    """Mean k-step position error of MPPI-on-c_theta predictions and of constant velocity."""
    def learned_cost(s: np.ndarray, u: np.ndarray) -> np.ndarray:
        return method.net.cost(s)

    times = np.linspace(0, len(xs) - k - 1, n).astype(int)
    errors, errors_cv = [], []
    for t in times:
        planner = _planner(world, settings, phase, learned_cost)
        U = planner.plan(xs[t], int(t), rng)
        x = xs[t][None]
        for h in range(k):
            x = world.step(x, U[h][None])
        errors.append(np.linalg.norm(x[0, :2] - xs[t + k, :2]))
        errors_cv.append(np.linalg.norm(xs[t, :2] + k * world.dt * xs[t, 2:] - xs[t + k, :2]))
    return float(np.mean(errors)), float(np.mean(errors_cv))
