"""The series screen: the version under review patch by patch, its badges, state and problems."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, Static, TabbedContent

from reviewbot.render_review import art_counts
from reviewbot.sampletree import create_sample_tree
from reviewbot.subject import Version
from reviewbot.tui.screens.patch import PatchScreen
from reviewbot.tui.screens.series import SeriesScreen
from reviewbot.tui.screens.thread import ThreadScreen
from tests.support.tui import drive, make_app, settle

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEED = FIXTURES / "mail" / "seed-gdt.mbox"
VPCI = FIXTURES / "mail" / "series-vpci.mbox"
SEED_TITLE = "x86/ctxt-switch: Document and improve GDT handling"
ROGER = "Roger Pau Monné"
VPCI_TITLES = [
    "vpci/msix: fix off-by-one in the MSI-X table boundary check",
    "x86/vpci: don't unmask MSI-X entries with memory decoding disabled",
    "vpci/msix: use the access size when reading the PBA",
]
IDENTITY = [
    "user.name=Rita Reviewer",
    "user.email=rita@example.org",
    "apply.committer=Rita Reviewer <rita@example.org>",
]
MBOX_SEPARATOR = b"From mboxrd@z Thu Jan  1 00:00:00 1970\n"


def edge_thread(tmp_path: Path, which: int) -> Path:
    """One of series-edge.mbox's two threads alone (a local SPEC names a single thread):
    0 is E1 (v3 without a cover, 3/4 never sent), 1 is E2 (RFC v1 and v2, each with a cover,
    and a RESEND of v2 2/2)."""
    mails = [
        MBOX_SEPARATOR + m
        for m in (FIXTURES / "mail/series-edge.mbox").read_bytes().split(MBOX_SEPARATOR)[1:]
    ]
    assert len(mails) == 24
    path = tmp_path / f"edge-e{which + 1}.mbox"
    path.write_bytes(b"".join(mails[:12] if which == 0 else mails[12:]))
    return path


def rows(screen: SeriesScreen) -> list[list[str]]:
    """The series table as plain text."""
    table: DataTable[object] = screen.query_one("#series-table", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def text_of(screen: SeriesScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


def series_screen(pilot: Pilot[None]) -> SeriesScreen:
    screen = pilot.app.screen
    assert isinstance(screen, SeriesScreen)
    return screen


def test_the_seed_is_one_patch_with_juergens_and_jans_trailers_collected(tmp_path: Path) -> None:
    app = make_app(tmp_path, spec=str(SEED))

    async def scenario(pilot: Pilot[None]) -> None:
        screen = series_screen(pilot)
        assert text_of(screen, "#series-title") == (
            f"{SEED_TITLE} · v1 · 1 patch · Andrew Cooper · versions: [v1]"
        )
        # The badges count what `reviewbot am` counts: A:0 R:2 T:1, all of it from replies.
        review = app.session.require_review().patches[0]
        assert art_counts(review) == "A:0 R:2 T:1"
        assert rows(screen) == [["1/1", "0", "2 (+2)", "1 (+1)", "", SEED_TITLE, "Andrew Cooper"]]
        assert text_of(screen, "#series-problems") == "no trailer problems"
        table = screen.query_one("#series-table", DataTable)
        assert table.cursor_row == 0 and table.has_focus
        assert screen.query_one("#series-tabs", TabbedContent).tab_count == 1

    drive(app, scenario)


def test_a_series_with_versions_shows_the_cover_inherited_patches_and_switches(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path, spec=str(VPCI))

    async def scenario(pilot: Pilot[None]) -> None:
        screen = series_screen(pilot)
        # The newest version is v2.1: it re-sends 2/3 and takes 1/3 and 3/3 from v2.
        assert text_of(screen, "#series-title") == (
            "x86/vpci: MSI-X fixes · v2.1 · 3 patches · Roger Pau Monné · versions: v1 v2 [v2.1]"
        )
        assert rows(screen) == [
            ["0/3", "", "", "", "cover letter", "x86/vpci: MSI-X fixes", ROGER],
            ["1/3", "0", "1", "0", "inherited from v2", VPCI_TITLES[0], ROGER],
            ["2/3", "1", "2 (+1)", "0", "", VPCI_TITLES[1], ROGER],
            ["3/3", "0", "0", "0", "inherited from v2", VPCI_TITLES[2], ROGER],
        ]
        assert screen.query_one("#series-table", DataTable).cursor_row == 1
        assert text_of(screen, "#series-problems").splitlines() == [
            "patches not re-sent are taken from v2",
            "not carried to 3/3: Tested-by: Marek Marczykowski-Górecki "
            "<marmarek@invisiblethingslab.com> was given on v1, and the patch has changed since",
            "note: v2.1 re-sends patch 2 of v2; the other patches are taken from v2",
        ]

        await pilot.press("V")
        assert app.session.version == Version(2)
        assert text_of(screen, "#series-title").endswith("versions: v1 [v2] v2.1")
        assert [r[4] for r in rows(screen)] == ["cover letter", "", "", ""]

        await pilot.press("V")
        assert app.session.version == Version(1)
        assert rows(screen)[1:] == [
            ["1/3", "0", "1 (+1)", "0", "", VPCI_TITLES[0], ROGER],
            ["2/3", "1 (+1)", "1 (+1)", "0", "", VPCI_TITLES[1], ROGER],
            ["3/3", "0", "0", "1 (+1)", "", VPCI_TITLES[2], ROGER],
        ]

        await pilot.press("V")  # v1 is the oldest: nothing changes
        assert app.session.version == Version(1)
        await pilot.press("v")
        assert app.session.version == Version(2)

    drive(app, scenario)


def test_a_missing_patch_and_the_trailer_problems_are_shown(tmp_path: Path) -> None:
    app = make_app(tmp_path, spec=str(edge_thread(tmp_path, 0)))

    async def scenario(pilot: Pilot[None]) -> None:
        screen = series_screen(pilot)
        table = rows(screen)
        assert [r[0] for r in table] == ["1/4", "2/4", "3/4", "4/4"]
        assert table[2] == ["3/4", "", "", "", "missing", "", ""]
        # Jan's misspelt `Reviewd-by` still counts; A/R/T as `am` counts them.
        assert table[1][1:4] == ["0", "2 (+1)", "0"]
        assert table[3][1:4] == ["2 (+2)", "0", "1 (+1)"]
        assert text_of(screen, "#series-problems").splitlines() == [
            "missing: patch 3/4",
            "misspelt trailer: 'Reviewd-by' read as Reviewed-by (from Jan Beulich)",
            "not added, given in a mail from someone else: Tested-by: Igor Druzhinin "
            "<igor.druzhinin@citrix.com> (mail from Sergey Dyasli)",
        ]
        # Enter on the patch that never arrived opens nothing.
        table = screen.query_one("#series-table", DataTable)
        table.focus()
        table.move_cursor(row=2)
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is screen

    drive(app, scenario)


def test_an_rfc_then_a_resend_with_notes_and_carried_trailers(tmp_path: Path) -> None:
    app = make_app(tmp_path, spec=str(edge_thread(tmp_path, 1)))

    async def scenario(pilot: Pilot[None]) -> None:
        screen = series_screen(pilot)
        assert text_of(screen, "#series-title") == (
            "libxl: retry the QMP connection while QEMU starts · v2 (RESEND) · 2 patches · "
            "Anthony PERARD · versions: v1 (RFC) [v2 (RESEND)]"
        )
        # Wei's Reviewed-by on the unchanged 1/2 of v1 is carried: it counts as from a reply.
        assert [r[:5] for r in rows(screen)] == [
            ["0/2", "", "", "", "cover letter"],
            ["1/2", "2 (+2)", "1 (+1)", "0", ""],
            ["2/2", "1 (+1)", "1 (+1)", "0", ""],
        ]
        assert text_of(screen, "#series-problems").splitlines() == [
            "misspelt trailer: 'Relase-Acked-by' read as Release-Acked-by (from Juergen Gross)",
            "not carried to 2/2: Reviewed-by: Wei Liu <wl@xen.org> was given on v1, "
            "and the patch has changed since",
            "note: v2 patch 2 was sent 2 times; using the newest copy "
            "<20190822144012.30415-1-anthony.perard@citrix.com>",
        ]
        await pilot.press("V")
        assert text_of(screen, "#series-title") == (
            "libxl: retry the QMP connection while QEMU starts · v1 (RFC) · 2 patches · "
            "Anthony PERARD · versions: [v1 (RFC)] v2 (RESEND)"
        )
        assert [r[:5] for r in rows(screen)][1:] == [
            ["1/2", "2 (+2)", "1 (+1)", "0", ""],
            ["2/2", "0", "1 (+1)", "0", ""],
        ]
        # Enter on the cover letter shows the thread tree, with the cover letter highlighted.
        table = screen.query_one("#series-table", DataTable)
        table.focus()
        table.move_cursor(row=0)
        await pilot.press("enter")
        await settle(pilot)
        thread_screen = pilot.app.screen
        assert isinstance(thread_screen, ThreadScreen)
        cover = app.session.require_review().revision.cover
        assert cover is not None and thread_screen.shown == cover.message_id
        cursor = thread_screen.message_tree.cursor_node
        assert cursor is not None and cursor.data == cover.message_id

    drive(app, scenario)


def test_enter_opens_the_highlighted_patch_and_t_the_thread(tmp_path: Path) -> None:
    app = make_app(tmp_path, spec=str(VPCI))

    async def scenario(pilot: Pilot[None]) -> None:
        screen = series_screen(pilot)
        table = screen.query_one("#series-table", DataTable)
        table.focus()
        await pilot.press("down", "enter")
        await settle(pilot)
        patch = pilot.app.screen
        assert isinstance(patch, PatchScreen)
        assert patch.number == 2
        await pilot.press("escape")
        assert pilot.app.screen is screen
        assert table.cursor_row == 2
        await pilot.press("t")
        assert isinstance(pilot.app.screen, ThreadScreen)

    drive(app, scenario)


def test_applying_with_A_marks_the_patches_applied(tmp_path: Path) -> None:
    tree = create_sample_tree(tmp_path / "xen")
    app = make_app(tmp_path, spec=str(SEED), tree=tree, overrides=IDENTITY)

    async def scenario(pilot: Pilot[None]) -> None:
        screen = series_screen(pilot)
        assert rows(screen)[0][4] == ""
        await pilot.press("A")
        await settle(pilot)
        applied = app.session.applied
        assert applied is not None and applied.branch == "review/2019-07-04-ctxt-switch-gdt-v1"
        assert rows(screen)[0][4] == "applied"
        assert text_of(screen, "#series-problems").splitlines()[0] == (
            f"applied on {applied.base.commit[:12]} (blob-match), "
            "on branch review/2019-07-04-ctxt-switch-gdt-v1"
        )

    drive(app, scenario)


def test_a_series_that_does_not_apply_shows_the_conflict(tmp_path: Path) -> None:
    tree = create_sample_tree(tmp_path / "xen")  # has none of the vpci files
    app = make_app(tmp_path, spec=str(VPCI), tree=tree, overrides=IDENTITY)

    async def scenario(pilot: Pilot[None]) -> None:
        screen = series_screen(pilot)
        await pilot.press("A")
        await settle(pilot)
        applied = app.session.applied
        assert applied is not None and applied.branch is None
        assert [r[4] for r in rows(screen)] == [
            "cover letter",
            "inherited from v2, conflict",
            "not applied",
            "inherited from v2, not applied",
        ]
        assert text_of(screen, "#series-problems").splitlines()[0] == (
            f"0 of 3 applied on {applied.base.commit[:12]} ({applied.base.rule}), no branch made"
        )

    drive(app, scenario)


def test_without_a_thread_the_screen_says_how_to_open_one(tmp_path: Path) -> None:
    app = make_app(tmp_path)

    async def scenario(pilot: Pilot[None]) -> None:
        screen = SeriesScreen()
        await pilot.app.push_screen(screen)
        await pilot.pause()
        assert text_of(screen, "#series-title") == (
            "no thread is open: press o to open one, or 1 for the thread list"
        )
        assert rows(screen) == []
        await pilot.press("v", "enter", "t")
        assert pilot.app.screen is screen

    drive(app, scenario)


def test_the_screen_fits_80_by_24(tmp_path: Path) -> None:
    app = make_app(tmp_path, spec=str(VPCI))

    async def scenario(pilot: Pilot[None]) -> None:
        screen = series_screen(pilot)
        table = screen.query_one("#series-table", DataTable)
        tabs = screen.query_one("#series-tabs", TabbedContent)
        assert table.region.height >= 5  # the header and the four rows
        assert table.region.right <= 80
        assert tabs.region.height >= 3 and tabs.region.bottom <= 23

    drive(app, scenario, size=(80, 24))
