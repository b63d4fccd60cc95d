"""Agents: envelopes, forced choice, garbage from a model becomes counted failures and defaults."""

from __future__ import annotations

import math

from agentzoo.llm import UnsupportedError
from agentzoo.llm.scripted import ScriptedChatModel
from agentzoo.systems.timi import agents as ag


def test_envelope_round_trip():
    text = ag.envelope("A_ma", "A_sa", {"families": ["trend"], "x": 1.5})
    assert text.startswith('<msg from="A_ma" to="A_sa"><json>')
    assert ag.open_envelope("noise " + text) == {"families": ["trend"], "x": 1.5}
    assert ag.open_envelope("<json>{broken</json>") is None


def test_forced_choice_ranking_and_batching():
    scores = {"momentum": -1.0, "trend": -3.0, "grid": -2.0}
    model = ScriptedChatModel(spec="scripted:t", score=lambda m, opts: [scores[o] for o in opts])
    agents = ag.Agents({"semantic": model, "code": model, "math": model})
    q = ag.Question("A_ma", "pick", ("trend", "grid", "momentum"))
    a1, _ = agents.ask([q, q])
    assert a1.index == 2 and a1.ranking() == [2, 1, 0] and a1.ok
    assert model.calls == 2 and agents.calls["A_ma"] == 2 and len(agents.messages) == 2


def test_contextual_calibration_removes_the_prior():
    """The model always favours 'grid' (its prior); given evidence it shifts towards 'trend'."""

    def score(messages, opts):
        evidence = "trend" in messages[-1]["content"]
        return [{"grid": -1.0, "trend": -3.0 + (1.5 if evidence else 0.0)}[o] for o in opts]

    model = ScriptedChatModel(spec="scripted:biased", score=score)
    raw = ag.Agents({"semantic": model, "code": model, "math": model})
    cal = ag.Agents({"semantic": model, "code": model, "math": model}, calibrate=True)
    q = ag.Question("A_ma", "evidence says trend", ("grid", "trend"))
    assert raw.ask([q])[0].index == 0
    (a,) = cal.ask([q])
    assert a.index == 1 and a.scores == (0.0, 1.5)
    cal.ask([q])
    assert cal.calls["prior"] == 1  # the prior is scored once per menu


class TextOnly(ScriptedChatModel):
    def _score(self, items, prefix=""):  # a server without log-probs
        raise UnsupportedError("no scoring")


def test_text_mode_parses_choices_and_counts_garbage():
    replies = iter(['{"choice": "grid"}', "I like turtles", "trend and grid"])
    model = TextOnly(spec="scripted:text", respond=lambda m: next(replies))
    agents = ag.Agents({"semantic": model, "code": model, "math": model})
    q = ag.Question("A_sa", "pick", ("trend", "grid"), default=0)
    answers = agents.ask([q, q, q])
    assert [a.index for a in answers] == [1, 0, 0]
    assert [a.ok for a in answers] == [True, False, False]
    assert agents.parse_failures["A_sa"] == 2


def test_scripted_timi_follows_the_evidence():
    ag.register_scripted()
    from agentzoo.llm import load_model

    model = load_model("scripted:timi")
    agents = ag.Agents({"semantic": model, "code": model, "math": model})
    from agentzoo.systems.timi.features import PairFeatures

    f = PairFeatures("P", "c", 390, 1.0, 0.001, 0.01, 0.001, 0.002, 0.001, 0.0, 0.1, 0.3, 0.2, 50.0, 0.0)
    q = ag.semantic_question(f, {"trend": {"sharpe": 0.5, "trades_per_day": 1.0},
                                 "opening_range": {"sharpe": 2.0, "trades_per_day": 1.0}}, ["trend", "opening_range"])
    (a,) = agents.ask([q])
    assert q.options[a.index] == "momentum"
    assert all(math.isfinite(s) for s in a.scores)


def test_code_reply_parsing():
    files = ag.parse_code_reply("<params.json>{}</params.json> text <functions.py>\nx = 1\n</functions.py>")
    assert files == {"params.json": "{}\n", "functions.py": "x = 1\n"}
