"""Patch subject parsing: every Xen-devel subject shape b4 or patchwork get wrong, and more."""

from __future__ import annotations

from typing import Any

import pytest

from reviewbot.errors import SpecError
from reviewbot.subject import (
    DEFAULT_LIST_TAGS,
    Subject,
    Version,
    parse_subject,
    title_key,
)


def _expect(
    title: str = "x",
    *,
    tag: str = "",
    reply: bool = False,
    version: Version | None = None,
    counter: int | None = None,
    total: int | None = None,
    rfc: bool = False,
    resend: bool = False,
    patch: bool = True,
    prefixes: tuple[str, ...] = (),
    list_tags: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Every field a parse yields; the defaults are those of a plain `[PATCH] x`."""
    return {
        "title": title,
        "tag": tag,
        "is_reply": reply,
        "version": version or Version(1),
        "version_explicit": version is not None,
        "counter": counter,
        "total": total,
        "is_cover": counter == 0,
        "rfc": rfc,
        "resend": resend,
        "patch_tagged": patch,
        "prefixes": prefixes,
        "list_tags": list_tags,
    }


def _actual(subject: Subject) -> dict[str, Any]:
    return {
        "title": subject.title,
        "tag": subject.tag(),
        "is_reply": subject.is_reply,
        "version": subject.version,
        "version_explicit": subject.version_explicit,
        "counter": subject.counter,
        "total": subject.total,
        "is_cover": subject.is_cover,
        "rfc": subject.rfc,
        "resend": subject.resend,
        "patch_tagged": subject.patch_tagged,
        "prefixes": subject.prefixes,
        "list_tags": subject.list_tags,
    }


V2 = Version(2)
XEN_DEVEL = ("Xen-devel",)

CASES = [
    # Version, counter and target-branch prefixes in their many spellings.
    (
        "[PATCH v3 for-4.21 2/7] x",
        _expect(
            tag="[PATCH v3 for-4.21 2/7]",
            version=Version(3),
            counter=2,
            total=7,
            prefixes=("for-4.21",),
        ),
    ),
    (
        "[XEN PATCH v2 1/3] x",
        _expect(tag="[XEN PATCH v2 1/3]", version=V2, counter=1, total=3, prefixes=("XEN",)),
    ),
    (
        "[PATCH v2][for-4.19] x",
        _expect(tag="[PATCH v2 for-4.19]", version=V2, prefixes=("for-4.19",)),
    ),
    ("[PATCHv3 2/7] x", _expect(tag="[PATCH v3 2/7]", version=Version(3), counter=2, total=7)),
    ("[PATCH 2/7 v3] x", _expect(tag="[PATCH v3 2/7]", version=Version(3), counter=2, total=7)),
    (
        "[PATCH v5.1 10/12] x",
        _expect(tag="[PATCH v5.1 10/12]", version=Version(5, 1), counter=10, total=12),
    ),
    ("[PATCH v2,3/5] x", _expect(tag="[PATCH v2 3/5]", version=V2, counter=3, total=5)),
    ("[PATCH v2 1 of 3] x", _expect(tag="[PATCH v2 1/3]", version=V2, counter=1, total=3)),
    ("[PATCH 1 of 3] x", _expect(tag="[PATCH 1/3]", counter=1, total=3)),
    ("[PATCH] foo (v2)", _expect("foo", tag="[PATCH v2]", version=V2)),
    # Replies, forwards and list tags.
    (
        "AW: [PATCH v2 3/5] x",
        _expect(tag="[PATCH v2 3/5]", reply=True, version=V2, counter=3, total=5),
    ),
    ("SV: [PATCH] x", _expect(tag="[PATCH]", reply=True)),
    (
        "Re: [Xen-devel] [PATCH 0/3] x",
        _expect(tag="[PATCH 0/3]", reply=True, counter=0, total=3, list_tags=XEN_DEVEL),
    ),
    (
        "Re: Re: [Xen-devel] Re: [PATCH] x",
        _expect(tag="[PATCH]", reply=True, list_tags=XEN_DEVEL),
    ),
    (
        "[Xen-devel] [PATCH v2 for-4.12] x",
        _expect(tag="[PATCH v2 for-4.12]", version=V2, prefixes=("for-4.12",), list_tags=XEN_DEVEL),
    ),
    ("Fwd: [PATCH] x", _expect(tag="[PATCH]", reply=True)),
    ("Re: Antw: [PATCH] x", _expect(tag="[PATCH]", reply=True)),
    # RFC and RESEND, before or after PATCH, or in a group of their own.
    ("[RFC PATCH] x", _expect(tag="[RFC PATCH]", rfc=True)),
    (
        "[PATCH RFC v2 1/2] x",
        _expect(tag="[RFC PATCH v2 1/2]", rfc=True, version=V2, counter=1, total=2),
    ),
    (
        "[RESEND PATCH v4 3/9] x",
        _expect(tag="[RESEND PATCH v4 3/9]", resend=True, version=Version(4), counter=3, total=9),
    ),
    ("[PATCH RESEND] x", _expect(tag="[RESEND PATCH]", resend=True)),
    (
        "[PATCH v2 1/3] [RFC] x",
        _expect(tag="[RFC PATCH v2 1/3]", rfc=True, version=V2, counter=1, total=3),
    ),
    # Counters: the cover, zero padding, a miscounted series.
    ("[PATCH 6/5] x", _expect(tag="[PATCH 6/6]", counter=6, total=6)),
    ("[PATCH 00/12] x", _expect(tag="[PATCH 0/12]", counter=0, total=12)),
    ("[PATCH v2 0/3] x", _expect(tag="[PATCH v2 0/3]", version=V2, counter=0, total=3)),
    (
        "[PATCH v10 03/17] x",
        _expect(tag="[PATCH v10 3/17]", version=Version(10), counter=3, total=17),
    ),
    ("[PATCH 1/2 v2] x", _expect(tag="[PATCH v2 1/2]", version=V2, counter=1, total=2)),
    # Case and glued spellings.
    (
        "[PATCH-for-4.13 v2 1/2] x",
        _expect(
            tag="[PATCH v2 for-4.13 1/2]", version=V2, counter=1, total=2, prefixes=("for-4.13",)
        ),
    ),
    (
        "[PATCH V3 2/2] x",
        _expect(tag="[PATCH v3 2/2]", version=Version(3), counter=2, total=2),
    ),
    ("[patch v2 1/2] x", _expect(tag="[PATCH v2 1/2]", version=V2, counter=1, total=2)),
    (
        "[PATCHv2.1 1/2] x",
        _expect(tag="[PATCH v2.1 1/2]", version=Version(2, 1), counter=1, total=2),
    ),
    ("[PATCH-v4] x", _expect(tag="[PATCH v4]", version=Version(4))),
    ("[PATCH1/3] x", _expect(tag="[PATCH 1/3]", counter=1, total=3)),
    ("[RFC-PATCH v2] x", _expect(tag="[RFC PATCH v2]", rfc=True, version=V2)),
    ("[RFCv2] x", _expect(tag="[RFC v2]", rfc=True, version=V2, patch=False)),
    ("[Patchwork] x", _expect(tag="[Patchwork]", patch=False, prefixes=("Patchwork",))),
    # Other Xen projects on the same list.
    (
        "[MINI-OS PATCH 1/2] x",
        _expect(tag="[MINI-OS PATCH 1/2]", counter=1, total=2, prefixes=("MINI-OS",)),
    ),
    ("[OSSTEST PATCH] x", _expect(tag="[OSSTEST PATCH]", prefixes=("OSSTEST",))),
    # Trailing versions: `(vN)` and, by choice, `[vN]`; a bracket version wins over them.
    ("[PATCH] x [v2]", _expect(tag="[PATCH v2]", version=V2)),
    ("[PATCH v2] x (v3)", _expect(tag="[PATCH v2]", version=V2)),
    ("[PATCH] x (v2.1)", _expect(tag="[PATCH v2.1]", version=Version(2, 1))),
    ("x86: fix foo (v2)", _expect("x86: fix foo", tag="[v2]", version=V2, patch=False)),
    ("[PATCH] x (v0)", _expect("x (v0)", tag="[PATCH]")),
    ("[PATCH] x (version 2)", _expect("x (version 2)", tag="[PATCH]")),
    # Brackets inside the title, and nested in a prefix group.
    ("[PATCH v2] x86/[pv]: fix", _expect("x86/[pv]: fix", tag="[PATCH v2]", version=V2)),
    ("[PATCH [v2] 1/2] x", _expect(tag="[PATCH v2 1/2]", version=V2, counter=1, total=2)),
    # Not patches at all.
    ("x86: fix foo", _expect("x86: fix foo", patch=False)),
    ("", _expect("", patch=False)),
    (
        "[Xen-devel] [xen-unstable test] 139021: regressions - FAIL",
        _expect(
            "139021: regressions - FAIL",
            tag="[xen-unstable test]",
            patch=False,
            prefixes=("xen-unstable", "test"),
            list_tags=XEN_DEVEL,
        ),
    ),
    # Reply prefixes: known words always, unknown 2-3 letter words only before `[` or a reply.
    ("RE: x86: fix", _expect("x86: fix", reply=True, patch=False)),
    ("mm: fix", _expect("mm: fix", patch=False)),
    ("Re: mm: fix", _expect("mm: fix", reply=True, patch=False)),
    ("xy: zw: [PATCH] x", _expect(tag="[PATCH]", reply=True)),
    ("Ynt: [PATCH] x", _expect(tag="[PATCH]", reply=True)),
    ("ynt: fix", _expect("ynt: fix", patch=False)),
    ("xy: Re: x", _expect("x", reply=True, patch=False)),
    ("abcd: [PATCH] x", _expect("abcd: [PATCH] x", patch=False)),
    ("Re[2]: [PATCH] x", _expect(tag="[PATCH]", reply=True)),
    ("Re:[PATCH] x", _expect(tag="[PATCH]", reply=True)),
    ("[PATCH] Re: x", _expect("Re: x", tag="[PATCH]")),
    # List tags: any case, padded, among the prefix groups, reported once.
    ("[ xen-devel ] [PATCH] x", _expect(tag="[PATCH]", list_tags=("xen-devel",))),
    ("[PATCH] [Xen-devel] x", _expect(tag="[PATCH]", list_tags=XEN_DEVEL)),
    (
        "[Xen-devel] Re: [Xen-devel] [PATCH] x",
        _expect(tag="[PATCH]", reply=True, list_tags=XEN_DEVEL),
    ),
    # First version and first counter win.
    ("[PATCH v2 v3] x", _expect(tag="[PATCH v2]", version=V2)),
    ("[PATCH 1/2 3/4] x", _expect(tag="[PATCH 1/2]", counter=1, total=2)),
    ("[PATCH v0] x", _expect(tag="[PATCH v0]", prefixes=("v0",))),
    ("[PATCH 3] x", _expect(tag="[PATCH 3]", prefixes=("3",))),
    # Only brackets: the title is empty.
    ("[PATCH 0/3]", _expect("", tag="[PATCH 0/3]", counter=0, total=3)),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[case[0] or "<empty>" for case in CASES])
def test_parse_subject(text: str, expected: dict[str, Any]) -> None:
    subject = parse_subject(text)
    assert _actual(subject) == expected
    assert subject.raw == text


def test_whitespace_is_collapsed_everywhere() -> None:
    subject = parse_subject("  Re:\t[PATCH   v2\n 1/3]   x86:  fix\u00a0 foo ")
    assert subject.raw == "Re: [PATCH v2 1/3] x86: fix foo"
    assert subject.title == "x86: fix foo"
    assert (subject.version, subject.counter, subject.total) == (V2, 1, 3)


def test_list_tags_are_configurable() -> None:
    subject = parse_subject("Re: [Xen-users] [PATCH] x", list_tags={"Xen-Users"})
    assert (subject.list_tags, subject.prefixes, subject.title, subject.is_reply) == (
        ("Xen-users",),
        (),
        "x",
        True,
    )
    by_default = parse_subject("[Xen-users] [PATCH] x")
    assert (by_default.list_tags, by_default.prefixes) == ((), ("Xen-users",))
    assert sorted(DEFAULT_LIST_TAGS) == ["xen-devel"]


def test_subject_is_frozen() -> None:
    subject = parse_subject("[PATCH] x")
    with pytest.raises(AttributeError):
        subject.title = "y"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("v2", Version(2)),
        ("2", Version(2)),
        ("V5.1", Version(5, 1)),
        ("5.1", Version(5, 1)),
        (" v10 ", Version(10)),
        ("v2.0", Version(2)),
    ],
)
def test_version_parse(text: str, expected: Version) -> None:
    assert Version.parse(text) == expected


@pytest.mark.parametrize("text", ["", "v", "vv2", "2.", "v2.1.3", "two", "v0", "-1", "v 2"])
def test_version_parse_refuses_junk(text: str) -> None:
    with pytest.raises(SpecError) as caught:
        Version.parse(text)
    assert caught.value.hint == "give a version like 2 or v2.1"
    assert caught.value.one_line() == (
        f"{text!r} is not a patch version; give a version like 2 or v2.1"
    )


def test_version_str() -> None:
    assert [str(v) for v in (Version(1), Version(2), Version(5, 1), Version(10))] == [
        "v1",
        "v2",
        "v5.1",
        "v10",
    ]


def test_versions_order_numerically() -> None:
    parsed = [parse_subject(f"[PATCH {v}] x").version for v in ("v10", "v2.1", "v9", "v2", "v3")]
    assert sorted(parsed) == [Version(2), Version(2, 1), Version(3), Version(9), Version(10)]
    assert Version(2) < Version(2, 1) < Version(3)
    assert Version(10) > Version(9)


def test_title_key_matches_the_same_patch_across_versions_and_replies() -> None:
    keys = {
        title_key(parse_subject(text))
        for text in (
            "[PATCH 1/3] x86/HVM: Fix  Foo",
            "Re: [Xen-devel] [PATCH v2 1/3] x86/hvm: fix foo",
            "[PATCH] x86/HVM: fix foo (v3)",
            "AW: [XEN PATCH v5.1 1/4] X86/HVM: FIX FOO",
        )
    }
    assert keys == {"x86/hvm: fix foo"}
    assert title_key(parse_subject("[PATCH] x86/hvm: fix bar")) == "x86/hvm: fix bar"
