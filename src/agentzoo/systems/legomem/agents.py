"""The multi-agent team: an orchestrator that decomposes and delegates, one task agent per app.

The orchestrator makes at most ``max_orchestrator_steps`` delegations (agent + subtask
description), then finishes; each task agent takes at most ``max_agent_steps`` actions on the
office, then hands back its last informative observation. Two interfaces:

* **constrained** (local/scripted models): every decision is a forced choice scored by the model
  (:mod:`.scoring`): the next agent among the apps and ``finish``; the subtask description among
  the re-bound plan steps and the task itself; an agent's next action among re-bound remembered
  actions, the app's action types and ``done``, then each argument among fillers (:mod:`.candidates`);
* **free-form** (OpenAI-compatible servers): JSON delegations and OfficeBench-style action dicts,
  parsed tolerantly; a reply that does not parse becomes an observation and is counted.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from agentzoo.envs.office import ACTIONS, Office, Subtask
from agentzoo.llm import ChatModel, parse_json
from agentzoo.systems.legomem.candidates import bind_action, memory_actions, slot_candidates
from agentzoo.systems.legomem.config import Config
from agentzoo.systems.legomem.facts import Facts, rebind
from agentzoo.systems.legomem.prompts import (
    AGENTS,
    FREEFORM_AGENT,
    FREEFORM_ORCHESTRATOR,
    REWRITE_FREEFORM,
    agent_messages,
    orchestrator_messages,
    plan_block,
    plan_progress,
    unit_block,
)
from agentzoo.systems.legomem.retrieval import Guidance, MemoryBank, n_tokens
from agentzoo.systems.legomem.scoring import ChoiceStats, choose
from agentzoo.systems.legomem.trace import (
    Delegation,
    Step,
    Trajectory,
    action_text,
    agent_facts,
    result_line,
    subtask_facts,
)

log = logging.getLogger(__name__)
FINISH = "finish"


@dataclass
class Counters:
    """Per-run tallies reported in the metrics."""

    invalid_actions: int = 0
    parse_failures: int = 0
    memory_tokens: int = 0
    prompts: int = 0
    unresolved_memory_actions: int = 0
    memory_actions_chosen: int = 0


class Team:
    """Orchestrator + task agents acting on one office."""

    def __init__(self, config: Config, orchestrator: ChatModel, agent: ChatModel, interface: str,
                 bank: MemoryBank | None, stats: ChoiceStats, counters: Counters) -> None:
        self.config = config
        self.orchestrator = orchestrator
        self.agent_model = agent
        self.freeform = interface == "freeform"
        self.bank = bank
        self.stats = stats
        self.counters = counters
        self.obs_chars = config.obs_max_tokens * 4

    # ------------------------------------------------------------------ the episode
    def solve(self, subtask: Subtask, office: Office, guidance: Guidance, rewrite: bool = False) -> Trajectory:
        base = subtask_facts(subtask, office.files(), office.users())
        trajectory = Trajectory(subtask.uid, subtask.task, subtask.username, memory_ids=list(guidance.task_ids))
        if rewrite and guidance.plans and self.bank is not None:
            self._rewrite(subtask, base, guidance, trajectory)
        for _ in range(self.config.max_orchestrator_steps):
            agent, description = self._next_agent(subtask, base, guidance, trajectory)
            if agent == FINISH:
                trajectory.finished = True
                break
            if description is None:
                description = self._description(subtask, base, guidance, trajectory, agent)
            trajectory.delegations.append(self._run_agent(subtask, office, base, guidance, trajectory, agent,
                                                          description))
        return trajectory

    def _memory(self, text: str) -> str:
        self.counters.memory_tokens += n_tokens(text)
        self.counters.prompts += 1
        return text

    # ------------------------------------------------------------------ orchestrator
    def _plans_text(self, guidance: Guidance, trajectory: Trajectory, base: Facts) -> str:
        if not guidance.plans:
            return ""
        done = [d.agent for d in trajectory.delegations]
        return self._memory(plan_block(guidance.plans, done, base, self.config.memory_max_tokens,
                                       guidance.match_tokens.get("orchestrator") if guidance.match_tokens else None))

    def _pending_steps(self, guidance: Guidance, trajectory: Trajectory, base: Facts) -> list[tuple[str, str]]:
        """Plan steps not yet delegated (``next``/``todo``), re-bound, as (agent, description)."""
        done = [d.agent for d in trajectory.delegations]
        pending = []
        for memory in guidance.plans:
            for mark, step in zip(plan_progress(memory["plan"], done), memory["plan"], strict=True):
                bound = rebind(step["template"], base)
                if mark != "done" and bound and step["agent"] in AGENTS:
                    pending.append((step["agent"], bound))
        return list(dict.fromkeys(pending))[: self.config.max_candidates]

    def _next_agent(self, subtask: Subtask, base: Facts, guidance: Guidance,
                    trajectory: Trajectory) -> tuple[str, str | None]:
        """The next agent (or finish), with its description when a remembered plan step was chosen.

        Remembered plan steps compete with the bare agent names (length-normalised: they are long
        strings); without them the agent names and ``finish`` are compared by summed log-probability.
        """
        memory = self._plans_text(guidance, trajectory, base)
        if not self.freeform:
            labels = [*AGENTS, FINISH] if trajectory.delegations else list(AGENTS)  # act before finishing
            pending = self._pending_steps(guidance, trajectory, base)
            options = [f"{a}: {d}" for a, d in pending] + labels
            messages = orchestrator_messages(subtask, memory, trajectory.delegations,
                                             f"Which agent acts next? Answer with one of: {', '.join(labels)}.",
                                             self.config.obs_max_tokens)
            index, _ = choose(self.orchestrator, messages, options, self.stats, normalise=bool(pending))
            if index < len(pending):
                return pending[index]
            return options[index], None
        for _ in range(2):
            messages = orchestrator_messages(subtask, memory, trajectory.delegations, FREEFORM_ORCHESTRATOR,
                                             self.config.obs_max_tokens, (*AGENTS, "llm"))
            reply = self.orchestrator.chat(messages, max_tokens=self.config.max_new_tokens,
                                           temperature=self.config.temperature, seed=self.config.seed)
            parsed = parse_json(reply.text)
            agent = str(parsed.value.get("agent", "")).strip().lower() if parsed.ok else ""
            if agent in (*AGENTS, "llm", FINISH):
                described = str(parsed.value.get("subtask", "")).strip() or subtask.task
                return agent, (None if agent == FINISH else described)
            self.counters.parse_failures += 1
        return FINISH, None

    def _description(self, subtask: Subtask, base: Facts, guidance: Guidance, trajectory: Trajectory,
                     agent: str) -> str:
        options = []
        for memory in guidance.plans:
            for step in memory["plan"]:
                if step["agent"] == agent:
                    bound = rebind(step["template"], base)
                    if bound:
                        options.append(bound)
        options = list(dict.fromkeys([*options, subtask.task]))[: self.config.max_candidates]
        plans = self._plans_text(guidance, trajectory, base)
        messages = orchestrator_messages(subtask, plans, trajectory.delegations,
                                         f"What should the {agent} agent do? Give its subtask.",
                                         self.config.obs_max_tokens)
        index, _ = choose(self.orchestrator, messages, options, self.stats)
        return options[index]

    def _rewrite(self, subtask: Subtask, base: Facts, guidance: Guidance, trajectory: Trajectory) -> None:
        """Query-rewrite: subtasks guided by the plans, each querying its agent's subtask memories."""
        assert self.bank is not None
        rendered = []
        for memory in guidance.plans:
            steps = [(s["agent"], rebind(s["template"], base) or s["description"]) for s in memory["plan"]]
            rendered.append(steps)
        if self.freeform:
            messages = orchestrator_messages(subtask, self._plans_text(guidance, trajectory, base), [],
                                             REWRITE_FREEFORM, self.config.obs_max_tokens)
            reply = self.orchestrator.chat(messages, max_tokens=self.config.max_new_tokens,
                                           temperature=self.config.temperature, seed=self.config.seed)
            lines = [ln.strip(" -*0123456789.").split(":", 1) for ln in reply.text.splitlines() if ":" in ln]
            chosen = [(a.strip().lower(), d.strip()) for a, d in lines if a.strip().lower() in AGENTS and d.strip()]
            if not chosen:
                self.counters.parse_failures += 1
                chosen = rendered[0]
        else:
            options = ["; ".join(f"{a}: {d}" for a, d in steps) for steps in rendered]
            messages = orchestrator_messages(subtask, "", [], "Rewrite the task as a list of subtasks.",
                                             self.config.obs_max_tokens)
            index, _ = choose(self.orchestrator, messages, options, self.stats)
            chosen = rendered[index]
        units: dict[str, list[dict[str, Any]]] = {}
        for agent, description in chosen:
            for unit in self.bank.subtasks_for(description, agent, username=subtask.username):
                if unit["id"] not in {u["id"] for u in units.get(agent, [])}:
                    units.setdefault(agent, []).append(unit)
        guidance.agent_units = units

    # ------------------------------------------------------------------ task agents
    def _units(self, guidance: Guidance, agent: str, description: str, username: str) -> list[dict[str, Any]]:
        if guidance.dynamic and self.bank is not None:
            return self.bank.subtasks_for(description, agent, username=username)
        return list(guidance.agent_units.get(agent, []))

    def _run_agent(self, subtask: Subtask, office: Office, base: Facts, guidance: Guidance,
                   trajectory: Trajectory, agent: str, description: str) -> Delegation:
        delegation = Delegation(agent, description)
        units = self._units(guidance, agent, description, subtask.username)
        delegation.memory_ids = [u["id"] for u in units]
        results = [d.result for d in trajectory.delegations]
        files = office.files()
        facts = agent_facts(base, results, [], subtask.now.year)
        failures = 0
        for _ in range(self.config.max_agent_steps):
            facts = agent_facts(base, results, delegation.steps, subtask.now.year)
            match = guidance.match_tokens.get(agent, 0) if guidance.match_tokens else None
            n_done = sum(s.kind == "ok" for s in delegation.steps)
            memory = self._memory(unit_block(units, facts, n_done, self.config.memory_max_tokens, match)) if units else ""
            if self.freeform:
                step, done = self._act_freeform(subtask, agent, description, results, memory, delegation, failures)
            else:
                step, done = self._act_constrained(subtask, agent, description, results, memory, delegation,
                                                   units, facts, files)
            if done:
                if step is not None:
                    delegation.result = step.observation
                break
            assert step is not None
            if step.kind == "parse_error":
                failures += 1
                delegation.steps.append(step)
                if failures >= 2:
                    break
                continue
            observation = office.execute(step.action)
            step.observation, step.kind = observation.text, observation.kind
            if not observation.ok:
                self.counters.invalid_actions += 1
            delegation.steps.append(step)
            files = office.files()
        facts = agent_facts(base, results, delegation.steps, subtask.now.year)
        if not delegation.result:
            delegation.result = result_line(delegation.steps, facts, self.obs_chars)
        return delegation

    def _act_constrained(self, subtask: Subtask, agent: str, description: str, results: list[str], memory: str,
                         delegation: Delegation, units: list[dict[str, Any]], facts: Facts,
                         files: Sequence[str]) -> tuple[Step | None, bool]:
        """Next action: a re-bound remembered action, or an action type then its arguments, or done.

        With remembered actions the options are long strings next to short labels, so scores are
        length-normalised; without them the action types and ``done`` are compared by summed
        log-probability.
        """
        remembered, dropped = memory_actions(units, facts, [s.action for s in delegation.steps],
                                             max(1, self.config.max_candidates // 2))
        self.counters.unresolved_memory_actions += dropped
        types = [action for (app, action), spec in ACTIONS.items() if app == agent and spec.supported]
        options = [action_text(a) for a in remembered] + types + ["done"]
        messages = agent_messages(subtask, agent, description, results, memory, delegation.steps,
                                  "Is your subtask complete? If yes answer done, else choose an action: "
                                  f"{', '.join(types)}.", self.config.obs_max_tokens)
        index, scores = choose(self.agent_model, messages, options, self.stats, normalise=bool(remembered))
        ranked = sorted(zip(options, scores, strict=True), key=lambda x: -x[1])[:5]
        if options[index] == "done":
            return None, True
        if index < len(remembered):
            self.counters.memory_actions_chosen += 1
            return Step(remembered[index], "", source="memory", candidates=ranked), False
        action, from_memory = self._fill(subtask, agent, options[index], description, results, memory, delegation,
                                         remembered, facts, files)
        if from_memory:
            self.counters.memory_actions_chosen += 1
        return Step(action, "", source="memory" if from_memory else "slots", candidates=ranked), False

    def _fill(self, subtask: Subtask, agent: str, action_type: str, description: str, results: list[str],
              memory: str, delegation: Delegation, remembered: list[dict[str, Any]], facts: Facts,
              files: Sequence[str]) -> tuple[dict[str, Any], bool]:
        """Each argument in order among fillers, the re-bound remembered values of this action type first.

        Returns the action and whether it equals a remembered action (memory was followed).
        """
        spec = ACTIONS[(agent, action_type)]
        action: dict[str, Any] = {"app": agent, "action": action_type}
        for arg in spec.args:
            preferred = [str(a[arg]) for a in remembered if a["action"] == action_type and arg in a
                         and all(str(a.get(k)) == str(v) for k, v in action.items())]
            pool = slot_candidates(arg, facts, agent, files, self.config.max_candidates)
            options = list(dict.fromkeys(preferred + pool))[: self.config.max_candidates]
            if not options:
                continue  # the app will say what is missing
            messages = agent_messages(subtask, agent, description, results, memory, delegation.steps,
                                      f"You are writing the action {action_type}. Choose the value of {arg}.",
                                      self.config.obs_max_tokens)
            index, _ = choose(self.agent_model, messages, options, self.stats)
            action[arg] = options[index]
        return action, action in remembered

    def _act_freeform(self, subtask: Subtask, agent: str, description: str, results: list[str], memory: str,
                      delegation: Delegation, failures: int) -> tuple[Step | None, bool]:
        messages = agent_messages(subtask, agent, description, results, memory, delegation.steps, FREEFORM_AGENT,
                                  self.config.obs_max_tokens, freeform=True)
        reply = self.agent_model.chat(messages, max_tokens=self.config.max_new_tokens,
                                      temperature=self.config.temperature, seed=self.config.seed)
        parsed = parse_json(reply.text)
        value = parsed.value if parsed.ok else None
        if not isinstance(value, dict) or not isinstance(value.get("action"), str):
            self.counters.parse_failures += 1
            error = parsed.error or "expected a JSON object with an 'action'"
            return Step({"app": agent, "action": "unparsed"}, f"Could not parse your reply ({error}).",
                        "parse_error", "freeform"), False
        if value["action"] == "done":
            return Step({"app": agent, "action": "done"}, str(value.get("result", "")), "ok", "freeform"), True
        action = {k: v for k, v in value.items() if k != "app"}
        return Step({"app": value.get("app", agent) if value.get("app") in AGENTS else agent, **action}, "",
                    source="freeform"), False


def replay(subtask: Subtask, office: Office, bank: MemoryBank, guidance_task: str, obs_chars: int,
           counters: Counters) -> Trajectory:
    """The no-LLM control: re-bind and replay the top-1 task memory's subtask steps in order."""
    base = subtask_facts(subtask, office.files(), office.users())
    hits = bank.tasks(guidance_task, 1, username=subtask.username)
    trajectory = Trajectory(subtask.uid, subtask.task, subtask.username, memory_ids=[r.id for r, _ in hits],
                            finished=True)
    if not hits:
        return trajectory
    units = bank.subtasks_of([hits[0][0]])
    ordered = sorted((u for group in units.values() for u in group), key=lambda u: u["position"])
    for unit in ordered:
        delegation = Delegation(unit["agent"], rebind(unit["template"], base) or unit["description"],
                                memory_ids=[unit["id"]])
        results = [d.result for d in trajectory.delegations]
        for step in unit["steps"]:
            facts = agent_facts(base, results, delegation.steps, subtask.now.year)
            action = bind_action(step["action"], facts)
            if action is None:
                counters.unresolved_memory_actions += 1
                continue
            observation = office.execute(action)
            delegation.steps.append(Step(action, observation.text, observation.kind, "replay"))
        delegation.result = result_line(delegation.steps, agent_facts(base, results, delegation.steps,
                                                                      subtask.now.year), obs_chars)
        trajectory.delegations.append(delegation)
    return trajectory
