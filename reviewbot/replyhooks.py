"""The paragraphs plugins add to a reply draft, gathered plugin by plugin."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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
