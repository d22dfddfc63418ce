"""The review page as rows: every section of the form, its answers and its findings, each with the
step that selecting it goes back to.

Built from ``FORM`` (sections, labels, computed totals) and the script (which question asks which
field), so it follows the format without a line of its own about it. The screen only draws the
rows (``gkassist.ui.review``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from gkassist.form import FORM
from gkassist.interview.findings import is_fault
from gkassist.interview.flow import Flow
from gkassist.interview.script import Step
from gkassist.text import clip

PROSE_PREVIEW = 60  # characters of a prose answer shown in the list


@dataclass(frozen=True)
class ReviewRow:
    """One line of the review.

    ``kind``: ``section`` (a heading), ``answer`` (a question and its answer), ``finding``, or ``ok``
    (a section without findings). ``target``: the step selecting the row goes to (None: not
    selectable).
    """

    kind: str
    text: str  # the heading; the answer as shown; the finding's message
    title: str = ""  # answer: the question's short name
    state: str = ""  # answer: "answered" | "missing" (required, unanswered) | "optional" (unanswered)
    severity: str = ""  # finding: error | warning | hint
    code: str = ""  # finding: its rule code
    unreached: bool = False  # finding: about a part not filled in yet
    target: str | None = None


def _answer(step: Step, answers: Any, say: Any) -> tuple[str, str]:
    """(text, state) of a step's answer as the review lists it."""
    if step.kind == "row":
        values = [answers.get(f) for f in step.fields]
        if all(v is None for v in values):
            return say("review_unanswered"), "missing"
        shown = "  ".join("？" if v is None else str(v) for v in values)
        totals = [d for d in FORM.dependents(step.fields[0]) if d.rsplit(".", 1)[0] == step.fields[0].rsplit(".", 1)[0]]
        if totals:
            total = FORM.value(totals[0], answers)
            shown += say("review_total", total="？" if total is None else total)
        return shown, "answered"
    fid = step.fields[0]
    value = answers.get(fid)
    if value is None:
        return say("review_unanswered"), "missing" if FORM.field(fid).required else "optional"
    if step.choice:
        return FORM.field(fid).choices.get(value, str(value)), "answered"
    return clip(str(value).replace("\n", " "), PROSE_PREVIEW), "answered"


def review_rows(flow: Flow, findings: Iterable[Any]) -> list[ReviewRow]:
    """The review of the session ``flow`` runs on, with the current ``findings``, section by section."""
    say = flow.script.say
    answers = flow.state.answers
    real = [f for f in findings if is_fault(f)]
    unreached = flow.unreached_fields()
    rows: list[ReviewRow] = []
    for sec in FORM.sections:
        rows.append(ReviewRow("section", sec.heading or sec.title))
        for step in flow.script.steps:
            if step.section != sec.id or step.kind not in ("field", "row", "walk") or not flow.applicable(step):
                continue
            text, state = _answer(step, answers, say)
            rows.append(ReviewRow("answer", text, title=flow.step_title(step), state=state, target=step.id))
        sec_findings = [f for f in real if f.section == sec.id]
        if not sec_findings:
            rows.append(ReviewRow("ok", say("review_section_ok")))
        for f in sec_findings:
            target = flow.step_for_field(f.fields[0]) if f.fields else flow.section_steps(sec.id)[0].id
            rows.append(ReviewRow(
                "finding", f.message, severity=f.severity, code=f.code,
                # listed all the same: the review is the full account
                unreached=bool(unreached & set(f.fields)), target=target,
            ))
    return rows
