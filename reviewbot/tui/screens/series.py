"""The series screen: the version under review, patch by patch, with its trailers and state.

One row per patch position (the cover letter first when there is one): number, the Acked-by /
Reviewed-by / Tested-by counts as `reviewbot am` counts them (with how many of them come from
replies), whether the patch is missing, inherited from an earlier version, applied or in
conflict, then title and author. Below the table: the trailer problems of the review, the
series notes, and the plugins' `where="series"` panels once the series has been checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from reviewbot.addressbook import AddressBook
from reviewbot.apply import APPLIED, CONFLICT, FUZZ, MISSING, NOT_APPLIED, ApplyResult
from reviewbot.attribution import ACKED, REVIEWED, TESTED, PatchReview, Review, Trailer
from reviewbot.checkcontext import CheckContext, patch_author
from reviewbot.errors import ReviewbotError
from reviewbot.identity import Person
from reviewbot.models import Message
from reviewbot.people import sender_of
from reviewbot.render_review import version_label
from reviewbot.subject import Version
from reviewbot.tui.base import ReviewScreen
from reviewbot.tui.panels import build_panels

#: The approval trailers shown as badges: column label and trailer name.
BADGES: tuple[tuple[str, str], ...] = (("A", ACKED), ("R", REVIEWED), ("T", TESTED))

_STATES = {
    APPLIED: "applied",
    FUZZ: "applied with fuzz",
    CONFLICT: "conflict",
    NOT_APPLIED: "not applied",
    MISSING: "missing",
}


@dataclass(frozen=True)
class SeriesRow:
    """One row of the series table, as plain text (the screen adds colour).

    The table shows number, badges and state first, so that they fit in 80 columns.
    """

    number: int  # 0: the cover letter
    label: str  # "1/3"
    title: str
    author: str
    badges: tuple[tuple[int, int], ...]  # (total, from replies) for A, R, T
    state: str


def badge_text(total: int, collected: int) -> str:
    """`2`, or `2 (+1)` when one of the two givers gave it in a reply (not in the patch)."""
    return f"{total} (+{collected})" if collected else str(total)


def badge_counts(review: PatchReview, name: str) -> tuple[int, int]:
    """(distinct givers of `name`, how many of them only in replies): `art_counts` semantics."""
    total = review.count(name)
    collected = len({t.key for t in review.collected if t.name == name})
    return total, collected


def person_text(person: Person | None) -> str:
    """A person's name, else the address; "?" for nobody."""
    if person is None:
        return "?"
    return person.name or person.address


def mail_sender(message: Message, book: AddressBook | None) -> Person | None:
    """Who sent a mail, unmasked when possible."""
    person = sender_of(message)
    return person if person is None or book is None else book.best(person)


def apply_states(result: ApplyResult | None) -> dict[int, str]:
    """Patch number -> "applied" / "conflict" / ... from an apply run."""
    if result is None:
        return {}
    return {o.number: _STATES.get(o.status, o.status) for o in result.patches}


def series_rows(
    review: Review, book: AddressBook | None, applied: ApplyResult | None
) -> list[SeriesRow]:
    """The table's rows: cover letter, then every position 1..total (missing ones too)."""
    revision = review.revision
    total = revision.total
    rows: list[SeriesRow] = []
    if revision.cover is not None:
        cover = revision.cover
        rows.append(
            SeriesRow(
                0,
                f"0/{total}",
                revision.title,
                person_text(mail_sender(cover, book)),
                (),
                "cover letter",
            )
        )
    by_number = {p.patch.index: p for p in review.patches}
    states = apply_states(applied)
    for number in range(1, total + 1):
        patch = by_number.get(number)
        if patch is None:
            rows.append(SeriesRow(number, f"{number}/{total}", "", "", (), "missing"))
            continue
        state = []
        if revision.inherited_from is not None and patch.patch.version != revision.version:
            state.append(f"inherited from {patch.patch.version}")
        if number in states:
            state.append(states[number])
        rows.append(
            SeriesRow(
                number,
                f"{number}/{total}",
                patch.patch.subject.title,
                person_text(patch_author(patch, book)),
                tuple(badge_counts(patch, name) for _, name in BADGES),
                ", ".join(state),
            )
        )
    return rows


def title_line(review: Review, book: AddressBook | None) -> str:
    """`title · v2 · 3 patches · author · versions: v1 [v2] v2.1`."""
    revision = review.revision
    count = revision.total
    if revision.cover is not None:
        author = person_text(mail_sender(revision.cover, book))
    elif review.patches:
        author = person_text(patch_author(review.patches[0], book))
    else:
        author = "?"
    labels = {v: version_label(r) for v, r in review.series.revisions.items()}
    versions = " ".join(
        f"[{labels[v]}]" if v == revision.version else labels[v] for v in review.series.versions
    )
    return (
        f"{revision.title} · {version_label(revision)} · "
        f"{count} patch{'es' if count != 1 else ''} · {author} · versions: {versions}"
    )


def _sender_name(trailer: Trailer) -> str:
    """The display name of the mail a trailer came in (its address when it has none)."""
    name, address = parseaddr(trailer.sender)
    return name or address or trailer.sender


def _trailer_text(trailer: Trailer) -> str:
    return f"{trailer.name}: {trailer.value}"


def problem_lines(review: Review, applied: ApplyResult | None) -> list[str]:
    """What the reviewer should know about the trailers and the series, one item a line."""
    revision = review.revision
    lines: list[str] = []
    if applied is not None:
        done = sum(p.applied for p in applied.patches)
        where = f"on branch {applied.branch}" if applied.branch else "no branch made"
        state = "applied" if applied.complete else f"{done} of {len(applied.patches)} applied"
        lines.append(f"{state} on {applied.base.commit[:12]} ({applied.base.rule}), {where}")
    if revision.missing:
        lines.append(
            "missing: patch " + ", ".join(f"{n}/{revision.total}" for n in revision.missing)
        )
    if revision.inherited_from is not None:
        lines.append(f"patches not re-sent are taken from {revision.inherited_from}")
    for trailer in review.near_misses:
        lines.append(
            f"misspelt trailer: {trailer.written_name!r} read as {trailer.name} "
            f"(from {_sender_name(trailer)})"
        )
    for trailer in review.unresolved:
        candidates = trailer.resolution.candidates if trailer.resolution else ()
        could_be = f" (could be {' or '.join(p.address for p in candidates)})" if candidates else ""
        lines.append(f"masked address not recovered: {_trailer_text(trailer)}{could_be}")
    for trailer in review.mismatches:
        lines.append(
            f"not added, given in a mail from someone else: {_trailer_text(trailer)} "
            f"(mail from {_sender_name(trailer)})"
        )
    for patch_review in review.patches:
        for trailer in patch_review.not_carried:
            lines.append(
                f"not carried to {patch_review.patch.index}/{revision.total}: "
                f"{_trailer_text(trailer)} was given on {trailer.version}, "
                "and the patch has changed since"
            )
    for trailer in review.unattributed:
        lines.append(f"not attributed to any patch: {_trailer_text(trailer)}")
    lines += [f"note: {note}" for note in review.series.notes]
    return lines


class PatchTable(DataTable[str | Text]):
    """The series' patches. Enter is the table's own key (so keys typed before it move the
    cursor first), shown in the footer as the screen's."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Open", id="series-open")
    ]


class SeriesScreen(ReviewScreen):
    """The version under review: its patches, their trailers and state, and what is amiss."""

    NAME = "series"
    AUTO_FOCUS = "#series-table"
    DEFAULT_CSS = """
    SeriesScreen {
        #series-title {
            height: auto;
            padding: 0 1;
            background: $panel;
            color: $text-accent;
            text-style: bold;
        }
        #series-table { height: auto; max-height: 60%; }
        #series-tabs { height: 1fr; }
        #series-tabs TabPane { padding: 0 1; }
        .panel-error { color: $error; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_row", "Open", id="series-open"),  # with the table unfocused
        Binding("v", "next_version", "Newer", id="series-next-version"),
        Binding("V", "previous_version", "Older", id="series-previous-version"),
        Binding("t", "thread", "Thread", id="series-thread"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._panels_for: CheckContext | None = None
        self._panel_panes: list[str] = []
        self._generation = 0

    def compose_body(self) -> ComposeResult:
        yield Static("", id="series-title", markup=False)
        table = PatchTable(id="series-table", cursor_type="row")
        table.add_column("#", key="number")
        for letter, _ in BADGES:
            table.add_column(letter, key=letter)
        table.add_column("state", key="state")
        table.add_column("title", key="title")
        table.add_column("author", key="author")
        yield table
        problems = VerticalScroll(Static("", id="series-problems", markup=False))
        with TabbedContent(id="series-tabs"):
            yield TabPane("Problems", problems, id="series-problems-tab")

    # --- showing the session ------------------------------------------------------------------

    def refresh_view(self) -> None:
        """Fill the title, the table and the problems from the session."""
        if not self.query("#series-table"):
            return  # not composed yet: on_mount shows the session
        table = self.query_one("#series-table", DataTable)
        title = self.query_one("#series-title", Static)
        problems = self.query_one("#series-problems", Static)
        review = self.session.review if self.session.thread is not None else None
        keep = self._cursor_number(table)
        table.clear()
        if review is None:
            title.update("no thread is open: press o to open one, or 1 for the thread list")
            problems.update("")
            self._set_panels(None)
            return
        applied = self.session.applied or (
            self.session.context.apply if self.session.context is not None else None
        )
        title.update(title_line(review, self.session.book))
        rows = series_rows(review, self.session.book, applied)
        for row in rows:
            table.add_row(*_cells(row), key=str(row.number))
        problems.update("\n".join(problem_lines(review, applied)) or "no trailer problems")
        numbers = [row.number for row in rows]
        wanted = keep if keep in numbers else next((n for n in numbers if n > 0), None)
        if wanted is not None:
            table.move_cursor(row=numbers.index(wanted))
        self._set_panels(self.session.context)

    @staticmethod
    def _cursor_number(table: DataTable[str | Text]) -> int | None:
        """The patch number of the highlighted row (0: the cover letter)."""
        if not table.is_valid_row_index(table.cursor_row):
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return int(key.value) if key.value is not None else None

    def _set_panels(self, context: CheckContext | None) -> None:
        """The plugins' series panels as extra tabs, rebuilt only for a new check run."""
        if context is self._panels_for:
            return
        self._panels_for = context
        tabs = self.query_one("#series-tabs", TabbedContent)
        for pane_id in self._panel_panes:
            tabs.remove_pane(pane_id)
        self._panel_panes = []
        if context is None:
            return
        self._generation += 1
        built = build_panels(self.session.host, "series", context, self.session.report)
        for index, panel in enumerate(built):
            pane_id = f"series-panel-{self._generation}-{index}"
            tabs.add_pane(TabPane(panel.title, panel.widget, id=pane_id))
            self._panel_panes.append(pane_id)
            if panel.error is not None:
                self.notify(panel.error, title=panel.plugin, severity="error", timeout=8)

    # --- keys ---------------------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter (or a click on the highlighted row) opens the row's patch."""
        event.stop()
        if event.row_key.value is not None:
            self._open(int(event.row_key.value))

    def action_open_row(self) -> None:
        """Open the highlighted patch (the thread tree, at the cover letter, for the cover)."""
        number = self._cursor_number(self.query_one("#series-table", DataTable))
        if number is not None:
            self._open(number)

    def _open(self, number: int) -> None:
        if self.session.thread is None:
            return
        if number == 0:
            cover = self.session.require_review().revision.cover
            self.rb_app.show("thread", message=cover.message_id if cover else None)
            return
        if self.session.patch(number) is None:
            self.notify(f"patch {number} never arrived", severity="warning")
            return
        self.rb_app.open_patch(number)

    def action_next_version(self) -> None:
        """Review the next newer version of the series."""
        self._step_version(+1)

    def action_previous_version(self) -> None:
        """Review the next older version of the series."""
        self._step_version(-1)

    def _step_version(self, step: int) -> None:
        if self.session.thread is None:
            self.notify("open a thread first", severity="warning")
            return
        versions: list[Version] = self.session.series.versions
        current = self.session.require_review().revision.version
        index = versions.index(current) + step
        if not 0 <= index < len(versions):
            edge = "newest" if step > 0 else "oldest"
            self.notify(f"{current} is the {edge} version", severity="warning")
            return
        try:
            self.session.choose_version(versions[index])
        except ReviewbotError as exc:
            self.notify(exc.one_line(), severity="error")
            return
        self.rb_app.refresh_screens()
        self.notify(f"reviewing {versions[index]}", title="series")

    def action_thread(self) -> None:
        """The thread tree."""
        if self.session.thread is None:
            self.notify("open a thread first", severity="warning")
            return
        self.rb_app.show("thread")


def _cells(row: SeriesRow) -> list[str | Text]:
    badges: list[str | Text] = []
    for total, collected in row.badges:
        text = Text(badge_text(total, collected))
        if collected:
            text.stylize("bold green", len(str(total)))
        badges.append(text)
    if not row.badges:
        badges = [""] * len(BADGES)
    state = Text(row.state)
    if "conflict" in row.state or row.state == "missing":
        state.stylize("bold red")
    elif "applied" in row.state and "not applied" not in row.state:
        state.stylize("green")
    title: str | Text = row.title if row.number else Text(row.title, style="italic")
    return [row.label, *badges, state, title, row.author]
