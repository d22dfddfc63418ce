"""The one-file executable (packaging/build_exe.py): built here with the script officers' IT staff run
on Windows and macOS, then used as they would, without the test's Python: ``--version``, ``check``
of the sample (the same JSON as the installed program), a folder checked in worker processes,
``render`` (templates and python-docx's own template inside the file), and the interview's picker
in a real terminal (a private tmux server).

Slow: the build installs a venv and runs PyInstaller (about a minute).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLE = FIXTURES / "hongjiang-kjgxj-2024.txt"
TMUX = shutil.which("tmux")


@pytest.fixture(scope="module")
def exe(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("exe")
    proc = subprocess.run([sys.executable, str(ROOT / "packaging" / "build_exe.py"), "--dist", str(base / "dist"),
                           "--work", str(base / "build")], capture_output=True, text=True, timeout=1200, check=False)
    assert proc.returncode == 0, f"build failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    built = base / "dist" / ("gkassist.exe" if os.name == "nt" else "gkassist")
    assert built.is_file()
    # nothing of the build remains to lean on: the file alone, in a folder of its own
    alone = base / "alone" / built.name
    alone.parent.mkdir()
    shutil.move(built, alone)
    shutil.rmtree(base / "build")
    return alone


def _env(home: Path) -> dict[str, str]:
    """Nothing pointing at a Python or an engine of ours; data in ``home``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "GKASSIST_"))}
    env["GKASSIST_HOME"] = str(home)
    return env


def _run(args: list, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=120, check=False)


def test_the_executable_runs_the_python_evaluator_and_checks_as_the_installed_program(exe, tmp_path):
    env = _env(tmp_path / "home")
    version = _run([exe, "--version"], tmp_path, env)
    assert version.returncode == 0 and "规则引擎：Python" in version.stdout, version.stderr

    frozen = _run([exe, "check", "--json", SAMPLE], tmp_path, env)
    assert frozen.returncode == 1 and "Traceback" not in frozen.stderr, frozen.stderr
    installed = subprocess.run([sys.executable, "-m", "gkassist", "check", "--json", str(SAMPLE)], cwd=tmp_path,
                               capture_output=True, text=True, encoding="utf-8", check=False,
                               env={**os.environ, "GKASSIST_HOME": str(tmp_path / "home2")})
    assert frozen.stdout == installed.stdout
    assert {f["code"] for f in json.loads(frozen.stdout)["findings"]} >= {"S1"}


def test_the_executable_checks_a_folder_in_worker_processes(exe, tmp_path):
    folder = tmp_path / "年报"
    folder.mkdir()
    for i in range(20):  # more than gkassist.checking.PARALLEL_FROM: one worker process per core
        shutil.copyfile(SAMPLE, folder / f"{i:02d}.txt")
    shutil.copyfile(FIXTURES / "qinglin-jtj-2023.html", folder / "qinglin.html")
    proc = _run([exe, "check", "--json", folder], tmp_path, _env(tmp_path / "home"))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    results = json.loads(proc.stdout)
    assert len(results) == 21 and not any(r.get("error") for r in results)
    assert results[0]["findings"] == results[19]["findings"]


def test_the_executable_renders_every_format_from_its_templates(exe, tmp_path):
    env = _env(tmp_path / "home")
    session = FIXTURES / "hongjiang-2024.session.json"
    for fmt in ("txt", "html", "docx"):
        out = tmp_path / f"report.{fmt}"
        proc = _run([exe, "render", session, "--format", fmt, "-o", out], tmp_path, env)
        assert proc.returncode == 0, proc.stderr
        assert out.stat().st_size > 1000
    txt = (tmp_path / "report.txt").read_text(encoding="utf-8")
    assert txt.startswith("怀化市洪江区科技和工业信息化局2024年政府信息公开工作年度报告\n")
    assert (tmp_path / "report.docx").read_bytes()[:2] == b"PK"


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed (apt-get install tmux; .ci/run installs it)")
def test_the_executable_shows_the_report_picker_in_a_real_terminal(exe, tmp_path):
    server = f"gkexe{uuid.uuid4().hex[:8]}"  # a private tmux server: never the user's sessions
    env = {**_env(tmp_path / "home"), "TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
           "TMUX_TMPDIR": str(tmp_path)}
    env.pop("TMUX", None)

    def tmux(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([TMUX, "-L", server, "-u", *args], env=env, capture_output=True, text=True, timeout=30)

    def wait_for(text: str, timeout: float = 30.0) -> str:
        deadline, screen = time.monotonic() + timeout, ""
        while time.monotonic() < deadline:
            screen = tmux("capture-pane", "-p", "-t", "gk").stdout
            if text in screen.replace(" ", ""):
                return screen
            time.sleep(0.2)
        raise AssertionError(f"「{text}」 did not appear within {timeout:.0f} s; the screen was:\n{screen}")

    try:
        tmux("new-session", "-d", "-s", "gk", "-x", "120", "-y", "40", f"'{exe}'")
        screen = wait_for("开始新报告")
        assert "选择要填写的报告" in screen.replace(" ", "")
        tmux("send-keys", "-t", "gk", "Enter")  # no saved report yet: 「开始新报告」 has the focus
        wait_for("请输入本机关的全称")
        tmux("send-keys", "-t", "gk", "C-q")
        deadline = time.monotonic() + 15
        while tmux("has-session", "-t", "gk").returncode == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert tmux("has-session", "-t", "gk").returncode != 0, "the program did not quit on Ctrl+Q"
    finally:
        tmux("kill-server")
