"""`reviewbot demo`: the whole job on the bundled example, as a new user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_demo_fetches_the_seed_and_collects_its_trailers(isolated_home: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "reviewbot", "demo", "-q"],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "REVIEWBOT_HOME": str(isolated_home),
            "REVIEWBOT_USER_NAME": "Rita Reviewer",
            "REVIEWBOT_USER_EMAIL": "rita@example.org",
        },
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any(
        line.startswith("P [Xen-devel] [PATCH] x86/ctxt-switch: Document and improve GDT")
        and "[A:0 R:2 T:1]" in line
        for line in lines
    )
    trailers = [line.strip() for line in lines if line.startswith("      ")][:4]
    assert [t.split("  (")[0] for t in trailers] == [
        "Signed-off-by: Andrew Cooper <andrew.cooper3@citrix.com>",
        "+ Tested-by: Juergen Gross <jgross@suse.com>",
        "+ Reviewed-by: Juergen Gross <jgross@suse.com>",
        "+ Reviewed-by: Jan Beulich <jbeulich@suse.com>",
    ]
    assert "unmasked from the sender's From" in trailers[-1]
    assert not (isolated_home / "data").exists()  # the demo keeps its store in a scratch dir
    # then it applies the seed to the bundled sample tree, finding the 2019 base by its blobs
    applied = lines[lines.index(next(x for x in lines if x.startswith("reviewbot apply "))) :]
    assert applied[1].startswith("base: ") and " (blob-match): newest commit before " in applied[1]
    assert applied[2].startswith("  [  ok] 1/1 applied ")
    assert applied[3].startswith("branch: review/2019-07-04-ctxt-switch-gdt-v1 at ")
    log = applied[applied.index(next(x for x in applied if x.startswith("$ git log"))) + 1 :]
    assert log[1] == "Author: Andrew Cooper <andrew.cooper3@citrix.com>"
    assert log[4:8] == [
        "Signed-off-by: Andrew Cooper <andrew.cooper3@citrix.com>",
        "Tested-by: Juergen Gross <jgross@suse.com>",
        "Reviewed-by: Juergen Gross <jgross@suse.com>",
        "Reviewed-by: Jan Beulich <jbeulich@suse.com>",
    ]
    assert " 4 files changed, 50 insertions(+), 18 deletions(-)" in log
    # and finally runs the built-in check plugins over the applied series
    checked = lines[lines.index(next(x for x in lines if x.startswith("reviewbot check "))) :]
    assert checked[1:4] == [
        "x86/ctxt-switch: Document and improve GDT handling (v1, 1 patch)",
        checked[2],
        "checked by: gdt-sim, hygiene, perf-compare, trailers, xen-policy",
    ]
    assert checked[2].startswith("applied on 0086a527fa4d (blob-match), on branch review/")
    assert (
        "    xen-policy: committable: X86 ARCHITECTURE approved by Jan Beulich (Reviewed-by); "
        "reviewed by someone other than the author"
    ) in checked
    summary = next(x for x in checked if x.endswith(" info") and "findings" in x)
    assert summary == "13 findings: 0 errors, 3 warnings, 10 info"
    assert (
        "    perf-compare: Juergen Gross's table gives means of 5 runs without any variance "
        "(elapsed -9.51 s, -14.3%; user -7.46 s, -3.2%; system -3.74 s, -3.4%), so "
        "significance cannot be judged: ask for the raw samples or standard deviations, the "
        "machine and the configuration"
    ) in checked
    # and drafts the review reply, addressed from the archive's masked headers
    said = lines[lines.index(next(x for x in lines if x.startswith("reviewbot reply "))) :]
    assert said[1:8] == [
        "From: Rita Reviewer <rita@example.org>",
        "To: Andrew Cooper <andrew.cooper3@citrix.com>",
        "Cc: Xen-devel <xen-devel@lists.xenproject.org>, Juergen Gross <jgross@suse.com>, "
        "Jan Beulich <JBeulich@suse.com>, Wei Liu <wl@xen.org>, "
        "Roger Pau Monné <roger.pau@citrix.com>",
        "Subject: Re: [PATCH] x86/ctxt-switch: Document and improve GDT handling",
        "In-Reply-To: <20190704175732.5943-1-andrew.cooper3@citrix.com>",
        "References: <20190704175732.5943-1-andrew.cooper3@citrix.com>",
        "",
    ]
    assert said[8:14] == [
        "On Thu, 04 Jul 2019 18:57:32 +0100, Andrew Cooper wrote:",
        "> write_full_gdt_ptes() has a latent bug.  Using virt_to_mfn() and iterating",
        "> with (mfn + i) is wrong, because of PDX compression.  The context switch path",
        "",
        "line 2 of the commit message is 77 columns long; wrap the text within 75",
        "columns (the same goes for lines 17, 20 and 22)",
    ]
    gdt = said.index("I ran the change through a model of Xen's GDT handling across context")
    perf = said.index("Juergen Gross's table (means of 5 runs) shows elapsed 66.51 → 57.00 s")
    assert gdt < perf
    assert "The modelled saving explains under 5% of the reported 14%. The patch" in said
    assert "3.3% (on average 5.14 → 5.81 CPUs busy), so about the same work was done" in said
    assert said[-2:] == [
        "Rita",
        "(a draft only: reviewbot never sends mail; `reviewbot reply SPEC` writes it as .eml)",
    ]
