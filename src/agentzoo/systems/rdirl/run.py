"""run(config) -> Result: every (task, method) pair of the config for one seed.

Per task: accept the expert (return threshold), record or load the demos, measure the random
policy, then train each method from the same initial cost net on the same demos and budget,
evaluating the sampler on the true reward. Metrics use the issue's names:
``{method}_final_normalised_return`` and ``{method}_steps_to_0.9`` for the first control task
of ``envs``, and ``{env}/{method}_...`` for every task (``Pendulum-v1/rdirl_cost_correlation``,
``pursuit/rdirl_cost_correlation``).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from agentzoo.progress import track
from agentzoo.runs import Result
from agentzoo.seeding import rng
from agentzoo.systems.rdirl.config import Config
from agentzoo.systems.rdirl.metrics import (
    mean_ci95,
    normalised_return,
    pearson,
    state_epic,
    steps_to_threshold,
)

log = logging.getLogger(__name__)
THRESHOLD = 0.9
ONLINE = ("rdirl", "first_order")


@dataclass
class MethodRun:
    """The outcome of one method on one task."""

    env: str
    method: str
    steps: list[int] = field(default_factory=list)
    normalised: list[float] = field(default_factory=list)
    rho: list[float] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    final_rho: float | None = None
    epic: float | None = None
    diverged_at_step: int | None = None
    extra: dict[str, float] = field(default_factory=dict)
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    scatter: tuple[np.ndarray, np.ndarray] | None = None


def _safetensors(arrays: dict[str, np.ndarray]) -> bytes:
    from safetensors.numpy import save

    return bytes(save({k: np.ascontiguousarray(v) for k, v in arrays.items()}))


def _net(config: Config, obs_dim: int, mean: np.ndarray, std: np.ndarray, env: str) -> Any:
    from agentzoo.systems.rdirl.cost import CostNet

    net = CostNet(obs_dim, config.cost_hidden, config.cost_head, config.c_max, mean, std,
                  rng(config.seed, "cost-net", env))  # the same initial cost for every method
    config.check_size(net.n)
    return net


def _cost_method(name: str, config: Config, net: Any, N: int, pursuit: bool = False) -> Any:
    from agentzoo.systems.rdirl.baselines.first_order import FirstOrder
    from agentzoo.systems.rdirl.recursive import RDIRL

    if name == "first_order":
        return FirstOrder(net, N=N, lr=config.first_order_lr)
    return RDIRL(net, N=N, curvature=config.curvature, cov_structure=config.cov_structure,
                 p0=config.pursuit_p0 if pursuit else config.p0, q=config.pursuit_q if pursuit else config.q,
                 q_decay=config.q_decay, q_decay_every=config.q_decay_every, jitter=config.jitter,
                 guard=config.pd_guard)


def _demos(config: Config, env: str, policy: Any) -> Any:
    from agentzoo.systems.rdirl.experts import collect_demos, load_demos

    if config.demo_dir is not None and (config.demo_dir / f"{env}.npz").exists():
        return load_demos(config.demo_dir / f"{env}.npz", env)
    return collect_demos(env, policy, config.n_demo_episodes, seed=1000 * config.seed)


def run_gym(config: Config, env: str) -> tuple[list[MethodRun], dict[str, Any]]:
    """All methods on one gymnasium task."""
    from agentzoo.systems.rdirl.baselines.airl import AIRL
    from agentzoo.systems.rdirl.baselines.gcl import GCL, BCPolicy
    from agentzoo.systems.rdirl.cost import standardiser
    from agentzoo.systems.rdirl.envs import coverage_states, env_spec, make_env, true_state_reward
    from agentzoo.systems.rdirl.experts import accept_expert, evaluate
    from agentzoo.systems.rdirl.learners import sampler_kwargs, train_sampler
    from agentzoo.systems.rdirl.model_based import MODELS, train_mppi

    spec = env_spec(env)
    policy, R_exp = accept_expert(env, config.expert, config.seed, config.cache_dir)
    demos = _demos(config, env, policy)
    probe = make_env(env)
    obs_dim = int(np.prod(probe.observation_space.shape))
    space = probe.action_space
    probe.close()
    if demos.obs.shape[-1] != obs_dim:
        raise ValueError(f"{env} demos have observation size {demos.obs.shape[-1]}, the env has {obs_dim}")
    R_rand = float(evaluate(env, None, 20, seed=20_000 + config.seed).mean())
    budget = config.budget(env, spec.budget)
    algo = "ppo" if spec.discrete else ("mppi" if config.sampler == "mppi" and env in MODELS else "sac")
    mean, std = standardiser(demos.next_states, config.input_std_floor)
    cover = coverage_states(env, demos.next_states, rng(config.seed, "coverage", env))
    true_cover = true_state_reward(env, cover)
    info = {"R_exp": R_exp, "R_rand": R_rand, "budget": budget, "sampler": algo, "demos": demos}
    runs = []
    for name in track(config.methods, f"{env}"):
        if name == "maxent" or (algo == "mppi" and name not in ONLINE):
            log.info("skipping %s on %s (sampler %s)", name, env, algo)
            continue
        net = _net(config, obs_dim, mean, std, env)
        method: Any
        if name in ONLINE:
            method = _cost_method(name, config, net, demos.horizon)
        elif name == "gcl":
            n_actions = int(space.n) if spec.discrete else 0
            low = None if spec.discrete else np.asarray(space.low, dtype=np.float64)
            high = None if spec.discrete else np.asarray(space.high, dtype=np.float64)
            bc = BCPolicy(demos, spec.discrete, n_actions, low, high, seed=config.seed)
            method = GCL(net, demos, bc, lr=config.first_order_lr, episodes=config.gcl_episodes,
                         steps=config.gcl_steps, lcr=config.gcl_lcr, seed=config.seed)
        else:
            method = AIRL(demos, hidden=config.cost_hidden, mean=mean, std=std,
                          gamma=float(sampler_kwargs("ppo" if spec.discrete else "sac", spec.discrete)["gamma"]),
                          lr=config.first_order_lr, updates=config.airl_updates, seed=config.seed)
        result = MethodRun(env, name)

        def on_eval(step: int, value: float, method: Any = method, result: MethodRun = result) -> None:
            result.steps.append(step)
            result.normalised.append(float(normalised_return(value, R_rand, R_exp)))
            if true_cover is not None:
                result.rho.append(pearson(method.state_reward(cover), true_cover))
            log.info("%s %s step %d: normalised return %.3f", env, result.method, step, result.normalised[-1])

        start = time.perf_counter()
        common: dict[str, Any] = {"budget": budget, "eval_every": config.eval_every, "eval_episodes": config.eval_episodes,
                  "seed": config.seed, "on_eval": on_eval}
        if algo == "mppi":
            outcome = train_mppi(env, method, demos, horizon=config.mppi_horizon, samples=config.mppi_samples,
                                 iters=config.mppi_iters, gamma=config.mppi_gamma,
                                 rng=rng(config.seed, "mppi", env, name), **common)
        else:
            outcome = train_sampler(env, method, demos, algo=algo, absorbing=config.absorbing, **common)
        result.stats = {**method.stats(), "wall_seconds": time.perf_counter() - start}
        result.diverged_at_step = outcome.diverged_at_step
        result.arrays = outcome.checkpoint if outcome.diverged_at_step is not None else method.arrays()
        if true_cover is not None and method.finite():
            learned = method.state_reward(cover)
            result.final_rho, result.epic = pearson(learned, true_cover), state_epic(learned, true_cover)
            result.scatter = (true_cover, learned)
        runs.append(result)
    return runs, info


def run_pursuit(config: Config) -> list[MethodRun]:
    from agentzoo.systems.rdirl.cost import CostNet
    from agentzoo.systems.rdirl.pursuit import Pursuit, PursuitSettings
    from agentzoo.systems.rdirl.pursuit import run_pursuit as online

    world = Pursuit()
    settings = PursuitSettings(config.pursuit_epochs, config.pursuit_steps, config.mppi_horizon,
                               config.mppi_samples, config.mppi_iters, config.mppi_gamma)
    runs = []
    for name in config.methods:
        if name not in ONLINE:
            log.info("skipping %s on pursuit (online methods only)", name)
            continue
        net = CostNet(6, config.cost_hidden, config.cost_head, config.c_max, np.zeros(6), world.scales(),
                      rng(config.seed, "cost-net", "pursuit"))
        config.check_size(net.n)
        method = _cost_method(name, config, net, config.pursuit_steps, pursuit=True)
        def on_epoch(step: int, values: dict[str, float], name: str = name) -> None:
            log.info("pursuit %s step %d: rho %.3f, normalised cost %.3f", name, step, values["rho"],
                     values["normalised_cost"])

        outcome = online(method, settings, rng(config.seed, "pursuit"), world, on_epoch)  # same stream for all
        result = MethodRun("pursuit", name, steps=outcome.steps, normalised=outcome.normalised_cost,
                           rho=outcome.rho, stats={**method.stats(), "wall_seconds": outcome.wall_seconds},
                           diverged_at_step=outcome.diverged_at_step, arrays=method.arrays())
        if outcome.diverged_at_step is None:
            result.final_rho, result.epic = outcome.rho[-1], outcome.epic
            result.scatter = (outcome.coverage_true, outcome.coverage_learned)
            result.extra = {"intent_error": outcome.intent_error, "intent_error_constant_velocity": outcome.intent_error_cv}
        runs.append(result)
    return runs


def run_gridworld(config: Config) -> list[MethodRun]:
    from agentzoo.systems.rdirl.baselines.maxent_tabular import (
        Gridworld,
        maxent_irl,
        sample_demos,
        soft_policy,
    )

    if "maxent" not in config.methods:
        log.info("gridworld runs only maxent; skipped")
        return []
    world = Gridworld(config.gridworld_size, config.gridworld_slip, config.gridworld_horizon)
    T, r = world.transitions(), world.true_reward()
    start = np.full(world.n_states, 1.0 / world.n_states)
    expert = soft_policy(T, 5.0 * r, world.horizon)  # a near-optimal MaxEnt expert
    demos = sample_demos(T, expert, start, config.gridworld_demos, rng(config.seed, "gridworld"))
    mu_demo = np.bincount(demos.ravel(), minlength=world.n_states) / len(demos)
    begin = time.perf_counter()
    theta = maxent_irl(T, mu_demo, start, world.horizon, l2=0.05)
    result = MethodRun("gridworld", "maxent", stats={"wall_seconds": time.perf_counter() - begin},
                       final_rho=pearson(theta, r), epic=state_epic(theta, r), arrays={"theta": theta},
                       scatter=(r, theta))
    result.extra = {"argmax_is_goal": float(np.argmax(theta) == np.argmax(r))}
    return [result]


def _metrics(runs: list[MethodRun], infos: dict[str, dict[str, Any]], config: Config) -> dict[str, Any]:
    metrics: dict[str, Any] = {}
    headline = next((e for e in config.envs if e in infos), None)
    for run in runs:
        key = f"{run.env}/{run.method}"
        budget = int(infos[run.env]["budget"]) if run.env in infos else (run.steps[-1] if run.steps else 0)
        if run.normalised:
            reached, censored = steps_to_threshold(run.steps, run.normalised, THRESHOLD, budget)
            metrics[f"{key}_final_normalised_return"] = run.normalised[-1]
            metrics[f"{key}_steps_to_0.9"] = reached
            metrics[f"{key}_censored"] = int(censored)
            metrics[f"{key}_normalised_return_curve"] = run.normalised
            if run.env == headline:
                metrics[f"{run.method}_final_normalised_return"] = run.normalised[-1]
                metrics[f"{run.method}_steps_to_0.9"] = reached
        if run.final_rho is not None:
            metrics[f"{key}_cost_correlation"] = run.final_rho
            metrics[f"{key}_epic"] = run.epic
        if run.rho and run.steps:
            first = steps_to_threshold(run.steps, run.rho, 0.7, budget)
            metrics[f"{key}_steps_to_rho_0.7"] = first[0]
            metrics[f"{key}_rho_0.7_censored"] = int(first[1])
        updates = int(run.stats.get("n_updates", 0))
        if updates:
            metrics[f"{key}_ms_per_update"] = 1e3 * float(run.stats["update_seconds"]) / updates
            metrics[f"{key}_cpu_ms_per_update"] = 1e3 * float(run.stats.get("update_cpu_seconds", 0.0)) / updates
            metrics[f"{key}_n_updates"] = updates
        for name in ("n_indefinite_steps", "n_non_pd", "P_bytes", "trace_P"):
            if name in run.stats:
                metrics[f"{key}_{name}"] = run.stats[name]
        metrics[f"{key}_wall_seconds"] = float(run.stats.get("wall_seconds", 0.0))
        if run.diverged_at_step is not None:
            metrics[f"{key}_diverged_at_step"] = run.diverged_at_step
        for name, value in run.extra.items():
            metrics[f"{key}_{name}"] = value
    for env, info in infos.items():
        metrics[f"{env}/expert_return"] = info["R_exp"]
        metrics[f"{env}/random_return"] = info["R_rand"]
        metrics[f"{env}/budget"] = info["budget"]
        metrics[f"{env}/sampler"] = info["sampler"]
    finals = [r.normalised[-1] for r in runs if r.normalised and r.env in infos]
    if finals:
        metrics["mean_final_normalised_return"], metrics["mean_final_normalised_return_ci95"] = mean_ci95(finals)
    return metrics


def run(config: Config) -> Result:
    """Train every configured method on every configured task for ``config.seed``."""
    import torch

    from agentzoo.systems.rdirl.envs import require_rl

    require_rl()
    torch.set_num_threads(config.torch_threads)
    runs: list[MethodRun] = []
    infos: dict[str, dict[str, Any]] = {}
    for env in config.envs:
        if env == "pursuit":
            runs += run_pursuit(config)
        elif env == "gridworld":
            runs += run_gridworld(config)
        else:
            env_runs, infos[env] = run_gym(config, env)
            runs += env_runs
    records = pd.DataFrame([
        {"kind": "eval", "env": r.env, "method": r.method, "env_step": step, "normalised_return": value,
         "rho": r.rho[i] if i < len(r.rho) else np.nan}
        for r in runs for i, (step, value) in enumerate(zip(r.steps, r.normalised))
    ], columns=["kind", "env", "method", "env_step", "normalised_return", "rho"])
    artifacts: dict[str, Any] = {f"{r.env}__{r.method}.safetensors": _safetensors(r.arrays) for r in runs if r.arrays}
    scatter = []
    for r in runs:
        if r.scatter is not None:
            pick = rng(config.seed, "scatter", r.env, r.method).permutation(len(r.scatter[0]))[:400]
            scatter.append(pd.DataFrame({"env": r.env, "method": r.method, "true_reward": r.scatter[0][pick],
                                         "learned_reward": r.scatter[1][pick]}))
    if scatter:
        artifacts["cost_scatter.parquet"] = pd.concat(scatter, ignore_index=True)
    from agentzoo.systems.rdirl.experts import save_demos

    for env, info in infos.items():
        artifacts[f"demos/{env}.npz"] = save_demos(info["demos"])
    return Result.create("rdirl", config, _metrics(runs, infos, config), records=records, artifacts=artifacts)


__all__ = ["MethodRun", "run"]
