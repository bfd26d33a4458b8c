"""Who the reviewer is: the name and address replies come from and trailers are given by.

reviewbot's own `user.name`/`user.email` settings win; git's `user.name`/`user.email` (of the
tree when one is given, else the global configuration) fill in what they leave empty.
"""

from __future__ import annotations

import subprocess
from email.utils import parseaddr
from pathlib import Path

from reviewbot.config import Settings
from reviewbot.errors import ConfigError
from reviewbot.identity import Person


def reviewer_identity(settings: Settings, tree: Path | None = None) -> Person:
    """The reviewer as `Person`; ConfigError when neither reviewbot nor git names them."""
    name = settings.user_name.strip() or _git_config("user.name", tree)
    email = settings.user_email.strip() or _git_config("user.email", tree)
    if not name or not email:
        missing = " and ".join(
            what for what, value in (("a name", name), ("an address", email)) if not value
        )
        raise ConfigError(
            f"no identity to reply as: neither reviewbot nor git gives {missing}",
            "set user.name and user.email in reviewbot's config.toml, or git config --global "
            "user.name/user.email, or pass -c user.name='Your Name' -c user.email=you@example.org",
        )
    address = parseaddr(email)[1] or email
    if "@" not in address or any(c.isspace() for c in address):
        raise ConfigError(f"user.email {email!r} is not a mail address", "fix the setting")
    return Person(name, address)


def first_name(person: Person) -> str:
    """How Xen reviewers sign: the first word of the name (the address's local part without one)."""
    words = person.name.split()
    return words[0] if words else person.address.partition("@")[0]


def _git_config(key: str, tree: Path | None) -> str:
    """`git config --get key` run in `tree` (or the current directory); "" when unset or no git."""
    try:
        found = subprocess.run(
            ["git", "config", "--get", key],
            cwd=tree,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return ""
    return found.stdout.strip() if found.returncode == 0 else ""
