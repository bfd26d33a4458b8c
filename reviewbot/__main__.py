"""`python -m reviewbot`."""

from __future__ import annotations

from reviewbot.cli import console_main

console_main()
