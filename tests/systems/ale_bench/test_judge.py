"""The judge on fixture programs in both languages: every verdict, limits, isolation, caching."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from agentzoo.systems.ale_bench.api import start
from agentzoo.systems.ale_bench.judge import Verdict, check_language
from agentzoo.systems.ale_bench.problem import PROBLEMS_DIR
from agentzoo.tools import sandbox

FIXTURES = Path(__file__).parent / "fixtures"
CPP = (FIXTURES / "behave.cpp").read_text()
PY = (FIXTURES / "behave.py").read_text()
ISOLATED = sandbox.resolve_mode() == "bwrap"
needs_isolation = pytest.mark.xfail(not ISOLATED, reason="sandbox='rlimit': no network/file isolation", strict=False)


@pytest.fixture(scope="module")
def session():  # type: ignore[no-untyped-def]
    # stamp_art at TL x0.5 = 1 s; CPU clock so that a loaded machine does not cause TLEs
    s = start("stamp_art", lite_version=True, tle_clock="cpu", time_limit_scale=0.5)
    s.base = s.case_gen(0)  # a valid input; the fixture reads its behaviour from an extra last line
    return s


def judge(session, code: str, lang: str, mode: str, memory_mib: int | None = None):  # type: ignore[no-untyped-def]
    result = session.case_eval(session.base + mode + "\n", code, lang,
                               memory_limit=memory_mib << 20 if memory_mib else None)
    return result.case_results[0]


@pytest.mark.parametrize("lang", ["cpp20", "python"])
def test_accepted_and_limits(session, lang: str) -> None:  # type: ignore[no-untyped-def]
    code = CPP if lang == "cpp20" else PY
    ok = judge(session, code, lang, "plain")
    assert ok.judge_result is Verdict.ACCEPTED and ok.absolute_score > 0
    assert judge(session, code, lang, "loop").judge_result is Verdict.TIME_LIMIT_EXCEEDED
    assert judge(session, code, lang, "mem 192", memory_mib=128).judge_result is Verdict.MEMORY_LIMIT_EXCEEDED
    assert judge(session, code, lang, "exit3").judge_result is Verdict.RUNTIME_ERROR
    assert judge(session, code, lang, "bad").judge_result is Verdict.WRONG_ANSWER
    assert judge(session, code, lang, "bigout").judge_result is Verdict.RUNTIME_ERROR
    fake = judge(session, code, lang, "fakescore")
    assert fake.judge_result is Verdict.ACCEPTED and fake.absolute_score == ok.absolute_score
    assert "999999999" in (fake.error_str or "")  # kept apart, never parsed


def test_reported_memory_tracks_touched_memory(session) -> None:  # type: ignore[no-untyped-def]
    base = judge(session, CPP, "cpp20", "mem 0").memory_usage
    used = judge(session, CPP, "cpp20", "mem 64", memory_mib=128)
    assert used.judge_result is Verdict.ACCEPTED
    assert abs(used.memory_usage - (base + (64 << 20))) <= 0.05 * (64 << 20)


def test_crashes_empty_programs_and_compile_errors(session) -> None:  # type: ignore[no-untyped-def]
    assert judge(session, CPP, "cpp20", "segv").judge_result is Verdict.RUNTIME_ERROR
    assert judge(session, "int main() {}\n", "cpp20", "x").judge_result is Verdict.WRONG_ANSWER
    assert judge(session, "", "python", "x").judge_result is Verdict.WRONG_ANSWER
    ce = session.case_eval(session.base, "int main() { return syntax error }\n", "cpp20")
    assert ce.overall_judge_result is Verdict.COMPILATION_ERROR and "error" in ce.compile_message
    assert session.case_eval(session.base, "def f(:\n", "python").overall_judge_result is Verdict.COMPILATION_ERROR


def test_fork_bomb_is_a_runtime_error(session) -> None:  # type: ignore[no-untyped-def]
    assert judge(session, CPP, "cpp20", "fork").judge_result is Verdict.RUNTIME_ERROR


@needs_isolation
def test_no_network(session) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        case = judge(session, CPP, "cpp20", f"net {port}")
    assert case.judge_result is Verdict.ACCEPTED, case.output_str  # "CONNECTED" would be a WA


@needs_isolation
def test_no_writes_outside_the_work_dir(session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "escaped.txt"
    case = judge(session, CPP, "cpp20", f"write {target}")
    assert case.judge_result is Verdict.ACCEPTED and not target.exists()


@needs_isolation
def test_private_inputs_and_scorer_are_unreadable(session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "private_input.txt"
    secret.write_text(session.problem.generate(1000))
    for path in (secret, PROBLEMS_DIR / "stamp_art" / "scorer.py", PROBLEMS_DIR / "stamp_art" / "generator.py"):
        case = judge(session, CPP, "cpp20", f"read {path}")
        assert case.judge_result is Verdict.ACCEPTED, f"the program could read {path}"


def test_same_source_compiles_once(session) -> None:  # type: ignore[no-untyped-def]
    code = CPP + "// cache probe\n"
    session.case_eval(session.base, code, "cpp20")
    before = session.judge.stats["compiles"]
    session.case_eval(session.base, code, "cpp20")
    assert session.judge.stats["compiles"] == before


def test_unsupported_language_lists_the_supported_ones() -> None:
    with pytest.raises(ValueError, match="supported: cpp17, cpp20"):
        check_language("rust")
