"""How `reviewbot perf` prints: tables of figures and changes, size reports, runs and plots."""

from __future__ import annotations

from collections.abc import Sequence

from reviewbot_perf_compare.advice import SOURCE_NAMES, blocks
from reviewbot_perf_compare.figures import SizeReport
from reviewbot_perf_compare.judge import Judgement
from reviewbot_perf_compare.plot import MARKERS, strip_plot
from reviewbot_perf_compare.result import MeasuredRun, PerfResult
from reviewbot_perf_compare.stats import Comparison, Summary, ministat_text, significant_digits
from reviewbot_perf_compare.wording import (
    change_text,
    decimals,
    runs_phrase,
    verdict_text,
    what_to_ask,
)

_INDENT = "  "


def columns(rows: Sequence[Sequence[str]], numeric: Sequence[bool]) -> list[str]:
    """Rows as aligned text: numeric columns to the right, others to the left."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(width) if numeric[i] else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


def show_lines(result: PerfResult, title: str) -> list[str]:
    """The whole report of `reviewbot perf SPEC`."""
    lines = [title]
    if result.empty:
        return [*lines, "", "no performance figures in this thread, and no measured runs"]
    for block in blocks(result.judgements):
        lines += ["", *block_lines(block, result.confidence)]
    for concern in result.concerns:
        lines += ["", f"! {concern.message}"]
    for size in result.sizes:
        lines += ["", *size_lines(size)]
    for measured in result.runs:
        lines += ["", *run_lines(measured, result.confidence)]
    return lines


def block_lines(block: Sequence[Judgement], confidence: float) -> list[str]:
    """A heading naming the poster, the figures as a table, then each figure's notes."""
    first = block[0].figure
    kind = SOURCE_NAMES.get(first.source, first.source)
    phrase = runs_phrase(first)
    who = f"{first.author}: " if first.author else ""
    quoted = " (seen only quoted)" if first.quoted else ""
    heading = f"{who}{kind}{', ' + phrase if phrase else ''}{quoted}"
    names = [v.name for v in first.variants]
    same_variants = all([v.name for v in j.figure.variants] == names for j in block)
    rows: list[list[str]] = []
    if same_variants:
        rows.append(["metric", "unit", *names, "change", "verdict"])
        for judgement in block:
            rows.append(_figure_row(judgement, confidence))
        lines = [heading, *(_INDENT + line for line in columns(rows, _numeric(len(names))))]
    else:  # figures of one block naming different variants: one line each
        lines = [heading]
        for judgement in block:
            figure = judgement.figure
            places = decimals(figure)
            values = ", ".join(f"{v.name} {v.value:.{places}f}" for v in figure.variants)
            changes = "; ".join(change_text(c, figure) for c in judgement.changes)
            lines.append(f"{_INDENT}{figure.metric}: {values}: {changes}")
    lines += [f"{_INDENT}- {note}" for note in block_notes(block)]
    if any(j.figure.unit_assumed for j in block):
        lines.append(f"{_INDENT}(a unit with ? is assumed from the metric's name)")
    lines += _plots(block)
    return lines


def block_notes(block: Sequence[Judgement]) -> list[str]:
    """Each figure's notes, then what to ask for when some figure has no spread."""
    notes = [f"{j.figure.metric}: {n.text}" for j in block for n in j.notes]
    if not all(j.judged for j in block):
        notes.append(
            "no variance given: significance cannot be judged; ask for "
            + what_to_ask(block[0].figure)
        )
    return notes


def _numeric(variant_count: int) -> list[bool]:
    return [False, False, *([True] * variant_count), True, False]


def _figure_row(judgement: Judgement, confidence: float) -> list[str]:
    figure = judgement.figure
    places = decimals(figure)
    values = [_value_cell(v.value, v.stddev, places) for v in figure.variants]
    change = "; ".join(change_text(c, figure, unit=False) for c in judgement.changes)
    verdict = "; ".join(verdict_text(c, confidence) for c in judgement.changes)
    unit = figure.unit + ("?" if figure.unit_assumed else "")
    return [figure.metric, unit, *values, change, verdict]


def _value_cell(value: float, stddev: float | None, places: int) -> str:
    if stddev is None:
        return f"{value:.{places}f}"
    return f"{value:.{places}f} ± {significant_digits(stddev)}"


def _plots(block: Sequence[Judgement]) -> list[str]:
    lines: list[str] = []
    for judgement in block:
        figure = judgement.figure
        series = [(v.name, v.samples) for v in figure.variants if v.samples]
        if len(series) >= 1 and any(len(s) >= 2 for _, s in series):
            lines += ["", f"{_INDENT}{figure.metric} samples:"]
            lines += [_INDENT + line for line in strip_plot(series, unit=figure.unit)]
    return lines


def size_lines(size: SizeReport) -> list[str]:
    """A bloat-o-meter block as a table with per-symbol percentages."""
    who = f"{size.author}: " if size.author else ""
    lines = [f"{who}bloat-o-meter output{' (seen only quoted)' if size.quoted else ''}"]
    if size.net is not None:
        lines.append(
            f"{_INDENT}add/remove: {size.added}/{size.removed} grow/shrink: "
            f"{size.grown}/{size.shrunk} up/down: {size.up}/{size.down} ({size.net:+d})"
        )
    rows = [["symbol", "old", "new", "delta", "change"]]
    for entry in size.entries:
        if entry.old:
            pct = f"{entry.delta * 100 / entry.old:+.1f}%"
        else:
            pct = "new" if entry.old is None else ""
        if entry.new is None:
            pct = "removed"
        rows.append(
            [
                entry.name,
                "-" if entry.old is None else str(entry.old),
                "-" if entry.new is None else str(entry.new),
                f"{entry.delta:+d}",
                pct,
            ]
        )
    if size.total_before is not None and size.total_after is not None:
        delta = size.total_after - size.total_before
        pct = f"{size.change_percent:+.2f}%" if size.change_percent is not None else ""
        rows.append(["total", str(size.total_before), str(size.total_after), f"{delta:+d}", pct])
    if len(rows) > 1:
        lines += [_INDENT + line for line in columns(rows, [False, True, True, True, True])]
    lines += [f"{_INDENT}- does not add up: {note}" for note in size.notes]
    return lines


def run_lines(measured: MeasuredRun, confidence: float) -> list[str]:
    """A stored `perf run`: what ran where, a table of mean ± sd per tree, and the plot."""
    run = measured.run
    header = run.header
    counts = {v: sum(1 for s in run.recorded if s.variant == v) for v in ("base", "series")}
    lines = [
        f"measured run {run.key} ({run.status}): `{header.get('command', '?')}`",
        f"{_INDENT}base {str(header.get('base', '?'))[:12]}, series "
        f"{str(header.get('head', '?'))[:12]}, {counts['base']}+{counts['series']} runs, "
        f"{header.get('warmup', 0)} warm-up round(s), on {header.get('host', '?')}",
    ]
    if not measured.judgements:
        return [*lines, f"{_INDENT}not enough samples to compare"]
    rows = [["metric", "unit", "base", "series", "change", "verdict"]]
    rows += [_figure_row(j, confidence) for j in measured.judgements]
    lines += [_INDENT + line for line in columns(rows, _numeric(2))]
    floor = header.get("rss_floor_kib")
    peaks = [s.max_rss_kib for s in run.recorded]
    if isinstance(floor, int) and peaks and max(peaks) <= floor * 1.1:
        lines.append(
            f"{_INDENT}- max RSS is at reviewbot's own footprint ({floor} KiB), which a forked "
            "command carries until it execs: the command's real peak is smaller than that"
        )
    wall = measured.judgements[0].figure
    series = [(v.name, v.samples) for v in wall.variants]
    lines += ["", f"{_INDENT}{wall.metric} samples:"]
    lines += [_INDENT + line for line in strip_plot(series, unit=wall.unit)]
    return lines


def compare_lines(
    names: Sequence[str],
    summaries: Sequence[Summary],
    comparisons: Sequence[Comparison],
    samples: Sequence[Sequence[float]],
) -> list[str]:
    """`perf compare`: the files' statistics, ministat's verdict per file, and the plot."""
    rows = [["", "file", "N", "Min", "Max", "Median", "Avg", "Stddev"]]
    for index, (name, summary) in enumerate(zip(names, summaries, strict=True)):
        rows.append(
            [
                MARKERS[index % len(MARKERS)],
                name,
                str(summary.n),
                f"{summary.minimum:g}",
                f"{summary.maximum:g}",
                f"{summary.median:g}",
                f"{summary.mean:.6g}",
                f"{summary.stddev:.6g}",
            ]
        )
    lines = columns(rows, [False, False, True, True, True, True, True, True])
    for name, comparison in zip(names[1:], comparisons, strict=True):
        lines.append(f"{name} against {names[0]}: {ministat_text(comparison)}")
        lines.append(
            f"{_INDENT}(Student's t, pooled s = {comparison.pooled_stddev:.6g}, "
            f"df = {comparison.df}, p = {comparison.p_value:.3g})"
        )
    lines += ["", *strip_plot(list(zip(names, samples, strict=True)))]
    return lines
