"""The check results screen: the findings of the last check run, and the plugins' panels.

The "Findings" tab groups the report's findings by severity (errors, warnings, then infos) in
a tree, with the highlighted finding in full below it; Enter on a finding about a patch shows
that patch at the finding's place. Every plugin panel registered for `where="review"` that
applies to the checked series gets a tab of its own, built from the plugin's result. A panel
that fails shows its error in its tab instead. Nothing is rebuilt until a new check run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static, TabbedContent, TabPane, Tree
from textual.widgets.tabbed_content import ContentTabs
from textual.widgets.tree import TreeNode

from reviewbot.checkcontext import CheckContext
from reviewbot.findings import Finding, Severity
from reviewbot.render_check import summary_line
from reviewbot.runchecks import CheckReport
from reviewbot.tui.base import ReviewScreen
from reviewbot.tui.panels import build_panels

#: The order the severities are shown in.
SEVERITIES: tuple[Severity, ...] = (Severity.ERROR, Severity.WARNING, Severity.INFO)

#: Tabs the `P` and `G` keys go to: the panel ids of perf-compare and gdt-sim.
PERFORMANCE_PANEL = "perf-compare"
GDT_PANEL = "gdt-sim"

FINDINGS_TAB = "checks-findings"
_LABEL_WIDTH = 100
_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def finding_place(finding: Finding) -> str:
    """`patch 1 · xen/arch/x86/domain.c:123`, `patch 1 · commit message line 2`, `series`."""
    parts = ["series" if finding.patch is None else f"patch {finding.patch}"]
    if finding.file is not None:
        parts.append(f"{finding.file}:{finding.line}" if finding.line else finding.file)
    elif finding.line is not None:
        parts.append(f"commit message line {finding.line}")
    return " · ".join(parts)


def finding_label(finding: Finding) -> str:
    """One line for the tree: place · first line of the message [plugin]."""
    message = finding.message.splitlines()[0] if finding.message else ""
    if len(message) > _LABEL_WIDTH:
        message = message[: _LABEL_WIDTH - 1] + "…"
    return f"{finding_place(finding)} · {message} [{finding.plugin}]"


def severity_label(severity: Severity, count: int) -> str:
    """`error (2)`."""
    return f"{severity} ({count})"


def grouped(findings: Iterable[Finding]) -> list[tuple[Severity, list[Finding]]]:
    """The findings by severity, errors first; severities without findings left out."""
    listed = list(findings)
    groups = [(s, [f for f in listed if f.severity == s]) for s in SEVERITIES]
    return [(s, found) for s, found in groups if found]


def finding_detail(finding: Finding) -> str:
    """Everything a finding says, for the detail pane."""
    head = f"{finding.severity} · {finding.plugin}" + (f" · {finding.code}" if finding.code else "")
    lines = [head, finding_place(finding), "", finding.message]
    if finding.details:
        lines += ["", finding.details]
    if finding.patch is not None:
        lines += ["", "Enter: show this place in the patch"]
    return "\n".join(lines)


def report_heading(context: CheckContext, report: CheckReport) -> str:
    """`title (v1, 1 patch) · applied on 0086a527fa4d · 13 findings: …`."""
    revision = context.revision
    count = len(revision.patches)
    applied = context.apply
    if applied is None:
        where = "mail only (no tree)"
    elif applied.complete:
        where = f"applied on {applied.base.commit[:12]}"
    else:
        done = sum(p.applied for p in applied.patches)
        where = f"{done} of {len(applied.patches)} applied on {applied.base.commit[:12]}"
    return (
        f"{revision.title} ({revision.version}, {count} patch{'es' if count != 1 else ''})"
        f" · {where} · {summary_line(report.findings)}"
    )


def _pane_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", text)


class FindingTree(Tree[Finding | None]):
    """The findings by severity. Enter is the tree's own key (so keys typed before it move
    the cursor first), shown in the footer as the screen's."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Patch", id="checks-open")
    ]


class ChecksScreen(ReviewScreen):
    """What the check plugins said: findings by severity, and the plugins' panels."""

    NAME = "checks"
    AUTO_FOCUS = "#checks-tree"
    DEFAULT_CSS = """
    ChecksScreen {
        #checks-title {
            height: auto;
            padding: 0 1;
            background: $panel;
            color: $text-accent;
            text-style: bold;
        }
        #checks-hint { padding: 1 2; }
        #checks-tabs { height: 1fr; }
        #checks-findings-pane { height: 1fr; }
        #checks-tree { height: 2fr; }
        #checks-detail-scroll {
            height: 1fr;
            min-height: 4;
            border-top: solid $primary;
        }
        #checks-detail { padding: 0 1; }
        .panel-error { color: $error; padding: 1; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_finding", "Patch", id="checks-open"),  # with the tree unfocused
        Binding("e", "first('error')", "Errors", id="checks-errors", show=False),
        Binding("w", "first('warning')", "Warnings", id="checks-warnings", show=False),
        Binding("i", "first('info')", "Infos", id="checks-infos", show=False),
        Binding("f", "findings", "Findings", id="checks-findings"),
        Binding("P", f"panel('{PERFORMANCE_PANEL}')", "Perf", id="checks-performance"),
        Binding("G", f"panel('{GDT_PANEL}')", "GDT", id="checks-gdt"),
        Binding("right_square_bracket", "cycle(1)", "Next tab", id="checks-next-tab", show=False),
        Binding(
            "left_square_bracket", "cycle(-1)", "Previous tab", id="checks-previous-tab", show=False
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._shown: CheckReport | None = None
        self._panes: list[tuple[str, str]] = []  # (panel id, pane id) in tab order
        self._generation = 0

    def compose_body(self) -> ComposeResult:
        yield Static("", id="checks-title", markup=False)
        yield Static("", id="checks-hint", markup=False)
        tree = FindingTree("findings", id="checks-tree")
        tree.show_root = False
        tree.auto_expand = False
        findings = Vertical(
            tree,
            VerticalScroll(Static("", id="checks-detail", markup=False), id="checks-detail-scroll"),
            id="checks-findings-pane",
        )
        with TabbedContent(id="checks-tabs"):
            yield TabPane("Findings", findings, id=FINDINGS_TAB)

    # --- showing the session ------------------------------------------------------------------

    @property
    def findings_tree(self) -> Tree[Finding | None]:
        """The findings tree."""
        found: Tree[Finding | None] = self.query_one("#checks-tree", Tree)
        return found

    def refresh_view(self) -> None:
        """Show the session's report; tabs and tree are rebuilt only for a new report."""
        if not self.query("#checks-tree"):
            return  # not composed yet: on_mount shows the session
        report, context = self.session.report, self.session.context
        title = self.query_one("#checks-title", Static)
        hint = self.query_one("#checks-hint", Static)
        tabs = self.query_one("#checks-tabs", TabbedContent)
        if report is None or context is None or self.session.thread is None:
            title.update("no check results")
            hint.update(
                "press c to run the checks"
                if self.session.thread is not None
                else "open a thread first (o), then press c to run the checks"
            )
            hint.display = True
            tabs.display = False
            self._show_report(None, None)
            return
        title.update(report_heading(context, report))
        hint.display = False
        tabs.display = True
        self._show_report(report, context)

    def _show_report(self, report: CheckReport | None, context: CheckContext | None) -> None:
        if report is self._shown:
            return
        self._shown = report
        self._fill_tree(report)
        self._fill_panels(report, context)

    def _fill_tree(self, report: CheckReport | None) -> None:
        tree = self.findings_tree
        tree.clear()
        detail = self.query_one("#checks-detail", Static)
        detail.update("")
        if report is None:
            return
        if not report.findings:
            tree.root.add_leaf(Text("no findings"), None)
            detail.update("the plugins found nothing to remark on")
            return
        for severity, findings in grouped(report.findings):
            node = tree.root.add(
                Text(severity_label(severity, len(findings)), style=_STYLES[severity]),
                None,
                expand=True,
            )
            for finding in findings:
                node.add_leaf(Text(finding_label(finding)), finding)
        first = self._first_leaf(None)
        if first is not None:
            self._move_to(first)
            # Keep the first severity's heading in view once the tree has its size.
            tree.call_after_refresh(tree.scroll_home, animate=False, immediate=True)

    def _fill_panels(self, report: CheckReport | None, context: CheckContext | None) -> None:
        tabs = self.query_one("#checks-tabs", TabbedContent)
        for _, pane_id in self._panes:
            tabs.remove_pane(pane_id)
        self._panes = []
        tabs.active = FINDINGS_TAB
        built = (
            build_panels(self.session.host, "review", context, report)
            if report is not None and context is not None
            else []
        )
        self._generation += 1
        for index, panel in enumerate(built):
            pane_id = f"checks-panel-{self._generation}-{index}-{_pane_id(panel.panel_id)}"
            tabs.add_pane(TabPane(panel.title, panel.widget, id=pane_id))
            self._panes.append((panel.panel_id, pane_id))
            if panel.error is not None:
                self.notify(panel.error, title=panel.plugin, severity="error", timeout=8)
        self.refresh_bindings()

    def panel_pane(self, panel_id: str) -> TabPane | None:
        """The tab showing plugin panel `panel_id` (None when it is not shown)."""
        pane_id = self._pane_of(panel_id)
        if pane_id is None:
            return None
        return self.query_one("#checks-tabs", TabbedContent).get_pane(pane_id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The P and G keys exist only while their panel has a tab."""
        if action == "panel":
            return bool(parameters) and self._pane_of(str(parameters[0])) is not None
        return True

    def _pane_of(self, panel_id: str) -> str | None:
        return next((pane for panel, pane in self._panes if panel == panel_id), None)

    # --- the tree -----------------------------------------------------------------------------

    def _first_leaf(self, severity: Severity | None) -> TreeNode[Finding | None] | None:
        for group in self.findings_tree.root.children:
            for leaf in group.children:
                finding = leaf.data
                if finding is not None and (severity is None or finding.severity == severity):
                    return leaf
        return None

    def _move_to(self, node: TreeNode[Finding | None]) -> None:
        tree = self.findings_tree
        if node.parent is not None:
            node.parent.expand()
        _ = tree.last_line  # lays the lines out, so the node knows its line
        tree.move_cursor(node)
        self._show_detail(node.data)

    def _show_detail(self, finding: Finding | None) -> None:
        if finding is not None:
            self.query_one("#checks-detail", Static).update(finding_detail(finding))

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Finding | None]) -> None:
        """The detail pane follows the cursor."""
        event.stop()
        self._show_detail(event.node.data)

    def on_tree_node_selected(self, event: Tree.NodeSelected[Finding | None]) -> None:
        """Enter on a finding shows its patch; on a severity folds or unfolds it."""
        event.stop()
        if event.node.data is None:
            event.node.toggle()
            return
        self._open(event.node.data)

    def _open(self, finding: Finding) -> None:
        if finding.patch is None:
            self.notify("this finding is about the series as a whole", title="checks")
            return
        self.rb_app.open_patch(finding.patch, finding.file, finding.line)

    # --- keys ---------------------------------------------------------------------------------

    def action_open_finding(self) -> None:
        """Show the highlighted finding's patch at its place."""
        node = self.findings_tree.cursor_node
        if node is not None and node.data is not None:
            self._open(node.data)

    def action_first(self, severity: str) -> None:
        """Go to the first finding of a severity."""
        wanted = Severity(severity)
        if self._shown is None:
            self.notify("no check results yet: press c", severity="warning")
            return
        leaf = self._first_leaf(wanted)
        if leaf is None:
            self.notify(f"no {wanted} findings", title="checks")
            return
        self.action_findings()
        self._move_to(leaf)

    def action_findings(self) -> None:
        """The findings tab, with the tree focused."""
        self._activate(FINDINGS_TAB)

    def action_panel(self, panel_id: str) -> None:
        """A plugin panel's tab, when the run has one."""
        pane_id = self._pane_of(panel_id)
        if pane_id is None:
            self.notify(f"no {panel_id} panel for this series", severity="warning")
            return
        self._activate(pane_id)

    def action_cycle(self, step: int) -> None:
        """The next (or previous) tab."""
        tabs = self.query_one("#checks-tabs", TabbedContent)
        order = [FINDINGS_TAB, *(pane for _, pane in self._panes)]
        current = order.index(tabs.active) if tabs.active in order else 0
        self._activate(order[(current + step) % len(order)])

    def _activate(self, pane_id: str) -> None:
        """Show a tab and focus what is in it (a focused widget left in a hidden tab would
        bring its tab back)."""
        tabs = self.query_one("#checks-tabs", TabbedContent)
        tabs.active = pane_id
        if pane_id == FINDINGS_TAB:
            self.findings_tree.focus()
            return
        inside = [w for w in tabs.get_pane(pane_id).query("*") if w.focusable]
        if inside:
            inside[0].focus()
        else:
            tabs.query_one(ContentTabs).focus()
