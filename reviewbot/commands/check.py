"""`reviewbot check SPEC [--tree DIR] [--base REV] [--plugin NAME …] [--json]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reviewbot.checksession import check_context
from reviewbot.cli import report_plugin_problems
from reviewbot.commands.thread import fetch_thread
from reviewbot.config import load_settings
from reviewbot.errors import SpecError
from reviewbot.findings import Severity, worst
from reviewbot.interrupts import sigterm_as_interrupt
from reviewbot.pluginmanager import current_host
from reviewbot.render_check import check_json_text, check_lines
from reviewbot.runchecks import run_checks, select_plugins, with_apply_findings
from reviewbot.subject import Version
from reviewbot.tree import open_tree


def run(args: argparse.Namespace) -> int:
    """Fetch, collect trailers, apply (with --tree), run the plugins, print the findings."""
    host = current_host()
    settings = load_settings(args.overrides, plugin_settings=host.settings())
    report_plugin_problems(host)
    plugins = select_plugins(host, args.plugin)
    if args.base and not args.tree:
        raise SpecError("--base needs --tree", "give the git tree to apply the series to")
    tree = open_tree(Path(args.tree)) if args.tree else None
    version = Version.parse(args.version) if args.version else None
    result, known = fetch_thread(args)
    try:
        with sigterm_as_interrupt():
            context = check_context(
                result.thread, known, settings, version=version, tree=tree, base=args.base
            )
            report = with_apply_findings(run_checks(host, context, plugins), context)
    except KeyboardInterrupt:
        print(
            "reviewbot: interrupted; no branch was made and the temporary worktree is gone",
            file=sys.stderr,
        )
        return 130
    report_plugin_problems(host)
    if args.json:
        print(check_json_text(report, context))
    else:
        print("\n".join(check_lines(report, context)))
    for warning in result.warnings:
        print(f"reviewbot: warning: {warning}", file=sys.stderr)
    severity = worst(report.findings)
    return 1 if severity is not None and severity.rank >= Severity.WARNING.rank else 0
