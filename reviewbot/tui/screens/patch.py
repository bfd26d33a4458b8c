"""The patch screen: one patch of the series with its diff, commit message and trailers.

The diff fills the screen (a `DiffView`, jumped to a file and line when the checks screen asks
for a finding's place); the commit message, the trailers with where each came from, and the
panels plugins contribute for patches are further tabs. n and p step through the series.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static, TabbedContent, TabPane, TextArea

from reviewbot.addressbook import AddressBook
from reviewbot.attribution import Origin, PatchReview, Review, Trailer
from reviewbot.identity import parse_person
from reviewbot.tui.base import ReviewScreen
from reviewbot.tui.panels import build_panels
from reviewbot.tui.widgets.diffview import DiffView

#: The tabs by the name the d/m/t keys use.
TABS: dict[str, str] = {
    "diff": "patch-tab-diff",
    "message": "patch-tab-message",
    "trailers": "patch-tab-trailers",
}

#: The widget each tab focuses when it is chosen.
_TAB_FOCUS: dict[str, str] = {
    "patch-tab-diff": "#patch-diff",
    "patch-tab-message": "#patch-message",
    "patch-tab-trailers": "#patch-trailers",
}

TRAILER_COLUMNS: tuple[str, ...] = (
    "Trailer",
    "Person",
    "Given",
    "By",
    "Date",
    "Version",
    "Address",
    "Flags",
)

#: Where a recovered address came from, as the table says it.
_SOURCES: dict[str, str] = {
    "thread-from": "the thread's senders",
    "thread": "the thread",
    "address-book": "the address book",
    "tree-maintainers": "MAINTAINERS",
    "tree-mailmap": ".mailmap",
    "tree-git": "git history",
}


@dataclass(frozen=True)
class TrailerRow:
    """A trailer of the patch as the table shows it, and how it was taken."""

    trailer: Trailer
    group: str  # "existing", "collected", "mismatch" or "not-carried"
    book: AddressBook | None = None  # recovers the sender's address when the archive masked it

    def cells(self) -> tuple[str, ...]:
        """The row's cells, in `TRAILER_COLUMNS` order."""
        trailer = self.trailer
        person = str(trailer.person) if trailer.person is not None else trailer.value
        return (
            trailer.name,
            person,
            self.given(),
            _sender(trailer.sender, self.book),
            _short_date(trailer.date),
            str(trailer.version),
            _address(trailer),
            "; ".join(self.flags()),
        )

    def given(self) -> str:
        """Where the trailer was given: in the patch, a reply, an earlier version."""
        trailer = self.trailer
        if self.group == "not-carried":
            return f"given on {trailer.version}"
        if trailer.origin is Origin.EXISTING:
            return "in the patch"
        if trailer.origin is Origin.CARRIED:
            return f"carried from {trailer.version}"
        return "from a reply"

    def flags(self) -> list[str]:
        """What is wrong with it, if anything."""
        trailer = self.trailer
        found: list[str] = []
        if trailer.near_miss:
            found.append(f"misspelt {trailer.written_name}")
        if self.group == "mismatch":
            found.append(f"not added: sent by {_sender(trailer.sender, self.book)}")
        if self.group == "not-carried":
            found.append(f"not carried: the patch changed since {trailer.version}")
        if trailer.unresolved:
            found.append("address still masked")
        return found

    def detail(self) -> str:
        """One line on where exactly it came from."""
        trailer = self.trailer
        flags = "; ".join(self.flags())
        return (
            f"{trailer.line()}  ·  {self.given()}, <{trailer.from_message}> from "
            f"{_sender(trailer.sender, self.book)}, {trailer.date}"
            + (f"  ·  {flags}" if flags else "")
        )


def trailer_rows(review: PatchReview, book: AddressBook | None = None) -> list[TrailerRow]:
    """The patch's trailers: its own, the collected ones, then those not added."""
    return [
        *(TrailerRow(t, "existing", book) for t in review.existing),
        *(TrailerRow(t, "collected", book) for t in review.collected),
        *(TrailerRow(t, "mismatch", book) for t in review.mismatches),
        *(TrailerRow(t, "not-carried", book) for t in review.not_carried),
    ]


def _sender(text: str, book: AddressBook | None = None) -> str:
    """A From header as `Name <address>`, the address recovered when the archive masked it."""
    person = parse_person(text)
    if person is None:
        return text
    if book is not None:
        person = book.best(person)
    return str(person)


def _short_date(text: str) -> str:
    try:
        return parsedate_to_datetime(text).strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError, IndexError):
        return text


def _address(trailer: Trailer) -> str:
    resolution = trailer.resolution
    if resolution is None:
        return "as written"
    if resolution.person is not None:
        source = _SOURCES.get(resolution.source, resolution.source)
        return f"recovered from {source} ({resolution.masked.address})"
    if resolution.candidates:
        return f"masked; {len(resolution.candidates)} people fit"
    return "masked; not recovered"


class PatchScreen(ReviewScreen):
    """A patch of the series: diff (default tab), commit message, trailers, plugin panels."""

    NAME = "patch"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "step(1)", "Next patch", id="patch-next"),
        Binding("p", "step(-1)", "Prev patch", id="patch-previous"),
        Binding("d", "tab('diff')", "Diff", id="patch-diff"),
        Binding("m", "tab('message')", "Message", id="patch-message"),
        Binding("t", "tab('trailers')", "Trailers", id="patch-trailers"),
    ]

    DEFAULT_CSS = """
    PatchScreen {
        #patch-title { height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
        #patch-tabs { height: 1fr; }
        #patch-tabs > ContentSwitcher { height: 1fr; }
        TabPane { padding: 0; height: 1fr; }
        #patch-message { height: 1fr; border: none; }
        #patch-trailers { height: 1fr; }
        #patch-trailer-detail { height: auto; max-height: 3; padding: 0 1; color: $text-muted; }
        .panel-error { color: $error; padding: 1; }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.number: int | None = None
        self._file: str | None = None
        self._line: int | None = None
        self._shown: tuple[Review, str] | None = None
        self._rows: list[TrailerRow] = []
        self._panels: tuple[object, object] | None = None
        self._panel_ids: list[str] = []

    def compose_body(self) -> ComposeResult:
        yield Static("", id="patch-title", classes="pane-title", markup=False)
        with TabbedContent(id="patch-tabs", initial=TABS["diff"]):
            with TabPane("Diff", id=TABS["diff"]):
                yield DiffView(id="patch-diff")
            with TabPane("Message", id=TABS["message"]):
                yield TextArea(
                    "", read_only=True, soft_wrap=False, show_line_numbers=True, id="patch-message"
                )
            with TabPane("Trailers", id=TABS["trailers"]):
                yield DataTable(id="patch-trailers", cursor_type="row", zebra_stripes=True)
                yield Static("", id="patch-trailer-detail", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#patch-trailers", DataTable)
        table.add_columns(*TRAILER_COLUMNS)
        super().on_mount()
        self.query_one("#patch-diff", DiffView).focus()

    def configure(self, **options: object) -> None:
        """`number` (the patch, default the first), `file` and `line` (where to jump)."""
        number, file, line = options.get("number"), options.get("file"), options.get("line")
        if isinstance(number, int):
            self.number = number
        self._file = file if isinstance(file, str) else None
        self._line = line if isinstance(line, int) else None

    # --- showing ----------------------------------------------------------------------------

    @property
    def diff_view(self) -> DiffView:
        """The diff widget."""
        return self.query_one("#patch-diff", DiffView)

    def current(self) -> PatchReview | None:
        """The patch shown: `number`, else the first of the version under review."""
        review = self.session.review
        if self.session.thread is None or review is None or not review.patches:
            return None
        for patch in review.patches:
            if patch.patch.index == self.number:
                return patch
        return review.patches[0]

    def refresh_view(self) -> None:
        """Show the chosen patch of the session's review; then jump where `configure` said."""
        title = self.query_one("#patch-title", Static)
        patch = self.current()
        review = self.session.review
        if patch is None or review is None:
            title.update("No patch to show: open a thread (o, or Enter on the thread list)")
            self._show_nothing()
            return
        if self.number is not None and patch.patch.index != self.number:
            self.notify(f"the series has no patch {self.number}", severity="warning")
        self.number = patch.patch.index
        title.update(self._title(review, patch))
        shown = self._shown
        if shown is None or shown[0] is not review or shown[1] != patch.patch.message_id:
            self._shown = (review, patch.patch.message_id)
            self._show_patch(patch)
        self._refresh_panels()
        self._jump()

    def _title(self, review: Review, patch: PatchReview) -> str:
        total = max(review.revision.total, len(review.patches))
        message = patch.patch.message
        return (
            f"[{review.revision.version} {patch.patch.index}/{total}] {patch.patch.subject.title}"
            f"  —  {_sender(message.from_, self.session.book)}, {_short_date(message.date)}"
        )

    def _show_nothing(self) -> None:
        self._shown = None
        self.diff_view.load("")
        self.query_one("#patch-message", TextArea).load_text("")
        self.query_one("#patch-trailers", DataTable).clear()
        self.query_one("#patch-trailer-detail", Static).update("")
        self._rows = []

    def _show_patch(self, patch: PatchReview) -> None:
        body = patch.patch.body
        self.diff_view.load(body.diff)
        self.query_one("#patch-message", TextArea).load_text(body.message)
        table = self.query_one("#patch-trailers", DataTable)
        table.clear()
        self._rows = trailer_rows(patch, self.session.book)
        for number, row in enumerate(self._rows):
            table.add_row(*row.cells(), key=str(number))
        detail = self._rows[0].detail() if self._rows else "No trailers."
        self.query_one("#patch-trailer-detail", Static).update(detail)

    def _jump(self) -> None:
        """Go to the place `configure` named: a file's line, or a commit message line."""
        file, line = self._file, self._line
        self._file = self._line = None
        if file is not None:
            self.action_tab("diff")
            if self.diff_view.jump_to(file, line or 1) is None:
                self.notify(f"patch {self.number} does not touch {file}", severity="warning")
        elif line is not None:
            self.action_tab("message")
            message = self.query_one("#patch-message", TextArea)
            message.select_line(max(0, line - 1))
            message.scroll_cursor_visible(center=True, animate=False)

    def _refresh_panels(self) -> None:
        """The plugins' patch panels as tabs, built again when the checks ran again."""
        context, report = self.session.context, self.session.report
        if self._panels is not None and (self._panels[0] is context and self._panels[1] is report):
            return
        self._panels = (context, report)
        panes = self._panel_panes()
        old, self._panel_ids = self._panel_ids, [pane.id or "" for pane in panes]
        self.call_later(self._swap_panels, old, panes)

    def _panel_panes(self) -> list[TabPane]:
        """A tab for each plugin panel meant for patches that applies to the checked series
        (a panel that fails shows its error instead)."""
        context = self.session.context
        if context is None:
            return []
        panes: list[TabPane] = []
        for panel in build_panels(self.session.host, "patch", context, self.session.report):
            panes.append(TabPane(panel.title, panel.widget, id=f"patch-panel-{panel.panel_id}"))
            if panel.error is not None:
                self.notify(panel.error, title=panel.plugin, severity="error", timeout=8)
        return panes

    async def _swap_panels(self, old: list[str], panes: list[TabPane]) -> None:
        tabs = self.query_one("#patch-tabs", TabbedContent)
        for pane_id in old:
            await tabs.remove_pane(pane_id)
        for pane in panes:
            await tabs.add_pane(pane)

    # --- keys and events ----------------------------------------------------------------

    def action_step(self, delta: int) -> None:
        """The next (1) or previous (-1) patch of the series."""
        review, patch = self.session.review, self.current()
        if review is None or patch is None:
            return
        numbers = [p.patch.index for p in review.patches]
        position = numbers.index(patch.patch.index) + delta
        if not 0 <= position < len(numbers):
            self.notify("no next patch" if delta > 0 else "no previous patch")
            return
        self.rb_app.open_patch(numbers[position])

    def action_tab(self, name: str) -> None:
        """Show the diff, message or trailers tab and focus it."""
        pane = TABS[name]
        self.query_one("#patch-tabs", TabbedContent).active = pane
        self.query_one(_TAB_FOCUS[pane]).focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "patch-trailers" and 0 <= event.cursor_row < len(self._rows):
            detail = self._rows[event.cursor_row].detail()
            self.query_one("#patch-trailer-detail", Static).update(detail)
