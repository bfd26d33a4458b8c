"""`reviewbot reply SPEC --kind review|ack|thanks [--patch N] [--tree DIR] [-o F | --mbox F]`."""

from __future__ import annotations

import argparse
import json
import sys
from email.message import EmailMessage
from pathlib import Path

from reviewbot.addressbook import AddressBook
from reviewbot.checkcontext import CheckContext
from reviewbot.checksession import check_context, review_of
from reviewbot.cli import report_plugin_problems
from reviewbot.commands.thread import fetch_thread
from reviewbot.config import Settings, load_settings
from reviewbot.errors import SpecError
from reviewbot.findings import Finding
from reviewbot.interrupts import sigterm_as_interrupt
from reviewbot.pluginmanager import PluginHost, current_host
from reviewbot.replydraft import Draft, ReplyRequest, draft_reply
from reviewbot.replymail import (
    append_mbox,
    free_reply_name,
    parse_mail,
    render_mail,
    write_eml,
)
from reviewbot.reviewer import reviewer_identity
from reviewbot.runchecks import run_checks, select_plugins
from reviewbot.subject import Version
from reviewbot.threads import Thread
from reviewbot.tree import Tree, open_tree


def run(args: argparse.Namespace) -> int:
    """Fetch the thread, draft the reply, write it as .eml (or append it to an mbox)."""
    host = current_host()
    settings = load_settings(args.overrides, plugin_settings=host.settings())
    report_plugin_problems(host)
    _check_options(args)
    tree = open_tree(Path(args.tree)) if args.tree else None
    me = reviewer_identity(settings, tree.top if tree else None)
    request = ReplyRequest(
        kind=args.kind,
        patch=args.patch,
        tag=args.tag or "Reviewed-by",
        scope=args.scope or "",
        branch=args.branch,
        template=Path(args.template) if args.template else None,
    )
    if request.template is not None and not request.template.is_file():
        raise SpecError(f"--template {request.template} is not a file", "give a template file")
    version = Version.parse(args.version) if args.version else None
    result, known = fetch_thread(args)
    try:
        with sigterm_as_interrupt():
            context, findings = _context(host, settings, args, result.thread, known, version, tree)
            draft = draft_reply(host, context, request, me, findings=findings)
    except KeyboardInterrupt:
        print("reviewbot: interrupted; no draft was written", file=sys.stderr)
        return 130
    report_plugin_problems(host)
    data = render_mail(draft)
    mail = parse_mail(data)
    where = _write(args, draft, data)
    if args.json:
        print(json.dumps(_json(draft, mail, where), indent=2, ensure_ascii=False))
    elif where is not None:
        print("\n".join(_summary(draft, mail, where, args.mbox is not None)))
    for warning in [*draft.warnings, *result.warnings]:
        print(f"reviewbot: warning: {warning}", file=sys.stderr)
    return 0


def _check_options(args: argparse.Namespace) -> None:
    """Options that only make sense for another kind are refused, not ignored."""
    if args.kind != "ack" and (args.tag or args.scope):
        raise SpecError("--tag and --scope belong to --kind ack", "drop them or use --kind ack")
    if args.kind != "thanks" and args.branch:
        raise SpecError("--branch belongs to --kind thanks", "drop it or use --kind thanks")
    if args.json and args.output == "-":
        raise SpecError(
            "--json and -o - would both print on stdout",
            "write the mail to a file with -o FILE, or drop --json",
        )
    if args.base and (args.kind != "review" or not args.tree):
        raise SpecError("--base needs --kind review and --tree", "give the tree to apply to")


def _context(
    host: PluginHost,
    settings: Settings,
    args: argparse.Namespace,
    thread: Thread,
    known: AddressBook,
    version: Version | None,
    tree: Tree | None,
) -> tuple[CheckContext, list[Finding]]:
    """A review runs every check plugin (on the series applied to --tree when given); an ack
    or a thank-you needs only the trailers and the address book."""
    if args.kind == "review":
        context = check_context(thread, known, settings, version=version, tree=tree, base=args.base)
        report = run_checks(host, context, select_plugins(host, []))
        return context, list(report.findings)
    review, book = review_of(thread, known, version, tree)
    return CheckContext(review=review, book=book, settings=settings, tree=tree), []


def _write(args: argparse.Namespace, draft: Draft, data: bytes) -> Path | None:
    """Write the mail where asked; None when it went to stdout."""
    if args.mbox:
        path = Path(args.mbox)
        append_mbox(path, data)
        return path
    if args.output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return None
    if args.output:
        path = Path(args.output)
        write_eml(path, data, force=args.force)
        return path
    path = free_reply_name(draft, Path())
    write_eml(path, data)
    return path


def _summary(draft: Draft, mail: EmailMessage, where: Path, mbox: bool) -> list[str]:
    """The headers that matter, the text, and how to send it."""
    lines = [
        f"From: {mail['From']}",
        f"To: {mail['To'] or ''}",
        f"Cc: {mail['Cc'] or ''}",
        f"Subject: {mail['Subject']}",
        f"In-Reply-To: {mail['In-Reply-To']}",
        "",
        draft.body.rstrip("\n"),
        "",
    ]
    if mbox:
        lines.append(f"appended the {draft.kind} reply to the mbox {where}")
        lines.append(f"send it from your mailer: mutt -f {where}")
    else:
        lines.append(f"wrote the {draft.kind} reply to {where} (template: {draft.template_origin})")
        lines.append(
            f"edit it, then send it: git send-email --suppress-cc=self {where}   "
            f"(or: neomutt -H {where})"
        )
    return lines


def _json(draft: Draft, mail: EmailMessage, where: Path | None) -> dict[str, object]:
    """What `--json` prints: the headers, the text, where it went and what was left out."""
    return {
        "kind": draft.kind,
        "path": None if where is None else str(where),
        "headers": {
            "From": str(mail["From"]),
            "To": [str(p) for p in draft.recipients.to],
            "Cc": [str(p) for p in draft.recipients.cc],
            "Subject": str(mail["Subject"]),
            "Date": str(mail["Date"]),
            "Message-ID": str(mail["Message-ID"]),
            "In-Reply-To": str(mail["In-Reply-To"]),
            "References": [f"<{ref}>" for ref in draft.references],
        },
        "body": draft.body,
        "template": draft.template_origin,
        "left_out": [str(p) for p in draft.recipients.unresolved],
        "warnings": list(draft.warnings),
    }
