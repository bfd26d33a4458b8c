"""The hooks a reviewbot plugin may implement (pluggy project "reviewbot").

A plugin is a module (or object) with functions marked `@hookimpl`, named like the specs
below; it may take any subset of a hook's arguments. Plugins are found through the
`reviewbot` entry-point group. `plugins/README.md` documents every hook with an example.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from reviewbot.attribution import PatchReview
    from reviewbot.checkcontext import CheckContext
    from reviewbot.extensions import CommandSpec, JobSpec, PanelSpec, SettingSpec
    from reviewbot.findings import Finding

PROJECT = "reviewbot"
hookspec = pluggy.HookspecMarker(PROJECT)
#: The decorator plugins mark their hook functions with.
hookimpl = pluggy.HookimplMarker(PROJECT)

# --- configuration and registration: called once per process --------------------------------


@hookspec
def register_settings(register: Callable[[SettingSpec], None]) -> None:
    """Declare the plugin's settings (keys under its own name, e.g. `hygiene.max_line_length`)."""


@hookspec
def register_commands(register: Callable[[CommandSpec], None]) -> None:
    """Add `reviewbot <name>` subcommands."""


@hookspec
def register_panels(register: Callable[[PanelSpec], None]) -> None:
    """Add panels to the TUI's review, patch or series screens."""


@hookspec
def register_jobs(register: Callable[[JobSpec], None]) -> None:
    """Offer background jobs (with progress and cancel) in the TUI on a checked series."""


# --- checks: called for every `reviewbot check` run --------------------------------------------


@hookspec
def check_series(context: CheckContext) -> Iterable[Finding] | None:
    """Findings about the series as a whole (cover letter, versions, missing patches)."""


@hookspec
def check_patch(patch: PatchReview, context: CheckContext) -> Iterable[Finding] | None:
    """Findings about one patch of the series, with its trailers."""


@hookspec
def review_result(context: CheckContext) -> object | None:
    """This plugin's structured, JSON-serialisable result, readable by other plugins."""


# --- replies ------------------------------------------------------------------------------------


@hookspec
def reply_paragraphs(
    context: CheckContext, kind: str, patch: PatchReview | None
) -> Iterable[str] | None:
    """Paragraphs to add to a reply draft of `kind` (review, ack, thanks) to a patch or cover."""


@hookspec
def reply_template(context: CheckContext, kind: str, patch: PatchReview | None) -> str | None:
    """A reply template for `kind` (`$placeholders`); the user's own template wins over it."""


@hookspec
def reply_placeholders(
    context: CheckContext, kind: str, patch: PatchReview | None
) -> Mapping[str, str] | None:
    """Extra `$name` placeholders for reply templates (names must not shadow built-in ones)."""
