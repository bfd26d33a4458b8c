"""The bundled example: the seed thread's archive pages, served on a loopback port."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from reviewbot.errors import ReviewbotError

#: Juergen Gross's reply with his Tested-by/Reviewed-by and the build-time table.
SEED_MESSAGE_ID = "a0c7ab2f-f6cf-f7b4-4b2e-9d24c1a8e6e0@suse.com"
ARCHIVE_PREFIX = "/archives/html/"


def bundled_archive() -> Path:
    """The example archive: inside the installed package, or `fixtures/archive` in a checkout."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "_demo" / "archive", package.parent / "fixtures" / "archive"):
        if (candidate / "xen-devel").is_dir():
            return candidate
    raise ReviewbotError(
        "the bundled example archive is missing", "reinstall reviewbot (pip install .)"
    )


def seed_page(archive: Path) -> str:
    """The archive path (below the list directory) of the seed reply's page."""
    marker = f"<!--X-Message-Id: {SEED_MESSAGE_ID.replace('-', '&#45;')} -->".encode()
    for page in sorted(archive.glob("xen-devel/*/msg*.html")):
        if marker in page.read_bytes():
            return page.relative_to(archive).as_posix()
    raise ReviewbotError(
        "the seed thread is missing from the bundled archive", "reinstall reviewbot (pip install .)"
    )


class _ArchiveHandler(SimpleHTTPRequestHandler):
    """Serves the archive directory under /archives/html/, silently."""

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
