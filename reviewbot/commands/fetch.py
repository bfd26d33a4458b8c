"""`reviewbot fetch SPEC [-o FILE] [--json] [--offline] [-q] [--msgid ID]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reviewbot.config import load_settings
from reviewbot.fetch import FetchResult, fetch
from reviewbot.mail import normalize_msgid
from reviewbot.paths import store_file
from reviewbot.progress import progress_for
from reviewbot.render import summary_line, thread_json, tree_lines, write_thread_mbox
from reviewbot.spec import LocalSpec, parse_spec
from reviewbot.store import Store


def run(args: argparse.Namespace) -> int:
    """Fetch, then print the tree (or JSON) and write the mbox; 1 when the thread is incomplete."""
    settings = load_settings(args.overrides)
    spec = parse_spec(args.spec)
    message_id = normalize_msgid(args.msgid) if args.msgid else None
    output = Path(args.output) if args.output else None
    if output is not None and not output.parent.is_dir():
        from reviewbot.errors import SpecError

        raise SpecError(f"cannot write {output}: no directory {output.parent}", "create it first")
    offline = args.offline and not isinstance(spec, LocalSpec)
    progress = progress_for("fetching", quiet=args.quiet or args.json)
    try:
        with Store.open(store_file(), create=not offline) as store:
            result = fetch(spec, settings, store, progress, offline=offline, message_id=message_id)
    finally:
        progress.close()
    _report(result, args, output)
    return 1 if result.warnings else 0


def _report(result: FetchResult, args: argparse.Namespace, output: Path | None) -> None:
    if output is not None:
        write_thread_mbox(result.thread, output)
    if args.json:
        print(thread_json(result.thread))
    else:
        print("\n".join(tree_lines(result.thread)))
        if not args.quiet:
            print(summary_line(result.thread))
            if output is not None:
                print(f"wrote {len(result.thread.messages)} messages to {output}")
    for warning in result.warnings:
        print(f"reviewbot: warning: {warning}", file=sys.stderr)
