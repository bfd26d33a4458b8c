"""A throw-away, real `public-inbox-httpd` (Debian public-inbox 1.9) serving one mbox.

`running_public_inbox(mbox)` is a context manager usable from any script; the `public_inbox`
pytest fixture is a factory on top of it: `public_inbox(mbox_path) -> base_url`, where the
base URL ends in `/xen-devel`. Everything (config, HOME, inbox, logs) lives in a temporary
directory; nothing touches the real `~/.public-inbox`.

The listening socket is bound here (port 0) and handed to httpd by systemd-style socket
activation (`LISTEN_FDS`), so there is no window in which another process can take the port.
"""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from reviewbot.mail import split_mbox
from tests.support.tools import require_tools

LIST_NAME = "xen-devel"
LIST_ADDRESS = "xen-devel@lists.xenproject.org"
LIST_ID = "xen-devel.lists.xenproject.org"
STARTUP_TIMEOUT = 30.0

_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))

# Replaces itself with public-inbox-httpd after moving the inherited socket to fd 3 and
# announcing it the systemd way (LISTEN_PID must be the pid that execs httpd).
_LAUNCHER = """\
import os, sys
fd = int(sys.argv[1])
if fd != 3:
    os.dup2(fd, 3)
    os.close(fd)
os.set_inheritable(3, True)
os.environ["LISTEN_FDS"] = "1"
os.environ["LISTEN_PID"] = str(os.getpid())
os.execvp(sys.argv[2], sys.argv[2:])
"""


@dataclass(frozen=True)
class PublicInbox:
    """A running public-inbox-httpd."""

    base_url: str  # e.g. http://127.0.0.1:PORT/xen-devel
    root_url: str  # e.g. http://127.0.0.1:PORT
    directory: Path
    pid: int
    startup_seconds: float  # building the inbox + starting httpd until it answered


PUBLIC_INBOX_TOOLS = ("public-inbox-init", "public-inbox-mda", "public-inbox-httpd")


def _environment(directory: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(
        PI_CONFIG=str(directory / "config"),
        HOME=str(directory / "home"),
        ORIGINAL_RECIPIENT=LIST_ADDRESS,
        GIT_CONFIG_NOSYSTEM="1",
    )
    return env


def _run(args: list[str], env: dict[str, str], stdin: bytes = b"") -> None:
    done = subprocess.run(args, input=stdin, env=env, capture_output=True, check=False)
    if done.returncode != 0:
        output = (done.stdout + done.stderr).decode(errors="replace")
        raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}): {output}")


def _create_inbox(directory: Path, root_url: str, env: dict[str, str]) -> None:
    (directory / "home").mkdir(parents=True)
    inbox = directory / LIST_NAME
    init = ["public-inbox-init", "-V2", "-L", "medium", LIST_NAME, str(inbox)]
    _run([*init, f"{root_url}/{LIST_NAME}", LIST_ADDRESS], env)
    config = str(directory / "config")
    # Without spamcheck=none, -mda silently files mail under ~/.public-inbox/emergency.
    _run(["git", "config", "-f", config, "publicinboxmda.spamcheck", "none"], env)
    _run(["git", "config", "-f", config, f"publicinbox.{LIST_NAME}.listid", LIST_ID], env)


def _deliver(messages: list[bytes], env: dict[str, str]) -> None:
    for raw in messages:
        _run(["public-inbox-mda", "--no-precheck"], env, stdin=raw)


def _listen() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    sock.setblocking(False)  # httpd wants a non-blocking inherited socket
    return sock


def _start_httpd(
    directory: Path, sock: socket.socket, env: dict[str, str]
) -> subprocess.Popen[bytes]:
    httpd = ["public-inbox-httpd", "-W0", "-1", str(directory / "httpd.out")]
    httpd += ["-2", str(directory / "httpd.err")]
    fd = sock.fileno()
    return subprocess.Popen(
        [sys.executable, "-c", _LAUNCHER, str(fd), *httpd],
        env=env,
        pass_fds=(fd,),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """The socket already listens (httpd inherits it), so one request waits for httpd itself."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while (remaining := deadline - time.monotonic()) > 0:
        if process.poll() is not None:
            raise RuntimeError(f"public-inbox-httpd exited: {_tail(log)}")
        try:
            with _NO_PROXY.open(url, timeout=remaining) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            continue  # httpd still loading: the next request queues on the open socket
    raise RuntimeError(f"public-inbox-httpd did not answer {url}: {_tail(log)}")


def _tail(log: Path) -> str:
    try:
        return log.read_text(errors="replace")[-2000:]
    except OSError:
        return "(no log)"


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def running_public_inbox(
    mbox: Path | bytes, directory: Path | None = None
) -> Iterator[PublicInbox]:
    """Build a v2 inbox from `mbox` (a path or mbox bytes) and serve it until the block ends."""
    data = mbox if isinstance(mbox, bytes) else Path(mbox).read_bytes()
    with ExitStack() as stack:
        if directory is None:
            directory = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="pi-")))
        started = time.monotonic()
        sock = stack.enter_context(_listen())
        root_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        env = _environment(directory)
        _create_inbox(directory, root_url, env)
        _deliver(list(split_mbox(data)), env)
        process = _start_httpd(directory, sock, env)
        stack.callback(_stop, process)
        sock.close()  # httpd holds its own copy now
        _wait_ready(f"{root_url}/{LIST_NAME}/", process, directory / "httpd.err")
        yield PublicInbox(
            base_url=f"{root_url}/{LIST_NAME}",
            root_url=root_url,
            directory=directory,
            pid=process.pid,
            startup_seconds=time.monotonic() - started,
        )


PublicInboxFactory = Callable[[Path], str]


@pytest.fixture(scope="session")
def public_inbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PublicInboxFactory]:
    """Factory: `public_inbox(mbox_path) -> base_url` (ends in `/xen-devel`).

    One server per distinct mbox content, kept for the whole session and stopped at its end.
    """
    require_tools("public-inbox", *PUBLIC_INBOX_TOOLS)
    servers: dict[str, str] = {}
    with ExitStack() as stack:

        def start(mbox_path: Path) -> str:
            key = hashlib.sha256(Path(mbox_path).read_bytes()).hexdigest()
            if key not in servers:
                directory = tmp_path_factory.mktemp("public-inbox")
                server = stack.enter_context(running_public_inbox(Path(mbox_path), directory))
                servers[key] = server.base_url
            return servers[key]

        yield start
