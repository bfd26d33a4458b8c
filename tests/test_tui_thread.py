"""The thread screen: the message tree (badges, counts, placeholders), the message pane, Enter
on patches and other mail, the layout at 80x24 and 120 columns, and a 500-message thread."""

from __future__ import annotations

import time
from pathlib import Path

from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Static
from textual.widgets.tree import TreeNode

from reviewbot.tui.app import ReviewbotApp
from reviewbot.tui.screens.thread import ThreadScreen
from tests.conftest import FIXTURES
from tests.support.tui import drive, make_app, settle

SEED = str(FIXTURES / "mail" / "seed-gdt.mbox")
VPCI = str(FIXTURES / "mail" / "series-vpci.mbox")
SEED_ROOT = "20190704175732.5943-1-andrew.cooper3@citrix.com"
JUERGEN = "b4d3c0ea-3a1f-5d6e-93c2-1f8e0b7d2a65@suse.com"
SUBJECT = "[Xen-devel] [PATCH] x86/ctxt-switch: Document and improve GDT handling"


def thread_screen(app: ReviewbotApp) -> ThreadScreen:
    screen = app.screen
    assert isinstance(screen, ThreadScreen), type(screen).__name__
    return screen


def outline(node: TreeNode[str], depth: int = 0) -> list[tuple[int, str, bool]]:
    """(depth, label, expanded) for every node below `node`, in tree order."""
    lines: list[tuple[int, str, bool]] = []
    for child in node.children:
        lines.append((depth, str(child.label), child.is_expanded))
        lines += outline(child, depth + 1)
    return lines


def pane(app: ReviewbotApp) -> Text:
    content = app.screen.query_one("#thread-message-text", Static).content
    assert isinstance(content, Text)
    return content


def notes(app: ReviewbotApp) -> list[tuple[str, str]]:
    return [(n.message, n.severity) for n in app._notifications]


async def to_thread(pilot: Pilot[None]) -> ThreadScreen:
    await pilot.press("2")
    await settle(pilot)
    assert isinstance(pilot.app, ReviewbotApp)
    return thread_screen(pilot.app)


def test_seed_tree_labels_badge_and_counts(tmp_path: Path) -> None:
    app = make_app(tmp_path, spec=SEED)

    async def scenario(pilot: Pilot[None]) -> tuple[str, list[tuple[int, str, bool]]]:
        screen = await to_thread(pilot)
        title = str(screen.query_one("#thread-title", Static).content)
        return title, outline(screen.message_tree.root)

    title, lines = drive(app, scenario)
    assert title == f"thread <{SEED_ROOT}>: 4 messages, 1 patches"
    assert lines == [
        (0, f"PATCH 1/1 A:0 R:2 T:1 {SUBJECT} — Andrew Cooper, 2019-07-04 17:57", True),
        (1, f"Re: {SUBJECT} — Juergen Gross, 2019-07-05 07:51", True),
        (2, f"Re: {SUBJECT} — Andrew Cooper, 2019-07-05 09:40", False),
        (1, f"Re: {SUBJECT} — Jan Beulich, 2019-07-08 10:23", False),
    ]


def test_highlighting_a_message_fills_the_pane(tmp_path: Path) -> None:
    app = make_app(tmp_path, spec=SEED)

    async def scenario(pilot: Pilot[None]) -> list[object]:
        screen = await to_thread(pilot)
        first = pane(app).plain.split("\n")[:5]
        await pilot.press("down")
        text = pane(app)
        lines = text.plain.split("\n")
        quoted = lines.index(
            "> write_full_gdt_ptes() has a latent bug.  Using virt_to_mfn() and iterating"
        )
        start = sum(len(line) + 1 for line in lines[:quoted])
        styles = {str(span.style) for span in text.spans if span.start == start}
        said = lines.index("On 04.07.19 19:57, Andrew Cooper wrote:")
        said_at = sum(len(line) + 1 for line in lines[:said])
        plain = [str(span.style) for span in text.spans if span.start == said_at]
        return [first, screen.shown, lines[:6], styles, plain]

    first, shown, lines, styles, plain = drive(app, scenario)
    assert first == [
        "From: Andrew Cooper <andrew.cooper3@citrix.com>",
        "Date: Thu, 4 Jul 2019 18:57:32 +0100",
        f"Subject: {SUBJECT}",
        f"Message-ID: <{SEED_ROOT}>",
        "",
    ]
    assert shown == JUERGEN
    assert lines == [
        "From: Juergen Gross <jgross@suse.com>",
        "Date: Fri, 5 Jul 2019 09:51:04 +0200",
        f"Subject: Re: {SUBJECT}",
        f"Message-ID: <{JUERGEN}>",
        "",
        "On 04.07.19 19:57, Andrew Cooper wrote:",
    ]
    assert styles == {"dim"}
    assert plain == []


def test_enter_on_the_patch_opens_it_and_on_a_reply_reads_it(tmp_path: Path) -> None:
    app = make_app(tmp_path, spec=SEED)

    async def scenario(pilot: Pilot[None]) -> list[object]:
        screen = await to_thread(pilot)
        await pilot.press("down", "enter")
        seen: list[object] = [
            type(app.screen).__name__,
            screen.query_one("#thread-message").has_focus,
            screen.shown,
        ]
        await pilot.press("up")  # the tree no longer has focus: the pane scrolls
        screen.message_tree.focus()
        await pilot.press("up", "enter")
        await settle(pilot)
        seen += [type(app.screen).__name__, getattr(app.screen, "number", None)]
        return seen

    assert drive(app, scenario) == ["ThreadScreen", True, JUERGEN, "PatchScreen", 1]


def test_s_shows_the_series(tmp_path: Path) -> None:
    app = make_app(tmp_path, spec=SEED)

    async def scenario(pilot: Pilot[None]) -> list[str]:
        await to_thread(pilot)
        await pilot.press("s")
        await settle(pilot)
        return [type(s).__name__ for s in app.screen_stack[1:]]

    assert drive(app, scenario) == ["ThreadsScreen", "ThreadScreen", "SeriesScreen"]


def test_series_badges_and_patches_outside_the_version_under_review(tmp_path: Path) -> None:
    app = make_app(tmp_path, spec=VPCI)

    async def scenario(pilot: Pilot[None]) -> list[object]:
        screen = await to_thread(pilot)
        labels = [
            label.split(" [Xen-devel]")[0] for _, label, _ in outline(screen.message_tree.root)
        ]
        await pilot.press("down", "enter")  # v1's patch 1: not under review
        seen: list[object] = [labels, type(app.screen).__name__, notes(app)]
        await pilot.press("up", "enter")  # the cover letter: read it
        await pilot.pause()
        seen += [type(app.screen).__name__, screen.query_one("#thread-message").has_focus]
        tree = screen.message_tree
        tree.focus()
        cover = next(n for n in screen.nodes.values() if str(n.label).startswith("COVER v2"))
        tree.move_cursor(cover)
        await pilot.press("down", "enter")  # v2 1/3, inherited by v2.1
        await settle(pilot)
        seen += [type(app.screen).__name__, getattr(app.screen, "number", None)]
        return seen

    labels, *rest = drive(app, scenario)
    assert labels == [
        "COVER 0/3",
        "PATCH 1/3",
        "PATCH 2/3",
        "Re:",
        "PATCH 3/3",
        "Re:",
        "Re:",
        "Re:",
        "Re:",
        "COVER v2 0/3",
        "PATCH v2 1/3 A:0 R:1 T:0",
        "PATCH v2 2/3",
        "PATCH v2.1 2/3 A:1 R:2 T:0",
        "Re:",
        "PATCH v2 3/3 A:0 R:0 T:0",
    ]
    assert rest == [
        "ThreadScreen",
        [
            (
                "that is patch 1 of v1, and v2.1 is under review: pick v1 on the series screen (s)",
                "warning",
            )
        ],
        "ThreadScreen",
        True,
        "PatchScreen",
        1,
    ]


def test_no_thread_shows_a_hint(tmp_path: Path) -> None:
    app = make_app(tmp_path)

    async def scenario(pilot: Pilot[None]) -> tuple[str, int, list[str]]:
        await pilot.press("2")  # refused: no thread
        names = [type(s).__name__ for s in app.screen_stack[1:]]
        app.show("thread")
        await settle(pilot)
        screen = thread_screen(app)
        return pane(app).plain, len(screen.message_tree.root.children), names

    assert drive(app, scenario) == (
        "no thread is open: pick one on the threads screen (1), or press o to open one",
        0,
        ["ThreadsScreen"],
    )
    assert notes(app) == [("open a thread first (Enter on the list, or o)", "warning")]


def test_a_missing_parent_is_a_not_fetched_node(tmp_path: Path) -> None:
    mbox = tmp_path / "orphans.mbox"
    subject = "[PATCH 1/2] xen: the cover went missing"
    mbox.write_text(
        mail("a@x", subject, "Ann <ann@example.org>", 0, parent="gone@x", patch=True)
        + mail("b@x", f"Re: {subject}", "Bob <bob@example.org>", 1, parent="a@x"),
        encoding="utf-8",
    )
    app = make_app(tmp_path, spec=str(mbox))

    async def scenario(pilot: Pilot[None]) -> list[object]:
        screen = await to_thread(pilot)
        seen: list[object] = [outline(screen.message_tree.root), screen.shown]
        await pilot.press("enter")
        await pilot.pause()
        seen += [pane(app).plain, type(app.screen).__name__, notes(app)]
        return seen

    assert drive(app, scenario) == [
        [
            (0, "(not fetched) <gone@x>", True),
            (1, f"PATCH 1/2 A:0 R:0 T:0 {subject} — Ann, 2026-01-05 10:00", True),
            (2, f"Re: {subject} — Bob, 2026-01-05 10:01", False),
        ],
        "gone@x",
        "<gone@x> is referenced by the thread but was not fetched",
        "ThreadScreen",
        [("that message was not fetched", "warning")],
    ]


def test_a_thread_without_patches_is_still_shown(tmp_path: Path) -> None:
    app = make_app(tmp_path, spec=str(FIXTURES / "mail" / "noise-osstest.mbox"))

    async def scenario(pilot: Pilot[None]) -> list[object]:
        screen = await to_thread(pilot)
        seen: list[object] = [outline(screen.message_tree.root), pane(app).plain.split("\n")[0]]
        await pilot.press("enter")
        await pilot.pause()
        seen += [type(app.screen).__name__, screen.query_one("#thread-message").has_focus]
        return seen

    assert drive(app, scenario) == [
        [
            (
                0,
                "[Xen-devel] [xen-unstable test] 139021: regressions - FAIL — osstest service "
                "owner, 2019-07-13 04:12",
                False,
            )
        ],
        "From: osstest service owner <osstest-admin@xenproject.org>",
        "ThreadScreen",
        True,
    ]
    [(message, severity)] = notes(app)
    assert severity == "warning"  # a discussion is read, not reviewed: no error, no series
    assert message.startswith("thread <") and "holds no patches" in message
    assert app.session.review is None


def test_layout_stacks_at_80x24_and_splits_at_120(tmp_path: Path) -> None:
    def regions(size: tuple[int, int]) -> tuple[tuple[int, int, int, int], ...]:
        app = make_app(tmp_path, spec=SEED)

        async def scenario(pilot: Pilot[None]) -> tuple[tuple[int, int, int, int], ...]:
            screen = await to_thread(pilot)
            tree = screen.message_tree.region
            message = screen.query_one("#thread-message").region
            return tuple((r.x, r.y, r.width, r.height) for r in (tree, message))

        return drive(app, scenario, size=size)

    assert regions((80, 24)) == ((0, 2, 80, 8), (0, 10, 80, 13))
    assert regions((120, 32)) == ((0, 2, 54, 29), (54, 2, 66, 29))


# --- a long thread -------------------------------------------------------------------------


def mail(
    message_id: str,
    subject: str,
    sender: str,
    minute: int,
    parent: str | None,
    *,
    patch: bool | None = None,
) -> str:
    """One mboxrd entry; replies give In-Reply-To and References; a patch carries a diff
    (by default the mail that answers nothing)."""
    hour, minute = divmod(minute, 60)
    day, hour = divmod(10 + hour, 24)
    headers = [
        "From mboxrd@z Thu Jan  1 00:00:00 1970",
        f"From: {sender}",
        f"Subject: {subject}",
        f"Date: Mon, {5 + day:02d} Jan 2026 {hour:02d}:{minute:02d}:00 +0000",
        f"Message-ID: <{message_id}>",
    ]
    if parent is not None:
        headers += [f"In-Reply-To: <{parent}>", f"References: <{parent}>"]
    body = "Looks fine to me.\n"
    if parent is None if patch is None else patch:
        body = (
            "Make the thing better.\n\nSigned-off-by: Ann <ann@example.org>\n---\n"
            "diff --git a/xen/a.c b/xen/a.c\n--- a/xen/a.c\n+++ b/xen/a.c\n"
            "@@ -1 +1 @@\n-old\n+new\n"
        )
    return "\n".join(headers) + "\n\n" + body + "\n"


def big_thread(path: Path, messages: int) -> Path:
    """A patch and `messages - 1` replies, each answering an earlier mail (a binary tree)."""
    ids = [f"m{n}@example.org" for n in range(messages)]
    parts = [mail(ids[0], "[PATCH] xen: make the thing better", "Ann <ann@example.org>", 0, None)]
    for n in range(1, messages):
        sender = f"Reviewer {n % 7} <r{n % 7}@example.org>"
        subject = "Re: [PATCH] xen: make the thing better"
        parts.append(mail(ids[n], subject, sender, n, ids[(n - 1) // 2]))
    path.write_text("".join(parts), encoding="utf-8")
    return path


def count(node: TreeNode[str]) -> int:
    return sum(1 + count(child) for child in node.children)


def test_a_500_message_thread_builds_once_and_stays_responsive(tmp_path: Path) -> None:
    app = make_app(tmp_path, spec=str(big_thread(tmp_path / "big.mbox", 500)))

    async def scenario(pilot: Pilot[None]) -> list[object]:
        started = time.perf_counter()
        screen = await to_thread(pilot)
        opened = time.perf_counter() - started
        tree = screen.message_tree
        first = tree.root.children[0]
        seen: list[object] = [count(tree.root), len(screen.nodes), str(first.label)]
        app.refresh_screens()
        seen.append(tree.root.children[0] is first)
        started = time.perf_counter()
        await pilot.press(*["down"] * 12)
        moved = time.perf_counter() - started
        seen += [screen.shown, tree.cursor_line, opened < 5.0, moved < 5.0]
        return seen

    assert drive(app, scenario) == [
        500,
        500,
        "PATCH 1/1 A:0 R:0 T:0 [PATCH] xen: make the thing better — Ann, 2026-01-05 10:00",
        True,
        thread_line(500, 12),
        12,
        True,
        True,
    ]


def thread_line(messages: int, line: int) -> str:
    """The Message-ID on `line` of the binary tree (depth-first, oldest reply first)."""
    children: dict[int, list[int]] = {}
    for n in range(1, messages):
        children.setdefault((n - 1) // 2, []).append(n)
    order: list[int] = []
    stack = [0]
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(reversed(children.get(node, [])))
    return f"m{order[line]}@example.org"
