"""The strip above the footer that shows the running job, its progress, and how to cancel it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar


class JobBar(Horizontal):
    """Hidden while nothing runs; `show(title)`, `progress(done, total)`, `hide()`."""

    DEFAULT_CSS = """
    JobBar {
        height: 1;
        display: none;
        background: $boost;
        &.-running { display: block; }
        Label { width: auto; padding: 0 1; }
        ProgressBar { width: 1fr; }
        #job-hint { color: $text-muted; }
    }
    """

    def compose(self) -> ComposeResult:
        yield Label("", id="job-title")
        yield ProgressBar(total=None, show_eta=False, id="job-progress")
        yield Label("esc cancels", id="job-hint")

    def show(self, title: str) -> None:
        """A job started."""
        self.query_one("#job-title", Label).update(title)
        self.query_one("#job-progress", ProgressBar).update(total=None, progress=0)
        self.add_class("-running")

    def progress(self, done: int, total: int) -> None:
        """The job reported progress."""
        self.query_one("#job-progress", ProgressBar).update(
            total=total if total else None, progress=done
        )

    def hide(self) -> None:
        """The job ended."""
        self.remove_class("-running")
