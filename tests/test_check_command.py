"""`reviewbot check`: grouping, JSON, exit codes, --tree without a branch, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviewbot.cli import main
from reviewbot.sampletree import create_sample_tree
from tests.support.checking import FIXTURES
from tests.support.gitrepo import snapshot

SEED = str(FIXTURES / "mail" / "seed-gdt.mbox")
VPCI = str(FIXTURES / "mail" / "series-vpci.mbox")

RULES = """
from reviewbot.findings import Finding, Severity
from reviewbot.hookspecs import hookimpl


@hookimpl
def check_series(context):
    yield Finding(Severity.INFO, f"{len(context.review.patches)} patches", code="rules/count")


@hookimpl
def check_patch(patch, context):
    level = context.setting("rules.level")
    if level == "none":
        return
    for change in patch.patch.body.files:
        yield Finding(
            Severity(level), f"look at {change.path}", file=change.path, line=1,
            details="first line\\nsecond line", code="rules/look",
        )


@hookimpl
def review_result(context):
    head = context.head
    text = context.file_at(head, "xen/arch/x86/domain.c") if head else None
    return {"head": head, "domain_c_lines": None if text is None else len(text.splitlines())}


@hookimpl
def register_settings(register):
    from reviewbot.extensions import SettingSpec

    register(SettingSpec("rules.level", "warning", "severity of the look finding, or none"))
"""


@pytest.fixture
def rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Only the test's own plugin `rules`, loaded from a plugin directory."""
    directory = tmp_path / "plugins"
    directory.mkdir()
    (directory / "rules.py").write_text(RULES)
    monkeypatch.setenv("REVIEWBOT_LOAD_PLUGINS", "rules")
    monkeypatch.setenv("REVIEWBOT_PLUGINS_DIR", str(directory))
    return directory


def test_findings_are_grouped_by_patch_and_severity(
    rules: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", VPCI, "-q"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "x86/vpci: MSI-X fixes (v2.1, 3 patches)",
        "not applied (no --tree): checked the mail only",
        "checked by: rules",
        "",
        "series",
        "  info",
        "    rules: 3 patches",
        "",
        "[1/3] vpci/msix: fix off-by-one in the MSI-X table boundary check",
        "  warning",
        "    rules: xen/drivers/vpci/msix.c:1: look at xen/drivers/vpci/msix.c",
        "      first line",
        "      second line",
        "",
        "[2/3] x86/vpci: don't unmask MSI-X entries with memory decoding disabled",
        "  warning",
        "    rules: xen/arch/x86/hvm/vmsi.c:1: look at xen/arch/x86/hvm/vmsi.c",
        "      first line",
        "      second line",
        "    rules: xen/drivers/vpci/msix.c:1: look at xen/drivers/vpci/msix.c",
        "      first line",
        "      second line",
        "",
        "[3/3] vpci/msix: use the access size when reading the PBA",
        "  warning",
        "    rules: xen/drivers/vpci/msix.c:1: look at xen/drivers/vpci/msix.c",
        "      first line",
        "      second line",
        "",
        "5 findings: 0 errors, 4 warnings, 1 info",
    ]


@pytest.mark.parametrize(
    ("level", "code"), [("none", 0), ("info", 0), ("warning", 1), ("error", 1)]
)
def test_exit_status_follows_the_worst_finding(
    rules: Path, level: str, code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", SEED, "-c", f"rules.level={level}", "--json"]) == code
    document = json.loads(capsys.readouterr().out)
    expected = [] if level == "none" else [level]
    assert [f["severity"] for f in document["findings"] if f["code"] == "rules/look"] == (
        expected * 4
    )


def test_json_document(rules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", SEED, "--json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert list(document) == ["findings", "results", "plugins", "apply"]
    assert document["plugins"] == ["rules"]
    assert document["apply"] is None
    assert document["results"] == {"rules": {"head": None, "domain_c_lines": None}}
    assert document["findings"][0] == {
        "plugin": "rules",
        "severity": "info",
        "code": "rules/count",
        "patch": None,
        "file": None,
        "line": None,
        "message": "1 patches",
        "details": None,
    }
    assert [f["file"] for f in document["findings"][1:]] == [
        "xen/arch/x86/domain.c",
        "xen/arch/x86/smpboot.c",
        "xen/arch/x86/traps.c",
        "xen/include/asm-x86/desc.h",
    ]


def test_with_a_tree_the_series_is_applied_and_no_branch_is_left(
    rules: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tree = create_sample_tree(tmp_path / "xen")
    before = snapshot(tree)
    assert main(["check", SEED, "--tree", str(tree), "--json", "-c", "rules.level=none"]) == 0
    document = json.loads(capsys.readouterr().out)
    apply = document["apply"]
    assert apply["base"].startswith("0086a527fa4d")
    assert apply["base_rule"] == "blob-match"
    assert apply["complete"] is True
    assert [p["status"] for p in apply["patches"]] == ["applied"]
    result = document["results"]["rules"]
    assert result["head"] == apply["head"] == apply["patches"][0]["commit"]
    assert result["domain_c_lines"] > 100
    assert snapshot(tree) == before  # branches, HEAD, index, worktrees: all as they were


def test_bad_input_is_one_line_and_exit_2(
    rules: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", SEED, "--plugin", "nope"]) == 2
    assert capsys.readouterr().err == (
        "reviewbot: error: no plugin named nope is loaded; "
        "pick from: rules (see `reviewbot plugins`)\n"
    )
    assert main(["check", SEED, "--base", "HEAD"]) == 2
    assert capsys.readouterr().err == (
        "reviewbot: error: --base needs --tree; give the git tree to apply the series to\n"
    )
    assert main(["check", SEED, "--tree", str(tmp_path / "missing")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["check", SEED, "-c", "rules.levle=info"]) == 2
    assert capsys.readouterr().err.startswith("reviewbot: error: -c: unknown setting 'rules.levle'")
    assert main(["check", SEED, "-c", "rules.level=loud"]) == 1
    assert "'loud' is not a valid Severity" in capsys.readouterr().out


def test_a_message_that_names_its_file_is_not_prefixed_with_it_again() -> None:
    from reviewbot.findings import Finding, Severity
    from reviewbot.render_check import check_lines
    from reviewbot.runchecks import CheckReport
    from tests.support.checking import SEED_ID, context_for, thread_from

    context = context_for(thread_from("seed-gdt.mbox", SEED_ID))
    findings = (
        Finding(Severity.ERROR, "a.c needs an ack", patch=1, file="a.c", plugin="p"),
        Finding(Severity.ERROR, "a.c is long", patch=1, file="a.c", line=3, plugin="p"),
        Finding(Severity.ERROR, "needs an ack", patch=1, file="b.c", plugin="p"),
    )
    lines = check_lines(CheckReport(findings, {}, ("p",)), context)
    assert lines[5:9] == [
        "  error",
        "    p: a.c needs an ack",
        "    p: a.c:3: a.c is long",
        "    p: b.c: needs an ack",
    ]
