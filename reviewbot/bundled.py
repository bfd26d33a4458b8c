"""Data shipped with reviewbot: inside the installed package, or under `fixtures/` in a checkout."""

from __future__ import annotations

from pathlib import Path

from reviewbot.errors import ReviewbotError

_PACKAGE = Path(__file__).resolve().parent


def bundled(in_package: str, in_checkout: str, what: str) -> Path:
    """`reviewbot/_demo/<in_package>` when installed, else `<checkout>/<in_checkout>`."""
    for candidate in (_PACKAGE / "_demo" / in_package, _PACKAGE.parent / in_checkout):
        if candidate.exists():
            return candidate
    raise ReviewbotError(f"the bundled {what} is missing", "reinstall reviewbot (pip install .)")
