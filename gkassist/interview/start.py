"""A new year's report started from last year's: what carries over, and reading last year's file.

Plain Python: the picker calls it; a session file or a published report (txt / html …) is read
into last year's typed answers, and the new session starts with what carries over from them.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gkassist.errors import UserError
from gkassist.form import FORM


def carry_over(previous: Mapping[str, Any]) -> dict[str, Any]:
    """The answers a new year's session starts with, from last year's answers.

    The agency stays the same agency; 二、上年结转 is by definition last year's 四、结转下年度.
    Everything else is this year's to say (现行有效 is only suggested, in the question).
    """
    out: dict[str, Any] = {}
    for fid in ("meta.agency", "meta.agency_kind", "meta.level"):
        if previous.get(fid) is not None:
            out[fid] = previous[fid]
    if isinstance(previous.get("meta.year"), int):
        out["meta.year"] = previous["meta.year"] + 1
    for col in FORM.requests_columns:
        if col.derived:
            continue
        value = FORM.value(f"requests.carry_over.{col.id}", previous)
        if value is not None:
            out[f"requests.carried.{col.id}"] = value
    return out


def read_previous(path: Path) -> dict[str, Any]:
    """Last year's typed answers from a session file or a published report (txt / html)."""
    from gkassist.session import SessionStore

    if path.suffix.lower() == ".json":
        return dict(SessionStore(path.parent).open(path, lock=False).answers)
    from gkassist.importer import read_report

    report = read_report(path)
    if report.failed or not report.answers:
        raise UserError("；".join(report.unreadable) or str(path))
    answers = dict(report.answers)
    # a published report prints its totals; a session made by the interview computes them
    for fid in list(answers):
        if FORM.is_derived(fid):
            del answers[fid]
    if report.agency and "meta.agency" not in answers:
        answers["meta.agency"] = report.agency
    if report.year and "meta.year" not in answers:
        answers["meta.year"] = report.year
    return answers
