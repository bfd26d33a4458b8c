"""The people a thread shows: who sent its mails and who was addressed in them."""

from __future__ import annotations

from email.utils import getaddresses

from reviewbot.identity import Person
from reviewbot.models import Message
from reviewbot.threads import Thread


def senders(thread: Thread) -> list[Person]:
    """The From of every message (unmasked even in archive copies: MHonArc's X-From-R13)."""
    return [person for m in thread.messages.values() for person in _people([m.from_])]


def addressees(message: Message) -> list[Person]:
    """Everyone in To, Cc and Reply-To (masked in copies rebuilt from the archive)."""
    mail = message.email()
    return _people([str(v) for name in ("To", "Cc", "Reply-To") for v in mail.get_all(name, [])])


def thread_people(thread: Thread) -> list[Person]:
    """Senders, and the addressees of pristine copies: what the store's address book keeps."""
    people = senders(thread)
    for message in thread.messages.values():
        if message.pristine:
            people += addressees(message)
    return people


def _people(fields: list[str]) -> list[Person]:
    return [Person(name, address) for name, address in getaddresses(fields) if "@" in address]
