"""The content of a patch mail: commit message, notes, diffstat, diff and what the diff changes.

`parse_patch_body` splits the text `mailtext.body_text` gives (mboxrd escaping already undone;
nothing is unescaped again, so a `>From x` line is what the author wrote) the way `git am`
does: the commit message ends at the first `---` line, the diff starts at the first
`diff --git` (or `--- a/x` + `+++ b/x`) line. What lies between is the notes and the diffstat.
The diff is parsed with unidiff for its hunks; git's extended headers (renames, copies, modes,
blob ids, binary files) are read from the header lines unidiff keeps, so a `GIT binary patch`
is recognised whether or not the unidiff version knows it (its base85 payload matches none of
unidiff's patterns). Where the diff ends is found by following the hunk line counts and the
payload's line format, so a `-- ` removed line is never taken for the signature.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from unidiff.errors import UnidiffParseError
from unidiff.patch import PatchedFile, PatchSet

from reviewbot.errors import ParseError
from reviewbot.mailtext import strip_list_footer


@dataclass(frozen=True)
class Hunk:
    """One `@@ -a,b +c,d @@ section` block and how many lines it adds and removes."""

    old_start: int
    old_length: int
    new_start: int
    new_length: int
    section: str  # the text after the second @@, "" when there is none
    added: int
    removed: int


@dataclass(frozen=True)
class FileChange:
    """What a diff does to one file.

    `status` is "added", "deleted", "modified", "renamed", "copied" or "mode" (only the mode
    changed). Blob ids are the abbreviated ids of the `index a..b` line as written (all zeros
    for the missing side of an added or deleted file); None without an index line.
    """

    old_path: str | None  # None for added files
    new_path: str | None  # None for deleted files
    status: str
    old_mode: str | None
    new_mode: str | None
    similarity: int | None  # rename/copy similarity index
    binary: bool
    old_blob: str | None
    new_blob: str | None
    hunks: tuple[Hunk, ...]
    added: int
    removed: int

    @property
    def path(self) -> str:
        """The file's path after the change (before it, for a deleted file)."""
        return self.new_path or self.old_path or ""


@dataclass(frozen=True)
class PatchBody:
    """A patch mail's text, split.

    `message`: the commit message body up to the first `---` line before the diff (git am's
    rule), as written, trailers included, trailing blank lines trimmed; without a diff, a
    `---` line counts only when a diffstat follows it, and git's `-- ` signature is cut off.
    `notes`: text after the separator that is neither diffstat nor diff (a separating `---`
    line at its end dropped). `diffstat`: its lines as written, summary lines included;
    without a separator it is looked for in the message and stays there (a cover letter).
    `diff`: from the first diff line to the end of the last hunk or header (binary payloads
    included; git's signature, `base-commit:` lines and list footers excluded). `defects`: what
    could not be parsed or does not add up; a diff that does not parse leaves `files` empty.
    """

    message: str
    notes: str
    diffstat: tuple[str, ...]
    diff: str
    files: tuple[FileChange, ...]
    base_commit: str | None
    prerequisite_patch_ids: tuple[str, ...]
    change_id: str | None
    git_version: str | None
    defects: tuple[str, ...] = ()

    @property
    def has_diff(self) -> bool:
        """True when the mail carries a diff."""
        return bool(self.diff)


_SEPARATOR = re.compile(r"---[ \t]*")
_DIFF_GIT = "diff --git "
_HUNK_HEADER = re.compile(r"@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@")
_DIFF_HEADER_LINE = re.compile(
    r"(?:diff -|index |old mode |new mode |deleted file mode |new file mode |similarity index "
    r"|dissimilarity index |rename from |rename to |copy from |copy to |--- |\+\+\+ "
    r"|Binary files |Index: |={20,}$|Only in )"
)
_GIT_BINARY = "GIT binary patch"
_BINARY_BLOCK = re.compile(r"(?:literal|delta) \d+")
_BASE85_LINE = re.compile(r"[A-Za-z][0-9A-Za-z!#$%&()*+\-;<=>?@^_`{|}~]+")
_SIGNATURE = re.compile(r"-- ?")
_GIT_VERSION = re.compile(r"\d+\.\d+(?:\.\d+)*(?:[-.+ ]\S.*)?")
_STAT_LINE = re.compile(r" .*\S.* +\| +(?:\d+(?: [+-]*)?|Bin(?: \d+ -> \d+ bytes)?)\s*")
_STAT_SUMMARY = re.compile(
    r" (\d+) files? changed(?:, (\d+) insertions?\(\+\))?(?:, (\d+) deletions?\(-\))?\s*"
)
_STAT_EXTRA = re.compile(
    r" (?:(?:create|delete) mode \d{6} |mode change \d{6} => \d{6} "
    r"|(?:rename|copy|rewrite) .*\(\d+%\)\s*$)"
)
_BASE_COMMIT = re.compile(r"^base-commit: ([0-9a-f]{7,64})[ \t]*$", re.MULTILINE)
_PREREQUISITE = re.compile(r"^prerequisite-patch-id: ([0-9a-f]{7,64})[ \t]*$", re.MULTILINE)
_CHANGE_ID = re.compile(r"^change-id: (\S+)[ \t]*$", re.MULTILINE)
INDEX_LINE = re.compile(r"index ([0-9a-f]+)\.\.([0-9a-f]+)(?: (\d+))?\s*$")
_PREFIXES = re.compile(r"[abciow12]/")
_DEV_NULL = "/dev/null"
_C_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


def parse_patch_body(text: str) -> PatchBody:
    """Split a patch mail's body text; never raises (problems go to `defects`)."""
    return _parse(text)[0]


def parse_patch_body_strict(text: str) -> PatchBody:
    """`parse_patch_body`, but a diff that does not parse raises ParseError."""
    body, diff_error = _parse(text)
    if diff_error:
        raise ParseError(
            f"malformed diff: {diff_error}",
            "the patch was probably mangled by a mailer; ask for it to be resent with "
            "git send-email",
        )
    return body


def strip_list_tag(subject: str, tag: str = "Xen-devel") -> str:
    """`subject` without the list's `[Xen-devel]` tag among its leading prefixes.

    The tag is removed wherever it sits among the leading reply prefixes and bracket groups
    (`[Xen-devel] Re: [PATCH]`, `Re: [Xen-devel] [PATCH]`), case-insensitively; `Re:` and the
    patch brackets stay. Whitespace is collapsed.
    """
    words = " ".join(subject.split())
    pattern = re.compile(
        r"\A((?:\s*(?:\w{2,4}:|\[[^\]]*\]))*?)\s*\[" + re.escape(tag) + r"\]\s*",
        re.IGNORECASE,
    )
    previous = None
    while previous != words:
        previous = words
        words = pattern.sub(lambda m: m.group(1) + " " if m.group(1) else "", words, count=1)
    return " ".join(words.split())


# --- splitting the text -------------------------------------------------------------------


def _parse(text: str) -> tuple[PatchBody, str | None]:
    if "\r\n" in text and text.count("\r\n") == text.count("\n"):
        text = text.replace("\r\n", "\n")
    text = strip_list_footer(text)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    diff_start = _find_diff_start(lines)
    diff_end = len(lines)
    if diff_start is not None:
        diff_end, scanned_defect = _find_diff_end(lines, diff_start)
    else:
        scanned_defect = None
    before_diff = diff_start if diff_start is not None else len(lines)
    separator = _find_separator(lines, before_diff, has_diff=diff_start is not None)
    if diff_start is not None:
        signature, git_version = _find_signature(lines, diff_end)
    else:  # a cover letter's signature ends it; one mid-text is a forwarded mail's
        signature, git_version = _find_signature(lines, 0)
        if any(line.strip() for line in lines[signature + 2 :]):
            signature, git_version = len(lines), None

    if separator is not None:
        message_lines = lines[:separator]
        region_end = before_diff if diff_start is not None else signature
        notes, diffstat = _split_notes(lines[separator + 1 : region_end])
        scan = lines[separator + 1 : region_end] + lines[diff_end:]
    elif diff_start is not None:
        message_lines = lines[:diff_start]
        notes, diffstat = "", _find_diffstat(message_lines)[1]
        scan = lines[diff_end:]
    else:
        message_lines = lines[:signature]
        notes, diffstat = "", _find_diffstat(message_lines)[1]
        scan = lines
    diff_lines = lines[diff_start:diff_end] if diff_start is not None else []
    files, diff_error = _parse_diff(diff_lines) if diff_lines else ((), None)
    defects: list[str] = []
    if scanned_defect:
        diff_error = diff_error or scanned_defect
    if diff_error:
        files = ()
        defects.append(f"malformed diff: {diff_error}")
    elif files and diffstat:
        defects += _diffstat_mismatch(diffstat, files)
    scan_text = "\n".join(scan)
    base = _BASE_COMMIT.search(scan_text)
    change = _CHANGE_ID.search(scan_text)
    body = PatchBody(
        message=_joined(_trim_end(message_lines)),
        notes=notes,
        diffstat=diffstat,
        diff=_joined(diff_lines),
        files=files,
        base_commit=base.group(1) if base else None,
        prerequisite_patch_ids=tuple(_PREREQUISITE.findall(scan_text)),
        change_id=change.group(1) if change else None,
        git_version=git_version,
        defects=tuple(defects),
    )
    return body, diff_error


def _find_diff_start(lines: Sequence[str]) -> int | None:
    for index, line in enumerate(lines):
        if line.startswith(_DIFF_GIT):
            return index
        if (
            line.startswith("--- ")
            and len(line) > 4
            and index + 1 < len(lines)
            and lines[index + 1].startswith("+++ ")
            and index + 2 < len(lines)
            and _HUNK_HEADER.match(lines[index + 2])
        ):
            if index > 0 and lines[index - 1].startswith("diff "):
                return index - 1
            return index
    return None


def _find_separator(lines: Sequence[str], limit: int, *, has_diff: bool) -> int | None:
    """The first `---` line before the diff; without a diff, one followed by a diffstat."""
    for index in range(limit):
        if _SEPARATOR.fullmatch(lines[index]) and (
            has_diff or _find_diffstat(lines[index + 1 : limit])[1]
        ):
            return index
    return None


def _find_signature(lines: Sequence[str], start: int) -> tuple[int, str | None]:
    """Where git's `-- ` + version signature starts (len(lines) if none) and the version."""
    for index in range(start, len(lines) - 1):
        if _SIGNATURE.fullmatch(lines[index]) and _GIT_VERSION.fullmatch(lines[index + 1]):
            return index, lines[index + 1].strip()
    return len(lines), None


def _find_diffstat(lines: Sequence[str]) -> tuple[int, tuple[str, ...]]:
    """The last diffstat block in `lines`: its first index and its lines."""
    for index in range(len(lines) - 1, -1, -1):
        if not _STAT_SUMMARY.fullmatch(lines[index]):
            continue
        first = index
        while first > 0 and _STAT_LINE.fullmatch(lines[first - 1]):
            first -= 1
        last = index + 1
        while last < len(lines) and _STAT_EXTRA.match(lines[last]):
            last += 1
        return first, tuple(lines[first:last])
    return len(lines), ()


def _split_notes(region: list[str]) -> tuple[str, tuple[str, ...]]:
    """The notes and the diffstat of the lines between the separator and the diff."""
    first, diffstat = _find_diffstat(region)
    before = _trim_end(region[:first])
    while before and _SEPARATOR.fullmatch(before[-1]):
        before = _trim_end(before[:-1])
    after = _trim_end(_trim_start(region[first + len(diffstat) :]))
    while after and _SEPARATOR.fullmatch(after[-1]):
        after = _trim_end(after[:-1])
    notes = _joined(before)
    if after:
        notes += ("\n" if notes else "") + _joined(after)
    return notes, diffstat


def hunk_length(kinds: Iterable[str], old: int, new: int) -> int:
    """How many of the lines after a hunk header belong to the hunk.

    `kinds` are the lines' first characters (`-`, `+`, space, "" for an empty context line,
    `\\` for "no newline"); the hunk ends when its `old`/`new` line counts are used up or at
    a line no hunk can hold.
    """
    taken = 0
    for kind in kinds:
        if old <= 0 and new <= 0:
            break
        if kind == "-":
            old -= 1
        elif kind == "+":
            new -= 1
        elif kind in (" ", ""):
            old, new = old - 1, new - 1
        elif kind != "\\":
            break
        taken += 1
    return taken


def _find_diff_end(lines: Sequence[str], start: int) -> tuple[int, str | None]:
    """Where the diff ends: after the last hunk, header or binary payload line.

    Hunks are followed by their line counts. A diff line found after the end (a hunk longer
    than its header says, say) is reported as a defect.
    """
    index, end = start, start
    while index < len(lines):
        line = lines[index]
        header = _HUNK_HEADER.match(line)
        if header:
            old, new = int(header.group(1) or 1), int(header.group(2) or 1)
            index += 1
            index += hunk_length((lines[i][:1] for i in range(index, len(lines))), old, new)
            while index < len(lines) and lines[index].startswith("\\"):
                index += 1
            end = index
        elif line == _GIT_BINARY:
            index = end = _binary_payload_end(lines, index + 1)
        elif not line.strip():
            index += 1
        elif _DIFF_HEADER_LINE.match(line):
            index = end = index + 1
        else:
            break
    for later in lines[end:]:
        if later.startswith(_DIFF_GIT) or _HUNK_HEADER.match(later):
            return end, f"diff text after line {end - start} is not part of a hunk"
    return end, None


def _binary_payload_end(lines: Sequence[str], index: int) -> int:
    """The index after the base85 `literal`/`delta` blocks that start at `index`."""
    end = index
    while index < len(lines):
        line = lines[index]
        if _BINARY_BLOCK.fullmatch(line) or _is_base85_line(line):
            index = end = index + 1
        elif not line:
            index += 1
        else:
            break
    return end


def _is_base85_line(line: str) -> bool:
    """A line of git's base85: a length letter, then 5 characters per 4 bytes."""
    if not _BASE85_LINE.fullmatch(line):
        return False
    first = line[0]
    size = ord(first) - ord("A") + 1 if first <= "Z" else ord(first) - ord("a") + 27
    return len(line) - 1 == (size + 3) // 4 * 5


# --- the diff -----------------------------------------------------------------------------


def _parse_diff(lines: Sequence[str]) -> tuple[tuple[FileChange, ...], str | None]:
    text = "".join(line + "\n" for line in lines)
    try:
        patch = PatchSet(text, metadata_only=True)
    except UnidiffParseError as error:
        return (), str(error).strip() or type(error).__name__
    return tuple(_file_change(patched) for patched in patch), None


def _file_change(patched: PatchedFile) -> FileChange:
    info = [line.rstrip("\n") for line in patched.patch_info or ()]
    fields: dict[str, str] = {}
    for line in info:
        for key in ("rename from ", "rename to ", "copy from ", "copy to ", "similarity index "):
            if line.startswith(key):
                fields.setdefault(key.strip(), line[len(key) :])
        for key in ("old mode ", "new mode ", "new file mode ", "deleted file mode "):
            if line.startswith(key):
                fields.setdefault(key.strip(), line[len(key) :].strip())
        index = INDEX_LINE.match(line)
        if index and "index" not in fields:
            fields["index"] = line
            fields["old_blob"], fields["new_blob"] = index.group(1), index.group(2)
            if index.group(3):
                fields.setdefault("index_mode", index.group(3))
    old_path = _diff_path(patched.source_file)
    new_path = _diff_path(patched.target_file)
    if "rename from" in fields or "copy from" in fields:
        old_path = unquote_git_path(fields.get("rename from") or fields["copy from"])
        new_path = (
            unquote_git_path(fields.get("rename to") or fields.get("copy to") or "") or new_path
        )
    old_mode = fields.get("old mode") or fields.get("deleted file mode")
    new_mode = fields.get("new mode") or fields.get("new file mode")
    if "index_mode" in fields:
        if old_mode is None and "new file mode" not in fields:
            old_mode = fields["index_mode"]
        if new_mode is None and "deleted file mode" not in fields:
            new_mode = fields["index_mode"]
    binary = patched.is_binary_file or any(
        line == _GIT_BINARY or line.startswith("Binary files ") for line in info
    )
    hunks = tuple(
        Hunk(
            old_start=hunk.source_start,
            old_length=hunk.source_length,
            new_start=hunk.target_start,
            new_length=hunk.target_length,
            section=hunk.section_header.rstrip("\r"),
            added=hunk.added,
            removed=hunk.removed,
        )
        for hunk in patched
    )
    if "copy from" in fields:
        status = "copied"
    elif "rename from" in fields:
        status = "renamed"
    elif "new file mode" in fields or old_path is None:
        status, old_path, old_mode = "added", None, None
    elif "deleted file mode" in fields or new_path is None:
        status, new_path, new_mode = "deleted", None, None
    elif old_mode != new_mode and not hunks and not binary:
        status = "mode"
    else:
        status = "modified"
    similarity = fields.get("similarity index", "").rstrip("%")
    return FileChange(
        old_path=old_path,
        new_path=new_path,
        status=status,
        old_mode=old_mode,
        new_mode=new_mode,
        similarity=int(similarity) if similarity.isdigit() else None,
        binary=binary,
        old_blob=fields.get("old_blob"),
        new_blob=fields.get("new_blob"),
        hunks=hunks,
        added=sum(hunk.added for hunk in hunks),
        removed=sum(hunk.removed for hunk in hunks),
    )


def _diff_path(name: str | None) -> str | None:
    """A path from a diff header: unquoted, without its `a/`/`b/` prefix; None for /dev/null."""
    if not name or name == _DEV_NULL:
        return None
    path = unquote_git_path(name)
    return path[2:] if _PREFIXES.match(path) else path


def unquote_git_path(name: str) -> str:
    """Undo git's C-style quoting of unusual paths (`"a/\\303\\251.c"` -> `a/é.c`)."""
    name = name.strip()
    if len(name) < 2 or not (name.startswith('"') and name.endswith('"')):
        return name
    raw = bytearray()
    body = name[1:-1]
    index = 0
    while index < len(body):
        char = body[index]
        if char != "\\" or index + 1 == len(body):
            raw += char.encode()
            index += 1
            continue
        following = body[index + 1]
        if following in "01234567" and index + 4 <= len(body):
            raw.append(int(body[index + 1 : index + 4], 8) & 0xFF)
            index += 4
        else:
            raw.append(_C_ESCAPES.get(following, ord(following)))
            index += 2
    return raw.decode("utf-8", "replace")


def _diffstat_mismatch(diffstat: Sequence[str], files: Sequence[FileChange]) -> list[str]:
    for line in diffstat:
        summary = _STAT_SUMMARY.fullmatch(line)
        if not summary:
            continue
        said = tuple(int(group or 0) for group in summary.groups())
        has = (len(files), sum(f.added for f in files), sum(f.removed for f in files))
        if said != has:
            return [
                "diffstat says {} files, +{} -{}; the diff has {} files, +{} -{}".format(
                    *said, *has
                )
            ]
    return []


# --- helpers ------------------------------------------------------------------------------


def _trim_end(lines: Sequence[str]) -> list[str]:
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    return list(lines[:end])


def _trim_start(lines: Sequence[str]) -> list[str]:
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    return list(lines[start:])


def _joined(lines: Sequence[str]) -> str:
    return "".join(line + "\n" for line in lines)
