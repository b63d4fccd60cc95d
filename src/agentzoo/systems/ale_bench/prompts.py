"""Prompts of the refinement agent and a tolerant parser for the programs models write.

Typed mode shows the problem, the knobs of the current program, its test-run feedback, what the
earlier attempts of the search did to the score, and the menu of edits; the model *chooses* edits
(forced choice over the menu, no parsing; a server without log-probs names them in words).
:func:`typed_null_messages` is the same question without the problem, the program and the feedback:
the model's log-probabilities there are its prior for each option's wording, which the agent
subtracts to read what the context adds (PMI calibration). Free mode asks for a
whole program or SEARCH/REPLACE blocks; :func:`extract_program` accepts code fences with or
without a language tag, unclosed final fences, and SEARCH/REPLACE blocks, and says what was wrong
otherwise (a counted parse failure, never a crash).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from agentzoo.llm import Message, system, user

DOMAIN_HINTS = """Proven techniques for score-based optimisation problems:
- Simulated annealing: accept a worse move with probability exp(-delta / T); let T fall
  geometrically from T0 (about the size of a typical bad move) to T1 (much smaller).
- Use most of the time limit, but check the clock every few hundred iterations and stop early.
- Evaluate moves incrementally (only what changes), and keep the best solution seen.
- Prefer several cheap move types (relocate, swap, 2-opt, insert/remove) to one expensive one.
- Start from a good greedy solution; beam search helps when decisions are made in sequence.
- Read input fast and never print anything but the answer to standard output."""

SYSTEM_TYPED = (
    "You tune a heuristic optimisation program written for an AtCoder Heuristic Contest style "
    "problem. Its tunable knobs are constants and on/off switches. Choose the edits that will "
    "most improve its score on the test cases, using what the test runs so far have shown."
)
SYSTEM_FREE = (
    "You are an expert competitive programmer in AtCoder Heuristic Contests. You write fast, "
    "correct C++ (GNU++20, -O2) or Python programs that read the input from standard input and "
    "write the answer to standard output."
)


@dataclass(frozen=True)
class Feedback:
    """What the agent learnt from judging a program on the evaluation cases."""

    scores: tuple[int, ...]
    verdicts: dict[str, int]
    max_time: float
    time_limit: float
    max_memory_mib: float
    memory_limit_mib: float
    ratio: float
    stderr_tail: str = ""
    compile_error: str = ""
    ratios: tuple[float, ...] = ()
    """Per-case ratio to the starting program (above 1 is better), in the order of ``scores``."""

    def text(self, maximize: bool) -> str:
        shown = ", ".join(str(s) for s in self.scores[:5])
        lines = [
            f"Scores on {len(self.scores)} test cases ({'higher' if maximize else 'lower'} is better): {shown}"
            + (" ..." if len(self.scores) > 5 else ""),
            f"Verdicts: {', '.join(f'{k} x{v}' for k, v in sorted(self.verdicts.items()))}",
            f"Time: {self.max_time:.2f} s of {self.time_limit:.2f} s; memory: {self.max_memory_mib:.0f} MiB of {self.memory_limit_mib:.0f} MiB",
            f"Mean ratio to the starting program: {self.ratio:.3f} (above 1 is an improvement)",
        ]
        if self.ratios:
            lines.insert(1, "Per-case ratio to the starting program: "
                         + ", ".join(f"{r:.3f}" for r in self.ratios[:5]) + (" ..." if len(self.ratios) > 5 else ""))
        if self.compile_error:
            lines.append("Compiler errors:\n" + "\n".join(self.compile_error.splitlines()[:20]))
        if self.stderr_tail.strip():
            lines.append("Standard error (last lines):\n" + "\n".join(self.stderr_tail.splitlines()[-20:]))
        return "\n".join(lines)


def statement_excerpt(statement: str, limit: int = 1200) -> str:
    """The statement up to ``limit`` characters, cut at a paragraph when possible."""
    if len(statement) <= limit:
        return statement
    cut = statement.rfind("\n\n", 0, limit)
    return statement[: cut if cut > limit // 2 else limit] + "\n..."


def history_text(history: Sequence[str]) -> str:
    """The attempts section of a prompt (the most recent ``HISTORY_LINES``)."""
    shown = list(history)[-HISTORY_LINES:]
    return ("Attempts so far (edits applied to a program, its ratio to the starting program before -> "
            "after; above 1 is better):\n" + "\n".join(f"- {h}" for h in shown))


HISTORY_LINES = 12
"""How many of the latest attempts the prompt shows."""


def typed_messages(title: str, statement: str, maximize: bool, knob_lines: Sequence[str],
                   feedback: Feedback | None, edits: Sequence[str], domain_hints: bool,
                   history: Sequence[str] = (), n_edits: int = 1) -> list[Message]:
    sys_text = SYSTEM_TYPED + ("\n\n" + DOMAIN_HINTS if domain_hints else "")
    parts = [f"Problem: {title}. {'Maximise' if maximize else 'Minimise'} the score.",
             statement_excerpt(statement, 700),
             "Current knobs:\n" + "\n".join(f"- {k}" for k in knob_lines)]
    if feedback is not None:
        parts.append("Test run of the current program:\n" + feedback.text(maximize))
    if history:
        parts.append(history_text(history))
    parts.append("Possible edits:\n" + "\n".join(f"- {e}" for e in edits))
    parts.append(_typed_instruction(n_edits))
    return [system(sys_text), user("\n\n".join(parts))]


def typed_null_messages(edits: Sequence[str], domain_hints: bool, n_edits: int = 1) -> list[Message]:
    """The typed question with no problem, program, feedback or history (the calibration prompt)."""
    sys_text = SYSTEM_TYPED + ("\n\n" + DOMAIN_HINTS if domain_hints else "")
    body = "Possible edits:\n" + "\n".join(f"- {e}" for e in edits) + "\n\n" + _typed_instruction(n_edits)
    return [system(sys_text), user(body)]


def _typed_instruction(n_edits: int) -> str:
    if n_edits <= 1:
        return "Reply with exactly one edit from the list."
    return (f"Reply with up to {n_edits} edits from the list, one per line, the most useful first "
            "(at most one edit per knob).")


def free_messages(title: str, statement: str, language: str, code: str | None,
                  feedback: Feedback | None, domain_hints: bool, maximize: bool,
                  history: Sequence[str] = ()) -> list[Message]:
    sys_text = SYSTEM_FREE + ("\n\n" + DOMAIN_HINTS if domain_hints else "")
    fence = "python" if language == "python" else "cpp"
    parts = [f"# {title}\n\n{statement}"]
    if code is None:
        parts.append(f"Write a complete program for this problem in one ```{fence} code block.")
    else:
        parts.append(f"Current program:\n```{fence}\n{code}\n```")
        if feedback is not None:
            parts.append("Test run of the current program:\n" + feedback.text(maximize))
        if history:
            parts.append(history_text(history))
        parts.append(
            "Improve the program. Reply with the complete new program in one "
            f"```{fence} code block, or with edits as blocks of the form\n"
            "<<<<<<< SEARCH\n(exact lines of the current program)\n=======\n(replacement)\n>>>>>>> REPLACE"
        )
    return [system(sys_text), user("\n\n".join(parts))]


_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+#-]*)[ \t]*\n(.*?)(?:```|\Z)", re.DOTALL)
_BLOCK = re.compile(r"<{5,}\s*SEARCH\s*\n(.*?)\n={5,}\s*\n(.*?)\n?>{5,}\s*REPLACE", re.DOTALL)


@dataclass(frozen=True)
class Parsed:
    ok: bool
    code: str = ""
    error: str = ""
    kind: str = ""  # "program", "edits"


def extract_program(text: str, current: str | None = None) -> Parsed:
    """A program from a model reply: SEARCH/REPLACE blocks applied to ``current`` first, else the
    longest code fence (a language tag is optional; an unclosed last fence runs to the end)."""
    if not isinstance(text, str) or not text.strip():
        return Parsed(False, error="empty reply")
    blocks = _BLOCK.findall(text)
    if blocks and current is not None:
        code = current
        for search, replace in blocks:
            if search not in code:
                return Parsed(False, error=f"SEARCH block not found in the program: {search[:60]!r}")
            code = code.replace(search, replace, 1)
        return Parsed(True, code, kind="edits")
    fences = [body for _lang, body in _FENCE.findall(text) if body.strip()]
    if fences:
        return Parsed(True, max(fences, key=len).strip() + "\n", kind="program")
    if "int main" in text or "#include" in text:  # a bare program without a fence
        start = min(i for i in (text.find("#include"), text.find("int main")) if i >= 0)
        return Parsed(True, text[start:].strip() + "\n", kind="program")
    return Parsed(False, error="no code block in the reply")
