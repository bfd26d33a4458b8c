"""The TUI as a reviewer uses it: open a thread, its series, a patch, the checks, a finding's
line, the reply saved as mail; and the app's conventions (help, palette, remapped keys, themes,
jobs cancelled with Escape, quitting)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static, TabbedContent, TextArea, Tree

from reviewbot.checkcontext import CheckContext
from reviewbot.extensions import JobSpec
from reviewbot.hookspecs import hookimpl
from reviewbot.pluginmanager import reset_current_host
from reviewbot.progress import Progress
from reviewbot.replymail import parse_mail
from reviewbot.sampletree import create_sample_tree
from reviewbot.tui.app import ReviewbotApp
from reviewbot.tui.confirm import ConfirmScreen
from reviewbot.tui.help import HelpScreen
from reviewbot.tui.prompt import PromptScreen
from reviewbot.tui.screens.checks import ChecksScreen
from reviewbot.tui.screens.patch import PatchScreen
from reviewbot.tui.screens.reply import ReplyScreen
from reviewbot.tui.screens.series import SeriesScreen
from reviewbot.tui.screens.threads import ThreadsScreen
from tests.support.checking import FIXTURES
from tests.support.gitrepo import use_git_identity
from tests.support.tui import drive, make_app, settle

SEED = str(FIXTURES / "mail" / "seed-gdt.mbox")
ME = ["user.name=Rita Reviewer", "user.email=rita@example.org"]
TITLE = "x86/ctxt-switch: Document and improve GDT handling"


def notes(app: ReviewbotApp) -> list[tuple[str, str]]:
    """(severity, message) of every notification shown."""
    return [(str(n.severity), n.message) for n in app._notifications]


def shown(widget: Widget) -> str:
    """The text a widget shows on the screen, line by line."""
    lines = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return "\n".join(line.text.rstrip() for line in lines)


def test_the_whole_review_from_opening_the_thread_to_the_saved_reply(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_git_identity(tmp_path / "gitconfig", monkeypatch)
    tree = create_sample_tree(tmp_path / "xen")
    app = make_app(tmp_path, tree=tree, overrides=ME)

    async def scenario(pilot: Pilot[None]) -> None:
        assert isinstance(app.screen, ThreadsScreen)
        # o: the SPEC prompt; the thread is fetched and its series shown
        await pilot.press("o")
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one(Input).value = SEED
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SeriesScreen)
        table = app.screen.query_one("#series-table", DataTable)
        assert table.row_count == 1
        assert TITLE in str(table.get_row_at(0))
        # Enter: the patch, its diff on top
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PatchScreen) and app.screen.number == 1
        assert app.screen.diff_view.files[:2] == ("xen/arch/x86/domain.c", "xen/arch/x86/smpboot.c")
        # c: the checks, applied to the sample tree
        await pilot.press("c")
        await settle(pilot)
        checks = app.screen
        assert isinstance(checks, ChecksScreen)
        report = app.session.report
        assert report is not None and app.session.context is not None
        assert app.session.context.apply is not None and app.session.context.apply.complete
        findings_tree = checks.query_one("#checks-tree", Tree)
        leaves = [leaf for group in findings_tree.root.children for leaf in group.children]
        assert len(leaves) == len(report.findings)
        # Enter on a finding about a line of the commit message: that line, selected
        target = next(f for f in report.findings if f.patch and f.line == 17)
        index = next(i for i, leaf in enumerate(leaves) if leaf.data == target)
        findings_tree.focus()
        findings_tree.move_cursor(leaves[index])
        await pilot.press("enter")
        await settle(pilot)
        patch = app.screen
        assert isinstance(patch, PatchScreen)
        assert patch.query_one("#patch-tabs", TabbedContent).active == "patch-tab-message"
        message = patch.query_one("#patch-message", TextArea)
        assert message.selection.start == (16, 0)
        assert message.selected_text == message.document.get_line(16)
        assert len(message.selected_text) > 73  # the long line hygiene reported
        # r: the review reply, edited and saved as mail
        await pilot.press("r")
        await settle(pilot)
        reply = app.screen
        assert isinstance(reply, ReplyScreen) and reply.draft is not None
        assert reply.body.text == reply.draft.body
        reply.body.text = reply.draft.body.replace("Andrew,", "Andrew, thanks;", 1)
        await pilot.press("ctrl+s")
        await settle(pilot)
        [saved] = app.session.saved
        mail = parse_mail(saved.read_bytes())
        assert mail["Subject"] == f"Re: [PATCH] {TITLE}"
        assert mail["To"] == "Andrew Cooper <andrew.cooper3@citrix.com>"
        assert mail.get_content() == reply.body.text

    drive(app, scenario)
    assert app.session.saved[0].parent == tmp_path


def test_help_lists_the_screens_and_the_keys_as_mapped(tmp_path: Path) -> None:
    app = make_app(tmp_path, spec=SEED, overrides=["tui.keys=series=S;help=f2"])

    async def scenario(pilot: Pilot[None]) -> tuple[str, str]:
        await pilot.press("1")  # back to the month list
        assert isinstance(app.screen, ThreadsScreen)
        await pilot.press("S")  # the remapped `series` binding
        assert isinstance(app.screen, SeriesScreen)
        await pilot.press("3")  # its old key does nothing now
        assert isinstance(app.screen, SeriesScreen)
        await pilot.press("f2")
        assert isinstance(app.screen, HelpScreen)
        screens = shown(app.screen.query_one("#help-screens", Static))
        keys = shown(app.screen.query_one("#help-keys", Static))
        await pilot.press("escape")
        assert isinstance(app.screen, SeriesScreen)
        return screens, keys

    screens, keys = drive(app, scenario, size=(120, 40))
    assert "Reply" in screens and "findings by severity" in screens
    for line in ("S  ", "series-next-version", "q ", "Quit"):
        assert line in keys


def test_the_palette_offers_the_review_steps_and_plugin_jobs(tmp_path: Path) -> None:
    app = make_app(tmp_path, spec=SEED, overrides=ME)

    async def scenario(pilot: Pilot[None]) -> tuple[list[str], list[str]]:
        before = [c.title for c in app.get_system_commands(app.screen)]
        await pilot.press("c")
        await settle(pilot)
        after = [c.title for c in app.get_system_commands(app.screen)]
        return before, after

    before, after = drive(app, scenario)
    assert {"Open a thread", "Run the checks", "Draft a review reply", "Go to Checks"} <= set(
        before
    )
    assert "Apply the series" not in before  # no tree
    assert not any(t.startswith("Job: ") for t in before)  # jobs need a checked series
    assert "Keys" in before or "Quit the application" in before  # Textual's own stay
    assert not any(t.startswith("Job: Benchmark") for t in after)  # perf-run needs a tree


def test_themes_switch_and_a_bad_theme_or_key_is_one_line(tmp_path: Path) -> None:
    from reviewbot.errors import ConfigError

    app = make_app(tmp_path, overrides=["tui.theme=textual-light"])

    async def scenario(pilot: Pilot[None]) -> list[str]:
        seen = [app.theme]
        await pilot.press("ctrl+t")
        seen.append(app.theme)
        await pilot.press("ctrl+t")
        seen.append(app.theme)
        return seen

    assert drive(app, scenario) == ["textual-light", "textual-dark", "textual-light"]
    with pytest.raises(ConfigError, match=r"tui\.theme: no theme named 'solarised'"):
        make_app(tmp_path, overrides=["tui.theme=solarised"])
    with pytest.raises(ConfigError, match=r"tui\.keys: no binding has the id 'seres'"):
        make_app(tmp_path, overrides=["tui.keys=seres=S"])


class _SlowJob:
    """A plugin whose job takes a step every 10 ms until it is cancelled (or 30 s pass)."""

    steps = 0

    def __init__(self, rechecks: bool) -> None:
        self.rechecks = rechecks

    @staticmethod
    def run(context: CheckContext, answer: str, progress: Progress) -> str:
        progress.add_total(3000)
        for _ in range(3000):
            time.sleep(0.01)
            progress.advance()
            _SlowJob.steps += 1
        return "finished"

    @hookimpl
    def register_jobs(self, register: Callable[[JobSpec], None]) -> None:
        register(JobSpec("slow", "A slow job", self.run, rechecks=self.rechecks))


@pytest.mark.parametrize("rechecks", [False, True])
def test_escape_cancels_the_running_job_and_q_quits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rechecks: bool
) -> None:
    monkeypatch.setenv("REVIEWBOT_LOAD_PLUGINS", "trailers")
    monkeypatch.setattr(_SlowJob, "steps", 0)
    reset_current_host()
    from reviewbot.pluginmanager import current_host

    assert current_host().register(_SlowJob(rechecks), "slow")
    app = make_app(tmp_path, spec=SEED, overrides=ME)
    reports: list[object] = []

    async def scenario(pilot: Pilot[None]) -> list[object]:
        await pilot.press("c")
        await settle(pilot)
        reports.append(app.session.report)
        app.run_plugin_job("slow", "slow")
        while _SlowJob.steps < 5:
            await pilot.pause(0.02)
        assert app.job is not None and app.job.title == "A slow job"
        assert app.screen.query_one("JobBar").has_class("-running")
        await pilot.press("escape")
        await settle(pilot)
        reports.append(app.session.report)
        seen: list[object] = [app.job, isinstance(app.screen, ChecksScreen)]
        await pilot.press("q")
        await pilot.pause()
        seen.append(app._exit)
        return seen

    assert drive(app, scenario) == [None, True, True]
    assert _SlowJob.steps < 3000
    assert ("warning", "A slow job: cancelled") in notes(app)
    before, after = reports
    assert before is not None and after is not None
    # a job that stores results gets the checks run again even when cancelled
    assert (after is not before) == rechecks


def test_quitting_over_an_unsaved_reply_asks_first(tmp_path: Path) -> None:
    app = make_app(tmp_path, spec=SEED, overrides=ME)

    async def scenario(pilot: Pilot[None]) -> list[object]:
        app.show("reply", kind="ack")
        await settle(pilot)
        reply = app.screen
        assert isinstance(reply, ReplyScreen)
        reply.body.text += "\nOne more thing.\n"
        await pilot.press("ctrl+q")
        await pilot.pause()
        seen: list[object] = [isinstance(app.screen, ConfirmScreen), app._exit]
        await pilot.press("n")
        await pilot.pause()
        seen += [isinstance(app.screen, ReplyScreen), app._exit]
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        seen.append(app._exit)
        return seen

    assert drive(app, scenario) == [True, False, True, False, True]


def test_the_footer_shows_enter_on_every_list_as_its_screen_names_it(tmp_path: Path) -> None:
    """Enter is the focused list's own key (so keys typed before it move the cursor first),
    shown under the screen's binding id, and remapped with it."""
    app = make_app(tmp_path, spec=SEED, overrides=[*ME, "tui.keys=series-open=enter,O"])

    async def scenario(pilot: Pilot[None]) -> dict[str, list[tuple[str, str, str | None]]]:
        seen: dict[str, list[tuple[str, str, str | None]]] = {}
        for name in ("threads", "thread", "series", "checks"):
            app.show(name)
            await settle(pilot)
            focused = app.focused
            seen[name] = [
                (key, active.binding.description, active.binding.id)
                for key, active in app.screen.active_bindings.items()
                if key in ("enter", "O") and active.binding.show
            ] + [("focus", type(focused).__name__ if focused else "", None)]
        return seen

    assert drive(app, scenario) == {
        "threads": [("enter", "Open thread", "threads-open"), ("focus", "ThreadTable", None)],
        "thread": [("enter", "Open patch", "thread-open"), ("focus", "MessageTree", None)],
        "series": [
            ("enter", "Open", "series-open"),
            ("O", "Open", "series-open"),
            ("focus", "PatchTable", None),
        ],
        "checks": [("enter", "Patch", "checks-open"), ("focus", "FindingTree", None)],
    }
