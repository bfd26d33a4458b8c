"""Every fixture mailbox, through the real MHonArc pages and back: same thread, same text.

Allowed differences, and nothing else:

* address masking: the source is masked with MHonArc's own rule before comparing;
* line ends: a CRLF body (Outlook's base64) is compared with LF, as MHonArc writes it;
* format=flowed bodies are compared after RFC 3676 decoding (`unflow`) on both sides;
* fancyquote bodies: quote prefixes are spelled canonically on both sides (MHonArc's own
  compression: optional space, then `>` each followed by an optional space). The messages
  that need this are listed below; every other body must match exactly.
"""

from __future__ import annotations

import dataclasses
import email.utils
import re
from collections.abc import Iterator
from email.message import EmailMessage
from functools import cache
from pathlib import Path

import pytest

from reviewbot.archive import ArchivePage, parse_page, rebuild_message
from reviewbot.archive.body import mask_addresses
from reviewbot.archive.rebuild import rebuild_bytes
from reviewbot.flowed import unflow
from reviewbot.mail import as_bytes, msgids_in, parse_bytes, split_mbox

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SITE = "https://lists.xenproject.org/archives/html/xen-devel"
MAILBOXES = sorted((FIXTURES / "mail").glob("*.mbox"))
#: Non-flowed bodies whose quote prefixes are spelled other than `">" * depth + " "`.
QUOTE_SPELLING = {
    "20190709154412.GB2016@mail-itl": "Mutt `> > `",
    "20190716093215.yhnq5wjtbl2c3i7s@debian": "NeoMutt `> ` on a blank line",
    "0b6f3d1e8a5c4e27a9d2c7f14e8b3a60@AMSPEX02CL03.citrite.net": "Outlook `> ` on blank lines",
    "8f3e6d2c1b0a9f8e7d6c5b4a39281706f5e4d3c2.camel@suse.com": "Evolution `> > `",
    "20190910110148.24150-1-wl@xen.org": "git diff context lines ` > …` (pandoc block quotes)",
}
_QUOTE = re.compile(r"^ ?((?:> ?)+)(.*)$")


@cache
def archive_pages(tree: str = "archive") -> dict[str, ArchivePage]:
    pages: dict[str, ArchivePage] = {}
    for path in sorted((FIXTURES / tree / "xen-devel").glob("*/msg*.html")):
        page = parse_page(path.read_bytes(), f"{SITE}/{path.parent.name}/{path.name}")
        pages[page.message_id] = page
    return pages


def messages(mbox: Path) -> Iterator[EmailMessage]:
    for raw in split_mbox(mbox.read_bytes()):
        yield parse_bytes(raw)


def msgid(message: EmailMessage) -> str:
    return msgids_in(str(message["Message-ID"]))[0]


def parent(message: EmailMessage) -> str | None:
    ids = msgids_in(str(message["In-Reply-To"] or "")) or msgids_in(
        str(message["References"] or "")
    )
    return ids[-1] if ids else None


def shown_text(message: EmailMessage) -> str:
    """What MHonArc shows: every non-HTML text part, masked, with LF line ends."""
    parts = [
        part.get_content()
        for part in message.walk()
        if part.get_content_maintype() == "text" and part.get_content_subtype() != "html"
    ]
    text = mask_addresses("".join(parts).replace("\r\n", "\n"))
    return text if text.endswith("\n") else text + "\n"


def canonical_quotes(text: str) -> str:
    """Spell every quote prefix as MHonArc's fancyquote reads it, `">" * depth + " "`."""
    lines = []
    for line in text.split("\n"):
        match = _QUOTE.match(line)
        if match is None:
            lines.append(line)
            continue
        depth, rest = match.group(1).count(">"), match.group(2)
        lines.append(">" * depth + (" " + rest if rest else ""))
    return "\n".join(lines)


def addresses(value: object) -> list[tuple[str, str]]:
    return email.utils.getaddresses([str(value or "")])


def assert_same_headers(source: EmailMessage, rebuilt: EmailMessage) -> None:
    assert msgid(rebuilt) == msgid(source)
    assert parent(rebuilt) == parent(source)
    # MHonArc's order: References, then In-Reply-To's last id when not listed yet
    references = msgids_in(str(source["References"] or ""))
    last_reply_to = msgids_in(str(source["In-Reply-To"] or ""))[-1:]
    expected = list(dict.fromkeys(references + last_reply_to))
    assert msgids_in(str(rebuilt["References"] or "")) == expected
    assert str(rebuilt["From"]) == str(source["From"])
    assert str(rebuilt["Subject"]) == str(source["Subject"])
    assert email.utils.parsedate_to_datetime(str(rebuilt["Date"])) == (
        email.utils.parsedate_to_datetime(str(source["Date"]))
    )
    for name in ("To", "Cc"):
        assert addresses(rebuilt[name]) == addresses(mask_addresses(str(source[name] or "")))


def compare_bodies(source: EmailMessage, rebuilt: EmailMessage, page: ArchivePage) -> bool:
    """Assert the bodies agree; True when they agree without canonical quote spelling."""
    original, back = shown_text(source), str(rebuilt.get_content())
    if page.body_flowed:
        assert source.get_param("format") == "flowed"
        assert rebuilt.get_param("format") == "flowed"
        assert unflow(back) == unflow(original)
        return bool(back == original)
    if back == original:
        return True
    assert canonical_quotes(back) == canonical_quotes(original)
    return False


@pytest.mark.parametrize("mbox", MAILBOXES, ids=lambda path: path.stem)
def test_mailbox_round_trip(mbox: Path) -> None:
    pages = archive_pages()
    inexact = set()
    count = 0
    for source in messages(mbox):
        page = pages[msgid(source)]
        rebuilt = parse_bytes(rebuild_bytes(page))  # the bytes the store keeps
        assert_same_headers(source, rebuilt)
        if not compare_bodies(source, rebuilt, page):
            inexact.add(msgid(source))
        count += 1
    assert count >= 1
    assert inexact <= set(QUOTE_SPELLING)


def test_quote_spelling_losses_are_all_seen() -> None:
    pages = archive_pages()
    seen = set()
    for mbox in MAILBOXES:
        for source in messages(mbox):
            page = pages[msgid(source)]
            if not compare_bodies(source, rebuild_message(page), page):
                seen.add(msgid(source))
    assert seen == set(QUOTE_SPELLING)


def test_every_page_comes_from_a_fixture_mail() -> None:
    sources = {msgid(message) for mbox in MAILBOXES for message in messages(mbox)}
    assert set(archive_pages()) == sources


@pytest.mark.parametrize("tree", ["archive-variants/plain", "archive-variants/quote"])
def test_seed_thread_round_trips_exactly_in_other_modes(tree: str) -> None:
    pages = archive_pages(tree)
    sources = list(messages(FIXTURES / "mail" / "seed-gdt.mbox"))
    assert len(pages) == len(sources) == 4
    for source in sources:
        page = pages[msgid(source)]
        rebuilt = rebuild_message(page)
        assert_same_headers(source, rebuilt)
        assert compare_bodies(source, rebuilt, page) is True


# --- what rebuild_message writes --------------------------------------------------------


def test_rebuilt_seed_patch_headers() -> None:
    page = archive_pages()["20190704175732.5943-1-andrew.cooper3@citrix.com"]
    message = rebuild_message(page)
    head = as_bytes(message).split(b"\n\n", 1)[0].decode("ascii")
    assert head.split("\n") == [
        "From: Andrew Cooper <andrew.cooper3@citrix.com>",
        "To: Xen-devel <xen-devel@xxxxxxxxxxxxxxxxxxxx>",
        "Cc: Jan Beulich <JBeulich@xxxxxxxx>, Wei Liu <wl@xxxxxxx>, "
        "Roger Pau =?utf-8?q?Monn=C3=A9?= <roger.pau@xxxxxxxxxx>, Juergen Gross <jgross@xxxxxxxx>",
        "Subject: [Xen-devel] [PATCH] x86/ctxt-switch: Document and improve GDT handling",
        "Date: Thu, 4 Jul 2019 18:57:32 +0100",
        "Message-ID: <20190704175732.5943-1-andrew.cooper3@citrix.com>",
        f"X-Reviewbot-Rebuilt-From: {SITE}/2019-07/msg00000.html",
        "X-Reviewbot-Masked: to, cc, body",
        "MIME-Version: 1.0",
        'Content-Type: text/plain; charset="utf-8"',
        "Content-Transfer-Encoding: 8bit",
    ]
    assert message["Cc"].addresses[2].display_name == "Roger Pau Monné"
    assert message["In-Reply-To"] is None
    assert message.get_content() == page.body_text


def test_rebuilt_reply_threading_and_flowed_body() -> None:
    page = archive_pages()["b4d3c0ea-3a1f-5d6e-93c2-1f8e0b7d2a65@suse.com"]
    message = rebuild_message(page)
    assert message["In-Reply-To"] == "<20190704175732.5943-1-andrew.cooper3@citrix.com>"
    assert message["References"] == "<20190704175732.5943-1-andrew.cooper3@citrix.com>"
    assert message.get_content_type() == "text/plain"
    assert message.get_param("format") == "flowed"
    assert message.get_content() == page.body_text


def test_rebuild_without_masking_or_date_field() -> None:
    page = archive_pages()["20190704175732.5943-1-andrew.cooper3@citrix.com"]
    clean = dataclasses.replace(
        page,
        header_fields=(),
        date_header=None,
        body_text="no addresses",
        masked=False,
        masked_in=(),
    )
    message = rebuild_message(clean)
    assert message["X-Reviewbot-Masked"] is None
    assert message["To"] is None
    assert b"\nDate: Thu, 04 Jul 2019 17:58:07 +0000\n" in as_bytes(message)  # X-Date
    assert message.get_content() == "no addresses\n"


def test_rebuild_with_and_without_the_saved_attachment() -> None:
    page = archive_pages()["9c2e5b7a-41d8-6f03-b5ae-0d7c3e19f284@eikelenboom.it"]
    saved = f"{SITE}/2019-07/bin0Q2mgv0Gyw.bin"
    missing = rebuild_message(page)
    assert missing["X-Reviewbot-Missing-Attachment"] == saved
    assert missing.get_content_type() == "text/plain"
    data = (FIXTURES / "archive" / "xen-devel" / "2019-07" / "bin0Q2mgv0Gyw.bin").read_bytes()
    message = rebuild_message(page, {"bin0Q2mgv0Gyw.bin": data})
    assert message["X-Reviewbot-Missing-Attachment"] is None
    assert message.get_content_type() == "multipart/mixed"
    parts = list(message.iter_parts())
    assert [part.get_content_type() for part in parts] == ["text/plain", "application/gzip"]
    assert parts[1].get_filename() == "serial-boot.log.gz"
    assert parts[1].get_content() == data
    reparsed = parse_bytes(as_bytes(message))
    assert next(iter(reparsed.iter_attachments())).get_content() == data
