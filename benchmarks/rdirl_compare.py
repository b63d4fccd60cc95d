"""RDIRL against GCL, the first-order ablation and AIRL, side by side, at equal env-step budgets.

One job per (task, seed, method), each a ``agentzoo.systems.rdirl.run`` on one method, so every
method of a (task, seed) gets the same demos, the same initial cost net and the same sampler seed.
Finished jobs are kept in ``--out`` and skipped on a re-run (resume after an interruption).

    .venv/bin/python benchmarks/rdirl_compare.py --out runs/rdirl_compare --workers 2

Prints and writes ``summary.md`` / ``summary.json``: seeds reaching 0.9 normalised return,
median steps to 0.9 (censored at the budget), final normalised return (mean, 95% CI), reward
correlation with the true cost (Pendulum), wall and CPU time per update, indefinite steps.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import numpy as np

TARGETS = "RDIRL >= 0.9 in >= 4/5 seeds; median steps to 0.9 <= first_order and gcl; Pendulum rho >= 0.8"


def job(env: str, seed: int, method: str, budget: int, eval_every: int, eval_episodes: int, out: str) -> str:
    import os

    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from agentzoo.runs import execute, is_complete
    from agentzoo.systems.rdirl import Config

    directory = Path(out) / env / f"{method}-seed{seed}"
    if is_complete(directory):
        return f"{directory} (kept)"
    config = Config(envs=(env,), methods=(method,), seed=seed, total_env_steps=budget,
                    eval_every=eval_every, eval_episodes=eval_episodes)
    start = time.perf_counter()
    execute("rdirl", config, directory)
    return f"{directory} ({time.perf_counter() - start:.0f} s)"


def summarise(out: Path, envs: list[str], methods: list[str], seeds: list[int]) -> dict[str, Any]:
    from agentzoo.runs import Result, is_complete
    from agentzoo.systems.rdirl.metrics import mean_ci95

    summary: dict[str, Any] = {}
    for env in envs:
        for method in methods:
            rows = []
            for seed in seeds:
                directory = out / env / f"{method}-seed{seed}"
                if is_complete(directory):
                    rows.append(Result.load(directory).metrics)
            if not rows:
                continue
            key = f"{env}/{method}"
            steps = [r[f"{key}_steps_to_0.9"] for r in rows]
            final = mean_ci95([r[f"{key}_final_normalised_return"] for r in rows])
            # area under the learning curve (mean normalised return over the evaluations after step 0):
            # a steadier sample-efficiency measure than the first crossing of 0.9, reported beside it
            auc = mean_ci95([float(np.mean(r[f"{key}_normalised_return_curve"][1:])) for r in rows])
            entry = {"seeds": len(rows), "reached": sum(1 - r[f"{key}_censored"] for r in rows),
                     "median_steps_to_0.9": float(np.median(steps)), "steps_to_0.9": steps,
                     "final_mean": final[0], "final_ci95": final[1], "auc_mean": auc[0], "auc_ci95": auc[1],
                     "ms_per_update": float(np.mean([r.get(f"{key}_ms_per_update", np.nan) for r in rows])),
                     "cpu_ms_per_update": float(np.mean([r.get(f"{key}_cpu_ms_per_update", np.nan) for r in rows])),
                     "updates": float(np.mean([r.get(f"{key}_n_updates", 0) for r in rows])),
                     "wall_seconds": float(np.mean([r[f"{key}_wall_seconds"] for r in rows])),
                     "n_indefinite_steps": int(sum(r.get(f"{key}_n_indefinite_steps", 0) for r in rows)),
                     "diverged": sum(f"{key}_diverged_at_step" in r for r in rows)}
            if f"{key}_cost_correlation" in rows[0]:
                rho = mean_ci95([r[f"{key}_cost_correlation"] for r in rows])
                entry.update(rho_mean=rho[0], rho_ci95=rho[1],
                             rho=[r[f"{key}_cost_correlation"] for r in rows],
                             epic_mean=float(np.mean([r[f"{key}_epic"] for r in rows])))
            summary[key] = entry
    return summary


def markdown(summary: dict[str, Any], budgets: dict[str, int]) -> str:
    lines = ["| task | method | seeds >= 0.9 | median steps to 0.9 | steps to 0.9 per seed | final normalised return "
             "| mean over evaluations | rho (true cost) | EPIC | ms/update wall | ms/update CPU | updates/run "
             "| wall s/run |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for key, e in summary.items():
        env, method = key.split("/")
        rho = f"{e['rho_mean']:.2f} ± {e['rho_ci95']:.2f}" if "rho_mean" in e else "–"
        epic = f"{e['epic_mean']:.2f}" if "epic_mean" in e else "–"
        per_seed = ", ".join(f"{s:.0f}" for s in e["steps_to_0.9"])
        lines.append(f"| {env} | {method} | {e['reached']}/{e['seeds']} | {e['median_steps_to_0.9']:.0f} "
                     f"(budget {budgets[env]}) | {per_seed} | {e['final_mean']:.3f} ± {e['final_ci95']:.3f} "
                     f"| {e['auc_mean']:.3f} ± {e['auc_ci95']:.3f} | {rho} | {epic} "
                     f"| {e['ms_per_update']:.3f} | {e['cpu_ms_per_update']:.3f} | {e['updates']:.0f} "
                     f"| {e['wall_seconds']:.0f} |")
    return "\n".join(lines)


def verdict(summary: dict[str, Any], envs: list[str]) -> list[str]:
    out = []
    for env in envs:
        r = summary.get(f"{env}/rdirl")
        if r is None:
            continue
        out.append(f"{env}: RDIRL reached 0.9 in {r['reached']}/{r['seeds']} seeds "
                   f"({'met' if r['reached'] >= 4 else 'NOT met'}: >= 4 of 5)")
        for other in ("first_order", "gcl"):
            o = summary.get(f"{env}/{other}")
            if o is not None:
                ok = r["median_steps_to_0.9"] <= o["median_steps_to_0.9"]
                out.append(f"{env}: median steps RDIRL {r['median_steps_to_0.9']:.0f} vs {other} "
                           f"{o['median_steps_to_0.9']:.0f} ({'met' if ok else 'NOT met'})")
        if "rho_mean" in r:
            out.append(f"{env}: RDIRL rho {r['rho_mean']:.2f} ({'met' if r['rho_mean'] >= 0.8 else 'NOT met'}: >= 0.8)")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--envs", default="CartPole-v1,Pendulum-v1")
    parser.add_argument("--methods", default="rdirl,first_order,gcl,airl")
    parser.add_argument("--seeds", default="0,1,2,3,4")
    parser.add_argument("--budget", default="CartPole-v1=100000,Pendulum-v1=10000",
                        help="env=steps pairs; equal for every method")
    parser.add_argument("--eval-every", default="CartPole-v1=5000,Pendulum-v1=1000")
    parser.add_argument("--eval-episodes", type=int, default=5)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("runs/rdirl_compare"))
    parser.add_argument("--summary-only", action="store_true", help="only aggregate finished jobs")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    envs, methods = args.envs.split(","), args.methods.split(",")
    seeds = [int(s) for s in args.seeds.split(",")]
    budgets = {k: int(float(v)) for k, v in (p.split("=") for p in args.budget.split(","))}
    evals = {k: int(float(v)) for k, v in (p.split("=") for p in args.eval_every.split(","))}
    args.out.mkdir(parents=True, exist_ok=True)
    if not args.summary_only:
        jobs = [(env, seed, method) for seed in seeds for env in envs for method in methods]
        with ProcessPoolExecutor(max_workers=args.workers) as pool:
            futures = [pool.submit(job, env, seed, method, budgets[env], evals[env], args.eval_episodes,
                                   str(args.out)) for env, seed, method in jobs]
            for future in as_completed(futures):
                logging.info("done: %s", future.result())
    summary = summarise(args.out, envs, methods, seeds)
    table = markdown(summary, budgets)
    checks = verdict(summary, envs)
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2))
    (args.out / "summary.md").write_text(table + "\n\nTargets (" + TARGETS + "):\n\n" +
                                         "\n".join(f"- {c}" for c in checks) + "\n")
    print(table)
    print("\n".join(checks))
    try:
        import matplotlib

        matplotlib.use("Agg")
        from agentzoo.runs import Result, is_complete
        from agentzoo.systems.rdirl import figures

        results = [Result.load(d) for env in envs for d in sorted((args.out / env).glob("*-seed*")) if is_complete(d)]
        for name, fig in figures(results):
            fig.savefig(args.out / f"{name}.png", dpi=110)
    except Exception as exc:  # figures are a convenience; the numbers above are the result
        logging.warning("figures failed: %s", exc)


if __name__ == "__main__":
    main()
