"""MHonArc message pages: markers, header list, links, errors; mrot13 and archive URLs."""

from __future__ import annotations

import string
from pathlib import Path

import pytest

from reviewbot.archive import ArchiveLocation, ArchivePage, mrot13, parse_archive_url, parse_page
from reviewbot.archive.page import uncommentize
from reviewbot.errors import ParseError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ARCHIVE = FIXTURES / "archive" / "xen-devel"
SITE = "https://lists.xenproject.org/archives/html/xen-devel"
PATCH_ID = "20190704175732.5943-1-andrew.cooper3@citrix.com"
JUERGEN_ID = "b4d3c0ea-3a1f-5d6e-93c2-1f8e0b7d2a65@suse.com"


def page_bytes(month: str, number: int) -> bytes:
    return (ARCHIVE / month / f"msg{number:05d}.html").read_bytes()


def url(month: str, name: str) -> str:
    return f"{SITE}/{month}/{name}"


def load(month: str, number: int) -> ArchivePage:
    return parse_page(page_bytes(month, number), url(month, f"msg{number:05d}.html"))


def test_seed_patch_page_markers_and_headers() -> None:
    page = load("2019-07", 0)
    assert page.subject == (
        "[Xen-devel] [PATCH] x86/ctxt-switch: Document and improve GDT handling"
    )
    assert page.message_id == PATCH_ID
    assert page.references == ()
    assert page.in_reply_to is None
    assert page.from_header == "Andrew Cooper <andrew.cooper3@citrix.com>"
    assert page.date_header == "Thu, 4 Jul 2019 18:57:32 +0100"
    assert page.received_date == "Thu, 04 Jul 2019 17:58:07 +0000"
    assert page.content_type == "text/plain"
    assert page.header("to") == "Xen-devel <xen-devel@xxxxxxxxxxxxxxxxxxxx>"
    assert page.header("Cc") == (
        "Jan Beulich <JBeulich@xxxxxxxx>, Wei Liu <wl@xxxxxxx>, "
        "Roger Pau Monné <roger.pau@xxxxxxxxxx>, Juergen Gross <jgross@xxxxxxxx>"
    )
    assert [name for name, _ in page.header_fields] == [
        "To",
        "From",
        "Date",
        "Cc",
        "Delivery-date",
        "List-id",
    ]
    assert page.masked is True
    assert page.masked_in == ("to", "cc", "body")


def test_seed_patch_page_links() -> None:
    page = load("2019-07", 0)
    assert page.follow_up_urls == (
        url("2019-07", "msg00001.html"),
        url("2019-07", "msg00003.html"),
    )
    assert page.reference_urls == ()
    assert page.attachment_urls == ()
    assert page.thread_prev_url is None
    assert page.thread_next_url == url("2019-07", "msg00001.html")


def test_nested_reply_references_and_parent() -> None:
    page = load("2019-07", 2)
    assert page.message_id == "6e1b8f0c-2d47-4a9e-b3d1-8c5f4e2a7b19@citrix.com"
    assert page.references == (PATCH_ID, JUERGEN_ID)
    assert page.in_reply_to == JUERGEN_ID
    assert page.reference_urls == (
        url("2019-07", "msg00000.html"),
        url("2019-07", "msg00001.html"),
    )
    assert page.follow_up_urls == ()
    assert page.thread_prev_url == url("2019-07", "msg00001.html")
    assert page.thread_next_url == url("2019-07", "msg00003.html")


def test_groupwise_reply_keeps_quoted_display_names() -> None:
    page = load("2019-07", 3)
    assert page.from_header == '"Jan Beulich" <JBeulich@suse.com>'
    assert page.header("To") == '"Andrew Cooper" <andrew.cooper3@xxxxxxxxxx>'
    assert page.header("From") == '"Jan Beulich" <JBeulich@xxxxxxxx>'
    assert page.in_reply_to == PATCH_ID
    assert page.date_header == "Mon, 08 Jul 2019 04:23:17 -0600"


def test_reply_whose_parent_is_in_the_previous_month() -> None:
    page = load("2019-08", 0)
    assert page.in_reply_to == "156461285713.6782.14227461924136183540.stgit@Palanthas"
    assert page.reference_urls == ()  # links only reach pages of the same month
    assert page.from_header == "Juergen Gross <jgross@suse.com>"
    assert page.body_flowed is True


def test_reference_less_mail_has_no_parent() -> None:
    page = load("2019-07", 11)
    assert page.message_id == "e0c1a7d94b3f2e8a6d5c1b0f9e8d7a6c@aepfle.de"
    assert page.references == ()
    assert page.in_reply_to is None
    assert page.header("Cc") == "Wei Liu <wl@xxxxxxx>"


def test_attachment_page_lists_the_derived_file() -> None:
    page = load("2019-07", 20)
    saved = url("2019-07", "bin0Q2mgv0Gyw.bin")
    assert page.content_type == "multipart/mixed"
    assert page.attachment_urls == (saved,)
    assert [(a.url, a.name, a.description) for a in page.attachments] == [
        (saved, "serial-boot.log.gz", "application/gzip")
    ]
    assert "Attachment:" not in page.body_text
    assert "serial-boot.log.gz" not in page.body_text
    # the Mailman footer is a MIME part of its own, without a final newline
    assert page.body_text.endswith("\nhttps://lists.xenproject.org/mailman/listinfo/xen-devel")


def test_not_an_mhonarc_page() -> None:
    html = b"<html><head><title>Xen</title></head><body><pre>hello</pre></body></html>"
    with pytest.raises(ParseError) as caught:
        parse_page(html, url("2019-07", "msg00000.html"))
    address = url("2019-07", "msg00000.html")
    assert caught.value.message == f"{address} is not an MHonArc message page"
    assert "msgNNNNN.html" in caught.value.hint


def test_index_page_is_not_a_message_page() -> None:
    with pytest.raises(ParseError, match="is an MHonArc index page, not a message page"):
        parse_page((ARCHIVE / "2019-07" / "threads.html").read_bytes(), url("2019-07", "t.html"))


@pytest.mark.parametrize("data", [b"", b" \n\t\n"])
def test_empty_page(data: bytes) -> None:
    with pytest.raises(ParseError, match=r"^empty archive page"):
        parse_page(data, url("2019-07", "msg00000.html"))


@pytest.mark.parametrize(
    ("cut_after", "problem"),
    [
        ("<!--X-Reference: ", "is truncated in its header"),
        ("Signed-off-by: Andrew Cooper", "is truncated (no X-Body-of-Message-End marker)"),
        ("<!--X-MsgBody-End-->", "is truncated (no X-Follow-Ups-End marker)"),
        ("<!--X-BotPNI-->", "is truncated (no X-BotPNI-End marker)"),
    ],
)
def test_truncated_page(cut_after: str, problem: str) -> None:
    data = page_bytes("2019-07", 2)
    cut = data.index(cut_after.encode()) + len(cut_after)
    address = url("2019-07", "msg00002.html")
    with pytest.raises(ParseError) as caught:
        parse_page(data[:cut], address)
    assert caught.value.message == f"archive page {address} {problem}"
    assert caught.value.hint == "fetch the page again; the download was cut short"


def test_every_fixture_page_parses() -> None:
    pages = sorted(ARCHIVE.glob("*/msg*.html"))
    assert len(pages) >= 30
    ids = set()
    for path in pages:
        page = parse_page(path.read_bytes(), url(path.parent.name, path.name))
        assert "@" in page.from_header and "xxx" not in page.from_header
        ids.add(page.message_id)
    assert len(ids) == len(pages)


def test_uncommentize_is_one_pass() -> None:
    assert uncommentize("Xen&#45;devel &#38; &#60;GDT>") == "Xen-devel & <GDT>"
    assert uncommentize("&#38;#65;") == "&#65;"  # a literal "&#65;" in the mail stays literal


def test_mrot13_decodes_the_documented_example() -> None:
    assert mrot13.decode("Xhretra Uebff <wtebffNfhfr.pbz>") == "Juergen Gross <jgross@suse.com>"
    assert mrot13.decode("Dbtre Bnh [baaé") == "Roger Pau Monné"


def test_mrot13_is_its_own_inverse() -> None:
    every = "@[" + string.ascii_letters + string.digits + " <>.-_é"
    assert mrot13.encode(every) != every
    assert mrot13.decode(mrot13.encode(every)) == every
    assert mrot13.encode("@M[N") == "N[M@"


def test_parse_archive_url_message_page() -> None:
    location = parse_archive_url(url("2019-07", "msg00012.html"))
    assert location == ArchiveLocation(SITE, "xen-devel", 2019, 7, 12)
    assert location.month_url == f"{SITE}/2019-07/"
    assert location.page_url(3) == f"{SITE}/2019-07/msg00003.html"
    assert location.thread_index_url() == f"{SITE}/2019-07/threads.html"
    assert location.thread_index_url(2) == f"{SITE}/2019-07/thrd2.html"
    assert location.date_index_url(3) == f"{SITE}/2019-07/mail3.html"


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        (
            "http://lists.xen.org/archives/html/xen-devel/2012-12/threads.html",
            ArchiveLocation("http://lists.xen.org/archives/html/xen-devel", "xen-devel", 2012, 12),
        ),
        (
            f"{SITE}/2019-08/",
            ArchiveLocation(SITE, "xen-devel", 2019, 8),
        ),
        (
            f"{SITE}/2019-08/maillist.html#00004",
            ArchiveLocation(SITE, "xen-devel", 2019, 8),
        ),
        ("https://lore.kernel.org/xen-devel/20190704175732.5943-1@citrix.com/", None),
        (f"{SITE}/2019-13/msg00000.html", None),
        (f"{SITE}/2019-07/msg0001.html", None),
    ],
)
def test_parse_archive_url_shapes(address: str, expected: ArchiveLocation | None) -> None:
    assert parse_archive_url(address) == expected


def test_neighbour_months_cross_years() -> None:
    location = ArchiveLocation(SITE, "xen-devel", 2019, 12, 5)
    assert location.neighbour(1) == ArchiveLocation(SITE, "xen-devel", 2020, 1)
    assert location.neighbour(-12) == ArchiveLocation(SITE, "xen-devel", 2018, 12)
    assert location.neighbour(1).month_url == f"{SITE}/2020-01/"
