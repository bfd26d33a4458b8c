"""A real terminal for end-to-end TUI tests: a private tmux server, a pane to read, keys to send."""

from __future__ import annotations

import os
import shlex
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path


class Pane:
    """One tmux pane running a command, on a server of its own (`tmux -L`)."""

    def __init__(self, socket: str, name: str) -> None:
        self.socket = socket
        self.name = name

    def _tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], check=True, capture_output=True, text=True
        ).stdout

    def screen(self) -> str:
        """What the pane shows now, one string of its lines."""
        return self._tmux("capture-pane", "-p", "-t", self.name)

    def send(self, *keys: str) -> None:
        """Type keys (tmux key names: `Enter`, `Escape`, `q`, `C-s` …)."""
        self._tmux("send-keys", "-t", self.name, *keys)

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        """The screen once it shows `text`; AssertionError with the screen after `timeout`."""
        deadline = time.monotonic() + timeout
        shown = ""
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.2)
        raise AssertionError(f"{text!r} did not appear within {timeout} s; the screen:\n{shown}")


@contextmanager
def tmux_pane(
    command: list[str], cwd: Path, env: Mapping[str, str], size: tuple[int, int] = (100, 30)
) -> Iterator[Pane]:
    """Run `command` with exactly `env` (no COLUMNS or LINES from pytest) in a detached tmux
    pane of `size`; the pane stays after it exits and shows `EXIT=<status>`."""
    socket = f"reviewbot-test-{os.getpid()}-{time.monotonic_ns()}"
    name = "main"
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    script = f"cd {shlex.quote(str(cwd))} && env -i {exports} {shlex.join(command)}; echo EXIT=$?"
    subprocess.run(
        [
            "tmux", "-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", name,
            "-x", str(size[0]), "-y", str(size[1]), "sh", "-c", script + "; sleep 600",
        ],
        check=True,
    )  # fmt: skip
    try:
        yield Pane(socket, name)
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], check=False, capture_output=True)
