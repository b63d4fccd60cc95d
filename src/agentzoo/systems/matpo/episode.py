"""The planner/worker rollout (MATPO, authors' multi-turn agent loop), batched over episodes.

At each planner turn every active planner writes one action. ``<subtask>s</subtask>`` starts a
worker with a *fresh context* (the worker system prompt and a user message holding the main task
and ``s``; no planner token). All workers spawned in that turn, across every episode (tree), run
their own multi-turn loops together, one batched ``generate`` call per worker turn, with the real
tools (search, open, python). A worker that emits ``<subtask>`` is told that workers cannot
delegate and gets a format error (the authors assert depth 1). A worker that runs out of turns
gets one forced final turn (the authors' "final summary"). The worker's last message is stripped of
``<think>`` and tags, cut to ``worker_return_max_tokens`` and appended to the planner as
``<result>...</result>`` (a user turn: loss mask 0). ``<answer>`` ends the episode.

Every context (planner, each worker, the single agent) grows by appending only; an observation
that would overflow its cap is cut, and a context with no room left ends (both are counted).
The single-agent baseline (``single=True``) runs the worker loop on the main question itself.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from agentzoo.envs.research import Question, exact_match, render_outputs
from agentzoo.envs.research.tools import (
    invalid_observation,
    output_observation,
    results_observation,
)
from agentzoo.rl.experiment import FromConfig
from agentzoo.rl.policy import Dialogue, Policy
from agentzoo.rl.rollout import RolloutTree
from agentzoo.seeding import stream_key
from agentzoo.systems.matpo import prompts
from agentzoo.systems.matpo.noise import NoisyTools
from agentzoo.systems.matpo.reward import Judge, matpo_reward, single_agent_reward

_RESERVE = 12  # delimiter tokens around an observation and the next assistant header
_MIN_ROOM = 16  # an observation budget below this ends the context


@dataclass(frozen=True)
class EpisodeSettings(FromConfig):
    """What an episode may do (from :class:`~agentzoo.systems.matpo.config.Config`)."""

    planner_max_turns: int = 4
    worker_max_turns: int = 3
    max_workers_per_episode: int = 3
    planner_max_new_tokens: int = 48
    worker_max_new_tokens: int = 48
    worker_return_max_tokens: int = 48
    worker_final_summary: bool = True
    planner_context_cap: int = 512
    worker_context_cap: int = 512
    single_agent_max_turns: int = 6
    temperature: float = 1.0
    single: bool = False
    """The single-agent baseline: one role with the tools, on the main question."""


@dataclass
class Agent:
    """One tool-using context: a worker (or the single agent) and what happened in it."""

    dialogue: Dialogue
    question: Question
    subtask: str = ""
    spawned_at: int = -1
    """Index of the planner message that spawned this worker (-1 for the single agent)."""
    answer: str | None = None
    last_text: str = ""
    done: bool = False
    format_ok: bool = True
    invalid: int = 0
    delegation_attempts: int = 0
    turns: int = 0
    summary_turn: bool = False
    overflow: bool = False
    cut_observations: int = 0
    tool_calls: Counter[str] = field(default_factory=Counter)
    queries: Counter[str] = field(default_factory=Counter)
    generated: int = 0
    returned: str = ""
    """What went back to the planner."""
    pending: str | None = None


@dataclass
class Episode:
    """One tree: the planner (or single agent) dialogue, its workers, and the outcome."""

    question: Question
    index: int
    group_id: str
    root: Agent
    single: bool = False
    workers: list[Agent] = field(default_factory=list)
    answer: str | None = None
    done: bool = False
    format_ok: bool = True
    turns: int = 0
    budget_overruns: int = 0
    overflow: bool = False
    parse_failures: Counter[str] = field(default_factory=Counter)
    """Invalid actions by role (``planner``, ``worker``, ``single``)."""
    cut_observations: int = 0
    context_tokens: int = 0
    """Planner (or single-agent) context at the end."""
    worker_context_tokens: list[int] = field(default_factory=list)
    em: float = 0.0
    accuracy: float = 0.0
    reward: float = 0.0
    pending: str | None = None

    @property
    def worker_format_ok(self) -> list[bool]:
        return [w.format_ok for w in self.workers]

    @property
    def generated(self) -> dict[str, int]:
        return {"planner": 0 if self.single else self.root.generated, "worker": sum(w.generated for w in self.workers),
                "single": self.root.generated if self.single else 0}

    def tree(self) -> RolloutTree:
        """The planner rollout is the root; every worker is a child with ``parent_id`` = the planner."""
        root = self.root.dialogue.to_rollout(f"{self.group_id}/{self.index}", self.group_id, question=self.question.id)
        tree = RolloutTree(root)
        for j, w in enumerate(self.workers):
            tree.add(w.dialogue.to_rollout(f"{root.id}/w{j}", self.group_id, root.id, subtask=w.subtask))
        tree.set_reward(self.reward)
        return tree

    def transcript(self, width: int = 160) -> str:
        """A readable tree: planner turns, each spawned worker indented under the turn that called it."""
        def cut(text: str) -> str:
            text = " ".join(text.split())
            return text if len(text) <= width else text[:width] + "…"

        name = "A" if self.single else "P"
        lines = [f"Q: {self.question.text}  (gold: {self.question.answer})"]
        for i, m in enumerate(self.root.dialogue.messages[2:], start=2):
            lines.append(f"  {name if m['role'] == 'assistant' else 'obs'}: {cut(m['content'])}")
            for w in (w for w in self.workers if w.spawned_at == i):
                for n in w.dialogue.messages[2:]:
                    lines.append(f"      {'W' if n['role'] == 'assistant' else 'obs'}: {cut(n['content'])}")
                lines.append(f"      -> returns {w.returned!r} (format {int(w.format_ok)})")
        lines.append(f"  => answer {self.answer!r}, EM {self.em:.0f}, reward {self.reward:.3f}, workers "
                     f"{len(self.workers)}, context {self.context_tokens} tokens")
        return "\n".join(lines)


def fit_observation(observation: str, budget: int, count: Callable[[str], int]) -> tuple[str, bool]:
    """``observation`` cut (inside its outer tag, at a word boundary, marked ``[cut]``) to ``budget`` tokens."""
    if count(observation) <= budget:
        return observation, False
    tag, close = "", ""
    if observation.startswith("<") and ">" in observation:
        tag = observation[: observation.index(">") + 1]
        close = "</" + tag[1:]
        if not observation.endswith(close):
            tag, close = "", ""
    words = observation[len(tag): len(observation) - len(close)].split(" ")
    lo, hi = 0, len(words)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if count(f"{tag}{' '.join(words[:mid])} [cut]{close}") <= budget:
            lo = mid
        else:
            hi = mid - 1
    return f"{tag}{' '.join(words[:lo])} [cut]{close}", True


def append_observation(agent: Agent, observation: str, policy: Policy, cap: int, max_new_tokens: int) -> bool:
    """Append ``observation`` cut to the cap; False (and the context ends) when no room is left."""
    budget = cap - policy.dialogue_tokens(agent.dialogue) - max_new_tokens - _RESERVE
    if budget < _MIN_ROOM:
        agent.overflow = agent.done = True
        return False
    fitted, was_cut = fit_observation(observation, budget, policy.count_tokens)
    agent.cut_observations += int(was_cut)
    agent.dialogue.add_user(fitted)
    return True


def _tool_observation(agent: Agent, kind: str, body: str, tools: NoisyTools) -> str:
    agent.tool_calls[kind] += 1
    if kind == "search":
        key = (agent.question.id, agent.queries[body])
        agent.queries[body] += 1
        return results_observation(render_outputs(tools.search(body, key)))
    if kind == "open":
        page = tools.open(body)
        return results_observation(page.render() if page is not None else f"No page with id {body!r}.")
    return output_observation(tools.python(body))


def run_agents(agents: Sequence[Agent], role: str, policy: Policy, tools: NoisyTools, *, max_turns: int,
               max_new_tokens: int, cap: int, final_summary: bool, temperature: float, seed_key: object,
               keys: Sequence[object]) -> None:
    """The tool-using loop of workers (or single agents), all batched: one ``act`` per turn."""
    allowed = prompts.ALLOWED[role]
    for turn in range(max_turns + int(final_summary)):
        summary = turn == max_turns
        active = [(a, k) for a, k in zip(agents, keys, strict=True) if not a.done]
        if not active:
            return
        actions = policy.act([a.dialogue for a, _ in active], max_new_tokens=max_new_tokens, temperature=temperature,
                             stop=prompts.STOP[role], seeds=[stream_key(seed_key, k, turn, role) for _, k in active])
        for (a, _), act in zip(active, actions, strict=True):
            a.dialogue.add_assistant(act.text, act.ids, act.logprobs)
            a.generated += act.n_tokens
            a.turns += 1
            a.last_text = act.text
            a.summary_turn = summary
            parsed = prompts.parse_action(act.text)
            if parsed.kind == "answer":
                a.answer, a.done = parsed.body, True
            elif parsed.kind == "subtask":  # workers cannot spawn workers (authors: asserted)
                a.delegation_attempts += 1
                a.invalid += 1
                a.format_ok = False
                a.pending = prompts.NO_DELEGATION
            elif parsed.kind == "invalid" or parsed.kind not in allowed:
                a.invalid += 1
                a.format_ok = False
                a.pending = invalid_observation(parsed.reason or f"<{parsed.kind}> is not available")
            else:
                a.pending = _tool_observation(a, parsed.kind, parsed.body, tools)
            if summary:
                a.done = True
        if turn + 1 >= max_turns + int(final_summary):
            break
        for a, _ in active:
            if a.done or a.pending is None:
                continue
            observation, a.pending = a.pending, None
            if turn + 1 == max_turns:  # the forced final turn reads the last observation and the request
                observation = f"{observation}\n{prompts.FINAL_SUMMARY}"
            append_observation(a, observation, policy, cap, max_new_tokens)
    for a in agents:
        a.done = True
        if a.answer is None:
            a.format_ok = False


def run_episodes(questions: Sequence[Question], group_ids: Sequence[str], policy: Policy, tools: NoisyTools,
                 settings: EpisodeSettings, seed_key: object, *, judge: Judge | None = None,
                 timer: dict[str, float] | None = None) -> list[Episode]:
    """Roll out one episode per question (repeat a question for a group), every role batched.

    ``timer`` (optional) accumulates seconds under ``planner`` and ``worker`` (``single`` for the
    baseline); ``judge`` (a :class:`~agentzoo.systems.matpo.reward.Judge`) grades non-matching answers.
    """
    if len(questions) != len(group_ids):
        raise ValueError("one group id per question")
    timer = timer if timer is not None else {}
    s = settings
    role = prompts.SINGLE if s.single else prompts.PLANNER
    episodes = []
    for i, (q, g) in enumerate(zip(questions, group_ids, strict=True)):
        messages = prompts.single_messages(q.text) if s.single else prompts.planner_messages(q.text)
        episodes.append(Episode(q, i, g, Agent(Dialogue(messages, role), q), single=s.single))
    if s.single:
        start = time.perf_counter()
        run_agents([e.root for e in episodes], role, policy, tools, max_turns=s.single_agent_max_turns,
                   max_new_tokens=s.planner_max_new_tokens, cap=s.planner_context_cap, final_summary=False,
                   temperature=s.temperature, seed_key=seed_key, keys=[e.index for e in episodes])
        _add(timer, "single", start)
        for e in episodes:
            e.answer, e.format_ok, e.turns, e.overflow = e.root.answer, e.root.format_ok, e.root.turns, e.root.overflow
            e.parse_failures["single"] += e.root.invalid
    else:
        for turn in range(s.planner_max_turns):
            if not _planner_turn(episodes, turn, policy, tools, s, seed_key, timer):
                break
    _finish(episodes, policy, judge)
    return episodes


def _planner_turn(episodes: list[Episode], turn: int, policy: Policy, tools: NoisyTools, s: EpisodeSettings,
                  seed_key: object, timer: dict[str, float]) -> bool:
    active = [e for e in episodes if not e.done]
    if not active:
        return False
    start = time.perf_counter()
    actions = policy.act([e.root.dialogue for e in active], max_new_tokens=s.planner_max_new_tokens,
                         temperature=s.temperature, stop=prompts.STOP[prompts.PLANNER],
                         seeds=[stream_key(seed_key, e.index, turn, prompts.PLANNER) for e in active])
    _add(timer, "planner", start)
    spawned: list[tuple[Episode, Agent]] = []
    for e, act in zip(active, actions, strict=True):
        e.root.dialogue.add_assistant(act.text, act.ids, act.logprobs)
        e.root.generated += act.n_tokens
        e.turns += 1
        parsed = prompts.parse_action(act.text)
        if parsed.kind == "answer":
            e.answer, e.done = parsed.body, True
        elif parsed.kind == "subtask" and turn + 1 == s.planner_max_turns:
            e.format_ok = False  # no turn left to read a worker's result: none is started
        elif parsed.kind == "subtask" and len(e.workers) >= s.max_workers_per_episode:
            e.budget_overruns += 1
            e.format_ok = False
            e.pending = prompts.BUDGET_EXHAUSTED
        elif parsed.kind == "subtask":
            worker = Agent(Dialogue(prompts.worker_messages(e.question.text, parsed.body), prompts.WORKER),
                           e.question, subtask=parsed.body, spawned_at=len(e.root.dialogue.messages) - 1)
            e.workers.append(worker)
            spawned.append((e, worker))
        else:
            reason = parsed.reason if parsed.kind == "invalid" else "the planner has no tools; delegate with <subtask>"
            e.parse_failures[prompts.PLANNER] += 1
            e.format_ok = False
            e.pending = invalid_observation(reason)
    start = time.perf_counter()
    run_agents([w for _, w in spawned], prompts.WORKER, policy, tools, max_turns=s.worker_max_turns,
               max_new_tokens=s.worker_max_new_tokens, cap=s.worker_context_cap, final_summary=s.worker_final_summary,
               temperature=s.temperature, seed_key=seed_key, keys=[(e.index, len(e.workers)) for e, _ in spawned])
    _add(timer, "worker", start)
    for e, w in spawned:
        w.returned = prompts.worker_return(w.last_text, s.worker_return_max_tokens, policy.count_tokens)
        e.pending = prompts.result_observation(w.returned)
        e.parse_failures[prompts.WORKER] += w.invalid
    for e in active:
        if e.done or e.pending is None:
            continue
        observation, e.pending = e.pending, None
        if turn + 1 < s.planner_max_turns and not append_observation(
                e.root, observation, policy, s.planner_context_cap, s.planner_max_new_tokens):
            e.done = e.overflow = True
    return True


def _add(timer: dict[str, float], key: str, start: float) -> None:
    timer[key] = timer.get(key, 0.0) + time.perf_counter() - start


def _finish(episodes: list[Episode], policy: Policy, judge: Judge | None) -> None:
    """Render every context, then grade: accuracy (EM or judge), format, reward."""
    for e in episodes:
        if e.answer is None:
            e.format_ok = False
        e.context_tokens = policy.dialogue_tokens(e.root.dialogue)
        e.worker_context_tokens = [policy.dialogue_tokens(w.dialogue) for w in e.workers]
        e.cut_observations = e.root.cut_observations + sum(w.cut_observations for w in e.workers)
    for e in episodes:
        e.em = exact_match(e.answer, e.question.answer)
    if judge is not None:
        grades = judge.grade([(e.question.text, e.question.answer, e.answer) for e in episodes])
    else:
        grades = [e.em for e in episodes]
    for e, accuracy in zip(episodes, grades, strict=True):
        e.accuracy = accuracy
        e.reward = (single_agent_reward(accuracy, e.format_ok) if e.single
                    else matpo_reward(accuracy, e.format_ok, e.worker_format_ok))
