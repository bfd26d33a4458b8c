"""Keystroke-to-frame latency while scrolling a 3,000-line diff in the patch screen's DiffView.

A headless app at 120x40 holds one DiffView of a generated diff (8 C files, about 3,000 lines:
hunks of context, removed and added lines, comment blocks, strings, numbers, `#include`s).
For each keystroke the key event is handed to the app's driver exactly as `Pilot.press` does
it, and the clock stops when the app displays the first frame that shows the key's effect
(the cursor or the scroll position changed): the frame comes from Textual's own screen update
timer (up to 1/60 s after the key, as in a terminal), is composited (the DiffView's
`render_line` calls for the rows that changed) and is turned into the terminal's byte stream
(`render_segments`, which a headless driver would otherwise skip), so the time covers all
the work of a keystroke except the terminal's write. `Pilot.press` itself is not timed: it
waits for the process to go idle (two sleeps of at least 20 ms each), which would hide the
latency under its own waits. Also given: the frame's own work (from the update timer firing
to the finished byte stream) and the load (mounting the widget until its first frame).

The naive baseline is the same diff in a `Static` holding a rich `Syntax` (diff lexer, line
numbers) inside a `VerticalScroll`, driven by the same keys (its own scroll bindings,
animations off in both). Each run starts from a fresh app; --keys presses of `down`, then of
`pagedown`. Medians and 95th percentiles over every press of every run; the aim is < 50 ms.
Nothing here asserts on speed.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from rich.console import RenderableType
from rich.syntax import Syntax
from textual import events
from textual._compositor import CompositorUpdate
from textual.app import App, ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from reviewbot.tui.widgets.diffview import DiffView

SIZE = (120, 40)
AIM_MS = 50.0
FILES = 8
TARGET_LINES = 3000


# --- a realistic diff ------------------------------------------------------------------------


def _function(rng: random.Random, name: str) -> list[str]:
    """A Xen-style C function of 10-30 lines."""
    lines = [
        "/*",
        f" * {name}: walk the table and report entries that the caller has to fix up,",
        " * taking the lock only while the entry is being read.",
        " */",
        f"static int {name}(struct domain *d, unsigned long gfn, unsigned int order)",
        "{",
        "    unsigned int i;",
        "    int rc = 0;",
        "",
    ]
    for step in range(rng.randint(2, 6)):
        lines += [
            f"    for ( i = 0; i < (1U << order); i += {1 << step} )",
            "    {",
            f"        if ( gfn + i > d->max_gfn_{step} )",
            "        {",
            f'            printk(XENLOG_WARNING "%pd: gfn %#lx out of range ({step})\\n",',
            "                   d, gfn + i);",
            "            rc = -EINVAL;",
            "            break;",
            "        }",
            "    }",
        ][: rng.randint(4, 10)]
    return [*lines, "", "    return rc;", "}", ""]


def generated_diff(seed: int = 7) -> str:
    """About 3,000 lines of diff over FILES C files, deterministic for `seed`."""
    rng = random.Random(seed)
    out: list[str] = []
    per_file = TARGET_LINES // FILES
    for number in range(FILES):
        path = f"xen/arch/x86/mm/bench_{number}.c"
        out += [
            f"diff --git a/{path} b/{path}",
            f"index {rng.getrandbits(40):010x}..{rng.getrandbits(40):010x} 100644",
            f"--- a/{path}",
            f"+++ b/{path}",
        ]
        written, old, new = 4, 1, 1
        function = 0
        while written < per_file:
            function += 1
            gap = rng.randint(20, 80)
            old, new = old + gap, new + gap
            context = ["#include <xen/sched.h>", *_function(rng, f"helper_{number}_{function}")]
            removed = _function(rng, f"old_{number}_{function}")[: rng.randint(3, 12)]
            added = _function(rng, f"new_{number}_{function}")[: rng.randint(5, 30)]
            before, after = context[:3], context[3:6]
            body = (
                [" " + line for line in before]
                + ["-" + line for line in removed]
                + ["+" + line for line in added]
                + [" " + line for line in after]
            )
            old_count = len(before) + len(removed) + len(after)
            new_count = len(before) + len(added) + len(after)
            out.append(f"@@ -{old},{old_count} +{new},{new_count} @@ static int f_{function}(void)")
            out += body
            old += old_count
            new += new_count
            written += 1 + len(body)
    return "\n".join(out) + "\n"


# --- timing frames -------------------------------------------------------------------------------


@dataclass
class Frames:
    """Watches the app's displayed frames for the first one that satisfies a condition."""

    update_started: float = 0.0
    condition: Callable[[], bool] | None = None
    shown: asyncio.Event = field(default_factory=asyncio.Event)
    shown_at: float = 0.0
    work: float = 0.0

    def expect(self, condition: Callable[[], bool]) -> None:
        self.condition = condition
        self.shown = asyncio.Event()

    def displayed(self, at: float) -> None:
        if self.condition is not None and self.condition():
            self.condition = None
            self.shown_at = at
            self.work = at - self.update_started
            self.shown.set()


class BenchApp(App[None]):
    """An empty container the measured widget is mounted into."""

    def __init__(self) -> None:
        super().__init__()
        self.frames = Frames()
        self.animation_level = "none"

    def compose(self) -> ComposeResult:
        yield Vertical(id="holder")

    def _display(self, screen: Screen[object], renderable: RenderableType | None) -> None:
        super()._display(screen, renderable)
        update: object = renderable
        if isinstance(update, CompositorUpdate):
            update.render_segments(self.console)  # the bytes a terminal would be sent
        self.frames.displayed(time.perf_counter())


def _timed_update(original: Callable[[Screen[object]], None]) -> Callable[[Screen[object]], None]:
    def update(screen: Screen[object]) -> None:
        app = screen.app
        if isinstance(app, BenchApp):
            app.frames.update_started = time.perf_counter()
        original(screen)

    return update


Screen._on_timer_update = _timed_update(Screen._on_timer_update)  # type: ignore[method-assign, assignment]


@dataclass
class Kind:
    """One implementation: how to build it, what it focuses, and its visible state."""

    name: str
    build: Callable[[str], Widget]
    focus: Callable[[Widget], Widget]
    state: Callable[[Widget], Hashable]


def _diff_view(text: str) -> Widget:
    return DiffView(text)


def _naive(text: str) -> Widget:
    syntax = Syntax(text, "diff", line_numbers=True, word_wrap=False)
    return VerticalScroll(Static(syntax))


def _diff_state(widget: Widget) -> Hashable:
    assert isinstance(widget, DiffView)
    return widget.cursor_row, widget.scroll_offset.y


def _scroll_state(widget: Widget) -> Hashable:
    return widget.scroll_offset.y


KINDS = (
    Kind("DiffView (Line API)", _diff_view, lambda w: w, _diff_state),
    Kind("Static+Syntax in VerticalScroll", _naive, lambda w: w, _scroll_state),
)


@dataclass
class Samples:
    load: list[float] = field(default_factory=list)
    latency: dict[str, list[float]] = field(default_factory=dict)
    work: dict[str, list[float]] = field(default_factory=dict)


async def one_run(kind: Kind, text: str, keys: int, samples: Samples) -> None:
    app = BenchApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        frames = app.frames
        widget = kind.build(text)
        frames.expect(lambda: widget.region.height > 0)
        started = time.perf_counter()
        await app.query_one("#holder").mount(widget)
        await asyncio.wait_for(frames.shown.wait(), 30)
        samples.load.append(frames.shown_at - started)
        target = kind.focus(widget)
        target.focus()
        await pilot.pause()
        driver = app._driver
        assert driver is not None
        for key in ("down", "pagedown"):
            for _ in range(keys):
                before = kind.state(target)
                frames.expect(lambda: kind.state(target) != before)  # noqa: B023
                started = time.perf_counter()
                event = events.Key(key, None)
                event.set_sender(app)
                driver.send_message(event)
                await asyncio.wait_for(frames.shown.wait(), 10)
                samples.latency.setdefault(key, []).append(frames.shown_at - started)
                samples.work.setdefault(key, []).append(frames.work)
                await pilot.pause()


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keys", type=int, default=40, help="presses of each key per run")
    arguments = parser.parse_args()
    text = generated_diff()
    lines = text.count("\n")
    results: dict[str, Samples] = {}
    for kind in KINDS:
        samples = results.setdefault(kind.name, Samples())
        for _ in range(arguments.runs):
            asyncio.run(one_run(kind, text, arguments.keys, samples))
    print(
        f"{lines} diff lines in {FILES} files, {SIZE[0]}x{SIZE[1]}, {arguments.runs} runs x "
        f"{arguments.keys} presses per key; times in ms (median / p95); aim < {AIM_MS:.0f} ms"
    )
    header = f"{'':34}{'load':>10}"
    for key in ("down", "pagedown"):
        header += f"{key + ' latency':>22}{key + ' frame work':>22}"
    print(header)
    for name, samples in results.items():
        row = f"{name:34}{statistics.median(samples.load) * 1e3:10.1f}"
        for key in ("down", "pagedown"):
            latency, work = samples.latency[key], samples.work[key]
            row += f"{statistics.median(latency) * 1e3:13.1f} /{p95(latency) * 1e3:7.1f}"
            row += f"{statistics.median(work) * 1e3:13.1f} /{p95(work) * 1e3:7.1f}"
        print(row)
    ours, naive = (results[kind.name] for kind in KINDS)
    ratios = [f"load {statistics.median(naive.load) / statistics.median(ours.load):.1f}x"]
    for key in ("down", "pagedown"):
        for label, attribute in (("latency", "latency"), ("frame work", "work")):
            mine = statistics.median(getattr(ours, attribute)[key])
            theirs = statistics.median(getattr(naive, attribute)[key])
            ratios.append(f"{key} {label} {theirs / mine:.2f}x")
    print("naive / DiffView medians: " + ", ".join(ratios))
    worst = max(p95(ours.latency[key]) for key in ("down", "pagedown")) * 1e3
    verdict = "within" if worst < AIM_MS else "over"
    print(f"DiffView worst p95 latency {worst:.1f} ms: {verdict} the {AIM_MS:.0f} ms aim")


if __name__ == "__main__":
    main()
