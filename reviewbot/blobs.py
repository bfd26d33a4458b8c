"""Reading many files of many commits with one `git cat-file --batch`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from reviewbot.gitcmd import Git


def read_blobs(git: Git, specs: Sequence[str]) -> dict[str, bytes | None]:
    """`{"<rev>:<path>": content or None when absent}` for every spec, in one git process."""
    unique = list(dict.fromkeys(specs))
    if not unique:
        return {}
    _, out, _ = git.run_bytes("cat-file", "--batch", input="".join(f"{s}\n" for s in unique))
    found: dict[str, bytes | None] = {}
    position = 0
    for spec in unique:
        end = out.index(b"\n", position)
        header = out[position:end].split()
        position = end + 1
        if len(header) == 3 and header[1] in {b"blob", b"tree", b"commit", b"tag"}:
            size = int(header[2])
            found[spec] = out[position : position + size] if header[1] == b"blob" else None
            position += size + 1
        else:  # "<spec> missing" or "ambiguous"
            found[spec] = None
    return found


def read_texts(git: Git, wanted: Mapping[str, Sequence[str]]) -> dict[str, dict[str, str | None]]:
    """`{rev: {path: text or None}}` for the files of every rev (undecodable bytes replaced)."""
    raw = read_blobs(git, [f"{rev}:{path}" for rev, paths in wanted.items() for path in paths])
    return {
        rev: {
            path: None
            if (data := raw[f"{rev}:{path}"]) is None
            else data.decode("utf-8", "replace")
            for path in paths
        }
        for rev, paths in wanted.items()
    }
