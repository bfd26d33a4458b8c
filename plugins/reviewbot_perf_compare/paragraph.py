"""The paragraph a review reply can use: the deltas, what they show, and what to ask for."""

from __future__ import annotations

from collections.abc import Iterator

from reviewbot_perf_compare.advice import SOURCE_NAMES, blocks
from reviewbot_perf_compare.judge import SIGNIFICANT, Judgement
from reviewbot_perf_compare.result import PerfResult
from reviewbot_perf_compare.wording import change_text, joined, runs_phrase, values_text


def reply_paragraphs(result: PerfResult) -> Iterator[str]:
    """One paragraph per block of posted figures, one per concern, one per measured run."""
    for block in blocks(result.judgements):
        yield _block_paragraph(block, result.confidence)
    for concern in result.concerns:
        yield concern.question
    for measured in result.runs:
        runs = len(measured.run.recorded) // 2
        command = str(measured.run.header.get("command", ""))
        text = _run_paragraph(measured.judgements, command, runs, result.confidence)
        if text:
            yield text


def _block_paragraph(block: list[Judgement], confidence: float) -> str:
    first = block[0].figure
    who = f"{first.author}'s" if first.author else "The posted"
    kind = SOURCE_NAMES.get(first.source, "figures")
    phrase = runs_phrase(first)
    said = f"{who} {kind}" + (f" ({phrase})" if phrase else "")
    deltas = joined(_delta(j) for j in block)
    text = f"{said} show{'s' if kind.endswith(('table', 'output')) else ''} {deltas}."
    if all(not j.judged for j in block):
        counted = "" if first.reference.n else ", how many runs each figure is from"
        ask = f"{first.author.split()[0]}, could you" if first.author else "Could you"
        text += (
            " Without the spread of each figure it is not possible to tell whether these "
            f"differences are real or run-to-run noise. {ask} post the raw timings of "
            "every run (or at least their standard deviations)"
            f"{counted}, and the machine and configuration they were measured on?"
        )
    else:
        proven = [j.figure.metric for j in block if _proven(j)]
        if proven:
            text += f" The change in {joined(proven)} is significant at {confidence:g}%"
            text += " (Student's t)."
        unproven = [j.figure.metric for j in block if j.judged and not _proven(j)]
        if unproven:
            text += f" No difference is proven at {confidence:g}% for {joined(unproven)}."
    return text


def _delta(judgement: Judgement) -> str:
    figure = judgement.figure
    changes = "; ".join(change_text(c, figure, bracket=False) for c in judgement.changes)
    return f"{figure.metric} {values_text(figure)} ({changes})"


def _proven(judgement: Judgement) -> bool:
    return any(c.verdict == SIGNIFICANT for c in judgement.changes)


def _run_paragraph(
    judgements: tuple[Judgement, ...], command: str, runs: int, confidence: float
) -> str:
    if not judgements:
        return ""
    proven = [j for j in judgements if _proven(j)]
    unproven = [j.figure.metric for j in judgements if not _proven(j)]
    text = f"I ran `{command}` {runs} times in each tree, alternating between them"
    if proven:
        text += f": {joined(_delta(j) for j in proven)}, significant at {confidence:g}%"
    text += "."
    if unproven:
        text += f" No difference is proven for {joined(unproven)}."
    return text
