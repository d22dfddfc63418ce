"""Which evaluator runs (GKASSIST_ENGINE, automatic choice, ``--version``), the Python evaluator
without durable-rules, and asking the rulebook about one rule (rule_applies, findings_of)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from gkassist.checking import load_input
from gkassist.engine import check, findings_of, rule_applies
from gkassist.resources import rules_dir
from gkassist.rulebook import default_rulebook

FIXTURES = Path(__file__).parent / "fixtures"
# durable-rules made unimportable, as on a Python it does not build for
WITHOUT_DURABLE = "import sys; sys.modules['durable'] = sys.modules['durable_rules_engine'] = None; "

try:
    import gkassist.engine.durable  # noqa: F401
    HAVE_DURABLE = True
except ImportError:
    HAVE_DURABLE = False


def gkassist(*args: str, engine: str | None = None, block_durable: bool = False) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "GKASSIST_ENGINE"}
    if engine is not None:
        env["GKASSIST_ENGINE"] = engine
    code = (WITHOUT_DURABLE if block_durable else "") + "from gkassist.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", "import sys; " + code, *args],
                          capture_output=True, text=True, env=env, check=False)


@pytest.mark.skipif(not HAVE_DURABLE, reason="durable-rules does not import here")
def test_version_names_durable_rules_when_it_imports_and_python_when_asked():
    assert "durable-rules 2.0.28" in gkassist("--version").stdout
    assert "规则引擎：Python" in gkassist("--version", engine="python").stdout


def test_without_durable_rules_the_python_evaluator_runs_and_checks_the_same():
    proc = gkassist("--version", block_durable=True)
    assert proc.returncode == 0 and "规则引擎：Python" in proc.stdout
    report = str(FIXTURES / "hongjiang-kjgxj-2024.txt")
    alone = gkassist("check", "--json", report, block_durable=True)
    assert alone.returncode == 1 and "Traceback" not in alone.stderr
    assert alone.stdout == gkassist("check", "--json", report).stdout


def test_asking_for_an_engine_that_cannot_run_is_a_clear_message():
    proc = gkassist("check", str(FIXTURES / "hongjiang-kjgxj-2024.txt"), engine="durable", block_durable=True)
    assert proc.returncode == 2 and "GKASSIST_ENGINE" in proc.stderr and "Traceback" not in proc.stderr
    proc = gkassist("--version", engine="drools")
    assert proc.returncode == 2 and "GKASSIST_ENGINE" in proc.stderr and "Traceback" not in proc.stderr


def test_the_python_evaluator_imports_nothing_of_durable_rules():
    code = ("import sys, json; from gkassist.engine import check; check({'requests.new.natural': 1}, engine='python'); "
            "print(sorted(m for m in sys.modules if m.startswith('durable')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize(("kind", "level", "applies"), [
    ("department", "county", True), ("government", "township", True), ("department", "province", True),
    ("government", "city", False), ("government", "province", False), ("department", "national", False),
])
def test_rule_applies_answers_with_the_rule_s_own_condition(kind, level, applies):
    assert rule_applies("N7", {"meta.agency_kind": kind, "meta.level": level}) is applies


def test_rule_applies_is_false_when_the_condition_reads_an_unanswered_field():
    assert rule_applies("N7", {"meta.agency_kind": "department"}) is False


def test_findings_of_one_rule_are_those_a_full_check_gives():
    sample = load_input(FIXTURES / "hongjiang-2024.session.json").answers  # a county department, tables all 0
    answers = {**sample, "requests.new.natural": 3, "requests.carried.natural": 1, "requests.granted.natural": 2,
               "requests.carry_over.natural": 1, "active.rules.issued": 1}
    n4 = findings_of("N4", answers)
    assert [(f.code, f.fields[:1], f.numbers["diff"]) for f in n4] == [("N4", ("requests.new.natural",), 1)]
    assert n4 == [f for f in check(answers) if f.code == "N4"]
    assert [f.code for f in findings_of("N7", answers)] == ["N7"]
    with pytest.raises(KeyError):
        findings_of("Z9", answers)


def test_the_copy_threshold_the_interview_uses_is_y3_s_own():
    raw = yaml.safe_load((rules_dir() / "previous.yaml").read_text(encoding="utf-8"))
    assert default_rulebook().similarity_threshold("Y3") == raw["features"]["copied_share"]["threshold"]
    with pytest.raises(KeyError):
        default_rulebook().similarity_threshold("N4")
