"""The review page's rows, built without a screen: answers, totals, findings and where each leads."""

from __future__ import annotations

from types import SimpleNamespace

from gkassist.engine import Finding
from gkassist.form import FORM
from gkassist.interview.flow import Flow
from gkassist.interview.review import review_rows


def make_flow(answers: dict) -> Flow:
    return Flow(SimpleNamespace(answers=answers, previous=None, workbench={}))


def test_every_section_is_listed_with_its_questions_and_where_they_lead() -> None:
    rows = review_rows(make_flow({"meta.agency": "某某局"}), [])
    sections = [r.text for r in rows if r.kind == "section"]
    assert sections == [s.heading or s.title for s in FORM.sections]
    agency = next(r for r in rows if r.target == "meta.agency")
    assert agency.kind == "answer" and agency.text == "某某局" and agency.state == "answered"
    year = next(r for r in rows if r.target == "meta.year")
    assert year.state == "missing", "a required question not answered"
    assert all(r.target is None for r in rows if r.kind in ("section", "ok"))


def test_a_row_of_table_three_shows_its_numbers_and_computed_total() -> None:
    answers = {f"requests.new.{c.id}": n for c, n in zip(
        [c for c in FORM.requests_columns if not c.derived], (3, 1, 0, 0, 0, 0), strict=True)}
    row = next(r for r in review_rows(make_flow(answers), []) if r.target == "requests.new")
    assert row.text.split()[:6] == ["3", "1", "0", "0", "0", "0"]
    assert row.text.split()[-1] == "4"


def test_findings_are_listed_under_their_section_and_lead_to_their_question() -> None:
    n4 = Finding(code="N4", severity="error", fields=("requests.carry_over.natural",), message="…",
                 section="requests", numbers={})
    suggestion = Finding(code="W5", severity="hint", fields=(), message="…", section="problems", numbers={},
                         kind="suggestion")
    rows = review_rows(make_flow({"meta.agency": "某某局"}), [n4, suggestion])
    found = [r for r in rows if r.kind == "finding"]
    assert [(r.code, r.severity, r.target) for r in found] == [("N4", "error", "requests.carry_over")]
    assert found[0].unreached, "the report has not reached table 三 yet"
    by_section = dict(zip([s.id for s in FORM.sections], _split(rows), strict=True))
    assert found[0] in by_section[FORM.field("requests.carry_over.natural").section]


def _split(rows: list) -> list[list]:
    """The rows section by section (each list starts with its heading)."""
    out: list[list] = []
    for r in rows:
        if r.kind == "section":
            out.append([])
        out[-1].append(r)
    return out


def _sessions(sample_answers, consistent_answers) -> dict[str, SimpleNamespace]:
    sample = sample_answers()
    imbalance = consistent_answers()
    imbalance["requests.carry_over.natural"] = 5  # N4
    no_five = {k: v for k, v in sample.items() if k not in ("problems", "measures", "rectification", "other_matters")}
    return {
        "new": SimpleNamespace(answers={}, previous=None, workbench={}),
        "sample, no last year": SimpleNamespace(answers=sample, previous=None, workbench={}),
        "sample, 五 as items": SimpleNamespace(answers=no_five, previous=None,
                                               workbench={"asks": {"section5.mode": "yes"}}),
        "sample, 五 as prose": SimpleNamespace(answers=no_five, previous=None,
                                               workbench={"asks": {"section5.mode": "no"}}),
        "sample, listed none yet": SimpleNamespace(
            answers=no_five, previous=None,
            workbench={"asks": {"section5.mode": "yes", "rectification.listed": "yes", "rectification.previous": "no"}}),
        "imbalance, last year known": SimpleNamespace(answers=imbalance, previous=sample, workbench={}),
    }


def test_every_finding_in_the_review_leads_to_a_question_that_can_change_it(sample_answers, consistent_answers) -> None:
    # issue 13 item 5: T5's row led to 「上年度报告中没有找到可以逐条回顾的问题，这一步跳过」, nothing to fill
    from gkassist.engine import check

    seen: set[str] = set()
    for name, state in _sessions(sample_answers, consistent_answers).items():
        flow = Flow(state)
        findings = check(state.answers, previous=state.previous)
        for row in review_rows(flow, findings):
            if row.kind != "finding":
                continue
            seen.add(row.code)
            step = flow.script.step(row.target)
            finding = next(f for f in findings if f.code == row.code and f.message == row.text)
            assert step.kind != "final" and flow.applicable(step), (name, row.code, step.id)
            if step.kind == "walk":
                assert flow.condition("walkable"), (name, row.code, "a walk with nothing to walk through")
            asks = set(step.fields) | {d for f in step.fields for d in FORM.dependents(f)}
            decides = step.kind in ("ask", "gate", "list") and step.section == finding.section
            assert asks & set(finding.fields) or decides or not finding.fields, (name, row.code, step.id, finding.fields)
    assert {"T5", "N4", "T1", "T4", "T6"} <= seen, seen


def test_t5_without_last_years_report_leads_to_the_question_that_resolves_it(sample_answers) -> None:
    from gkassist.engine import check

    answers = {k: v for k, v in sample_answers().items() if k != "rectification"}
    state = SimpleNamespace(answers=answers, previous=None, workbench={"asks": {"section5.mode": "yes"}})
    flow = Flow(state)
    t5 = next(r for r in review_rows(flow, check(answers)) if r.code == "T5")
    assert t5.target == "rectification.listed"
    flow.move(t5.target)
    out = flow.submit("否")
    assert not [f for f in check({**answers, **out.values}) if f.code == "T5"]


def test_a_long_answer_is_shortened_where_it_may_be_cut(sample_answers) -> None:
    # issue 13 item 11: the review list cut 「（2）LED」 into 「（2」 / 「）LE……」
    from gkassist.text import can_cut

    answers = sample_answers()
    flow = make_flow(answers)
    rows = [r for r in review_rows(flow, []) if r.kind == "answer" and r.text.endswith("……")]
    assert rows, "some answers are long"
    for row in rows:
        shown = row.text.removesuffix("……")
        full = str(answers[flow.script.step(row.target).fields[0]]).replace("\n", " ")
        assert full.startswith(shown) and can_cut(full, len(shown)), row.text
    proactive = next(r for r in rows if r.target == "overview.proactive")
    assert "LE……" not in proactive.text and not proactive.text.endswith("（2……")
