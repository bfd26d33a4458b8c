"""What drafting a reply costs, in process and as a whole `reviewbot reply`.

Medians over --runs runs of:
- `comment_excerpts` placing 300 findings (every tenth added line) in a patch adding 3,000
  lines (the hygiene benchmark's generated patch);
- `reply_recipients` on a generated 500-message thread with 120 participants, half of them
  written masked as the archive shows them and recovered through the address book;
- `draft_reply` for an ack of the seed (no plugins) and `render_mail` of the result;
- `reviewbot reply SEED --kind ack -o -` and `reviewbot reply SEED --kind review -o -` as whole
  processes, against `reviewbot check SEED` (what a review draft adds to the checks it runs).
Nothing here asserts on speed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench_hygiene import MESSAGE_ID, patch_mail
from timing import median_seconds

from reviewbot.addressbook import AddressBook
from reviewbot.commenting import comment_excerpts
from reviewbot.findings import Finding, Severity
from reviewbot.identity import Person
from reviewbot.local import read_local
from reviewbot.models import Message
from reviewbot.patchbody import parse_patch_body
from reviewbot.pluginmanager import PluginHost
from reviewbot.recipients import reply_recipients
from reviewbot.replydraft import ReplyRequest, draft_reply
from reviewbot.replymail import render_mail
from reviewbot.threads import Thread, thread_of
from tests.support.checking import FIXTURES, SEED_ID, context_for, thread_from

SEED = FIXTURES / "mail" / "seed-gdt.mbox"
ME = Person("Rita Reviewer", "rita@example.org")


def big_patch_findings(scratch: Path) -> tuple[object, list[Finding]]:
    mbox = scratch / "big.mbox"
    mbox.write_text(patch_mail())
    thread = thread_of(read_local(mbox), MESSAGE_ID, "big.mbox")
    body = parse_patch_body(thread.messages[MESSAGE_ID].email().get_content())
    findings = [
        Finding(Severity.INFO, f"line {line} of file {index} needs a look", 1, path, line)
        for index in range(6)
        for path in [f"xen/common/bench_{index}.c"]
        for line in range(5, 501, 10)
    ]
    return body, findings


def big_thread(messages: int, people: int) -> tuple[Thread, AddressBook]:
    """A patch and `messages - 1` replies from `people` people; every other one masked."""
    book = AddressBook()
    raws: list[Message] = []
    for n in range(messages):
        who = n % people
        domain = "example.org" if who % 3 else "citrix.com"
        real = Person(f"Person{who} Surname{who}", f"p{who}@{domain}")
        book.add(real, "address-book")
        shown = f"p{who}@{'x' * len(domain)}" if who % 2 else real.address
        cc = ", ".join(f"Person{c} Surname{c} <p{c}@example.org>" for c in range(n % 7))
        parent = "" if n == 0 else "In-Reply-To: <m0@example.org>\nReferences: <m0@example.org>\n"
        raw = (
            f"From: {real.name} <{shown}>\nTo: xen-devel@lists.xenproject.org\n"
            + (f"Cc: {cc}\n" if cc else "")
            + f"Subject: {'Re: ' if n else ''}[PATCH] x\nDate: Mon, 1 Jul 2019 10:{n % 60:02d}:00"
            f" +0000\nMessage-ID: <m{n}@example.org>\n{parent}\nbody {n}\n"
        )
        raws.append(Message.from_raw(raw.encode(), "bench", pristine=True))
    return thread_of(raws, "m0@example.org", "bench"), book


def whole_process(*args: str, runs: int, home: Path) -> float:
    environment = {
        **os.environ,
        "REVIEWBOT_HOME": str(home),
        "REVIEWBOT_LORE_URL": "",
        "REVIEWBOT_USER_NAME": ME.name,
        "REVIEWBOT_USER_EMAIL": ME.address,
    }
    command = [sys.executable, "-m", "reviewbot", *args]
    subprocess.run(command, env=environment, capture_output=True, check=False)  # warm-up

    def once() -> None:
        done = subprocess.run(command, env=environment, capture_output=True, check=False)
        assert done.returncode in (0, 1), done.stderr

    return median_seconds(once, runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory(prefix="bench-reply-") as scratch_name:
        scratch = Path(scratch_name)
        body, findings = big_patch_findings(scratch)
        excerpts = median_seconds(
            lambda: comment_excerpts(body, findings, context=3, width=72),  # type: ignore[arg-type]
            runs,
        )
        thread, book = big_thread(500, 120)
        root = thread.messages["m0@example.org"]
        recipients = median_seconds(
            lambda: reply_recipients(thread, root, book, ME, Person("", "xen-devel@x.org")), runs
        )
        context = context_for(thread_from("seed-gdt.mbox", SEED_ID))
        host = PluginHost()
        now = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
        draft = draft_reply(host, context, ReplyRequest(kind="ack"), ME, now=now)
        drafting = median_seconds(
            lambda: draft_reply(host, context, ReplyRequest(kind="ack"), ME, now=now), runs
        )
        rendering = median_seconds(lambda: render_mail(draft, message_id="<x@y>"), runs)
        home = scratch / "home"
        ack = whole_process("reply", str(SEED), "--kind", "ack", "-o", "-", runs=runs, home=home)
        review = whole_process("reply", str(SEED), "-o", "-", runs=runs, home=home)
        check = whole_process("check", str(SEED), runs=runs, home=home)
    print(f"medians of {runs} runs")
    print(f"comment_excerpts, 300 findings in a 3,000-line patch   {excerpts * 1e3:8.2f} ms")
    print(f"reply_recipients, 500 messages, 120 people (half masked) {recipients * 1e3:6.2f} ms")
    print(f"draft_reply, ack of the seed, no plugins                {drafting * 1e3:8.2f} ms")
    print(f"render_mail of that draft                               {rendering * 1e3:8.2f} ms")
    print(f"reviewbot reply SEED --kind ack -o -  (process)         {ack * 1e3:8.1f} ms")
    print(f"reviewbot reply SEED -o -  (review, every check)        {review * 1e3:8.1f} ms")
    print(f"reviewbot check SEED  (process)                         {check * 1e3:8.1f} ms")
    print(f"review draft / check                                    {review / check:8.2f}x")


if __name__ == "__main__":
    main()
