"""DiffView: rows, files and hunks of a diff, `row_of`, the cursor keys, highlighting, size."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from rich.style import Style
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from reviewbot.tui.widgets.diffview import DiffView, RowKind, parse_rows

DIFF = """\
diff --git a/xen/common/foo.c b/xen/common/foo.c
index 1111111..2222222 100644
--- a/xen/common/foo.c
+++ b/xen/common/foo.c
@@ -10,6 +10,7 @@ static int foo(void)
 {
     int x = 1;
-    return x;
+    /* comment */
+    return x + 1;
 }

 static int bar(void)
@@ -40,4 +41,3 @@ static int bar(void)
     a();
-    b();
     c();
 }
@@ -60,2 +60,0 @@ static int baz(void)
-    d();
-    e();
diff --git a/docs/notes.txt b/docs/notes.txt
new file mode 100644
index 0000000..3333333
--- /dev/null
+++ b/docs/notes.txt
@@ -0,0 +1,2 @@
+first
+second
\\ No newline at end of file
"""
FOO, NOTES = "xen/common/foo.c", "docs/notes.txt"


class ViewApp(App[None]):
    """Just a DiffView."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield DiffView(self.text, id="view")


def run_view(
    text: str,
    scenario: Callable[[Pilot[None], DiffView], Awaitable[None]],
    size: tuple[int, int] = (70, 12),
) -> None:
    async def main() -> None:
        app = ViewApp(text)
        async with app.run_test(size=size) as pilot:
            view = app.query_one(DiffView)
            view.focus()
            await pilot.pause()
            await scenario(pilot, view)

    asyncio.run(main())


def test_every_line_is_a_row_with_its_kind_and_line_numbers() -> None:
    parsed = parse_rows(DIFF)
    assert len(parsed.rows) == 30
    kinds = [row.kind for row in parsed.rows]
    assert kinds[:5] == [RowKind.FILE, RowKind.META, RowKind.NAMES, RowKind.NAMES, RowKind.HUNK]
    assert kinds[26:] == [RowKind.HUNK, RowKind.ADDED, RowKind.ADDED, RowKind.NOTE]
    assert (parsed.rows[11].kind, parsed.rows[11].text) == (RowKind.CONTEXT, "")  # blank context
    numbers = [(row.old, row.new) for row in parsed.rows[5:13]]
    assert numbers == [
        (10, 10),
        (11, 11),
        (12, None),
        (None, 12),
        (None, 13),
        (13, 14),
        (14, 15),
        (15, 16),
    ]
    assert [(r.kind, r.old, r.at_new) for r in parsed.rows[19:21]] == [
        (RowKind.REMOVED, 60, 60),
        (RowKind.REMOVED, 61, 60),
    ]
    assert [(span.path, span.row, span.end) for span in parsed.files] == [
        (FOO, 0, 21),
        (NOTES, 21, 30),
    ]
    assert [(h.file, h.row, h.end, h.new_start, h.new_count) for h in parsed.hunks] == [
        (0, 4, 13, 10, 7),
        (0, 13, 18, 41, 3),
        (0, 18, 21, 60, 0),
        (1, 26, 30, 1, 2),
    ]


def test_renames_and_traditional_diffs_name_their_files() -> None:
    parsed = parse_rows(
        "some words\n--- a/x.c\t2019-07-04\n+++ b/x.c\t2019-07-05\n@@ -1 +1 @@\n-a\n+b\n"
        "trailing words\ndiff --git a/old.c b/new.c\nsimilarity index 100%\n"
        "rename from old.c\nrename to new.c\n"
    )
    assert [(f.path, f.old_path, f.row, f.end) for f in parsed.files] == [
        ("x.c", "x.c", 1, 7),
        ("new.c", "old.c", 7, 11),
    ]
    assert [(row.kind, row.file) for row in parsed.rows[:3]] == [
        (RowKind.OTHER, -1),
        (RowKind.FILE, 0),
        (RowKind.NAMES, 0),
    ]
    assert [(row.kind, row.file, row.hunk) for row in parsed.rows[5:9]] == [
        (RowKind.ADDED, 0, 0),
        (RowKind.OTHER, 0, -1),
        (RowKind.FILE, 1, -1),
        (RowKind.META, 1, -1),
    ]


def test_row_of_finds_lines_inside_hunks_the_nearest_row_or_the_file_header() -> None:
    def scenario(pilot: Pilot[None], view: DiffView) -> Awaitable[None]:
        assert view.files == (FOO, NOTES)
        assert view.file_rows == (0, 21)
        assert view.hunk_rows == (4, 13, 18, 26)
        assert view.row_of(FOO, 12) == 8  # an added line
        assert view.row_of(FOO, 14) == 10  # context
        assert view.row_of(FOO, 42) == 16
        assert view.row_of(FOO, 17) == 12  # just after the first hunk: its last row
        assert view.row_of(FOO, 60) == 19  # a pure deletion: its first removed line
        assert view.row_of(FOO, 61) == 0  # outside every hunk: the file header
        assert view.row_of(FOO, 1) == 0
        assert view.row_of(NOTES, 2) == 28
        assert view.row_of("xen/common/other.c", 3) is None
        return pilot.pause()

    run_view(DIFF, scenario)


def test_hunk_and_file_keys_move_the_cursor_to_their_rows() -> None:
    async def scenario(pilot: Pilot[None], view: DiffView) -> None:
        assert view.cursor_row == 0
        seen = []
        for _ in range(5):
            await pilot.press("right_square_bracket")
            seen.append(view.cursor_row)
        assert seen == [4, 13, 18, 26, 26]
        await pilot.press("left_square_bracket")
        assert view.cursor_row == 18
        await pilot.press("left_curly_bracket")
        assert view.cursor_row == 0
        await pilot.press("right_curly_bracket")
        assert view.cursor_row == 21
        await pilot.press("right_curly_bracket")
        assert view.cursor_row == 21
        await pilot.press("up", "up")
        assert view.cursor_row == 19
        await pilot.press("down")
        assert view.cursor_row == 20
        await pilot.press("end")
        assert view.cursor_row == 29
        assert view.scroll_offset.y == 30 - 12
        await pilot.press("home")
        assert (view.cursor_row, view.scroll_offset.y) == (0, 0)
        await pilot.press("pagedown")
        assert (view.cursor_row, view.scroll_offset.y) == (11, 11)
        await pilot.press("pageup")
        assert (view.cursor_row, view.scroll_offset.y) == (0, 0)

    run_view(DIFF, scenario)


def test_down_scrolls_once_the_cursor_leaves_the_view() -> None:
    async def scenario(pilot: Pilot[None], view: DiffView) -> None:
        for _ in range(11):
            await pilot.press("down")
        assert (view.cursor_row, view.scroll_offset.y) == (11, 0)
        await pilot.press("down")
        assert (view.cursor_row, view.scroll_offset.y) == (12, 1)

    run_view(DIFF, scenario)


def test_jump_to_puts_the_row_near_the_top_and_the_cursor_on_it() -> None:
    async def scenario(pilot: Pilot[None], view: DiffView) -> None:
        assert view.jump_to(FOO, 42) == 16
        await pilot.pause()
        assert (view.cursor_row, view.scroll_offset.y) == (16, 14)
        assert view.render_line(2).text.startswith(" 42  42 │     c();")
        assert view.jump_to("missing.c", 1) is None
        assert view.cursor_row == 16

    run_view(DIFF, scenario, size=(70, 8))


def test_gutter_shows_old_and_new_numbers() -> None:
    async def scenario(pilot: Pilot[None], view: DiffView) -> None:
        lines = [view.render_line(y).text.rstrip() for y in range(4, 9)]
        assert lines == [
            "        │@@ -10,6 +10,7 @@ static int foo(void)",
            " 10  10 │ {",
            " 11  11 │     int x = 1;",
            " 12     │-    return x;",
            "     12 │+    /* comment */",
        ]

    run_view(DIFF, scenario)


def _style_of(view: DiffView, y: int, text: str) -> Style:
    for segment in view.render_line(y):
        if segment.text.strip() == text:
            assert segment.style is not None
            return segment.style
    raise AssertionError(f"no segment {text!r} on line {y}: {list(view.render_line(y))}")


def test_c_code_is_highlighted_and_changed_lines_are_tinted_in_both_themes() -> None:
    async def scenario(pilot: Pilot[None], view: DiffView) -> None:
        assert view.highlighted(9) == (
            ("    ", ""),
            ("return ", "diff-view--keyword"),
            ("x + ", ""),
            ("1", "diff-view--number"),
            (";", ""),
        )
        assert view.highlighted(8) == (("    ", ""), ("/* comment */", "diff-view--comment"))
        assert view.highlighted(27) == (("first", ""),)  # a .txt file: plain text
        assert view.highlighted(4) == ()
        for theme in ("textual-dark", "textual-light"):
            pilot.app.theme = theme
            await pilot.pause()
            keyword = _style_of(view, 9, "return")
            plain = _style_of(view, 9, "x +")
            assert keyword.color != plain.color
            assert keyword.bold and not plain.bold
            assert _style_of(view, 8, "/* comment */").italic
            added = _style_of(view, 9, "+").bgcolor
            context = _style_of(view, 5, "{").bgcolor
            removed = _style_of(view, 7, "-").bgcolor
            assert len({added, context, removed}) == 3
            assert added is not None and added.triplet is not None
            assert added.triplet.green > added.triplet.red  # green-tinted
            assert removed is not None and removed.triplet is not None
            assert removed.triplet.red > removed.triplet.green  # red-tinted

    run_view(DIFF, scenario)


def test_the_cursor_row_is_highlighted() -> None:
    async def scenario(pilot: Pilot[None], view: DiffView) -> None:
        before = _style_of(view, 6, "int").bgcolor
        await pilot.press("down", "down", "down", "down", "down", "down")
        assert view.cursor_row == 6
        await pilot.pause()
        assert _style_of(view, 6, "int").bgcolor != before
        assert _style_of(view, 5, "{").bgcolor == before

    run_view(DIFF, scenario)


def generated_diff(files: int = 6, hunks: int = 25) -> str:
    """A diff of C code: `files` files of `hunks` hunks of 20 lines each (3,000 lines)."""
    lines: list[str] = []
    for number in range(files):
        path = f"xen/common/gen_{number}.c"
        lines += [f"diff --git a/{path} b/{path}", "index 1234567..89abcde 100644"]
        lines += [f"--- a/{path}", f"+++ b/{path}"]
        for hunk in range(hunks):
            start = 1 + hunk * 40
            lines.append(f"@@ -{start},18 +{start},18 @@ static int f_{hunk}(void)")
            for line in range(19):
                if line in (8, 9):
                    lines.append(("-" if line == 8 else "+") + f"    return {line};")
                else:
                    lines.append(f"     x_{hunk}_{line} = {line}; /* line {line} */")
    return "\n".join(lines) + "\n"


def test_a_3000_line_diff_loads_and_end_reaches_its_last_row() -> None:
    text = generated_diff()

    async def scenario(pilot: Pilot[None], view: DiffView) -> None:
        assert view.row_count == 6 * (4 + 25 * 20)
        await pilot.press("end")
        await pilot.pause()
        assert view.cursor_row == view.row_count - 1
        height = view.scrollable_content_region.height
        assert view.scroll_offset.y == view.row_count - height
        assert view.render_line(height - 1).text.startswith("978 978 │     x_24_18 = 18;")

    run_view(text, scenario, size=(80, 30))


def test_load_replaces_the_diff_and_resets_the_cursor() -> None:
    async def scenario(pilot: Pilot[None], view: DiffView) -> None:
        await pilot.press("end")
        view.load("diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-x\n+y\n")
        await pilot.pause()
        assert (view.files, view.row_count, view.cursor_row) == (("a.py",), 6, 0)
        assert view.scroll_offset.y == 0

    run_view(DIFF, scenario)
