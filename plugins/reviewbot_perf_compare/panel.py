"""The TUI's Performance panel: the judged figures as a table, notes, concerns and plots.

Textual is imported only when the panel is built, so the plugin loads without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviewbot.checkcontext import CheckContext
from reviewbot.extensions import PanelSpec
from reviewbot_perf_compare.result import PerfResult
from reviewbot_perf_compare.wording import change_text, values_text, verdict_text

if TYPE_CHECKING:
    from textual.widget import Widget


def build_panel(context: CheckContext, result: object | None) -> Widget:
    """A scrollable panel: one table of every figure, then notes, size reports and runs."""
    from textual.containers import VerticalScroll
    from textual.widgets import DataTable, Static

    from reviewbot_perf_compare.advice import blocks
    from reviewbot_perf_compare.render import block_notes, run_lines, size_lines

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
    notes = [f"• {note}" for block in blocks(result.judgements) for note in block_notes(block)]
    notes += [f"! {c.message}" for c in result.concerns]
    extra: list[str] = []
    for size in result.sizes:
        extra += ["", *size_lines(size)]
    for run in result.runs:
        extra += ["", *run_lines(run, result.confidence)]
    return VerticalScroll(
        table,
        Static("\n".join(notes), id="perf-compare-notes", markup=False),
        Static("\n".join(extra).strip("\n"), id="perf-compare-details", markup=False),
        id="perf-compare-panel",
    )


def _applies(context: CheckContext) -> bool:
    result = context.result("perf-compare")
    return isinstance(result, PerfResult) and not result.empty


PERF_PANEL = PanelSpec(
    id="perf-compare",
    title="Performance",
    build=build_panel,
    where="review",
    applies=_applies,
)
