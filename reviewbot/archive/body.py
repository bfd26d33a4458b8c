"""Turn the `X-Body-of-Message` HTML of an MHonArc 2.6 page back into the plain-text body.

The fragment is read as raw markup, never as rendered text, so whitespace inside `<pre>` and
`<tt>` (tabs, leading spaces, blank diff-context lines, the trailing space of a flowed line)
comes back exactly. A browser's rendering (such as `shared/seed/xen-devel-gdt-review.txt`)
collapses the whitespace of `<tt>` lines and joins them; reading the markup avoids both. The
three renderings of text/plain:

* default: one `<pre>` holding the text with `>` kept (as `&gt;`): exact;
* `quote`: the same, each quoted line's rest in `<i>` (`&gt;<i> text</i>`): exact;
* `fancyquote`, and every `format=flowed` body in any mode: quote markers removed, depth shown
  by nested `<blockquote>`, text in `<pre style="margin: 0em;">` chunks (MHonArc doubles a
  chunk's leading newline, or adds one for flowed chunks; one is dropped again), flowed lines
  as `<tt>line \n</tt>` outside `<pre>`.

Entities are decoded per run of text, not per tag (MHonArc's URL pattern can end a link inside
`&quot;`); links (URLs, `mailto:`, archived Message-IDs) are replaced by their text, which is
the mail's text. Attachment blocks (`<p><strong>Attachment: ...`) are left out and reported.

Known losses (tests pin each one):

* Address masking (SPAMMODE): every address domain in the body is `x`-ed out, Message-IDs
  and addresses inside diffs included; `mask_addresses` applies the same rule to a source.
* fancyquote: the spelling of quote prefixes. `>`, `> `, `> > `, `>>` and one leading space
  before `>` all collapse to a depth; lines come back as `">" * depth + " " + text` (a bare
  `">" * depth` when empty): Mutt's `> > x` as `>> x`, Outlook's blank `> ` as `>`, `>x` as
  `> x`. GroupWise's `>>> On ... wrote:` (a depth-3 quote) comes back as written.
* fancyquote: an unquoted line starting with `>` or ` >` (a diff context line ` > x`, say)
  is indistinguishable from a quote and comes back as one (`> x`).
* format=flowed: MHonArc drops space-stuffing and turns the signature separator `-- ` into
  `--`. Flowed text is re-encoded canonically: `--` -> `-- `; an unquoted line starting with
  a space, `>` or `From ` is stuffed, needless stuffing is gone; quoted lines are
  `">" * depth + " " + text`. Soft breaks (trailing spaces) survive, so RFC 3676 decoding
  (`unflow`) of the original and of the rebuilt text agree even where the raw lines differ.
* `>From `: the archive's mbox escapes body lines starting with `From `; MHonArc never
  unescapes. In `<pre>` (default, quote mode, inlined text attachments) a line starting with
  exactly one `>` then `From ` is restored to `From ` (a quoting MUA writes `> From`). In
  fancyquote/flowed rendering the escaped line becomes a depth-1 quote of one line between
  unquoted text (or at an end); exactly that shape, starting `From `, is restored. A genuine
  one-line quote of a sentence starting `From ` in that position would be restored too.
* text/html parts come back as tag-stripped text with whitespace collapsed.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from reviewbot.flowed import quote_line as _quote_line

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b([^>]*)>|<!--.*?-->", re.S)
_ATTACHMENT_BLOCKS = (
    re.compile(
        r"\n?(?:<p>|<table[^>]*>\s*<tr[^>]*><td>)<strong>"
        r'(?:Attachment:|<a href="[^"]*"[^>]*><img[^>]*></a>)\s*'
        r'<a href="(?P<href>[^"]*)"[^>]*><tt>(?P<name>.*?)</tt></a></strong><br>\s*'
        r"<em>Description:</em>\s*(?P<desc>.*?)(?:</p>|</td></tr></table>)\n?",
        re.S,
    ),
    re.compile(
        r'(?:<p>(?P<desc>[^<]*)</p>\n)?<p><a href="(?P<href>[^"]*)"[^>]*>'
        r'<img src="[^"]*" alt="(?P<name>[^"]*)"></a></p>\n?',
        re.S,
    ),
)
_FLOWED_HINT = re.compile(r'<tt>|<pre style="margin: 0em;">\n(?!\n)')
_BLOCK_TAGS = frozenset({"p", "div", "br", "tr", "li", "hr", "table", "h1", "h2", "h3", "h4"})
_ESCAPED_FROM = re.compile(r"^&gt;From ", re.M)
_MASKED = re.compile(r"[A-Za-z\d\-.+%_]+@x+(?![A-Za-z\d.\-])", re.ASCII)
_ADDRESS = re.compile(
    r"(cid:)?\b[A-Za-z\d\-.+%_]+@([A-Za-z\d.\-]+\.[A-Za-z]{2,4})\b", re.ASCII | re.I
)


@dataclass(frozen=True)
class ArchiveAttachment:
    """A file MHonArc saved from a non-text part: its link, the name shown, the description.

    `url` is the link as written in the body (relative); `ArchivePage` makes it absolute.
    """

    url: str
    name: str
    description: str


@dataclass(frozen=True)
class RenderedBody:
    """The text of a body fragment, whether it was format=flowed, and its attachment links."""

    text: str
    flowed: bool
    attachments: tuple[ArchiveAttachment, ...]


@dataclass
class _Chunk:
    depth: int
    text: str
    flowed: bool  # from a format=flowed rendering: unquoted lines need space-stuffing


def html_to_text(fragment: str) -> str:
    """The plain-text body of an `X-Body-of-Message` fragment (see the module docstring)."""
    return render_body(fragment).text


def render_body(fragment: str) -> RenderedBody:
    """`html_to_text` plus the flowed flag and the attachment links that were left out."""
    fragment, attachments = _cut_attachments(fragment)
    flowed = _FLOWED_HINT.search(fragment) is not None
    chunks = _restore_from_lines(_chunks(fragment, flowed))
    text = "".join(_format_chunk(chunk) for chunk in chunks)
    return RenderedBody("" if text == " " else text, flowed, attachments)


def mask_addresses(text: str) -> str:
    """Mask addresses the way MHonArc's SPAMMODE does: every domain character becomes `x`."""

    def mask(match: re.Match[str]) -> str:
        if match.group(1):
            return match.group(0)
        start, end = match.span(2)
        whole = match.group(0)
        offset = match.start(0)
        return whole[: start - offset] + "x" * (end - start) + whole[end - offset :]

    return _ADDRESS.sub(mask, text)


def has_masked_address(text: str) -> bool:
    """True when `text` holds an address whose domain MHonArc replaced by `x`s."""
    return _MASKED.search(text) is not None


def _lines(text: str) -> list[str]:
    """Split after each newline only (form feeds and other breaks stay inside a line)."""
    lines = text.split("\n")
    result = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        result.append(lines[-1])
    return result


def _cut_attachments(fragment: str) -> tuple[str, tuple[ArchiveAttachment, ...]]:
    found: list[tuple[int, ArchiveAttachment]] = []

    def cut(match: re.Match[str]) -> str:
        link = ArchiveAttachment(
            url=html.unescape(match["href"]),
            name=html.unescape(match["name"] or ""),
            description=html.unescape(_strip_tags(match["desc"] or "")).strip(),
        )
        found.append((match.start(), link))
        return ""

    for pattern in _ATTACHMENT_BLOCKS:
        if "<a href=" in fragment:
            fragment = pattern.sub(cut, fragment)
    found.sort(key=lambda item: item[0])
    return fragment, tuple(link for _, link in found)


def _strip_tags(text: str) -> str:
    return _TAG.sub("", text)


class _Scanner:
    """Walks the tags of a fragment, collecting (depth, text) chunks."""

    def __init__(self, flowed: bool) -> None:
        self.flowed = flowed
        self.chunks: list[_Chunk] = []
        self.depth = 0
        self.pre: str | None = None  # "styled" (fancy/flowed chunk) or "plain"
        self.pre_text: list[str] = []
        self.in_tt = False
        self.drop_newline = False

    def text(self, raw: str) -> None:
        """Add the text between two tags."""
        if not raw:
            return
        value = raw  # entities are decoded per chunk: a link can end inside `&quot;`
        if self.drop_newline:
            self.drop_newline = False
            if value.startswith("\n"):
                value = value[1:]
        if self.pre is not None:
            self.pre_text.append(value)
        elif self.in_tt:
            self.emit(value, self.flowed)
        else:
            self.emit(re.sub(r"\s+", " ", value) if value.strip() else "", False)

    def tag(self, closing: bool, name: str, attrs: str) -> None:
        """React to one tag."""
        name = name.lower()
        if name == "blockquote":
            self.depth = max(0, self.depth - 1) if closing else self.depth + 1
        elif name == "pre" and closing:
            self.end_pre()
        elif name == "pre":
            self.start_pre(attrs)
        elif name == "tt":
            self.in_tt = not closing
        elif name == "br" or (name in _BLOCK_TAGS and self.pre is None and not self.in_tt):
            self.line_break()
            self.drop_newline = name == "br"

    def start_pre(self, attrs: str) -> None:
        """A `<pre>`: styled chunks carry one extra leading newline."""
        self.end_pre()
        self.pre = "styled" if "style" in attrs.lower() else "plain"
        self.drop_newline = self.pre == "styled"

    def end_pre(self) -> None:
        """Flush a `<pre>`; plain `<pre>` text gets its `>From ` escapes undone."""
        if self.pre is None:
            return
        text = "".join(self.pre_text)
        styled = self.pre == "styled"
        if not styled:
            text = _ESCAPED_FROM.sub("From ", text)  # still HTML: `&gt;From `
        elif self.flowed:
            text = re.sub(r"(?m)^--$", "-- ", text)
        self.pre, self.pre_text, self.drop_newline = None, [], False
        self.emit(text, styled and self.flowed)

    def line_break(self) -> None:
        """End the current line unless it is already ended."""
        if self.pre is not None:
            self.pre_text.append("\n")
        elif self.chunks and not self.chunks[-1].text.endswith("\n"):
            self.emit("\n", self.chunks[-1].flowed)

    def emit(self, text: str, flowed: bool) -> None:
        """Append text at the current depth, merging with the previous chunk when possible."""
        if not text:
            return
        last = self.chunks[-1] if self.chunks else None
        if last is not None and last.depth == self.depth and last.flowed == flowed:
            last.text += text
        else:
            self.chunks.append(_Chunk(self.depth, text, flowed))


def _chunks(fragment: str, flowed: bool) -> list[_Chunk]:
    scanner = _Scanner(flowed)
    position = 0
    for match in _TAG.finditer(fragment):
        scanner.text(fragment[position : match.start()])
        position = match.end()
        if match.group(2):
            scanner.tag(match.group(1) == "/", match.group(2), match.group(3))
    scanner.text(fragment[position:])
    scanner.end_pre()
    return scanner.chunks


def _restore_from_lines(chunks: list[_Chunk]) -> list[_Chunk]:
    """Undo the one-line depth-1 quote an mbox-escaped `>From ` line turns into."""
    for index, chunk in enumerate(chunks):
        if chunk.depth != 1 or not chunk.text.startswith("From "):
            continue
        if chunk.text.count("\n") > 1 or not chunk.text.endswith("\n"):
            continue
        before = chunks[index - 1].depth if index > 0 else 0
        after = chunks[index + 1].depth if index + 1 < len(chunks) else 0
        if before == 0 and after == 0:
            chunk.depth = 0
    return chunks


def _format_chunk(chunk: _Chunk) -> str:
    text = html.unescape(chunk.text)
    if chunk.depth == 0 and not chunk.flowed:
        return text
    return "".join(_format_line(line, chunk.depth) for line in _lines(text))


def _format_line(line: str, depth: int) -> str:
    body = line.rstrip("\n")
    end = line[len(body) :]
    if depth == 0:
        needs_stuffing = body.startswith((" ", "From ", ">"))
        return (" " + body if needs_stuffing else body) + end
    return _quote_line(depth, body) + end
