from __future__ import annotations

import time

import pytest

from agentzoo.envs.research import (
    NO_INFO,
    QTYPES,
    ResearchWorld,
    WorldConfig,
    exact_match,
    generate,
    normalize_answer,
    reward,
    summary_for,
)


@pytest.fixture(scope="module")
def rw() -> ResearchWorld:
    return ResearchWorld.build(WorldConfig(), seed=0)


def test_oracle_reaches_em_one_on_200_test_questions(rw: ResearchWorld) -> None:
    questions = rw.questions.all("test")
    assert len(questions) >= 200
    sample = questions[:200]
    assert {q.qtype for q in sample} == set(QTYPES)
    assert all(exact_match(rw.oracle(q), q.answer) == 1.0 for q in sample)


def test_answers_occur_in_supporting_documents(rw: ResearchWorld) -> None:
    pages = {p.doc_id: p for p in rw.pages}
    for split in ("train", "test"):
        for q in rw.questions.all(split):
            texts = [pages[d].text for d in q.support]
            assert q.support and all(d in pages for d in q.support)
            for step in q.plan:
                if step.tool != "python":
                    assert step.fact in pages[step.doc_id].text
                    assert step.value in step.fact
            if q.qtype != "compute":
                assert any(q.answer in t for t in texts), q


def test_same_seed_same_world_and_splits_are_entity_disjoint(rw: ResearchWorld) -> None:
    assert generate(WorldConfig(), seed=0).digest() == rw.world.digest()
    assert generate(WorldConfig(), seed=1).digest() != rw.world.digest()
    seen = {s: {e for q in rw.questions.all(s) for e in q.entities} for s in ("train", "dev", "test")}
    assert not seen["train"] & seen["test"] and not seen["train"] & seen["dev"] and not seen["dev"] & seen["test"]
    answers = {s: {normalize_answer(q.answer) for q in rw.questions.all(s, ("1hop",)) if not q.answer.isdigit()} for s in ("train", "test")}
    assert not answers["train"] & answers["test"]


def test_distractors_share_names_but_never_leak_answers(rw: ResearchWorld) -> None:
    distractors = [e for e in rw.world.entities.values() if e.distractor_of]
    n_named = len(rw.world.of_kind("person", distractors=False)) + len(rw.world.of_kind("company", distractors=False))
    assert 0.15 < len(distractors) / n_named < 0.5
    page_of = {p.entity_id: p for p in rw.pages}
    for d in distractors:
        original = rw.world.entities[d.distractor_of or ""]
        assert set(d.name.split()) & set(original.name.split()) and d.name != original.name
        text = page_of[d.id].text
        for q in rw.questions.all(d.split):
            if original.id in q.entities[:1] and q.qtype == "1hop":
                assert q.answer not in text or original.name not in text


def test_names_are_invented(rw: ResearchWorld) -> None:
    from agentzoo.envs.research.entities import common_words

    for e in rw.world.entities.values():
        if e.kind in ("person", "city"):
            assert all(part.lower() not in common_words() for part in e.name.split())


def test_python_tool_times_out(rw: ResearchWorld) -> None:
    start = time.perf_counter()
    observation = rw.tools.python("while True:\n    pass")
    assert time.perf_counter() - start < 3.0
    assert "timed out" in observation or "time limit" in observation
    assert "42" in rw.tools.python("print(6 * 7)")


def test_tools_verbose_search_open_scholar(rw: ResearchWorld) -> None:
    q = rw.questions.all("test", ("1hop",))[0]
    results = rw.tools.search(q.plan[0].query)
    assert 1 <= len(results) <= rw.tools.top_k
    assert len(rw.tools.search("born in the year")) == rw.tools.top_k
    assert results[0].doc_id == q.support[0]
    assert len(q.plan[0].fact) / len(results[0].text) < 0.35  # the fact is a small part of a result
    opened = rw.tools.open(results[0].doc_id)
    assert opened is not None and opened.text == results[0].text
    assert rw.tools.open("nope") is None
    assert rw.tools.search("   ") == []
    paper = rw.questions.all("test", ("scholar",))[0]
    assert rw.tools.scholar(paper.plan[0].query)[0].doc_id == paper.support[0]
    assert summary_for(q.plan[0], results[0].text) == q.plan[0].fact
    assert summary_for(q.plan[0], "unrelated text") == NO_INFO


def test_reward_and_normalisation() -> None:
    cases = [
        ("The Kidrelex", "kidrelex", 1.0), ("kidrelex.", "Kidrelex", 1.0), ("1,200", "1200", 1.0),
        ("1200.0", "1200", 1.0), ("  Denar   Trostedri ", "Denar Trostedri", 1.0), ("1201", "1200", 0.0),
        ("Kidrelex city", "Kidrelex", 0.0), ("", "x", 0.0),
    ]
    for prediction, gold, em in cases:
        assert exact_match(prediction, gold) == em, (prediction, gold)
    assert exact_match(None, "x") == 0.0
    assert reward("1200", "1200", True) == pytest.approx(1.0)
    assert reward("1200", "1200", False) == pytest.approx(0.9)
    assert reward("12", "1200", True) == pytest.approx(0.1)


def test_bad_world_config() -> None:
    with pytest.raises(ValueError, match="people"):
        WorldConfig(people=1)
    with pytest.raises(ValueError, match="founder"):
        WorldConfig(people=10, companies=20)
    with pytest.raises(ValueError, match="split_fractions"):
        WorldConfig(split_fractions=(0.5, 0.5, 0.5))
    with pytest.raises(ValueError, match="unknown question type"):
        ResearchWorld.build(WorldConfig.tiny()).questions.all("test", ("3hop",))
