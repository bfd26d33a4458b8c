"""A reply draft of one kind (review, ack, thanks): its recipients, threading and text.

The text is a template filled with placeholders (`replytemplate.PLACEHOLDERS`); plugins add
paragraphs, placeholders and templates through the reply hooks. `Draft.email()` makes the
mail (see `replymail`); the TUI edits `Draft.body` and makes the mail from its own text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from string import Template

from reviewbot.appliedcommits import Landing, find_applied
from reviewbot.apply import default_branch
from reviewbot.checkcontext import CheckContext
from reviewbot.commenting import comment_excerpts
from reviewbot.errors import SpecError
from reviewbot.findings import Finding, Severity
from reviewbot.identity import Person, parse_person, same_person
from reviewbot.people import sender_of
from reviewbot.pluginmanager import PluginHost
from reviewbot.quoting import (
    attribution,
    first_paragraph,
    prose_of,
    quote,
    without_salutations,
    wrap,
)
from reviewbot.recipients import Recipients, reply_recipients
from reviewbot.replyhooks import plugin_placeholders, plugin_template, reply_paragraphs
from reviewbot.replytarget import ReplyTarget, reply_target
from reviewbot.replytemplate import (
    BUILT_IN,
    PLACEHOLDERS,
    check_template,
    fill,
    read_template,
)
from reviewbot.reviewer import first_name
from reviewbot.subject import parse_subject, reply_subject

#: The trailers an ack may give, by every spelling `--tag` accepts.
ACK_TAGS = {
    "reviewed-by": "Reviewed-by",
    "reviewed": "Reviewed-by",
    "acked-by": "Acked-by",
    "acked": "Acked-by",
    "tested-by": "Tested-by",
    "tested": "Tested-by",
}


@dataclass(frozen=True)
class ReplyRequest:
    """What the user asked for (`reply --kind … --patch … --tag … --scope …`)."""

    kind: str = "review"
    patch: int | None = None
    tag: str = "Reviewed-by"
    scope: str = ""
    branch: str | None = None
    template: Path | None = None


@dataclass(frozen=True)
class Draft:
    """A reply ready to become mail; `body` is what the user edits."""

    kind: str
    target: ReplyTarget
    sender: Person
    recipients: Recipients
    subject: str
    references: tuple[str, ...]
    body: str
    template_origin: str
    date: datetime
    warnings: tuple[str, ...] = ()

    @property
    def in_reply_to(self) -> str:
        """The Message-ID replied to."""
        return self.target.message.message_id


def draft_reply(
    host: PluginHost,
    context: CheckContext,
    request: ReplyRequest,
    me: Person,
    *,
    findings: Sequence[Finding] = (),
    now: datetime | None = None,
) -> Draft:
    """The draft `request` asks for, answering the chosen mail of `context`'s series."""
    if request.kind not in BUILT_IN:
        raise SpecError(f"unknown reply kind {request.kind!r}", "use review, ack or thanks")
    target = reply_target(context.review, request.kind, request.patch)
    settings = context.settings
    mailing_list = parse_person(settings.reply_list) if settings.reply_list.strip() else None
    recipients = reply_recipients(context.thread, target.message, context.book, me, mailing_list)
    paragraphs, problems = reply_paragraphs(host, context, request.kind, target.patch)
    values = _common_values(context, target, me)
    values["kind"] = request.kind
    values["paragraphs"] = "\n\n".join(
        "\n".join(wrap(p.text, settings.reply_width)) for p in paragraphs
    )
    notes: list[str] = []
    if request.kind == "review":
        talking = {p.plugin for p in paragraphs}
        review_values, commented = _review_values(context, target, findings, talking)
        values.update(review_values)
        if not commented and not paragraphs:
            where = f"patch {target.number}" if target.patch else "the cover letter"
            notes.append(
                f"the checks found nothing to say about {where}: the draft quotes its first "
                "paragraph for your own words"
            )
    elif request.kind == "ack":
        tag = _ack_tag(request.tag)
        values.update(_ack_values(context, target, me, tag, request.scope))
        notes += _already_given(context, target, me, tag)
    else:
        values.update(_thanks_values(context, target, _landing(context, request)))
    extra, more_problems = plugin_placeholders(
        host, context, request.kind, target.patch, reserved=values
    )
    values.update(extra)
    text, origin, template_problems = _template(host, context, request, target)
    check_template(text, values, origin)
    values["signature"] = _signature(settings.reply_signature, values, me)
    body = fill(text, values)
    return Draft(
        kind=request.kind,
        target=target,
        sender=me,
        recipients=recipients,
        subject=values["subject"],
        references=_references(context, target),
        body=body,
        template_origin=origin,
        date=now or datetime.now().astimezone(),
        warnings=(
            *notes,
            *problems,
            *more_problems,
            *template_problems,
            *recipients.warnings(),
        ),
    )


def _common_values(context: CheckContext, target: ReplyTarget, me: Person) -> dict[str, str]:
    """The placeholders every kind has (the kind-specific ones start empty)."""
    author = _author(context, target)
    revision = context.revision
    title = target.patch.patch.subject.title if target.patch else revision.title
    values = dict.fromkeys(PLACEHOLDERS, "")
    values.update(
        attribution=attribution(target.message, author.name or author.address),
        subject=reply_subject(target.message.subject),
        title=title,
        patch=parse_subject(target.message.subject).tag(),
        version=str(revision.version),
        author_name=author.name,
        author_first_name=first_name(author),
        author_email=author.address,
        my_name=me.name,
        my_first_name=first_name(me),
        my_email=me.address,
    )
    return values


def _author(context: CheckContext, target: ReplyTarget) -> Person:
    """Who wrote the mail replied to (a masked address recovered where possible)."""
    author = sender_of(target.message) or Person(target.message.author, "")
    return context.book.best(author)


def _review_values(
    context: CheckContext,
    target: ReplyTarget,
    findings: Sequence[Finding],
    talking: set[str],
) -> tuple[dict[str, str], bool]:
    """`quoted`: excerpts with findings under their lines; `remarks`: the rest that matters;
    and whether any finding made it into either.

    A review of a patch takes that patch's findings; a review of the cover letter, or of the
    only patch, also the series-wide ones. Findings with no line to sit under become remarks
    when they reach warning, except series-wide ones of plugins whose paragraphs say it all.
    """
    settings = context.settings
    number = target.number
    whole_series = number == 0 or len(context.review.patches) == 1
    relevant = _one_per_kind_in_message(
        [f for f in findings if f.patch == number or (whole_series and f.patch is None)]
    )
    if target.patch is None:
        placed_lines: tuple[str, ...] = ()
        unplaced = relevant
    else:
        excerpts = comment_excerpts(
            target.body, relevant, context=settings.reply_context, width=settings.reply_width
        )
        placed_lines, unplaced = excerpts.lines, list(excerpts.unplaced)
    remarks = [
        f
        for f in unplaced
        if f.severity.rank >= Severity.WARNING.rank
        and not (f.patch is None and f.plugin in talking)
    ]
    if placed_lines:
        quoted = "\n".join(placed_lines)
    else:
        quoted = "\n".join(quote(first_paragraph(prose_of(target.body.message))))
    values = {
        "quoted": context.book.unmask_text(quoted),
        "remarks": "\n\n".join("\n".join(wrap(f.message, settings.reply_width)) for f in remarks),
    }
    return values, bool(placed_lines or remarks)


def _one_per_kind_in_message(findings: list[Finding]) -> list[Finding]:
    """Commit-message findings of one kind folded into the first, which names the other
    lines: four "line N is too long" comments on a commit message are one remark to a reviewer.
    """
    kept: list[Finding] = []
    folded: dict[tuple[str, str, int | None], tuple[int, list[int]]] = {}
    for finding in findings:
        if finding.file is not None or finding.line is None or not finding.code:
            kept.append(finding)
            continue
        key = (finding.plugin, finding.code, finding.patch)
        if key in folded:
            folded[key][1].append(finding.line)
            continue
        folded[key] = (len(kept), [])
        kept.append(finding)
    for index, lines in folded.values():
        if lines:
            first = kept[index]
            kept[index] = replace(first, message=f"{first.message} ({_also(lines)})")
    return kept


def _also(lines: list[int]) -> str:
    """`the same goes for line 9` / `… for lines 17, 20 and 22`."""
    if len(lines) == 1:
        return f"the same goes for line {lines[0]}"
    return f"the same goes for lines {', '.join(map(str, lines[:-1]))} and {lines[-1]}"


def _ack_tag(written: str) -> str:
    """The trailer name `--tag` means (`acked` -> `Acked-by`); SpecError for anything else."""
    name = ACK_TAGS.get(written.strip().casefold())
    if name is None:
        raise SpecError(
            f"--tag {written!r} is not a trailer an ack gives",
            "use Reviewed-by, Acked-by or Tested-by",
        )
    return name


def _ack_values(
    context: CheckContext, target: ReplyTarget, me: Person, name: str, scope: str
) -> dict[str, str]:
    """`quoted`: the commit message or cover letter; `tag`: the trailer with its scope."""
    scope = scope.strip().lstrip("#").strip()
    tag = f"{name}: {me}" + (f" # {scope}" if scope else "")
    prose = prose_of(target.body.message)
    if target.patch is None:
        prose = without_salutations(prose, first_name(_author(context, target)))
    quoted = "\n".join(quote(prose))
    return {"quoted": context.book.unmask_text(quoted), "tag": tag}


def _already_given(context: CheckContext, target: ReplyTarget, me: Person, name: str) -> list[str]:
    """A note when the thread already has this trailer from the reviewer for the patches the
    ack covers (all of them for the cover letter)."""
    aliases = context.book.aliases()
    covered = [target.patch] if target.patch is not None else list(context.review.patches)
    given = sorted(
        {
            p.patch.index
            for p in covered
            for t in p.trailers
            if t.name == name and t.person is not None and same_person(t.person, me, aliases)
        }
    )
    if not given:
        return []
    which = ", ".join(str(n) for n in given)
    return [f"the thread already has your {name} for patch{'es' if len(given) > 1 else ''} {which}"]


def _landing(context: CheckContext, request: ReplyRequest) -> Landing:
    if context.tree is None:
        raise SpecError(
            "a thank-you names the applied commits, so it needs the tree they are in",
            "give --tree DIR (and --branch NAME when the series is not on apply's branch)",
        )
    return find_applied(context.tree, context.review, request.branch)


def _thanks_values(context: CheckContext, target: ReplyTarget, landing: Landing) -> dict[str, str]:
    """`quoted`: the first paragraph; `commits`, `missing` and `branch` from the tree."""
    total = context.revision.total
    missing = [f"  {number}/{total} {title}" for number, title in landing.missing]
    quoted = "\n".join(quote(first_paragraph(prose_of(target.body.message))))
    return {
        "quoted": context.book.unmask_text(quoted),
        "commits": "\n".join(f"  {c.short()}" for c in landing.commits),
        "missing": f"Not on {landing.branch}:\n" + "\n".join(missing) if missing else "",
        "branch": landing.branch,
        "applied_to": (
            f"my local review branch {landing.branch}"
            if landing.branch == default_branch(context.review)
            else landing.branch
        ),
    }


def _template(
    host: PluginHost, context: CheckContext, request: ReplyRequest, target: ReplyTarget
) -> tuple[str, str, list[str]]:
    """(text, where it came from, plugin problems): --template, the setting, a plugin's, or
    the built-in one."""
    if request.template is not None:
        return read_template(request.template, "--template"), str(request.template), []
    configured = str(context.settings.value(f"reply.template_{request.kind}")).strip()
    if configured:
        origin = f"reply.template_{request.kind}"
        return read_template(Path(configured), origin), configured, []
    given, problems = plugin_template(host, context, request.kind, target.patch)
    if given is not None:
        return given.text, f"plugin {given.plugin}", problems
    return BUILT_IN[request.kind], "built-in", problems


def _signature(configured: str, values: dict[str, str], me: Person) -> str:
    """`reply.signature` with its placeholders filled (`\\n` as a new line), else the first
    name."""
    if not configured.strip():
        return first_name(me)
    return Template(configured.replace("\\n", "\n")).safe_substitute(values)


def _references(context: CheckContext, target: ReplyTarget) -> tuple[str, ...]:
    """The References of the mail replied to (its ancestors in the thread when it has none),
    then its own Message-ID."""
    message = target.message
    chain = list(message.references)
    if not chain:
        parents = context.thread.parents
        cursor = parents.get(message.message_id)
        while cursor is not None and cursor not in chain:
            chain.insert(0, cursor)
            cursor = parents.get(cursor)
        if not chain and message.in_reply_to:
            chain = [message.in_reply_to]
    chain.append(message.message_id)
    return tuple(dict.fromkeys(chain))
