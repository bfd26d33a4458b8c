"""A stable id for a patch's change, equal for copies that differ only in context or spacing.

In the spirit of `git patch-id --stable`: per file, every line that says what changes (the
file names, added and removed lines, mode, rename and binary lines) with its whitespace
removed is hashed; the file hashes are summed. Hunk offsets, context lines, `index` blob ids,
the order of files and whitespace mangled by a mailer or an HTML rebuild do not change it.
"""

from __future__ import annotations

import hashlib

_FILE_START = "diff --git "
_IGNORED = (" ", "index ", "@@", "similarity index", "dissimilarity index", "\\")


def patch_id(diff: str) -> str:
    """The id of a diff's changes, 40 hex digits."""
    total = 0
    digest = hashlib.sha1(usedforsecurity=False)
    for line in diff.splitlines():
        if line.startswith(_FILE_START):
            total += int.from_bytes(digest.digest(), "big")
            digest = hashlib.sha1(usedforsecurity=False)
        elif not line or line.startswith(_IGNORED):
            continue
        digest.update("".join(line.split()).encode())
        digest.update(b"\n")
    total += int.from_bytes(digest.digest(), "big")
    return f"{total % (1 << 160):040x}"
