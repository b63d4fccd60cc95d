"""probe_map scorer: replays a transcript (the program's lines) through the judge."""

from __future__ import annotations

from agentzoo.systems.ale_bench.problem import Final, WrongAnswer

from .judge import Judge


def score(input_str: str, output_str: str) -> tuple[int, str]:
    judge = Judge(input_str)
    judge.start()
    lines = [line for line in output_str.splitlines() if line.strip()]
    for i, line in enumerate(lines):
        reply = judge.step(line)
        if isinstance(reply, Final):
            if i != len(lines) - 1:
                raise WrongAnswer("output after the answer")
            return reply.score, reply.message
    raise WrongAnswer("the program ended without an answer line 'a ...'")
