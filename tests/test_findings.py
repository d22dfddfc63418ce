"""The findings module: labels from prompts/ui.yaml, order, grouping and keys, and no engine behind it."""

from __future__ import annotations

import subprocess
import sys

import yaml

from gkassist import findings
from gkassist.findings import Finding, by_section, count_by_severity, finding_key, label_of, touching
from gkassist.resources import prompts_dir


def _f(code: str, severity: str = "error", fields: tuple[str, ...] = (), section: str = "requests",
       kind: str = "finding") -> Finding:
    return Finding(code, severity, fields, f"{code} message", section, {}, kind)


def test_severity_labels_are_the_words_of_prompts_ui_yaml():
    words = yaml.safe_load((prompts_dir() / "ui.yaml").read_text(encoding="utf-8"))["severity"]
    assert findings.severity_labels() == words
    assert label_of(_f("N4", "warning")) == words["warning"]
    assert label_of(_f("W1", "hint", kind="suggestion")) == words["suggestion"]


def test_counting_leaves_suggestions_out():
    found = [_f("N4"), _f("N4"), _f("T1", "hint"), _f("W1", "hint", kind="suggestion"), _f("Y3", "warning")]
    assert count_by_severity(found) == {"error": 2, "warning": 1, "hint": 1}


def test_touching_includes_findings_on_totals_computed_from_the_fields():
    on_total = _f("N2", fields=("requests.new.total",))
    elsewhere = _f("N8", fields=("active.fees",))
    assert touching([on_total, elsewhere], ["requests.new.natural"]) == [on_total]
    assert finding_key(on_total) == ("N2", ("requests.new.total",))


def test_grouping_keeps_the_order_given():
    found = [_f("N4", section="requests"), _f("N2", section="requests"), _f("T5", section="problems")]
    assert [(s, [f.code for f in fs]) for s, fs in by_section(found)] == [
        ("requests", ["N4", "N2"]), ("problems", ["T5"])]


def test_sort_key_orders_by_section_then_severity():
    a = findings.sort_key(_f("T1", "hint", section="overview"), 5, (0,), "T1")
    b = findings.sort_key(_f("N4", "error", section="requests"), 1, (0,), "N4")
    c = findings.sort_key(_f("N9", "warning", section="requests"), 0, (0,), "N9")
    assert sorted([c, b, a]) == [a, b, c]


def test_importing_findings_starts_no_rule_engine():
    code = ("import sys, gkassist.findings, gkassist.facts, gkassist.rulebook; "
            "print(sorted(m for m in sys.modules if m.startswith('durable')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
