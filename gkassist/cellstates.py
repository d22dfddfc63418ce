"""What a table cell printed when it printed no number: blank, not applicable, or invalid text.

A cell of a published table is one of five things: a number, a zero, a blank, a mark that says
"not applicable" (「/」「-」「—」「不适用」), or text that is no valid value (「1O」「-1」「1.5」 in a
count). Numbers and zeros are answers (``int`` / ``Decimal``). The other three are *states*: they
are no answer — a blank is not 0 — but they are kept, so that

- the session remembers what the source printed (the interview asks for the cell; the document
  says why it is empty: ``Session.cells``, docs/internals.md);
- the rules judge a report as printed (``facts.py``): an invalid cell is one N1 error naming it and
  what was printed; a blank total is 「总计栏为空」, once per line of the table, never 「填的是0」.

Where answers are judged as printed (``ImportedReport.answers_as_printed()``,
``Session.answers_as_printed()``), a state stands in the answers mapping in place of a value;
everywhere else (``answers``) it is absent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

BLANK = "blank"
NOT_APPLICABLE = "na"
INVALID = "invalid"
STATES = (BLANK, NOT_APPLICABLE, INVALID)


@dataclass(frozen=True, slots=True)
class CellState:
    """A cell that holds no number: ``state`` is one of ``STATES``; ``printed`` is what the source
    printed there, white space collapsed (「」 for a blank, 「/」, 「1O」)."""

    state: str
    printed: str = ""

    def __post_init__(self) -> None:
        if self.state not in STATES:
            raise ValueError(f"unknown cell state {self.state!r}")

    @property
    def empty(self) -> bool:
        """Blank or not applicable: nothing was counted there (invalid text is something else)."""
        return self.state != INVALID

    def to_json(self) -> dict[str, str]:
        return {"state": self.state, "printed": self.printed} if self.printed else {"state": self.state}

    @classmethod
    def from_json(cls, raw: Any) -> CellState:
        """The state of a session document; ValueError when it is not one."""
        if not isinstance(raw, Mapping) or raw.get("state") not in STATES:
            raise ValueError(f"单元格状态无效：{raw!r}")
        printed = raw.get("printed", "")
        if not isinstance(printed, str):
            raise ValueError(f"单元格原文应为文字：{printed!r}")
        return cls(raw["state"], printed)


def states_in(answers: Mapping[str, Any]) -> dict[str, CellState]:
    """The cell states standing in an answers mapping judged as printed."""
    return {fid: v for fid, v in answers.items() if type(v) is CellState}
