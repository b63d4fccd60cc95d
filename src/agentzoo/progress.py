"""Progress bars for long work: rich on a terminal, silent otherwise.

``track(items, "training")`` wraps an iterable; the bar shows only when stderr is a TTY
(and ``AGENTZOO_PROGRESS`` is not ``0``), so logs and CI output stay clean.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Sized
from typing import TypeVar

T = TypeVar("T")


def enabled() -> bool:
    """Whether progress bars are shown (stderr is a terminal and not disabled by env)."""
    if os.environ.get("AGENTZOO_PROGRESS", "").lower() in {"0", "false", "off"}:
        return False
    return sys.stderr.isatty()


def track(items: Iterable[T], description: str = "", total: int | None = None) -> Iterator[T]:
    """Iterate over ``items`` with a progress bar when :func:`enabled`."""
    if not enabled():
        yield from items
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    if total is None and isinstance(items, Sized):
        total = len(items)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        transient=True,
    ) as progress:
        task = progress.add_task(description, total=total)
        for item in items:
            yield item
            progress.advance(task)
