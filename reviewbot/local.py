"""Mail from disk: an mbox/mboxrd file, a maildir, one `.eml`, or a `git format-patch` directory."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from reviewbot.errors import ParseError, SpecError
from reviewbot.mail import as_bytes, parse_bytes, split_mbox
from reviewbot.models import Message

_FORMAT_PATCH_NAME = re.compile(r"^(\d{4})-.*\.(patch|eml|txt)$")
_HEADER_LINE = re.compile(rb"^[!-9;-~]+:[ \t]")
#: The separator `git format-patch --stdout` writes: a commit id and git's fixed magic date.
_FORMAT_PATCH_MBOX = re.compile(rb"^From [0-9a-f]{40,64} Mon Sep 17 00:00:00 2001$", re.MULTILINE)


def read_local(path: Path) -> list[Message]:
    """Every message at `path`; ParseError when it holds no mail."""
    if path.is_dir():
        if all((path / sub).is_dir() for sub in ("cur", "new")):
            return _read_files(sorted([*(path / "new").iterdir(), *(path / "cur").iterdir()]))
        return _read_format_patch_dir(path)
    if not path.is_file():
        raise SpecError(f"{path} is neither a file nor a directory", "give a mail file")
    return _read_file(path)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SpecError(f"cannot read {path}: {exc.strerror}", "check the path") from None


def _read_file(path: Path) -> list[Message]:
    data = _read_bytes(path)
    if data.startswith(b"From "):
        raws = list(split_mbox(data))
        if _FORMAT_PATCH_MBOX.match(data):
            return _threaded(raws, str(path))
        return [_message(raw, f"{path}", index) for index, raw in enumerate(raws)]
    if not _HEADER_LINE.match(data):
        raise ParseError(f"{path} is not mail", "give an mbox, maildir, .eml or patch files")
    return [_message(data, str(path), 0)]


def _read_files(paths: list[Path]) -> list[Message]:
    messages: list[Message] = []
    for path in paths:
        if path.is_file():
            messages.extend(_read_file(path))
    if not messages:
        raise ParseError(
            "the maildir holds no messages", "give a maildir with mail in cur/ or new/"
        )
    return messages


def _message(raw: bytes, source: str, index: int) -> Message:
    try:
        return Message.from_raw(raw, source, pristine=True)
    except ParseError:
        raise ParseError(
            f"message {index + 1} of {source} has no Message-ID", "is this really mail?"
        ) from None


def _read_format_patch_dir(path: Path) -> list[Message]:
    files = sorted(p for p in path.iterdir() if p.is_file() and _FORMAT_PATCH_NAME.match(p.name))
    if not files:
        raise ParseError(
            f"{path} holds no format-patch files (NNNN-*.patch)",
            "give a directory written by git format-patch, or a maildir",
        )
    messages: list[Message] = []
    anchor: str | None = None
    for file in files:
        data = _read_bytes(file)
        raws = list(split_mbox(data)) if data.startswith(b"From ") else [data]
        if len(raws) != 1:
            raise ParseError(f"{file} is not one format-patch message", "regenerate the patches")
        message = _with_thread_headers(raws[0], str(file), anchor)
        anchor = anchor or message.message_id
        messages.append(message)
    return messages


def _threaded(raws: list[bytes], source: str) -> list[Message]:
    """`git format-patch --stdout` output: made-up Message-IDs where it wrote none."""
    messages: list[Message] = []
    anchor: str | None = None
    for raw in raws:
        message = _with_thread_headers(raw, source, anchor)
        anchor = anchor or message.message_id
        messages.append(message)
    return messages


def _with_thread_headers(raw: bytes, source: str, anchor: str | None) -> Message:
    """git format-patch without --thread writes no Message-ID: give each patch a stable one."""
    mail = parse_bytes(raw)
    if not mail.get("Subject"):
        raise ParseError(f"{source} is not a format-patch file (no Subject)", "regenerate it")
    changed = False
    if mail.get("Message-ID") is None:
        digest = hashlib.sha1(raw).hexdigest()[:20]
        mail["Message-ID"] = f"<{digest}@format-patch.reviewbot.invalid>"
        changed = True
    if anchor and mail.get("In-Reply-To") is None and mail.get("References") is None:
        mail["In-Reply-To"] = f"<{anchor}>"
        mail["References"] = f"<{anchor}>"
        changed = True
    return Message.from_raw(as_bytes(mail) if changed else raw, source, pristine=not changed)
