"""format=flowed text (RFC 3676) decoded to the lines a reader sees."""

from __future__ import annotations


def unflow(text: str) -> str:
    """Decode format=flowed (RFC 3676) the way MHonArc reads it, for comparisons.

    Per line: count the leading `>` (quote depth), drop one stuffing space, then a line ending
    in a space (other than `-- `) is joined with the next line of the same depth. The result
    is written as `">" * depth + " " + text` lines.
    """
    out: list[str] = []
    depth_open: int | None = None
    parts: list[str] = []
    body = text[:-1] if text.endswith("\n") else text
    for line in body.split("\n") if text else []:
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        content = content[1:] if content.startswith(" ") else content
        if depth_open is not None and depth != depth_open:
            out.append(quote_line(depth_open, "".join(parts)))
            depth_open, parts = None, []
        depth_open = depth
        parts.append(content)
        if not content.endswith(" ") or content == "-- ":
            out.append(quote_line(depth, "".join(parts)))
            depth_open, parts = None, []
    if depth_open is not None:
        out.append(quote_line(depth_open, "".join(parts)))
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


def quote_line(depth: int, text: str) -> str:
    """`text` behind `depth` quote markers, the canonical way (`> > x` is written `>> x`)."""
    if depth == 0:
        return text
    return ">" * depth + (" " + text if text else "")
