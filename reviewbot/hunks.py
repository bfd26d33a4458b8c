"""A unified git diff read leniently into files and hunks, and where git apply puts each hunk.

`parse_diff` reads any unified diff (git's extended headers, traditional `---`/`+++` pairs)
without trusting hunk line counts: a hunk runs to the next `@@` line, the next file or the end.
Inside a hunk ` `, `-`, `+` and `\\ No newline at end of file` mean what they do in git; an
empty line is an empty context line (git accepts it too); a line starting with anything else
(`> x` after the archive ate the marker space) is a context line written as it stands, marked
`marker_lost`. A hunk whose lines satisfy its header counts before its region ends keeps only
those lines (the rest is what git skips as garbage between patches); git's `-- ` + version
signature and a Mailman footer at the end of the diff are never hunk lines. `well_formed`
says whether git itself would accept the hunk.

`locate_hunks` follows git apply's exact rule (builtin `apply.c`, default options, learnt from
its behaviour): hunks of a file are applied one after another to an image of the file; a
hunk's pre-image (context and `-` lines with their line ends) must equal consecutive lines of
that image which no earlier hunk produced; the search starts at the hunk's *new* start line
minus one in the partly patched image (which already holds earlier hunks' changes, so it
points where the stated old line now sits) and tries that line, then one after, one before,
two after, ... . A hunk stating old line 0 or 1 must match at the very beginning, a hunk
without trailing context at the very end (so a `-U0` insertion lands at the end of the file,
as git really puts it). Hunks need not stay in order (git may place one before an earlier
hunk), but none may match lines an earlier hunk wrote, context included. Git does not carry
an earlier hunk's offset into the search; it relies on nearest-first, so `locate_hunks` does
the same and reports what git would do. `found` is the line of the original file where the
pre-image starts (for a hunk without pre-image, the number of original lines before the
insertion point, like the header). A hunk that is not found is left out of the image; later
hunks are searched from where they would have been had it applied.

File-level checks: a new file must be absent ("file already exists"), any other must exist
("file missing"), a rename or copy reads its old path and needs its new one absent; a deleted
file must be matched whole. Changes without hunks (mode changes, pure renames, empty files)
and binary patches get one spot numbered 0 (`count` 0, `header` ""): found at 0 when the
file-level checks pass, reason "binary" for binary patches. Several sections touching one
path see each other's results, as in git.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from reviewbot.patchbody import unquote_git_path

ReadFile = Callable[[str], str | None]
"""path -> current content of that file, None when absent."""

CONTEXT_NOT_FOUND = "context not found"
AMBIGUOUS = "ambiguous context"
FILE_MISSING = "file missing"
FILE_EXISTS = "file already exists"
BINARY = "binary"
CORRUPT = "corrupt hunk"

ADDED, DELETED, MODIFIED, RENAMED, COPIED = "added", "deleted", "modified", "renamed", "copied"

_HUNK_HEADER = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)")
_SIGNATURE = re.compile(r"-- ?")
_GIT_VERSION = re.compile(r"\d+\.\d+(?:\.\d+)*(?:[-.+ ]\S.*)?")
_FOOTER_RULE = re.compile(r"_{20,}\s*")
_NO_NEWLINE = "\\ "


@dataclass(frozen=True)
class HunkSpot:
    """One hunk of one file, where it was (or was not) found."""

    path: str
    number: int  # 1-based within its file; 0 for a change without hunks
    count: int  # hunks in that file
    header: str  # the @@ line as written ("" for a change without hunks)
    stated: int  # the old start line the header states
    found: int | None  # 1-based line where the pre-image was found; None when not found
    reason: str  # "" when found; else why not

    @property
    def offset(self) -> int | None:
        """How far from the stated line the hunk was found; None when it was not."""
        return None if self.found is None else self.found - self.stated


@dataclass(frozen=True)
class HunkLine:
    """One line of a hunk: `kind` is " ", "-" or "+"; `text` has neither marker nor line end."""

    kind: str
    text: str
    newline: bool = True  # False when `\ No newline at end of file` follows it
    marker_lost: bool = False  # a context line written without its leading space


@dataclass(frozen=True)
class DiffHunk:
    """One `@@` block as read leniently; counts are the header's, `lines` what the mail has."""

    header: str
    old_start: int
    old_count: int
    new_start: int
    new_count: int
    section: str  # the text after the second @@, as written (leading space included)
    lines: tuple[HunkLine, ...]
    well_formed: bool  # git would accept it: counts add up, every line has its marker

    @property
    def preimage(self) -> tuple[HunkLine, ...]:
        """Context and removed lines, in order."""
        return tuple(line for line in self.lines if line.kind != "+")

    @property
    def postimage(self) -> tuple[HunkLine, ...]:
        """Context and added lines, in order."""
        return tuple(line for line in self.lines if line.kind != "-")


@dataclass(frozen=True)
class FileDiff:
    """What one section of the diff does to one file.

    `status` is "added", "deleted", "modified" (mode-only changes included), "renamed" or
    "copied"; `header` holds the section's lines before its first hunk, as written.
    """

    header: tuple[str, ...]
    old_path: str | None  # None for an added file
    new_path: str | None  # None for a deleted file
    status: str
    binary: bool
    hunks: tuple[DiffHunk, ...]

    @property
    def path(self) -> str:
        """The file's path after the change (before it, for a deleted file)."""
        return self.new_path or self.old_path or ""


@dataclass(frozen=True)
class FilePlacement:
    """Where git puts each hunk of one section, and the file content that results."""

    spots: tuple[HunkSpot, ...]
    content: str | None  # after applying the found hunks; None when the file ends up absent


# --- parsing ------------------------------------------------------------------------------


def parse_diff(diff: str) -> tuple[FileDiff, ...]:
    """The file sections of a unified diff; text before the first section is ignored."""
    lines = diff.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    sections: list[tuple[list[str], list[tuple[str, list[str]]]]] = []
    for index, line in enumerate(lines):
        open_header = bool(sections) and not sections[-1][1] and _awaits_names(sections[-1][0])
        if _starts_section(lines, index, in_header=open_header):
            sections.append(([line], []))
        elif not sections:
            continue
        elif line.startswith("@@"):
            sections[-1][1].append((line, []))
        elif sections[-1][1]:
            sections[-1][1][-1][1].append(line)
        else:
            sections[-1][0].append(line)
    files = []
    for number, (header, raw_hunks) in enumerate(sections):
        last_section = number == len(sections) - 1
        hunks = tuple(
            _hunk(
                head,
                body,
                last_in_file=position == len(raw_hunks) - 1,
                last_in_diff=last_section and position == len(raw_hunks) - 1,
            )
            for position, (head, body) in enumerate(raw_hunks)
        )
        files.append(_file_diff(tuple(header), hunks))
    return tuple(files)


def _awaits_names(header: Sequence[str]) -> bool:
    """Whether a section header may still get its `---`/`+++` lines."""
    return not any(
        line.startswith(("--- ", "Binary files ")) or line == "GIT binary patch" for line in header
    )


def _starts_section(lines: Sequence[str], index: int, *, in_header: bool) -> bool:
    """Whether a file section starts at `index` (`in_header`: the current section's header
    still waits for its `---`/`+++` pair)."""
    line = lines[index]
    following = lines[index + 1] if index + 1 < len(lines) else ""
    if line.startswith("diff --git "):
        return True
    if line.startswith("diff ") and following.startswith("--- "):
        return True
    after = lines[index + 2] if index + 2 < len(lines) else ""
    return (
        not in_header
        and line.startswith("--- ")
        and following.startswith("+++ ")
        and after.startswith("@@ -")
    )


def _hunk(head: str, body: list[str], *, last_in_file: bool, last_in_diff: bool) -> DiffHunk:
    match = _HUNK_HEADER.match(head)
    if last_in_diff:
        body = _without_trailer(body)
    lines = _hunk_lines(body)
    if match is None:
        return DiffHunk(head, 0, 0, 0, 0, "", tuple(lines), well_formed=False)
    old_start, new_start = int(match.group(1)), int(match.group(3))
    old_count = int(match.group(2)) if match.group(2) is not None else 1
    new_count = int(match.group(4)) if match.group(4) is not None else 1
    used = _lines_for_counts(lines, old_count, new_count)
    if used is None:
        while last_in_diff and lines and lines[-1] == HunkLine(" ", ""):
            lines.pop()  # blank lines after a damaged last hunk: the mail's, not the diff's
        well_formed = False
    else:
        extra = len(lines) > used
        lines = lines[:used]
        well_formed = not any(line.marker_lost for line in lines) and (not extra or last_in_file)
    return DiffHunk(
        head,
        old_start,
        old_count,
        new_start,
        new_count,
        match.group(5),
        tuple(lines),
        well_formed,
    )


def _without_trailer(body: list[str]) -> list[str]:
    """The last hunk's lines without git's signature or a mailing-list footer after them."""
    for index, line in enumerate(body):
        following = body[index + 1] if index + 1 < len(body) else ""
        if _SIGNATURE.fullmatch(line) and _GIT_VERSION.fullmatch(following):
            return body[:index]
        if _FOOTER_RULE.fullmatch(line) and "mailing list" in following.lower():
            return body[:index]
    return body


def _hunk_lines(body: Sequence[str]) -> list[HunkLine]:
    lines: list[HunkLine] = []
    for raw in body:
        if raw.startswith(_NO_NEWLINE):
            if lines:
                lines[-1] = replace(lines[-1], newline=False)
        elif raw == "":
            lines.append(HunkLine(" ", ""))
        elif raw[0] in " +-":
            lines.append(HunkLine(raw[0], raw[1:]))
        else:
            lines.append(HunkLine(" ", raw, marker_lost=True))
    return lines


def _lines_for_counts(lines: Sequence[HunkLine], old: int, new: int) -> int | None:
    """How many leading lines satisfy the header counts exactly; None when none do."""
    if old == 0 and new == 0:
        return 0
    for index, line in enumerate(lines):
        old -= line.kind != "+"
        new -= line.kind != "-"
        if old < 0 or new < 0:
            return None
        if old == 0 and new == 0:
            return index + 1
    return None


def _file_diff(header: tuple[str, ...], hunks: tuple[DiffHunk, ...]) -> FileDiff:
    fields: dict[str, str] = {}
    minus = plus = None
    for line in header:
        for key in (
            "rename from ",
            "rename to ",
            "copy from ",
            "copy to ",
            "new file mode",
            "deleted file mode",
        ):
            if line.startswith(key):
                fields.setdefault(key.strip(), unquote_git_path(line[len(key) :]))
        if line.startswith("--- ") and minus is None:
            minus = _patch_path(line[4:])
        elif line.startswith("+++ ") and plus is None:
            plus = _patch_path(line[4:])
    binary = any(line == "GIT binary patch" or line.startswith("Binary files ") for line in header)
    git_old, git_new = _git_line_paths(header[0])
    old_path = fields.get("rename from") or fields.get("copy from")
    new_path = fields.get("rename to") or fields.get("copy to")
    if old_path is None:
        old_path = minus[1] if minus is not None else git_old
    if new_path is None:
        new_path = plus[1] if plus is not None else git_new
    if "copy from" in fields:
        status = COPIED
    elif "rename from" in fields:
        status = RENAMED
    elif "new file mode" in fields or (minus is not None and minus[0]):
        status, old_path = ADDED, None
    elif "deleted file mode" in fields or (plus is not None and plus[0]):
        status, new_path = DELETED, None
    else:
        status = MODIFIED
    return FileDiff(header, old_path, new_path, status, binary, hunks)


def _patch_path(text: str) -> tuple[bool, str | None]:
    """A `---`/`+++` name: (is /dev/null, path without its first component)."""
    name = text.split("\t", 1)[0] if not text.startswith('"') else text
    name = unquote_git_path(name.strip())
    if name == "/dev/null":
        return True, None
    return False, _strip_component(name)


def _git_line_paths(line: str) -> tuple[str | None, str | None]:
    """The two paths of a `diff --git a/x b/y` line (first component stripped)."""
    if not line.startswith("diff --git "):
        return None, None
    rest = line[len("diff --git ") :]
    if rest.startswith('"'):
        end = _closing_quote(rest)
        first, second = rest[: end + 1], rest[end + 1 :].strip()
        return _strip_component(unquote_git_path(first)), _strip_component(unquote_git_path(second))
    if rest.endswith('"') and ' "' in rest:
        first, _, second = rest.partition(' "')
        return _strip_component(first), _strip_component(unquote_git_path('"' + second))
    for index, char in enumerate(rest):
        if char == " " and _strip_component(rest[:index]) == _strip_component(rest[index + 1 :]):
            path = _strip_component(rest[:index])
            return path, path
    first, _, second = rest.partition(" ")
    return _strip_component(first), _strip_component(second)


def _closing_quote(text: str) -> int:
    index = 1
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == '"':
            return index
        index += 1
    return len(text) - 1


def _strip_component(path: str) -> str:
    """`path` without its first component (git's -p1), as git apply reads patch names."""
    return path.split("/", 1)[1] if "/" in path else path


# --- the file side ------------------------------------------------------------------------


def split_lines(text: str) -> list[str]:
    """`text` cut after every "\\n" (and only there), line ends kept."""
    pieces = text.split("\n")
    lines = [piece + "\n" for piece in pieces[:-1]]
    if pieces[-1]:
        lines.append(pieces[-1])
    return lines


def overlay(read_file: ReadFile, written: Mapping[str, str | None]) -> ReadFile:
    """`read_file` as seen after earlier sections of the same diff changed `written`."""

    def read(path: str) -> str | None:
        return written[path] if path in written else read_file(path)

    return read


def record_result(file: FileDiff, content: str | None, written: dict[str, str | None]) -> None:
    """Note in `written` what `file` leaves behind (`content` for its path after the change)."""
    if file.status in (DELETED, RENAMED) and file.old_path is not None:
        written[file.old_path] = None
    if file.new_path is not None:
        written[file.new_path] = content


def file_problem(file: FileDiff, read: ReadFile) -> str:
    """Why no hunk of `file` can apply at all ("" when the file-level checks pass)."""
    if file.binary:
        return BINARY
    if file.status == ADDED:
        return FILE_EXISTS if read(file.path) is not None else ""
    if file.old_path is None or read(file.old_path) is None:
        return FILE_MISSING
    if (
        file.status in (RENAMED, COPIED)
        and file.new_path not in (None, file.old_path)
        and read(file.new_path or "") is not None
    ):
        return FILE_EXISTS
    return ""


def old_content(file: FileDiff, read: ReadFile) -> str:
    """The content `file`'s hunks apply to ("" for a new file or a missing one)."""
    if file.status == ADDED or file.old_path is None:
        return ""
    return read(file.old_path) or ""


# --- git's exact rule ---------------------------------------------------------------------


def locate_hunks(diff: str, read_file: ReadFile) -> list[HunkSpot]:
    """Where git apply would put every hunk of `diff` in the files `read_file` describes."""
    written: dict[str, str | None] = {}
    read = overlay(read_file, written)
    spots: list[HunkSpot] = []
    for file in parse_diff(diff):
        placement = place_exactly(file, read)
        spots += placement.spots
        if not file_problem(file, read):
            record_result(file, placement.content, written)
    return spots


def place_exactly(file: FileDiff, read: ReadFile) -> FilePlacement:
    """git apply's placement of `file`'s hunks in the file `read` gives (see the module doc)."""
    problem = file_problem(file, read)
    if problem:
        return FilePlacement(_spots_all(file, None, problem), None)
    content = old_content(file, read)
    if not file.hunks:
        if file.status == DELETED and content:
            return FilePlacement(_spots_all(file, None, CONTEXT_NOT_FOUND), content)
        return FilePlacement(_spots_all(file, 0, ""), None if file.status == DELETED else content)
    image = [_ImageLine(text, origin) for origin, text in enumerate(split_lines(content))]
    spots: list[HunkSpot] = []
    skipped = 0  # line count change of earlier hunks that did not apply
    for number, hunk in enumerate(file.hunks, start=1):
        found: int | None = None
        reason = CORRUPT
        if hunk.well_formed:
            start = max(hunk.new_start - 1, 0) - skipped
            found = _apply_in_image(image, hunk, start)
            reason = "" if found is not None else CONTEXT_NOT_FOUND
        if found is None:
            skipped += hunk.new_count - hunk.old_count
        spots.append(_spot(file, number, hunk, found, reason))
    result = "".join(line.text for line in image)
    if file.status == DELETED:
        if result and spots[-1].found is not None:
            spots[-1] = replace(spots[-1], found=None, reason=CONTEXT_NOT_FOUND)
        return FilePlacement(tuple(spots), None)
    return FilePlacement(tuple(spots), result)


def _spot(file: FileDiff, number: int, hunk: DiffHunk, found: int | None, reason: str) -> HunkSpot:
    return HunkSpot(
        path=file.path,
        number=number,
        count=len(file.hunks),
        header=hunk.header,
        stated=hunk.old_start,
        found=found,
        reason=reason,
    )


def _spots_all(file: FileDiff, found: int | None, reason: str) -> tuple[HunkSpot, ...]:
    if not file.hunks or file.binary:
        return (HunkSpot(file.path, 0, 0, "", 0, found, reason),)
    return tuple(
        _spot(file, number, hunk, found, reason) for number, hunk in enumerate(file.hunks, start=1)
    )


@dataclass(frozen=True)
class _ImageLine:
    text: str  # with its line end
    origin: int | None  # 0-based line of the original file; None for an added line
    patched: bool = False  # produced by an earlier hunk: later hunks may not match it


def _apply_in_image(image: list[_ImageLine], hunk: DiffHunk, start: int) -> int | None:
    """Apply `hunk` to `image` where git would; the original line found (1-based) or None."""
    pre = [_with_end(line) for line in hunk.preimage]
    trailing = 0
    for line in reversed(hunk.lines):
        if line.kind != " ":
            break
        trailing += 1
    at_beginning = hunk.old_start <= 1
    at_end = trailing == 0
    position = _git_position(image, pre, start, at_beginning, at_end)
    if position is None:
        return None
    if pre:
        origin = image[position].origin
        found = (origin if origin is not None else 0) + 1
    else:
        found = next(
            (
                origin + 1
                for origin in (line.origin for line in reversed(image[:position]))
                if origin is not None
            ),
            0,
        )
    post: list[_ImageLine] = []
    consumed = 0
    for line in hunk.lines:
        if line.kind == "+":
            post.append(_ImageLine(_with_end(line), None, patched=True))
            continue
        if line.kind == " ":
            post.append(_ImageLine(_with_end(line), image[position + consumed].origin, True))
        consumed += 1
    image[position : position + len(pre)] = post
    return found


def _with_end(line: HunkLine) -> str:
    return line.text + "\n" if line.newline else line.text


def _git_position(
    image: Sequence[_ImageLine],
    pre: Sequence[str],
    start: int,
    at_beginning: bool,
    at_end: bool,
) -> int | None:
    size, count = len(image), len(pre)
    if count > size:
        return None
    if at_beginning:
        candidates: Sequence[int] = [0]
    elif at_end:
        candidates = [size - count]
    else:
        first = pre[0]  # a hunk without trailing context must match at the end: count > 0
        found = [index for index, line in enumerate(image) if line.text == first]
        candidates = search_order(min(max(start, 0), size), found)
    for position in candidates:
        if at_end and position + count != size:
            continue
        if position + count > size:
            continue
        if all(
            not image[position + index].patched and image[position + index].text == text
            for index, text in enumerate(pre)
        ):
            return position
    return None


def search_order(start: int, positions: Sequence[int]) -> list[int]:
    """`positions` in git's search order from `start`: it, one after, one before, two after..."""
    return sorted(positions, key=lambda position: (abs(position - start), position < start))
