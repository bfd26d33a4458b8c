"""Settings: defaults, then the TOML config file, then `REVIEWBOT_*` variables, then `-c key=value`.

Keys are dotted (`http.timeout`); in the file they are TOML tables (`[http]` / `timeout = 5`), in
the environment upper-case with underscores (`REVIEWBOT_HTTP_TIMEOUT`).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from reviewbot.errors import ConfigError

DEFAULT_LORE_URL = "https://lore.kernel.org/xen-devel"
DEFAULT_ARCHIVE_URL = "https://lists.xenproject.org/archives/html/xen-devel"


@dataclass(frozen=True)
class Settings:
    """Every setting reviewbot reads; field names are the dotted keys with `_` for `.`."""

    lore_url: str = DEFAULT_LORE_URL
    """Public-inbox base for Message-ID lookups and pristine copies; empty disables lore."""
    archive_url: str = DEFAULT_ARCHIVE_URL
    """The MHonArc archive of the list (its month directories live below it)."""
    http_timeout: float = 20.0
    """Seconds to wait for a server before an attempt counts as failed."""
    http_concurrency: int = 8
    """Requests in flight at once."""
    http_retries: int = 4
    """Extra attempts after a connection error, 429 or 5xx."""
    http_backoff: float = 0.5
    """First retry delay in seconds; doubles per attempt, with jitter."""
    http_max_bytes: int = 64 * 2**20
    """Largest response body accepted."""
    http_max_decompressed_bytes: int = 256 * 2**20
    """Largest body accepted after gzip decoding."""
    fetch_neighbour_months: int = 1
    """Archive months before and after a thread's own that are searched for its other messages."""
    apply_base_window_days: int = 30
    """Days before the mail's date searched first for a commit holding every pre-image blob."""
    apply_committer: str = ""
    """`Name <email>` for commits reviewbot makes; empty: git's user.name/user.email."""


def _key_of(field_name: str) -> str:
    head, _, tail = field_name.partition("_")
    return f"{head}.{tail}" if head in {"http", "fetch", "apply"} and tail else field_name


_TYPES: dict[str, type] = {"str": str, "int": int, "float": float}
KEYS: dict[str, dataclasses.Field[Any]] = {_key_of(f.name): f for f in fields(Settings)}


def _convert(key: str, raw: object, origin: str) -> object:
    kind = _TYPES[str(KEYS[key].type)]
    if isinstance(raw, kind) and not isinstance(raw, bool):
        return raw
    try:
        if kind is int:
            return int(str(raw))
        if kind is float:
            return float(str(raw))
        return str(raw)
    except ValueError:
        raise ConfigError(
            f"{origin}: {key} must be a number, not {raw!r}", f"fix the value of {key}"
        ) from None


def _lookup_key(name: str, origin: str) -> str:
    key = name.strip().lower().replace("-", "_")
    if key not in KEYS:
        key = key.replace("_", ".", 1) if "." not in key else key
    if key not in KEYS:
        known = ", ".join(sorted(KEYS))
        raise ConfigError(f"{origin}: unknown setting {name!r}", f"known settings: {known}")
    return key


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in table.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{name}."))
        else:
            flat[f"{prefix}{name}"] = value
    return flat


def _from_file(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as handle:
            table = tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}", "fix or remove it") from None
    origin = str(path)
    return {
        (key := _lookup_key(name, origin)): _convert(key, value, origin)
        for name, value in _flatten(table).items()
    }


def _from_environment(environ: Mapping[str, str]) -> dict[str, object]:
    found: dict[str, object] = {}
    for key in KEYS:
        variable = "REVIEWBOT_" + key.upper().replace(".", "_")
        if variable in environ:
            found[key] = _convert(key, environ[variable], variable)
    return found


def _from_overrides(overrides: Sequence[str]) -> dict[str, object]:
    found: dict[str, object] = {}
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep:
            raise ConfigError(f"-c {item!r} is not key=value", "write it as -c lore_url=URL")
        key = _lookup_key(name, "-c")
        found[key] = _convert(key, value.strip(), "-c")
    return found


def load_settings(
    overrides: Sequence[str] = (),
    environ: Mapping[str, str] | None = None,
    config_path: Path | None = None,
) -> Settings:
    """Settings from every layer; ConfigError names the layer and key that is wrong."""
    from reviewbot.paths import config_file

    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    values.update(_from_file(config_path or config_file()))
    values.update(_from_environment(env))
    values.update(_from_overrides(overrides))
    fields_given: dict[str, Any] = {KEYS[key].name: value for key, value in values.items()}
    settings = Settings(**fields_given)
    _validate(settings)
    return settings


def _validate(settings: Settings) -> None:
    if settings.http_concurrency < 1:
        raise ConfigError("http.concurrency must be at least 1", "set it to 8, the default")
    if settings.apply_base_window_days < 1:
        raise ConfigError("apply.base_window_days must be at least 1", "set it to 30, the default")
    for name in ("lore_url", "archive_url"):
        url = getattr(settings, name)
        if url and not url.startswith(("http://", "https://")):
            raise ConfigError(f"{name} must be an http(s) URL, not {url!r}", "or empty to disable")


def describe(settings: Settings) -> dict[str, object]:
    """The settings as dotted keys, for `reviewbot config show`."""
    return {key: getattr(settings, field.name) for key, field in KEYS.items()}
