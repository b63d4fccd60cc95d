"""Reward: ``0.9·EM + 0.1·format`` (MARS/MATPO-style outcome reward).

EM compares normalised strings (SQuAD-style: lowercase; articles, punctuation and extra
spaces removed), and numbers as numbers (``"1,200"`` = ``"1200"`` = ``"1200.0"``). ``format``
is 1 iff every System-2 turn held exactly one well-formed action tag and the episode ended in
one ``<answer>`` within the turn limit.
"""

from __future__ import annotations

import re
import string

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_NUMBER = re.compile(r"^[-+]?\d[\d,]*(\.\d+)?$")


def normalize_answer(text: str) -> str:
    text = text.lower().strip()
    if _NUMBER.match(text.replace(" ", "")):
        value = float(text.replace(" ", "").replace(",", ""))
        return str(int(value)) if value.is_integer() else repr(value)
    text = "".join(ch for ch in text if ch not in set(string.punctuation))
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def exact_match(prediction: str | None, gold: str) -> float:
    if prediction is None:
        return 0.0
    return float(normalize_answer(prediction) == normalize_answer(gold))


def reward(prediction: str | None, gold: str, format_ok: bool) -> float:
    """``0.9·EM + 0.1·format``."""
    return 0.9 * exact_match(prediction, gold) + 0.1 * float(format_ok)
