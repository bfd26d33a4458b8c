"""The thread screen: the open thread as a tree of messages, and the highlighted message's text.

The tree is built once per thread and version under review (a 500-message thread is built
once, not on every refresh); the message pane is rendered only for the highlighted message.
Patches carry a `PATCH n/m` badge and, for the version under review, their A/R/T counts.
Enter on a patch of that version opens it on the patch screen; `s` shows the series.
"""

from __future__ import annotations

from datetime import UTC
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, VerticalScroll
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from reviewbot.attribution import Review
from reviewbot.mailtext import body_text
from reviewbot.models import Message
from reviewbot.render import summary_line
from reviewbot.render_review import art_counts
from reviewbot.threads import Thread
from reviewbot.tui.base import ReviewScreen

#: Below this width the tree sits above the message pane instead of beside it.
STACK_BELOW = 100
#: Replies nested deeper than this are shown at this depth (a deep chain stays readable).
MAX_DEPTH = 60
NO_THREAD = "no thread is open: pick one on the threads screen (1), or press o to open one"
HEADERS = ("From", "Date", "Subject", "Message-ID")


class MessageTree(Tree[str]):
    """The thread's messages. Enter is the tree's own key (so keys typed before it move the
    cursor first), shown in the footer as the screen's."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Open patch", id="thread-open")
    ]


class ThreadScreen(ReviewScreen):
    """The messages of the open thread in reply order, and the one under the cursor."""

    NAME = "thread"
    AUTO_FOCUS = "#thread-tree"
    DEFAULT_CSS = """
    ThreadScreen {
        #thread-panes { height: 1fr; layout: horizontal; }
        #thread-tree { width: 45%; height: 1fr; }
        #thread-message { width: 1fr; height: 1fr; padding: 0 1; }
        #thread-panes.-stacked { layout: vertical; }
        #thread-panes.-stacked #thread-tree { width: 1fr; height: 40%; }
        #thread-panes.-stacked #thread-message { width: 1fr; height: 1fr; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open patch", id="thread-open"),  # with the tree unfocused
        Binding("s", "series", "Series", id="thread-series"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._built: tuple[Thread | None, Review | None] | None = None
        self._wanted: str | None = None
        self.shown: str | None = None
        """The Message-ID the message pane shows."""
        self.nodes: dict[str, TreeNode[str]] = {}
        """The tree's node of every message, by Message-ID."""
        self.missing: dict[str, TreeNode[str]] = {}
        """Placeholder nodes of referenced messages that were not fetched, by Message-ID."""

    def compose_body(self) -> ComposeResult:
        yield Static("", id="thread-title", classes="pane-title")
        with Container(id="thread-panes"):
            tree = MessageTree("thread", id="thread-tree")
            tree.show_root = False
            tree.auto_expand = False
            tree.guide_depth = 2
            yield tree
            with VerticalScroll(id="thread-message"):
                yield Static("", id="thread-message-text")

    @property
    def message_tree(self) -> Tree[str]:
        """The message tree."""
        return self.query_one("#thread-tree", Tree)

    def on_resize(self, event: events.Resize) -> None:
        """Tree above the message below STACK_BELOW columns; beside it from there."""
        self.query_one("#thread-panes").set_class(event.size.width < STACK_BELOW, "-stacked")

    # --- showing ------------------------------------------------------------------------

    def refresh_view(self) -> None:
        """Build the tree when the thread or the version under review changed."""
        if not self.query("#thread-tree"):
            return  # not composed yet: mounting shows it
        thread = self.session.thread
        key = (thread, self.session.review if thread is not None else None)
        built = self._built
        if built is None or built[0] is not key[0] or built[1] is not key[1]:
            self._built = key
            self._build(thread)
        wanted, self._wanted = self._wanted, None
        if wanted in self.nodes:
            self.message_tree.move_cursor(self.nodes[wanted])
            self.show_message(wanted)

    def configure(self, **options: object) -> None:
        """`message=ID` puts the cursor on that message (the series screen's cover letter)."""
        message = options.get("message")
        self._wanted = message if isinstance(message, str) else None

    def _build(self, thread: Thread | None) -> None:
        tree = self.message_tree
        previous = self.shown
        tree.clear()
        self.missing = {}
        self.nodes = {}
        self.shown = None
        title = self.query_one("#thread-title", Static)
        if thread is None:
            title.update(Text("thread"))
            self._set_message(Text(NO_THREAD))
            return
        title.update(Text(summary_line(thread)))
        badges = self._badges()
        nodes: list[TreeNode[str]] = []
        for depth, message in thread.walk():
            level = min(depth, MAX_DEPTH)
            del nodes[level:]
            parent = nodes[-1] if nodes else self._top_parent(thread, message)
            label = message_label(message, badges.get(message.message_id))
            if thread.children(message.message_id):
                node = parent.add(label, message.message_id, expand=True)
            else:
                node = parent.add_leaf(label, message.message_id)
            nodes.append(node)
            self.nodes[message.message_id] = node
        tree.cursor_line = 0  # lays the lines out; the same thread keeps its message
        if previous in self.nodes:
            tree.move_cursor(self.nodes[previous])
        else:
            tree.scroll_home(animate=False)
        cursor = tree.cursor_node
        self.show_message(cursor.data if cursor is not None else None)

    def _top_parent(self, thread: Thread, message: Message) -> TreeNode[str]:
        """The tree's root, or a `(not fetched)` node for the missing message it answers."""
        root = self.message_tree.root
        candidates = message.parent_candidates
        if not candidates or candidates[0] in thread.messages:
            return root
        missing = candidates[0]
        node = self.missing.get(missing)
        if node is None:
            label = Text.assemble(("(not fetched) ", "italic dim"), (f"<{missing}>", "dim"))
            node = root.add(label, missing, expand=True)
            self.missing[missing] = node
        return node

    def _badges(self) -> dict[str, Text]:
        """`PATCH n/m` for every patch; with `A:_ R:_ T:_` for the version under review."""
        review = self.session.review  # None for a thread without patches
        if review is None:
            return {}
        series = review.series
        counts = {p.patch.message_id: art_counts(p) for p in review.patches}
        badges: dict[str, Text] = {}
        for message_id, (version, number) in series.roles.items():
            revision = series.revisions.get(version)
            total = revision.total if revision is not None else 0
            shown = "" if version.major == 1 and not version.minor else f"{version} "
            if number == 0:
                badges[message_id] = Text(f"COVER {shown}0/{total}", style="bold")
                continue
            badge = Text()
            badge.append(f"PATCH {shown}{number}/{total}", style="bold reverse")
            if message_id in counts:
                badge.append(f" {counts[message_id]}", style="bold")
            badges[message_id] = badge
        return badges

    def show_message(self, message_id: str | None) -> None:
        """Fill the message pane with the message's headers and text."""
        if message_id == self.shown and message_id is not None:
            return
        self.shown = message_id
        thread = self.session.thread
        message = thread.messages.get(message_id) if thread and message_id else None
        if message is None:
            note = (
                f"<{message_id}> is referenced by the thread but was not fetched"
                if message_id
                else NO_THREAD
            )
            self._set_message(Text(note, style="italic"))
            return
        self._set_message(message_text(message))
        self.query_one("#thread-message", VerticalScroll).scroll_home(animate=False)

    def _set_message(self, text: Text) -> None:
        self.query_one("#thread-message-text", Static).update(text)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        """Show the message under the cursor."""
        event.stop()
        self.show_message(event.node.data)

    # --- keys ---------------------------------------------------------------------------

    def on_tree_node_selected(self, event: Tree.NodeSelected[str]) -> None:
        """Enter on a message (the tree's own key, so keys typed before it have moved the
        cursor first) or a click on the highlighted one opens it."""
        event.stop()
        self._open(event.node.data)

    def action_open(self) -> None:
        """A patch of the version under review: open it; another message: read it."""
        node = self.message_tree.cursor_node
        self._open(node.data if node is not None else None)

    def _open(self, message_id: str | None) -> None:
        thread = self.session.thread
        if message_id is None or thread is None:
            return
        self.show_message(message_id)
        if message_id not in thread.messages:
            self.notify("that message was not fetched", severity="warning")
            return
        review = self.session.review
        reviewed = {p.patch.message_id: p.patch.index for p in review.patches} if review else {}
        if message_id in reviewed:
            self.rb_app.open_patch(reviewed[message_id])
            return
        role = review.series.role_of(message_id) if review else None
        if review is None or role is None or role[1] == 0:
            self.query_one("#thread-message", VerticalScroll).focus()
            return
        version, number = role
        self.notify(
            f"that is patch {number} of {version}, and {review.revision.version} is under "
            f"review: pick {version} on the series screen (s)",
            severity="warning",
        )

    def action_series(self) -> None:
        """The series the thread carries."""
        self.rb_app.action_show("series")


def message_label(message: Message, badge: Text | None) -> Text:
    """`PATCH 1/1 A:0 R:2 T:1 subject — author, date` for a tree node (badge when given)."""
    label = Text()
    if badge is not None:
        label.append_text(badge)
        label.append(" ")
    label.append(message.subject or "(no subject)")
    label.append(f" — {message.author}, {sent(message)}", style="dim")
    return label


def sent(message: Message) -> str:
    """The date in UTC as `YYYY-MM-DD HH:MM`, as the CLI's tree shows it."""
    if not message.date:
        return "(no date)"
    return message.sent_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def message_text(message: Message) -> Text:
    """The headers (From, Date, Subject, Message-ID) and the text, quoted lines dimmed."""
    text = Text()
    values = (message.from_, message.date, message.subject, f"<{message.message_id}>")
    for name, value in zip(HEADERS, values, strict=True):
        text.append(f"{name}: ", style="bold")
        text.append(f"{value}\n")
    notes = []
    if not message.pristine:
        notes.append("rebuilt from the archive's HTML")
    if message.masked:
        notes.append("addresses masked by the archive")
    notes += message.defects
    if notes:
        text.append(f"({'; '.join(notes)})\n", style="italic")
    text.append("\n")
    for line in body_text(message).splitlines():
        text.append(line + "\n", style="dim" if line.startswith(">") else "")
    return text
