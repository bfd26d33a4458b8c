"""The check results screen: findings by severity, the plugins' panels, and jumps to patches."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import DataTable, Static, TabbedContent, Tree
from textual.widgets.tabbed_content import ContentTab

from reviewbot.checkcontext import CheckContext
from reviewbot.extensions import PanelSpec
from reviewbot.findings import Finding, Severity
from reviewbot.hookspecs import hookimpl
from reviewbot.pluginmanager import current_host, reset_current_host
from reviewbot.sampletree import create_sample_tree
from reviewbot.tui.screens.checks import ChecksScreen
from reviewbot.tui.screens.patch import PatchScreen
from reviewbot.tui.screens.series import SeriesScreen
from reviewbot.tui.widgets.diffview import DiffView
from tests.support.tui import drive, make_app, settle

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SEED = FIXTURES / "mail" / "seed-gdt.mbox"
LONG_LINES = FIXTURES / "checks" / "hygiene" / "long-lines.mbox"
IDENTITY = [
    "user.name=Rita Reviewer",
    "user.email=rita@example.org",
    "apply.committer=Rita Reviewer <rita@example.org>",
]


def checks_screen(pilot: Pilot[None]) -> ChecksScreen:
    screen = pilot.app.screen
    assert isinstance(screen, ChecksScreen), type(screen).__name__
    return screen


def findings_tree(screen: ChecksScreen) -> Tree[Finding | None]:
    tree: Tree[Finding | None] = screen.query_one("#checks-tree", Tree)
    return tree


def outline(screen: ChecksScreen) -> list[tuple[str, list[Finding | None]]]:
    """The tree as (severity label, the findings under it)."""
    return [
        (str(group.label), [leaf.data for leaf in group.children])
        for group in findings_tree(screen).root.children
    ]


def tab_titles(screen: ChecksScreen) -> list[str]:
    tabs = screen.query_one("#checks-tabs", TabbedContent)
    return [str(tab.label) for tab in tabs.query(ContentTab)]


def static_text(widget: Widget) -> str:
    assert isinstance(widget, Static)
    return str(widget.content)


def only_hygiene(monkeypatch: pytest.MonkeyPatch) -> None:
    """Load one quick check plugin from the entry points (the seed's GDT model takes seconds)."""
    monkeypatch.setenv("REVIEWBOT_LOAD_PLUGINS", "hygiene")
    reset_current_host()
    assert current_host().names == ["hygiene"]


class _Panels:
    """An inline plugin with review panels: one that works, one whose build raises, one hidden."""

    def __init__(self, where: str = "review") -> None:
        self.where = where

    @hookimpl
    def register_panels(self, register: Callable[[PanelSpec], None]) -> None:
        def works(context: CheckContext, result: object | None) -> Widget:
            return Static(f"{len(context.review.patches)} patch, result {result!r}", id="answer")

        def breaks(context: CheckContext, result: object | None) -> Widget:
            raise RuntimeError("the panel fell over")

        register(PanelSpec("answer", "Answer", works, where=self.where))
        register(PanelSpec("broken", "Broken", breaks, where=self.where))
        register(PanelSpec("hidden", "Hidden", works, where=self.where, applies=lambda c: False))

    @hookimpl
    def review_result(self) -> dict[str, int]:
        return {"answer": 42}


def test_before_the_checks_the_screen_says_press_c(tmp_path: Path) -> None:
    app = make_app(tmp_path, spec=str(SEED))

    async def scenario(pilot: Pilot[None]) -> None:
        await pilot.press("5")
        screen = checks_screen(pilot)
        assert static_text(screen.query_one("#checks-hint")) == "press c to run the checks"
        assert screen.query_one("#checks-hint").display is True
        assert screen.query_one("#checks-tabs").display is False
        assert len(findings_tree(screen).root.children) == 0

    drive(app, scenario)


def test_c_on_the_seed_shows_every_finding_by_severity_and_the_plugin_panels(
    tmp_path: Path,
) -> None:
    tree = create_sample_tree(tmp_path / "xen")
    app = make_app(tmp_path, spec=str(SEED), tree=tree, overrides=IDENTITY)

    async def scenario(pilot: Pilot[None]) -> None:
        await pilot.press("c")
        await settle(pilot)
        screen = checks_screen(pilot)
        report = app.session.report
        assert report is not None and app.session.context is not None
        assert app.session.context.apply is not None
        found = report.findings
        warnings = [f for f in found if f.severity == Severity.WARNING]
        infos = [f for f in found if f.severity == Severity.INFO]
        assert (len(found), len(warnings), len(infos)) == (13, 3, 10)
        assert outline(screen) == [("warning (3)", warnings), ("info (10)", infos)]
        assert all(group.is_expanded for group in findings_tree(screen).root.children)
        labels = [str(leaf.label) for leaf in findings_tree(screen).root.children[1].children]
        assert labels[-4] == (
            "patch 1 · commit message line 2 · line 2 of the commit message is 77 columns "
            "long; wrap the text within 75 columns [hygiene]"
        )
        assert static_text(screen.query_one("#checks-title")).endswith(
            "13 findings: 0 errors, 3 warnings, 10 info"
        )
        # The first finding is highlighted and shown in full, its heading in view.
        assert findings_tree(screen).has_focus
        assert findings_tree(screen).scroll_offset.y == 0
        assert findings_tree(screen).cursor_line == 1
        assert findings_tree(screen).cursor_node is not None
        assert findings_tree(screen).cursor_node.data == warnings[0]
        detail = static_text(screen.query_one("#checks-detail")).splitlines()
        assert detail[:4] == [
            "warning · gdt-sim · gdt-sim/speedup-unexplained",
            "series",
            "",
            warnings[0].message,
        ]

        assert tab_titles(screen) == ["Findings", "GDT simulator", "Performance"]
        perf = screen.query_one("#perf-compare-figures", DataTable)
        gdt = screen.query_one("#gdt-sim-comparison", DataTable)
        perf_result = report.results["perf-compare"]
        gdt_result = report.results["gdt-sim"]
        assert perf.row_count == len(perf_result.judgements) == 3  # type: ignore[attr-defined]
        assert gdt.row_count == len(gdt_result.comparison.rows)  # type: ignore[attr-defined]
        assert gdt.row_count > 0

        tabs = screen.query_one("#checks-tabs", TabbedContent)
        await pilot.press("G")
        assert tabs.active_pane is not None and gdt in tabs.active_pane.query(DataTable)
        await pilot.press("P")
        assert tabs.active_pane is not None and perf in tabs.active_pane.query(DataTable)
        await pilot.press("right_square_bracket")  # Performance is the last tab: round to the first
        assert tabs.active == "checks-findings"
        await pilot.press("left_square_bracket")
        assert tabs.active_pane is not None and perf in tabs.active_pane.query(DataTable)
        await pilot.press("f")
        await pilot.pause()
        assert tabs.active == "checks-findings"
        assert findings_tree(screen).has_focus

        await pilot.press("i")
        assert findings_tree(screen).cursor_node.data == infos[0]  # type: ignore[union-attr]
        await pilot.press("w")
        assert findings_tree(screen).cursor_node.data == warnings[0]  # type: ignore[union-attr]
        await pilot.press("e")  # no errors: the cursor stays
        assert findings_tree(screen).cursor_node.data == warnings[0]  # type: ignore[union-attr]

        # Showing the screen again keeps its widgets: nothing is rebuilt for the same report.
        app.refresh_screens()
        await pilot.pause()
        assert screen.query_one("#perf-compare-figures", DataTable) is perf

        # The checks applied the series (without a branch): the series screen says so.
        await pilot.press("3")
        series = pilot.app.screen
        assert isinstance(series, SeriesScreen)
        table = series.query_one("#series-table", DataTable)
        assert str(table.get_row_at(0)[4]) == "applied"

    drive(app, scenario)


def test_enter_on_a_finding_shows_its_patch_at_its_place(tmp_path: Path) -> None:
    app = make_app(tmp_path, spec=str(LONG_LINES))

    async def scenario(pilot: Pilot[None]) -> None:
        await pilot.press("c")
        await settle(pilot)
        screen = checks_screen(pilot)
        # Without a tree the checks read the mail only; hygiene places its findings in files.
        assert static_text(screen.query_one("#checks-title")) == (
            "x86/mce: log the address and misc registers of corrected errors (v1, 1 patch) · "
            "mail only (no tree) · 7 findings: 0 errors, 6 warnings, 1 info"
        )
        groups = outline(screen)
        assert [label for label, _ in groups] == ["warning (6)", "info (1)"]
        tree = findings_tree(screen)
        tree.focus()
        first = groups[0][1][0]
        assert first is not None
        assert (first.patch, first.file, first.line) == (1, "xen/arch/x86/cpu/mcheck/Makefile", 3)
        assert str(tree.root.children[0].children[0].label).startswith(
            "patch 1 · xen/arch/x86/cpu/mcheck/Makefile:3 · added line is 84 columns long"
        )
        # The series-wide info finding has no patch to show.
        await pilot.press("i", "enter")
        await settle(pilot)
        assert pilot.app.screen is screen
        await pilot.press("w", "enter")
        await settle(pilot)
        patch = pilot.app.screen
        assert isinstance(patch, PatchScreen)
        view = patch.query_one("#patch-diff", DiffView)
        assert view.cursor_row == view.row_of("xen/arch/x86/cpu/mcheck/Makefile", 3)
        assert view.row(view.cursor_row).new == 3
        # Back on the findings, Enter on the next one lands on its line.
        await pilot.press("escape")
        assert pilot.app.screen is screen
        await pilot.press("down", "enter")
        await settle(pilot)
        patch = pilot.app.screen
        assert isinstance(patch, PatchScreen)
        view = patch.query_one("#patch-diff", DiffView)
        assert view.cursor_row == view.row_of("xen/arch/x86/cpu/mcheck/mce_sample.c", 15)

    drive(app, scenario)


def test_a_failing_panel_shows_its_error_in_its_tab(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    only_hygiene(monkeypatch)
    assert current_host().register(_Panels(), "panels")
    app = make_app(tmp_path, spec=str(SEED))

    async def scenario(pilot: Pilot[None]) -> None:
        await pilot.press("c")
        await settle(pilot)
        screen = checks_screen(pilot)
        titles = tab_titles(screen)
        assert titles[0] == "Findings"
        assert "Answer" in titles and "Broken" in titles and "Hidden" not in titles
        assert static_text(screen.query_one("#answer")) == "1 patch, result {'answer': 42}"
        tabs = screen.query_one("#checks-tabs", TabbedContent)
        broken = tabs.get_pane(list(tabs.query(ContentTab))[titles.index("Broken")])
        error = broken.query_one(".panel-error", Static)
        assert static_text(error) == (
            "the Broken panel of panels failed: RuntimeError: the panel fell over"
        )
        assert any(n.title == "panels" for n in pilot.app._notifications)
        # Only hygiene ran: there is no Performance tab for P to go to.
        await pilot.press("P")
        assert tabs.active == "checks-findings"
        assert screen.check_action("panel", ("perf-compare",)) is False
        assert screen.check_action("panel", ("answer",)) is True

    drive(app, scenario)


def test_a_new_check_run_rebuilds_the_tabs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    only_hygiene(monkeypatch)
    assert current_host().register(_Panels(), "panels")
    app = make_app(tmp_path, spec=str(SEED))

    async def scenario(pilot: Pilot[None]) -> None:
        await pilot.press("c")
        await settle(pilot)
        screen = checks_screen(pilot)
        before = screen.query_one("#answer")
        count = screen.query_one("#checks-tabs", TabbedContent).tab_count
        await pilot.press("c")
        await settle(pilot)
        assert pilot.app.screen is screen
        after = screen.query_one("#answer")
        assert after is not before
        assert screen.query_one("#checks-tabs", TabbedContent).tab_count == count

    drive(app, scenario)


def test_the_example_todo_plugin_adds_its_markers_tab(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    only_hygiene(monkeypatch)
    monkeypatch.syspath_prepend(str(ROOT / "plugins/examples/reviewbot-todo"))
    import reviewbot_todo

    assert current_host().register(reviewbot_todo, "todo")
    app = make_app(tmp_path, spec=str(SEED))

    async def scenario(pilot: Pilot[None]) -> None:
        await pilot.press("c")
        await settle(pilot)
        screen = checks_screen(pilot)
        assert "Markers" in tab_titles(screen)
        assert static_text(screen.query_one("#todo-markers")) == "no markers"

    drive(app, scenario)


def test_series_panels_join_the_series_screen_after_the_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    only_hygiene(monkeypatch)
    assert current_host().register(_Panels(where="series"), "panels")
    app = make_app(tmp_path, spec=str(SEED))

    async def scenario(pilot: Pilot[None]) -> None:
        series = pilot.app.screen
        assert isinstance(series, SeriesScreen)
        tabs = series.query_one("#series-tabs", TabbedContent)
        assert tabs.tab_count == 1
        await pilot.press("c")
        await settle(pilot)
        assert "Answer" not in tab_titles(checks_screen(pilot))
        await pilot.press("3")
        await settle(pilot)
        assert pilot.app.screen is series
        titles = [str(tab.label) for tab in tabs.query(ContentTab)]
        assert titles == ["Problems", "Answer", "Broken"]
        answer = series.query_one("#answer")
        assert static_text(answer) == "1 patch, result {'answer': 42}"
        app.refresh_screens()  # the same check run: the panels stay as they are
        await pilot.pause()
        assert series.query_one("#answer") is answer
        assert tabs.tab_count == 3
        assert static_text(series.query_one(".panel-error")) == (
            "the Broken panel of panels failed: RuntimeError: the panel fell over"
        )

    drive(app, scenario)


def test_the_screen_fits_80_by_24(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVIEWBOT_LOAD_PLUGINS", "hygiene,perf-compare")
    app = make_app(tmp_path, spec=str(SEED))

    async def scenario(pilot: Pilot[None]) -> None:
        await pilot.press("c")
        await settle(pilot)
        screen = checks_screen(pilot)
        tree = findings_tree(screen)
        detail = screen.query_one("#checks-detail-scroll")
        assert tree.region.height >= 6
        assert detail.region.height >= 4
        assert detail.region.bottom <= 23 and tree.region.right <= 80
        await pilot.press("P")
        figures = screen.query_one("#perf-compare-figures", DataTable)
        assert figures.region.height >= 4 and figures.region.right <= 80

    drive(app, scenario, size=(80, 24))
