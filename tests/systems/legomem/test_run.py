"""End-to-end runs with scripted models (plumbing only), the free-form interface, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentzoo import registry
from agentzoo.config import ConfigError
from agentzoo.llm import Conversation
from agentzoo.llm.scripted import register
from agentzoo.runs import Result
from agentzoo.systems import legomem
from agentzoo.systems.legomem.facts import task_facts

REQUIRED = ("success_no_memory", "success_both", "retrieval_precision_at_1", "tasks_evaluated", "tasks_skipped")


def test_registered_exports() -> None:
    loaded = registry.load("legomem")
    assert loaded.Config is legomem.Config and loaded.run is legomem.run and loaded.figures is legomem.figures


def test_quick_smoke_with_a_memory_following_script(tmp_path: Path) -> None:
    config = legomem.Config.quick().replace(model="scripted:legomem-follow", embedder="hash")
    result = legomem.run(config)
    m = result.metrics
    assert all(k in m for k in REQUIRED)
    assert m["tasks_evaluated"] == 4 and m["tasks_skipped"] == 0 and m["train_success_rate"] == 1.0
    assert m["success_replay"] == 1.0  # re-bound gold memory of the same family solves these
    assert m["success_both"] >= m["success_no_memory"] and m["success_both"] == 1.0
    assert len(result.records) == 3 * 4 and set(result.records["condition"]) == {"none", "both", "replay"}
    traces = [json.loads(line) for line in str(result.artifacts["traces/both.jsonl"]).splitlines()]
    assert len(traces) == 4 and all(t["trajectory"]["memory_ids"] for t in traces)
    assert "| both |" in str(result.artifacts["summary.md"])
    saved = Result.load(result.save(tmp_path / "run"))
    assert saved.metrics["success_both"] == 1.0
    assert [name for name, _ in legomem.figures([saved])] == ["legomem_success_by_condition", "legomem_success_by_apps"]


def json_policy(messages: Conversation) -> str:
    """A scripted free-form team for calendar_add tasks: one bad reply per agent, then JSON."""
    system_text, prompt = messages[0]["content"], messages[-1]["content"]
    if "orchestrator" in system_text:
        if "Delegations so far:\nnone yet" in prompt:
            return 'I will ask the calendar agent. {"agent": "calendar", "subtask": "add the event"}'
        return '{"agent": "finish"}'
    if "Your actions so far:\nnone yet" in prompt:
        return "Let me think about which action fits best..."
    if "Successfully created" in prompt:
        return "{'action': 'done', 'result': 'added'}"
    task = prompt.split("\n", 1)[0].removeprefix("Task: ")
    username = system_text.split("You work for ", 1)[1].split(".", 1)[0]
    f = task_facts(task, username).values
    return json.dumps({"action": "create_event", "user": f["user"], "summary": f["phrase:a#1"],
                       "time_start": f"{f['date#1']} {f['time#1']}:00", "time_end": f"{f['date#1']} {f['time#2']}:00"})


register("legomem-json-test", json_policy, description="free-form plumbing test for legomem")


def test_freeform_interface_parses_json_and_counts_bad_replies() -> None:
    config = legomem.Config(model="scripted:legomem-json-test", interface="freeform", embedder="hash",
                            families=("calendar_add",), n_per_family=4, conditions=("none",), retrievals=())
    result = legomem.run(config)
    assert result.metrics["interface"] == "freeform"
    assert result.metrics["success_no_memory"] == 1.0
    assert result.metrics["parse_failures"] == 2  # one unparseable reply per test task
    steps = json.loads(str(result.artifacts["traces/none.jsonl"]).splitlines()[0])["trajectory"]["delegations"][0]["steps"]
    assert steps[0]["kind"] == "parse_error" and steps[1]["action"]["action"] == "create_event"


def test_bad_configs_fail_early() -> None:
    with pytest.raises(ConfigError, match="conditions"):
        legomem.Config(conditions=("both", "magic"))
    with pytest.raises(ConfigError, match="families"):
        legomem.Config(families=("nope",))
    with pytest.raises(ConfigError, match="train_fraction"):
        legomem.Config(train_fraction=1.0)
    assert legomem.Config().run_names[-2:] == ["both_dynamic", "both_rewrite"]


def test_malformed_suite_subtasks_are_counted_and_the_run_goes_on(tmp_path: Path) -> None:
    from agentzoo.envs.office.generate import generate_suite

    generate_suite(tmp_path, ("calendar_add",), 4, seed=0)
    (tmp_path / "1-calendar_add-0" / "subtasks" / "1.json").write_text("{broken")
    (tmp_path / "1-calendar_add-1" / "subtasks" / "0.json").write_text(json.dumps(
        {"username": "Bob", "date": "2024-05-01", "weekday": "Wednesday", "time": "09:00 AM", "task": "t",
         "evaluation": [{"function": "evaluate_everything", "args": {}}]}))
    config = legomem.Config(suite=str(tmp_path), model="scripted:legomem-follow", embedder="hash",
                            conditions=("none", "oracle"), retrievals=())
    result = legomem.run(config)
    assert result.metrics["skipped_invalid"] == 2 and result.metrics["tasks_skipped"] == 2
    assert result.metrics["tasks_evaluated"] + result.metrics["train_subtasks"] == 3


@pytest.mark.slow
def test_officebench_subset_run_reports_the_required_metrics(shared_data: Path) -> None:
    suite = shared_data / "officebench" / "tasks"
    if not suite.is_dir():
        pytest.skip("no OfficeBench subset")
    config = legomem.Config(suite=str(suite), model="scripted:legomem-follow", embedder="hash",
                            conditions=("none", "orchestrator", "agents", "both", "random", "replay", "oracle"),
                            retrievals=("vanilla",), max_test_subtasks=6, max_orchestrator_steps=2,
                            max_agent_steps=2)
    metrics = legomem.run(config).metrics
    for key in ("success_no_memory", "success_orchestrator", "success_agents", "success_both",
                "success_random_memory", "retrieval_precision_at_1", "tasks_evaluated", "tasks_skipped"):
        assert key in metrics, key
    assert metrics["tasks_skipped"] == 242 - 158 and metrics["skipped_invalid"] == 5
    assert metrics["tasks_evaluated"] == 6 and metrics["train_success_rate"] > 0.9


def test_memory_of_tasks_without_a_family_is_labelled_by_app_set(tmp_path: Path) -> None:
    """OfficeBench folders carry no family: memory units and P@1 use the expert program's app set."""
    from agentzoo.envs.office.generate import generate_suite

    generate_suite(tmp_path, ("calendar_add",), 4, seed=0)
    for meta in tmp_path.glob("*/meta.json"):
        meta.unlink()  # now shaped like an OfficeBench task folder
    config = legomem.Config(suite=str(tmp_path), model="scripted:legomem-follow", embedder="hash",
                            conditions=("none",), retrievals=())
    result = legomem.run(config)
    units = [json.loads(line) for line in str(result.artifacts["memory.jsonl"]).splitlines()]
    assert units and {u["payload"]["family"] for u in units} == {"apps:calendar"}
    assert result.metrics["retrieval_precision_at_1"] == 1.0


def test_openai_compatible_server_team(monkeypatch: pytest.MonkeyPatch) -> None:
    """``openai:`` specs select the free-form interface; the team runs against a fake server on 127.0.0.1."""
    from agentzoo.rl.testing import json_server

    def chat(body: dict[str, object]) -> dict[str, object]:
        text = json_policy(body["messages"])  # type: ignore[arg-type]
        return {"choices": [{"message": {"content": text}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 10, "completion_tokens": 5}}

    monkeypatch.setenv("AGENTZOO_LLM_CACHE", "0")
    with json_server(chat) as (url, requests):
        config = legomem.Config(model=f"openai:fake@{url}", embedder="hash", families=("calendar_add",),
                                n_per_family=4, conditions=("none", "both"), retrievals=())
        result = legomem.run(config)
    assert result.metrics["interface"] == "freeform"
    assert result.metrics["success_no_memory"] == 1.0 and result.metrics["success_both"] == 1.0
    assert result.metrics["parse_failures"] == 4  # one unparseable agent reply per test task and condition
    assert len(requests) == result.metrics["llm_calls_per_task_none"] * 2 + result.metrics["llm_calls_per_task_both"] * 2
    with_memory = [r for r in requests if "Memory:" in r["messages"][-1]["content"]]
    assert with_memory and len(with_memory) < len(requests)  # memory reaches the prompts of ``both`` only
