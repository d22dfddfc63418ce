"""Interview benchmark: start-up, answer → findings on screen, peak memory. Run by hand:

    .venv/bin/python benchmarks/bench_ui.py [--runs 10]

1. Start to first question: a cold process (new interpreter each run) that opens the app and
   starts a new report, timed from just before the process is spawned to the end of the first
   screen update that shows the first question; side by side with a bare Textual app showing one
   Input, and with the picker (the real first screen of ``gkassist``). Headless driver, 120×40.
2. Answer → findings: Enter on an answer (a table row of 三 with non-zero numbers, including a
   deliberate imbalance so that N4 is on screen) until the end of the first screen update that
   draws the next question at the bottom of the conversation (after the answer's findings): the
   real path (parse, recorded, engine, the conversation updated, drawn; the atomic save with
   fsync starts once that frame is drawn, in the writer thread, and is over before the next
   Enter ≥ 50 ms later: its two fsyncs take about 12 ms on this disk, docs/performance.md).
   Beside it, the floor: a bare Textual app with one Input, from a key press to the end of the
   screen update that shows the character.
3. Peak memory (max RSS) of the process that ran a whole interview.

Prints a table; asserts nothing. GKASSIST_HOME is a temporary folder.

The package's bytecode is compiled first, as ``pip install`` does: a checkout run with
PYTHONDONTWRITEBYTECODE set (as on the build machine) would otherwise compile every gkassist
module at every start (about 0.1–0.2 s), which no installed user sees, while the bare app's
Textual is compiled in site-packages.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# "On screen" is the end of the screen update (Screen._compositor_refresh, which composes the
# frame the driver writes; a layout pass ends in one too) that draws the thing. For the
# conversation: the whole current question is the last thing in the chat area, read back from
# the compositor (after the time is taken, so the check itself is not timed). The whole of it:
# the rows of 三 end alike (help, example), only their first words differ.
QUESTION_DRAWN = r"""
from gkassist.ui import prepare_environment
prepare_environment()  # as gkassist's run_app does, before Textual is imported
from gkassist.ui.widgets import question_text

def question_drawn(screen):
    if getattr(screen, "_pending", None):
        return False
    tail = "".join(question_text(screen.flow.question(), screen.say).plain.split())
    region = screen.query_one("#chat").scrollable_content_region  # less its scrollbar
    strips = screen._compositor.render_strips()[region.y : region.bottom]
    bottom = "".join("".join(s.crop(region.x, region.right).text.split()) for s in strips)
    return bottom.endswith(tail)
"""

CHILD_START = QUESTION_DRAWN + r"""
import os, sys, time
from gkassist.ui import prepare_environment
prepare_environment()
from textual.screen import Screen
from gkassist.ui.app import GkApp
from gkassist.ui.interview import InterviewScreen
from gkassist.ui.picker import PickerScreen

target = InterviewScreen if sys.argv[1] == "question" else PickerScreen
refresh = Screen._compositor_refresh

def _compositor_refresh(self, *args, **kwargs):
    refresh(self, *args, **kwargs)
    t = time.time()
    if isinstance(self, target) and self.is_current and not getattr(self.app, "_bench_done", False):
        if target is InterviewScreen and not question_drawn(self):
            return
        self.app._bench_done = True
        print(t, flush=True)
        self.app.exit()

Screen._compositor_refresh = _compositor_refresh
GkApp(new_session=(sys.argv[1] == "question")).run(headless=True, size=(120, 40))
"""

CHILD_BARE = r"""
import os, time
os.environ.setdefault("TEXTUAL_DISABLE_KITTY_KEY", "1")
from textual.app import App
from textual.screen import Screen
from textual.widgets import Input

refresh = Screen._compositor_refresh

def _compositor_refresh(self, *args, **kwargs):
    refresh(self, *args, **kwargs)
    t = time.time()
    if self.query(Input) and not getattr(self.app, "_bench_done", False):
        self.app._bench_done = True
        print(t, flush=True)
        self.app.exit()

Screen._compositor_refresh = _compositor_refresh

class Bare(App):
    def compose(self):
        yield Input(placeholder="answer")

Bare().run(headless=True, size=(120, 40))
"""

CHILD_ANSWERS = QUESTION_DRAWN + r"""
import asyncio, json, os, resource, statistics, sys, time
os.environ.setdefault("TEXTUAL_DISABLE_KITTY_KEY", "1")
from textual.screen import Screen
from gkassist.ui.app import GkApp
from gkassist.ui.interview import InterviewScreen

times = []
state = {}
handle = InterviewScreen.handle_text
checked = InterviewScreen.on_answer_checked

def handle_text(self, text):
    state["t0"] = time.perf_counter()
    handle(self, text)

def on_answer_checked(self, message):
    checked(self, message)
    state["saved"] = True

refresh = Screen._compositor_refresh

def _compositor_refresh(self, *args, **kwargs):
    # the first screen update after the save came back that shows the next question
    refresh(self, *args, **kwargs)
    t = time.perf_counter()
    if state.get("saved") and "t0" in state and isinstance(self, InterviewScreen) and question_drawn(self):
        del state["saved"]
        times.append(t - state.pop("t0"))

InterviewScreen.handle_text = handle_text
InterviewScreen.on_answer_checked = on_answer_checked
Screen._compositor_refresh = _compositor_refresh

# table 三 the long way (every gate answered 有), ending in an imbalance (N4) that is then fixed
TABLE = (["有", "3 1 0 0 0 0", "0", "2 1 0 0 0 0", "0", "有"] + ["0"] * 8 + ["有", "1 0 0 0 0 0", "0", "0", "有"]
         + ["0"] * 5 + ["有"] + ["0"] * 3 + ["1 0 0 0 0 0", "/back", "0"])

async def main():
    app = GkApp(new_session=True)
    async with app.run_test(size=(120, 40)) as pilot:
        async def answer(text):
            screen = app.screen
            if screen.flow.question().multiline:
                screen.query_one("#prose").load_text(text)
                await pilot.press("ctrl+j")
            else:
                # the answer typed and on screen, then Enter a moment later, as a fast typist's
                # next key comes (≥ 50 ms): a frame drawn just before Enter would otherwise hold
                # the next one back by up to a frame interval (1/60 s), which no typist sees
                screen.query_one("#line").value = text
                await pilot.pause(0.05)
                await pilot.press("enter")
            for _ in range(200):
                await pilot.pause()
                if not screen.busy:
                    break
            await app.workers.wait_for_complete()
            await pilot.pause()
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        screen = app.screen
        for text in ["某某县科技局", "2024", "2", "4", "", "", "", "", "", "", "没有"]:
            await answer(text)
        times.clear()  # measured: table 三 row by row, then its fix; again from the top
        while len(times) < int(sys.argv[1]):
            await answer("/goto 三")
            for text in TABLE:
                await answer(text)
        n4 = sum(1 for m in screen.conversation() if "N4" in m.plain)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"times": times, "n4_messages": n4, "peak_mb": peak}))

asyncio.run(main())
"""


CHILD_BARE_KEYS = r"""
import asyncio, json, os, statistics, sys, time
os.environ.setdefault("TEXTUAL_DISABLE_KITTY_KEY", "1")
from textual.app import App
from textual.screen import Screen
from textual.widgets import Input

times = []
state = {}
refresh = Screen._compositor_refresh

def _compositor_refresh(self, *args, **kwargs):
    refresh(self, *args, **kwargs)
    t = time.perf_counter()
    if "t0" in state and self.query_one(Input).value.endswith(state["char"]):
        times.append(t - state.pop("t0"))

Screen._compositor_refresh = _compositor_refresh

class Bare(App):
    def compose(self):
        yield Input(placeholder="answer")

    def on_key(self, event):
        pass

async def main():
    app = Bare()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        for i in range(int(sys.argv[1])):
            char = "0123456789"[i % 10]
            state["char"] = char
            state["t0"] = time.perf_counter()
            await pilot.press(char)
            for _ in range(100):
                await pilot.pause()
                if "t0" not in state:
                    break
            if i % 20 == 19:
                app.query_one(Input).value = ""
                await pilot.pause(0.05)
    print(json.dumps({"times": times}))

asyncio.run(main())
"""


def spawn_timed(code: str, *args: str, env: dict[str, str]) -> float:
    start = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )
    lines = [line for line in out.stdout.splitlines() if line.strip()]
    if out.returncode != 0 or not lines:
        raise SystemExit(f"child failed ({out.returncode}):\n{out.stderr[-2000:]}")
    return float(lines[-1]) - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="cold starts per variant (median)")
    parser.add_argument("--answers", type=int, default=40, help="answers timed for answer → findings")
    args = parser.parse_args()

    compileall.compile_dir(ROOT / "gkassist", quiet=1)
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "GKASSIST_HOME": home}
        env.pop("TEXTUAL_DISABLE_KITTY_KEY", None)
        results: dict[str, list[float]] = {"bare": [], "picker": [], "question": []}
        for _ in range(args.runs):  # interleaved, so that machine noise hits each variant alike
            results["bare"].append(spawn_timed(CHILD_BARE, env=env))
            results["picker"].append(spawn_timed(CHILD_START, "picker", env=env))
            results["question"].append(spawn_timed(CHILD_START, "question", env=env))
        out = subprocess.run(
            [sys.executable, "-c", CHILD_ANSWERS, str(args.answers)],
            capture_output=True, text=True, env=env, cwd=ROOT, timeout=600,
        )
        if out.returncode != 0:
            raise SystemExit(f"answer benchmark failed:\n{out.stderr[-3000:]}")
        answers = json.loads(out.stdout.strip().splitlines()[-1])
        out = subprocess.run(
            [sys.executable, "-c", CHILD_BARE_KEYS, str(args.answers)],
            capture_output=True, text=True, env=env, cwd=ROOT, timeout=600,
        )
        if out.returncode != 0:
            raise SystemExit(f"bare key benchmark failed:\n{out.stderr[-3000:]}")
        bare_keys = json.loads(out.stdout.strip().splitlines()[-1])["times"]

    med = {k: statistics.median(v) for k, v in results.items()}
    def median_p95(times: list[float]) -> tuple[float, float, int]:
        ms = sorted(t * 1000 for t in times)
        return statistics.median(ms), ms[min(len(ms) - 1, int(0.95 * len(ms)))], len(ms)

    median, p95, n = median_p95(answers["times"])
    floor_median, floor_p95, floor_n = median_p95(bare_keys)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, headless 120×40, median of {args.runs} cold starts")
    print()
    print("| measure | figure | target |")
    print("|---|---|---|")
    print(f"| bare Textual app, one Input: start → on screen | {med['bare']:.2f} s | |")
    print(f"| gkassist: start → picker on screen | {med['picker']:.2f} s | |")
    print(
        f"| gkassist: start → first question on screen | {med['question']:.2f} s "
        f"({med['question'] / med['bare']:.1f}× bare) | ≤ 1.0 s, ≤ 1.5× bare |"
    )
    print(
        f"| Enter on an answer → its findings and the next question on screen (median / p95 of {n}) "
        f"| {median:.1f} ms / {p95:.1f} ms | ≤ 20 ms / ≤ 30 ms |"
    )
    print(
        f"| floor: bare Textual app, one Input, key press → character on screen (median / p95 of {floor_n}) "
        f"| {floor_median:.1f} ms / {floor_p95:.1f} ms | |"
    )
    print(f"| peak memory (max RSS) after a whole table 三 with fixes | {answers['peak_mb']:.0f} MB | ≤ 150 MB |")
    print()
    print(f"(N4 messages shown during the answer run: {answers['n4_messages']})")


if __name__ == "__main__":
    main()
