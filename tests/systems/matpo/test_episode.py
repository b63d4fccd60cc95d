"""The planner/worker rollout: fresh worker contexts, stripped and capped returns, no nested workers,
malformed delegations as counted observations, loss masks, batching across trees, the gold program."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

from agentzoo.envs.research import Question, ResearchWorld
from agentzoo.envs.research.tools import invalid_observation
from agentzoo.rl.loss import ppo_clip_loss
from agentzoo.rl.policy import ChatRenderer, Dialogue
from agentzoo.systems.matpo import prompts
from agentzoo.systems.matpo.baselines import OraclePolicy, RandomPolicy, gold_subtask
from agentzoo.systems.matpo.episode import EpisodeSettings, run_episodes
from agentzoo.systems.matpo.noise import NoisyTools

Respond = Callable[[Dialogue, int], str]


def _turn(d: Dialogue) -> int:
    return sum(1 for m in d.messages if m["role"] == "assistant")


def _questions(rw: ResearchWorld, qtype: str, n: int) -> list[Question]:
    return rw.questions.all("test", (qtype,))[:n]


def _run(rw: ResearchWorld, policy: Any, qs: list[Question], **settings: Any) -> list[Any]:
    return run_episodes(qs, [q.id for q in qs], policy, NoisyTools(rw.tools), EpisodeSettings(temperature=0.0, **settings),
                        "k")


def test_worker_context_is_fresh_and_its_return_stripped_and_capped(rw: ResearchWorld, renderer: ChatRenderer,
                                                                     scripted: Callable[[Respond], Any]) -> None:
    q = _questions(rw, "1hop", 1)[0]
    step = q.plan[0]
    long_answer = "<think>I searched.</think><answer>" + f"{step.fact} " * 30 + "</answer>"

    def respond(d: Dialogue, _: int) -> str:
        if d.role == prompts.PLANNER:
            return [prompts.action_text("subtask", gold_subtask(step)), prompts.action_text("answer", q.answer)][_turn(d)]
        return [prompts.action_text("search", step.query), long_answer][_turn(d)]

    (e,) = _run(rw, scripted(respond), [q], worker_return_max_tokens=20)
    (w,) = e.workers
    expected = renderer.encode(renderer.tokenizer.apply_chat_template(
        prompts.worker_messages(q.text, gold_subtask(step)), add_generation_prompt=True, tokenize=False))
    assert w.dialogue.segments[0].token_ids == tuple(expected)  # worker system prompt + templated task only
    worker_text = renderer.decode(w.dialogue.token_ids)
    assert prompts.PLANNER_SYSTEM not in worker_text and "<subtask>" not in worker_text
    assert w.returned == prompts.worker_return(long_answer, 20, renderer.count)
    assert renderer.count(w.returned) <= 20 and "<" not in w.returned and "I searched" not in w.returned
    assert e.root.dialogue.messages[3]["content"] == f"<result>{w.returned}</result>"
    assert e.em == 1.0 and e.format_ok and w.format_ok and e.reward == pytest.approx(1.0)


def test_worker_cannot_spawn_a_worker(rw: ResearchWorld, scripted: Callable[[Respond], Any]) -> None:
    q = _questions(rw, "1hop", 1)[0]

    def respond(d: Dialogue, _: int) -> str:
        if d.role == prompts.PLANNER:
            return ["<subtask>find it</subtask>", "<answer>x</answer>"][_turn(d)]
        return ["<subtask>delegate further</subtask>", "<answer>done</answer>"][_turn(d)]

    (e,) = _run(rw, scripted(respond), [q])
    assert len(e.workers) == 1
    (w,) = e.workers
    assert w.delegation_attempts == 1 and not w.format_ok and w.answer == "done"
    assert w.dialogue.messages[3]["content"] == prompts.NO_DELEGATION
    assert e.parse_failures["worker"] == 1
    tree = e.tree()
    assert all(tree.depth(r) <= 1 for r in tree) and len(tree.children) == 1
    assert e.reward == pytest.approx(0.1 * 0.5 * (1.0 + 0.0))  # planner format ok, the worker's not, EM 0


def test_malformed_delegations_become_counted_observations(rw: ResearchWorld, scripted: Callable[[Respond], Any]) -> None:
    q = _questions(rw, "1hop", 1)[0]
    planner_turns = ["<subtask>unclosed", "<subtask>a <subtask>b</subtask></subtask>", "<subtask> </subtask>",
                     "<subtask>one</subtask>", "<subtask>two</subtask>", "<answer>x</answer>"]

    def respond(d: Dialogue, _: int) -> str:
        return planner_turns[_turn(d)] if d.role == prompts.PLANNER else "<answer>w</answer>"

    (e,) = _run(rw, scripted(respond), [q], planner_max_turns=6, max_workers_per_episode=1)
    observations = [m["content"] for m in e.root.dialogue.messages[2:] if m["role"] == "user"]
    assert observations[0] == invalid_observation("<subtask> is not closed")
    assert observations[1] == invalid_observation("<subtask> is nested inside <subtask>")
    assert observations[2] == invalid_observation("empty <subtask>")
    assert observations[3] == "<result>w</result>"
    assert observations[4] == prompts.BUDGET_EXHAUSTED
    assert e.parse_failures["planner"] == 3 and e.budget_overruns == 1 and len(e.workers) == 1
    assert not e.format_ok and e.answer == "x"


def test_random_policy_never_crashes_and_counts_failures_per_role(rw: ResearchWorld) -> None:
    qs = _questions(rw, "1hop", 6) + _questions(rw, "compute", 4)
    episodes = run_episodes(qs, [q.id for q in qs], RandomPolicy(), NoisyTools(rw.tools, 0.5), EpisodeSettings(), "r")
    assert sum(e.parse_failures["planner"] for e in episodes) > 0
    assert sum(e.parse_failures["worker"] for e in episodes) > 0
    assert all(0.0 <= e.reward <= 1.0 for e in episodes)
    single = run_episodes(qs, [q.id for q in qs], RandomPolicy(), NoisyTools(rw.tools), EpisodeSettings(single=True), "r")
    assert sum(e.parse_failures["single"] for e in single) > 0 and all(e.workers == [] for e in single)


def test_result_and_tool_tokens_are_masked_and_do_not_move_the_loss(rw: ResearchWorld, renderer: ChatRenderer,
                                                                     scripted: Callable[[Respond], Any]) -> None:
    q = _questions(rw, "2hop", 1)[0]
    oracle = OraclePolicy([q])
    policy = scripted(lambda d, s: oracle.act([d], max_new_tokens=1, temperature=0.0, seeds=[s])[0].text)
    (e,) = _run(rw, policy, [q])
    assert e.em == 1.0 and len(e.workers) == 2
    tree = e.tree()
    for rollout in tree:
        for segment in rollout.segments:
            text = renderer.decode(segment.token_ids)
            if "<result>" in text or "<results>" in text or segment.role == "observation":
                assert not segment.loss_mask
            if segment.loss_mask:
                assert segment.role == rollout.role
    for rollout in tree:
        row = rollout.to_row()
        mask = torch.tensor([row.mask])
        g = torch.Generator().manual_seed(0)
        logp = -torch.rand((1, len(row.ids)), generator=g)
        old = logp + 0.05 * torch.randn((1, len(row.ids)), generator=g)
        adv = torch.tensor([0.7])
        loss, _ = ppo_clip_loss(logp, old, adv, mask, dual_clip=3.0)
        perturbed = torch.where(mask, logp, logp - 5.0)  # every context position (results, observations)
        again, _ = ppo_clip_loss(perturbed, old, adv, mask, dual_clip=3.0)
        assert float(again) == float(loss)
        moved, _ = ppo_clip_loss(torch.where(mask, logp - 0.01, logp), old, adv, mask, dual_clip=3.0)
        assert float(moved) != float(loss)


def test_workers_of_all_trees_share_one_generation_per_turn(rw: ResearchWorld, scripted: Callable[[Respond], Any]) -> None:
    qs = _questions(rw, "2hop", 4)
    oracle = OraclePolicy(qs)
    policy = scripted(lambda d, s: oracle.act([d], max_new_tokens=1, temperature=0.0, seeds=[s])[0].text)
    episodes = _run(rw, policy, qs)
    assert all(e.em == 1.0 and len(e.workers) == 2 for e in episodes)
    # 3 planner turns + 2 spawning turns x 2 worker turns, whatever the number of trees
    assert policy.calls == 3 + 2 * 2


def test_gold_program_reaches_em_one_and_single_agent_overflows_the_cap(rw: ResearchWorld, renderer: ChatRenderer) -> None:
    qs = _questions(rw, "1hop", 3) + _questions(rw, "2hop", 3) + _questions(rw, "compute", 2)
    oracle = OraclePolicy(qs, renderer.count, renderer)
    matpo = _run(rw, oracle, qs)
    assert all(e.em == 1.0 and e.format_ok and all(e.worker_format_ok) for e in matpo)
    assert all(e.context_tokens <= 512 and max(e.worker_context_tokens) <= 512 for e in matpo)
    single = _run(rw, oracle, qs, single=True)
    assert [e.em for e in single[:3]] == [1.0, 1.0, 1.0]
    assert all(e.overflow and e.em == 0.0 for e in single[3:])  # two verbose searches do not fit in 512 tokens
    roomy = _run(rw, oracle, qs, single=True, planner_context_cap=4096)
    assert all(e.em == 1.0 for e in roomy)


def test_noisy_tools(rw: ResearchWorld) -> None:
    clean = rw.tools.search("founded")
    assert NoisyTools(rw.tools, 0.0).search("founded", ("q", 0)) == clean
    noisy = NoisyTools(rw.tools, 1.0, seed=3)
    spoiled = noisy.search("founded", ("q", 0))
    assert len(spoiled) == len(clean) and all(a != b for a, b in zip(spoiled, clean, strict=True))
    assert noisy.search("founded", ("q", 0)) == spoiled  # same key, same noise (every arm sees it)
    assert sum(noisy.perturbed.values()) == 2 * len(clean)
    assert noisy.open(clean[0].doc_id) == rw.tools.open(clean[0].doc_id)
    some = NoisyTools(rw.tools, 0.3, seed=3)
    draws = [some.search("founded", ("q", i)) == clean for i in range(40)]
    assert 0 < sum(draws) < 40
    with pytest.raises(ValueError):
        NoisyTools(rw.tools, 1.5)
    assert np.isclose(1 - np.mean(draws), 1 - 0.7 ** len(clean), atol=0.25)
