"""The plugin's findings: what a reviewer should say about the figures a thread quotes.

Figures are posted in replies and cover letters as often as in patches, so every finding is
about the series as a whole. Codes:

- `perf-compare/no-variance` (warning): a block of means without any spread;
- `perf-compare/wall-vs-cpu` (warning): wall time out of proportion to CPU time;
- `perf-compare/stated-change-mismatch` (warning): a written delta the values contradict;
- `perf-compare/size-inconsistent` (warning): bloat-o-meter parts that do not add up;
- `perf-compare/significant`, `perf-compare/no-difference-proven` (info): tested changes;
- `perf-compare/few-runs`, `perf-compare/unequal-variance`, `perf-compare/best-of` (info);
- `perf-compare/size-change` (info): a bloat-o-meter summary;
- `perf-compare/measured` (info): a `reviewbot perf run` kept in the store.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from reviewbot.findings import Finding, Severity
from reviewbot_perf_compare.figures import SINGLE, Figure, SizeReport
from reviewbot_perf_compare.judge import NOT_PROVEN, SIGNIFICANT, Judgement
from reviewbot_perf_compare.result import MeasuredRun, PerfResult
from reviewbot_perf_compare.wording import (
    change_text,
    figure_line,
    joined,
    runs_phrase,
    verdict_text,
    what_to_ask,
)

#: How each kind of block is named in a sentence.
SOURCE_NAMES = {
    "table": "table",
    "arrow": "figures",
    "perf-stat": "perf stat output",
    "hyperfine": "hyperfine output",
    "ministat": "ministat output",
    "samples": "samples",
    "measured": "measurement",
}
_WARNING_NOTES = frozenset({"perf-compare/stated-change-mismatch"})
_SIZE_ENTRIES_SHOWN = 3


def findings(result: PerfResult) -> Iterator[Finding]:
    """Every finding about the thread's figures, size reports and stored runs."""
    for block in blocks(result.judgements):
        yield from _block_findings(block, result.confidence)
    for concern in result.concerns:
        said = f"{concern.author}'s table: " if concern.author else ""
        yield Finding(Severity.WARNING, said + concern.message, code=concern.code)
    for size in result.sizes:
        yield from _size_findings(size)
    for run in result.runs:
        yield from _run_findings(run, result.confidence)


def blocks(judgements: Sequence[Judgement]) -> list[list[Judgement]]:
    """Judgements grouped by the table or output block they were posted in, in order."""
    grouped: dict[tuple[str, int], list[Judgement]] = {}
    for judgement in judgements:
        key = (judgement.figure.message_id, judgement.figure.block)
        grouped.setdefault(key, []).append(judgement)
    return list(grouped.values())


def _block_findings(block: list[Judgement], confidence: float) -> Iterator[Finding]:
    first = block[0].figure
    unjudged = [j for j in block if not j.judged]
    if unjudged:
        yield Finding(
            Severity.WARNING,
            _no_variance_message(first, unjudged),
            details="\n".join(figure_line(j) for j in unjudged),
            code="perf-compare/no-variance",
        )
    for judgement in block:
        for change in judgement.changes:
            if change.verdict == SIGNIFICANT:
                code = "perf-compare/significant"
            elif change.verdict == NOT_PROVEN:
                code = "perf-compare/no-difference-proven"
            else:
                continue
            yield Finding(
                Severity.INFO,
                f"{_by(judgement.figure.author)}{judgement.figure.metric} "
                f"{change.reference} → {change.variant}: {change_text(change, judgement.figure)}"
                f", {verdict_text(change, confidence)}",
                code=code,
            )
        for note in judgement.notes:
            severity = Severity.WARNING if note.code in _WARNING_NOTES else Severity.INFO
            yield Finding(
                severity,
                f"{_by(judgement.figure.author)}{judgement.figure.metric}: {note.text}",
                code=note.code,
            )


def _no_variance_message(first: Figure, unjudged: list[Judgement]) -> str:
    """Who posted what without spread, the changes, and what to ask for."""
    kind = SOURCE_NAMES.get(first.source, first.source)
    changes = "; ".join(_short(j) for j in unjudged)
    if first.statistic == SINGLE:
        return (
            f"{_by(first.author)}{kind} come from single runs ({changes}), so significance "
            f"cannot be judged: ask for {what_to_ask(first)}"
        )
    phrase = runs_phrase(first) or "values"
    verb = "give" if kind.endswith("s") else "gives"
    return (
        f"{_by(first.author)}{kind} {verb} {phrase} without any variance ({changes}), so "
        f"significance cannot be judged: ask for {what_to_ask(first)}"
    )


def _short(judgement: Judgement) -> str:
    """`elapsed -9.51 s, -14.3%`."""
    figure = judgement.figure
    changes = ", ".join(change_text(c, figure, bracket=False) for c in judgement.changes)
    return f"{figure.metric} {changes}"


def _size_findings(size: SizeReport) -> Iterator[Finding]:
    parts = []
    net = size.net
    if size.total_before is not None and size.total_after is not None:
        net = size.total_after - size.total_before  # the measured totals over the header
    if net is not None:
        total = f"{net:+d} bytes in total"
        if size.change_percent is not None:
            total += f" ({size.change_percent:+.2f}%)"
        parts.append(total)
    biggest = sorted(size.entries, key=lambda e: -abs(e.delta))[:_SIZE_ENTRIES_SHOWN]
    for entry in biggest:
        if entry.old and entry.new is not None:
            parts.append(f"{entry.name} {entry.delta:+d} ({entry.delta * 100 / entry.old:+.1f}%)")
        else:
            state = "new" if entry.old is None else "removed"
            parts.append(f"{entry.name} {entry.delta:+d} ({state})")
    if parts:
        yield Finding(
            Severity.INFO,
            f"{_by(size.author)}bloat-o-meter output: {parts[0]}"
            + (f"; {joined(parts[1:])}" if parts[1:] else ""),
            code="perf-compare/size-change",
        )
    for note in size.notes:
        yield Finding(
            Severity.WARNING,
            f"{_by(size.author)}bloat-o-meter output does not add up: {note}",
            code="perf-compare/size-inconsistent",
        )


def _run_findings(measured: MeasuredRun, confidence: float) -> Iterator[Finding]:
    run = measured.run
    shown = [
        f"{j.figure.metric} {change_text(c, j.figure)}, {verdict_text(c, confidence)}"
        for j in measured.judgements
        for c in j.changes
    ]
    if not shown:
        return
    count = len(run.recorded) // 2
    yield Finding(
        Severity.INFO,
        f"measured `{run.header.get('command', '?')}` ({count} runs per tree, run {run.key}"
        f"{', ' + run.status if run.status != 'complete' else ''}): {shown[0]}",
        details="\n".join(shown[1:]) or None,
        code="perf-compare/measured",
    )


def _by(author: str) -> str:
    return f"{author}'s " if author else ""
