"""Every SPEC form, and the one-line refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewbot.errors import SpecError
from reviewbot.spec import ArchiveSpec, InboxSpec, LocalSpec, parse_spec

PAGE = "https://lists.xenproject.org/archives/html/xen-devel/2019-07/msg00352.html"
MSGID = "20190704175732.5943-1-andrew.cooper3@citrix.com"


@pytest.mark.parametrize(
    "url",
    [
        PAGE,
        PAGE + "#top",
        PAGE.replace("lists.xenproject.org", "lists.xen.org"),
        "http://127.0.0.1:8080/mirror/archives/html/xen-devel/2019-07/msg00352.html",
    ],
)
def test_archive_pages_on_any_host(url: str) -> None:
    assert parse_spec(url) == ArchiveSpec(url.split("#")[0])


@pytest.mark.parametrize(
    ("text", "base"),
    [
        (f"<{MSGID}>", None),
        (f"id:{MSGID}", None),
        (MSGID, None),
        (f"https://lore.kernel.org/xen-devel/{MSGID}/", "https://lore.kernel.org/xen-devel"),
        (f"https://lore.kernel.org/xen-devel/{MSGID}/T/#u", "https://lore.kernel.org/xen-devel"),
        (
            f"https://lore.kernel.org/xen-devel/{MSGID}/t.mbox.gz",
            "https://lore.kernel.org/xen-devel",
        ),
        (f"http://127.0.0.1:9/xen-devel/{MSGID}/raw", "http://127.0.0.1:9/xen-devel"),
    ],
)
def test_message_ids_and_inbox_urls(text: str, base: str | None) -> None:
    assert parse_spec(text) == InboxSpec(base, MSGID)


def test_local_paths(tmp_path: Path) -> None:
    box = tmp_path / "t.mbox"
    box.write_bytes(b"")
    assert parse_spec(str(box)) == LocalSpec(box)
    assert parse_spec(str(tmp_path)) == LocalSpec(tmp_path)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty SPEC"),
        (PAGE.replace("msg00352.html", "threads.html"), "is a month index, not a message"),
        ("https://example.org/some/page", "unrecognised URL"),
        ("gopher://x/y", "unsupported URL scheme 'gopher'"),
        ("thread.mbox", "no such file or directory"),
        ("<not valid>", "invalid Message-ID"),
        ("hello", "cannot tell what 'hello' is"),
    ],
)
def test_refusals_say_what_is_wrong(text: str, fragment: str) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(text)
    assert fragment in caught.value.one_line()
