"""The readable text of stored messages: parts, charsets, format=flowed, footers, HTML."""

from __future__ import annotations

import time
from email.message import EmailMessage
from functools import cache
from pathlib import Path

import pytest

from reviewbot.htmltext import html_text
from reviewbot.mail import as_bytes, split_mbox
from reviewbot.mailtext import LIST_FOOTER, body_text, strip_list_footer
from reviewbot.models import Message

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "mail"
MBOXES = (
    "deep-thread.mbox",
    "month-cross.mbox",
    "noise-docs.mbox",
    "noise-osstest.mbox",
    "seed-gdt.mbox",
    "series-vpci.mbox",
)
FOOTER = (
    "_______________________________________________\n"
    "Xen-devel mailing list\n"
    "Xen-devel@lists.xenproject.org\n"
    "https://lists.xenproject.org/mailman/listinfo/xen-devel\n"
)


@cache
def fixture(mbox: str, index: int) -> Message:
    raw = list(split_mbox((FIXTURES / mbox).read_bytes()))[index]
    return Message.from_raw(raw, "test", pristine=True)


def message_of(raw: bytes) -> Message:
    return Message.from_raw(raw, "test", pristine=True)


def headers(content_type: str, cte: str = "8bit") -> bytes:
    return (
        "From: A <a@example.org>\nSubject: s\nMessage-ID: <m@example.org>\n"
        f"MIME-Version: 1.0\nContent-Type: {content_type}\nContent-Transfer-Encoding: {cte}\n\n"
    ).encode()


def multipart(*parts: EmailMessage) -> Message:
    mail = EmailMessage()
    mail["From"] = "A <a@example.org>"
    mail["Subject"] = "s"
    mail["Message-ID"] = "<multi@example.org>"
    mail.make_mixed()
    for part in parts:
        mail.attach(part)
    return message_of(as_bytes(mail))


def part(text: str, subtype: str = "plain", filename: str | None = None) -> EmailMessage:
    piece = EmailMessage()
    piece.set_content(text, subtype=subtype, cte="8bit")
    if filename:
        piece.add_header("Content-Disposition", "attachment", filename=filename)
    return piece


# --- the fixture mails ----------------------------------------------------------------------


def test_patch_mail_loses_only_the_list_footer() -> None:
    text = body_text(fixture("seed-gdt.mbox", 0))
    assert text.startswith("write_full_gdt_ptes() has a latent bug.  Using virt_to_mfn()")
    assert text.endswith("\n extern void load_TR(void);\n \n-- \n2.11.0\n")
    assert "mailing list" not in text
    assert "\nFrom this, we observe that load_full_gdt()" in text  # mboxrd escape undone once
    assert "CC: Roger Pau Monné <roger.pau@citrix.com>\n" in text  # UTF-8 8bit


def test_format_flowed_reply_is_unflowed() -> None:
    text = body_text(fixture("seed-gdt.mbox", 1))
    assert (
        "\nI did a small performance test with this patch: on a 8 cpu system I started 2 "
        "mini-os domains (1 vcpu each) doing a busy loop sending events to dom0. On dom0 I "
        "did a build"
    ) in text
    assert "\nTested-by: Juergen Gross <jgross@suse.com>\nReviewed-by: Juergen Gross" in text
    assert text.startswith("On 04.07.19 19:57, Andrew Cooper wrote:\n> write_full_gdt_ptes()")


def test_quoted_printable_is_decoded() -> None:
    text = body_text(fixture("seed-gdt.mbox", 3))
    assert text.startswith(">>> On 04.07.19 at 19:57, <andrew.cooper3@citrix.com> wrote:\n")
    assert text.endswith("\nReviewed-by: Jan Beulich <jbeulich@suse.com>\n\nJan\n")
    assert "=3D" not in text and "=20" not in text


def test_base64_crlf_body_gets_lf_and_loses_its_footer() -> None:
    text = body_text(fixture("series-vpci.mbox", 4))
    assert "\r" not in text
    assert text.startswith("> -----Original Message-----\n> From: Roger Pau Monne")
    assert "\nReviewed-by: Paul Durrant <paul.durrant@citrix.com> for patches 1-2\n" in text
    assert text.endswith("> -- \n> 2.22.0\n")


def test_iso_8859_1_body_is_decoded() -> None:
    text = body_text(fixture("series-vpci.mbox", 6))
    assert "my naïve test only does 64bit PBA reads" in text
    assert "\nTested-by: Marek Marczykowski-Górecki <marmarek@invisiblethingslab.com>\n" in text
    assert "\n-- \nBest Regards,\n" in text  # signatures are kept


def test_multipart_keeps_the_text_and_drops_attachments_and_the_footer_part() -> None:
    text = body_text(fixture("series-vpci.mbox", 7))
    assert text.startswith("On 15/07/2019 12:25, Roger Pau Monne wrote:\n")
    assert text.endswith("the serial console and the full serial log are attached.\n\n--\nSander\n")
    assert "(XEN)" not in text  # the text/x-log attachment
    assert "H4sI" not in text  # the gzip attachment


def test_every_fixture_mail_has_text_without_footer() -> None:
    count = 0
    for mbox in MBOXES:
        for raw in split_mbox((FIXTURES / mbox).read_bytes()):
            text = body_text(message_of(raw))
            assert text.endswith("\n") and not text.endswith("\n\n")
            assert LIST_FOOTER.search(text) is None or "> Xen-devel mailing list" in text
            count += 1
    assert count == 34


# --- parts ------------------------------------------------------------------------------------


def test_patch_attachments_follow_the_inline_text() -> None:
    message = multipart(
        part("Hi,\n\nthe patch is attached.\n"),
        part("From: A\n---\ndiff --git a/x b/x\n", "x-patch", "0001-x.patch"),
        part("log line\n", "x-log", "boot.log"),
        part("second\n", "plain", "0002-y.diff"),
        part("notes\n", "plain", "notes.txt"),
        part(FOOTER),
    )
    assert body_text(message) == (
        "Hi,\n\nthe patch is attached.\n\nFrom: A\n---\ndiff --git a/x b/x\n\nsecond\n"
    )


def test_html_only_mail_is_stripped_to_text() -> None:
    markup = (
        "<html><head><style>p {color: red}</style></head><body>"
        "<p>Hello   <b>Roger</b>,</p><div>Reviewed-by: A &lt;a@example.org&gt;<br>Thanks</div>"
        "<pre>  keep\n    spacing</pre></body></html>"
    )
    raw = headers('text/html; charset="utf-8"') + markup.encode()
    assert body_text(message_of(raw)) == (
        "Hello Roger,\n\nReviewed-by: A <a@example.org>\nThanks\n\n  keep\n    spacing\n"
    )


def test_html_is_used_only_without_plain_text() -> None:
    both = multipart(part("plain words\n"), part("<p>html words</p>", "html"))
    assert body_text(both) == "plain words\n"
    html_and_footer = multipart(part("<p>html words</p>", "html"), part(FOOTER))
    assert body_text(html_and_footer) == "html words\n"


def test_html_text_without_tags_or_with_xml_prolog() -> None:
    assert html_text("https://example.org/x") == "https://example.org/x"
    assert html_text('<?xml version="1.0"?><html><body><p>x</p></body></html>') == "x\n"


def test_unknown_and_wrong_charsets_fall_back_to_utf8() -> None:
    raw = headers("text/plain; charset=x-unknown") + "Monné\n".encode()
    assert body_text(message_of(raw)) == "Monné\n"
    raw = headers("text/plain; charset=us-ascii") + b"bad \xff byte\n"
    assert body_text(message_of(raw)) == "bad \ufffd byte\n"


def test_flowed_delsp_is_honoured() -> None:
    body = b"a long wo \r\nrd here\r\n> quoted \r\n> line\r\n-- \r\nsig\r\n"
    delsp = headers("text/plain; charset=utf-8; format=flowed; delsp=yes") + body
    assert body_text(message_of(delsp)) == "a long word here\n> quotedline\n-- \nsig\n"
    plain = headers("text/plain; charset=utf-8; format=flowed") + body
    assert body_text(message_of(plain)) == "a long wo rd here\n> quoted line\n-- \nsig\n"


def test_attached_message_is_not_descended_into() -> None:
    inner = EmailMessage()
    inner["Subject"] = "inner"
    inner.set_content("forwarded words\n")
    outer = EmailMessage()
    outer["Message-ID"] = "<outer@example.org>"
    outer.set_content("see below\n")
    outer.add_attachment(inner)
    assert body_text(message_of(as_bytes(outer))) == "see below\n"


def test_empty_body() -> None:
    assert body_text(message_of(headers("text/plain"))) == ""


# --- the footer -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "footer",
    [
        FOOTER,
        FOOTER.removeprefix("_" * 47 + "\n"),
        FOOTER.replace("Xen-devel@lists.xenproject.org", "xen-devel@xxxxxxxxxxxxxxxxxxxx"),
        "_" * 47 + "\nXen-devel mailing list\nXen-devel@lists.xen.org\n"
        "http://lists.xen.org/xen-devel\n",
        "_" * 47 + "\nXen-devel mailing list\nXen-devel@lists.xensource.com\n"
        "http://lists.xensource.com/xen-devel\n",
    ],
)
def test_footer_forms_are_removed_at_the_end(footer: str) -> None:
    assert strip_list_footer("text\n\n" + footer + "\n \n") == "text\n\n"
    raw = headers("text/plain") + ("text\n\n" + footer).encode()
    assert body_text(message_of(raw)) == "text\n"


def test_footer_before_other_text_or_quoted_is_kept() -> None:
    inside = "a\n" + FOOTER + "b\n"
    assert strip_list_footer(inside) == inside
    quoted = "a\n" + "".join("> " + line + "\n" for line in FOOTER.splitlines())
    assert strip_list_footer(quoted) == quoted


# --- speed ----------------------------------------------------------------------------------


def test_five_thousand_messages_are_fast() -> None:
    messages = [
        message_of(raw) for mbox in MBOXES for raw in split_mbox((FIXTURES / mbox).read_bytes())
    ]
    batch = (messages * (5000 // len(messages) + 1))[:5000]
    started = time.perf_counter()
    total = sum(len(body_text(message)) for message in batch)
    elapsed = time.perf_counter() - started
    assert total > 5_000_000
    assert elapsed < 5.0, f"5000 bodies took {elapsed:.2f}s"
