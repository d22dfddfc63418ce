"""The interview's backend without a screen: one write per answer, export paths, finding filters."""

from __future__ import annotations

from pathlib import Path

import pytest

from gkassist.findings import touching
from gkassist.interview.flow import Flow
from gkassist.interview.service import InterviewService
from gkassist.session import SessionStore


@pytest.fixture
def backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> InterviewService:
    monkeypatch.setenv("GKASSIST_HOME", str(tmp_path / "home"))
    session = SessionStore().create({"meta.agency": "某某县科技局", "meta.year": 2024})
    yield InterviewService(session)
    session.close()


def test_an_answer_is_one_write_with_its_position(backend: InterviewService, monkeypatch: pytest.MonkeyPatch) -> None:
    from gkassist import session as session_mod

    session = backend.session
    writes: list[int] = []
    original = session_mod.atomic_write
    monkeypatch.setattr(session_mod, "atomic_write", lambda *a, **k: (writes.append(1), original(*a, **k))[1])
    flow = Flow(session)
    flow.move("requests.any")
    outcome = flow.submit("有")  # a gate: workbench and position only
    backend.save(outcome, {"step": outcome.next_step, "return_to": None})
    flow.move(outcome.next_step)
    outcome = flow.submit("3 1 0 0 0 0")
    writes.clear()
    backend.save(outcome, {"step": outcome.next_step, "return_to": None})
    assert len(writes) == 1
    reopened = SessionStore().open(session.path, lock=False)
    assert reopened.answers["requests.new.natural"] == 3
    assert reopened.position["step"] == "requests.carried"
    assert reopened.workbench["gates"] == {"requests.any": True}


def test_an_answer_applied_is_written_by_the_next_flush_in_order(backend: InterviewService) -> None:
    session = backend.session
    flow = Flow(session)
    flow.move("requests.any")
    first = flow.submit("有")
    backend.apply(first, {"step": first.next_step})
    flow.move(first.next_step)
    second = flow.submit("3 1 0 0 0 0")
    backend.apply(second, {"step": second.next_step})
    assert session.answers["requests.new.natural"] == 3, "the flow asks the next question from memory"
    assert "requests.new.natural" not in SessionStore().open(session.path, lock=False).answers
    backend.flush()  # one write with both answers
    reopened = SessionStore().open(session.path, lock=False)
    assert reopened.answers["requests.new.natural"] == 3 and reopened.workbench["gates"] == {"requests.any": True}
    assert reopened.position["step"] == "requests.carried"


def test_the_engine_is_given_the_notes_of_the_answers_it_checks(backend: InterviewService) -> None:
    # issue 13 item 8: 2655元 is read with a note (the engine's N1 hint then names it); corrected to
    # 0.2655 the note is gone from the session, and must be from the findings the screen shows
    from gkassist.engine import check

    flow = Flow(backend.session)
    flow.move("active.fees")
    outcome = flow.submit("2655元")
    backend.save(outcome, {"step": "active.fees"})
    assert [f for f in backend.check(None) if f.code == "N1"], "the validator starts with the note"
    outcome = flow.submit("0.2655")
    backend.save(outcome, {"step": "active.fees"})
    found = backend.check(backend.changes_of(outcome))
    session = backend.session
    expected = check(dict(session.answers), previous=session.previous, notes=dict(session.notes))
    assert [(f.code, f.fields) for f in found] == [(f.code, f.fields) for f in expected]
    assert not [f for f in found if f.code == "N1"]


def test_export_paths(backend: InterviewService, tmp_path: Path) -> None:
    title = "某某县科技局2024年政府信息公开工作年度报告"
    assert backend.export("txt", tmp_path / "年报") == (tmp_path / "年报.txt").resolve()
    assert backend.export("md", str(tmp_path) + "/") == (tmp_path / f"{title}.md").resolve()
    assert backend.export("html", tmp_path / "x.htm").name == "x.htm"
    assert title in (tmp_path / "年报.txt").read_text(encoding="utf-8")


def test_findings_touching_a_row_include_those_on_its_totals(backend: InterviewService) -> None:
    class F:
        def __init__(self, code: str, fields: tuple[str, ...]) -> None:
            self.code, self.fields = code, fields

    n2 = F("N2", ("requests.new.total",))
    t6 = F("T6", ("other_matters",))
    assert touching([n2, t6], ["requests.new.natural"]) == [n2]


def test_findings_come_from_the_real_engine(backend: InterviewService) -> None:
    findings = backend.check(None)
    assert findings, "an almost empty report has findings (T4, T6 …)"
    assert all(f.severity in ("error", "warning", "hint") for f in findings)
    after = backend.check({"requests.new.natural": 3})
    assert {f.code for f in after} >= {f.code for f in findings if f.code != "N4"}
