"""Show a reviewed series: a summary for people and the `--json` document for scripts."""

from __future__ import annotations

import json
from typing import Any

from reviewbot.am import am_subject
from reviewbot.attribution import ACKED, REVIEWED, TESTED, Origin, PatchReview, Review, Trailer
from reviewbot.series import Revision

_SOURCES = {
    "thread-from": "the sender's From",
    "thread": "the thread",
    "address-book": "the address book",
    "tree-maintainers": "MAINTAINERS",
    "tree-mailmap": ".mailmap",
    "tree-git": "git history",
}


def art_counts(review: PatchReview) -> str:
    """`A:1 R:2 T:1`: distinct givers of Acked-by, Reviewed-by and Tested-by."""
    return " ".join(
        f"{letter}:{review.count(name)}"
        for letter, name in (("A", ACKED), ("R", REVIEWED), ("T", TESTED))
    )


def _provenance(trailer: Trailer) -> str:
    parts = []
    if trailer.origin is Origin.CARRIED:
        parts.append(f"carried from {trailer.version}")
    if trailer.scope_patches is not None:
        parts.append(
            "for patch"
            + ("es " if len(trailer.scope_patches) > 1 else " ")
            + ", ".join(str(n) for n in trailer.scope_patches)
        )
    if trailer.near_miss:
        parts.append(f"written {trailer.written_name!r}")
    if trailer.unresolved:
        parts.append("address masked, not recovered")
    elif trailer.resolution is not None and trailer.resolution.person is not None:
        parts.append(f"unmasked from {_SOURCES.get(trailer.resolution.source, 'elsewhere')}")
    parts.append(f"<{trailer.from_message}>")
    return "  (" + "; ".join(parts) + ")"


def version_label(revision: Revision) -> str:
    """`v1 (RFC)`, `v2 (RESEND)`: the version with the flags its mails were sent with."""
    subjects = [p.subject for p in revision.own_patches]
    flags = [
        name
        for name, on in (
            ("RFC", any(s.rfc for s in subjects)),
            ("RESEND", any(s.resend for s in subjects)),
        )
        if on
    ]
    return f"{revision.version} ({', '.join(flags)})" if flags else str(revision.version)


def _version_line(review: Review) -> str:
    revision = review.revision
    series = review.series
    versions = ", ".join(version_label(series.revisions[v]) for v in series.versions)
    cover = f"cover <{revision.cover.message_id}>" if revision.cover else "no cover letter"
    inherited = (
        f"; patches not re-sent are taken from {revision.inherited_from}"
        if revision.inherited_from
        else ""
    )
    first = revision.ordered[0].subject
    prefixes = f", prefixes {' '.join(first.prefixes)}" if first.prefixes else ""
    return (
        f"{revision.title}\n  {version_label(revision)} of [{versions}], {cover}"
        f"{prefixes}{inherited}"
    )


def summary_lines(review: Review) -> list[str]:
    """The `reviewbot am` report: patches and trailers (new ones marked `+`), then problems."""
    revision = review.revision
    lines = [_version_line(review)]
    for patch_review in review.patches:
        patch = patch_review.patch
        lines.append(
            f"  [{patch.index}/{revision.total}] {patch.subject.title}  {art_counts(patch_review)}"
        )
        for trailer in patch_review.trailers:
            mark = "+ " if trailer.origin is not Origin.EXISTING else "  "
            note = _provenance(trailer) if trailer.origin is not Origin.EXISTING else ""
            lines.append(f"      {mark}{trailer.line()}{note}")
    totals = " ".join(
        f"{letter}:{sum(p.count(name) for p in review.patches)}"
        for letter, name in (("A", ACKED), ("R", REVIEWED), ("T", TESTED))
    )
    new = sum(t.origin is not Origin.EXISTING for p in review.patches for t in p.trailers)
    lines.append(f"  {len(review.patches)} patches, {new} trailers added; total {totals}")
    lines += _problem_lines(review, revision)
    return lines


def _problem_lines(review: Review, revision: Revision) -> list[str]:
    lines: list[str] = []
    if revision.missing:
        lines.append(
            "missing: patch " + ", ".join(f"{n}/{revision.total}" for n in revision.missing)
        )
    for trailer in review.mismatches:
        lines.append(
            f"not added, given by someone else: {trailer.name}: {trailer.value} "
            f"in a mail from {trailer.sender} <{trailer.from_message}>"
        )
    for patch_review in review.patches:
        for trailer in patch_review.not_carried:
            lines.append(
                f"not carried to [{patch_review.patch.index}/{revision.total}]: "
                f"{trailer.name}: {trailer.value} was given on {trailer.version}, "
                f"and the patch has changed since <{trailer.from_message}>"
            )
    for trailer in review.near_misses:
        lines.append(
            f"misspelt trailer: {trailer.written_name!r} read as {trailer.name} "
            f"<{trailer.from_message}>"
        )
    for trailer in review.unresolved:
        candidates = trailer.resolution.candidates if trailer.resolution else ()
        could_be = f" (could be {' or '.join(p.address for p in candidates)})" if candidates else ""
        lines.append(
            f"masked address kept: {trailer.name}: {trailer.value}{could_be} "
            f"<{trailer.from_message}>; "
            "give --tree DIR to look it up in MAINTAINERS and git history"
        )
    for trailer in review.unattributed:
        lines.append(f"not attributed to any patch: {trailer.name}: {trailer.value}")
    lines += [f"note: {note}" for note in review.series.notes]
    return lines


def _trailer_json(trailer: Trailer) -> dict[str, Any]:
    return {
        "name": trailer.name,
        "value": trailer.line().partition(": ")[2],
        "from_message": trailer.from_message,
        "scope": trailer.scope,
        "origin": trailer.origin.value,
        "sender": trailer.sender,
        "date": trailer.date,
        "version": str(trailer.version),
        "written_name": trailer.written_name,
        "near_miss": trailer.near_miss,
        "address_source": trailer.resolution.source if trailer.resolution else "as-written",
    }


def review_json(review: Review) -> dict[str, Any]:
    """The `--json` document of `reviewbot am`."""
    revision = review.revision
    return {
        "series": {
            "version": str(revision.version),
            "versions": [str(v) for v in review.series.versions],
            "cover": revision.cover.message_id if revision.cover else None,
            "total": revision.total,
            "patches": [
                {
                    "index": p.patch.index,
                    "subject": am_subject(p.patch.subject),
                    "sent_subject": p.patch.subject.raw,
                    "message_id": p.patch.message_id,
                    "version": str(p.patch.version),
                    "trailers": [_trailer_json(t) for t in p.trailers],
                    "not_carried": [_trailer_json(t) for t in p.not_carried],
                }
                for p in review.patches
            ],
            "missing": revision.missing,
            "mismatches": [_trailer_json(t) for t in review.mismatches],
            "unresolved": [_trailer_json(t) for t in review.unresolved],
            "near_misses": [_trailer_json(t) for t in review.near_misses],
            "notes": list(review.series.notes),
        }
    }


def review_json_text(review: Review) -> str:
    """`review_json` as indented text."""
    return json.dumps(review_json(review), indent=2, ensure_ascii=False)
