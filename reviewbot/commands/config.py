"""`reviewbot config [show|path]`."""

from __future__ import annotations

import argparse

from reviewbot.config import describe, load_settings
from reviewbot.paths import config_file, store_file


def run(args: argparse.Namespace) -> int:
    """Print the effective settings, or the config and store paths."""
    if args.what == "path":
        print(f"config: {config_file()}")
        print(f"store:  {store_file()}")
        return 0
    for key, value in describe(load_settings(args.overrides)).items():
        print(f"{key} = {value!r}")
    return 0
