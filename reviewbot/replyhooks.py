"""The paragraphs plugins add to a reply draft, gathered plugin by plugin."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from reviewbot.attribution import PatchReview
from reviewbot.checkcontext import CheckContext
from reviewbot.pluginmanager import PluginHost
from reviewbot.replytemplate import is_placeholder_name

REPLY_KINDS = ("review", "ack", "thanks")


@dataclass(frozen=True)
class ReplyParagraph:
    """A paragraph for the draft and the plugin that wrote it."""

    plugin: str
    text: str


def _answers(
    host: PluginHost,
    hook: str,
    context: CheckContext,
    kind: str,
    patch: PatchReview | None,
    problems: list[str],
    plugins: Sequence[str] | None = None,
) -> Iterator[tuple[str, object]]:
    """(plugin, value) for each plugin whose `hook` answered; a failure becomes a problem line."""
    arguments = {"context": context, "kind": kind, "patch": patch}
    for name in plugins if plugins is not None else host.implementers(hook):
        outcome = host.call(hook, name, arguments, context.settings.plugins_timeout)
        if outcome.error:
            problems.append(f"plugin {name} failed in {hook}: {outcome.error}")
        elif outcome.value is not None:
            yield name, outcome.value


def reply_paragraphs(
    host: PluginHost,
    context: CheckContext,
    kind: str,
    patch: PatchReview | None,
    plugins: Sequence[str] | None = None,
) -> tuple[list[ReplyParagraph], list[str]]:
    """Every plugin's paragraphs in load order, and one problem line per plugin that failed."""
    if kind not in REPLY_KINDS:
        raise ValueError(f"reply kind {kind!r} is not one of {REPLY_KINDS}")
    paragraphs: list[ReplyParagraph] = []
    problems: list[str] = []
    for name, texts in _answers(host, "reply_paragraphs", context, kind, patch, problems, plugins):
        if isinstance(texts, str) or not isinstance(texts, Iterable):
            problems.append(f"plugin {name} gave {type(texts).__name__}, not paragraphs")
            continue
        for text in texts:
            if isinstance(text, str) and text.strip():
                paragraphs.append(ReplyParagraph(name, text.strip()))
    return paragraphs, problems


@dataclass(frozen=True)
class PluginTemplate:
    """A reply template a plugin gave, and which plugin gave it."""

    plugin: str
    text: str


def plugin_template(
    host: PluginHost, context: CheckContext, kind: str, patch: PatchReview | None
) -> tuple[PluginTemplate | None, list[str]]:
    """The first template a plugin gives for `kind` (load order), and one problem line per
    plugin that failed or gave something that is not text."""
    problems: list[str] = []
    for name, text in _answers(host, "reply_template", context, kind, patch, problems):
        if isinstance(text, str) and text.strip():
            return PluginTemplate(name, text), problems
        if not isinstance(text, str):
            problems.append(f"plugin {name} gave {type(text).__name__}, not a template")
    return None, problems


def plugin_placeholders(
    host: PluginHost,
    context: CheckContext,
    kind: str,
    patch: PatchReview | None,
    reserved: Iterable[str],
) -> tuple[dict[str, str], list[str]]:
    """The placeholders plugins add (the first plugin wins a name), and one problem line per
    plugin that failed, gave no mapping, or named a placeholder it may not."""
    taken = set(reserved)
    values: dict[str, str] = {}
    problems: list[str] = []
    for name, given in _answers(host, "reply_placeholders", context, kind, patch, problems):
        if not isinstance(given, Mapping):
            problems.append(f"plugin {name} gave {type(given).__name__}, not a mapping")
            continue
        for key, value in given.items():
            if not isinstance(key, str) or not is_placeholder_name(key) or key in taken:
                problems.append(f"plugin {name} may not define the placeholder ${key}")
            elif key in values:
                problems.append(
                    f"plugin {name} defines ${key}, which an earlier plugin defined: skipped"
                )
            else:
                values[key] = str(value)
    return values, problems
