"""Three-layer bots: the layer laws, rendering, and per-bar bots equal to the vectorised library."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from agentzoo.markets import backtest as bt
from agentzoo.markets import synth
from agentzoo.systems.timi import bot as botlib
from agentzoo.systems.timi import strategies as S
from agentzoo.systems.timi.deploy import _FeedAdapter


@pytest.fixture(scope="module")
def bars():
    return synth.minute_bars(1, 3, "crypto_major", seed=3, edge=2.0, bar_minutes=5)


def _bot(spec: S.BotSpec, bars) -> S.Bot:
    sb = float(np.std(np.diff(np.log(bars.close[:, 0]))))
    return S.calibrate(spec, sigma_bar=sb, bars_per_day=288, minutes_per_bar=5.0, trend_s=0.7)


SPECS = [S.BotSpec(f, e, stop=st, take_profit=tp, session_exit=f in S.INTRADAY)
         for f in S.FAMILIES for e in S.ENTRY[f] for st, tp in itertools.product(("atr", "none"), repeat=2)]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: f"{s.family}-{s.entry}-{s.stop}-{s.take_profit}")
def test_rendered_bot_obeys_laws_and_matches_library(bars, spec):
    bot = _bot(spec, bars)
    if spec.family == "grid":  # make the ladder trade on this short sample
        bot = bot.with_params({"spacing": 0.002, "n": 48})
    source = botlib.render(bot)
    assert botlib.check_laws(source) == []
    res = bt.run_streaming(bars, _FeedAdapter(botlib.load(source)))
    np.testing.assert_array_equal(res.targets[:, 0], S.targets(bot, bars))
    assert (S.targets(bot, bars) != 0).any() or spec.family == "opening_range"


def test_laws_flag_literal_upward_import_unknown_param_and_unsafe_code(bars):
    good = botlib.render(_bot(S.default_spec("trend"), bars))
    literal = botlib.BotSource(good.params_json, good.functions_py,
                               good.strategy_py.replace('P["size"]', "0.02"))
    assert any("numeric literal 0.02" in r and r.startswith("strategy.py") for r in botlib.check_laws(literal))
    upward = botlib.BotSource(good.params_json, good.functions_py + "\nimport strategy\n", good.strategy_py)
    assert any("upward" in r for r in botlib.check_laws(upward))
    unknown = botlib.BotSource(good.params_json, good.functions_py, good.strategy_py.replace('P["fast"]', 'P["speed"]'))
    assert any("'speed'" in r for r in botlib.check_laws(unknown))
    for bad in ("import socket", "from agentzoo.llm import load_model", "x = open('/etc/passwd')",
                "y = ().__class__"):
        src = botlib.BotSource(good.params_json, good.functions_py + "\n" + bad + "\n", good.strategy_py)
        assert botlib.check_laws(src), bad
        with pytest.raises(botlib.BotRejected):
            botlib.load(src)
    strat_import = botlib.BotSource(good.params_json, good.functions_py, "import agentzoo.llm\n" + good.strategy_py)
    assert any("may import only functions" in r for r in botlib.check_laws(strat_import))
    assert botlib.check_laws(botlib.BotSource("{not json", good.functions_py, good.strategy_py))


def test_parameter_edit_keeps_code_hash(bars):
    bot = _bot(S.default_spec("opening_range"), bars)
    src = botlib.render(bot)
    edited = botlib.render(bot.with_params({"theta": 1.3, "k_atr": 2.0}))
    assert edited.code_sha256() == src.code_sha256() and edited.params_json != src.params_json
    assert json.loads(botlib.with_params(src, {"theta": 2.0}).params_json)["params"]["theta"] == 2.0
    other = botlib.render(S.Bot(bot.spec.with_(take_profit="atr"), bot.params))
    assert other.code_sha256() != src.code_sha256()


def test_functions_layer_holds_only_what_the_strategy_uses(bars):
    src = botlib.render(_bot(S.BotSpec("reversion", "rsi"), bars))
    assert "class RSI" in src.functions_py and "class RunningStd" not in src.functions_py
    assert "class PriorExtreme" not in src.functions_py


def test_loader_restricts_imports_at_runtime(bars):
    good = botlib.render(_bot(S.default_spec("trend"), bars))
    sneaky = botlib.BotSource(good.params_json, good.functions_py + "\nimport collections.abc\n", good.strategy_py)
    assert botlib.check_laws(sneaky) == []  # the laws allow the collections package...
    with pytest.raises(botlib.BotRejected, match=r"may not import 'collections\.abc'"):
        botlib.load(sneaky)  # ...the loader's import guard admits only the exact modules it provides
