"""What the TUI stands on, without Textual: month lists, the review session, cancellable jobs,
the key map, and `reviewbot tui`'s one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reviewbot.config import load_settings
from reviewbot.errors import ConfigError, SpecError
from reviewbot.jobs import Cancelled, JobProgress
from reviewbot.monthlist import Month, archive_threads, month_location, store_threads
from reviewbot.pluginmanager import current_host
from reviewbot.reviewsession import ReviewSession
from reviewbot.sampletree import create_sample_tree
from reviewbot.store import Store
from reviewbot.tree import open_tree
from reviewbot.tui.keymap import parse_keymap
from tests.support.gitrepo import git, use_git_identity

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEED = FIXTURES / "mail" / "seed-gdt.mbox"
SEED_SUBJECT = "[Xen-devel] [PATCH] x86/ctxt-switch: Document and improve GDT handling"


def _session(tmp_path: Path, tree: Path | None = None) -> ReviewSession:
    host = current_host()
    settings = load_settings(
        ["user.name=Rita Reviewer", "user.email=rita@example.org"],
        plugin_settings=host.settings(),
    )
    return ReviewSession(
        host=host,
        settings=settings,
        tree=open_tree(tree) if tree else None,
        store_path=tmp_path / "store.sqlite3",
        reply_dir=tmp_path,
    )


# --- months ------------------------------------------------------------------------------------


def test_months_parse_shift_and_refuse_what_is_not_one() -> None:
    assert Month.parse("2019-07") == Month(2019, 7)
    assert str(Month(2019, 12).shifted(1)) == "2020-01"
    assert str(Month(2020, 1).shifted(-13)) == "2018-12"
    with pytest.raises(SpecError, match=r"--month '2019-13' is not a month"):
        Month.parse("2019-13")


def test_month_urls_are_told_from_message_pages() -> None:
    base = "https://lists.xenproject.org/archives/html/xen-devel"
    location = month_location(f"{base}/2019-07/threads.html")
    assert location is not None and location.month_url == f"{base}/2019-07/"
    assert month_location(f"{base}/2019-07/") is not None
    assert month_location(f"{base}/2019-07/msg00123.html") is None
    assert month_location("https://lore.kernel.org/xen-devel/x@y/") is None


def test_the_store_lists_its_threads_by_month_newest_first(tmp_path: Path) -> None:
    session = _session(tmp_path)
    session.open_thread(str(SEED), JobProgress())
    session.open_thread(str(FIXTURES / "mail" / "series-vpci.mbox"), JobProgress())
    with Store.open(session.store_path) as store:
        every = store_threads(store, None)
        july = store_threads(store, Month(2019, 7))
    assert len(every) >= 2
    assert [t.date for t in every] == sorted((t.date for t in every), reverse=True)
    seed = next(t for t in july if t.subject == SEED_SUBJECT)
    assert (seed.author, seed.messages, seed.patches) == ("Andrew Cooper", 4, 1)
    assert seed.spec == "<20190704175732.5943-1-andrew.cooper3@citrix.com>"
    assert store_threads(Store.open(session.store_path), Month(1999, 1)) == []


def test_the_archive_month_is_listed_from_its_thread_index_over_http() -> None:
    from reviewbot.demo import bundled_archive, serve_archive

    settings = load_settings([])
    with serve_archive(bundled_archive()) as base:
        location = month_location(f"{base}xen-devel/2019-07/threads.html")
        assert location is not None
        progress = JobProgress()
        listed = archive_threads(location, settings, progress)
    seed = next(t for t in listed if "Document and improve GDT handling" in t.subject)
    assert seed.spec.startswith(f"{base}xen-devel/2019-07/msg")
    assert seed.author == "Andrew Cooper"
    assert seed.messages >= 3
    assert progress.done == progress.total >= 1


# --- the session -------------------------------------------------------------------------------


def test_a_session_opens_checks_and_drafts_like_the_commands(tmp_path: Path) -> None:
    session = _session(tmp_path)
    with pytest.raises(SpecError, match="no thread is open"):
        session.require_thread()
    session.open_thread(str(SEED), JobProgress())
    assert session.require_review().revision.title == (
        "x86/ctxt-switch: Document and improve GDT handling"
    )
    steps: list[tuple[int, int]] = []
    report = session.check(JobProgress(lambda done, total: steps.append((done, total))))
    assert report is session.report and session.context is not None
    plugins = len(report.plugins)
    assert steps[-1] == (plugins * 3, plugins * 3)  # series + 1 patch + result, per plugin
    draft = session.draft("review")
    assert draft.subject == "Re: [PATCH] x86/ctxt-switch: Document and improve GDT handling"
    path = session.save_draft(draft, "Edited.\n")
    assert path.parent == tmp_path and path.name == "re-ctxt-switch-gdt-v1-p1-review.eml"
    assert session.saved == [path]
    assert path.read_bytes().endswith(b"\n\nEdited.\n")


def test_a_cancelled_check_leaves_the_session_as_it_was(tmp_path: Path) -> None:
    session = _session(tmp_path)
    session.open_thread(str(SEED), JobProgress())
    progress = JobProgress()

    def stop_after_two(done: int, total: int) -> None:
        if done == 2:
            progress.cancel()

    progress = JobProgress(stop_after_two)
    with pytest.raises(Cancelled):
        session.check(progress)
    assert session.report is None and session.context is None


def test_a_cancelled_apply_makes_no_branch_and_leaves_no_worktree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_git_identity(tmp_path / "gitconfig", monkeypatch)
    tree = create_sample_tree(tmp_path / "xen")
    session = _session(tmp_path, tree)
    session.open_thread(str(SEED), JobProgress())
    branches = git(tree, "branch", "--list")
    progress = JobProgress()

    def stop_when_the_base_is_chosen(done: int, total: int) -> None:
        if done == 1:
            progress.cancel()

    progress = JobProgress(stop_when_the_base_is_chosen)
    with pytest.raises(Cancelled):
        session.apply(progress)
    assert git(tree, "branch", "--list") == branches
    assert len(git(tree, "worktree", "list").splitlines()) == 1
    assert session.applied is None
    applied = session.apply(JobProgress())
    assert applied.branch == "review/2019-07-04-ctxt-switch-gdt-v1"


def test_job_progress_reports_and_raises_once_cancelled() -> None:
    seen: list[tuple[int, int]] = []
    progress = JobProgress(lambda done, total: seen.append((done, total)))
    progress.add_total(3)
    progress.advance()
    progress.advance(2)
    assert seen == [(0, 3), (1, 3), (3, 3)]
    progress.cancel()
    assert progress.cancelled
    with pytest.raises(Cancelled):
        progress.advance()
    assert seen[-1] == (3, 3)


# --- keys and the command line ---------------------------------------------------------------


def test_the_key_map_names_bindings_by_id() -> None:
    known = {"quit", "series", "help"}
    assert parse_keymap("quit=ctrl+q; series = S,3 ;", known) == {
        "quit": "ctrl+q",
        "series": "S,3",
    }
    with pytest.raises(ConfigError, match=r"tui.keys: no binding has the id 'qiut'") as bad:
        parse_keymap("qiut=x", known)
    assert bad.value.hint == "pick from: help, quit, series"
    with pytest.raises(ConfigError, match=r"tui.keys: 'quit' is not id=keys"):
        parse_keymap("quit", known)


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["tui"], "reviewbot: error: the TUI needs a terminal (stdin or stdout is not one); "),
        (["tui", "--base", "HEAD"], "reviewbot: error: the TUI needs a terminal"),
        (["-c", "tui.keys=nope=x", "tui"], "reviewbot: error: the TUI needs a terminal"),
        (["tui", "--msgid", "a@b"], "reviewbot: error: --msgid needs a SPEC; give the file "),
    ],
)
def test_tui_without_a_terminal_is_one_line(arguments: list[str], expected: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "reviewbot", *arguments],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith(expected) and done.stderr.count("\n") == 1


def test_every_module_outside_the_tui_imports_without_textual() -> None:
    probe = (
        "import importlib, pkgutil, sys, reviewbot\n"
        "names = [m.name for m in pkgutil.walk_packages(reviewbot.__path__, 'reviewbot.')\n"
        "         if not m.name.startswith(('reviewbot.tui', 'reviewbot.__main__'))]\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "print(len(names), sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    count, textual = done.stdout.strip().split(" ", 1)
    assert int(count) > 80
    assert textual == "[]"
