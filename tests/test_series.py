"""Series building and DMARC-aware senders on small hand-made threads (fixtures cover the rest)."""

from __future__ import annotations

from reviewbot.attribution import review_series
from reviewbot.models import Message
from reviewbot.people import sender_of
from reviewbot.series import build_series
from reviewbot.subject import Version
from reviewbot.threads import thread_of
from tests.support.mails import raw_mail

DAVID = "David Woodhouse <dwmw2@infradead.org>"


def patch_body(
    line: str, trailers: str = "Signed-off-by: David Woodhouse <dwmw2@infradead.org>"
) -> str:
    return (
        f"Explain {line}.\n\n{trailers}\n---\n xen/common/x.c | 2 +-\n 1 file changed\n\n"
        "diff --git a/xen/common/x.c b/xen/common/x.c\n"
        "index 1111111..2222222 100644\n--- a/xen/common/x.c\n+++ b/xen/common/x.c\n"
        f"@@ -1,3 +1,3 @@\n a\n-old {line}\n+new {line}\n c\n-- \n2.22.0\n"
    )


def message(message_id: str, subject: str, **kwargs: object) -> Message:
    return Message.from_raw(raw_mail(message_id, subject, **kwargs), "t", pristine=True)  # type: ignore[arg-type]


def test_patches_without_a_version_take_their_cover_s() -> None:
    messages = [
        message("c@x", "[PATCH v3 0/2] cover", sender=DAVID, body="The series.\n"),
        message("p1@x", "[PATCH 1/2] one", parent="c@x", sender=DAVID, body=patch_body("1")),
        message("p2@x", "[PATCH 2/2] two", parent="c@x", sender=DAVID, body=patch_body("2")),
    ]
    series = build_series(thread_of(messages, None, "t"))
    assert series.versions == [Version(3)]
    assert series.latest.cover is not None and series.latest.cover.message_id == "c@x"
    assert [p.message_id for p in series.latest.ordered] == ["p1@x", "p2@x"]


def test_a_cover_without_counters_is_found_from_its_patches() -> None:
    messages = [
        message("c@x", "[PATCH] x86: the series", sender=DAVID, body="Two fixes.\n"),
        message("p1@x", "[PATCH 1 of 2] one", parent="c@x", sender=DAVID, body=patch_body("1")),
        message("p2@x", "[PATCH 2 of 2] two", parent="c@x", sender=DAVID, body=patch_body("2")),
        message(
            "r@x",
            "Re: [PATCH] x86: the series",
            parent="c@x",
            sender="Jan Beulich <JBeulich@suse.com>",
            body="Acked-by: Jan Beulich <jbeulich@suse.com>\n",
        ),
    ]
    review = review_series(build_series(thread_of(messages, None, "t")))
    assert review.revision.cover is not None and review.revision.cover.message_id == "c@x"
    assert [[t.line() for t in p.collected] for p in review.patches] == [
        ["Acked-by: Jan Beulich <jbeulich@suse.com>"],
        ["Acked-by: Jan Beulich <jbeulich@suse.com>"],
    ]


def test_a_resent_patch_keeps_the_newest_copy_and_both_copies_trailers() -> None:
    messages = [
        message("a@x", "[PATCH] one", sender=DAVID, body=patch_body("1")),
        message(
            "b@x",
            "[PATCH RESEND] one",
            parent="a@x",
            sender=DAVID,
            date="Fri, 05 Jul 2019 10:00:00 +0100",
            body=patch_body("1"),
        ),
        message(
            "r@x",
            "Re: [PATCH] one",
            parent="a@x",
            sender="Wei Liu <wl@xen.org>",
            body="Reviewed-by: Wei Liu <wl@xen.org>\n",
        ),
    ]
    series = build_series(thread_of(messages, None, "t"))
    review = review_series(series)
    (patch,) = review.patches
    assert patch.patch.message_id == "b@x"
    assert [(t.line(), t.origin.value) for t in patch.collected] == [
        ("Reviewed-by: Wei Liu <wl@xen.org>", "carried")
    ]
    assert series.notes == ("v1 patch 1 was sent 2 times; using the newest copy <b@x>",)


def test_a_changed_resend_does_not_inherit_a_tested_by() -> None:
    messages = [
        message("a@x", "[PATCH] one", sender=DAVID, body=patch_body("1")),
        message(
            "t@x",
            "Re: [PATCH] one",
            parent="a@x",
            sender="Olaf Hering <olaf@aepfle.de>",
            body="Tested-by: Olaf Hering <olaf@aepfle.de>\n",
        ),
        message(
            "b@x",
            "[PATCH v2] one",
            parent="a@x",
            sender=DAVID,
            date="Fri, 05 Jul 2019 10:00:00 +0100",
            body=patch_body("1 done differently"),
        ),
    ]
    review = review_series(build_series(thread_of(messages, None, "t")))
    (patch,) = review.patches
    assert patch.collected == ()
    assert [(t.line(), str(t.version)) for t in patch.not_carried] == [
        ("Tested-by: Olaf Hering <olaf@aepfle.de>", "v1")
    ]


def test_dmarc_rewritten_sender_is_undone() -> None:
    raw = raw_mail(
        "d@x",
        "Re: [PATCH] one",
        sender="Olaf Hering via Xen-devel <xen-devel@lists.xenproject.org>",
    ).replace(b"Subject:", b"Reply-To: Olaf Hering <olaf@aepfle.de>\nSubject:")
    person = sender_of(Message.from_raw(raw, "t", pristine=True))
    assert person is not None
    assert (person.name, person.address) == ("Olaf Hering", "olaf@aepfle.de")


def test_dmarc_rewritten_reply_trailers_match_their_sender() -> None:
    reply = raw_mail(
        "r@x",
        "Re: [PATCH] one",
        parent="a@x",
        sender="Olaf Hering via Xen-devel <xen-devel@lists.xenproject.org>",
        body="Tested-by: Olaf Hering <olaf@aepfle.de>\n",
    ).replace(b"Subject:", b"X-Original-From: Olaf Hering <olaf@aepfle.de>\nSubject:")
    messages = [
        message("a@x", "[PATCH] one", sender=DAVID, body=patch_body("1")),
        Message.from_raw(reply, "t", pristine=True),
    ]
    review = review_series(build_series(thread_of(messages, None, "t")))
    assert review.mismatches == []
    assert [t.line() for t in review.patches[0].collected] == [
        "Tested-by: Olaf Hering <olaf@aepfle.de>"
    ]
