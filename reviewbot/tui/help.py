"""The help screen: what the screens are for, and every key as the user has mapped it."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

#: One line per screen, in the order of the number keys.
SCREEN_HELP = (
    ("1", "Threads", "a month's threads, from the local store or the list archive"),
    ("2", "Thread", "the open thread as a tree, with the highlighted mail beside it"),
    ("3", "Series", "the version under review: patches, A/R/T trailers, versions, missing"),
    ("4", "Patch", "commit message, highlighted diff, trailers and where each came from"),
    ("5", "Checks", "findings by severity (Enter jumps to the line) and plugin panels"),
    ("6", "Reply", "the drafted reply in an editor; ctrl+s saves it as .eml"),
)

REMAP_HINT = (
    "Remap any key by its id: reviewbot tui -c 'tui.keys=quit=ctrl+q;series=S' "
    "(or tui.keys in the config file, or REVIEWBOT_TUI_KEYS). ctrl+p opens the command "
    "palette; ctrl+t switches between the light and dark themes."
)


class HelpScreen(ModalScreen[None]):
    """A modal over the screen it explains; Escape, q or ? closes it."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        & > VerticalScroll {
            width: 90%;
            max-width: 110;
            height: 90%;
            border: thick $primary;
            background: $surface;
            padding: 0 1;
        }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help-close"),
    ]

    def __init__(self, below: Screen[object]) -> None:
        super().__init__()
        self.below = below
        """The screen whose keys are listed."""

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(_screens_table(), id="help-screens")
            yield Static(keys_table(self.below), id="help-keys")
            yield Static(Text(REMAP_HINT), id="help-remap")

    async def action_dismiss(self, result: None = None) -> None:
        """Close the help."""
        self.dismiss(result)


def _screens_table() -> Table:
    table = Table(title="Screens", title_justify="left", expand=True, box=None)
    table.add_column("key", style="bold", no_wrap=True)
    table.add_column("screen", no_wrap=True)
    table.add_column("what it shows")
    for key, name, what in SCREEN_HELP:
        table.add_row(key, name, what)
    return table


def keys_table(screen: Screen[object]) -> Table:
    """Every binding active on `screen` (its own, its focused widget's and the app's)."""
    table = Table(title="Keys here", title_justify="left", expand=True, box=None)
    table.add_column("key", style="bold", no_wrap=True)
    table.add_column("does")
    table.add_column("id", style="dim", no_wrap=True)
    rows: dict[str, tuple[list[str], str, str]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        label = binding.description or binding.action
        ident = binding.id or ""
        entry = rows.setdefault(ident or f"{label}:{key}", ([], label, ident))
        entry[0].append(screen.app.get_key_display(binding.__class__(key, binding.action)))
    for keys, label, ident in rows.values():
        table.add_row(" ".join(keys), label, ident)
    return table
