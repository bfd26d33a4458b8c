"""`reviewbot config [show|path]`."""

from __future__ import annotations

import argparse

from reviewbot.config import describe, load_settings
from reviewbot.paths import config_file, store_file
from reviewbot.pluginmanager import current_host


def run(args: argparse.Namespace) -> int:
    """Print the effective settings, or the config and store paths."""
    if args.what == "path":
        print(f"config: {config_file()}")
        print(f"store:  {store_file()}")
        return 0
    settings = load_settings(args.overrides, plugin_settings=current_host().settings())
    for key, value in describe(settings).items():
        print(f"{key} = {value!r}")
    return 0
