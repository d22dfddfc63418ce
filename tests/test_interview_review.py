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
