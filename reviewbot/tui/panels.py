"""Plugin panels (`register_panels`) built into widgets for the screen they name.

A panel that fails to build becomes a tab holding its error: a plugin never takes a screen down.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.widget import Widget
from textual.widgets import Static

from reviewbot.checkcontext import CheckContext
from reviewbot.pluginmanager import PluginHost
from reviewbot.runchecks import CheckReport


@dataclass(frozen=True)
class BuiltPanel:
    """A plugin panel ready to be a tab: its widget, or the error that replaced it."""

    plugin: str
    panel_id: str
    title: str
    widget: Widget
    error: str | None = None


def build_panels(
    host: PluginHost, where: str, context: CheckContext, report: CheckReport | None
) -> list[BuiltPanel]:
    """The plugins' panels for screen `where` that apply to `context`, built from their results.

    A panel whose `applies` or `build` raises becomes a Static holding the error text.
    """
    built: list[BuiltPanel] = []
    for plugin, spec in host.panels():
        if spec.where != where:
            continue
        try:
            if spec.applies is not None and not spec.applies(context):
                continue
            result = report.results.get(plugin) if report is not None else None
            widget = spec.build(context, result)
            built.append(BuiltPanel(plugin, spec.id, spec.title, widget))
        except Exception as exc:  # a plugin's failure must not take the screen down
            error = f"the {spec.title} panel of {plugin} failed: {type(exc).__name__}: {exc}"
            widget = Static(error, markup=False, classes="panel-error")
            built.append(BuiltPanel(plugin, spec.id, spec.title, widget, error))
    return built
