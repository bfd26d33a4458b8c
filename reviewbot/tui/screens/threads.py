"""The threads screen, the TUI's bottom screen: one month's threads, from the store or the archive,
or the threads of a local file that holds several (to pick the one to open).

The store's listing is read directly (it is local and quick) and read again only when the
store file changed; the archive's is fetched from its thread index pages in a job. Enter opens
the highlighted thread; `[` and `]` step through the months, `s` switches between the store
and the archive, `/` filters the rows by subject or author, `g` lists again.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import ClassVar, Literal

from rich.text import Text
from textual import events
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Input, Static

from reviewbot.archive.urls import ArchiveLocation
from reviewbot.errors import ReviewbotError
from reviewbot.jobs import Cancelled, JobProgress
from reviewbot.monthlist import (
    ListedThread,
    Month,
    archive_location,
    archive_threads,
    month_location,
)
from reviewbot.tui.base import ReviewScreen

Source = Literal["store", "archive", "file"]
Severity = Literal["information", "warning", "error"]
CANCELLED = "listing cancelled"
DATE_WIDTH = 16
AUTHOR_WIDTH = 22
SUBJECT_MIN = 24

#: (mtime, size) of the store file and of its write-ahead log; None when there is no store.
StoreStamp = tuple[tuple[int, int], tuple[int, int]] | None


@dataclass(frozen=True)
class ArchiveListing:
    """What a listing job brought back for one archive month: its threads, or why not."""

    location: ArchiveLocation
    threads: tuple[ListedThread, ...] = ()
    error: str | None = None


class ThreadTable(DataTable[Text | str]):
    """The thread list. Enter is its own key (so keys typed before it move the cursor first)
    and the footer shows it as the screen's; on an empty list Enter is the screen's, which
    says there is nothing to open."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Open thread", id="threads-open")
    ]

    def action_select_cursor(self) -> None:
        if not self.row_count:
            raise SkipAction()
        super().action_select_cursor()


class ThreadsScreen(ReviewScreen):
    """A month's threads; Enter opens one (its series screen comes up above this one)."""

    NAME = "threads"
    AUTO_FOCUS = "#threads-table"
    DEFAULT_CSS = """
    ThreadsScreen {
        #threads-filter-input { display: none; }
        #threads-filter-input.-shown { display: block; }
        #threads-hint { padding: 1 2; display: none; }
        #threads-hint.-shown { display: block; }
        #threads-table { height: 1fr; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open thread", id="threads-open"),  # with the list unfocused
        Binding("left_square_bracket", "month(-1)", "Prev month", id="threads-prev-month"),
        Binding("right_square_bracket", "month(1)", "Next month", id="threads-next-month"),
        Binding("s", "toggle_source", "Store/archive", id="threads-source"),
        Binding("slash", "filter", "Filter", id="threads-filter"),
        Binding("g", "reload", "Refresh", id="threads-refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.source: Source = "store"
        self.month: Month | None = None
        """The month shown; None until the first listing picks the default."""
        self.archive_base: ArchiveLocation | None = None
        """The archive given by a month URL (else `archive_url` from the settings)."""
        self.listed: list[ListedThread] = []
        """The rows of the source and month, before the filter."""
        self.rows: list[ListedThread] = []
        """The rows the table shows, in its order."""
        self._started = False
        self._month_chosen = False
        self._source_chosen = False
        self._store_stamp: StoreStamp = None
        self._store_threads: list[ListedThread] | None = None
        self.error: str | None = None
        """Why the source's month could not be listed (None when it was)."""
        self._store_error: str | None = None
        self._listings: dict[ArchiveLocation, ArchiveListing] = {}
        self._loading: set[ArchiveLocation] = set()
        self._width = 0
        self.file_listing: tuple[str, list[ListedThread]] | None = None
        """The file (as given) and its threads, for the "file" source."""

    # --- widgets ------------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        yield Static("", id="threads-title", classes="pane-title")
        yield Input(placeholder="filter by subject or author", id="threads-filter-input")
        yield Static("", id="threads-hint", classes="muted")
        table = ThreadTable(id="threads-table", cursor_type="row", zebra_stripes=True)
        yield table

    @property
    def table(self) -> DataTable[Text | str]:
        """The thread list."""
        return self.query_one("#threads-table", DataTable)

    @property
    def filter_input(self) -> Input:
        """The filter box (shown by `/`)."""
        return self.query_one("#threads-filter-input", Input)

    # --- options ------------------------------------------------------------------------

    def configure(self, **options: object) -> None:
        """`month` (a Month or `YYYY-MM`), `from_archive` (bool), `archive_month_url` (str),
        `file_listing` (a file holding several threads and those threads, to pick from)."""
        listing = options.get("file_listing")
        if isinstance(listing, tuple):
            self.file_listing = listing
            self.source = "file"
            self._source_chosen = True
            for box in self.query("#threads-filter-input").results(Input):
                box.value = ""  # a filter typed for another listing would hide the file's
        url = options.get("archive_month_url")
        if isinstance(url, str):
            self._use_month_url(url)
        month = options.get("month")
        if isinstance(month, str):
            month = _parse_month(month)
        if isinstance(month, Month):
            self.month = month
            self._month_chosen = True
        from_archive = options.get("from_archive")
        if isinstance(from_archive, bool):
            self.source = "archive" if from_archive else "store"
            self._source_chosen = True

    def _take_start(self) -> None:
        """The app's start point, once, for what `configure` did not set."""
        self._started = True
        start = self.rb_app.start
        if start.archive_month_url and self.archive_base is None and not self._source_chosen:
            self._use_month_url(start.archive_month_url)
        elif start.from_archive and not self._source_chosen:
            self.source = "archive"
        if start.month is not None and not self._month_chosen:
            self.month = start.month
            self._month_chosen = True

    def _use_month_url(self, url: str) -> None:
        location = month_location(url)
        if location is None:
            self.notify(
                f"not an archive month URL: {url} (give …/<list>/YYYY-MM/)",
                severity="error",
                markup=False,
            )
            return
        self.archive_base = location
        self.source = "archive"
        self.month = Month(location.year, location.month)
        self._month_chosen = self._source_chosen = True

    # --- showing ------------------------------------------------------------------------

    def refresh_view(self) -> None:
        """List the source's month again when it may have changed, then fill the table."""
        if not self.query("#threads-table"):
            return  # not composed yet: mounting shows it
        if not self._started:
            self._take_start()
        if self.source == "store" or self.month is None:
            self._read_store()
        if not self._month_chosen or self.month is None:
            self.month = _newest_month(self._store_threads or [])
        if self.source == "store":
            month = self.month
            self.listed = [t for t in self._store_threads or [] if _month_of(t) == month]
            self.error = self._store_error
        elif self.source == "file":
            self.listed = list(self.file_listing[1]) if self.file_listing else []
            self.error = None
        else:
            self._list_archive()
        self._fill()

    def _read_store(self, *, force: bool = False) -> None:
        """The store's threads, read again only when the store file changed."""
        stamp = _store_stamp(self.session.store_path)
        if not force and self._store_threads is not None and stamp == self._store_stamp:
            return
        self._store_stamp = stamp
        self._store_error = None
        if stamp is None:  # nothing fetched yet: an empty store, not an error
            self._store_threads = []
            return
        try:
            self._store_threads = self.session.store_threads(None)
        except ReviewbotError as exc:
            self._store_threads = []
            self._store_error = exc.one_line()
            self.notify(exc.one_line(), severity="error", timeout=8, markup=False)

    def archive_month(self) -> ArchiveLocation:
        """The archive month to list (ReviewbotError when `archive_url` is unusable)."""
        month = self.month
        assert month is not None
        base = self.archive_base
        if base is None:
            return archive_location(self.session.settings, month)
        delta = (month.year * 12 + month.month) - (base.year * 12 + base.month)
        return base.neighbour(delta)

    def _list_archive(self, *, force: bool = False) -> None:
        """The archive month's rows when listed; else start the job that lists it."""
        self.listed = []
        self.error = None
        try:
            location = self.archive_month()
        except ReviewbotError as exc:
            self.error = exc.one_line()
            return
        if force:
            self._listings.pop(location, None)
            self._loading.discard(location)
        listing = self._listings.get(location)
        if listing is not None:
            self.listed = list(listing.threads)
            self.error = listing.error
            return
        if location in self._loading:
            return
        self._loading.add(location)
        settings = self.session.settings

        def work(progress: JobProgress) -> ArchiveListing:
            try:
                found = archive_threads(location, settings, progress)
            except Cancelled:
                return ArchiveListing(location, error=CANCELLED)
            except ReviewbotError as exc:
                return ArchiveListing(location, error=exc.one_line())
            return ArchiveListing(location, tuple(found))

        self.rb_app.start_job(f"listing {location.month_url}", work, self._listed)

    def _listed(self, listing: ArchiveListing) -> None:
        """A listing job's end (UI thread): keep its rows, or say what went wrong."""
        self._loading.discard(listing.location)
        self._listings[listing.location] = listing
        if listing.error is not None:
            severity: Severity = "warning" if listing.error == CANCELLED else "error"
            self.notify(listing.error, severity=severity, timeout=8, markup=False)
        self.refresh_view()

    @property
    def listing(self) -> bool:
        """Whether the archive month shown is being listed."""
        if self.source != "archive":
            return False
        try:
            return self.archive_month() in self._loading
        except ReviewbotError:
            return False

    def _fill(self) -> None:
        """The table, the title line and the hint, from `listed` and the filter."""
        before = self.highlighted()
        wanted = self.filter_input.value.strip().casefold()
        self.rows = [
            t
            for t in self.listed
            if not wanted or wanted in t.subject.casefold() or wanted in t.author.casefold()
        ]
        table = self.table
        table.clear(columns=True)
        store = self.source != "archive"  # the store's and a file's rows have dates
        author_width = min(AUTHOR_WIDTH, max((len(t.author) for t in self.rows), default=6))
        fixed = (DATE_WIDTH + 2 if store else 0) + author_width + 2 + 6 + 9 + 2
        subject_width = max(SUBJECT_MIN, self.size.width - fixed)
        if store:
            table.add_column("date", width=DATE_WIDTH, key="date")
        table.add_column("subject", width=subject_width, key="subject")
        table.add_column("author", width=author_width, key="author")
        table.add_column("msgs", width=4, key="messages")
        table.add_column("patches", width=7, key="patches")
        for index, thread in enumerate(self.rows):
            cells: list[Text | str] = [Text(thread.date)] if store else []
            cells += [
                Text(thread.subject, no_wrap=True, overflow="ellipsis"),
                Text(thread.author, no_wrap=True, overflow="ellipsis"),
                Text(str(thread.messages), justify="right"),
                Text(str(thread.patches), justify="right"),
            ]
            table.add_row(*cells, key=str(index))
        opens = [(thread.spec, thread.message_id) for thread in self.rows]
        if before is not None and (before.spec, before.message_id) in opens:
            table.move_cursor(row=opens.index((before.spec, before.message_id)))
        self.query_one("#threads-title", Static).update(Text(self.title_line()))
        hint = self.hint_line()
        shown = self.query_one("#threads-hint", Static)
        shown.update(Text(hint))
        shown.set_class(bool(hint), "-shown")

    def title_line(self) -> str:
        """`store · 2026-11 · 12 threads` (`3 of 12 threads` while filtered); a file's
        threads are `file · PATH · 3 threads`."""
        where = self.file_listing[0] if self.source == "file" and self.file_listing else None
        parts = [self.source, where or str(self.month)]
        if self.listing:
            parts.append("listing…")
        else:
            total = len(self.listed)
            count = f"{len(self.rows)} of {total}" if len(self.rows) != total else str(total)
            parts.append(f"{count} thread{'s' if total != 1 else ''}")
        text = " · ".join(parts)
        if self.source == "archive":
            with suppress(ReviewbotError):
                text += f" · {self.archive_month().month_url}"
        return text

    def hint_line(self) -> str:
        """What to do when the table is empty ("" when it has rows)."""
        if self.rows:
            return ""
        month = self.month
        if self.listing:
            return f"listing the archive's threads of {month}…"
        if self.error is not None:
            other = "archive" if self.source == "store" else "store"
            return f"{self.error}\npress g to try again, s for the {other}"
        if self.listed:
            return f"no thread matches {self.filter_input.value.strip()!r}"
        if self.source == "file":
            return "no threads to pick from: press s for the store, o to open a thread"
        if self.source == "store":
            return f"no threads stored for {month}: press s for the archive, o to open a thread"
        return f"the archive lists no threads for {month}: press [ or ] for another month"

    # --- keys ---------------------------------------------------------------------------

    def highlighted(self) -> ListedThread | None:
        """The thread under the cursor."""
        row = self.table.cursor_row
        if not self.rows or not 0 <= row < len(self.rows):
            return None
        return self.rows[row]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a row (the table's own key, so keys typed before it have moved the
        cursor first) or a click on the highlighted row opens that thread."""
        event.stop()
        if event.row_key.value is not None:
            self._open(self.rows[int(event.row_key.value)])

    def action_open(self) -> None:
        """Open the highlighted thread (in the filter box: back to the list)."""
        if self.filter_input.has_focus:
            self.table.focus()
            return
        thread = self.highlighted()
        if thread is None:
            self.notify("no thread to open here: press o to open one by URL", severity="warning")
            return
        self._open(thread)

    def _open(self, thread: ListedThread) -> None:
        self.rb_app.open_thread(thread.spec, thread.message_id)

    def action_month(self, delta: int) -> None:
        """The month before (-1) or after (1)."""
        if self.source == "file":  # a file's threads have no months: back to the store's
            self._leave_file()
        month = self.month or Month.of(datetime.now())
        self.month = month.shifted(delta)
        self._month_chosen = True
        self.refresh_view()

    def action_toggle_source(self) -> None:
        """List the archive instead of the store, or the store instead of the archive or a
        file's threads."""
        if self.source == "file":
            self._leave_file()
        else:
            self.source = "archive" if self.source == "store" else "store"
        self._month_chosen = self._month_chosen or self.month is not None
        self.refresh_view()

    def _leave_file(self) -> None:
        """From a file's threads to the store's, at the month of the highlighted one."""
        self.source = "store"
        highlighted = self.highlighted()
        month = _month_of(highlighted) if highlighted else None
        if month is not None:
            self.month = month
            self._month_chosen = True

    def action_filter(self) -> None:
        """Show the filter box and type in it."""
        box = self.filter_input
        box.add_class("-shown")
        box.focus()

    def action_reload(self) -> None:
        """Read the store again, list the archive month again, or read the file again."""
        if self.source == "file" and self.file_listing is not None:
            self.rb_app.open_thread(self.file_listing[0])
        elif self.source == "store":
            self._read_store(force=True)
            self.refresh_view()
        else:
            self._list_archive(force=True)
            self._fill()

    def action_back(self) -> None:
        """In the filter box: back to the list (the box hides when empty); else as usual."""
        box = self.filter_input
        if box.has_focus:
            if not box.value.strip():
                box.remove_class("-shown")
            self.table.focus()
            return
        super().action_back()

    def on_resize(self, event: events.Resize) -> None:
        """The subject column takes the width the other columns leave."""
        if event.size.width != self._width:
            self._width = event.size.width
            self._fill()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Narrow the rows as the filter is typed."""
        event.stop()
        self._fill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.table.focus()


def _parse_month(text: str) -> Month | None:
    try:
        year, month = (int(part) for part in text.strip().split("-"))
    except ValueError:
        return None
    return Month(year, month) if 1 <= month <= 12 else None


def _month_of(thread: ListedThread) -> Month | None:
    """The month a store thread began in (its `date` is `YYYY-MM-DD HH:MM`)."""
    return _parse_month(thread.date[:7]) if thread.date else None


def _newest_month(threads: list[ListedThread]) -> Month:
    """The month of the newest thread (the list is newest first), else the current month."""
    for thread in threads:
        month = _month_of(thread)
        if month is not None:
            return month
    return Month.of(datetime.now())


def _store_stamp(path: Path) -> StoreStamp:
    """What changes when the store does: the file's and its WAL's mtime and size."""

    def stat(file: Path) -> tuple[int, int]:
        try:
            status = file.stat()
        except OSError:
            return (0, 0)
        return (status.st_mtime_ns, status.st_size)

    main = stat(path)
    if main == (0, 0):
        return None
    return (main, stat(path.with_name(path.name + "-wal")))
