"""The MAINTAINERS parser of the xen-policy plugin: sections, tags, line numbers, patterns."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from reviewbot_xen_policy.maintainers import MaintainersFile, parse_maintainers
from reviewbot_xen_policy.patterns import file_pattern

from reviewbot.identity import Person
from reviewbot.sampletree import create_sample_tree

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "checks" / "xen-policy"


@pytest.fixture(scope="module")
def excerpt() -> MaintainersFile:
    return parse_maintainers((FIXTURE / "MAINTAINERS").read_text())


def covering(maintainers: MaintainersFile, path: str) -> list[tuple[str, int]]:
    return [(c.section.title, c.specificity) for c in maintainers.covering(path)]


# --- sections, tags, line numbers -------------------------------------------------------------


def test_sections_of_the_excerpt_in_file_order_with_their_lines(excerpt: MaintainersFile) -> None:
    assert [(s.title, s.line) for s in excerpt.sections] == [
        ("ARM (W/ VIRTUALISATION EXTENSIONS) ARCHITECTURE", 36),
        ("EFI", 44),
        ("GOLANG BINDINGS", 50),
        ("INTEL(R) VT FOR DIRECTED I/O (VT-D)", 55),
        ("IOMMU VENDOR INDEPENDENT CODE", 60),
        ("KCONFIG", 68),
        ("LIBXENLIGHT", 74),
        ("SCHEDULING", 81),
        ("TOOLSTACK", 88),
        ("X86 ARCHITECTURE", 95),
        ("X86 MEMORY MANAGEMENT", 105),
        ("X86 MEMORY PAGING", 110),
        ("X86 SHADOW PAGETABLES", 115),
        ("XENTRACE", 120),
        ("THE REST", 127),
    ]
    assert excerpt.problems == ()


def test_tags_of_a_section(excerpt: MaintainersFile) -> None:
    x86 = excerpt.section("X86 ARCHITECTURE")
    assert x86 is not None
    assert x86.maintainers == (
        Person("Jan Beulich", "jbeulich@suse.com"),
        Person("Andrew Cooper", "andrew.cooper3@citrix.com"),
    )
    assert x86.reviewers == (
        Person("Wei Liu", "wl@xen.org"),
        Person("Roger Pau Monné", "roger.pau@citrix.com"),
    )
    assert x86.status == "Supported"
    assert x86.values("L") == ("xen-devel@lists.xenproject.org",)
    assert [p.text for p in x86.files] == ["xen/arch/x86/", "xen/include/asm-x86/"]
    assert [(e.tag, e.line) for e in x86.entries] == [
        ("M", 96),
        ("M", 97),
        ("R", 98),
        ("R", 99),
        ("S", 100),
        ("L", 101),
        ("F", 102),
        ("F", 103),
    ]
    iommu = excerpt.section("IOMMU VENDOR INDEPENDENT CODE")
    assert iommu is not None
    assert [p.text for p in iommu.excludes] == [
        "xen/drivers/passthrough/arm/",
        "xen/drivers/passthrough/vtd/",
    ]
    rest = excerpt.section("THE REST")
    assert rest is not None
    assert [p.text for p in rest.files] == ["*", "*/"]
    assert rest.values("V") == ("xen-maintainers-1",)
    assert len(rest.maintainers) == 8


def test_orphan_section_has_reviewers_but_no_maintainers(excerpt: MaintainersFile) -> None:
    paging = excerpt.section("X86 MEMORY PAGING")
    assert paging is not None
    assert paging.orphaned
    assert paging.maintainers == ()
    assert paging.reviewers == (Person("Tamas K Lengyel", "tamas@tklengyel.com"),)
    assert paging.status == "Orphan"


# Xen's real preamble shapes: a legend whose `M:` ... lines are tab-indented (some even hold
# `F:\tpath` examples), numbered advice, headings at column 0 followed by indented text.
REAL_SHAPE = """
\tList of maintainers and how to submit changes
\t=============================================

Please read the guidelines below.

1.\tTest your changes.
\tPLEASE include a Signed-off-by: line.

Descriptions of section entries:

\tM: Maintainer: FullName <address@domain>
\tR: Designated reviewer: FullName <address@domain>
\tF: Files and directories with wildcard patterns.
\t   F:\tdrivers/net/\tall files in and below drivers/net
\tX: Files and directories that are NOT maintained, same rules as F:
\tK: Keyword perl extended regex pattern to match content in a
\t   patch or file.  For instance:
\t   K: of_get_profile

The meaning of nesting:
\tM: not a section either, though it follows a line at column 0

Maintainers List (try to look for most precise areas first)

\t\t-----------------------------------

ACPI
M:\tJan Beulich <jbeulich@suse.com>
S:\tSupported
F:\txen/arch/x86/acpi/

Continuous Integration (CI)
M:  Doug Goldstein <cardoe@cardoe.com>
W:\thttps://gitlab.com/xen-project/xen
S:\tSupported
F:\t.gitlab-ci.yml
F:
F:\tautomation/\t
X86 MEMORY PAGING
S:\tOrphaned
F:\txen/arch/x86/mm/mem_paging.c

THE REST
M:\tAndrew Cooper <andrew.cooper3@citrix.com>
F:\t*
F:\t*/
V:\txen-maintainers-1
"""


def test_real_format_preamble_is_not_taken_for_sections() -> None:
    parsed = parse_maintainers(REAL_SHAPE)
    assert [(s.title, s.line) for s in parsed.sections] == [
        ("ACPI", 28),
        ("Continuous Integration (CI)", 33),
        ("X86 MEMORY PAGING", 40),
        ("THE REST", 44),
    ]
    ci = parsed.sections[1]
    # spaces after the colon, a trailing tab dropped, an empty `F:` ignored
    assert ci.maintainers == (Person("Doug Goldstein", "cardoe@cardoe.com"),)
    assert [p.text for p in ci.files] == [".gitlab-ci.yml", "automation/"]
    assert ci.values("W") == ("https://gitlab.com/xen-project/xen",)
    # a section directly after another one's tag lines, without a blank line between
    assert parsed.sections[2].maintainers == ()
    assert parsed.sections[2].status == "Orphaned"


def test_sample_tree_maintainers(tmp_path: Path) -> None:
    tree = create_sample_tree(tmp_path / "xen")
    text = subprocess.run(
        ["git", "-C", str(tree), "show", "master:MAINTAINERS"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    parsed = parse_maintainers(text)
    assert [s.title for s in parsed.sections] == [
        "ARM (W/ VIRTUALISATION EXTENSIONS) ARCHITECTURE",
        "DOCUMENTATION",
        "SCHEDULING",
        "X86 ARCHITECTURE",
        "THE REST",
    ]
    assert covering(parsed, "xen/arch/x86/domain.c") == [("X86 ARCHITECTURE", 3), ("THE REST", -1)]
    assert covering(parsed, "xen/arch/x86/acpi/lib.c") == [("THE REST", -1)]
    assert covering(parsed, "xen/common/sched_credit2.c") == [("SCHEDULING", 3), ("THE REST", -1)]


def test_no_sections() -> None:
    assert parse_maintainers("Just some text.\n\n\tM: indented\n") == MaintainersFile(())
    assert parse_maintainers("") == MaintainersFile(())


def test_unusable_entries_are_reported_with_their_lines() -> None:
    parsed = parse_maintainers(
        "SOMETHING\nM:\tNobody In Particular\nN:\tfoo(\nF:\tsome/dir/\n\nTHE REST\nF:\t*\n"
    )
    assert parsed.sections[0].maintainers == ()
    assert parsed.sections[0].name_regexes == ()
    assert parsed.problems[0] == "line 2: M: 'Nobody In Particular' has no address"
    assert parsed.problems[1].startswith("line 3: N: 'foo(' is not a regex: ")


# --- patterns ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        # a trailing slash takes everything below
        ("xen/arch/x86/", "xen/arch/x86/domain.c", True),
        ("xen/arch/x86/", "xen/arch/x86/mm/shadow/multi.c", True),
        ("xen/arch/x86/", "xen/arch/x86_64/entry.S", False),
        ("xen/arch/x86/", "xen/arch/x86", False),
        # `*` stays within one component; without a slash only the same depth
        ("xen/common/sched*", "xen/common/sched_credit.c", True),
        ("xen/common/sched*", "xen/common/sched.h", True),
        ("xen/common/sched*", "xen/common/sched/core.c", False),
        ("xen/common/sched*", "xen/common/ksched.c", False),
        ("xen/arch/*/livepatch*", "xen/arch/arm/livepatch.c", True),
        ("xen/arch/*/livepatch*", "xen/arch/x86/mm/livepatch.c", False),
        # THE REST: `*` top-level files only, `*/` everything in a subdirectory
        ("*", "README", True),
        ("*", "xen/Makefile", False),
        ("*/", "xen/Makefile", True),
        ("*/", "tools/libxl/libxl.c", True),
        ("*/", "README", False),
        ("*/configure", "tools/configure", True),
        ("*/configure", "configure", False),
        # `?` is one character, never a slash
        ("xen/arch/x86/x86_??/entry.S", "xen/arch/x86/x86_64/entry.S", True),
        ("xen/arch/x86/x86_??/entry.S", "xen/arch/x86/x86_6/entry.S", False),
        ("xen/arch/x86/x86_6?entry.S", "xen/arch/x86/x86_6/entry.S", False),
        # `{a,b}` alternatives, an empty one included
        ("docs/misc/kconfig{,-language}.txt", "docs/misc/kconfig.txt", True),
        ("docs/misc/kconfig{,-language}.txt", "docs/misc/kconfig-language.txt", True),
        ("docs/misc/kconfig{,-language}.txt", "docs/misc/kconfig-x.txt", False),
        ("xen/common/{kexec,kimage}.c", "xen/common/kimage.c", True),
        ("xen/common/{kexec,kimage}.c", "xen/common/kexec.h", False),
        # a plain name without a slash: the file, or the directory it names
        ("tools/golang", "tools/golang/xenlight/types.go", True),
        ("tools/golang", "tools/golang", True),
        ("tools/golang", "tools/golang2/types.go", False),
        ("xen/include/xen/iommu.h", "xen/include/xen/iommu.h", True),
        # ... but not when it has wildcards
        ("xen/include/asm-*", "xen/include/asm-x86/desc.h", False),
        # dots and other regex characters are literal
        ("xen/common/trace.c", "xen/common/trace_c", False),
    ],
)
def test_pattern_matches(pattern: str, path: str, expected: bool) -> None:
    assert file_pattern(pattern).matches(path) is expected


@pytest.mark.parametrize(
    ("pattern", "specificity"),
    [
        ("xen/arch/x86/", 3),
        ("xen/arch/x86/mm/", 4),
        ("xen/arch/x86/mm/shadow/", 5),
        ("xen/arch/x86/mm/mem_paging.c", 5),
        ("xen/common/sched*", 3),
        ("tools/", 1),
        ("tools/golang", 2),
        ("tools/golang/", 2),
        ("xen/include/xen/iommu.h", 4),
        ("*", -1),
        ("*/", -1),
        ("*/configure", -1),
        ("?akefile", -1),
    ],
)
def test_pattern_specificity(pattern: str, specificity: int) -> None:
    assert file_pattern(pattern).specificity == specificity


def test_nested_sections_most_specific_first(excerpt: MaintainersFile) -> None:
    assert covering(excerpt, "xen/arch/x86/mm/shadow/multi.c") == [
        ("X86 SHADOW PAGETABLES", 5),
        ("X86 MEMORY MANAGEMENT", 4),
        ("X86 ARCHITECTURE", 3),
        ("THE REST", -1),
    ]
    assert covering(excerpt, "xen/arch/x86/mm/mem_paging.c") == [
        ("X86 MEMORY PAGING", 5),
        ("X86 MEMORY MANAGEMENT", 4),
        ("X86 ARCHITECTURE", 3),
        ("THE REST", -1),
    ]
    assert covering(excerpt, "README") == [("THE REST", -1)]
    assert covering(excerpt, "tools/configure") == [("TOOLSTACK", 1), ("THE REST", -1)]
    assert covering(excerpt, "tools/libxl/libxl_cpuid.c") == [
        ("LIBXENLIGHT", 2),
        ("TOOLSTACK", 1),
        ("THE REST", -1),
    ]
    assert covering(excerpt, "tools/golang/xenlight/types.go") == [
        ("GOLANG BINDINGS", 2),
        ("TOOLSTACK", 1),
        ("THE REST", -1),
    ]


def test_exclusions_beat_files(excerpt: MaintainersFile) -> None:
    assert covering(excerpt, "xen/drivers/passthrough/vtd/iommu.c") == [
        ("INTEL(R) VT FOR DIRECTED I/O (VT-D)", 4),
        ("THE REST", -1),
    ]
    assert covering(excerpt, "xen/drivers/passthrough/pci.c") == [
        ("IOMMU VENDOR INDEPENDENT CODE", 3),
        ("THE REST", -1),
    ]


def test_name_regex_counts_above_the_rest_only(excerpt: MaintainersFile) -> None:
    assert covering(excerpt, "xen/include/asm-x86/efibind.h") == [
        ("X86 ARCHITECTURE", 3),
        ("EFI", 0),
        ("THE REST", -1),
    ]
    assert covering(excerpt, "xen/include/xen/efi.h") == [("EFI", 0), ("THE REST", -1)]
    assert covering(excerpt, "xen/include/xen/efi.c") == [("THE REST", -1)]


def test_keywords_match_patch_text(excerpt: MaintainersFile) -> None:
    concerned = excerpt.concerned_by("    TRACE_2D(TRC_CSCHED2_PICKED_RUNQ, cpu, rqd->id);")
    assert [s.title for s in concerned] == ["XENTRACE"]
    assert excerpt.concerned_by("    MY_TRACE_2D(x);\n    TRACE_22D(y);") == []
