"""Retrieval: MiniLM vanilla P@1 on the generated suite, placements, dynamic filters, random control."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from agentzoo.envs.office import Subtask, load_suite
from agentzoo.envs.office.generate import generate_suite
from agentzoo.memory import EmbedderError, VectorStore, get_embedder
from agentzoo.systems.legomem.config import Config
from agentzoo.systems.legomem.curate import TaskMemory, curate_rules
from agentzoo.systems.legomem.prompts import plan_block, unit_block
from agentzoo.systems.legomem.retrieval import MemoryBank, n_tokens
from agentzoo.systems.legomem.run import split


@pytest.fixture(scope="module")
def bank(generated: list[Subtask], run_gold: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[MemoryBank, list[Subtask]]:
    try:
        embedder = get_embedder("minilm")
    except EmbedderError as exc:
        pytest.skip(str(exc))
    families = {s.uid: s.family for s in generated}
    train, test = split(generated, families, Config(n_per_family=4))
    where = tmp_path_factory.mktemp("bank")
    memories = []
    for i, subtask in enumerate(train):
        trajectory, facts, _ = run_gold(subtask, where / str(i))
        memories.append(curate_rules(trajectory, subtask, facts))
    store = VectorStore(where / "memory.sqlite", embedder=embedder)
    memory_bank = MemoryBank(store, "train", top_k=3, mask=True)
    memory_bank.add(memories)
    return memory_bank, test


def test_split_is_by_directory_and_stratified(generated: list[Subtask]) -> None:
    train, test = split(generated, {s.uid: s.family for s in generated}, Config(n_per_family=4))
    assert not {s.task_id for s in train} & {s.task_id for s in test}
    assert all(sum(s.family == f for s in train) == 2 for f in {s.family for s in generated})


@pytest.mark.slow
def test_minilm_vanilla_precision_at_1_on_generated_test_set(tmp_path: Path) -> None:
    """Ten tasks per family (the cpu preset's size): five remembered, five queried."""
    try:
        embedder = get_embedder("minilm")
    except EmbedderError as exc:
        pytest.skip(str(exc))
    generate_suite(tmp_path, n_per_family=10, seed=0)
    subtasks = load_suite(tmp_path)
    train, test = split(subtasks, {s.uid: s.family for s in subtasks}, Config())
    memory_bank = MemoryBank(VectorStore(":memory:", embedder=embedder), "train", top_k=3, mask=True)
    memory_bank.add([TaskMemory(s.task, s.uid, s.family, s.n_apps, s.username) for s in train])
    hits: dict[str, list[bool]] = {}
    for subtask in test:
        top = memory_bank.tasks(subtask.task, username=subtask.username)[0][0]
        hits.setdefault(subtask.family, []).append(top.payload["family"] == subtask.family)
    by_family = {f: float(np.mean(v)) for f, v in hits.items()}
    assert float(np.mean([x for v in hits.values() for x in v])) >= 0.8, by_family
    assert sum(v >= 0.8 for v in by_family.values()) >= 12, by_family
    assert not {s.uid for s in test} & {r.payload["source_uid"] for r in memory_bank.store.records()}


def test_placements_and_dynamic_filters(bank: tuple[MemoryBank, list[Subtask]]) -> None:
    memory_bank, test = bank
    subtask = next(s for s in test if s.family == "excel_to_email")
    rng = np.random.default_rng(0)
    both = memory_bank.guidance("both", subtask.task, subtask.family, rng)
    assert len(both.plans) == 3 and set(both.agent_units) >= {"excel", "email"}
    assert memory_bank.guidance("none", subtask.task, subtask.family, rng).empty
    orchestrator = memory_bank.guidance("orchestrator", subtask.task, subtask.family, rng)
    assert orchestrator.plans and not orchestrator.agent_units
    agents = memory_bank.guidance("agents", subtask.task, subtask.family, rng)
    assert agents.agent_units and not agents.plans
    dynamic = memory_bank.guidance("both_dynamic", subtask.task, subtask.family, rng)
    assert dynamic.dynamic and dynamic.plans and not dynamic.agent_units
    units = memory_bank.subtasks_for("Email Tom the value", "email")
    assert units and all(u["agent"] == "email" for u in units)


def test_random_control_other_families_and_matched_length(bank: tuple[MemoryBank, list[Subtask]]) -> None:
    memory_bank, test = bank
    subtask = next(s for s in test if s.family == "calendar_add")
    vanilla = memory_bank.guidance("both", subtask.task, subtask.family, np.random.default_rng(0))
    control = memory_bank.guidance("random", subtask.task, subtask.family, np.random.default_rng(0))
    vanilla_families = {p["family"] for p in vanilla.plans}
    assert control.plans and not {p["family"] for p in control.plans} & (vanilla_families | {subtask.family})
    target = control.match_tokens["orchestrator"]
    assert target == n_tokens(plan_block(vanilla.plans, [], None))
    shown = plan_block(control.plans, [], None, 300, target)
    assert abs(n_tokens(shown) - target) <= 3
    for agent, units in control.agent_units.items():
        goal = control.match_tokens.get(agent, 0)
        assert abs(n_tokens(unit_block(units, None, 0, 300, goal)) - goal) <= 3 or goal == 0
