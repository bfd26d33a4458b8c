"""`DiffView`: a unified diff with line numbers and syntax highlighting on Textual's Line API.

Only the rows on screen are rendered (`render_line`), so a diff of thousands of lines scrolls
as fast as a short one. Every line of the diff text is one row, as written: file headers
(`diff --git`, `index`, `---`/`+++`), `@@` hunk headers, context, added and removed lines. The
code is highlighted with Pygments by the lexer of the file's name, one hunk at a time when a
row of it is first shown: the post-image (context and added lines) and the pre-image (context
and removed lines) are each lexed whole, so a comment or string spanning lines is coloured
right; once a frame is out, the hunks of the pages above and below the view are lexed too, so
paging on finds them ready. Colours are component classes whose CSS uses the app theme's
variables, so the view follows the theme (light or dark). A gutter holds the old and new line
numbers; a cursor row moves with the keys and `jump_to`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from pygments.lexer import Lexer  # type: ignore[import-untyped, unused-ignore]
from pygments.lexers import (  # type: ignore[import-untyped, unused-ignore]
    get_lexer_by_name,
    get_lexer_for_filename,
)
from pygments.lexers.special import TextLexer  # type: ignore[import-untyped, unused-ignore]
from pygments.token import Token, _TokenType  # type: ignore[import-untyped, unused-ignore]
from pygments.util import ClassNotFound  # type: ignore[import-untyped, unused-ignore]
from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reviewbot.hunks import parse_diff

TAB_SIZE = 8
#: Rows kept above the target when jumping to a row (hunk, file, finding).
ROWS_ABOVE_JUMP = 2
_HUNK_HEADER = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
#: Control characters shown as their Unicode control pictures (a raw one would upset the screen).
_CONTROL_PICTURES = {code: 0x2400 + code for code in range(32) if code != 9} | {127: 0x2421}


class RowKind(StrEnum):
    """What a line of a diff is."""

    FILE = "file"  # `diff --git a/x b/x`, or the `---` line of a diff without one
    NAMES = "names"  # `--- a/x` and `+++ b/x`
    META = "meta"  # `index`, modes, renames, `Binary files ... differ`
    HUNK = "hunk"  # `@@ -a,b +c,d @@ section`
    CONTEXT = "context"
    ADDED = "added"
    REMOVED = "removed"
    NOTE = "note"  # `\ No newline at end of file`
    OTHER = "other"  # anything outside a file or after a hunk's lines


#: Rows whose text after the marker is code of the file.
CODE_KINDS = frozenset({RowKind.CONTEXT, RowKind.ADDED, RowKind.REMOVED})


@dataclass(frozen=True, slots=True)
class DiffRow:
    """One row: the line as written, its file and hunk, and its line numbers.

    `file` and `hunk` index `DiffView.files` / the hunks (-1 outside any). `old` and `new` are
    the pre- and post-image line numbers shown in the gutter. `at_new` is the post-image line
    a hunk row stands at (for a removed line, the one that follows it); 0 outside hunks.
    """

    kind: RowKind
    text: str
    file: int
    hunk: int
    old: int | None = None
    new: int | None = None
    at_new: int = 0


@dataclass(frozen=True)
class DiffFileSpan:
    """A file of the diff: its path (after the change; before it for a deleted file), its
    header row and the row after its last."""

    path: str
    old_path: str | None
    row: int
    end: int


@dataclass(frozen=True)
class HunkSpan:
    """A hunk: its `@@` row, the row after its last, and the post-image lines it covers."""

    file: int
    row: int
    end: int
    new_start: int
    new_count: int


@dataclass(frozen=True)
class ParsedDiff:
    """A diff cut into rows, with its files and hunks."""

    rows: tuple[DiffRow, ...]
    files: tuple[DiffFileSpan, ...]
    hunks: tuple[HunkSpan, ...]


def parse_rows(text: str) -> ParsedDiff:
    """Every line of the unified diff `text` as a row (see `DiffRow`), leniently.

    A file starts at `diff --git` (or a `---`/`+++`/`@@` triple outside a hunk); a hunk's lines
    run as far as its header counts say, plus `\\` notes; an empty line in a hunk is an empty
    context line, a line with another first character a context line whose marker was lost.
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return _RowBuilder(lines).build()


class _RowBuilder:
    """The state of `parse_rows` while it walks the lines."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.rows: list[DiffRow] = []
        self.files: list[DiffFileSpan] = []
        self.hunks: list[HunkSpan] = []
        self.file = -1  # the open file's index; -1 before the first
        self.file_start = 0
        self.header: list[str] = []  # the open file's header lines, for its paths
        self.in_header = False
        self.hunk = -1  # the open hunk's index; -1 when none is open
        self.hunk_row = self.new_start = self.new_count = 0
        self.old = self.new = 0
        self.old_left = self.new_left = 0

    def build(self) -> ParsedDiff:
        for index, line in enumerate(self.lines):
            self._line(index, line)
        self._end_hunk()
        self._end_file()
        return ParsedDiff(tuple(self.rows), tuple(self.files), tuple(self.hunks))

    def _line(self, index: int, line: str) -> None:
        if self.hunk >= 0:
            if self.old_left > 0 or self.new_left > 0:
                self._hunk_line(line)
                return
            if line.startswith("\\"):
                self._add(RowKind.NOTE, line, in_hunk=True)
                return
            self._end_hunk()
        if line.startswith("diff --git ") or self._traditional_start(index):
            self._start_file()
            self.header.append(line)
            self._add(RowKind.FILE, line)
            return
        match = _HUNK_HEADER.match(line)
        if match is not None and self.file >= 0:
            self._start_hunk(line, match)
            return
        if self.in_header:
            kind = RowKind.NAMES if line.startswith(("--- ", "+++ ")) else RowKind.META
            self.header.append(line)
            self._add(kind, line)
            return
        self._add(RowKind.OTHER, line)

    def _traditional_start(self, index: int) -> bool:
        """A `--- x` / `+++ y` / `@@` triple outside a git header starts a file."""
        if self.in_header:
            return False
        following = self.lines[index + 1 : index + 3]
        return (
            self.lines[index].startswith("--- ")
            and len(following) == 2
            and following[0].startswith("+++ ")
            and following[1].startswith("@@ -")
        )

    def _hunk_line(self, line: str) -> None:
        marker = line[:1]
        if marker == "+":
            self._add(RowKind.ADDED, line, None, self.new, in_hunk=True)
            self.new += 1
            self.new_left -= 1
        elif marker == "-":
            self._add(RowKind.REMOVED, line, self.old, None, in_hunk=True)
            self.old += 1
            self.old_left -= 1
        elif marker == "\\":
            self._add(RowKind.NOTE, line, in_hunk=True)
        else:  # " ", "" or a lost marker: context
            self._add(RowKind.CONTEXT, line, self.old, self.new, in_hunk=True)
            self.old += 1
            self.new += 1
            self.old_left -= 1
            self.new_left -= 1

    def _start_file(self) -> None:
        self._end_file()
        self.file = len(self.files)
        self.file_start = len(self.rows)
        self.header = []
        self.in_header = True

    def _end_file(self) -> None:
        if self.file < 0 or self.file < len(self.files):
            return
        path, old_path = _paths(self.header)
        self.files.append(DiffFileSpan(path, old_path, self.file_start, len(self.rows)))

    def _start_hunk(self, line: str, match: re.Match[str]) -> None:
        if self.in_header:
            self.header.append(line)  # lets a bare `---`/`+++` pair name the file
            self.in_header = False
        self.hunk = len(self.hunks)
        self.old, self.new = int(match.group(1)), int(match.group(3))
        self.old_left = int(match.group(2)) if match.group(2) is not None else 1
        self.new_left = int(match.group(4)) if match.group(4) is not None else 1
        self.hunk_row, self.new_start, self.new_count = len(self.rows), self.new, self.new_left
        self._add(RowKind.HUNK, line, in_hunk=True)

    def _end_hunk(self) -> None:
        if self.hunk < 0:
            return
        self.hunks.append(
            HunkSpan(self.file, self.hunk_row, len(self.rows), self.new_start, self.new_count)
        )
        self.hunk = -1

    def _add(
        self,
        kind: RowKind,
        text: str,
        old: int | None = None,
        new: int | None = None,
        *,
        in_hunk: bool = False,
    ) -> None:
        hunk = self.hunk if in_hunk else -1
        at_new = self.new if in_hunk else 0
        self.rows.append(DiffRow(kind, text, self.file, hunk, old, new, at_new))


def _paths(header: Sequence[str]) -> tuple[str, str | None]:
    """(path, old path) of a file section from its header lines (and first `@@` line)."""
    parsed = parse_diff("\n".join(header)) if header else ()
    if parsed:
        found = parsed[0]
        return found.new_path or found.old_path or "", found.old_path
    return "", None


# --- highlighting ---------------------------------------------------------------------------

#: Pygments token types (and their subtypes) -> the component class that colours them.
_TOKEN_CLASSES: dict[_TokenType, str] = {
    Token.Comment.Preproc: "diff-view--preproc",
    Token.Comment.PreprocFile: "diff-view--string",
    Token.Comment: "diff-view--comment",
    Token.Keyword.Type: "diff-view--type",
    Token.Keyword: "diff-view--keyword",
    Token.Name.Builtin: "diff-view--type",
    Token.Name.Function: "diff-view--function",
    Token.Name.Constant: "diff-view--constant",
    Token.Name.Label: "diff-view--constant",
    Token.Literal.String: "diff-view--string",
    Token.Literal.Number: "diff-view--number",
}

#: Lexers by file name suffix (or whole name) for the files a Xen patch touches. Asking Pygments
#: by file name instead scans every installed Pygments plugin first (with IPython installed
#: that takes a quarter of a second); other names still go that way.
LEXERS_BY_NAME: dict[str, str] = {
    ".c": "c",
    ".h": "c",
    ".S": "gas",
    ".s": "gas",
    ".lds": "c",
    ".py": "python",
    ".sh": "bash",
    ".mk": "make",
    "Makefile": "make",
    "Rules.mk": "make",
    "Kconfig": "kconfig",
    ".ml": "ocaml",
    ".mli": "ocaml",
    ".md": "markdown",
    ".pandoc": "markdown",
    ".rst": "rst",
    ".txt": "text",
    ".pl": "perl",
    ".awk": "awk",
    ".dts": "devicetree",
    ".dtsi": "devicetree",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".go": "go",
    ".rs": "rust",
    ".cpp": "cpp",
}

#: A row's code as (text, component class or "") pieces.
Tokens = tuple[tuple[str, str], ...]


class Highlighter:
    """Lexes the code of a diff's hunks with the lexer of each file's name, on demand."""

    def __init__(self) -> None:
        self._lexers: dict[str, Lexer] = {}
        self._classes: dict[_TokenType, str] = {}

    def lexer(self, path: str) -> Lexer:
        """The lexer for `path`'s name (plain text when Pygments knows none)."""
        if path not in self._lexers:
            options = {"stripnl": False, "ensurenl": True}
            base = path.rsplit("/", 1)[-1]
            suffix = "." + base.rsplit(".", 1)[-1] if "." in base else base
            known = LEXERS_BY_NAME.get(base) or LEXERS_BY_NAME.get(suffix)
            try:
                if known is not None:
                    found: Lexer = get_lexer_by_name(known, **options)
                else:
                    found = get_lexer_for_filename(path, **options)
            except ClassNotFound:
                found = TextLexer(**options)
            self._lexers[path] = found
        return self._lexers[path]

    def lex_lines(self, path: str, lines: Sequence[str]) -> list[Tokens]:
        """`lines` of `path` lexed as one text, cut back into lines."""
        if not lines:
            return []
        pieces: list[list[tuple[str, str]]] = [[] for _ in lines]
        index = 0
        for token_type, value in self.lexer(path).get_tokens("\n".join(lines) + "\n"):
            name = self._class_of(token_type)
            for number, part in enumerate(value.split("\n")):
                if number:
                    index += 1
                if part and index < len(pieces):
                    _append(pieces[index], part, name)
        return [tuple(piece) for piece in pieces]

    def _class_of(self, token_type: _TokenType) -> str:
        if token_type not in self._classes:
            kind: _TokenType | None = token_type
            while kind is not None and kind not in _TOKEN_CLASSES:
                kind = kind.parent
            self._classes[token_type] = _TOKEN_CLASSES[kind] if kind is not None else ""
        return self._classes[token_type]


def _append(pieces: list[tuple[str, str]], text: str, name: str) -> None:
    """Add a piece, merged into the previous one when they look the same."""
    if pieces and (pieces[-1][1] == name or (not text.strip() and not name)):
        pieces[-1] = (pieces[-1][0] + text, pieces[-1][1])
    else:
        pieces.append((text, name))


def display_text(text: str) -> str:
    """A line as the screen shows it: tabs expanded, control characters made visible."""
    return text.expandtabs(TAB_SIZE).translate(_CONTROL_PICTURES)


# --- the widget -----------------------------------------------------------------------------


class DiffView(ScrollView, can_focus=True):
    """A scrollable, focusable unified diff; `cursor_row` is the highlighted row."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "diff-view--gutter",
        "diff-view--cursor",
        "diff-view--file",
        "diff-view--names",
        "diff-view--meta",
        "diff-view--hunk",
        "diff-view--context",
        "diff-view--added",
        "diff-view--removed",
        "diff-view--note",
        "diff-view--other",
        "diff-view--keyword",
        "diff-view--type",
        "diff-view--function",
        "diff-view--constant",
        "diff-view--string",
        "diff-view--number",
        "diff-view--comment",
        "diff-view--preproc",
    }

    DEFAULT_CSS = """
    DiffView {
        height: 1fr;
        background: $surface;
        color: $foreground;
        & > .diff-view--gutter { color: $text-muted; background: $panel; }
        & > .diff-view--cursor { background: $accent 35%; }
        & > .diff-view--file { background: $primary 40%; color: $text; text-style: bold; }
        & > .diff-view--names { background: $primary 18%; color: $text-primary; text-style: bold; }
        & > .diff-view--meta { background: $primary 18%; color: $text-muted; }
        & > .diff-view--hunk { background: $secondary 15%; color: $text-secondary; }
        & > .diff-view--added { background: $success 18%; }
        & > .diff-view--removed { background: $error 18%; }
        & > .diff-view--note { color: $text-muted; text-style: italic; }
        & > .diff-view--other { color: $text-muted; }
        & > .diff-view--keyword { color: $text-accent; text-style: bold; }
        & > .diff-view--type { color: $text-warning; }
        & > .diff-view--function { color: $text-primary; }
        & > .diff-view--constant { color: $text-error; }
        & > .diff-view--string { color: $text-success; }
        & > .diff-view--number { color: $text-warning; }
        & > .diff-view--comment { color: $text-muted; text-style: italic; }
        & > .diff-view--preproc { color: $text-secondary; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False, id="diff-up"),
        Binding("down", "cursor_down", "Down", show=False, id="diff-down"),
        Binding("pageup", "page_up_rows", "Page up", show=False, id="diff-page-up"),
        Binding("pagedown", "page_down_rows", "Page down", show=False, id="diff-page-down"),
        Binding("home", "first_row", "First line", show=False, id="diff-home"),
        Binding("end", "last_row", "Last line", show=False, id="diff-end"),
        Binding("left", "scroll_left", "Scroll left", show=False, id="diff-left"),
        Binding("right", "scroll_right", "Scroll right", show=False, id="diff-right"),
        Binding("]", "next_hunk", "Next hunk", id="diff-next-hunk"),
        Binding("[", "previous_hunk", "Prev hunk", show=False, id="diff-previous-hunk"),
        Binding("}", "next_file", "Next file", id="diff-next-file"),
        Binding("{", "previous_file", "Prev file", show=False, id="diff-previous-file"),
    ]
    """Cursor and scrolling keys; `]`/`[` go to hunks, `}`/`{` to files."""

    cursor_row: reactive[int] = reactive(0)
    """The highlighted row (0-based)."""

    def __init__(
        self,
        text: str = "",
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._diff = ParsedDiff((), (), ())
        self._highlighter = Highlighter()
        self._tokens: dict[int, Tokens] = {}
        # Small caches of few objects: every object they keep alive makes each of Python's
        # full garbage collections (a pause while scrolling) longer.
        self._segments: LRUCache[int, tuple[tuple[Segment, ...], int]] = LRUCache(512)
        self._shown: LRUCache[tuple[int, int, int, bool], Strip] = LRUCache(256)
        self._lexed: set[int] = set()
        self._prefetching = False
        self._token_styles: dict[str, Style] = {}
        self._gutter_digits = 1
        self._display: list[str] = []
        self._text = ""
        self.load(text)

    # --- content ------------------------------------------------------------------------

    def load(self, text: str) -> None:
        """Show the diff `text` from its top, the cursor on the first row."""
        self._text = text
        self._diff = parse_rows(text)
        self._tokens.clear()
        self._lexed.clear()
        self._segments.clear()
        self._shown.clear()
        self._display = [display_text(row.text) for row in self._diff.rows]
        largest = max(
            (max(row.old or 0, row.new or 0) for row in self._diff.rows if row.hunk >= 0),
            default=0,
        )
        self._gutter_digits = max(3, len(str(largest)))
        widest = max((cell_len(line) for line in self._display), default=0)
        self.virtual_size = Size(self.gutter_width + widest + 1, len(self._diff.rows))
        self.set_reactive(DiffView.cursor_row, 0)
        self.scroll_to(0, 0, animate=False)
        self.refresh()
        self._schedule_prefetch()

    @property
    def text(self) -> str:
        """The diff shown."""
        return self._text

    @property
    def files(self) -> tuple[str, ...]:
        """The diff's file paths in order (the old path for a deleted file)."""
        return tuple(span.path for span in self._diff.files)

    @property
    def row_count(self) -> int:
        """How many rows (lines of the diff) there are."""
        return len(self._diff.rows)

    @property
    def file_rows(self) -> tuple[int, ...]:
        """The header row of each file, in order."""
        return tuple(span.row for span in self._diff.files)

    @property
    def hunk_rows(self) -> tuple[int, ...]:
        """The `@@` row of each hunk, in order."""
        return tuple(span.row for span in self._diff.hunks)

    def row(self, index: int) -> DiffRow:
        """Row `index` (IndexError when there is none)."""
        return self._diff.rows[index]

    @property
    def gutter_width(self) -> int:
        """Columns taken by the line numbers: `old new │`."""
        return 2 * self._gutter_digits + 3

    def row_of(self, path: str, new_line: int) -> int | None:
        """The row of post-image line `new_line` of `path`; when no row shows it, the nearest
        row of the hunk whose lines reach it, else the file's header row. None for a path the
        diff does not touch."""
        numbers = [n for n, span in enumerate(self._diff.files) if path in _names(span)]
        if not numbers:
            return None
        number = numbers[0]
        span = self._diff.files[number]
        rows = self._diff.rows
        for index in range(span.row, span.end):
            row = rows[index]
            if row.new == new_line and row.kind in (RowKind.CONTEXT, RowKind.ADDED):
                return index
        for hunk in self._diff.hunks:
            if hunk.file != number:
                continue
            if hunk.new_start <= new_line <= hunk.new_start + hunk.new_count:
                inside = range(hunk.row + 1, hunk.end)
                if not inside:
                    return hunk.row
                return min(inside, key=lambda i: (abs(rows[i].at_new - new_line), i))
        return span.row

    def jump_to(self, path: str, line: int) -> int | None:
        """Put the cursor on the row of `path`:`line` (see `row_of`), shown near the top;
        the row, or None (nothing moves) when the diff does not touch `path`."""
        found = self.row_of(path, line)
        if found is not None:
            self._move_cursor(found, near_top=True)
        return found

    # --- keys -----------------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        """The cursor one row up."""
        self._move_cursor(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        """The cursor one row down."""
        self._move_cursor(self.cursor_row + 1)

    def action_page_up_rows(self) -> None:
        """The view and the cursor one page up."""
        page = self._page()
        self.scroll_to(y=self.scroll_offset.y - page, animate=False)
        self._move_cursor(self.cursor_row - page)

    def action_page_down_rows(self) -> None:
        """The view and the cursor one page down."""
        page = self._page()
        self.scroll_to(y=self.scroll_offset.y + page, animate=False)
        self._move_cursor(self.cursor_row + page)

    def action_first_row(self) -> None:
        """The cursor on the first row."""
        self._move_cursor(0)

    def action_last_row(self) -> None:
        """The cursor on the last row."""
        self._move_cursor(self.row_count - 1)

    def action_next_hunk(self) -> None:
        """The cursor on the next hunk's `@@` row."""
        self._jump_forward(self.hunk_rows)

    def action_previous_hunk(self) -> None:
        """The cursor on the `@@` row of the hunk before the cursor."""
        self._jump_back(self.hunk_rows)

    def action_next_file(self) -> None:
        """The cursor on the next file's header."""
        self._jump_forward(self.file_rows)

    def action_previous_file(self) -> None:
        """The cursor on the header of the file before the cursor."""
        self._jump_back(self.file_rows)

    def _jump_forward(self, rows: Sequence[int]) -> None:
        after = [row for row in rows if row > self.cursor_row]
        if after:
            self._move_cursor(after[0], near_top=True)

    def _jump_back(self, rows: Sequence[int]) -> None:
        before = [row for row in rows if row < self.cursor_row]
        if before:
            self._move_cursor(before[-1], near_top=True)

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _move_cursor(self, row: int, *, near_top: bool = False, retry: bool = True) -> None:
        self.cursor_row = row  # validated into range
        row = self.cursor_row
        height = self.scrollable_content_region.height
        top = self.scroll_offset.y
        if near_top:
            self.scroll_to(y=max(0, row - ROWS_ABOVE_JUMP), animate=False, force=True)
            if not height and retry:  # not laid out yet: again once it is
                self.call_after_refresh(
                    lambda: self._move_cursor(self.cursor_row, near_top=True, retry=False)
                )
        elif row < top:
            self.scroll_to(y=row, animate=False)
        elif height and row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False)

    def validate_cursor_row(self, row: int) -> int:
        return max(0, min(row, self.row_count - 1))

    def watch_cursor_row(self, old: int, new: int) -> None:
        self.refresh_line(old)
        self.refresh_line(new)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None:
            self._move_cursor(self.scroll_offset.y + offset.y)

    # --- rendering ----------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._segments.clear()
        self._shown.clear()
        self._token_styles.clear()

    def on_mount(self) -> None:
        self._schedule_prefetch()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._schedule_prefetch()

    def _schedule_prefetch(self) -> None:
        """Highlight the pages around the view once the frame is out (scrolling on finds
        them ready)."""
        if not self._prefetching and self.is_attached:
            self._prefetching = True
            self.call_after_refresh(self._prefetch)

    def _prefetch(self) -> None:
        self._prefetching = False
        page = max(1, self.size.height)
        top = self.scroll_offset.y
        rows = self._diff.rows
        for index in range(max(0, top - page), min(len(rows), top + 2 * page)):
            hunk = rows[index].hunk
            if hunk >= 0 and hunk not in self._lexed:
                self._highlight_hunk(hunk)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        if index >= self.row_count:
            return Strip.blank(width, self.rich_style)
        key = (index, scroll_x, width, index == self.cursor_row)
        cached = self._shown.get(key)
        if cached is None:
            cached = self._render_row(index, scroll_x, width)
            self._shown[key] = cached
        return cached

    def _render_row(self, index: int, scroll_x: int, width: int) -> Strip:
        row = self._diff.rows[index]
        row_style = self._row_style(row)
        gutter = self._gutter_text(row)[:width]
        room = width - len(gutter)
        segments, length = self._row_segments(index)
        end = min(length, scroll_x + room)
        if scroll_x == 0 and end == length:
            shown: Sequence[Segment] = segments
        elif scroll_x >= end:
            shown = ()
        else:
            shown = list(Segment.divide(segments, [scroll_x, end]))[1]
        line = [Segment(gutter, self.get_component_rich_style("diff-view--gutter")), *shown]
        padding = room - max(0, end - scroll_x)
        if padding > 0:
            line.append(Segment(" " * padding, row_style))
        if index == self.cursor_row:
            line = list(Segment.apply_style(line, None, self._cursor_style()))
        return Strip(line, width)

    def highlighted(self, index: int) -> Tokens:
        """Row `index`'s code as (text, component class) pieces; () for a row without code."""
        row = self._diff.rows[index]
        if row.kind not in CODE_KINDS or row.hunk < 0:
            return ()
        if row.hunk not in self._lexed:
            self._highlight_hunk(row.hunk)
        return self._tokens.get(index, ())

    def _highlight_hunk(self, number: int) -> None:
        self._lexed.add(number)
        hunk = self._diff.hunks[number]
        path = self._diff.files[hunk.file].path if hunk.file >= 0 else ""
        rows = self._diff.rows
        inside = range(hunk.row + 1, hunk.end)
        for kinds in ((RowKind.CONTEXT, RowKind.ADDED), (RowKind.CONTEXT, RowKind.REMOVED)):
            chosen = [i for i in inside if rows[i].kind in kinds]
            code = [self._display[i][1:] for i in chosen]
            for index, tokens in zip(chosen, self._highlighter.lex_lines(path, code), strict=True):
                self._tokens.setdefault(index, tokens)  # context: the post-image's tokens

    def _token_style(self, name: str) -> Style:
        """The foreground of a token class, its colour blended as the theme says."""
        style = self._token_styles.get(name)
        if style is None:
            full = self.get_component_rich_style(name)
            style = Style(color=full.color, bold=full.bold, italic=full.italic)
            self._token_styles[name] = style
        return style

    def _cursor_style(self) -> Style:
        """The cursor row's background, blended over the view's."""
        return Style(bgcolor=self.get_component_rich_style("diff-view--cursor").bgcolor)

    def _row_style(self, row: DiffRow) -> Style:
        return self.get_component_rich_style(f"diff-view--{row.kind}")

    def _row_segments(self, index: int) -> tuple[tuple[Segment, ...], int]:
        """Row `index`'s text as styled segments, and its width in cells (cached)."""
        cached = self._segments.get(index)
        if cached is not None:
            return cached
        style = self._row_style(self._diff.rows[index])
        text = self._display[index]
        tokens = self.highlighted(index)
        if tokens:
            segments = [Segment(text[:1], style)]
            for piece, name in tokens:
                piece_style = style + self._token_style(name) if name else style
                segments.append(Segment(piece, piece_style))
        else:
            segments = [Segment(text, style)]
        found = (tuple(segments), cell_len(text))
        self._segments[index] = found
        return found

    def _gutter_text(self, row: DiffRow) -> str:
        digits = self._gutter_digits
        old = "" if row.old is None else str(row.old)
        new = "" if row.new is None else str(row.new)
        return f"{old:>{digits}} {new:>{digits}} │"


def _names(span: DiffFileSpan) -> tuple[str, ...]:
    return (span.path,) if span.old_path in (None, span.path) else (span.path, span.old_path)
