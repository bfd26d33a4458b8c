"""The TUI's Performance panel: the judged figures as a table and as plots, notes, concerns.

The plots (`plot_lines`) are plain text: a strip plot of the samples for stored runs and for
figures posted with raw samples, a bar of mean ± sd per variant for figures posted with their
spread, and only the means, with a note saying so, for figures posted without any.
Textual, the plots and the judging are imported only when the panel is used, so the plugin
loads without them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviewbot.extensions import PanelSpec

if TYPE_CHECKING:
    from textual.widget import Widget

    from reviewbot.checkcontext import CheckContext
    from reviewbot_perf_compare.figures import Figure
    from reviewbot_perf_compare.result import MeasuredRun, PerfResult

#: How wide the panel's plots are drawn, in columns.
PLOT_WIDTH = 64
NO_SPREAD = "no spread posted: cannot draw error bars"


def build_panel(context: CheckContext, result: object | None) -> Widget:
    """A scrollable panel: a table of every figure, their plots, then notes, sizes and runs."""
    from textual.containers import VerticalScroll
    from textual.widgets import DataTable, Static

    from reviewbot_perf_compare.advice import blocks
    from reviewbot_perf_compare.render import block_notes, run_lines, size_lines
    from reviewbot_perf_compare.result import PerfResult
    from reviewbot_perf_compare.wording import change_text, values_text, verdict_text

    if not isinstance(result, PerfResult):
        return Static("no performance figures", id="perf-compare-empty")
    table: DataTable[str] = DataTable(id="perf-compare-figures", zebra_stripes=True)
    table.add_columns("posted by", "metric", "values", "change", "verdict")
    for judgement in result.judgements:
        figure = judgement.figure
        table.add_row(
            figure.author or "?",
            figure.metric,
            values_text(figure),
            "; ".join(change_text(c, figure) for c in judgement.changes),
            "; ".join(verdict_text(c, result.confidence) for c in judgement.changes),
        )
    plot = Static("\n".join(plot_lines(result)), id="perf-compare-plot", markup=False)
    plot.styles.text_wrap = "nowrap"
    plot.styles.width = "auto"
    notes = [f"• {note}" for block in blocks(result.judgements) for note in block_notes(block)]
    notes += [f"! {c.message}" for c in result.concerns]
    extra: list[str] = []
    for size in result.sizes:
        extra += ["", *size_lines(size)]
    for run in result.runs:  # its plot is among the others
        extra += ["", *_before_plot(run_lines(run, result.confidence))]
    panel = VerticalScroll(
        table,
        plot,
        Static("\n".join(notes), id="perf-compare-notes", markup=False),
        Static("\n".join(extra).strip("\n"), id="perf-compare-details", markup=False),
        id="perf-compare-panel",
    )
    panel.styles.overflow_x = "auto"
    return panel


def plot_lines(result: PerfResult, width: int = PLOT_WIDTH) -> list[str]:
    """A plot of every posted figure, then one of each stored run's wall time, blank-separated."""
    lines: list[str] = []
    for judgement in result.judgements:
        lines += ["", *figure_plot(judgement.figure, width)]
    for measured in result.runs:
        lines += ["", *run_plot(measured, width)]
    return lines[1:]


def figure_plot(figure: Figure, width: int = PLOT_WIDTH) -> list[str]:
    """A posted figure: its samples strip-plotted, or its means with their spread if posted."""
    from reviewbot_perf_compare.plot import strip_plot, summary_plot
    from reviewbot_perf_compare.wording import joined, runs_phrase

    who = figure.author or "?"
    phrase = runs_phrase(figure)
    heading = f"{figure.metric}: {who}{', ' + phrase if phrase else ''}"
    samples = [(v.name, v.samples) for v in figure.variants if v.samples]
    if any(len(values) >= 2 for _, values in samples):
        return [heading, *strip_plot(samples, width, figure.unit)]
    means = [(v.name, v.value, v.stddev) for v in figure.variants]
    lines = [heading, *summary_plot(means, width, figure.unit)]
    bare = [v.name for v in figure.variants if not v.stddev]
    if len(bare) == len(figure.variants):
        lines.append(NO_SPREAD)
    elif bare:
        lines.append(f"no spread posted for {joined(bare)}: no error bar drawn")
    return lines


def run_plot(measured: MeasuredRun, width: int = PLOT_WIDTH) -> list[str]:
    """A stored run's wall-time samples, base against series."""
    from reviewbot_perf_compare.plot import strip_plot

    run = measured.run
    heading = f"measured run {run.key} ({run.status}): `{run.header.get('command', '?')}`"
    if not measured.judgements:
        return [heading, "not enough samples to plot"]
    wall = measured.judgements[0].figure
    series = [(v.name, v.samples) for v in wall.variants]
    return [heading, f"{wall.metric} samples:", *strip_plot(series, width, wall.unit)]


def _before_plot(lines: list[str]) -> list[str]:
    """`run_lines` without the plot it ends with (after its first blank line)."""
    return lines[: lines.index("")] if "" in lines else lines


def _applies(context: CheckContext) -> bool:
    result = context.result("perf-compare")
    if result is None:  # the plugin did not run: no need to load the judging
        return False
    from reviewbot_perf_compare.result import PerfResult

    return isinstance(result, PerfResult) and not result.empty


PERF_PANEL = PanelSpec(
    id="perf-compare",
    title="Performance",
    build=build_panel,
    where="review",
    applies=_applies,
)
