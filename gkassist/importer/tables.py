"""Tables → the form's fields: classify each table by its words, then map its numbers by
position onto the form's grid, checking row labels wherever they survived.

Every table, whatever its layout, is read as a sequence of *segments*: the labels printed before
a run of numbers, and the numbers. The last label of a segment is its row label (「1.属于国家秘密」),
earlier ones are headers or group labels (「三、本年度办理结果」「（三）不予公开」). Rows are matched
by label; a row whose label is damaged or missing takes the next expected row if its count of
numbers fits — position decides, as for the sample's table 四, whose header lost words.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import chain, pairwise
from operator import attrgetter, itemgetter
from typing import Any

from rapidfuzz.fuzz import ratio

from gkassist.cellstates import INVALID, CellState
from gkassist.form import FORM
from gkassist.importer.cells import (
    CellValue,
    count_fields,
    is_blank,
    is_printed_number,
    is_value,
    read_cell,
    read_count_cell,
)
from gkassist.importer.model import Cell, Table, TextCache, formats
from gkassist.importer.normalise import core
from gkassist.text import ORDINAL, fold

TABLES = ("active", "requests", "review")
_TEXT = itemgetter(0)  # a Cell's text (Cell is a named tuple: its first field)
_FIRST = itemgetter(0)  # a row's first cell
_ENUM = re.compile(rf"^(\d{{1,2}}\.|\({ORDINAL}\)|{ORDINAL}、)")
_ROW_MIN = 70  # rapidfuzz ratio for a row label whose enumerator matches
_LABEL_MIN = 80  # … and for one without an enumerator


@dataclass
class Segment:
    labels: list[str]
    values: list[Cell]
    fill: int = 0  # the row ended in a filler of this many pipes (its empty cells, see _values_of)
    # the row label: the last of ``labels`` (set once: the readers ask for it several times a row)
    label: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.label = self.labels[-1] if self.labels else ""


# the texts of count cells that read as a plain number (no state, no note: most cells of the three
# tables) → that number, as ``read_count_cell`` reads them (``Reading.put_all``)
_PLAIN_COUNTS = TextCache()
_PLAIN_COUNTS_MAX = 16384


@dataclass
class Reading:
    """What reading the tables produced; merged into the ImportedReport."""

    answers: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    # cells that hold no number: blank, not applicable, invalid text (gkassist.cellstates)
    cells: dict[str, CellState] = field(default_factory=dict)
    invalid_messages: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    facts: list[dict[str, Any]] = field(default_factory=list)

    def put_all(self, field_ids: Iterable[str], cells: Iterable[Cell]) -> int:
        """Read cells into their fields, pairwise; how many were read (a draft gap is not)."""
        # some 200 cells a report, nearly all a count printed plainly: those are stored here, the
        # number looked up by the cell's text (one dict lookup, not a cached call and three tests);
        # (storing a row in C — map, ``None in``, dict.update(zip) — costs more instructions than
        # this loop: docs/performance.md（十八）)
        counts, answers, read, plain = count_fields(), self.answers, 0, _PLAIN_COUNTS
        for field_id, cell in zip(field_ids, cells, strict=False):
            if field_id in counts:
                value = plain.get(cell[0])  # (its text: by index, cheaper than the named field)
                if value is not None:
                    answers[field_id] = value
                    read += 1
                    continue
                # a count cell reads the same for every count field: cached by its text alone
                cv = read_count_cell(cell.text)
                if cv.state is None and cv.value is not None and not cv.note:
                    if len(plain) >= _PLAIN_COUNTS_MAX:
                        plain.clear()
                    answers[field_id] = plain[cell.text] = cv.value
                    read += 1
                    continue
            else:
                cv = read_cell(field_id, cell.text)
            if cv.state is None and cv.value is not None and not cv.note:
                answers[field_id] = cv.value
                read += 1
            else:
                read += self._put(field_id, cv)
        return read

    def _put(self, field_id: str, cv: CellValue) -> bool:
        """Store what one cell holds for its field; False for a draft gap (nothing to read)."""
        if cv.state is not None:
            # no value: answers stay valid; the state is kept so that a blank is not read as 0
            # and checking can let rule N1 name an invalid cell with what it printed
            self.cells[field_id] = cv.state
            if cv.state.state == INVALID:
                self.invalid_messages.append(f"{_cell_name(field_id)}：原表为「{cv.state.printed}」：{cv.note}")
            return True
        if cv.value is None:
            self.unreadable.append(f"{_cell_name(field_id)}：原表为「{FORM.gap_marker}」，尚未填写。")
            return False
        self.answers[field_id] = cv.value
        if cv.note:
            self.notes[field_id] = cv.note
        return True


def _cell_name(field_id: str) -> str:
    f = FORM.field(field_id)
    return f"表{_number(f.section)}「{f.label}」"


def _number(section_id: str) -> str:
    return FORM.section(section_id).number or ""


def _table_name(table: str) -> str:
    s = FORM.section(table)
    return f"表{s.number}（{s.title}）"


# --- segments -------------------------------------------------------------------------------------


@dataclass
class Scanned:
    """A table read in one pass over its cells (a table has hundreds, and each reader looked at
    every one of them again): which of the three tables it names (``classify``), its segments,
    and the texts of its cells that hold no value (row labels, headers: ``_rows_printed``)."""

    table: Table
    kind: str | None
    segments: list[Segment]
    labels: list[str]


def scan(table: Table) -> Scanned:
    """What the table readers need of a table, from one look at each of its cells."""
    scores = dict.fromkeys(TABLES, 0)
    texts: list[str] = []
    out: list[Segment] = []
    labels: list[str] = []
    values: list[Cell] = []
    info = _LABEL_INFO.get
    for row in table.rows:
        for cell in row:
            # (a Cell's fields by index: cheaper than the named tuple's attributes, hundreds a table)
            text = cell[0]
            named = info(text)
            if named is False and not cell[2]:  # a value (most cells)
                values.append(cell)
                continue
            if named is None:
                named = _label_info_of(text)
                if named is False and not cell[2]:
                    values.append(cell)
                    continue
            if named is False:
                named = None
            if named is not None:
                texts.append(text)
                for t in named:
                    scores[t] += 1
            if cell[2]:
                if values:  # a filler ends the row whose empty cells it stands for
                    out.append(Segment(labels, values, cell[2]))
                    labels, values = [], []
                continue
            if values:
                out.append(Segment(labels, values))
                labels, values = [], []
            labels.append(text)
        if table.rows_known and values:
            out.append(Segment(labels, values))
            labels, values = [], []
    if values:
        out.append(Segment(labels, values))
    best = max(TABLES, key=lambda t: scores[t])
    return Scanned(table, best if scores[best] > 0 else None,
                   [s for s in out if s.labels or not all(is_blank(v.text) for v in s.values)], texts)


# --- classification -------------------------------------------------------------------------------


@cache
def _keywords() -> dict[str, frozenset[str]]:
    active: set[str] = {fold(FORM.active_item_label)}
    for b in FORM.active_blocks:
        active.add(fold(b.heading))
        active.update(core(r.label) for r in b.rows)
        active.update(core(c.label) for c in b.columns)
    requests: set[str] = {fold(FORM.requests_note), fold(FORM.requests_applicant_header)}
    for r in FORM.requests_rows:
        requests.add(core(r.label))
        requests.update(core(p) for p in r.path)
    requests.update(core(c.label) for c in FORM.requests_columns)
    if FORM.requests_columns[1].group:
        requests.add(fold(FORM.requests_columns[1].group))
    review: set[str] = set()
    for g in FORM.review_groups:
        review.add(fold(g.label))
        if g.parent:
            review.add(fold(g.parent))
    review.update(core(c.label) for c in FORM.review_columns)
    legacy = {fold(x) for x in formats()["legacy_2019"]["active_labels"]}
    active |= legacy
    shared = (active & requests) | (active & review) | (requests & review)
    _ALL_LABELS.update(active | requests | review)
    return {
        "active": frozenset(active - shared),
        "requests": frozenset(requests - shared),
        "review": frozenset(review - shared),
    }


@cache
def _start_markers() -> dict[str, str]:
    return {
        fold(FORM.active_blocks[0].heading): "active",
        fold(FORM.requests_note): "requests",
        fold(FORM.requests_applicant_header): "requests",
        fold(FORM.review_groups[0].label): "review",
    }


@cache
def _row_widths() -> dict[str, int]:
    """Each row label of the format (folded, without its trailing parenthetical) → its numbers."""
    widths: dict[str, int] = {}
    for b in FORM.active_blocks:
        for r in b.rows:
            widths[core(r.label)] = len(b.columns)
    for r in FORM.requests_rows:
        widths[core(r.label)] = len(FORM.requests_columns)
    for g in FORM.review_groups:
        widths[fold(g.label)] = len(FORM.review_columns)
    return widths


_ALL_LABELS: set[str] = set()  # every label of the three tables, shared ones too (filled by _keywords)


def is_table_label(text: str) -> bool:
    """Whether a line is one of the format's table labels (a row, column or block heading)."""
    _keywords()
    n, c = fold(text), core(text)
    return n in _ALL_LABELS or c in _ALL_LABELS or c in _row_widths()


def is_table_text(text: str) -> bool:
    """A line made only of table labels and numbers (a header a layout did not join to its table)."""
    tokens = text.split()
    return bool(tokens) and all(is_table_label(t) or is_value(t) for t in tokens)


_GLUED = re.compile(r"^(\D*?\D)(\d+)$")


def split_glued(text: str) -> list[str] | None:
    """A row printed with its label and numbers run together (「规章000」 → 规章, 0, 0, 0): the
    cells, when the label is a row of the format and the digits fill its cells one digit each
    (or its one cell); None otherwise. Digits that cannot be cut unambiguously (「规章1205」) are
    kept together as one cell, so that the row reads as too few numbers (and is reported so)."""
    m = _GLUED.match(fold(text))
    if not m:
        return None
    label, digits = m.group(1), m.group(2)
    width = _row_widths().get(core(label)) or _row_widths().get(label)
    if width is None:
        return None
    printed_label = text.strip()[: len(text.strip()) - len(digits)].rstrip()
    if width == 1 or len(digits) != width:
        return [printed_label, digits]
    return [printed_label, *digits]


def classify(table: Table) -> str | None:
    """Which of the three tables this is, by the labels it prints; None when it shows none."""
    return scan(table).kind


# _label_info by text, False for a value (a dict's get: an lru_cache call builds a tuple of its
# arguments each time, and scan asks for every cell)
_LABEL_INFO = TextCache()
_LABEL_INFO_MAX = 16384


def _label_info_of(text: str) -> tuple[str, ...] | bool:
    if len(_LABEL_INFO) >= _LABEL_INFO_MAX:
        _LABEL_INFO.clear()
    named = _label_info(text)
    _LABEL_INFO[text] = False if named is None else named
    return _LABEL_INFO[text]


@lru_cache(maxsize=8192)
def _label_info(text: str) -> tuple[str, ...] | None:
    """None for a cell that holds a value (``is_value``); else the tables whose own labels it
    prints: the same labels and numbers recur in every report."""
    if is_value(text):
        return None
    kw = _keywords()
    n, c = fold(text), core(text)
    return tuple(t for t in TABLES if n in kw[t] or c in kw[t])


def split_merged(table: Table) -> list[Table]:
    """A scrape without headings can run two tables together; cut at the words that start one
    (「第二十条第（一）项」, the note over table 三, 「行政复议」) once numbers have been seen."""
    if not table.rows_known:
        cells = table.rows[0] if table.rows else []
        # a scrape's table is one row of hundreds of cells: the words that start a table are looked
        # up for all of them in C, and at each (a few) whether the cells before it hold a number
        cuts = _cuts(list(map(_starts_a_table, map(_TEXT, cells))),
                     lambda lo, hi: any(map(_holds_value, map(_TEXT, cells[lo:hi]))))
        return [Table([list(cells[lo:hi])], rows_known=False) for lo, hi in pairwise(cuts) if hi > lo]
    rows = table.rows
    starts = (list(map(_starts_a_table, map(_TEXT, map(_FIRST, rows)))) if all(rows)
              else [bool(row) and _starts_a_table(row[0][0]) for row in rows])  # (an empty row starts none)
    cuts = _cuts(starts, lambda lo, hi: any(map(_holds_value, map(_TEXT, chain.from_iterable(rows[lo:hi])))))
    return [Table(rows[lo:hi], rows_known=True) for lo, hi in pairwise(cuts) if hi > lo]


def _cuts(starts: list[bool], holds_value: Callable[[int, int], bool]) -> list[int]:
    """Where a run of cells (rows) is cut into tables, with its two ends: at each that starts a table
    (``starts``) once what came since the last cut holds a value (``holds_value(lo, hi)``)."""
    cuts = [0]
    k = 0
    while True:
        try:
            k = starts.index(True, k + 1)
        except ValueError:
            break
        if holds_value(cuts[-1], k):
            cuts.append(k)
    cuts.append(len(starts))
    return cuts


@lru_cache(maxsize=8192)
def _starts_a_table(text: str) -> bool:
    return fold(text) in _start_markers()


@lru_cache(maxsize=8192)
def _holds_value(text: str) -> bool:
    """A cell that holds a number or its stand-in, not a blank."""
    return is_value(text) and not is_blank(text)


# --- row matching ---------------------------------------------------------------------------------


def _enum(n: str) -> tuple[str, str]:
    m = _ENUM.match(n)
    return (m.group(1), n[m.end():]) if m else ("", n)


def match_label(label: str, expected: list[str] | tuple[str, ...]) -> tuple[int | None, bool]:
    return _label_matcher(tuple(expected))(label)


_MATCHES_KEPT = 8192  # labels remembered for one list of expected labels


@lru_cache(maxsize=64)
def _label_matcher(expected: tuple[str, ...]) -> Callable[[str], tuple[int | None, bool]]:
    """``_match_label`` against ``expected``, remembered by label: a reader takes the matcher once
    and asks it for each of hundreds of cells (the same labels recur in every report)."""
    return lru_cache(maxsize=_MATCHES_KEPT)(functools.partial(_match_label, expected=expected))


def _match_label(label: str, expected: tuple[str, ...]) -> tuple[int | None, bool]:
    """Index of the expected label ``label`` stands for, and whether it is printed as the form
    prints it (after punctuation is folded; a dropped trailing parenthetical is no alteration)."""
    if not label:
        return None, False
    n, c = fold(label), core(label)
    for i, e in enumerate(expected):
        if n == fold(e) or c == core(e):
            return i, True
    enum, rest = _enum(c)
    best, best_i = 0.0, None
    for i, e in enumerate(expected):
        e_enum, e_rest = _enum(core(e))
        if enum != e_enum or not rest:
            continue
        score = ratio(rest, e_rest)
        if rest in e_rest or e_rest in rest:
            score = max(score, 90)
        if score > best:
            best, best_i = score, i
    if best_i is not None and best >= (_ROW_MIN if enum else _LABEL_MIN) and len(rest) >= 2:
        return best_i, False
    return None, False


def _trim(values: list[Cell], n: int) -> list[Cell] | None:
    """Exactly ``n`` values, dropping surplus blank cells at the end (merged-cell remnants), then
    at the start (the empty label cells a PDF-to-Markdown converter pads a row's label columns
    with: 「| 一、本年新收… | | | 3 | 0 | …」)."""
    lo, hi = 0, len(values)
    if hi == n:  # (nearly every row: nothing to drop)
        return list(values)
    while hi - lo > n and is_blank(values[hi - 1].text):
        hi -= 1
    while hi - lo > n and is_blank(values[lo].text):
        lo += 1
    return list(values[lo:hi]) if hi - lo == n else None


def _assign(segs: list[Segment], expected: list[str], widths: list[int], skip: frozenset[str] = frozenset()):
    """Segments → expected rows: by label first; then a segment whose label is damaged or
    missing takes the first free row between its neighbours, if its count of numbers fits and
    it holds at least one printed number (a blank header cell never takes a row).

    Returns (row index -> segment, [(segment, row index, label as the form prints it?)], labels
    of rows printed more than once, whose later copies are not read).
    """
    # the placing by label depends on the labels alone, the same in nearly every report: remembered
    expected = tuple(expected)
    key = (expected, skip, tuple(map(_LABEL, segs)))
    by_label = _BY_LABEL.get(key)
    if by_label is None:
        if len(_BY_LABEL) >= _BY_LABEL_MAX:
            _BY_LABEL.clear()
        by_label = _BY_LABEL[key] = _place_by_label(key[2], expected, skip)
    placed, oks, taken_by_label, repeated, unplaced = by_label
    if not unplaced:  # every segment placed by its label (or not to be placed): nothing to decide
        return _assigned(segs, placed, oks, repeated)
    pos: list[int | None] = list(placed)
    exact: list[bool] = list(oks)
    taken: set[int] = set(taken_by_label)
    # the nearest row placed by label after each segment (a suffix minimum), and the last row
    # placed before it (a running maximum): one pass each, so that a table of many rows whose
    # labels match nothing is read in time linear in its rows (issue 14: it was quadratic)
    after = [len(expected)] * (len(segs) + 1)
    for k in range(len(segs) - 1, -1, -1):
        after[k] = min(after[k + 1], pos[k]) if pos[k] is not None else after[k + 1]
    repeated_set = set(repeated)
    lo = -1
    for k, seg in enumerate(segs):
        if k:
            lo = max(lo, pos[k - 1]) if pos[k - 1] is not None else lo
        if pos[k] is not None or core(seg.label) in skip or k in repeated_set:
            continue
        if all(is_blank(v.text) for v in seg.values):
            continue
        hi = after[k + 1]
        for idx in range(lo + 1, hi):
            if idx not in taken and _trim(seg.values, widths[idx]) is not None:
                pos[k], exact[k] = idx, True  # position decides; there is no label to compare
                taken.add(idx)
                break
    return _assigned(segs, pos, exact, repeated)


def _assigned(segs: list[Segment], pos: list[int | None] | tuple[int | None, ...],
              exact: list[bool] | tuple[bool, ...], repeated: tuple[int, ...]):  # noqa: ANN202 - see _assign
    assigned = {i: s for s, i in zip(segs, pos, strict=True) if i is not None}
    matches = sorted(((s, i, e) for s, i, e in zip(segs, pos, exact, strict=True) if i is not None), key=lambda m: m[1])
    return assigned, matches, [segs[k].label for k in repeated]


_LABEL = attrgetter("label")
_BY_LABEL = TextCache()  # (expected labels, skipped, the segments' labels) → _place_by_label's answer
_BY_LABEL_MAX = 4096


def _place_by_label(labels: tuple[str, ...], expected: tuple[str, ...], skip: frozenset[str]) -> tuple:
    """``_assign``'s first pass, on the segments' labels: each segment's row by its label (None:
    none, or its row was taken by an earlier segment), whether printed as the form prints it, the
    rows taken, the segments that repeat a row, and whether any segment is left for position to
    place (one with no row that is neither skipped nor a repeat)."""
    pos: list[int | None] = []
    exact: list[bool] = []
    taken: set[int] = set()
    repeated: list[int] = []
    match = _label_matcher(expected)
    for k, label in enumerate(labels):
        idx, ok = (None, False) if core(label) in skip else match(label)
        if idx is not None and idx in taken:
            repeated.append(k)  # a second row with the same label is not read twice
            idx = None
        if idx is not None:
            taken.add(idx)
        pos.append(idx)
        exact.append(ok)
    again = set(repeated)
    unplaced = any(pos[k] is None and core(label) not in skip and k not in again for k, label in enumerate(labels))
    return tuple(pos), tuple(exact), frozenset(taken), tuple(repeated), unplaced


# --- table 二 -------------------------------------------------------------------------------------


@dataclass
class _Cuts:
    """Where the file cuts this kind of table: its last segment when the file stops inside the
    table (a row there may be short, or end in a fragment of the next label), and whether the
    file starts inside it (its first rows are not in the file)."""

    last: Segment | None = None
    ends: bool = False
    starts: bool = False


def _segments_of(scans: list[Scanned]) -> tuple[list[Segment], _Cuts]:
    segs: list[Segment] = []
    cuts = _Cuts()
    for sc in scans:
        own = sc.segments
        segs.extend(own)
        if sc.table.cut:
            cuts.ends = True
            cuts.last = own[-1] if own else None
        cuts.starts = cuts.starts or sc.table.starts_cut
    return segs, cuts


# a scrape ends every row with 「||」; a longer run of pipes stands for the row's empty cells too
_ROW_END_PIPES = 2


def _values_of(seg: Segment, n: int, cuts: _Cuts) -> list[Cell] | None:
    """Exactly ``n`` values of a row; for the row where the file stops, the values before the cut
    (and without the digits of a next label cut after them)."""
    vals = _trim(seg.values, n)
    if vals is None and seg.fill > _ROW_END_PIPES and len(seg.values) < n:
        # the scrape printed the row's numbers, then one filler for its empty cells: a row's
        # first and last numbers are its first and last columns (自然人 … 总计), the rest are empty
        vals = list(seg.values)
        blanks = [Cell("")] * (n - len(vals))
        vals = vals[:-1] + blanks + vals[-1:] if len(vals) >= 2 else vals + blanks
    if vals is None and seg is cuts.last:
        vals = seg.values[:n]
    return vals


def _missing_rows(labels: list[str], assigned: dict[int, Segment], cuts: _Cuts, table: str, out: Reading,
                  skip=lambda idx: False) -> None:  # noqa: ANN001 - a predicate on a row index
    """Say which rows are missing — only those between the first and the last row the file holds
    of a table it cuts (the others are outside the file, not missing)."""
    lo = min(assigned) if cuts.starts and assigned else 0
    hi = max(assigned) if cuts.ends and assigned else (-1 if cuts.ends else len(labels) - 1)
    for idx, label in enumerate(labels):
        if idx not in assigned and lo <= idx <= hi and not skip(idx):
            out.unreadable.append(f"{_table_name(table)}中未找到「{label}」一行。")


def _rows_printed(scans: list[Scanned], labels: list[str] | tuple[str, ...]) -> int:
    """How many of the format's rows print their label in the file (with numbers or without)."""
    labels = tuple(labels)
    key = (labels, tuple(chain.from_iterable(sc.labels for sc in scans)))
    rows = _ROWS_PRINTED.get(key)
    if rows is None:  # (the same label cells in nearly every report: remembered)
        if len(_ROWS_PRINTED) >= _BY_LABEL_MAX:
            _ROWS_PRINTED.clear()
        match = _label_matcher(labels)
        rows = _ROWS_PRINTED[key] = len({idx for idx, _ in map(match, key[1])} - {None})
    return rows


_ROWS_PRINTED = TextCache()  # (the format's labels, the tables' label cells) → how many rows they print


def _readable(fact: dict[str, Any], segs: list[Segment], problems: list[str], read: int) -> None:
    """A table whose numbers are printed but none could be placed is unreadable (never missing)."""
    printed = not read and any(is_printed_number(v.text) for seg in segs for v in seg.values)
    fact["readable"] = 0 if printed else 1
    fact["why"] = "；".join(p.rstrip("。") for p in problems[:3]) if not fact["readable"] else ""


@cache
def _active_layout() -> tuple[list[tuple[Any, Any, list[str]]], tuple[str, ...], tuple[str, ...], frozenset[str]]:
    """Table 二's rows (block, row, field ids), their labels, those and the 2019 format's rows,
    and the 2019 format's labels (folded)."""
    rows = [(b, r, b.field_ids[k]) for b in FORM.active_blocks for k, r in enumerate(b.rows)]
    expected = tuple(r.label for _, r, _ in rows)
    legacy = formats()["legacy_2019"]
    return rows, expected, expected + tuple(legacy["active_rows"]), frozenset(fold(x) for x in legacy["active_labels"])


def read_active(scans: list[Scanned], out: Reading) -> None:
    rows, expected, printed_rows, legacy = _active_layout()
    tables = [sc.table for sc in scans]
    # the 2019 format's labels print no number: they are among the cells the scan kept as labels
    # (every cell that is no value: tests/test_read_speedups.py holds formats.yaml to that)
    hits = sorted({fold(t) for sc in scans for t in sc.labels} & legacy)
    fact = _table_fact("active", present=bool(tables))
    segs, cuts = _segments_of(scans)
    fact["cut"] = cuts.ends or cuts.starts
    fact["rows"] = _rows_printed(scans, printed_rows)
    if hits:
        fact["legacy"] = True
        # its numbers are not read into the current columns, but they are there (S7 asks): those
        # of its rows that print their numbers (every row of the 2019 表二 has two or three)
        fact["cells"] = sum(sum(1 for v in seg.values if is_printed_number(v.text))
                            for seg in segs if len(seg.values) >= 2)
        out.unreadable.append(f"{_table_name('active')}采用 2019 年试行格式（如「{_shown(tables, legacy)}」），其数字未导入。")
        out.facts.append(fact)
        return
    widths = [len(ids) for _, _, ids in rows]
    assigned, matches, repeated = _assign(segs, expected, widths)
    _report_repeated("active", repeated, out)
    read = 0
    problems: list[str] = []
    for seg, idx, exact in matches:
        ids = rows[idx][2]
        vals = _values_of(seg, len(ids), cuts)
        if vals is None:
            problems.append(_count_problem("active", expected[idx], seg, len(ids)))
            continue
        read += out.put_all(ids, vals)
        if not exact and seg.label:
            out.facts.append(_label_fact("active", rows[idx][1].id, seg.label, expected[idx]))
    out.unreadable.extend(problems)
    if tables:
        _missing_rows(expected, assigned, cuts, "active", out)
        for printed, column in _altered_headers(scans, cuts):
            out.facts.append(_label_fact("active", column.id or "value", printed, column.label))
    fact["cells"] = read
    _readable(fact, segs, problems, read)
    out.facts.append(fact)


_HEADER_LIKE = 80  # rapidfuzz ratio from which a header cell is taken for a column's header, altered


_NOT_WORD = re.compile(r"[^\w]")


@lru_cache(maxsize=8192)  # a report's labels are mostly the format's: the same in every report
def _words_of(text: str) -> str:
    """A header's words without punctuation, which pages lose (「本年收费金额单位:万元」)."""
    return _NOT_WORD.sub("", fold(text))


@cache
def _active_columns() -> dict[str, Any]:
    """表二's column headers by their words."""
    return {_words_of(c.label): c for b in FORM.active_blocks for c in b.columns}


@lru_cache(maxsize=8192)
def _nearest_column(words: str) -> tuple[float, str]:
    """(ratio, words) of the column header nearest to a header's words."""
    return max((ratio(words, k), k) for k in _active_columns())


def _altered_headers(scans: list[Scanned], cuts: _Cuts) -> list[tuple[str, Any]]:
    """Header cells of 表二 that are a column's header with a word changed or missing (「现行有效件」 for
    「现行有效件数」): (printed, the format's column). Punctuation and spaces do not count, nor the
    last cell of a file that stops inside the header (「本年收费金额(单位:万」)."""
    columns = _active_columns()
    last = next((t for sc in reversed(scans) for t in reversed(sc.labels) if t.strip()), None) if cuts.ends else None
    out: list[tuple[str, Any]] = []
    for text in dict.fromkeys(t for sc in scans for t in sc.labels):
        w = _words_of(text)
        if len(w) < 4 or w in columns:
            continue
        score, key = _nearest_column(w)
        if score < _HEADER_LIKE or (text == last and key.startswith(w)):
            continue
        out.append((text.strip(), columns[key]))
    return out


# --- table 三 -------------------------------------------------------------------------------------


def read_requests(scans: list[Scanned], out: Reading) -> None:
    fact = _table_fact("requests", present=bool(scans))
    rows = FORM.requests_rows
    cols = FORM.requests_columns
    expected, ids, groups, single = _requests_layout()
    segs, cuts = _segments_of(scans)
    fact["cut"] = cuts.ends or cuts.starts
    fact["rows"] = _rows_printed(scans, expected)
    assigned, matches, repeated = _assign(segs, expected, [len(cols)] * len(rows), skip=groups)
    _report_repeated("requests", repeated, out)
    # 2019: （六）其他处理 is a row of its own (blank cells too) and no row of the current format
    # sits under it (a Markdown table prints the current format's group line with empty cells)
    # (the 2019 format's single row looked for among the labels in C first: it is rarely there)
    legacy = single in map(core, map(_LABEL, segs)) and any(
        core(s.label) == single and len(s.values) >= len(cols) for s in segs) and not any(
        rows[i].id.startswith("other.") for i in assigned
    )
    if legacy:
        fact["legacy"] = True
    read = 0
    problems: list[str] = []
    for seg, idx, exact in matches:
        vals = _values_of(seg, len(cols), cuts)
        if vals is None:
            problems.append(_count_problem("requests", expected[idx], seg, len(cols)))
            continue
        read += out.put_all(ids[idx], vals)
        if not exact and seg.label and not legacy:
            out.facts.append(_label_fact("requests", rows[idx].id, seg.label, expected[idx]))
    out.unreadable.extend(problems)
    if legacy:
        out.unreadable.append(
            f"{_table_name('requests')}采用 2019 年试行格式：「{formats()['legacy_2019']['requests_single_row']}」"
            "只有一行，无法分到现行格式的三个小项，这三行未导入。"
        )
    if scans:
        _missing_rows(expected, assigned, cuts, "requests", out,
                      skip=lambda idx: legacy and rows[idx].id.startswith("other."))
    fact["cells"] = read
    _readable(fact, segs, problems, read)
    out.facts.append(fact)


@cache
def _requests_layout() -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...], frozenset[str], str]:
    """Table 三's row labels, each row's field ids, its group labels, the 2019 format's single row."""
    rows, cols = FORM.requests_rows, FORM.requests_columns
    return (tuple(r.label for r in rows), tuple(tuple(FORM.requests_field(r.id, c.id) for c in cols) for r in rows),
            frozenset(core(p) for r in rows for p in r.path), core(formats()["legacy_2019"]["requests_single_row"]))


# --- table 四 -------------------------------------------------------------------------------------


def read_review(scans: list[Scanned], out: Reading) -> None:
    fact = _table_fact("review", present=bool(scans))
    groups, cols = FORM.review_groups, FORM.review_columns
    ids, labels = _review_layout()
    segs, cuts = _segments_of(scans)
    fact["cut"] = cuts.ends or cuts.starts
    fact["rows"] = _rows_printed(scans, labels)
    cells: list[Cell] | None = None
    for seg in segs:  # the format's one row of 15 numbers
        cells = _trim(seg.values, len(ids))
        if cells is not None:
            break
    if cells is None:  # one row per group, labelled
        per_group: dict[int, list[Cell]] = {}
        for seg in segs:
            idx, _ = match_label(seg.label, labels)
            vals = _trim(seg.values, len(cols))
            if idx is not None and vals is not None and idx not in per_group:
                per_group[idx] = vals
        if len(per_group) == len(groups):
            cells = [c for k in range(len(groups)) for c in per_group[k]]
    flat = [v for seg in segs for v in seg.values]
    if cells is None:  # numbers scattered over several lines, in order
        cells = _trim(flat, len(ids))
    if cells is None and cuts.ends and len(flat) < len(ids):
        cells = flat  # the file stops inside the table: the numbers before the cut, in order
    read = 0
    problems: list[str] = []
    if cells is not None:
        read += out.put_all(ids, cells)
    elif scans:
        problems.append(f"{_table_name('review')}读到 {len(flat)} 个数，应为 {len(ids)} 个，无法对应到各栏，未导入。")
    out.unreadable.extend(problems)
    fact["cells"] = read
    _readable(fact, segs, problems, read)
    out.facts.append(fact)


@cache
def _review_layout() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Table 四's field ids, group after group, and its groups' labels."""
    groups, cols = FORM.review_groups, FORM.review_columns
    return tuple(FORM.review_field(g.id, c.id) for g in groups for c in cols), tuple(g.label for g in groups)


# --- helpers --------------------------------------------------------------------------------------


def _table_fact(table: str, *, present: bool) -> dict[str, Any]:
    return {
        "kind": "structure.table",
        "id": f"table.{table}",
        "section": table,
        "table": table,
        "number": _number(table),
        "name": _table_name(table),
        "present": present,
        "image": False,
        "legacy": False,  # the 2019 trial format (rule S3; the reader keeps it on one table)
        "cells": 0,
        "rows": 0,  # the format's rows whose label the file prints (with numbers or without)
        "readable": 1,  # 0: numbers are printed but could not be placed (``why`` says why)
        "why": "",
        "where": "",
    }


def _label_fact(table: str, row: str, printed: str, expected: str) -> dict[str, Any]:
    return {
        "kind": "structure.label",
        "id": f"label.{table}.{row}",
        "section": table,
        "altered": True,
        "name": _table_name(table),
        "row": row,
        "printed": printed,
        "expected": expected,
    }


def _report_repeated(table: str, labels: list[str], out: Reading) -> None:
    for label in dict.fromkeys(labels):
        out.unreadable.append(f"{_table_name(table)}中「{label}」一行出现了不止一次，只读取了第一次出现的数字。")


def _count_problem(table: str, label: str, seg: Segment, want: int) -> str:
    got = len(seg.values)
    glued = [v.text for v in seg.values if len(fold(v.text)) > 1 and fold(v.text).isdigit() and fold(v.text)[0] == "0"]
    why = f"（数字连在一起，如「{glued[0]}」，无法分栏）" if glued and got < want else ""
    return f"{_table_name(table)}「{label}」一行读到 {got} 个数{why}，应为 {want} 个，本行未导入。"


def _shown(tables: Iterable[Table], wanted: frozenset[str]) -> str:
    for t in tables:
        for c in t.cells():
            if fold(c.text) in wanted:
                return c.text
    return ""
