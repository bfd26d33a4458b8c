"""The plugin's settings, their checks, and how a command's options override them."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from reviewbot.errors import ConfigError
from reviewbot.extensions import SettingSpec, SettingValue
from reviewbot_perf_compare.stats import CONFIDENCE_LEVELS

if TYPE_CHECKING:
    from reviewbot.config import Settings

CONFIDENCE = "perf-compare.confidence"
RUNS = "perf-compare.runs"
WARMUP = "perf-compare.warmup"
WALL_CPU_RATIO = "perf-compare.wall_cpu_ratio"


def _confidence(value: SettingValue) -> str | None:
    if isinstance(value, int | float) and float(value) in CONFIDENCE_LEVELS:
        return None
    return "must be one of " + ", ".join(f"{level:g}" for level in CONFIDENCE_LEVELS)


def _at_least(low: int) -> Callable[[SettingValue], str | None]:
    def check(value: SettingValue) -> str | None:
        fits = isinstance(value, int) and not isinstance(value, bool) and value >= low
        return None if fits else f"must be a whole number of at least {low}"

    return check


def _ratio(value: SettingValue) -> str | None:
    fits = isinstance(value, int | float) and not isinstance(value, bool) and value > 1
    return None if fits else "must be a number above 1"


SETTINGS = (
    SettingSpec(
        CONFIDENCE,
        95.0,
        "confidence level of the t-tests, in percent: 80, 90, 95, 98, 99 or 99.5 (as in "
        "ministat, whose 99.5 row holds the stricter two-sided 99.8% values)",
        validate=_confidence,
    ),
    SettingSpec(RUNS, 10, "runs per tree of `perf run` (at least 2)", validate=_at_least(2)),
    SettingSpec(WARMUP, 1, "warm-up rounds of `perf run` before measuring", validate=_at_least(0)),
    SettingSpec(
        WALL_CPU_RATIO,
        2.0,
        "flag a table whose wall-time change is more than this many times its CPU-time change",
        validate=_ratio,
    ),
)


def number(settings: Settings, key: str) -> float:
    """A numeric setting's value."""
    value = settings.value(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{key} is {value!r}, not a number", f"set it with -c {key}=NUMBER")
    return float(value)


def chosen_confidence(args: argparse.Namespace, settings: Settings) -> float:
    """`--confidence` when given (checked like the setting), else the setting."""
    given = getattr(args, "confidence", None)
    if given is None:
        return number(settings, CONFIDENCE)
    problem = _confidence(given)
    if problem is not None:
        raise ConfigError(f"--confidence {given:g} {problem}", "e.g. --confidence 95")
    return float(given)
