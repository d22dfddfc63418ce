"""Does every dependency of gkassist install from a wheel on every supported Python and system?

For each target (CPython 3.11–3.14 × Linux x86_64, macOS arm64, macOS x86_64, Windows amd64) this
asks pip to resolve gkassist's dependencies, the ``test`` and ``exe`` extras included, **from wheels only**
(``pip install --dry-run --only-binary :all: --platform … --python-version … --report``), against
the package index alone (the machine's pip configuration, with its local mirrors and find-links,
is switched off). pip evaluates environment markers for the machine it runs on, not for the target,
so the script completes the closure itself: every resolved package's requirements are evaluated
with the target's markers (``colorama`` on Windows, ``typing-extensions`` before 3.13 …) and any
missing one is resolved too.

durable-rules is the one exception by design: it publishes only an sdist (compiled on install), and
its marker in pyproject.toml limits it to Python < 3.13 and not Windows; where it is absent the
Python evaluator runs. The script reports it separately.

    python packaging/check_wheels.py                 # the full table (about 10 minutes)
    python packaging/check_wheels.py --python 3.14 --system windows-amd64

Prints a Markdown table (docs/compatibility.md holds the last one) and the exact wheel files of
every compiled dependency; exits 1 if any target needs a source build for anything but durable-rules.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parent.parent
PYTHONS = ("3.11", "3.12", "3.13", "3.14")
# pip's --platform values; pip also accepts every older tag of the same family (macOS 11 for 14 …)
SYSTEMS: dict[str, dict] = {
    "linux-x86_64": {
        "platforms": ["manylinux_2_28_x86_64", "manylinux2014_x86_64", "linux_x86_64"],
        "markers": {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
                    "platform_machine": "x86_64"},
    },
    "macos-arm64": {
        "platforms": ["macosx_14_0_arm64"],
        "markers": {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix",
                    "platform_machine": "arm64"},
    },
    "macos-x86_64": {
        "platforms": ["macosx_12_0_x86_64"],
        "markers": {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix",
                    "platform_machine": "x86_64"},
    },
    "windows-amd64": {
        "platforms": ["win_amd64"],
        "markers": {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt",
                    "platform_machine": "AMD64"},
    },
}
SOURCE_ONLY = {"durable-rules"}  # by design: see the module docstring


@dataclass
class Target:
    python: str
    system: str
    wheels: dict[str, tuple[str, str]] = field(default_factory=dict)  # name → (version, wheel file)
    source_only: list[str] = field(default_factory=list)  # SOURCE_ONLY packages this target installs
    error: str | None = None

    @property
    def environment(self) -> dict[str, str]:
        return {"python_version": self.python, "python_full_version": f"{self.python}.0",
                "implementation_name": "cpython", "platform_python_implementation": "CPython",
                **SYSTEMS[self.system]["markers"]}


def project_requirements() -> list[tuple[Requirement, str]]:
    """gkassist's runtime requirements and its extras (``test``, ``exe``), each with its extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    out = [(Requirement(r), "") for r in project["dependencies"]]
    for extra, reqs in project["optional-dependencies"].items():
        out += [(Requirement(r), extra) for r in reqs]
    return out


def applies(req: Requirement, env: dict[str, str], extra: str = "") -> bool:
    return req.marker is None or req.marker.evaluate({**env, "extra": extra})


def pip_env() -> dict[str, str]:
    """The package index alone: no configuration files, local mirrors, find-links or constraints."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PIP_FIND_LINKS", "PIP_EXTRA_INDEX_URL", "PIP_INDEX_URL", "PIP_CONSTRAINT", "PIP_NO_INDEX")}
    env["PIP_CONFIG_FILE"] = os.devnull
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def resolve(target: Target, specs: list[str], scratch: Path) -> list[dict]:
    """pip's wheel-only resolution of ``specs`` for ``target``: the report's ``install`` entries."""
    report = scratch / "report.json"
    report.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
           "--target", str(scratch / "target"), "--only-binary", ":all:", "--implementation", "cp",
           "--python-version", target.python, "--report", str(report)]
    for platform in SYSTEMS[target.system]["platforms"]:
        cmd += ["--platform", platform]
    proc = subprocess.run(cmd + specs, capture_output=True, text=True, env=pip_env(), check=False)
    if proc.returncode != 0:
        lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("ERROR")]
        raise RuntimeError("; ".join(lines) or proc.stderr[-500:])
    return json.loads(report.read_text(encoding="utf-8"))["install"]


def check_target(target: Target) -> Target:
    env = target.environment
    specs = []
    for req, extra in project_requirements():
        if not applies(req, env, extra):
            continue
        if canonicalize_name(req.name) in SOURCE_ONLY:
            target.source_only.append(f"{req.name}{req.specifier}")
            continue
        specs.append(str(Requirement(f"{req.name}{'[' + ','.join(sorted(req.extras)) + ']' if req.extras else ''}"
                                     f"{req.specifier}")))
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        try:
            for _round in range(5):  # each round adds what the target's markers require and pip left out
                installed = resolve(target, specs, scratch)
                for item in installed:
                    meta = item["metadata"]
                    filename = item["download_info"]["url"].rsplit("/", 1)[-1]
                    target.wheels[canonicalize_name(meta["name"])] = (meta["version"], filename)
                missing = []
                extras: dict[str, set[str]] = {}
                for item in installed:
                    for r in item.get("requested_extras") or []:
                        extras.setdefault(canonicalize_name(item["metadata"]["name"]), set()).add(r)
                for item in installed:
                    name = canonicalize_name(item["metadata"]["name"])
                    for raw in item["metadata"].get("requires_dist") or []:
                        req = Requirement(raw)
                        wanted = any(applies(req, env, x) for x in {"", *extras.get(name, set())})
                        if wanted and canonicalize_name(req.name) not in target.wheels:
                            missing.append(str(req).split(";")[0].strip())
                if not missing:
                    break
                specs = sorted(set(specs) | set(missing))
        except RuntimeError as err:
            target.error = str(err)
    return target


def kind(filename: str) -> str:
    """``pure`` for a py3-none-any wheel, else the wheel's compiled tags (``cp314-win_amd64`` …)."""
    _name, _version, _build, tags = parse_wheel_filename(filename)
    if all(t.abi == "none" and t.platform == "any" for t in tags):
        return "pure"
    tag = sorted(tags, key=str)[0]
    if tag.abi == "none":  # a program for this system, whatever the Python (ruff)
        return "any Python"
    return f"{tag.interpreter}-{tag.abi}" if tag.abi == "abi3" else tag.interpreter


def table(targets: list[Target]) -> str:
    """One row per package, one column per system; a cell says how each Python gets it."""
    systems = [s for s in SYSTEMS if any(t.system == s for t in targets)]
    names = sorted({n for t in targets for n in t.wheels})
    lines = ["| package | versions | " + " | ".join(systems) + " |", "|---|---|" + "---|" * len(systems)]
    for name in names:
        versions = sorted({t.wheels[name][0] for t in targets if name in t.wheels}, key=_version_key)
        cells = []
        for system in systems:
            got = [t for t in targets if t.system == system]
            kinds = [kind(t.wheels[name][1]) if name in t.wheels else None for t in got]
            present = [k for k in kinds if k]
            if not present:
                cells.append("not needed")  # a requirement of other systems only (colorama: Windows)
                continue
            if all(k == "pure" for k in present):
                cell = "pure Python"
            elif all(k.endswith("abi3") or k == "any Python" for k in present):
                cell = f"one wheel ({', '.join(sorted(set(present)))})"
            else:
                cell = "wheel per Python (" + ", ".join(sorted(set(present))) + ")"
            if len(present) < len(kinds):
                cell += " for " + ", ".join(t.python for t, k in zip(got, kinds, strict=True) if k)
            cells.append(cell)
        lines.append(f"| {name} | {', '.join(versions)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _version_key(v: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in re.split(r"[.+-]", v))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", nargs="+", default=list(PYTHONS), choices=PYTHONS)
    parser.add_argument("--system", nargs="+", default=list(SYSTEMS), choices=list(SYSTEMS))
    args = parser.parse_args(argv)
    targets = []
    for system in args.system:
        for python in args.python:
            target = check_target(Target(python, system))
            state = f"FAILED: {target.error}" if target.error else f"{len(target.wheels)} packages, all wheels"
            extra = f"; source only: {', '.join(target.source_only)}" if target.source_only else ""
            print(f"CPython {python} {system}: {state}{extra}", file=sys.stderr, flush=True)
            targets.append(target)
    print(table(targets))
    print()
    print("Compiled wheels pip chose for each target (everything else is pure Python):")
    print()
    for t in targets:
        compiled = sorted(f for _v, f in t.wheels.values() if kind(f) != "pure")
        print(f"- CPython {t.python}, {t.system}: " + (", ".join(f"`{f}`" for f in compiled) or "none"))
    from_source = [f"{spec} on CPython {t.python} {t.system}" for t in targets for spec in t.source_only]
    if from_source:
        print()
        print("Installed from source by design (see pyproject.toml): " + "; ".join(from_source) + ".")
    probe = next((t for t in targets if t.source_only), None)
    if probe is not None:  # the evidence that durable-rules has no wheel at all
        with tempfile.TemporaryDirectory() as tmp:
            try:
                resolve(Target(probe.python, probe.system), probe.source_only, Path(tmp))
                print(f"({', '.join(probe.source_only)} now has a wheel for CPython {probe.python} {probe.system}.)")
            except RuntimeError as err:
                print(f"(Wheel-only for {', '.join(probe.source_only)}, CPython {probe.python} {probe.system}: {err})")
    failed = [t for t in targets if t.error]
    for t in failed:
        print(f"\nCPython {t.python} {t.system}: no wheel-only install: {t.error}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
