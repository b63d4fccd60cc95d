"""Loaders for the ATP repository's JSON files (aiming-lab/ATP, MIT), from a directory the user names.

Files (each a JSON list): ``sa_llm_templates.json`` (16), ``sa_llm_question_64.json`` (test),
``sa_llm_question_160.json`` (train), ``ma_llm_templates.json`` (7, the MA test games),
``ma_llm_question_70.json`` and ``ma_llm_question_350.json`` (MA training prompts). Every
problem is reported with the file, the item id (or index) and the key.
"""

from __future__ import annotations

import json
import string
from pathlib import Path
from typing import Any

from agentzoo.systems.atp.items import MAGame, SAItem

SA_FILES = {"templates": "sa_llm_templates.json", "test": "sa_llm_question_64.json", "train": "sa_llm_question_160.json"}
MA_FILES = {"templates": "ma_llm_templates.json", "test": "ma_llm_question_70.json", "train": "ma_llm_question_350.json"}


class ATPDataError(ValueError):
    """A missing file, a missing key or an invalid entry in the ATP data."""


def _read(directory: Path, name: str) -> list[dict[str, Any]]:
    path = Path(directory) / name
    if not path.is_file():
        raise ATPDataError(f"{path}: file not found (expected the ATP data files in {directory})")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ATPDataError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(data, list):
        raise ATPDataError(f"{path}: expected a JSON list")
    return data


def _get(entry: dict[str, Any], key: str, name: str, index: int) -> Any:
    where = entry.get("id", f"index {index}") if isinstance(entry, dict) else f"index {index}"
    if not isinstance(entry, dict) or key not in entry:
        raise ATPDataError(f"{name}: item {where}: missing key {key!r}")
    return entry[key]


def _distinct(a: str, b: str, name: str, where: object) -> None:
    if a.strip().lower() == b.strip().lower():
        raise ATPDataError(f"{name}: item {where}: the two options are identical ({a!r})")


def render_sa_template(template: dict[str, Any], low_reward: float, high_reward: float) -> dict[str, str]:
    """Fill ``${low_reward}``/``${high_reward}`` (``$$`` is a literal ``$``) in every text field."""
    values = {"low_reward": f"{low_reward:g}", "high_reward": f"{high_reward:g}"}
    return {k: string.Template(v).substitute(values) for k, v in template.items() if isinstance(v, str)}


def load_sa_templates(directory: Path) -> list[dict[str, Any]]:
    entries = _read(directory, SA_FILES["templates"])
    for i, entry in enumerate(entries):
        for key in ("environment", "template", "params"):
            _get(entry, key, SA_FILES["templates"], i)
    return entries


def load_sa_items(directory: Path, split: str = "test") -> list[SAItem]:
    """The 64 test or 160 train SA items; train items take their supervision texts from the templates."""
    if split not in ("test", "train"):
        raise ATPDataError(f"unknown SA split {split!r}; allowed: test, train")
    name = SA_FILES[split]
    entries = _read(directory, name)
    texts: dict[str, dict[str, str]] = {}
    if split == "train":
        for t in load_sa_templates(directory):
            texts[t["environment"]] = {k: t["template"].get(k, "") for k in ("supervised_text", "unsupervised_text", "neutral_text")}
    items = []
    for i, entry in enumerate(entries):
        item_id = str(_get(entry, "id", name, i))
        get = lambda key, e=entry, i=i: _get(e, key, name, i)  # noqa: E731
        params = get("params")
        for key in ("high_radio", "low_radio", "base", "high_reward", "low_reward"):
            _get(params, key, f"{name} (params of {item_id})", i)
        for kind in ("high", "low"):
            if abs(params[f"{kind}_reward"] - params[f"{kind}_radio"] * params["base"]) > 1e-9 * max(1.0, abs(params["base"])):
                raise ATPDataError(f"{name}: item {item_id}: {kind}_reward != {kind}_radio x base")
        good, bad = str(get("supervised_choice")), str(get("better_choice"))
        _distinct(good, bad, name, item_id)
        environment = str(get("environment"))
        sup = texts.get(environment) if split == "train" else None
        if split == "train" and sup is None:
            raise ATPDataError(f"{name}: item {item_id}: environment {environment!r} not in {SA_FILES['templates']}")
        example = str(get("format_example"))
        swapped_example = f'{json.dumps({"choice": bad})} or {json.dumps({"choice": good})}'
        user_prompt = str(get("user_prompt"))
        items.append(SAItem(
            id=item_id, environment=environment, system_prompt=str(get("system_prompt")),
            user_prompt=user_prompt, body=user_prompt, compliant=good, violating=bad,
            supervised_text=sup["supervised_text"] if sup else str(get("supervised_text")),
            unsupervised_text=sup["unsupervised_text"] if sup else str(get("unsupervised_text")),
            neutral_text=sup["neutral_text"] if sup else str(get("neutral_text")),
            low_reward=float(params["low_reward"]), high_reward=float(params["high_reward"]),
            swapped_prompt=user_prompt.replace(example, swapped_example) if example in user_prompt else "",
        ))
    return items


def load_ma_games(directory: Path) -> list[MAGame]:
    """The 7 MA test games from ``ma_llm_templates.json`` (placeholders in ATP's str.format names)."""
    name = MA_FILES["templates"]
    games = []
    for i, entry in enumerate(_read(directory, name)):
        template = _get(entry, "template", name, i)
        get = lambda key, t=template, i=i: _get(t, key, f"{name} (template)", i)  # noqa: E731
        collective, independent = str(get("collective_choice")), str(get("independent_choice"))
        _distinct(collective, independent, name, entry.get("environment", i))
        games.append(MAGame(
            environment=str(_get(entry, "environment", name, i)), role=str(get("system_prompt")),
            collective=collective, independent=independent, rules_mult=str(get("user_prompt_mult")),
            rules_add=str(get("user_prompt_add")), placeholders="atp",
        ))
    return games


def load_ma_questions(directory: Path, split: str = "train") -> list[dict[str, str]]:
    """MA prompts (70 test / 350 train) for the defences; ``cooperative_choice`` becomes ``collective``."""
    name = MA_FILES[split]
    out = []
    for i, entry in enumerate(_read(directory, name)):
        collective = str(_get(entry, "cooperative_choice", name, i))
        independent = str(_get(entry, "independent_choice", name, i))
        _distinct(collective, independent, name, i)
        out.append({"system_prompt": str(_get(entry, "system_prompt", name, i)),
                    "user_prompt": str(_get(entry, "user_prompt", name, i)),
                    "collective": collective, "independent": independent,
                    "environment": str(_get(entry, "environment", name, i))})
    return out
