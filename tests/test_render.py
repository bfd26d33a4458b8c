"""The thread tree people read."""

from __future__ import annotations

from reviewbot.render import summary_line, tree_lines
from reviewbot.threads import thread_of
from tests.support.mails import mail


def test_tree_draws_branches_and_marks_patches() -> None:
    diff = "---\n x | 1 +\n\ndiff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"
    messages = [
        mail("c@x", "[PATCH 0/2] cover", date="Thu, 04 Jul 2019 10:00:00 +0000"),
        mail(
            "p1@x",
            "[PATCH 1/2] one",
            parent="c@x",
            body=diff,
            date="Thu, 04 Jul 2019 10:00:01 +0000",
        ),
        mail(
            "r1@x",
            "Re: [PATCH 1/2] one",
            parent="p1@x",
            references=("c@x", "p1@x"),
            date="Fri, 05 Jul 2019 10:00:00 +0000",
            sender="Jan Beulich <jbeulich@suse.com>",
        ),
        mail(
            "p2@x",
            "[PATCH 2/2] two",
            parent="c@x",
            body=diff,
            date="Thu, 04 Jul 2019 10:00:02 +0000",
        ),
    ]
    lines = tree_lines(thread_of(messages, None, "t"))
    assert [line.split("  — ")[0] for line in lines] == [
        "· [PATCH 0/2] cover",
        "P ├─ [PATCH 1/2] one",
        "· │  └─ Re: [PATCH 1/2] one",
        "P └─ [PATCH 2/2] two",
    ]
    assert lines[2].endswith("— Jan Beulich, 2019-07-05 10:00")
    assert summary_line(thread_of(messages, None, "t")) == "thread <c@x>: 4 messages, 2 patches"
