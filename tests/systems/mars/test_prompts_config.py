from __future__ import annotations

import pytest

from agentzoo.config import ConfigError
from agentzoo.systems.mars import Config
from agentzoo.systems.mars.prompts import action_text, parse_action, system2_prompt


@pytest.mark.parametrize(
    ("text", "kind", "body", "purpose"),
    [
        ('<search purpose="find x">Vaslo Krenn</search>', "search", "Vaslo Krenn", "find x"),
        ('I need the city. <search purpose="find x">Krenn</search>', "search", "Krenn", "find x"),
        ('<scholar purpose="p">Title of it</scholar>', "scholar", "Title of it", "p"),
        ("<python>print(1 + 2)</python>", "python", "print(1 + 2)", ""),
        ("<answer> Dorvik </answer>", "answer", "Dorvik", ""),
        ("<search>no purpose</search>", "invalid", "", ""),
        ('<search purpose="">x</search>', "invalid", "", ""),
        ('<search purpose="p">x', "invalid", "", ""),
        ("<answer>a</answer><answer>b</answer>", "invalid", "", ""),
        ('<search purpose="p">x</search><answer>b</answer>', "invalid", "", ""),
        ("<answer></answer>", "invalid", "", ""),
        ("<open>d001</open>", "invalid", "", ""),
        ("", "invalid", "", ""),
        ("just some words", "invalid", "", ""),
        ('<python x="1">print(1)</python>', "invalid", "", ""),
    ],
)
def test_parse_action(text: str, kind: str, body: str, purpose: str) -> None:
    parsed = parse_action(text)
    assert parsed.kind == kind, parsed
    if kind != "invalid":
        assert (parsed.body, parsed.purpose) == (body, purpose)
    else:
        assert parsed.reason


def test_action_text_round_trips() -> None:
    for kind, body, purpose in [("search", "A B", "find it"), ("python", "print(2)", ""), ("answer", "x", "")]:
        parsed = parse_action(action_text(kind, body, purpose))
        assert (parsed.kind, parsed.body, parsed.purpose) == (kind, body, purpose)
    assert "<summary>" in system2_prompt(("search",), True) and "<results>" in system2_prompt(("search",), False)
    assert "<python>" not in system2_prompt(("search",), True)


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"group_size": 1}, "group_size"), ({"bin_capacity": 8}, "bin_capacity"), ({"packing": "best_fit"}, "packing"),
     ({"balance": "greedy"}, "balance"), ({"arms": ("mars", "bogus")}, "arms"), ({"tools": ("browser",)}, "tools"),
     ({"context_cap": 50}, "context_cap"), ({"world_people": 1}, "world_people")],
)
def test_bad_config_names_the_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ConfigError, match=field):
        Config(**changes)  # type: ignore[arg-type]


def test_remote_models_cannot_train() -> None:
    with pytest.raises(ConfigError, match="training needs local weights"):
        Config(model="openai:qwen@http://127.0.0.1:8000/v1")
    ok = Config(model="openai:qwen@http://127.0.0.1:8000/v1", arms=("oracle", "zero_shot", "closed_book"))
    assert ok.arms == ("oracle", "zero_shot", "closed_book")
    assert Config.quick().steps == 2 and Config.paper().warm_start == "none"
