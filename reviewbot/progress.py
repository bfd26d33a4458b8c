"""Progress reporting: a rich bar on a terminal, nothing when piped or quiet."""

from __future__ import annotations

import sys
from typing import Any, Protocol


class Progress(Protocol):
    """What long-running work reports; implementations must be cheap when silent."""

    def add_total(self, count: int) -> None:
        """More steps became known."""

    def advance(self, count: int = 1) -> None:
        """Steps finished."""

    def close(self) -> None:
        """Remove the display."""


class SilentProgress:
    """Reports nothing."""

    def add_total(self, count: int) -> None:
        """Ignore."""

    def advance(self, count: int = 1) -> None:
        """Ignore."""

    def close(self) -> None:
        """Nothing to remove."""


class BarProgress:
    """A rich progress bar on stderr (rich is imported only when one is shown)."""

    def __init__(self, description: str) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        self._bar: Any = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._task = self._bar.add_task(description, total=0)
        self._bar.start()

    def add_total(self, count: int) -> None:
        """Grow the bar's total."""
        total = self._bar.tasks[0].total or 0
        self._bar.update(self._task, total=total + count)

    def advance(self, count: int = 1) -> None:
        """Move the bar on."""
        self._bar.advance(self._task, count)

    def close(self) -> None:
        """Stop drawing."""
        self._bar.stop()


def progress_for(description: str, *, quiet: bool) -> Progress:
    """A bar when stderr is a terminal and not `quiet`, else silence."""
    if quiet or not sys.stderr.isatty():
        return SilentProgress()
    return BarProgress(description)
