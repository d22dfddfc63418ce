"""The real program in a real terminal: ``python -m gkassist`` inside tmux, Chinese typed with
``send-keys -l``, the screen read back with ``capture-pane``. A short interview, then an export.

Skips (saying why) where tmux is not installed; ``.ci/run`` installs it, and fails where it cannot.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

TMUX = shutil.which("tmux")
ROOT = Path(__file__).resolve().parent.parent


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
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen.replace(" ", ""):
                return screen
            time.sleep(0.2)
        raise AssertionError(f"「{text}」 did not appear on screen within {timeout:.0f} s; the screen was:\n{screen}")

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.name, "-l", text)

    def keys(self, *keys: str) -> None:
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


def test_short_interview_in_a_real_terminal_ends_in_an_exported_report(terminal: Terminal, tmp_path: Path) -> None:
    report = tmp_path / "年报.txt"
    terminal.start([sys.executable, "-m", "gkassist"])
    terminal.wait_for("开始新报告")
    terminal.keys("Enter")  # no saved report yet: the 「开始新报告」 button has the focus
    terminal.wait_for("请输入本机关的全称")
    terminal.type("怀化市洪江区科技和工业信息化局")
    terminal.keys("Enter")
    terminal.wait_for("哪一年")
    terminal.keys("C-u")  # the input holds last year: clear it
    terminal.type("2024")
    terminal.keys("Enter")
    terminal.wait_for("本机关属于哪一类")
    terminal.type("2")
    terminal.keys("Enter")
    terminal.wait_for("行政层级")
    terminal.type("县级")
    terminal.keys("Enter")
    screen = terminal.wait_for("先用一两句话概括")
    assert "Ctrl+J提交" in screen.replace(" ", ""), "the prose editor says how to submit"
    terminal.type("2024年，我局认真贯彻落实《条例》，规范有序地做好政府信息公开工作。")
    terminal.keys("C-j")
    for topic in ("（一）主动公开", "（二）依申请公开", "（三）政府信息管理", "（四）政府信息公开平台建设", "（五）监督保障"):
        terminal.wait_for(topic)
        terminal.keys("C-j")  # skipped: T1 will say so
    terminal.wait_for("下面填表二")
    terminal.type("没有")
    terminal.keys("Enter")
    terminal.wait_for("下面填表三")
    terminal.type("没有")
    terminal.keys("Enter")
    terminal.wait_for("确认吗")
    terminal.type("是")
    terminal.keys("Enter")
    terminal.wait_for("下面填表四")
    terminal.type("没有")
    terminal.keys("Enter")
    terminal.wait_for("要助手帮您逐条写吗")
    terminal.keys("Enter")  # 「是」 is in the line: items, with the standard wording
    terminal.wait_for("存在哪些主要问题")
    terminal.type("人员兼职")
    terminal.wait_for("【队伍与专业能力】")  # the phrasing listed under the editor
    terminal.keys("Tab")  # … taken, its first slot selected
    terminal.wait_for("请把黄色的空换成")
    terminal.type("办公室")
    terminal.keys("Tab")
    terminal.type("1")
    terminal.keys("C-j")
    terminal.wait_for("回应第1条问题")  # a measure that answers it, on the empty line
    terminal.keys("Tab")  # 充实工作力量，在{科室}明确{人数}名专职人员……
    terminal.wait_for("请把黄色的空换成")
    terminal.type("办公室")
    terminal.keys("Tab")
    terminal.type("2")
    terminal.keys("C-j")
    terminal.wait_for("信息处理费")
    terminal.type("否")
    terminal.keys("Enter")
    terminal.wait_for("未收取政府信息公开信息处理费")  # the standard sentence, in the editor
    terminal.keys("C-j")
    terminal.wait_for("逐项核对")  # the review screen
    terminal.keys("Escape")
    terminal.wait_for("全部问题都已问完")
    terminal.type(f"/export txt {report}")
    terminal.keys("Enter")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not report.exists():
        flat = terminal.screen().replace(" ", "")
        if "仍要导出吗" in flat:
            terminal.keys("BTab")  # from 「取消」 to 「确定」
            terminal.keys("Enter")
        time.sleep(0.3)
    terminal.wait_for("报告已导出")
    text = report.read_text(encoding="utf-8")
    assert "怀化市洪江区科技和工业信息化局2024年政府信息公开工作年度报告" in text
    assert "目前由办公室1名工作人员兼职承担" in text
    assert "下一步，我局将" in text and "明确2名专职人员" in text
    assert "未收取政府信息公开信息处理费" in text
    terminal.keys("C-q")
    deadline = time.monotonic() + 15
    while terminal.alive() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not terminal.alive(), "Ctrl+Q ends the program"


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
