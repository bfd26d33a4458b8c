"""The patch screen: title, commit message, diff, trailers with provenance, jumps, n/p, panels."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, Static, TabbedContent, TabPane, TextArea

from reviewbot.checkcontext import CheckContext
from reviewbot.config import load_settings
from reviewbot.extensions import PanelSpec
from reviewbot.hookspecs import hookimpl
from reviewbot.pluginmanager import PluginHost
from reviewbot.progress import SilentProgress
from reviewbot.reviewsession import ReviewSession
from reviewbot.tui.app import ReviewbotApp, StartPoint
from reviewbot.tui.screens.patch import PatchScreen
from reviewbot.tui.widgets.diffview import DiffView, RowKind
from tests.support.tui import drive, make_app, settle

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEED = FIXTURES / "mail" / "seed-gdt.mbox"
VPCI = FIXTURES / "mail" / "series-vpci.mbox"
TRAILERS = FIXTURES / "checks" / "trailers"
ANDREW = "Andrew Cooper <andrew.cooper3@citrix.com>"
JUERGEN = "Juergen Gross <jgross@suse.com>"
SEED_FILES = (
    "xen/arch/x86/domain.c",
    "xen/arch/x86/smpboot.c",
    "xen/arch/x86/traps.c",
    "xen/include/asm-x86/desc.h",
)


def patch_screen(pilot: Pilot[None]) -> PatchScreen:
    screen = pilot.app.screen
    assert isinstance(screen, PatchScreen)
    return screen


def text_of(screen: PatchScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


def trailer_table(screen: PatchScreen) -> list[list[str]]:
    table: DataTable[object] = screen.query_one("#patch-trailers", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def active_tab(screen: PatchScreen) -> str:
    return screen.query_one("#patch-tabs", TabbedContent).active


def trailers_of(tmp_path: Path, mbox: Path) -> list[list[str]]:
    async def scenario(pilot: Pilot[None]) -> list[list[str]]:
        await pilot.press("4")
        await settle(pilot)
        return trailer_table(patch_screen(pilot))

    return drive(make_app(tmp_path, spec=str(mbox)), scenario)


def test_the_seed_patch_shows_title_message_diff_and_trailers_with_provenance(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path, spec=str(SEED))

    SIGNED = ["Signed-off-by", ANDREW, "in the patch"]
    REPLY = [JUERGEN, "from a reply", JUERGEN]
    JAN = ["Jan Beulich <jbeulich@suse.com>", "from a reply", "Jan Beulich <JBeulich@suse.com>"]

    async def scenario(pilot: Pilot[None]) -> None:
        await pilot.press("4")
        await settle(pilot)
        screen = patch_screen(pilot)
        assert text_of(screen, "#patch-title") == (
            "[v1 1/1] x86/ctxt-switch: Document and improve GDT handling  —  "
            f"{ANDREW}, 2019-07-04 18:57"
        )
        message = screen.query_one("#patch-message", TextArea).text
        assert message.startswith("write_full_gdt_ptes() has a latent bug.  Using virt_to_mfn()")
        assert message.endswith(f"\n\nSigned-off-by: {ANDREW}\n")
        view = screen.query_one("#patch-diff", DiffView)
        assert view.files == SEED_FILES
        assert view.row_count == 172
        assert (active_tab(screen), app.focused) == ("patch-tab-diff", view)
        assert trailer_table(screen) == [
            [*SIGNED, ANDREW, "2019-07-04 18:57", "v1", "as written", ""],
            ["Tested-by", *REPLY, "2019-07-05 09:51", "v1", "as written", ""],
            ["Reviewed-by", *REPLY, "2019-07-05 09:51", "v1", "as written", ""],
            ["Reviewed-by", *JAN, "2019-07-08 04:23", "v1", "as written", ""],
        ]
        await pilot.press("t", "down")
        assert active_tab(screen) == "patch-tab-trailers"
        assert text_of(screen, "#patch-trailer-detail") == (
            f"Tested-by: {JUERGEN}  ·  from a reply, "
            "<b4d3c0ea-3a1f-5d6e-93c2-1f8e0b7d2a65@suse.com> from "
            f"{JUERGEN}, Fri, 5 Jul 2019 09:51:04 +0200"
        )

    drive(app, scenario)


def test_d_m_t_switch_tabs_and_focus_their_widget(tmp_path: Path) -> None:
    async def scenario(pilot: Pilot[None]) -> list[tuple[str, str | None]]:
        await pilot.press("4")
        await settle(pilot)
        seen = []
        for key in ("m", "t", "d"):
            await pilot.press(key)
            await pilot.pause()  # the tab's pane becomes active, then its widget takes focus
            focused = pilot.app.focused
            seen.append((active_tab(patch_screen(pilot)), focused.id if focused else None))
        return seen

    assert drive(make_app(tmp_path, spec=str(SEED)), scenario) == [
        ("patch-tab-message", "patch-message"),
        ("patch-tab-trailers", "patch-trailers"),
        ("patch-tab-diff", "patch-diff"),
    ]


def test_open_patch_jumps_to_a_file_line_and_to_a_commit_message_line(tmp_path: Path) -> None:
    app = make_app(tmp_path, spec=str(SEED))

    async def scenario(pilot: Pilot[None]) -> None:
        app.open_patch(1, "xen/arch/x86/traps.c", 2065)  # the screen is not open yet
        await settle(pilot)
        screen = patch_screen(pilot)
        view = screen.query_one("#patch-diff", DiffView)
        assert active_tab(screen) == "patch-tab-diff"
        assert view.cursor_row == 147
        row = view.row(147)
        assert (row.kind, row.new, row.text) == (
            RowKind.ADDED,
            2065,
            "+    this_cpu(gdt_table_l1e) =",
        )
        top = view.scroll_offset.y
        assert top <= 147 < top + view.scrollable_content_region.height
        app.open_patch(1, None, 3)  # a commit message line (findings without a file)
        await settle(pilot)
        assert active_tab(screen) == "patch-tab-message"
        message = screen.query_one("#patch-message", TextArea)
        assert message.selected_text == (
            "only functions correctly because NR_RESERVED_GDT_PAGES is 1."
        )
        app.open_patch(1, "xen/arch/x86/domain.c", 1660)  # back on the screen already shown
        await settle(pilot)
        assert active_tab(screen) == "patch-tab-diff"
        assert (view.cursor_row, view.row(view.cursor_row).new) == (
            view.row_of(SEED_FILES[0], 1660),
            1660,
        )
        app.open_patch(1, "xen/common/absent.c", 5)
        await settle(pilot)
        assert view.row(view.cursor_row).new == 1660  # nothing moved

    drive(app, scenario)


def test_n_and_p_step_through_a_three_patch_series(tmp_path: Path) -> None:
    async def scenario(pilot: Pilot[None]) -> list[tuple[int | None, str, tuple[str, ...]]]:
        await pilot.press("4")
        await settle(pilot)
        screen = patch_screen(pilot)
        seen = []
        for key in ("", "n", "n", "n", "p", "p", "p"):
            if key:
                await pilot.press(key)
                await settle(pilot)
            assert pilot.app.screen is screen
            view = screen.query_one("#patch-diff", DiffView)
            seen.append((screen.number, text_of(screen, "#patch-title")[:16], view.files))
        return seen

    msix = "xen/drivers/vpci/msix.c"
    first = (1, "[v2.1 1/3] vpci/", (msix,))
    second = (2, "[v2.1 2/3] x86/v", ("xen/arch/x86/hvm/vmsi.c", msix))
    third = (3, "[v2.1 3/3] vpci/", (msix,))
    seen = drive(make_app(tmp_path, spec=str(VPCI)), scenario)
    assert seen == [first, second, third, third, second, first, first]


def test_at_80x24_the_diff_gets_most_of_the_screen(tmp_path: Path) -> None:
    async def scenario(pilot: Pilot[None]) -> tuple[int, int]:
        await pilot.press("4")
        await settle(pilot)
        view = patch_screen(pilot).query_one("#patch-diff", DiffView)
        return view.size.width, view.scrollable_content_region.height

    width, height = drive(make_app(tmp_path, spec=str(SEED)), scenario, size=(80, 24))
    assert width == 80
    assert height == 18  # 24 - header, title, tab bar (2), footer, horizontal scrollbar


def test_trailers_given_elsewhere_show_why_they_were_not_added(tmp_path: Path) -> None:
    rows = trailers_of(tmp_path, TRAILERS / "not-carried.mbox")
    sander = "Sander Eikelenboom <linux@eikelenboom.it>"
    dario = "Dario Faggioli <dfaggioli@suse.com>"
    assert rows == [
        ["Signed-off-by", dario, "in the patch", dario, "2019-09-23 12:15", "v2", "as written", ""],
        [
            *("Tested-by", sander, "given on v1", sander, "2019-09-05 21:12", "v1", "as written"),
            "not carried: the patch changed since v1",
        ],
    ]


def test_trailers_show_misspellings_and_trailers_sent_by_someone_else(tmp_path: Path) -> None:
    misspelt = trailers_of(tmp_path / "a", TRAILERS / "misspelt-name.mbox")
    assert [(row[0], row[2], row[7]) for row in misspelt] == [
        ("Signed-off-by", "in the patch", "misspelt Signed-of-by"),
        ("Reviewed-by", "from a reply", ""),
        ("Release-Acked-by", "from a reply", "misspelt Relase-Acked-by"),
    ]
    other = trailers_of(tmp_path / "b", TRAILERS / "given-by-someone-else.mbox")
    juergen = "not added: sent by Juergen Gross <jgross@suse.com>"
    dario = "Dario Faggioli <dfaggioli@suse.com>"
    assert [(row[0], row[1], row[3], row[7]) for row in other] == [
        ("Signed-off-by", JUERGEN, JUERGEN, ""),
        ("Reviewed-by", dario, dario, ""),
        ("Reviewed-by", dario, JUERGEN, juergen),
        ("Acked-by", "George Dunlap <george.dunlap@citrix.com>", JUERGEN, juergen),
    ]


def test_trailers_say_how_a_masked_address_was_recovered(tmp_path: Path) -> None:
    rows = trailers_of(tmp_path, TRAILERS / "unresolved-address.mbox")
    assert [(row[0], row[1], row[6], row[7]) for row in rows] == [
        ("Signed-off-by", JUERGEN, "recovered from the thread's senders (jgross@xxxxxxxx)", ""),
        (
            "Reviewed-by",
            "Dario Faggioli <dfaggioli@xxxxxxxx>",
            "masked; not recovered",
            "address still masked",
        ),
        (
            "Tested-by",
            "Sergey Dyasli <sergey.dyasli@xxxxxxxxxx>",
            "masked; not recovered",
            "address still masked",
        ),
        (
            "Acked-by",
            "George Dunlap <george.dunlap@xxxxxxxxxxxxx>",
            "masked; not recovered",
            "address still masked",
        ),
    ]


def test_without_a_thread_the_screen_says_what_to_do(tmp_path: Path) -> None:
    app = make_app(tmp_path)

    async def scenario(pilot: Pilot[None]) -> None:
        app.show("patch")
        await settle(pilot)
        screen = patch_screen(pilot)
        assert text_of(screen, "#patch-title").startswith("No patch to show: open a thread")
        assert screen.query_one("#patch-diff", DiffView).row_count == 0
        assert trailer_table(screen) == []
        await pilot.press("n")  # nothing to step through: no error
        assert pilot.app.screen is screen

    drive(app, scenario)


class _Panels:
    """A plugin with patch panels (one never applies, one fails) and a review panel (which the
    patch screen leaves out)."""

    @hookimpl
    def register_panels(self, register: Callable[[PanelSpec], None]) -> None:
        register(PanelSpec("count", "Count", _count_panel, where="patch"))
        register(PanelSpec("hidden", "Hidden", _count_panel, where="patch", applies=_never))
        register(PanelSpec("elsewhere", "Elsewhere", _count_panel, where="review"))
        register(PanelSpec("broken", "Broken", _broken_panel, where="patch"))

    @hookimpl
    def review_result(self, context: CheckContext) -> object | None:
        return {"patches": len(context.review.patches)}


def _count_panel(context: CheckContext, result: object | None) -> Static:
    return Static(f"{context.review.revision.title}: {result}", id="count-panel")


def _broken_panel(context: CheckContext, result: object | None) -> Static:
    raise RuntimeError("no data")


def _never(context: CheckContext) -> bool:
    return False


def test_plugin_patch_panels_are_tabs_once_the_series_is_checked(tmp_path: Path) -> None:
    host = PluginHost()
    assert host.register(_Panels(), "panels")
    session = ReviewSession(
        host=host,
        settings=load_settings([], plugin_settings=host.settings()),
        store_path=tmp_path / "store.sqlite3",
        reply_dir=tmp_path,
    )
    app = ReviewbotApp(session, StartPoint(spec=str(SEED)))

    async def scenario(pilot: Pilot[None]) -> None:
        app.open_patch(1)
        await settle(pilot)
        screen = patch_screen(pilot)
        tabs = screen.query_one("#patch-tabs", TabbedContent)
        assert tabs.tab_count == 3
        session.check(SilentProgress())
        app.refresh_screens()
        await settle(pilot)
        assert tabs.tab_count == 5
        broken = screen.query_one("#patch-panel-broken", TabPane).query_one(Static)
        assert str(broken.content) == "the Broken panel of panels failed: RuntimeError: no data"
        tabs.active = "patch-panel-count"
        await settle(pilot)
        assert str(screen.query_one("#count-panel", Static).content) == (
            "x86/ctxt-switch: Document and improve GDT handling: {'patches': 1}"
        )
        shown = screen.query_one("#count-panel", Static)
        app.refresh_screens()  # the same checks: the panel is kept, not built again
        await settle(pilot)
        assert screen.query_one("#count-panel", Static) is shown
        session.check(SilentProgress())  # checked again: built again, still one tab
        app.refresh_screens()
        await settle(pilot)
        assert tabs.tab_count == 5
        assert screen.query_one("#count-panel", Static) is not shown
        assert len(screen.query("#count-panel")) == 1

    drive(app, scenario)
