"""Tolerant re-anchoring: place the hunks of a patch rebuilt from the HTML archive on the real
files and write a clean diff that git applies exactly.

The archive can damage a patch (see shared/design/archive-formats.md): addresses masked as
`user@xxxxxxxx`, a context line starting with `>` turned into a quote (its marker space gone),
whitespace collapsed or trailing whitespace dropped, blank context lines gone so the header
counts no longer add up. `reanchor` forgives exactly the following, and nothing else:

* Placement. A hunk git would accept (`DiffHunk.well_formed`) is first placed by git's exact
  rule (`hunks.place_exactly`). Every other hunk, and a well-formed one git cannot place, is
  matched tolerantly between its neighbours: after the previous placed hunk and before the next
  one placed exactly. A tolerant match must be the only one in that window; two or more make
  the hunk a miss ("ambiguous context"), none a miss ("context not found"). Search order does
  not matter under that rule.
* A pre-image line (context or `-`) matches a file line when they are equal; or equal after
  every run of whitespace becomes one space and both ends are stripped (trailing whitespace,
  collapsed indentation, a blank line of spaces); or when each masked address `local@xxxx` in
  the line (identity.MASKED) stands for `local@` and exactly as many domain characters at that
  place, the rest comparing as before. A context line that had lost its marker (it starts with
  neither ` `, `-`, `+` nor `\\`) is compared the same way; one starting with `>` is compared
  on its quote structure: leading whitespace dropped, the `>` characters counted (spaces
  between them ignored), the rest squeezed, so `> x` matches `> x`, ` > x`, `>x` and `> > x`
  matches `>> x`, as the archive's quote rendering leaves them.
* Vanished blank context lines. Between two matched pre-image lines (never before the first or
  after the last) the match may step over blank file lines (empty or whitespace only), at most
  as many as the header's old count exceeds the lines the mail has. Stepped-over lines become
  context again. Added lines that follow removed lines stay with them, before the restored
  blank lines (the mail shows them as one change; git writes a change as its removals, then
  its additions). Added lines that follow a context line where blank lines were stepped over
  could have stood before or after them: unless every order gives the same text, the hunk is
  a miss ("ambiguous context").
* A pre-image whose last line carries `\\ No newline at end of file` must end at the end of the
  file; whether the file's last line really lacks its newline is taken from the file.
* CR LF files: when every matched file line ends in CR and no line of the hunk does (the
  mail's line ends were normalised), the added lines get their CR back.
* A hunk with no pre-image at all (a pure insertion without context, as `git diff -U0` writes)
  is placed at its stated line moved by the previous hunk's offset, never by git's rule (which
  puts it at the end of the file).

The rebuilt diff keeps each section's header lines (see below for `index`), and each hunk is
written from the file's actual lines for context and `-` lines and the patch's `+` lines (each
masked address in them replaced by `unmask(address)` when that returns an address fitting the
mask; otherwise it stays and is listed in `unresolved`), with correct start lines and counts,
the author's section text, `-` lines before `+` lines within a change, and `\\ No newline`
markers where the file and the patch say a last line lacks its newline. Hunks git could not
place as written are made placeable: a hunk without trailing context that does not end at the
end of the file gets the next file line as context, a pure insertion gets the line before it,
and hunks that would then overlap are joined. When every hunk matched exactly the hunks come
out as they went in (at the lines where they apply).

`index` lines: a section whose rebuilt text differs from the mail's (anything tolerated or an
address restored) loses its `index` line, since its blob ids no longer describe the pre- and
post-image; plain `git apply` does not need it, and a three-way fallback must not trust it.
Other sections keep it. When any hunk is a miss, `diff` is empty.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from reviewbot.hunks import (
    ADDED,
    AMBIGUOUS,
    CONTEXT_NOT_FOUND,
    CORRUPT,
    DELETED,
    DiffHunk,
    FileDiff,
    HunkLine,
    HunkSpot,
    ReadFile,
    file_problem,
    old_content,
    overlay,
    parse_diff,
    place_exactly,
    record_result,
)
from reviewbot.identity import MASKED, fits_mask

Unmask = Callable[[str], str | None]
"""masked address -> the real address, or None when unknown."""

_DOMAIN_CHAR = r"[^\s@<>()\[\],;:\"']"
_NO_NEWLINE = "\\ No newline at end of file"


@dataclass(frozen=True)
class Reanchored:
    """A patch re-anchored on the real files."""

    diff: str  # a clean unified git diff that applies exactly ("" when there are misses)
    tolerated: tuple[str, ...]  # what was forgiven, one human line each
    misses: tuple[HunkSpot, ...]  # hunks that could not be placed even tolerantly
    unresolved: tuple[str, ...]  # masked addresses left in added lines

    @property
    def ok(self) -> bool:
        """True when every hunk was placed."""
        return not self.misses


def reanchor(diff: str, read_file: ReadFile, unmask: Unmask | None = None) -> Reanchored:
    """Place every hunk of `diff` on the files `read_file` gives, forgiving archive damage."""
    written: dict[str, str | None] = {}
    read = overlay(read_file, written)
    texts: list[str] = []
    tolerated: list[str] = []
    misses: list[HunkSpot] = []
    unresolved: list[str] = []
    for file in parse_diff(diff):
        result = _Rebuild(file, read, unmask).run()
        texts.append(result.text)
        tolerated += result.tolerated
        misses += result.misses
        unresolved += result.unresolved
        if not result.misses:
            record_result(file, result.content, written)
    return Reanchored(
        diff="" if misses else "".join(texts),
        tolerated=tuple(tolerated),
        misses=tuple(misses),
        unresolved=tuple(unresolved),
    )


# --- matching -----------------------------------------------------------------------------


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def _quote_key(text: str) -> str:
    """`text` with its quote markers canonical: `> > x`, ` >>  x` -> `>> x`."""
    rest = text.lstrip()
    depth = 0
    index = 0
    while index < len(rest) and rest[index] in "> \t":
        depth += rest[index] == ">"
        index += 1
    body = _squeeze(rest[index:])
    return ">" * depth + (" " + body if body else "")


@dataclass(frozen=True)
class _Wanted:
    """One pre-image line and how it may match a file line."""

    line: HunkLine
    quoted: bool  # lost its marker and starts with `>`: compared on quote structure
    key: str  # squeezed (or quote-canonical) text
    masks: int  # masked addresses in it
    pattern: re.Pattern[str] | None  # matches the key of a file line, masks unmasked

    @classmethod
    def of(cls, line: HunkLine) -> _Wanted:
        quoted = line.marker_lost and line.text.lstrip().startswith(">")
        key = _quote_key(line.text) if quoted else _squeeze(line.text)
        found = list(MASKED.finditer(key))
        pattern = None
        if found:
            parts, last = [], 0
            for match in found:
                local, _, xs = match.group(0).rpartition("@")
                parts.append(re.escape(key[last : match.start()] + local + "@"))
                parts.append(f"{_DOMAIN_CHAR}{{{len(xs)}}}")
                last = match.end()
            parts.append(re.escape(key[last:]))
            pattern = re.compile("".join(parts))
        return cls(line, quoted, key, len(found), pattern)


def _positions(keys: Sequence[str]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        found.setdefault(key, []).append(index)
    return found


@dataclass(frozen=True)
class _FileLines:
    """The file a section applies to, with each line's comparison keys."""

    lines: tuple[str, ...]  # without line ends
    final_newline: bool  # False when the last line lacks its newline
    squeezed: tuple[str, ...]
    quoted: tuple[str, ...]

    @classmethod
    def of(cls, content: str) -> _FileLines:
        lines = content.split("\n")
        final_newline = content.endswith("\n") or not content
        if lines[-1] == "":
            lines.pop()
        return cls(
            tuple(lines),
            final_newline,
            tuple(_squeeze(line) for line in lines),
            tuple(_quote_key(line) for line in lines),
        )

    def starts(self, wanted: _Wanted, low: int, high: int) -> Sequence[int]:
        """Where in `low`..`high` a line `wanted` may fit, in order (a superset)."""
        if wanted.pattern is not None:
            return range(low, high)
        positions = (self.by_quoted if wanted.quoted else self.by_squeezed).get(wanted.key, [])
        return positions[bisect_left(positions, low) : bisect_left(positions, high)]

    @cached_property
    def by_squeezed(self) -> dict[str, list[int]]:
        return _positions(self.squeezed)

    @cached_property
    def by_quoted(self) -> dict[str, list[int]]:
        return _positions(self.quoted)

    def fits(self, wanted: _Wanted, index: int) -> bool:
        if wanted.line.text == self.lines[index]:
            return True
        key = self.quoted[index] if wanted.quoted else self.squeezed[index]
        if key == wanted.key:
            return True
        return wanted.pattern is not None and wanted.pattern.fullmatch(key) is not None


@dataclass(frozen=True)
class _Region:
    """Where one hunk's pre-image lies in the file."""

    start: int  # 0-based first line (the insertion point when there is no pre-image)
    end: int  # 0-based line after the last
    mapping: tuple[int, ...]  # the file line of each pre-image line
    exact: bool


def _tolerant_matches(
    wanted: Sequence[_Wanted],
    file: _FileLines,
    window: tuple[int, int],
    budget: int,
    *,
    at_start: bool,
    at_end: bool,
) -> list[tuple[int, ...]]:
    """The tolerant matches of `wanted` inside `window` (at most two: more is ambiguity)."""
    low, high = window
    size = len(file.lines)
    must_end = at_end or not wanted[-1].line.newline
    found: list[tuple[int, ...]] = []
    for start in file.starts(wanted[0], low, high):
        if at_start and start != 0:
            break
        if not file.fits(wanted[0], start):
            continue
        mapping = [start]
        position, left = start + 1, budget
        for item in wanted[1:]:
            while position < high and not file.fits(item, position):
                if left == 0 or file.squeezed[position]:
                    position = high
                    break
                left -= 1
                position += 1
            if position >= high:
                break
            mapping.append(position)
            position += 1
        if len(mapping) != len(wanted) or (must_end and mapping[-1] != size - 1):
            continue
        found.append(tuple(mapping))
        if len(found) == 2:
            break
    return found


# --- rebuilding one section ---------------------------------------------------------------


@dataclass(frozen=True)
class _Op:
    """One line of a rebuilt hunk."""

    kind: str  # " ", "-" or "+"
    text: str
    index: int | None  # the file line of a " " or "-" line
    newline: bool = True


@dataclass
class _Piece:
    """A rebuilt hunk (several of the mail's when they had to be joined)."""

    start: int
    end: int
    ops: list[_Op]
    section: str

    @property
    def has_trailing_context(self) -> bool:
        return bool(self.ops) and self.ops[-1].kind == " "

    @property
    def has_preimage(self) -> bool:
        return any(op.kind != "+" for op in self.ops)


@dataclass
class _Result:
    text: str = ""
    content: str | None = None
    tolerated: list[str] = field(default_factory=list)
    misses: list[HunkSpot] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)


class _Rebuild:
    """Re-anchors one file section."""

    def __init__(self, file: FileDiff, read: ReadFile, unmask: Unmask | None) -> None:
        self.file = file
        self.read = read
        self.unmask = unmask
        self.result = _Result()
        self.changed = False  # the rebuilt text says something the mail did not

    def run(self) -> _Result:
        file, result = self.file, self.result
        problem = file_problem(file, self.read)
        if problem:
            result.misses += _spots(file, problem)
            return result
        content = old_content(file, self.read)
        if not file.hunks:
            if file.status == DELETED and content:
                result.misses += _spots(file, CONTEXT_NOT_FOUND)
                return result
            result.text = "".join(line + "\n" for line in file.header)
            result.content = None if file.status == DELETED else content
            return result
        lines = _FileLines.of(content)
        regions = self._place(lines)
        pieces: list[_Piece] = []
        for number, (hunk, region) in enumerate(zip(file.hunks, regions, strict=True), 1):
            if region is None:
                continue
            ops = self._ops(number, hunk, region, lines)
            if ops is None:
                self._miss(number, AMBIGUOUS)
            else:
                pieces.append(_Piece(region.start, region.end, ops, hunk.section))
        if result.misses:
            return result
        if file.status == DELETED and not _deletes_everything(pieces, len(lines.lines)):
            self._miss(1, CONTEXT_NOT_FOUND)
            return result
        pieces = _placeable(pieces, lines)
        result.text = self._text(pieces)
        result.content = None if file.status == DELETED else _new_content(pieces, lines)
        return result

    # placement

    def _place(self, lines: _FileLines) -> list[_Region | None]:
        file = self.file
        hunks = file.hunks
        regions: list[_Region | None] = [None] * len(hunks)
        if file.status == ADDED:
            for number, hunk in enumerate(hunks, 1):
                if hunk.preimage or not hunk.header.startswith("@@ -"):
                    self._miss(number, CORRUPT)
                else:
                    regions[number - 1] = _Region(0, 0, (), exact=hunk.well_formed)
            return regions
        spots = place_exactly(file, self.read).spots
        last_end = 0
        for index, (hunk, spot) in enumerate(zip(hunks, spots, strict=True)):
            size = len(hunk.preimage)
            if not hunk.well_formed or spot.found is None or (not size and lines.lines):
                continue  # git puts a hunk without pre-image at the end: place it by number
            start = spot.found - 1 if size else spot.found
            if start < last_end:
                continue  # git went back before an earlier hunk: leave it to the tolerant pass
            regions[index] = _Region(start, start + size, tuple(range(start, start + size)), True)
            last_end = start + size
        offset = 0
        for index, hunk in enumerate(hunks):
            region = regions[index]
            if region is None:
                region = self._place_tolerantly(index, regions, lines, offset)
                regions[index] = region
            if region is not None:
                offset = (region.start + (1 if region.mapping else 0)) - hunk.old_start
        return regions

    def _place_tolerantly(
        self,
        index: int,
        regions: Sequence[_Region | None],
        lines: _FileLines,
        offset: int,
    ) -> _Region | None:
        hunk = self.file.hunks[index]
        number = index + 1
        if _HEADER_OK.match(hunk.header) is None:
            self._miss(number, CORRUPT)
            return None
        if self.file.status == DELETED and any(line.kind == "+" for line in hunk.lines):
            self._miss(number, CORRUPT)
            return None
        low = max((r.end for r in regions[:index] if r is not None), default=0)
        high = min((r.start for r in regions[index + 1 :] if r is not None), default=None)
        if high is None:
            high = len(lines.lines)
        wanted = [_Wanted.of(line) for line in hunk.preimage]
        if not wanted:
            point = min(max(hunk.old_start + offset, low), high)
            return _Region(point, point, (), exact=False)
        budget = max(hunk.old_count - len(wanted), 0)
        deleting = self.file.status == DELETED
        matches = _tolerant_matches(
            wanted,
            lines,
            (low, high),
            budget,
            at_start=deleting and index == 0,
            at_end=deleting and index == len(self.file.hunks) - 1,
        )
        if len(matches) != 1:
            self._miss(number, AMBIGUOUS if matches else CONTEXT_NOT_FOUND)
            return None
        mapping = matches[0]
        return _Region(mapping[0], mapping[-1] + 1, mapping, exact=False)

    # one hunk's lines

    def _ops(
        self, number: int, hunk: DiffHunk, region: _Region, lines: _FileLines
    ) -> list[_Op] | None:
        """The hunk's lines in file order (None when added lines cannot be placed)."""
        ops: list[_Op] = []
        pending: list[HunkLine] = []
        position = 0
        previous: int | None = None
        previous_kind = ""
        restored = 0
        unresolved_before = len(self.result.unresolved)
        carriage = _lost_carriage_returns(hunk, region, lines)
        for line in hunk.lines:
            if line.kind == "+":
                pending.append(line)
                continue
            index = region.mapping[position]
            position += 1
            gap = [
                _Op(" ", lines.lines[g], g)
                for g in (range(previous + 1, index) if previous is not None else ())
            ]
            attached = previous_kind == "-"
            if gap and pending and not attached and not _order_free(gap, pending):
                del self.result.unresolved[unresolved_before:]  # the hunk is a miss
                return None
            if not attached:
                ops += gap  # additions after context go after the restored blank lines
            for added in pending:
                op, count = self._added(added, carriage)
                ops.append(op)
                restored += count
            if attached:
                ops += gap  # additions stay with the removals they follow
            pending = []
            ops.append(_Op(line.kind, lines.lines[index], index))
            previous, previous_kind = index, line.kind
        for added in pending:
            op, count = self._added(added, carriage)
            ops.append(op)
            restored += count
        self._note(number, hunk, region, lines, restored)
        if carriage:
            self.changed = True
            given = sum(op.kind == "+" for op in ops)
            self.result.tolerated.append(
                f"{self.file.path} hunk {number}: the file ends its lines with CR LF; "
                f"{_plural(given, 'added line', 'added lines')} given a CR"
            )
        return ops

    def _added(self, line: HunkLine, carriage: bool) -> tuple[_Op, int]:
        """An added line with its masked addresses restored where `unmask` knows them (and
        the CR of its CR LF line end back when `carriage`)."""
        restored = kept = 0

        def real(match: re.Match[str]) -> str:
            nonlocal restored, kept
            masked = match.group(0)
            address = self.unmask(masked) if self.unmask is not None else None
            if address is not None and fits_mask(masked, address):
                restored += 1
                return address
            kept += 1
            return masked

        text = MASKED.sub(real, line.text)
        if carriage and not text.endswith("\r"):
            text += "\r"
        if kept:
            what = "a masked address" if kept == 1 else f"{kept} masked addresses"
            self.result.unresolved.append(f"{self.file.path}: added line '{text}' keeps {what}")
        return _Op("+", text, None, line.newline), restored

    def _note(
        self, number: int, hunk: DiffHunk, region: _Region, lines: _FileLines, restored: int
    ) -> None:
        notes: list[str] = []
        if not region.exact:
            marker = masked = spaced = 0
            pre = hunk.preimage
            for line, index in zip(pre, region.mapping, strict=True):
                wanted = _Wanted.of(line)
                text = lines.lines[index]
                key = lines.quoted[index] if wanted.quoted else lines.squeezed[index]
                needs_mask = line.text != text and key != wanted.key
                marker += line.marker_lost
                if needs_mask:
                    masked += wanted.masks
                elif line.text != text and not line.marker_lost:
                    spaced += 1
            blanks = (region.end - region.start) - len(region.mapping)
            if marker:
                notes.append(
                    "1 context line had lost its diff marker"
                    if marker == 1
                    else f"{marker} context lines had lost their diff marker"
                )
            if masked:
                notes.append(_plural(masked, "masked address", "masked addresses") + " matched")
            if spaced:
                notes.append(_plural(spaced, "line", "lines") + " matched ignoring whitespace")
            if blanks:
                notes.append(
                    _plural(blanks, "blank context line", "blank context lines")
                    + " restored from the file"
                )
            old_seen = len(pre)
            new_seen = len(hunk.postimage)
            if (hunk.old_count - old_seen, hunk.new_count - new_seen) != (blanks, blanks):
                notes.append(
                    f"its header counts {hunk.old_count} old and {hunk.new_count} new lines, "
                    f"the mail has {old_seen} and {new_seen}"
                )
            at_end = bool(region.mapping) and region.mapping[-1] == len(lines.lines) - 1
            if at_end and pre[-1].newline != lines.final_newline:
                notes.append("the file's last line differs from the patch in its newline")
            if not region.mapping and lines.lines:
                notes.append("no context lines; placed by its line number")
        if restored:
            notes.append(
                _plural(restored, "masked address", "masked addresses") + " in added lines restored"
            )
        if notes:
            self.changed = True
        self.result.tolerated += [f"{self.file.path} hunk {number}: {note}" for note in notes]

    def _miss(self, number: int, reason: str) -> None:
        hunk = self.file.hunks[number - 1]
        self.result.misses.append(
            HunkSpot(
                path=self.file.path,
                number=number,
                count=len(self.file.hunks),
                header=hunk.header,
                stated=hunk.old_start,
                found=None,
                reason=reason,
            )
        )

    # writing

    def _text(self, pieces: Sequence[_Piece]) -> str:
        header = [
            line for line in self.file.header if not (self.changed and line.startswith("index "))
        ]
        out = [line + "\n" for line in header]
        delta = 0
        for piece in pieces:
            old = sum(op.kind != "+" for op in piece.ops)
            new = sum(op.kind != "-" for op in piece.ops)
            old_start = piece.start + 1 if old else piece.start
            new_start = piece.start + delta + 1 if new else piece.start + delta
            out.append(
                f"@@ -{_range(old_start, old)} +{_range(new_start, new)} @@{piece.section}\n"
            )
            for op in piece.ops:
                out.append(op.kind + op.text + "\n")
                if not op.newline:
                    out.append(_NO_NEWLINE + "\n")
            delta += new - old
        return "".join(out)


_HEADER_OK = re.compile(r"@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@")


def _spots(file: FileDiff, reason: str) -> list[HunkSpot]:
    if not file.hunks or file.binary:
        return [HunkSpot(file.path, 0, 0, "", 0, None, reason)]
    return [
        HunkSpot(file.path, number, len(file.hunks), hunk.header, hunk.old_start, None, reason)
        for number, hunk in enumerate(file.hunks, 1)
    ]


def _lost_carriage_returns(hunk: DiffHunk, region: _Region, lines: _FileLines) -> bool:
    """Whether the mail lost the CRs of a CR LF file: every matched file line ends in CR,
    no pre-image line of the mail does."""
    return (
        not region.exact
        and bool(region.mapping)
        and all(lines.lines[index].endswith("\r") for index in region.mapping)
        and not any(line.text.endswith("\r") for line in hunk.lines)
    )


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _range(start: int, count: int) -> str:
    return str(start) if count == 1 else f"{start},{count}"


def _order_free(gap_ops: Sequence[_Op], added: Sequence[HunkLine]) -> bool:
    """Whether the added lines give the same text wherever they go among the `gap` lines."""
    gap = [op.text for op in gap_ops]
    texts = [line.text for line in added]
    first = [*texts, *gap]
    return all([*gap[:cut], *texts, *gap[cut:]] == first for cut in range(1, len(gap) + 1))


def _deletes_everything(pieces: Sequence[_Piece], size: int) -> bool:
    covered = 0
    for piece in pieces:
        if piece.start != covered or any(op.kind != "-" for op in piece.ops):
            return False
        covered = piece.end
    return covered == size


def _placeable(pieces: list[_Piece], lines: _FileLines) -> list[_Piece]:
    """The pieces made appliable by git: context where git needs it, joined where they touch,
    line-end markers settled, removals before additions within each change."""
    size = len(lines.lines)
    joined: list[_Piece] = []
    for piece in pieces:
        if (
            joined
            and joined[-1].end == piece.start
            and (not joined[-1].has_trailing_context or not piece.has_preimage)
        ):
            last = joined[-1]
            joined[-1] = _Piece(last.start, piece.end, last.ops + piece.ops, last.section)
        else:
            joined.append(_Piece(piece.start, piece.end, list(piece.ops), piece.section))
    for piece in joined:
        if not piece.has_trailing_context and piece.end < size:
            piece.ops.append(_Op(" ", lines.lines[piece.end], piece.end))
            piece.end += 1
        if not piece.has_preimage and piece.start > 0:
            piece.start -= 1
            piece.ops.insert(0, _Op(" ", lines.lines[piece.start], piece.start))
    for piece in joined:
        piece.ops = _settle_ends(piece, lines)
        piece.ops = _removals_first(piece.ops)
    return joined


def _settle_ends(piece: _Piece, lines: _FileLines) -> list[_Op]:
    """Newline flags: only the file's last line and the new file's last line may lack one."""
    size = len(lines.lines)
    ops = [op if op.kind == "+" else replace(op, newline=True) for op in piece.ops]
    new_side = [index for index, op in enumerate(ops) if op.kind != "-"]
    last_new = new_side[-1] if new_side and piece.end == size else None
    ops = [
        replace(op, newline=True) if op.kind == "+" and index != last_new else op
        for index, op in enumerate(ops)
    ]
    if piece.end != size or size == 0 or lines.final_newline:
        return ops
    last_old = next(index for index, op in enumerate(ops) if op.index == size - 1)
    op = ops[last_old]
    if op.kind == "-" or last_old == last_new:
        ops[last_old] = replace(op, newline=False)
    else:  # kept, but added lines follow it: it gains its newline
        ops[last_old : last_old + 1] = [
            _Op("-", op.text, op.index, newline=False),
            _Op("+", op.text, None),
        ]
    return ops


def _removals_first(ops: Sequence[_Op]) -> list[_Op]:
    out: list[_Op] = []
    change: list[_Op] = []
    for op in [*ops, None]:
        if op is None or op.kind == " ":
            out += [item for item in change if item.kind == "-"]
            out += [item for item in change if item.kind == "+"]
            change = []
            if op is not None:
                out.append(op)
        else:
            change.append(op)
    return out


def _new_content(pieces: Sequence[_Piece], lines: _FileLines) -> str:
    size = len(lines.lines)
    out: list[str] = []
    cursor = 0

    def keep(index: int) -> str:
        ends = index < size - 1 or lines.final_newline
        return lines.lines[index] + ("\n" if ends else "")

    for piece in pieces:
        out += [keep(index) for index in range(cursor, piece.start)]
        out += [op.text + ("\n" if op.newline else "") for op in piece.ops if op.kind != "-"]
        cursor = piece.end
    out += [keep(index) for index in range(cursor, size)]
    return "".join(out)
