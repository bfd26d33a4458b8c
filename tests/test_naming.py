"""Names derived from a series: the review branch and the am mbox."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reviewbot.naming import branch_name, mbox_name, short_slug
from reviewbot.subject import Version


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("x86/ctxt-switch: Document and improve GDT handling", "ctxt-switch-gdt"),
        ("x86/vpci: MSI-X fixes", "vpci-msi-x"),
        (
            "xen/sched: don't crash credit2 on platforms without CPU topology",
            "sched-dont-crash-credit2",
        ),
        ("libxl: retry the QMP connection while QEMU starts", "libxl-retry-qmp-connection-qemu"),
        ("Fix it", "fix-it"),  # only filler: every word kept
        ("tools/libxl: libxl: add foo", "libxl-foo"),  # an area word is not repeated
    ],
)
def test_short_slug(title: str, slug: str) -> None:
    assert short_slug(title) == slug


def test_branch_and_mbox_names() -> None:
    sent = datetime(2019, 7, 4, 18, 57, 32, tzinfo=UTC)
    title = "x86/ctxt-switch: Document and improve GDT handling"
    assert branch_name(sent, title, Version(1)) == "review/2019-07-04-ctxt-switch-gdt-v1"
    assert branch_name(sent, title, Version(2, 1)) == "review/2019-07-04-ctxt-switch-gdt-v2.1"
    assert mbox_name(sent, title, Version(3)) == (
        "2019-07-04-x86-ctxt-switch-document-and-improve-gdt-handling-v3.mbx"
    )
