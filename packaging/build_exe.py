"""Build ``gkassist`` into one executable file, for officers who have no Python (PyInstaller).

    python packaging/build_exe.py        # → dist/gkassist, or dist\\gkassist.exe on Windows

The same command on Windows, macOS and Linux, with any CPython 3.11–3.14 (the one running this
script): the file runs on the system and processor it was built on, without Python. It needs no C
compiler, only the package index (or pip's cache). Steps:

1. a build venv (``build/exe-venv``) with gkassist's dependencies from pyproject.toml, except
   durable-rules, and PyInstaller (the ``exe`` extra);
2. gkassist itself installed into it (not editable: the wheel carries rules/, prompts/, form.yaml
   and the templates inside the package, where ``gkassist.resources`` finds them in the frozen app);
3. PyInstaller ``--onefile`` over ``packaging/gkassist_exe.py``;
4. a smoke run of the file: ``--version``, ``check`` of the sample report, and the sample session
   rendered as a Word file.

The executable runs the pure-Python evaluator: durable-rules is left out on purpose. It has no wheel
and does not build on Windows, where most officers are, so leaving it out everywhere makes the file
behave the same on every system; the Python evaluator gives identical findings (the test suite
compares the two on every check) and is the faster of the two (docs/performance.md).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEFT_OUT = ("durable-rules",)  # see the module docstring
EXE_NAME = "gkassist"
SAMPLE = ROOT / "tests" / "fixtures" / "hongjiang-kjgxj-2024.txt"
SAMPLE_SESSION = ROOT / "tests" / "fixtures" / "hongjiang-2024.session.json"

# what PyInstaller's import analysis cannot see: modules imported by name at run time (the
# subcommands, the rulebook's fact producers, Textual's widgets, rich's Unicode tables) and data
# files read through importlib.resources (gkassist's folders and forms); python-docx's templates
# come with the hook in packaging/pyinstaller_hooks
PYINSTALLER_COLLECT = [
    "--collect-submodules", "gkassist", "--collect-data", "gkassist",
    "--collect-submodules", "textual", "--collect-data", "textual",
    "--collect-submodules", "rich",
    "--collect-data", "cn2an", "--collect-data", "proces",
    "--additional-hooks-dir", str(Path(__file__).resolve().parent / "pyinstaller_hooks"),
]
PYINSTALLER_EXCLUDE = ["durable", "durable_rules_engine", "tkinter", "pytest", "hypothesis"]


def _requirements(names_left_out: tuple[str, ...]) -> list[str]:
    """gkassist's runtime requirements and the ``exe`` extra, minus ``names_left_out``."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(project["dependencies"]) + list(project["optional-dependencies"]["exe"])
    return [r for r in reqs if not any(r.replace("_", "-").lower().startswith(n) for n in names_left_out)]


def _run(cmd: list[str], **kwargs) -> None:  # noqa: ANN003 - passed to subprocess.run
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, **kwargs)


def build(dist: Path, work: Path) -> Path:
    """Build the executable into ``dist``; returns its path."""
    env_dir = work / "exe-venv"
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    if not python.exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    pip = [python, "-m", "pip", "--disable-pip-version-check"]
    _run(pip + ["install", "--quiet", *_requirements(LEFT_OUT)])
    # --force-reinstall: the gkassist being built, not one installed into this venv before
    _run(pip + ["install", "--quiet", "--no-deps", "--force-reinstall", str(ROOT)])
    target = dist / (EXE_NAME + (".exe" if os.name == "nt" else ""))
    target.unlink(missing_ok=True)
    cmd = [python, "-m", "PyInstaller", "--onefile", "--console", "--noconfirm", "--clean", "--log-level", "WARN",
           "--name", EXE_NAME, "--distpath", dist, "--workpath", work / "pyinstaller",
           "--specpath", work / "pyinstaller", *PYINSTALLER_COLLECT]
    for module in PYINSTALLER_EXCLUDE:
        cmd += ["--exclude-module", module]
    _run([*cmd, ROOT / "packaging" / "gkassist_exe.py"], cwd=work)
    return target


def smoke(exe: Path) -> None:
    """The built file names its engine, checks the sample report (exit 1: the sample has errors) and
    renders the sample session as a Word file; a data folder of its own, deleted afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k != "GKASSIST_ENGINE"}
        env["GKASSIST_HOME"] = str(Path(tmp) / "home")

        def run(*args: object) -> subprocess.CompletedProcess:
            return subprocess.run([exe, *args], capture_output=True, text=True, encoding="utf-8", env=env, check=False)

        version = run("--version")
        print(version.stdout.strip())
        if "Python" not in version.stdout:
            raise SystemExit(f"the executable should run the Python evaluator: {version.stdout!r} {version.stderr}")
        runs = [(("check", SAMPLE), 1),
                (("render", SAMPLE_SESSION, "--format", "docx", "-o", Path(tmp) / "r.docx"), 0)]
        for args, ok in runs:
            proc = run(*args)
            if proc.returncode != ok or "Traceback" in proc.stderr:
                raise SystemExit(f"`{args[0]}` of the sample failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the executable goes (dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="build venv and PyInstaller's files (build/)")
    parser.add_argument("--no-smoke", action="store_true", help="skip the smoke run of the built file")
    args = parser.parse_args(argv)
    args.dist.mkdir(parents=True, exist_ok=True)
    args.work.mkdir(parents=True, exist_ok=True)
    if shutil.which("objdump") is None and sys.platform.startswith("linux"):
        print("note: PyInstaller needs objdump on Linux (Debian: apt-get install binutils)", file=sys.stderr)
    started = time.monotonic()
    exe = build(args.dist.resolve(), args.work.resolve())
    if not args.no_smoke:
        smoke(exe)
    size = exe.stat().st_size / 1e6
    print(f"built {exe} ({size:.1f} MB) in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
