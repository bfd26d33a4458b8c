"""MAINTAINERS file patterns (`F:`/`X:`) and how specific a match is, as get_maintainer.pl has it.

- `dir/` (a trailing slash) takes everything below `dir`.
- Without a trailing slash a pattern takes only paths of its own depth: `*` matches within one
  path component, `?` one character of it, `{a,b}` either alternative. So `F: *` is every
  top-level file, `F: */` everything in a subdirectory, and `xen/common/sched*` takes
  `xen/common/sched_credit.c` but not `xen/common/sched/core.c`.
- A pattern without a slash at the end and without wildcards that names a directory above the
  path (`F: tools/golang` for `tools/golang/xenlight/types.go`) is read as that directory: the
  file system is not there to ask, the path says it.

Specificity (the nesting rule: the most specific section's maintainers approve): the number of
`/` in the pattern, one more when it does not end in `/`; a pattern starting with a wildcard
is -1, so THE REST (`*`, `*/`) is the least specific of all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

WILDCARDS = frozenset("*?{")
#: The specificity of a pattern that starts with a wildcard (`*`, `*/`, `*.ac`).
LEAST_SPECIFIC = -1


@dataclass(frozen=True)
class FilePattern:
    """One `F:` or `X:` value, compiled."""

    text: str
    regex: re.Pattern[str] = field(repr=False, compare=False)

    @property
    def is_directory(self) -> bool:
        """Whether it ends in `/` (takes everything below)."""
        return self.text.endswith("/")

    @property
    def has_wildcards(self) -> bool:
        """Whether it holds `*`, `?` or `{a,b}`."""
        return any(c in WILDCARDS for c in self.text)

    @property
    def specificity(self) -> int:
        """How deep the pattern reaches: slashes, +1 without a trailing one; -1 from a wildcard."""
        if self.text[:1] in WILDCARDS:
            return LEAST_SPECIFIC
        return self.text.count("/") + (0 if self.is_directory else 1)

    def matches(self, path: str) -> bool:
        """Whether the pattern takes `path` (a repository-relative file path)."""
        if self.is_directory:
            return self.regex.match(path) is not None
        if self.regex.fullmatch(path) is not None:
            return True
        return not self.has_wildcards and path.startswith(self.text + "/")


def file_pattern(text: str) -> FilePattern:
    """Compile an `F:`/`X:` value (surrounding blanks ignored)."""
    text = text.strip()
    return FilePattern(text, re.compile(glob_regex(text)))


def glob_regex(glob: str) -> str:
    """The regular expression for a MAINTAINERS glob (`*`, `?` within a component; `{a,b}`)."""
    out: list[str] = []
    position = 0
    while position < len(glob):
        char = glob[position]
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "{" and (close := glob.find("}", position)) > position:
            alternatives = glob[position + 1 : close].split(",")
            out.append("(?:" + "|".join(glob_regex(a) for a in alternatives) + ")")
            position = close
        else:
            out.append(re.escape(char))
        position += 1
    return "".join(out)
