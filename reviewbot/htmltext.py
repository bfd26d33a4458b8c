"""The readable text of an HTML mail part (for mail that has no text/plain part)."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from bs4.element import NavigableString, Tag

_XML_PROLOG = re.compile(r"^\s*<\?xml[^>]*>")
_BLOCK_TAGS = frozenset(
    {"p", "div", "tr", "li", "ul", "ol", "table", "blockquote", "pre", "hr"}
    | {"h1", "h2", "h3", "h4", "h5", "h6"}
)


def html_text(markup: str) -> str:
    """Crude text of an HTML part: tags dropped, blocks and `<br>` as line breaks.

    Whitespace is collapsed except inside `<pre>`; scripts and styles are dropped.
    """
    if "<" not in markup:
        return markup
    soup = BeautifulSoup(_XML_PROLOG.sub("", markup), "html.parser")
    for hidden in soup.find_all(["script", "style", "head"]):
        hidden.decompose()
    out: list[str] = []
    _render(soup, out, in_pre=False)
    lines = [line.rstrip() for line in "".join(out).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"


def _render(node: Tag, out: list[str], *, in_pre: bool) -> None:
    for child in node.children:
        if isinstance(child, Tag):
            name = child.name.lower()
            if name == "br":
                out.append("\n")
                continue
            block = name in _BLOCK_TAGS
            if block:
                out.append("\n")
            _render(child, out, in_pre=in_pre or name == "pre")
            if block:
                out.append("\n")
        elif isinstance(child, NavigableString) and type(child) is NavigableString:
            out.append(str(child) if in_pre else re.sub(r"\s+", " ", str(child)))
