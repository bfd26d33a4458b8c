"""SPEC: what the user names a thread by, on every command.

An MHonArc archive page URL, a public-inbox URL, a Message-ID (`<id>`, `id:id` or bare), or a
local mbox, maildir, `.eml` file or directory of `git format-patch` files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reviewbot.errors import SpecError
from reviewbot.mail import normalize_msgid


@dataclass(frozen=True)
class ArchiveSpec:
    """A lists.xenproject.org-style MHonArc message page."""

    url: str


@dataclass(frozen=True)
class InboxSpec:
    """A message on a public-inbox server (lore), named by URL or by Message-ID."""

    base: str | None  # None: the configured lore_url
    message_id: str


@dataclass(frozen=True)
class LocalSpec:
    """Mail on disk."""

    path: Path


Spec = ArchiveSpec | InboxSpec | LocalSpec

_SPEC_FORMS = (
    "give an archive page URL (…/archives/html/xen-devel/YYYY-MM/msgNNNNN.html), "
    "a lore URL or Message-ID, or an mbox, maildir, .eml or format-patch directory"
)


def parse_spec(text: str) -> Spec:
    """Recognise a SPEC; SpecError with a one-line explanation when it is none of the forms."""
    value = text.strip()
    if not value:
        raise SpecError("empty SPEC", _SPEC_FORMS)
    if value.startswith(("http://", "https://")):
        return _parse_url(value)
    if "://" in value:
        scheme = value.split("://", 1)[0]
        raise SpecError(f"unsupported URL scheme {scheme!r} in {value}", _SPEC_FORMS)
    path = Path(value).expanduser()
    if path.exists():
        return LocalSpec(path.resolve())
    looks_like_id = value.startswith(("<", "id:")) or ("@" in value and "/" not in value)
    if looks_like_id:
        return InboxSpec(None, normalize_msgid(value))
    if "/" in value or path.suffix in {".mbox", ".eml", ".mbx", ".patch", ".gz"}:
        raise SpecError(f"no such file or directory: {value}", "check the path")
    raise SpecError(f"cannot tell what {value!r} is", _SPEC_FORMS)


def _parse_url(url: str) -> Spec:
    from reviewbot.archive.urls import parse_archive_url

    location = parse_archive_url(url)
    if location is not None:
        if location.number is None:
            raise SpecError(
                f"{url} is a month index, not a message",
                "give the URL of one message page (…/YYYY-MM/msgNNNNN.html)",
            )
        return ArchiveSpec(url.split("#", 1)[0])
    from reviewbot.lore import parse_inbox_url

    ref = parse_inbox_url(url)
    if ref is not None:
        return InboxSpec(ref.base, normalize_msgid(ref.message_id))
    raise SpecError(f"unrecognised URL {url}", _SPEC_FORMS)
