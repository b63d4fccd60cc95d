"""One LEGOMem experiment: build memory on the train split, run every condition on the test split.

1. Load the suite (generated families, or OfficeBench-format folders); mark invalid and
   unsupported subtasks (skipped and counted by reason).
2. Split by task directory into train and test (stratified by family / app count).
3. Memory: record successful trajectories on train (the scripted expert, or the team itself),
   verify each with the evaluator, curate them into full-task and subtask units, store them in
   the vector store under a namespace of this split. No test subtask is ever written there.
4. For each condition (placements, retrieval variants, controls) and each test subtask: a fresh
   testbed copy, the team (or the replay/oracle executor), the evaluator's verdicts, a trace.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd

from agentzoo.envs.office import (
    Office,
    Subtask,
    classify,
    evaluate_subtask,
    load_suite,
    make_testbed,
)
from agentzoo.envs.office.generate import FAMILIES, generate_suite
from agentzoo.llm import ChatModel, load_model, user
from agentzoo.memory import VectorStore, get_embedder
from agentzoo.progress import track
from agentzoo.runs import Result
from agentzoo.seeding import rng
from agentzoo.systems.legomem import report
from agentzoo.systems.legomem.agents import Counters, Team, replay
from agentzoo.systems.legomem.config import Config
from agentzoo.systems.legomem.curate import curate_all
from agentzoo.systems.legomem.expert import execute_program, expert_program, passes
from agentzoo.systems.legomem.retrieval import Guidance, MemoryBank
from agentzoo.systems.legomem.scoring import ChoiceStats
from agentzoo.systems.legomem.trace import Trajectory, subtask_facts

log = logging.getLogger(__name__)


def resolve_interface(config: Config) -> str:
    if config.interface != "auto":
        return config.interface
    specs = [config.orchestrator_model or config.model, config.agent_model or config.model]
    return "freeform" if all(s.startswith("openai") for s in specs) else "constrained"


def load_subtasks(config: Config, workdir: Path) -> tuple[list[Subtask], str]:
    if config.suite == "generated":
        root = workdir / "suite"
        generate_suite(root, config.families or tuple(FAMILIES), config.n_per_family, config.seed)
        return load_suite(root), "generated"
    return load_suite(Path(config.suite)), Path(config.suite).name


def family_of(subtask: Subtask, files: list[str], users: list[str]) -> str:
    """The family label: the generator's, else the app set of the expert program (OfficeBench)."""
    if subtask.family:
        return subtask.family
    program = expert_program(subtask, subtask_facts(subtask, files, users))
    return "apps:" + "+".join(sorted({agent for agent, _, _ in program})) if program else "apps:none"


def split(subtasks: list[Subtask], families: dict[str, str], config: Config) -> tuple[list[Subtask], list[Subtask]]:
    """Train/test by task directory (or by subtask), stratified by family (generated) or app count."""
    key = (lambda s: s.task_id) if config.split_by == "dir" else (lambda s: s.uid)
    groups: dict[str, list[str]] = {}
    for s in subtasks:
        stratum = families[s.uid] if s.family else str(s.n_apps)
        groups.setdefault(stratum, [])
        if key(s) not in groups[stratum]:
            groups[stratum].append(key(s))
    generator = rng(config.seed, "legomem-split")
    train_keys: set[str] = set()
    for stratum in sorted(groups):
        units = sorted(groups[stratum])
        order = generator.permutation(len(units))
        n_train = max(1, round(config.train_fraction * len(units))) if len(units) > 1 else 0
        train_keys |= {units[i] for i in order[:n_train]}
    train = [s for s in subtasks if key(s) in train_keys]
    test = [s for s in subtasks if key(s) not in train_keys]
    if config.max_test_subtasks and len(test) > config.max_test_subtasks:
        chosen = sorted(rng(config.seed, "legomem-test-sample").choice(len(test), config.max_test_subtasks, replace=False))
        test = [test[i] for i in chosen]
    return train, test


def namespace(config: Config, suite_name: str) -> str:
    key = json.dumps([suite_name, config.suite, list(config.families), config.n_per_family, config.train_fraction,
                      config.split_by, config.seed, config.memory_source, config.curate, config.embedder,
                      config.mask_entities],
                     sort_keys=True)
    return f"legomem/{suite_name}/train/{hashlib.sha256(key.encode()).hexdigest()[:12]}"


class Runner:
    """Holds the models, the bank and the counters of one run."""

    def __init__(self, config: Config, workdir: Path) -> None:
        self.config = config
        self.workdir = workdir
        self.interface = resolve_interface(config)
        specs = {config.orchestrator_model or config.model, config.agent_model or config.model}
        loaded = {spec: load_model(spec, seed=config.seed) for spec in specs}
        self.orchestrator: ChatModel = loaded[config.orchestrator_model or config.model]
        self.agent: ChatModel = loaded[config.agent_model or config.model]
        self.stats = ChoiceStats()
        self.counters = Counters()
        self.extra: Counter[str] = Counter()
        self._testbeds = 0

    def office(self, subtask: Subtask) -> Office:
        self._testbeds += 1
        testbed = make_testbed(subtask, self.workdir / "runs" / f"{self._testbeds:06d}" / "testbed")
        model = self.agent

        def ask(prompt: str) -> str:
            return model.chat([user(prompt)], max_tokens=64, temperature=0.0).text

        return Office(testbed, username=subtask.username, now=subtask.now, llm=ask)

    # ------------------------------------------------------------------ memory
    def record_train(self, train: list[Subtask], bank: MemoryBank | None) -> list[tuple[Trajectory, Subtask, Any]]:
        """Successful, evaluator-verified trajectories on the train split."""
        successes = []
        for subtask in track(train, "legomem: recording train trajectories"):
            office = self.office(subtask)
            facts = subtask_facts(subtask, office.files(), office.users())
            if self.config.memory_source == "gold":
                trajectory = execute_program(subtask, expert_program(subtask, facts), office, facts,
                                             self.config.obs_max_tokens * 4)
            else:
                team = Team(self.config, self.orchestrator, self.agent, self.interface, bank, self.stats,
                            Counters())
                trajectory = team.solve(subtask, office, Guidance())
            self.extra["train_attempted"] += 1
            if passes(subtask, office.testbed):
                self.extra["train_succeeded"] += 1
                successes.append((trajectory, subtask, facts))
        return successes

    # ------------------------------------------------------------------ evaluation
    def evaluate(self, condition: str, subtask: Subtask, family: str, bank: MemoryBank) -> tuple[dict[str, Any], str]:
        office = self.office(subtask)
        calls_before = _calls(self.orchestrator) + (0 if self.agent is self.orchestrator else _calls(self.agent))
        counters_before = dict(vars(self.counters))
        start = time.perf_counter()
        placement, _, variant = condition.partition("_")
        if condition == "replay":
            trajectory = replay(subtask, office, bank, subtask.task, self.config.obs_max_tokens * 4, self.counters)
        elif condition == "oracle":
            facts = subtask_facts(subtask, office.files(), office.users())
            trajectory = execute_program(subtask, expert_program(subtask, facts), office, facts)
        else:
            guidance = bank.guidance(condition, subtask.task, family, rng(self.config.seed, "random-memory", subtask.uid),
                                     subtask.username)
            team = Team(self.config, self.orchestrator, self.agent, self.interface, bank, self.stats, self.counters)
            trajectory = team.solve(subtask, office, guidance, rewrite=variant == "rewrite")
        seconds = time.perf_counter() - start
        verdicts = evaluate_subtask(subtask, office.testbed)
        delta = {k: v - counters_before[k] for k, v in vars(self.counters).items()}
        calls = _calls(self.orchestrator) + (0 if self.agent is self.orchestrator else _calls(self.agent)) - calls_before
        row = {
            "condition": condition, "placement": placement, "retrieval": variant or "vanilla", "uid": subtask.uid,
            "task_id": subtask.task_id, "family": family, "n_apps": subtask.n_apps,
            "passed": all(v.passed for v in verdicts), "n_predicates": len(verdicts),
            "predicates_passed": sum(v.passed for v in verdicts),
            "evaluator_errors": sum(bool(v.error) for v in verdicts),
            "verdicts": json.dumps([[v.function, v.passed, v.error] for v in verdicts]),
            "steps": trajectory.n_steps, "delegations": len(trajectory.delegations),
            "agents": ",".join(d.agent for d in trajectory.delegations), "finished": trajectory.finished,
            "invalid_actions": delta["invalid_actions"], "parse_failures": delta["parse_failures"],
            "memory_actions_chosen": delta["memory_actions_chosen"],
            "memory_tokens_per_prompt": delta["memory_tokens"] / max(1, delta["prompts"]),
            "llm_calls": calls, "seconds": seconds, "memory_ids": ",".join(trajectory.memory_ids),
        }
        log.info("%s %s: %s in %.1f s, %d model calls, %d steps", condition, subtask.uid,
                 "passed" if row["passed"] else "failed", seconds, calls, row["steps"])
        trace = json.dumps({"condition": condition, "verdicts": json.loads(row["verdicts"]),
                            "trajectory": json.loads(trajectory.to_json())}, ensure_ascii=False)
        return row, trace


def _calls(model: ChatModel) -> int:
    return int(getattr(model, "calls", 0))


def run(config: Config) -> Result:
    """Build memory on the train split and evaluate every condition on the test split."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="legomem-") as scratch:
        workdir = Path(scratch)
        subtasks, suite_name = load_subtasks(config, workdir)
        reasons: Counter[str] = Counter()
        runnable = []
        for subtask in subtasks:
            support = classify(subtask)
            if subtask.status != "ok":
                reasons["invalid"] += 1
                log.warning("invalid subtask %s: %s", subtask.uid, subtask.reason)
            elif support.runnable or not config.skip_unsupported:
                runnable.append(subtask)
            else:
                reasons[support.reasons[0]] += 1
        runner = Runner(config, workdir)
        families = {}
        for subtask in runnable:
            files = [str(p.relative_to(subtask.testbed)) for p in subtask.testbed.rglob("*") if p.is_file()] \
                if subtask.testbed.is_dir() else []
            users = sorted({f.split("/")[1] for f in files if f.startswith("emails/")} |
                           {Path(f).stem for f in files if f.startswith("calendar/")})
            families[subtask.uid] = family_of(subtask, files, users)
        train, test = split(runnable, families, config)
        db_path = Path(config.memory_db) if config.memory_db else workdir / "memory.sqlite"
        store = VectorStore(db_path, embedder=get_embedder(config.embedder))
        space = namespace(config, suite_name)
        store.delete(where={"namespace": space})
        bank = MemoryBank(store, space, config.top_k, config.mask_entities)
        successes = runner.record_train(train, bank)
        curation: dict[str, int] = {"curation_fallbacks": 0}
        memories = curate_all(successes, config.curate, runner.orchestrator, curation)
        for memory in memories:  # OfficeBench tasks have no generator family: label memory by app set too
            memory.family = memory.family or families[memory.source_uid]
        stored = bank.add(memories)
        test_uids = {s.uid for s in test}
        leaked = {str(r.payload.get("source_uid")) for r in stored} & test_uids
        if leaked:  # never evaluate with a test subtask in memory
            raise RuntimeError(f"test subtasks found in the memory bank: {sorted(leaked)[:5]}")
        retrieval_rows = []
        for subtask in test:
            hits = bank.tasks(subtask.task, username=subtask.username)
            got = [r.payload.get("family") for r, _ in hits]
            retrieval_rows.append({"uid": subtask.uid, "family": families[subtask.uid],
                                   "hit_at_1": bool(got) and got[0] == families[subtask.uid],
                                   "hit_at_k": families[subtask.uid] in got,
                                   "top1": got[0] if got else "", "score": hits[0][1] if hits else float("nan")})
        rows, traces = [], {}
        for condition in config.run_names:
            lines = []
            for subtask in track(test, f"legomem: {condition}"):
                row, trace = runner.evaluate(condition, subtask, families[subtask.uid], bank)
                rows.append(row)
                lines.append(trace)
            traces[f"traces/{condition}.jsonl"] = "\n".join(lines) + "\n"
            log.info("%s: %d/%d passed", condition, sum(r["passed"] for r in rows if r["condition"] == condition),
                     len(test))
        records = pd.DataFrame(rows)
        memory_export = workdir / "memory.jsonl"
        store.export_jsonl(memory_export, where={"namespace": space})
        store.close()
        memory_bytes = db_path.read_bytes() if config.memory_db is None else None
        metrics: dict[str, Any] = {}
        if not records.empty:
            metrics.update(report.condition_metrics(records, config.run_names))
        metrics.update(report.retrieval_metrics(retrieval_rows, config.top_k))
        metrics.update(report.skipped_metrics(reasons))
        metrics.update({
            "tasks_evaluated": len(test), "train_subtasks": len(train), "memory_task_units": len(memories),
            "memory_subtask_units": sum(len(m.subtasks) for m in memories),
            "train_success_rate": runner.extra["train_succeeded"] / max(1, runner.extra["train_attempted"]),
            "curation_fallbacks": curation["curation_fallbacks"], "interface": runner.interface,
            "llm_choice_calls": runner.stats.calls, "llm_choice_seconds": runner.stats.seconds,
            "parse_failures": runner.counters.parse_failures, "invalid_actions": runner.counters.invalid_actions,
            "evaluator_errors": int(records["evaluator_errors"].sum()) if not records.empty else 0,
            "unresolved_memory_actions": runner.counters.unresolved_memory_actions,
            "wall_seconds": time.perf_counter() - started,
        })
        artifacts: dict[str, Any] = dict(traces)
        artifacts["memory.jsonl"] = memory_export.read_text()
        artifacts["retrieval.parquet"] = pd.DataFrame(retrieval_rows)
        if memory_bytes is not None:
            artifacts["memory.sqlite"] = memory_bytes
        if not records.empty:
            artifacts["summary.md"] = report.success_table(records, config.run_names) + "\n"
            for name, figure in report.figures([_Loaded(records)]):
                artifacts[f"{name}.png"] = _png(figure)
        return Result.create("legomem", config, metrics, records=records, artifacts=artifacts)


class _Loaded:
    def __init__(self, records: pd.DataFrame) -> None:
        self.records = records


def _png(figure: Any) -> bytes:
    import io

    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    plt.close(figure)
    return buffer.getvalue()
