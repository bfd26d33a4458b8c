"""reviewbot-todo: the TODO/FIXME/XXX markers a series adds (an example plugin)."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reviewbot.extensions import CommandSpec, JobSpec, PanelSpec, SettingSpec
from reviewbot.findings import Finding, Severity
from reviewbot.hookspecs import hookimpl

if TYPE_CHECKING:
    from textual.widget import Widget

    from reviewbot.attribution import PatchReview
    from reviewbot.checkcontext import CheckContext
    from reviewbot.progress import Progress

NAME = "todo"
_HUNK = re.compile(r"@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")


@dataclass(frozen=True)
class Marker:
    """One added line holding a marker."""

    patch: int
    file: str
    line: int
    word: str
    text: str


@hookimpl
def register_settings(register: Callable[[SettingSpec], None]) -> None:
    register(SettingSpec("todo.words", "TODO,FIXME,XXX", "comma-separated markers to look for"))
    register(
        SettingSpec(
            "todo.review_template",
            "",
            "a reply template for reviews (a file), offered to reviewbot through reply_template",
        )
    )


@hookimpl
def check_patch(patch: PatchReview, context: CheckContext) -> Iterator[Finding]:
    for marker in markers_of(patch, _words(context)):
        yield Finding(
            Severity.INFO,
            f"adds a {marker.word} marker: {marker.text.strip()}",
            file=marker.file,
            line=marker.line,
            code="todo/marker",
        )


@hookimpl
def check_series(context: CheckContext) -> Iterator[Finding]:
    words = _words(context)
    found = [m for p in context.review.patches for m in markers_of(p, words)]
    patches = sorted({m.patch for m in found})
    if len(patches) > 1:
        listed = ", ".join(map(str, patches))
        yield Finding(
            Severity.INFO,
            f"{len(found)} markers across patches {listed}: worth a follow-up series?",
            code="todo/series",
        )


@hookimpl
def review_result(context: CheckContext) -> dict[str, object]:
    words = _words(context)
    found = [m for p in context.review.patches for m in markers_of(p, words)]
    return {"words": list(words), "markers": found}


@hookimpl
def register_commands(register: Callable[[CommandSpec], None]) -> None:
    register(
        CommandSpec(
            name="todo",
            help="list the TODO/FIXME/XXX markers a series adds",
            add_arguments=_arguments,
            run=_run,
        )
    )


@hookimpl
def register_panels(register: Callable[[PanelSpec], None]) -> None:
    register(PanelSpec(id="todo-markers", title="Markers", build=_panel, where="review"))


@hookimpl
def register_jobs(register: Callable[[JobSpec], None]) -> None:
    register(
        JobSpec(
            id="todo-count",
            title="Count the markers",
            run=count_markers,
            rechecks=False,  # it stores nothing the checks would show
        )
    )


@hookimpl
def reply_paragraphs(context: CheckContext, kind: str, patch: PatchReview | None) -> list[str]:
    if kind != "review" or patch is None:
        return []
    found = markers_of(patch, _words(context))
    if not found:
        return []
    places = ", ".join(f"{m.file}:{m.line}" for m in found)
    return [f"This adds {len(found)} marker(s) ({places}); are they meant to stay?"]


@hookimpl
def reply_template(context: CheckContext, kind: str) -> str | None:
    path = str(context.setting("todo.review_template"))
    if kind != "review" or not path:
        return None
    return Path(path).read_text(encoding="utf-8")


@hookimpl
def reply_placeholders(patch: PatchReview | None, context: CheckContext) -> dict[str, str]:
    found = markers_of(patch, _words(context)) if patch is not None else []
    places = ", ".join(f"{m.file}:{m.line}" for m in found)
    return {"todo_markers": f"{len(found)} marker(s)" + (f" ({places})" if places else "")}


def markers_of(patch: PatchReview, words: tuple[str, ...]) -> list[Marker]:
    """The added lines of the patch's diff that contain one of `words`, with new-side lines."""
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")\b")
    found: list[Marker] = []
    path, line = "", 0
    for text in patch.patch.body.diff.splitlines():
        if text.startswith("+++ "):
            path = text[4:].removeprefix("b/")
        elif (hunk := _HUNK.match(text)) is not None:
            line = int(hunk[1])
        elif text.startswith("+"):
            if (match := pattern.search(text)) is not None:
                found.append(Marker(patch.patch.index, path, line, match[1], text[1:]))
            line += 1
        elif text.startswith(" "):
            line += 1
    return found


def count_markers(context: CheckContext, answer: str, progress: Progress) -> str:
    """The `todo-count` job: the markers each patch adds, one progress step per patch."""
    words = _words(context)
    patches = context.review.patches
    progress.add_total(len(patches))
    counts = dict.fromkeys(words, 0)
    for patch in patches:
        for marker in markers_of(patch, words):
            counts[marker.word] += 1
        progress.advance()
    found = ", ".join(f"{count} {word}" for word, count in counts.items() if count)
    summary = f"{sum(counts.values())} marker(s) in {len(patches)} patch(es)"
    return f"{summary}: {found}" if found else summary


def _words(context: CheckContext) -> tuple[str, ...]:
    value = str(context.setting("todo.words"))
    return tuple(w.strip() for w in value.split(",") if w.strip())


def _arguments(parser: argparse.ArgumentParser) -> None:
    from reviewbot.cli import add_spec_options

    add_spec_options(parser)


def _run(args: argparse.Namespace) -> int:
    from reviewbot.checkcontext import CheckContext
    from reviewbot.checksession import review_of
    from reviewbot.commands.thread import fetch_thread
    from reviewbot.config import load_settings
    from reviewbot.pluginmanager import current_host

    settings = load_settings(args.overrides, plugin_settings=current_host().settings())
    fetched, known = fetch_thread(args)
    review, book = review_of(fetched.thread, known, None, None)
    context = CheckContext(review=review, book=book, settings=settings)
    found = [m for p in review.patches for m in markers_of(p, _words(context))]
    for marker in found:
        print(f"{marker.patch}: {marker.file}:{marker.line}: {marker.word}: {marker.text.strip()}")
    print(f"{len(found)} marker(s)")
    return 0


def _panel(context: CheckContext, result: object | None) -> Widget:
    from textual.widgets import Static

    markers = result["markers"] if isinstance(result, dict) else []
    lines = [f"{m.file}:{m.line}  {m.word}  {m.text.strip()}" for m in markers]
    return Static("\n".join(lines) or "no markers", id="todo-markers")
