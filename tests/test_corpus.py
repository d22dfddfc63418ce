"""The corpus of real published reports (tests/corpus/reports/, issue 12) is the test of record.

Every report is checked in-process. What must hold: no report crashes the checker, and every report
gets an agency and a year or a stated reason; the report year is read wherever the file states it;
every expectation is well formed (codes, severities, sections and field ids that exist); errors and
warnings with no false finding and at least today's recall. Issue 12 asked for precision and recall
≥ 0.95; the floors below are the figures measured on 2026-12-04 (precision 1.00, recall 43 of 45 =
0.96; docs/corpus.md says what the two misses are), so that any regression fails here. The figures
per code: `python benchmarks/corpus_check.py`.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "corpus_check.py"
LEVELS = {"township", "county", "city", "province"}
KINDS = {"government", "department", "township"}
LAYOUTS = {"cell-per-line-pipe", "cell-per-line-pipe-own-line", "cell-per-line-bare", "cell-per-line-blank",
           "row-per-line-pipe", "row-per-line-glued", "pdf-text", "html", "docx", "prose-only"}


def _load_script():
    spec = importlib.util.spec_from_file_location("corpus_check", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("corpus_check", module)  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return sys.modules["corpus_check"]


corpus_check = _load_script()
CASES = corpus_check.load_corpus()
# The floor of recall: today's figure (docs/corpus.md). Raise it when the checker gets better; never lower it.
# The third first-sight sweep (20 new reports) holds 9 faults; the checker finds 8 of them (S1 on
# ewenke-qi-2025, a heading missing in a section the file is cut in, is left a miss: see its record).
MIN_RECALL = 74 / 77  # 0.96: the misses are T4 on qu-sjj-2020-p9, S7 (表二) on xiongxian-xiang-2019, S1 on ewenke-qi-2025


@pytest.fixture(scope="module")
def checked():
    """(case, FileResult) for every report, checked once for the module."""
    from gkassist.checking import check_file

    return [(case, check_file(str(case.report))) for case in CASES]


@pytest.fixture(scope="module")
def outcomes(checked):
    return [
        corpus_check.compare(case, result.findings, result.error,
                             result.input.agency if result.input else None,
                             result.input.year if result.input else None)
        for case, result in checked
    ]


def test_the_corpus_is_the_size_the_issue_asks_for():
    assert len(CASES) >= 30
    years = {c.expected["year"] for c in CASES if c.expected["year"]}
    assert set(range(2019, 2026)) <= years
    assert {c.expected["level"] for c in CASES} == LEVELS
    assert {c.expected["format"] for c in CASES} >= {2019, 2021}
    assert sum(1 for c in CASES if c.expected["truncated"]) >= 3


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.slug)
def test_expectation_is_well_formed(case):
    from gkassist.form import FORM
    from gkassist.rulebook import default_rulebook

    e = case.expected
    assert e["source"].get("store") in {"pages", "code", "built"}
    assert "kirogov" not in str(e["source"]).lower()
    assert e["level"] in LEVELS and e["agency_kind"] in KINDS and e["layout"] in LAYOUTS
    assert e["format"] in {2008, 2019, 2021}
    assert e["truncated"] is False or isinstance(e["truncated"], str)
    assert e.get("checker_today"), "say where the checker disagrees today (or that it agrees)"
    severities: dict[str, set[str]] = {}
    for rule in default_rulebook().rules:
        severities.setdefault(rule.code, set()).update(c.severity for c in rule.cases)
    for f in (e.get("findings") or []) + (e.get("not_findings") or []):
        assert f["code"] in severities, f
        assert f.get("why"), f
    for f in e.get("findings") or []:
        assert corpus_check.SEVERITY[f["severity"]] in severities[f["code"]], f
        FORM.section(f["section"])
        for fid in f.get("fields") or ():
            FORM.field(fid)
    for sid in e.get("sections_seen") or ():
        FORM.section(sid)


def test_no_report_crashes_the_checker(checked):
    for case, result in checked:
        assert result.error is None or "内部错误" not in result.error, (case.slug, result.error)


def test_every_report_gets_an_agency_and_year_or_a_reason(checked):
    for case, result in checked:
        if result.error is not None:
            continue  # unreadable: the error itself is the reason, in Chinese
        inp = result.input
        if inp.agency and inp.year:
            continue
        reasons = [f for f in result.findings if f.code == "S6"] or inp.problems
        assert reasons, f"{case.slug}: no agency/year and no word why"


def test_the_year_is_read_wherever_the_file_states_it(checked):
    wrong = [(case.slug, result.input.year if result.input else None, case.expected["year"])
             for case, result in checked
             if case.expected.get("year_in_text") and (result.input is None
                                                       or result.input.year != case.expected["year"])]
    assert not wrong


def test_no_false_error_or_warning(outcomes):
    # precision 1.00 (issue 12 asked for ≥ 0.95): every false finding is listed by the script
    _, total = corpus_check.tally(outcomes)
    false_pos = [(o.case.slug, f.code, f.section) for o in outcomes for f in o.false_pos]
    assert total.fp == 0 and not false_pos, false_pos
    assert total.precision == 1.0, total


def test_errors_and_warnings_recall_does_not_fall(outcomes):
    _, total = corpus_check.tally(outcomes)
    missed = [(o.case.slug, e["code"], e.get("section")) for o in outcomes for e in o.false_neg]
    assert total.recall is not None and total.recall >= MIN_RECALL - 1e-9, (total, missed)
    assert total.recall >= 0.95  # issue 12's target


def test_the_matcher_counts_one_fault_reported_many_times_once():
    """The scoring rule itself (benchmarks/corpus_check.py): one expected finding matches one finding."""
    from gkassist.engine import Finding

    case = corpus_check.Case(Path("x.txt"), {"findings": [
        {"code": "N2", "severity": "E", "section": "requests", "fields": ["requests.granted.total"]},
        {"code": "S7", "severity": "E", "section": "review"},
    ]})
    found = [
        Finding("N2", "error", ("requests.partial.total",), "", "requests"),
        Finding("N2", "error", ("requests.granted.total",), "", "requests"),
        Finding("S7", "error", (), "", "active"),
        Finding("T1", "hint", (), "", "overview"),
    ]
    o = corpus_check.compare(case, found)
    assert [(e["code"], f.fields) for e, f in o.true_pos] == [("N2", ("requests.granted.total",))]
    assert [f.code for f in o.false_pos] == ["N2", "S7"]  # the hint is not counted
    assert [e["code"] for e in o.false_neg] == ["S7"]


@pytest.mark.parametrize("case", [c for c in CASES if c.expected["truncated"]], ids=lambda c: c.slug)
def test_nothing_is_said_about_what_a_truncated_file_does_not_hold(case):
    """The rules' side of issue 12 items 5 and 6, on every cut file of the corpus: told what the file
    holds (the extent a perfect importer gives, from the expectation), the checker reports no error
    or warning about a section outside it."""
    from gkassist.checking import InputUnreadable, check_input, load_input

    try:
        inp = load_input(str(case.report))
    except InputUnreadable:
        return  # not read at all: nothing is said about it
    inp.extra_facts = [f for f in inp.extra_facts if f.get("kind") != "structure.extent"]
    inp.extra_facts.append(corpus_check.expected_coverage(case))
    # what the reviewer saw: the sections listed, and the title or preamble where a finding is about them
    seen = set(case.expected.get("sections_seen") or ()) | {f["section"] for f in case.expected_findings()}
    outside = [(f.code, f.section) for f in check_input(inp)
               if f.severity in ("error", "warning") and f.kind == "finding" and f.section not in seen]
    assert not outside
