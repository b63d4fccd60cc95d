"""Scripted models and the SQLite response cache."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from agentzoo.llm import CachedChatModel, LLMError, load_model, user
from agentzoo.llm.scripted import ScriptedChatModel, register


def test_scripted_policies_and_errors():
    echo = load_model("scripted:echo")
    assert echo.chat([user("a b c")], max_tokens=2).text == "a b"
    assert echo.chat([user("a b c")], stop=["b"]).text == "a "
    first = load_model("scripted:first")
    assert first.choice_logprobs([user("?")], ["x", "y"]) == [0.0, pytest.approx(math.log(1e-4))]
    with pytest.raises(LLMError, match="unknown scripted policy 'nope'; allowed:"):
        load_model("scripted:nope")
    with pytest.raises(ValueError, match="role"):
        echo.chat([{"role": "robot", "content": "x"}])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="at least one option"):
        echo.choice_logprobs([user("x")], [])
    register("always-yes", lambda m: "yes")
    assert load_model("scripted:always-yes").choice_logprobs([user("?")], ["no", "yes"])[1] == 0.0


def test_cache_replays_deterministic_requests_only(tmp_path: Path):
    replies = iter(f"reply {i}" for i in range(100))
    inner = ScriptedChatModel(spec="scripted:counter", respond=lambda m: next(replies))
    model = CachedChatModel(inner, tmp_path / "cache.sqlite")
    first = model.chat([user("q")])
    again = model.chat([user("q")])
    assert first.text == again.text == "reply 0" and again.cached and not first.cached
    assert model.chat([user("q")], max_tokens=5).text == "reply 1"  # settings are part of the key
    assert model.chat([user("q")], temperature=1.0).text == "reply 2"  # unseeded sampling: not cached
    assert model.chat([user("q")], temperature=1.0).text == "reply 3"
    seeded = model.chat([user("q")], temperature=1.0, seed=7).text
    assert model.chat([user("q")], temperature=1.0, seed=7).text == seeded
    batch = model.chat_batch([[user("q")], [user("new")]])
    assert [c.text for c in batch] == ["reply 0", "reply 5"] and batch[0].cached
    # a second process (new object, same file) sees the same replies
    other = CachedChatModel(ScriptedChatModel(spec="scripted:counter", respond=lambda m: "fresh"),
                            tmp_path / "cache.sqlite")
    assert other.chat([user("new")]).text == "reply 5"
    assert other.chat([user("q")]).text == "reply 0"


def test_cache_keys_on_weights_fingerprint(tmp_path: Path):
    class Versioned(ScriptedChatModel):
        version = 0

        @property
        def fingerprint(self) -> str:
            return f"{self.spec}#{self.version}"

    counter = iter(range(100))
    inner = Versioned(spec="scripted:v", respond=lambda m: str(next(counter)))
    model = CachedChatModel(inner, tmp_path / "c.sqlite")
    assert model.chat([user("x")]).text == "0"
    assert model.chat([user("x")]).text == "0"
    inner.version = 1  # weights changed: no stale replay
    assert model.chat([user("x")]).text == "1"
    assert model.choice_logprobs([user("x")], ["1", "2"]) == model.choice_logprobs([user("x")], ["1", "2"])
