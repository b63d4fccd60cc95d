"""MARS: Optimizing Dual-System Deep Research via Multi-Agent Reinforcement Learning
(Chen et al., arXiv 2510.04935; v2: "Co-evolving Dual-System Deep Research via Multi-Agent
Reinforcement Learning").

One LLM plays System 2 (reasons, calls tools with a purpose) and System 1 (summarises the
bin-packed tool outputs under that purpose); both are trained with multi-role GRPO (pooled
advantages per role, sample balancing). agentzoo runs it on a synthetic, verifiable research
world with the embedded SmolLM2-135M on CPU. See ``docs/mars.md``.
"""

from agentzoo.llm import scripted
from agentzoo.systems.mars.config import Config
from agentzoo.systems.mars.evaluate import figures
from agentzoo.systems.mars.run import run

for _name, _text in (("gold", "research-world oracle (mars/matpo build it from their world)"),
                     ("random", "random research actions, many malformed (mars/matpo tests)")):
    if _name not in scripted.policies():
        scripted.register(_name, lambda messages: "<answer>unknown</answer>", description=_text)

__all__ = ["Config", "figures", "run"]
