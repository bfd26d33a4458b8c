"""Trailer lines are found in commit messages and replies, with names, people and scopes."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewbot.archive.page import parse_page
from reviewbot.archive.rebuild import rebuild_bytes
from reviewbot.flowed import unflow
from reviewbot.mail import split_mbox
from reviewbot.models import Message
from reviewbot.trailers import (
    KNOWN_TRAILERS,
    PERSON_TRAILERS,
    TrailerLine,
    _person_of,
    canonical_name,
    find_trailers,
    scope_patches,
)

Row = tuple[str, str | None, str | None, tuple[int, ...] | None, bool]


def rows(found: list[TrailerLine]) -> list[Row]:
    return [(t.name, t.address, t.scope, t.patches, t.near_miss) for t in found]


def by(
    name: str, address: str, scope: str | None = None, patches: tuple[int, ...] | None = None
) -> Row:
    """The expected row of a correctly spelt person trailer."""
    return (name, address, scope, patches, False)


A = "Anne Example <anne@example.org>"
A_ADDR = "anne@example.org"

REPLY_CASES: list[tuple[str, str, list[Row]]] = [
    ("plain", f"Looks good.\n\nReviewed-by: {A}\n\nThanks\n", [by("Reviewed-by", A_ADDR)]),
    (
        "quoted lines never count",
        f"> Reviewed-by: X <x@y.org>\n>> Acked-by: {A}\n> > Tested-by: {A}\n"
        f"  > Signed-off-by: {A}\n| Acked-by: {A}\n  |Tested-by: {A}\nThanks\n",
        [],
    ),
    (
        "Outlook original-message block is quoted",
        f"Acked-by: {A}\n\n-----Original Message-----\nFrom: Jan <j@suse.com>\n"
        "Sent: 04 July 2019 18:57\nSubject: [PATCH] x\n\nReviewed-by: Old <old@x.org>\n",
        [by("Acked-by", A_ADDR)],
    ),
    (
        "Outlook web separator and From header are quoted",
        f"Tested-by: {A}\n________________________________\nFrom: X <x@y.org>\n"
        "Sent: Monday\n\nReviewed-by: Q <q@y.org>\n",
        [by("Tested-by", A_ADDR)],
    ),
    (
        "nothing after the signature separator",
        f"Reviewed-by: {A}\n\n-- \nAcked-by: Sig <sig@example.org>\n",
        [by("Reviewed-by", A_ADDR)],
    ),
    (
        "a bare -- followed by a short tail is a signature",
        f"Acked-by: {A}\n--\nJan\nReviewed-by: Sig <sig@example.org>\n",
        [by("Acked-by", A_ADDR)],
    ),
    (
        "a bare -- followed by a long text is not a signature",
        "--\n" + "text\n" * 11 + f"Acked-by: {A}\n",
        [by("Acked-by", A_ADDR)],
    ),
    (
        "prose is not a trailer",
        "Reviewed-by: when you fix the nit, feel free to add mine\n"
        "I'll add my Reviewed-by once v2 fixes this\n"
        "Acked-by: I'd give mine, but ask Jan <jbeulich@suse.com> first\n",
        [],
    ),
    (
        "metadata and Cc are never trailers in replies",
        f"From: {A}\nCc: {A}\nTo: {A}\nSubject: Re: x\nDate: Thu, 4 Jul 2019\n"
        "Message-ID: <a@b>\nbase-commit: 0123456789abcdef\nchange-id: 20240101-x\n",
        [],
    ),
    (
        "at most two leading spaces",
        f"  Reviewed-by: {A}\n   Acked-by: {A}\n\tTested-by: {A}\n",
        [by("Reviewed-by", A_ADDR)],
    ),
    (
        "masked address from the archive",
        "Acked-by: Roger Pau Monné <roger.pau@xxxxxxxxxx>\n",
        [by("Acked-by", "roger.pau@xxxxxxxxxx")],
    ),
    (
        "scopes after the address",
        f"Acked-by: {A} # x86\nAcked-by: {A} # x86, arm\n"
        f"Reviewed-by: {A} for patches 1-3\nTested-by: {A} [on Arm64]\n"
        f"Acked-by: {A} (for the x86 part)\nReviewed-by: {A} # patches 1-2\n"
        f"Acked-by: {A}, for patch 2\nReviewed-by: {A} for 1,2 and 4\n",
        [
            by("Acked-by", A_ADDR, "# x86"),
            by("Acked-by", A_ADDR, "# x86, arm"),
            by("Reviewed-by", A_ADDR, "for patches 1-3", (1, 2, 3)),
            by("Tested-by", A_ADDR, "[on Arm64]"),
            by("Acked-by", A_ADDR, "(for the x86 part)"),
            by("Reviewed-by", A_ADDR, "# patches 1-2", (1, 2)),
            by("Acked-by", A_ADDR, "for patch 2", (2,)),
            by("Reviewed-by", A_ADDR, "for 1,2 and 4", (1, 2, 4)),
        ],
    ),
    (
        "a bracket on the next line is the scope of the trailer above",
        f"Tested-by: {A}\n[on Arm64]\nReviewed-by: {A} # x86\n[patches 1-2 only]\n"
        f"Acked-by: {A}\n[1]\nAcked-by: {A}\n[jbeulich: with the nit fixed]\n",
        [
            by("Tested-by", A_ADDR, "[on Arm64]"),
            by("Reviewed-by", A_ADDR, "# x86 [patches 1-2 only]", (1, 2)),
            by("Acked-by", A_ADDR),
            by("Acked-by", A_ADDR),
        ],
    ),
    (
        "an address wrapped onto the next line",
        "Reviewed-by: Very Long Name Indeed\n <very.long.name@example.org>\nThanks\n",
        [by("Reviewed-by", "very.long.name@example.org")],
    ),
    (
        "Fixes with a wrapped subject, and prose Fixes lines",
        'Fixes: 0123456789ab ("x86/ctxt: subject that\n wraps onto a second line")\n'
        'Fixes: the crash you saw\nFixes: abc12 ("too short")\nFixes: 1234567\n',
        [("Fixes", None, None, None, False), ("Fixes", None, None, None, False)],
    ),
    (
        "Link, Closes and Resolves need a URL or an issue",
        "Link: https://lore.kernel.org/xen-devel/x@y/\nLink: see the thread\n"
        "Closes: https://gitlab.com/xen-project/xen/-/issues/7\nCloses: the bug\n"
        "Resolves: xen-project/xen#201\nResolves: it\n",
        [
            ("Link", None, None, None, False),
            ("Closes", None, None, None, False),
            ("Resolves", None, None, None, False),
        ],
    ),
    (
        "Backport needs a version, Origin a repository and hash, Amends a hash",
        "Backport: 4.9+ # maybe older\nBackport: yes please\n"
        "Origin: git://git.kernel.org/pub/scm/linux.git 0123456789ab\nOrigin: upstream\n"
        'Amends: 0123456789ab ("x86: y")\nAmends: the previous fix\n',
        [
            ("Backport", None, "# maybe older", None, False),
            ("Origin", None, None, None, False),
            ("Amends", None, None, None, False),
        ],
    ),
    (
        "misspelt and differently cased names",
        f"Signed-of-by: {A}\nReveiwed-by: {A}\nAcked-By: {A}\nRelease-Acked-By: {A}\n"
        f"Relase-Acked-by: {A}\nTentatively-acked-by: {A}\n",
        [
            ("Signed-off-by", A_ADDR, None, None, True),
            ("Reviewed-by", A_ADDR, None, None, True),
            by("Acked-by", A_ADDR),
            by("Release-Acked-by", A_ADDR),
            ("Release-Acked-by", A_ADDR, None, None, True),
            by("Tentatively-acked-by", A_ADDR),
        ],
    ),
    (
        "mailto junk from HTML mail and other person forms",
        "Reviewed-by: Anne Example <anne@example.org<mailto:anne@example.org>>\n"
        "Acked-by: anne@example.org <mailto:anne@example.org>\n"
        "Tested-by: Anne (work) <anne@example.org>\n"
        'Reported-by: "Example, Anne" <anne@example.org>\n'
        "Suggested-by: anne@example.org\n",
        [
            by("Reviewed-by", A_ADDR),
            by("Acked-by", A_ADDR),
            by("Tested-by", A_ADDR),
            by("Reported-by", A_ADDR),
            by("Suggested-by", A_ADDR),
        ],
    ),
]

COMMIT_CASES: list[tuple[str, str, list[Row]]] = [
    (
        "the final block",
        f"Change the thing.\n\nMore text: here.\n\nSigned-off-by: {A}\n"
        "Reviewed-by: Jan Beulich <jbeulich@suse.com>\n",
        [by("Signed-off-by", A_ADDR), by("Reviewed-by", "jbeulich@suse.com")],
    ),
    (
        "trailers not in the last paragraph",
        f"Text.\n\nSigned-off-by: {A}\n\nA closing paragraph of prose.\n",
        [],
    ),
    ("followed by empty lines only", f"Text.\n\nAcked-by: {A}\n\n\n \n", [by("Acked-by", A_ADDR)]),
    (
        "Cc and [ comment ] lines inside the block",
        f"Text.\n\nSigned-off-by: {A}\n[jbeulich: fix typo]\nCc: Someone <s@example.org>\n"
        "Signed-off-by: Jan Beulich <jbeulich@suse.com>\n",
        [
            by("Signed-off-by", A_ADDR),
            ("Cc", None, None, None, False),
            by("Signed-off-by", "jbeulich@suse.com"),
        ],
    ),
    (
        "a block with some prose and a known trailer (25% rule)",
        f"Text.\n\nThis paragraph mentions something\nSigned-off-by: {A}\n",
        [by("Signed-off-by", A_ADDR)],
    ),
    (
        "a prose paragraph with an unknown name-like start",
        "Text.\n\nNote: this is\njust a long\nclosing paragraph\nof prose\n",
        [],
    ),
    (
        "unknown names and unparsable people are kept",
        "Text.\n\nChange-Id: I0123\nReviewed-by: Jan\n",
        [("Change-Id", None, None, None, False), ("Reviewed-by", None, None, None, False)],
    ),
    (
        "the part after --- is not the commit message",
        f"Text.\n\nSigned-off-by: {A}\n---\nv2:\nReviewed-by: Old <old@x.org>\n",
        [by("Signed-off-by", A_ADDR)],
    ),
    (
        "continuation lines are joined",
        'Text.\n\nFixes: 0123456789ab ("long\n  subject")\nReviewed-by: Very Long Name\n'
        f" <very.long@example.org>\nSigned-off-by: {A}\n",
        [
            ("Fixes", None, None, None, False),
            by("Reviewed-by", "very.long@example.org"),
            by("Signed-off-by", A_ADDR),
        ],
    ),
    (
        "a footnote paragraph after the trailers",
        f"Text [1].\n\nSigned-off-by: {A}\n\n[1] https://example.org/x\n",
        [by("Signed-off-by", A_ADDR)],
    ),
    ("a URL is not a trailer", "Text.\n\nhttps://example.org/x\n", []),
    (
        "misspellings and scopes in a commit",
        f"Text.\n\nSinged-off-by: {A}\nReviwed-by: {A} # x86\nTested-by: {A}\n[on Arm64]\n",
        [
            ("Signed-off-by", A_ADDR, None, None, True),
            ("Reviewed-by", A_ADDR, "# x86", None, True),
            by("Tested-by", A_ADDR, "[on Arm64]"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [case[1:] for case in REPLY_CASES],
    ids=[case[0] for case in REPLY_CASES],
)
def test_reply_trailers(text: str, expected: list[Row]) -> None:
    assert rows(find_trailers(text, reply=True)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [case[1:] for case in COMMIT_CASES],
    ids=[case[0] for case in COMMIT_CASES],
)
def test_commit_trailers(text: str, expected: list[Row]) -> None:
    assert rows(find_trailers(text, reply=False)) == expected


def test_a_trailer_line_keeps_what_was_written() -> None:
    text = (
        "Hello\r\n\r\nReviewed-By: Very Long Name\r\n <v.l@example.org> for patch 2\r\n"
        "[on Arm64]\r\n"
        'Fixes: 0123456789ab ("x86: a\n   subject")\n'
    )
    assert find_trailers(text, reply=True) == [
        TrailerLine(
            name="Reviewed-by",
            written="Reviewed-By",
            value="Very Long Name <v.l@example.org> for patch 2 [on Arm64]",
            person_name="Very Long Name",
            address="v.l@example.org",
            scope="for patch 2 [on Arm64]",
            patches=(2,),
            near_miss=False,
            known=True,
            line=2,
        ),
        TrailerLine(
            name="Fixes",
            written="Fixes",
            value='0123456789ab ("x86: a subject")',
            person_name=None,
            address=None,
            scope=None,
            patches=None,
            near_miss=False,
            known=True,
            line=5,
        ),
    ]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Signed-of-by", ("Signed-off-by", True, True)),
        ("Signed-off-By", ("Signed-off-by", True, False)),
        ("Relase-Acked-by", ("Release-Acked-by", True, True)),
        ("release-acked-by", ("Release-Acked-by", True, False)),
        ("Reviewed-By", ("Reviewed-by", True, False)),
        ("Reveiwed-by", ("Reviewed-by", True, True)),
        ("Reviwed-by", ("Reviewed-by", True, True)),
        ("Reviewd-by", ("Reviewed-by", True, True)),
        ("Acked-By", ("Acked-by", True, False)),
        ("Tested-By", ("Tested-by", True, False)),
        ("Singed-off-by", ("Signed-off-by", True, True)),
        ("Acked-by", ("Acked-by", True, False)),
        ("Nacked-by", ("Nacked-by", True, False)),
        ("Racked-by", ("Racked-by", False, False)),  # as near Acked-by as Nacked-by
        ("Tentatively-acked-by", ("Tentatively-acked-by", False, False)),
        ("Posted-by", ("Posted-by", False, False)),  # two edits from Tested-by: too short
        ("CC", ("Cc", True, False)),
        ("fixes", ("Fixes", True, False)),
        ("base-commit", ("base-commit", False, False)),
    ],
)
def test_canonical_name(written: str, expected: tuple[str, bool, bool]) -> None:
    assert canonical_name(written) == expected


def test_known_and_person_trailers() -> None:
    assert "base-commit" not in KNOWN_TRAILERS
    assert {"Cc", "Fixes", "Release-Acked-by"} <= set(KNOWN_TRAILERS)
    assert sorted(PERSON_TRAILERS) == [
        "Acked-by",
        "Assisted-by",
        "Co-developed-by",
        "Nacked-by",
        "Release-Acked-by",
        "Reported-by",
        "Requested-by",
        "Reviewed-by",
        "Signed-off-by",
        "Suggested-by",
        "Tested-by",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("for patches 1-3", (1, 2, 3)),
        ("for patch 2", (2,)),
        ("1, 2 and 4", (1, 2, 4)),
        ("# patches 1-2", (1, 2)),
        ("1-2,4", (1, 2, 4)),
        ("2/3", (2,)),
        ("for patch 2/3", (2,)),
        ("patch 3 of 5", (3,)),
        ("For patches 1, 2, and 4:", (1, 2, 4)),
        ("patches 1 to 3 and patch 5", (1, 2, 3, 5)),
        ("[patches 4–5]", (4, 5)),
        ("for the series except patch 3", None),
        ("for patches 1-2 but not patch 4", (1, 2)),
        ("[on Arm64]", None),
        ("# x86", None),
        ("# 4.9", None),
        ("patch 3rd hunk", None),
        ("patches 9-2", None),
        ("", None),
    ],
)
def test_scope_patches(text: str, expected: tuple[int, ...] | None) -> None:
    assert scope_patches(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Juergen Gross <jgross@suse.com>", ("Juergen Gross", "jgross@suse.com")),
        ("Juergen Gross <jgross@xxxxxxxx>", ("Juergen Gross", "jgross@xxxxxxxx")),
        ("Jan Beulich (SUSE) <jbeulich@suse.com> # x86", ("Jan Beulich", "jbeulich@suse.com")),
        ("jbeulich@suse.com", ("", "jbeulich@suse.com")),
        ("jgross@xxxxxxxx # x86", ("", "jgross@xxxxxxxx")),
        ('"Beulich, Jan" <jbeulich@suse.com>', ("Beulich, Jan", "jbeulich@suse.com")),
        ("Jan <jbeulich@suse.com<mailto:jbeulich@suse.com>>", ("Jan", "jbeulich@suse.com")),
        ("jbeulich@suse.com <mailto:jbeulich@suse.com>", ("", "jbeulich@suse.com")),
        ("Jan <mailto:jbeulich@suse.com>", ("Jan", "jbeulich@suse.com")),
        ("jbeulich@suse.com (Jan Beulich)", ("Jan Beulich", "jbeulich@suse.com")),
        ("root@localhost", None),
        ("Jan Beulich", None),
        ("when you fix the nit, feel free to add mine", None),
    ],
)
def test_person_of(value: str, expected: tuple[str, str] | None) -> None:
    assert _person_of(value) == expected


def _juergen(found: list[TrailerLine]) -> list[tuple[str, str | None, str | None]]:
    return [(t.name, t.person_name, t.address) for t in found]


def test_seed_reply_gives_juergens_two_trailers(fixtures_dir: Path) -> None:
    raws = list(split_mbox((fixtures_dir / "mail" / "seed-gdt.mbox").read_bytes()))
    messages = [Message.from_raw(raw, "t", pristine=True) for raw in raws]
    reply = next(m for m in messages if m.from_.startswith("Juergen Gross"))
    part = reply.email().get_body(("plain",))
    assert part is not None
    text = part.get_content()
    assert "> Signed-off-by: Andrew Cooper <andrew.cooper3@citrix.com>" in text
    assert _juergen(find_trailers(text, reply=True)) == [
        ("Tested-by", "Juergen Gross", "jgross@suse.com"),
        ("Reviewed-by", "Juergen Gross", "jgross@suse.com"),
    ]


def test_seed_reply_rebuilt_from_the_archive_gives_masked_trailers(fixtures_dir: Path) -> None:
    path = fixtures_dir / "archive" / "xen-devel" / "2019-07" / "msg00001.html"
    raw = rebuild_bytes(parse_page(path.read_bytes(), "url"))
    reply = Message.from_raw(raw, "t", pristine=False)
    part = reply.email().get_body(("plain",))
    assert part is not None
    text = unflow(part.get_content())
    assert "> Signed-off-by: Andrew Cooper <andrew.cooper3@xxxxxxxxxx>" in text
    assert _juergen(find_trailers(text, reply=True)) == [
        ("Tested-by", "Juergen Gross", "jgross@xxxxxxxx"),
        ("Reviewed-by", "Juergen Gross", "jgross@xxxxxxxx"),
    ]


def test_seed_patch_commit_message_has_its_sign_off(fixtures_dir: Path) -> None:
    raw = next(split_mbox((fixtures_dir / "mail" / "seed-gdt.mbox").read_bytes()))
    part = Message.from_raw(raw, "t", pristine=True).email().get_body(("plain",))
    assert part is not None
    commit_message = part.get_content().split("\n---\n")[0]
    found = find_trailers(commit_message, reply=False)
    assert [(t.name, t.address, t.line) for t in found] == [
        ("Signed-off-by", "andrew.cooper3@citrix.com", 24)
    ]
