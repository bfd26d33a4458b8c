"""The xen-policy plugin: Xen's check-in policy (MAINTAINERS approvals, objections) per patch."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
import reviewbot_xen_policy as plugin
from reviewbot_xen_policy.areas import area_scope
from reviewbot_xen_policy.identities import People
from reviewbot_xen_policy.maintainers import parse_maintainers
from reviewbot_xen_policy.messages import patch_findings
from reviewbot_xen_policy.objections import nak_line
from reviewbot_xen_policy.policy import ChangedPath, PatchFacts, evaluate
from reviewbot_xen_policy.result import Approval, FileStatus, PolicyResult

from reviewbot.extensions import SettingSpec
from reviewbot.findings import Finding
from reviewbot.identity import Person
from reviewbot.local import read_local
from reviewbot.runchecks import CheckReport, jsonable
from reviewbot.sampletree import create_sample_tree
from reviewbot.threads import Thread, thread_of
from tests.support.checking import FIXTURES, SEED_ID, brief, check, host_with, thread_from
from tests.support.gitrepo import git, use_git_identity

NAME = "xen-policy"
HERE = FIXTURES / "checks" / "xen-policy"
MAINTAINERS = HERE / "MAINTAINERS"
EXCERPT = [f"xen-policy.maintainers={MAINTAINERS}"]

JAN = Person("Jan Beulich", "jbeulich@suse.com")
ANDREW = Person("Andrew Cooper", "andrew.cooper3@citrix.com")
GEORGE = Person("George Dunlap", "george.dunlap@citrix.com")
ROGER = Person("Roger Pau Monné", "roger.pau@citrix.com")
DARIO = Person("Dario Faggioli", "dfaggioli@suse.com")
JUERGEN_REPLY = "b4d3c0ea-3a1f-5d6e-93c2-1f8e0b7d2a65@suse.com"
COMMITTABLE_SEED = (
    "committable: X86 ARCHITECTURE approved by Jan Beulich (Reviewed-by); "
    "reviewed by someone other than the author"
)


@pytest.fixture(scope="module")
def sample_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample Xen tree (checks apply without a branch, so tests can share it)."""
    return create_sample_tree(tmp_path_factory.mktemp("sample") / "xen")


def run(thread: Thread, **options: object) -> CheckReport:
    report, _ = check(plugin, NAME, thread, **options)
    return report


def run_fixture(mbox: str, root: str) -> CheckReport:
    return run(thread_from(HERE / mbox, root), overrides=EXCERPT)


def messages(findings: Sequence[Finding]) -> list[str]:
    return [f.message for f in findings]


def policy_of(report: CheckReport) -> PolicyResult:
    result = report.results[NAME]
    assert isinstance(result, PolicyResult)
    return result


def seed_thread(*message_ids: str) -> Thread:
    """The seed patch with only the given replies."""
    wanted = {SEED_ID, *message_ids}
    mails = [m for m in read_local(FIXTURES / "mail" / "seed-gdt.mbox") if m.message_id in wanted]
    return thread_of(mails, SEED_ID, "seed-gdt.mbox")


# --- hooks ------------------------------------------------------------------------------------


def test_hook_register_settings() -> None:
    host = host_with((plugin, NAME))
    assert host.settings() == [
        SettingSpec(
            "xen-policy.maintainers",
            "",
            "MAINTAINERS file to check approvals against when no --tree is given",
        )
    ]
    assert host.problems == []


def test_hook_check_series_says_when_there_is_no_maintainers() -> None:
    report = run(thread_from("seed-gdt.mbox", SEED_ID))
    assert brief(report.findings) == [("info", "xen-policy/no-maintainers", None, None, None)]
    assert messages(report.findings) == [
        "no MAINTAINERS to check against: give --tree DIR or -c xen-policy.maintainers=PATH"
    ]
    assert report.results == {}


def test_check_series_unreadable_maintainers(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "MAINTAINERS"
    report = run(thread_from("seed-gdt.mbox", SEED_ID), overrides=[f"{NAME}.maintainers={missing}"])
    assert brief(report.findings) == [
        ("error", "xen-policy/maintainers-unreadable", None, None, None)
    ]
    assert messages(report.findings) == [
        f"cannot read the MAINTAINERS file {missing} that xen-policy.maintainers names "
        "(No such file or directory): give the path of a Xen MAINTAINERS file, or --tree DIR"
    ]


def test_check_series_maintainers_without_sections(tmp_path: Path) -> None:
    empty = tmp_path / "MAINTAINERS"
    empty.write_text("\tList of maintainers\n\nNothing here yet.\n\tM: not a section\n")
    report = run(thread_from("seed-gdt.mbox", SEED_ID), overrides=[f"{NAME}.maintainers={empty}"])
    assert brief(report.findings) == [
        ("warning", "xen-policy/no-maintainers-sections", None, None, None)
    ]
    assert messages(report.findings) == [
        f"{empty} has no maintainer sections, so no approval can be checked: "
        "is it Xen's MAINTAINERS file?"
    ]
    assert policy_of(report).patches == ()


def test_hook_check_patch_seed_on_the_sample_tree_is_committable(sample_tree: Path) -> None:
    report = run(thread_from("seed-gdt.mbox", SEED_ID), tree=sample_tree)
    assert brief(report.findings) == [("info", "xen-policy/committable", 1, None, None)]
    assert messages(report.findings) == [COMMITTABLE_SEED]


def test_hook_review_result(sample_tree: Path) -> None:
    report = run(thread_from("seed-gdt.mbox", SEED_ID), tree=sample_tree)
    result = policy_of(report)
    assert jsonable(result.maintainers) == {
        "kind": "tree",
        "location": "MAINTAINERS at 0086a527fa4d",
        "commit": "0086a527fa4d73d0e268a7d81db4fcc817dcbde3",
        "sections": 5,
    }
    (seed,) = result.patches
    assert (seed.number, seed.subject, seed.author, seed.committable) == (
        1,
        "x86/ctxt-switch: Document and improve GDT handling",
        ANDREW,
        True,
    )
    jan_review = Approval(
        JAN,
        "Reviewed-by",
        None,
        "5D2319950200007800239C52@prv1-mh.provo.novell.com",
        "X86 ARCHITECTURE",
    )
    assert [(f.path, f.sections, f.maintainers, f.approved_by, f.status) for f in seed.files] == [
        (path, ("X86 ARCHITECTURE",), (JAN,), (jan_review,), FileStatus.APPROVED)
        for path in (
            "xen/arch/x86/domain.c",
            "xen/arch/x86/smpboot.c",
            "xen/arch/x86/traps.c",
            "xen/include/asm-x86/desc.h",
        )
    ]
    assert seed.other_approval == jan_review
    assert (seed.objections, seed.also_concerned, seed.unmatched_scopes) == ((), (), ())


def test_review_result_as_json_for_nested_sections() -> None:
    result = policy_of(run_fixture("nested.mbox", "20200312100134.41298-1-roger.pau@citrix.com"))
    as_json = jsonable(result)
    assert isinstance(as_json, dict)
    assert as_json["maintainers"] == {
        "kind": "setting",
        "location": str(MAINTAINERS),
        "commit": None,
        "sections": 15,
    }
    jan = {"name": "Jan Beulich", "address": "jbeulich@suse.com"}
    george = {"name": "George Dunlap", "address": "george.dunlap@citrix.com"}
    andrew = {"name": "Andrew Cooper", "address": "andrew.cooper3@citrix.com"}
    jan_id = "4f2b7c1e-8d0a-4c55-9f0e-1a6c2d3b9e01@suse.com"
    george_id = "8A3F55C2-1D6B-4E0C-A7B1-5C9E2D7F0A14@citrix.com"

    def ack(person: dict[str, str], message_id: str, section: str) -> dict[str, object]:
        return {
            "person": person,
            "trailer": "Acked-by",
            "scope": None,
            "message_id": message_id,
            "section": section,
        }

    def file(path: str, sections: list[str], wider: list[str], **rest: object) -> dict[str, object]:
        return {
            "path": path,
            "change": "modified",
            "other_path": None,
            "sections": sections,
            "orphaned": [],
            "wider_sections": wider,
            "scoped_out": [],
            **rest,
        }

    assert as_json["patches"][0] == {
        "number": 1,
        "subject": "x86/mm: report the shadow pool size with the p2m statistics",
        "message_id": "20200312100134.41298-2-roger.pau@citrix.com",
        "author": {"name": "Roger Pau Monné", "address": "roger.pau@citrix.com"},
        "committable": False,
        "files": [
            file(
                "xen/arch/x86/domain.c",
                ["X86 ARCHITECTURE"],
                ["THE REST"],
                maintainers=[jan, andrew],
                approved_by=[ack(jan, jan_id, "X86 ARCHITECTURE")],
                wider_approved_by=[ack(george, george_id, "THE REST")],
                status="approved",
            ),
            file(
                "xen/arch/x86/mm/p2m.c",
                ["X86 MEMORY MANAGEMENT"],
                ["X86 ARCHITECTURE", "THE REST"],
                maintainers=[george],
                approved_by=[ack(george, george_id, "X86 MEMORY MANAGEMENT")],
                wider_approved_by=[ack(jan, jan_id, "X86 ARCHITECTURE")],
                status="approved",
            ),
            file(
                "xen/arch/x86/mm/shadow/multi.c",
                ["X86 SHADOW PAGETABLES"],
                ["X86 MEMORY MANAGEMENT", "X86 ARCHITECTURE", "THE REST"],
                maintainers=[{"name": "Tim Deegan", "address": "tim@xen.org"}],
                approved_by=[],
                wider_approved_by=[
                    ack(jan, jan_id, "X86 ARCHITECTURE"),
                    ack(george, george_id, "X86 MEMORY MANAGEMENT"),
                ],
                status="wider-only",
            ),
        ],
        "other_approval": ack(jan, jan_id, "X86 ARCHITECTURE"),
        "objections": [],
        "also_concerned": [],
        "unmatched_scopes": [],
        "release_acks": [],
    }


# --- the seed ---------------------------------------------------------------------------------


def test_seed_without_replies_needs_someone_other_than_the_author(sample_tree: Path) -> None:
    report = run(seed_thread(), tree=sample_tree)
    assert brief(report.findings) == [("error", "xen-policy/needs-other-approval", 1, None, None)]
    assert messages(report.findings) == [
        "nobody other than the author, Andrew Cooper, has approved this patch: it needs a "
        "Reviewed-by from someone else or an Acked-by from another maintainer of its files"
    ]
    (seed,) = policy_of(report).patches
    assert {f.status for f in seed.files} == {FileStatus.AUTHOR_MAINTAINER}
    assert (seed.committable, seed.other_approval) == (False, None)


def test_seed_with_only_a_non_maintainer_review_is_committable(sample_tree: Path) -> None:
    # Andrew maintains X86 ARCHITECTURE and signed the patch off; Juergen is no maintainer of
    # it, but his Reviewed-by is approval by someone other than the author. Tested-by is ignored.
    report = run(seed_thread(JUERGEN_REPLY), tree=sample_tree)
    assert brief(report.findings) == [("info", "xen-policy/committable", 1, None, None)]
    assert messages(report.findings) == [
        "committable: X86 ARCHITECTURE approved by the author Andrew Cooper, a maintainer "
        "(Signed-off-by); reviewed by someone other than the author: Juergen Gross "
        "(Reviewed-by, not a maintainer)"
    ]
    (seed,) = policy_of(report).patches
    assert [(a.person, a.trailer) for f in seed.files for a in f.approved_by] == [
        (ANDREW, "Signed-off-by")
    ] * 4


# --- the fixture threads ----------------------------------------------------------------------


def test_each_file_needs_its_most_specific_maintainer() -> None:
    report = run_fixture("nested.mbox", "20200312100134.41298-1-roger.pau@citrix.com")
    assert brief(report.findings) == [
        ("warning", "xen-policy/wider-approval-only", 1, "xen/arch/x86/mm/shadow/multi.c", None),
        ("info", "xen-policy/committable", 2, None, None),
        ("error", "xen-policy/missing-approval", 3, "xen/arch/x86/mm/mem_paging.c", None),
    ]
    assert messages(report.findings) == [
        # Jan (X86) and George (x86/mm) both acked, but shadow/ is Tim's
        "xen/arch/x86/mm/shadow/multi.c is approved only from wider sections, by Jan Beulich "
        "(Acked-by, X86 ARCHITECTURE) and George Dunlap (Acked-by, X86 MEMORY MANAGEMENT): it "
        "needs a maintainer of X86 SHADOW PAGETABLES (Tim Deegan) unless they are unavailable "
        "or not responding",
        "committable: X86 SHADOW PAGETABLES approved by Tim Deegan (Acked-by); "
        "acked by someone other than the author",
        # X86 MEMORY PAGING is an orphan: x86/mm's maintainer steps in; Tamas is only its R:
        "xen/arch/x86/mm/mem_paging.c needs an Acked-by or Reviewed-by from a maintainer of "
        "X86 MEMORY MANAGEMENT (X86 MEMORY PAGING, more specific, has no maintainer): "
        "George Dunlap",
    ]
    third = policy_of(report).patches[2]
    assert third.files[0].orphaned == ("X86 MEMORY PAGING",)
    assert third.other_approval == Approval(
        Person("Tamas K Lengyel", "tamas@tklengyel.com"),
        "Reviewed-by",
        None,
        "CABfawhkQ3m9N1Yp0c2d8T5xRkq7JwE4sV6uZ@mail.gmail.com",
        None,
    )


def test_scoped_ack_covers_only_its_area() -> None:
    report = run_fixture("scoped.mbox", "20200420154212.80231-1-roger.pau@citrix.com")
    assert brief(report.findings) == [
        ("error", "xen-policy/missing-approval", 1, "tools/libxl/libxl_cpuid.c", None),
        ("warning", "xen-policy/scope-matches-nothing", 1, None, None),
    ]
    assert messages(report.findings) == [
        "tools/libxl/libxl_cpuid.c needs an Acked-by or Reviewed-by from a maintainer of "
        "LIBXENLIGHT: Ian Jackson, Wei Liu or Anthony PERARD",
        "Julien Grall's Acked-by is scoped to \"# arm\", which matches none of this patch's "
        "files, so it approves nothing here: check which part it was meant for",
    ]
    (patch,) = policy_of(report).patches
    x86 = patch.files[1]
    assert (x86.path, x86.status, [(a.person, a.scope) for a in x86.approved_by]) == (
        "xen/arch/x86/cpuid.c",
        FileStatus.APPROVED,
        [(JAN, "# x86")],
    )
    # Julien is in THE REST, but his `# arm` ack is not even a wider approval of libxl
    assert patch.files[0].wider_approved_by == ()
    assert patch.other_approval is not None and patch.other_approval.person == JAN


def test_objections_nacked_by_and_nak_replies() -> None:
    report = run_fixture("objection.mbox", "20200518091503.2760-1-jgross@suse.com")
    andrew_nak = "0e9d8c7b-6a5f-4e3d-2c1b-0a9f8e7d6c5b@citrix.com"
    jan_nack = "6a1f3c2e-9b8d-4e7f-a0c5-2d4b6e8f1a3c@suse.com"
    george_nak = "C1E2F3A4-B5C6-4D7E-8F90-A1B2C3D4E5F6@citrix.com"
    settle = "the objection must be settled before the patch is committed"
    assert brief(report.findings) == [
        ("error", "xen-policy/objection", 1, None, None),
        ("error", "xen-policy/objection", 1, None, None),
        ("error", "xen-policy/objection", 2, None, None),
        ("error", "xen-policy/objection", 2, None, None),
    ]
    # Andrew's NAK answers Dario's reply to the cover letter: it stands against both patches.
    assert [(f.message, f.details) for f in report.findings] == [
        (
            f"Jan Beulich objected with a Nacked-by in <{jan_nack}>: {settle}",
            "Nacked-by: Jan Beulich <jbeulich@suse.com>",
        ),
        (f"Andrew Cooper objected with a NAK in <{andrew_nak}>: {settle}", "Nack."),
        # two replies down from patch 2; Juergen's quoted "> Nack." counts for nothing
        (
            f"George Dunlap objected with a NAK in <{george_nak}>: {settle}",
            "NAK: credit1 keeps the global rate limit until it is retired.",
        ),
        (f"Andrew Cooper objected with a NAK in <{andrew_nak}>: {settle}", "Nack."),
    ]
    first, second = policy_of(report).patches
    assert [f.status for f in (*first.files, *second.files)] == [FileStatus.APPROVED] * 2
    assert (first.committable, second.committable) == (False, False)


def test_author_who_maintains_every_file() -> None:
    report = run_fixture("author.mbox", "20200609162801.11892-1-george.dunlap@citrix.com")
    assert brief(report.findings) == [("info", "xen-policy/committable", 1, None, None)]
    assert messages(report.findings) == [
        "committable: X86 MEMORY MANAGEMENT and SCHEDULING approved by the author George "
        "Dunlap, a maintainer (Signed-off-by); acked by someone other than the author: "
        "Jan Beulich (Acked-by)"
    ]
    (patch,) = policy_of(report).patches
    assert [(f.path, f.status, f.maintainers) for f in patch.files] == [
        ("xen/arch/x86/mm/p2m.c", FileStatus.AUTHOR_MAINTAINER, ()),
        (
            "xen/common/sched_credit2.c",
            FileStatus.AUTHOR_MAINTAINER,
            (Person("Dario Faggioli", "dfaggioli@suse.com"),),
        ),
    ]
    # the patch adds TRACE_2D calls: XENTRACE's K: keyword concerns it, lists none of its files
    assert patch.also_concerned == ("XENTRACE",)


def test_rename_needs_approval_for_both_paths() -> None:
    report = run_fixture("rename.mbox", "20200707112233.30416-1-jgross@suse.com")
    assert brief(report.findings) == [
        ("error", "xen-policy/missing-approval", 1, "xen/common/sched/arinc653.c", None)
    ]
    assert messages(report.findings) == [
        # `F: xen/common/sched*` does not reach into xen/common/sched/: only THE REST does
        "xen/common/sched/arinc653.c (renamed from xen/common/sched_arinc653.c) needs an "
        "Acked-by or Reviewed-by from a maintainer of THE REST: Andrew Cooper, George Dunlap, "
        "Ian Jackson, Jan Beulich, Julien Grall, Konrad Rzeszutek Wilk, Stefano Stabellini or "
        "Wei Liu"
    ]
    (patch,) = policy_of(report).patches
    assert [(f.path, f.change, f.other_path, f.sections, f.status) for f in patch.files] == [
        (
            "xen/common/sched_arinc653.c",
            "rename-old",
            "xen/common/sched/arinc653.c",
            ("SCHEDULING",),
            FileStatus.APPROVED,
        ),
        (
            "xen/common/sched/arinc653.c",
            "rename-new",
            "xen/common/sched_arinc653.c",
            ("THE REST",),
            FileStatus.MISSING,
        ),
    ]


def test_designated_reviewer_is_not_a_maintainer() -> None:
    report = run_fixture("reviewer.mbox", "20200811083015.62004-1-roger.pau@citrix.com")
    # Juergen (R: of SCHEDULING) reviewed: someone other than the author, not a maintainer
    assert brief(report.findings) == [
        ("error", "xen-policy/missing-approval", 1, "xen/common/sched_credit2.c", None)
    ]
    assert messages(report.findings) == [
        "xen/common/sched_credit2.c needs an Acked-by or Reviewed-by from a maintainer of "
        "SCHEDULING: George Dunlap or Dario Faggioli"
    ]
    (patch,) = policy_of(report).patches
    assert patch.other_approval is not None
    assert (patch.other_approval.person.name, patch.other_approval.trailer) == (
        "Juergen Gross",
        "Reviewed-by",
    )
    assert patch.also_concerned == ("XENTRACE",)


# --- a real tree ------------------------------------------------------------------------------

P2M = """/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <xen/sched.h>
#include <asm/p2m.h>

void p2m_dump_info(const struct domain *d)
{
    printk("    p2m entries: %lu\\n", p2m_get_hostp2m(d)->entry_count);
}
"""


def test_tree_maintainers_before_the_series_win(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a tree, MAINTAINERS is read at the base: a series making its author a maintainer
    does not approve itself, and the setting is not used."""
    use_git_identity(tmp_path / "gitconfig", monkeypatch)
    repo = tmp_path / "xen"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "master")
    (repo / "xen/arch/x86/mm").mkdir(parents=True)
    (repo / "MAINTAINERS").write_text(MAINTAINERS.read_text())
    (repo / "xen/arch/x86/mm/p2m.c").write_text(P2M)
    dates = {
        "GIT_AUTHOR_DATE": "2020-06-01T10:00:00Z",
        "GIT_COMMITTER_DATE": "2020-06-01T10:00:00Z",
    }
    monkeypatch.setenv("GIT_AUTHOR_DATE", dates["GIT_AUTHOR_DATE"])
    monkeypatch.setenv("GIT_COMMITTER_DATE", dates["GIT_COMMITTER_DATE"])
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "import")
    base = git(repo, "rev-parse", "HEAD").strip()
    maintainers = (repo / "MAINTAINERS").read_text()
    (repo / "MAINTAINERS").write_text(
        maintainers.replace(
            "X86 MEMORY MANAGEMENT\nM:\tGeorge Dunlap <george.dunlap@citrix.com>\n",
            "X86 MEMORY MANAGEMENT\nM:\tGeorge Dunlap <george.dunlap@citrix.com>\n"
            "M:\tRoger Pau Monné <roger.pau@citrix.com>\n",
        )
    )
    (repo / "xen/arch/x86/mm/p2m.c").write_text(P2M.replace("    p2m entries", "    p2m: entries"))
    git(repo, "add", "-A")
    git(
        repo,
        "-c",
        "user.name=Roger Pau Monné",
        "-c",
        "user.email=roger.pau@citrix.com",
        "commit",
        "-q",
        "-m",
        f"x86/mm: p2m: label the entry count\n\nSigned-off-by: {ROGER}",
    )
    patch = git(repo, "format-patch", "-1", "--stdout")
    git(repo, "reset", "-q", "--hard", base)
    patch = patch.replace("\nFrom: ", "\nMessage-ID: <tree-test-1@citrix.com>\nFrom: ", 1)
    reply = (
        "From mboxrd@z Thu Jan  1 00:00:00 1970\n"
        "From: Jan Beulich <jbeulich@suse.com>\n"
        "To: xen-devel@lists.xenproject.org\n"
        "Date: Tue, 2 Jun 2020 09:00:00 +0200\n"
        "Message-ID: <tree-test-2@suse.com>\n"
        "In-Reply-To: <tree-test-1@citrix.com>\n"
        "References: <tree-test-1@citrix.com>\n"
        "Subject: Re: [PATCH] x86/mm: p2m: label the entry count\n"
        "\n"
        "Reviewed-by: Jan Beulich <jbeulich@suse.com>\n"
    )
    mbox = tmp_path / "series.mbox"
    mbox.write_text(patch + "\n" + reply)
    report = run(
        thread_from(mbox, "tree-test-1@citrix.com"), tree=repo, base=base, overrides=EXCERPT
    )
    # with the series' own MAINTAINERS Roger would approve p2m.c himself; at the base only
    # George can, and Jan's review (X86 ARCHITECTURE) is a wider maintainer's
    assert brief(report.findings) == [
        ("warning", "xen-policy/wider-approval-only", 1, "xen/arch/x86/mm/p2m.c", None)
    ]
    assert messages(report.findings) == [
        "xen/arch/x86/mm/p2m.c is approved only from wider sections, by Jan Beulich "
        "(Reviewed-by, X86 ARCHITECTURE): it needs a maintainer of X86 MEMORY MANAGEMENT "
        "(George Dunlap) unless they are unavailable or not responding"
    ]
    result = policy_of(report)
    assert (result.maintainers.kind, result.maintainers.commit) == ("tree", base)
    (policy,) = result.patches
    assert [(f.path, f.sections, f.status) for f in policy.files] == [
        ("MAINTAINERS", ("THE REST",), FileStatus.APPROVED),
        ("xen/arch/x86/mm/p2m.c", ("X86 MEMORY MANAGEMENT",), FileStatus.WIDER_ONLY),
    ]
    assert policy.committable is False


# --- the pieces -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "patches", "areas"),
    [
        ("# x86", None, (("x86",),)),
        ("#x86", None, (("x86",),)),
        ("# x86, mm", None, (("x86",), ("mm",))),
        ("# for the x86 parts", None, (("x86",),)),
        ("# x86 and Arm bits", None, (("x86",), ("arm",))),
        ("# x86/mm changes", None, (("x86", "mm"),)),
        ("# x86-specific bits", None, (("x86",),)),
        ("[for the tools part]", None, (("tools",),)),
        ("# for the changes", None, None),
        ("for patches 1-2", (1, 2), None),
        (None, None, None),
    ],
)
def test_area_scopes(
    scope: str | None, patches: tuple[int, ...] | None, areas: tuple[tuple[str, ...], ...] | None
) -> None:
    found = area_scope(scope, patches)
    assert (found.areas if found is not None else None) == areas


@pytest.mark.parametrize(
    ("scope", "path", "sections", "expected"),
    [
        ("# x86", "xen/arch/x86/mm/p2m.c", ["X86 MEMORY MANAGEMENT"], True),
        ("# x86", "xen/include/asm-x86/desc.h", [], True),
        ("# x86", "tools/libxl/libxl_cpuid.c", ["LIBXENLIGHT", "TOOLSTACK", "THE REST"], False),
        ("# X86", "xen/common/sched_credit2.c", ["SCHEDULING", "THE REST"], False),
        ("# arm", "xen/arch/arm/domain.c", [], True),
        ("# arm", "xen/arch/arm64/x.c", [], False),
        ("# tools", "tools/misc/xen-cpuid.c", ["TOOLSTACK"], True),
        ("# mm", "xen/arch/x86/mm/shadow/multi.c", ["X86 SHADOW PAGETABLES"], True),
        ("# shadow", "xen/arch/x86/mm/p2m.c", ["X86 MEMORY MANAGEMENT"], False),
        ("# pagetables", "xen/arch/x86/mm/shadow/multi.c", ["X86 SHADOW PAGETABLES"], True),
        ("# sched", "xen/common/sched_credit2.c", ["SCHEDULING"], True),
        ("# x86 mm", "xen/arch/x86/traps.c", ["X86 ARCHITECTURE"], False),
        ("# x86, mm", "xen/arch/x86/traps.c", ["X86 ARCHITECTURE"], True),
    ],
)
def test_area_covers(scope: str, path: str, sections: list[str], expected: bool) -> None:
    found = area_scope(scope)
    assert found is not None
    assert found.covers(path, sections) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thanks.\n\nNAK\n", "NAK"),
        ("Nack.\n", "Nack."),
        ("NACK!\n", "NACK!"),
        ("  NAK, this breaks PV guests.\n", "NAK, this breaks PV guests."),
        ("NAK: see above\n", "NAK: see above"),
        ("NAK - not like this\n", "NAK - not like this"),
        ("Nak for now\n", "Nak for now"),
        ("> NAK\n", None),
        ("On x, y wrote:\n> Nack.\n\nFair enough.\n", None),
        ("Nacked-by: Jan Beulich <jbeulich@suse.com>\n", None),
        ("I'd NAK this if it were not for the release.\n", None),
        ("Nakamura-san asked about this.\n", None),
        ("Thanks\n-- \nNAK\n", None),
        ("NAK " + "word " * 20 + "\n", None),
    ],
)
def test_nak_lines(text: str, expected: str | None) -> None:
    assert nak_line(text) == expected


TIED = parse_maintainers(
    "CPU POOLS\nM:\tJuergen Gross <jgross@suse.com>\nF:\txen/common/cpupool.c\n\n"
    "SCHEDULING CORE\nM:\tGeorge Dunlap <george.dunlap@citrix.com>\n"
    "F:\txen/common/{cpupool,core}.c\n\n"
    "THE REST\nM:\tJan Beulich <jbeulich@suse.com>\nF:\t*\nF:\t*/\n"
)


def facts(
    *approvals: Approval,
    author: Person = ROGER,
    paths: tuple[ChangedPath, ...] = (ChangedPath("xen/common/cpupool.c", "modified"),),
    signed_off: tuple[Person, ...] | None = None,
    release_acks: tuple[Approval, ...] = (),
) -> PatchFacts:
    """A patch by `author` (signed off by them unless `signed_off` says otherwise)."""
    signers = (author,) if signed_off is None else signed_off
    return PatchFacts(1, "a patch", "patch@x", author, paths, approvals, signers, release_acks)


def test_tied_sections_either_suffices() -> None:
    missing = evaluate(facts(), TIED, People())
    assert missing.files[0].sections == ("CPU POOLS", "SCHEDULING CORE")
    assert next(patch_findings(missing)).message == (
        "xen/common/cpupool.c needs an Acked-by or Reviewed-by from a maintainer of CPU POOLS "
        "or SCHEDULING CORE (either suffices): Juergen Gross or George Dunlap"
    )
    george = Approval(GEORGE, "Acked-by", None, "ack@x")
    approved = evaluate(facts(george), TIED, People())
    assert (approved.files[0].status, approved.committable) == (FileStatus.APPROVED, True)
    assert messages(list(patch_findings(approved))) == [
        "committable: CPU POOLS or SCHEDULING CORE approved by George Dunlap (Acked-by); "
        "acked by someone other than the author"
    ]


def test_same_person_under_another_address_or_spelling() -> None:
    excerpt = parse_maintainers(MAINTAINERS.read_text())
    traps = (ChangedPath("xen/arch/x86/traps.c", "modified"),)
    for giver in (
        Person("Jan Beulich", "JBeulich@suse.com"),  # case
        Person("Jan Beulich", "jbeulich@novell.com"),  # an older employer, same full name
    ):
        policy = evaluate(facts(Approval(giver, "Acked-by"), paths=traps), excerpt, People())
        assert (policy.files[0].status, policy.committable) == (FileStatus.APPROVED, True)
    stranger = Person("J. B.", "jbeulich@novell.com")
    policy = evaluate(facts(Approval(stranger, "Acked-by"), paths=traps), excerpt, People())
    assert policy.files[0].status == FileStatus.MISSING


def test_release_ack_tested_by_and_own_review_approve_nothing() -> None:
    excerpt = parse_maintainers(MAINTAINERS.read_text())
    traps = (ChangedPath("xen/arch/x86/traps.c", "modified"),)
    release = Approval(Person("Juergen Gross", "jgross@suse.com"), "Release-Acked-by")
    own = Approval(ANDREW, "Reviewed-by")
    policy = evaluate(
        facts(own, author=ANDREW, paths=traps, signed_off=(), release_acks=(release,)),
        excerpt,
        People(),
    )
    # Andrew maintains x86 but did not sign off (so no author approval), and his own
    # Reviewed-by counts for nothing
    assert (policy.files[0].status, policy.other_approval, policy.release_acks) == (
        FileStatus.MISSING,
        None,
        (release,),
    )
    assert messages(list(patch_findings(policy))) == [
        "xen/arch/x86/traps.c needs an Acked-by or Reviewed-by from a maintainer of "
        "X86 ARCHITECTURE: Jan Beulich",
        "nobody other than the author, Andrew Cooper, has approved this patch: it needs a "
        "Reviewed-by from someone else or an Acked-by from another maintainer of its files",
    ]


def test_file_no_section_with_a_maintainer_lists() -> None:
    lonely = parse_maintainers(
        "X86 MEMORY PAGING\nR:\tTamas K Lengyel <tamas@tklengyel.com>\nF:\txen/\n"
    )
    policy = evaluate(facts(paths=(ChangedPath("xen/x.c", "added"),)), lonely, People())
    assert (policy.files[0].sections, policy.files[0].orphaned) == ((), ("X86 MEMORY PAGING",))
    assert next(patch_findings(policy)).message == (
        "xen/x.c has no maintainer: no MAINTAINERS section with an M: entry lists it, so nobody "
        "can approve it; list it in a section (THE REST usually takes everything)"
    )


def test_scoped_out_maintainer_is_named() -> None:
    excerpt = parse_maintainers(MAINTAINERS.read_text())
    paths = (ChangedPath("xen/arch/x86/traps.c", "modified"),)
    jan_mm = Approval(JAN, "Acked-by", "# mm", "ack@x")
    policy = evaluate(facts(jan_mm, paths=paths), excerpt, People())
    assert policy.files[0].scoped_out == (
        Approval(JAN, "Acked-by", "# mm", "ack@x", "X86 ARCHITECTURE"),
    )
    assert [f.message for f in patch_findings(policy)] == [
        "xen/arch/x86/traps.c needs an Acked-by or Reviewed-by from a maintainer of "
        "X86 ARCHITECTURE: Jan Beulich or Andrew Cooper; Jan Beulich's Acked-by is scoped to "
        '"# mm", which does not cover it',
        "nobody other than the author, Roger Pau Monné, has approved this patch: it needs a "
        "Reviewed-by from someone else or an Acked-by from another maintainer of its files",
        "Jan Beulich's Acked-by is scoped to \"# mm\", which matches none of this patch's files, "
        "so it approves nothing here: check which part it was meant for",
    ]
