"""The trailers plugin's setting: its key and default, light enough to load with the plugin."""

from __future__ import annotations

MIN_FIXES_DIGITS = "trailers.min_fixes_digits"
DEFAULT_MIN_FIXES_DIGITS = 12
