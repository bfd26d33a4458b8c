"""What every screen of the TUI shares: the session, the header, the job bar and the footer."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header

from reviewbot.tui.jobbar import JobBar

if TYPE_CHECKING:
    from reviewbot.reviewsession import ReviewSession
    from reviewbot.tui.app import ReviewbotApp


class ReviewScreen(Screen[None]):
    """A screen of the review flow. Subclasses give `compose_body` and `refresh_view`."""

    #: The name `ReviewbotApp.show` knows the screen by.
    NAME: ClassVar[str] = ""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="back"),
    ]
    """Escape cancels a running job, else goes back to the screen below."""

    @property
    def rb_app(self) -> ReviewbotApp:
        """The app, typed."""
        from reviewbot.tui.app import ReviewbotApp

        assert isinstance(self.app, ReviewbotApp)
        return self.app

    @property
    def session(self) -> ReviewSession:
        """The reviewer's session (thread, review, checks, drafts)."""
        return self.rb_app.session

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield from self.compose_body()
        yield JobBar()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        """The screen's own widgets."""
        yield from ()

    def on_mount(self) -> None:
        self.sub_title = self.NAME.capitalize()  # the header reads "reviewbot — Series"
        self.refresh_view()

    def refresh_view(self) -> None:
        """Show the session's current state; called on mount and whenever the session changes."""

    def configure(self, **options: object) -> None:
        """Take new options when the screen is shown again (e.g. another patch to show)."""

    def action_back(self) -> None:
        """Cancel the running job; else go back to the screen below this one."""
        if self.rb_app.cancel_job():
            return
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
