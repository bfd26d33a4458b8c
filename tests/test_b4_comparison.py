"""`reviewbot am` against the real `b4 am` (0.16.0) on every fixture thread that has an oracle.

Both tools run as whole processes on the same mailbox and Message-ID, offline, isolated from
the user's configuration and cache. Each am-ready mbox is read back by git alone (`git
mailsplit`, then `git mailinfo`), so neither tool's own parser judges it. A patch is summed up as
`Subject: <the title git am commits>`, `Message-ID: <the mail taken>` and its trailer block: the
last paragraph of the commit message, every line as written, so a scope on a line of its own
stays visible.

Where the tools agree a patch simply compares equal. Every difference is an entry of
`DISAGREEMENTS`: b4's lines, reviewbot's lines, who is right and why, citing the oracle
(`fixtures/expected/*.json`) and the Xen rules in landscape.md §3.8. Taking the recorded entries
out of both sides must leave equal patches (or, where an `ORDER` entry says so, the recorded
orders), so a change in either tool fails here; and reviewbot's side must equal the oracle. An
entry where b4 is right would make that thread's oracle test an `xfail(strict=True)`.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import subprocess
import sys
import sysconfig
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.support.corpus import FIXTURES
from tests.support.tools import require_tools

B4_VERSION = "0.16.0"
ORACLES = sorted((FIXTURES / "expected").glob("*.json"))
THREADS = [p.stem for p in ORACLES]


@dataclass(frozen=True)
class AmPatch:
    """One mail of an am-ready mbox as git reads it."""

    title: str
    message_id: str
    trailers: tuple[str, ...]

    def lines(self) -> list[str]:
        return [f"Subject: {self.title}", f"Message-ID: <{self.message_id}>", *self.trailers]


@dataclass(frozen=True)
class Disagreement:
    """One difference between b4's am mbox and reviewbot's, and which one is right."""

    thread: str
    patch: int  # position in the am mbox, from 1
    trailer: str
    b4: tuple[str, ...]
    reviewbot: tuple[str, ...]
    right: str  # "reviewbot", "b4" (reviewbot is wrong) or "both" (same meaning)
    why: str


RIGHT = {"reviewbot", "b4", "both"}
# The `trailer` of an entry that records an order only: both sides are the patch's trailers after
# its other entries are taken out (b4's lines replaced by reviewbot's, one-sided lines dropped).
ORDER = "order of the trailers both write"

DISAGREEMENTS = (
    # series-vpci: v1, v2 and a partial re-roll v2.1 of patch 2 (In-Reply-To v2 2/3).
    Disagreement(
        "series-vpci",
        2,
        "the patch taken for 2/3",
        ("Message-ID: <20190719144812.4455-3-roger.pau@citrix.com>",),
        ("Message-ID: <20190722090530.11893-1-roger.pau@citrix.com>",),
        "reviewbot",
        "b4 reads `[PATCH v2.1 2/3]` as v1 (revision inferred; landscape.md §2.1: v5.1 -> v1) "
        "and cannot be asked for it (`-v 2.1`: invalid int value), so its v2 keeps v2 2/3 of "
        "19 Jul. series-vpci.json: default version v2.1, patch 2 is the v2.1 re-send "
        "20190722090530.11893-1-roger.pau@citrix.com (the newest copy of an index is taken).",
    ),
    Disagreement(
        "series-vpci",
        2,
        "Reviewed-by: Jan Beulich",
        (),
        ("Reviewed-by: Jan Beulich <jbeulich@suse.com>",),
        "reviewbot",
        "Jan gave it on v2.1 2/3 (5D36D6600200007800241C7A@prv1-mh.provo.novell.com). b4 files "
        "v2.1 under v1, so the review goes with it (b4 -v 1 writes the v2.1 mail as its 2/3 "
        "with Jan's R-b, pushes v1 2/3 to a third slot and drops v1 3/3). series-vpci.json "
        "lists it as 'new' on patch 2.",
    ),
    # series-edge e1: v3 without cover, 3/4 never sent.
    Disagreement(
        "series-edge-e1",
        1,
        "Release-Acked-by: Juergen Gross",
        ("Release-Acked-By: Juergen Gross <jgross@suse.com>",),
        ("Release-Acked-by: Juergen Gross <jgross@suse.com>",),
        "reviewbot",
        "b4 keeps the name as typed. landscape.md §3.8: Xen's history has 179 "
        "Release-Acked-by against 37 Release-Acked-By, 'Normalise case'; series-edge-e1.json "
        "writes Release-Acked-by (case-only difference, not a near miss).",
    ),
    Disagreement(
        "series-edge-e1",
        2,
        "Reviewed-by: Jan Beulich (sent as Reviewd-by)",
        ("Reviewd-by: Jan Beulich <jbeulich@suse.com>",),
        ("Reviewed-by: Jan Beulich <jbeulich@suse.com>",),
        "reviewbot",
        "b4 takes any `Name:` line of a reply whose value has an address, typo and all. "
        "landscape.md §3.8: 'flag near-miss names'; series-edge-e1.json applies it as "
        "Reviewed-by and lists ['Reviewd-by', 'Reviewed-by', ...] in near_misses.",
    ),
    Disagreement(
        "series-edge-e1",
        3,
        "Tested-by: Julien Grall [on Arm64, Juno r2]",
        ("Tested-by: Julien Grall <julien.grall@arm.com>", "[on Arm64, Juno r2]"),
        ("Tested-by: Julien Grall <julien.grall@arm.com> [on Arm64, Juno r2]",),
        "both",
        "Same trailer, same scope (series-edge-e1.json: scope '[on Arm64, Juno r2]', written "
        "on the line after the trailer). b4 keeps Julien's layout; reviewbot joins the scope "
        "to the trailer, which `git interpret-trailers --parse` keeps, while it drops b4's "
        "separate '[...]' line. The oracle does not prescribe a layout.",
    ),
    # series-edge e2: RFC v1 (cover reviewed), v2 with `v2,1/2` and `2 of 2`, RESEND of 2/2.
    Disagreement(
        "series-edge-e2",
        1,
        "the patch taken for 1/2",
        (
            "Subject: libxl_qmp: retry the QMP connection while QEMU starts",
            "Message-ID: <20190820143102.8811-3-anthony.perard@citrix.com>",
        ),
        (
            "Subject: libxl_qmp: return ERROR_NOT_READY when QEMU isn't listening yet",
            "Message-ID: <20190820143102.8811-2-anthony.perard@citrix.com>",
        ),
        "reviewbot",
        "b4 reads `[PATCH v2,1/2]` as v1 1/1 (the token 'v2,1/2' is not split) and "
        "`[PATCH v2 2 of 2]` as v2 1/1 (counters inferred), so its v2 is '2 of 2' as patch 1 "
        "plus the RESEND of 2/2 (byte-identical) as patch 2: 1/2 is missing and the same "
        "change comes twice. series-edge-e2.json: patch 1 is 20190820143102.8811-2 "
        "(landscape.md §2.1 measured both subjects).",
    ),
    Disagreement(
        "series-edge-e2",
        1,
        "Reviewed-by: Wei Liu (carried from the RFC)",
        (),
        ("Reviewed-by: Wei Liu <wl@xen.org>",),
        "reviewbot",
        "Wei reviewed the RFC cover; RFC 1/2 and v2 1/2 are identical, so series-edge-e2.json "
        "carries it to patch 1 ('carried'). b4's v2 has no 1/2 to carry it to (entry above); "
        "b4 -v 1 shows it on RFC 1/2 and on `v2,1/2`, which b4 files under v1.",
    ),
    Disagreement(
        "series-edge-e2",
        1,
        "Release-Acked-by: Juergen Gross (sent as Relase-Acked-by)",
        ("Relase-Acked-by: Juergen Gross <jgross@suse.com>",),
        ("Release-Acked-by: Juergen Gross <jgross@suse.com>",),
        "reviewbot",
        "A near miss copied as typed by b4. landscape.md §3.8 lists 'Relase-Acked-by' among "
        "the typos in Xen's history; series-edge-e2.json applies it as Release-Acked-by and "
        "flags it in near_misses.",
    ),
    Disagreement(
        "series-edge-e2",
        2,
        "Acked-by: Ian Jackson",
        ("Acked-by: Ian Jackson <ian.jackson@eu.citrix.com>",),
        (),
        "reviewbot",
        "Ian replied to the v2 cover with 'For patch 1:' on the line before his Acked-by and "
        "'Patch 2 needs a better commit message.'; b4 copies a cover reply's trailers to "
        "every patch. series-edge-e2.json gives it to patch 1 only (landscape.md §3.8: an "
        "Acked-by covers only what it was given for; §5.2: show 'applies to' instead of "
        "blanket cover-to-all propagation).",
    ),
    Disagreement(
        "series-edge-e2",
        2,
        "Release-Acked-by: Juergen Gross (sent as Relase-Acked-by)",
        ("Relase-Acked-by: Juergen Gross <jgross@suse.com>",),
        ("Release-Acked-by: Juergen Gross <jgross@suse.com>",),
        "reviewbot",
        "The same near miss as on patch 1.",
    ),
    Disagreement(
        "series-edge-e2",
        2,
        ORDER,
        (
            "Signed-off-by: Anthony PERARD <anthony.perard@citrix.com>",
            "Reviewed-by: Paul Durrant <paul.durrant@citrix.com>",
            "Acked-by: Wei Liu <wl@xen.org>",
            "Release-Acked-by: Juergen Gross <jgross@suse.com>",
        ),
        (
            "Signed-off-by: Anthony PERARD <anthony.perard@citrix.com>",
            "Acked-by: Wei Liu <wl@xen.org>",
            "Release-Acked-by: Juergen Gross <jgross@suse.com>",
            "Reviewed-by: Paul Durrant <paul.durrant@citrix.com>",
        ),
        "reviewbot",
        "b4 puts the trailers of replies to the patch (Paul, on the RESEND) before those of "
        "replies to the cover. series-edge-e2.json orders collected trailers by the Date of "
        "the reply: Wei 21 Aug 13:02, Juergen 22 Aug 07:15, Paul 23 Aug 08:55. Order only: "
        "neither tool loses a trailer here (b4's side shows Juergen's line as corrected by "
        "the entry above).",
    ),
)


def am_line(name: str, value: str, scope: str | None) -> str:
    """An oracle row as the commit message carries it.

    An area scope (`# x86`, `[on Arm64]`) stays on the trailer line; a scope that only names
    patches (`for patches 1-2`) has decided where the trailer goes and is not written.
    """
    if scope is None or scope.startswith("for patch"):
        return f"{name}: {value}"
    return f"{name}: {value} {scope}"


def oracle_patches(case: dict[str, Any]) -> list[AmPatch]:
    return [
        AmPatch(
            title=git_title(p["subject"]),
            message_id=p["message_id"],
            trailers=tuple(am_line(n, v, s) for n, v, s, _, _ in p["trailers"]),
        )
        for p in case["patches"]
    ]


def git_title(subject: str) -> str:
    """The title git am commits: the subject without its leading `[...]` tag."""
    return subject.partition("] ")[2] if subject.startswith("[") else subject


@cache
def cases() -> dict[str, dict[str, Any]]:
    """The oracle of each thread, by file stem."""
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in ORACLES}


def b4_command() -> list[str]:
    """b4 from this interpreter's scripts (not a version manager's shim), else from PATH."""
    script = Path(sysconfig.get_path("scripts")) / "b4"
    if script.is_file():
        return [sys.executable, str(script)]
    require_tools("pip:b4", "b4")
    return ["b4"]


def require_b4_version(environ: dict[str, str]) -> list[str]:
    """The b4 command, if it is the version whose behaviour the table records."""
    command = b4_command()
    require_tools("git", "git")
    done = subprocess.run(
        [*command, "--version"], capture_output=True, text=True, env=environ, check=False
    )
    version = done.stdout.strip()
    if version != B4_VERSION:
        reason = f"b4 {version or '(unknown)'} installed; the table records b4 {B4_VERSION}"
        if os.environ.get("REVIEWBOT_REQUIRE_TOOLS") == "1":
            pytest.fail(reason + "; CI must install b4==" + B4_VERSION, pytrace=False)
        pytest.skip(reason)
    return command


def isolated_environ(root: Path) -> dict[str, str]:
    """No user configuration, cache or store reaches either tool."""
    for name in ("home", "cache", "config", "data", "reviewbot"):
        (root / name).mkdir(parents=True, exist_ok=True)
    gitconfig = root / "gitconfig"
    gitconfig.write_text("[user]\n\tname = Test User\n\temail = test@example.org\n")
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "XDG_", "B4_"))}
    environ.update(
        HOME=str(root / "home"),
        XDG_CACHE_HOME=str(root / "cache"),
        XDG_CONFIG_HOME=str(root / "config"),
        XDG_DATA_HOME=str(root / "data"),
        GIT_CONFIG_GLOBAL=str(gitconfig),
        GIT_CONFIG_NOSYSTEM="1",
        REVIEWBOT_HOME=str(root / "reviewbot"),
        REVIEWBOT_LORE_URL="",
    )
    return environ


@dataclass(frozen=True)
class Outcome:
    """Both tools' am mboxes for one thread, read back by git."""

    b4: list[AmPatch]
    reviewbot: list[AmPatch]
    reviewbot_exit: int


def run_thread(
    thread: str, case: dict[str, Any], b4: list[str], root: Path, environ: dict[str, str]
) -> Outcome:
    mbox = str(FIXTURES / "mail" / case["mbox"])
    work = root / thread
    work.mkdir()
    b4_out = work / "b4"
    subprocess.run(
        [*b4, "--offline-mode", "am", "-m", mbox, "-o", str(b4_out), case["msgid"]],
        cwd=work,
        env=environ,
        capture_output=True,
        check=True,
        timeout=60,
    )
    (b4_mbox,) = b4_out.glob("*.mbx")
    ours = work / "reviewbot.mbx"
    reviewbot = [sys.executable, "-m", "reviewbot", "am", mbox, "--msgid", case["msgid"]]
    done = subprocess.run(
        [*reviewbot, "-o", str(ours), "-q"],
        cwd=work,
        env=environ,
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert done.returncode in (0, 1), done.stderr
    return Outcome(
        read_am(b4_mbox, work / "b4-split", environ),
        read_am(ours, work / "reviewbot-split", environ),
        done.returncode,
    )


def read_am(mbox: Path, into: Path, environ: dict[str, str]) -> list[AmPatch]:
    """Each mail as `git am` sees it: split by `git mailsplit`, read by `git mailinfo`."""
    into.mkdir()
    subprocess.run(
        ["git", "mailsplit", "--mboxrd", f"-o{into}", str(mbox)],
        env=environ,
        capture_output=True,
        check=True,
    )
    patches = []
    for mail in sorted(into.iterdir()):
        message, patch = into / f"{mail.name}.msg", into / f"{mail.name}.patch"
        info = subprocess.run(
            ["git", "mailinfo", str(message), str(patch)],
            input=mail.read_bytes(),
            env=environ,
            capture_output=True,
            check=True,
        ).stdout.decode()
        title = next(line[9:] for line in info.splitlines() if line.startswith("Subject: "))
        parsed = email.message_from_bytes(mail.read_bytes(), policy=email.policy.default)
        message_id = str(parsed["Message-ID"]).strip().strip("<>")
        trailers = trailer_block(message.read_text(encoding="utf-8"))
        patches.append(AmPatch(title, message_id, trailers))
    return patches


def trailer_block(commit_message: str) -> tuple[str, ...]:
    """The last paragraph of a commit message: where git looks for trailers."""
    return tuple(commit_message.strip().split("\n\n")[-1].splitlines())


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    """Every thread through both tools, four processes at a time (about 2 s in all)."""
    root = tmp_path_factory.mktemp("b4-comparison")
    environ = isolated_environ(root)
    b4 = require_b4_version(environ)
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {
            thread: pool.submit(run_thread, thread, case, b4, root, environ)
            for thread, case in cases().items()
        }
        return {thread: future.result() for thread, future in futures.items()}


def position(lines: list[str], part: tuple[str, ...]) -> int:
    """Where `part` starts as a run of consecutive lines in `lines`."""
    for at in range(len(lines) - len(part) + 1):
        if tuple(lines[at : at + len(part)]) == part:
            return at
    raise AssertionError(f"recorded lines {part} are not in {lines}")


def reconcile(
    b4: list[str], ours: list[str], differences: list[Disagreement]
) -> tuple[list[str], list[str]]:
    """Both patches with the recorded differences taken out: b4's lines replaced by ours, a
    line only one tool writes dropped. What is left must be equal, or differ in order only."""
    b4, ours = list(b4), list(ours)
    for difference in differences:
        if difference.b4:
            at = position(b4, difference.b4)
            b4[at : at + len(difference.b4)] = difference.reviewbot
        else:
            at = position(ours, difference.reviewbot)
            del ours[at : at + len(difference.reviewbot)]
    return b4, ours


def recorded(thread: str) -> list[Disagreement]:
    return [d for d in DISAGREEMENTS if d.thread == thread]


def oracle_params() -> list[Any]:
    """Each thread; one where b4 is recorded right (reviewbot wrong) is a strict xfail."""
    params = []
    for thread in THREADS:
        wrong = [d for d in recorded(thread) if d.right == "b4"]
        reason = "; ".join(f"patch {d.patch} {d.trailer}: {d.why}" for d in wrong)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if wrong else []
        params.append(pytest.param(thread, marks=marks, id=thread))
    return params


@pytest.mark.parametrize("thread", oracle_params())
def test_reviewbot_am_equals_the_oracle(thread: str, outcomes: dict[str, Outcome]) -> None:
    case = cases()[thread]
    assert outcomes[thread].reviewbot == oracle_patches(case)
    assert outcomes[thread].reviewbot_exit == (1 if case["missing"] else 0)


@pytest.mark.parametrize("thread", THREADS)
def test_b4_differs_from_reviewbot_exactly_as_recorded(
    thread: str, outcomes: dict[str, Outcome]
) -> None:
    outcome = outcomes[thread]
    if not recorded(thread):
        assert outcome.b4 == outcome.reviewbot
    assert len(outcome.b4) == len(outcome.reviewbot)
    pairs = zip(outcome.b4, outcome.reviewbot, strict=True)
    for number, (b4_patch, our_patch) in enumerate(pairs, 1):
        entries = [d for d in recorded(thread) if d.patch == number]
        differences = [d for d in entries if d.trailer != ORDER]
        b4_lines, our_lines = reconcile(b4_patch.lines(), our_patch.lines(), differences)
        assert b4_lines[:2] == our_lines[:2]
        order = [(d.b4, d.reviewbot) for d in entries if d.trailer == ORDER]
        left = [(tuple(b4_lines[2:]), tuple(our_lines[2:]))] if b4_lines != our_lines else []
        assert order == left, f"{thread} patch {number}"


def test_every_recorded_disagreement_is_well_formed() -> None:
    assert {d.right for d in DISAGREEMENTS} <= RIGHT
    assert {d.thread for d in DISAGREEMENTS} <= set(THREADS)
    assert all(d.b4 or d.reviewbot for d in DISAGREEMENTS)
    assert all(d.b4 != d.reviewbot and d.why for d in DISAGREEMENTS)
