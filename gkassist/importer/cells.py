"""Table-cell tokens: what a printed cell is — a number, a zero, a blank, "not applicable", or
invalid text — and its value.

Values go through ``answers.parse_answer`` — the one place that knows what a count or a 万元
amount may look like. What is peculiar to published tables is handled here: empty cells (a blank,
not 0), 「/」 and dashes (not applicable), 「无」 (a zero with a note), a cell that was meant to be a
number but is none (「1O」, 「-1」: invalid, kept as printed), and the draft marker 【待填写】.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from gkassist.cellstates import BLANK, INVALID, NOT_APPLICABLE, CellState
from gkassist.form import FORM
from gkassist.text import fold

# after fold(): dashes are folded to "-", full-width slash to "/"
_DASHES = frozenset({"/", "//", "-", "--", "---", "----", "------", "\\", "x", "X", "×", "…", "..."})
_NA_WORDS = frozenset({"不适用", "不涉及", "无此项"})
_ZERO_WORDS = frozenset({"无", "没有", "零", "〇"})
_UNITS = re.compile(r"(件|条|个|项|人次|次|万元|元)$")
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
# a token that was meant to be a number: digits with letters that look like digits or stray
# signs (「1O」「2l」「-1」), short and without a Chinese character; 「1.」「2、」 are enumerators
_NUMBER_LIKE = re.compile(r"^(?=.*\d)(?!\d+[.,、。，]$)[0-9OoIlSsBZ.,+\-'`。，、 ]{1,10}$")
_GAP = fold(FORM.gap_marker)


class CellError(Exception):
    """A cell that is not a valid value for its field; ``str(err)`` says why, in Chinese."""


@dataclass(frozen=True)
class CellValue:
    value: Any | None  # None: the cell is an unfilled draft gap, or holds no number (see state)
    note: str | None = None  # how it was read; for an invalid cell, why it is no value
    state: CellState | None = None  # blank / not applicable / invalid: no value


@lru_cache(maxsize=8192)
def is_value(text: str) -> bool:
    """Whether a cell holds a number, or something a table prints in place of one (a blank, a
    dash, 「不适用」, a mistyped number such as 「1O」) — as opposed to a label."""
    t = fold(text)
    if not t or t in _DASHES or t in _ZERO_WORDS or t in _NA_WORDS or t == _GAP:
        return True
    return bool(_NUMBER.match(_UNITS.sub("", t)) or _NUMBER_LIKE.match(t))


def is_blank(text: str) -> bool:
    return not fold(text)


@lru_cache(maxsize=8192)
def is_printed_number(text: str) -> bool:
    """A cell that holds a number proper (not a blank, a dash or a word)."""
    t = fold(text)
    return bool(t) and bool(_NUMBER.match(_UNITS.sub("", t)))


def shown(text: str) -> str:
    """A cell's text as printed, white space collapsed."""
    return " ".join(text.split())


@lru_cache(maxsize=16384)
def read_cell(field_id: str, text: str) -> CellValue:
    """What one table cell holds for ``field_id``: a value (a zero word with a note), a state
    (blank, not applicable, invalid), or neither (the draft marker)."""
    from gkassist.answers import InputError, parse_answer

    printed = shown(text)
    t = fold(text)
    if t == _GAP:
        return CellValue(None)
    if not t:
        return CellValue(None, state=CellState(BLANK))
    if t in _DASHES or t in _NA_WORDS:
        return CellValue(None, state=CellState(NOT_APPLICABLE, printed))
    if t in _ZERO_WORDS:
        zero: Any = Decimal("0") if FORM.field(field_id).kind == "money" else 0
        return CellValue(zero, f"原表此格为「{printed}」，按0计")
    try:
        parsed = parse_answer(field_id, printed)
    except InputError as err:  # the note says why, for the person importing it
        return CellValue(None, err.message, CellState(INVALID, printed))
    return CellValue(parsed.value, parsed.note)


@cache
def count_fields() -> frozenset[str]:
    """The fields that hold a count (件): what a cell holds for one of them does not depend on which."""
    return frozenset(f.id for f in FORM.fields.values() if f.kind == "count")


@lru_cache(maxsize=16384)
def read_count_cell(text: str) -> CellValue:
    """``read_cell`` for any count field (most of the tables' cells), cached by the text alone."""
    return read_cell(min(count_fields()), text)
