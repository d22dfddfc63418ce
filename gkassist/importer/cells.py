"""Table-cell tokens: is this cell a number (or a blank that stands for one), and what value.

Values go through ``answers.parse_answer`` — the one place that knows what a count or a 万元
amount may look like. Only what is peculiar to published tables is handled here: empty cells,
「/」 and dashes (read as 0 with a note, rule N1), and the draft marker 【待填写】.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from gkassist.form import FORM
from gkassist.text import fold

# after fold(): dashes are folded to "-", full-width slash to "/"
_DASHES = frozenset({"/", "//", "-", "--", "---", "----", "------", "\\", "x", "X", "×", "…", "..."})
_ZERO_WORDS = frozenset({"无", "没有", "零", "〇"})
_UNITS = re.compile(r"(件|条|个|项|人次|次|万元|元)$")
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_GAP = fold(FORM.gap_marker)


class CellError(Exception):
    """A cell that is not a valid value for its field; ``str(err)`` says why, in Chinese."""


@dataclass(frozen=True)
class CellValue:
    value: Any | None  # None: the cell is an unfilled draft gap
    note: str | None = None


@lru_cache(maxsize=8192)
def is_value(text: str) -> bool:
    """Whether a cell holds a number, or something a table prints in place of one."""
    t = fold(text)
    if not t or t in _DASHES or t in _ZERO_WORDS or t == _GAP:
        return True
    return bool(_NUMBER.match(_UNITS.sub("", t)))


def is_blank(text: str) -> bool:
    return not fold(text)


@lru_cache(maxsize=16384)
def read_cell(field_id: str, text: str) -> CellValue:
    """The typed value of one table cell for ``field_id``; raises ``CellError``."""
    from gkassist.answers import InputError, parse_answer

    shown = " ".join(text.split())
    t = fold(text)
    if t == _GAP:
        return CellValue(None)
    zero: Any = Decimal("0") if FORM.field(field_id).kind == "money" else 0
    if not t:
        return CellValue(zero, "原表此格为空白，按0计")
    if t in _DASHES:
        return CellValue(zero, f"原表此格为「{shown}」，按0计")
    try:
        parsed = parse_answer(field_id, shown)
    except InputError as err:
        raise CellError(f"原表为「{shown}」：{err.message}") from None
    return CellValue(parsed.value, parsed.note)
