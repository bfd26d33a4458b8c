"""How `reviewbot check` reports: findings grouped by patch and severity, or JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable

from reviewbot.checkcontext import CheckContext
from reviewbot.findings import Finding, Severity
from reviewbot.render_apply import apply_json
from reviewbot.runchecks import CheckReport

_SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)


def check_lines(report: CheckReport, context: CheckContext) -> list[str]:
    """A heading, where the series was applied, then the findings patch by patch."""
    revision = context.revision
    count = len(revision.patches)
    lines = [
        f"{revision.title} ({revision.version}, {count} patch{'es' if count != 1 else ''})",
        _where(context),
        f"checked by: {', '.join(report.plugins) or 'no plugin'}",
    ]
    series_wide = [f for f in report.findings if f.patch is None]
    if series_wide:
        lines += ["", "series"]
        lines += _grouped(series_wide)
    for review in context.review.patches:
        number = review.patch.index
        found = [f for f in report.findings if f.patch == number]
        lines += ["", f"[{number}/{revision.total}] {review.patch.subject.title}"]
        lines += _grouped(found) if found else ["  no findings"]
    lines += ["", summary_line(report.findings)]
    return lines


def summary_line(findings: Iterable[Finding]) -> str:
    """`3 findings: 1 error, 1 warning, 1 info`."""
    listed = list(findings)
    counts = [
        f"{sum(f.severity == s for f in listed)} {s}{'s' if s != Severity.INFO else ''}"
        for s in _SEVERITIES
    ]
    counts = [c.replace("1 errors", "1 error").replace("1 warnings", "1 warning") for c in counts]
    return f"{len(listed)} finding{'s' if len(listed) != 1 else ''}: {', '.join(counts)}"


def _where(context: CheckContext) -> str:
    applied = context.apply
    if applied is None:
        return "not applied (no --tree): checked the mail only"
    base = applied.base
    done = sum(p.applied for p in applied.patches)
    state = "applied" if applied.complete else f"{done} of {len(applied.patches)} applied"
    branch = f"on branch {applied.branch}" if applied.branch else "no branch made"
    return f"{state} on {base.commit[:12]} ({base.rule}), {branch}"


def _grouped(findings: list[Finding]) -> list[str]:
    lines: list[str] = []
    for severity in _SEVERITIES:
        chosen = [f for f in findings if f.severity == severity]
        if not chosen:
            continue
        lines.append(f"  {severity}")
        for finding in chosen:
            place = _place(finding)
            lines.append(f"    {finding.plugin}: {place}{finding.message}")
            if finding.details:
                lines += [f"      {line}" for line in finding.details.splitlines()]
    return lines


def _place(finding: Finding) -> str:
    """`file:line: ` before the message (left out when the message starts with the file)."""
    if finding.file is None or (finding.line is None and finding.message.startswith(finding.file)):
        return ""
    return f"{finding.file}:{finding.line}: " if finding.line else f"{finding.file}: "


def check_json_text(report: CheckReport, context: CheckContext) -> str:
    """`{"findings": [...], "results": {...}, "plugins": [...], "apply": …}`; `apply` is
    `reviewbot apply --json`'s document (null without --tree)."""
    document = report.to_json()
    document["plugins"] = list(report.plugins)
    document["apply"] = None if context.apply is None else apply_json(context.apply)
    return json.dumps(document, indent=2, ensure_ascii=False)
