"""`perf stat` output: two or more blocks in one text compare their common events.

    ```
     Performance counter stats for 'make -j8' (5 runs):

          232,930.12 msec task-clock         #    3.502 CPUs utilized    ( +-  0.21% )
     812,345,678,901      cycles             #    3.487 GHz              ( +-  0.05% )

            66.51234 +- 0.22345 seconds time elapsed  ( +-  0.34% )
    ```

Each block's variant name is the label line just above it (`Before:`, `with the patch:`), else
its command, else A, B, C. `<not counted>` and `<not supported>` events are skipped.

perf's `( +- x% )` and the `+-` of the elapsed line are the standard error of the mean
(tools/perf/util/stat.c: stddev_stats divides the variance by n), so the standard deviation a
`Variant` carries is that error times the square root of the run count.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from reviewbot_perf_compare.figures import MEAN, PERF_STAT, SINGLE, Figure, Variant
from reviewbot_perf_compare.metrics import lower_is_better, normalise_unit, parse_number, unit_of
from reviewbot_perf_compare.prose import is_variant_label, prose_before
from reviewbot_perf_compare.textparts import Found

_HEADER = re.compile(
    r"\s*Performance counter stats for (?:'(?P<command>[^']*)'|(?P<other>.+?))"
    r"(?:\s*\((?P<runs>\d+) runs\))?:?\s*"
)
_VALUE_LINE = re.compile(
    r"\s*(?P<value>\d[\d,]*(?:\.\d+)?)(?:\s+\+-\s+(?P<error>\d[\d,]*(?:\.\d+)?))?\s+(?P<rest>\S.*)"
)
_NOT_COUNTED = re.compile(r"\s*<not (?:counted|supported)>")
_COMMENT = re.compile(r"\s+#")
_NOISE = re.compile(r"\(\s*\+-\s*(?P<percent>\d+(?:\.\d+)?)%\s*\)")
_MULTIPLEX = re.compile(r"\(\s*\d+(?:\.\d+)?%\s*\)")
_TIME_UNIT = r"(?P<unit>seconds|secs?|msecs?|usecs?|nsecs?|ms|us|ns)"
_SPECIAL = re.compile(rf"{_TIME_UNIT}\s+(?P<event>time elapsed|user|sys)")
_UNIT_FIRST = re.compile(rf"{_TIME_UNIT}\s+(?P<event>\S+)")
_UNIT_AFTER = re.compile(r"(?P<event>\S+)\s+\((?P<unit>msec|usec|nsec|ms|us|ns)\)")
_LABEL_WORDS = 8
_LABEL_LENGTH = 60


@dataclass(frozen=True)
class Counter:
    """One line of a block: event, value, unit, and the standard deviation when known."""

    event: str
    value: float
    unit: str
    stddev: float | None


@dataclass(frozen=True)
class Block:
    """One `Performance counter stats` block."""

    start: int  # index of the header line
    end: int  # index of its last line
    command: str
    runs: int
    counters: tuple[Counter, ...]
    label: str | None


def find_perf_stat(lines: Sequence[str]) -> list[Found]:
    """The perf stat blocks of a text: one Found holding the figures of all of them."""
    blocks = [block for index in _headers(lines) if (block := _block(lines, index))]
    if not blocks:
        return []
    start, end = blocks[0].start + 1, blocks[-1].end + 1
    if len(blocks) < 2:
        return [Found(start=start, end=end)]
    names = _names(blocks)
    prose = prose_before(lines, _label_line(lines, blocks[0].start) or blocks[0].start)
    figures: list[Figure] = []
    for counter in blocks[0].counters:
        found = [_counter(block, counter.event) for block in blocks]
        present = [c for c in found if c is not None]
        if len(present) != len(blocks):
            continue
        unit, assumed = unit_of(counter.event, counter.unit or None)
        runs = [block.runs for block in blocks]
        figures.append(
            Figure(
                metric=counter.event,
                unit=unit,
                variants=tuple(
                    Variant(name=name, value=c.value, stddev=c.stddev, n=block.runs)
                    for name, c, block in zip(names, present, blocks, strict=True)
                ),
                source=PERF_STAT,
                lower_is_better=lower_is_better(counter.event, unit),
                statistic=MEAN if min(runs) > 1 else SINGLE,
                line=start,
                context=prose,
                unit_assumed=assumed,
            )
        )
    return [Found(start=start, end=end, figures=tuple(figures))]


def parse_counter(line: str, runs: int) -> Counter | None:
    """One counter, elapsed, user or sys line; None for anything else."""
    found = _VALUE_LINE.fullmatch(line.rstrip())
    if not found:
        return None
    value = parse_number(found.group("value"))
    if value is None:
        return None
    rest = found.group("rest")
    noise = _NOISE.search(rest)
    rest = _MULTIPLEX.sub("", _NOISE.sub("", rest))
    rest = _COMMENT.split(" " + rest, maxsplit=1)[0].strip()
    event, unit = _event(rest)
    if event is None:
        return None
    error: float | None = None
    if found.group("error"):
        error = parse_number(found.group("error"))
    elif noise:
        error = value * float(noise.group("percent")) / 100
    stddev = error * math.sqrt(runs) if error is not None and runs > 1 else None
    return Counter(event=event, value=value, unit=unit, stddev=stddev)


def _event(rest: str) -> tuple[str | None, str]:
    for pattern in (_SPECIAL, _UNIT_FIRST, _UNIT_AFTER):
        found = pattern.fullmatch(rest)
        if found:
            return found.group("event"), normalise_unit(found.group("unit")) or ""
    tokens = rest.split()
    if len(tokens) == 1 and re.fullmatch(r"[A-Za-z][\w\-./:,=@]*", tokens[0]):
        return tokens[0], ""
    if len(tokens) == 2 and tokens[0].isalpha():
        return tokens[1], normalise_unit(tokens[0]) or tokens[0]
    return None, ""


def _headers(lines: Sequence[str]) -> list[int]:
    return [
        i for i, line in enumerate(lines) if "counter stats" in line and _HEADER.fullmatch(line)
    ]


def _block(lines: Sequence[str], index: int) -> Block | None:
    header = _HEADER.fullmatch(lines[index])
    if header is None:
        return None
    runs = int(header.group("runs") or 1)
    counters: list[Counter] = []
    end = index
    scan = index + 1
    while scan < len(lines):
        line = lines[scan]
        if not line.strip() or _NOT_COUNTED.match(line) or _COMMENT.match(line):
            if _NOT_COUNTED.match(line) or _COMMENT.match(line):
                end = scan
            scan += 1
            continue
        counter = parse_counter(line, runs)
        if counter is None:
            break
        if all(c.event != counter.event for c in counters):
            counters.append(counter)
        end = scan
        scan += 1
    if not counters:
        return None
    command = header.group("command") or (header.group("other") or "").strip()
    label_at = _label_line(lines, index)
    label = _label(lines[label_at]) if label_at is not None else None
    return Block(index, end, command, runs, tuple(counters), label)


def _label_line(lines: Sequence[str], index: int) -> int | None:
    """The index of the nearest non-blank line within three lines above `index`."""
    for above in range(index - 1, max(index - 4, -1), -1):
        if lines[above].strip():
            return above
    return None


def _label(line: str) -> str | None:
    """`Before:` -> `Before`; a short line naming a variant counts without its colon too."""
    text = " ".join(line.split())
    if not text:
        return None
    clause = _trailing_variant(text)
    if clause is not None:
        return clause
    if len(text) > _LABEL_LENGTH or len(text.split()) > _LABEL_WORDS:
        return None
    if text.endswith(":"):
        return text[:-1].strip() or None
    if is_variant_label(text) and len(text.split()) <= 4 and not _VALUE_LINE.fullmatch(text):
        return text
    return None


def _trailing_variant(text: str) -> str | None:
    """The last clause of a lead-in (`…, in dom0, before:`) when it names a variant."""
    if not text.endswith(":"):
        return None
    clauses = re.split(r"[,;.(]|\s-\s", text[:-1])
    clause = clauses[-1].strip()
    if len(clauses) > 1 and clause and len(clause.split()) <= 4 and is_variant_label(clause):
        return clause
    return None


def _names(blocks: list[Block]) -> list[str]:
    for names in (
        [block.label or "" for block in blocks],
        [block.command for block in blocks],
    ):
        if all(names) and len(set(names)) == len(names):
            return names
    return [chr(ord("A") + i) if i < 26 else f"#{i + 1}" for i in range(len(blocks))]


def _counter(block: Block, event: str) -> Counter | None:
    return next((c for c in block.counters if c.event == event), None)
