"""Re-anchoring patches the HTML archive damaged, checked with real git apply in real trees."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from reviewbot.hunks import HunkSpot
from reviewbot.reanchor import Reanchored, reanchor
from tests.test_hunks import Tree, numbered

MAINTAINERS = """\
\tList of maintainers

ARM (W/ VIRTUALISATION EXTENSIONS) ARCHITECTURE
M:\tStefano Stabellini <sstabellini@kernel.org>
M:\tJulien Grall <julien@xen.org>
S:\tSupported
F:\txen/arch/arm/

X86 ARCHITECTURE
M:\tJan Beulich <jbeulich@suse.com>
M:\tAndrew Cooper <andrew.cooper3@citrix.com>
R:\tWei Liu <wl@xen.org>
S:\tSupported
F:\txen/arch/x86/
"""

DOC = """\
# Xen command line

> **Warning:** options change between releases.

### dom0_mem
> `= List of ( min:<sz> | max:<sz> | <sz> )`

Set the amount of memory for the initial domain.

>Note: a tight quote
> > a nested quote

### console
> `= List of ( vga | com1 | none )`
"""

SOURCE = """\
/* SPDX-License-Identifier: GPL-2.0 */
#include <xen/lib.h>
#include <xen/sched.h>

static unsigned int   nr_frobs;

static int frob(struct domain *d,   unsigned int flags)
{
    int rc = 0;\t\t

\tif ( flags & 1 )
\t\trc = -EINVAL;
\telse
\t\tnr_frobs++;

\treturn rc;
}

int frob_all(void)
{
\tstruct domain *d;

\tfor_each_domain ( d )
\t\tfrob(d, 0);

\treturn 0;
}
"""

DOC_PATH = "docs/misc/xen-command-line.pandoc"
SOURCE_PATH = "xen/common/frob.c"
_ADDRESS = re.compile(r"([\w.+-]+)@([\w-]+(?:\.[\w-]+)+)")

# --- damage the way the archive does ----------------------------------------------------------

Damage = Callable[[str, str], "str | None"]  # (marker, content) -> the line, None drops it


def damaged(patch: str, *damages: Damage, added: bool = False) -> str:
    """`patch` with each damage applied to its context and `-` lines (and `+` lines if told)."""
    out: list[str] = []
    in_hunk = False
    for line in patch.split("\n"):
        if line.startswith("diff --git "):
            in_hunk = False
        elif line.startswith("@@"):
            in_hunk = True
        elif in_hunk and (line[:1] in (" ", "-") or (added and line[:1] == "+")):
            marker, content = line[:1], line[1:]
            result: str | None = line
            for damage in damages:
                result = damage(marker, content)
                if result is None:
                    break
                marker, content = result[:1], result[1:]
            if result is None:
                continue
            line = result
        out.append(line)
    return "\n".join(out)


def mask(marker: str, content: str) -> str:
    """SPAMMODE: every domain becomes as many x."""
    return marker + _ADDRESS.sub(lambda m: m.group(1) + "@" + "x" * len(m.group(2)), content)


def quote(marker: str, content: str) -> str:
    """fancyquote: a context line starting with `>` comes back as a quote, marker space gone."""
    rest = content.lstrip()
    if marker != " " or not rest.startswith(">"):
        return marker + content
    depth = 0
    while rest.startswith(">"):
        depth += 1
        rest = rest[1:].lstrip(" ")
    return ">" * depth + (" " + rest if rest else "")


def collapse(marker: str, content: str) -> str:
    """Flowed `<tt>` text: runs of whitespace become one space, trailing whitespace is gone."""
    if marker not in (" ", "-"):
        return marker + content
    return marker + re.sub(r"\s+", " ", content).rstrip()


def no_blank_context(marker: str, content: str) -> str | None:
    """Blank context lines of a quoted patch vanish."""
    return None if marker == " " and not content.strip() else marker + content


def without_index(patch: str) -> str:
    return re.sub(r"^index [0-9a-f]+\.\.[0-9a-f]+.*\n", "", patch, flags=re.MULTILINE)


def applied(tree: Tree, result: Reanchored) -> None:
    """The rebuilt diff goes through plain git apply."""
    assert result.misses == ()
    assert tree.check(result.diff) == ""
    tree.apply(result.diff)


# --- exact patches ------------------------------------------------------------------------------


def test_an_exact_patch_comes_back_as_it_was(tmp_path: Path) -> None:
    tree = Tree(tmp_path, {SOURCE_PATH: SOURCE})
    after = SOURCE.replace("-EINVAL", "-EOPNOTSUPP").replace("frob(d, 0)", "frob(d, 1)")
    patch = tree.diff({SOURCE_PATH: after})
    assert reanchor(patch, tree.read) == Reanchored(patch, (), (), ())


def test_an_exact_patch_at_an_offset_gets_its_real_line_numbers(tmp_path: Path) -> None:
    tree = Tree(tmp_path, {SOURCE_PATH: SOURCE})
    after = SOURCE.replace("-EINVAL", "-EOPNOTSUPP").replace("frob(d, 0)", "frob(d, 1)")
    patch = tree.diff({SOURCE_PATH: after})
    assert "@@ -9,7 +9,7 @@ static int frob" in patch
    assert "@@ -21,7 +21,7 @@ int frob_all(void)" in patch
    tree.commit(
        {SOURCE_PATH: SOURCE.replace("#include <xen/lib.h>\n", "#include <xen/lib.h>\n" * 4)}
    )
    result = reanchor(patch, tree.read)
    assert result == Reanchored(
        patch.replace("@@ -9,7 +9,7 @@", "@@ -12,7 +12,7 @@").replace(
            "@@ -21,7 +21,7 @@", "@@ -24,7 +24,7 @@"
        ),
        (),
        (),
        (),
    )
    applied(tree, result)
    assert tree.read(SOURCE_PATH) == after.replace(
        "#include <xen/lib.h>\n", "#include <xen/lib.h>\n" * 4
    )


# --- archive damage -----------------------------------------------------------------------------


def test_masked_addresses_in_context_and_removed_lines(tmp_path: Path) -> None:
    tree = Tree(tmp_path, {"MAINTAINERS": MAINTAINERS})
    after = MAINTAINERS.replace("R:\tWei Liu <wl@xen.org>\n", "").replace(
        "F:\txen/arch/x86/\n", "F:\txen/arch/x86/\nF:\txen/include/asm-x86/\n"
    )
    patch = tree.diff({"MAINTAINERS": after})
    broken = damaged(patch, mask)
    assert " M:\tJan Beulich <jbeulich@xxxxxxxx>\n-R:\tWei Liu <wl@xxxxxxx>\n" not in broken
    assert "-R:\tWei Liu <wl@xxxxxxx>\n" in broken
    assert tree.check(broken) == "error: patch failed: MAINTAINERS:9"
    result = reanchor(broken, tree.read)
    assert result == Reanchored(
        without_index(patch), ("MAINTAINERS hunk 1: 3 masked addresses matched",), (), ()
    )
    applied(tree, result)
    assert tree.bytes_of("MAINTAINERS") == after.encode()


def test_quoted_context_lines_that_lost_their_marker(tmp_path: Path) -> None:
    tree = Tree(tmp_path, {DOC_PATH: DOC})
    after = DOC.replace("Set the amount of memory", "Set the memory")
    patch = tree.diff({DOC_PATH: after})
    broken = damaged(patch, quote)
    assert "\n> Note: a tight quote\n>> a nested quote\n" in broken
    assert tree.check(broken) == "error: corrupt patch at line 7"
    result = reanchor(broken, tree.read)
    assert result == Reanchored(
        without_index(patch),
        (f"{DOC_PATH} hunk 1: 3 context lines had lost their diff marker",),
        (),
        (),
    )
    applied(tree, result)
    assert tree.bytes_of(DOC_PATH) == after.encode()


def test_collapsed_and_trailing_whitespace(tmp_path: Path) -> None:
    tree = Tree(tmp_path, {SOURCE_PATH: SOURCE})
    after = SOURCE.replace("static unsigned int   nr_frobs;\n", "static unsigned int nr_frobs;\n")
    after = after.replace("\t\trc = -EINVAL;", "\t\trc = -EOPNOTSUPP;")
    patch = tree.diff({SOURCE_PATH: after})
    broken = damaged(patch, collapse)
    assert "-static unsigned int nr_frobs;\n" in broken
    assert "\n     int rc = 0;\n" not in broken
    assert tree.check(broken) == "error: patch failed: xen/common/frob.c:2"
    result = reanchor(broken, tree.read)
    assert result == Reanchored(
        without_index(patch),
        (f"{SOURCE_PATH} hunk 1: 7 lines matched ignoring whitespace",),
        (),
        (),
    )
    applied(tree, result)
    assert tree.bytes_of(SOURCE_PATH) == after.encode()


def test_vanished_blank_context_lines_are_restored_from_the_file(tmp_path: Path) -> None:
    tree = Tree(tmp_path, {SOURCE_PATH: SOURCE})
    after = SOURCE.replace("\t\trc = -EINVAL;", "\t\trc = -EOPNOTSUPP;")
    patch = tree.diff({SOURCE_PATH: after})
    broken = damaged(patch, no_blank_context)
    assert tree.check(broken) == "error: corrupt patch at line 12"
    result = reanchor(broken, tree.read)
    assert result == Reanchored(
        "diff --git a/xen/common/frob.c b/xen/common/frob.c\n"
        "--- a/xen/common/frob.c\n"
        "+++ b/xen/common/frob.c\n"
        "@@ -9,6 +9,6 @@ static int frob(struct domain *d,   unsigned int flags)\n"
        "     int rc = 0;\t\t\n"
        " \n"
        " \tif ( flags & 1 )\n"
        "-\t\trc = -EINVAL;\n"
        "+\t\trc = -EOPNOTSUPP;\n"
        " \telse\n"
        " \t\tnr_frobs++;\n",
        (
            f"{SOURCE_PATH} hunk 1: 1 blank context line restored from the file",
            f"{SOURCE_PATH} hunk 1: its header counts 7 old and 7 new lines, the mail has 5 and 5",
        ),
        (),
        (),
    )
    applied(tree, result)
    assert tree.bytes_of(SOURCE_PATH) == after.encode()


def test_vanished_trailing_context_is_replaced_by_the_next_file_line(tmp_path: Path) -> None:
    original = numbered("x", 1, 5) + "TARGET\n\n\n\n" + numbered("y", 1, 5)
    tree = Tree(tmp_path, {"f.txt": original})
    after = original.replace("TARGET", "NEW")
    patch = tree.diff({"f.txt": after})
    result = reanchor(damaged(patch, no_blank_context), tree.read)
    assert result == Reanchored(
        "diff --git a/f.txt b/f.txt\n"
        "--- a/f.txt\n"
        "+++ b/f.txt\n"
        "@@ -3,5 +3,5 @@ x2\n"
        " x3\n"
        " x4\n"
        " x5\n"
        "-TARGET\n"
        "+NEW\n"
        " \n",
        ("f.txt hunk 1: its header counts 7 old and 7 new lines, the mail has 4 and 4",),
        (),
        (),
    )
    applied(tree, result)
    assert tree.bytes_of("f.txt") == after.encode()


def test_added_lines_next_to_vanished_blank_lines_are_refused_unless_order_free(
    tmp_path: Path,
) -> None:
    tree = Tree(tmp_path, {SOURCE_PATH: SOURCE})
    after = SOURCE.replace("\tstruct domain *d;\n", "\tstruct domain *d;\n\tunsigned int n = 0;\n")
    patch = tree.diff({SOURCE_PATH: after})
    assert "+\tunsigned int n = 0;\n \n" in patch
    result = reanchor(damaged(patch, no_blank_context), tree.read)
    assert result == Reanchored(
        "",
        (),
        (
            HunkSpot(
                SOURCE_PATH,
                1,
                1,
                "@@ -19,6 +19,7 @@ static int frob(struct domain *d,   unsigned int flags)",
                19,
                None,
                "ambiguous context",
            ),
        ),
        (),
    )
    # an added blank line goes anywhere among blank lines: same text either way
    after = SOURCE.replace("\tstruct domain *d;\n", "\tstruct domain *d;\n\n")
    patch = tree.diff({SOURCE_PATH: after})
    result = reanchor(damaged(patch, no_blank_context), tree.read)
    assert result.tolerated == (
        f"{SOURCE_PATH} hunk 1: 1 blank context line restored from the file",
        f"{SOURCE_PATH} hunk 1: its header counts 6 old and 7 new lines, the mail has 4 and 5",
    )
    applied(tree, result)
    assert tree.bytes_of(SOURCE_PATH) == after.encode()


def test_all_damage_at_once_on_files_that_moved(tmp_path: Path) -> None:
    edits: dict[str, Callable[[str], str]] = {
        "MAINTAINERS": lambda text: text.replace(
            "S:\tSupported\nF:\txen/arch/x86/", "S:\tMaintained\nF:\txen/arch/x86/"
        ),
        DOC_PATH: lambda text: text.replace("Set the amount of memory", "Set the memory"),
        SOURCE_PATH: lambda text: text.replace(
            "\t\trc = -EINVAL;", "\t\trc = -EOPNOTSUPP;"
        ).replace("\treturn 0;\n}", "\treturn nr_frobs;\n}"),
    }
    original = {"MAINTAINERS": MAINTAINERS, DOC_PATH: DOC, SOURCE_PATH: SOURCE}
    tree = Tree(tmp_path, original)
    patch = tree.diff({path: edit(original[path]) for path, edit in edits.items()})
    broken = damaged(patch, mask, quote, collapse, no_blank_context)
    assert tree.check(broken) == "error: corrupt patch at line 18"
    moved = {
        "MAINTAINERS": "Xen maintainers\n\n" + MAINTAINERS,
        DOC_PATH: "% Xen\n" + DOC,
        SOURCE_PATH: SOURCE.replace("<xen/sched.h>\n", "<xen/sched.h>\n#include <xen/types.h>\n\n"),
    }
    tree.commit(moved)
    result = reanchor(broken, tree.read)
    assert result.misses == ()
    assert result.unresolved == ()
    assert result.tolerated == (
        "MAINTAINERS hunk 1: 3 masked addresses matched",
        "MAINTAINERS hunk 1: 2 lines matched ignoring whitespace",
        f"{DOC_PATH} hunk 1: 3 context lines had lost their diff marker",
        f"{DOC_PATH} hunk 1: 2 blank context lines restored from the file",
        f"{SOURCE_PATH} hunk 1: 5 lines matched ignoring whitespace",
        f"{SOURCE_PATH} hunk 1: 1 blank context line restored from the file",
        f"{SOURCE_PATH} hunk 1: its header counts 7 old and 7 new lines, the mail has 5 and 5",
        f"{SOURCE_PATH} hunk 2: 3 lines matched ignoring whitespace",
        f"{SOURCE_PATH} hunk 2: 1 blank context line restored from the file",
    )
    assert re.findall(r"^@@.*", result.diff, flags=re.MULTILINE) == [
        "@@ -12,5 +12,5 @@ X86 ARCHITECTURE",
        "@@ -6,7 +6,7 @@",
        "@@ -11,6 +11,6 @@ static int frob(struct domain *d,   unsigned int flags)",
        "@@ -25,5 +25,5 @@ int frob_all(void)",
    ]
    applied(tree, result)
    for path, edit in edits.items():
        assert tree.bytes_of(path) == edit(moved[path]).encode()


# --- what cannot be placed ----------------------------------------------------------------------


def test_a_hunk_whose_context_really_changed_is_a_miss(tmp_path: Path) -> None:
    tree = Tree(tmp_path, {SOURCE_PATH: SOURCE})
    patch = tree.diff({SOURCE_PATH: SOURCE.replace("\t\trc = -EINVAL;", "\t\trc = -EOPNOTSUPP;")})
    tree.commit({SOURCE_PATH: SOURCE.replace("\telse\n", "\telse if ( d )\n")})
    result = reanchor(damaged(patch, collapse), tree.read)
    assert result == Reanchored(
        "",
        (),
        (
            HunkSpot(
                SOURCE_PATH,
                1,
                1,
                "@@ -9,7 +9,7 @@ static int frob(struct domain *d,   unsigned int flags)",
                9,
                None,
                "context not found",
            ),
        ),
        (),
    )


def test_a_tolerant_match_in_two_places_is_refused(tmp_path: Path) -> None:
    original = "A:\n\tvalue = 1;\n\tother = 2;\n\tthird = 3;\n" + numbered("gap", 1, 6)
    original += "B:\n\tvalue = 1;\n\tother  = 2;\n\tthird = 3;\n"
    tree = Tree(tmp_path, {"f.txt": original})
    patch = tree.diff({"f.txt": original.replace("\tother = 2;", "\tother = 20;")}, "-U1")
    broken = damaged(patch, collapse)
    assert tree.check(broken) == "error: patch failed: f.txt:2"
    assert reanchor(broken, tree.read).misses == (
        HunkSpot("f.txt", 1, 1, "@@ -2,3 +2,3 @@ A:", 2, None, "ambiguous context"),
    )
    assert reanchor(patch, tree.read).misses == ()  # exact, git's rule places it


def test_missing_files_and_binary_patches_are_misses(tmp_path: Path) -> None:
    tree = Tree(tmp_path, {"f.txt": "a\n", "blob.bin": bytes(range(256))})
    patch = tree.diff({"f.txt": "b\n", "blob.bin": bytes(reversed(range(256)))}, "--binary")
    tree.commit({"f.txt": None})
    assert reanchor(patch, tree.read).misses == (
        HunkSpot("blob.bin", 0, 0, "", 0, None, "binary"),
        HunkSpot("f.txt", 1, 1, "@@ -1 +1 @@", 1, None, "file missing"),
    )


# --- files that come and go, line ends, addresses in added lines -------------------------------


def test_masked_addresses_in_added_lines_go_through_unmask(tmp_path: Path) -> None:
    tree = Tree(tmp_path, {"README": "readme\n"})
    people = (
        "Jan Beulich <jbeulich@suse.com>\n"
        "Andrew Cooper <andrew.cooper3@citrix.com>, Wei Liu <wl@xen.org>\n"
        "Roger Pau Monné <roger.pau@citrix.com>\n"
    )
    patch = tree.diff({"docs/people.txt": people})
    broken = damaged(patch, mask, added=True)
    known = {
        "jbeulich@xxxxxxxx": "jbeulich@suse.com",
        "andrew.cooper3@xxxxxxxxxx": "andrew.cooper3@citrix.com",
        "roger.pau@xxxxxxxxxx": "roger.pau@citrix.co",  # does not fit the mask: ignored
    }
    assert reanchor(broken, tree.read).unresolved[0] == (
        "docs/people.txt: added line 'Jan Beulich <jbeulich@xxxxxxxx>' keeps a masked address"
    )
    result = reanchor(broken, tree.read, known.get)
    assert result.tolerated == (
        "docs/people.txt hunk 1: 2 masked addresses in added lines restored",
    )
    assert result.unresolved == (
        "docs/people.txt: added line 'Andrew Cooper <andrew.cooper3@citrix.com>, "
        "Wei Liu <wl@xxxxxxx>' keeps a masked address",
        "docs/people.txt: added line 'Roger Pau Monné <roger.pau@xxxxxxxxxx>' keeps a masked "
        "address",
    )
    assert "index " not in result.diff
    applied(tree, result)
    assert tree.read("docs/people.txt") == (
        "Jan Beulich <jbeulich@suse.com>\n"
        "Andrew Cooper <andrew.cooper3@citrix.com>, Wei Liu <wl@xxxxxxx>\n"
        "Roger Pau Monné <roger.pau@xxxxxxxxxx>\n"
    )


def test_a_deleted_file_with_masked_lines(tmp_path: Path) -> None:
    tree = Tree(tmp_path, {"MAINTAINERS": MAINTAINERS, "README": "x\n"})
    patch = tree.diff({"MAINTAINERS": None})
    broken = damaged(patch, mask)
    assert tree.check(broken) == "error: patch failed: MAINTAINERS:1"
    result = reanchor(broken, tree.read)
    assert result == Reanchored(
        without_index(patch), ("MAINTAINERS hunk 1: 5 masked addresses matched",), (), ()
    )
    applied(tree, result)
    assert tree.bytes_of("MAINTAINERS") is None


def test_a_renamed_file_with_a_damaged_hunk(tmp_path: Path) -> None:
    tree = Tree(tmp_path, {SOURCE_PATH: SOURCE})
    after = SOURCE.replace("\t\tfrob(d, 0);", "\t\tfrob(d, 1);")
    patch = tree.diff({SOURCE_PATH: None, "xen/common/frob2.c": after})
    assert "rename from xen/common/frob.c\nrename to xen/common/frob2.c\n" in patch
    result = reanchor(damaged(patch, collapse), tree.read)
    assert result == Reanchored(
        without_index(patch),
        ("xen/common/frob2.c hunk 1: 4 lines matched ignoring whitespace",),
        (),
        (),
    )
    applied(tree, result)
    assert tree.bytes_of(SOURCE_PATH) is None
    assert tree.bytes_of("xen/common/frob2.c") == after.encode()


def test_no_newline_at_end_of_file_survives(tmp_path: Path) -> None:
    original = "first\n\tsecond   line\nthird\nlast line"
    tree = Tree(tmp_path, {"f.txt": original})
    after = original.replace("last line", "final line")
    patch = tree.diff({"f.txt": after})
    broken = damaged(patch, collapse)
    assert tree.check(broken) == "error: patch failed: f.txt:1"
    result = reanchor(broken, tree.read)
    assert result == Reanchored(
        without_index(patch), ("f.txt hunk 1: 1 line matched ignoring whitespace",), (), ()
    )
    applied(tree, result)
    assert tree.bytes_of("f.txt") == after.encode()


def test_a_file_without_final_newline_where_the_patch_expects_one(tmp_path: Path) -> None:
    tree = Tree(tmp_path, {"f.txt": "a\nb\nc\n"})
    patch = tree.diff({"f.txt": "a\nb\nc\nd\n"})
    tree.commit({"f.txt": "a\nb\nc"})
    assert tree.check(patch) == "error: patch failed: f.txt:1"
    result = reanchor(patch, tree.read)
    assert result == Reanchored(
        "diff --git a/f.txt b/f.txt\n"
        "--- a/f.txt\n"
        "+++ b/f.txt\n"
        "@@ -1,3 +1,4 @@\n"
        " a\n"
        " b\n"
        "-c\n"
        "\\ No newline at end of file\n"
        "+c\n"
        "+d\n",
        ("f.txt hunk 1: the file's last line differs from the patch in its newline",),
        (),
        (),
    )
    applied(tree, result)
    assert tree.bytes_of("f.txt") == b"a\nb\nc\nd\n"


def test_zero_context_hunks_get_the_context_git_needs(tmp_path: Path) -> None:
    original = numbered("l", 1, 10)
    tree = Tree(tmp_path, {"f.txt": original})
    after = original.replace("l5\n", "l5\nnew\n").replace("l8\n", "eight\n")
    patch = tree.diff({"f.txt": after}, "-U0")
    assert tree.check(patch) == "error: patch failed: f.txt:8"
    result = reanchor(patch, tree.read)
    assert result == Reanchored(
        "diff --git a/f.txt b/f.txt\n"
        "--- a/f.txt\n"
        "+++ b/f.txt\n"
        "@@ -6 +6,2 @@ l5\n"
        "+new\n"
        " l6\n"
        "@@ -8,2 +9,2 @@ l7\n"
        "-l8\n"
        "+eight\n"
        " l9\n",
        ("f.txt hunk 1: no context lines; placed by its line number",),
        (),
        (),
    )
    applied(tree, result)
    assert tree.bytes_of("f.txt") == after.encode()


def test_a_traditional_diff_and_a_broken_hunk_header(tmp_path: Path) -> None:
    tree = Tree(tmp_path, {"f.txt": numbered("l", 1, 6)})
    patch = (
        "--- a/f.txt\t2019-07-04 17:57:32\n"
        "+++ b/f.txt\t2019-07-05 10:00:00\n"
        "@@ -2,3 +2,3 @@\n"
        " l2\n"
        "-l3\n"
        "+three\n"
        "  l4\n"
    )
    result = reanchor(patch, tree.read)
    assert result.tolerated == ("f.txt hunk 1: 1 line matched ignoring whitespace",)
    applied(tree, result)
    assert tree.read("f.txt") == numbered("l", 1, 6).replace("l3\n", "three\n")
    broken = patch.replace("@@ -2,3 +2,3 @@", "@@ -2,3 +2,3")
    assert reanchor(broken, tree.read).misses == (
        HunkSpot("f.txt", 1, 1, "@@ -2,3 +2,3", 0, None, "corrupt hunk"),
    )


def test_a_crlf_file_whose_mail_lost_its_carriage_returns(tmp_path: Path) -> None:
    original = "a\r\nb\r\nc\r\nd\r\n"
    tree = Tree(tmp_path, {"win.txt": original})
    after = "a\r\nB\r\nnew\r\nc\r\nd\r\n"
    patch = tree.diff({"win.txt": after})
    normalised = patch.replace("\r\n", "\n")  # what mail parsing does to an all-CRLF body
    assert tree.check(normalised) == "error: patch failed: win.txt:1"
    result = reanchor(normalised, tree.read)
    assert result == Reanchored(
        without_index(patch),
        (
            "win.txt hunk 1: 4 lines matched ignoring whitespace",
            "win.txt hunk 1: the file ends its lines with CR LF; 2 added lines given a CR",
        ),
        (),
        (),
    )
    applied(tree, result)
    assert tree.bytes_of("win.txt") == after.encode()
