"""reviewbot's entries in the command palette (ctrl+p): steps, screens, replies, plugin jobs."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

from textual.app import SystemCommand

from reviewbot.tui.help import SCREEN_HELP

if TYPE_CHECKING:
    from reviewbot.tui.app import ReviewbotApp


def reviewbot_commands(app: ReviewbotApp) -> Iterator[SystemCommand]:
    """The commands that make sense now (plugin jobs only on a checked series)."""
    yield SystemCommand(
        "Open a thread", "fetch a thread by URL, Message-ID or path", app.action_open_spec
    )
    yield SystemCommand("Help", "every screen and key", app.action_help)
    for key, name, what in SCREEN_HELP:
        yield SystemCommand(
            f"Go to {name}", f"{what} (key {key})", partial(app.action_show, name.lower())
        )
    if app.session.thread is None:
        return
    yield SystemCommand(
        "Run the checks", "apply to the tree (if any) and run every check plugin", app.action_check
    )
    if app.session.tree is not None:
        yield SystemCommand(
            "Apply the series", "on a new review branch of the tree", app.action_apply
        )
    for kind, what in (
        ("review", "quote what the checks found, with their remarks"),
        ("ack", "give your Reviewed-by/Acked-by"),
        ("thanks", "tell the author it is applied"),
    ):
        yield SystemCommand(f"Draft a {kind} reply", what, partial(app.show, "reply", kind=kind))
    for plugin, job in app.session.jobs():
        yield SystemCommand(
            f"Job: {job.title}",
            f"from the {plugin} plugin",
            partial(app.run_plugin_job, plugin, job.id),
        )
