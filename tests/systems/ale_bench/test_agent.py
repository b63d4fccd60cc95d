"""Typed edits, the tolerant program parser, and the search methods with scripted models."""

from __future__ import annotations

import numpy as np
import pytest

from agentzoo.llm.scripted import ScriptedChatModel
from agentzoo.systems.ale_bench import Config, knobs, start
from agentzoo.systems.ale_bench.agent import jaccard, normalise, refine, repeated_sampling
from agentzoo.systems.ale_bench.problem import get_problem
from agentzoo.systems.ale_bench.prompts import extract_program
from agentzoo.systems.ale_bench.search_baseline import param_search, sample_config

SKELETON = get_problem("stamp_art").solution("skeleton.cpp").read_text()


def test_knobs_parse_apply_and_compose() -> None:
    found = {k.name: k for k in knobs.knobs(SKELETON)}
    assert found["T0"].log and found["T0"].value == 30 and found["TARGET_WRONG_CELLS"].kind == "switch"
    labels = [e.label for e in knobs.candidate_edits(SKELETON)]
    assert "T0 x2" in labels and "TARGET_WRONG_CELLS on" in labels and "TIME_FRAC +0.085" in labels
    edited = knobs.apply(SKELETON, knobs.Edit("T0", 60.0, "T0 x2"))
    edited = knobs.apply(edited, knobs.Edit("TARGET_WRONG_CELLS", 1.0, "on"))
    assert "const double T0 = 60.0;  // @param T0=60 [0.01,100] log" in edited
    assert "const bool TARGET_WRONG_CELLS = true;" in edited
    assert knobs.settings(edited)["T0"] == 60 and knobs.settings(edited)["TARGET_WRONG_CELLS"] == 1
    with pytest.raises(KeyError):
        knobs.apply(SKELETON, knobs.Edit("NOPE", 1.0, ""))


def test_edits_respect_bounds() -> None:
    code = knobs.apply(SKELETON, knobs.Edit("T0", 100.0, ""))
    assert "T0 x2" not in [e.label for e in knobs.candidate_edits(code)]  # already at the upper bound


def test_random_configs_stay_in_range() -> None:
    rng = np.random.default_rng(0)
    for _ in range(20):
        code, _ = sample_config(SKELETON, rng)
        for k in knobs.knobs(code):
            assert k.lo <= k.value <= k.hi or k.kind == "switch"


def test_extract_program_is_tolerant() -> None:
    assert extract_program("```cpp\nint main(){}\n```").code == "int main(){}\n"
    assert extract_program("text\n```\nint main(){return 0;}\n").ok  # unclosed, no language tag
    assert extract_program("#include <cstdio>\nint main(){}").ok  # bare program
    reply = "<<<<<<< SEARCH\nconst double T0 = 30.0;\n=======\nconst double T0 = 3.0;\n>>>>>>> REPLACE"
    parsed = extract_program(reply, "x\nconst double T0 = 30.0;\ny\n")
    assert parsed.ok and parsed.kind == "edits" and "T0 = 3.0" in parsed.code
    assert not extract_program("<<<<<<< SEARCH\nmissing\n=======\nz\n>>>>>>> REPLACE", "abc").ok
    assert not extract_program("I cannot help with that.").ok
    assert not extract_program("").ok


def test_duplicate_measures() -> None:
    assert normalise("int a; // c\n  int b;") == "int a; int b;"
    assert jaccard(SKELETON, knobs.apply(SKELETON, knobs.Edit("T0", 60.0, ""))) > 0.95


def _config(**kw: object) -> Config:
    base = dict(problems=("stamp_art",), lite=True, eval_seeds=2, budget_programs=3, tle_clock="cpu",
                iter_budget=100_000, time_limit_scale=0.5, children_per_node=2)
    base.update(kw)
    return Config(**base)  # type: ignore[arg-type]


def _run_refine(seed: int = 0):  # type: ignore[no-untyped-def]
    from agentzoo.llm import load_model

    session = start("stamp_art", lite_version=True, tle_clock="cpu", time_limit_scale=0.5, iter_budget=100_000)
    log = refine(session.public(), load_model("scripted:ale_edit"), _config(), np.random.default_rng(seed), SKELETON)
    return session, log


def test_refine_is_deterministic_with_an_iteration_budget() -> None:
    s1, log1 = _run_refine()
    s2, log2 = _run_refine()
    assert [n.label for n in log1.nodes] == [n.label for n in log2.nodes]
    assert [n.scores for n in log1.nodes] == [n.scores for n in log2.nodes]
    strip = [{k: v for k, v in a.items() if k != "t"} for a in s1.action_log]
    assert strip == [{k: v for k, v in a.items() if k != "t"} for a in s2.action_log]
    assert len(log1.nodes) == 3 and log1.nodes[0].label == "start" and log1.nodes[0].fitness == 1.0
    assert log1.nodes[1].parent == 0 and log1.llm_calls >= 1
    assert log1.best.fitness >= 1.0


def test_free_mode_counts_parse_failures_and_survives_compile_errors() -> None:
    session = start("stamp_art", lite_version=True, tle_clock="cpu", time_limit_scale=0.5)
    good = "```cpp\n#include <cstdio>\nint main(){puts(\"0\");}\n```"
    variants = [f"```cpp\n#include <cstdio>\nint v{i};\nint main(){{puts(\"0\");}}\n```" for i in range(10)]
    model = ScriptedChatModel.from_replies([good, "no code here, sorry", "```cpp\nint main( {\n```", *variants])
    log = refine(session.public(), model, _config(edit_mode="free", budget_programs=3), np.random.default_rng(0), None)
    assert log.parse_failures == 1
    assert any("COMPILATION_ERROR" in n.verdicts for n in log.nodes)
    assert log.nodes[0].label == "start" and "puts" in log.nodes[0].code  # the one-shot program


def test_repeated_sampling_and_param_search_respect_the_budget() -> None:
    from agentzoo.llm import load_model

    session = start("stamp_art", lite_version=True, tle_clock="cpu", time_limit_scale=0.5, iter_budget=100_000)
    config = _config(budget_programs=3)
    log = repeated_sampling(session.public(), load_model("scripted:ale_edit"), config, np.random.default_rng(0), SKELETON)
    assert 1 <= len(log.nodes) <= 3 and log.nodes[0].label == "start"
    log = param_search(session.public(), config, np.random.default_rng(0), SKELETON)
    assert len(log.nodes) == 3 and not log.best.eliminated
