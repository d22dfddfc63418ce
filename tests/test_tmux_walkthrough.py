"""The real program in a real terminal: ``python -m gkassist`` inside tmux, Chinese typed with
``send-keys``, the screen read back with ``capture-pane``. A complete report for the sample agency:
answers typed ahead in one burst, a draft left by Ctrl+Q mid-sentence and found again, a /command
typed in an editor, the standard wording of 五, then an export.

Deterministic: every step waits for what the screen shows (or the file it writes), with a deadline,
never for a fixed time. Skips (saying why) where tmux is not installed; ``.ci/run`` installs it, and
fails where it cannot.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

TMUX = shutil.which("tmux")
ROOT = Path(__file__).resolve().parent.parent
AGENCY = "怀化市洪江区科技和工业信息化局"


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    """Poll ``condition`` until it holds (a state, never a fixed time); fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"{what}: not within {timeout:.0f} s")


class Terminal:
    def __init__(self, name: str, env: dict[str, str]) -> None:
        self.name = name
        self.env = env

    def tmux(self, *args: str) -> str:
        out = subprocess.run([TMUX, "-u", *args], env=self.env, capture_output=True, text=True, timeout=30)
        return out.stdout

    def start(self, command: list[str]) -> None:
        self.tmux(
            "new-session", "-d", "-s", self.name, "-x", "120", "-y", "40",
            " ".join(_quote(c) for c in command),
        )

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name)

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        """The screen once it shows ``text`` (spaces ignored: Textual pads wide characters)."""
        found: list[str] = []

        def shows() -> bool:
            found[:] = [self.screen()]
            return text in found[0].replace(" ", "")

        try:
            wait_until(shows, f"「{text}」 on screen", timeout)
        except AssertionError:
            raise AssertionError(f"「{text}」 did not appear on screen within {timeout:.0f} s; the screen was:\n{found[0]}") from None
        return found[0]

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.name, "-l", text)

    def keys(self, *keys: str) -> None:
        """Keys and text in ONE send-keys: tmux writes them to the program at once, a burst."""
        self.tmux("send-keys", "-t", self.name, *keys)

    def alive(self) -> bool:
        return subprocess.run([TMUX, "has-session", "-t", self.name], env=self.env, capture_output=True).returncode == 0

    def kill(self) -> None:
        subprocess.run([TMUX, "kill-session", "-t", self.name], env=self.env, capture_output=True)


def _quote(s: str) -> str:
    return "'" + s.replace("'", "'\\''") + "'"


@pytest.fixture
def terminal(tmp_path: Path):  # noqa: ANN201 - a generator fixture
    if TMUX is None:
        pytest.skip("tmux is not installed (apt-get install tmux; .ci/run installs it)")
    env = {
        **os.environ,
        "GKASSIST_HOME": str(tmp_path / "home"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        # a private tmux server: never the user's sessions
        "TMUX_TMPDIR": str(tmp_path),
    }
    env.pop("TMUX", None)
    env.pop("TEXTUAL_DISABLE_KITTY_KEY", None)  # the program must set it itself
    term = Terminal(f"gk{uuid.uuid4().hex[:8]}", env)
    yield term
    term.kill()


class Prompts:
    """Counts the answers submitted: a complete report for the sample agency takes at most 20."""

    def __init__(self, terminal: Terminal) -> None:
        self.terminal, self.n = terminal, 0

    def enter(self, text: str = "") -> None:
        if text:
            self.terminal.type(text)
        self.terminal.keys("Enter")
        self.n += 1

    def submit(self, text: str = "") -> None:  # the prose editor: Ctrl+J
        if text:
            self.terminal.type(text)
        self.terminal.keys("C-j")
        self.n += 1


def _session(home: Path) -> dict:
    [path] = list((home / "sessions").glob("*.json"))
    return json.loads(path.read_text(encoding="utf-8"))


def test_a_complete_report_in_a_real_terminal_with_type_ahead_a_draft_and_a_command(terminal: Terminal, tmp_path: Path) -> None:
    home = tmp_path / "home"
    report = tmp_path / "年报.txt"
    prompts = Prompts(terminal)
    terminal.start([sys.executable, "-m", "gkassist"])
    terminal.wait_for("开始新报告")
    terminal.keys("Enter")  # no saved report yet: the 「开始新报告」 button has the focus
    terminal.wait_for("请输入本机关的全称")
    # four answers typed ahead in ONE burst, Ctrl+U clearing the year's suggestion (issue 13 item 1)
    terminal.keys(AGENCY, "Enter", "C-u", "2024", "Enter", "2", "Enter", "4", "Enter")
    prompts.n += 4
    terminal.wait_for("先用一两句话概括")
    answers = _session(home)["answers"]
    assert (answers["meta.agency"], answers["meta.year"]) == (AGENCY, 2024)
    assert (answers["meta.agency_kind"], answers["meta.level"]) == ("department", "county")

    # Ctrl+Q in the middle of a sentence: the draft is kept (item 3) …
    terminal.keys("2024年，我局认真贯彻落实《条例》", "C-q")
    wait_until(lambda: not terminal.alive(), "Ctrl+Q ends the program")
    assert _session(home)["drafts"]["overview.intro"] == "2024年，我局认真贯彻落实《条例》"
    # … and found again where it was left
    terminal.start([sys.executable, "-m", "gkassist"])
    terminal.wait_for(AGENCY)  # the picker lists the report, highlighted: Enter resumes it
    terminal.keys("Enter")
    terminal.wait_for("还没有提交的内容已放回输入框")
    terminal.wait_for("2024年，我局认真贯彻落实《条例》")
    prompts.submit("，规范有序地做好政府信息公开工作。")
    # a /command typed at the end of an editor's text runs and is never report text (item 2)
    terminal.wait_for("（一）主动公开")
    terminal.keys("主动公开信息120条。", "C-End", "/skip", "C-j")
    prompts.n += 1
    terminal.wait_for("（二）依申请公开")
    assert "overview.proactive" not in _session(home)["answers"]
    for topic in ("（三）政府信息管理", "（四）政府信息公开平台建设", "（五）监督保障"):
        prompts.submit()  # skipped: T1 will say so
        terminal.wait_for(topic)
    prompts.submit()
    terminal.wait_for("下面填表二")
    prompts.enter("没有")
    terminal.wait_for("下面填表三")
    prompts.enter("没有")
    terminal.wait_for("确认吗")
    prompts.enter("是")
    terminal.wait_for("下面填表四")
    prompts.enter("没有")
    terminal.wait_for("要助手帮您逐条写吗")
    prompts.enter()  # 「是」 is in the line: items, with the standard wording
    terminal.wait_for("列出了需要整改的问题")  # no last year's report: asked all the same (item 5)
    prompts.enter("否")
    terminal.wait_for("存在哪些主要问题")
    terminal.type("人员兼职")
    terminal.wait_for("【队伍与专业能力】")  # the phrasing listed under the editor
    terminal.keys("Tab")  # … taken, its first slot selected
    terminal.wait_for("请把黄色的空换成")
    terminal.type("办公室")
    terminal.keys("Tab")
    prompts.submit("1")
    terminal.wait_for("回应第1条问题")  # a measure that answers it, on the empty line
    terminal.keys("Tab")  # 充实工作力量，在{科室}明确{人数}名专职人员……
    terminal.wait_for("请把黄色的空换成")
    terminal.type("办公室")
    terminal.keys("Tab")
    prompts.submit("2")
    terminal.wait_for("信息处理费")
    prompts.enter("否")
    terminal.wait_for("未收取政府信息公开信息处理费")  # the standard sentence, in the editor
    prompts.submit()
    terminal.wait_for("逐项核对")  # the review screen
    assert prompts.n <= 20, f"{prompts.n} prompts for the sample agency"
    terminal.keys("Escape")
    terminal.wait_for("全部问题都已问完")
    prompts.enter(f"/export txt {report}")

    def exported() -> bool:
        if "仍要导出吗" in terminal.screen().replace(" ", ""):
            terminal.keys("BTab", "Enter")  # from 「取消」 to 「确定」
        return report.exists()

    wait_until(exported, "the report exported")
    terminal.wait_for("报告已导出")
    text = report.read_text(encoding="utf-8")
    assert f"{AGENCY}2024年政府信息公开工作年度报告" in text
    assert "2024年，我局认真贯彻落实《条例》，规范有序地做好政府信息公开工作。" in text
    assert "/skip" not in text and "主动公开信息120条" not in text
    assert "目前由办公室1名工作人员兼职承担" in text
    assert "下一步，我局将" in text and "明确2名专职人员" in text
    assert "未列出需要整改的问题" in text and "未收取政府信息公开信息处理费" in text
    assert _session(home)["drafts"] == {"overview.proactive": "主动公开信息120条。"}, "the skipped text is a draft"
    terminal.keys("C-q")
    wait_until(lambda: not terminal.alive(), "Ctrl+Q ends the program")


def test_the_program_sets_the_ime_friendly_keyboard_mode() -> None:
    """run_app sets TEXTUAL_DISABLE_KITTY_KEY before Textual is imported, unless the user did."""
    code = (
        "import os, sys\n"
        "os.environ.pop('TEXTUAL_DISABLE_KITTY_KEY', None)\n"
        "import gkassist.ui as ui\n"
        "assert 'textual' not in sys.modules, 'gkassist.ui must not import textual'\n"
        "ui.prepare_environment()\n"
        "import textual.constants as c\n"
        "print(c.DISABLE_KITTY_KEY)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True"
    env = {**os.environ, "TEXTUAL_DISABLE_KITTY_KEY": "0"}
    code_user = code.replace("os.environ.pop('TEXTUAL_DISABLE_KITTY_KEY', None)\n", "")
    out = subprocess.run([sys.executable, "-c", code_user], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert out.stdout.strip() == "False", "a value the user set is kept"
