"""Launch to first screen: how long `reviewbot tui` takes until the reviewer sees something.

Medians over --runs runs of:
- the whole process in a real terminal (a private tmux server, 100x30): from starting
  `reviewbot tui` to the first screen's text appearing in the pane, for the month list of an
  empty store and for `reviewbot tui SEED.mbox` (the series screen of the seed, which fetches
  the local mbox and collects its trailers first); tmux's pane is polled every 5 ms;
- the same process until it has only printed `reviewbot --version` (interpreter start-up and
  argument parsing: the floor the TUI's launch is compared with);
- in process, headless: `ReviewbotApp.run_test()` until the month list is mounted, and until
  the seed's series table is filled (Textual start-up and the screens, without the interpreter).
The aim is under 0.5 s to the first screen. Nothing here asserts on speed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "mail" / "seed-gdt.mbox"
AIM = 0.5


def _tmux(socket: str, *args: str) -> str:
    return subprocess.run(
        ["tmux", "-L", socket, *args], check=True, capture_output=True, text=True
    ).stdout


def time_to_text(command: list[str], text: str, env: dict[str, str]) -> float:
    """Seconds from starting `command` in a fresh tmux pane until the pane shows `text`."""
    socket = f"rb-bench-{os.getpid()}-{time.monotonic_ns()}"
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    script = f"env {exports} {shlex.join(command)}; sleep 30"
    _tmux(socket, "-f", "/dev/null", "new-session", "-d", "-s", "b", "-x", "100", "-y", "30",
          "sh", "-c", "read go; " + script)  # fmt: skip
    try:
        time.sleep(0.2)  # the shell waits on `read`: start the clock when it is released
        started = time.perf_counter()
        _tmux(socket, "send-keys", "-t", "b", "Enter")
        while True:
            if text in _tmux(socket, "capture-pane", "-p", "-t", "b"):
                return time.perf_counter() - started
            if time.perf_counter() - started > 30:
                raise RuntimeError(f"{text!r} never appeared")
            time.sleep(0.005)
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], check=False, capture_output=True)


def in_process(spec: str | None, ready: Callable[[object], bool], home: Path) -> float:
    """Seconds from creating the app headless until `ready(app)` holds."""
    from reviewbot.config import load_settings
    from reviewbot.pluginmanager import current_host
    from reviewbot.reviewsession import ReviewSession
    from reviewbot.tui.app import ReviewbotApp, StartPoint

    host = current_host()
    settings = load_settings([], plugin_settings=host.settings())

    async def main() -> float:
        started = time.perf_counter()
        session = ReviewSession(host=host, settings=settings, store_path=home / "s.sqlite3")
        app = ReviewbotApp(session, StartPoint(spec=spec))
        async with app.run_test(size=(100, 30)) as pilot:
            while not ready(app):
                await pilot.pause(0.001)
            return time.perf_counter() - started

    return asyncio.run(main())


def _series_filled(app: object) -> bool:
    from textual.widgets import DataTable

    screen = app.screen  # type: ignore[attr-defined]
    if type(screen).__name__ != "SeriesScreen":
        return False
    tables = screen.query("#series-table").results(DataTable)
    return any(table.row_count for table in tables)


def _threads_shown(app: object) -> bool:
    return type(app.screen).__name__ == "ThreadsScreen"  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    reviewbot = str(Path(sys.executable).with_name("reviewbot"))
    rows: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="rb-bench-tui-") as scratch:
        env = {"REVIEWBOT_HOME": scratch, "REVIEWBOT_LORE_URL": "", "TERM": "xterm-256color"}
        os.environ.update({"REVIEWBOT_HOME": scratch, "REVIEWBOT_LORE_URL": ""})

        def median(action: Callable[[], float]) -> float:
            action()  # warm-up: disk caches, .pyc files
            return statistics.median(action() for _ in range(args.runs))

        floor = median(lambda: time_to_text([reviewbot, "--version"], "reviewbot 0", env))
        rows.append(("`reviewbot --version` printed (process floor)", floor))
        empty = median(lambda: time_to_text([reviewbot, "tui"], "no threads", env))
        rows.append(("`reviewbot tui`: month list shown (empty store)", empty))
        seed = median(
            lambda: time_to_text([reviewbot, "tui", str(SEED)], "Document and improve", env)
        )
        rows.append(("`reviewbot tui SEED.mbox`: series screen shown", seed))
        home = Path(scratch)
        mounted = median(lambda: in_process(None, _threads_shown, home))
        rows.append(("in process: month list mounted", mounted))
        rows.append(
            (
                "in process: seed's series table filled",
                median(lambda: in_process(str(SEED), _series_filled, home)),
            )
        )
    print(f"{'what':58} {'median':>10}")
    for label, seconds in rows:
        print(f"{label:58} {seconds * 1000:8.1f} ms")
    print(
        f"\nfirst screen {empty * 1000:.0f} ms (aim {AIM * 1000:.0f} ms: "
        f"{'met' if empty < AIM else 'missed'}); seed's series {seed * 1000:.0f} ms "
        f"({'met' if seed < AIM else 'missed'}); the TUI adds {empty / floor:.2f}x the bare "
        f"process start-up"
    )


if __name__ == "__main__":
    main()
