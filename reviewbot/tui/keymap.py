"""The `tui.keys` setting: `id=keys` pairs that remap the TUI's bindings by their ids."""

from __future__ import annotations

from collections.abc import Iterable

from reviewbot.errors import ConfigError


def parse_keymap(text: str, known_ids: Iterable[str]) -> dict[str, str]:
    """`quit=ctrl+q;series=S,3` as {binding id: keys}; ConfigError naming a bad pair."""
    known = sorted(set(known_ids))
    keymap: dict[str, str] = {}
    for pair in text.split(";"):
        if not pair.strip():
            continue
        binding_id, equals, keys = (part.strip() for part in pair.partition("="))
        if not equals or not binding_id or not keys:
            raise ConfigError(
                f"tui.keys: {pair.strip()!r} is not id=keys",
                "write pairs like quit=ctrl+q;series=S joined by ;",
            )
        if binding_id not in known:
            raise ConfigError(
                f"tui.keys: no binding has the id {binding_id!r}",
                f"pick from: {', '.join(known)}",
            )
        keymap[binding_id] = ",".join(k.strip() for k in keys.split(","))
    return keymap
