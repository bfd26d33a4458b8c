"""Long work that a user may watch and stop: progress reported to a callback, and cancelling.

The TUI runs fetch, apply, checks and plugin jobs in worker threads. Each gets a
`JobProgress`: the work reports steps through the ordinary `Progress` protocol, and the next
report after `cancel()` raises `Cancelled` inside the work, so it unwinds through its own
`finally` blocks (temporary worktrees removed, store transactions rolled back) exactly as it
does for Ctrl-C.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class Cancelled(Exception):
    """The user stopped the job; raised inside the job at its next progress report."""


ProgressCallback = Callable[[int, int], None]


class JobProgress:
    """A `Progress` that forwards `(done, total)` to a callback and can be cancelled."""

    def __init__(self, on_change: ProgressCallback | None = None) -> None:
        self._on_change = on_change
        self._cancelled = threading.Event()
        self.done = 0
        self.total = 0

    def add_total(self, count: int) -> None:
        """More steps became known."""
        self.check()
        self.total += count
        self._report()

    def advance(self, count: int = 1) -> None:
        """Steps finished."""
        self.check()
        self.done += count
        self._report()

    def close(self) -> None:
        """Nothing to remove: the TUI owns the display."""

    def cancel(self) -> None:
        """Ask the job to stop at its next report."""
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        """Whether `cancel()` was called."""
        return self._cancelled.is_set()

    def check(self) -> None:
        """Raise `Cancelled` when the job was cancelled; jobs call it between steps."""
        if self._cancelled.is_set():
            raise Cancelled

    def _report(self) -> None:
        if self._on_change is not None:
            self._on_change(self.done, self.total)
