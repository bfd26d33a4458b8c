"""`reviewbot tui [SPEC] [--msgid ID] [--tree DIR] [--base REV] [--month YYYY-MM] [--archive]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reviewbot.cli import report_plugin_problems
from reviewbot.config import Settings, load_settings
from reviewbot.errors import SpecError
from reviewbot.mail import normalize_msgid
from reviewbot.monthlist import Month, month_location
from reviewbot.pluginmanager import PluginHost, current_host
from reviewbot.reviewsession import ReviewSession
from reviewbot.spec import parse_spec
from reviewbot.tree import Tree, open_tree


def run(args: argparse.Namespace) -> int:
    """Check the options, then open the TUI on the thread or month they name."""
    if args.msgid and not args.spec:
        raise SpecError("--msgid needs a SPEC", "give the file or URL that holds the thread")
    host = current_host()
    settings = load_settings(args.overrides, plugin_settings=host.settings())
    report_plugin_problems(host)
    require_terminal()
    tree = open_tree(Path(args.tree)) if args.tree else None
    if args.base and tree is None:
        raise SpecError("--base needs --tree", "give the git tree to apply the series to")
    message_id = normalize_msgid(args.msgid) if args.msgid else None
    return open_tui(
        host,
        settings,
        tree,
        args.spec,
        args.base,
        args.month,
        args.archive,
        message_id=message_id,
    )


def require_terminal() -> None:
    """The TUI draws on a terminal; a pipe or a file gets a one-line error instead."""
    if not (sys.stdout.isatty() and sys.stdin.isatty()):
        raise SpecError(
            "the TUI needs a terminal (stdin or stdout is not one)",
            "run it in a terminal, or use fetch, check and reply from scripts",
        )


def open_tui(
    host: PluginHost,
    settings: Settings,
    tree: Tree | None,
    spec: str | None,
    base: str | None = None,
    month: str | None = None,
    archive: bool = False,
    *,
    message_id: str | None = None,
    store_path: Path | None = None,
) -> int:
    """Run the TUI until the user quits; SpecError (before it starts) for a bad SPEC."""
    from reviewbot.tui.app import ReviewbotApp, StartPoint

    location = month_location(spec) if spec else None
    if spec and location is None:
        parse_spec(spec)  # a bad SPEC is one line here, not a notification later
    start = StartPoint(
        spec=spec if location is None else None,
        message_id=message_id,
        month=Month.parse(month) if month else None,
        archive_month_url=location.month_url if location else None,
        from_archive=archive or location is not None,
    )
    session = ReviewSession(host=host, settings=settings, tree=tree, base=base)
    if store_path is not None:
        session.store_path = store_path
    app = ReviewbotApp(session, start)
    app.apply_settings()
    app.run()
    return app.return_code or 0
