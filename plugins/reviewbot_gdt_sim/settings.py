"""The plugin's settings (`gdt-sim.*`), their checks, and the values a run reads from them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reviewbot.errors import ConfigError
from reviewbot.extensions import SettingSpec, SettingValue
from reviewbot_gdt_sim.ops import COSTED

if TYPE_CHECKING:
    from reviewbot.config import Settings

GHZ = "gdt-sim.ghz"
SEED = "gdt-sim.seed"
SWITCHES = "gdt-sim.switches"
L1TF = "gdt-sim.l1tf_vulnerable"
LATENCY_OVERRIDES = "gdt-sim.latency_overrides"
BOUND_RATE = "gdt-sim.bound_rate"
CHECK_SWITCHES = "gdt-sim.check_switches"


def parse_overrides(text: str) -> dict[str, float]:
    """`lgdt=60,cr3_writes=300` as {op: cycles}; ValueError naming what is wrong."""
    overrides: dict[str, float] = {}
    for item in text.replace(";", ",").split(","):
        item = item.strip()
        if not item:
            continue
        op, equals, value = item.partition("=")
        op = op.strip()
        if not equals:
            raise ValueError(f"{item!r} is not OP=CYCLES")
        if op not in COSTED:
            raise ValueError(f"unknown operation {op!r}; known: {', '.join(COSTED)}")
        try:
            cycles = float(value)
        except ValueError:
            raise ValueError(f"{op}={value.strip()!r}: cycles must be a number") from None
        if cycles < 0:
            raise ValueError(f"{op}={cycles:g}: cycles must not be negative")
        overrides[op] = cycles
    return overrides


def _overrides(value: SettingValue) -> str | None:
    if not isinstance(value, str):
        return "must be text like lgdt=60,cr3_writes=300"
    try:
        parse_overrides(value)
    except ValueError as exc:
        return str(exc)
    return None


def _at_least(low: int) -> Callable[[SettingValue], str | None]:
    def check(value: SettingValue) -> str | None:
        fits = isinstance(value, int) and not isinstance(value, bool) and value >= low
        return None if fits else f"must be a whole number of at least {low}"

    return check


def _positive(value: SettingValue) -> str | None:
    fits = isinstance(value, int | float) and not isinstance(value, bool) and value > 0
    return None if fits else "must be a number above 0"


SETTINGS = (
    SettingSpec(GHZ, 3.0, "clock rate in GHz that turns modelled cycles into time", _positive),
    SettingSpec(SEED, 1, "seed of the generated traces", _at_least(0)),
    SettingSpec(
        SWITCHES,
        0,
        "scheduling events of a workload trace (0: the workload's own default; Juergen's is "
        "60 s at 1000 events/s on each of 8 pCPUs)",
        _at_least(0),
    ),
    SettingSpec(
        L1TF,
        False,
        "model an L1TF-vulnerable CPU, where every is_pv_domain() costs an LFENCE",
    ),
    SettingSpec(
        LATENCY_OVERRIDES,
        "",
        "cycles per operation replacing the published figures, e.g. lgdt=60,cr3_writes=300",
        _overrides,
    ),
    SettingSpec(
        BOUND_RATE,
        1e6,
        "switches per second per pCPU of the plausibility bound (gdt-model §6.3: an absurd 10^6)",
        _positive,
    ),
    SettingSpec(
        CHECK_SWITCHES,
        40000,
        "scheduling events of the Juergen trace `reviewbot check` replays (kept short so the "
        "check stays fast)",
        _at_least(1),
    ),
)


@dataclass(frozen=True)
class SimSettings:
    """The settings one run uses."""

    ghz: float = 3.0
    seed: int = 1
    switches: int = 0
    l1tf_vulnerable: bool = False
    latency_overrides: tuple[tuple[str, float], ...] = ()
    bound_rate: float = 1e6
    check_switches: int = 40000


def _number(settings: Settings, key: str) -> float:
    value = settings.value(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{key} is {value!r}, not a number", f"set it with -c {key}=NUMBER")
    return float(value)


def sim_settings(settings: Settings) -> SimSettings:
    """The `gdt-sim.*` values of loaded settings."""
    text = settings.value(LATENCY_OVERRIDES)
    try:
        overrides = parse_overrides(str(text))
    except ValueError as exc:
        raise ConfigError(f"{LATENCY_OVERRIDES}: {exc}", "e.g. lgdt=60,cr3_writes=300") from None
    return SimSettings(
        ghz=_number(settings, GHZ),
        seed=int(_number(settings, SEED)),
        switches=int(_number(settings, SWITCHES)),
        l1tf_vulnerable=bool(settings.value(L1TF)),
        latency_overrides=tuple(overrides.items()),
        bound_rate=_number(settings, BOUND_RATE),
        check_switches=int(_number(settings, CHECK_SWITCHES)),
    )
