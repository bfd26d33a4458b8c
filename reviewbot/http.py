"""Asynchronous HTTP GET with retries, backoff, caps and bounded concurrency (httpx).

This is the only module that imports httpx; keep it out of the `--offline` start-up path.
`HttpSettings.timeout` applies to each network wait (connect, each read, each write), not to
a whole download; waiting for a concurrency slot never counts as a timeout.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from types import TracebackType
from typing import Self

import httpx

from reviewbot import __version__
from reviewbot.errors import FetchError, NotFoundError

DEFAULT_USER_AGENT = f"reviewbot/{__version__} (+patch review for xen-devel)"
ProgressHook = Callable[[int, int], None]
"""Called with (requests finished, requests started) whenever either count changes."""

_GZIP_MAGIC = b"\x1f\x8b"
_INFLATE_STEP = 256 * 1024  # bytes of output per zlib call: bounds memory on a gzip bomb


@dataclass(frozen=True)
class HttpSettings:
    """Knobs for HttpClient; the defaults suit lore.kernel.org and lists.xenproject.org."""

    timeout: float = 20.0  # per read/write/pool wait, seconds
    connect_timeout: float = 10.0
    concurrency: int = 8  # requests in flight at once, per client
    retries: int = 4  # extra attempts after the first
    backoff_base: float = 0.5  # exponential backoff with full jitter
    backoff_max: float = 30.0  # also caps an honoured Retry-After
    max_response_bytes: int = 64 * 2**20  # bytes received on the wire
    max_decompressed_bytes: int = 256 * 2**20  # after Content-Encoding and gunzip=True decoding
    user_agent: str = DEFAULT_USER_AGENT

    def __post_init__(self) -> None:
        if self.timeout <= 0 or self.connect_timeout <= 0:
            raise ValueError("timeouts must be positive")
        if self.concurrency < 1 or self.retries < 0:
            raise ValueError("concurrency must be >= 1 and retries >= 0")


@dataclass(frozen=True)
class Response:
    """A successful answer: 2xx with its body, or 304 (`not_modified`, empty content)."""

    url: str  # after redirects
    status: int
    content: bytes
    etag: str | None
    last_modified: str | None
    not_modified: bool


class _Retryable(Exception):
    """One attempt failed in a way that may succeed on the next one."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class _CorruptData(Exception):
    """A compressed layer of the body cannot be decoded."""


class _Inflater:
    """Streaming gzip (or zlib/deflate) decoder with bounded output per step."""

    def __init__(self, wbits: int = 31) -> None:
        self._wbits = wbits
        self._decoder = zlib.decompressobj(wbits)

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decode `data`, yielding output in pieces of at most _INFLATE_STEP bytes."""
        while True:
            try:
                out = self._decoder.decompress(data, _INFLATE_STEP)
            except zlib.error as exc:
                raise _CorruptData(f"corrupt compressed data ({exc})") from exc
            if out:
                yield out
            if self._decoder.eof and self._wbits == 31:
                data = self._decoder.unused_data.lstrip(b"\0")  # next gzip member, if any
                if not data:
                    return
                self._decoder = zlib.decompressobj(self._wbits)
                continue
            data = self._decoder.unconsumed_tail
            if not data and len(out) < _INFLATE_STEP:
                return

    def finish(self) -> None:
        """Raise _CorruptData when the compressed stream stopped in the middle."""
        if not self._decoder.eof:
            raise _CorruptData("truncated compressed data")


class _Body:
    """Collects a body from raw chunks, decoding and enforcing the byte caps as it goes.

    Layers: Content-Encoding (gzip/deflate), then with gunzip=True a gzip file body. A
    gunzip=True body that does not start with the gzip magic is kept as it is.
    """

    def __init__(self, url: str, settings: HttpSettings, encoding: str, gunzip: bool) -> None:
        self._url = url
        self._settings = settings
        self._received = 0
        self._decoded = 0
        self._parts: list[bytes] = []
        self._transfer = _content_decoder(url, encoding)
        self._sniffing = gunzip  # waiting for the first bytes to see whether it is gzip
        self._head = b""
        self._file: _Inflater | None = None

    def add(self, chunk: bytes) -> None:
        """Take one raw chunk from the wire."""
        self._received += len(chunk)
        if self._received > self._settings.max_response_bytes:
            raise _too_big(self._url, "response", self._settings.max_response_bytes)
        for piece in self._transfer.feed(chunk) if self._transfer else (chunk,):
            self._add_decoded(piece)

    def finish(self) -> bytes:
        """The complete decoded body; _CorruptData if a compressed layer was cut short."""
        if self._transfer:
            self._transfer.finish()
        if self._sniffing:
            self._sniffing = False
            self._add_decoded(self._head)
        if self._file:
            self._file.finish()
        return b"".join(self._parts)

    def _add_decoded(self, piece: bytes) -> None:
        if self._sniffing:
            self._head += piece
            if len(self._head) < len(_GZIP_MAGIC):
                return
            piece, self._head, self._sniffing = self._head, b"", False
            if piece.startswith(_GZIP_MAGIC):
                self._file = _Inflater()
        for out in self._file.feed(piece) if self._file else (piece,):
            self._keep(out)

    def _keep(self, data: bytes) -> None:
        self._decoded += len(data)
        limit = self._settings.max_decompressed_bytes
        if (self._transfer or self._file) and self._decoded > limit:
            raise _too_big(self._url, "decompressed body", limit)
        self._parts.append(data)


def _content_decoder(url: str, encoding: str) -> _Inflater | None:
    value = encoding.strip().lower()
    if value in ("", "identity"):
        return None
    if value in ("gzip", "x-gzip"):
        return _Inflater(31)
    if value == "deflate":
        return _Inflater(47)  # zlib or gzip header, auto-detected
    raise FetchError(f"{url}: unsupported Content-Encoding {encoding!r}")


def _too_big(url: str, what: str, limit: int) -> FetchError:
    return FetchError(
        f"{url}: {what} larger than {limit} bytes",
        "raise the size limit if this archive is really that big",
    )


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP-date), None if absent."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class HttpClient:
    """`async with HttpClient(settings) as client: await client.get(url)`."""

    def __init__(
        self, settings: HttpSettings | None = None, on_progress: ProgressHook | None = None
    ) -> None:
        self.settings = settings or HttpSettings()
        self._on_progress = on_progress
        self._semaphore = asyncio.Semaphore(self.settings.concurrency)  # renewed on enter
        self._client: httpx.AsyncClient | None = None
        self._started = 0
        self._finished = 0

    async def __aenter__(self) -> Self:
        s = self.settings
        self._semaphore = asyncio.Semaphore(s.concurrency)  # bound to the running loop
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(s.timeout, connect=s.connect_timeout),
            # The semaphore is the one bound on requests in flight; the pool only keeps
            # that many idle connections for reuse.
            limits=httpx.Limits(max_connections=None, max_keepalive_connections=s.concurrency),
            headers={"User-Agent": s.user_agent, "Accept-Encoding": "gzip"},
            follow_redirects=True,
            max_redirects=10,
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        gunzip: bool = False,
    ) -> Response:
        """GET `url`, retrying transient failures; conditional when etag/last_modified given.

        `gunzip=True` decodes a gzip body (such as `t.mbox.gz`); a body that is not gzip is
        returned as it is. Raises NotFoundError for 404/410 and FetchError for other failures.
        """
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        self._progress(started=1)
        try:
            response = await self._with_retries(url, headers, gunzip)
        finally:
            self._progress(finished=1)
        if response.not_modified:  # a 304 need not repeat the validators
            etag = response.etag or etag
            last_modified = response.last_modified or last_modified
            return replace(response, etag=etag, last_modified=last_modified)
        return response

    def _progress(self, started: int = 0, finished: int = 0) -> None:
        self._started += started
        self._finished += finished
        if self._on_progress is not None:
            self._on_progress(self._finished, self._started)

    async def _with_retries(self, url: str, headers: dict[str, str], gunzip: bool) -> Response:
        attempts = self.settings.retries + 1
        for attempt in range(attempts):
            try:
                async with self._semaphore:
                    return await self._attempt(url, headers, gunzip)
            except _Retryable as failure:
                if attempt + 1 == attempts:
                    raise FetchError(
                        f"{url}: server kept failing: {failure.reason} after {attempts} attempts",
                        "try again later, or check the URL and your network",
                    ) from failure
                await asyncio.sleep(self._delay(attempt, failure.retry_after))
        raise AssertionError("unreachable")  # pragma: no cover

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        """Full-jitter exponential backoff, or the server's Retry-After; both capped."""
        s = self.settings
        if retry_after is not None:
            return min(retry_after, s.backoff_max)
        return random.uniform(0, min(s.backoff_max, s.backoff_base * 2**attempt))

    async def _attempt(self, url: str, headers: dict[str, str], gunzip: bool) -> Response:
        assert self._client is not None, "use HttpClient inside `async with`"
        try:
            async with self._client.stream("GET", url, headers=headers) as answer:
                _check_status(url, answer)
                if answer.status_code == 304:
                    return _make_response(answer, b"")
                return _make_response(answer, await self._read_body(url, answer, gunzip))
        except httpx.InvalidURL as exc:
            raise FetchError(f"{url}: invalid URL ({_one_line(exc)})") from exc
        except httpx.TooManyRedirects as exc:
            raise FetchError(f"{url}: redirect loop", "the server keeps redirecting") from exc
        except httpx.TimeoutException as exc:
            raise _Retryable(f"timed out ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            if isinstance(exc, httpx.UnsupportedProtocol | httpx.LocalProtocolError):
                raise FetchError(f"{url}: {_one_line(exc)}") from exc
            raise _Retryable(f"connection failed: {_one_line(exc)}") from exc

    async def _read_body(self, url: str, answer: httpx.Response, gunzip: bool) -> bytes:
        length = answer.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > self.settings.max_response_bytes:
            raise _too_big(url, "response", self.settings.max_response_bytes)
        body = _Body(url, self.settings, answer.headers.get("Content-Encoding", ""), gunzip)
        try:
            async for chunk in answer.aiter_raw():
                body.add(chunk)
            return body.finish()
        except _CorruptData as exc:
            raise FetchError(f"{url}: {exc}", "the server sent a damaged file") from exc


def _check_status(url: str, answer: httpx.Response) -> None:
    status = answer.status_code
    if 200 <= status < 300 or status == 304:
        return
    reason = f"{status} {answer.reason_phrase}".strip()
    if status in (404, 410):
        raise NotFoundError(
            f"not found: {url} ({reason})",
            "check the Message-ID or URL; the archive has no such page",
        )
    if status in (408, 429) or status >= 500:
        raise _Retryable(reason, parse_retry_after(answer.headers.get("Retry-After")))
    raise FetchError(f"{url}: server answered {reason}", "check the URL")


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _make_response(answer: httpx.Response, content: bytes) -> Response:
    return Response(
        url=str(answer.url),
        status=answer.status_code,
        content=content,
        etag=answer.headers.get("ETag"),
        last_modified=answer.headers.get("Last-Modified"),
        not_modified=answer.status_code == 304,
    )
