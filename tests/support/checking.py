"""Check runs on fixture threads, without a store or a network: what plugin tests need."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reviewbot.addressbook import AddressBook
from reviewbot.checkcontext import CheckContext
from reviewbot.checksession import check_context
from reviewbot.config import load_settings
from reviewbot.findings import Finding
from reviewbot.local import read_local
from reviewbot.pluginmanager import PluginHost
from reviewbot.runchecks import CheckReport, run_checks
from reviewbot.threads import Thread, thread_of
from reviewbot.tree import open_tree

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SEED_ID = "20190704175732.5943-1-andrew.cooper3@citrix.com"


def thread_from(mbox: Path | str, message_id: str) -> Thread:
    """The thread of `message_id` in an mbox (a name under fixtures/mail, or a path)."""
    path = Path(mbox) if Path(mbox).is_absolute() else FIXTURES / "mail" / str(mbox)
    return thread_of(read_local(path), message_id, path.name)


def context_for(
    thread: Thread,
    *,
    tree: Path | None = None,
    overrides: Sequence[str] = (),
    host: PluginHost | None = None,
    base: str | None = None,
) -> CheckContext:
    """A check context for `thread`; with `tree`, the series applied to it (no branch made).

    `host` supplies the plugin settings (their defaults, and `overrides` of them).
    """
    specs = host.settings() if host is not None else []
    settings = load_settings(overrides, plugin_settings=specs)
    opened = open_tree(tree) if tree is not None else None
    return check_context(thread, AddressBook(), settings, tree=opened, base=base)


def host_with(*plugins: tuple[object, str]) -> PluginHost:
    """A plugin host holding exactly the given (plugin, name) pairs (nothing from entry points)."""
    host = PluginHost()
    for plugin, name in plugins:
        assert host.register(plugin, name), host.problems
    return host


def check(
    plugin: object, name: str, thread: Thread, **context_options: object
) -> tuple[CheckReport, CheckContext]:
    """Run one plugin's checks over `thread` as `reviewbot check` would."""
    host = host_with((plugin, name))
    context = context_for(thread, host=host, **context_options)  # type: ignore[arg-type]
    return run_checks(host, context, [name]), context


def brief(findings: Sequence[Finding]) -> list[tuple[str, str, int | None, str | None, int | None]]:
    """(severity, code, patch, file, line) of each finding: what exact-match tests compare."""
    return [(str(f.severity), f.code, f.patch, f.file, f.line) for f in findings]
