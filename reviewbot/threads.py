"""Threads built from Message-IDs, In-Reply-To and References (never from index markup)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from reviewbot.errors import SpecError
from reviewbot.models import Message


@dataclass(frozen=True)
class Thread:
    """A thread: its messages by Message-ID, each one's parent, and the root."""

    root: str
    messages: dict[str, Message]
    parents: dict[str, str | None]

    def children(self, message_id: str | None) -> list[Message]:
        """Direct replies (or the top-level messages for None), oldest first."""
        return list(self._replies.get(message_id, ()))

    @cached_property
    def _replies(self) -> dict[str | None, tuple[Message, ...]]:
        """Every message's direct replies, oldest first, worked out once."""
        grouped: dict[str | None, list[Message]] = {}
        for mid, parent in self.parents.items():
            grouped.setdefault(parent, []).append(self.messages[mid])
        return {key: tuple(sorted(found, key=_chronological)) for key, found in grouped.items()}

    def walk(self) -> Iterator[tuple[int, Message]]:
        """Every message depth-first from the root, with its depth."""
        stack = [(0, message) for message in reversed(self.children(None))]
        while stack:
            depth, message = stack.pop()
            yield depth, message
            stack.extend(
                (depth + 1, child) for child in reversed(self.children(message.message_id))
            )

    def ordered(self) -> list[Message]:
        """The messages in tree order."""
        return [message for _, message in self.walk()]

    def missing_ids(self) -> list[str]:
        """Ancestors the messages refer to that the thread does not hold."""
        referred = {ref for m in self.messages.values() for ref in m.parent_candidates}
        return sorted(referred - self.messages.keys())


def _chronological(message: Message) -> tuple[object, str, str]:
    """Date order; same-second patches (format-patch output) fall back to their subjects."""
    return (message.sent_at, message.subject, message.message_id)


def _parent_within(message: Message, known: set[str] | dict[str, Message]) -> str | None:
    for candidate in message.parent_candidates:
        if candidate in known and candidate != message.message_id:
            return candidate
    return None


def _components(messages: dict[str, Message]) -> list[set[str]]:
    """Groups of messages linked by any id they share (present or missing ancestors)."""
    leader: dict[str, str] = {}

    def find(node: str) -> str:
        leader.setdefault(node, node)
        while leader[node] != node:
            leader[node] = leader[leader[node]]
            node = leader[node]
        return node

    for message in messages.values():
        for ref in message.parent_candidates:
            leader[find(ref)] = find(message.message_id)
        find(message.message_id)
    groups: dict[str, set[str]] = {}
    for mid in messages:
        groups.setdefault(find(mid), set()).add(mid)
    return list(groups.values())


def _thread_from(ids: set[str], messages: dict[str, Message]) -> Thread:
    members = {mid: messages[mid] for mid in ids}
    parents = {mid: _parent_within(message, members) for mid, message in members.items()}
    parents = _break_cycles(parents)
    roots = sorted(
        (members[mid] for mid, parent in parents.items() if parent is None), key=_chronological
    )
    return Thread(root=roots[0].message_id, messages=members, parents=parents)


def _break_cycles(parents: dict[str, str | None]) -> dict[str, str | None]:
    fixed = dict(parents)
    for start in parents:
        seen = {start}
        node = fixed[start]
        while node is not None:
            if node in seen:
                fixed[node] = None
                break
            seen.add(node)
            node = fixed[node]
    return fixed


class SeveralThreadsError(SpecError):
    """A SPEC holding several threads where one was wanted; `threads` are all of them."""

    def __init__(self, origin: str, threads: list[Thread]) -> None:
        super().__init__(
            f"{origin} holds {len(threads)} threads",
            f"pick one with --msgid, e.g. --msgid '{threads[0].root}'",
        )
        self.origin = origin
        self.threads = threads


def group_threads(messages: Iterable[Message]) -> list[Thread]:
    """Every thread among the messages, oldest root first."""
    by_id = {message.message_id: message for message in messages}
    threads = [_thread_from(ids, by_id) for ids in _components(by_id)]
    return sorted(threads, key=lambda t: _chronological(t.messages[t.root]))


def thread_of(messages: Iterable[Message], message_id: str | None, origin: str) -> Thread:
    """The one thread holding `message_id`, or the only thread when no id is given."""
    threads = group_threads(messages)
    if not threads:
        raise SpecError(f"{origin} holds no messages", "give a file or URL with mail in it")
    if message_id is None:
        if len(threads) == 1:
            return threads[0]
        raise SeveralThreadsError(origin, threads)
    for thread in threads:
        if message_id in thread.messages:
            return thread
    raise SpecError(f"{origin} has no message <{message_id}>", "check the Message-ID")
