"""A new year's report started from last year's: what carries over.

Plain Python: the picker reads last year's file with ``sources.read_source`` (a session or a
published report) and the new session starts with what carries over from its answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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

