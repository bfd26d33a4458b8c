"""Reply templates: the built-in ones, their placeholders, and how a template is filled in.

A template is plain text with `$name` (or `${name}`) placeholders, `$$` for a dollar sign.
The template for a kind comes from `--template FILE`, else the `reply.template_<kind>`
setting, else the first plugin whose `reply_template` hook gives one, else the built-in.
Empty placeholders leave no runs of blank lines behind.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from string import Template

from reviewbot.errors import ConfigError

#: Every built-in placeholder with what it holds (README.md's table is made from this).
PLACEHOLDERS: dict[str, str] = {
    "attribution": "`On <date>, <name> wrote:` for the mail replied to",
    "quoted": "review: the excerpts with each finding under its line; ack: the commit message "
    "or cover letter; thanks: its first paragraph (all `> `-quoted)",
    "remarks": "review: findings that concern no particular line, one paragraph each",
    "paragraphs": "what the plugins add (perf judgement, GDT simulator …), one paragraph each",
    "tag": "ack: the trailer, e.g. `Reviewed-by: Your Name <you@example.org> # x86`",
    "commits": "thanks: the applied commits, `  <short hash> <subject>` per line",
    "missing": "thanks: the patches not found on the branch, one per line",
    "branch": "thanks: the branch the series was applied to",
    "applied_to": "thanks: the branch, as `my local review branch review/…` for the one "
    "`reviewbot apply` made",
    "signature": "the `reply.signature` setting, else your first name",
    "kind": "review, ack or thanks",
    "subject": "the reply's Subject",
    "title": "the patch's (or series') title",
    "patch": "the patch's tag as sent, e.g. `[PATCH v2 1/3]`",
    "version": "the series version, e.g. v2",
    "author_name": "the full name of the person replied to",
    "author_first_name": "their first name",
    "author_email": "their address",
    "my_name": "your full name",
    "my_first_name": "your first name",
    "my_email": "your address",
}

REVIEW = """\
$attribution
$quoted
$remarks

$paragraphs

$signature
"""

ACK = """\
$attribution
$quoted

$tag

$paragraphs

$signature
"""

THANKS = """\
$attribution
$quoted

Thanks, applied to $applied_to:

$commits

$missing

$paragraphs

$signature
"""

BUILT_IN = {"review": REVIEW, "ack": ACK, "thanks": THANKS}
_BLANK_RUNS = re.compile(r"\n{3,}")
_PLACEHOLDER_NAME = re.compile(r"[_a-z][_a-z0-9]*", re.IGNORECASE)


def read_template(path: Path, origin: str) -> str:
    """A template file's text; ConfigError when it cannot be read."""
    try:
        return path.expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError(
            f"cannot read the reply template {path} ({origin}): {reason}",
            "give a readable UTF-8 text file",
        ) from None


def check_template(text: str, known: Mapping[str, str], origin: str) -> None:
    """ConfigError when `text` has a stray `$` or a placeholder nobody fills in."""
    template = Template(text)
    if not template.is_valid():
        line = _invalid_line(text)
        raise ConfigError(
            f"the reply template from {origin} has a `$` that starts no placeholder (line {line})",
            "write $$ for a dollar sign, $name or ${name} for a placeholder",
        )
    unknown = sorted(set(template.get_identifiers()) - set(known))
    if unknown:
        raise ConfigError(
            f"the reply template from {origin} uses unknown placeholder"
            f"{'s' if len(unknown) > 1 else ''} {', '.join('$' + n for n in unknown)}",
            "use one of " + ", ".join("$" + n for n in known),
        )


def fill(text: str, values: Mapping[str, str]) -> str:
    """The template filled in; runs of blank lines folded to one, one newline at the end."""
    filled = Template(text).substitute(values)
    lines = [line if line.strip() else "" for line in filled.split("\n")]
    folded = _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n")
    return folded + "\n"


def is_placeholder_name(name: str) -> bool:
    """Whether `name` can be written as `$name` in a template."""
    return _PLACEHOLDER_NAME.fullmatch(name) is not None


def _invalid_line(text: str) -> int:
    """The 1-based line of the first `$` that starts no placeholder."""
    pattern = Template.pattern
    for match in pattern.finditer(text):
        if match.group("invalid") is not None:
            return text.count("\n", 0, match.start()) + 1
    return 1
