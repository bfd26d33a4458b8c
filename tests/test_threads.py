"""Threads come from Message-IDs and references, whatever order the mail arrives in."""

from __future__ import annotations

import pytest

from reviewbot.errors import SpecError
from reviewbot.threads import SeveralThreadsError, group_threads, thread_of
from tests.support.mails import mail


def test_tree_from_in_reply_to_and_references_in_any_order() -> None:
    messages = [
        mail(
            "c@x",
            "Re: p",
            parent="b@x",
            references=("a@x", "b@x"),
            date="Sat, 06 Jul 2019 10:00:00 +0000",
        ),
        mail("a@x", "[PATCH] p", date="Thu, 04 Jul 2019 10:00:00 +0000"),
        mail("d@x", "Re: p", parent="a@x", date="Mon, 08 Jul 2019 10:00:00 +0000"),
        mail("b@x", "Re: p", parent="a@x", date="Fri, 05 Jul 2019 10:00:00 +0000"),
    ]
    thread = thread_of(messages, "c@x", "test")
    assert thread.root == "a@x"
    assert [(depth, m.message_id) for depth, m in thread.walk()] == [
        (0, "a@x"),
        (1, "b@x"),
        (2, "c@x"),
        (1, "d@x"),
    ]


def test_missing_middle_message_keeps_the_reply_in_the_thread() -> None:
    messages = [mail("a@x", "p"), mail("c@x", "Re: p", parent="b@x", references=("a@x", "b@x"))]
    thread = thread_of(messages, "a@x", "test")
    assert thread.parents == {"a@x": None, "c@x": "a@x"}
    assert thread.missing_ids() == ["b@x"]


def test_replies_to_a_missing_root_share_one_thread() -> None:
    messages = [
        mail("b@x", "Re: p", parent="a@x"),
        mail("c@x", "Re: p", parent="a@x", date="Fri, 05 Jul 2019 10:00:00 +0000"),
    ]
    (thread,) = group_threads(messages)
    assert thread.root == "b@x"
    assert set(thread.messages) == {"b@x", "c@x"}


def test_reference_cycles_do_not_hang() -> None:
    messages = [mail("a@x", "p", parent="b@x"), mail("b@x", "p", parent="a@x")]
    (thread,) = group_threads(messages)
    assert len(list(thread.walk())) == 2


def test_several_threads_need_a_choice() -> None:
    messages = [mail("a@x", "one"), mail("b@x", "two")]
    with pytest.raises(SeveralThreadsError) as raised:
        thread_of(messages, None, "box.mbox")
    assert raised.value.one_line() == (
        "box.mbox holds 2 threads; pick one with --msgid, e.g. --msgid 'a@x'"
    )
    assert [t.root for t in raised.value.threads] == ["a@x", "b@x"]
    assert isinstance(raised.value, SpecError)
    assert thread_of(messages, "b@x", "box.mbox").root == "b@x"
    with pytest.raises(SpecError, match="no message <z@x>"):
        thread_of(messages, "z@x", "box.mbox")
