"""Packaging proof: a plain (non-editable) `pip install <repo>` works from any folder.

The wheel must carry rules/, prompts/ and the report templates inside the package: the test
installs the project into a fresh venv, then — from a folder outside the source tree, so that
nothing can be found beside the package — runs `gkassist --help`, renders the sample session, and
asks `importlib.resources` inside that venv for the data folders. It needs pip and (on a cold pip
cache) the network; pip's cache is reused, so a warm run builds nothing but gkassist itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "hongjiang-2024.session.json"

# Run inside the installed venv: where the package and its data folders are.
PROBE = """
import json, sys
from importlib.resources import files
import gkassist
pkg = files("gkassist")
def listing(name):
    root = pkg / name
    if not root.is_dir():
        return None
    out = []
    stack = [(root, "")]
    while stack:
        node, prefix = stack.pop()
        for child in node.iterdir():
            rel = prefix + child.name
            if child.is_dir():
                stack.append((child, rel + "/"))
            else:
                out.append(rel)
    return sorted(out)
print(json.dumps({
    "package": gkassist.__file__,
    "rules": listing("rules"),
    "prompts": listing("prompts"),
    "templates": listing("render/templates"),
}))
"""


def _source_listing(folder: Path) -> list[str]:
    return sorted(
        str(p.relative_to(folder)).replace(os.sep, "/")
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith(".pyc")
    )


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path, dict[str, str]]:
    base = tmp_path_factory.mktemp("install")
    target = base / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(target)
    bindir = target / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "PIP_"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["GKASSIST_HOME"] = str(base / "home")
    # pip's cache (the default one) is deliberately shared: no --no-cache-dir
    result = _run([str(python), "-m", "pip", "install", str(ROOT)], cwd=base, env=env, timeout=1800)
    assert result.returncode == 0, f"pip install failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    return bindir, elsewhere, env


@pytest.mark.slow
def test_installed_package_carries_rules_prompts_and_templates(installed):
    bindir, elsewhere, env = installed
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    result = _run([str(python), "-c", PROBE], cwd=elsewhere, env=env)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    # the installed copy, not the source tree
    assert Path(found["package"]).resolve().is_relative_to(bindir.parent.resolve())
    assert not Path(found["package"]).resolve().is_relative_to(ROOT)
    assert found["rules"] is not None, "rules/ is missing from the installed package"
    assert found["prompts"] is not None, "prompts/ is missing from the installed package"
    assert found["rules"] == _source_listing(ROOT / "rules")
    assert found["prompts"] == _source_listing(ROOT / "prompts")
    assert {"report.txt.j2", "report.md.j2", "report.html.j2"} <= set(found["templates"] or [])


@pytest.mark.slow
def test_installed_command_runs_from_another_folder(installed):
    bindir, elsewhere, env = installed
    gkassist = bindir / ("gkassist.exe" if os.name == "nt" else "gkassist")
    result = _run([str(gkassist), "--help"], cwd=elsewhere, env=env)
    assert result.returncode == 0, result.stderr
    assert "render" in result.stdout and "用法" in result.stdout

    session = elsewhere / "hongjiang.json"
    session.write_bytes(FIXTURE.read_bytes())
    for fmt in ("txt", "docx"):
        out = elsewhere / f"report.{fmt}"
        result = _run(
            [str(gkassist), "render", session.name, "--format", fmt, "-o", out.name], cwd=elsewhere, env=env
        )
        assert result.returncode == 0, result.stderr
        assert out.stat().st_size > 1000
    txt = (elsewhere / "report.txt").read_text(encoding="utf-8")
    assert txt.startswith("怀化市洪江区科技和工业信息化局2024年政府信息公开工作年度报告\n")
    assert "三、本年度办理结果" in txt
    assert (elsewhere / "report.docx").read_bytes()[:2] == b"PK"
