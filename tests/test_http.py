"""reviewbot.http against a real, misbehaving HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import email.utils
import gzip
import socket
import time
from pathlib import Path
from typing import Any

import pytest

from reviewbot import __version__
from reviewbot.errors import FetchError, NotFoundError
from reviewbot.http import DEFAULT_USER_AGENT, HttpClient, HttpSettings, Response, parse_retry_after
from tests.support.faulty_server import Fault, FaultyServer, gzip_bomb

FAST = HttpSettings(
    timeout=2.0, connect_timeout=2.0, retries=4, backoff_base=0.01, backoff_max=0.05
)
BODY = b"From: someone\n\nhello\n" * 100


def get(url: str, settings: HttpSettings = FAST, **kwargs: Any) -> Response:
    """One GET with a fresh client."""

    async def main() -> Response:
        async with HttpClient(settings) as client:
            return await client.get(url, **kwargs)

    return asyncio.run(main())


def fails(url: str, settings: HttpSettings = FAST, **kwargs: Any) -> FetchError:
    """The FetchError one GET raises."""
    with pytest.raises(FetchError) as caught:
        get(url, settings, **kwargs)
    return caught.value


def statuses(server: FaultyServer, path: str) -> list[int | None]:
    return [record.status for record in server.requests(path)]


# --- plain answers --------------------------------------------------------------------------


def test_get_returns_body_and_validators(faulty_server: FaultyServer) -> None:
    url = faulty_server.add("/a", BODY)
    response = get(url)
    assert response.status == 200
    assert response.content == BODY
    assert response.url == url
    assert response.etag and response.etag.startswith('"')
    assert response.last_modified == "Tue, 14 Nov 2023 22:13:20 GMT"
    assert not response.not_modified


def test_user_agent_names_reviewbot_and_version(faulty_server: FaultyServer) -> None:
    get(faulty_server.add("/a", BODY))
    agent = faulty_server.requests("/a")[0].headers["user-agent"]
    assert agent == DEFAULT_USER_AGENT
    assert agent.startswith(f"reviewbot/{__version__} ")


def test_redirect_is_followed(faulty_server: FaultyServer) -> None:
    target = faulty_server.add("/msgid/", BODY)
    faulty_server.redirect("/msgid", target)
    response = get(faulty_server.url("/msgid"))
    assert response.url == target
    assert response.content == BODY
    assert statuses(faulty_server, "/msgid") == [301]


def test_redirect_loop_is_an_error(faulty_server: FaultyServer) -> None:
    faulty_server.redirect("/a", faulty_server.url("/b"))
    faulty_server.redirect("/b", faulty_server.url("/a"))
    error = fails(faulty_server.url("/a"))
    assert "redirect loop" in error.message
    assert not isinstance(error, NotFoundError)


# --- retries ----------------------------------------------------------------------------------


def test_two_500s_then_success(faulty_server: FaultyServer) -> None:
    url = faulty_server.add("/a", BODY)
    faulty_server.script("/a", Fault.status_code(500, times=2))
    assert get(url).content == BODY
    assert statuses(faulty_server, "/a") == [500, 500, 200]


@pytest.mark.parametrize("retries", [0, 1, 4])
def test_persistent_503_gives_up_after_retries_plus_one(
    faulty_server: FaultyServer, retries: int
) -> None:
    url = faulty_server.add("/a", BODY)
    faulty_server.script("/a", Fault.status_code(503, times=None))
    settings = HttpSettings(retries=retries, backoff_base=0.01, backoff_max=0.05)
    error = fails(url, settings)
    attempts = retries + 1
    assert (
        f"server kept failing: 503 Service Unavailable after {attempts} attempts" in error.message
    )
    assert url in error.message
    assert error.hint
    assert statuses(faulty_server, "/a") == [503] * attempts


def test_429_retry_after_seconds_is_honoured(faulty_server: FaultyServer) -> None:
    url = faulty_server.add("/a", BODY)
    faulty_server.script("/a", Fault.retry_after("1"))
    settings = HttpSettings(backoff_base=0.01, backoff_max=5.0)
    assert get(url, settings).content == BODY
    first, second = faulty_server.requests("/a")
    assert (first.status, second.status) == (429, 200)
    assert second.started - first.started >= 0.9  # waited as told, not the 10 ms backoff


def test_503_retry_after_http_date_is_honoured(faulty_server: FaultyServer) -> None:
    url = faulty_server.add("/a", BODY)
    when = email.utils.formatdate(time.time() + 2, usegmt=True)
    faulty_server.script("/a", Fault.retry_after(when, status=503))
    settings = HttpSettings(backoff_base=0.01, backoff_max=5.0)
    assert get(url, settings).content == BODY
    first, second = faulty_server.requests("/a")
    assert second.started - first.started >= 0.5  # the date has one-second resolution


def test_retry_after_is_capped_by_backoff_max(faulty_server: FaultyServer) -> None:
    url = faulty_server.add("/a", BODY)
    faulty_server.script("/a", Fault.retry_after("3600"))
    assert get(url, HttpSettings(backoff_base=0.01, backoff_max=0.1)).content == BODY
    first, second = faulty_server.requests("/a")
    assert second.started - first.started < 60


def test_parse_retry_after() -> None:
    now = 1_700_000_000.0
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(email.utils.formatdate(now + 12, usegmt=True), now) == 12.0
    assert parse_retry_after(email.utils.formatdate(now - 12, usegmt=True), now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after("") is None
    assert parse_retry_after(None) is None


@pytest.mark.parametrize(
    "fault",
    [
        Fault.truncated(sent=10),
        Fault.truncated_chunked(sent=10),
        Fault.drop_before_headers(),
        Fault.drop_after_headers(),
    ],
    ids=lambda fault: fault.kind,
)
def test_broken_transfer_is_retried(faulty_server: FaultyServer, fault: Fault) -> None:
    url = faulty_server.add("/a", BODY)
    faulty_server.script("/a", fault)
    assert get(url).content == BODY
    assert [r.fault for r in faulty_server.requests("/a")] == [fault.kind, None]


@pytest.mark.parametrize(
    "fault",
    [
        Fault.truncated(sent=10, times=None),
        Fault.truncated_chunked(sent=10, times=None),
        Fault.drop_before_headers(times=None),
        Fault.drop_after_headers(times=None),
    ],
    ids=lambda fault: fault.kind,
)
def test_persistent_broken_transfer_fails(faulty_server: FaultyServer, fault: Fault) -> None:
    url = faulty_server.add("/a", BODY)
    faulty_server.script("/a", fault)
    error = fails(url)
    assert "connection failed" in error.message
    assert "after 5 attempts" in error.message
    assert len(faulty_server.requests("/a")) == 5


def test_slow_response_times_out_and_is_retried(faulty_server: FaultyServer) -> None:
    url = faulty_server.add("/a", BODY)
    faulty_server.script("/a", Fault.slow(3.0))
    settings = HttpSettings(timeout=0.3, backoff_base=0.01, backoff_max=0.05)
    assert get(url, settings).content == BODY
    assert [r.fault for r in faulty_server.requests("/a")] == ["slow", None]


def test_always_slow_response_fails(faulty_server: FaultyServer) -> None:
    url = faulty_server.add("/a", BODY)
    faulty_server.script("/a", Fault.slow(3.0, times=None))
    settings = HttpSettings(timeout=0.2, retries=1, backoff_base=0.01, backoff_max=0.05)
    error = fails(url, settings)
    assert "timed out" in error.message
    assert "after 2 attempts" in error.message


def test_connection_refused_fails_after_retries() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    error = fails(f"http://127.0.0.1:{port}/a", HttpSettings(retries=2, backoff_base=0.01))
    assert "connection failed" in error.message
    assert "after 3 attempts" in error.message


# --- errors that are not retried -----------------------------------------------------------


@pytest.mark.parametrize("status", [404, 410])
def test_gone_is_not_found(faulty_server: FaultyServer, status: int) -> None:
    url = faulty_server.add("/a", BODY)
    faulty_server.script("/a", Fault.status_code(status))
    with pytest.raises(NotFoundError) as caught:
        get(url)
    assert url in caught.value.message
    assert str(status) in caught.value.message
    assert "\n" not in caught.value.one_line()
    assert caught.value.hint
    assert len(faulty_server.requests("/a")) == 1


def test_missing_path_is_not_found(faulty_server: FaultyServer) -> None:
    with pytest.raises(NotFoundError):
        get(faulty_server.url("/nothing"))


def test_other_4xx_fails_at_once(faulty_server: FaultyServer) -> None:
    url = faulty_server.add("/a", BODY)
    faulty_server.script("/a", Fault.status_code(403))
    error = fails(url)
    assert not isinstance(error, NotFoundError)
    assert "403 Forbidden" in error.message
    assert len(faulty_server.requests("/a")) == 1


def test_unsupported_scheme_fails_at_once() -> None:
    assert "ftp" in fails("ftp://127.0.0.1/a").message


# --- conditional requests --------------------------------------------------------------------


def test_matching_etag_gives_not_modified(faulty_server: FaultyServer) -> None:
    url = faulty_server.add("/a", BODY)
    first = get(url)
    again = get(url, etag=first.etag)
    assert again.not_modified
    assert again.status == 304
    assert again.content == b""
    assert again.etag == first.etag
    assert faulty_server.requests("/a")[1].headers["if-none-match"] == first.etag


def test_last_modified_gives_not_modified(faulty_server: FaultyServer) -> None:
    url = faulty_server.add("/a", BODY)
    first = get(url)
    again = get(url, last_modified=first.last_modified)
    assert again.not_modified
    assert again.last_modified == first.last_modified
    assert faulty_server.requests("/a")[1].headers["if-modified-since"] == first.last_modified


def test_changed_file_is_sent_again(faulty_server: FaultyServer) -> None:
    url = faulty_server.add("/a", BODY)
    first = get(url)
    faulty_server.add("/a", BODY + b"more\n", mtime=1_800_000_000)
    again = get(url, etag=first.etag)
    assert not again.not_modified
    assert again.content == BODY + b"more\n"
    assert again.etag != first.etag


# --- size caps and gzip ------------------------------------------------------------------------


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_body_over_cap_fails(faulty_server: FaultyServer, chunked: bool) -> None:
    url = faulty_server.add("/a", bytes(300_000), chunked=chunked)
    error = fails(url, HttpSettings(max_response_bytes=100_000, backoff_base=0.01))
    assert "larger than 100000 bytes" in error.message
    assert len(faulty_server.requests("/a")) == 1


def test_body_at_cap_is_fine(faulty_server: FaultyServer) -> None:
    url = faulty_server.add("/a", bytes(100_000), chunked=True)
    assert len(get(url, HttpSettings(max_response_bytes=100_000)).content) == 100_000


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_gunzip_decodes_a_gzip_file(faulty_server: FaultyServer, chunked: bool) -> None:
    data = b"".join(b"line %d\n" % n for n in range(50_000))
    packed = gzip.compress(data)
    url = faulty_server.add("/t.mbox.gz", packed, chunked=chunked)
    assert get(url, gunzip=True).content == data
    assert get(url).content == packed  # without gunzip: the file as it is


def test_gunzip_joins_gzip_members(faulty_server: FaultyServer) -> None:
    url = faulty_server.add("/t.mbox.gz", gzip.compress(b"one\n") + gzip.compress(b"two\n"))
    assert get(url, gunzip=True).content == b"one\ntwo\n"


def test_gunzip_keeps_a_plain_body(faulty_server: FaultyServer) -> None:
    assert get(faulty_server.add("/a", BODY), gunzip=True).content == BODY


def test_gunzip_bomb_is_stopped(faulty_server: FaultyServer) -> None:
    bomb = gzip_bomb(64 * 2**20)
    url = faulty_server.add("/t.mbox.gz", bomb, chunked=True)
    settings = HttpSettings(max_decompressed_bytes=2**20, max_response_bytes=2**20)
    assert len(bomb) < 2**20
    error = fails(url, settings, gunzip=True)
    assert "decompressed body larger than 1048576 bytes" in error.message
    assert len(faulty_server.requests("/t.mbox.gz")) == 1


def test_content_encoding_gzip_is_decoded(faulty_server: FaultyServer) -> None:
    url = faulty_server.add("/raw", gzip.compress(BODY), headers={"Content-Encoding": "gzip"})
    assert get(url).content == BODY
    assert faulty_server.requests("/raw")[0].headers["accept-encoding"] == "gzip"


def test_content_encoding_bomb_is_stopped(faulty_server: FaultyServer) -> None:
    url = faulty_server.add("/raw", gzip_bomb(64 * 2**20), headers={"Content-Encoding": "gzip"})
    error = fails(url, HttpSettings(max_decompressed_bytes=2**20))
    assert "decompressed body larger" in error.message


def test_gzip_inside_content_encoding_is_unwrapped_twice(faulty_server: FaultyServer) -> None:
    double = gzip.compress(gzip.compress(BODY))
    url = faulty_server.add("/t.mbox.gz", double, headers={"Content-Encoding": "gzip"})
    assert get(url, gunzip=True).content == BODY


def test_cut_gzip_file_is_an_error(faulty_server: FaultyServer) -> None:
    url = faulty_server.add("/t.mbox.gz", gzip.compress(BODY)[:-20])
    assert "truncated compressed data" in fails(url, gunzip=True).message


def test_corrupt_gzip_file_is_an_error(faulty_server: FaultyServer) -> None:
    url = faulty_server.add("/t.mbox.gz", b"\x1f\x8b" + bytes(range(200)))
    assert "corrupt compressed data" in fails(url, gunzip=True).message


# --- concurrency and progress --------------------------------------------------------------


def _gather(settings: HttpSettings, urls: list[str], **kwargs: Any) -> list[Response]:
    async def main() -> list[Response]:
        async with HttpClient(settings, **kwargs) as client:
            return await asyncio.gather(*(client.get(url) for url in urls))

    return asyncio.run(main())


@pytest.mark.parametrize("concurrency", [1, 4, 8])
def test_concurrency_is_bounded(faulty_server: FaultyServer, concurrency: int) -> None:
    urls = [faulty_server.add(f"/m{n}", b"%d" % n) for n in range(60 if concurrency > 1 else 8)]
    faulty_server.delay = 0.05
    responses = _gather(HttpSettings(concurrency=concurrency), urls)
    assert [r.content for r in responses] == [b"%d" % n for n in range(len(urls))]
    assert 1 <= faulty_server.max_in_flight <= concurrency
    if concurrency > 1:  # the server really does see parallel requests
        assert faulty_server.max_in_flight > 1


def test_waiting_for_a_slot_is_not_a_timeout(faulty_server: FaultyServer) -> None:
    urls = [faulty_server.add(f"/m{n}", b"x") for n in range(20)]
    faulty_server.delay = 0.1
    settings = HttpSettings(concurrency=2, timeout=0.5, retries=0)
    assert len(_gather(settings, urls)) == 20  # the last ones waited about 1 s for their turn
    assert faulty_server.max_in_flight == 2


def test_progress_reports_start_and_finish(faulty_server: FaultyServer) -> None:
    urls = [faulty_server.add(f"/m{n}", b"x") for n in range(5)]
    events: list[tuple[int, int]] = []
    _gather(FAST, urls, on_progress=lambda done, total: events.append((done, total)))
    assert len(events) == 10
    assert events[-1] == (5, 5)
    assert all(done <= total for done, total in events)
    assert max(total for _, total in events) == 5


def test_progress_counts_failures_as_finished(faulty_server: FaultyServer) -> None:
    events: list[tuple[int, int]] = []

    async def main() -> None:
        async with HttpClient(FAST, on_progress=lambda d, t: events.append((d, t))) as client:
            with pytest.raises(NotFoundError):
                await client.get(faulty_server.url("/missing"))

    asyncio.run(main())
    assert events == [(0, 1), (1, 1)]


def test_settings_reject_nonsense() -> None:
    with pytest.raises(ValueError, match="concurrency"):
        HttpSettings(concurrency=0)
    with pytest.raises(ValueError, match="timeouts"):
        HttpSettings(timeout=0)


# --- the server itself (benchmarks rely on it) ---------------------------------------------


def test_server_mounts_a_directory(faulty_server: FaultyServer, tmp_path: Path) -> None:
    page = tmp_path / "xen-devel" / "2019-07" / "msg00001.html"
    page.parent.mkdir(parents=True)
    page.write_bytes(b"<html>hi</html>")
    (tmp_path.parent / "secret.txt").write_text("no")
    faulty_server.mount("/archives/html/", tmp_path)
    response = get(faulty_server.url("/archives/html/xen-devel/2019-07/msg00001.html"))
    assert response.content == b"<html>hi</html>"
    assert response.etag
    assert get(response.url, etag=response.etag).not_modified
    with pytest.raises(NotFoundError):
        get(faulty_server.url("/archives/html/%2E%2E/secret.txt"))


def test_server_delays_concurrently(faulty_server: FaultyServer) -> None:
    urls = [faulty_server.add(f"/m{n}", b"x") for n in range(20)]
    faulty_server.delay = 0.2
    _gather(HttpSettings(concurrency=20), urls)
    assert faulty_server.max_in_flight > 10  # twenty 200 ms answers overlapped
