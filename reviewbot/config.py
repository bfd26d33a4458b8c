"""Settings: defaults, then the TOML config file, then `REVIEWBOT_*` variables, then `-c key=value`.

Keys are dotted (`http.timeout`); in the file they are TOML tables (`[http]` / `timeout = 5`), in
the environment upper-case with underscores (`REVIEWBOT_HTTP_TIMEOUT`).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any

from reviewbot.errors import ConfigError
from reviewbot.extensions import SettingSpec

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
    plugins_timeout: float = 60.0
    """Seconds one plugin hook may run before it is reported as hung and the others go on."""
    user_name: str = ""
    """Your name for replies and their trailers; empty: git's user.name."""
    user_email: str = ""
    """Your address for replies and their trailers; empty: git's user.email."""
    reply_list: str = "Xen-devel <xen-devel@lists.xenproject.org>"
    """The list every reply is copied to (and whose masked address is recognised); empty: none."""
    reply_signature: str = ""
    """What ends a reply (placeholders allowed, `\\n` for new lines); empty: your first name."""
    reply_context: int = 3
    """Lines quoted above each commented line of a review reply."""
    reply_width: int = 72
    """Column at which comments and plugin paragraphs are wrapped."""
    reply_template_review: str = ""
    """A template file for `reply --kind review`; empty: a plugin's, else the built-in one."""
    reply_template_ack: str = ""
    """A template file for `reply --kind ack`; empty: a plugin's, else the built-in one."""
    reply_template_thanks: str = ""
    """A template file for `reply --kind thanks`; empty: a plugin's, else the built-in one."""
    tui_theme: str = "textual-dark"
    """The TUI's colour theme (`textual-dark`, `textual-light` or any Textual theme name)."""
    tui_keys: str = ""
    """TUI key remapping: `id=keys` pairs joined by `;`, e.g. `quit=ctrl+q;series=S,3`."""
    plugin_values: Mapping[str, object] = field(
        default_factory=lambda: MappingProxyType({}), repr=False
    )
    """Plugin settings by dotted key (defaults filled in for every declared setting)."""

    def value(self, key: str) -> object:
        """A setting by its dotted key, core or plugin; ConfigError when nobody declares it."""
        if key in KEYS:
            return getattr(self, KEYS[key].name)
        if key in self.plugin_values:
            return self.plugin_values[key]
        raise ConfigError(f"unknown setting {key!r}", "see `reviewbot config show`")


_CORE_NAMESPACES = frozenset({"http", "fetch", "apply", "plugins", "user", "reply", "tui"})


def _key_of(field_name: str) -> str:
    head, _, tail = field_name.partition("_")
    return f"{head}.{tail}" if head in _CORE_NAMESPACES and tail else field_name


_TYPES: dict[str, type] = {"str": str, "int": int, "float": float, "bool": bool}
KEYS: dict[str, dataclasses.Field[Any]] = {
    _key_of(f.name): f for f in fields(Settings) if f.name != "plugin_values"
}
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


def _convert_to(kind: type, key: str, raw: object, origin: str) -> object:
    if isinstance(raw, kind) and (kind is bool or not isinstance(raw, bool)):
        return raw
    text = str(raw).strip()
    try:
        if kind is bool:
            if text.lower() in _TRUE | _FALSE:
                return text.lower() in _TRUE
            raise ValueError(text)
        if kind is int:
            return int(text)
        if kind is float:
            return float(text)
        return str(raw)
    except ValueError:
        wanted = "true or false" if kind is bool else "a number"
        raise ConfigError(
            f"{origin}: {key} must be {wanted}, not {raw!r}", f"fix the value of {key}"
        ) from None


def _convert(key: str, raw: object, origin: str) -> object:
    return _convert_to(_TYPES[str(KEYS[key].type)], key, raw, origin)


class _Keys:
    """Which dotted keys exist: the core ones and, when known, the loaded plugins' ones."""

    def __init__(self, specs: Sequence[SettingSpec] | None) -> None:
        self.specs = {s.key: s for s in specs or ()}
        self.checked = specs is not None
        self.namespaces = {key.split(".", 1)[0] for key in self.specs}

    def lookup(self, name: str, origin: str, *, strict: bool) -> str | None:
        """The key `name` means; None for a plugin key that is kept raw or ignored.

        Core keys accept `-` for `_` and `http_timeout` for `http.timeout`. A plugin key must
        be written as the plugin declares it. Without the plugins' declarations (`checked`
        false) plugin-looking keys are kept raw; with them, an unknown namespace is an error
        when `strict` (command line, environment) and ignored in the file (a plugin that is
        not loaded now may be loaded next time).
        """
        key = name.strip().lower().replace("-", "_")
        if key not in KEYS and "." not in key:
            key = key.replace("_", ".", 1)
        if key in KEYS:
            return key
        plugin_key = name.strip().lower()
        if plugin_key in self.specs:
            return plugin_key
        namespace = plugin_key.split(".", 1)[0]
        plugin_like = "." in plugin_key and namespace.replace("_", "-") not in _CORE_NAMESPACES
        if plugin_like and not self.checked:
            return None
        if plugin_like and namespace not in self.namespaces and not strict:
            return None
        known = ", ".join(sorted([*KEYS, *self.specs]))
        raise ConfigError(f"{origin}: unknown setting {name!r}", f"known settings: {known}")

    def convert(self, key: str, raw: object, origin: str) -> object:
        if key in KEYS:
            return _convert(key, raw, origin)
        spec = self.specs[key]
        value = _convert_to(spec.kind, key, raw, origin)
        problem = spec.validate(value) if spec.validate is not None else None  # type: ignore[arg-type]
        if problem:
            raise ConfigError(
                f"{origin}: {key} {problem}, not {raw!r}", f"the default is {spec.default!r}"
            )
        return value


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in table.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{name}."))
        else:
            flat[f"{prefix}{name}"] = value
    return flat


def _from_file(path: Path, keys: _Keys) -> dict[str, object]:
    try:
        with path.open("rb") as handle:
            table = tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}", "fix or remove it") from None
    origin = str(path)
    found: dict[str, object] = {}
    for name, value in _flatten(table).items():
        key = keys.lookup(name, origin, strict=False)
        if key is not None:
            found[key] = keys.convert(key, value, origin)
    return found


def environment_variable(key: str) -> str:
    """The variable that sets `key`: `REVIEWBOT_HTTP_TIMEOUT`, `REVIEWBOT_XEN_POLICY_STRICT`."""
    return "REVIEWBOT_" + key.upper().replace(".", "_").replace("-", "_")


def _from_environment(environ: Mapping[str, str], keys: _Keys) -> dict[str, object]:
    found: dict[str, object] = {}
    for key in [*KEYS, *keys.specs]:
        variable = environment_variable(key)
        if variable in environ:
            found[key] = keys.convert(key, environ[variable], variable)
    return found


def _from_overrides(overrides: Sequence[str], keys: _Keys) -> dict[str, object]:
    found: dict[str, object] = {}
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep:
            raise ConfigError(f"-c {item!r} is not key=value", "write it as -c lore_url=URL")
        key = keys.lookup(name, "-c", strict=True)
        if key is not None:
            found[key] = keys.convert(key, value.strip(), "-c")
    return found


def load_settings(
    overrides: Sequence[str] = (),
    environ: Mapping[str, str] | None = None,
    config_path: Path | None = None,
    plugin_settings: Sequence[SettingSpec] | None = None,
) -> Settings:
    """Settings from every layer; ConfigError names the layer and key that is wrong.

    `plugin_settings` are the loaded plugins' declarations: with them, plugin keys are checked
    and typed and their defaults filled in; without them (commands that run no plugin) plugin
    keys in the file and on the command line are accepted and left alone.
    """
    from reviewbot.paths import config_file

    env = os.environ if environ is None else environ
    keys = _Keys(plugin_settings)
    values: dict[str, object] = {}
    values.update(_from_file(config_path or config_file(), keys))
    values.update(_from_environment(env, keys))
    values.update(_from_overrides(overrides, keys))
    fields_given: dict[str, Any] = {
        KEYS[key].name: value for key, value in values.items() if key in KEYS
    }
    plugin_values: dict[str, object] = {key: spec.default for key, spec in keys.specs.items()}
    plugin_values.update({key: value for key, value in values.items() if key not in KEYS})
    settings = Settings(**fields_given, plugin_values=MappingProxyType(plugin_values))
    _validate(settings)
    return settings


def _validate(settings: Settings) -> None:
    if settings.http_concurrency < 1:
        raise ConfigError("http.concurrency must be at least 1", "set it to 8, the default")
    if settings.plugins_timeout <= 0:
        raise ConfigError("plugins.timeout must be positive", "set it to 60, the default")
    if settings.apply_base_window_days < 1:
        raise ConfigError("apply.base_window_days must be at least 1", "set it to 30, the default")
    if settings.reply_context < 0:
        raise ConfigError("reply.context must not be negative", "set it to 3, the default")
    if settings.reply_width < 20:
        raise ConfigError("reply.width must be at least 20", "set it to 72, the default")
    for name in ("lore_url", "archive_url"):
        url = getattr(settings, name)
        if url and not url.startswith(("http://", "https://")):
            raise ConfigError(f"{name} must be an http(s) URL, not {url!r}", "or empty to disable")


def describe(settings: Settings) -> dict[str, object]:
    """The settings as dotted keys, for `reviewbot config show` (plugin settings after)."""
    core = {key: getattr(settings, field.name) for key, field in KEYS.items()}
    return {**core, **dict(sorted(settings.plugin_values.items()))}
