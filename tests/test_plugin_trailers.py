"""The built-in `trailers` plugin on fixture threads, with and without a git tree.

The fixture mailboxes are under fixtures/checks/trailers/ (see its README); their patches are
based on the sample tree's `apply-html-base` commit, so with a tree they apply (blob-match
base) and their `Fixes:`/`Amends:` lines name the sample tree's commits.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import reviewbot_trailers as plugin
from reviewbot_trailers.authorship import Match, match_person
from reviewbot_trailers.fixes import CommitReference, parse_reference
from reviewbot_trailers.kinds import ALL_KINDS

from reviewbot.cli import main
from reviewbot.errors import ConfigError
from reviewbot.findings import Severity
from reviewbot.identity import Aliases, Person
from reviewbot.people import in_body_author
from reviewbot.runchecks import CheckReport
from reviewbot.sampletree import create_sample_tree
from tests.support.checking import (
    FIXTURES,
    SEED_ID,
    brief,
    check,
    context_for,
    host_with,
    thread_from,
)
from tests.support.gitrepo import git, use_git_identity

TRAILERS = FIXTURES / "checks" / "trailers"
SIDE = "xen-sample-tree"

# The root Message-ID of each fixture thread.
MISSING_SIGNOFF = "20190910101512.2209-1-dfaggioli@suse.com"
SIGNOFF_ADDRESS = "20190911084502.13588-1-jgross@suse.com"
SIGNOFF_CHAIN = "20190912134410.61870-0-roger.pau@citrix.com"
DUPLICATE = "20190913091530.24511-1-igor.druzhinin@citrix.com"
FIXES_FORMAT = "20190916144005.10877-0-andrew.cooper3@citrix.com"
FIXES_MISMATCH = "20190917081022.3301-1-igor.druzhinin@citrix.com"
FIXES_UNKNOWN = "20190917120405.21988-1-jgross@suse.com"
FIXES_AMBIGUOUS = "20190917153318.4471-1-jgross@suse.com"
GIVEN_BY_SOMEONE_ELSE = "20190918075512.8827-1-jgross@suse.com"
MISSPELT_NAME = "20190919163012.28801-1-andrew.cooper3@citrix.com"
NONCANONICAL_CASE = "20190920093310.30132-1-igor.druzhinin@citrix.com"
NOT_CARRIED = "20190904133001.18233-0-dfaggioli@suse.com"
UNRESOLVED_ADDRESS = "20190924071204.5528-1-jgross@suse.com"

SAMPLE_IDENTITY = "Xen sample tree <sample-tree@reviewbot.invalid>"
#: How many filler commits make two of them share the abbreviation `3c13`.
FILLER_COMMITS = 22


def run(mbox: str, root: str, **options: object) -> CheckReport:
    """The trailers plugin's report on one fixture thread."""
    thread = thread_from(TRAILERS / mbox, root)
    report, _ = check(plugin, "trailers", thread, **options)
    return report


def messages(report: CheckReport) -> list[str]:
    return [finding.message for finding in report.findings]


@pytest.fixture
def sample_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The bundled sample Xen tree, with git seeing a test identity only."""
    use_git_identity(tmp_path / "gitconfig", monkeypatch)
    return create_sample_tree(tmp_path / SIDE)


def commit_ids(repo: Path) -> dict[str, str]:
    """Every commit of every branch by its subject."""
    lines = git(repo, "log", "--all", "--format=%H %s").splitlines()
    return {subject: commit for commit, _, subject in (line.partition(" ") for line in lines)}


def add_filler_commits(repo: Path, count: int) -> None:
    """A branch `filler` of `count` small commits on master, dated 2027 (after every mail)."""
    stream = []
    for number in range(1, count + 1):
        stamp = 1798761600 + 60 * number
        message = f"tools: sample history filler {number:03d}\n"
        content = f"{number}\n"
        stream.append(
            f"commit refs/heads/filler\n"
            f"author {SAMPLE_IDENTITY} {stamp} +0000\n"
            f"committer {SAMPLE_IDENTITY} {stamp} +0000\n"
            f"data {len(message)}\n{message}"
        )
        if number == 1:
            stream.append("from refs/heads/master\n")
        stream.append(f"M 100644 inline tools/filler\ndata {len(content)}\n{content}\n")
    git(repo, "fast-import", "--quiet", input="".join(stream).encode())


# --- hooks ---------------------------------------------------------------------------------------


def test_hook_register_settings_declares_min_fixes_digits() -> None:
    host = host_with((plugin, "trailers"))

    (spec,) = host.settings()
    assert (spec.key, spec.default, spec.help) == (
        "trailers.min_fixes_digits",
        12,
        "fewest hex digits of the commit id in a Fixes: or Amends: trailer (4 to 40)",
    )
    assert spec.validate is not None
    whole_number = "must be a whole number from 4 to 40"
    assert [spec.validate(value) for value in (12, 4, 40)] == [None, None, None]
    assert [spec.validate(value) for value in (3, 41, True)] == [whole_number] * 3


def test_hook_register_settings_min_fixes_digits_is_used() -> None:
    report = run("fixes-format.mbox", FIXES_FORMAT, overrides=["trailers.min_fixes_digits=7"])

    # 7 digits are now enough for patch 1; patch 2 still lacks the quoted subject.
    assert brief(report.findings) == [("warning", "trailers/fixes-format", 2, None, None)]


def test_hook_register_settings_refuses_too_few_digits() -> None:
    # Refused when the settings load, before any plugin runs.
    problem = "-c: trailers.min_fixes_digits must be a whole number from 4 to 40, not '3'"
    with pytest.raises(ConfigError, match=f"^{re.escape(problem)}$") as refused:
        run("fixes-format.mbox", FIXES_FORMAT, overrides=["trailers.min_fixes_digits=3"])

    assert refused.value.hint == "the default is 12"


def test_cli_refuses_too_few_digits(capsys: pytest.CaptureFixture[str]) -> None:
    mbox = str(TRAILERS / "fixes-format.mbox")

    assert main(["check", mbox, "-c", "trailers.min_fixes_digits=3"]) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == (
        "",
        "reviewbot: error: -c: trailers.min_fixes_digits must be a whole number from 4 to 40,"
        " not '3'; the default is 12\n",
    )


def test_hook_check_patch_returns_each_patch_findings() -> None:
    thread = thread_from(TRAILERS / "signoff-chain.mbox", SIGNOFF_CHAIN)
    context = context_for(thread, host=host_with((plugin, "trailers")))
    found = {}
    for number in (1, 2, 3, 4):
        review = context.patch(number)
        assert review is not None
        found[number] = [(f.severity, f.code, f.patch) for f in plugin.check_patch(review, context)]

    chain = (Severity.WARNING, "trailers/signoff-chain")
    assert found == {1: [(*chain, 1)], 2: [(*chain, 2), (*chain, 2)], 3: [], 4: [(*chain, 4)]}


def test_hook_check_patch_finds_nothing_wrong_in_the_seed_thread(sample_tree: Path) -> None:
    # Andrew signs off with the address he sends from; Juergen and Jan give their own tags.
    thread = thread_from("seed-gdt.mbox", SEED_ID)

    without_tree, _ = check(plugin, "trailers", thread)
    with_tree, context = check(plugin, "trailers", thread, tree=sample_tree)

    assert context.head is not None  # the seed applied, so the tree was really used
    assert brief(without_tree.findings) == []
    assert brief(with_tree.findings) == []


def _seed_trailer(name: str, who: str, address: str, origin: str, message: str) -> object:
    return {
        "name": name,
        "person": {"name": who, "address": address},
        "value": f"{who} <{address}>",
        "scope": None,
        "origin": origin,
        "from_message": message,
        "line": f"{name}: {who} <{address}>",
    }


def test_hook_review_result_of_the_seed_thread() -> None:
    report, _ = check(plugin, "trailers", thread_from("seed-gdt.mbox", SEED_ID))
    andrew = {"name": "Andrew Cooper", "address": "andrew.cooper3@citrix.com"}
    juergen_reply = "b4d3c0ea-3a1f-5d6e-93c2-1f8e0b7d2a65@suse.com"
    jan_reply = "5D2319950200007800239C52@prv1-mh.provo.novell.com"

    result = report.to_json()["results"]["trailers"]

    assert result == {
        "version": "v1",
        "patches": [
            {
                "number": 1,
                "title": "x86/ctxt-switch: Document and improve GDT handling",
                "message_id": SEED_ID,
                "author": andrew,
                "sender": andrew,
                "trailers": [
                    _seed_trailer(
                        "Signed-off-by",
                        "Andrew Cooper",
                        "andrew.cooper3@citrix.com",
                        "existing",
                        SEED_ID,
                    ),
                    _seed_trailer(
                        "Tested-by", "Juergen Gross", "jgross@suse.com", "new", juergen_reply
                    ),
                    _seed_trailer(
                        "Reviewed-by", "Juergen Gross", "jgross@suse.com", "new", juergen_reply
                    ),
                    _seed_trailer(
                        "Reviewed-by", "Jan Beulich", "jbeulich@suse.com", "new", jan_reply
                    ),
                ],
                "counts": {"A": 0, "R": 2, "T": 1},
                "problems": {},
            }
        ],
    }
    assert json.loads(json.dumps(result)) == result


def test_hook_review_result_lists_sender_author_and_problems() -> None:
    report = run("signoff-chain.mbox", SIGNOFF_CHAIN)
    result = report.to_json()["results"]["trailers"]
    assert isinstance(result, dict)
    patch = result["patches"][1]

    assert json.loads(json.dumps(result)) == result
    assert patch["number"] == 2
    assert patch["author"] == {"name": "Igor Druzhinin", "address": "igor.druzhinin@citrix.com"}
    assert patch["sender"] == {"name": "Roger Pau Monné", "address": "roger.pau@citrix.com"}
    assert [(t["name"], t["person"]["name"], t["origin"]) for t in patch["trailers"]] == [
        ("Signed-off-by", "Roger Pau Monné", "existing"),
        ("Signed-off-by", "Igor Druzhinin", "existing"),
    ]
    assert patch["counts"] == {"A": 0, "R": 0, "T": 0}
    assert patch["problems"] == {
        "trailers/signoff-chain": [
            "The first Signed-off-by is Roger Pau Monné's, not the author Igor Druzhinin's; the"
            " author signs off first, then everyone who handled the patch after them.",
            "Roger Pau Monné <roger.pau@citrix.com> sent Igor Druzhinin's patch but the last"
            " Signed-off-by is Igor Druzhinin's; move the sender's Signed-off-by to the end.",
        ]
    }
    assert [p["problems"] for p in result["patches"]][2] == {}


# --- one test per finding code -------------------------------------------------------------------


def test_missing_author_signoff() -> None:
    # Patch 1 has only George's carried Reviewed-by; patch 2 gets Dario's sign-off from his
    # reply, which reviewbot adds, so only patch 1 is reported.
    report = run("missing-signoff.mbox", MISSING_SIGNOFF)

    assert brief(report.findings) == [("error", "trailers/missing-author-signoff", 1, None, None)]
    assert messages(report) == [
        "The commit message has no Signed-off-by from the author Dario Faggioli"
        " <dfaggioli@suse.com>; ask them to add their sign-off (the Developer's Certificate of"
        " Origin) before it is committed."
    ]


def test_signoff_address_differs() -> None:
    # Patch 1 is signed with Juergen's old Fujitsu address (his name only matches); patch 2
    # with the address he sends from.
    report = run("signoff-address.mbox", SIGNOFF_ADDRESS)

    assert brief(report.findings) == [
        ("warning", "trailers/signoff-address-differs", 1, None, None)
    ]
    assert messages(report) == [
        "Juergen Gross signed off as juergen.gross@ts.fujitsu.com but the patch's author address"
        " is jgross@suse.com; ask which one the commit should carry and make the author and the"
        " Signed-off-by agree."
    ]


def test_signoff_chain() -> None:
    # 1: Igor's Co-developed-by pair is fine (even before the author), Andrew's lacks his S-o-b;
    # 2: Igor's patch (in-body From) sent by Roger, signed in the wrong order;
    # 3: a Linux import: the Linux author signs above `Origin:`, Roger first below it: fine;
    # 4: Igor's patch sent by Roger, who did not sign off.
    report = run("signoff-chain.mbox", SIGNOFF_CHAIN)

    assert brief(report.findings) == [
        ("warning", "trailers/signoff-chain", 1, None, None),
        ("warning", "trailers/signoff-chain", 2, None, None),
        ("warning", "trailers/signoff-chain", 2, None, None),
        ("warning", "trailers/signoff-chain", 4, None, None),
    ]
    assert messages(report) == [
        "Co-developed-by: Andrew Cooper <andrew.cooper3@citrix.com> is not immediately followed"
        " by Andrew Cooper's Signed-off-by; every co-developer signs off on the line right after"
        " their Co-developed-by.",
        "The first Signed-off-by is Roger Pau Monné's, not the author Igor Druzhinin's; the"
        " author signs off first, then everyone who handled the patch after them.",
        "Roger Pau Monné <roger.pau@citrix.com> sent Igor Druzhinin's patch but the last"
        " Signed-off-by is Igor Druzhinin's; move the sender's Signed-off-by to the end.",
        "Roger Pau Monné <roger.pau@citrix.com> sent Igor Druzhinin's patch without signing off;"
        " whoever sends someone else's patch adds their own Signed-off-by, last.",
    ]


def test_duplicate() -> None:
    # Igor's S-o-b is there twice; Wei's v2 Ack (old Citrix address) is in the commit message
    # and he acks v3 again from wl@xen.org. Roger's two Reviewed-by name different areas.
    report = run("duplicate.mbox", DUPLICATE)

    assert brief(report.findings) == [
        ("warning", "trailers/duplicate", 1, None, None),
        ("warning", "trailers/duplicate", 1, None, None),
    ]
    assert messages(report) == [
        "Signed-off-by: Igor Druzhinin <igor.druzhinin@citrix.com> appears twice in the commit"
        " message; drop one of them.",
        "Acked-by: Wei Liu <wei.liu2@citrix.com> (in the commit message) and Acked-by: Wei Liu"
        " <wl@xen.org> (from <20190913110247.ukxg3ajsx5rscuap@debian>) are the same Acked-by"
        " twice; keep only one of them.",
    ]


def test_fixes_format_without_a_tree() -> None:
    # 1: a 7-digit id; 2: `Amends:` without the quoted subject; 3: well formed.
    report = run("fixes-format.mbox", FIXES_FORMAT)

    assert brief(report.findings) == [
        ("warning", "trailers/fixes-format", 1, None, None),
        ("warning", "trailers/fixes-format", 2, None, None),
    ]
    assert messages(report) == [
        """'Fixes: 361dab9 ("x86/traps: add show_gdt_summary()")' abbreviates the commit to 7"""
        """ hex digits; write 'Fixes: <the first 12 hex digits of the commit id>"""
        """ ("x86/traps: add show_gdt_summary()")'.""",
        "'Amends: 7714853b813c x86/smpboot: kick a silent AP three times before giving up' does"
        """ not quote the commit's subject as ("..."); write 'Amends: <the first 12 hex digits"""
        """ of the commit id> ("<its subject>")'.""",
    ]


def test_fixes_format_with_a_tree_gives_the_line_to_write(sample_tree: Path) -> None:
    commits = commit_ids(sample_tree)
    traps = commits["x86/traps: add show_gdt_summary()"]
    smpboot = commits["x86/smpboot: kick a silent AP three times before giving up"]
    assert (traps[:7], smpboot[:12]) == ("361dab9", "7714853b813c")  # as the mails write them

    report = run("fixes-format.mbox", FIXES_FORMAT, tree=sample_tree)

    assert brief(report.findings) == [
        ("warning", "trailers/fixes-format", 1, None, None),
        ("warning", "trailers/fixes-format", 2, None, None),
    ]
    assert messages(report) == [
        """'Fixes: 361dab9 ("x86/traps: add show_gdt_summary()")' abbreviates the commit to 7"""
        f""" hex digits; write 'Fixes: {traps[:12]} ("x86/traps: add show_gdt_summary()")'.""",
        "'Amends: 7714853b813c x86/smpboot: kick a silent AP three times before giving up' does"
        f""" not quote the commit's subject as ("..."); write 'Amends: {smpboot[:12]}"""
        """ ("x86/smpboot: kick a silent AP three times before giving up")'.""",
    ]


def test_fixes_unknown_commit(sample_tree: Path) -> None:
    assert not any(c.startswith("5a1e7f0c9d2b") for c in commit_ids(sample_tree).values())

    report = run("fixes-unknown.mbox", FIXES_UNKNOWN, tree=sample_tree)

    assert brief(report.findings) == [("error", "trailers/fixes-unknown-commit", 1, None, None)]
    assert messages(report) == [
        """'Amends: 5a1e7f0c9d2b ("xen/sched: make the credit2 rate limit configurable")' names"""
        " commit 5a1e7f0c9d2b, which the tree does not have; check the id, or fetch the branch"
        " the commit is on."
    ]
    assert brief(run("fixes-unknown.mbox", FIXES_UNKNOWN).findings) == []  # no tree, no lookup


def test_fixes_ambiguous(sample_tree: Path) -> None:
    add_filler_commits(sample_tree, FILLER_COMMITS)
    commits = commit_ids(sample_tree)
    twelve = commits["tools: sample history filler 012"]
    twenty_two = commits["tools: sample history filler 022"]
    assert twelve[:4] == twenty_two[:4] == "3c13"  # the abbreviation the mail uses

    report = run("fixes-ambiguous.mbox", FIXES_AMBIGUOUS, tree=sample_tree)

    assert brief(report.findings) == [
        ("warning", "trailers/fixes-format", 1, None, None),
        ("warning", "trailers/fixes-ambiguous", 1, None, None),
    ]
    fixes = """'Fixes: 3c13 ("tools: sample history filler 012")'"""
    assert messages(report) == [
        f"{fixes} abbreviates the commit to 4 hex digits; write 'Fixes: <the first 12 hex digits"
        """ of the commit id> ("tools: sample history filler 012")'.""",
        f"{fixes}: 3c13 is ambiguous, 2 commits of the tree start with it; give the first 12"
        " hex digits of the right one.",
    ]
    candidates = {
        f'{twelve[:12]} ("tools: sample history filler 012")',
        f'{twenty_two[:12]} ("tools: sample history filler 022")',
    }
    details = report.findings[1].details
    assert details is not None
    assert set(details.split("\n")) == candidates


def test_fixes_subject_mismatch(sample_tree: Path) -> None:
    # 1/2 quotes 361dab9b0c92's subject right; 2/2 misquotes 7714853b813c's.
    smpboot = commit_ids(sample_tree)["x86/smpboot: kick a silent AP three times before giving up"]
    assert smpboot.startswith("7714853b813c")

    report = run("fixes-mismatch.mbox", FIXES_MISMATCH, tree=sample_tree)

    assert brief(report.findings) == [("warning", "trailers/fixes-subject-mismatch", 2, None, None)]
    assert messages(report) == [
        """'Fixes: 7714853b813c ("x86/smpboot: kick a silent AP twice before giving up")'"""
        " quotes a subject that is not commit 7714853b813c's, which is \"x86/smpboot: kick a"
        ' silent AP three times before giving up"; quote the real subject, or correct the id.'
    ]
    assert brief(run("fixes-mismatch.mbox", FIXES_MISMATCH).findings) == []


def test_given_by_someone_else() -> None:
    # Juergen passes on Dario's Reviewed-by and George's Acked-by; Dario then gives his own,
    # George never does.
    report = run("given-by-someone-else.mbox", GIVEN_BY_SOMEONE_ELSE)

    assert brief(report.findings) == [("warning", "trailers/given-by-someone-else", 1, None, None)]
    assert messages(report) == [
        "Acked-by: George Dunlap <george.dunlap@citrix.com> was written by Juergen Gross"
        " <jgross@suse.com> in <0b6b8f7e-5d1c-4a32-9b6e-2f4c1d7a8e90@suse.com>, not by George"
        " Dunlap, so it is not added; ask George Dunlap to give it on the list, or add it by"
        " hand if they agreed elsewhere."
    ]


def test_misspelt_name() -> None:
    # Andrew's own `Signed-of-by`, and the release manager's `Relase-Acked-by` in a reply.
    report = run("misspelt-name.mbox", MISSPELT_NAME)

    assert brief(report.findings) == [
        ("warning", "trailers/misspelt-name", 1, None, None),
        ("warning", "trailers/misspelt-name", 1, None, None),
    ]
    assert messages(report) == [
        "'Signed-of-by:' in the commit message is a misspelling of 'Signed-off-by:'; correct it"
        " before committing.",
        "'Relase-Acked-by:' from Juergen Gross <jgross@suse.com>"
        " (<c3d9a1f0-7b2e-4e61-a8f5-0d9e6b4c2a17@suse.com>) was read as 'Release-Acked-by:';"
        " check that this is what they meant.",
    ]


def test_noncanonical_case() -> None:
    # `Reviewed-By` and `Acked-By` in the commit message; Roger's `Reviewed-By` in his reply
    # is written canonically by reviewbot, so it is not reported.
    report = run("noncanonical-case.mbox", NONCANONICAL_CASE)

    assert brief(report.findings) == [
        ("info", "trailers/noncanonical-case", 1, None, None),
        ("info", "trailers/noncanonical-case", 1, None, None),
    ]
    assert messages(report) == [
        "'Reviewed-By:' in the commit message is in the wrong case; write 'Reviewed-by:', the"
        " spelling Xen's tools and scripts expect.",
        "'Acked-By:' in the commit message is in the wrong case; write 'Acked-by:', the spelling"
        " Xen's tools and scripts expect.",
    ]


def test_not_carried() -> None:
    # Sander tested v1 (on the cover letter); v2 changes patch 1's parsing, patch 2 is the same.
    report = run("not-carried.mbox", NOT_CARRIED)

    assert brief(report.findings) == [("info", "trailers/not-carried", 1, None, None)]
    assert messages(report) == [
        "Tested-by: Sander Eikelenboom <linux@eikelenboom.it> was given on v1"
        " (<7f3c9b52-1e04-4c8d-b6a1-93d2e5f0c718@eikelenboom.it>), whose change differs from"
        " this v2, so it is not carried; ask Sander Eikelenboom whether it still holds for v2."
    ]
    result = report.to_json()["results"]["trailers"]
    assert isinstance(result, dict)
    carried = [(t["name"], t["origin"]) for t in result["patches"][1]["trailers"]]
    assert carried == [
        ("Signed-off-by", "existing"),
        ("Acked-by", "existing"),
        ("Tested-by", "carried"),
    ]


ARCHIVE_ADVICE = (
    "rerun with --tree DIR on a Xen checkout (its MAINTAINERS, .mailmap and history hold most"
    " addresses), or write the real address by hand."
)


def test_unresolved_address() -> None:
    # An archive copy: Dario's and Sergey's carried tags and George's reply (sent from
    # citrix.com, signed with eu.citrix.com) keep masked addresses; Juergen's is his From's.
    report = run("unresolved-address.mbox", UNRESOLVED_ADDRESS)

    assert brief(report.findings) == [
        ("warning", "trailers/unresolved-address", 1, None, None),
        ("warning", "trailers/unresolved-address", 1, None, None),
        ("warning", "trailers/unresolved-address", 1, None, None),
    ]
    assert messages(report) == [
        "Reviewed-by: Dario Faggioli <dfaggioli@xxxxxxxx> (in the commit message) has an address"
        f" the archive masked that could not be recovered; {ARCHIVE_ADVICE}",
        "Tested-by: Sergey Dyasli <sergey.dyasli@xxxxxxxxxx> (in the commit message) has an"
        f" address the archive masked that could not be recovered; {ARCHIVE_ADVICE}",
        "Acked-by: George Dunlap <george.dunlap@xxxxxxxxxxxxx> (from"
        " <6a2d0f7c-8e41-4b3b-a1c2-5f9e8d7b6c45@citrix.com>) has an address the archive masked"
        f" that could not be recovered; {ARCHIVE_ADVICE}",
    ]


def test_unresolved_address_with_a_tree(sample_tree: Path) -> None:
    # The sample tree's MAINTAINERS knows Dario and George (eu.citrix.com), not Sergey.
    report = run("unresolved-address.mbox", UNRESOLVED_ADDRESS, tree=sample_tree)

    assert brief(report.findings) == [("warning", "trailers/unresolved-address", 1, None, None)]
    assert messages(report) == [
        "Tested-by: Sergey Dyasli <sergey.dyasli@xxxxxxxxxx> (in the commit message) has an"
        " address the archive masked that could not be recovered; write the real address by"
        " hand."
    ]


def test_every_code_is_tested_here() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    untested = [kind.code for kind in ALL_KINDS if f'"{kind.code}"' not in source]

    assert untested == []
    assert {kind.code.split("/")[0] for kind in ALL_KINDS} == {"trailers"}


# --- the pure parts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "From: Igor Druzhinin <igor.druzhinin@citrix.com>\n\nText.",
            Person("Igor Druzhinin", "igor.druzhinin@citrix.com"),
        ),
        ("\nDate: Mon, 2 Sep 2019\nFrom: a@b.org\n\nText.", Person("", "a@b.org")),
        ("Text first.\nFrom: Igor Druzhinin <igor.druzhinin@citrix.com>", None),
        ("From the start this was wrong <no address>.", None),
    ],
)
def test_in_body_author(message: str, expected: Person | None) -> None:
    assert in_body_author(message) == expected


def test_match_person_by_address_alias_or_name() -> None:
    aliases = Aliases([("wl@xen.org", "wei.liu2@citrix.com")])
    wei = Person("Wei Liu", "wl@xen.org")

    assert match_person(Person("", "WL@xen.org"), wei, aliases) is Match.ADDRESS
    assert match_person(Person("W. Liu", "wei.liu2@citrix.com"), wei, aliases) is Match.ADDRESS
    assert match_person(Person("Wei Liu", "wei.liu@example.org"), wei, aliases) is Match.NAME
    assert (
        match_person(Person("Wei", "wei@example.org"), Person("Wei", "x@y.org"), Aliases()) is None
    )


@pytest.mark.parametrize(
    ("value", "commit", "subject"),
    [
        (
            '67d01cdb5518 ("x86: infrastructure to allow converting")',
            "67d01cdb5518",
            "x86: infrastructure to allow converting",
        ),
        ('67D01CDB5518 ("a (nested) one") # 4.12', "67d01cdb5518", "a (nested) one"),
        ("67d01cdb5518 x86: no quotes", "67d01cdb5518", None),
        ('("subject only")', None, "subject only"),
    ],
)
def test_parse_reference(value: str, commit: str | None, subject: str | None) -> None:
    assert parse_reference("Fixes", value) == CommitReference("Fixes", value, commit, subject)
