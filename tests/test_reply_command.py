"""`reviewbot reply`: every draft read back as mail, header by header and line by line.

The seed thread (pristine and from the archive, whose addresses are masked), the vpci series
with its cover letter, the three kinds, the ways out (.eml, stdout, mbox, JSON), the reviewer's
identity, templates, bad input, and `git send-email --dry-run` accepting a draft.
"""

from __future__ import annotations

import email
import email.policy
import json
import mailbox
import os
import re
import subprocess
from datetime import datetime
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from reviewbot import __version__
from reviewbot.cli import main
from reviewbot.demo import SEED_MESSAGE_ID, page_of, serve_archive
from reviewbot.replytemplate import PLACEHOLDERS
from reviewbot.sampletree import create_sample_tree
from tests.support.checking import FIXTURES, SEED_ID
from tests.support.gitrepo import git, snapshot, use_git_identity

SEED = str(FIXTURES / "mail" / "seed-gdt.mbox")
VPCI = str(FIXTURES / "mail" / "series-vpci.mbox")
ARCHIVE = FIXTURES / "archive"
ME = ["-c", "user.name=Rita Reviewer", "-c", "user.email=rita@example.org"]
RITA = "Rita Reviewer <rita@example.org>"

LIST = ("Xen-devel", "xen-devel@lists.xenproject.org")
ANDREW = ("Andrew Cooper", "andrew.cooper3@citrix.com")
JUERGEN = ("Juergen Gross", "jgross@suse.com")
JAN = ("Jan Beulich", "JBeulich@suse.com")
WEI = ("Wei Liu", "wl@xen.org")
ROGER = ("Roger Pau Monné", "roger.pau@citrix.com")
PAUL = ("Paul Durrant", "Paul.Durrant@citrix.com")
MAREK = ("Marek Marczykowski-Górecki", "marmarek@invisiblethingslab.com")
SANDER = ("Sander Eikelenboom", "linux@eikelenboom.it")

SEED_SUBJECT = "Re: [PATCH] x86/ctxt-switch: Document and improve GDT handling"
SEED_CC = [LIST, JUERGEN, JAN, WEI, ROGER]
SEED_ATTRIBUTION = "On Thu, 04 Jul 2019 18:57:32 +0100, Andrew Cooper wrote:"
SEED_BRANCH = "review/2019-07-04-ctxt-switch-gdt-v1"

#: The seed's commit message as an ack quotes it: up to its Signed-off-by, nothing below `---`.
SEED_MESSAGE_QUOTED = """\
> write_full_gdt_ptes() has a latent bug.  Using virt_to_mfn() and iterating
> with (mfn + i) is wrong, because of PDX compression.  The context switch path
> only functions correctly because NR_RESERVED_GDT_PAGES is 1.
>
> As this is exceedingly unlikely to change moving foward, drop the loop
> rather than inserting a BUILD_BUG_ON(NR_RESERVED_GDT_PAGES != 1).
>
> With the loop dropped, write_full_gdt_ptes() becomes more obviously a poor
> name, so rename it to update_xen_slot_in_full_gdt().
>
> Furthermore, calling virt_to_mfn() in the context switch path is a lot of
> wasted cycles for a result which is constant after boot.
>
> Begin by documenting how Xen handles the GDTs across context switch.
>
> From this, we observe that load_full_gdt() is completely independent of the
> current CPU, and load_default_gdt() only gets passed the current CPU regular
> GDT.
>
> Add two extra per-cpu variables which cache the L1e for the regular and compat
> GDT, calculated in cpu_smpboot_alloc()/trap_init() as appropriate, so
> update_xen_slot_in_full_gdt() doesn't need to waste time performing the same
> calculation on every context switch.
>
> Signed-off-by: Andrew Cooper <andrew.cooper3@citrix.com>
"""

#: The seed review: the first long commit-message line with the hygiene finding under it,
#: naming the other three (one remark for one kind of finding), then the gdt-sim and
#: perf-compare paragraphs (the questions addressed to Juergen, who measured), then the
#: signature.
SEED_REVIEW_BODY = """\
On Thu, 04 Jul 2019 18:57:32 +0100, Andrew Cooper wrote:
> write_full_gdt_ptes() has a latent bug.  Using virt_to_mfn() and iterating
> with (mfn + i) is wrong, because of PDX compression.  The context switch path

line 2 of the commit message is 77 columns long; wrap the text within 75
columns (the same goes for lines 17, 20 and 22)

I ran the change through a model of Xen's GDT handling across context
switches (scenarios T1-T23, base against patched, every invariant
checked after each switch and at each NMI injection point). It is
behaviour-preserving in every modelled scenario except the transient
default GDT of T5: switching from a 64-bit to a 32-bit PV vCPU, base
loaded the compat GDT frame as the default GDT and patched loads the
regular one; an NMI taken before the full GDT is loaded passes I4 either
way, and the end states are identical. Only in a configuration Xen does
not have (T17: NR_RESERVED_GDT_PAGES = 2) does patched differ, mapping
just the first reserved page; with one reserved page that cannot matter.

The "mfn + i" bug the commit message describes cannot occur with Xen's
allocator: a CPU's GDT pages come from one naturally aligned allocation,
which PDX compression never splits because its hole starts above
MAX_ORDER. The model shows it only with fault injection (T18: the PDX
guard off, base maps frames [0, 1, 2, 3] where the GDT really is at [0,
1, 4, 5]), and with a realistic PDX layout (T19) base and patched write
the same PTE.

The modelled saving explains under 5% of the reported 14%. The patch
saves 13.1 cycles (4.4 ns at 3 GHz) per switch into a PV vCPU. Against
the 76.1 CPU·s the host saved (9.51 s on 8 pCPUs), that is 0.0022 CPU·s
(0.0028%) at the rate of the modelled workload, and even at 10^6
switches/s on every pCPU only 2.3 CPU·s (3.1%). The speed-up must come
from elsewhere (code layout, alignment, caches) or from run-to-run
noise. Juergen, could you say what else differed between the two builds?

Juergen Gross's table (means of 5 runs) shows elapsed 66.51 → 57.00 s
(-9.51 s, -14.3%), user 232.93 → 225.47 s (-7.46 s, -3.2%) and system
109.21 → 105.47 s (-3.74 s, -3.4%). Without the spread of each figure it
is not possible to tell whether these differences are real or run-to-run
noise. Juergen, could you post the raw timings of every run (or at least
their standard deviations), and the machine and configuration they were
measured on?

Elapsed improves by 14.3% while CPU time (user+system) improves by only
3.3% (on average 5.14 → 5.81 CPUs busy), so about the same work was done
in less time. That points at waiting or parallelism rather than cheaper
code: was the machine otherwise idle, and how much do the runs vary?

Rita
"""

#: The vpci series: v1 (15 Jul), v2 with its cover letter (19 Jul), v2.1 of patch 2 (22 Jul).
VPCI_V1_COVER = "20190715102537.32081-1-roger.pau@citrix.com"
VPCI_COVER = "20190719144812.4455-1-roger.pau@citrix.com"
VPCI_V2_PATCH2 = "20190719144812.4455-3-roger.pau@citrix.com"
VPCI_V21_PATCH2 = "20190722090530.11893-1-roger.pau@citrix.com"
VPCI_COVER_SUBJECT = "Re: [PATCH v2 0/3] x86/vpci: MSI-X fixes"
#: The list, then everyone who wrote (oldest first post first), then those only addressed.
VPCI_CC = [LIST, PAUL, WEI, MAREK, SANDER, JAN, ANDREW]
VPCI_ATTRIBUTION = "On Fri, 19 Jul 2019 16:48:09 +0200, Roger Pau Monné wrote:"
#: The cover letter without its greeting, sign-off, shortlog and diffstat.
VPCI_COVER_QUOTED = """\
> Second version of the vPCI MSI-X fixes. Patch 3 no longer moves the PBA
> handling ahead of the access size check, which caused the crash reported
> by Sander. Patches 1 and 2 only gained the tags given on v1.
"""
VPCI_TITLES = [
    "vpci/msix: fix off-by-one in the MSI-X table boundary check",
    "x86/vpci: don't unmask MSI-X entries with memory decoding disabled",
    "vpci/msix: use the access size when reading the PBA",
]

HEADER_NAMES = [
    "From",
    "To",
    "Cc",
    "Subject",
    "Date",
    "Message-ID",
    "In-Reply-To",
    "References",
    "User-Agent",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
]


@pytest.fixture(autouse=True)
def git_identity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """git sees only the test's global config (Rita Reviewer); no reviewbot identity or reply
    setting comes from the environment."""
    for name in list(os.environ):
        if name.startswith(("REVIEWBOT_USER_", "REVIEWBOT_REPLY_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    return use_git_identity(tmp_path / "gitconfig", monkeypatch)


@pytest.fixture(scope="module")
def shared_xen(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sample tree for the tests that only read it (a review applies in a scratch worktree)."""
    return create_sample_tree(tmp_path_factory.mktemp("shared") / "xen")


@pytest.fixture
def xen(tmp_path: Path) -> Path:
    """A sample tree of the test's own, for tests that make branches."""
    return create_sample_tree(tmp_path / "xen")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def read_mail(path: Path) -> EmailMessage:
    """A written draft parsed back with the email package."""
    return parse(path.read_bytes())


def parse(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def people(message: EmailMessage, header: str) -> list[tuple[str, str]]:
    """(display name, address) of every address in `header`."""
    return [(a.display_name, a.addr_spec) for a in message[header].addresses]


def assert_mail(
    message: EmailMessage,
    *,
    sender: tuple[str, str] = ("Rita Reviewer", "rita@example.org"),
    to: list[tuple[str, str]],
    cc: list[tuple[str, str]],
    subject: str,
    references: list[str],
    body: str,
) -> None:
    """Every header and the text exactly; Date and Message-ID by their form."""
    assert message.keys() == HEADER_NAMES
    assert people(message, "From") == [sender]
    assert people(message, "To") == to
    assert people(message, "Cc") == cc
    assert str(message["Subject"]) == subject
    assert str(message["In-Reply-To"]) == f"<{references[-1]}>"
    assert str(message["References"]) == " ".join(f"<{ref}>" for ref in references)
    assert str(message["User-Agent"]) == f"reviewbot/{__version__}"
    assert str(message["MIME-Version"]) == "1.0"
    assert str(message["Content-Type"]) == 'text/plain; charset="utf-8"'
    assert str(message["Content-Transfer-Encoding"]) == "8bit"
    sent = parsedate_to_datetime(str(message["Date"]))
    assert sent.tzinfo is not None
    assert abs((datetime.now().astimezone() - sent).total_seconds()) < 300
    domain = re.escape(sender[1].rpartition("@")[2])
    assert re.fullmatch(rf"<[^<>@\s]+@{domain}>", str(message["Message-ID"]))
    assert message.get_content() == body


def assert_error(
    err: str, out: str, expected: str, directory: Path, before: list[str] | None = None
) -> None:
    """One line on stderr, nothing on stdout, no traceback, and no draft in `directory`."""
    assert err == f"reviewbot: error: {expected}\n"
    assert "Traceback" not in err
    assert out == ""
    assert sorted(p.name for p in directory.iterdir()) == (before or [])


def seed_ack_body(tag: str) -> str:
    return f"{SEED_ATTRIBUTION}\n{SEED_MESSAGE_QUOTED}\n{tag}\n\nRita\n"


# -- the seed thread ---------------------------------------------------------------------------


def test_seed_review_quotes_each_long_line_with_its_finding_and_ends_with_the_paragraphs(
    shared_xen: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(shared_xen)
    draft = tmp_path / "review.eml"
    code, out, err = run(
        capsys, "reply", SEED, "--kind", "review", "--tree", str(shared_xen), *ME, "-o", str(draft)
    )
    assert code == 0, err
    assert err == ""
    assert_mail(
        read_mail(draft),
        to=[ANDREW],
        cc=SEED_CC,
        subject=SEED_SUBJECT,
        references=[SEED_ID],
        body=SEED_REVIEW_BODY,
    )
    assert out.splitlines()[-2:] == [
        f"wrote the review reply to {draft} (template: built-in)",
        f"edit it, then send it: git send-email --suppress-cc=self {draft}   "
        f"(or: neomutt -H {draft})",
    ]
    assert snapshot(shared_xen) == before  # reviewed in a scratch worktree; no branch left


def test_seed_from_the_masked_archive_comes_out_unmasked_with_the_tree(
    shared_xen: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = page_of(ARCHIVE, SEED_MESSAGE_ID)  # Juergen's reply: the thread is found from it
    assert page is not None
    draft = tmp_path / "review.eml"
    with serve_archive(ARCHIVE) as base_url:
        code, _, err = run(
            capsys, "reply", base_url + page, "--tree", str(shared_xen), *ME, "-o", str(draft)
        )
    assert code == 0, err
    assert err == ""
    message = read_mail(draft)
    # the archive wrote wl@xxxxxxx and roger.pau@xxxxxxxxxx; the tree's MAINTAINERS says who
    assert_mail(
        message,
        to=[ANDREW],
        cc=SEED_CC,
        subject=SEED_SUBJECT,
        references=[SEED_ID],
        body=SEED_REVIEW_BODY,
    )
    assert "xxx" not in draft.read_text(encoding="utf-8")


def test_seed_from_the_archive_without_a_tree_leaves_out_whom_nothing_unmasks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = page_of(ARCHIVE, SEED_ID)
    assert page is not None
    draft = tmp_path / "review.eml"
    with serve_archive(ARCHIVE) as base_url:
        code, _, err = run(capsys, "reply", base_url + page, *ME, "-o", str(draft))
    assert code == 0, err
    hint = (
        "out of Cc: the archive masked the address and nothing recovers it; give --tree with "
        "a Xen tree (MAINTAINERS, .mailmap) or add it by hand"
    )
    assert err.splitlines() == [
        f"reviewbot: warning: left Wei Liu <wl@xxxxxxx> {hint}",
        f"reviewbot: warning: left Roger Pau Monné <roger.pau@xxxxxxxxxx> {hint}",
    ]
    assert_mail(
        read_mail(draft),
        to=[ANDREW],
        cc=[LIST, JUERGEN, JAN],
        subject=SEED_SUBJECT,
        references=[SEED_ID],
        body=SEED_REVIEW_BODY,
    )
    assert "xxx" not in draft.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("options", "tag"),
    [
        ([], f"Reviewed-by: {RITA}"),
        (["--tag", "acked-by", "--scope", "x86"], f"Acked-by: {RITA} # x86"),
        (["--tag", "Tested-by"], f"Tested-by: {RITA}"),
    ],
)
def test_seed_ack_quotes_the_whole_commit_message_and_gives_the_trailer(
    options: list[str], tag: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = tmp_path / "ack.eml"
    code, _, err = run(capsys, "reply", SEED, "--kind", "ack", *options, *ME, "-o", str(draft))
    assert code == 0, err
    assert err == ""
    assert_mail(
        read_mail(draft),
        to=[ANDREW],
        cc=SEED_CC,
        subject=SEED_SUBJECT,
        references=[SEED_ID],
        body=seed_ack_body(tag),
    )


def test_seed_ack_by_someone_in_the_thread_leaves_them_out_and_notes_their_old_trailer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = tmp_path / "ack.eml"
    code, _, err = run(
        capsys,
        "reply",
        SEED,
        "--kind",
        "ack",
        "-c",
        "user.name=Jan Beulich",
        "-c",
        "user.email=jbeulich@suse.com",
        "-o",
        str(draft),
    )
    assert code == 0, err
    assert err == ("reviewbot: warning: the thread already has your Reviewed-by for patch 1\n")
    assert_mail(
        read_mail(draft),
        sender=("Jan Beulich", "jbeulich@suse.com"),
        to=[ANDREW],
        cc=[LIST, JUERGEN, WEI, ROGER],
        subject=SEED_SUBJECT,
        references=[SEED_ID],
        body=f"{SEED_ATTRIBUTION}\n{SEED_MESSAGE_QUOTED}\n"
        "Reviewed-by: Jan Beulich <jbeulich@suse.com>\n\nJan\n",
    )


@pytest.mark.parametrize(
    ("name", "address"),
    [("Andrew Cooper", "Andrew.Cooper3@citrix.com"), ("Andrew", "andrew.cooper3@citrix.com")],
)
def test_the_author_answering_his_own_patch_writes_to_the_list(
    name: str, address: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = tmp_path / "ack.eml"
    code, _, err = run(
        capsys,
        "reply",
        SEED,
        "--kind",
        "ack",
        "-c",
        f"user.name={name}",
        "-c",
        f"user.email={address}",
        "-o",
        str(draft),
    )
    assert code == 0, err
    assert err == ""
    assert_mail(
        read_mail(draft),
        sender=(name, address),
        to=[LIST],
        cc=[JUERGEN, JAN, WEI, ROGER],
        subject=SEED_SUBJECT,
        references=[SEED_ID],
        body=seed_ack_body(f"Reviewed-by: {name} <{address}>").replace("\nRita\n", "\nAndrew\n"),
    )


def test_seed_thanks_names_the_branch_and_commit_apply_made(
    xen: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "apply", SEED, "--tree", str(xen), "--json")
    assert code == 0, err
    applied = json.loads(out)
    assert applied["branch"] == SEED_BRANCH
    head = git(xen, "rev-parse", SEED_BRANCH).strip()
    assert applied["head"] == head
    draft = tmp_path / "thanks.eml"
    code, _, err = run(
        capsys, "reply", SEED, "--kind", "thanks", "--tree", str(xen), *ME, "-o", str(draft)
    )
    assert code == 0, err
    assert err == ""
    assert_mail(
        read_mail(draft),
        to=[ANDREW],
        cc=SEED_CC,
        subject=SEED_SUBJECT,
        references=[SEED_ID],
        body=f"""\
{SEED_ATTRIBUTION}
> write_full_gdt_ptes() has a latent bug.  Using virt_to_mfn() and iterating
> with (mfn + i) is wrong, because of PDX compression.  The context switch path
> only functions correctly because NR_RESERVED_GDT_PAGES is 1.

Thanks, applied to my local review branch {SEED_BRANCH}:

  {head[:12]} x86/ctxt-switch: Document and improve GDT handling

Rita
""",
    )


def test_thanks_needs_a_tree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "reply", SEED, "--kind", "thanks", *ME, "-o", str(tmp_path / "thanks.eml")
    )
    assert code == 2
    assert_error(
        err,
        out,
        "a thank-you names the applied commits, so it needs the tree they are in; give --tree "
        "DIR (and --branch NAME when the series is not on apply's branch)",
        tmp_path,
        ["gitconfig", "reviewbot-home"],
    )


def test_thanks_before_apply_says_to_apply_first(
    shared_xen: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys,
        "reply",
        SEED,
        "--kind",
        "thanks",
        "--tree",
        str(shared_xen),
        *ME,
        "-o",
        str(tmp_path / "thanks.eml"),
    )
    assert code == 2
    assert_error(
        err,
        out,
        f"{shared_xen} has no branch {SEED_BRANCH}; apply the series first (reviewbot apply "
        f"SPEC --tree {shared_xen}) or name the branch it is on with --branch",
        tmp_path,
        ["gitconfig", "reviewbot-home"],
    )


def test_thanks_on_a_named_branch_lists_what_landed_and_what_did_not(
    xen: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roger = "Roger Pau Monné <roger.pau@citrix.com>"
    git(xen, "branch", "staging", "master")
    git(xen, "checkout", "-q", "staging")
    git(xen, "commit", "-q", "--allow-empty", f"--author={roger}", "-m", VPCI_TITLES[0])
    first = git(xen, "rev-parse", "HEAD").strip()
    git(xen, "commit", "-q", "--allow-empty", "-m", "xen: an unrelated change")
    git(xen, "commit", "-q", "--allow-empty", f"--author={roger}", "-m", VPCI_TITLES[2])
    third = git(xen, "rev-parse", "HEAD").strip()
    git(xen, "checkout", "-q", "master")
    draft = tmp_path / "thanks.eml"
    code, _, err = run(
        capsys,
        "reply",
        VPCI,
        "--kind",
        "thanks",
        "--tree",
        str(xen),
        "--branch",
        "staging",
        *ME,
        "-o",
        str(draft),
    )
    assert code == 0, err
    assert err == ""
    assert_mail(
        read_mail(draft),
        to=[ROGER],
        cc=VPCI_CC,
        subject=VPCI_COVER_SUBJECT,
        references=[VPCI_V1_COVER, VPCI_COVER],
        body=f"""\
{VPCI_ATTRIBUTION}
> Second version of the vPCI MSI-X fixes. Patch 3 no longer moves the PBA
> handling ahead of the access size check, which caused the crash reported
> by Sander. Patches 1 and 2 only gained the tags given on v1.

Thanks, applied to staging:

  {first[:12]} {VPCI_TITLES[0]}
  {third[:12]} {VPCI_TITLES[2]}

Not on staging:
  2/3 {VPCI_TITLES[1]}

Rita
""",
    )


# -- a series with a cover letter ----------------------------------------------------------------


def test_series_ack_goes_to_the_cover_letter_and_everyone_in_the_thread(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = tmp_path / "ack.eml"
    code, _, err = run(capsys, "reply", VPCI, "--kind", "ack", *ME, "-o", str(draft))
    assert code == 0, err
    assert err == ""
    assert_mail(
        read_mail(draft),
        to=[ROGER],
        cc=VPCI_CC,
        subject=VPCI_COVER_SUBJECT,
        references=[VPCI_V1_COVER, VPCI_COVER],
        body=f"{VPCI_ATTRIBUTION}\n{VPCI_COVER_QUOTED}\nReviewed-by: {RITA}\n\nRita\n",
    )


def test_series_ack_by_a_participant_leaves_them_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = tmp_path / "ack.eml"
    code, _, err = run(
        capsys,
        "reply",
        VPCI,
        "--kind",
        "ack",
        "-c",
        "user.name=Jan Beulich",
        "-c",
        "user.email=jbeulich@suse.com",
        "-o",
        str(draft),
    )
    assert code == 0, err
    assert err == "reviewbot: warning: the thread already has your Reviewed-by for patch 2\n"
    message = read_mail(draft)
    assert_mail(
        message,
        sender=("Jan Beulich", "jbeulich@suse.com"),
        to=[ROGER],
        cc=[LIST, PAUL, WEI, MAREK, SANDER, ANDREW],
        subject=VPCI_COVER_SUBJECT,
        references=[VPCI_V1_COVER, VPCI_COVER],
        body=f"{VPCI_ATTRIBUTION}\n{VPCI_COVER_QUOTED}\n"
        "Reviewed-by: Jan Beulich <jbeulich@suse.com>\n\nJan\n",
    )


def test_series_review_of_one_patch_threads_under_its_newest_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = tmp_path / "review.eml"
    code, _, err = run(capsys, "reply", VPCI, "--patch", "2", *ME, "-o", str(draft))
    assert code == 0, err
    assert err == (
        "reviewbot: warning: the checks found nothing to say about patch 2: the draft quotes "
        "its first paragraph for your own words\n"
    )
    assert_mail(
        read_mail(draft),
        to=[ROGER],
        cc=VPCI_CC,
        subject=f"Re: [PATCH v2.1 2/3] {VPCI_TITLES[1]}",
        references=[VPCI_V1_COVER, VPCI_COVER, VPCI_V2_PATCH2, VPCI_V21_PATCH2],
        body="""\
On Mon, 22 Jul 2019 11:05:30 +0200, Roger Pau Monné wrote:
> Binding an MSI-X entry requires the MSI-X table to be accessible, which
> is not the case while the memory decoding bit in the command register
> is clear. Return -EBUSY from vpci_msix_arch_enable_entry() in that
> case, and don't print a warning for it in update_entry(): the guest
> will unmask the entry again after enabling memory decoding.

Rita
""",
    )


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            [],
            "'x86/vpci: MSI-X fixes' v2.1 has 3 patches: which one do you want to review?; "
            "give --patch N (0 for the cover letter)",
        ),
        (
            ["--patch", "9"],
            "'x86/vpci: MSI-X fixes' v2.1 has no patch 9 (present: 1, 2, 3); give --patch one "
            "of those, or 0 for the cover letter",
        ),
    ],
)
def test_series_review_needs_a_patch_that_exists(
    options: list[str],
    expected: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    code, out, err = run(capsys, "reply", VPCI, "--kind", "review", *options, *ME)
    assert code == 2
    assert_error(err, out, expected, work)


def test_seed_has_no_cover_letter_to_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    code, out, err = run(capsys, "reply", SEED, "--kind", "ack", "--patch", "0", *ME)
    assert code == 2
    assert_error(
        err,
        out,
        "'x86/ctxt-switch: Document and improve GDT handling' v1 has no cover letter; reply "
        "to a patch with --patch 1..1",
        work,
    )


# -- git send-email ------------------------------------------------------------------------------


def require_git_send_email() -> Path:
    """git's send-email command; skip without it, fail instead with REVIEWBOT_REQUIRE_TOOLS=1."""
    exec_path = subprocess.run(
        ["git", "--exec-path"], capture_output=True, text=True, check=True
    ).stdout.strip()
    command = Path(exec_path) / "git-send-email"
    if command.is_file():
        return command
    reason = f"{command} not installed (Debian package git-email)"
    if os.environ.get("REVIEWBOT_REQUIRE_TOOLS") == "1":
        pytest.fail(reason + "; CI must install it", pytrace=False)
    pytest.skip(reason)


def send_email_dry_run(draft: Path, repo: Path) -> tuple[list[str], EmailMessage]:
    """`git send-email --dry-run` on the draft: the addresses it would send to, and the
    headers it echoes. Only the sender's own address is suppressed (the draft's From)."""
    done = subprocess.run(
        [
            "git",
            "send-email",
            "--dry-run",
            "--confirm=never",
            "--suppress-cc=self",
            "--smtp-server=/bin/true",
            "--from",
            RITA,
            str(draft),
        ],
        cwd=repo,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1] == "Result: OK"
    assert "Dry-OK. Log says:" in lines
    [sendmail] = [i for i, line in enumerate(lines) if line.startswith("Sendmail: ")]
    assert lines[sendmail].startswith("Sendmail: /bin/true -i ")
    echoed = "\n".join(lines[sendmail + 1 : -1]) + "\n"
    message = email.message_from_string(echoed, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return lines[sendmail].split()[3:], message


def test_git_send_email_accepts_the_seed_review_and_the_series_ack(
    shared_xen: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    require_git_send_email()
    repo = tmp_path / "throwaway"
    repo.mkdir()
    git(repo, "init", "-q")
    review = tmp_path / "review.eml"
    code, _, err = run(capsys, "reply", SEED, "--tree", str(shared_xen), *ME, "-o", str(review))
    assert code == 0, err
    ack = tmp_path / "ack.eml"
    code, _, err = run(capsys, "reply", VPCI, "--kind", "ack", *ME, "-o", str(ack))
    assert code == 0, err

    recipients, echoed = send_email_dry_run(review, repo)
    assert recipients == [
        "andrew.cooper3@citrix.com",
        "xen-devel@lists.xenproject.org",
        "jgross@suse.com",
        "JBeulich@suse.com",
        "wl@xen.org",
        "roger.pau@citrix.com",
    ]
    draft = read_mail(review)
    assert people(echoed, "From") == [("Rita Reviewer", "rita@example.org")]
    assert people(echoed, "To") == [ANDREW]
    assert people(echoed, "Cc") == SEED_CC
    for name in ("Subject", "Message-ID", "In-Reply-To", "References"):
        assert str(echoed[name]) == str(draft[name]), name
    assert str(echoed["Subject"]) == SEED_SUBJECT

    recipients, echoed = send_email_dry_run(ack, repo)
    assert recipients == [
        "roger.pau@citrix.com",
        "xen-devel@lists.xenproject.org",
        "Paul.Durrant@citrix.com",
        "wl@xen.org",
        "marmarek@invisiblethingslab.com",
        "linux@eikelenboom.it",
        "JBeulich@suse.com",
        "andrew.cooper3@citrix.com",
    ]
    draft = read_mail(ack)
    assert people(echoed, "To") == [ROGER]
    assert people(echoed, "Cc") == VPCI_CC
    for name in ("Subject", "Message-ID", "In-Reply-To", "References"):
        assert str(echoed[name]) == str(draft[name]), name
    assert str(echoed["References"]) == f"<{VPCI_V1_COVER}> <{VPCI_COVER}>"


# -- where the draft goes ------------------------------------------------------------------------


def test_dash_o_dash_prints_the_mail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    monkeypatch.chdir(tmp_path)
    code = main(["reply", SEED, "--kind", "ack", *ME, "-o", "-"])
    out, err = capsysbinary.readouterr()
    assert code == 0, err
    assert err == b""
    assert out.startswith(b"From: Rita Reviewer <rita@example.org>\nTo: ")
    assert_mail(
        parse(out),
        to=[ANDREW],
        cc=SEED_CC,
        subject=SEED_SUBJECT,
        references=[SEED_ID],
        body=seed_ack_body(f"Reviewed-by: {RITA}"),
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gitconfig", "reviewbot-home"]


def test_mbox_appends_one_message_per_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    box = tmp_path / "drafts.mbox"
    code, out, err = run(capsys, "reply", SEED, "--kind", "ack", *ME, "--mbox", str(box))
    assert code == 0, err
    assert out.splitlines()[-2:] == [
        f"appended the ack reply to the mbox {box}",
        f"send it from your mailer: mutt -f {box}",
    ]
    code, _, err = run(capsys, "reply", VPCI, "--kind", "ack", *ME, "--mbox", str(box))
    assert code == 0, err
    assert box.read_bytes().startswith(b"From ")
    folder = mailbox.mbox(box)
    try:
        messages = [parse(m.as_bytes()) for m in folder]
    finally:
        folder.close()
    assert [str(m["Subject"]) for m in messages] == [SEED_SUBJECT, VPCI_COVER_SUBJECT]
    assert_mail(
        messages[0],
        to=[ANDREW],
        cc=SEED_CC,
        subject=SEED_SUBJECT,
        references=[SEED_ID],
        body=seed_ack_body(f"Reviewed-by: {RITA}"),
    )
    assert_mail(
        messages[1],
        to=[ROGER],
        cc=VPCI_CC,
        subject=VPCI_COVER_SUBJECT,
        references=[VPCI_V1_COVER, VPCI_COVER],
        body=f"{VPCI_ATTRIBUTION}\n{VPCI_COVER_QUOTED}\nReviewed-by: {RITA}\n\nRita\n",
    )


def test_mbox_refuses_a_file_that_is_not_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"my notes\nFrom here on\n")
    code, out, err = run(capsys, "reply", SEED, "--kind", "ack", *ME, "--mbox", str(notes))
    assert code == 2
    assert_error(
        err,
        out,
        f"{notes} is not an mbox (it does not start with a From line); give --mbox an mbox "
        "file, or -o FILE for an .eml",
        tmp_path,
        ["gitconfig", "notes.txt", "reviewbot-home"],
    )
    assert notes.read_bytes() == b"my notes\nFrom here on\n"


def test_dash_o_never_replaces_a_file_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = tmp_path / "reply.eml"
    draft.write_bytes(b"an earlier draft\n")
    code, out, err = run(capsys, "reply", SEED, "--kind", "ack", *ME, "-o", str(draft))
    assert code == 2
    assert_error(
        err,
        out,
        f"{draft} already exists; choose another -o, or give --force to replace it",
        tmp_path,
        ["gitconfig", "reply.eml", "reviewbot-home"],
    )
    assert draft.read_bytes() == b"an earlier draft\n"
    code, _, err = run(capsys, "reply", SEED, "--kind", "ack", *ME, "-o", str(draft), "--force")
    assert code == 0, err
    assert read_mail(draft).get_content() == seed_ack_body(f"Reviewed-by: {RITA}")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "gitconfig",
        "reply.eml",
        "reviewbot-home",
    ]


def test_default_name_in_the_current_directory_never_overwrites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    code, out, err = run(capsys, "reply", SEED, *ME)
    assert code == 0, err
    assert out.splitlines()[-2] == (
        "wrote the review reply to re-ctxt-switch-gdt-v1-p1-review.eml (template: built-in)"
    )
    code, out, err = run(capsys, "reply", SEED, *ME)
    assert code == 0, err
    assert out.splitlines()[-2] == (
        "wrote the review reply to re-ctxt-switch-gdt-v1-p1-review-2.eml (template: built-in)"
    )
    assert sorted(p.name for p in work.iterdir()) == [
        "re-ctxt-switch-gdt-v1-p1-review-2.eml",
        "re-ctxt-switch-gdt-v1-p1-review.eml",
    ]
    first = read_mail(work / "re-ctxt-switch-gdt-v1-p1-review.eml")
    second = read_mail(work / "re-ctxt-switch-gdt-v1-p1-review-2.eml")
    for message in (first, second):
        assert_mail(
            message,
            to=[ANDREW],
            cc=SEED_CC,
            subject=SEED_SUBJECT,
            references=[SEED_ID],
            body=SEED_REVIEW_BODY,
        )
    assert str(first["Message-ID"]) != str(second["Message-ID"])


def test_default_name_of_a_cover_letter_reply_comes_from_the_series_title(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    code, out, err = run(capsys, "reply", VPCI, "--kind", "ack", *ME)
    assert code == 0, err
    assert sorted(p.name for p in work.iterdir()) == ["re-vpci-msi-x-v2-cover-ack.eml"]
    assert out.splitlines()[-2] == (
        "wrote the ack reply to re-vpci-msi-x-v2-cover-ack.eml (template: built-in)"
    )


def test_json_gives_headers_text_and_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = tmp_path / "ack.eml"
    code, out, err = run(
        capsys,
        "reply",
        VPCI,
        "--kind",
        "ack",
        "--tag",
        "acked",
        "--scope",
        "# vpci",
        *ME,
        "-o",
        str(draft),
        "--json",
    )
    assert code == 0, err
    document = json.loads(out)
    message = read_mail(draft)
    body = f"{VPCI_ATTRIBUTION}\n{VPCI_COVER_QUOTED}\nAcked-by: {RITA} # vpci\n\nRita\n"
    assert document == {
        "kind": "ack",
        "path": str(draft),
        "headers": {
            "From": RITA,
            "To": ["Roger Pau Monné <roger.pau@citrix.com>"],
            "Cc": [
                "Xen-devel <xen-devel@lists.xenproject.org>",
                "Paul Durrant <Paul.Durrant@citrix.com>",
                "Wei Liu <wl@xen.org>",
                "Marek Marczykowski-Górecki <marmarek@invisiblethingslab.com>",
                "Sander Eikelenboom <linux@eikelenboom.it>",
                "Jan Beulich <JBeulich@suse.com>",
                "Andrew Cooper <andrew.cooper3@citrix.com>",
            ],
            "Subject": VPCI_COVER_SUBJECT,
            "Date": str(message["Date"]),
            "Message-ID": str(message["Message-ID"]),
            "In-Reply-To": f"<{VPCI_COVER}>",
            "References": [f"<{VPCI_V1_COVER}>", f"<{VPCI_COVER}>"],
        },
        "body": body,
        "template": "built-in",
        "left_out": [],
        "warnings": [],
    }
    assert_mail(
        message,
        to=[ROGER],
        cc=VPCI_CC,
        subject=VPCI_COVER_SUBJECT,
        references=[VPCI_V1_COVER, VPCI_COVER],
        body=body,
    )


def test_json_with_the_mail_on_stdout_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "reply", SEED, "--kind", "ack", *ME, "-o", "-", "--json")
    assert code == 2
    assert out == ""
    assert err == (
        "reviewbot: error: --json and -o - would both print on stdout; write the mail to a "
        "file with -o FILE, or drop --json\n"
    )


# -- who replies ---------------------------------------------------------------------------------


def test_identity_from_git_when_reviewbot_names_nobody(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    draft = tmp_path / "ack.eml"
    code, _, err = run(capsys, "reply", SEED, "--kind", "ack", "-o", str(draft))
    assert code == 0, err
    assert_mail(
        read_mail(draft),
        to=[ANDREW],
        cc=SEED_CC,
        subject=SEED_SUBJECT,
        references=[SEED_ID],
        body=seed_ack_body(f"Reviewed-by: {RITA}"),
    )


@pytest.mark.parametrize(
    ("options", "missing"),
    [([], "a name and an address"), (["-c", "user.name=Rita Reviewer"], "an address")],
)
def test_no_identity_is_one_line_and_no_draft(
    options: list[str],
    missing: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    empty = tmp_path / "empty-gitconfig"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    code, out, err = run(capsys, "reply", SEED, "--kind", "ack", *options)
    assert code == 2
    assert_error(
        err,
        out,
        f"no identity to reply as: neither reviewbot nor git gives {missing}; set user.name "
        "and user.email in reviewbot's config.toml, or git config --global "
        "user.name/user.email, or pass -c user.name='Your Name' -c user.email=you@example.org",
        work,
    )


# -- templates -----------------------------------------------------------------------------------


def test_template_file_and_setting_and_which_wins(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = tmp_path / "mine.txt"
    mine.write_text("$attribution\n$quoted\n\n$tag -- $my_first_name\n")
    configured = tmp_path / "configured.txt"
    configured.write_text("Hi $author_first_name,\n\n$tag\n\n$signature\n")
    expected_mine = f"{SEED_ATTRIBUTION}\n{SEED_MESSAGE_QUOTED}\nReviewed-by: {RITA} -- Rita\n"

    for options in (["--template", str(mine)], ["-c", f"reply.template_ack={mine}"]):
        draft = tmp_path / "by-file.eml"
        code, out, err = run(
            capsys, "reply", SEED, "--kind", "ack", *ME, *options, "-o", str(draft), "--force"
        )
        assert code == 0, err
        assert read_mail(draft).get_content() == expected_mine
        assert out.splitlines()[-2] == f"wrote the ack reply to {draft} (template: {mine})"

    draft = tmp_path / "setting.eml"
    code, _, err = run(
        capsys,
        "reply",
        SEED,
        "--kind",
        "ack",
        *ME,
        "-c",
        f"reply.template_ack={configured}",
        "-o",
        str(draft),
    )
    assert code == 0, err
    assert read_mail(draft).get_content() == f"Hi Andrew,\n\nReviewed-by: {RITA}\n\nRita\n"

    draft = tmp_path / "both.eml"
    code, _, err = run(
        capsys,
        "reply",
        SEED,
        "--kind",
        "ack",
        *ME,
        "-c",
        f"reply.template_ack={configured}",
        "--template",
        str(mine),
        "-o",
        str(draft),
    )
    assert code == 0, err
    assert read_mail(draft).get_content() == expected_mine


def test_template_with_an_unknown_placeholder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    template = tmp_path / "bad.txt"
    template.write_text("$attribution\n$quoted\n\n$tag $nosuch\n")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    code, out, err = run(capsys, "reply", SEED, "--kind", "ack", *ME, "--template", str(template))
    assert code == 2
    head = f"reviewbot: error: the reply template from {template} uses unknown placeholder "
    assert err.startswith(f"{head}$nosuch; use one of $attribution, $quoted, ")
    assert err.count("\n") == 1 and err.endswith("\n")
    offered = err.partition("; use one of ")[2].rstrip("\n").split(", ")
    assert set(offered) >= {f"${name}" for name in PLACEHOLDERS}
    assert "$nosuch" not in offered
    assert out == ""
    assert list(work.iterdir()) == []


def test_template_with_a_stray_dollar_names_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    template = tmp_path / "bad.txt"
    template.write_text("$attribution\n$quoted\n\nThat costs $ 5.\n$tag\n")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    code, out, err = run(
        capsys, "reply", SEED, "--kind", "ack", *ME, "-c", f"reply.template_ack={template}"
    )
    assert code == 2
    assert_error(
        err,
        out,
        f"the reply template from {template} has a `$` that starts no placeholder (line 4); "
        "write $$ for a dollar sign, $name or ${name} for a placeholder",
        work,
    )


def test_signature_setting_with_placeholders_and_new_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = tmp_path / "ack.eml"
    code, _, err = run(
        capsys,
        "reply",
        SEED,
        "--kind",
        "ack",
        *ME,
        "-c",
        "reply.signature=Cheers,\\n$my_first_name",
        "-o",
        str(draft),
    )
    assert code == 0, err
    assert read_mail(draft).get_content() == (
        f"{SEED_ATTRIBUTION}\n{SEED_MESSAGE_QUOTED}\nReviewed-by: {RITA}\n\nCheers,\nRita\n"
    )


# -- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            ["--kind", "review", "--tag", "acked-by"],
            "--tag and --scope belong to --kind ack; drop them or use --kind ack",
        ),
        (
            ["--kind", "thanks", "--scope", "x86"],
            "--tag and --scope belong to --kind ack; drop them or use --kind ack",
        ),
        (
            ["--kind", "ack", "--tag", "nonsense"],
            "--tag 'nonsense' is not a trailer an ack gives; use Reviewed-by, Acked-by or "
            "Tested-by",
        ),
        (
            ["--kind", "ack", "--tag", "Signed-off-by"],
            "--tag 'Signed-off-by' is not a trailer an ack gives; use Reviewed-by, Acked-by or "
            "Tested-by",
        ),
        (
            ["--kind", "review", "--branch", "staging"],
            "--branch belongs to --kind thanks; drop it or use --kind thanks",
        ),
        (
            ["--kind", "review", "--base", "HEAD"],
            "--base needs --kind review and --tree; give the tree to apply to",
        ),
        (
            ["--kind", "ack", "--template", "no-such-template.txt"],
            "--template no-such-template.txt is not a file; give a template file",
        ),
    ],
)
def test_bad_options_are_one_line_errors_and_write_nothing(
    options: list[str],
    expected: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    code, out, err = run(capsys, "reply", SEED, *options, *ME)
    assert code == 2
    assert_error(err, out, expected, work)
