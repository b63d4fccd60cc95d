"""The dual-system rollout (MARS, paper §3): batched over many episodes at once.

At turn i, System 2 reads its context c_i and writes a step s_i with one action. A search or
scholar call (t_i, p_i) returns raw outputs o^(1..n); they are cut to at most C tokens each,
packed into bins (FFD by default) and System 1 is called once per bin with the purpose:
õ_b = π_θ(· | prompt_sys1, p_i, bin_b). The context grows by appending only:
c_{i+1} = c_i ⊕ {s_i, t_i, p_i, õ}. Without System 1 (the single-agent baseline) the raw
outputs are appended instead. An observation that would overflow ``context_cap`` is cut to
fit (append-only, so the training row is exactly what the model read). All active episodes'
System-2 turns form one batched generation call, and so do all their System-1 bins.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from agentzoo.envs.research import Question, ResearchTools, render_outputs, reward
from agentzoo.envs.research.reward import exact_match
from agentzoo.envs.research.tools import (
    ToolOutput,
    invalid_observation,
    output_observation,
    results_observation,
)
from agentzoo.rl.experiment import FromConfig
from agentzoo.rl.packing import pack, split_long
from agentzoo.rl.policy import Dialogue, Policy
from agentzoo.rl.rollout import RolloutTree
from agentzoo.seeding import stream_key
from agentzoo.systems.mars import prompts

_RESERVE = 12  # delimiter tokens around an observation and the next assistant header


@dataclass(frozen=True)
class EpisodeSettings(FromConfig):
    """What an episode may do (from :class:`~agentzoo.systems.mars.config.Config`)."""

    max_turns: int = 4
    s2_max_new_tokens: int = 48
    s1_max_new_tokens: int = 40
    temperature: float = 1.0
    bin_capacity: int = 256
    packing: str = "ffd"
    use_sys1: bool = True
    context_cap: int = 768
    tools: tuple[str, ...] = ("search", "scholar", "python")
    closed_book: bool = False
    """No tools: one turn, answer from memory."""


@dataclass
class Episode:
    """One trajectory: the System-2 dialogue, its System-1 calls and what happened."""

    question: Question
    index: int
    group_id: str
    sys2: Dialogue
    sys1: list[Dialogue] = field(default_factory=list)
    answer: str | None = None
    done: bool = False
    format_ok: bool = True
    invalid: int = 0
    turns: int = 0
    tool_calls: Counter[str] = field(default_factory=Counter)
    search_turns: int = 0
    bins: list[int] = field(default_factory=list)
    """Bins (System-1 calls) of each search/scholar turn."""
    items: list[int] = field(default_factory=list)
    """Raw outputs (after splitting) of each search/scholar turn."""
    cut_observations: int = 0
    generated: Counter[str] = field(default_factory=Counter)
    observation_tokens: int = 0
    """Tokens of the observations appended to System 2's context."""
    raw_observation_tokens: int = 0
    """Tokens the same calls' raw outputs would have taken (for the compression ratio)."""
    context_tokens: int = 0
    """System-2 context at the end of the episode."""
    em: float = 0.0
    reward: float = 0.0
    pending: str | None = None

    @property
    def raw_equivalent_tokens(self) -> int:
        return self.context_tokens - self.observation_tokens + self.raw_observation_tokens

    def tree(self) -> RolloutTree:
        """The episode as rollouts: System 2 is the root, every System-1 call a child."""
        root = self.sys2.to_rollout(f"{self.group_id}/{self.index}", self.group_id, question=self.question.id)
        tree = RolloutTree(root)
        for j, d in enumerate(self.sys1):
            tree.add(d.to_rollout(f"{root.id}/s1-{j}", self.group_id, root.id))
        tree.set_reward(self.reward)
        return tree

    def transcript(self) -> str:
        """A readable trajectory (for artifacts and the docs)."""
        lines = [f"Q: {self.question.text}  (gold: {self.question.answer})"]
        for m in self.sys2.messages[2:]:
            lines.append(f"  {'S2' if m['role'] == 'assistant' else 'obs'}: {m['content']}")
        for d in self.sys1[:3]:
            lines.append(f"  S1 call -> {d.messages[-1]['content']!r}")
        lines.append(f"  -> answer {self.answer!r}, EM {self.em:.0f}, format {int(self.format_ok)}, "
                     f"reward {self.reward:.2f}, System-2 context {self.context_tokens} tokens, "
                     f"System-1 calls {len(self.sys1)}")
        return "\n".join(lines)


def make_bins(outputs: Sequence[ToolOutput], capacity: int, packing: str, count: Callable[[str], int]
              ) -> tuple[list[str], int]:
    """Cut each raw output to ≤ C tokens (sentence boundaries), pack the pieces; bin texts and
    the number of pieces."""
    pieces: list[str] = []
    for output in outputs:
        pieces.extend(split_long(output.render(), capacity, count))
    lengths = [min(capacity, count(p)) for p in pieces]
    bins = pack(lengths, capacity, packing)
    return ["\n\n".join(pieces[i] for i in sorted(b)) for b in bins], len(pieces)


def _fit(inner: str, wrap: Callable[[str], str], budget: int, count: Callable[[str], int]) -> tuple[str, bool]:
    """``wrap(inner)`` cut (inside the wrapper) to at most ``budget`` tokens."""
    full = wrap(inner)
    if count(full) <= budget:
        return full, False
    lo, hi = 0, len(inner)
    while lo < hi:  # the longest prefix that fits
        mid = (lo + hi + 1) // 2
        if count(wrap(inner[:mid] + " [cut]")) <= budget:
            lo = mid
        else:
            hi = mid - 1
    return wrap(inner[:lo] + " [cut]"), True


def run_episodes(
    questions: Sequence[Question],
    group_ids: Sequence[str],
    sys2: Policy,
    sys1: Policy,
    tools: ResearchTools,
    settings: EpisodeSettings,
    seed_key: object,
) -> list[Episode]:
    """Roll out one episode per question (repeat a question for a group), all batched."""
    if len(questions) != len(group_ids):
        raise ValueError("one group id per question")
    available = () if settings.closed_book else settings.tools
    episodes = []
    for i, (q, g) in enumerate(zip(questions, group_ids, strict=True)):
        messages = ([{"role": "system", "content": prompts.CLOSED_BOOK}, {"role": "user", "content": f"Question: {q.text}"}]
                    if settings.closed_book else prompts.system2_messages(q.text, available, settings.use_sys1))
        episodes.append(Episode(q, i, g, Dialogue(messages, "sys2")))  # type: ignore[arg-type]
    max_turns = 1 if settings.closed_book else settings.max_turns
    for turn in range(max_turns):
        active = [e for e in episodes if not e.done]
        if not active:
            break
        actions = sys2.act(
            [e.sys2 for e in active], max_new_tokens=settings.s2_max_new_tokens, temperature=settings.temperature,
            stop=prompts.STOP, seeds=[stream_key(seed_key, e.index, turn, "s2") for e in active],
        )
        pending_bins: list[tuple[Episode, str, list[str]]] = []
        for e, a in zip(active, actions, strict=True):
            e.sys2.add_assistant(a.text, a.ids, a.logprobs)
            e.generated["sys2"] += a.n_tokens
            e.turns += 1
            parsed = prompts.parse_action(a.text)
            if parsed.kind == "answer":
                e.answer, e.done = parsed.body, True
                continue
            if parsed.kind == "invalid" or parsed.kind not in available:
                reason = parsed.reason if parsed.kind == "invalid" else f"the {parsed.kind} tool is not available"
                e.invalid += 1
                e.format_ok = False
                e.pending = invalid_observation(reason)
                continue
            e.tool_calls[parsed.kind] += 1
            if parsed.kind == "python":
                e.pending = output_observation(tools.python(parsed.body))
                continue
            outputs = tools.search(parsed.body) if parsed.kind == "search" else tools.scholar(parsed.body)
            raw = results_observation(render_outputs(outputs))
            e.search_turns += 1
            if not settings.use_sys1:
                e.pending = raw
                continue
            e.raw_observation_tokens += sys2.count_tokens(raw)  # what the raw outputs would cost
            if not outputs:
                e.pending = prompts.summary_observation([render_outputs([])])
                continue
            bins, n_items = make_bins(outputs, settings.bin_capacity, settings.packing, sys1.count_tokens)
            e.bins.append(len(bins))
            e.items.append(n_items)
            pending_bins.append((e, parsed.purpose, bins))
        _summarise(pending_bins, sys1, settings, seed_key, turn)
        for e in active:
            if e.done or e.pending is None:
                continue
            observation, e.pending = e.pending, None
            if turn == max_turns - 1:
                continue  # no turn left to read it
            _append(e, observation, sys2, settings)
    for e in episodes:
        if e.answer is None:
            e.format_ok = False
        e.context_tokens = sys2.dialogue_tokens(e.sys2)
        for d in e.sys1:
            sys1.dialogue_tokens(d)  # renders the summary tokens (token policies)
        e.em = exact_match(e.answer, e.question.answer)
        e.reward = reward(e.answer, e.question.answer, e.format_ok)
    return episodes


def _summarise(pending: list[tuple[Episode, str, list[str]]], sys1: Policy, settings: EpisodeSettings,
               seed_key: object, turn: int) -> None:
    """One batched System-1 call over every bin of every episode of this turn."""
    if not pending:
        return
    calls = [(e, Dialogue(prompts.system1_messages(purpose, b), "sys1")) for e, purpose, bins in pending for b in bins]
    actions = sys1.act(
        [d for _, d in calls], max_new_tokens=settings.s1_max_new_tokens, temperature=settings.temperature,
        seeds=[stream_key(seed_key, e.index, turn, "s1", j) for j, (e, _) in enumerate(calls)],
    )
    summaries: dict[int, list[str]] = {}
    for (e, d), a in zip(calls, actions, strict=True):
        d.add_assistant(a.text, a.ids, a.logprobs)
        e.sys1.append(d)
        e.generated["sys1"] += a.n_tokens
        summaries.setdefault(id(e), []).append(a.text)
    for e, _, _ in pending:
        e.pending = prompts.summary_observation(summaries[id(e)])


def _append(e: Episode, observation: str, sys2: Policy, settings: EpisodeSettings) -> None:
    """Append an observation, cut to the context budget; end the episode when nothing fits."""
    budget = settings.context_cap - sys2.dialogue_tokens(e.sys2) - settings.s2_max_new_tokens - _RESERVE
    if budget < 16:
        e.done = True
        e.cut_observations += 1
        return
    tag = observation[: observation.index(">") + 1] if observation.startswith("<") else ""
    close = f"</{tag[1:]}" if tag else ""
    inner = observation[len(tag): len(observation) - len(close)] if tag and observation.endswith(close) else observation

    def wrap(text: str) -> str:
        return f"{tag}{text}{close}" if tag and observation.endswith(close) else text

    fitted, was_cut = _fit(inner, wrap, budget, sys2.count_tokens)
    e.cut_observations += int(was_cut)
    n = sys2.count_tokens(fitted)
    e.observation_tokens += n
    if not fitted.startswith("<summary>"):  # raw results, program output, notes: the same either way
        e.raw_observation_tokens += n
    e.sys2.add_user(fitted)
