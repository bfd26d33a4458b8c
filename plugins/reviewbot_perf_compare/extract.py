"""Every figure a thread posts, once, attributed to whoever posted it first.

`extract_text` runs the extractors over one text: the tool outputs first (bloat-o-meter,
ministat, hyperfine, perf stat), whose lines are then hidden from the generic readers (tables,
`X -> Y`). `extract_thread` reads each message's own text and its quoted text separately: a
figure (same `Figure.fingerprint()`) posted again, quoted in a reply or folded into a v2
commit message, counts once, for its earliest poster; a figure seen only quoted counts once
too, marked `quoted`, for the author its attribution line names.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from reviewbot.models import Message
from reviewbot.threads import Thread
from reviewbot_perf_compare.extract_arrow import find_arrows
from reviewbot_perf_compare.extract_bloat import find_bloat
from reviewbot_perf_compare.extract_hyperfine import find_hyperfine
from reviewbot_perf_compare.extract_ministat import find_ministat
from reviewbot_perf_compare.extract_perfstat import find_perf_stat
from reviewbot_perf_compare.extract_table import find_tables
from reviewbot_perf_compare.figures import Figure, SizeReport
from reviewbot_perf_compare.prose import HIDDEN_LINE
from reviewbot_perf_compare.textparts import Found, TextPart, message_parts

Finder = Callable[[Sequence[str]], list[Found]]

#: Tool outputs, each with the words that must occur for it to be looked for.
_TOOLS: tuple[tuple[tuple[str, ...], Finder], ...] = (
    (("add/remove:", "Total: Before=", " old ", "\told"), find_bloat),
    (("Stddev",), find_ministat),
    (("Benchmark",), find_hyperfine),
    (("counter stats",), find_perf_stat),
)
_ARROW_HINTS = ("->", "→", "=>", "⇒", "⟶", " from ")


@dataclass(frozen=True)
class Extraction:
    """The figures and size reports of a thread, in the order they were first posted."""

    figures: tuple[Figure, ...] = ()
    sizes: tuple[SizeReport, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Plain dicts and lists (tuples become lists) for `--json`."""
        return {
            "figures": [_plain(dataclasses.asdict(figure)) for figure in self.figures],
            "sizes": [_plain(dataclasses.asdict(size)) for size in self.sizes],
        }


def extract_text(text: str) -> tuple[list[Figure], list[SizeReport]]:
    """Every figure and size report in one text; lines and blocks numbered within it."""
    return _from_lines(text.split("\n"))


def extract_thread(thread: Thread) -> Extraction:
    """Each figure of the thread once: the earliest own posting, else the earliest quote."""
    ordered = thread.ordered()
    position = {message.message_id: i for i, message in enumerate(ordered)}
    messages = sorted(ordered, key=lambda m: (m.sent_at, position[m.message_id]))
    own: list[tuple[list[Figure], list[SizeReport]]] = []
    quoted: list[tuple[list[Figure], list[SizeReport]]] = []
    for message in messages:
        own_found, quoted_found = _message_findings(message)
        own.append(own_found)
        quoted.append(quoted_found)
    own_figures = {f.fingerprint() for figures, _ in own for f in figures}
    own_sizes = {s.fingerprint() for _, sizes in own for s in sizes}
    seen_figures: set[object] = set()
    seen_sizes: set[object] = set()
    figures: list[Figure] = []
    sizes: list[SizeReport] = []
    for (mine_f, mine_s), (theirs_f, theirs_s) in zip(own, quoted, strict=True):
        for figure in sorted(mine_f + theirs_f, key=lambda f: (f.line, f.quoted)):
            key = figure.fingerprint()
            if key in seen_figures or (figure.quoted and key in own_figures):
                continue
            seen_figures.add(key)
            figures.append(figure)
        for size in sorted(mine_s + theirs_s, key=lambda s: (s.line, s.quoted)):
            size_key = size.fingerprint()
            if size_key in seen_sizes or (size.quoted and size_key in own_sizes):
                continue
            seen_sizes.add(size_key)
            sizes.append(size)
    return Extraction(figures=tuple(figures), sizes=tuple(sizes))


def _message_findings(
    message: Message,
) -> tuple[tuple[list[Figure], list[SizeReport]], tuple[list[Figure], list[SizeReport]]]:
    """(own, quoted) figures and reports of one message, attributed."""
    own_figures: list[Figure] = []
    own_sizes: list[SizeReport] = []
    quoted_figures: list[Figure] = []
    quoted_sizes: list[SizeReport] = []
    for part in message_parts(message):
        if not any(ch.isdigit() for line in part.lines for ch in line):
            continue
        figures, sizes = _from_lines(list(part.lines))
        if not part.quoted:
            own_figures += [f.attributed(message.message_id, message.author) for f in figures]
            own_sizes += [s.attributed(message.message_id, message.author) for s in sizes]
            continue
        quoted_figures += [_quoted(f, part, message) for f in figures]
        quoted_sizes += [
            s.attributed(message.message_id, part.author_at(s.line), quoted=True) for s in sizes
        ]
    return (own_figures, own_sizes), (quoted_figures, quoted_sizes)


def _quoted(figure: Figure, part: TextPart, message: Message) -> Figure:
    return figure.attributed(message.message_id, part.author_at(figure.line), quoted=True)


def _from_lines(lines: list[str]) -> tuple[list[Figure], list[SizeReport]]:
    text = "\n".join(lines)
    if not any(ch.isdigit() for ch in text):
        return [], []
    found = _tool_outputs(lines, text)
    visible = list(lines)
    for item in found:
        _hide(visible, item)
    for item in find_tables(visible):
        found.append(item)
        _hide(visible, item)
    if any(hint in text for hint in _ARROW_HINTS):
        found += find_arrows(visible)
    found.sort(key=lambda item: item.start)
    figures: list[Figure] = []
    sizes: list[SizeReport] = []
    block = 0
    for item in found:
        if not item.figures and not item.sizes:
            continue
        block += 1
        figures += [replace(figure, block=block) for figure in item.figures]
        sizes += list(item.sizes)
    return figures, sizes


def _tool_outputs(lines: list[str], text: str) -> list[Found]:
    """What the tool-output finders find, each reading with the others' blocks hidden."""
    first = [
        (finder, finder(lines)) for hints, finder in _TOOLS if any(hint in text for hint in hints)
    ]
    first = [(finder, items) for finder, items in first if items]
    if len(first) < 2:
        return [item for _, items in first for item in items]
    found: list[Found] = []
    for finder, _ in first:
        visible = list(lines)
        for other, items in first:
            if other is not finder:
                for item in items:
                    _hide(visible, item)
        found += finder(visible)
    return found


def _hide(lines: list[str], item: Found) -> None:
    for index in range(item.start - 1, item.end):
        lines[index] = HIDDEN_LINE


def _plain(value: object) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value
