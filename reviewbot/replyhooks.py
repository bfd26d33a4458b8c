"""The paragraphs plugins add to a reply draft, gathered plugin by plugin."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from reviewbot.attribution import PatchReview
from reviewbot.checkcontext import CheckContext
from reviewbot.pluginmanager import PluginHost

REPLY_KINDS = ("review", "ack", "thanks")


@dataclass(frozen=True)
class ReplyParagraph:
    """A paragraph for the draft and the plugin that wrote it."""

    plugin: str
    text: str


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
    arguments = {"context": context, "kind": kind, "patch": patch}
    for name in plugins if plugins is not None else host.implementers("reply_paragraphs"):
        outcome = host.call("reply_paragraphs", name, arguments, context.settings.plugins_timeout)
        if outcome.error:
            problems.append(f"plugin {name} failed in reply_paragraphs: {outcome.error}")
            continue
        texts = outcome.value
        if texts is None:
            continue
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
    arguments = {"context": context, "kind": kind, "patch": patch}
    for name in host.implementers("reply_template"):
        outcome = host.call("reply_template", name, arguments, context.settings.plugins_timeout)
        if outcome.error:
            problems.append(f"plugin {name} failed in reply_template: {outcome.error}")
        elif isinstance(outcome.value, str) and outcome.value.strip():
            return PluginTemplate(name, outcome.value), problems
        elif outcome.value is not None and not isinstance(outcome.value, str):
            problems.append(f"plugin {name} gave {type(outcome.value).__name__}, not a template")
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
    from reviewbot.replytemplate import is_placeholder_name

    taken = set(reserved)
    values: dict[str, str] = {}
    problems: list[str] = []
    arguments = {"context": context, "kind": kind, "patch": patch}
    for name in host.implementers("reply_placeholders"):
        outcome = host.call("reply_placeholders", name, arguments, context.settings.plugins_timeout)
        if outcome.error:
            problems.append(f"plugin {name} failed in reply_placeholders: {outcome.error}")
            continue
        if outcome.value is None:
            continue
        if not isinstance(outcome.value, Mapping):
            problems.append(f"plugin {name} gave {type(outcome.value).__name__}, not a mapping")
            continue
        for key, value in outcome.value.items():
            if not isinstance(key, str) or not is_placeholder_name(key) or key in taken:
                problems.append(f"plugin {name} may not define the placeholder ${key}")
            elif key in values:
                problems.append(
                    f"plugin {name} defines ${key}, which an earlier plugin defined: skipped"
                )
            else:
                values[key] = str(value)
    return values, problems
