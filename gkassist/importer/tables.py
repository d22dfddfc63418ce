"""Tables → the form's fields: classify each table by its words, then map its numbers by
position onto the form's grid, checking row labels wherever they survived.

Every table, whatever its layout, is read as a sequence of *segments*: the labels printed before
a run of numbers, and the numbers. The last label of a segment is its row label (「1.属于国家秘密」),
earlier ones are headers or group labels (「三、本年度办理结果」「（三）不予公开」). Rows are matched
by label; a row whose label is damaged or missing takes the next expected row if its count of
numbers fits — position decides, as for the sample's table 四, whose header lost words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from rapidfuzz.fuzz import ratio

from gkassist.form import FORM
from gkassist.importer.cells import CellError, is_blank, is_value, read_cell
from gkassist.importer.model import Cell, Table, formats
from gkassist.importer.normalise import core
from gkassist.text import ORDINAL, fold

TABLES = ("active", "requests", "review")
_ENUM = re.compile(rf"^(\d{{1,2}}\.|\({ORDINAL}\)|{ORDINAL}、)")
_ROW_MIN = 70  # rapidfuzz ratio for a row label whose enumerator matches
_LABEL_MIN = 80  # … and for one without an enumerator


@dataclass
class Segment:
    labels: list[str]
    values: list[Cell]

    @property
    def label(self) -> str:
        return self.labels[-1] if self.labels else ""


@dataclass
class Reading:
    """What reading the tables produced; merged into the ImportedReport."""

    answers: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    invalid: dict[str, str] = field(default_factory=dict)
    invalid_messages: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    facts: list[dict[str, Any]] = field(default_factory=list)

    def put(self, field_id: str, cell: Cell) -> bool:
        try:
            cv = read_cell(field_id, cell.text)
        except CellError as err:
            # printed, but not a valid value (「-1」「1.5」 in a count): answers stay valid; the
            # cell is kept as printed so that checking can let rule N1 name it
            self.invalid[field_id] = " ".join(cell.text.split())
            self.invalid_messages.append(f"{_cell_name(field_id)}：{err}")
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


def segments(table: Table) -> list[Segment]:
    out: list[Segment] = []
    labels: list[str] = []
    values: list[Cell] = []
    for row in table.rows:
        for cell in row:
            if is_value(cell.text):
                values.append(cell)
                continue
            if values:
                out.append(Segment(labels, values))
                labels, values = [], []
            labels.append(cell.text)
        if table.rows_known and values:
            out.append(Segment(labels, values))
            labels, values = [], []
    if values:
        out.append(Segment(labels, values))
    return [s for s in out if s.labels or not all(is_blank(v.text) for v in s.values)]


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


def classify(table: Table) -> str | None:
    """Which of the three tables this is, by the labels it prints; None when it shows none."""
    kw = _keywords()
    scores = dict.fromkeys(TABLES, 0)
    for cell in table.cells():
        if is_value(cell.text):
            continue
        n, c = fold(cell.text), core(cell.text)
        for t in TABLES:
            if n in kw[t] or c in kw[t]:
                scores[t] += 1
    best = max(TABLES, key=lambda t: scores[t])
    return best if scores[best] > 0 else None


def split_merged(table: Table) -> list[Table]:
    """A scrape without headings can run two tables together; cut at the words that start one
    (「第二十条第（一）项」, the note over table 三, 「行政复议」) once numbers have been seen."""
    markers = _start_markers()
    if not table.rows_known:
        chunks: list[list[Cell]] = [[]]
        seen_value = False
        for cell in table.rows[0] if table.rows else []:
            if seen_value and fold(cell.text) in markers:
                chunks.append([])
                seen_value = False
            chunks[-1].append(cell)
            seen_value = seen_value or (is_value(cell.text) and not is_blank(cell.text))
        return [Table([c], rows_known=False) for c in chunks if c]
    tables: list[list[list[Cell]]] = [[]]
    seen_value = False
    for row in table.rows:
        if seen_value and row and fold(row[0].text) in markers:
            tables.append([])
            seen_value = False
        tables[-1].append(row)
        seen_value = seen_value or any(is_value(c.text) and not is_blank(c.text) for c in row)
    return [Table(rows, rows_known=True) for rows in tables if rows]


# --- row matching ---------------------------------------------------------------------------------


def _enum(n: str) -> tuple[str, str]:
    m = _ENUM.match(n)
    return (m.group(1), n[m.end():]) if m else ("", n)


def match_label(label: str, expected: list[str]) -> tuple[int | None, bool]:
    return _match_label(label, tuple(expected))


@lru_cache(maxsize=8192)
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
    """Exactly ``n`` values, dropping surplus blank cells at the end (merged-cell remnants)."""
    vals = list(values)
    while len(vals) > n and is_blank(vals[-1].text):
        vals.pop()
    return vals if len(vals) == n else None


def _assign(segs: list[Segment], expected: list[str], widths: list[int], skip: frozenset[str] = frozenset()):
    """Segments → expected rows: by label first; then a segment whose label is damaged or
    missing takes the first free row between its neighbours, if its count of numbers fits and
    it holds at least one printed number (a blank header cell never takes a row).

    Returns (row index -> segment, [(segment, row index, label as the form prints it?)], labels
    of rows printed more than once, whose later copies are not read).
    """
    pos: list[int | None] = []
    exact: list[bool] = []
    taken: set[int] = set()
    repeated: list[int] = []
    for k, seg in enumerate(segs):
        idx, ok = (None, False) if core(seg.label) in skip else match_label(seg.label, expected)
        if idx is not None and idx in taken:
            repeated.append(k)  # a second row with the same label is not read twice
            idx = None
        if idx is not None:
            taken.add(idx)
        pos.append(idx)
        exact.append(ok)
    by_label = list(pos)
    for k, seg in enumerate(segs):
        if pos[k] is not None or core(seg.label) in skip or k in repeated:
            continue
        if all(is_blank(v.text) for v in seg.values):
            continue
        lo = max((i for i in pos[:k] if i is not None), default=-1)
        hi = min((i for i in by_label[k + 1:] if i is not None), default=len(expected))
        for idx in range(lo + 1, hi):
            if idx not in taken and _trim(seg.values, widths[idx]) is not None:
                pos[k], exact[k] = idx, True  # position decides; there is no label to compare
                taken.add(idx)
                break
    assigned = {i: s for s, i in zip(segs, pos, strict=True) if i is not None}
    matches = sorted(((s, i, e) for s, i, e in zip(segs, pos, exact, strict=True) if i is not None), key=lambda m: m[1])
    return assigned, matches, [segs[k].label for k in repeated]


# --- table 二 -------------------------------------------------------------------------------------


def read_active(tables: list[Table], out: Reading) -> None:
    legacy = {fold(x) for x in formats()["legacy_2019"]["active_labels"]}
    texts = {fold(c.text) for t in tables for c in t.cells()}
    hits = sorted(texts & legacy)
    fact = _table_fact("active", present=bool(tables))
    if hits:
        fact["legacy"] = True
        out.unreadable.append(f"{_table_name('active')}采用 2019 年试行格式（如「{_shown(tables, legacy)}」），其数字未导入。")
        out.facts.append(fact)
        return
    rows = [(b, r, b.field_ids[k]) for b in FORM.active_blocks for k, r in enumerate(b.rows)]
    expected = [r.label for _, r, _ in rows]
    widths = [len(ids) for _, _, ids in rows]
    segs = [s for t in tables for s in segments(t)]
    assigned, matches, repeated = _assign(segs, expected, widths)
    _report_repeated("active", repeated, out)
    read = 0
    for seg, idx, exact in matches:
        ids = rows[idx][2]
        vals = _trim(seg.values, len(ids))
        if vals is None:
            out.unreadable.append(_count_problem("active", expected[idx], len(seg.values), len(ids)))
            continue
        for fid, cell in zip(ids, vals, strict=True):
            read += out.put(fid, cell)
        if not exact and seg.label:
            out.facts.append(_label_fact("active", rows[idx][1].id, seg.label, expected[idx]))
    if tables:
        for idx, label in enumerate(expected):
            if idx not in assigned:
                out.unreadable.append(f"{_table_name('active')}中未找到「{label}」一行。")
    fact["cells"] = read
    out.facts.append(fact)


# --- table 三 -------------------------------------------------------------------------------------


def read_requests(tables: list[Table], out: Reading) -> None:
    fact = _table_fact("requests", present=bool(tables))
    rows = FORM.requests_rows
    cols = FORM.requests_columns
    expected = [r.label for r in rows]
    segs = [s for t in tables for s in segments(t)]
    single = core(formats()["legacy_2019"]["requests_single_row"])
    groups = frozenset(core(p) for r in rows for p in r.path)
    assigned, matches, repeated = _assign(segs, expected, [len(cols)] * len(rows), skip=groups)
    _report_repeated("requests", repeated, out)
    # 2019: （六）其他处理 carries numbers itself and no row of the current format sits under it
    # (a Markdown table prints the current format's group line with empty cells)
    legacy = any(core(s.label) == single and any(not is_blank(v.text) for v in s.values) for s in segs) and not any(
        rows[i].id.startswith("other.") for i in assigned
    )
    if legacy:
        fact["legacy"] = True
    read = 0
    for seg, idx, exact in matches:
        vals = _trim(seg.values, len(cols))
        if vals is None:
            out.unreadable.append(_count_problem("requests", expected[idx], len(seg.values), len(cols)))
            continue
        for col, cell in zip(cols, vals, strict=True):
            read += out.put(FORM.requests_field(rows[idx].id, col.id), cell)
        if not exact and seg.label:
            out.facts.append(_label_fact("requests", rows[idx].id, seg.label, expected[idx]))
    if legacy:
        out.unreadable.append(
            f"{_table_name('requests')}采用 2019 年试行格式：「{formats()['legacy_2019']['requests_single_row']}」"
            "只有一行，无法分到现行格式的三个小项，这三行未导入。"
        )
    if tables:
        for idx, row in enumerate(rows):
            if idx not in assigned and not (legacy and row.id.startswith("other.")):
                out.unreadable.append(f"{_table_name('requests')}中未找到「{row.label}」一行。")
    fact["cells"] = read
    out.facts.append(fact)


# --- table 四 -------------------------------------------------------------------------------------


def read_review(tables: list[Table], out: Reading) -> None:
    fact = _table_fact("review", present=bool(tables))
    groups, cols = FORM.review_groups, FORM.review_columns
    ids = [FORM.review_field(g.id, c.id) for g in groups for c in cols]
    segs = [s for t in tables for s in segments(t)]
    cells: list[Cell] | None = None
    for seg in segs:  # the format's one row of 15 numbers
        cells = _trim(seg.values, len(ids))
        if cells is not None:
            break
    if cells is None:  # one row per group, labelled
        per_group: dict[int, list[Cell]] = {}
        for seg in segs:
            idx, _ = match_label(seg.label, [g.label for g in groups])
            vals = _trim(seg.values, len(cols))
            if idx is not None and vals is not None and idx not in per_group:
                per_group[idx] = vals
        if len(per_group) == len(groups):
            cells = [c for k in range(len(groups)) for c in per_group[k]]
    if cells is None:  # numbers scattered over several lines, in order
        flat = [v for seg in segs for v in seg.values]
        cells = _trim(flat, len(ids))
    read = 0
    if cells is not None:
        for fid, cell in zip(ids, cells, strict=True):
            read += out.put(fid, cell)
    elif tables:
        n = sum(len(s.values) for s in segs)
        out.unreadable.append(f"{_table_name('review')}读到 {n} 个数，应为 {len(ids)} 个，无法对应到各栏，未导入。")
    fact["cells"] = read
    out.facts.append(fact)


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
        "legacy": False,  # the 2019 trial format (rule S3)
        "cells": 0,
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


def _count_problem(table: str, label: str, got: int, want: int) -> str:
    return f"{_table_name(table)}「{label}」一行读到 {got} 个数，应为 {want} 个，本行未导入。"


def _shown(tables: Iterable[Table], wanted: set[str]) -> str:
    for t in tables:
        for c in t.cells():
            if fold(c.text) in wanted:
                return c.text
    return ""
