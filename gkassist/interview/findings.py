"""Which findings the interview shows, and when.

What a finding is, its order, counts, keys and which fields it touches are ``gkassist.findings``'s;
this module decides what the conversation says of them: after an answer, the findings that answer
touches (most severe first), except those about questions still to come and those the flow has
already said in its own words; and which earlier findings the answer resolved.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from gkassist.findings import SEVERITY_ORDER, count_by_severity, finding_key, touching

# the screen reaches these through this module (one late import of the findings layer)
__all__ = ["AfterAnswer", "after_answer", "by_severity", "count_by_severity", "finding_key", "is_fault", "reached"]


def is_fault(f: Any) -> bool:
    """A finding proper (not a wording suggestion, which is an offer for 五)."""
    return getattr(f, "kind", "finding") == "finding"


def by_severity(findings: Iterable[Any]) -> list[Any]:
    """Most severe first, in the given order within a severity."""
    return sorted(findings, key=lambda f: SEVERITY_ORDER.get(f.severity, len(SEVERITY_ORDER)))


@dataclass
class AfterAnswer:
    """What the conversation says about the findings after one answer."""

    say: list[Any] = field(default_factory=list)  # findings to say, in this order
    said_by_flow: list[Any] = field(default_factory=list)  # touched, but the flow said them already
    resolved: list[Any] = field(default_factory=list)  # said earlier, gone now


def after_answer(
    before: Sequence[Any],
    now: Sequence[Any],
    touched: Iterable[str],
    *,
    pending: set[str],
    said: Iterable[tuple[str, str]] = (),
    shown: set[tuple[str, tuple[str, ...]]],
) -> AfterAnswer:
    """The findings an answer touching ``touched`` brings up and those it resolved.

    ``pending``: fields of questions still to come (a finding about them waits: the user is about
    to answer them); ``said``: (rule code, field) the flow warned about in its own words this turn;
    ``shown``: keys of the findings said so far in the conversation.
    """
    out = AfterAnswer()
    said = set(said)
    for f in by_severity(touching(now, touched)):
        if not is_fault(f) or pending & set(f.fields):
            continue
        if any((f.code, fid) in said for fid in f.fields):
            out.said_by_flow.append(f)
        else:
            out.say.append(f)
    keys_now = {finding_key(f) for f in now}
    out.resolved = [f for f in before if finding_key(f) not in keys_now and finding_key(f) in shown]
    return out


def reached(findings: Iterable[Any], unreached: set[str]) -> list[Any]:
    """The findings about parts the user has got to (the side panel's counts)."""
    return [f for f in findings if not unreached & set(f.fields)]
