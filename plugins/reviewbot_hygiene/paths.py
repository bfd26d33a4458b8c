"""What kind of file a path names, as far as the hygiene checks care."""

from __future__ import annotations

from pathlib import PurePosixPath

_C_SUFFIXES = frozenset({".c", ".h"})
_SOURCE_SUFFIXES = frozenset({".c", ".h", ".S", ".py", ".sh"})
_DIFF_SUFFIXES = frozenset({".patch", ".diff"})
_C_LIKE_SUFFIXES = frozenset({".c", ".h", ".S"})


def is_c(path: str) -> bool:
    """A C source or header."""
    return PurePosixPath(path).suffix in _C_SUFFIXES


def is_source(path: str) -> bool:
    """Code whose lines must stay short and whose new files need an SPDX line.

    C, assembly (`.S`), Python, shell, Makefiles (`Makefile`, `Makefile.*`) and Kconfig
    files (`Kconfig`, `Kconfig.debug`, ...).
    """
    name = PurePosixPath(path).name
    return (
        PurePosixPath(path).suffix in _SOURCE_SUFFIXES
        or name == "Makefile"
        or name.startswith(("Makefile.", "Kconfig"))
    )


def is_diff(path: str) -> bool:
    """A patch kept in the tree, whose ` ` context lines may legitimately end in spaces."""
    return PurePosixPath(path).suffix in _DIFF_SUFFIXES


def spdx_example(path: str) -> str:
    """The SPDX line as a new file of this kind would start."""
    if is_c(path) or path.endswith(".S"):
        return "/* SPDX-License-Identifier: GPL-2.0-only */"
    return "# SPDX-License-Identifier: GPL-2.0-only"


def uses_hash_comments(path: str) -> bool:
    """Python, shell, Makefiles and Kconfig: `#` starts a comment."""
    return is_source(path) and PurePosixPath(path).suffix not in _C_LIKE_SUFFIXES
