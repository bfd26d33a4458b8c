"""The bundled example: the seed thread's archive pages, served on a loopback port."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from reviewbot.bundled import bundled
from reviewbot.errors import ReviewbotError

#: Juergen Gross's reply with his Tested-by/Reviewed-by and the build-time table.
SEED_MESSAGE_ID = "b4d3c0ea-3a1f-5d6e-93c2-1f8e0b7d2a65@suse.com"
ARCHIVE_PREFIX = "/archives/html/"


def bundled_archive() -> Path:
    """The example archive: inside the installed package, or `fixtures/archive` in a checkout."""
    return bundled("archive/xen-devel", "fixtures/archive/xen-devel", "example archive").parent


def page_of(archive: Path, message_id: str) -> str | None:
    """The path below `archive` of the message page carrying `message_id`."""
    marker = f"<!--X-Message-Id: {message_id.replace('-', '&#45;')} -->".encode()
    for page in sorted(archive.glob("*/*/msg*.html")):
        if marker in page.read_bytes():
            return page.relative_to(archive).as_posix()
    return None


def seed_page(archive: Path) -> str:
    """The path below `archive` of the seed reply's page."""
    found = page_of(archive, SEED_MESSAGE_ID)
    if found is None:
        raise ReviewbotError(
            "the seed thread is missing from the bundled archive",
            "reinstall reviewbot (pip install .)",
        )
    return found


class _ArchiveHandler(SimpleHTTPRequestHandler):
    """Serves the archive directory under /archives/html/, silently."""

    disable_nagle_algorithm = True

    def translate_path(self, path: str) -> str:
        if not path.startswith(ARCHIVE_PREFIX):
            return str(Path(self.directory) / "does-not-exist")
        return super().translate_path("/" + path[len(ARCHIVE_PREFIX) :])

    def log_message(self, format: str, *args: Any) -> None:
        """No request log on the terminal."""


@contextmanager
def serve_archive(archive: Path) -> Iterator[str]:
    """Serve `archive` on 127.0.0.1 and yield the base URL of `/archives/html/`."""
    handler = partial(_ArchiveHandler, directory=str(archive))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{ARCHIVE_PREFIX}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
