"""What differs between the Pythons gkassist supports (3.11+), and that none of it reaches the user.

- durable-rules installs only on 3.11/3.12 (not Windows): elsewhere the Python evaluator runs
  (tests/test_engine_choice.py covers the choice).
- On 3.12 durable-rules calls the deprecated ``datetime.utcfromtimestamp`` in every action; under
  ``-W error`` that must not break a check (gkassist.engine.durable contains it).
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import types
import warnings
from pathlib import Path

import pytest

from gkassist.checking import load_input
from gkassist.engine import check

FIXTURES = Path(__file__).parent / "fixtures"

try:
    from durable import engine as durable_engine
except ImportError:
    durable_engine = None

needs_durable = pytest.mark.skipif(durable_engine is None, reason="durable-rules does not import on this Python")


class _DeprecatedUtc(datetime.datetime):
    """``datetime.datetime`` whose ``utcfromtimestamp`` warns as Python 3.12's does."""

    @classmethod
    def utcfromtimestamp(cls, t: float) -> datetime.datetime:  # type: ignore[override]
        warnings.warn("datetime.datetime.utcfromtimestamp() is deprecated and scheduled for removal",
                      DeprecationWarning, stacklevel=2)
        return datetime.datetime.fromtimestamp(t, datetime.UTC).replace(tzinfo=None)


@pytest.fixture
def py312_deprecation(monkeypatch):
    """Python 3.12's DeprecationWarning from durable-rules' actions (on 3.12 it is the real one)."""
    if sys.version_info < (3, 12):
        monkeypatch.setattr(durable_engine, "datetime", types.SimpleNamespace(datetime=_DeprecatedUtc))


@needs_durable
def test_durable_rules_checks_under_warnings_as_errors(py312_deprecation):
    answers = load_input(FIXTURES / "hongjiang-kjgxj-2024.txt").answers
    expected = check(answers, engine="python")
    assert expected, "the sample has findings: the actions must run for durable-rules to report them"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        found = check(answers, engine="durable")
    assert [(f.code, f.fields, f.numbers) for f in found] == [(f.code, f.fields, f.numbers) for f in expected]


@needs_durable
def test_the_stand_in_warning_is_raised_outside_the_engine(py312_deprecation):
    """The test above can fail: the same warning, outside the engine's calls, is an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DeprecationWarning):
            durable_engine._unix_now()


def test_the_command_under_warnings_as_errors_gives_the_same_json(tmp_path):
    report = str(FIXTURES / "hongjiang-kjgxj-2024.txt")
    env = {**os.environ, "GKASSIST_HOME": str(tmp_path)}

    def run(*flags: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, *flags, "-m", "gkassist", "check", "--json", report],
                              capture_output=True, text=True, env=env, check=False)

    strict, plain = run("-W", "error"), run()
    assert strict.returncode == plain.returncode == 1, strict.stderr  # 1: the sample has errors
    assert "error" not in json.loads(strict.stdout), "an internal error, not a check"
    assert strict.stdout == plain.stdout


@pytest.mark.slow
def test_every_engine_of_this_install_gives_the_same_json_for_every_report():
    """packaging/compare_installs.py on this venv alone (CI runs it across the Pythons): every
    fixture and corpus report, each engine that runs here, under -W error, byte for byte."""
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run([sys.executable, str(root / "packaging" / "compare_installs.py"), sys.prefix],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    runs = 2 if durable_engine is not None else 1
    assert f"identical: {runs} runs" in proc.stdout
