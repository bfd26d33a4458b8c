"""People in mail: parsing, archive masks, name keys and who-is-who."""

from __future__ import annotations

import pytest

from reviewbot.identity import (
    MASKED,
    Aliases,
    Person,
    addresses_in,
    fits_mask,
    name_key,
    parse_person,
    same_person,
)

# -- parse_person -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jan Beulich <jbeulich@suse.com>", Person("Jan Beulich", "jbeulich@suse.com")),
        ("jbeulich@suse.com", Person("", "jbeulich@suse.com")),
        ("<jbeulich@suse.com>", Person("", "jbeulich@suse.com")),
        (
            "Andrew Cooper (Citrix) <andrew.cooper3@citrix.com>",
            Person("Andrew Cooper", "andrew.cooper3@citrix.com"),
        ),
        (
            '"Pau Monné, Roger" <roger.pau@citrix.com>',
            Person("Pau Monné, Roger", "roger.pau@citrix.com"),
        ),
        ('"Jan Beulich" <JBeulich@suse.com>', Person("Jan Beulich", "JBeulich@suse.com")),
        ("jgross@suse.com (Juergen Gross)", Person("Juergen Gross", "jgross@suse.com")),
        ("Juergen Gross <jgross@xxxxxxxx>", Person("Juergen Gross", "jgross@xxxxxxxx")),
        (
            "Roger Pau Monné <roger.pau@xxxxxxxxxx>",
            Person("Roger Pau Monné", "roger.pau@xxxxxxxxxx"),
        ),
        (
            "Jan Beulich <jbeulich@suse.com<mailto:jbeulich@suse.com>>",
            Person("Jan Beulich", "jbeulich@suse.com"),
        ),
        ("jbeulich@suse.com <mailto:jbeulich@suse.com>", Person("", "jbeulich@suse.com")),
        ("<mailto:wl@xen.org>", Person("", "wl@xen.org")),
        (
            "Roger Pau Monne [mailto:roger.pau@xxxxxxxxxx]",
            Person("Roger Pau Monne", "roger.pau@xxxxxxxxxx"),
        ),
        (
            "Paul Durrant <paul.durrant@xxxxxxxxxx> for patches 1-2",
            Person("Paul Durrant", "paul.durrant@xxxxxxxxxx"),
        ),
        ("Wei Liu <wl@xen.org> # x86", Person("Wei Liu", "wl@xen.org")),
        ('"Foo \\"Bar\\" Baz" <foo@example.org>', Person('Foo "Bar" Baz', "foo@example.org")),
        ("  Jan   Beulich\t<jbeulich@suse.com>  ", Person("Jan Beulich", "jbeulich@suse.com")),
        ("jgross@suse.com.", Person("", "jgross@suse.com")),
        ("Name <a@b>", Person("Name", "a@b")),
    ],
)
def test_parse_person_forms(text: str, expected: Person) -> None:
    assert parse_person(text) == expected


@pytest.mark.parametrize("text", ["", "Jan Beulich", "see the thread", "<>", "@suse.com"])
def test_parse_person_without_an_address(text: str) -> None:
    assert parse_person(text) is None


def test_masked_is_only_a_domain_of_x() -> None:
    assert Person("", "jgross@xxxxxxxx").masked is True
    assert Person("", "andrew.cooper3@xxxxxxxxxx").masked is True
    assert Person("", "jgross@suse.com").masked is False
    assert Person("", "wl@xen.org").masked is False
    assert Person("", "max@xxx.org").masked is False
    assert [m.group(0) for m in MASKED.finditer("Cc: wl@xen.org, jgross@xxxxxxxx.")] == [
        "jgross@xxxxxxxx"
    ]


@pytest.mark.parametrize(
    ("person", "text"),
    [
        (Person("Jan Beulich", "jbeulich@suse.com"), "Jan Beulich <jbeulich@suse.com>"),
        (Person("", "jbeulich@suse.com"), "jbeulich@suse.com"),
        (Person("Beulich, Jan", "jbeulich@suse.com"), '"Beulich, Jan" <jbeulich@suse.com>'),
        (Person('Foo "Bar" Baz', "f@example.org"), '"Foo \\"Bar\\" Baz" <f@example.org>'),
        (Person("J. Random (Hacker)", "jr@example.org"), '"J. Random (Hacker)" <jr@example.org>'),
        (
            Person("Roger Pau Monné", "roger.pau@citrix.com"),
            "Roger Pau Monné <roger.pau@citrix.com>",
        ),
    ],
)
def test_str_quotes_names_that_need_it_and_parses_back(person: Person, text: str) -> None:
    assert str(person) == text
    assert parse_person(str(person)) == person


# -- addresses_in -----------------------------------------------------------------------------


def test_addresses_in_a_cc_header_with_folding_and_quoted_names() -> None:
    value = (
        "Jan Beulich <jbeulich@suse.com>, Andrew Cooper\n\t<andrew.cooper3@citrix.com>,"
        ' "Pau Monné, Roger" <roger.pau@citrix.com>, wl@xen.org,\n'
        ' "xen-devel@lists.xenproject.org" <xen-devel@lists.xenproject.org>'
    )
    assert addresses_in(value) == [
        Person("Jan Beulich", "jbeulich@suse.com"),
        Person("Andrew Cooper", "andrew.cooper3@citrix.com"),
        Person("Pau Monné, Roger", "roger.pau@citrix.com"),
        Person("", "wl@xen.org"),
        Person("", "xen-devel@lists.xenproject.org"),
    ]


def test_addresses_in_a_masked_body_skip_message_ids() -> None:
    body = (
        ">>> On 04.07.19 at 19:57, <andrew.cooper3@xxxxxxxxxx> wrote:\n"
        "> Signed-off-by: Andrew Cooper <andrew.cooper3@xxxxxxxxxx>\n"
        "In-Reply-To: <20190704175732.5943-1-andrew.cooper3@citrix.com>\n"
        "See https://lore.kernel.org/xen-devel/20190704175732.5943-1-andrew.cooper3@citrix.com/\n"
        "and <20190709142044.dlwvq4hz6kmzsacx@debian>, <5D1F2C4B020000780023E5A4@prv1-mh.provo"
        ".novell.com>, <0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0@suse.com>.\n"
        "From: Roger Pau Monne [mailto:roger.pau@xxxxxxxxxx]\n"
        "Reviewed-by: Jan Beulich <jbeulich@xxxxxxxx>\n"
        "Ping wl@xen.org (Wei) and jgross@suse.com.\n"
        "Reported-by: 1234567890@qq.com\n"
    )
    assert addresses_in(body) == [
        Person("Andrew Cooper", "andrew.cooper3@xxxxxxxxxx"),
        Person("Roger Pau Monne", "roger.pau@xxxxxxxxxx"),
        Person("Jan Beulich", "jbeulich@xxxxxxxx"),
        Person("Wei", "wl@xen.org"),
        Person("", "jgross@suse.com"),
        Person("", "1234567890@qq.com"),
    ]


def test_addresses_in_free_text_take_only_the_name_before_the_address() -> None:
    text = (
        "On Thu, Jul 04, 2019 at 06:57:32PM +0100, Andrew Cooper <andrew.cooper3@citrix.com>"
        " wrote:\n"
        " * Copyright (c) 2019 Citrix Systems <security@citrix.com>\n"
        "Tested-by: Marek Marczykowski-Górecki <marmarek@invisiblethingslab.com>\n"
    )
    assert addresses_in(text) == [
        Person("Andrew Cooper", "andrew.cooper3@citrix.com"),
        Person("Citrix Systems", "security@citrix.com"),
        Person("Marek Marczykowski-Górecki", "marmarek@invisiblethingslab.com"),
    ]


def test_addresses_in_text_without_any() -> None:
    assert addresses_in("Thanks, looks good to me.\n-- \nJan\n") == []


# -- fits_mask --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("masked", "candidate", "fits"),
    [
        ("jgross@xxxxxxxx", "jgross@suse.com", True),
        ("JBeulich@xxxxxxxx", "jbeulich@suse.com", True),
        ("jbeulich@xxxxxxxx", "JBeulich@suse.com", True),
        ("andrew.cooper3@xxxxxxxxxx", "andrew.cooper3@citrix.com", True),
        ("Andrew.Cooper3@xxxxxxxxxx", "andrew.cooper3@citrix.com", True),
        ("wl@xxxxxxx", "wl@xen.org", True),
        ("xen-devel@xxxxxxxxxxxxxxxxxxxx", "xen-devel@lists.xenproject.org", True),
        ("ian.jackson@xxxxxxxxxxxxx", "ian.jackson@eu.citrix.com", True),
        ("ian.jackson@xxxxxxxxxxxxx", "ian.jackson@citrix.com", False),  # 13 x's, 10 chars
        ("andrew.cooper3@xxxxxxxxxx", "andrew.cooper3@cloud.com", False),
        ("andrew.cooper3@xxxxxxxxxx", "andrew.cooper@citrix.com", False),
        ("wl@xxxxxxx", "wei.liu@xen.org", False),
        ("jgross@suse.com", "jgross@suse.com", False),  # not masked
        ("jgross@xxxxxxxx", "jgross@xxxxxxxx", False),  # nothing recovered
    ],
)
def test_fits_mask(masked: str, candidate: str, fits: bool) -> None:
    assert fits_mask(masked, candidate) is fits


# -- name_key ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Roger Pau Monné", "roger pau monne"),
        ("Roger Pau Monne", "roger pau monne"),
        ("Beulich, Jan", "jan beulich"),
        ("Pau Monné,  Roger", "roger pau monne"),
        ("  Marek   Marczykowski-Górecki ", "marek marczykowski-gorecki"),
        ("JAN BEULICH", "jan beulich"),
        ('"Jan Beulich"', "jan beulich"),
        ("", ""),
    ],
)
def test_name_key(name: str, key: str) -> None:
    assert name_key(name) == key


# -- Aliases and same_person ------------------------------------------------------------------


def test_aliases_group_transitively_and_ignore_case() -> None:
    aliases = Aliases([("dmkhn@proton.me", "dmukhin@ford.com")])
    aliases.add("dmukhin@FORD.com", "dmukhin@xen.org")
    assert aliases.same("DMKHN@proton.me", "dmukhin@xen.org") is True
    assert aliases.same("dmkhn@proton.me", "jbeulich@suse.com") is False
    assert aliases.same("jbeulich@suse.com", "JBeulich@suse.com") is True
    assert aliases.members("dmukhin@xen.org") == {
        "dmkhn@proton.me",
        "dmukhin@ford.com",
        "dmukhin@xen.org",
    }
    assert aliases.members("nobody@example.org") == {"nobody@example.org"}
    assert aliases.groups() == [
        frozenset({"dmkhn@proton.me", "dmukhin@ford.com", "dmukhin@xen.org"})
    ]


DENIS = Aliases([("dmkhn@proton.me", "dmukhin@ford.com")])


@pytest.mark.parametrize(
    ("a", "b", "aliases"),
    [
        (Person("", "JBeulich@suse.com"), Person("", "jbeulich@suse.com"), None),
        (Person("", "jgross+xen@suse.com"), Person("", "jgross@suse.com"), None),
        (Person("", "foo@linux.intel.com"), Person("", "foo@intel.com"), None),
        (Person("", "foo@intel.com"), Person("", "Foo@linux.intel.com"), None),
        (Person("", "dmkhn@proton.me"), Person("", "dmukhin@ford.com"), DENIS),
        (Person("Jan Beulich", "jbeulich@xxxxxxxx"), Person("", "JBeulich@suse.com"), None),
        (Person("", "JBeulich@suse.com"), Person("", "jbeulich@xxxxxxxx"), None),
        (Person("", "dmukhin@xxxxxxxx"), Person("", "dmkhn@proton.me"), DENIS),
        (
            Person("Roger Pau Monné", "roger.pau@citrix.com"),
            Person("Roger Pau Monne", "roger.pau@cloud.com"),
            None,
        ),
        (Person("Beulich, Jan", "jbeulich@novell.com"), Person("Jan Beulich", "jb@x.org"), None),
    ],
)
def test_same_person(a: Person, b: Person, aliases: Aliases | None) -> None:
    assert same_person(a, b, aliases) is True


@pytest.mark.parametrize(
    ("a", "b", "aliases"),
    [
        (Person("", "roger.pau@citrix.com"), Person("", "roger.pau@cloud.com"), None),
        (Person("", "dmkhn@proton.me"), Person("", "dmukhin@ford.com"), None),
        (Person("", "dmkhn@proton.me"), Person("", "jbeulich@suse.com"), DENIS),
        (Person("Jan", "jan@example.org"), Person("Jan", "jan.k@example.com"), None),
        (Person("", "jgross@xxxxxxx"), Person("", "jgross@suse.com"), None),
        (Person("", "jgross@xxxxxxxx"), Person("", "jbeulich@suse.com"), None),
        (Person("", "jbeulich@suse.com"), Person("", "jgross@suse.com"), None),
        (Person("", "foo@notintel.com"), Person("", "foo@intel.com"), None),
        (Person("", "jgross+xen@suse.com"), Person("", "jbeulich+xen@suse.com"), None),
        (
            Person("Jan Beulich", "jbeulich@suse.com"),
            Person("Juergen Gross", "jgross@suse.com"),
            None,
        ),
        (Person("", "jgross@xxxxxxxx"), Person("", "jbeulich@xxxxxxxx"), None),
    ],
)
def test_not_the_same_person(a: Person, b: Person, aliases: Aliases | None) -> None:
    assert same_person(a, b, aliases) is False
