"""Real external tools the tests drive: skip without them, except in CI where that fails."""

from __future__ import annotations

import os
import shutil

import pytest


def require_tools(package: str, *tools: str) -> None:
    """Skip the test unless every tool is on PATH; with REVIEWBOT_REQUIRE_TOOLS=1 fail instead."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if not missing:
        return
    reason = f"{', '.join(missing)} not installed (Debian package {package})"
    if os.environ.get("REVIEWBOT_REQUIRE_TOOLS") == "1":
        pytest.fail(reason + "; CI must install it", pytrace=False)
    pytest.skip(reason)
