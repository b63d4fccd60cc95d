"""``run(config)``: a method on every problem, then the final public and private evaluations.

Per problem: a session is started, the method searches with a :class:`~.api.PublicSession` (no
private data), the start and the best program are judged on all public seeds (``score_initial``,
``score_final``, ``improvement``), and the best one once on the private seeds, ranked against the
**pseudo**-leaderboard (``rank``, ``performance``; not AtCoder performances).
"""

from __future__ import annotations

import json
import logging
import math
import time
from typing import Any

import numpy as np
import pandas as pd

from agentzoo.runs import Result as RunResult
from agentzoo.seeding import rng
from agentzoo.systems.ale_bench import agent, leaderboard
from agentzoo.systems.ale_bench.api import Session, start
from agentzoo.systems.ale_bench.config import Config
from agentzoo.systems.ale_bench.judge import Result, Verdict
from agentzoo.systems.ale_bench.search_baseline import param_search

log = logging.getLogger(__name__)


def public_score(result: Result, maximize: bool, fail_cost: int) -> float:
    """Mean per-case absolute score; a rejected case scores 0 (maximise) or ``fail_cost`` (minimise)."""
    values = [c.absolute_score if c.judge_result is Verdict.ACCEPTED else (0 if maximize else fail_cost)
              for c in result.case_results if c.judge_result is not Verdict.INTERNAL_ERROR]
    return float(np.mean(values)) if values else math.nan


def improvement(initial: float, final: float, maximize: bool) -> float:
    """Relative improvement in the problem's direction (0.2 = 20 % better)."""
    if maximize:
        return final / initial - 1.0 if initial > 0 else math.inf if final > 0 else 0.0
    return initial / final - 1.0 if final > 0 else 0.0


def _session(config: Config, problem_id: str) -> Session:
    return start(problem_id, lite_version=config.lite, num_workers=config.num_workers,
                 session_duration=config.session_hours * 3600 if config.session_hours else None,
                 official_data_dir=config.official_data_dir, sandbox=config.sandbox,
                 tle_clock=config.tle_clock, time_limit_scale=config.time_limit_scale,
                 iter_budget=config.iter_budget or None)


def _start_code(session: Session, config: Config) -> str | None:
    if config.edit_mode == "free" and config.method in ("refine", "repeated_sampling"):
        return None
    if not hasattr(session.problem, "solution"):
        raise ValueError(f"{session.problem.id} has no skeleton.cpp (official problems): use "
                         "--edit-mode free with refine or repeated_sampling and a capable openai: model")
    return session.problem.solution("skeleton.cpp").read_text()


def solve_problem(config: Config, problem_id: str, model: Any) -> dict[str, Any]:
    """Run the configured method on one problem; returns metrics, rows and artifacts."""
    session = _session(config, problem_id)
    problem = session.problem
    seed_rng = rng(config.seed, "ale-bench", problem_id, config.method)
    deadline = time.perf_counter() + config.session_hours * 3600 if config.session_hours else None
    started = time.perf_counter()
    code = _start_code(session, config)
    public = session.public()
    if config.method == "refine":
        slog = agent.refine(public, model, config, seed_rng, code, deadline)
    elif config.method == "repeated_sampling":
        slog = agent.repeated_sampling(public, model, config, seed_rng, code, deadline)
    else:
        assert code is not None
        slog = param_search(public, config, seed_rng, code, deadline)
    search_s = time.perf_counter() - started
    root, best = slog.nodes[0], slog.best
    initial = session.public_eval(root.code, config.language)
    final = initial if best is root else session.public_eval(best.code, config.language)
    out: dict[str, Any] = {
        "score_initial": public_score(initial, problem.maximize, problem.fail_cost),
        "score_final": public_score(final, problem.maximize, problem.fail_cost),
        "programs": len(slog.nodes), "best_node": best.id, "best_label": best.label,
        "fitness_best": best.fitness,
        "fitness_curve": [float(v) for v in np.maximum.accumulate([n.fitness for n in slog.nodes])],
        "parse_failures": slog.parse_failures, "duplicates": slog.duplicates, "llm_calls": slog.llm_calls,
        "prompt_tokens": slog.prompt_tokens, "completion_tokens": slog.completion_tokens,
        "search_seconds": search_s, "final_verdicts": json.dumps(final.verdict_counts),
        "compile_errors": sum(1 for n in slog.nodes if "COMPILATION_ERROR" in n.verdicts),
        "runtime_errors": sum(1 for n in slog.nodes if "RUNTIME_ERROR" in n.verdicts),
        "tle": sum(1 for n in slog.nodes if "TIME_LIMIT_EXCEEDED" in n.verdicts),
    }
    out["improvement"] = improvement(out["score_initial"], out["score_final"], problem.maximize)
    if config.private_eval:
        private, rank, perf = session.private_eval(best.code, config.language)
        out.update(private_score=private.overall_absolute_score if problem.maximize else private.total_cost,
                   private_verdict=private.overall_judge_result.value,
                   rank=rank if rank is not None else math.nan,
                   performance=perf if perf is not None else math.nan)
        if private.overall_relative_score is not None:
            out["private_relative_score"] = private.overall_relative_score
    stats = session.judge.stats
    # judge overhead: wall time of a case minus the program's own CPU time (sandbox, pipes, scoring)
    out["judge_overhead_per_case_s"] = max(0.0, stats["judge_seconds"] - stats["program_cpu_seconds"]) / max(1, stats["cases"])
    artifacts: dict[str, Any] = {}
    ext = "py" if config.language == "python" else "cpp"
    for node in slog.nodes:
        artifacts[f"programs/{problem_id}/{node.id}.{ext}"] = node.code
        artifacts[f"programs/{problem_id}/{node.id}.json"] = node.summary()
    case0 = final.case_results[0] if final.case_results else None
    if case0 is not None and case0.input_str is not None and case0.output_str is not None:
        try:
            vis = session.local_visualization(case0.input_str, case0.output_str)
            artifacts[f"vis/{problem_id}_best_seed{session.public_seeds[0]}.svg"] = vis.svg
            artifacts[f"vis/{problem_id}_best_seed{session.public_seeds[0]}.png"] = vis.png
        except Exception as err:  # a visualiser bug must not lose the run
            log.warning("visualisation of %s failed: %s", problem_id, err)
    rows = [{"problem": problem_id, "method": config.method, "program": i, **n.summary(),
             "verdicts": json.dumps(n.verdicts), "scores": json.dumps(n.scores),
             "mean_eval_score": float(np.mean(n.scores)) if n.scores else math.nan}
            for i, n in enumerate(slog.nodes)]
    return {"metrics": out, "rows": rows, "artifacts": artifacts,
            "tree": [n.summary() for n in slog.nodes], "action_log": session.action_log}


def reference_rows(config: Config, problem_id: str) -> dict[str, Any]:
    """The pseudo-entrants as a method: their stored private totals, ranks and performances."""
    session = _session(config, problem_id)
    board = leaderboard.load_leaderboard(session.problem, config.lite)
    if board is None:
        return {"metrics": {"entrants": 0}, "rows": [], "artifacts": {}, "tree": [], "action_log": []}
    rows = [{"problem": problem_id, "method": "reference", **r} for r in board.entrant_rows()]
    best = max(rows, key=lambda r: float(str(r["performance"])))
    return {"metrics": {"entrants": len(rows), "performance": best["performance"], "best_entrant": best["entrant"]},
            "rows": rows, "artifacts": {}, "tree": [], "action_log": []}


def eval_file(config: Config) -> RunResult:
    assert config.problem is not None and config.code is not None
    session = _session(config, config.problem)
    language = config.lang or config.language
    code = config.code.read_text()
    public = session.public_eval(code, language)
    p = session.problem
    metrics: dict[str, Any] = {"public_score": public_score(public, p.maximize, p.fail_cost),
                               "public_verdict": public.overall_judge_result.value,
                               "public_verdicts": json.dumps(public.verdict_counts)}
    if config.private:
        private, rank, perf = session.private_eval(code, language)
        metrics.update(private_score=private.overall_absolute_score if p.maximize else private.total_cost,
                       rank=rank if rank is not None else math.nan,
                       performance=perf if perf is not None else math.nan)
    records = pd.DataFrame([{"seed": c.seed, **c.to_dict()} for c in public.case_results])
    return RunResult.create("ale-bench", config, metrics, records=records,
                            artifacts={"action_log.jsonl": "\n".join(json.dumps(a) for a in session.action_log) + "\n"})


def run(config: Config) -> RunResult:
    if config.mode == "eval":
        return eval_file(config)
    model = None
    if config.method in ("refine", "repeated_sampling"):
        from agentzoo.llm import load_model

        model = load_model(config.model, seed=config.seed)
    metrics: dict[str, Any] = {"method": config.method, "model": config.model if model else "none",
                               "edit_mode": config.edit_mode, "time_limit_scale": config.time_limit_scale,
                               "leaderboard": "pseudo (reference solutions), not AtCoder"}
    rows: list[dict[str, Any]] = []
    artifacts: dict[str, Any] = {}
    trees: dict[str, Any] = {}
    actions: list[str] = []
    performances = []
    for problem_id in config.problems:
        log.info("ale-bench: %s on %s", config.method, problem_id)
        if config.method == "reference":
            out = reference_rows(config, problem_id)
        else:
            out = solve_problem(config, problem_id, model)
        for key, value in out["metrics"].items():
            metrics[f"{problem_id}/{key}"] = value
        if isinstance(out["metrics"].get("performance"), int | float) and not math.isnan(out["metrics"]["performance"]):
            performances.append(out["metrics"]["performance"])
        rows += out["rows"]
        artifacts.update(out["artifacts"])
        trees[problem_id] = out["tree"]
        actions += [json.dumps({"problem": problem_id, **a}) for a in out["action_log"]]
    metrics["mean_performance"] = float(np.mean(performances)) if performances else math.nan
    improvements = [metrics.get(f"{p}/improvement") for p in config.problems]
    metrics["problems_improved_20pct"] = sum(1 for v in improvements if isinstance(v, float) and v >= 0.2)
    artifacts["search_tree.json"] = trees
    artifacts["action_log.jsonl"] = "\n".join(actions) + "\n"
    result = RunResult.create("ale-bench", config, metrics, records=pd.DataFrame(rows), artifacts=artifacts)
    figs = figures([result])
    for name, fig in figs:
        import io

        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100)
        result.artifacts[f"{name}.png"] = buffer.getvalue()
    return result


def figures(results: list[RunResult]) -> list[tuple[str, Any]]:
    """Best-so-far fitness (mean per-case ratio to the start program) versus programs judged."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = []
    curves: dict[str, list[tuple[str, list[float]]]] = {}
    for res in results:
        for key, value in res.metrics.items():
            if key.endswith("/fitness_curve") and isinstance(value, list) and value:
                label = f"{res.metrics.get('method', '?')} seed {res.seed}"
                curves.setdefault(key.split("/")[0], []).append((label, value))
    if curves:
        fig, axes = plt.subplots(1, len(curves), figsize=(4 * len(curves), 3.2), squeeze=False)
        for ax, (problem_id, lines) in zip(axes[0], sorted(curves.items())):
            for label, values in lines:
                ax.plot(range(1, len(values) + 1), values, marker="o", ms=3, label=label)
            ax.axhline(1.2, color="grey", ls=":", lw=1)
            ax.set_title(problem_id)
            ax.set_xlabel("programs judged")
            ax.set_ylabel("best ratio to start")
        axes[0][0].legend(fontsize=7)
        fig.tight_layout()
        out.append(("score_vs_programs", fig))
    return out
