"""The people a thread shows: who sent its mails and who was addressed in them."""

from __future__ import annotations

import email.policy
import re
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parseaddr

from reviewbot.identity import Person, parse_person
from reviewbot.mail import decode_words
from reviewbot.models import Message
from reviewbot.threads import Thread

# git mailinfo's in-body headers: at the top of the commit message, before its first blank line.
_IN_BODY_HEADER = re.compile(r"(From|Date|Subject):[ \t]*(.*)\Z", re.IGNORECASE)
_VIA_LIST = re.compile(r"^(?P<name>.*?)\s+via\s+\S+$", re.IGNORECASE)
# Headers only, the old fast policy: this runs for every mail of large mailboxes.
_HEADERS = BytesHeaderParser(policy=email.policy.compat32)


def _header_values(message: Message, *names: str) -> list[str]:
    head = _HEADERS.parsebytes(message.raw)
    return [str(value) for name in names for value in head.get_all(name, [])]


def sender_of(message: Message) -> Person | None:
    """Who wrote a mail, undoing Mailman's DMARC From rewriting.

    Mailman rewrites a DMARC-protected sender to `Name via Xen-devel <xen-devel@...>` and keeps
    the original in `X-Original-From` or `Reply-To`; those are used when the From says "via".
    """
    name, address = parseaddr(message.from_)
    if not address:
        return None
    munged = _VIA_LIST.match(name)
    if munged is None:
        return Person(name, address)
    for header in ("X-Original-From", "Reply-To"):
        for original in _people(_header_values(message, header)):
            if not original.name or original.name.casefold() == munged["name"].casefold():
                return Person(original.name or munged["name"], original.address)
    return Person(munged["name"], address)


def senders(thread: Thread) -> list[Person]:
    """Who wrote each message (unmasked even in archive copies: MHonArc's X-From-R13)."""
    return [p for m in thread.messages.values() if (p := sender_of(m)) is not None]


def addressees(message: Message) -> list[Person]:
    """Everyone in To, Cc and Reply-To (masked in copies rebuilt from the archive)."""
    return _people(_header_values(message, "To", "Cc", "Reply-To"))


def thread_people(thread: Thread) -> list[Person]:
    """Senders, and the addressees of pristine copies: what the store's address book keeps."""
    people = senders(thread)
    for message in thread.messages.values():
        if message.pristine:
            people += addressees(message)
    return people


def _people(fields: list[str]) -> list[Person]:
    """The addresses in header values, RFC 2047 names decoded."""
    return [
        Person(decode_words(name) or name, address)
        for name, address in getaddresses(fields)
        if "@" in address
    ]


def in_body_author(message: str) -> Person | None:
    """The person of git's in-body `From:` line opening a commit message (the real author of
    a patch sent on someone else's behalf), else None."""
    for line in message.lstrip("\n").split("\n"):
        header = _IN_BODY_HEADER.match(line.rstrip())
        if header is None:
            return None
        if header.group(1).casefold() == "from":
            return parse_person(header.group(2))
    return None
