"""MHonArc thread and date indexes: grouping, flattened levels, possible follow-ups, pages."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from reviewbot.archive import IndexEntry, ThreadIndex, parse_date_index, parse_thread_index
from reviewbot.errors import ParseError
from tests.support.tools import require_tools

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ARCHIVE = FIXTURES / "archive" / "xen-devel"
SITE = "https://lists.xenproject.org/archives/html/xen-devel"
SEED_SUBJECT = "[Xen-devel] [PATCH] x86/ctxt-switch: Document and improve GDT handling"
DEEP_SUBJECT = "[Xen-devel] [RFC] tools: drop qemu-xen-traditional from the default build"


def page(month: str, number: int) -> str:
    return f"{SITE}/{month}/msg{number:05d}.html"


def thread_index(month: str) -> ThreadIndex:
    path = ARCHIVE / month / "threads.html"
    return parse_thread_index(path.read_bytes(), f"{SITE}/{month}/threads.html")


def test_seed_thread_entries() -> None:
    thread = thread_index("2019-07").thread_containing(page("2019-07", 2))
    assert thread is not None
    assert thread.entries == (
        IndexEntry(page("2019-07", 0), SEED_SUBJECT, "Andrew Cooper"),
        IndexEntry(page("2019-07", 1), f"Re: {SEED_SUBJECT}", "Juergen Gross"),
        IndexEntry(page("2019-07", 2), f"Re: {SEED_SUBJECT}", "Andrew Cooper"),
        IndexEntry(page("2019-07", 3), f"Re: {SEED_SUBJECT}", "Jan Beulich"),
    )
    assert thread.continued is False
    assert thread.possible_follow_up_urls == ()


def test_deep_thread_is_flattened_with_its_possible_follow_up() -> None:
    index = thread_index("2019-07")
    thread = index.thread_containing(page("2019-07", 10) + "#00010")
    assert thread is not None
    assert thread.page_urls == tuple(page("2019-07", n) for n in (4, 5, 6, 8, 9, 10, 7, 11))
    assert [entry.author for entry in thread.entries] == [
        "Wei Liu",
        "Ian Jackson",
        "Marek Marczykowski-Górecki",
        "Ian Jackson",
        "Marek Marczykowski-Górecki",
        "Jan Beulich",
        "Andrew Cooper",
        "Olaf Hering",
    ]
    assert thread.entries[0].subject == DEEP_SUBJECT
    assert thread.possible_follow_up_urls == (page("2019-07", 11),)


def test_month_threads_in_index_order() -> None:
    index = thread_index("2019-07")
    assert [thread.entries[0].page_url for thread in index.threads] == [
        page("2019-07", n) for n in (0, 4, 12, 13, 28)
    ]
    assert sum(len(thread.entries) for thread in index.threads) == 29
    assert index.next_page_urls == []
    assert index.thread_containing(page("2019-08", 0)) is None


def test_possible_follow_up_keeps_its_own_replies_apart() -> None:
    index = thread_index("2019-08")
    first = index.threads[0]
    assert first.page_urls == (page("2019-08", 0), page("2019-08", 1), page("2019-08", 2))
    assert first.possible_follow_up_urls == (page("2019-08", 1),)
    # month-cross's two threads, then the two series-edge threads
    assert len(index.threads) == 4
    assert sum(len(thread.entries) for thread in index.threads) == 29


def test_date_index() -> None:
    path = ARCHIVE / "2019-08" / "maillist.html"
    index = parse_date_index(path.read_bytes(), f"{SITE}/2019-08/maillist.html")
    assert [entry.page_url for entry in index.entries] == [page("2019-08", n) for n in range(29)]
    assert index.entries[3] == IndexEntry(
        page("2019-08", 3),
        "[Xen-devel] [PATCH] docs/misc/xen-command-line: fix a typo in the dom0-iommu description",
        "Viktor Mitin",
    )
    assert index.next_page_urls == []


def test_message_page_is_not_an_index() -> None:
    data = (ARCHIVE / "2019-07" / "msg00000.html").read_bytes()
    with pytest.raises(ParseError, match="is an MHonArc message page, not an index"):
        parse_thread_index(data, page("2019-07", 0))


def test_other_html_is_not_an_index() -> None:
    with pytest.raises(ParseError) as caught:
        parse_thread_index(b"<html><body><ul><li>x</li></ul></body></html>", f"{SITE}/x.html")
    assert caught.value.message == f"{SITE}/x.html is not an MHonArc index page"
    assert "threads.html" in caught.value.hint


def test_truncated_and_empty_index() -> None:
    data = (ARCHIVE / "2019-07" / "threads.html").read_bytes()
    with pytest.raises(ParseError, match="is truncated"):
        parse_thread_index(data[: len(data) // 2], f"{SITE}/2019-07/threads.html")
    with pytest.raises(ParseError, match=r"^empty archive index"):
        parse_date_index(b"", f"{SITE}/2019-07/maillist.html")


@pytest.mark.mhonarc
def test_paged_thread_index_from_real_mhonarc(tmp_path: Path) -> None:
    require_tools("mhonarc", "mhonarc")
    paging = tmp_path / "paging.rc"
    paging.write_text("<MultiPg>\n<IdxSize>\n4\n</IdxSize>\n")
    out = tmp_path / "xen-devel" / "2019-07"
    out.mkdir(parents=True)
    rcfiles = ["-rcfile", str(FIXTURES / "mhonarc" / "xen-archive.rc"), "-rcfile", str(paging)]
    mbox = FIXTURES / "mail" / "deep-thread.mbox"
    command = ["mhonarc", "-quiet", *rcfiles, "-outdir", str(out), str(mbox)]
    subprocess.run(command, check=True, capture_output=True, env={"PATH": "/usr/bin:/bin"})
    base = f"{SITE}/2019-07/"
    first = parse_thread_index((out / "threads.html").read_bytes(), base + "threads.html")
    assert first.next_page_urls == [base + "thrd2.html"]
    assert [entry.page_url for entry in first.threads[0].entries] == [
        base + f"msg0000{n}.html" for n in (0, 1, 2, 4)
    ]
    second = parse_thread_index((out / "thrd2.html").read_bytes(), base + "thrd2.html")
    assert second.threads[0].continued is True
    assert [entry.page_url for entry in second.threads[0].entries] == [
        base + f"msg0000{n}.html" for n in (5, 6, 3, 7)
    ]
    # MHonArc drops the "<Possible follow-ups>" item when the section continues on a new page
    assert second.threads[0].possible_follow_up_urls == ()
    assert second.next_page_urls == []
    dates = parse_date_index((out / "maillist.html").read_bytes(), base + "maillist.html")
    assert dates.next_page_urls == [base + "mail2.html"]
    assert len(dates.entries) == 4
