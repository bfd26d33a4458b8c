"""The hygiene plugin: whitespace, Xen's C style, long lines, SPDX lines and commit messages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import reviewbot_hygiene
from reviewbot_hygiene.filestyle import FileStyle, modeline_style
from reviewbot_hygiene.message import body_problems, subject_problems

from reviewbot.cli import main
from reviewbot.errors import ConfigError
from reviewbot.extensions import SettingSpec
from reviewbot.findings import Finding
from reviewbot.runchecks import CheckReport
from reviewbot.sampletree import create_sample_tree
from reviewbot.threads import Thread
from tests.support.checking import (
    FIXTURES,
    SEED_ID,
    brief,
    check,
    context_for,
    host_with,
    thread_from,
)
from tests.support.gitrepo import git

HYGIENE = FIXTURES / "checks" / "hygiene"
NAME = reviewbot_hygiene.NAME

WHITESPACE_ID = "20240312091407.20311-1-marta.kowalska@example.com"
XEN_STYLE_ID = "20240521140245.4411-1-ilse.varga@example.org"
FOREIGN_ID = "20240610081530.9917-1-tomas.ferreira@example.net"
LONG_LINES_ID = "20240702084012.31277-1-noor.haddad@example.com"
NEW_FILES_ID = "20240918050551.1207-1-kenji.sato@example.jp"
MESSAGE_ID = "20241104152233.60113-1-lena.brandt@example.de"
MODELINE_ID = "20240603070011.2230-1-ilse.varga@example.org"

WARN, INFO = "warning", "info"
CREDIT2 = "xen/common/sched/credit2.c"
VIOAPIC = "xen/arch/x86/hvm/vioapic.c"
MCE = "xen/arch/x86/cpu/mcheck/mce_sample.c"
XZ_SAMPLE = "xen/common/xz/dec_sample.c"

ENDS_IN_WHITESPACE = "added line ends in whitespace; remove the trailing spaces and tabs"
TAB = "added line is indented with a tab; Xen style indents with 4 spaces per level"


def fixture(name: str, message_id: str) -> Thread:
    return thread_from(HYGIENE / name, message_id)


def run(thread: Thread, **options: object) -> CheckReport:
    report, _ = check(reviewbot_hygiene, NAME, thread, **options)
    return report


def of_code(findings: tuple[Finding, ...], code: str) -> list[tuple[int | None, str]]:
    """(line, message) of each finding of `code`, in report order."""
    return [(f.line, f.message) for f in findings if f.code == code]


def long_line(width: int, limit: int = 80) -> str:
    return (
        f"added line is {width} columns long, more than {limit}; break it at a sensible place "
        "and indent the rest"
    )


def body_line(number: int, width: int) -> str:
    return (
        f"line {number} of the commit message is {width} columns long; wrap the text within "
        "75 columns"
    )


@pytest.mark.parametrize(
    ("name", "message_id", "patches"),
    [
        ("whitespace.mbox", WHITESPACE_ID, 1),
        ("xen-style.mbox", XEN_STYLE_ID, 1),
        ("foreign-style.mbox", FOREIGN_ID, 2),
        ("long-lines.mbox", LONG_LINES_ID, 1),
        ("new-files.mbox", NEW_FILES_ID, 1),
        ("commit-message.mbox", MESSAGE_ID, 4),
        ("linux-modeline.mbox", MODELINE_ID, 1),
    ],
)
def test_fixtures_are_well_formed_patch_mail(name: str, message_id: str, patches: int) -> None:
    context = context_for(fixture(name, message_id))
    bodies = [p.patch.body for p in context.review.patches]
    assert len(bodies) == patches
    assert [(b.defects, b.has_diff, bool(b.diffstat)) for b in bodies] == [
        ((), True, True)
    ] * patches


# --- hooks ----------------------------------------------------------------------------------


def test_hook_register_settings() -> None:
    specs: list[SettingSpec] = []
    reviewbot_hygiene.register_settings(specs.append)
    assert [(s.key, s.default, s.kind) for s in specs] == [
        ("hygiene.max_line_length", 80, int),
        ("hygiene.max_per_kind", 5, int),
        ("hygiene.xen_style_paths", "xen/", str),
    ]
    length, per_kind, paths = specs
    assert length.validate is not None and per_kind.validate is not None
    assert [length.validate(v) for v in (80, 1, 0)] == [None, None, "must be 1 or more"]
    assert [per_kind.validate(v) for v in (5, 0, -1)] == [None, None, "must be 0 or more"]
    assert paths.validate is None


def test_hook_check_patch() -> None:
    host = host_with((reviewbot_hygiene, NAME))
    context = context_for(fixture("new-files.mbox", NEW_FILES_ID), host=host)
    (patch,) = context.review.patches
    found = list(reviewbot_hygiene.check_patch(patch, context))
    assert [(str(f.severity), f.code, f.patch, f.file, f.line) for f in found] == [
        (WARN, "hygiene/missing-spdx", None, "tools/misc/vcpu-top/Makefile", 1),
        (WARN, "hygiene/no-newline-at-eof", None, "tools/misc/vcpu-top/vcpu-top.c", 16),
        (WARN, "hygiene/missing-spdx", None, "tools/misc/vcpu-top/vcpu_top.h", 1),
    ]
    assert {f.plugin for f in found} == {""}  # reviewbot fills in the plugin and patch


def test_hook_review_result() -> None:
    report = run(fixture("xen-style.mbox", XEN_STYLE_ID))
    result = report.results[NAME]
    assert json.loads(json.dumps(result)) == result
    assert result == {
        "patches": [
            {
                "patch": 1,
                "files_checked": 1,
                "lines_checked": 43,
                "message_lines_checked": 4,
                "counts": {
                    "hygiene/brace-placement": 4,
                    "hygiene/keyword-spacing": 2,
                    "hygiene/tab-indent": 2,
                },
                "c_styles": {
                    VIOAPIC: {"xen": True, "reason": "indentation: 0 of 4 indented lines use tabs"}
                },
            }
        ],
        "counts": {
            "hygiene/brace-placement": 4,
            "hygiene/keyword-spacing": 2,
            "hygiene/tab-indent": 2,
        },
    }


def test_review_result_counts_what_the_limit_leaves_out() -> None:
    report = run(fixture("whitespace.mbox", WHITESPACE_ID))
    assert report.results[NAME] == {
        "patches": [
            {
                "patch": 1,
                "files_checked": 3,
                "lines_checked": 37,
                "message_lines_checked": 7,
                "counts": {"hygiene/trailing-whitespace": 8},
                "c_styles": {
                    CREDIT2: {"xen": True, "reason": "indentation: 0 of 1 indented lines use tabs"}
                },
            }
        ],
        "counts": {"hygiene/trailing-whitespace": 8},
    }


# --- the seed: real Xen code by a maintainer --------------------------------------------------

# Commit-message findings carry the line of the message they concern (below the subject).
SEED_FINDINGS = [(INFO, "hygiene/message-long-line", 1, None, n) for n in (2, 17, 20, 22)]
# In the order the commit message has them.
SEED_MESSAGES = [
    (
        body_line(2, 77),
        "with (mfn + i) is wrong, because of PDX compression.  The context switch path",
    ),
    (
        body_line(17, 76),
        "current CPU, and load_default_gdt() only gets passed the current CPU regular",
    ),
    (
        body_line(20, 78),
        "Add two extra per-cpu variables which cache the L1e for the regular and compat",
    ),
    (
        body_line(22, 76),
        "update_xen_slot_in_full_gdt() doesn't need to waste time performing the same",
    ),
]


def test_seed_thread_has_only_its_long_message_lines() -> None:
    """The seed's diff is clean Xen style (its longest added line is 79 columns, `if ( x )`,
    braces on their own lines, an initialiser `= {` kept); only four lines of its commit
    message pass git's 75 columns."""
    report = run(thread_from("seed-gdt.mbox", SEED_ID))
    assert brief(report.findings) == SEED_FINDINGS
    assert [(f.message, f.details) for f in report.findings] == SEED_MESSAGES


def test_seed_on_the_sample_tree_reads_the_post_images(tmp_path: Path) -> None:
    tree = tmp_path / "xen"
    create_sample_tree(tree)
    report = run(thread_from("seed-gdt.mbox", SEED_ID), tree=tree)
    assert brief(report.findings) == SEED_FINDINGS
    result = report.results[NAME]
    assert isinstance(result, dict)
    assert result["patches"][0]["c_styles"] == {
        "xen/arch/x86/domain.c": {
            "xen": True,
            "reason": "indentation: 0 of 30 indented lines use tabs",
        },
        "xen/arch/x86/smpboot.c": {
            "xen": True,
            "reason": "indentation: 0 of 12 indented lines use tabs",
        },
        "xen/arch/x86/traps.c": {
            "xen": True,
            "reason": "indentation: 0 of 8 indented lines use tabs",
        },
        "xen/include/asm-x86/desc.h": {
            "xen": True,
            "reason": "indentation: 0 of 2 indented lines use tabs",
        },
    }


# --- one test per code ----------------------------------------------------------------------


def test_trailing_whitespace() -> None:
    report = run(fixture("whitespace.mbox", WHITESPACE_ID))
    code = "hygiene/trailing-whitespace"
    assert brief(report.findings) == [
        (WARN, code, 1, "docs/misc/xen-command-line.pandoc", 8),
        (WARN, code, 1, CREDIT2, 10),
        (WARN, code, 1, CREDIT2, 11),
        (WARN, code, 1, CREDIT2, 12),
        (WARN, code, 1, CREDIT2, 13),
        (WARN, code, 1, CREDIT2, 20),
        (WARN, code, 1, CREDIT2, 21),
    ]
    assert [(f.message, f.details) for f in report.findings] == [
        (ENDS_IN_WHITESPACE, None),
        (ENDS_IN_WHITESPACE, None),
        (ENDS_IN_WHITESPACE, None),
        (ENDS_IN_WHITESPACE, None),
        (ENDS_IN_WHITESPACE, None),
        ("added line holds only whitespace; make it an empty line", None),
        ("… and 2 more lines in this file end in whitespace", "lines 21, 24"),
    ]


@pytest.mark.parametrize(
    ("limit", "lines"),
    [("0", [10, 11, 12, 13, 20, 21, 24]), ("2", [10, 11, 12])],
)
def test_max_per_kind_setting(limit: str, lines: list[int]) -> None:
    report = run(
        fixture("whitespace.mbox", WHITESPACE_ID), overrides=[f"hygiene.max_per_kind={limit}"]
    )
    assert [f.line for f in report.findings if f.file == CREDIT2] == lines
    assert report.findings[-1].details == ("lines 12, 13, 20, 21, 24" if limit == "2" else None)


# On one line, findings keep the order the plugin checks in: tab indent, keyword spacing, braces.
XEN_STYLE = [
    (WARN, "hygiene/tab-indent", 1, VIOAPIC, 24),
    (WARN, "hygiene/keyword-spacing", 1, VIOAPIC, 24),
    (WARN, "hygiene/brace-placement", 1, VIOAPIC, 24),
    (WARN, "hygiene/keyword-spacing", 1, VIOAPIC, 27),
    (WARN, "hygiene/brace-placement", 1, VIOAPIC, 30),
    (WARN, "hygiene/brace-placement", 1, VIOAPIC, 39),
    (WARN, "hygiene/brace-placement", 1, VIOAPIC, 42),
    (WARN, "hygiene/tab-indent", 1, VIOAPIC, 43),
]


def test_tab_indent() -> None:
    report = run(fixture("xen-style.mbox", XEN_STYLE_ID))
    assert brief(report.findings) == XEN_STYLE
    assert of_code(report.findings, "hygiene/tab-indent") == [(24, TAB), (43, TAB)]


def test_keyword_spacing() -> None:
    """`if (and` in a comment and `"while (unmasked)"` in a string are not code."""
    report = run(fixture("xen-style.mbox", XEN_STYLE_ID))
    assert brief(report.findings) == XEN_STYLE
    assert of_code(report.findings, "hygiene/keyword-spacing") == [
        (
            24,
            "`for (i = 0; i < vioapic_nr_pins(vioapic…` is not spaced the Xen way; write "
            "`for ( ... )`, with a space after `for` and inside the parentheses",
        ),
        (
            27,
            "`if(ent->fields.mask)` is not spaced the Xen way; write `if ( ... )`, with a "
            "space after `if` and inside the parentheses",
        ),
    ]


def test_brace_placement() -> None:
    """`do {` and `} while ( 0 );` are Xen style and stay unflagged."""
    report = run(fixture("xen-style.mbox", XEN_STYLE_ID))
    assert brief(report.findings) == XEN_STYLE
    same_line = (
        "the opening brace of this `{}` is on the same line; Xen style puts it on a line of its own"
    )
    assert of_code(report.findings, "hygiene/brace-placement") == [
        (24, same_line.format("for")),
        (30, same_line.format("switch")),
        (39, same_line.format("if")),
        (
            42,
            "`} else` shares a line; Xen style puts the closing brace, `else` and the opening "
            "brace on lines of their own",
        ),
    ]


def test_linux_style_and_tools_files_are_left_alone() -> None:
    report = run(fixture("foreign-style.mbox", FOREIGN_ID))
    assert brief(report.findings) == []
    result = report.results[NAME]
    assert isinstance(result, dict)
    assert [p["c_styles"] for p in result["patches"]] == [
        {
            "xen/common/xz/dec_stream.c": {
                "xen": False,
                "reason": "indentation: 3 of 3 indented lines use tabs",
            }
        },
        {},
    ]


def test_xen_style_paths_setting() -> None:
    report = run(
        fixture("foreign-style.mbox", FOREIGN_ID),
        overrides=["hygiene.xen_style_paths=xen/, tools/libs/light/"],
    )
    libxl = "tools/libs/light/libxl_dom.c"
    assert brief(report.findings) == [
        (WARN, "hygiene/keyword-spacing", 2, libxl, 15),
        (WARN, "hygiene/brace-placement", 2, libxl, 15),
    ]
    assert report.findings[0].message == (
        "`if (state->kernel_compression == KERNEL…` is not spaced the Xen way; write "
        "`if ( ... )`, with a space after `if` and inside the parentheses"
    )


def test_long_line() -> None:
    """Tabs count to 8 columns; a format that starts within 80 columns may run past them when
    only closing punctuation follows it; prose in `.pandoc` files is not checked."""
    report = run(fixture("long-lines.mbox", LONG_LINES_ID))
    code = "hygiene/long-line"
    assert brief(report.findings) == [
        (WARN, code, 1, "xen/arch/x86/cpu/mcheck/Makefile", 3),
        (WARN, code, 1, MCE, 15),
        (WARN, code, 1, MCE, 21),
        (WARN, code, 1, MCE, 24),
        (WARN, code, 1, MCE, 26),
        (WARN, code, 1, "xen/common/xz/dec_stream.c", 16),
    ]
    assert [f.message for f in report.findings] == [
        long_line(84),
        long_line(103),
        long_line(87),
        long_line(87),
        long_line(93),
        long_line(81),
    ]


def test_max_line_length_setting() -> None:
    report = run(
        fixture("long-lines.mbox", LONG_LINES_ID), overrides=["hygiene.max_line_length=100"]
    )
    assert brief(report.findings) == [(WARN, "hygiene/long-line", 1, MCE, 15)]
    assert report.findings[0].message == long_line(103, 100)


def test_bad_setting_is_refused_when_settings_load() -> None:
    problem = "-c: hygiene.max_line_length must be 1 or more, not '0'"
    with pytest.raises(ConfigError, match=f"^{re.escape(problem)}$") as refused:
        run(fixture("new-files.mbox", NEW_FILES_ID), overrides=["hygiene.max_line_length=0"])
    assert refused.value.hint == "the default is 80"


def test_cli_refuses_a_bad_setting(capsys: pytest.CaptureFixture[str]) -> None:
    mbox = str(HYGIENE / "new-files.mbox")
    assert main(["check", mbox, "-c", "hygiene.max_per_kind=-1"]) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == (
        "",
        "reviewbot: error: -c: hygiene.max_per_kind must be 0 or more, not '-1'; the default is"
        " 5\n",
    )


NEW_FILES = [
    (WARN, "hygiene/missing-spdx", 1, "tools/misc/vcpu-top/Makefile", 1),
    (WARN, "hygiene/no-newline-at-eof", 1, "tools/misc/vcpu-top/vcpu-top.c", 16),
    (WARN, "hygiene/missing-spdx", 1, "tools/misc/vcpu-top/vcpu_top.h", 1),
]


def test_missing_spdx() -> None:
    """The Python script's SPDX line after `#!` counts; man pages need none."""
    report = run(fixture("new-files.mbox", NEW_FILES_ID))
    assert brief(report.findings) == NEW_FILES
    assert of_code(report.findings, "hygiene/missing-spdx") == [
        (
            1,
            "new file has no SPDX-License-Identifier: line among its first 5; start it with one "
            "naming its licence, e.g. `# SPDX-License-Identifier: GPL-2.0-only`",
        ),
        (
            1,
            "new file has no SPDX-License-Identifier: line among its first 5; start it with one "
            "naming its licence, e.g. `/* SPDX-License-Identifier: GPL-2.0-only */`",
        ),
    ]


def test_no_newline_at_eof() -> None:
    report = run(fixture("new-files.mbox", NEW_FILES_ID))
    assert brief(report.findings) == NEW_FILES
    assert of_code(report.findings, "hygiene/no-newline-at-eof") == [
        (16, "the file does not end with a newline; add one after its last line")
    ]


COMMIT_MESSAGES = [
    (WARN, "hygiene/subject-format", 1, None, None),
    (INFO, "hygiene/subject-period", 1, None, None),
    (INFO, "hygiene/subject-length", 2, None, None),
    (INFO, "hygiene/empty-message", 3, None, None),
    (INFO, "hygiene/message-long-line", 4, None, 1),
    (INFO, "hygiene/message-long-line", 4, None, 6),
]


def test_subject_format() -> None:
    report = run(fixture("commit-message.mbox", MESSAGE_ID))
    assert brief(report.findings) == COMMIT_MESSAGES
    assert of_code(report.findings, "hygiene/subject-format") == [
        (
            None,
            "the subject `Fix the vPCI BAR size calculation for 64-bit BARs.` is not "
            "`area: summary`; start it with the area it changes, e.g. `x86/mm: ` or "
            "`tools/libxl: `",
        )
    ]


def test_subject_length() -> None:
    report = run(fixture("commit-message.mbox", MESSAGE_ID))
    assert brief(report.findings) == COMMIT_MESSAGES
    assert of_code(report.findings, "hygiene/subject-length") == [
        (
            None,
            "the subject is 90 characters long; keep it within 75 so that `git log --oneline` "
            "and mail clients show it whole",
        )
    ]


def test_subject_period() -> None:
    report = run(fixture("commit-message.mbox", MESSAGE_ID))
    assert brief(report.findings) == COMMIT_MESSAGES
    assert of_code(report.findings, "hygiene/subject-period") == [
        (None, "the subject ends with a period; drop it")
    ]


def test_empty_message() -> None:
    report = run(fixture("commit-message.mbox", MESSAGE_ID))
    assert brief(report.findings) == COMMIT_MESSAGES
    assert of_code(report.findings, "hygiene/empty-message") == [
        (None, "the commit message has nothing but trailers; say what the patch changes and why")
    ]


def test_message_long_line() -> None:
    """The URL, the logs (indented, or `(XEN)` lines) and the `Fixes:` line may be long."""
    report = run(fixture("commit-message.mbox", MESSAGE_ID))
    assert brief(report.findings) == COMMIT_MESSAGES
    long_lines = [f for f in report.findings if f.code == "hygiene/message-long-line"]
    assert [(f.message, f.details) for f in long_lines] == [
        (
            body_line(1, 78),
            "Overlapping BARs make the second mapping silently replace the first one, which",
        ),
        (
            body_line(6, 104),
            "With two devices on a test box whose firmware placed their BARs on top of each "
            "other, the log now shows:",
        ),
    ]


# --- the tree: the file as the patch leaves it decides its style ------------------------------


def test_tree_post_image_decides_the_style(tmp_path: Path) -> None:
    """The hunk shows no indented context, so from the mail alone the Linux-style file looks
    like Xen's; in the tree its `c-file-style: "linux"` block says otherwise."""
    thread = fixture("linux-modeline.mbox", MODELINE_ID)
    tab = [(WARN, "hygiene/tab-indent", 1, XZ_SAMPLE, n) for n in (15, 16, 17, 18, 20)]
    assert brief(run(thread).findings) == [
        tab[0],
        (WARN, "hygiene/keyword-spacing", 1, XZ_SAMPLE, 15),
        (WARN, "hygiene/brace-placement", 1, XZ_SAMPLE, 15),
        *tab[1:],
    ]

    tree = tmp_path / "xen"
    create_sample_tree(tree)
    (tree / XZ_SAMPLE).parent.mkdir(parents=True)
    (tree / XZ_SAMPLE).write_bytes((HYGIENE / "xz-sample.c").read_bytes())
    git(tree, "add", XZ_SAMPLE)
    git(
        tree,
        "-c",
        "user.name=Xen sample tree",
        "-c",
        "user.email=sample-tree@reviewbot.invalid",
        "commit",
        "-q",
        "-m",
        "xen/xz: import a sample decoder",
    )
    report, context = check(reviewbot_hygiene, NAME, thread, tree=tree, base="master")
    assert context.commit_of(1) is not None
    assert brief(report.findings) == []
    result = report.results[NAME]
    assert isinstance(result, dict)
    assert result["patches"][0]["c_styles"] == {
        XZ_SAMPLE: {"xen": False, "reason": 'modeline c-file-style "linux"'}
    }


# --- the rules behind the checks --------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "x86/ctxt-switch: Document and improve GDT handling",
        "xen/arm: vgic-v3: fix the ITS table size",
        "tools/libxl: drop a stale comment",
        "x86/mm, xen/common: share the page type helpers",
        "tools/{libxc,libxl}: spell 'physical' consistently",
        "docs: describe credit2_balance_ms",
        "MAINTAINERS: add a vPCI reviewer",
        "CI: build with clang 18",
        "CHANGELOG.md: start the 4.20 section",
        'Revert "x86/mm: share the page type helpers"',
    ],
)
def test_xen_titles_have_the_area_form(title: str) -> None:
    assert [p.code for p in subject_problems(title)] == []


@pytest.mark.parametrize(
    "title",
    ["Fix the build", "x86:no space", "x86: ", "fix something in x86 mm: really"],
)
def test_titles_without_an_area(title: str) -> None:
    assert [p.code for p in subject_problems(title)] == ["hygiene/subject-format"]


XEN_EMACS = """/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
"""


@pytest.mark.parametrize(
    ("text", "style"),
    [
        (XEN_EMACS, FileStyle(True, "modeline indent-tabs-mode: nil")),
        (' * c-file-style: "BSD"\n', FileStyle(True, 'modeline c-file-style "BSD"')),
        (
            ' * c-file-style: "BSD"\n * c-basic-offset: 8\n',
            FileStyle(False, 'modeline c-file-style "BSD", c-basic-offset 8'),
        ),
        (' * c-file-style: "linux"\n', FileStyle(False, 'modeline c-file-style "linux"')),
        (" * indent-tabs-mode: t\n", FileStyle(False, "modeline indent-tabs-mode: t")),
        ("/* vim: set ts=8 sw=8 noet: */\n", FileStyle(False, "vim modeline noet")),
        ("/* vim: set expandtab sw=4: */\n", FileStyle(True, "vim modeline expandtab")),
        ("int x;\n", None),
    ],
)
def test_modelines(text: str, style: FileStyle | None) -> None:
    assert modeline_style(text) == style


def test_in_body_headers_and_empty_bodies() -> None:
    """`git am` takes a `From:` line at the top of the body as the author, not as text."""
    problems, checked = body_problems(
        "From: Other Author <other@example.org>\n\nSigned-off-by: A U Thor <author@example.org>\n"
    )
    assert [(p.code, p.message) for p in problems] == [
        (
            "hygiene/empty-message",
            "the commit message has nothing but trailers; say what the patch changes and why",
        )
    ]
    assert checked == 1
    problems, checked = body_problems("")
    assert [(p.code, p.message) for p in problems] == [
        ("hygiene/empty-message", "the commit message is empty; say what the patch changes and why")
    ]
    assert checked == 0
