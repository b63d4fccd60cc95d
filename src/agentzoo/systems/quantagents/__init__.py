"""quantagents: "QuantAgents: Towards Multi-agent Financial System via Simulated Trading" (arXiv 2510.04643).

An LLM-run fund: Otto (manager), Bob (simulated trading), Dave (risk control) and Emily (market news)
meet weekly for market analysis and strategy development, and in a risk-alert meeting whenever the
risk score R_score exceeds 0.75. Candidate strategies are tested forward in a past-only simulated
market before capital is committed, and the team learns from a dual reward: real-market P&L and the
predictive accuracy of the simulation. The testbed is a synthetic equity universe whose news stream
is generated from its hidden events (informative by construction), or the real S&P 500 / NASDAQ
daily series shipped in ``arch``.

>>> from agentzoo.systems import quantagents as qa
>>> cfg = qa.Config.quick().replace(model="scripted:quantagents", memory_embedder="hash")
>>> result = qa.run(cfg)                      # doctest: +SKIP
>>> result.metrics["sharpe"], result.metrics["sharpe_no_risk_alert"]   # doctest: +SKIP
"""

from agentzoo.systems.quantagents import agents as _agents  # noqa: F401  (registers scripted:quantagents)
from agentzoo.systems.quantagents.config import Config
from agentzoo.systems.quantagents.report import figures
from agentzoo.systems.quantagents.run import run

__all__ = ["Config", "figures", "run"]
