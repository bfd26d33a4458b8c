"""The reply editor: the seed's draft as the CLI makes it, edited and saved as an .eml that parses
back exactly; files never replaced by accident; redrafting as ack or thank-you; edits kept unless
the reviewer agrees to drop them; one-line errors as notifications; 80x24.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static, TextArea

from reviewbot.demo import page_of, serve_archive
from reviewbot.replymail import parse_mail
from reviewbot.sampletree import create_sample_tree
from reviewbot.subject import Version
from reviewbot.tui.app import ReviewbotApp
from reviewbot.tui.confirm import ConfirmScreen
from reviewbot.tui.screens.reply import ReplyScreen
from reviewbot.tui.screens.series import SeriesScreen
from tests.support.checking import FIXTURES, SEED_ID
from tests.support.gitrepo import git, use_git_identity
from tests.support.tui import drive, make_app, settle
from tests.test_reply_command import (
    RITA,
    SEED_ATTRIBUTION,
    SEED_BRANCH,
    SEED_REVIEW_BODY,
    SEED_SUBJECT,
    VPCI_V21_PATCH2,
    seed_ack_body,
)

SEED = str(FIXTURES / "mail" / "seed-gdt.mbox")
VPCI = str(FIXTURES / "mail" / "series-vpci.mbox")
ARCHIVE = FIXTURES / "archive"
ME = ["user.name=Rita Reviewer", "user.email=rita@example.org"]
SEED_HEADERS = [
    f"From: {RITA}",
    "To: Andrew Cooper <andrew.cooper3@citrix.com>",
    "Cc: Xen-devel <xen-devel@lists.xenproject.org>, Juergen Gross <jgross@suse.com>, "
    "Jan Beulich <JBeulich@suse.com>, Wei Liu <wl@xen.org>, "
    "Roger Pau Monné <roger.pau@citrix.com>",
    f"Subject: {SEED_SUBJECT}",
    f"In-Reply-To: <{SEED_ID}>",
]
REVIEW_NAME = "re-ctxt-switch-gdt-v1-p1-review.eml"
ACK_NAME = "re-ctxt-switch-gdt-v1-p1-ack.eml"
SEED_ACK_BODY = seed_ack_body(f"Reviewed-by: {RITA}")
THANKS_NEEDS_A_TREE = (
    "a thank-you names the applied commits, so it needs the tree they are in; give --tree DIR "
    "(and --branch NAME when the series is not on apply's branch)"
)


@pytest.fixture(autouse=True)
def git_identity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """git sees only the test's global config; no reviewbot identity comes from the environment."""
    for name in list(os.environ):
        if name.startswith(("REVIEWBOT_USER_", "REVIEWBOT_REPLY_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return use_git_identity(tmp_path / "gitconfig", monkeypatch)


# --- helpers -------------------------------------------------------------------------------------


def notes(app: ReviewbotApp) -> list[tuple[str, str]]:
    """(severity, message) of every notification shown."""
    return [(str(n.severity), n.message) for n in app._notifications]


def reply_screen(app: ReviewbotApp) -> ReplyScreen:
    screen = app.screen
    assert isinstance(screen, ReplyScreen), type(screen)
    return screen


def body(app: ReviewbotApp) -> TextArea:
    return reply_screen(app).query_one("#reply-body", TextArea)


def static_text(app: ReviewbotApp, selector: str) -> str:
    return str(reply_screen(app).query_one(selector, Static).content)


def path_value(app: ReviewbotApp) -> str:
    return reply_screen(app).query_one("#reply-path", Input).value


async def open_reply(pilot: Pilot[None], kind: str | None = None) -> ReplyScreen:
    """Press r on the series screen (or show the screen with `kind`: an ack needs no checks,
    so it is quicker) and wait for the draft."""
    assert isinstance(pilot.app, ReviewbotApp)
    if kind is None:
        await pilot.press("r")
    else:
        pilot.app.show("reply", kind=kind)
    await settle(pilot)
    return reply_screen(pilot.app)


def seed_app(tmp_path: Path, overrides: list[str] = ME, tree: Path | None = None) -> ReviewbotApp:
    return make_app(tmp_path, spec=SEED, overrides=overrides, tree=tree)


# --- the draft -----------------------------------------------------------------------------------


def test_r_drafts_the_seed_review_as_the_cli_does(tmp_path: Path) -> None:
    app = seed_app(tmp_path)

    async def scenario(pilot: Pilot[None]) -> None:
        screen = await open_reply(pilot)
        assert screen.draft is not None and screen.draft.kind == "review"
        assert static_text(app, "#reply-headers").splitlines() == SEED_HEADERS
        assert body(app).text == SEED_REVIEW_BODY
        assert body(app).text == screen.draft.body
        assert body(app).has_focus
        assert static_text(app, "#reply-status") == "review of patch 1 (template: built-in)"
        assert reply_screen(app).query_one("#reply-warnings").display is False
        assert path_value(app) == str(tmp_path / REVIEW_NAME)
        assert app.session.report is not None  # the review ran the checks
        assert notes(app) == []

    drive(app, scenario)


def test_people_left_out_of_cc_are_named_on_the_warnings_line(tmp_path: Path) -> None:
    page = page_of(ARCHIVE, SEED_ID)
    assert page is not None
    hint = (
        "out of Cc: the archive masked the address and nothing recovers it; give --tree with "
        "a Xen tree (MAINTAINERS, .mailmap) or add it by hand"
    )

    async def scenario(pilot: Pilot[None]) -> None:
        await open_reply(pilot, "ack")
        warnings = reply_screen(app).query_one("#reply-warnings", Static)
        assert warnings.display is True
        assert str(warnings.content).splitlines() == [
            f"! left Wei Liu <wl@xxxxxxx> {hint}",
            f"! left Roger Pau Monné <roger.pau@xxxxxxxxxx> {hint}",
        ]
        assert static_text(app, "#reply-headers").splitlines()[2] == (
            "Cc: Xen-devel <xen-devel@lists.xenproject.org>, Juergen Gross <jgross@suse.com>, "
            "Jan Beulich <JBeulich@suse.com>"
        )
        assert body(app).text == SEED_ACK_BODY

    with serve_archive(ARCHIVE) as base_url:
        app = make_app(tmp_path, spec=base_url + page, overrides=ME)
        drive(app, scenario)


def test_an_edited_draft_is_saved_as_mail_and_never_replaced_unasked(tmp_path: Path) -> None:
    app = seed_app(tmp_path)
    saved = tmp_path / REVIEW_NAME

    async def scenario(pilot: Pilot[None]) -> None:
        await open_reply(pilot)
        await pilot.press("H", "i", "space", "A", "n", "d", "r", "e", "w", ",", "enter", "enter")
        edited = "Hi Andrew,\n\n" + SEED_REVIEW_BODY
        assert body(app).text == edited
        assert reply_screen(app).edited
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert notes(app) == [
            (
                "information",
                f"saved {saved}: send it with git send-email --suppress-cc=self {saved}",
            )
        ]
        assert app.session.saved == [saved]
        assert not reply_screen(app).edited
        mail = parse_mail(saved.read_bytes())
        assert str(mail["From"]) == RITA
        assert [a.addr_spec for a in mail["To"].addresses] == ["andrew.cooper3@citrix.com"]
        assert [a.display_name for a in mail["Cc"].addresses] == [
            "Xen-devel",
            "Juergen Gross",
            "Jan Beulich",
            "Wei Liu",
            "Roger Pau Monné",
        ]
        assert str(mail["Subject"]) == SEED_SUBJECT
        assert str(mail["In-Reply-To"]) == f"<{SEED_ID}>"
        assert str(mail["References"]) == f"<{SEED_ID}>"
        assert mail.get_content() == edited
        first = saved.read_bytes()

        app.clear_notifications()
        body(app).insert("Thanks.\n", location=(2, 0))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert notes(app) == [
            (
                "error",
                f"{saved} already exists: change the file name, or press ctrl+o to overwrite it",
            )
        ]
        assert saved.read_bytes() == first
        assert reply_screen(app).edited

        app.clear_notifications()
        await pilot.press("ctrl+o")  # the reviewer's own draft of this session: no question
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert parse_mail(saved.read_bytes()).get_content() == (
            "Hi Andrew,\n\nThanks.\n" + SEED_REVIEW_BODY
        )
        assert [severity for severity, _ in notes(app)] == ["information"]
        assert sorted(p.name for p in tmp_path.glob("*.eml")) == [REVIEW_NAME]

    drive(app, scenario)


def test_overwriting_a_file_of_someone_else_asks_first(tmp_path: Path) -> None:
    app = seed_app(tmp_path)
    other = tmp_path / "mine.eml"
    other.write_bytes(b"my own notes\n")

    async def scenario(pilot: Pilot[None]) -> None:
        await open_reply(pilot, "ack")
        reply_screen(app).query_one("#reply-path", Input).value = "mine.eml"
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert other.read_bytes() == b"my own notes\n"
        assert app.session.saved == []
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert parse_mail(other.read_bytes()).get_content() == SEED_ACK_BODY
        assert app.session.saved == [other]

    drive(app, scenario)


# --- redrafting ----------------------------------------------------------------------------------


def test_ack_redraft_asks_before_dropping_edits_and_gives_the_trailer(tmp_path: Path) -> None:
    app = seed_app(tmp_path)

    async def scenario(pilot: Pilot[None]) -> None:
        await open_reply(pilot)
        await pilot.press("O", "k", "enter")
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        screen = reply_screen(app)
        assert body(app).text == "Ok\n" + SEED_REVIEW_BODY
        assert screen.draft is not None and screen.draft.kind == "review"

        await pilot.press("f6")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        screen = reply_screen(app)
        assert screen.draft is not None and screen.draft.kind == "ack"
        assert body(app).text == seed_ack_body(f"Reviewed-by: {RITA}")
        assert f"Reviewed-by: {RITA}\n" in body(app).text
        assert static_text(app, "#reply-headers").splitlines() == SEED_HEADERS
        assert static_text(app, "#reply-status") == "ack of patch 1 (template: built-in)"
        assert path_value(app) == str(tmp_path / ACK_NAME)
        assert not screen.edited

        await pilot.press("f5")  # nothing edited: no question
        await settle(pilot)
        assert reply_screen(app).draft is not None
        assert body(app).text == SEED_REVIEW_BODY
        assert path_value(app) == str(tmp_path / REVIEW_NAME)
        assert notes(app) == []

    drive(app, scenario)


def test_a_file_name_the_reviewer_typed_survives_a_redraft(tmp_path: Path) -> None:
    app = seed_app(tmp_path)

    async def scenario(pilot: Pilot[None]) -> None:
        await open_reply(pilot, "ack")
        assert path_value(app) == str(tmp_path / ACK_NAME)
        reply_screen(app).query_one("#reply-path", Input).value = "to-andrew.eml"
        body(app).insert("Hi,\n\n")
        await pilot.press("f6")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert body(app).text == SEED_ACK_BODY
        assert path_value(app) == "to-andrew.eml"
        reply_screen(app).query_one("#reply-path", Input).focus()
        await pilot.press("enter")  # Enter in the file name saves
        await pilot.pause()
        written = tmp_path / "to-andrew.eml"
        assert app.session.saved == [written]
        assert parse_mail(written.read_bytes()).get_content() == SEED_ACK_BODY
        assert list(tmp_path.glob("*.eml")) == [written]

    drive(app, scenario)


def test_thanks_without_a_tree_is_an_error_and_the_draft_stays(tmp_path: Path) -> None:
    app = seed_app(tmp_path)

    async def scenario(pilot: Pilot[None]) -> None:
        await open_reply(pilot, "ack")
        await pilot.press("X", "enter")
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press("y")  # drop the edit
        await settle(pilot)
        assert notes(app) == [("error", THANKS_NEEDS_A_TREE)]
        screen = reply_screen(app)
        assert screen.draft is not None and screen.draft.kind == "ack"
        assert body(app).text == "X\n" + SEED_ACK_BODY
        assert static_text(app, "#reply-status") == "ack of patch 1 (template: built-in)"

    drive(app, scenario)


def test_thanks_after_apply_names_the_branch_and_commit(tmp_path: Path) -> None:
    xen = create_sample_tree(tmp_path / "xen")
    app = seed_app(tmp_path, tree=xen)

    async def scenario(pilot: Pilot[None]) -> None:
        app.action_apply()
        await settle(pilot)
        head = git(xen, "rev-parse", SEED_BRANCH).strip()
        await open_reply(pilot, "ack")
        await pilot.press("f7")
        await settle(pilot)
        screen = reply_screen(app)
        assert screen.draft is not None and screen.draft.kind == "thanks"
        assert body(app).text == (
            f"{SEED_ATTRIBUTION}\n"
            "> write_full_gdt_ptes() has a latent bug.  Using virt_to_mfn() and iterating\n"
            "> with (mfn + i) is wrong, because of PDX compression.  The context switch path\n"
            "> only functions correctly because NR_RESERVED_GDT_PAGES is 1.\n"
            "\n"
            f"Thanks, applied to my local review branch {SEED_BRANCH}:\n"
            "\n"
            f"  {head[:12]} x86/ctxt-switch: Document and improve GDT handling\n"
            "\n"
            "Rita\n"
        )
        assert path_value(app) == str(tmp_path / "re-ctxt-switch-gdt-v1-p1-thanks.eml")

    drive(app, scenario)


def test_options_choose_kind_and_patch_and_a_series_defaults_to_patch_1(tmp_path: Path) -> None:
    app = make_app(tmp_path, spec=VPCI, overrides=ME)

    async def scenario(pilot: Pilot[None]) -> None:
        await open_reply(pilot)
        screen = reply_screen(app)
        assert screen.draft is not None
        assert (screen.draft.kind, screen.draft.target.number) == ("review", 1)
        assert static_text(app, "#reply-status").startswith("review of patch 1 ")
        app.show("reply", kind="ack", patch=0)
        await settle(pilot)
        screen = reply_screen(app)
        assert screen.draft is not None
        assert (screen.draft.kind, screen.draft.target.number) == ("ack", 0)
        assert static_text(app, "#reply-status") == "ack of the cover letter (template: built-in)"
        assert static_text(app, "#reply-headers").splitlines()[3] == (
            "Subject: Re: [PATCH v2 0/3] x86/vpci: MSI-X fixes"
        )
        assert body(app).text.endswith(f"\nReviewed-by: {RITA}\n\nRita\n")
        app.show("reply")  # shown again without options: the draft stays
        await settle(pilot)
        assert reply_screen(app).draft is screen.draft
        app.session.choose_version(Version.parse("v1"))
        app.refresh_screens()
        await settle(pilot)
        assert reply_screen(app).draft is screen.draft
        assert static_text(app, "#reply-status") == (
            "ack of the cover letter (template: built-in) for another version: draft again "
            "with F5, F6 or F7"
        )

    drive(app, scenario)


def test_a_review_answers_the_patch_last_shown(tmp_path: Path) -> None:
    app = make_app(tmp_path, spec=VPCI, overrides=ME)

    async def scenario(pilot: Pilot[None]) -> None:
        app.open_patch(2)
        await settle(pilot)
        app.action_show("reply")
        await settle(pilot)
        screen = reply_screen(app)
        assert screen.draft is not None
        assert (screen.draft.kind, screen.draft.target.number) == ("review", 2)
        assert screen.draft.target.message.message_id == VPCI_V21_PATCH2
        assert path_value(app) == str(
            tmp_path / "re-vpci-dont-unmask-msi-x-entries-v2.1-p2-review.eml"
        )

    drive(app, scenario)


# --- identity, leaving, size ---------------------------------------------------------------------


def test_no_identity_is_an_error_notification_naming_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-gitconfig"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    app = seed_app(tmp_path, overrides=[])
    message = (
        "no identity to reply as: neither reviewbot nor git gives a name and an address; set "
        "user.name and user.email in reviewbot's config.toml, or git config --global "
        "user.name/user.email, or pass -c user.name='Your Name' -c user.email=you@example.org"
    )

    async def scenario(pilot: Pilot[None]) -> None:
        screen = await open_reply(pilot)
        assert notes(app) == [("error", message)]
        assert screen.draft is None
        assert body(app).text == ""
        assert static_text(app, "#reply-status") == f"no draft: {message}"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert notes(app)[-1] == ("warning", "nothing to save yet: wait for the draft")
        assert list(tmp_path.glob("*.eml")) == []

    drive(app, scenario)


def test_escape_leaves_the_editor_and_asks_when_edits_are_unsaved(tmp_path: Path) -> None:
    app = seed_app(tmp_path)

    async def scenario(pilot: Pilot[None]) -> None:
        assert (await open_reply(pilot, "ack")).draft is not None
        below = type(app.screen_stack[-2])
        assert below is SeriesScreen
        assert body(app).has_focus
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen) is below

        assert (await open_reply(pilot, "ack")).draft is not None
        await pilot.press("Z")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")  # no: stay, edits kept
        await pilot.pause()
        assert body(app).text == "Z" + SEED_ACK_BODY
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert type(app.screen) is below

    drive(app, scenario)


def test_the_editor_takes_most_of_an_80x24_terminal(tmp_path: Path) -> None:
    app = seed_app(tmp_path)

    async def scenario(pilot: Pilot[None]) -> None:
        await open_reply(pilot, "ack")
        screen = reply_screen(app)
        area = body(app)
        assert area.size.height > 8
        assert area.soft_wrap is False and area.show_line_numbers is False
        headers = screen.query_one("#reply-headers-box")
        assert 1 < headers.outer_size.height <= 6
        path = screen.query_one("#reply-path", Input)
        assert path.region.height == 1
        assert path.region.bottom <= 23  # above the footer
        assert area.region.y >= headers.region.bottom
        # the guide after column 72: the 73rd cell of a line has its own background
        line = area.render_line(1)  # "> write_full_gdt_ptes() has a latent bug. ..." (77 long)
        guide = [s.style.bgcolor for s in line.crop(72, 73) if s.style]
        text = [s.style.bgcolor for s in line.crop(71, 72) if s.style]
        assert guide and text and guide != text

    drive(app, scenario, size=(80, 24))
