"""Which findings the interview shows, and when: those an answer touches, counts, identity.

# issue 16: the severity order and the finding keys move to the light findings module once it lands
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gkassist.form import FORM

SEVERITY_ORDER = {"error": 0, "warning": 1, "hint": 2}


def count_by_severity(findings: Iterable[Any]) -> dict[str, int]:
    out = {"error": 0, "warning": 0, "hint": 0}
    for f in findings:
        if getattr(f, "kind", "finding") == "finding" and f.severity in out:
            out[f.severity] += 1
    return out


def touching(findings: Iterable[Any], fields: Iterable[str]) -> list[Any]:
    """Findings that name one of ``fields`` or a total computed from them."""
    wanted = set(fields)
    for f in list(wanted):
        wanted.update(FORM.dependents(f))
    return [f for f in findings if wanted & set(f.fields)]


def finding_key(f: Any) -> tuple[str, tuple[str, ...]]:
    return (f.code, tuple(f.fields))
