"""The `reviewbot` command line: argparse subcommands, each importing its work lazily."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from reviewbot import __version__
from reviewbot.errors import ReviewbotError
from reviewbot.pluginmanager import PluginHost, current_host

Handler = Callable[[argparse.Namespace], int]


def common_options(prefix: str = "") -> argparse.ArgumentParser:
    """Options every command accepts, before or after its name (`prefix` keeps them apart).

    A plugin command with actions of its own gives them these too, under another prefix,
    and merges them with `merge_common_options`.
    """
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-c",
        dest=f"{prefix}overrides",
        action="append",
        metavar="KEY=VALUE",
        default=[],
        help="override a setting (repeatable)",
    )
    common.add_argument(
        "-q", "--quiet", dest=f"{prefix}quiet", action="store_true", help="no progress bar"
    )
    common.add_argument(
        "-d",
        "--debug",
        dest=f"{prefix}debug",
        action="store_true",
        help="show tracebacks of internal errors",
    )
    return common


def merge_common_options(args: argparse.Namespace, prefix: str) -> None:
    """Fold the common options given under `prefix` (after a sub-action) into the usual ones."""
    args.overrides = [*args.overrides, *getattr(args, f"{prefix}overrides", [])]
    args.quiet = args.quiet or getattr(args, f"{prefix}quiet", False)
    args.debug = args.debug or getattr(args, f"{prefix}debug", False)


def add_spec_options(parser: argparse.ArgumentParser) -> None:
    """SPEC, `--msgid` and `--offline`: how every command names a thread."""
    parser.add_argument(
        "spec",
        metavar="SPEC",
        help="archive page URL, lore URL, Message-ID, mbox, maildir, .eml "
        "or format-patch directory",
    )
    parser.add_argument(
        "--msgid", metavar="ID", help="the thread of this Message-ID when SPEC holds several"
    )
    parser.add_argument("--offline", action="store_true", help="answer from the local store only")


def build_parser(host: PluginHost | None = None) -> argparse.ArgumentParser:
    """The full parser: reviewbot's commands, then the plugins' (their modules load on use)."""
    common = common_options()
    parser = argparse.ArgumentParser(
        prog="reviewbot",
        parents=[common_options("global_")],
        description="Review Xen-devel patches: fetch threads, collect trailers, apply, check.",
    )
    parser.add_argument("--version", action="version", version=f"reviewbot {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    fetch = commands.add_parser(
        "fetch",
        parents=[common],
        help="fetch a thread into the store",
        description="Fetch a whole thread into the local store and print it as a tree.",
    )
    add_spec_options(fetch)
    fetch.add_argument("-o", "--output", metavar="FILE", help="write the thread as mboxrd")
    fetch.add_argument("--json", action="store_true", help="print the thread as JSON")
    fetch.set_defaults(handler=_run_fetch)

    am = commands.add_parser(
        "am",
        parents=[common],
        help="write an am-ready mbox with every collected trailer",
        description="Fetch a thread, pick a version of its series, collect who reviewed, "
        "acked and tested which patch, and write the patches as an mbox for git am.",
    )
    add_spec_options(am)
    am.add_argument("-o", "--output", metavar="FILE", help="where to write the mbox (- for stdout)")
    am.add_argument("--json", action="store_true", help="print the series and trailers as JSON")
    am.add_argument(
        "-v", "--version", dest="version", metavar="N", help="the version to take (default: newest)"
    )
    am.add_argument(
        "--tree",
        metavar="DIR",
        help="a Xen git tree whose MAINTAINERS, .mailmap and history recover masked addresses",
    )
    am.set_defaults(handler=_run_am)

    apply = commands.add_parser(
        "apply",
        parents=[common],
        help="apply the series to a git tree on a new review branch",
        description="Fetch a thread, collect its trailers and apply the chosen version to a "
        "new branch of a git tree, in a temporary worktree: your checkout, index, stash and "
        "branches are never touched.",
    )
    add_spec_options(apply)
    apply.add_argument(
        "--tree", metavar="DIR", default=".", help="the git tree (default: the current directory)"
    )
    apply.add_argument(
        "--base",
        metavar="REV",
        help="apply on this commit (default: base-commit:, else the commit holding the "
        "series' pre-image blobs, else the branch head)",
    )
    apply.add_argument(
        "--branch", metavar="NAME", help="the branch to create (default: review/DATE-TOPIC-vN)"
    )
    apply.add_argument(
        "--keep",
        action="store_true",
        help="on a conflict, keep the worktree stopped at it for manual resolution",
    )
    apply.add_argument("--force", action="store_true", help="replace an existing branch")
    apply.add_argument("--json", action="store_true", help="print the result as JSON")
    apply.add_argument(
        "-v", "--version", dest="version", metavar="N", help="the version to take (default: newest)"
    )
    apply.set_defaults(handler=_run_apply)

    demo = commands.add_parser(
        "demo",
        parents=[common],
        help="run reviewbot on the bundled example",
        description="Serve the bundled example archive on 127.0.0.1 and "
        "fetch the seed thread from it. On a terminal the TUI opens on it (with the bundled "
        "sample Xen tree to apply to); otherwise, or with --report, the whole review is "
        "printed: thread, trailers, apply, checks and the drafted reply.",
    )
    demo.add_argument(
        "--report", action="store_true", help="print the review instead of opening the TUI"
    )
    demo.set_defaults(handler=_run_demo)

    check = commands.add_parser(
        "check",
        parents=[common],
        help="run the check plugins over a series",
        description="Fetch a thread, collect its trailers and run every check plugin over "
        "the chosen version (applied to --tree in a temporary worktree when given, without "
        "making a branch). Exit 0 when nothing reached warning, 1 when a warning or error "
        "was found, 2 when reviewbot itself failed.",
    )
    add_spec_options(check)
    check.add_argument(
        "--tree", metavar="DIR", help="a git tree to apply the series to (MAINTAINERS, Fixes:)"
    )
    check.add_argument("--base", metavar="REV", help="apply on this commit (with --tree)")
    check.add_argument(
        "--plugin",
        metavar="NAME",
        action="append",
        default=[],
        help="run only this plugin (repeatable; default: every check plugin)",
    )
    check.add_argument("--json", action="store_true", help="print findings and results as JSON")
    check.add_argument(
        "-v", "--version", dest="version", metavar="N", help="the version to take (default: newest)"
    )
    check.set_defaults(handler=_run_check)

    _add_reply(commands, common)
    _add_tui(commands, common)

    plugins = commands.add_parser(
        "plugins",
        parents=[common],
        help="list the loaded plugins",
        description="Name, version, source (built-in, package or local) and hooks of every "
        "loaded plugin, and the plugins that could not be loaded.",
    )
    plugins.add_argument("--json", action="store_true", help="print the list as JSON")
    plugins.set_defaults(handler=_run_plugins)

    config = commands.add_parser("config", parents=[common], help="show settings and paths")
    config.add_argument("what", choices=["show", "path"], nargs="?", default="show")
    config.set_defaults(handler=_run_config)
    if host is not None:
        _add_plugin_commands(commands, common, host)
    return parser


def _add_reply(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """`reviewbot reply`: its options, and the template placeholders in its help."""
    from reviewbot.replytemplate import PLACEHOLDERS

    placeholders = "\n".join(f"  ${name:<18} {text}" for name, text in PLACEHOLDERS.items())
    reply = commands.add_parser(
        "reply",
        parents=[common],
        help="draft a review, ack or thank-you reply as mail",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Draft a reply to a patch or cover letter of the chosen version: To the "
        "author, Cc the list and every other participant (masked addresses recovered), "
        "threaded with In-Reply-To and References. It is written as an .eml file (or "
        "appended to an mbox) for git send-email, mutt or neomutt -H; reviewbot never "
        "sends mail.",
        epilog="template placeholders ($name or ${name}, $$ for a dollar sign):\n"
        + placeholders
        + "\n\nThe template is --template FILE, else the reply.template_<kind> setting, "
        "else a plugin's, else the built-in one.",
    )
    add_spec_options(reply)
    reply.add_argument(
        "--kind",
        choices=("review", "ack", "thanks"),
        default="review",
        help="review: findings under the lines they concern and the plugins' paragraphs; "
        "ack: a Reviewed-by/Acked-by/Tested-by; thanks: the applied commits (default: review)",
    )
    reply.add_argument(
        "--patch",
        metavar="N",
        type=int,
        help="the patch to answer, 0 for the cover letter (default: the only patch; for ack "
        "and thanks the cover letter)",
    )
    reply.add_argument(
        "--tree",
        metavar="DIR",
        help="a Xen git tree: review applies the series to it, every kind recovers masked "
        "addresses from it, thanks finds the applied commits in it",
    )
    reply.add_argument("--base", metavar="REV", help="review: apply on this commit (with --tree)")
    reply.add_argument(
        "--tag", metavar="TRAILER", help="ack: Reviewed-by (default), Acked-by or Tested-by"
    )
    reply.add_argument("--scope", metavar="AREA", help="ack: limit the tag, e.g. x86 gives `# x86`")
    reply.add_argument(
        "--branch",
        metavar="NAME",
        help="thanks: the branch the series is on (default: the one `reviewbot apply` made)",
    )
    reply.add_argument("--template", metavar="FILE", help="fill this template instead")
    where = reply.add_mutually_exclusive_group()
    where.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the .eml here (- for stdout; default: re-TOPIC-vN-pN-KIND.eml here)",
    )
    where.add_argument("--mbox", metavar="FILE", help="append the mail to this mbox instead")
    reply.add_argument("--force", action="store_true", help="replace an existing -o FILE")
    reply.add_argument("--json", action="store_true", help="print the draft as JSON")
    reply.add_argument(
        "-v", "--version", dest="version", metavar="N", help="the version to take (default: newest)"
    )
    reply.set_defaults(handler=_run_reply)


def _add_plugin_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    host: PluginHost,
) -> None:
    """Each plugin command as a subcommand with the common options."""
    for plugin, spec in host.commands(set(commands.choices)):
        sub = commands.add_parser(
            spec.name,
            parents=[common],
            help=f"{spec.help} [plugin {plugin}]",
            description=spec.description or spec.help,
        )
        try:
            spec.add_arguments(sub)
        except Exception as exc:  # a plugin's bug must not take the other commands down
            del commands.choices[spec.name]
            host.note_problem(plugin, f"command {spec.name}: {exc}")
            continue
        sub.set_defaults(handler=spec.run)


def _add_tui(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    tui = commands.add_parser(
        "tui",
        parents=[common],
        help="review in the terminal UI",
        description="Open the terminal UI: a month's threads (from the store, or the archive "
        "with --archive), or the thread SPEC names with its series, patches, checks and a "
        "reply editor. An archive month URL (…/YYYY-MM/ or threads.html) lists that month. "
        "Press ? inside for every key; keys are remapped with -c tui.keys=ID=KEYS;…",
    )
    tui.add_argument(
        "spec",
        metavar="SPEC",
        nargs="?",
        help="a thread (archive page URL, lore URL, Message-ID, mbox, maildir, .eml or "
        "format-patch directory) or an archive month URL",
    )
    tui.add_argument(
        "--tree", metavar="DIR", help="a git tree to apply the series to (checks, apply)"
    )
    tui.add_argument("--base", metavar="REV", help="apply on this commit (with --tree)")
    tui.add_argument(
        "--msgid",
        metavar="ID",
        help="the thread of this Message-ID when SPEC holds several (without it, the TUI "
        "lists them to pick from)",
    )
    tui.add_argument("--month", metavar="YYYY-MM", help="the month to list (default: newest)")
    tui.add_argument(
        "--archive", action="store_true", help="list the archive's month, not the store's"
    )
    tui.set_defaults(handler=_run_tui)


def _run_fetch(args: argparse.Namespace) -> int:
    from reviewbot.commands.fetch import run

    return run(args)


def _run_am(args: argparse.Namespace) -> int:
    from reviewbot.commands.am import run

    return run(args)


def _run_apply(args: argparse.Namespace) -> int:
    from reviewbot.commands.apply import run

    return run(args)


def _run_demo(args: argparse.Namespace) -> int:
    from reviewbot.commands.demo import run

    return run(args)


def _run_check(args: argparse.Namespace) -> int:
    from reviewbot.commands.check import run

    return run(args)


def _run_reply(args: argparse.Namespace) -> int:
    from reviewbot.commands.reply import run

    return run(args)


def _run_tui(args: argparse.Namespace) -> int:
    from reviewbot.commands.tui import run

    return run(args)


def _run_plugins(args: argparse.Namespace) -> int:
    from reviewbot.commands.plugins import run

    return run(args)


def _run_config(args: argparse.Namespace) -> int:
    from reviewbot.commands.config import run

    return run(args)


#: Commands that never call a plugin: they start without loading any (about 0.1 s less).
_PLUGIN_FREE = frozenset({"fetch", "am", "apply"})


def _needs_plugins(argv: Sequence[str]) -> bool:
    """False when `argv` runs no plugin hook: a command of `_PLUGIN_FREE`, or `--version`.

    `--version` before the command prints the version and exits, unless an option before it
    acts first: after only `-c`, `-q` and `-d` it loads no plugin. `--help` lists the plugins'
    commands, so it loads them.
    """
    skip = False
    version_first = True  # only options argparse does not act on came before
    for token in argv:
        if skip:
            skip = False
        elif token == "-c":
            skip = True
        elif not token.startswith("-"):
            return token not in _PLUGIN_FREE
        elif len(token) > 2 and "--version".startswith(token):  # argparse takes `--vers`
            if version_first:
                return False
        elif not (
            token in ("-q", "-d")
            or (token.startswith("-c") and not token.startswith("--"))  # -cKEY=VALUE
            or (len(token) > 2 and ("--quiet".startswith(token) or "--debug".startswith(token)))
        ):
            version_first = False
    return True


def report_plugin_problems(host: PluginHost) -> None:
    """Say on stderr, once each, which plugins could not be loaded or registered and why."""
    for problem in host.new_problems():
        print(f"reviewbot: plugin {problem.name}: {problem.message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; ReviewbotError becomes one line on stderr and a non-zero exit."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    host = current_host() if _needs_plugins(arguments) else None
    parser = build_parser(host)
    args = parser.parse_args(arguments)
    if host is not None:
        report_plugin_problems(host)
    args.overrides = [*args.global_overrides, *args.overrides]
    args.quiet = args.quiet or args.global_quiet
    args.debug = args.debug or args.global_debug
    handler: Handler = args.handler
    try:
        return handler(args)
    except ReviewbotError as exc:
        print(f"reviewbot: error: {exc.one_line()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(
            "reviewbot: interrupted; everything fetched so far is kept in the store",
            file=sys.stderr,
        )
        return 130
    except BrokenPipeError:  # `| head`: console_main ends quietly
        raise
    except Exception as exc:  # a bug: keep the one-line contract, traceback on request
        if args.debug:
            raise
        print(
            f"reviewbot: internal error: {type(exc).__name__}: {exc}; "
            "rerun with -d for the traceback",
            file=sys.stderr,
        )
        return 70


def console_main() -> None:
    """Entry point of the `reviewbot` script; a closed pipe (`| head`) ends quietly."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = 1
    sys.exit(code)
