"""LEGOMem: modular procedural memory for multi-agent LLM systems (Han et al., arXiv 2510.04851).

An orchestrator decomposes an office task and delegates subtasks to one agent per app;
past successful trajectories, curated into full-task memories (for the orchestrator) and
subtask memories (for the agents), are retrieved into their prompts. Run on agentzoo's
OfficeBench-compatible office (:mod:`agentzoo.envs.office`).

>>> from agentzoo.systems import legomem
>>> legomem.Config.quick().conditions
('none', 'both', 'replay')
"""

from agentzoo.systems.legomem import scripted as _scripted  # noqa: F401  (registers test policies)
from agentzoo.systems.legomem.config import Config
from agentzoo.systems.legomem.report import figures
from agentzoo.systems.legomem.run import run

__all__ = ["Config", "figures", "run"]
