"""One reviewbot apply at a time per repository: a lock file in the shared git dir.

The file is locked with flock, so a process that dies (even by SIGKILL) cannot leave a held
lock behind; the file itself is removed on release. After taking the lock the holder checks
that the path still names the file it locked, so a racing remover cannot leave two holders.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reviewbot.errors import TreeError

LOCK_NAME = "reviewbot-apply.lock"


def lock_path(common_dir: Path) -> Path:
    """Where the lock of the repository with this shared git dir lives."""
    return common_dir / LOCK_NAME


@contextmanager
def tree_lock(common_dir: Path, what: str) -> Iterator[Path]:
    """Hold the repository's lock while the block runs; TreeError when another run holds it."""
    path = lock_path(common_dir)
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise TreeError(
                f"cannot create the lock {path}: {exc.strerror}",
                "check the repository's permissions",
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 200).decode(errors="replace").strip() or "another process"
            os.close(fd)
            raise TreeError(
                f"another reviewbot apply is working in this repository ({holder})",
                "wait for it to finish and run again",
            ) from None
        if _same_file(fd, path):
            break
        os.close(fd)  # removed by the previous holder between our open and flock: retry
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}: {what}\n".encode())
        yield path
    finally:
        path.unlink(missing_ok=True)
        os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = path.stat()
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (mine.st_dev, mine.st_ino) == (on_disk.st_dev, on_disk.st_ino)
