"""The reply editor: a draft review, ack or thank-you, its headers, and its text to edit and save.

Drafting is `ReviewSession.draft` run as a job (a review runs the checks first when they have
not run); saving is `ReviewSession.save_draft`, which writes an .eml `git send-email` takes.
Edits are never lost silently: redrafting or leaving with unsaved edits asks first, and an
existing file is only replaced on ctrl+o. The keys are ctrl- and function keys because the
editor takes every printable key, and none is one the editor uses (ctrl+k deletes to the line
end, ctrl+y redoes): F5 redrafts a review, F6 an ack, F7 a thank-you. Escape is not taken by the
editor (its tab behaviour is "focus"), so it reaches the screen: back, as everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.strip import Strip
from textual.widgets import Input, Label, Static, TextArea

from reviewbot.errors import ReviewbotError
from reviewbot.jobs import JobProgress
from reviewbot.replydraft import Draft
from reviewbot.replymail import OutputError, free_reply_name
from reviewbot.tui.base import ReviewScreen
from reviewbot.tui.confirm import ConfirmScreen

#: The kinds of reply, as `ReviewSession.draft` takes them.
KINDS = ("review", "ack", "thanks")


class ReplyEditor(TextArea):
    """A plain-text editor with a faint guide after column `guide_column` (mail is wrapped at
    72 columns on xen-devel)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"reply-editor--guide"}
    DEFAULT_CSS = """
    ReplyEditor > .reply-editor--guide { background: $foreground 12%; }
    """

    def __init__(self, *, id: str, guide_column: int = 72) -> None:
        super().__init__(
            "", id=id, soft_wrap=False, show_line_numbers=False, tab_behavior="focus", compact=True
        )
        self.guide_column = guide_column

    def render_line(self, y: int) -> Strip:
        line = super().render_line(y)
        column = self.guide_column - self.scroll_offset.x + self.gutter_width
        if not 0 <= column < line.cell_length:
            return line
        guide = Style(bgcolor=self.get_component_rich_style("reply-editor--guide").bgcolor)
        mark = line.crop(column, column + 1)
        marked = Strip(list(Segment.apply_style(mark, post_style=guide)), mark.cell_length)
        return Strip.join([line.crop(0, column), marked, line.crop(column + 1)])


class ReplyScreen(ReviewScreen):
    """Draft a reply to the open series, edit it, and save it as an .eml to send."""

    NAME = "reply"
    AUTO_FOCUS = "#reply-body"
    DEFAULT_CSS = """
    ReplyScreen {
        #reply-headers-box {
            height: auto;
            max-height: 6;
            padding: 0 1;
            background: $boost;
            scrollbar-size-vertical: 1;
        }
        #reply-status, #reply-warnings { height: auto; max-height: 3; padding: 0 1; }
        #reply-warnings { color: $warning-muted; }
        #reply-warnings.-empty { display: none; }
        #reply-body {
            height: 1fr;
            min-height: 5;
            padding: 0 0 0 1;
            scrollbar-size: 1 1;
        }
        #reply-save {
            height: 1;
            & > Label { width: auto; padding: 0 1; color: $text-muted; }
            & > Input { height: 1; border: none; padding: 0 1; width: 1fr; }
        }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="reply-save"),
        Binding("ctrl+o", "save(True)", "Overwrite", id="reply-overwrite", show=False),
        Binding("f5", "redraft('review')", "Review", id="reply-review"),
        Binding("f6", "redraft('ack')", "Ack", id="reply-ack", priority=True),
        Binding("f7", "redraft('thanks')", "Thanks", id="reply-thanks", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.draft: Draft | None = None
        """The draft shown; the editor holds its (edited) text."""
        self.error: str | None = None
        """Why the last draft failed, while there is no draft to show."""
        self._wanted: tuple[str, int | None] | None = ("review", None)
        self._clean_text = ""
        self._auto_path = ""

    # --- layout -------------------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="reply-headers-box"):
            yield Static("", id="reply-headers", markup=False)
        yield Static("", id="reply-status", classes="muted", markup=False)
        yield Static("", id="reply-warnings", classes="-empty", markup=False)
        yield ReplyEditor(id="reply-body")
        with Horizontal(id="reply-save"):
            yield Label("save to")
            yield Input("", id="reply-path")

    # --- options and state --------------------------------------------------------------------

    def configure(self, **options: object) -> None:
        """`kind` (review, ack, thanks) and `patch` (a number, 0 the cover letter, None the
        default) ask for a new draft; without options the current draft stays."""
        if not options:
            return
        kind = options.get("kind", "review")
        patch = options.get("patch")
        if not isinstance(kind, str) or kind not in KINDS:
            kind = "review"
        self._wanted = (kind, patch if isinstance(patch, int) else None)

    @property
    def body(self) -> ReplyEditor:
        """The editor holding the reply's text."""
        return self.query_one("#reply-body", ReplyEditor)

    @property
    def edited(self) -> bool:
        """Whether the text differs from what was drafted or last saved."""
        return self.draft is not None and self.body.text != self._clean_text

    def refresh_view(self) -> None:
        if self.session.thread is None:
            self._show_status("no thread is open: open one from the month list or with o")
            return
        if self._wanted is not None:
            kind, patch = self._wanted
            self._wanted = None
            self._redraft(kind, patch)
        self._show_status(self._status())

    def _status(self) -> str:
        draft = self.draft
        if draft is None:
            if self.error is not None:
                return f"no draft: {self.error}"
            return "drafting… (F5 review, F6 ack, F7 thanks)"
        target = f"patch {draft.target.number}" if draft.target.patch else "the cover letter"
        status = f"{draft.kind} of {target} (template: {draft.template_origin})"
        if not self._answers_the_version_under_review(draft):
            status += " for another version: draft again with F5, F6 or F7"
        return status

    def _answers_the_version_under_review(self, draft: Draft) -> bool:
        review = self.session.review
        if review is None:
            return True
        answered = {p.patch.message.message_id for p in review.patches}
        if review.revision.cover is not None:
            answered.add(review.revision.cover.message_id)
        return draft.in_reply_to in answered

    def _show_status(self, text: str) -> None:
        self.query_one("#reply-status", Static).update(text)

    # --- drafting -----------------------------------------------------------------------------

    def action_redraft(self, kind: str) -> None:
        """Draft again as `kind`, answering the same mail as the current draft."""
        if self.session.thread is None:
            self.notify("open a thread first", severity="warning")
            return
        patch = self.draft.target.number if self.draft is not None else None
        self._redraft(kind, patch)

    def _redraft(self, kind: str, patch: int | None) -> None:
        """Start drafting; with unsaved edits, only once the reviewer agrees to drop them."""
        if not self.edited:
            self._start_draft(kind, patch)
            return
        self._confirm(
            f"Drop your edits to the {self._kind()} and draft the {kind} anew?",
            lambda: self._start_draft(kind, patch),
        )

    def _kind(self) -> str:
        return self.draft.kind if self.draft is not None else "reply"

    def _start_draft(self, kind: str, patch: int | None) -> None:
        session = self.session
        if patch is None:
            patch = self._default_patch(kind)
        had_report = session.report is not None
        before = self.body.text

        def work(progress: JobProgress) -> Draft | ReviewbotError:
            try:
                return session.draft(kind, patch, progress=progress)
            except ReviewbotError as exc:  # shown here, and the current draft stays
                return exc

        def done(result: Draft | ReviewbotError) -> None:
            if not self.is_attached:  # the screen was closed meanwhile
                return
            if session.report is not None and not had_report:
                self.rb_app.refresh_screens()  # the review ran the checks
            if isinstance(result, ReviewbotError):
                self._failed(result)
            elif self.body.text != before and self.edited:
                self._confirm(
                    f"You edited the text while drafting: replace it with the new {kind}?",
                    lambda: self._show_draft(result),
                )
            else:
                self._show_draft(result)

        self.rb_app.start_job(f"drafting the {kind}", work, done)  # queued behind a running job

    def _default_patch(self, kind: str) -> int | None:
        """The patch last shown on the patch screen (for a review); else None, which the
        core resolves as the CLI does, except that a series of several patches gets patch 1
        rather than a question (without a cover letter, for an ack or thank-you too)."""
        if kind == "review":
            for screen in reversed(self.app.screen_stack):
                number = getattr(screen, "number", None)
                if getattr(screen, "NAME", "") == "patch" and isinstance(number, int):
                    return number
        review = self.session.require_review()
        present = sorted(p.patch.index for p in review.patches)
        several = len(present) > 1
        if several and (kind == "review" or review.revision.cover is None):
            return present[0]
        return None

    def _failed(self, error: ReviewbotError) -> None:
        self.notify(error.one_line(), title="reply", severity="error", timeout=8)
        if self.draft is None:
            self.error = error.one_line()
        self._show_status(self._status())

    def _show_draft(self, draft: Draft) -> None:
        """Put `draft` in the editor, its headers above and the file it will go to below."""
        self.draft = draft
        self.error = None
        self._clean_text = draft.body
        body = self.body
        body.load_text(draft.body)
        body.move_cursor((0, 0))
        path = self.query_one("#reply-path", Input)
        if not path.value.strip() or path.value == self._auto_path:
            self._auto_path = str(free_reply_name(draft, self.session.reply_dir))
            path.value = self._auto_path
        self.query_one("#reply-headers", Static).update("\n".join(header_lines(draft)))
        warnings = self.query_one("#reply-warnings", Static)
        warnings.update("\n".join(f"! {w}" for w in draft.warnings))
        warnings.set_class(not draft.warnings, "-empty")
        self._show_status(self._status())

    # --- saving -------------------------------------------------------------------------------

    def action_save(self, overwrite: bool = False) -> None:
        """Write the draft with the edited text to the file named below the editor."""
        draft = self.draft
        if draft is None:
            self.notify("nothing to save yet: wait for the draft", severity="warning")
            return
        path = self._target_path()
        if path is None:
            self.notify("give the file to save to below the text", severity="error")
            return
        if overwrite and path.exists() and path not in self.session.saved:
            self._confirm(f"Replace {path}?", lambda: self._save(draft, path, force=True))
            return
        self._save(draft, path, force=overwrite)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the file name saves."""
        event.stop()
        self.action_save()

    def _target_path(self) -> Path | None:
        text = self.query_one("#reply-path", Input).value.strip()
        if not text:
            return None
        path = Path(text).expanduser()
        return path if path.is_absolute() else self.session.reply_dir / path

    def _save(self, draft: Draft, path: Path, *, force: bool) -> None:
        text = self.body.text
        try:
            saved = self.session.save_draft(draft, text, path, force=force)
        except OutputError as exc:
            message = exc.one_line()
            if path.exists() and not force:
                message = (
                    f"{path} already exists: change the file name, or press ctrl+o to overwrite it"
                )
            self.notify(message, title="save", severity="error", timeout=8)
            return
        except ReviewbotError as exc:
            self.notify(exc.one_line(), title="save", severity="error", timeout=8)
            return
        except OSError as exc:
            self.notify(f"cannot write {path}: {exc.strerror}", title="save", severity="error")
            return
        self._clean_text = text
        self.notify(
            f"saved {saved}: send it with git send-email --suppress-cc=self {saved}",
            title="save",
            timeout=10,
        )

    # --- leaving ------------------------------------------------------------------------------

    def action_back(self) -> None:
        """Cancel the running job; else go back, asking first when there are unsaved edits."""
        if self.rb_app.job is not None or not self.edited:
            super().action_back()
            return
        self._confirm(f"Leave the {self._kind()} and lose your unsaved edits?", super().action_back)

    def _confirm(self, question: str, then: Callable[[], object]) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                then()

        self.app.push_screen(ConfirmScreen(question), answered)


def header_lines(draft: Draft) -> list[str]:
    """From, To, Cc, Subject and In-Reply-To as the reply will carry them."""
    recipients = draft.recipients
    return [
        f"From: {draft.sender}",
        f"To: {', '.join(str(p) for p in recipients.to)}",
        f"Cc: {', '.join(str(p) for p in recipients.cc)}",
        f"Subject: {draft.subject}",
        f"In-Reply-To: <{draft.in_reply_to}>",
    ]
