"""reviewbot.lore: URL shapes, and fetching from a real public-inbox-httpd."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reviewbot.errors import SpecError
from reviewbot.http import HttpClient, HttpSettings
from reviewbot.lore import (
    InboxRef,
    fetch_raw,
    fetch_thread,
    parse_inbox_url,
    raw_url,
    thread_mbox_url,
)
from reviewbot.mail import write_mboxrd

LORE = "https://lore.kernel.org/xen-devel"
MID = "20190704175732.5943-1-andrew.cooper3@citrix.com"

# --- URL shapes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "base", "msgid"),
    [
        (f"{LORE}/{MID}/", LORE, MID),
        (f"{LORE}/{MID}", LORE, MID),
        (f"{LORE}/{MID}/raw", LORE, MID),
        (f"{LORE}/{MID}/T/", LORE, MID),
        (f"{LORE}/{MID}/T/#u", LORE, MID),
        (f"{LORE}/{MID}/t/", LORE, MID),
        (f"{LORE}/{MID}/t.mbox.gz", LORE, MID),
        (f"{LORE}/{MID}/t.atom", LORE, MID),
        (f"{LORE}/{MID}/#r", LORE, MID),
        (f"{LORE}/{MID}/#R", LORE, MID),
        (f"  {LORE}/{MID}/\n", LORE, MID),
        (f"https://lore.kernel.org/all/{MID}/", "https://lore.kernel.org/all", MID),
        (f"https://lore.kernel.org/r/{MID}", "https://lore.kernel.org/all", MID),
        (f"http://lore.kernel.org/xen-devel/{MID}/", "http://lore.kernel.org/xen-devel", MID),
        (f"{LORE}/{MID.replace('@', '%40')}/raw", LORE, MID),
        (f"{LORE}/%3C{MID}%3E/", LORE, MID),
        (
            f"{LORE}/odd%2Fid+plus%25pct%3Fq%23h@example.org/",
            LORE,
            "odd/id+plus%pct?q#h@example.org",
        ),
        (f"{LORE}/caf%C3%A9.1@example.org/t/", LORE, "café.1@example.org"),
        (
            "http://127.0.0.1:8080/xen-devel/a.b@c.d/",
            "http://127.0.0.1:8080/xen-devel",
            "a.b@c.d",
        ),
        (
            "https://example.org/pi/xen-devel/a.b@c.d/raw",
            "https://example.org/pi/xen-devel",
            "a.b@c.d",
        ),
    ],
)
def test_parse_inbox_url(url: str, base: str, msgid: str) -> None:
    assert parse_inbox_url(url) == InboxRef(base, msgid)


@pytest.mark.parametrize(
    "url",
    [
        "https://lists.xenproject.org/archives/html/xen-devel/2019-07/msg00245.html",
        "https://lists.xen.org/archives/html/xen-devel/2019-07/threads.html",
        "https://lists.xenproject.org/archives/html/xen-devel/2019-07/",
        "https://patchwork.kernel.org/project/xen-devel/patch/a.b@c.d/",
        "https://patchwork.kernel.org/project/xen-devel/cover/a.b@c.d/",
        f"{LORE}/",
        LORE,
        f"{LORE}/?q=s:gdt",
        f"https://lore.kernel.org/{MID}/",
        f"{LORE}/{MID}/unknown-page",
        f"{LORE}//{MID}/",
        f"ftp://lore.kernel.org/xen-devel/{MID}/",
        f"mailto:{MID}",
        f"<{MID}>",
        "not a url",
        "",
    ],
)
def test_parse_inbox_url_rejects(url: str) -> None:
    assert parse_inbox_url(url) is None


def test_urls_quote_like_public_inbox() -> None:
    odd = '<odd/id+plus%pct?q#h[x]"y"=$&!@example.org>'
    assert thread_mbox_url(LORE + "/", odd) == (
        f"{LORE}/odd%2Fid+plus%25pct%3Fq%23h%5Bx%5D%22y%22=$&!@example.org/t.mbox.gz"
    )
    assert raw_url(LORE, "café.1@example.org") == f"{LORE}/caf%C3%A9.1@example.org/raw"
    assert raw_url(LORE, f"<{MID}>") == f"{LORE}/{MID}/raw"


def test_urls_reject_a_non_msgid() -> None:
    with pytest.raises(SpecError):
        raw_url(LORE, "no-at-sign")


@pytest.mark.parametrize("msgid", [MID, "odd/id+plus%pct?q#h@example.org", "café.1@example.org"])
def test_url_round_trip(msgid: str) -> None:
    assert parse_inbox_url(raw_url(LORE, msgid)) == InboxRef(LORE, msgid)
    assert parse_inbox_url(thread_mbox_url(LORE, msgid)) == InboxRef(LORE, msgid)


# --- a real public-inbox-httpd ---------------------------------------------------------------

THREAD_IDS = [
    "20240101120000.1-a@example.org",
    "odd/id+plus%pct?q#h@example.org",
    "reply.2@example.net",
    "reply.3!$&'()*,;=:~@example.com",
]


def _message(n: int) -> bytes:
    msgid = THREAD_IDS[n]
    headers = [
        f"From: Person {n} <p{n}@example.org>",
        "To: xen-devel@lists.xenproject.org",
        f"Subject: {'Re: ' if n else ''}[PATCH] x86/gdt: thing",
        f"Date: Mon, 1 Jan 2024 12:0{n}:00 +0000",
        f"Message-ID: <{msgid}>",
    ]
    if n:
        references = " ".join(f"<{m}>" for m in THREAD_IDS[:n])
        headers += [f"In-Reply-To: <{THREAD_IDS[n - 1]}>", f"References: {references}"]
    body = (
        f"Message {n}.\n"
        "From the start of a line, to test mboxrd escaping.\n"
        ">From an already quoted line.\n"
        "\n"
        "diff --git a/xen/arch/x86/gdt.c b/xen/arch/x86/gdt.c\n"
        "@@ -1,2 +1,2 @@\n"
        "-old  \n"
        "+new\t\n"
        " \n"
        "-- \n"
        "signature\n"
    )
    return ("\n".join(headers) + "\n\n" + body).encode()


THREAD = [_message(n) for n in range(len(THREAD_IDS))]


def _body(raw: bytes) -> bytes:
    return raw.split(b"\n\n", 1)[1]


def _msgid(raw: bytes) -> str:
    found = re.search(rb"(?mi)^Message-ID: <([^>]+)>", raw)
    assert found
    return found.group(1).decode()


@pytest.fixture(scope="module")
def inbox(public_inbox: Callable[[Path], str], tmp_path_factory: pytest.TempPathFactory) -> str:
    """Base URL of a public-inbox holding THREAD plus an unrelated message (not fetched)."""
    mbox = tmp_path_factory.mktemp("lore") / "thread.mbox"
    other = _message(0).replace(THREAD_IDS[0].encode(), b"unrelated@example.org")
    # public-inbox also threads reference-less mail by subject: give this one its own
    other = other.replace(b"x86/gdt: thing", b"tools: other")
    with mbox.open("wb") as out:
        write_mboxrd([*THREAD, other], out)
    return public_inbox(mbox)


def _run(func: Callable[..., Any], *args: Any) -> Any:
    async def main() -> Any:
        async with HttpClient(HttpSettings(retries=0)) as client:
            return await func(client, *args)

    return asyncio.run(main())


@pytest.mark.publicinbox
@pytest.mark.parametrize("msgid", THREAD_IDS)
def test_fetch_thread_from_any_message(inbox: str, msgid: str) -> None:
    messages = _run(fetch_thread, inbox, msgid)
    assert messages is not None
    assert sorted(map(_msgid, messages)) == sorted(THREAD_IDS)
    by_id = {_msgid(raw): raw for raw in messages}
    for original in THREAD:
        assert _body(by_id[_msgid(original)]) == _body(original)


@pytest.mark.publicinbox
@pytest.mark.parametrize("n", range(len(THREAD_IDS)))
def test_fetch_raw(inbox: str, n: int) -> None:
    raw = _run(fetch_raw, inbox, THREAD_IDS[n])
    assert _msgid(raw) == THREAD_IDS[n]
    assert _body(raw) == _body(THREAD[n])


@pytest.mark.publicinbox
def test_unknown_msgid_is_none(inbox: str) -> None:
    assert _run(fetch_thread, inbox, "nobody@example.org") is None
    assert _run(fetch_raw, inbox, "nobody@example.org") is None


@pytest.mark.publicinbox
def test_message_page_url_parses_and_redirects(inbox: str) -> None:
    page = raw_url(inbox, THREAD_IDS[1]).removesuffix("raw")
    assert parse_inbox_url(page) == InboxRef(inbox, THREAD_IDS[1])

    async def final_url(client: HttpClient, url: str) -> str:
        return (await client.get(url)).url

    assert _run(final_url, page.rstrip("/")) == page  # public-inbox answers 301
