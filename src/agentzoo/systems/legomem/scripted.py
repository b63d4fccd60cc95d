"""Scripted policies for testing the team's plumbing (never results).

``scripted:legomem-follow`` follows whatever memory marks ``[next]``: the agent named there, the
option copied there, ``finish``/``done`` when nothing is next; without memory it takes the first
option. It shows that memory reaches the prompts and candidates, nothing about any model.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from agentzoo.llm import Conversation
from agentzoo.llm.scripted import register

LOW = math.log(1e-4)


def _next_lines(messages: Conversation) -> list[str]:
    text = "\n".join(m["content"] for m in messages)
    return [line.split("]", 1)[1].strip() for line in text.splitlines() if line.strip().startswith("[next]")]


def follow(messages: Conversation, options: Sequence[str]) -> list[float]:
    nexts = _next_lines(messages)
    question = messages[-1]["content"].rsplit("\n", 1)[-1]
    if "Which agent acts next" in question:
        wanted = nexts[0].split(":", 1)[0] if nexts else ("finish" if "Plan 1" in messages[-1]["content"] else "")
        if not wanted and "Delegations so far:\nnone yet" not in messages[-1]["content"]:
            wanted = "finish"
        return [0.0 if o == wanted else LOW for o in options] if wanted in options else [0.0] + [LOW] * (len(options) - 1)
    content = messages[-1]["content"]
    if "Is your subtask complete?" in question:
        if nexts:
            wanted = nexts[0].split("(", 1)[0].strip()
            return [0.0 if o == wanted else LOW for o in options]
        acted = re.search(r"\n1\. ", content.split("Your actions so far:")[-1]) is not None
        done = "Memory:" in content or acted
        return [0.0 if (o == "done") == done else LOW for o in options]
    for i, option in enumerate(options):
        if any(option in line for line in nexts):
            return [0.0 if j == i else LOW for j in range(len(options))]
    return [0.0] + [LOW] * (len(options) - 1)


register("legomem-follow", lambda messages: "", follow,
         description="LEGOMem plumbing tests: follows the [next] steps of memory (not a model)")
