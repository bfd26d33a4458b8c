"""A real HTTP/1.1 server on 127.0.0.1 with scriptable faults, for tests and benchmarks.

    with FaultyServer() as server:                 # or the `faulty_server` pytest fixture
        server.add("/a", b"body")                  # ETag + Last-Modified, 304 handling
        server.mount("/archives/html/", Path("fixtures/archive"))
        server.script("/a", Fault.status(500, times=2))   # two 500s, then the file
        server.delay = 0.05                        # every response 50 ms late
        url = server.url("/a")
        ...
        len(server.requests("/a")), server.max_in_flight

Faults are real: dropped connections close the socket, truncated bodies promise more bytes
than they send. Each request is handled in its own thread, so delayed responses overlap.
"""

from __future__ import annotations

import dataclasses
import email.utils
import hashlib
import mimetypes
import socket
import threading
import time
import urllib.parse
import zlib
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Self

import pytest

_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Fault:
    """One scripted misbehaviour; `times` is how many requests it answers (None: all)."""

    kind: str
    times: int | None = 1
    status: int = 500
    headers: tuple[tuple[str, str], ...] = ()
    seconds: float = 0.0
    sent: int = 0  # bytes of the body actually sent by a truncating fault

    @classmethod
    def status_code(
        cls, status: int, *, times: int | None = 1, headers: dict[str, str] | None = None
    ) -> Fault:
        """Answer `status` (with `headers`, e.g. Retry-After) instead of the file."""
        return cls("status", times, status, tuple((headers or {}).items()))

    @classmethod
    def retry_after(cls, value: str, *, status: int = 429, times: int | None = 1) -> Fault:
        """429 (or `status`) with a Retry-After header."""
        return cls.status_code(status, times=times, headers={"Retry-After": value})

    @classmethod
    def slow(cls, seconds: float, *, times: int | None = 1) -> Fault:
        """Wait `seconds` before answering (then answer normally, if anyone still listens)."""
        return cls("slow", times, seconds=seconds)

    @classmethod
    def drop_before_headers(cls, *, times: int | None = 1) -> Fault:
        """Read the request, then close the connection without a word."""
        return cls("drop_before_headers", times)

    @classmethod
    def drop_after_headers(cls, *, times: int | None = 1) -> Fault:
        """Send the status line and headers (with Content-Length), then close."""
        return cls("drop_after_headers", times)

    @classmethod
    def truncated(cls, sent: int = 10, *, times: int | None = 1) -> Fault:
        """Promise the whole body in Content-Length, send only `sent` bytes, close."""
        return cls("truncated", times, sent=sent)

    @classmethod
    def truncated_chunked(cls, sent: int = 10, *, times: int | None = 1) -> Fault:
        """Chunked body: send `sent` bytes in a chunk, then close without the last chunk."""
        return cls("truncated_chunked", times, sent=sent)


@dataclass
class RequestRecord:
    """One request as the server saw it."""

    method: str
    path: str  # as sent, with any query
    headers: dict[str, str]  # lower-case names
    started: float  # time.monotonic() when the request line was read
    status: int | None = None  # None when the connection was dropped before a status
    fault: str | None = None


@dataclass
class _Entry:
    body: bytes
    headers: dict[str, str]
    etag: str
    last_modified: str
    chunked: bool = False


@dataclass
class _State:
    files: dict[str, _Entry] = field(default_factory=dict)
    mounts: dict[str, Path] = field(default_factory=dict)
    redirects: dict[str, tuple[int, str]] = field(default_factory=dict)
    faults: dict[str, deque[Fault]] = field(default_factory=dict)
    log: list[RequestRecord] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)
    arrived: threading.Condition = field(default_factory=threading.Condition)


def _entry(body: bytes, headers: dict[str, str], mtime: float, chunked: bool = False) -> _Entry:
    etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
    stamp = email.utils.formatdate(int(mtime), usegmt=True)
    return _Entry(body, headers, etag, stamp, chunked)


def gzip_bomb(decompressed_size: int) -> bytes:
    """A gzip file of `decompressed_size` zero bytes (about a thousandth of that compressed)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1 << 20)
    parts = []
    left = decompressed_size
    while left > 0:
        parts.append(packer.compress(zeros[: min(left, len(zeros))]))
        left -= len(zeros)
    parts.append(packer.flush())
    return b"".join(parts)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 10  # idle keep-alive connections end eventually
    server: _Server
    _counted = False  # this request still counts in `in_flight`
    disable_nagle_algorithm = True  # one small write per response part: no 40 ms ACK stalls

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the structured log is `FaultyServer.log`."""

    def handle_one_request(self) -> None:
        """A client that hangs up (even with a reset) ends the connection quietly."""
        try:
            super().handle_one_request()
        except (ConnectionError, TimeoutError):
            self.close_connection = True

    def do_GET(self) -> None:
        self._handle(head=False)

    def do_HEAD(self) -> None:
        self._handle(head=True)

    def _handle(self, head: bool) -> None:
        state = self.server.state
        record = RequestRecord(
            self.command,
            self.path,
            {k.lower(): v for k, v in self.headers.items()},
            time.monotonic(),
        )
        path = urllib.parse.urlsplit(self.path).path
        self._counted = True
        with state.lock:
            state.log.append(record)
            state.in_flight += 1
            state.max_in_flight = max(state.max_in_flight, state.in_flight)
            fault = self._next_fault(path)
        with state.arrived:
            state.arrived.notify_all()
        try:
            self._answer(record, path, fault, head)
        except OSError:  # the client hung up first (timeouts, slow faults)
            self.close_connection = True
        finally:
            self._leave()

    def _next_fault(self, path: str) -> Fault | None:
        queue = self.server.state.faults.get(path)
        if not queue:
            return None
        fault = queue[0]
        if fault.times is not None:
            queue.popleft()
            if fault.times > 1:
                queue.appendleft(dataclasses.replace(fault, times=fault.times - 1))
        return fault

    def _leave(self) -> None:
        """The response is decided: this request no longer counts as in flight."""
        state = self.server.state
        with state.lock:
            if self._counted:
                state.in_flight -= 1
            self._counted = False

    def _answer(self, record: RequestRecord, path: str, fault: Fault | None, head: bool) -> None:
        state = self.server.state
        if self.server.delay:
            state.stopping.wait(self.server.delay)
        if fault is not None:
            record.fault = fault.kind
            if fault.kind == "status":
                body = f"{fault.status} scripted\n".encode()
                self._send_plain(record, fault.status, body, dict(fault.headers), head)
                return
            if fault.kind == "slow":
                state.stopping.wait(fault.seconds)
                fault = None
        if path in state.redirects:
            status, location = state.redirects[path]
            self._send_plain(record, status, b"", {"Location": location}, head)
            return
        entry = self._lookup(path)
        if entry is None:
            self._send_plain(record, 404, b"Not Found\n", {}, head)
        elif fault is not None:
            self._send_broken(record, entry, fault)
        else:
            self._send_entry(record, entry, head)

    def _lookup(self, path: str) -> _Entry | None:
        state = self.server.state
        for key in (path, urllib.parse.unquote(path)):
            if key in state.files:
                return state.files[key]
        for prefix, root in state.mounts.items():
            if path.startswith(prefix):
                return _file_entry(root, urllib.parse.unquote(path[len(prefix) :]))
        return None

    def _start(self, record: RequestRecord, status: int, headers: dict[str, str]) -> None:
        self._leave()
        record.status = status
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def _send_plain(
        self, record: RequestRecord, status: int, body: bytes, headers: dict[str, str], head: bool
    ) -> None:
        headers = {"Content-Type": "text/plain", "Content-Length": str(len(body)), **headers}
        self._start(record, status, headers)
        if not head:
            self.wfile.write(body)

    def _send_entry(self, record: RequestRecord, entry: _Entry, head: bool) -> None:
        validators = {"ETag": entry.etag, "Last-Modified": entry.last_modified}
        if _not_modified(
            self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since"), entry
        ):
            self._start(record, 304, validators)
            return
        headers = {**entry.headers, **validators}
        if entry.chunked:
            self._start(record, 200, {**headers, "Transfer-Encoding": "chunked"})
            if not head:
                for start in range(0, len(entry.body), _CHUNK):
                    self._write_chunk(entry.body[start : start + _CHUNK])
                self.wfile.write(b"0\r\n\r\n")
            return
        self._start(record, 200, {**headers, "Content-Length": str(len(entry.body))})
        if not head:
            self.wfile.write(entry.body)

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def _send_broken(self, record: RequestRecord, entry: _Entry, fault: Fault) -> None:
        self.close_connection = True
        if fault.kind == "drop_before_headers":
            self._leave()
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault.kind == "truncated_chunked":
            self._start(record, 200, {**entry.headers, "Transfer-Encoding": "chunked"})
            self._write_chunk(entry.body[: fault.sent])
        else:
            self._start(record, 200, {**entry.headers, "Content-Length": str(len(entry.body))})
            if fault.kind == "truncated":
                self.wfile.write(entry.body[: fault.sent])
        self.wfile.flush()
        self.connection.shutdown(socket.SHUT_RDWR)


def _file_entry(root: Path, relative: str) -> _Entry | None:
    base = root.resolve()
    target = (base / relative).resolve()
    if not target.is_relative_to(base) or not target.is_file():
        return None
    kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    return _entry(target.read_bytes(), {"Content-Type": kind}, target.stat().st_mtime)


def _not_modified(if_none_match: str | None, if_modified_since: str | None, entry: _Entry) -> bool:
    if if_none_match is not None:
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return "*" in tags or entry.etag in tags
    if if_modified_since is None:
        return False
    try:
        since = email.utils.parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    return email.utils.parsedate_to_datetime(entry.last_modified) <= since


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def __init__(self, state: _State) -> None:
        self.state = state
        self.delay = 0.0
        super().__init__(("127.0.0.1", 0), _Handler)


class FaultyServer:
    """The scriptable server; a context manager (start on enter, stop on exit)."""

    def __init__(self) -> None:
        self._state = _State()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------------
    def start(self) -> Self:
        """Bind a free loopback port and serve in a background thread."""
        self._server = _Server(self._state)
        poll = {"poll_interval": 0.02}  # so stop() returns quickly
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs=poll, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and wake any handler still sleeping in a delay or slow fault."""
        self._state.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- content -----------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT`."""
        assert self._server is not None, "server not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        """Absolute URL of `path` on this server."""
        return self.base_url + path

    def add(
        self,
        path: str,
        body: bytes,
        *,
        content_type: str = "application/octet-stream",
        headers: dict[str, str] | None = None,
        chunked: bool = False,
        mtime: float = 1_700_000_000.0,
    ) -> str:
        """Serve `body` at `path` (sent as is: pass Content-Encoding in `headers` if needed)."""
        extra = {"Content-Type": content_type, **(headers or {})}
        with self._state.lock:
            self._state.files[path] = _entry(body, extra, mtime, chunked)
        return self.url(path)

    def mount(self, prefix: str, directory: Path) -> None:
        """Serve the files under `directory` at `prefix` (e.g. "/archives/html/")."""
        with self._state.lock:
            self._state.mounts[prefix] = Path(directory)

    def redirect(self, path: str, location: str, status: int = 301) -> None:
        """Answer `path` with a redirect to `location` (two of these make a loop)."""
        with self._state.lock:
            self._state.redirects[path] = (status, location)

    def script(self, path: str, *faults: Fault) -> None:
        """Queue faults for `path`; each answers `times` requests, then the next one applies."""
        with self._state.lock:
            self._state.faults.setdefault(path, deque()).extend(faults)

    @property
    def delay(self) -> float:
        """Seconds every response waits before it is sent."""
        assert self._server is not None, "server not started"
        return self._server.delay

    @delay.setter
    def delay(self, seconds: float) -> None:
        assert self._server is not None, "server not started"
        self._server.delay = seconds

    # --- observations --------------------------------------------------------------------------
    @property
    def log(self) -> list[RequestRecord]:
        """Every request so far, in arrival order (a copy)."""
        with self._state.lock:
            return list(self._state.log)

    def requests(self, path: str) -> list[RequestRecord]:
        """The requests for `path` (query ignored)."""
        return [r for r in self.log if urllib.parse.urlsplit(r.path).path == path]

    def wait_for_request(self, path: str, timeout: float = 30.0) -> RequestRecord:
        """Block until a request for `path` has arrived (AssertionError after `timeout`)."""
        with self._state.arrived:
            arrived = self._state.arrived.wait_for(lambda: self.requests(path), timeout)
        assert arrived, f"no request for {path} within {timeout} s"
        return self.requests(path)[0]

    @property
    def max_in_flight(self) -> int:
        """Most requests the server held at once before starting their responses."""
        with self._state.lock:
            return self._state.max_in_flight


@pytest.fixture
def faulty_server() -> Iterator[FaultyServer]:
    """A started FaultyServer, stopped after the test."""
    with FaultyServer() as server:
        yield server
