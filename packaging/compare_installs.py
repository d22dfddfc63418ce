"""Do two (or more) installs of gkassist check every report the same way, byte for byte?

    python packaging/compare_installs.py .venv .venv-3.13 [more venvs…]

Runs ``gkassist check --json`` on every fixture (tests/fixtures and the corpus in
tests/corpus/reports) in each venv — with each rule engine that venv can run (durable-rules where it
imports, always the Python evaluator), under ``python -W error`` so that a warning on a newer Python
would fail here rather than pass unseen — and compares the output bytes. Prints one line per
(venv, Python, engine) with the digest of its output; exits 1 if any output differs from the first
(showing the first lines that differ) or a run fails. ``.ci/run`` runs it after the test suites.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fixtures() -> list[Path]:
    """Every report the tests read: the fixtures and the corpus, in a fixed order."""
    found = [p for p in sorted((ROOT / "tests" / "fixtures").iterdir()) if p.suffix in (".txt", ".html", ".json")]
    found += sorted(p for p in (ROOT / "tests" / "corpus" / "reports").iterdir() if p.suffix in (".txt", ".html"))
    return found


def python_of(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(venv: Path, args: list[str], engine: str | None, home: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "GKASSIST_"))}
    env["GKASSIST_HOME"] = str(home)
    if engine:
        env["GKASSIST_ENGINE"] = engine
    # relative paths from the project folder: the JSON names each file as given, the same for every venv
    return subprocess.run([str(python_of(venv)), "-W", "error", "-m", "gkassist", *args], cwd=ROOT, env=env,
                          capture_output=True, timeout=600, check=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("venvs", nargs="+", type=Path, help="venvs with gkassist installed")
    args = parser.parse_args(argv)
    files = [str(p.relative_to(ROOT)) for p in fixtures()]
    outputs: list[tuple[str, bytes]] = []
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for venv in args.venvs:
            venv = venv.resolve()
            version = subprocess.run([str(python_of(venv)), "-c", "import sys; print(sys.version.split()[0])"],
                                     capture_output=True, text=True, check=True).stdout.strip()
            has_durable = run(venv, ["--version"], "durable", Path(tmp) / "home").returncode == 0
            for engine in (["durable"] if has_durable else []) + ["python"]:
                proc = run(venv, ["check", "--json", *files], engine, Path(tmp) / "home")
                label = f"{venv.name} (Python {version}, {engine})"
                # exit 1: some report has errors (the corpus has); 2: a file could not be read; else a crash
                if proc.returncode not in (0, 1) or proc.stderr.strip():
                    print(f"{label}: exit {proc.returncode}\n{proc.stderr.decode(errors='replace')[-3000:]}")
                    failed = True
                    continue
                digest = hashlib.sha256(proc.stdout).hexdigest()[:16]
                print(f"{label}: {len(files)} reports, {len(proc.stdout)} bytes of JSON, sha256 {digest}")
                outputs.append((label, proc.stdout))
    first_label, first = outputs[0] if outputs else ("", b"")
    for label, out in outputs[1:]:
        if out != first:
            failed = True
            diff = difflib.unified_diff(first.decode().splitlines(), out.decode().splitlines(),
                                        first_label, label, lineterm="", n=2)
            print("\n".join(list(diff)[:60]))
    if not failed:
        print(f"identical: {len(outputs)} runs of `gkassist check --json` over {len(files)} reports")
    return 1 if failed or not outputs else 0


if __name__ == "__main__":
    sys.exit(main())
