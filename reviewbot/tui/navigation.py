"""The TUI's screens by name, imported only when first shown."""

from __future__ import annotations

from importlib import import_module

from reviewbot.tui.base import ReviewScreen

#: name -> "module:Class"; the number keys 1-6 go to them in this order.
SCREENS: dict[str, str] = {
    "threads": "reviewbot.tui.screens.threads:ThreadsScreen",
    "thread": "reviewbot.tui.screens.thread:ThreadScreen",
    "series": "reviewbot.tui.screens.series:SeriesScreen",
    "patch": "reviewbot.tui.screens.patch:PatchScreen",
    "checks": "reviewbot.tui.screens.checks:ChecksScreen",
    "reply": "reviewbot.tui.screens.reply:ReplyScreen",
}


def screen_class(name: str) -> type[ReviewScreen]:
    """The screen class registered as `name`."""
    module, _, attribute = SCREENS[name].partition(":")
    found = getattr(import_module(module), attribute)
    assert isinstance(found, type) and issubclass(found, ReviewScreen)
    return found
