"""The threads screen: the store's month list, month switching, the filter, opening a thread,
and the archive's month list over real HTTP (with its failures as notifications)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from reviewbot.demo import bundled_archive, serve_archive
from reviewbot.monthlist import Month
from reviewbot.progress import SilentProgress
from reviewbot.tui.app import ReviewbotApp, StartPoint
from reviewbot.tui.screens.threads import ThreadsScreen
from tests.conftest import FIXTURES
from tests.support.faulty_server import Fault, FaultyServer
from tests.support.tui import drive, make_app, settle

MAIL = FIXTURES / "mail"
SEED_ROOT = "20190704175732.5943-1-andrew.cooper3@citrix.com"
VPCI_ROOT = "20190715102537.32081-1-roger.pau@citrix.com"
DOCS_ROOT = "20190806101530.21867-1-viktor.mitin.19@gmail.com"
SEED_SUBJECT = "[Xen-devel] [PATCH] x86/ctxt-switch: Document and improve GDT handling"
VPCI_SUBJECT = "[Xen-devel] [PATCH 0/3] x86/vpci: MSI-X fixes"
DOCS_SUBJECT = (
    "[Xen-devel] [PATCH] docs/misc/xen-command-line: fix a typo in the dom0-iommu description"
)

#: The bundled archive's July 2019 thread index, in its order.
ARCHIVE_JULY = [
    (
        "[Xen-devel] [PATCH] x86/ctxt-switch: Document and improve GDT handling",
        "Andrew Cooper",
        4,
        1,
        "msg00000.html",
    ),
    (
        "[Xen-devel] [RFC] tools: drop qemu-xen-traditional from the default build",
        "Wei Liu",
        8,
        0,
        "msg00004.html",
    ),
    (
        "[Xen-devel] [xen-unstable test] 139021: regressions - FAIL",
        "osstest service owner",
        1,
        0,
        "msg00012.html",
    ),
    ("[Xen-devel] [PATCH 0/3] x86/vpci: MSI-X fixes", "Roger Pau Monné", 15, 9, "msg00013.html"),
    (
        "[Xen-devel] [PATCH] xen/sched: resume the scheduler tick before leaving RCU idle",
        "Dario Faggioli",
        1,
        1,
        "msg00028.html",
    ),
]


def seed_store(workdir: Path, *mboxes: str) -> None:
    """Open each fixture mbox once with the real session, so the store holds its thread."""
    session = make_app(workdir).session
    for name in mboxes:
        session.open_thread(str(MAIL / name), SilentProgress())


def threads_screen(app: ReviewbotApp) -> ThreadsScreen:
    screen = app.screen
    assert isinstance(screen, ThreadsScreen)
    return screen


def table_rows(app: ReviewbotApp) -> list[list[str]]:
    """The table's cells as plain text, row by row."""
    table = app.screen.query_one("#threads-table", DataTable)
    return [[str(cell) for cell in table.get_row_at(row)] for row in range(table.row_count)]


def title(app: ReviewbotApp) -> str:
    return str(app.screen.query_one("#threads-title", Static).content)


def hint(app: ReviewbotApp) -> str:
    hint = app.screen.query_one("#threads-hint", Static)
    return str(hint.content) if hint.has_class("-shown") else ""


def notes(app: ReviewbotApp) -> list[tuple[str, str]]:
    return [(n.message, n.severity) for n in app._notifications]


@pytest.fixture
def archive_base() -> Iterator[str]:
    """The bundled archive on loopback: the base URL of its xen-devel list."""
    with serve_archive(bundled_archive()) as base:
        yield base + "xen-devel"


# --- the store -----------------------------------------------------------------------------


def test_store_listing_newest_month_first_and_newest_thread_first(tmp_path: Path) -> None:
    seed_store(tmp_path, "seed-gdt.mbox", "series-vpci.mbox", "noise-docs.mbox")
    app = make_app(tmp_path)

    async def scenario(pilot: Pilot[None]) -> list[object]:
        seen: list[object] = [title(app), table_rows(app), hint(app)]
        await pilot.press("left_square_bracket")
        seen += [title(app), table_rows(app), threads_screen(app).month]
        await pilot.press("left_square_bracket")
        seen += [title(app), table_rows(app), hint(app)]
        await pilot.press("right_square_bracket", "right_square_bracket")
        seen += [title(app), [spec.spec for spec in threads_screen(app).rows]]
        return seen

    seen = drive(app, scenario)
    assert seen == [
        "store · 2019-08 · 1 thread",
        [["2019-08-06 13:15", DOCS_SUBJECT, "Viktor Mitin", "2", "1"]],
        "",
        "store · 2019-07 · 2 threads",
        [
            ["2019-07-15 12:25", VPCI_SUBJECT, "Roger Pau Monné", "15", "7"],
            ["2019-07-04 18:57", SEED_SUBJECT, "Andrew Cooper", "4", "1"],
        ],
        Month(2019, 7),
        "store · 2019-06 · 0 threads",
        [],
        "no threads stored for 2019-06: press s for the archive, o to open a thread",
        "store · 2019-08 · 1 thread",
        [f"<{DOCS_ROOT}>"],
    ]


def test_empty_store_lists_the_current_month_with_a_hint(tmp_path: Path) -> None:
    app = make_app(tmp_path)

    async def scenario(pilot: Pilot[None]) -> tuple[str, str, int, bool]:
        screen = threads_screen(app)
        return title(app), hint(app), len(table_rows(app)), screen.month is not None

    now = Month.of(datetime.now())
    assert drive(app, scenario) == (
        f"store · {now} · 0 threads",
        f"no threads stored for {now}: press s for the archive, o to open a thread",
        0,
        True,
    )
    assert notes(app) == []
    assert not (tmp_path / "store.sqlite3").exists()


def test_a_broken_store_is_a_notification(tmp_path: Path) -> None:
    (tmp_path / "store.sqlite3").write_bytes(b"this is not a database, " * 100)
    app = make_app(tmp_path, start=StartPoint(month=Month(2019, 7)))

    async def scenario(pilot: Pilot[None]) -> tuple[str, str]:
        return title(app), hint(app)

    shown_title, shown_hint = drive(app, scenario)
    assert shown_title == "store · 2019-07 · 0 threads"
    assert shown_hint.startswith(f"cannot open the store {tmp_path / 'store.sqlite3'}: ")
    assert shown_hint.endswith("\npress g to try again, s for the archive")
    assert [severity for _, severity in notes(app)] == ["error"]
    assert notes(app)[0][0].startswith(f"cannot open the store {tmp_path / 'store.sqlite3'}: ")


def test_filter_narrows_by_subject_or_author_and_escape_keeps_it(tmp_path: Path) -> None:
    seed_store(tmp_path, "seed-gdt.mbox", "series-vpci.mbox")
    app = make_app(tmp_path)

    async def scenario(pilot: Pilot[None]) -> list[object]:
        screen = threads_screen(app)
        box = screen.query_one("#threads-filter-input", Input)
        seen: list[object] = [box.display]
        await pilot.press("slash")
        await pilot.pause()
        seen += [box.display, box.has_focus]
        await pilot.press(*"cooper")  # an author
        seen += [title(app), [row[2] for row in table_rows(app)]]
        await pilot.press("escape")
        await pilot.pause()
        seen += [box.has_focus, screen.query_one("#threads-table").has_focus, box.value]
        seen += [title(app), box.display]
        await pilot.press("slash", *["backspace"] * 6, *"MSI-x")  # a subject, any case
        seen += [title(app), [row[1] for row in table_rows(app)]]
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace", "z")
        seen += [title(app), hint(app)]
        await pilot.press("backspace", "escape")
        seen += [box.display, title(app)]
        return seen

    assert drive(app, scenario) == [
        False,
        True,
        True,
        "store · 2019-07 · 1 of 2 threads",
        ["Andrew Cooper"],
        False,
        True,
        "cooper",
        "store · 2019-07 · 1 of 2 threads",
        True,
        "store · 2019-07 · 1 of 2 threads",
        [VPCI_SUBJECT],
        "store · 2019-07 · 0 of 2 threads",
        "no thread matches 'z'",
        False,
        "store · 2019-07 · 2 threads",
    ]


def test_enter_opens_the_highlighted_thread_onto_its_series(tmp_path: Path) -> None:
    seed_store(tmp_path, "seed-gdt.mbox", "series-vpci.mbox")
    app = make_app(tmp_path)

    async def scenario(pilot: Pilot[None]) -> tuple[int, list[str], str | None]:
        await pilot.press("down")
        cursor = app.screen.query_one("#threads-table", DataTable).cursor_row
        await pilot.press("enter")
        await settle(pilot)
        root = app.session.thread.root if app.session.thread else None
        return cursor, [type(s).__name__ for s in app.screen_stack[1:]], root

    assert drive(app, scenario) == (
        1,
        ["ThreadsScreen", "ThreadScreen", "SeriesScreen"],
        SEED_ROOT,
    )
    assert app.session.spec == f"<{SEED_ROOT}>"
    assert app.session.thread is not None and len(app.session.thread.messages) == 4


def test_the_list_follows_the_store_after_a_thread_is_opened(tmp_path: Path) -> None:
    seed_store(tmp_path, "seed-gdt.mbox")
    app = make_app(tmp_path)

    async def scenario(pilot: Pilot[None]) -> list[object]:
        seen: list[object] = [title(app)]
        app.open_thread(str(MAIL / "series-vpci.mbox"))
        await settle(pilot)
        await pilot.press("1")
        seen += [title(app), [row[1] for row in table_rows(app)]]
        return seen

    assert drive(app, scenario) == [
        "store · 2019-07 · 1 thread",
        "store · 2019-07 · 2 threads",
        [VPCI_SUBJECT, SEED_SUBJECT],
    ]


def test_refresh_view_reads_the_store_only_when_it_changed(tmp_path: Path) -> None:
    seed_store(tmp_path, "seed-gdt.mbox")
    app = make_app(tmp_path)

    async def scenario(pilot: Pilot[None]) -> tuple[bool, bool]:
        screen = threads_screen(app)
        before = screen.listed
        screen.refresh_view()
        unchanged = screen.listed[0] is before[0]
        await pilot.press("g")
        return unchanged, screen.listed[0] is before[0]

    assert drive(app, scenario) == (True, False)


def test_enter_on_an_empty_list_warns(tmp_path: Path) -> None:
    app = make_app(tmp_path, start=StartPoint(month=Month(2019, 7)))

    async def scenario(pilot: Pilot[None]) -> int:
        await pilot.press("enter")
        return len(app.screen_stack)

    assert drive(app, scenario) == 2
    assert notes(app) == [("no thread to open here: press o to open one by URL", "warning")]


def test_threads_screen_at_80x24(tmp_path: Path) -> None:
    seed_store(tmp_path, "seed-gdt.mbox", "series-vpci.mbox")
    app = make_app(tmp_path)

    async def scenario(pilot: Pilot[None]) -> tuple[int, int, list[str]]:
        table = app.screen.query_one("#threads-table", DataTable)
        widths = [column.width for column in table.columns.values()]
        return table.region.width, sum(widths) + 2 * len(widths), [r[2] for r in table_rows(app)]

    width, used, authors = drive(app, scenario, size=(80, 24))
    assert width == 80
    assert used <= 80
    assert authors == ["Roger Pau Monné", "Andrew Cooper"]


# --- a file holding several threads --------------------------------------------------------


def several_threads_mbox(workdir: Path) -> Path:
    """One mbox holding the seed's, the vpci series' and the docs patch's threads."""
    mbox = workdir / "saved.mbox"
    mbox.write_bytes(
        b"".join((MAIL / name).read_bytes() for name in ("seed-gdt.mbox", "series-vpci.mbox"))
        + (MAIL / "noise-docs.mbox").read_bytes()
    )
    return mbox


def test_a_file_holding_several_threads_lists_them_to_pick_from(tmp_path: Path) -> None:
    mbox = several_threads_mbox(tmp_path)
    app = make_app(tmp_path, spec=str(mbox))

    async def scenario(pilot: Pilot[None]) -> list[object]:
        seen: list[object] = [type(app.screen).__name__, title(app), table_rows(app)]
        seen += [notes(app), app.session.thread]
        await pilot.press("down", "enter")
        await settle(pilot)
        thread = app.session.thread
        seen += [[type(s).__name__ for s in app.screen_stack[1:]], thread and thread.root]
        await pilot.press("1")  # back to the list: still the file's threads
        seen += [title(app), threads_screen(app).highlighted()]
        await pilot.press("g")  # the file read again
        await settle(pilot)
        seen += [title(app), len(table_rows(app))]
        await pilot.press("s")  # the store's month now holds the thread that was opened
        seen += [title(app), [row[1] for row in table_rows(app)]]
        return seen

    listed = [
        ["2019-08-06 13:15", DOCS_SUBJECT, "Viktor Mitin", "2", "1"],
        ["2019-07-15 12:25", VPCI_SUBJECT, "Roger Pau Monné", "15", "7"],
        ["2019-07-04 18:57", SEED_SUBJECT, "Andrew Cooper", "4", "1"],
    ]
    seen = drive(app, scenario)
    assert seen[:5] == [
        "ThreadsScreen",
        f"file · {mbox} · 3 threads",
        listed,
        [(f"{mbox} holds 3 threads: pick one with Enter", "information")],
        None,
    ]
    assert seen[5:7] == [["ThreadsScreen", "ThreadScreen", "SeriesScreen"], VPCI_ROOT]
    assert seen[7] == f"file · {mbox} · 3 threads"
    assert seen[8] is not None and (seen[8].spec, seen[8].message_id) == (str(mbox), VPCI_ROOT)
    assert seen[9:] == [
        f"file · {mbox} · 3 threads",
        3,
        "store · 2019-07 · 1 thread",
        [VPCI_SUBJECT],
    ]
    assert app.session.spec == str(mbox)


def test_msgid_on_the_start_point_opens_that_thread_of_the_file(tmp_path: Path) -> None:
    mbox = several_threads_mbox(tmp_path)
    app = make_app(tmp_path, start=StartPoint(spec=str(mbox), message_id=DOCS_ROOT))

    async def scenario(pilot: Pilot[None]) -> tuple[list[str], str | None]:
        thread = app.session.thread
        return [type(s).__name__ for s in app.screen_stack[1:]], thread and thread.root

    assert drive(app, scenario) == (["ThreadsScreen", "ThreadScreen", "SeriesScreen"], DOCS_ROOT)
    assert notes(app) == []


def test_a_msgid_the_file_lacks_is_an_error_notification(tmp_path: Path) -> None:
    mbox = several_threads_mbox(tmp_path)
    app = make_app(tmp_path, start=StartPoint(spec=str(mbox), message_id="nowhere@example.org"))

    async def scenario(pilot: Pilot[None]) -> tuple[str, str]:
        return type(app.screen).__name__, title(app)

    screen_name, shown = drive(app, scenario)
    assert screen_name == "ThreadsScreen" and shown.startswith("store · ")
    assert notes(app) == [
        (f"{mbox} has no message <nowhere@example.org>; check the Message-ID", "error")
    ]
    assert app.session.thread is None


# --- the archive ---------------------------------------------------------------------------


def test_archive_month_over_http(tmp_path: Path, archive_base: str) -> None:
    app = make_app(
        tmp_path,
        overrides=[f"archive_url={archive_base}"],
        start=StartPoint(month=Month(2019, 7), from_archive=True),
    )

    async def scenario(pilot: Pilot[None]) -> list[object]:
        seen: list[object] = [title(app), table_rows(app), hint(app)]
        seen.append([t.spec for t in threads_screen(app).rows])
        await pilot.press("right_square_bracket")
        await settle(pilot)
        seen += [title(app), len(table_rows(app)), table_rows(app)[1]]
        return seen

    seen = drive(app, scenario)
    july = f"{archive_base}/2019-07/"
    assert seen == [
        f"archive · 2019-07 · 5 threads · {july}",
        [[subject, author, str(m), str(p)] for subject, author, m, p, _ in ARCHIVE_JULY],
        "",
        [july + page for *_, page in ARCHIVE_JULY],
        f"archive · 2019-08 · 4 threads · {archive_base}/2019-08/",
        4,
        [
            "[Xen-devel] [PATCH] docs/misc/xen-command-line: fix a typo in the dom0-iommu "
            "description",
            "Viktor Mitin",
            "2",
            "1",
        ],
    ]
    assert notes(app) == []


def test_archive_month_url_from_the_command_line(tmp_path: Path, archive_base: str) -> None:
    url = f"{archive_base}/2019-09/threads.html"
    app = make_app(tmp_path, start=StartPoint(archive_month_url=url))

    async def scenario(pilot: Pilot[None]) -> list[object]:
        screen = threads_screen(app)
        seen: list[object] = [title(app), table_rows(app), screen.source]
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(pilot)
        seen += [title(app), [row[1] for row in table_rows(app)]]
        await pilot.press("s")
        seen += [title(app)]
        await pilot.press("s")  # back to the archive month, listed once already
        seen += [title(app), len(table_rows(app))]
        return seen

    assert drive(app, scenario) == [
        f"archive · 2019-09 · 1 thread · {archive_base}/2019-09/",
        [
            [
                "[Xen-devel] [PATCH] MAINTAINERS: list the command-line documentation under x86",
                "Wei Liu",
                "2",
                "1",
            ]
        ],
        "archive",
        f"archive · 2019-07 · 5 threads · {archive_base}/2019-07/",
        [author for _, author, *_ in ARCHIVE_JULY],
        "store · 2019-07 · 0 threads",
        f"archive · 2019-07 · 5 threads · {archive_base}/2019-07/",
        5,
    ]


def test_enter_on_an_archive_row_fetches_that_thread(tmp_path: Path, archive_base: str) -> None:
    app = make_app(tmp_path, start=StartPoint(archive_month_url=f"{archive_base}/2019-07/"))

    async def scenario(pilot: Pilot[None]) -> tuple[str, str, int]:
        await pilot.press("enter")
        await settle(pilot)
        thread = app.session.thread
        assert thread is not None
        return type(app.screen).__name__, thread.root, len(thread.messages)

    assert drive(app, scenario) == ("SeriesScreen", SEED_ROOT, 4)


def test_a_month_missing_from_the_archive_is_an_error_notification(
    tmp_path: Path, archive_base: str
) -> None:
    app = make_app(
        tmp_path,
        overrides=[f"archive_url={archive_base}"],
        start=StartPoint(month=Month(2019, 10), from_archive=True),
    )

    async def scenario(pilot: Pilot[None]) -> list[object]:
        seen: list[object] = [title(app), table_rows(app), hint(app)]
        await pilot.press("left_square_bracket")
        await settle(pilot)
        seen += [title(app)]
        return seen

    index = f"{archive_base}/2019-10/threads.html"
    problem = (
        f"not found: {index} (404 File not found); check the Message-ID or URL; "
        "the archive has no such page"
    )
    assert drive(app, scenario) == [
        f"archive · 2019-10 · 0 threads · {archive_base}/2019-10/",
        [],
        f"{problem}\npress g to try again, s for the store",
        f"archive · 2019-09 · 1 thread · {archive_base}/2019-09/",
    ]
    assert notes(app) == [(problem, "error")]


def test_a_server_error_is_a_notification_and_g_lists_again(tmp_path: Path) -> None:
    with FaultyServer() as server:
        server.mount("/archives/html/", FIXTURES / "archive")
        server.script("/archives/html/xen-devel/2019-08/threads.html", Fault.status_code(500))
        base = server.url("/archives/html/xen-devel")
        app = make_app(
            tmp_path,
            overrides=[f"archive_url={base}", "http.retries=0"],
            start=StartPoint(month=Month(2019, 8), from_archive=True),
        )

        async def scenario(pilot: Pilot[None]) -> list[list[object]]:
            first: list[object] = [title(app), len(table_rows(app)), *notes(app)]
            app.clear_notifications()
            await pilot.press("g")
            await settle(pilot)
            return [first, [title(app), len(table_rows(app)), *notes(app)]]

        first, again = drive(app, scenario)
    assert first[:2] == [f"archive · 2019-08 · 0 threads · {base}/2019-08/", 0]
    assert len(first) == 3 and isinstance(first[2], tuple)
    message, severity = first[2]
    assert (message, severity) == (
        f"{base}/2019-08/threads.html: server kept failing: 500 Internal Server Error after 1 "
        "attempts; try again later, or check the URL and your network",
        "error",
    )
    assert again == [f"archive · 2019-08 · 4 threads · {base}/2019-08/", 4]


def test_a_bad_archive_url_is_a_hint_not_a_crash(tmp_path: Path) -> None:
    app = make_app(
        tmp_path,
        overrides=["archive_url=http://127.0.0.1:9/"],
        start=StartPoint(month=Month(2019, 7), from_archive=True),
    )

    async def scenario(pilot: Pilot[None]) -> tuple[str, str]:
        return title(app), hint(app)

    assert drive(app, scenario) == (
        "archive · 2019-07 · 0 threads",
        "archive_url http://127.0.0.1:9/ does not end in a list name; set archive_url to "
        "…/archives/html/<list>, e.g. with -c archive_url=URL\n"
        "press g to try again, s for the store",
    )


def test_a_month_url_that_is_not_one_falls_back_to_the_store(tmp_path: Path) -> None:
    app = make_app(tmp_path, start=StartPoint(archive_month_url="https://example.org/nothing"))

    async def scenario(pilot: Pilot[None]) -> str:
        return threads_screen(app).source

    assert drive(app, scenario) == "store"
    assert notes(app) == [
        (
            "not an archive month URL: https://example.org/nothing (give …/<list>/YYYY-MM/)",
            "error",
        )
    ]
