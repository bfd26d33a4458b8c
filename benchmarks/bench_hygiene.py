"""How long the hygiene plugin takes over one patch adding 3,000 lines (aim: well under 100 ms).

A patch mail is generated (6 new Xen-style C files of 500 lines each: code, comments, printk
formats, some trailing whitespace, tabs and `if (x) {` lines) and read like any fixture. Then,
over --runs runs, the median of: parsing the diff with unidiff (`read_diff`), and the whole
`check_patch` hook (parse, checks, capped findings). Nothing here asserts on speed.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import reviewbot_hygiene
from reviewbot_hygiene.diffread import read_diff
from reviewbot_hygiene.settings import SETTINGS
from timing import median_seconds

from reviewbot.addressbook import AddressBook
from reviewbot.checkcontext import CheckContext
from reviewbot.checksession import check_context
from reviewbot.config import load_settings
from reviewbot.local import read_local
from reviewbot.threads import thread_of

MESSAGE_ID = "20250101120000.1-1-bench@example.org"
FILES = 6
LINES_PER_FILE = 500


def source_lines(index: int) -> list[str]:
    """500 lines of C in Xen style with a sprinkling of problems."""
    lines = ["/* SPDX-License-Identifier: GPL-2.0-only */", ""]
    function = 0
    while len(lines) < LINES_PER_FILE - 12:
        function += 1
        lines += [
            "/*",
            f" * Helper {function} of file {index}: checks a value and reports it if needed.",
            " */",
            f"static int bench_helper_{index}_{function}(unsigned int value)",
            "{",
            "    if ( value > 42 )",
            (
                "        printk(XENLOG_WARNING "
                '"bench: value %u is larger than anything this helper expects\\n",'
            ),
            "               value);",
            "    if (value == 7) {  " if function % 5 == 0 else "    if ( value == 7 )",
            "\treturn -EINVAL;" if function % 7 == 0 else "        return -EINVAL;",
            "    return 0;",
            "}",
            "",
        ]
    return lines[:LINES_PER_FILE]


def patch_mail() -> str:
    diff: list[str] = []
    stat: list[str] = []
    for index in range(FILES):
        path = f"xen/common/bench_{index}.c"
        lines = source_lines(index)
        stat.append(f" {path} | {len(lines)} {'+' * 40}")
        diff += [
            f"diff --git a/{path} b/{path}",
            "new file mode 100644",
            "index 0000000000..1234567890",
            "--- /dev/null",
            f"+++ b/{path}",
            f"@@ -0,0 +1,{len(lines)} @@",
            *("+" + line for line in lines),
        ]
    total = FILES * LINES_PER_FILE
    headers = [
        "From mboxrd@z Thu Jan  1 00:00:00 1970",
        "From: Bench Author <bench@example.org>",
        "To: xen-devel@lists.xenproject.org",
        "Date: Wed, 1 Jan 2025 12:00:00 +0000",
        f"Message-ID: <{MESSAGE_ID}>",
        "Subject: [PATCH] xen/common: add the bench helpers",
        "",
        "Add many helpers, for measuring the hygiene checks.",
        "",
        "Signed-off-by: Bench Author <bench@example.org>",
        "---",
        *stat,
        f" {FILES} files changed, {total} insertions(+)",
        "",
        *diff,
        "-- ",
        "2.39.5",
        "",
    ]
    return "\n".join(headers)


def context_of(mbox: Path) -> CheckContext:
    """The check context `reviewbot check` would make for the generated mail, without a tree."""
    thread = thread_of(read_local(mbox), MESSAGE_ID, mbox.name)
    settings = load_settings([], plugin_settings=list(SETTINGS))
    return check_context(thread, AddressBook(), settings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        mbox = Path(scratch) / "bench.mbox"
        mbox.write_text(patch_mail())
        context = context_of(mbox)
    (patch,) = context.review.patches
    body = patch.patch.body
    added = sum(change.added for change in body.files)
    findings = list(reviewbot_hygiene.check_patch(patch, context))
    parse = median_seconds(lambda: read_diff(body.diff, body.files), options.runs) * 1000
    whole = (
        median_seconds(lambda: list(reviewbot_hygiene.check_patch(patch, context)), options.runs)
        * 1000
    )
    print(f"{added} added lines in {len(body.files)} files, {len(findings)} findings")
    print(f"read_diff (unidiff)   median {parse:7.1f} ms")
    print(f"check_patch (all)     median {whole:7.1f} ms   (aim: well under 100 ms)")


if __name__ == "__main__":
    main()
