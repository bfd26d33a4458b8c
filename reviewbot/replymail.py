"""A draft as real mail, and writing it where a mailer picks it up (.eml or an mbox).

The mail has everything `git send-email`, mutt and `neomutt -H` need: From, To, Cc, Subject,
Date, Message-ID, In-Reply-To and References, UTF-8 text with RFC 2047 names. reviewbot
never sends it. Files are written whole or not at all: an .eml through a temporary file
renamed into place, an mbox append under a lock and truncated back if it fails.
"""

from __future__ import annotations

import email.policy
import fcntl
import os
import quopri
import tempfile
from collections.abc import Iterable
from email.header import Header
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, formataddr, make_msgid
from io import BytesIO
from pathlib import Path

from reviewbot import __version__
from reviewbot.errors import ReviewbotError
from reviewbot.identity import Person
from reviewbot.mail import write_mboxrd
from reviewbot.naming import short_slug
from reviewbot.replydraft import Draft
from reviewbot.subject import parse_subject

#: How drafts are read back (tests, `--json`, the TUI).
MAIL_POLICY = email.policy.default.clone(linesep="\n")
_MAX_8BIT_LINE = 998


class OutputError(ReviewbotError):
    """A draft that cannot be written where the user asked."""


def render_mail(draft: Draft, body: str | None = None, message_id: str | None = None) -> bytes:
    """The mail for `draft` as a file holds it (with `body` instead of the draft's text).

    Headers are written here, not by the email package: its folder can swallow the comma
    after an RFC 2047-encoded name and so lose the next address (CPython gh-80222).
    One address per line, non-ASCII names and subjects encoded, LF line ends.
    """
    domain = draft.sender.address.rpartition("@")[2] or "localhost"
    text = draft.body if body is None else body
    text = text if text.endswith("\n") else text + "\n"
    long_lines = any(len(line.encode()) > _MAX_8BIT_LINE for line in text.split("\n"))
    headers = [
        ("From", _addresses([draft.sender])),
        ("To", _addresses(draft.recipients.to)),
        ("Cc", _addresses(draft.recipients.cc)),
        ("Subject", _unstructured(draft.subject)),
        ("Date", format_datetime(draft.date)),
        ("Message-ID", message_id or make_msgid("reviewbot", domain=domain)),
        ("In-Reply-To", f"<{draft.in_reply_to}>"),
        ("References", "\n ".join(f"<{ref}>" for ref in draft.references)),
        ("User-Agent", f"reviewbot/{__version__}"),
        ("MIME-Version", "1.0"),
        ("Content-Type", 'text/plain; charset="utf-8"'),
        ("Content-Transfer-Encoding", "quoted-printable" if long_lines else "8bit"),
    ]
    head = "".join(f"{name}: {value}\n" for name, value in headers if value)
    payload = quopri.encodestring(text.encode("utf-8")) if long_lines else text.encode("utf-8")
    return head.encode("ascii") + b"\n" + payload


def parse_mail(data: bytes) -> EmailMessage:
    """A rendered draft read back with the email package."""
    parsed = BytesParser(policy=MAIL_POLICY).parsebytes(data)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _addresses(people: Iterable[Person]) -> str:
    """`Name <address>` each (names quoted or RFC 2047-encoded as needed), one per line."""
    return ",\n ".join(formataddr((p.name, p.address), charset="utf-8") for p in people)


def _unstructured(text: str) -> str:
    """A Subject: encoded words when it is not ASCII, folded at spaces when it is long."""
    charset = "us-ascii" if text.isascii() else "utf-8"
    return Header(text, charset, header_name="Subject").encode(linesep="\n")


def write_eml(path: Path, data: bytes, *, force: bool = False) -> None:
    """Write the mail `data` to `path` whole; OutputError when it exists (unless `force`) or
    cannot be written. An existing file is never left half-replaced."""
    if path.exists() and not force:
        raise OutputError(
            f"{path} already exists", "choose another -o, or give --force to replace it"
        )
    if path.is_dir():
        raise OutputError(f"{path} is a directory", "give -o a file name")
    directory = path.parent if str(path.parent) else Path()
    if not directory.is_dir():
        raise OutputError(f"{directory} does not exist", "create it or write elsewhere")
    try:
        handle, scratch = tempfile.mkstemp(prefix=".reviewbot-", suffix=".eml", dir=directory)
    except OSError as exc:
        raise OutputError(
            f"cannot write in {directory}: {exc.strerror}", "write elsewhere"
        ) from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        Path(scratch).chmod(0o644 & ~_umask())
        Path(scratch).replace(path)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise


def append_mbox(path: Path, data: bytes) -> None:
    """Append the mail `data` to the mbox `path` (created when missing) under an exclusive lock; a
    failed write is truncated away. OutputError when `path` holds something else."""
    if path.is_dir():
        raise OutputError(f"{path} is a directory", "give --mbox an mbox file")
    entry = BytesIO()
    write_mboxrd([data], entry)
    existed = path.exists()
    try:
        with path.open("ab+") as out:
            fcntl.flock(out.fileno(), fcntl.LOCK_EX)
            size = out.seek(0, os.SEEK_END)
            if size:
                out.seek(0)
                if not out.read(5) == b"From ":
                    raise OutputError(
                        f"{path} is not an mbox (it does not start with a From line)",
                        "give --mbox an mbox file, or -o FILE for an .eml",
                    )
                out.seek(max(size - 2, 0))
                ending = out.read(2)
                separator = (
                    b"" if ending == b"\n\n" else b"\n" if ending.endswith(b"\n") else b"\n\n"
                )
                out.seek(0, os.SEEK_END)
            else:
                separator = b""
            try:
                out.write(separator + entry.getvalue())
                out.flush()
                os.fsync(out.fileno())
            except BaseException:
                out.truncate(size)
                raise
    except OSError as exc:
        _remove_if_created(path, existed)
        raise OutputError(f"cannot append to {path}: {exc.strerror}", "write elsewhere") from None
    except BaseException:
        _remove_if_created(path, existed)
        raise


def _remove_if_created(path: Path, existed: bool) -> None:
    """Take back an empty mbox this append created before it failed."""
    if not existed and path.is_file() and path.stat().st_size == 0:
        path.unlink()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def free_reply_name(draft: Draft, directory: Path) -> Path:
    """`re-ctxt-switch-gdt-v1-p1-review.eml` in `directory` (`-2`, `-3` … when taken)."""
    subject = parse_subject(draft.target.message.subject)
    slug = short_slug(subject.title) or "series"
    number = f"-p{draft.target.number}" if draft.target.patch is not None else "-cover"
    stem = f"re-{slug}-{subject.version}{number}-{draft.kind}"
    path = directory / f"{stem}.eml"
    counter = 2
    while path.exists():
        path = directory / f"{stem}-{counter}.eml"
        counter += 1
    return path
