"""`reviewbot perf [show] SPEC [--json]`: a thread's figures, judged, with its measured runs."""

from __future__ import annotations

import argparse
import json
import sys

from reviewbot.cli import report_plugin_problems
from reviewbot.commands.thread import fetch_thread
from reviewbot.config import load_settings
from reviewbot.pluginmanager import current_host
from reviewbot.runchecks import jsonable
from reviewbot_perf_compare.advice import findings
from reviewbot_perf_compare.paragraph import reply_paragraphs
from reviewbot_perf_compare.render import show_lines
from reviewbot_perf_compare.result import PerfResult, analyse_thread
from reviewbot_perf_compare.settings import chosen_confidence


def run_show(args: argparse.Namespace) -> int:
    """Fetch the thread, judge its figures, print them (or JSON)."""
    host = current_host()
    settings = load_settings(args.overrides, plugin_settings=host.settings())
    report_plugin_problems(host)
    confidence = chosen_confidence(args, settings)
    fetched, _ = fetch_thread(args)
    result = analyse_thread(fetched.thread, settings, confidence)
    if args.json:
        print(json.dumps(show_json(result), indent=2, ensure_ascii=False))
    else:
        root = fetched.thread.messages.get(fetched.thread.root)
        title = root.subject if root is not None else fetched.thread.root
        print("\n".join(show_lines(result, title)))
    for warning in fetched.warnings:
        print(f"reviewbot: warning: {warning}", file=sys.stderr)
    return 0


def show_json(result: PerfResult) -> dict[str, object]:
    """The result, the findings and the reply paragraphs, as `--json` prints them."""
    return {
        **result.to_json(),
        "findings": jsonable(list(findings(result))),
        "paragraphs": list(reply_paragraphs(result)),
    }
