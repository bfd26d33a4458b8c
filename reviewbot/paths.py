"""Where reviewbot keeps its configuration and its store.

`REVIEWBOT_HOME` puts everything under one directory (tests, throw-away runs); otherwise the
platform's usual user directories are used.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "reviewbot"


def home_override() -> Path | None:
    """The directory named by `REVIEWBOT_HOME`, if set and non-empty."""
    value = os.environ.get("REVIEWBOT_HOME", "").strip()
    return Path(value).expanduser() if value else None


def config_file() -> Path:
    """The TOML config file (it need not exist); `REVIEWBOT_CONFIG` names another one."""
    explicit = os.environ.get("REVIEWBOT_CONFIG", "").strip()
    if explicit:
        return Path(explicit).expanduser()
    home = home_override()
    if home is not None:
        return home / "config.toml"
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / "config.toml"


def data_dir() -> Path:
    """The directory holding the local store (not created here)."""
    home = home_override()
    if home is not None:
        return home / "data"
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def store_file() -> Path:
    """The SQLite file of the local store."""
    return data_dir() / "store.sqlite3"
