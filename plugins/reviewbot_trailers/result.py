"""The plugin's structured result: every patch's trailers as they will be committed.

Plain JSON data, so that other plugins (`context.result("trailers")`) and `check --json` read
it alike: per patch its number, title, author and sender, the trailers in commit order (name,
person, scope, origin, the message they came from, the line written), the A/R/T counts and
the problems found, by code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from reviewbot.attribution import ACKED, REVIEWED, TESTED, PatchReview, Trailer
from reviewbot.checkcontext import CheckContext
from reviewbot.findings import Finding
from reviewbot.identity import Person
from reviewbot_trailers.checks import patch_findings, people_of

JsonObject = dict[str, object]


@dataclass(frozen=True)
class TrailersResult:
    """The result, and the findings it was made from (what `check_patch` reports)."""

    version: str
    patches: tuple[JsonObject, ...]
    findings: Mapping[int, tuple[Finding, ...]]

    def to_json(self) -> JsonObject:
        """`{"version": "v2", "patches": [...]}`: the findings only as each patch's problems."""
        return {"version": self.version, "patches": list(self.patches)}


def review_result(context: CheckContext) -> TrailersResult:
    """Every patch of the version under review checked once: its JSON entry and findings."""
    findings = {r.patch.index: tuple(patch_findings(r, context)) for r in context.review.patches}
    return TrailersResult(
        str(context.revision.version),
        tuple(patch_result(r, context, findings[r.patch.index]) for r in context.review.patches),
        findings,
    )


def patch_result(
    review: PatchReview, context: CheckContext, findings: tuple[Finding, ...]
) -> JsonObject:
    """One patch's trailers, counts and problems."""
    people = people_of(review, context)
    problems: dict[str, list[str]] = {}
    for finding in findings:
        problems.setdefault(finding.code, []).append(finding.message)
    return {
        "number": review.patch.index,
        "title": review.patch.subject.title,
        "message_id": review.patch.message_id,
        "author": _person(people.author),
        "sender": _person(people.sender),
        "trailers": [_trailer(t) for t in review.trailers],
        "counts": {
            "A": review.count(ACKED),
            "R": review.count(REVIEWED),
            "T": review.count(TESTED),
        },
        "problems": problems,
    }


def _person(person: Person | None) -> JsonObject | None:
    return None if person is None else {"name": person.name, "address": person.address}


def _trailer(trailer: Trailer) -> JsonObject:
    return {
        "name": trailer.name,
        "person": _person(trailer.person),
        "value": trailer.value,
        "scope": trailer.scope,
        "origin": str(trailer.origin),
        "from_message": trailer.from_message,
        "line": trailer.line(),
    }
