"""The TUI's "GDT simulator" panel: the comparison table, then the explanation and findings.

Textual and the model are imported only when the panel is built or asked whether it applies,
so the plugin loads without them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviewbot.extensions import PanelSpec

if TYPE_CHECKING:
    from textual.widget import Widget

    from reviewbot.checkcontext import CheckContext


def build_panel(context: CheckContext, result: object | None) -> Widget:
    """A scrollable panel: operation counts base against the series' variant, then text."""
    from textual.containers import VerticalScroll
    from textual.widgets import DataTable, Static

    from reviewbot_gdt_sim.advice import findings
    from reviewbot_gdt_sim.render import explanation_lines, number, signed
    from reviewbot_gdt_sim.result import GdtResult

    if not isinstance(result, GdtResult) or result.comparison is None:
        return Static("the series does not touch the modelled GDT code", id="gdt-sim-empty")
    comparison = result.comparison
    table: DataTable[str] = DataTable(id="gdt-sim-comparison", zebra_stripes=True)
    table.add_columns("operation", comparison.reference, comparison.subject, "change")
    for op, before, after, change in comparison.rows:
        table.add_row(op, number(before), number(after), signed(change))
    note = (
        "the measured delta is the thread's (read by perf-compare)"
        if result.measured_in_thread
        else "the thread quotes no wall-time figure: the measured delta is the seed's table"
    )
    text = explanation_lines(comparison, note)
    text += ["", *(f"{f.severity}: {f.message}" for f in findings(result))]
    return VerticalScroll(
        table,
        Static("\n".join(text), id="gdt-sim-notes", markup=False),
        id="gdt-sim-panel",
    )


def _applies(context: CheckContext) -> bool:
    result = context.result("gdt-sim")
    if result is None:  # the plugin did not run: no need to load the model
        return False
    from reviewbot_gdt_sim.result import GdtResult

    return isinstance(result, GdtResult) and result.comparison is not None


GDT_PANEL = PanelSpec(
    id="gdt-sim",
    title="GDT simulator",
    build=build_panel,
    where="review",
    applies=_applies,
)
