"""Curation of gold trajectories: agent sequence, subtask units, reference templates, LLM fallback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from agentzoo.envs.office import Subtask
from agentzoo.llm.scripted import ScriptedChatModel
from agentzoo.systems.legomem.curate import curate_all, curate_llm, curate_rules, memory_items
from agentzoo.systems.legomem.expert import passes


def pick(subtasks: list[Subtask], family: str) -> Subtask:
    return next(s for s in subtasks if s.family == family)


def test_rule_curation_of_a_three_app_gold_trajectory(generated: list[Subtask], run_gold: Any, tmp_path: Path) -> None:
    subtask = pick(generated, "invite_confirm")
    trajectory, facts, office = run_gold(subtask, tmp_path)
    assert passes(subtask, office.testbed)
    memory = curate_rules(trajectory, subtask, facts)
    assert [u.agent for u in memory.subtasks] == ["email", "calendar", "email"]
    assert [p["agent"] for p in memory.plan] == ["email", "calendar", "email"]
    email, calendar, reply = memory.subtasks
    assert [s["action"]["action"] for s in email.steps] == ["list_emails", "read_email"]
    assert email.steps[1]["action"]["email_id"] == "{mail:name#1}"  # the email from the host named in the task
    assert calendar.steps[0]["action"] == {
        "app": "calendar", "action": "create_event", "user": "{user}", "summary": "{subject_topic}",
        "time_start": "{odate#1} {otime#1}:00", "time_end": "{odate#1} {otime#2}:00"}
    assert reply.steps[0]["action"]["recipient"] == "{name#1}"
    assert reply.steps[0]["action"]["content"] == "I will attend the {subject_topic}."
    assert "{user}" in email.description_template and subtask.username in email.description
    items = memory_items(memory, "ns")
    assert [i.kind for i in items] == ["task", "subtask", "subtask", "subtask"]
    assert items[0].payload["plan"] == memory.plan and items[1].payload["agent"] == "email"


def test_failed_steps_are_dropped_and_same_agent_delegations_merge(generated: list[Subtask], run_gold: Any, tmp_path: Path) -> None:
    subtask = pick(generated, "excel_append")
    trajectory, facts, _ = run_gold(subtask, tmp_path)
    from agentzoo.systems.legomem.trace import Delegation, Step

    broken = Delegation("excel", "again", [Step({"app": "excel", "action": "read_file", "file_path": "nope.xlsx"},
                                                 "Failed: missing", "app_error")], "failed")
    trajectory.delegations.insert(1, broken)
    trajectory.delegations.append(Delegation("excel", "more", trajectory.delegations[0].steps[:1], "r"))
    memory = curate_rules(trajectory, subtask, facts)
    assert [u.agent for u in memory.subtasks] == ["excel"]
    assert [s["action"]["action"] for s in memory.subtasks[0].steps] == ["read_file", "set_cell", "set_cell",
                                                                         "read_file"]
    set_name = memory.subtasks[0].steps[1]["action"]
    assert set_name["row_idx"] == "{next_row}" and set_name["column_idx"] == "1"


def test_llm_curation_falls_back_on_invalid_output_and_counts_it(generated: list[Subtask], run_gold: Any, tmp_path: Path) -> None:
    subtask = pick(generated, "excel_to_email")
    trajectory, facts, _ = run_gold(subtask, tmp_path)
    counters = {"curation_fallbacks": 0}
    invalid = ScriptedChatModel.from_replies(["Sure! Here is a summary: the agent read a file.",
                                              '{"high_level_plan": "x", "subtasks": [{"agent": "word"}]}'])
    memories = curate_all([(trajectory, subtask, facts)] * 2, "llm", invalid, counters)
    assert counters["curation_fallbacks"] == 2
    assert all(m.curated_by == "rules" for m in memories)
    good = json.dumps({"high_level_plan": "read the sheet, then email the value", "subtasks": [
        {"agent": "excel", "description": f"Find the value in {facts.values['file#1']}", "steps": []},
        {"agent": "email", "description": f"Email {facts.values['name#1']} the value", "steps": []}],
        "final_answer": "", "reflections": ""})
    memory, fell_back = curate_llm(trajectory, subtask, facts, ScriptedChatModel.from_replies([good]))
    assert not fell_back and memory.curated_by == "llm"
    assert memory.plan[1]["template"] == "Email {name#1} the value"
    assert memory.plan[0]["template"] == "Find the value in {file#1}"
