"""The committed MHonArc fixture archive: reproducible from fixtures/mail, and sane."""

from __future__ import annotations

import html
import importlib.util
import re
import subprocess
import sys
from email.parser import BytesParser
from email.policy import compat32
from pathlib import Path
from types import ModuleType

import pytest

from tests.support.tools import require_tools

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ARCHIVE_TREES = ("archive", "archive-variants")
MARKERS = (
    "<!-- MHonArc v2.6.19",
    "<!--X-Subject: ",
    "<!--X-From-R13: ",
    "<!--X-Date: ",
    "<!--X-Message-Id: ",
    "<!--X-Content-Type: ",
    "<!--X-Head-End-->",
    "<!--X-TopPNI-->",
    "<!--X-Head-of-Message-->",
    "<!--X-Body-of-Message-->",
    "<!--X-Body-of-Message-End-->",
    "<!--X-Follow-Ups-->",
    "<!--X-References-->",
    "<!--X-BotPNI-->",
)
HUNK = re.compile(r"^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@", re.MULTILINE)


def _load_builder() -> ModuleType:
    """fixtures/build_archive.py is a script, not a package module: load it by path."""
    name = "fixtures_build_archive"
    spec = importlib.util.spec_from_file_location(name, FIXTURES / "build_archive.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


builder = _load_builder()


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _decode_comment(value: str) -> str:
    return value.replace("&#45;", "-").replace("&#60;", "<").replace("&#38;", "&")


def _message_pages() -> list[Path]:
    return sorted(p for tree in ARCHIVE_TREES for p in (FIXTURES / tree).rglob("msg*.html"))


def _mails() -> list[tuple[str, builder.Mail]]:
    return [
        (box.name, mail)
        for box in sorted((FIXTURES / "mail").glob("*.mbox"))
        for mail in builder.read_mailbox(box)
    ]


@pytest.mark.mhonarc
def test_regenerating_the_archive_gives_the_committed_pages(tmp_path: Path) -> None:
    require_tools("mhonarc", "mhonarc")
    subprocess.run(
        [sys.executable, str(FIXTURES / "build_archive.py"), "--out", str(tmp_path)],
        check=True,
    )
    for tree in ARCHIVE_TREES:
        fresh, committed = _tree(tmp_path / tree), _tree(FIXTURES / tree)
        assert sorted(fresh) == sorted(committed), f"{tree}: file lists differ"
        changed = [name for name in fresh if fresh[name] != committed[name]]
        assert not changed, f"{tree}: regenerate with fixtures/build_archive.py; differs: {changed}"


def test_every_message_page_carries_the_mhonarc_markers() -> None:
    pages = _message_pages()
    assert len(pages) > 30
    for month in {page.parent for page in pages}:
        assert (month / "maillist.html").is_file() and (month / "threads.html").is_file(), month
    for page in pages:
        text = page.read_text(encoding="utf-8")
        positions = [text.find(marker) for marker in MARKERS]
        assert -1 not in positions, f"{page}: missing {MARKERS[positions.index(-1)]}"
        assert positions == sorted(positions), f"{page}: markers out of order"
        assert "Lists.xenproject.org is hosted with RackSpace" in text, page


def test_no_mhonarc_database_or_unmasked_address_is_committed() -> None:
    months = sorted((FIXTURES / "archive").glob("*/*"))
    months += sorted((FIXTURES / "archive-variants").glob("*/*/*"))
    assert months
    for month in months:
        assert not (month / ".mhonarc.db").exists(), month
    addresses = {address for _, mail in _mails() for address in mail.addresses}
    assert {"andrew.cooper3@citrix.com", "jgross@suse.com"} <= addresses
    for month in months:
        builder.check_no_leaks(month, addresses)


def test_each_mail_has_one_page_in_the_month_of_its_date() -> None:
    pages: dict[str, list[str]] = {}
    for page in sorted((FIXTURES / "archive" / "xen-devel").glob("*/msg*.html")):
        found = re.search(r"<!--X-Message-Id: (.*?) -->", page.read_text(encoding="utf-8"))
        assert found, page
        pages.setdefault(_decode_comment(found.group(1)), []).append(page.parent.name)
    mails = _mails()
    msgids = [mail.msgid for _, mail in mails]
    assert len(set(msgids)) == len(msgids), "a Message-ID is used twice"
    for box, mail in mails:
        assert pages.get(mail.msgid) == [mail.date.strftime("%Y-%m")], f"{box}: {mail.msgid}"
    assert set(pages) == set(msgids)


def test_patches_in_the_mailboxes_have_consistent_hunks() -> None:
    checked = 0
    for box, mail in _mails():
        message = BytesParser(policy=compat32).parsebytes(mail.raw)
        if "[PATCH" not in str(message["subject"]) or str(message["subject"]).startswith("Re:"):
            continue
        payload = message.get_payload(decode=True)
        lines = payload.decode(message.get_content_charset() or "ascii").split("\n")
        for start, line in enumerate(lines):
            found = HUNK.match(line)
            if not found:
                continue
            old, new = int(found.group(1) or 1), int(found.group(2) or 1)
            for body in lines[start + 1 :]:
                if old == new == 0:
                    break
                assert body[:1] in (" ", "-", "+"), f"{box}: {line!r}: stray line {body!r}"
                old -= body[0] in " -"
                new -= body[0] in " +"
            assert old == new == 0, f"{box}: {line!r}: hunk body does not match its counts"
            checked += 1
    assert checked >= 15


def test_seed_patch_page_keeps_the_whole_diff_in_one_pre() -> None:
    seed = next(mail for box, mail in _mails() if box == "seed-gdt.mbox")
    text = seed.raw.decode("utf-8")
    diff = text[text.index("diff --git ") : text.index("\n-- \n2.11.0\n") + 1]
    page = (FIXTURES / "archive/xen-devel/2019-07/msg00000.html").read_text(encoding="utf-8")
    assert f"<!--X-Message-Id: {seed.msgid.replace('-', '&#45;')} -->" in page
    body = page.split("<!--X-Body-of-Message-->")[1].split("<!--X-Body-of-Message-End-->")[0]
    blocks = [
        html.unescape(re.sub(r"<[^>]+>", "", b))
        for b in re.findall(r"<pre[^>]*>(.*?)</pre>", body, re.S)
    ]
    assert diff.count("\n@@ ") == 10
    assert any(diff in block for block in blocks)
