"""URLs of an MHonArc list archive: `<base>/YYYY-MM/msgNNNNN.html`, `threads.html`, `thrdN.html` ...

`base` is everything up to and including the list name, e.g.
`https://lists.xenproject.org/archives/html/xen-devel`. Any host and any prefix are accepted
(`lists.xen.org`, a loopback test server, `file://` fixtures); what must match is the tail
`<list>/YYYY-MM/` followed by a message page, an index page or nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import urlsplit, urlunsplit

_TAIL = re.compile(
    r"^(?P<base>.*/(?P<list>[^/]+))/(?P<year>\d{4})-(?P<month>0[1-9]|1[0-2])/"
    r"(?:msg(?P<number>\d{5,})\.html|threads\.html|thrd\d+\.html|maillist\.html"
    r"|mail\d+\.html|index\.html)?$"
)


@dataclass(frozen=True)
class ArchiveLocation:
    """One month of one list's archive, optionally one message page in it."""

    base: str
    list_name: str
    year: int
    month: int
    number: int | None = None

    @property
    def month_url(self) -> str:
        """The month's directory, with a trailing slash."""
        return f"{self.base}/{self.year:04d}-{self.month:02d}/"

    @property
    def url(self) -> str:
        """The message page when `number` is set, else the month's directory."""
        return self.month_url if self.number is None else self.page_url(self.number)

    def page_url(self, number: int) -> str:
        """The URL of message page `number` of this month."""
        return f"{self.month_url}msg{number:05d}.html"

    def thread_index_url(self, page: int = 1) -> str:
        """`threads.html` for page 1, `thrdN.html` for page N."""
        return self.month_url + ("threads.html" if page <= 1 else f"thrd{page}.html")

    def date_index_url(self, page: int = 1) -> str:
        """`maillist.html` for page 1, `mailN.html` for page N."""
        return self.month_url + ("maillist.html" if page <= 1 else f"mail{page}.html")

    def neighbour(self, delta_months: int) -> ArchiveLocation:
        """The same list `delta_months` away (an index location: `number` is None)."""
        index = self.year * 12 + (self.month - 1) + delta_months
        year, month0 = divmod(index, 12)
        return replace(self, year=year, month=month0 + 1, number=None)


def parse_archive_url(url: str) -> ArchiveLocation | None:
    """Parse an archive URL; None when its path is not `.../<list>/YYYY-MM/[page]`."""
    parts = urlsplit(url.strip())
    match = _TAIL.match(parts.path)
    if match is None:
        return None
    base = urlunsplit((parts.scheme, parts.netloc, match["base"], "", ""))
    number = match["number"]
    return ArchiveLocation(
        base=base,
        list_name=match["list"],
        year=int(match["year"]),
        month=int(match["month"]),
        number=None if number is None else int(number),
    )
