"""The free-text parser, the ATP file loaders and their errors, and the smoke run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from agentzoo.systems import atp
from agentzoo.systems.atp import data as atp_data
from agentzoo.systems.atp.decide import parse_choice

OPTIONS = ("Route A", "Route B")
CASES = [
    ('{"choice": "Route A"}', 0),
    ('I pick {"choice": "Route B"}', 1),
    ('{"choice": "Route A"} or {"choice": "Route B"}\nMy decision: {"choice": "Route A"}', 0),  # echo, then answer
    ('Format: {"choice": "Route A"} or {"choice": "Route B"}', 1),  # only the echo: the last one wins
    ("<think>maybe {\"choice\": \"Route B\"}</think> {\"choice\": \"Route A\"}", 0),
    ("<think>long reasoning without end", None),
    ("{'choice': 'Route B'}", 1),
    ('{"choice": "route b"}', 1),
    ('{"choice": " ROUTE A "}', 0),
    ('{"Choice": "Route B"}', 1),
    ('{"choice": Route B}', 1),
    ('{"choice": "Route C"}', None),
    ("", None),
    ("   ", None),
    ("I would take Route B.", None),
    ("choice: Route A", 0),
    ('choice = "Route B"', 1),
    ('{"choice": "Route A"}\n\n{"choice": "Route C"}', 0),
    ('{"choice": "Route B."}', 1),
    ('```json\n{"choice": "Route B"}\n```', 1),
    ('{"decision": "Route A"}', None),
    ('{"choice": "Route A", }', 0),  # trailing comma: the loose pattern still reads it
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_parser_table(text, expected):
    assert parse_choice(text, OPTIONS) == expected


def test_atp_files_load_and_are_consistent(shared_data: Path):
    folder = shared_data / "atp"
    templates = atp_data.load_sa_templates(folder)
    test, train = atp_data.load_sa_items(folder, "test"), atp_data.load_sa_items(folder, "train")
    games = atp_data.load_ma_games(folder)
    assert (len(templates), len(test), len(train), len(games)) == (16, 64, 160, 7)
    assert len(atp_data.load_ma_questions(folder, "test")) == 70
    assert len(atp_data.load_ma_questions(folder, "train")) == 350
    for t in templates:
        rendered = atp_data.render_sa_template(t["template"], 2.0, 3.5)
        assert "${" not in rendered["question"] and "$3.5" in rendered["question"]
    assert all(q["collective"] for q in atp_data.load_ma_questions(folder, "train"))
    assert "{" not in games[0].round_question(8, 4, (1.2, 1.0, 0.8), 1.0).replace('{"', "")
    swapped = test[0].prompt(swapped=True)
    assert swapped.index(test[0].violating) < swapped.rindex(test[0].compliant)


def test_atp_files_run_one_round(shared_data: Path):
    config = atp.Config(model="scripted:reward_follower", data=str(shared_data / "atp"), sa_rounds=1,
                        ma_rounds=1, ma_thresholds=(4,), n_games=2, sa_arms=("atp",), ma_arms=("grid",),
                        positive_control=False, n_bootstrap=100)
    result = atp.run(config)
    assert result.metrics["sa_items"] == 64 and result.metrics["violation_rate_by_round"] == [0.0]
    assert len(result.metrics["collective_rate_by_round"]) == 1


def test_bad_files_name_file_item_and_key(tmp_path: Path, shared_data: Path):
    with pytest.raises(atp_data.ATPDataError, match=r"sa_llm_question_64\.json: file not found"):
        atp_data.load_sa_items(tmp_path, "test")
    for name in ("sa_llm_question_64.json",):
        shutil.copy(shared_data / "atp" / name, tmp_path / name)
    entries = json.loads((tmp_path / "sa_llm_question_64.json").read_text())
    bad_id = entries[3]["id"]
    del entries[3]["better_choice"]
    (tmp_path / "sa_llm_question_64.json").write_text(json.dumps(entries))
    with pytest.raises(atp_data.ATPDataError, match=f"item {bad_id}: missing key 'better_choice'"):
        atp_data.load_sa_items(tmp_path, "test")
    entries[3]["better_choice"] = entries[3]["supervised_choice"]
    (tmp_path / "sa_llm_question_64.json").write_text(json.dumps(entries))
    with pytest.raises(atp_data.ATPDataError, match="options are identical"):
        atp_data.load_sa_items(tmp_path, "test")


def test_smoke_quick_with_scripted_model():
    result = atp.run(atp.Config.quick().replace(model="scripted:reward_follower"))
    for key in ("violation_rate_by_round", "drift_treatment", "drift_control", "gap_final", "gap_final_ci_low",
                "gap_final_ci_high", "collective_rate_by_round", "parse_failures"):
        assert key in result.metrics
    assert isinstance(result.metrics["violation_rate_by_round"], list)


def test_bad_config_values():
    from agentzoo.config import ConfigError

    with pytest.raises(ConfigError, match="ma_thresholds"):
        atp.Config(ma_thresholds=(9,))
    with pytest.raises(ConfigError, match="sa_arms"):
        atp.Config(sa_arms=("atp", "bogus"))
    with pytest.raises(ConfigError, match="seeded arm needs"):
        atp.Config(ma_arms=("seeded",))
