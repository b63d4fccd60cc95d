"""Forced choices: known answers with a scripted scorer; the embedded model end to end (``llm``)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from agentzoo.llm import Conversation, system, user
from agentzoo.llm.scripted import ScriptedChatModel
from agentzoo.systems.legomem.scoring import ChoiceStats, choose, option_logprobs

MESSAGES = [system("You are the calendar agent."), user("Choose the value of summary.")]


def fixed(scores: dict[str, float]) -> ScriptedChatModel:
    def score(_: Conversation, options: Sequence[str]) -> list[float]:
        return [scores[o] for o in options]

    return ScriptedChatModel(spec="scripted:fixed-scores", score=score)


def test_sum_for_labels_and_per_byte_for_values() -> None:
    model = fixed({"a": -2.0, "bbbb": -4.0})
    assert choose(model, MESSAGES, ["a", "bbbb"], normalise=False) == (0, [-2.0, -4.0])
    index, scores = choose(model, MESSAGES, ["a", "bbbb"], normalise=True)  # -2/1 < -4/4
    assert index == 1 and scores == [-2.0, -1.0]


def test_ties_go_to_the_earlier_option_and_one_option_needs_no_model() -> None:
    model = fixed({"x": -1.0, "y": -1.0})
    assert choose(model, MESSAGES, ["y", "x"], normalise=False)[0] == 0
    stats = ChoiceStats()
    assert choose(model, MESSAGES, ["only"], stats) == (0, [0.0]) and stats.calls == 0


def test_empty_options_are_scored_as_a_space_and_counted() -> None:
    model = fixed({" ": -3.0, "done": -1.0})
    stats = ChoiceStats()
    assert option_logprobs(model, MESSAGES, ["", "done"], stats) == [-3.0, -1.0]
    assert stats.calls == 1 and stats.options == 2 and model.calls == 1


@pytest.mark.llm
def test_embedded_model_scores_agree_with_one_forward_per_option_and_a_run_completes() -> None:
    from agentzoo.llm import load_model
    from agentzoo.systems import legomem

    model = load_model("local", cache=False)
    options = ["dentist appointment", "Rosa", "2024-05-06"]
    together = option_logprobs(model, MESSAGES, options)
    apart = [option_logprobs(model, MESSAGES, [o, "done"])[0] for o in options]
    assert together == pytest.approx(apart, abs=1e-3)
    config = legomem.Config(families=("calendar_add",), n_per_family=2, conditions=("none", "both"), retrievals=(),
                            max_orchestrator_steps=2, max_agent_steps=2, embedder="hash")
    metrics = legomem.run(config).metrics
    assert metrics["interface"] == "constrained" and metrics["tasks_evaluated"] == 1
    assert metrics["llm_choice_calls"] > 0 and 0.0 <= metrics["success_both"] <= 1.0
