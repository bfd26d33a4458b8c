"""X-Body-of-Message HTML back into text: the three rendering modes, quirks and known losses."""

from __future__ import annotations

import subprocess
from email.message import EmailMessage
from functools import cache
from pathlib import Path

import pytest

from reviewbot.archive import ArchivePage, html_to_text, parse_page
from reviewbot.archive.body import mask_addresses, render_body
from reviewbot.flowed import unflow
from reviewbot.mail import parse_bytes, split_mbox
from tests.support.tools import require_tools

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SITE = "https://lists.xenproject.org/archives/html/xen-devel"
RC = FIXTURES / "mhonarc" / "xen-archive.rc"


def load(month: str, number: int, tree: str = "archive") -> ArchivePage:
    name = f"msg{number:05d}.html"
    path = FIXTURES / tree / "xen-devel" / month / name
    return parse_page(path.read_bytes(), f"{SITE}/{month}/{name}")


def raw_page(month: str, number: int, tree: str = "archive") -> str:
    path = FIXTURES / tree / "xen-devel" / month / f"msg{number:05d}.html"
    return path.read_text(encoding="utf-8")


@cache
def sources() -> dict[str, EmailMessage]:
    found: dict[str, EmailMessage] = {}
    for mbox in sorted((FIXTURES / "mail").glob("*.mbox")):
        for raw in split_mbox(mbox.read_bytes()):
            message = parse_bytes(raw)
            found[str(message["Message-ID"]).strip().strip("<>")] = message
    return found


def source_text(page: ArchivePage) -> str:
    """The source mail's text as the archive shows it: addresses masked, LF line ends."""
    body = sources()[page.message_id].get_content()
    return mask_addresses(body.replace("\r\n", "\n"))


def diff_of(text: str) -> str:
    return text[text.index("diff --git") : text.index("\n-- \n") + 1]


# --- fancyquote pages of the main archive ---------------------------------------------


def test_seed_patch_diff_is_byte_exact() -> None:
    page = load("2019-07", 0)
    original = sources()[page.message_id].get_content()
    assert diff_of(page.body_text) == diff_of(original)
    diff = diff_of(page.body_text)
    assert diff.count("diff --git ") == 4
    assert "\n \n" in diff  # blank context lines survive
    assert "\n     return is_pv_domain(d) && !is_idle_domain(d);\n" in diff
    assert "\n-    for ( i = 0; i < NR_RESERVED_GDT_PAGES; i++ )\n" in diff


@pytest.mark.parametrize(
    ("month", "number"),
    [("2019-07", 0), ("2019-07", 14), ("2019-07", 16), ("2019-07", 25), ("2019-08", 3)],
)
def test_patch_pages_come_back_exactly(month: str, number: int) -> None:
    page = load(month, number)
    assert page.body_text == source_text(page)


def test_fancyquote_depths() -> None:
    lines = load("2019-07", 2).body_text.split("\n")
    assert lines[:6] == [
        "On 05/07/2019 08:51, Juergen Gross wrote:",
        "> On 04.07.19 19:57, Andrew Cooper wrote:",
        ">> write_full_gdt_ptes() has a latent bug.  Using virt_to_mfn() and iterating",
        ">> with (mfn + i) is wrong, because of PDX compression.  The context switch path",
        ">> only functions correctly because NR_RESERVED_GDT_PAGES is 1.",
        ">>",
    ]
    assert ">           elapsed  user   system" in lines


def test_groupwise_attribution_is_depth_three() -> None:
    html = raw_page("2019-07", 3)
    fragment = html[html.index("<!--X-Body-of-Message-->") :]
    quote = (
        '<blockquote style="border-left: #5555EE solid 0.2em; margin: 0em; padding-left: 0.85em">'
    )
    assert fragment.index(quote * 3) < fragment.index("On 04.07.19 at 19:57")
    page = load("2019-07", 3)
    assert page.body_text.split("\n")[0] == (
        ">>> On 04.07.19 at 19:57, <andrew.cooper3@xxxxxxxxxx> wrote:"
    )
    assert page.body_text == source_text(page)


def test_mbox_escaped_from_line_is_restored() -> None:
    html = raw_page("2019-07", 16)
    assert '<pre style="margin: 0em;">From the start this was only' in html  # a quote
    page = load("2019-07", 16)
    assert "\nFrom the start this was only exercised with guests performing 64bit\n" in (
        page.body_text
    )
    assert page.body_text == source_text(page)


def test_genuine_quote_starting_with_from_stays_quoted() -> None:
    page = load("2019-07", 20)
    assert "\n> From the start this was only exercised with guests performing 64bit\n" in (
        page.body_text
    )


def test_mutt_nested_quote_spelling_is_lost() -> None:
    page = load("2019-07", 6)
    original = source_text(page)
    assert "\n> > 1. Stop building it by default in 4.13" in original
    assert "\n>> 1. Stop building it by default in 4.13" in page.body_text
    assert page.body_text == original.replace("\n> > ", "\n>> ").replace("\n> \n", "\n>\n")


def test_outlook_blank_quote_line_loses_its_space() -> None:
    page = load("2019-07", 17)
    original = source_text(page)
    assert "\n> \n> Hello,\n" in original
    assert "\n>\n> Hello,\n" in page.body_text
    assert page.body_text == original.replace("\n> \n", "\n>\n")


def test_links_and_entities() -> None:
    html = raw_page("2019-07", 17)
    assert 'href="mailto:roger.pau@xxxxxxxxxx">mailto:roger.pau@xxxxxxxxxx</a>]' in html
    page = load("2019-07", 17)
    assert "> From: Roger Pau Monne [mailto:roger.pau@xxxxxxxxxx]\n" in page.body_text
    patch = load("2019-07", 0)
    assert "lgdt(&amp;gdt_desc);" in raw_page("2019-07", 0)
    assert "    lgdt(&gdt_desc);\n" in patch.body_text
    footer_link = (
        '<a  rel="nofollow" href="https://lists.xenproject.org/mailman/listinfo/xen-devel">'
    )
    assert footer_link in raw_page("2019-07", 0)
    assert patch.body_text.endswith("\nhttps://lists.xenproject.org/mailman/listinfo/xen-devel\n")


def test_trailing_spaces_in_a_table_survive() -> None:
    page = load("2019-07", 12)
    assert page.body_text == source_text(page)
    assert any(line.endswith(" ") for line in page.body_text.split("\n"))


# --- format=flowed ------------------------------------------------------------------------


def test_flowed_reply_keeps_soft_breaks() -> None:
    assert "<tt>I did a small performance test" in raw_page("2019-07", 1)
    page = load("2019-07", 1)
    assert page.body_flowed is True
    lines = page.body_text.split("\n")
    assert "I did a small performance test with this patch: on a 8 cpu system I " in lines
    assert ">  From this, we observe that load_full_gdt() is completely independent of the" in (
        lines
    )
    assert "           elapsed  user   system" in lines  # no whitespace collapse
    assert page.body_text == source_text(page)
    assert "on a 8 cpu system I started 2 mini-os domains" in unflow(page.body_text)


def test_flowed_blank_diff_context_lines_do_not_vanish() -> None:
    page = load("2019-07", 1)
    original = source_text(page)
    # ">   ": quote, stuffing space, the context line's space, and a flowed line's trailing one
    blank_context = [line for line in original.split("\n") if line == ">   "]
    assert len(blank_context) >= 5
    assert [line for line in page.body_text.split("\n") if line == ">   "] == blank_context
    assert "<tt>  \n</tt>" in raw_page("2019-07", 1)


# --- the other two rendering modes --------------------------------------------------------


def test_plain_pre_mode() -> None:
    html = raw_page("2019-07", 0, "archive-variants/plain")
    assert "\n&gt;From this, we observe" in html
    assert '<pre style="margin: 0em;">' not in html
    page = load("2019-07", 0, "archive-variants/plain")
    assert page.body_text == source_text(page)
    assert "\nFrom this, we observe that load_full_gdt()" in page.body_text


def test_quote_mode_italics() -> None:
    html = raw_page("2019-07", 3, "archive-variants/quote")
    assert "<pre>&gt;<i>&gt;&gt; On 04.07.19 at 19:57, &lt;andrew.cooper3@xxxxxxxxxx&gt;" in html
    page = load("2019-07", 3, "archive-variants/quote")
    assert page.body_text.startswith(">>> On 04.07.19 at 19:57, <andrew.cooper3@xxxxxxxxxx>")
    assert page.body_text == source_text(page)


@pytest.mark.parametrize("number", [0, 1, 2, 3])
def test_all_three_modes_agree_on_the_seed_thread(number: int) -> None:
    fancy = load("2019-07", number).body_text
    assert load("2019-07", number, "archive-variants/plain").body_text == fancy
    assert load("2019-07", number, "archive-variants/quote").body_text == fancy


# --- quirks, pinned on verbatim MHonArc 2.6.19 output -------------------------------------


def test_link_ending_inside_an_entity() -> None:
    # MHonArc's URL pattern stops inside "&quot;": the link text ends in "&quot" and ";" follows.
    fragment = (
        '<pre style="margin: 0em;">a &quot;<a  rel="nofollow" href="http://foo.example.com/a&quot">'
        "http://foo.example.com/a&quot</a>; b\n</pre>"
    )
    assert html_to_text(fragment) == 'a "http://foo.example.com/a" b\n'


def test_fancy_chunk_leading_newline_is_undoubled() -> None:
    fragment = (
        '<pre style="margin: 0em;">\n\n\nstarts blank\n</pre><blockquote style="border-left: '
        '#5555EE solid 0.2em; margin: 0em; padding-left: 0.85em"><pre style="margin: 0em;">q\n'
        '</pre></blockquote><pre style="margin: 0em;">\n\nend\n</pre>'
    )
    assert html_to_text(fragment) == "\n\nstarts blank\n> q\n\nend\n"


def test_flowed_signature_separator_and_stuffing_are_restored() -> None:
    fragment = (
        '<tt>only flowed \n</tt><tt>here\n</tt><pre style="margin: 0em;">\n'
        " two\nFrom x\n--\nsig\n</pre>"
    )
    body = render_body(fragment)
    assert body.flowed is True
    assert body.text == "only flowed \nhere\n  two\n From x\n-- \nsig\n"


def test_html_part_becomes_plain_text() -> None:
    assert html_to_text("<p>HTML  part</p>\n<p>second</p>\n") == "HTML part\nsecond\n"


def test_mask_addresses_follows_mhonarc() -> None:
    text = "a@citrix.com, <b.c@lists.xenproject.org> d@host.example cid:e@f.org"
    assert mask_addresses(text) == (
        "a@xxxxxxxxxx, <b.c@xxxxxxxxxxxxxxxxxxxx> d@host.example cid:e@f.org"
    )


def test_unflow_joins_soft_breaks_per_depth() -> None:
    assert unflow("a \nb\n> c \n> d\n>> e \nf\n-- \nsig\n") == "a b\n> c d\n>> e \nf\n-- \nsig\n"
    assert unflow(">  x\n>\n") == ">  x\n>\n"


# --- losses, shown on pages the real MHonArc makes here ------------------------------------

EDGE_MBOX = b"""\
From mboxrd@z Thu Jan  1 00:00:00 1970
Received: from a by b; Mon, 01 Jul 2019 10:00:00 +0000
From: Tab Person <tab@example.org>
To: xen-devel@lists.xenproject.org
Subject: [PATCH] tabs
Date: Mon, 1 Jul 2019 10:00:00 +0000
Message-ID: <tabs@example.org>
Content-Type: text/plain; charset=utf-8

diff --git a/Makefile b/Makefile
@@ -1,3 +1,3 @@
 all:
-\techo old
+\techo new
 > context starting with a quote
\x0c
 end

From mboxrd@z Thu Jan  1 00:00:00 1970
Received: from a by b; Mon, 01 Jul 2019 11:00:00 +0000
From: Mutt Person <mutt@example.org>
To: xen-devel@lists.xenproject.org
Subject: Re: [PATCH] tabs
Date: Mon, 1 Jul 2019 11:00:00 +0000
Message-ID: <mutt@example.org>
In-Reply-To: <tabs@example.org>
Content-Type: text/plain; charset=utf-8; format=flowed

> > nested\x20
> > quote
>no space
 stuffed line
  indented line
--\x20
sig
"""


@pytest.mark.mhonarc
def test_losses_on_fresh_mhonarc_output(tmp_path: Path) -> None:
    require_tools("mhonarc", "mhonarc")
    mbox = tmp_path / "edge.mbox"
    mbox.write_bytes(EDGE_MBOX)
    out = tmp_path / "xen-devel" / "2019-07"
    out.mkdir(parents=True)
    command = ["mhonarc", "-quiet", "-rcfile", str(RC), "-outdir", str(out.resolve()), str(mbox)]
    subprocess.run(command, check=True, capture_output=True, env={"PATH": "/usr/bin:/bin"})
    patch = parse_page((out / "msg00000.html").read_bytes(), f"{SITE}/2019-07/msg00000.html")
    assert patch.body_text == (
        "diff --git a/Makefile b/Makefile\n@@ -1,3 +1,3 @@\n all:\n-\techo old\n+\techo new\n"
        "> context starting with a quote\n"  # a context line starting " >" turns into a quote
        "\x0c\n end\n"
    )
    reply = parse_page((out / "msg00001.html").read_bytes(), f"{SITE}/2019-07/msg00001.html")
    assert reply.body_flowed is True
    # flowed quoting keeps "> >" (depth 1 + text "> ..."); ">no space" gains a stuffing space;
    # needless stuffing is dropped, needed stuffing is put back
    assert reply.body_text == (
        "> > nested \n> > quote\n> no space\nstuffed line\n  indented line\n-- \nsig\n"
    )
    original = sources_of(EDGE_MBOX)[1]
    assert unflow(reply.body_text) == unflow(original)


def sources_of(data: bytes) -> list[str]:
    return [parse_bytes(raw).get_content() for raw in split_mbox(data)]
