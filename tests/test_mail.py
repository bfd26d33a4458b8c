"""Message-IDs, subjects and mboxrd files."""

from __future__ import annotations

import io

import pytest

from reviewbot.errors import SpecError
from reviewbot.mail import msgids_in, normalize_msgid, split_mbox, subject_key, write_mboxrd


@pytest.mark.parametrize(
    "text",
    ["<a.b@example.com>", "id:a.b@example.com", "  a.b@example.com ", "id:<a.b@example.com>"],
)
def test_message_id_forms(text: str) -> None:
    assert normalize_msgid(text) == "a.b@example.com"


@pytest.mark.parametrize("text", ["", "<>", "no-at-sign", "two words@x", "<a@b> <c@d>"])
def test_invalid_message_ids_are_refused(text: str) -> None:
    with pytest.raises(SpecError, match="invalid Message-ID"):
        normalize_msgid(text)


def test_reference_lists_keep_order_and_drop_repeats() -> None:
    assert msgids_in("<a@x> <b@x>\n <a@x> <c@x>") == ["a@x", "b@x", "c@x"]
    assert msgids_in(None) == []


def test_mboxrd_round_trip_keeps_from_lines() -> None:
    first = b"Subject: one\n\nFrom the start\n>From quoted\nbody\n"
    second = b"Subject: two\n\ntext\n"
    out = io.BytesIO()
    write_mboxrd([first, second], out)
    written = out.getvalue()
    assert b"\n>From the start\n>>From quoted\n" in written
    assert list(split_mbox(written)) == [first, second]


def test_split_ignores_from_inside_a_paragraph() -> None:
    data = b"From x Mon\nSubject: a\n\nline\nFrom here on, text\n\nFrom y Tue\nSubject: b\n\nz\n"
    assert [m.split(b"\n")[0] for m in split_mbox(data)] == [b"Subject: a", b"Subject: b"]


def test_subject_key_folds_reply_prefixes_and_list_tags() -> None:
    assert subject_key("Re: [Xen-devel] [PATCH] x86: Fix") == "[patch] x86: fix"
    assert subject_key("AW: RE:  [Xen-devel] Re: [PATCH 2/3] foo") == "[patch 2/3] foo"
    assert subject_key("[PATCH] x86: Fix") == subject_key("Re: [PATCH]  x86: fix")
