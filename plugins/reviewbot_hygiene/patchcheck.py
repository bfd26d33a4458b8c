"""One patch checked: its diff file by file, its commit message, and a tally of both.

With a tree, whether a C file under the Xen-style paths really is in Xen's style is read
from the file as the patch leaves it (the patch's commit in the applied series); without
one, or when the patch did not apply, from the diff alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from reviewbot.attribution import PatchReview
from reviewbot.checkcontext import CheckContext
from reviewbot.findings import Finding
from reviewbot_hygiene.diffread import FileDiff, read_diff
from reviewbot_hygiene.filechecks import file_problems, style_of_diff
from reviewbot_hygiene.filestyle import FileStyle, style_of_text
from reviewbot_hygiene.message import body_problems, subject_problems
from reviewbot_hygiene.paths import is_c
from reviewbot_hygiene.problems import Problem, capped
from reviewbot_hygiene.settings import HygieneSettings


@dataclass(frozen=True)
class PatchHygiene:
    """What the checks found in one patch and how much they looked at.

    `counts` are problems per code before the per-file limit (so "… and 7 more" counts 7);
    `styles` holds the verdict for each C file under the Xen-style paths.
    """

    number: int
    findings: tuple[Finding, ...]
    counts: Mapping[str, int]
    files_checked: int
    lines_checked: int
    message_lines_checked: int
    styles: Mapping[str, FileStyle]

    def to_json(self) -> dict[str, object]:
        """Plain JSON data for `review_result`."""
        return {
            "patch": self.number,
            "files_checked": self.files_checked,
            "lines_checked": self.lines_checked,
            "message_lines_checked": self.message_lines_checked,
            "counts": dict(sorted(self.counts.items())),
            "c_styles": {
                path: {"xen": style.xen, "reason": style.reason}
                for path, style in sorted(self.styles.items())
            },
        }


def check_patch_hygiene(
    patch: PatchReview, context: CheckContext, settings: HygieneSettings
) -> PatchHygiene:
    """Check one patch of the reviewed series."""
    body = patch.patch.body
    number = patch.patch.index
    files = read_diff(body.diff, body.files)
    styles = _styles(files, context, number, settings)
    findings: list[Finding] = []
    counts: Counter[str] = Counter()
    for file in files:
        style = styles.get(file.path)
        problems = file_problems(
            file,
            xen_style=style is not None and style.xen,
            max_line_length=settings.max_line_length,
        )
        counts.update(p.code for p in problems)
        findings += capped(problems, file.path, settings.max_per_kind)
    message: list[Problem] = list(subject_problems(patch.patch.subject.title))
    in_body, message_lines = body_problems(body.message)
    message += in_body
    counts.update(p.code for p in message)
    findings += capped(message, None, settings.max_per_kind, place="of the commit message")
    return PatchHygiene(
        number=number,
        findings=tuple(findings),
        counts=dict(counts),
        files_checked=len(files),
        lines_checked=sum(len(file.added) for file in files),
        message_lines_checked=message_lines,
        styles=styles,
    )


def _styles(
    files: list[FileDiff], context: CheckContext, number: int, settings: HygieneSettings
) -> dict[str, FileStyle]:
    """The style of each C file under the Xen-style paths: from its post-image, else the diff."""
    candidates = [f for f in files if is_c(f.path) and settings.is_xen_path(f.path)]
    commit = context.commit_of(number)
    texts: Mapping[str, str | None] = {}
    if candidates and commit is not None:
        texts = context.files_at(commit, [f.path for f in candidates])
    styles: dict[str, FileStyle] = {}
    for file in candidates:
        text = texts.get(file.path)
        if text is None:
            styles[file.path] = style_of_diff(file)
        else:
            own = frozenset(line.number for line in file.added)
            styles[file.path] = style_of_text(text, own)
    return styles
