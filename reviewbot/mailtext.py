"""The readable text of a stored message: its text parts decoded, unflowed and unfootered.

`body_text` is what every text consumer (trailers, patch bodies, quoting) starts from. It keeps
quoting and signatures (callers decide what to drop) and removes only what the mailing list
added: Mailman 2.1's footer, inline at the end of the text or as a MIME part of its own.
"""

from __future__ import annotations

import email.message
import email.policy
import re
from email.parser import BytesParser
from functools import lru_cache

from reviewbot.flowed import unflow
from reviewbot.models import Message

#: Mailman 2.1's xen-devel footer: 47 underscores (optional), the list name, its address (maybe
#: masked by the archive) and the listinfo URL, for lists.xenproject.org and the older
#: lists.xen.org and lists.xensource.com hosts.
LIST_FOOTER: re.Pattern[str] = re.compile(
    r"(?:^_{47}[ \t]*\n)?"
    r"^Xen-devel mailing list[ \t]*\n"
    r"^Xen-devel@[\w.-]+[ \t]*\n"
    r"^https?://lists\.xen(?:project|source)?\.(?:org|com)/\S*[ \t]*$",
    re.MULTILINE | re.IGNORECASE,
)

#: Attachments that carry a patch and so belong to the text of the mail.
PATCH_TYPES = frozenset({"text/x-patch", "text/x-diff", "text/x-diff-patch"})
_PATCH_NAME = re.compile(r"\.(?:patch|diff)$", re.IGNORECASE)
_FAST_PARSER = BytesParser(policy=email.policy.compat32)
_FLOWED_MARK = "\ufdd0"  # a noncharacter: never in mail text


@lru_cache(maxsize=4096)
def body_text(message: Message) -> str:
    """The text a person reads in `message`: inline text/plain parts, then patch attachments.

    Each part is decoded with its charset (an unknown or wrong one falls back to UTF-8 with
    replacement characters), CRLF becomes LF, format=flowed is undone (delsp honoured) and a
    Mailman footer at its end is removed; parts left empty are dropped. text/x-patch and
    text/x-diff attachments (and text/plain ones named `*.patch`/`*.diff`) follow the inline
    text. A mail with no plain text at all gives its text/html parts with the tags stripped.
    Trailing blank lines are trimmed; the result ends with one newline unless it is empty.

    The compat32 parser reads every message: it decodes parts, charsets and RFC 2231 names as
    well as the full policy does, at a twentieth of the cost on multipart mail.
    """
    mail = _FAST_PARSER.parsebytes(message.raw)
    inline: list[str] = []
    attached: list[str] = []
    html: list[str] = []
    for part in _leaf_parts(mail):
        kind = part.get_content_type()
        named = bool(part.get_filename())
        if kind in PATCH_TYPES or (kind == "text/plain" and _is_patch_name(part)):
            attached.append(_part_text(part))
        elif kind == "text/plain" and not named and not _is_attachment(part):
            inline.append(_part_text(part))
        elif kind == "text/html" and not named and not _is_attachment(part):
            html.append(_part_text(part))
    texts = [text for text in inline + attached if text]
    if not texts:
        from reviewbot.htmltext import html_text  # bs4 is slow to import: only for HTML mail

        texts = [text for text in (_trim(html_text(markup)) for markup in html) if text]
    return "\n".join(texts)


def strip_list_footer(text: str) -> str:
    """`text` without a Mailman footer at its end (only whitespace may follow the footer)."""
    if "mailing list" not in text:
        return text
    found = list(LIST_FOOTER.finditer(text))
    if not found or text[found[-1].end() :].strip():
        return text
    return text[: found[-1].start()]


def _leaf_parts(mail: email.message.Message) -> list[email.message.Message]:
    """The non-multipart parts in order, not descending into attached messages."""
    if not mail.is_multipart():
        return [mail]
    if mail.get_content_maintype() == "message":
        return []
    leaves: list[email.message.Message] = []
    payload = mail.get_payload()
    if isinstance(payload, list):
        for sub in payload:
            if isinstance(sub, email.message.Message):
                leaves += _leaf_parts(sub)
    return leaves


def _is_attachment(part: email.message.Message) -> bool:
    return part.get_content_disposition() == "attachment"


def _is_patch_name(part: email.message.Message) -> bool:
    name = part.get_filename()
    return bool(name) and _PATCH_NAME.search(str(name)) is not None


def _part_text(part: email.message.Message) -> str:
    """One part's decoded text: LF line ends, unflowed, footer removed, trimmed."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "us-ascii"
    try:
        text = payload.decode(charset)
    except (LookupError, UnicodeError):
        text = payload.decode("utf-8", "replace")
    text = text.replace("\r\n", "\n")
    if str(part.get_param("format", "")).lower() == "flowed":
        delsp = str(part.get_param("delsp", "")).lower() == "yes"
        text = _unflowed(text, delsp=delsp)
    return _trim(strip_list_footer(text))


def _unflowed(text: str, *, delsp: bool) -> str:
    """RFC 3676 decoding via `unflow`; with delsp=yes the soft-break space is deleted too."""
    if not delsp:
        return unflow(text)
    marked: list[str] = []
    for line in text.split("\n"):
        content = line.lstrip(">")
        content = content[1:] if content.startswith(" ") else content
        if content.endswith(" ") and content != "-- ":
            line = line[:-1] + _FLOWED_MARK + " "
        marked.append(line)
    return unflow("\n".join(marked)).replace(_FLOWED_MARK + " ", "")


def _trim(text: str) -> str:
    """Trailing blank lines removed; one final newline unless nothing is left."""
    lines = text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines) + "\n" if lines else ""
