"""Whether a C file is written in Xen's style or in an imported one (Linux's, mostly).

Xen's CODING_STYLE holds for the hypervisor, but files imported from elsewhere keep their
upstream style (tabs, `if (x) {`). The file says which it is:

1. An editor modeline. Emacs `Local variables:` blocks and `-*- ... -*-` lines: Xen's own
   block names `c-file-style: "BSD"` with `indent-tabs-mode: nil` and `c-basic-offset: 4`;
   any other style name (`"linux"`, `"K&R"`, ...), `indent-tabs-mode: t`, or BSD with another
   offset is foreign. A vim modeline with `noexpandtab`/`noet` is foreign, `expandtab`/`et`
   is not.
2. Otherwise its indentation: when more than half of its indented lines (comment
   continuations ` * ...` left out) are indented with tabs, it is foreign.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_FILE_STYLE = re.compile(r"c-file-style:[ \t]*\"?([A-Za-z&+-]+)\"?", re.IGNORECASE)
_INDENT_TABS = re.compile(r"indent-tabs-mode:[ \t]*(t|nil)\b", re.IGNORECASE)
_BASIC_OFFSET = re.compile(r"c-basic-offset:[ \t]*(\d+)", re.IGNORECASE)
_VIM = re.compile(r"(?:^|[ \t])(?:vim?|ex):[ \t]*(?:set?[ \t]+)?([^\n]*)", re.MULTILINE)
_VIM_EXPANDTAB = re.compile(r"(?:^|[ \t:])(no)?(?:expandtab|et)(?=[ \t:]|$)")
_XEN_OFFSET = 4


@dataclass(frozen=True)
class FileStyle:
    """The verdict on one file and what it rests on."""

    xen: bool
    reason: str  # "modeline ...", "indentation ...", or "default"


def style_of_text(text: str, own_lines: frozenset[int] = frozenset()) -> FileStyle:
    """The style of a whole file; lines numbered in `own_lines` (1-based) are not counted.

    `own_lines` are the lines the patch under review adds: they should follow the file's
    style, so they are not evidence of it.
    """
    declared = modeline_style(text)
    if declared is not None:
        return declared
    lines = text.split("\n")
    return indentation_style(line for n, line in enumerate(lines, 1) if n not in own_lines)


def modeline_style(text: str) -> FileStyle | None:
    """What an editor modeline in `text` declares (None when there is none)."""
    named = _FILE_STYLE.search(text)
    tabs = _INDENT_TABS.search(text)
    if named is not None and named.group(1).casefold() != "bsd":
        return FileStyle(False, f'modeline c-file-style "{named.group(1)}"')
    if tabs is not None:
        uses_tabs = tabs.group(1).casefold() == "t"
        return FileStyle(not uses_tabs, f"modeline indent-tabs-mode: {tabs.group(1)}")
    if named is not None:
        offset = _BASIC_OFFSET.search(text)
        if offset is not None and int(offset.group(1)) != _XEN_OFFSET:
            return FileStyle(False, f'modeline c-file-style "BSD", c-basic-offset {offset[1]}')
        return FileStyle(True, 'modeline c-file-style "BSD"')
    for vim in _VIM.finditer(text):
        setting = _VIM_EXPANDTAB.search(vim.group(1))
        if setting is not None:
            expands = setting.group(1) is None
            return FileStyle(expands, f"vim modeline {setting.group(0).strip(' :')}")
    return None


def indentation_style(lines: Iterable[str]) -> FileStyle:
    """Foreign when more than half of the indented lines are indented with tabs."""
    tabbed = indented = 0
    for line in lines:
        body = line.lstrip(" \t")
        if not body or body[0] == "*" or len(body) == len(line):
            continue
        indented += 1
        if "\t" in line[: len(line) - len(body)]:
            tabbed += 1
    if tabbed * 2 > indented:
        return FileStyle(False, f"indentation: {tabbed} of {indented} indented lines use tabs")
    if indented:
        return FileStyle(True, f"indentation: {tabbed} of {indented} indented lines use tabs")
    return FileStyle(True, "default")
