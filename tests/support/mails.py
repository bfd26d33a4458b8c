"""Small hand-made messages for unit tests of threading and storage."""

from __future__ import annotations

from reviewbot.models import Message


def raw_mail(
    message_id: str,
    subject: str,
    *,
    parent: str | None = None,
    references: tuple[str, ...] = (),
    date: str = "Thu, 04 Jul 2019 18:57:32 +0100",
    sender: str = "Andrew Cooper <andrew.cooper3@citrix.com>",
    body: str = "text\n",
) -> bytes:
    """One plain-text message with the threading headers asked for."""
    lines = [
        f"From: {sender}",
        f"Subject: {subject}",
        f"Date: {date}",
        f"Message-ID: <{message_id}>",
    ]
    if parent:
        lines.append(f"In-Reply-To: <{parent}>")
    refs = references or ((parent,) if parent else ())
    if refs:
        lines.append("References: " + " ".join(f"<{r}>" for r in refs))
    return ("\n".join(lines) + "\n\n" + body).encode()


def mail(message_id: str, subject: str = "s", **kwargs: object) -> Message:
    """`raw_mail` as a Message."""
    return Message.from_raw(
        raw_mail(message_id, subject, **kwargs),
        "test",  # type: ignore[arg-type]
        pristine=True,
    )
