"""`reviewbot plugins [--json]`: what is loaded, from where, with which hooks."""

from __future__ import annotations

import argparse
import json

from reviewbot.pluginmanager import current_host


def run(args: argparse.Namespace) -> int:
    """Print every loaded plugin, and every one that failed to load (exit 1 if any did)."""
    host = current_host()
    host.settings()  # a plugin whose settings are broken shows up among the failures
    host.panels()
    infos = list(host.infos.values())
    if args.json:
        document = {
            "plugins": [info.to_json() for info in infos],
            "failed": [{"name": p.name, "error": p.message} for p in host.problems],
        }
        print(json.dumps(document, indent=2))
    else:
        width = max((len(i.name) for i in infos), default=4)
        for info in infos:
            version = info.version or "-"
            print(f"{info.name:<{width}}  {version:<8} {info.source:<9} {', '.join(info.hooks)}")
        for problem in host.problems:
            print(f"{problem.name:<{width}}  failed: {problem.message}")
        if not infos and not host.problems:
            print("no plugins are loaded (see REVIEWBOT_LOAD_PLUGINS and REVIEWBOT_BLOCK_PLUGINS)")
    return 1 if host.problems else 0
