"""What plugins hand to the `register_*` hooks: settings, CLI commands, TUI panels and jobs.

Nothing here imports Textual: a panel names a function that builds its widget, and only the
TUI calls it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

    from textual.widget import Widget

    from reviewbot.checkcontext import CheckContext
    from reviewbot.progress import Progress

SettingValue = str | int | float | bool

_KEY = re.compile(r"[a-z][a-z0-9-]*(?:\.[a-z][a-z0-9_]*)+")
_COMMAND = re.compile(r"[a-z][a-z0-9-]*")


@dataclass(frozen=True)
class SettingSpec:
    """A plugin setting: `key` is `<plugin name>.<name>`; the default fixes its type.

    `validate(value)` returns what is wrong with a value the user gave ("must be at least
    1"), or None; reviewbot then refuses it when settings are loaded, as one line with exit 2.
    """

    key: str
    default: SettingValue
    help: str
    validate: Callable[[SettingValue], str | None] | None = None

    def __post_init__(self) -> None:
        if not _KEY.fullmatch(self.key):
            raise ValueError(f"setting key {self.key!r} is not of the form plugin.name")

    @property
    def kind(self) -> type:
        """bool, int, float or str."""
        return type(self.default)


@dataclass(frozen=True)
class CommandSpec:
    """A `reviewbot <name>` subcommand.

    `add_arguments` fills the subcommand's argparse parser (the common `-c`, `-q`, `-d`
    options are already there; `reviewbot.cli.add_spec_options` adds SPEC, `--msgid` and
    `--offline`). `run` gets the parsed arguments and returns the exit status; it raises
    `ReviewbotError` for bad input like the built-in commands do.
    """

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    description: str = ""

    def __post_init__(self) -> None:
        if not _COMMAND.fullmatch(self.name):
            raise ValueError(f"command name {self.name!r} must be lower-case letters and dashes")


@dataclass(frozen=True)
class PanelSpec:
    """A TUI panel.

    `build(context, result)` returns the Textual widget to show for a checked series, given
    the run's context and this plugin's own result. `where` names the screen it joins
    ("review": the check results screen, "patch": beside a patch's diff, "series": the series
    screen). `applies(context)` hides the panel when it has nothing to show.
    """

    id: str
    title: str
    build: Callable[[CheckContext, object | None], Widget]
    where: str = "review"
    applies: Callable[[CheckContext], bool] | None = None

    def __post_init__(self) -> None:
        if self.where not in PANEL_PLACES:
            raise ValueError(f"panel place {self.where!r} is not one of {sorted(PANEL_PLACES)}")


PANEL_PLACES = frozenset({"review", "patch", "series"})


@dataclass(frozen=True)
class JobSpec:
    """Background work the TUI offers on a checked series (for example a benchmark run).

    `run(context, answer, progress)` does the work and returns a one-line summary for the
    user. `prompt`, when set, is asked first (the answer is passed on; None: nothing is
    asked and `answer` is ""). Report steps through `progress`: a cancelled job is stopped
    by the `reviewbot.jobs.Cancelled` that its next report raises. The TUI checks the series
    again afterwards (also after a cancel) when `rechecks` is true, so results the job stored
    are shown.
    """

    id: str
    title: str
    run: Callable[[CheckContext, str, Progress], str]
    prompt: str | None = None
    default: str = ""
    rechecks: bool = True
    applies: Callable[[CheckContext], bool] | None = None

    def __post_init__(self) -> None:
        if not _COMMAND.fullmatch(self.id):
            raise ValueError(f"job id {self.id!r} must be lower-case letters and dashes")
