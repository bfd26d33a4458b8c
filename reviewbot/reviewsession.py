"""One reviewer's working state, as the TUI holds it: thread, version, tree, checks, drafts.

Every step is the same core call the CLI makes (`fetch`, `review_of`, `check_context`,
`run_checks`, `apply_review`, `draft_reply`), so what the TUI shows is what the commands
print. Methods that take a `Progress` are long; the TUI runs them in worker threads with a
cancellable `reviewbot.jobs.JobProgress`. A cancelled step leaves the session as it was.
Nothing here imports Textual.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reviewbot.addressbook import AddressBook
from reviewbot.config import Settings
from reviewbot.errors import SpecError
from reviewbot.monthlist import ListedThread, Month
from reviewbot.paths import store_file
from reviewbot.pluginmanager import PluginHost
from reviewbot.progress import Progress, SilentProgress
from reviewbot.store import Store

if TYPE_CHECKING:  # the steps' modules load on first use: the TUI's first screen needs none
    from reviewbot.apply import ApplyResult
    from reviewbot.attribution import PatchReview, Review
    from reviewbot.checkcontext import CheckContext
    from reviewbot.extensions import JobSpec
    from reviewbot.replydraft import Draft
    from reviewbot.runchecks import CheckReport
    from reviewbot.series import Series
    from reviewbot.subject import Version
    from reviewbot.threads import Thread
    from reviewbot.tree import Tree


@dataclass
class ReviewSession:
    """What the reviewer has open. `thread` is None until `open_thread` succeeds."""

    host: PluginHost
    settings: Settings
    tree: Tree | None = None
    base: str | None = None
    store_path: Path = field(default_factory=store_file)
    reply_dir: Path = field(default_factory=Path.cwd)
    spec: str | None = None
    thread: Thread | None = None
    warnings: list[str] = field(default_factory=list)
    known: AddressBook = field(default_factory=AddressBook)
    version: Version | None = None
    review: Review | None = None
    book: AddressBook | None = None
    context: CheckContext | None = None
    report: CheckReport | None = None
    applied: ApplyResult | None = None
    saved: list[Path] = field(default_factory=list)

    # --- the thread ---------------------------------------------------------------------

    def open_thread(
        self, spec_text: str, progress: Progress, message_id: str | None = None
    ) -> Thread:
        """Fetch the thread `spec_text` names (any SPEC form; `message_id` picks one when a
        file holds several, else SeveralThreadsError lists them) into the store and open it."""
        from reviewbot.fetch import fetch_with_addresses
        from reviewbot.spec import parse_spec

        spec = parse_spec(spec_text)
        result, known = fetch_with_addresses(
            spec, self.settings, self.store_path, progress, message_id=message_id
        )
        self.spec = spec_text
        self.thread = result.thread
        self.warnings = list(result.warnings)
        self.known = known
        self.version = None
        self._collect_trailers()
        return result.thread

    def choose_version(self, version: Version) -> None:
        """Review another version of the series (the checks are then out of date)."""
        if version not in self.series.versions:
            shown = ", ".join(str(v) for v in self.series.versions)
            raise SpecError(f"the thread has no {version}", f"pick one of: {shown}")
        self.version = version
        self._collect_trailers()

    def _collect_trailers(self) -> None:
        """The version's trailers; a thread without patches (a discussion) has no review."""
        from reviewbot.checksession import review_of

        thread = self.require_thread()
        try:
            self.review, self.book = review_of(thread, self.known, self.version, self.tree)
        except SpecError as exc:
            if self.version is not None:
                raise
            self.review, self.book = None, None
            self.warnings.append(exc.one_line())
        self.context = None
        self.report = None
        self.applied = None

    def require_thread(self) -> Thread:
        """The open thread; SpecError when none is open yet."""
        if self.thread is None:
            raise SpecError("no thread is open", "open one from the month list or with o")
        return self.thread

    @property
    def series(self) -> Series:
        """The open thread's series (every version)."""
        return self.require_review().series

    def require_review(self) -> Review:
        """The version under review with its trailers; SpecError for a thread without patches."""
        thread = self.require_thread()
        if self.review is None:
            raise SpecError(
                f"thread <{thread.root}> holds no patches to review",
                "read it on the thread screen (2), or open a thread with [PATCH] mails",
            )
        return self.review

    def patch(self, number: int) -> PatchReview | None:
        """Patch `number` of the version under review."""
        for patch in self.require_review().patches:
            if patch.patch.index == number:
                return patch
        return None

    # --- months ---------------------------------------------------------------------------

    def store_threads(self, month: Month | None) -> list[ListedThread]:
        """The store's threads that began in `month` (all when None), newest first."""
        from reviewbot.monthlist import store_threads

        with Store.open(self.store_path, create=False) as store:
            return store_threads(store, month)

    def archive_threads(self, month: Month, progress: Progress) -> list[ListedThread]:
        """The archive's threads of `month`, from its thread index pages."""
        from reviewbot.monthlist import archive_location, archive_threads

        return archive_threads(archive_location(self.settings, month), self.settings, progress)

    # --- checks, apply, jobs --------------------------------------------------------------

    def check(self, progress: Progress, plugins: Sequence[str] = ()) -> CheckReport:
        """Run the check plugins (on the series applied to the tree, when there is one)."""
        from reviewbot.checksession import check_context
        from reviewbot.runchecks import run_checks, select_plugins, with_apply_findings

        thread = self.require_thread()
        chosen = select_plugins(self.host, plugins)
        context = check_context(
            thread,
            self.known,
            self.settings,
            version=self.version,
            tree=self.tree,
            base=self.base,
            progress=progress,
        )
        report = with_apply_findings(run_checks(self.host, context, chosen, progress), context)
        self.context, self.report = context, report
        return report

    def apply(self, progress: Progress, branch: str | None = None) -> ApplyResult:
        """Apply the version under review on a new branch of the tree, as `reviewbot apply`."""
        from reviewbot.apply import ApplyRequest, apply_review
        from reviewbot.tree import committer_for

        review = self.require_review()
        if self.tree is None or self.book is None:
            raise SpecError("no git tree to apply to", "start the TUI with --tree DIR")
        request = ApplyRequest(
            base=self.base, branch=branch, window_days=self.settings.apply_base_window_days
        )
        committer = committer_for(self.tree, self.settings.apply_committer)
        self.applied = apply_review(review, self.book, self.tree, request, committer, progress)
        return self.applied

    def jobs(self) -> list[tuple[str, JobSpec]]:
        """The plugins' jobs that apply to the checked series."""
        context = self.context
        return [
            (plugin, job)
            for plugin, job in self.host.jobs()
            if context is not None and (job.applies is None or job.applies(context))
        ]

    def run_job(self, job: JobSpec, answer: str, progress: Progress) -> str:
        """Run a plugin's job on the checked series. When `job.rechecks`, the caller checks
        again afterwards, also after a cancel (the job may have kept results by then)."""
        if self.context is None:
            raise SpecError(f"{job.title} needs the checks first", "run the checks with c")
        return job.run(self.context, answer, progress)

    # --- replies --------------------------------------------------------------------------

    def draft(
        self,
        kind: str,
        patch: int | None = None,
        tag: str = "Reviewed-by",
        progress: Progress | None = None,
    ) -> Draft:
        """Draft a review, ack or thank-you; a review runs the checks first when needed."""
        from reviewbot.checkcontext import CheckContext
        from reviewbot.replydraft import ReplyRequest, draft_reply
        from reviewbot.reviewer import reviewer_identity

        me = reviewer_identity(self.settings, self.tree.top if self.tree else None)
        request = ReplyRequest(kind=kind, patch=patch, tag=tag)
        if kind == "review" and self.report is None:
            self.check(progress or SilentProgress())
        context = self.context
        if context is None:
            review = self.require_review()
            assert self.book is not None
            context = CheckContext(
                review=review, book=self.book, settings=self.settings, tree=self.tree
            )
        findings = self.report.findings if kind == "review" and self.report else ()
        return draft_reply(self.host, context, request, me, findings=findings)

    def save_draft(
        self, draft: Draft, body: str, path: Path | None = None, *, force: bool = False
    ) -> Path:
        """Write the draft with the edited `body` as an .eml file (a free name when None)."""
        from reviewbot.replymail import free_reply_name, render_mail, write_eml

        target = path if path is not None else free_reply_name(draft, self.reply_dir)
        write_eml(target, render_mail(draft, body=body), force=force)
        self.saved.append(target)
        return target
