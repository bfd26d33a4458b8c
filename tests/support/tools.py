"""Real external tools the tests drive: skip without them, except in CI where that fails."""

from __future__ import annotations

import os
import shutil

import pytest


def require_tools(package: str, *tools: str) -> None:
    """Skip the test unless every tool is on PATH; with REVIEWBOT_REQUIRE_TOOLS=1 fail instead.

    `package` says where the tool comes from: a Debian package, or `pip:NAME` for PyPI.
    """
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if not missing:
        return
    where = (
        f"PyPI package {package[4:]}, in the [test] extra"
        if package.startswith("pip:")
        else f"Debian package {package}"
    )
    reason = f"{', '.join(missing)} not installed ({where})"
    if os.environ.get("REVIEWBOT_REQUIRE_TOOLS") == "1":
        pytest.fail(reason + "; CI must install it", pytrace=False)
    pytest.skip(reason)
