"""Finding, loading and calling plugins: entry points, a local directory, switches, timeouts.

Plugins come from the `reviewbot` entry-point group, reviewbot's own included (they are
installed with it and found the same way), and from the `*.py` files of the directory that
`REVIEWBOT_PLUGINS_DIR` names (a team's checks without packaging). `REVIEWBOT_LOAD_PLUGINS=a,b`
loads only the named plugins (empty: none); `REVIEWBOT_BLOCK_PLUGINS=a,b` leaves those out.

A plugin that fails to import, implements a hook that does not exist (`check_pending`), or
takes an argument its hook does not offer is not loaded, and says so as a problem. Hooks are
called one plugin at a time, each in a worker thread with a time limit, so one plugin that
raises or hangs becomes an error for that plugin while the others still run.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import threading
import traceback
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from types import ModuleType

import pluggy

from reviewbot import hookspecs
from reviewbot.errors import ReviewbotError
from reviewbot.extensions import CommandSpec, JobSpec, PanelSpec, SettingSpec

GROUP = "reviewbot"
LOAD_VARIABLE = "REVIEWBOT_LOAD_PLUGINS"
BLOCK_VARIABLE = "REVIEWBOT_BLOCK_PLUGINS"
DIR_VARIABLE = "REVIEWBOT_PLUGINS_DIR"
BUILT_IN_DISTRIBUTION = "reviewbot"
_NAME = re.compile(r"[a-z][a-z0-9-]*")


@dataclass(frozen=True)
class PluginInfo:
    """A loaded plugin: its name, where it came from, and the hooks it implements."""

    name: str
    source: str  # "built-in", "package", "local" or "registered"
    version: str | None
    distribution: str | None
    module: str
    hooks: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        """The plugin as `reviewbot plugins --json` shows it."""
        return {
            "name": self.name,
            "version": self.version,
            "source": self.source,
            "distribution": self.distribution,
            "module": self.module,
            "hooks": list(self.hooks),
        }


@dataclass(frozen=True)
class PluginProblem:
    """A plugin that could not be loaded or whose registration hook failed, in one line."""

    name: str
    message: str


@dataclass(frozen=True)
class CallOutcome:
    """What one plugin's hook gave: its value, or an error (raised, hung) in one line."""

    value: object
    error: str | None = None
    timed_out: bool = False


class PluginHost:
    """The plugin manager of one reviewbot process, with typed calls to every hook."""

    def __init__(self) -> None:
        self.manager = pluggy.PluginManager(hookspecs.PROJECT)
        self.manager.add_hookspecs(hookspecs)
        self.infos: dict[str, PluginInfo] = {}
        self.problems: list[PluginProblem] = []
        self._settings: list[tuple[str, SettingSpec]] | None = None
        self._reported = 0

    def new_problems(self) -> list[PluginProblem]:
        """The problems not handed out before (each is reported to the user once)."""
        fresh = self.problems[self._reported :]
        self._reported = len(self.problems)
        return fresh

    # --- registration ------------------------------------------------------------------------

    def register(
        self,
        plugin: object,
        name: str,
        *,
        source: str = "registered",
        version: str | None = None,
        distribution: str | None = None,
    ) -> bool:
        """Register one plugin; a bad one becomes a problem and False, never an exception."""
        if not _NAME.fullmatch(name):
            self.note_problem(name, "plugin names are lower-case letters, digits and dashes")
            return False
        if name in self.infos:
            self.note_problem(name, f"a plugin named {name} is already loaded from {source}")
            return False
        try:
            self.manager.register(plugin, name=name)
        except pluggy.PluginValidationError as exc:
            self.note_problem(name, _invalid_implementation(exc))
            return False
        except ValueError as exc:
            self.note_problem(name, _first_line(str(exc)))
            return False
        try:
            self.manager.check_pending()
        except pluggy.PluginValidationError as exc:
            self.manager.unregister(name=name)
            self.note_problem(name, _unknown_hook(exc))
            return False
        module = getattr(plugin, "__name__", type(plugin).__name__)
        hooks = tuple(sorted(caller.name for caller in self.manager.get_hookcallers(plugin) or ()))
        self.infos[name] = PluginInfo(name, source, version, distribution, module, hooks)
        self._settings = None
        return True

    def unregister(self, name: str) -> None:
        """Forget a plugin (tests register inline plugins and take them away again)."""
        if name in self.infos:
            self.manager.unregister(name=name)
            del self.infos[name]
            self._settings = None

    def note_problem(self, name: str, message: str) -> None:
        """Record why a plugin, or part of it, could not be used (reported once on stderr)."""
        self.problems.append(PluginProblem(name, message))

    @property
    def names(self) -> list[str]:
        """The loaded plugins in load order (reviewbot's own first)."""
        return list(self.infos)

    # --- calls -------------------------------------------------------------------------------

    def implementers(self, hook: str) -> list[str]:
        """The plugins implementing `hook`, in load order."""
        return [name for name, info in self.infos.items() if hook in info.hooks]

    def call(
        self, hook: str, plugin: str, arguments: Mapping[str, object], timeout: float | None
    ) -> CallOutcome:
        """Call one plugin's implementation of `hook` with the arguments it asks for.

        A generator the plugin returns is run to the end inside the call, so what it raises
        or how long it takes counts as the plugin's. With a `timeout` the call runs in a
        daemon thread: a plugin that raises or is still running after `timeout` seconds gives
        an error outcome. A hung thread is abandoned.
        """
        implementation = self._implementation(hook, plugin)
        if implementation is None:
            return CallOutcome(None)
        function = implementation.function
        kwargs = {name: arguments[name] for name in implementation.argnames}

        def outcome() -> CallOutcome:
            try:
                value = function(**kwargs)
                if isinstance(value, Iterator):
                    value = list(value)
                return CallOutcome(value)
            except BaseException as exc:  # a plugin's SystemExit must not end reviewbot
                if isinstance(exc, KeyboardInterrupt) and timeout is None:
                    raise
                return CallOutcome(None, _describe(exc))

        if timeout is None:
            return outcome()
        box: list[CallOutcome] = []

        def target() -> None:
            box.append(outcome())

        worker = threading.Thread(target=target, name=f"{plugin}:{hook}", daemon=True)
        worker.start()
        worker.join(timeout)
        if worker.is_alive():
            return CallOutcome(None, f"did not finish within {timeout:g} s", timed_out=True)
        return box[0]

    def _implementation(self, hook: str, plugin: str) -> pluggy.HookImpl | None:
        caller: pluggy.HookCaller = getattr(self.manager.hook, hook)
        for implementation in caller.get_hookimpls():
            if implementation.plugin_name == plugin:
                return implementation
        return None

    def _collect(self, hook: str, kind: type) -> Iterator[tuple[str, object]]:
        """Run a `register_*` hook of every plugin, yielding (plugin, registered item)."""
        for name in self.implementers(hook):
            items: list[object] = []
            outcome = self.call(hook, name, {"register": items.append}, None)
            if outcome.error:
                self.note_problem(name, f"{hook} failed: {outcome.error}")
                continue
            for item in items:
                if not isinstance(item, kind):
                    self.note_problem(name, f"{hook} registered {item!r}, not a {kind.__name__}")
                    continue
                yield name, item

    # --- what plugins register ---------------------------------------------------------------

    def settings(self) -> list[SettingSpec]:
        """Every plugin setting; a key outside the plugin's own name is refused."""
        if self._settings is None:
            found: list[tuple[str, SettingSpec]] = []
            for name, item in self._collect("register_settings", SettingSpec):
                assert isinstance(item, SettingSpec)
                if item.key.split(".", 1)[0] != name:
                    self.note_problem(name, f"setting {item.key} must start with {name}.")
                elif any(item.key == spec.key for _, spec in found):
                    self.note_problem(name, f"setting {item.key} is declared twice")
                else:
                    found.append((name, item))
            self._settings = found
        return [spec for _, spec in self._settings]

    def commands(self, taken: set[str]) -> list[tuple[str, CommandSpec]]:
        """Every plugin subcommand whose name is not `taken` (by reviewbot or another plugin)."""
        found: list[tuple[str, CommandSpec]] = []
        for name, item in self._collect("register_commands", CommandSpec):
            assert isinstance(item, CommandSpec)
            if item.name in taken:
                self.note_problem(name, f"command {item.name!r} is already taken")
                continue
            taken.add(item.name)
            found.append((name, item))
        return found

    def panels(self) -> list[tuple[str, PanelSpec]]:
        """Every plugin's TUI panels."""
        found: list[tuple[str, PanelSpec]] = []
        for name, item in self._collect("register_panels", PanelSpec):
            assert isinstance(item, PanelSpec)
            found.append((name, item))
        return found

    def jobs(self) -> list[tuple[str, JobSpec]]:
        """Every plugin's TUI jobs; a job id taken by an earlier plugin is a problem noted."""
        taken: set[str] = set()
        found: list[tuple[str, JobSpec]] = []
        for name, item in self._collect("register_jobs", JobSpec):
            assert isinstance(item, JobSpec)
            if item.id in taken:
                self.note_problem(name, f"job {item.id!r} is already taken")
                continue
            taken.add(item.id)
            found.append((name, item))
        return found


# --- loading ---------------------------------------------------------------------------------


def load_plugins(environ: Mapping[str, str] | None = None) -> PluginHost:
    """A host with every plugin the environment allows: entry points, then the local dir."""
    env = os.environ if environ is None else environ
    host = PluginHost()
    wanted = _names(env.get(LOAD_VARIABLE))
    blocked = _names(env.get(BLOCK_VARIABLE)) or set()

    def allowed(name: str) -> bool:
        return name not in blocked and (wanted is None or name in wanted)

    for point in sorted(entry_points(group=GROUP), key=_built_in_first):
        if allowed(point.name):
            _load_entry_point(host, point)
    directory = env.get(DIR_VARIABLE)
    if directory:
        for path in sorted(Path(directory).glob("*.py")):
            name = path.stem.replace("_", "-").lower()
            if allowed(name):
                _load_file(host, path, name)
    return host


def _names(value: str | None) -> set[str] | None:
    if value is None:
        return None
    return {part.strip() for part in value.split(",") if part.strip()}


def _built_in_first(point: EntryPoint) -> tuple[bool, str]:
    distribution = point.dist.name if point.dist is not None else ""
    return distribution != BUILT_IN_DISTRIBUTION, point.name


def _load_entry_point(host: PluginHost, point: EntryPoint) -> None:
    distribution = point.dist.name if point.dist is not None else None
    version = point.dist.version if point.dist is not None else None
    try:
        plugin = point.load()
    except Exception as exc:
        host.note_problem(point.name, f"cannot be imported: {_describe(exc)}")
        return
    source = "built-in" if distribution == BUILT_IN_DISTRIBUTION else "package"
    host.register(plugin, point.name, source=source, version=version, distribution=distribution)


def _load_file(host: PluginHost, path: Path, name: str) -> None:
    module_name = f"reviewbot_local_{path.stem}"
    try:
        spec = importlib.util.spec_from_file_location(module_name, path)
        if spec is None or spec.loader is None:
            raise ImportError(f"{path} is not a Python module")
        module: ModuleType = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    except Exception as exc:
        sys.modules.pop(module_name, None)
        host.note_problem(name, f"cannot be imported from {path}: {_describe(exc)}")
        return
    host.register(module, name, source="local")


def _describe(exc: BaseException) -> str:
    """`ValueError: text (module.py:12)`: the exception and the plugin line that raised it."""
    where = ""
    frames = traceback.extract_tb(exc.__traceback__)
    if frames:
        last = frames[-1]
        where = f" ({Path(last.filename).name}:{last.lineno})"
    text = exc.one_line() if isinstance(exc, ReviewbotError) else _first_line(str(exc))
    return f"{type(exc).__name__}: {text}{where}" if text else f"{type(exc).__name__}{where}"


def _first_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0] if lines else ""


def _unknown_hook(exc: pluggy.PluginValidationError) -> str:
    text = _first_line(str(exc))
    match = re.search(r"unknown hook '([^']+)'", text)
    if match:
        known = ", ".join(sorted(n for n in dir(hookspecs) if _is_hook(n)))
        return f"implements unknown hook {match[1]!r} (misspelt?); reviewbot's hooks are {known}"
    return text


def _invalid_implementation(exc: pluggy.PluginValidationError) -> str:
    """Pluggy's several lines about a bad hook implementation, as one that says what to fix."""
    text = str(exc)
    hook = re.search(r"for hook '([^']+)'", text)
    extra = re.search(r"Argument\(s\) (\{[^}]*\})", text)
    if hook and extra:
        spec = getattr(hookspecs, hook[1], None)
        offered = ", ".join(spec.__code__.co_varnames[: spec.__code__.co_argcount]) if spec else ""
        return f"{hook[1]} asks for {extra[1]}, which the hook does not offer; it offers: {offered}"
    return " ".join(text.split())


def _is_hook(name: str) -> bool:
    return callable(getattr(hookspecs, name)) and hasattr(
        getattr(hookspecs, name), f"{hookspecs.PROJECT}_spec"
    )


#: The host of this process, made on first use (commands and the CLI share it).
_current: list[PluginHost] = []


def current_host() -> PluginHost:
    """This process's plugins, loaded once from the environment."""
    if not _current:
        _current.append(load_plugins())
    return _current[0]


def reset_current_host() -> None:
    """Forget the loaded plugins (tests change the environment between runs)."""
    _current.clear()
