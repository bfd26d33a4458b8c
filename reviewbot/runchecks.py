"""Run the check hooks of the chosen plugins over a series and gather findings and results.

Each plugin is called on its own, with the time limit of `plugins.timeout`: what it raises,
returns wrongly or does not finish in time becomes an error finding of that plugin, and the
other plugins still run. Results (`review_result`) are computed once, when first asked for:
by another plugin through `CheckContext.result`, or at the end for the report.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import PurePath

from reviewbot.apply import CONFLICT
from reviewbot.attribution import PatchReview
from reviewbot.checkcontext import CheckContext
from reviewbot.errors import ConfigError
from reviewbot.findings import Finding, Severity, ordered
from reviewbot.pluginmanager import PluginHost
from reviewbot.progress import Progress, SilentProgress

CHECK_HOOKS = ("check_series", "check_patch", "review_result")


@dataclass(frozen=True)
class CheckReport:
    """Everything the plugins said about the series."""

    findings: tuple[Finding, ...]
    results: Mapping[str, object]
    plugins: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        """`{"findings": [...], "results": {plugin: result}}` as `check --json` prints it."""
        return {
            "findings": [f.to_json() for f in self.findings],
            "results": {name: jsonable(value) for name, value in self.results.items()},
        }


def select_plugins(host: PluginHost, wanted: Sequence[str]) -> tuple[str, ...]:
    """The plugins that run checks, limited to `wanted` when given (ConfigError for unknown)."""
    checkers = [n for n in host.names if any(h in host.infos[n].hooks for h in CHECK_HOOKS)]
    if not wanted:
        return tuple(checkers)
    unknown = [n for n in wanted if n not in host.infos]
    if unknown:
        loaded = ", ".join(checkers) or "none"
        raise ConfigError(
            f"no plugin named {', '.join(unknown)} is loaded",
            f"pick from: {loaded} (see `reviewbot plugins`)",
        )
    return tuple(dict.fromkeys(wanted))


class _Run:
    """One check run: the context, the memo of results and the findings so far."""

    def __init__(self, host: PluginHost, context: CheckContext) -> None:
        self.host = host
        self.context = context
        self.timeout = context.settings.plugins_timeout
        self.findings: list[Finding] = []
        self.results: dict[str, object] = {}
        self.computing: list[str] = []
        context.read_result = self.result

    def result(self, plugin: str) -> object | None:
        if plugin in self.results:
            return self.results[plugin]
        if plugin in self.computing:
            cycle = " -> ".join([*self.computing, plugin])
            self._error(plugin, "review_result", f"results depend on each other: {cycle}")
            return None
        self.computing.append(plugin)
        try:
            outcome = self.host.call(
                "review_result", plugin, {"context": self.context}, self.timeout
            )
        finally:
            self.computing.pop()
        if outcome.error:
            self._error(plugin, "review_result", outcome.error)
        self.results[plugin] = outcome.value
        return outcome.value

    def findings_of(
        self, plugin: str, hook: str, arguments: Mapping[str, object], patch: int | None
    ) -> None:
        outcome = self.host.call(hook, plugin, arguments, self.timeout)
        if outcome.error:
            self._error(plugin, hook, outcome.error, patch)
            return
        if outcome.value is None:
            return
        if not isinstance(outcome.value, Iterable) or isinstance(outcome.value, str | bytes):
            kind = type(outcome.value).__name__
            self._error(plugin, hook, f"returned {kind}, not findings", patch)
            return
        for item in outcome.value:
            if not isinstance(item, Finding):
                self._error(plugin, hook, f"returned {item!r}, not a Finding", patch)
                continue
            self.findings.append(
                replace(item, plugin=plugin, patch=item.patch if item.patch else patch)
            )

    def _error(self, plugin: str, hook: str, error: str, patch: int | None = None) -> None:
        self.findings.append(
            Finding(
                Severity.ERROR,
                f"plugin {plugin} failed in {hook}: {error}",
                patch=patch,
                code="reviewbot/plugin-failed",
                plugin=plugin,
            )
        )


def run_checks(
    host: PluginHost,
    context: CheckContext,
    plugins: Sequence[str],
    progress: Progress | None = None,
) -> CheckReport:
    """Run `check_series`, then `check_patch` for every patch, of each plugin in order.

    `progress` sees one step per hook call (a cancellable one stops the run between calls).
    """
    run = _Run(host, context)
    patches: tuple[PatchReview, ...] = context.review.patches
    steps = progress or SilentProgress()
    steps.add_total(len(plugins) * (len(patches) + 2))
    for plugin in plugins:
        run.findings_of(plugin, "check_series", {"context": context}, None)
        steps.advance()
        for patch in patches:
            run.findings_of(
                plugin, "check_patch", {"patch": patch, "context": context}, patch.patch.index
            )
            steps.advance()
    for plugin in plugins:
        if "review_result" in host.infos[plugin].hooks:
            run.result(plugin)
        steps.advance()
    results = {p: run.results[p] for p in plugins if run.results.get(p) is not None}
    return CheckReport(tuple(ordered(run.findings)), results, tuple(plugins))


def jsonable(value: object) -> object:
    """A plugin result as JSON data: dataclasses, enums, paths and mappings taken apart."""
    to_json = getattr(value, "to_json", None)
    if callable(to_json):
        return jsonable(to_json())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, PurePath):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def with_apply_findings(report: CheckReport, context: CheckContext) -> CheckReport:
    """A patch that did not apply is worth a warning: the checks then saw only the mail."""
    if context.apply is None:
        return report
    extra = [
        Finding(
            Severity.WARNING,
            f"does not apply to {context.apply.base.commit[:12]}: "
            + "; ".join(f"{c.path}: {c.reason}" for c in outcome.conflicts)
            + " (checks that read the tree saw the series only up to here)",
            patch=outcome.number,
            code="reviewbot/apply-conflict",
            plugin="reviewbot",
        )
        for outcome in context.apply.patches
        if outcome.status == CONFLICT
    ]
    if not extra:
        return report
    return replace(report, findings=tuple(ordered([*report.findings, *extra])))
