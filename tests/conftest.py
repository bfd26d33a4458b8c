"""Shared test setup: every test runs with its own REVIEWBOT_HOME and no real network."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reviewbot.pluginmanager import reset_current_host

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# Fixture modules written alongside the feature they serve.
pytest_plugins: list[str] = ["tests.support.faulty_server", "tests.support.public_inbox"]


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point reviewbot's config and store at a fresh directory; never the user's."""
    home = tmp_path / "reviewbot-home"
    monkeypatch.setenv("REVIEWBOT_HOME", str(home))
    # Lore lookups are off unless a test points them at a loopback server.
    monkeypatch.setenv("REVIEWBOT_LORE_URL", "")
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    # Plugins come from the installed entry points only, loaded afresh for every test.
    for name in ("REVIEWBOT_LOAD_PLUGINS", "REVIEWBOT_BLOCK_PLUGINS", "REVIEWBOT_PLUGINS_DIR"):
        monkeypatch.delenv(name, raising=False)
    reset_current_host()
    yield home
    reset_current_host()


@pytest.fixture
def fixtures_dir() -> Path:
    """The project's fixtures directory."""
    return FIXTURES
