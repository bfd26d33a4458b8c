"""Driving the TUI in tests: a `ReviewbotApp` on a fresh session, run headless with Pilot.

Tests are plain functions that call `drive(app, scenario)`: the scenario is an async function
of the Pilot; `drive` runs it under `App.run_test`, waits for jobs, and fails the test when
the app turned any unexpected exception into a notification.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TypeVar

from textual.pilot import Pilot
from textual.worker import WorkerState

from reviewbot.config import load_settings
from reviewbot.pluginmanager import current_host
from reviewbot.reviewsession import ReviewSession
from reviewbot.tree import open_tree
from reviewbot.tui.app import ReviewbotApp, StartPoint

T = TypeVar("T")
Scenario = Callable[[Pilot[None]], Awaitable[T]]


def make_app(
    workdir: Path,
    *,
    spec: str | None = None,
    tree: Path | None = None,
    overrides: Sequence[str] = (),
    start: StartPoint | None = None,
) -> ReviewbotApp:
    """An app whose store lives in `workdir/store.sqlite3` and whose replies go to `workdir`."""
    host = current_host()
    settings = load_settings(list(overrides), plugin_settings=host.settings())
    session = ReviewSession(
        host=host,
        settings=settings,
        tree=open_tree(tree) if tree else None,
        store_path=workdir / "store.sqlite3",
        reply_dir=workdir,
    )
    app = ReviewbotApp(session, start or StartPoint(spec=spec))
    app.apply_settings()
    return app


def busy(app: ReviewbotApp) -> bool:
    """Whether the app still has work under way: a job running or waiting, a worker not
    finished, or a screen on top of the stack that is not mounted yet (it starts its jobs
    when it is)."""
    unfinished = (WorkerState.PENDING, WorkerState.RUNNING)
    return (
        app.job is not None
        or bool(app.waiting_jobs)
        or any(worker.state in unfinished for worker in app.workers)
        or not app.screen.is_mounted
    )


async def settle(pilot: Pilot[None], limit: float = 60.0) -> None:
    """Let every running job finish and the screen catch up: wait until the app has been
    quiet at two looks in a row (a job's end can mount a screen that starts another)."""
    assert isinstance(pilot.app, ReviewbotApp)
    app = pilot.app
    deadline = time.monotonic() + limit
    quiet = 0
    while quiet < 2:
        if time.monotonic() > deadline:
            raise AssertionError(f"the app was still busy after {limit:.0f} s: job {app.job}")
        await app.workers.wait_for_complete()
        await pilot.pause()
        quiet = 0 if busy(app) else quiet + 1


def drive(app: ReviewbotApp, scenario: Scenario[T], size: tuple[int, int] = (100, 32)) -> T:
    """Run `scenario` on `app` headless at `size`; its return value is returned."""

    async def main() -> T:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            outcome = await scenario(pilot)
            await settle(pilot)
            return outcome

    outcome = asyncio.run(main())
    assert app.internal_errors == [], app.internal_errors[0]
    return outcome
