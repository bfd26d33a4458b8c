"""Show a thread: as a tree for people, as JSON for scripts, as mboxrd for mail tools."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC
from pathlib import Path

from reviewbot.errors import ReviewbotError
from reviewbot.mail import write_mboxrd
from reviewbot.models import Message
from reviewbot.threads import Thread


def _mark(message: Message) -> str:
    if message.is_patch:
        return "P"
    return "·"


def _flags(message: Message) -> str:
    flags = []
    if not message.pristine:
        flags.append("html")
    if message.masked:
        flags.append("masked")
    if message.defects:
        flags.append("defects: " + ", ".join(message.defects))
    return f"  [{'; '.join(flags)}]" if flags else ""


def _when(message: Message) -> str:
    if not message.date:
        return "(no date)"
    return message.sent_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def tree_lines(thread: Thread, notes: Mapping[str, str] | None = None) -> list[str]:
    """One line per message in reply order, drawn as a tree; patches marked `P`.

    `notes` adds text after a message's subject (the trailer counts of a patch).
    """
    lines: list[str] = []
    notes = notes or {}

    def draw(message: Message, lead: str, branch: str) -> None:
        note = notes.get(message.message_id)
        lines.append(
            f"{_mark(message)} {lead}{branch}{message.subject or '(no subject)'}"
            f"{'  [' + note + ']' if note else ''}"
            f"  — {message.author}, {_when(message)}{_flags(message)}"
        )
        replies = thread.children(message.message_id)
        below = lead + ("   " if branch == "└─ " else "│  " if branch else "")
        for number, reply in enumerate(replies):
            draw(reply, below, "└─ " if number == len(replies) - 1 else "├─ ")

    for top in thread.children(None):
        draw(top, "", "")
    return lines


def summary_line(thread: Thread) -> str:
    """Counts of messages, patches and copies rebuilt from HTML."""
    messages = list(thread.messages.values())
    patches = sum(m.is_patch for m in messages)
    rebuilt = sum(not m.pristine for m in messages)
    parts = [f"{len(messages)} messages", f"{patches} patches"]
    if rebuilt:
        parts.append(f"{rebuilt} rebuilt from the archive's HTML")
    missing = thread.missing_ids()
    if missing:
        parts.append(f"{len(missing)} referenced but not found")
    return f"thread <{thread.root}>: " + ", ".join(parts)


def thread_json(thread: Thread) -> str:
    """The `--json` document of `reviewbot fetch`."""
    document = {
        "root": thread.root,
        "messages": [
            {
                "message_id": m.message_id,
                "in_reply_to": m.in_reply_to,
                "references": list(m.references),
                "subject": m.subject,
                "from": m.from_,
                "date": m.date,
                "source": m.source,
                "pristine": m.pristine,
            }
            for m in thread.ordered()
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def write_thread_mbox(thread: Thread, path: Path) -> None:
    """Write the thread as mboxrd, atomically (a temporary file renamed into place)."""
    temporary = path.with_name(f".{path.name}.reviewbot-tmp")
    try:
        with temporary.open("wb") as out:
            write_mboxrd((m.raw for m in thread.ordered()), out)
        temporary.replace(path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ReviewbotError(f"cannot write {path}: {exc.strerror}", "check the path") from None
