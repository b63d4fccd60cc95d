"""The tag protocol (parsing, malformed actions), the worker's return (stripped and capped), the reward's
known answers, and configuration errors."""

from __future__ import annotations

from typing import Any

import pytest

from agentzoo.config import ConfigError
from agentzoo.rl.policy import ChatRenderer
from agentzoo.systems.matpo import Config
from agentzoo.systems.matpo.prompts import cap_tokens, parse_action, strip_return, worker_return
from agentzoo.systems.matpo.reward import Judge, format_score, matpo_reward, single_agent_reward


@pytest.mark.parametrize(("text", "kind", "body"), [
    ("<subtask>find who founded Zorvex Labs</subtask>", "subtask", "find who founded Zorvex Labs"),
    ("I will ask. <subtask> find it </subtask> then wait", "subtask", "find it"),
    ("<think>maybe <answer>no</answer></think><answer>yes</answer>", "answer", "yes"),
    ("<search>Zorvex Labs founder</search>", "search", "Zorvex Labs founder"),
    ("<open>d012</open>", "open", "d012"),
    ("<python>print(1987 - 1932)</python>", "python", "print(1987 - 1932)"),
])
def test_well_formed_actions(text: str, kind: str, body: str) -> None:
    parsed = parse_action(text)
    assert (parsed.kind, parsed.body) == (kind, body)


@pytest.mark.parametrize(("text", "reason"), [
    ("<subtask>find it", "<subtask> is not closed"),
    ("find it</subtask>", "</subtask> closes a tag that was not opened"),
    ("<subtask>find</answer>", "</answer> closes a tag that was not opened"),
    ("<subtask>a <subtask>b</subtask></subtask>", "<subtask> is nested inside <subtask>"),
    ("<subtask>ask <answer>x</answer></subtask>", "<answer> is nested inside <subtask>"),
    ("<subtask>   </subtask>", "empty <subtask>"),
    ("<subtask>a</subtask><subtask>b</subtask>", "more than one action"),
    ("no tags at all", "no action tag"),
    ("", "no action tag"),
])
def test_malformed_actions_are_invalid_with_a_reason(text: str, reason: str) -> None:
    parsed = parse_action(text)
    assert parsed.kind == "invalid"
    assert parsed.reason == reason


def test_strip_return_removes_think_tool_blocks_and_tags() -> None:
    text = "<think>plan: search first</think><search>Zorvex founder</search> Found it. <answer>Drumi Kaltor</answer>"
    assert strip_return(text) == "Found it. Drumi Kaltor"
    assert strip_return("<think>never closed <answer>x</answer>") == ""
    assert strip_return("<subtask>nested delegation</subtask><answer>1934</answer>") == "1934"
    assert strip_return("<python>print(2)</python>") == ""


def test_cap_tokens_known_answers() -> None:
    def words(text: str) -> int:
        return len(text.split())

    assert cap_tokens("a b c d e", 3, words) == "a b c"
    assert cap_tokens("a b", 3, words) == "a b"
    assert cap_tokens("abcdef", 2, len) == "ab"  # one over-long word: cut by characters
    assert worker_return("<search>q</search>", 5, words) == "(no answer)"
    assert worker_return("<search>q</search>", 1, words) == "(no"


def test_worker_return_is_capped_in_real_tokens(renderer: ChatRenderer) -> None:
    long = "<think>" + "reasoning " * 80 + "</think><answer>" + "The founder of Zorvex Labs is Drumi Kaltor. " * 20 + "</answer>"
    for cap in (1, 5, 48):
        out = worker_return(long, cap, renderer.count)
        assert renderer.count(out) <= cap
        assert "<" not in out and "reasoning" not in out
    assert worker_return(long, 48, renderer.count).startswith("The founder of Zorvex Labs is Drumi Kaltor.")


def test_reward_known_answers() -> None:
    # spec acceptance 4: planner ok, workers (ok, not ok), EM = 1 -> 0.9 + 0.1*0.5*(1 + 0.5)
    assert matpo_reward(1.0, True, [True, False]) == pytest.approx(0.975)
    assert matpo_reward(0.0, True, []) == pytest.approx(0.05)  # no worker: the worker term is 0
    assert matpo_reward(0.0, False, [False]) == 0.0
    assert format_score(True, [True, True, False, False]) == pytest.approx(0.75)
    assert single_agent_reward(1.0, True) == pytest.approx(1.0)


def test_judge_grades_non_matching_answers() -> None:
    from agentzoo.llm.scripted import ScriptedChatModel

    seen: list[str] = []

    def respond(messages: Any) -> str:
        seen.append(messages[-1]["content"])
        return "A" if "Kaltor, Drumi" in messages[-1]["content"] else "The grade is B."

    judge = Judge(ScriptedChatModel(spec="scripted:judge", respond=respond))
    items = [("Who?", "Drumi Kaltor", "Drumi Kaltor"), ("Who?", "Drumi Kaltor", "Kaltor, Drumi"),
             ("Who?", "Drumi Kaltor", "someone else"), ("Who?", "Drumi Kaltor", None)]
    assert judge.grade(items) == [1.0, 1.0, 0.0, 0.0]
    assert judge.calls == 2 and len(seen) == 2  # exact matches and missing answers need no call


@pytest.mark.parametrize(("changes", "field"), [
    ({"group_size": 1}, "group_size"),
    ({"worker_return_max_tokens": 0}, "worker_return_max_tokens"),
    ({"advantage_mode": "shared"}, "advantage_mode"),
    ({"eval_noise_levels": (0.0, 1.5)}, "eval_noise_levels"),
    ({"noise_kinds": ("scramble",)}, "noise_kinds"),
    ({"question_types": ("scholar",)}, "question_types"),
    ({"dual_clip": 1.0}, "dual_clip"),
    ({"planner_context_cap": 100}, "planner_context_cap"),
    ({"arms": ("matpo", "mars")}, "arms"),
    ({"model": "openai:m@http://127.0.0.1:9/v1"}, "model"),
])
def test_bad_config_fails_at_once_naming_the_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ConfigError) as info:
        Config(**changes)
    assert info.value.field == field


def test_presets_build() -> None:
    for name in Config.presets():
        config = Config.preset(name)
        assert config.group_size >= 2
    assert Config.quick().steps == 2 and Config.cpu().planner_context_cap == 512
    assert Config(model="openai:m@http://127.0.0.1:9/v1", arms=("oracle", "zero_shot"), warm_start="none",
                  steps=0).model.startswith("openai:")
