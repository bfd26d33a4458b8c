"""The am-ready form of a reviewed series: one clean mail per patch, trailers added.

Each patch keeps its author (From) and date, its subject loses the list tag and reply
prefixes, its existing trailers stay in place (masked addresses recovered) and the collected
ones follow them. Below the `---` the notes, diffstat and diff are kept as sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.message import EmailMessage
from email.utils import formataddr

from reviewbot.addressbook import AddressBook
from reviewbot.attribution import PatchReview, Review
from reviewbot.mail import POLICY, as_bytes
from reviewbot.models import Message
from reviewbot.people import sender_of
from reviewbot.subject import Subject

_DIFF_START = re.compile(r"^diff --git |^--- \S", re.MULTILINE)


def am_messages(review: Review, book: AddressBook) -> Iterator[bytes]:
    """The patches of the reviewed version as raw mails, in series order."""
    for patch_review in review.patches:
        yield as_bytes(am_message(patch_review, book))


def am_message(review: PatchReview, book: AddressBook, diff: str | None = None) -> EmailMessage:
    """One am-ready mail; `diff` replaces the mailed diff (a repaired one) when given."""
    patch = review.patch
    source = patch.message
    mail = EmailMessage(policy=POLICY)
    mail["From"] = _author(source, book)
    mail["Date"] = source.date
    mail["Subject"] = am_subject(patch.subject)
    mail["Message-ID"] = f"<{source.message_id}>"
    mail.set_content(am_body(review, book, diff), cte="8bit")
    return mail


def am_subject(subject: Subject) -> str:
    """`[XEN PATCH v2 1/3] title`: the canonical tag (no list tag, no `Re:`) and the title."""
    tag = subject.tag()
    return f"{tag} {subject.title}" if tag else subject.title


def _author(message: Message, book: AddressBook) -> str:
    """The patch author: the sender, DMARC rewriting undone, a masked address recovered."""
    person = sender_of(message)
    if person is None:
        return message.from_
    person = book.best(person)
    return formataddr((person.name, person.address))


def am_body(review: PatchReview, book: AddressBook, diff: str | None = None) -> str:
    """The commit message with trailers rewritten and added, then the rest as sent."""
    patch = review.patch
    message = patch.body.message
    start = patch.text.find(message)
    rest = patch.text[start + len(message) :] if start >= 0 else "\n" + patch.text
    lines = message.split("\n")
    numbers = [t.line_number for t in review.existing if t.line_number is not None]
    for trailer in review.existing:
        if trailer.line_number is not None and trailer.person != trailer.written_person:
            lines[trailer.line_number] = trailer.line()
    last = max(numbers, default=len(lines) - 1)
    added = [t.line() for t in review.collected]
    if not review.existing and added:
        added = ["", *added]
    lines[last + 1 : last + 1] = added
    head, sent_diff = _split_at_diff(rest)
    return "\n".join(lines) + book.unmask_text(head) + (sent_diff if diff is None else diff)


def _split_at_diff(text: str) -> tuple[str, str]:
    found = _DIFF_START.search(text)
    if found is None:
        return text, ""
    return text[: found.start()], text[found.start() :]
