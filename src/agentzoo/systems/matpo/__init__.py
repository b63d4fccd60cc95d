"""MATPO: Multi-Agent Tool-Integrated Policy Optimization (Mo, Li, Chen, Bing; authors' code
GitHub mzf666/MATPO, a fork of verl).

One LLM plays a planner (splits the question into subtasks and delegates each through an agent-type
tool) and workers (solve a subtask with search/open/python in a fresh context and return a short,
stripped answer). Both roles are trained with GRPO on the planner's reward; each worker row inherits
its planner's advantage. agentzoo runs it on the synthetic research world with the embedded
SmolLM2-135M on CPU, against single-agent GRPO at the same budget, with clean and noisy tools.
See ``docs/matpo.md``.
"""

from agentzoo.llm import scripted
from agentzoo.systems.matpo.config import Config
from agentzoo.systems.matpo.evaluate import figures
from agentzoo.systems.matpo.run import run

for _name, _text in (("gold", "research-world oracle (mars/matpo build it from their world)"),
                     ("random", "random research actions, many malformed (mars/matpo tests)")):
    if _name not in scripted.policies():
        scripted.register(_name, lambda messages: "<answer>unknown</answer>", description=_text)

__all__ = ["Config", "figures", "run"]
