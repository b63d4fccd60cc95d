"""Deployment: zero LLM calls (counted, with a raising model), latency, sandboxed code bots."""

from __future__ import annotations

import numpy as np
import pytest

import agentzoo.llm as llm
from agentzoo.llm import user
from agentzoo.llm.scripted import ScriptedChatModel
from agentzoo.markets import synth
from agentzoo.markets.backtest import Costs, Limits
from agentzoo.systems.timi import agents as ag
from agentzoo.systems.timi import bot as botlib
from agentzoo.systems.timi import deploy
from agentzoo.systems.timi import strategies as S


@pytest.fixture(scope="module")
def window():
    bars = synth.minute_bars(1, 3, "index_future", seed=7, edge=2.0, bar_minutes=5)
    return bars, int(bars.day_starts[1])


def _source(bars) -> botlib.BotSource:
    bot = S.calibrate(S.default_spec("opening_range"), sigma_bar=0.001, bars_per_day=78, minutes_per_bar=5.0)
    return botlib.render(bot.with_params({"theta": 0.0}))


def test_deployment_makes_zero_llm_calls(window):
    bars, offset = window
    model = ScriptedChatModel(spec="scripted:counting")
    agents = ag.Agents({"semantic": model, "code": model, "math": model})
    before = model.calls
    with deploy.forbid_llm(agents) as counter:
        dep = deploy.deploy_template(_source(bars), bars, offset, Costs(fee_bps=1), Limits())
    assert counter.attempts == 0 and model.calls == before
    assert dep.result.bars.T == bars.T - offset and np.isfinite(dep.result.equity).all()
    assert 0 < dep.latency_p50_us <= dep.latency_p99_us


def test_the_raising_model_has_teeth():
    model = ScriptedChatModel(spec="scripted:counting")
    agents = ag.Agents({"semantic": model, "code": model, "math": model})
    with deploy.forbid_llm(agents) as counter:
        with pytest.raises(deploy.LLMCallInDeployment):
            model.chat([user("hi")])
        with pytest.raises(deploy.LLMCallInDeployment):
            llm.load_model("scripted:echo")
        with pytest.raises(RuntimeError):
            agents.ask([ag.Question("A_ma", "?", ("a", "b"))])
    assert counter.attempts == 3
    assert model.chat([user("hi")]).text == "hi"  # restored afterwards


def test_sandboxed_code_bot_runs_one_bar_per_decision(window):
    bars, offset = window
    src = _source(bars)
    dep = deploy.deploy_sandboxed(src, bars, offset, Costs(fee_bps=1), Limits(), time_limit_s=60)
    ref = deploy.deploy_template(src, bars, offset, Costs(fee_bps=1), Limits())
    assert dep.error is None and dep.mode == "sandbox"
    np.testing.assert_array_equal(dep.result.targets, ref.result.targets)


def test_crashing_code_bot_is_flattened_and_reported(window):
    bars, offset = window
    src = _source(bars)
    crash = botlib.BotSource(src.params_json, src.functions_py,
                             src.strategy_py.replace("        self.t += 1\n", "        self.t += 1\n        if self.t > P[\"or_bars\"] * P[\"atr_n\"]:\n            return 1 // 0\n"))
    assert botlib.check_laws(crash) == []
    dep = deploy.deploy_sandboxed(crash, bars, offset, Costs(fee_bps=1), Limits(), time_limit_s=60)
    assert dep.error is not None and "ZeroDivisionError" in dep.error
    params = src.params
    fail = int(params["or_bars"] * params["atr_n"])  # the first bar whose decision fails
    assert fail > offset and (dep.result.targets[fail - offset :] == 0).all()


def test_code_bot_with_socket_or_llm_import_is_rejected(window):
    bars, offset = window
    src = _source(bars)
    for bad in ("import socket\n", "import agentzoo.llm\n"):
        evil = botlib.BotSource(src.params_json, bad + src.functions_py, src.strategy_py)
        with pytest.raises(botlib.BotRejected):
            deploy.deploy_sandboxed(evil, bars, offset, Costs(), Limits())
