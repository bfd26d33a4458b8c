"""`ReviewbotApp`: the screens of a review, the jobs that feed them, and the app-wide keys.

The app holds one `ReviewSession`. Long steps (fetch, apply, checks, plugin jobs) run in a
thread worker, one at a time, with their progress in the job bar and Escape to cancel; what
they raise becomes a notification, never a crash. When a job changes the session every open
screen is refreshed from it.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.dom import DOMNode

from reviewbot.errors import ConfigError, ReviewbotError
from reviewbot.jobs import Cancelled, JobProgress
from reviewbot.monthlist import Month, file_threads
from reviewbot.reviewsession import ReviewSession
from reviewbot.threads import SeveralThreadsError
from reviewbot.tui.base import ReviewScreen
from reviewbot.tui.jobbar import JobBar
from reviewbot.tui.keymap import parse_keymap
from reviewbot.tui.navigation import SCREENS, screen_class

T = TypeVar("T")

LIGHT_THEME = "textual-light"
DARK_THEME = "textual-dark"


@dataclass(frozen=True)
class StartPoint:
    """What the TUI opens on: a thread (`spec`), and the month list below it."""

    spec: str | None = None
    message_id: str | None = None  # which thread of `spec`, when it holds several
    month: Month | None = None
    archive_month_url: str | None = None  # an archive month given on the command line
    from_archive: bool = False  # list the archive's month rather than the store's


#: A job waiting for the running one: title, work, what to do with its result.
QueuedJob = tuple[str, Callable[[JobProgress], Any], Callable[[Any], object] | None]


@dataclass
class JobState:
    """The job that runs now."""

    title: str
    progress: JobProgress
    done: int = 0
    total: int = 0


class ReviewbotApp(App[None]):
    """The reviewer's TUI."""

    TITLE = "reviewbot"
    CSS_PATH = "reviewbot.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark,f1", "help", "Help", id="help"),
        Binding("o", "open_spec", "Open", id="open"),
        Binding("c", "check", "Check", id="check"),
        Binding("r", "show('reply')", "Reply", id="reply"),
        Binding("A", "apply", "Apply", id="apply", show=False),
        Binding("J", "jobs", "Jobs", id="jobs", show=False),
        Binding("ctrl+t", "toggle_theme", "Theme", id="theme", show=False),
        Binding("1", "show('threads')", "Threads", id="threads", show=False),
        Binding("2", "show('thread')", "Thread", id="thread", show=False),
        Binding("3", "show('series')", "Series", id="series", show=False),
        Binding("4", "show('patch')", "Patch", id="patch", show=False),
        Binding("5", "show('checks')", "Checks", id="checks", show=False),
        Binding("6", "show('reply')", "Reply", id="reply-screen", show=False),
    ]
    """App-wide keys; every binding has an id that `tui.keys` can remap."""

    def __init__(self, session: ReviewSession, start: StartPoint | None = None) -> None:
        super().__init__()
        self.session = session
        self.start = start or StartPoint()
        self.job: JobState | None = None
        self._queue: list[QueuedJob] = []
        self.internal_errors: list[str] = []
        """Unexpected exceptions shown as notifications (tests assert there are none)."""

    @property
    def waiting_jobs(self) -> list[str]:
        """The titles of the jobs waiting for the running one, in the order they will run."""
        return [title for title, _, _ in self._queue]

    # --- start-up -----------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.theme = self.session.settings.tui_theme
        self.push_screen(screen_class("threads")())
        if self.start.spec is not None:
            self.open_thread(self.start.spec, self.start.message_id)

    def apply_settings(self) -> None:
        """Check `tui.theme` and `tui.keys` before the app starts (ConfigError when wrong)."""
        theme = self.session.settings.tui_theme
        if theme not in self.available_themes:
            raise ConfigError(
                f"tui.theme: no theme named {theme!r}",
                f"pick from: {', '.join(sorted(self.available_themes))}",
            )
        keys = self.session.settings.tui_keys
        if keys.strip():  # naming every binding imports every screen: only when remapping
            self.set_keymap(parse_keymap(keys, binding_ids()))

    # --- navigation -----------------------------------------------------------------------------

    def show(self, name: str, **options: object) -> ReviewScreen:
        """Bring screen `name` to the top: back to it when open, else pushed anew."""
        wanted = screen_class(name)
        for index, screen in enumerate(self.screen_stack):
            if type(screen) is wanted:
                for _ in range(len(self.screen_stack) - 1 - index):
                    self.pop_screen()
                screen.configure(**options)
                screen.refresh_view()
                return screen
        screen = wanted()
        screen.configure(**options)
        self.push_screen(screen)
        return screen

    def action_show(self, name: str) -> None:
        """Go to a screen by name; those about a thread need one open."""
        if name not in ("threads",) and self.session.thread is None:
            self.notify("open a thread first (Enter on the list, or o)", severity="warning")
            return
        self.show(name)

    def open_patch(self, number: int, file: str | None = None, line: int | None = None) -> None:
        """Show patch `number`, scrolled to `file`:`line` when given."""
        self.show("patch", number=number, file=file, line=line)

    def refresh_screens(self) -> None:
        """Every open screen shows the session again."""
        for screen in self.screen_stack:
            if isinstance(screen, ReviewScreen) and screen.is_mounted:
                screen.refresh_view()  # one not mounted yet refreshes when it is

    # --- the session's steps, as jobs ---------------------------------------------------------

    def open_thread(self, spec: str, message_id: str | None = None) -> None:
        """Fetch and open a thread (`message_id` picks one when `spec` names a file holding
        several), then show its series above the thread tree. A file holding several threads
        without `message_id` lists them on the threads screen to pick from."""

        def work(progress: JobProgress) -> object:
            try:
                return self.session.open_thread(spec, progress, message_id)
            except SeveralThreadsError as several:
                return several

        def opened(result: object) -> None:
            if isinstance(result, SeveralThreadsError):
                self._pick_from(spec, result)
                return
            self.show("thread")
            if self.session.review is not None:
                self.show("series")
            self.refresh_screens()
            for warning in self.session.warnings:
                self.notify(warning, title="fetch", severity="warning")

        title = f"fetching {spec}" + (f" <{message_id}>" if message_id else "")
        self.start_job(title, work, opened)

    def _pick_from(self, spec: str, several: SeveralThreadsError) -> None:
        """List the threads of a file that holds several on the threads screen."""
        self.show("threads", file_listing=(spec, file_threads(spec, several.threads)))
        self.notify(
            f"{several.origin} holds {len(several.threads)} threads: pick one with Enter",
            title="open",
            markup=False,
        )

    def action_open_spec(self) -> None:
        """Ask for a SPEC (URL, Message-ID or path) and open its thread."""
        from reviewbot.tui.prompt import PromptScreen

        def answered(text: str | None) -> None:
            if text:
                self.open_thread(text)

        question = "Open a thread: archive URL, lore URL, Message-ID, or mbox path"
        self.push_screen(PromptScreen(question, self.session.spec or ""), answered)

    def action_check(self) -> None:
        """Run the check plugins (applying the series to the tree first, when there is one)."""
        if self.session.thread is None:
            self.notify("open a thread first", severity="warning")
            return

        def checked(_: object) -> None:
            report = self.session.report
            count = len(report.findings) if report else 0
            self.notify(f"{count} finding{'s' if count != 1 else ''}", title="checks")
            self.refresh_screens()
            self.show("checks")

        self.start_job("checking the series", self.session.check, checked)

    def action_apply(self) -> None:
        """Apply the series on a new review branch of the tree."""
        if self.session.thread is None or self.session.tree is None:
            self.notify("apply needs an open thread and a tree (--tree DIR)", severity="warning")
            return

        def applied(_: object) -> None:
            result = self.session.applied
            if result is not None and result.branch:
                self.notify(f"applied on branch {result.branch}", title="apply")
            else:
                self.notify("the series did not apply; see the checks", severity="warning")
            self.refresh_screens()

        self.start_job("applying the series", self.session.apply, applied)

    def action_jobs(self) -> None:
        """Offer the plugins' jobs (e.g. a benchmark run) in the command palette."""
        if not self.session.jobs():
            self.notify("no plugin job applies: run the checks first (c)", severity="warning")
            return
        self.action_command_palette()

    def run_plugin_job(self, plugin: str, job_id: str) -> None:
        """Ask a plugin job's question, if any, then run it."""
        from reviewbot.tui.prompt import PromptScreen

        found = [job for name, job in self.session.jobs() if (name, job.id) == (plugin, job_id)]
        if not found:
            self.notify(f"{plugin} has no job {job_id} for this series", severity="warning")
            return
        job = found[0]

        def finished(result: str | Cancelled) -> None:
            if isinstance(result, Cancelled):
                why = f": {result}" if str(result) else ""
                self.notify(f"{job.title}: cancelled{why}", severity="warning", markup=False)
            else:
                self.notify(result, title=job.title, markup=False)
            if job.rechecks:  # a job of its own, so that it can be cancelled too
                self.start_job("checking the series", self.session.check, self._rechecked)
            else:
                self.refresh_screens()

        def run(answer: str) -> None:
            def work(progress: JobProgress) -> str | Cancelled:
                try:
                    return self.session.run_job(job, answer, progress)
                except Cancelled as stopped:  # what it kept by then may change the findings
                    return stopped

            self.start_job(job.title, work, finished)

        if job.prompt is None:
            run("")
            return
        self.push_screen(
            PromptScreen(job.prompt, job.default), lambda text: run(text) if text else None
        )

    def _rechecked(self, _: object) -> None:
        """The checks ran again after a plugin job: show what they found now."""
        self.refresh_screens()

    def start_job(
        self,
        title: str,
        work: Callable[[JobProgress], T],
        done: Callable[[T], object] | None = None,
    ) -> None:
        """Run `work` in a thread worker with a cancellable progress; `done` gets its result
        on the UI thread. One job runs at a time: another waits for it, and one with the
        title of a job already running or waiting is refused."""
        titles = [j.title for j in ([self.job] if self.job else [])] + self.waiting_jobs
        if title in titles:
            self.notify(f"{title} is already running", severity="warning")
            return
        if self.job is not None:
            self._queue.append((title, work, done))
            return
        progress = JobProgress(lambda d, t: self.call_from_thread(self._job_progress, d, t))
        self.job = JobState(title, progress)
        self._sync_job_bar()

        def body() -> None:
            try:
                result = work(progress)
            except Cancelled as stopped:
                why = f": {stopped}" if str(stopped) else ""
                self.call_from_thread(self._job_ended, f"{title}: cancelled{why}", "warning")
            except ReviewbotError as exc:
                self.call_from_thread(self._job_ended, exc.one_line(), "error")
            except Exception as exc:
                self.call_from_thread(self._job_crashed, title, exc)
            else:
                self.call_from_thread(self._job_finished, done, result)

        self.run_worker(
            body, name=title, group="job", thread=True, exit_on_error=False, description=title
        )

    def _next_job(self) -> None:
        if self._queue and self.job is None:
            title, work, done = self._queue.pop(0)
            self.start_job(title, work, done)

    def cancel_job(self) -> bool:
        """Cancel the running job (it stops at its next step); False when none runs."""
        if self.job is None:
            return False
        self.job.progress.cancel()
        self.notify(f"cancelling {self.job.title}…", severity="warning")
        return True

    def _job_progress(self, done: int, total: int) -> None:
        if self.job is not None:
            self.job.done, self.job.total = done, total
            for bar in self.screen.query(JobBar):
                bar.progress(done, total)

    def _job_finished(self, done: Callable[[T], object] | None, result: T) -> None:
        self.job = None
        self._sync_job_bar()
        try:
            if done is not None:
                done(result)
        finally:
            self._next_job()

    def _job_ended(self, message: str, severity: str) -> None:
        self.job = None
        self._sync_job_bar()
        self.notify(message, severity="error" if severity == "error" else "warning", timeout=8)
        self._next_job()

    def _job_crashed(self, title: str, exc: Exception) -> None:
        self._report_internal_error(exc)
        self._job_ended(f"{title} failed: {type(exc).__name__}: {exc}", "error")

    def _sync_job_bar(self) -> None:
        """The current screen's job bar shows the running job (or hides)."""
        for bar in self.screen.query(JobBar):
            if self.job is None:
                bar.hide()
            else:
                bar.show(self.job.title)
                bar.progress(self.job.done, self.job.total)

    def on_screen_resume(self) -> None:
        self._sync_job_bar()

    # --- conventions ---------------------------------------------------------------------------

    async def action_quit(self) -> None:
        """Quit; when a reply has unsaved edits, ask first."""
        from reviewbot.tui.confirm import ConfirmScreen

        unsaved = [s for s in self.screen_stack if getattr(s, "edited", False)]
        if not unsaved:
            self.exit()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(ConfirmScreen("Quit and lose the reply's unsaved edits?"), answered)

    def action_help(self) -> None:
        """The help screen: what each screen is for and every key, as currently mapped."""
        from reviewbot.tui.help import HelpScreen

        self.push_screen(HelpScreen(self.screen))

    def action_toggle_theme(self) -> None:
        """Switch between the light and the dark theme."""
        self.theme = LIGHT_THEME if self.current_theme.dark else DARK_THEME

    def get_system_commands(self, screen: object) -> object:  # type: ignore[override]
        """The palette's commands: Textual's own (theme, keys, quit) and reviewbot's."""
        from reviewbot.tui.palette import reviewbot_commands

        yield from super().get_system_commands(screen)  # type: ignore[arg-type]
        yield from reviewbot_commands(self)

    def _handle_exception(self, error: Exception) -> None:
        """A handler's failure is a notification, not the end of the reviewer's session."""
        if isinstance(error, ReviewbotError):
            self.notify(error.one_line(), severity="error", timeout=8)
            return
        self._report_internal_error(error)
        self.notify(
            f"internal error: {type(error).__name__}: {error} (logged to {_error_log()})",
            severity="error",
            timeout=12,
        )

    def _report_internal_error(self, error: BaseException) -> None:
        text = "".join(traceback.format_exception(error))
        self.internal_errors.append(text)
        try:
            log = _error_log()
            log.parent.mkdir(parents=True, exist_ok=True)
            with log.open("a", encoding="utf-8") as out:
                out.write(text + "\n")
        except OSError:
            pass


def _error_log() -> Path:
    from reviewbot.paths import data_dir

    return data_dir() / "tui-errors.log"


def binding_ids() -> set[str]:
    """Every binding id of the app, its screens, modals and widgets (what `tui.keys` remaps)."""
    from reviewbot.tui.confirm import ConfirmScreen
    from reviewbot.tui.help import HelpScreen
    from reviewbot.tui.prompt import PromptScreen
    from reviewbot.tui.widgets.diffview import DiffView

    owners: list[type[DOMNode]] = [ReviewbotApp, ConfirmScreen, HelpScreen, PromptScreen, DiffView]
    owners += [screen_class(name) for name in SCREENS]
    return {
        binding.id
        for owner in owners
        for binding in owner.BINDINGS
        if isinstance(binding, Binding) and binding.id
    }
