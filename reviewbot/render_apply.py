"""How `reviewbot apply` reports: lines for people, a JSON document for scripts."""

from __future__ import annotations

import json
from typing import Any

from reviewbot.apply import CONFLICT, ApplyResult, PatchOutcome

_MARK = {
    "applied": "ok",
    "applied-with-fuzz": "fuzz",
    "conflict": "FAIL",
    "not-applied": "--",
    "missing": "??",
}


def apply_lines(result: ApplyResult) -> list[str]:
    """The base and its rule, one block per patch, then the branch or what was cleaned up."""
    base = result.base
    lines = [f"base: {base.commit[:12]} ({base.rule}): {base.detail}"]
    lines += [f"  warning: {w}" for w in base.warnings]
    total = len(result.patches)
    for outcome in result.patches:
        lines += _patch_lines(outcome, total)
    lines += [f"note: {n}" for n in result.notes]
    applied = [p for p in result.patches if p.applied]
    if result.kept is not None:
        failed = next(p for p in result.patches if p.status == CONFLICT)
        files = " ".join(c.path for c in failed.conflicts)
        lines += [
            f"kept the worktree at {result.kept} on branch {result.branch}, stopped at "
            f"patch {failed.number} (only the series' files are checked out)",
            f"resolve there: edit {files}, git add them, git am --continue; "
            f"then git worktree remove {result.kept}",
        ]
    elif result.branch is not None and result.head is not None:
        lines.append(
            f"branch: {result.branch} at {result.head[:12]} "
            f"({len(applied)} commit{'s' if len(applied) != 1 else ''} on {base.commit[:12]})"
        )
        lines.append(f"look at it: git log --stat {base.commit[:12]}..{result.branch}")
    else:
        lines.append(
            "nothing was left behind: no branch was created and the temporary worktree is gone "
            "(add --keep to resolve the conflict by hand)"
        )
    return lines


def _patch_lines(outcome: PatchOutcome, total: int) -> list[str]:
    commit = f" {outcome.commit[:12]}" if outcome.commit else ""
    how = f" ({outcome.method})" if outcome.method and outcome.method != "exact" else ""
    lines = [
        f"  [{_MARK.get(outcome.status, '?'):>4}] {outcome.number}/{total} {outcome.status}{how}"
        f"{commit}  {outcome.subject}"
    ]
    for conflict in outcome.conflicts:
        lines.append(f"         {conflict.path}: {conflict.reason}")
        lines += [f"           {hunk}" for hunk in conflict.hunks]
    lines += [f"         {note}" for note in outcome.notes]
    return lines


def apply_json(result: ApplyResult) -> dict[str, Any]:
    """`{"base", "base_rule", "branch", "head", "patches": [...]}` plus details."""
    return {
        "base": result.base.commit,
        "base_rule": result.base.rule,
        "base_detail": result.base.detail,
        "base_warnings": list(result.base.warnings),
        "branch": result.branch,
        "head": result.head,
        "complete": result.complete,
        "worktree": str(result.kept) if result.kept is not None else None,
        "notes": list(result.notes),
        "patches": [
            {
                "number": p.number,
                "subject": p.subject,
                "status": p.status,
                "method": p.method or None,
                "commit": p.commit,
                "files": list(p.files),
                "notes": list(p.notes),
                "conflicts": [
                    {"path": c.path, "reason": c.reason, "hunks": list(c.hunks)}
                    for c in p.conflicts
                ],
            }
            for p in result.patches
        ],
    }


def apply_json_text(result: ApplyResult) -> str:
    """The JSON document, indented."""
    return json.dumps(apply_json(result), indent=2, ensure_ascii=False)
