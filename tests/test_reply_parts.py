"""The parts of a reply draft, each with exact expected values: its Subject, its recipients,
the quoting, findings placed under their lines, templates, the mail and its files, the
reviewer's identity, and a review draft holding findings and plugin paragraphs."""

from __future__ import annotations

import dataclasses
import mailbox
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reviewbot.addressbook import AddressBook
from reviewbot.commenting import comment_excerpts
from reviewbot.config import load_settings
from reviewbot.errors import ConfigError
from reviewbot.findings import Finding, Severity
from reviewbot.hookspecs import hookimpl
from reviewbot.identity import Person
from reviewbot.models import Message
from reviewbot.patchbody import parse_patch_body
from reviewbot.people import sender_of
from reviewbot.pluginmanager import PluginHost
from reviewbot.quoting import (
    attribution,
    first_paragraph,
    prose_of,
    quote,
    without_salutations,
    wrap,
)
from reviewbot.recipients import Recipients, reply_recipients
from reviewbot.replydraft import Draft, ReplyRequest, draft_reply
from reviewbot.replymail import OutputError, append_mbox, parse_mail, render_mail, write_eml
from reviewbot.replytemplate import PLACEHOLDERS, check_template, fill, is_placeholder_name
from reviewbot.reviewer import first_name, reviewer_identity
from reviewbot.subject import reply_subject
from reviewbot.threads import Thread, thread_of
from tests.support.checking import FIXTURES, SEED_ID, context_for, thread_from
from tests.support.mails import raw_mail

VPCI_V2 = "20190719144812.4455-1-roger.pau@citrix.com"
LONG_LINES_ID = "20240702084012.31277-1-noor.haddad@example.com"
RITA = Person("Rita Reviewer", "rita@example.org")
XEN_DEVEL = Person("Xen-devel", "xen-devel@lists.xenproject.org")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
WARN, INFO = Severity.WARNING, Severity.INFO


# --- reply_subject -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("[Xen-devel] [PATCH] x", "Re: [PATCH] x"),
        ("Re: [Xen-devel] Re: [PATCH v2 1/3] y", "Re: [PATCH v2 1/3] y"),
        ("AW: RE: z", "Re: z"),
        ("mm: fix", "Re: mm: fix"),  # an area prefix is not a reply prefix
        ("x86/mm: fix", "Re: x86/mm: fix"),
        ("Re: mm: fix", "Re: mm: fix"),
        ("Re[2]: a", "Re: a"),
        ("Re: Re: Re: b", "Re: b"),
        ("RE:[PATCH] c", "Re: [PATCH] c"),
        ("[Xen-devel] Re: [PATCH] d", "Re: [PATCH] d"),
        ("re[3]: [Xen-devel] [PATCH for-4.13] e", "Re: [PATCH for-4.13] e"),
        ("Re: [Xen-devel] [PATCH]   spaced   out  ", "Re: [PATCH] spaced out"),
        ("[PATCH] Re: f", "Re: [PATCH] Re: f"),  # a Re: inside the title stays
        ("Re:", "Re:"),
    ],
)
def test_reply_subject(subject: str, expected: str) -> None:
    assert reply_subject(subject) == expected
    assert reply_subject(expected) == expected  # never a double Re:


def test_reply_subject_takes_the_lists_own_tags() -> None:
    assert reply_subject("[Foo-list] [PATCH] x", list_tags=["Foo-list"]) == "Re: [PATCH] x"
    assert reply_subject("[Xen-devel] [PATCH] x", list_tags=["Foo-list"]) == (
        "Re: [Xen-devel] [PATCH] x"
    )


# --- reply_recipients --------------------------------------------------------------------------


def _mail(
    message_id: str,
    sender: str,
    *,
    to: str = "",
    cc: str = "",
    parent: str | None = None,
    date: str = "Thu, 04 Jul 2019 18:57:32 +0100",
) -> Message:
    """`raw_mail` with To and Cc headers."""
    raw = raw_mail(message_id, "[PATCH] x", parent=parent, sender=sender, date=date)
    head, _, body = raw.partition(b"\n\n")
    extra = b"".join(f"\n{name}: {value}".encode() for name, value in (("To", to), ("Cc", cc)))
    return Message.from_raw(head + extra + b"\n\n" + body, "test", pristine=True)


def _thread(*messages: Message) -> Thread:
    return thread_of(messages, messages[0].message_id, "test")


def _book(thread: Thread, *known: Person) -> AddressBook:
    """What draft_reply's book holds for a fixture-free thread: its senders, and `known`
    people as if read from a tree's MAINTAINERS."""
    book = AddressBook()
    for message in thread.messages.values():
        person = sender_of(message)
        if person is not None:
            book.add(person, "thread-from")
    for person in known:
        book.add(person, "tree-maintainers")
    return book


def test_recipients_of_the_seed_author_in_to_list_first_then_senders_then_addressees() -> None:
    thread = thread_from("seed-gdt.mbox", SEED_ID)
    got = reply_recipients(thread, thread.messages[SEED_ID], AddressBook(), RITA, XEN_DEVEL)
    assert got == Recipients(
        to=(Person("Andrew Cooper", "andrew.cooper3@citrix.com"),),
        cc=(
            XEN_DEVEL,
            Person("Juergen Gross", "jgross@suse.com"),  # wrote on 5 July
            Person("Jan Beulich", "JBeulich@suse.com"),  # wrote on 8 July
            Person("Wei Liu", "wl@xen.org"),  # only addressed
            Person("Roger Pau Monné", "roger.pau@citrix.com"),  # "Roger Pau Monne" later
        ),
    )
    assert got.warnings() == []


def test_recipients_of_the_vpci_cover_dedupe_every_spelling() -> None:
    thread = thread_from("series-vpci.mbox", VPCI_V2)
    got = reply_recipients(thread, thread.messages[VPCI_V2], AddressBook(), RITA, XEN_DEVEL)
    # Roger is From "Roger Pau Monné", To "Roger Pau Monne"; Jan writes as JBeulich@ and is
    # addressed as jbeulich@; Paul writes as Paul.Durrant@ and is Cc'd as paul.durrant@.
    assert got == Recipients(
        to=(Person("Roger Pau Monné", "roger.pau@citrix.com"),),
        cc=(
            XEN_DEVEL,
            Person("Paul Durrant", "Paul.Durrant@citrix.com"),
            Person("Wei Liu", "wl@xen.org"),
            Person("Marek Marczykowski-Górecki", "marmarek@invisiblethingslab.com"),
            Person("Sander Eikelenboom", "linux@eikelenboom.it"),
            Person("Jan Beulich", "JBeulich@suse.com"),
            Person("Andrew Cooper", "andrew.cooper3@citrix.com"),
        ),
    )


@pytest.mark.parametrize(
    "me",
    [
        Person("Jan Beulich", "jbeulich@suse.com"),  # the thread has JBeulich@suse.com
        Person("", "JBEULICH@SUSE.COM"),
        Person("Jan Beulich", "jan.beulich@example.net"),  # the same full name
    ],
)
def test_the_reviewer_is_left_out_however_spelled(me: Person) -> None:
    thread = thread_from("seed-gdt.mbox", SEED_ID)
    got = reply_recipients(thread, thread.messages[SEED_ID], AddressBook(), me, XEN_DEVEL)
    assert [p.address for p in got.to + got.cc] == [
        "andrew.cooper3@citrix.com",
        "xen-devel@lists.xenproject.org",
        "jgross@suse.com",
        "wl@xen.org",
        "roger.pau@citrix.com",
    ]


def test_a_reviewer_who_wrote_the_mail_sends_to_the_list() -> None:
    thread = thread_from("seed-gdt.mbox", SEED_ID)
    me = Person("Andrew Cooper", "Andrew.Cooper3@citrix.com")
    got = reply_recipients(thread, thread.messages[SEED_ID], AddressBook(), me, XEN_DEVEL)
    assert got.to == (XEN_DEVEL,)
    assert [p.name for p in got.cc] == [
        "Juergen Gross",
        "Jan Beulich",
        "Wei Liu",
        "Roger Pau Monné",
    ]


def test_spellings_of_one_person_in_a_small_thread_give_one_recipient() -> None:
    thread = _thread(
        _mail(
            "p@x",
            "Ann Author <ann@example.org>",
            to="xen-devel@lists.xenproject.org",
            cc="=?UTF-8?q?Roger=20Pau=20Monn=C3=A9?= <roger.pau@citrix.com>, "
            "Jan Beulich <JBeulich@suse.com>",
        ),
        _mail(
            "r@x",
            '"Roger Pau Monne" <roger.pau@cloud.com>',
            to="Ann Author <ANN@example.org>",
            cc="jbeulich@suse.com, Xen-devel <xen-devel@lists.xenproject.org>",
            parent="p@x",
            date="Fri, 05 Jul 2019 09:00:00 +0200",
        ),
    )
    got = reply_recipients(thread, thread.messages["r@x"], AddressBook(), RITA, XEN_DEVEL)
    assert got == Recipients(
        to=(Person("Roger Pau Monne", "roger.pau@cloud.com"),),
        cc=(
            XEN_DEVEL,
            Person("Ann Author", "ann@example.org"),
            Person("Jan Beulich", "JBeulich@suse.com"),
        ),
    )


MASKED_THREAD = (
    _mail(
        "p@x",
        "Ann Author <ann@example.org>",
        to="xen-devel@xxxxxxxxxxxxxxxxxxxx",  # the list, masked by the archive
        cc="Juergen Gross <jgross@xxxxxxxx>, Nobody Known <nobody@xxxxxxx>",
    ),
    _mail(
        "r@x",
        "Juergen Gross <jgross@xxxxxxxx>",
        to="Ann Author <ann@xxxxxxxxxxx>",
        cc="Nobody Known <nobody@xxxxxxx>, Xen-devel <xen-devel@xxxxxxxxxxxxxxxxxxxx>",
        parent="p@x",
        date="Fri, 05 Jul 2019 09:00:00 +0200",
    ),
)


def test_masked_addresses_are_recovered_or_left_out_with_a_warning() -> None:
    thread = _thread(*MASKED_THREAD)
    book = _book(thread, Person("Juergen Gross", "jgross@suse.com"))
    got = reply_recipients(thread, thread.messages["p@x"], book, RITA, XEN_DEVEL)
    assert got == Recipients(
        to=(Person("Ann Author", "ann@example.org"),),
        cc=(XEN_DEVEL, Person("Juergen Gross", "jgross@suse.com")),
        unresolved=(Person("Nobody Known", "nobody@xxxxxxx"),),
    )
    assert got.warnings() == [
        "left Nobody Known <nobody@xxxxxxx> out of Cc: the archive masked the address and "
        "nothing recovers it; give --tree with a Xen tree (MAINTAINERS, .mailmap) or add it "
        "by hand"
    ]
    # Replying to Juergen's masked mail: To is his recovered address.
    got = reply_recipients(thread, thread.messages["r@x"], book, RITA, XEN_DEVEL)
    assert got.to == (Person("Juergen Gross", "jgross@suse.com"),)
    assert got.cc == (XEN_DEVEL, Person("Ann Author", "ann@example.org"))
    # Without the tree's address nothing recovers Juergen: the list gets the reply.
    got = reply_recipients(thread, thread.messages["r@x"], AddressBook(), RITA, XEN_DEVEL)
    assert got.to == (XEN_DEVEL,)
    # Ann's masked spelling in To is the Ann of the first mail's From: not a warning.
    assert got.unresolved == (
        Person("Juergen Gross", "jgross@xxxxxxxx"),
        Person("Nobody Known", "nobody@xxxxxxx"),
    )


def test_without_a_configured_list_its_masked_address_is_unresolved() -> None:
    thread = _thread(*MASKED_THREAD)
    book = _book(thread, Person("Juergen Gross", "jgross@suse.com"))
    got = reply_recipients(thread, thread.messages["p@x"], book, RITA, None)
    assert got == Recipients(
        to=(Person("Ann Author", "ann@example.org"),),
        cc=(Person("Juergen Gross", "jgross@suse.com"),),
        unresolved=(
            Person("", "xen-devel@xxxxxxxxxxxxxxxxxxxx"),
            Person("Nobody Known", "nobody@xxxxxxx"),
        ),
    )


def test_the_reviewers_own_masked_address_is_no_warning() -> None:
    thread = _thread(
        _mail(
            "p@x",
            "Ann Author <ann@example.org>",
            to="xen-devel@xxxxxxxxxxxxxxxxxxxx",
            cc="Rita Reviewer <rita@xxxxxxxxxxx>",  # rita@example.org, masked
        )
    )
    got = reply_recipients(thread, thread.messages["p@x"], _book(thread), RITA, XEN_DEVEL)
    assert got == Recipients(to=(Person("Ann Author", "ann@example.org"),), cc=(XEN_DEVEL,))
    assert got.warnings() == []


# --- quoting -----------------------------------------------------------------------------------


def test_quote_marks_empty_and_quoted_lines_without_a_space() -> None:
    assert quote(["text", "", "> earlier", ">> older", "  indented", " "]) == [
        "> text",
        ">",
        ">> earlier",
        ">>> older",
        ">   indented",
        ">  ",
    ]
    assert quote([]) == []


def test_attribution_with_and_without_a_date() -> None:
    seed = thread_from("seed-gdt.mbox", SEED_ID).messages[SEED_ID]
    assert attribution(seed, "Andrew Cooper") == (
        "On Thu, 04 Jul 2019 18:57:32 +0100, Andrew Cooper wrote:"
    )
    raw = raw_mail("d@x", "s", sender="Jan Beulich <jbeulich@suse.com>")
    undated = b"\n".join(line for line in raw.split(b"\n") if not line.startswith(b"Date:"))
    message = Message.from_raw(undated, "test", pristine=True)
    assert attribution(message, "Jan Beulich") == "Jan Beulich wrote:"
    broken = Message.from_raw(raw.replace(b"Thu, 04 Jul", b"Someday"), "test", pristine=True)
    assert attribution(broken, "Jan") == "Jan wrote:"


def test_wrap_fills_paragraphs_and_keeps_short_multi_line_ones() -> None:
    text = (
        "This line is 104 characters long; Xen's limit is 80. Break the condition after one "
        "of the && operators.\n"
        "\n"
        "Keep:\n"
        "- item one\n"
        "- item two\n"
        "\n"
        "A short single line.\n"
        "\n"
        "https://xenbits.xen.org/gitweb/?p=xen.git;a=commitdiff;h=0123456789abcdef0123 too\n"
    )
    assert wrap(text, 40) == [
        "This line is 104 characters long; Xen's",
        "limit is 80. Break the condition after",
        "one of the && operators.",
        "",
        "Keep:",
        "- item one",
        "- item two",
        "",
        "A short single line.",
        "",
        "https://xenbits.xen.org/gitweb/?p=xen.git;a=commitdiff;h=0123456789abcdef0123",
        "too",
    ]
    # A paragraph with one line too long is filled as a whole.
    assert wrap("short\nand a line far longer than the width\n", 20) == [
        "short and a line far",
        "longer than the",
        "width",
    ]
    assert wrap("", 20) == [""]


VPCI_V2_COVER = (
    "Hello,\n"
    "\n"
    "Second version of the vPCI MSI-X fixes. Patch 3 no longer moves the PBA\n"
    "handling ahead of the access size check, which caused the crash reported\n"
    "by Sander. Patches 1 and 2 only gained the tags given on v1.\n"
    "\n"
    "Thanks, Roger.\n"
    "\n"
    "Roger Pau Monné (3):\n"
    "  vpci/msix: fix off-by-one in the MSI-X table boundary check\n"
    "  x86/vpci: don't unmask MSI-X entries with memory decoding disabled\n"
    "  vpci/msix: use the access size when reading the PBA\n"
    "\n"
    " xen/arch/x86/hvm/vmsi.c |  9 +++++++++\n"
    " xen/drivers/vpci/msix.c | 28 ++++++++++++++++++++++------\n"
    " 2 files changed, 31 insertions(+), 6 deletions(-)\n"
    "\n"
    "-- \n"
    "2.22.0\n"
)


def test_prose_of_a_cover_drops_its_shortlog_and_diffstat() -> None:
    from reviewbot.mailtext import body_text

    cover = thread_from("series-vpci.mbox", VPCI_V2).messages[VPCI_V2]
    assert body_text(cover) == VPCI_V2_COVER  # the fixture as this test reads it
    assert prose_of(VPCI_V2_COVER) == [
        "Hello,",
        "",
        "Second version of the vPCI MSI-X fixes. Patch 3 no longer moves the PBA",
        "handling ahead of the access size check, which caused the crash reported",
        "by Sander. Patches 1 and 2 only gained the tags given on v1.",
        "",
        "Thanks, Roger.",
    ]
    # Without a shortlog the diffstat still ends the prose.
    assert prose_of("Words.\n\n a/b.c | 2 +-\n 1 file changed\n") == ["Words."]
    assert prose_of("Only words.\n\n\n") == ["Only words."]


def test_first_paragraph_skips_a_greeting() -> None:
    prose = prose_of(VPCI_V2_COVER)
    assert first_paragraph(prose) == [
        "Second version of the vPCI MSI-X fixes. Patch 3 no longer moves the PBA",
        "handling ahead of the access size check, which caused the crash reported",
        "by Sander. Patches 1 and 2 only gained the tags given on v1.",
    ]
    assert first_paragraph(["", "Hi all,", "", "", "First.", "Still.", "", "Next."]) == [
        "First.",
        "Still.",
    ]
    # A short line ending in a comma that runs on is text, not a greeting.
    assert first_paragraph(["Thanks to Jan,", "this is simpler.", "", "More."]) == [
        "Thanks to Jan,",
        "this is simpler.",
    ]
    assert first_paragraph([]) == []


def test_unmask_replaces_what_the_book_recovers() -> None:
    book = AddressBook()
    book.add(Person("Juergen Gross", "jgross@suse.com"), "tree-maintainers")
    text = "Reported-by: Juergen Gross <jgross@xxxxxxxx>\nCc: nobody@xxxxxxx\n"
    assert book.unmask_text(text) == (
        "Reported-by: Juergen Gross <jgross@suse.com>\nCc: nobody@xxxxxxx\n"
    )


# --- comment_excerpts --------------------------------------------------------------------------

PATCH = """\
The bound check let the last entry of the table be read one slot past
its end.

Compare against the number of entries, not the number of entries plus
one.

Signed-off-by: Ann Author <ann@example.org>
---
 xen/common/frob.c      | 6 +++---
 xen/include/xen/frob.h | 2 +-
 2 files changed, 4 insertions(+), 4 deletions(-)

diff --git a/xen/common/frob.c b/xen/common/frob.c
index 3f2a1c4..8d9e0b7 100644
--- a/xen/common/frob.c
+++ b/xen/common/frob.c
@@ -20,9 +20,10 @@ static unsigned int frob_count;
\x20
 int frob_read(unsigned int idx)
 {
-    if ( idx > frob_count )
+    /* idx is 0-based: the last valid one is frob_count - 1. */
+    if ( idx >= frob_count )
         return -EINVAL;
\x20
     return frob_table[idx];
 }
\x20
@@ -51,7 +52,6 @@ void frob_reset(void)
     unsigned int i;
\x20
-    for ( i = 0; i <= frob_count; i++ )
-        frob_table[i] = 0;
+    memset(frob_table, 0, sizeof(frob_table));
     frob_count = 0;
 }
\x20
diff --git a/xen/include/xen/frob.h b/xen/include/xen/frob.h
index 0a1b2c3..4d5e6f7 100644
--- a/xen/include/xen/frob.h
+++ b/xen/include/xen/frob.h
@@ -3,7 +3,7 @@
\x20
 #include <xen/types.h>
\x20
-#define FROB_MAX 16
+#define FROB_MAX 32
\x20
 int frob_read(unsigned int idx);
 void frob_reset(void);
--\x20
2.20.1

"""

REMOVAL = """\
Drop the unused frob_debug() and its header.

Signed-off-by: Ann Author <ann@example.org>
---
 xen/common/frob.c          | 2 --
 xen/include/xen/frob_dbg.h | 3 ---
 2 files changed, 5 deletions(-)
 delete mode 100644 xen/include/xen/frob_dbg.h

diff --git a/xen/common/frob.c b/xen/common/frob.c
index 8d9e0b7..9a8b7c6 100644
--- a/xen/common/frob.c
+++ b/xen/common/frob.c
@@ -30,2 +29,0 @@ int frob_read(unsigned int idx)
-void frob_debug(void)
-{ }
diff --git a/xen/include/xen/frob_dbg.h b/xen/include/xen/frob_dbg.h
deleted file mode 100644
index 1234567..0000000
--- a/xen/include/xen/frob_dbg.h
+++ /dev/null
@@ -1,3 +0,0 @@
-#ifndef FROB_DBG_H
-#define FROB_DBG_H
-#endif
--\x20
2.20.1

"""

FROB_C = "xen/common/frob.c"
FROB_H = "xen/include/xen/frob.h"
FROB_C_HEAD = [
    "> --- a/xen/common/frob.c",
    "> +++ b/xen/common/frob.c",
    "> @@ -20,9 +20,10 @@ static unsigned int frob_count;",
]


def _at(file: str | None, line: int | None, message: str) -> Finding:
    return Finding(WARN, message, patch=1, file=file, line=line, plugin="hygiene")


def test_the_patch_under_comment_parses_cleanly() -> None:
    body = parse_patch_body(PATCH)
    assert body.defects == ()
    assert [(f.path, [(h.new_start, h.new_length) for h in f.hunks]) for f in body.files] == [
        (FROB_C, [(20, 10), (52, 6)]),
        (FROB_H, [(3, 7)]),
    ]


def test_a_finding_sits_under_its_diff_line_with_headers_and_context() -> None:
    finding = _at(FROB_C, 24, "Say why >= is right here: the table has frob_count entries.")
    excerpts = comment_excerpts(parse_patch_body(PATCH), [finding], context=3, width=40)
    assert list(excerpts.lines) == [
        *FROB_C_HEAD,
        ">  {",
        "> -    if ( idx > frob_count )",
        "> +    /* idx is 0-based: the last valid one is frob_count - 1. */",
        "> +    if ( idx >= frob_count )",
        "",
        "Say why >= is right here: the table has",
        "frob_count entries.",
        "",
    ]
    assert (excerpts.placed, excerpts.unplaced) == ((finding,), ())


def test_context_stops_at_the_start_of_the_hunk_and_can_be_zero() -> None:
    body = parse_patch_body(PATCH)
    near_top = comment_excerpts(body, [_at(FROB_C, 21, "Top.")], context=3, width=72)
    assert list(near_top.lines) == [
        *FROB_C_HEAD,
        ">  ",  # the blank context line, as the diff has it
        ">  int frob_read(unsigned int idx)",
        "",
        "Top.",
        "",
    ]
    bare = comment_excerpts(body, [_at(FROB_C, 24, "Here.")], context=0, width=72)
    assert list(bare.lines) == [*FROB_C_HEAD, "> +    if ( idx >= frob_count )", "", "Here.", ""]


def test_findings_one_line_apart_are_quoted_continuously() -> None:
    first, second = _at(FROB_C, 24, "A."), _at(FROB_C, 25, "B.")
    excerpts = comment_excerpts(parse_patch_body(PATCH), [second, first], context=3, width=72)
    assert list(excerpts.lines) == [
        *FROB_C_HEAD,
        ">  {",
        "> -    if ( idx > frob_count )",
        "> +    /* idx is 0-based: the last valid one is frob_count - 1. */",
        "> +    if ( idx >= frob_count )",
        "",
        "A.",
        "",
        ">          return -EINVAL;",
        "",
        "B.",
        "",
    ]
    assert excerpts.placed == (first, second)  # in the order of the patch


def test_findings_in_two_hunks_and_two_files() -> None:
    findings = [
        _at(FROB_H, 6, "Why 32?"),
        _at(FROB_C, 54, "memset() of the whole table is clearer."),
        _at(FROB_C, 23, "Comment style."),
        _at(FROB_C, 23, "And a second remark on the same line."),
    ]
    excerpts = comment_excerpts(parse_patch_body(PATCH), findings, context=2, width=72)
    assert list(excerpts.lines) == [
        *FROB_C_HEAD,
        ">  {",
        "> -    if ( idx > frob_count )",
        "> +    /* idx is 0-based: the last valid one is frob_count - 1. */",
        "",
        "Comment style.",
        "",
        "And a second remark on the same line.",
        "",
        "> @@ -51,7 +52,6 @@ void frob_reset(void)",
        "> -    for ( i = 0; i <= frob_count; i++ )",
        "> -        frob_table[i] = 0;",
        "> +    memset(frob_table, 0, sizeof(frob_table));",
        "",
        "memset() of the whole table is clearer.",
        "",
        "> --- a/xen/include/xen/frob.h",
        "> +++ b/xen/include/xen/frob.h",
        "> @@ -3,7 +3,7 @@",
        ">  ",
        "> -#define FROB_MAX 16",
        "> +#define FROB_MAX 32",
        "",
        "Why 32?",
        "",
    ]
    assert excerpts.placed == (findings[2], findings[3], findings[1], findings[0])
    assert excerpts.unplaced == ()


def test_findings_on_no_quotable_line_are_left_for_the_remarks() -> None:
    findings = [
        _at(FROB_C, 40, "Between the hunks."),
        _at("xen/other.c", 21, "A file the patch does not touch."),
        _at(FROB_C, None, "The whole file."),
        _at(None, None, "The whole patch."),
        _at(None, 8, "Below the end of the commit message."),
    ]
    excerpts = comment_excerpts(parse_patch_body(PATCH), findings, context=3, width=72)
    assert excerpts == type(excerpts)((), (), tuple(findings))
    removal = [
        _at(FROB_C, 29, "Where frob_debug() was (a removal-only hunk)."),
        _at(FROB_C, 30, "Its old line number."),
        _at("xen/include/xen/frob_dbg.h", 1, "A deleted file."),
    ]
    excerpts = comment_excerpts(parse_patch_body(REMOVAL), removal, context=3, width=72)
    assert (excerpts.lines, excerpts.placed, excerpts.unplaced) == ((), (), tuple(removal))


def test_a_commit_message_finding_sits_under_its_message_line() -> None:
    body = parse_patch_body(PATCH)
    finding = _at(None, 4, "Say which caller reads past the end.")
    excerpts = comment_excerpts(body, [finding], context=1, width=72)
    assert list(excerpts.lines) == [
        ">",
        "> Compare against the number of entries, not the number of entries plus",
        "",
        "Say which caller reads past the end.",
        "",
    ]
    first = comment_excerpts(body, [_at(None, 1, "Which table?")], context=3, width=72)
    assert list(first.lines) == [
        "> The bound check let the last entry of the table be read one slot past",
        "",
        "Which table?",
        "",
    ]
    # The message comes before the diff, whatever order the findings came in.
    both = comment_excerpts(
        body, [_at(FROB_H, 6, "Why?"), _at(None, 7, "Tags.")], context=0, width=72
    )
    assert list(both.lines) == [
        "> Signed-off-by: Ann Author <ann@example.org>",
        "",
        "Tags.",
        "",
        "> --- a/xen/include/xen/frob.h",
        "> +++ b/xen/include/xen/frob.h",
        "> @@ -3,7 +3,7 @@",
        "> +#define FROB_MAX 32",
        "",
        "Why?",
        "",
    ]


# --- templates ---------------------------------------------------------------------------------


def _config_error(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        check_template(text, PLACEHOLDERS, "mine.txt")
    return caught.value.one_line()


def test_check_template_names_unknown_placeholders_and_stray_dollars() -> None:
    known = ", ".join("$" + name for name in PLACEHOLDERS)
    assert _config_error("Hi $author_first_name,\n$nope and ${zeta}, $alpha\n") == (
        "the reply template from mine.txt uses unknown placeholders $alpha, $nope, $zeta; "
        f"use one of {known}"
    )
    assert _config_error("$quoted\n$one_bad\n") == (
        f"the reply template from mine.txt uses unknown placeholder $one_bad; use one of {known}"
    )
    stray = (
        "the reply template from mine.txt has a `$` that starts no placeholder (line {}); "
        "write $$ for a dollar sign, $name or ${{name}} for a placeholder"
    )
    assert _config_error("$attribution\n$quoted\nthat costs 5$ a line\n") == stray.format(3)
    assert _config_error("${quoted\n") == stray.format(1)
    assert _config_error("ok\n$1 is not a name\n") == stray.format(2)
    check_template("It costs $$5, $kind.\n${signature}\n", PLACEHOLDERS, "mine.txt")


def test_fill_folds_blank_runs_and_keeps_trailing_spaces_of_text_lines() -> None:
    template = "$attribution\n$quoted\n\n$remarks\n\n\n$paragraphs\n\n-- \n$signature\n\n\n"
    values = {
        "attribution": "Ann wrote:",
        "quoted": "> text",
        "remarks": "",
        "paragraphs": "   \n",  # blank, with spaces
        "signature": "Rita",
    }
    assert fill(template, values) == "Ann wrote:\n> text\n\n-- \nRita\n"
    assert fill("\n\n$$ costs $kind   \nline  \n", {"kind": "ack"}) == "$ costs ack   \nline  \n"


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("quoted", True),
        ("_private", True),
        ("ci_status2", True),
        ("CI", True),
        ("2nd", False),
        ("bad-name", False),
        ("two words", False),
        ("", False),
        ("né", False),
    ],
)
def test_is_placeholder_name(name: str, valid: bool) -> None:
    assert is_placeholder_name(name) is valid


# --- replymail ---------------------------------------------------------------------------------


def _seed_draft() -> Draft:
    context = context_for(thread_from("seed-gdt.mbox", SEED_ID))
    return draft_reply(PluginHost(), context, ReplyRequest(), RITA, now=NOW)


SEED_HEADERS = """\
From: Rita Reviewer <rita@example.org>
To: Andrew Cooper <andrew.cooper3@citrix.com>
Cc: Xen-devel <xen-devel@lists.xenproject.org>,
 Juergen Gross <jgross@suse.com>,
 Jan Beulich <JBeulich@suse.com>,
 Wei Liu <wl@xen.org>,
 =?utf-8?q?Roger_Pau_Monn=C3=A9?= <roger.pau@citrix.com>
Subject: Re: [PATCH] x86/ctxt-switch: Document and improve GDT handling
Date: Wed, 25 Nov 2026 10:00:00 +0000
Message-ID: <x@example.org>
In-Reply-To: <20190704175732.5943-1-andrew.cooper3@citrix.com>
References: <20190704175732.5943-1-andrew.cooper3@citrix.com>
User-Agent: reviewbot/{version}
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit"""

SEED_BODY = """\
On Thu, 04 Jul 2019 18:57:32 +0100, Andrew Cooper wrote:
> write_full_gdt_ptes() has a latent bug.  Using virt_to_mfn() and iterating
> with (mfn + i) is wrong, because of PDX compression.  The context switch path
> only functions correctly because NR_RESERVED_GDT_PAGES is 1.

Rita
"""


def test_render_mail_of_the_seed_draft() -> None:
    from reviewbot import __version__

    draft = _seed_draft()
    assert draft.body == SEED_BODY
    data = render_mail(draft, message_id="<x@example.org>")
    head, _, body = data.partition(b"\n\n")
    assert head.decode("ascii") == SEED_HEADERS.format(version=__version__)
    assert body.decode("utf-8") == SEED_BODY
    parsed = parse_mail(data)
    assert [(a.display_name, a.addr_spec) for a in parsed["Cc"].addresses] == [
        ("Xen-devel", "xen-devel@lists.xenproject.org"),
        ("Juergen Gross", "jgross@suse.com"),
        ("Jan Beulich", "JBeulich@suse.com"),
        ("Wei Liu", "wl@xen.org"),
        ("Roger Pau Monné", "roger.pau@citrix.com"),
    ]
    assert parsed.get_content() == SEED_BODY
    assert parsed["In-Reply-To"] == f"<{SEED_ID}>"


def test_an_encoded_name_keeps_the_address_after_it() -> None:
    """CPython gh-80222: the email package's folder can swallow the comma after an encoded
    name ("Marek Marczykowski-Górecki") and so lose the next address."""
    context = context_for(thread_from("series-vpci.mbox", VPCI_V2))
    draft = draft_reply(PluginHost(), context, ReplyRequest(kind="ack"), RITA, now=NOW)
    data = render_mail(draft, message_id="<x@example.org>")
    head = data.partition(b"\n\n")[0].decode("ascii")
    assert (
        " =?utf-8?q?Marek_Marczykowski-G=C3=B3recki?= <marmarek@invisiblethingslab.com>,\n"
        " Sander Eikelenboom <linux@eikelenboom.it>,\n"
    ) in head
    parsed = parse_mail(data)
    cc = [(a.display_name, a.addr_spec) for a in parsed["Cc"].addresses]
    assert cc == [(p.name, p.address) for p in draft.recipients.cc]
    assert ("Marek Marczykowski-Górecki", "marmarek@invisiblethingslab.com") in cc
    assert [(a.display_name, a.addr_spec) for a in parsed["To"].addresses] == [
        ("Roger Pau Monné", "roger.pau@citrix.com")
    ]
    assert parsed["References"] == (
        "<20190715102537.32081-1-roger.pau@citrix.com> <20190719144812.4455-1-roger.pau@citrix.com>"
    )


def test_a_line_too_long_for_8bit_goes_quoted_printable() -> None:
    draft = _seed_draft()
    body = "Hello Andrew,\n\n" + "é" * 500 + "\n> quoted\n" + "x" * 999 + "\nRita"
    data = render_mail(draft, body=body, message_id="<x@example.org>")
    head, _, payload = data.partition(b"\n\n")
    assert head.endswith(b"\nContent-Transfer-Encoding: quoted-printable")
    assert max(len(line) for line in payload.split(b"\n")) <= 76
    assert parse_mail(data).get_content() == body + "\n"
    short = render_mail(draft, body="x" * 998, message_id="<x@example.org>")
    assert short.endswith(b"\n\n" + b"x" * 998 + b"\n")
    assert b"Content-Transfer-Encoding: 8bit\n" in short


def test_a_non_ascii_subject_is_encoded_and_decodes_back() -> None:
    draft = dataclasses.replace(_seed_draft(), subject="Re: [PATCH] vpci: Monné's fix")
    parsed = parse_mail(render_mail(draft, message_id="<x@example.org>"))
    assert parsed["Subject"] == "Re: [PATCH] vpci: Monné's fix"


def test_write_eml_refuses_an_existing_file_unless_forced(tmp_path: Path) -> None:
    data = render_mail(_seed_draft(), message_id="<x@example.org>")
    out = tmp_path / "out"
    out.mkdir()
    target = out / "reply.eml"
    write_eml(target, data)
    assert target.read_bytes() == data
    target.write_bytes(b"the user's own text\n")
    with pytest.raises(OutputError) as caught:
        write_eml(target, data)
    assert caught.value.one_line() == (
        f"{target} already exists; choose another -o, or give --force to replace it"
    )
    assert target.read_bytes() == b"the user's own text\n"
    write_eml(target, data, force=True)
    assert target.read_bytes() == data
    with pytest.raises(OutputError, match="does not exist"):
        write_eml(out / "missing" / "reply.eml", data)
    with pytest.raises(OutputError, match="is a directory"):
        write_eml(out, data, force=True)
    assert [p.name for p in out.iterdir()] == ["reply.eml"]  # no .reviewbot-* left behind


def _read_mbox(path: Path) -> list[mailbox.mboxMessage]:
    box = mailbox.mbox(path, create=False)
    try:
        return list(box)
    finally:
        box.close()


def test_append_mbox_creates_appends_and_reads_back(tmp_path: Path) -> None:
    draft = _seed_draft()
    first = render_mail(draft, message_id="<one@example.org>")
    second = render_mail(
        draft, body="From here on, a line mboxrd escapes.\n", message_id="<two@example.org>"
    )
    box = tmp_path / "drafts.mbox"
    append_mbox(box, first)
    assert box.read_bytes() == b"From mboxrd@z Thu Jan  1 00:00:00 1970\n" + first + b"\n"
    append_mbox(box, second)
    assert box.read_bytes().count(b"\n\nFrom mboxrd@z ") == 1
    messages = _read_mbox(box)
    assert [m["Message-ID"] for m in messages] == ["<one@example.org>", "<two@example.org>"]
    assert messages[0].get_payload() == SEED_BODY
    assert messages[1].get_payload() == ">From here on, a line mboxrd escapes.\n"


@pytest.mark.parametrize("ending", [b"", b"\n", b"\n\n"])
def test_append_mbox_leaves_one_blank_line_before_the_new_from_line(
    tmp_path: Path, ending: bytes
) -> None:
    box = tmp_path / "mine.mbox"
    existing = b"From someone Thu Jan  1 00:00:00 1970\nMessage-ID: <old@x>\n\nlast line" + ending
    box.write_bytes(existing)
    data = render_mail(_seed_draft(), message_id="<new@example.org>")
    append_mbox(box, data)
    assert box.read_bytes() == (
        existing.removesuffix(ending)
        + b"\n\nFrom mboxrd@z Thu Jan  1 00:00:00 1970\n"
        + data
        + b"\n"
    )
    messages = _read_mbox(box)
    assert [m["Message-ID"] for m in messages] == ["<old@x>", "<new@example.org>"]
    assert messages[0].get_payload() == "last line\n"


def test_append_mbox_refuses_a_file_that_is_not_an_mbox(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"Not mail at all.\n")
    with pytest.raises(OutputError) as caught:
        append_mbox(notes, render_mail(_seed_draft()))
    assert caught.value.one_line() == (
        f"{notes} is not an mbox (it does not start with a From line); "
        "give --mbox an mbox file, or -o FILE for an .eml"
    )
    assert notes.read_bytes() == b"Not mail at all.\n"
    with pytest.raises(OutputError, match="is a directory"):
        append_mbox(tmp_path, render_mail(_seed_draft()))


# --- reviewer_identity -------------------------------------------------------------------------


@pytest.fixture
def git_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git whose global config is a file of this test, run from a directory in no repo."""
    config = tmp_path / "gitconfig"
    config.write_text("")
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_CONFIG", "GIT_CONFIG_COUNT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    return config


def _git_config(config: Path, key: str, value: str) -> None:
    subprocess.run(["git", "config", "--file", str(config), key, value], check=True)


def test_reviewer_identity_settings_win_over_git(git_home: Path) -> None:
    _git_config(git_home, "user.name", "Git Global")
    _git_config(git_home, "user.email", "global@example.net")
    settings = load_settings(
        ["user.name=Rita Reviewer", "user.email=Rita <rita@example.org>"], environ={}
    )
    assert reviewer_identity(settings) == RITA
    assert reviewer_identity(load_settings([], environ={})) == (
        Person("Git Global", "global@example.net")
    )
    # Each missing setting is filled in by git on its own.
    named = load_settings(["user.name=Rita Reviewer"], environ={})
    assert reviewer_identity(named) == Person("Rita Reviewer", "global@example.net")


def test_reviewer_identity_from_a_trees_local_config(git_home: Path, tmp_path: Path) -> None:
    _git_config(git_home, "user.name", "Git Global")
    _git_config(git_home, "user.email", "global@example.net")
    tree = tmp_path / "xen"
    subprocess.run(["git", "init", "-q", str(tree)], check=True)
    _git_config(tree / ".git" / "config", "user.email", "tree@example.com")
    settings = load_settings([], environ={})
    assert reviewer_identity(settings, tree) == Person("Git Global", "tree@example.com")
    assert reviewer_identity(settings) == Person("Git Global", "global@example.net")


def test_reviewer_identity_missing_or_malformed(git_home: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        reviewer_identity(load_settings([], environ={}))
    assert caught.value.one_line() == (
        "no identity to reply as: neither reviewbot nor git gives a name and an address; "
        "set user.name and user.email in reviewbot's config.toml, or git config --global "
        "user.name/user.email, or pass -c user.name='Your Name' -c user.email=you@example.org"
    )
    _git_config(git_home, "user.name", "Git Global")
    with pytest.raises(ConfigError, match=r"^no identity to reply as: .* gives an address$"):
        reviewer_identity(load_settings([], environ={}))
    _git_config(git_home, "user.email", "not an address")
    with pytest.raises(ConfigError) as caught:
        reviewer_identity(load_settings([], environ={}))
    assert (
        caught.value.one_line()
        == "user.email 'not an address' is not a mail address; fix the setting"
    )
    named = load_settings(["user.email=Rita Reviewer <rita@example.org>"], environ={})
    assert reviewer_identity(named) == Person("Git Global", "rita@example.org")


def test_first_name() -> None:
    assert first_name(Person("Roger Pau Monné", "roger.pau@citrix.com")) == "Roger"
    assert first_name(Person("  Jan   Beulich ", "jbeulich@suse.com")) == "Jan"
    assert first_name(Person("", "jbeulich@suse.com")) == "jbeulich"


# --- draft_reply: a review with findings and plugin paragraphs ---------------------------------


class _Talker:
    """A plugin that adds one paragraph to review drafts (or none, when `text` is empty)."""

    def __init__(self, text: str) -> None:
        self.text = text

    @hookimpl
    def reply_paragraphs(self, kind: str) -> list[str]:
        return [self.text] if kind == "review" and self.text else []


MCE_FILE = "xen/arch/x86/cpu/mcheck/mce_sample.c"


def test_a_review_draft_places_findings_and_keeps_remarks_that_matter() -> None:
    host = PluginHost()
    host.register(_Talker("The simulator agrees with the new loop."), "gdt")
    host.register(_Talker(""), "quiet")
    thread = thread_from(FIXTURES / "checks" / "hygiene" / "long-lines.mbox", LONG_LINES_ID)
    context = context_for(thread, host=host)
    findings = [
        Finding(
            WARN,
            "This line is 104 characters long; Xen's limit is 80. Break the condition after "
            "one of the &&.",
            patch=1,
            file=MCE_FILE,
            line=15,
            plugin="hygiene",
        ),
        Finding(WARN, "Say which hardware this was tested on.", patch=1, plugin="hygiene"),
        Finding(WARN, "gdt: its paragraph says it all.", plugin="gdt"),
        Finding(
            WARN, "quiet: a series-wide warning of a plugin that said nothing.", plugin="quiet"
        ),
        Finding(INFO, "An info without a line.", patch=1, plugin="hygiene"),
        Finding(INFO, "A series-wide info.", plugin="quiet"),
        Finding(WARN, "Another patch's.", patch=2, file=MCE_FILE, line=15, plugin="hygiene"),
        Finding(WARN, "Say what is logged.", patch=1, line=2, plugin="hygiene"),
    ]
    draft = draft_reply(host, context, ReplyRequest(), RITA, findings=findings, now=NOW)
    assert draft.body == (
        "On Tue, 02 Jul 2024 11:40:12 +0300, Noor Haddad wrote:\n"
        "> A corrected error's status alone rarely says which DIMM to replace; log the\n"
        "> address and misc registers too when the status says they are valid.\n"
        "\n"
        "Say what is logged.\n"
        "\n"
        "> --- a/xen/arch/x86/cpu/mcheck/mce_sample.c\n"
        "> +++ b/xen/arch/x86/cpu/mcheck/mce_sample.c\n"
        "> @@ -9,7 +9,19 @@\n"
        "> +    uint64_t status, addr = 0, misc = 0;\n"
        ">  \n"
        ">      rdmsrl(MSR_IA32_MCx_STATUS(bank), status);\n"
        "> +    if ( (status & MCi_STATUS_VAL) && (status & MCi_STATUS_ADDRV) && "
        "(status & MCi_STATUS_MISCV) != 0 )\n"
        "\n"
        "This line is 104 characters long; Xen's limit is 80. Break the condition\n"
        "after one of the &&.\n"
        "\n"
        "Say which hardware this was tested on.\n"
        "\n"
        "quiet: a series-wide warning of a plugin that said nothing.\n"
        "\n"
        "The simulator agrees with the new loop.\n"
        "\n"
        "Rita\n"
    )
    assert draft.warnings == ()
    assert draft.template_origin == "built-in"
    assert draft.subject == (
        "Re: [PATCH] x86/mce: log the address and misc registers of corrected errors"
    )
    assert draft.recipients.to == (Person("Noor Haddad", "noor.haddad@example.com"),)


def test_a_review_draft_without_findings_quotes_the_first_paragraph() -> None:
    thread = thread_from(FIXTURES / "checks" / "hygiene" / "long-lines.mbox", LONG_LINES_ID)
    draft = draft_reply(PluginHost(), context_for(thread), ReplyRequest(), RITA, now=NOW)
    assert draft.body == (
        "On Tue, 02 Jul 2024 11:40:12 +0300, Noor Haddad wrote:\n"
        "> A corrected error's status alone rarely says which DIMM to replace; log the\n"
        "> address and misc registers too when the status says they are valid.\n"
        "\n"
        "Rita\n"
    )


def test_the_readme_documents_every_placeholder() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    rows = [line for line in readme.splitlines() if line.startswith("| `$")]
    assert rows == [f"| `${name}` | {text} |" for name, text in PLACEHOLDERS.items()]


@pytest.mark.parametrize(
    ("lines", "kept"),
    [
        (["Hello,", "", "Text.", "", "Thanks, Roger."], ["Text."]),
        (["Hi all,", "", "Text.", "More.", "", "Regards,", "Jan"], ["Text.", "More."]),
        (["Text.", "", "Roger"], ["Text."]),
        # a closing paragraph that says something is kept, and so is a lone sign-off
        (["Text.", "", "Patch 3 is new in v2."], ["Text.", "", "Patch 3 is new in v2."]),
        (["Thanks, Roger."], ["Thanks, Roger."]),
        (["Text.", "", "Thanks to Sander for", "reporting the crash.", "Roger"], None),
    ],
)
def test_without_salutations_trims_greeting_and_sign_off(
    lines: list[str], kept: list[str] | None
) -> None:
    assert without_salutations(lines, "Roger") == (lines if kept is None else kept)
