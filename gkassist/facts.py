"""Answers (+ last year's, + text features, + facts of other modules) → facts for the rule engine.

A rule checks one *scope* — every column of table 三, every row, each group of table 四, each text,
the report as a whole … (``vocabulary.SCOPES``). For each scope instance this module builds one :class:`Fact`:
its local values (``new``, ``carried`` … for a column), the global values the rulebook says rules of
that scope read (``meta.level``, ``previous.active.rules.in_force``, ``other_matters.mentions_fee``),
and what a message needs besides numbers (labels from ``FORM``, the field ids, matched text).

Why facts look like this (durable-rules' limits, each verified when it was chosen; the pure-Python
evaluator reads the same facts):
- every fact has a unique string ``id`` and a ``kind`` (a fact without ``id`` can segfault the
  engine; the kind guard keeps rules off the engine's own state document);
- values are ints or short strings only: money is integer 元 (万元 × 10000, exact from Decimal),
  dates are ``20250131``; floats would give false mismatches;
- sums over more than 16 facts cannot be joins, so a column of table 三 is one fact with all 25
  rows, and rules never join facts;
- a fact carries only the global values its rules read, which keeps it far below 253 keys.

Derived cells (总计) come from ``FORM.value``: a stored (printed) value is kept, otherwise computed.

Extra fact producers: a rule file may list ``producers: ["module:function"]``; each is called as
``function(answers, previous)`` and returns fact dicts (``kind``, ``id`` and the declared names),
exactly like the ``extra_facts`` a caller passes in. See :func:`build_facts`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from itertools import filterfalse
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple

from gkassist.cellstates import INVALID, CellState
from gkassist.expressions import cond_names, eval_lin, holds
from gkassist.features import FeatureCache, compact_cached
from gkassist.form import FORM
from gkassist.rulebook import Rulebook
from gkassist.vocabulary import (
    ACTIVE,
    APPLIES_PREFIX,
    CELL,
    CLAIM,
    COLUMN,
    LARGEST_VALUE,
    PROSE_FIELDS,
    REPORT,
    REVIEW,
    ROW,
    SECTION_TEXTS,
    TEXT,
    TEXT_KEY,
    Coverage,
    rule_applies_to,
    split_feature_name,
    text_ids,
    text_label,
    text_section,
)

# --- values --------------------------------------------------------------------------------------


def _clean_number(f: Any, value: Any) -> tuple[int | None, bool]:
    """(engine value, is a proper number). Money → integer 元; anything odd → (None, False)."""
    if isinstance(value, bool) or value is None:
        return None, False
    if f.kind == "count":
        if isinstance(value, int):
            return (value, True) if -LARGEST_VALUE <= value <= LARGEST_VALUE else (None, False)
        if isinstance(value, Decimal | float) and _within(value) and value == int(value):
            return int(value), True
        if isinstance(value, str) and re.fullmatch(r"-?\d{1,15}", value.strip()) and _within(int(value)):
            return int(value), True
        return None, False
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return None, False
    if not amount.is_finite() or not _within(amount * 10000):
        return None, False
    yuan = amount * 10000
    if yuan != yuan.to_integral_value():
        return None, True  # a number, but finer than 1 元 (more than 4 decimals of 万元)
    return int(yuan), True


_RAW_SHOWN = 30  # a cell's text in a message: a longer one (「1111…」 of 5,000 digits) is cut


def _as_printed(raw: Any) -> str:
    """A cell's value or text as a message quotes it: whole when short, else its start and length."""
    text = str(raw)
    if len(text) <= _RAW_SHOWN:
        return text
    return f"{text[:_RAW_SHOWN]}…（共 {len(text)} 个字符）"


def _within(number: Any) -> bool:
    """Whether a finite number lies within what a fact may hold (``vocabulary.LARGEST_VALUE``)."""
    try:
        return -LARGEST_VALUE <= number <= LARGEST_VALUE
    except (TypeError, ArithmeticError):  # a NaN
        return False


def _engine_value(fid: str, value: Any) -> int | str | None:
    f = FORM.fields[fid]
    if f.is_number:
        number, _ = _clean_number(f, value)
        return number
    if value is None:
        return None
    if f.kind == "year":
        try:
            year = int(value)
        except (TypeError, ValueError, OverflowError):
            return None
        return year if _within(year) else None
    if f.kind == "date":
        try:
            d = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        except ValueError:
            return None
        return d.year * 10000 + d.month * 100 + d.day
    if f.kind in ("choice", "text"):
        return str(value)
    return None


_WHOLE_COUNTS = frozenset(f.id for f in FORM.fields.values() if f.kind == "count")


def _clean_answers(answers: Mapping[str, Any] | None) -> tuple[dict[str, Any], dict[str, CellState], dict[str, int],
                                                              list[str]]:
    """The answers with unusable number values dropped, so that FORM.value can add parts safely;
    the cells printed with no number (their states); the whole-number counts, each its own
    engine value; and the other number cells and those printed with no number, in order (what
    ``_Builder.cells`` looks at besides the whole counts). The dicts are not in the answers' order
    (they are only looked up). tests/test_facts_plans.py holds the loop this replaces."""
    answers = answers or {}
    whole = _WHOLE_COUNTS
    # the common case first: the whole-number counts held as ints in range (some 200 of a
    # report's 250 answers), each its own engine value; then the rest, in the answers' order
    counts: dict[str, int] = {fid: v for fid, v in answers.items() if type(v) is int and fid in whole}
    if counts and not (min(counts.values()) >= -LARGEST_VALUE and max(counts.values()) <= LARGEST_VALUE):
        counts = {fid: v for fid, v in counts.items() if -LARGEST_VALUE <= v <= LARGEST_VALUE}
    out: dict[str, Any] = dict(counts)
    states: dict[str, CellState] = {}
    others: list[str] = []
    fields = FORM.fields
    for fid in filterfalse(counts.__contains__, answers):
        value = answers[fid]
        if type(value) is CellState:
            states[fid] = value
            others.append(fid)
            continue
        f = fields.get(fid)
        if f is None or value is None:
            continue
        if f.is_number:
            others.append(fid)
            number, ok = _clean_number(f, value)
            if number is None:
                continue
            if f.kind == "count":
                out[fid] = number
                if type(number) is int:
                    counts[fid] = number
            else:
                out[fid] = Decimal(number) / 10000
        else:
            out[fid] = value
    return out, states, counts, others


class _Values:
    """Field values of one year's answers, as the engine sees them (cached per field)."""

    def __init__(self, answers: Mapping[str, Any] | None, outline: Mapping[str, Any] | None = None) -> None:
        self.present = answers is not None
        # states: cells printed with no number (blank, 「/」, invalid text): no value, and a sum
        # cell among them is not computed from its parts either (a blank total is no total);
        # a whole-number count is its own engine value: most cells of a report, known at once
        self.clean, self.states, self.whole, self.others = _clean_answers(answers)
        self.cache = dict(self.whole)  # (``whole`` stays the answers' own counts: see _Builder.cells)
        self.outline = outline or {}  # the report's own sub-headings and their order (section_text)
        self._texts: dict[str, str] = {}  # text id → its text (a section's is joined once)

    def get(self, fid: str) -> int | str | None:
        if fid not in self.cache:
            if fid in self.states:
                self.cache[fid] = None
                return None
            try:
                value = FORM.value(fid, self.clean)
            except (TypeError, KeyError):
                value = None
            self.cache[fid] = _engine_value(fid, value) if value is not None else None
        return self.cache[fid]

    def text(self, text_id: str) -> str:
        hit = self._texts.get(text_id)
        if hit is None:
            if text_id in SECTION_TEXTS:
                hit = self.section_text(text_id)
            else:
                value = self.clean.get(text_id)
                hit = value.strip() if isinstance(value, str) else ""
            self._texts[text_id] = hit
        return hit

    def section_text(self, text_id: str) -> str:
        """A section's prose as the report prints it: its own sub-headings and fields in its own
        order (the importer's outline: ``{section: [{"field", "heading", "inline"}, …]}``), then the
        fields it did not head, in the form's order. Without an outline (a session), the form's order."""
        fields = SECTION_TEXTS[text_id]
        parts: list[str] = []
        done: set[str] = set()
        for entry in self.outline.get(text_id.split(".", 1)[1]) or ():
            fid = entry.get("field") if isinstance(entry, Mapping) else None
            if fid not in fields or fid in done:
                continue
            done.add(fid)
            heading, body = str(entry.get("heading") or ""), self.text(fid)
            joined = (heading + body if entry.get("inline") else "\n".join(t for t in (heading, body) if t))
            if joined:
                parts.append(joined)
        parts += [t for t in (self.text(p) for p in fields if p not in done) if t]
        return "\n".join(parts)


def _printed_empty(value: Any) -> bool:
    """A cell printed blank or 「/」: a cell state of the importer (``gkassist.cellstates``, whose
    ``empty`` is true for those and false for invalid text), standing in answers judged as printed."""
    return getattr(value, "empty", False) is True


# --- text features ---------------------------------------------------------------------------------
# --- facts -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class Fact:
    id: str
    kind: str
    values: dict[str, int | str]  # by rule name: local names and the global names rules read
    labels: dict[str, Any] = field(default_factory=dict)  # message-only values: labels, texts
    fields: dict[str, tuple[str, ...]] = field(default_factory=dict)  # name → field ids it stands for
    units: dict[str, str] = field(default_factory=dict)  # local name → "money" | "date"
    section: str | None = None
    order: tuple[int, ...] = ()
    # answers (field ids) this fact is built from; None = rebuild every time (see build_facts)
    deps: frozenset[str] | None = None

    def same_as(self, other: Fact) -> bool:
        if other is self:
            return True
        return self.values == other.values and self.labels == other.labels and self.fields == other.fields


_CUSTOM_RESERVED = frozenset(("id", "kind", "fields", "section", "order"))
_NO_VALUES: dict[str, Any] = {}  # (never changed)
_MONEY_UNITS = {"value": "money"}


class FactError(ValueError):
    """A fact given by another module is unusable (a programming error, reported as such)."""


_SECTION_INDEX = {s.id: i for i, s in enumerate(FORM.sections)}  # facts sort by it (order)

# per number field: (field, fact id, its own field ids, section position, units, fields by
# value name, deps, whether it is a count: an int is its own value) — see cells()
_CELL_STATIC: dict[str, tuple[Any, str, tuple[str, ...], int, dict[str, str], dict[str, tuple[str, ...]], frozenset[str], bool]] = {
    f.id: (f, f"cell.{f.id}", (f.id,), _SECTION_INDEX.get(f.section, 99),
           _MONEY_UNITS if f.kind == "money" else {},
           dict.fromkeys(("value", "numeric", "whole", "noted", "invalid", "empty"), (f.id,)), frozenset((f.id,)),
           f.kind == "count")
    for f in FORM.fields.values() if f.is_number
}


class _Line(NamedTuple):
    """A fact for one line of a table (a row or a column of 表三, a row of 表二, a 表四 group):
    everything but the values, the same for every report."""

    id: str
    kind: str
    cells: tuple[tuple[str, str], ...]  # (value name, field id)
    previous: tuple[tuple[str, str], ...]  # ("previous.<name>", field id): last year's values, if read
    fields: dict[str, tuple[str, ...]]
    deps: tuple[str, ...]
    labels: dict[str, str]
    section: str
    order: tuple[int, ...]
    derived: bool = False  # a column of sums (表三's 总计)
    names: tuple[str, ...] = ()  # the cells' value names, in the order of ``deps`` (their field ids)
    fid_set: frozenset[str] = frozenset()  # ``deps`` as a set
    take: Callable[[Mapping[str, Any]], tuple] = tuple  # the cells' values from a mapping by field id, in order


def _taker(fids: tuple[str, ...]) -> Callable[[Mapping[str, Any]], tuple]:
    """``lambda m: tuple(m[f] for f in fids)`` done in C (``itemgetter`` gives a bare value for one id)."""
    if len(fids) == 1:
        get = itemgetter(fids[0])
        return lambda m: (get(m),)
    return itemgetter(*fids)


def _line(fact_id: str, kind: str, cells: list[tuple[str, str]], labels: dict[str, str], section: str,
          position: int, *, previous: bool, derived: bool = False) -> _Line:
    return _Line(
        fact_id, kind, tuple(cells), tuple((f"previous.{n}", fid) for n, fid in cells) if previous else (),
        {n: (fid,) for n, fid in cells}, tuple(fid for _, fid in cells), labels, section,
        (_SECTION_INDEX.get(section, 99), position), derived, tuple(n for n, _ in cells),
        frozenset(fid for _, fid in cells), _taker(tuple(fid for _, fid in cells)),
    )


def _lines() -> dict[str, list[_Line]]:
    active = FORM.active_blocks[0]
    return {
        COLUMN: [
            _line(f"requests.column.{col.id}", COLUMN, [(r.id, FORM.requests_field(r.id, col.id)) for r in FORM.requests_rows],
                  {"column": col.label}, "requests", c, previous=True, derived=col.derived)
            for c, col in enumerate(FORM.requests_columns)
        ],
        ROW: [
            _line(f"requests.row.{row.id}", ROW, [(c.id, FORM.requests_field(row.id, c.id)) for c in FORM.requests_columns],
                  {"row": row.label}, "requests", 100 + r, previous=True)
            for r, row in enumerate(FORM.requests_rows)
        ],
        REVIEW: [
            _line(f"review.group.{g.id}", REVIEW, [(c.id, FORM.review_field(g.id, c.id)) for c in FORM.review_columns],
                  {"group": f"{g.parent}·{g.label}" if g.parent else g.label}, "review", i, previous=False)
            for i, g in enumerate(FORM.review_groups)
        ],
        ACTIVE: [
            _line(f"active.row.{row.id}", ACTIVE, [(c.id, active.field_ids[r][k]) for k, c in enumerate(active.columns)],
                  {"row": row.label}, "active", r, previous=True)
            for r, row in enumerate(active.rows)
        ],
    }


_LINES = _lines()
_FORMULAS = FORM.formulas
_RESULT_ROW = "requests.row.total"  # 表三's （七）总计 row: the sums of the result rows
_COLUMN_TERMS = frozenset({"new", "carried", "carry_over"})
_NO_BLANKS = {"blanks": 0, "blank_sums": 0, "total_blank": 0}
_NO_BLANK_LABELS = {"blank_cells": "", "blank_sums_where": "", "blank_note": ""}


class _LinePlan(NamedTuple):
    """A table line's fact as one rulebook sees it, the same for every report (see _line_plans)."""

    line: _Line
    names: tuple[str, ...] | None  # the global names its fact carries (None: they depend on its values)
    fields: dict[str, tuple[str, ...]]  # the line's fields and the globals' (shared, never mutated)
    deps: frozenset[str]  # the line's fields and the answers the globals depend on
    added_key: tuple = ()  # (names, section): its globals in _Builder._added
    # its values' names, in order, with the values of a line without blank cells (without and
    # with last year's values): filled in, not grown key by key (see _Builder._line)
    template: dict[str, Any] = {}
    template_previous: dict[str, Any] = {}


def _template(first: tuple[str, ...], cells: tuple[str, ...], previous: tuple[tuple[str, str], ...],
              added: tuple[str, ...]) -> dict[str, Any]:
    """A line's values in the order _Builder._line sets them: ``computed`` (a column), its cells,
    last year's, the blank counts (0: none), the globals."""
    template = dict.fromkeys((*first, *cells, *(name for name, _ in previous)))
    template.update(_NO_BLANKS)
    template.update(dict.fromkeys(added))
    return template


def _line_plans(book: Rulebook) -> dict[str, list[_LinePlan]]:
    """Each table line with the globals its fact carries, their fields and deps, worked out once
    per rulebook: ``add_globals`` would find the same for each of a report's 37 lines (a kind of
    line whose rules tell its globals by its values, which none does today, is left to it)."""
    plans = book.plans.get("lines")
    if plans is None:
        plans = {}
        for kind, lines in _LINES.items():
            needs = book.global_needs.get(kind)
            names = book.globals_for(kind, {}) if not any(d for d, _ in needs or ()) else None
            plans[kind] = out = []
            for line in lines:
                first = ("computed",) if kind == COLUMN else ()
                if not names:
                    out.append(_LinePlan(line, names, line.fields, line.fid_set, (names, line.section),
                                         _template(first, line.names, (), ()),
                                         _template(first, line.names, line.previous, ())))
                    continue
                flags, plain, fields, deps = _globals_plan(book, names)
                added = (*(name for name, _, _ in flags), *plain)
                out.append(_LinePlan(line, names, {**line.fields, **fields},
                                     line.fid_set.union(deps) if deps else line.fid_set, (names, line.section),
                                     _template(first, line.names, (), added),
                                     _template(first, line.names, line.previous, added)))
        book.plans["lines"] = plans
    return plans


_IN_LINES = frozenset(fid for lines in _LINES.values() for line in lines for _, fid in line.cells)


def _label_of(line: _Line, name: str) -> str:
    """The label of a line's cell: a row's label in a column, a column's label in a row."""
    if line.kind == COLUMN:
        return next(r.label for r in FORM.requests_rows if r.id == name)
    if line.kind == ROW:
        return next(c.label for c in FORM.requests_columns if c.id == name)
    if line.kind == REVIEW:
        return next(c.label for c in FORM.review_columns if c.id == name)
    return next(c.label for c in FORM.active_blocks[0].columns if c.id == name)


# (a table line's or a text's fields, the globals' fields) → both: the same for every report, as
# both come from the form and the rules; a line's 25 fields are not made a set again for each report
_DEPS_UNIONS: dict[tuple[frozenset[str], frozenset[str]], frozenset[str]] = {}
_DEPS_UNIONS_KEPT = 4096


_NOW, _PREVIOUS, _FEATURE = "now", "previous", "feature"


@cache
def _global_source(name: str) -> tuple[str | None, str | None, tuple[str, str] | None]:
    """Where a global name's value comes from: (_NOW, field id, None), (_PREVIOUS, field id, None),
    (_FEATURE, None, (text id, feature)) or (None, None, None) — told by the name alone, so once a
    process rather than by string tests for each of a report's some 50 globals."""
    if name.startswith("previous.") and name[len("previous."):] in FORM.fields:
        return _PREVIOUS, name[len("previous."):], None
    if name in FORM.fields:
        return _NOW, name, None
    split = split_feature_name(name)
    if split:
        return _FEATURE, None, split
    return None, None, None


class _Builder:
    def __init__(self, answers: Mapping[str, Any], previous: Mapping[str, Any] | None,
                 notes: Mapping[str, str] | None, book: Rulebook, cache: FeatureCache,
                 old: Mapping[str, Fact] | None = None, changed: set[str] | None = None,
                 coverage: Coverage | None = None, outline: Mapping[str, Any] | None = None,
                 prune: bool = True) -> None:
        self.answers = answers
        self.prune = prune
        self.old = old or {}
        self.changed = changed
        self.now = _Values(answers, outline)
        self.prev = _Values(previous) if previous is not None else None
        self.notes = notes or {}
        self.book = book
        self.cache = cache
        year = self.now.get("meta.year")
        self.year = year if isinstance(year, int) else None
        self.coverage = coverage or Coverage()
        # (applies.<rule id>, section) → 0 / 1, and (global names, section) → their flags
        self._flags = _flags_for(book, self.coverage, self.year)
        # (global names, section) → what add_globals adds (see _globals_of): to begin with, the
        # sets of flags only, the same for every report of this kind (most of other modules' facts)
        flags_only = self._flags.get(_FLAGS_ONLY)
        self._added: dict[tuple[tuple[str, ...], str | None], tuple] = dict(flags_only) if flags_only else {}
        self._features: dict[tuple[str, str], tuple[int | None, dict]] = {}
        self._globals: dict[str, tuple[int | str | None, dict]] = {}
        self._kinds: dict[str, _KindPlan] = book.plans.setdefault("kinds", {})  # see custom

    # values -------------------------------------------------------------------------------------

    def feature(self, text_id: str, name: str) -> tuple[int | None, dict]:
        key = (text_id, name)
        hit = self._features.get(key)
        if hit is None:
            hit = self._features[key] = self._feature(text_id, name, self.now.text(text_id))
        return hit

    def _feature(self, text_id: str, name: str, text: str) -> tuple[int | None, dict]:
        """Feature ``name`` of text ``text_id``, whose text is ``text`` (not remembered here: see feature)."""
        if name == "chars":
            return len(compact_cached(text)), {}  # (keyword features compact it too)
        if name == "answered":
            return (1 if text else 0), {}
        prev_text = self.prev.text(text_id) if self.prev is not None else None
        return self.cache.get(self.book.features[name], text, self.year, prev_text)

    def global_value(self, name: str) -> tuple[int | str | None, dict]:
        hit = self._globals.get(name)
        if hit is None:
            hit = self._globals[name] = self._global_value(name)
        return hit

    def _global_value(self, name: str) -> tuple[int | str | None, dict]:
        where, fid, split = _global_source(name)
        if where is _NOW:
            return self.now.get(fid), {}
        if where is _PREVIOUS:
            return (self.prev.get(fid) if self.prev is not None else None), {}
        if where is _FEATURE:
            value, detail = self.feature(*split)
            return value, {f"{name}{k[len(split[1]):]}": v for k, v in detail.items()} if detail else {}
        return None, {}

    def stated_value(self, fid: str) -> int | None:
        """A table number as a sentence of the prose states it (rule T3): the cell's value; a cell
        printed blank or 「/」 counts as nothing (0), and a blank total as the sum of its parts, as a
        reader adds them up (「予以公开及部分公开」 of a table whose 总计 column is blank). A cell the
        file does not hold at all is unknown (None): the claim is not compared."""
        value = self.now.get(fid)
        if value is not None:
            return value if isinstance(value, int) else None
        if not _printed_empty(self.answers.get(fid)):
            return None
        parts = FORM.formulas.get(fid)
        if parts is None:
            return 0
        total = 0
        for part in parts:
            v = self.stated_value(part)
            if v is None:
                return None
            total += v
        return total

    def reuse(self, fact_id: str) -> Fact | None:
        """Last build's fact, when none of the answers it was built from has changed."""
        if self.changed is None:
            return None
        old = self.old.get(fact_id)
        if old is None or old.deps is None or not old.deps.isdisjoint(self.changed):
            return None
        return old

    def add_globals(self, fact: Fact, deps: Iterable[str] | None = None) -> Fact:
        """Add the global values the fact's rules read.

        ``deps``: the field ids the fact's own values come from; with the globals' fields they
        become ``fact.deps``. None: the fact is rebuilt every time.
        """
        names = self.book.globals_for(fact.kind, fact.values)
        if not names:  # most facts: nothing to add
            if deps is not None:
                fact.deps = frozenset(deps)
            return fact
        # the same for every fact carrying these names in one section: worked out once a report
        added = self._added.get((names, fact.section))
        if added is None:
            added = self._added[(names, fact.section)] = self._globals_of(names, fact.section)
        values, labels, static_fields, static_deps = added
        fact.values.update(values)
        if labels:
            fact.labels.update(labels)
        if static_fields:
            fact.fields.update(static_fields)
        if deps is not None:
            if not static_deps:
                fact.deps = frozenset(deps)
            elif type(deps) is frozenset:  # a line's or a text's own fields: the union is kept
                key = (deps, static_deps)
                hit = _DEPS_UNIONS.get(key)
                if hit is None:
                    if len(_DEPS_UNIONS) >= _DEPS_UNIONS_KEPT:
                        _DEPS_UNIONS.clear()
                    hit = _DEPS_UNIONS[key] = deps.union(static_deps)
                fact.deps = hit
            else:
                fact.deps = frozenset(deps).union(static_deps)
        return fact

    def _globals_of(self, names: tuple[str, ...], section: str | None) -> tuple:
        """(values, message details, fields, deps) that ``add_globals`` gives a fact in ``section``
        whose rules read the global ``names``."""
        flags, plain, fields, deps = _globals_plan(self.book, names)
        # the flags of these names in this section: the same for every report of this kind
        # (``_flags_for``), so worked out once for all of them
        known = self._flags.get((names, section))
        if known is None:
            known = {}
            for name, rule, own_section in flags:
                # the flag of rule ``name`` (applies.<rule id>): 1 when it applies to this fact
                where = (rule.section or section) if own_section else None
                hit = self._flags.get((name, where))
                if hit is None:
                    hit = self._flags[(name, where)] = int(rule_applies_to(rule.applies, self.coverage, self.year, where))
                known[name] = hit
            self._flags[(names, section)] = known
        if not plain:  # flags only: what every report of this kind adds (shared, never mutated)
            added = (known, _NO_VALUES, fields, deps)
            self._flags.setdefault(_FLAGS_ONLY, {})[(names, section)] = added
            return added
        values: dict[str, Any] = dict(known)
        labels: dict[str, Any] = {}
        known_values = self._globals  # (global_value, inline: some 50 a report)
        for name in plain:
            hit = known_values.get(name)
            if hit is None:
                hit = known_values[name] = self._global_value(name)
            values[name] = hit[0]
            if hit[1]:
                labels.update(hit[1])
        return values, labels, fields, deps

    def order(self, section: str, *rest: int) -> tuple[int, ...]:
        return (_SECTION_INDEX.get(section, 99), *rest)

    # scopes ---------------------------------------------------------------------------------------

    def report(self) -> Iterable[Fact]:
        yield self.reuse("report") or self.add_globals(Fact("report", REPORT, {}, order=(0,)), deps=[])

    def _line(self, plan: _LinePlan, values: dict[str, Any]) -> Fact:
        """The fact of a table line; ``values``: its values besides its cells (a column's ``computed``)."""
        # (the plan and the line unpacked: a named tuple's field read is a generic attribute lookup)
        line, names, fields, deps, added_key, template, template_previous = plan
        fact_id, kind, _, previous, _, fids, labels, section, order, _, cell_names, fid_set, take = line
        if self.changed is not None:  # (a batch's check: never; see reuse)
            old = self.reuse(fact_id)
            if old is not None:
                return old
        cache = self.now.cache
        try:  # the cells' values: nearly always all known already (printed whole numbers)
            cells = take(cache)
        except KeyError:
            get = self.now.get
            for fid in fids:
                get(fid)
            cells = take(cache)
        if not self.now.states and names is not None:
            # a line without blank cells (nearly every one): its values fill the plan's template
            # in place; what add_globals would add, but for the globals' values, comes from the
            # line's plan, and its labels and fields are shared
            if previous and self.prev is not None:
                filled = template_previous.copy()
                filled.update(values)
                filled.update(zip(cell_names, cells, strict=True))
                get = self.prev.get
                for name, fid in previous:
                    filled[name] = get(fid)
            else:
                filled = template.copy()
                filled.update(values)
                filled.update(zip(cell_names, cells, strict=True))
            if names:
                added = self._added.get(added_key)
                if added is None:
                    added = self._added[added_key] = self._globals_of(names, section)
                filled.update(added[0])
                if added[1]:
                    labels = {**labels, **added[1]}
            return Fact(fact_id, kind, filled, labels, fields, section=section, order=order, deps=deps)
        values.update(zip(cell_names, cells, strict=True))
        if previous and self.prev is not None:
            get = self.prev.get
            for name, fid in previous:
                values[name] = get(fid)
        fact = Fact(fact_id, kind, values, dict(labels), dict(line.fields), section=section, order=order)
        if self.now.states:
            self._blank_cells(line, fact)
        else:
            values.update(_NO_BLANKS)
        return self.add_globals(fact, deps=fid_set)

    def _blank_cells(self, line: _Line, fact: Fact) -> None:
        """What the line's cells that printed no number mean for its rules (gkassist.cellstates).

        A blank or 「/」 part counts as nothing in the line's sums (0), and ``blanks`` counts them
        (``blank_cells`` names them, ``blank_note`` says so for a sum's message); the terms of
        表三's 勾稽关系 (一, 二, 四 in a column) are no parts of a sum: blank, they stay unknown and
        N4 says nothing rather than read them as 0. A blank *sum*
        cell stays without a value — it is no total, so the sum rules cannot compare it — and is
        counted where it is reported once: ``total_blank`` for the line's own sum (表四's 总计),
        ``blank_sums`` for the sum cells across the line (表三's 总计 column, its （七） row)
        whose parts hold numbers.
        """
        states = self.now.states
        values = fact.values
        empty: list[str] = []
        sums: list[tuple[str, str]] = []
        for name, fid in line.cells:
            state = states.get(fid)
            if state is None or state.state == INVALID:
                continue
            if fid not in _FORMULAS:
                if line.kind != COLUMN or name not in _COLUMN_TERMS:
                    values[name] = 0
                empty.append(_label_of(line, name))
            elif not self._parts_printed(fid):
                empty.append(_label_of(line, name))  # a blank total of nothing: worth a word only
            elif name != "total" or line.id == _RESULT_ROW:
                sums.append((name, fid))
        own = dict(line.cells).get("total")
        fact.labels.update(_NO_BLANK_LABELS)
        values["blanks"] = len(empty)
        values["blank_sums"] = len(sums)
        values["total_blank"] = 1 if own in states and states[own].state != INVALID and own in _FORMULAS \
            and line.id != _RESULT_ROW and self._parts_printed(own) else 0
        if empty:
            fact.labels["blank_cells"] = "、".join(f"「{x}」" for x in empty)
            fact.labels["blank_note"] = fact.labels["blank_cells"]
        if sums:
            fact.labels["blank_sums_where"] = "、".join(f"「{_label_of(line, n)}」" for n, _ in sums)
            fact.fields["blank_sums"] = tuple(fid for _, fid in sums)
        if values["total_blank"]:
            fact.fields["total_blank"] = (own,)

    def _parts_printed(self, fid: str) -> bool:
        """Whether the parts of sum cell ``fid`` hold a number other than 0 (a part that is a
        blank sum itself counts by its own parts: 表三's （七）总计·总计 over a blank （七） row)."""
        get = self.now.get
        return any(((v := get(p)) is not None and v != 0) or (v is None and p in _FORMULAS and self._parts_printed(p))
                   for p in _FORMULAS[fid])

    def columns(self) -> Iterable[Fact]:
        stored_ones = self.now.clean.keys()
        for plan in _line_plans(self.book)[COLUMN]:
            # the 总计 column of an interview session is computed from the others: its sums hold
            # whenever theirs do, so rules can skip it instead of repeating their findings
            line = plan[0]
            stored = not stored_ones.isdisjoint(line.fid_set)
            yield self._line(plan, {"computed": 0 if stored or not line.derived else 1})

    def rows(self) -> Iterable[Fact]:
        return (self._line(plan, {}) for plan in _line_plans(self.book)[ROW])

    def review(self) -> Iterable[Fact]:
        return (self._line(plan, {}) for plan in _line_plans(self.book)[REVIEW])

    def active(self) -> Iterable[Fact]:
        return (self._line(plan, {}) for plan in _line_plans(self.book)[ACTIVE])

    def cells(self) -> Iterable[Fact]:
        # one fact per number cell, some 200 per report: the most numerous facts of a check, so
        # what does not depend on the answer comes from _CELL_STATIC (shared, never mutated: the
        # globals step copies it first), whole numbers skip _clean_number, and the globals step is
        # skipped when no rule on cells reads a global. A plain cell no case can fire on (nearly
        # every cell: a whole number ≥ 0) is no fact at all (_cell_plan).
        plain = not self.book.global_needs.get(CELL)
        can_fire = _cell_plan(self.book) if self.prune else None
        incremental = self.changed is not None
        quick = can_fire is not None and not incremental  # the plain-cell test first (below)
        notes = self.notes
        if quick:
            # the whole counts in range with no note are the cells the quick test below skips, but
            # those whose value can fire: only the others are looked at, in the answers' order
            whole = self.now.whole
            picked = set(self.now.others)
            firing = {v for v in set(whole.values()) if can_fire(v)}
            if firing:
                picked.update(fid for fid, v in whole.items() if v in firing)
            if notes:
                picked.update(fid for fid, note in notes.items() if note and fid in whole)
            if not picked:
                return
            answers = self.answers
            if len(picked) < 16:
                keys = list(answers)
                places = sorted(map(keys.index, picked))
                cells = [(i, keys[i]) for i in places]
            else:
                cells = [(i, fid) for i, fid in enumerate(answers) if fid in picked]
            for i, fid in cells:
                static = _CELL_STATIC.get(fid)
                if static is not None:
                    fact = self._cell(i, fid, answers[fid], static, can_fire, plain)
                    if fact is not None:
                        yield fact
            return
        for i, (fid, raw) in enumerate(self.answers.items()):
            static = _CELL_STATIC.get(fid)
            if static is None or raw is None:
                continue
            if incremental:
                old = self.reuse(static[1])
                if old is not None:
                    yield old
                    continue
            fact = self._cell(i, fid, raw, static, can_fire, plain)
            if fact is not None:
                yield fact

    def _cell(self, i: int, fid: str, raw: Any, static: tuple, can_fire: Callable[[int], bool] | None,
              plain: bool) -> Fact | None:
        """The fact of number cell ``fid`` (the ``i``-th answer), None when it needs none."""
        f, fact_id, own, section_index, units, fields, deps, _ = static
        invalid = empty = 0
        if type(raw) is int and f.kind == "count" and -LARGEST_VALUE <= raw <= LARGEST_VALUE:
            number, numeric = raw, True
        elif type(raw) is CellState:
            # a cell printed with no number: invalid text is judged (N1 names it); a blank or
            # 「/」 is a fact of its own only outside the table lines (表二's single cells),
            # whose facts report blanks once per line
            if raw.state != INVALID and fid in _IN_LINES:
                return None
            number, numeric = None, False
            invalid, empty = (1, 0) if raw.state == INVALID else (0, 1)
            raw = raw.printed
        else:
            number, numeric = _clean_number(f, raw)
        note = self.notes.get(fid)
        if can_fire is not None and number is not None and not invalid and not empty and not note \
                and not can_fire(number):
            return None  # numeric and whole follow from a number: a plain cell (_PLAIN_CELL)
        values = {
            "value": number,
            "numeric": 1 if numeric else 0,
            "whole": 0 if number is None else 1,
            "noted": 1 if note else 0,
            "invalid": invalid,
            "empty": empty,
        }
        labels = {"field": f.label, "raw": _as_printed(raw), "note": note or ""}
        if plain:
            return Fact(fact_id, CELL, values, labels, fields, units, f.section, (section_index, 200 + i), deps)
        fact = Fact(fact_id, CELL, values, labels, dict(fields), dict(units), f.section, (section_index, 200 + i))
        return self.add_globals(fact, deps=own)

    def texts(self) -> Iterable[Fact]:
        known = self._features
        get_feature, year = self.cache.get, self.year
        for plan in _text_plans(self.book):
            # (unpacked: a named tuple's field read is a generic attribute lookup)
            text_id, fact_id, label, section, order, _, names, fields, deps, added_key, template, features = plan
            if self.changed is not None:
                old = self.reuse(fact_id)
                if old is not None:
                    yield old
                    continue
            # (with the globals planned, the values fill the plan's template in place: same order)
            values: dict[str, Any] = {TEXT_KEY: text_id} if names is None else template.copy()
            labels: dict[str, Any] = {"field": label}
            # (_feature inline: its two own features, then the rulebook's, each looked up once a report)
            text = self.now.text(text_id)
            values["chars"] = len(compact_cached(text))
            values["answered"] = 1 if text else 0
            if features:
                prev_text = self.prev.text(text_id) if self.prev is not None else None
                for key, name, feature in features:
                    hit = known.get(key)
                    if hit is None:
                        hit = known[key] = get_feature(feature, text, year, prev_text)
                    values[name] = hit[0]
                    if hit[1]:
                        labels.update(hit[1])
            if names is None:
                fact = Fact(fact_id, TEXT, values, labels, dict(fields), section=section, order=order)
                yield self.add_globals(fact, deps=deps)
                continue
            if names:  # what add_globals would add but the globals' values: from the plan
                added = self._added.get(added_key)
                if added is None:
                    added = self._added[added_key] = self._globals_of(names, section)
                values.update(added[0])
                if added[1]:
                    labels.update(added[1])
            yield Fact(fact_id, TEXT, values, labels, fields, section=section, order=order, deps=deps)

    def claims(self) -> Iterable[Fact]:
        plan = _claim_plan(self.book)
        if plan is None:
            return
        claims = self.book.claims
        values: tuple[list, list] | None = None  # the tables' side of each claim, worked out once one is found
        for t, text_id in enumerate(PROSE_FIELDS):
            text = self.now.text(text_id)
            if not text:
                continue
            f = FORM.field(text_id)
            for start, k, said, matched in self.cache.claims(claims, text, self.year):
                if values is None:  # (most reports state no number a claim reads)
                    values = self._claim_values(plan[0])
                table_values, also_values = values
                claim = claims[k]
                # the finding is about the value the claim names; the alternative only excuses it
                table_fields = plan[1][k]
                fact = Fact(
                    f"claim.{text_id}.{start}",
                    CLAIM,
                    {"said": said, "table": table_values[k], "also": also_values[k]},
                    {"field": f.label, "claim": claim.name, "text": matched},
                    {"said": (text_id,), "table": table_fields, "also": table_fields},
                    section=f.section,
                    order=self.order(f.section, 400 + t, start),
                )
                yield self.add_globals(fact)

    def _claim_values(self, names: tuple[str, ...]) -> tuple[list, list]:
        """(each claim's value by the tables, its alternative's): what a stated number is compared with."""
        env = {name: self.stated_value(name) if name in FORM.fields else self.global_value(name)[0] for name in names}
        tables = self.book.tables
        claims = self.book.claims
        table_values = [eval_lin(claim.value, env, tables) for claim in claims]
        # a claim without an alternative agrees only with its value: the alternative is that value
        also_values = [eval_lin(claim.also, env, tables) if claim.also else table_values[k]
                       for k, claim in enumerate(claims)]
        return table_values, also_values

    def custom(self, raw: Mapping[str, Any], i: int) -> Fact | None:
        """Another module's fact (``extra_facts``, producers); None when none of its kind's rule
        cases can fire on it (a wording offer of a category no rule names; a kind no rule checks)."""
        if not (type(raw) is dict or isinstance(raw, Mapping)) or not isinstance(raw.get("id"), str) \
                or not isinstance(kind := raw.get("kind"), str):
            raise FactError(f"extra fact without a string id and kind: {raw!r}")
        plan = self._kinds.get(kind)
        if plan is None:
            plan = self._kinds[kind] = _KindPlan.of(self.book, kind)
        if plan.defaults:
            raw = {**plan.defaults, **raw}
        if self.prune:
            if plan.selecting:  # most of other modules' facts: told by the value or two that select them
                # (selected's memo read inline for one plain selecting value: the 28 wording offers)
                key = raw.get(plan.selecting[0])
                hit = plan.memo.get(key) if len(plan.selecting) == 1 and type(key) in _PLAIN_TYPES else None
                if not (hit if hit is not None else plan.selected(self.book, kind, raw)):
                    return None
            elif not plan.fires:  # decided by the kind alone
                return None
        values, labels = _split_custom(raw, plan.names, plan.engine_names)
        fields_raw = raw.get("fields") or ()
        fields_t = (fields_raw,) if isinstance(fields_raw, str) else tuple(fields_raw)
        section = raw.get("section")
        # the first field's form entry gives a section and a label where the fact names none
        first = FORM.fields.get(fields_t[0]) if fields_t and (section is None or "field" not in labels) else None
        if section is None and first is not None:
            section = first.section
        fact = Fact(f"{raw['id']}", kind, values, labels, dict.fromkeys(values, fields_t),
                    section=section, order=(_SECTION_INDEX.get(section or "", 99), 500 + i))
        if first is not None and "field" not in labels:
            labels["field"] = first.label
        return self.add_globals(fact)


_SELECTED_KEPT = 4096  # selecting values of other modules' facts whose answer is remembered, per kind
_PLAIN_TYPES = frozenset((str, int, bool, type(None)))


@dataclass
class _KindPlan:
    """What ``_Builder.custom`` needs of a kind of other modules' facts, the same for every fact of
    the kind: worked out once per rulebook, not for each of the some 40 such facts of a report."""

    names: Any  # the names a declared kind passes to the engine (None: an undeclared kind)
    defaults: Mapping[str, Any] | None
    engine_names: frozenset[str]  # ``names`` but the reserved keys (``_engine_names``)
    selecting: tuple[str, ...]  # the values its cases select facts by (``Rulebook.selecting``)
    fires: bool  # without selecting values: whether a fact of the kind can fire some case
    memo: dict[Any, bool] = field(default_factory=dict)  # selecting values → ``selected``

    @classmethod
    def of(cls, book: Rulebook, kind: str) -> _KindPlan:
        declared = book.fact_kinds.get(kind)
        names = declared.names if declared is not None else None
        selecting = tuple(book.selecting.get(kind) or ())
        return cls(names, declared.defaults if declared is not None else None, _engine_names(book, kind, names),
                   selecting, bool(selecting) or book.may_fire(kind, _NO_VALUES))

    def selected(self, book: Rulebook, kind: str, raw: Mapping[str, Any]) -> bool:
        """``book.may_fire`` on the selecting values of ``raw``, remembered by those values when
        they are plain (strings, ints, bools, None): the answer then depends on them alone (a bool
        reads as 0 / 1 either way), and a report's 28 wording offers repeat the same categories."""
        selecting = self.selecting
        key = raw.get(selecting[0]) if len(selecting) == 1 else tuple(map(raw.get, selecting))
        plain = type(key) in _PLAIN_TYPES if len(selecting) == 1 else set(map(type, key)) <= _PLAIN_TYPES
        if plain:
            hit = self.memo.get(key)
            if hit is not None:
                return hit
        hit = book.may_fire(kind, _engine_values(raw, selecting, self.names))
        if plain:
            if len(self.memo) >= _SELECTED_KEPT:
                self.memo.clear()
            self.memo[key] = hit
        return hit


def _engine_values(raw: Mapping[str, Any], keys: Iterable[str], names: Any) -> dict[str, Any]:
    """The engine values among ``keys`` of another module's fact ``raw`` (the rest of it is for
    messages): numbers (a bool as 0 / 1), and strings of the names its kind declares (``names``;
    None for an undeclared kind, which passes its numbers only)."""
    out: dict[str, Any] = {}
    for key in keys:
        if key in _CUSTOM_RESERVED or key not in raw:
            continue
        value = raw[key]
        t = type(value)  # exact types first: this runs for every key of every extra fact
        if t is bool:
            value, t = int(value), int
        number = t is int or (t is not str and isinstance(value, int))
        if number if names is None else (key in names and (number or t is str or isinstance(value, str))):
            out[key] = value
    return out


def _split_custom(raw: Mapping[str, Any], names: Any,
                  engine_names: frozenset[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Another module's fact ``raw`` as (engine values, message-only values), in one pass over it:
    what ``_engine_values(raw, raw, names)`` gives, and the rest but the reserved keys (a bool in
    either as 0 / 1). ``engine_names``: ``names`` but the reserved keys."""
    values: dict[str, Any] = {}
    labels: dict[str, Any] = {}
    if names is not None:  # a declared kind (every kind of ours): its names' values, the rest for messages
        for key, value in raw.items():
            if key in engine_names:
                t = type(value)
                if t is int or t is str:
                    values[key] = value
                    continue
                if t is bool:
                    values[key] = int(value)
                    continue
                if isinstance(value, int | str):
                    values[key] = value
                    continue
            elif key in _CUSTOM_RESERVED:
                continue
            labels[key] = int(value) if type(value) is bool else value
        return values, labels
    for key, value in raw.items():
        t = type(value)  # exact types first: this runs for every key of every extra fact kept
        if t is bool:
            value, t = int(value), int
        if key in _CUSTOM_RESERVED:
            continue
        number = t is int or (t is not str and isinstance(value, int))
        if number if names is None else (key in names and (number or t is str or isinstance(value, str))):
            values[key] = value
        else:
            labels[key] = value
    return values, labels


def _engine_names(book: Rulebook, kind: str, names: Any) -> frozenset[str]:
    """The names a declared kind passes to the engine (``FactKind.names``) but the reserved keys:
    the same for every fact of the kind, so worked out once per rulebook."""
    known = book.plans.setdefault("engine_names", {})
    hit = known.get(kind)
    if hit is None:
        hit = known[kind] = frozenset(names or ()).difference(_CUSTOM_RESERVED)
    return hit


# the key, among a kind of report's flags (_flags_for), of the globals added that are flags only:
# (global names, section) → what _Builder._globals_of gives, the same for every report of the kind
_FLAGS_ONLY = "flags only"
_FLAG_SETS_KEPT = 256  # kinds of report (coverage and year) whose rule applicability is remembered


def _flags_for(book: Rulebook, coverage: Coverage, year: int | None) -> dict[tuple, Any]:
    """Whether each rule applies to a fact of a section ((applies.<rule id>, section) → 0 / 1),
    and the flags a fact reading some global names carries ((names, section) → {name: 0 / 1}),
    filled as facts ask: shared by every report of the same coverage and year, since that is all
    it depends on (``rule_applies_to``) — nearly every report of a folder is complete and of one
    year, and a report asks some 80 of them."""
    sets = book.plans.get("flags")
    if sets is None:  # one rulebook's flags, by kind of report: empty at first
        sets = book.plans["flags"] = lru_cache(maxsize=_FLAG_SETS_KEPT)(lambda fmt, sections, year: {})
    return sets(coverage.format, tuple(sorted(coverage.sections.items())), year)


def _globals_plan(book: Rulebook, names: tuple[str, ...]) -> tuple:
    """What adding these globals to a fact takes, worked out once per rulebook: the applicability
    flags (name, rule, whether it reads the fact's own section), the other globals' names, the
    fields each names (``fact.fields``) and the answers they depend on (``fact.deps``)."""
    plans = book.plans.setdefault("globals", {})
    plan = plans.get(names)
    if plan is not None:
        return plan
    flags: list[tuple[str, Any, bool]] = []
    values: list[str] = []
    fields: dict[str, tuple[str, ...]] = {}
    deps: set[str] = set()
    for name in names:
        if name.startswith(APPLIES_PREFIX):
            rule = book.applicability[name]
            flags.append((name, rule, rule.applies.reads_own_section))
            if rule.applies.reads_year:
                deps.add("meta.year")
            continue
        values.append(name)
        if name.startswith("previous."):
            continue  # a change of last year's answers rebuilds everything
        split = split_feature_name(name)
        if split:
            text_fields = SECTION_TEXTS.get(split[0], (split[0],))
            fields[name] = text_fields
            deps.update(text_fields)
            deps.add("meta.year")  # patterns may name the report year
        elif name in FORM.fields:
            fields[name] = (name,)
            deps.add(name)
    plan = plans[names] = (tuple(flags), tuple(values), fields, frozenset(deps))
    return plan


# the values of a plain cell besides its value: a number (money: whole 元), printed, without a
# note — nearly every cell of a report; see _cell_plan
_PLAIN_CELL = {"numeric": 1, "whole": 1, "noted": 0, "invalid": 0, "empty": 0}
_CELL_MEMO_SIZE = 10_000


def _cell_plan(book: Rulebook) -> Callable[[int], bool] | None:
    """Whether a plain cell (``_PLAIN_CELL``) with this value can fire some rule case on cells;
    None when every plain cell may. Worked out once per rulebook from the rules' conditions
    (``Rulebook.firing_region``), so that a rule author adding a case on cells adds nothing here.

    A cell no case can fire on is left out of the facts: it could only cost time in either
    evaluator (both get the same facts), some 200 facts a report of which nearly none fires. The
    interview's incremental path stays exact: a cell left out is not among the last build's facts,
    so it is built afresh on every update, and appears as soon as its value can fire; a cell that
    stops firing is left out, and the evaluator retracts the fact it held (``Matcher.sync``).
    """
    plan = book.plans.get("cells")
    if plan is None:
        region = book.firing_region(CELL, _PLAIN_CELL, ("value",))
        if region is True:
            plan = (None,)
        elif region is False:
            plan = (lambda value: False,)
        else:
            tables = book.tables

            # by value: a report's cells repeat a few small numbers
            @lru_cache(maxsize=_CELL_MEMO_SIZE)
            def can_fire(value: int) -> bool:
                return holds(region, {**_PLAIN_CELL, "value": value}, tables)

            plan = (can_fire,)
        book.plans["cells"] = plan
    return plan[0]


@cache
def _text_static(text_id: str) -> tuple[str, str, tuple[str, ...], str, tuple[int, int], frozenset[str]]:
    """What a text's fact holds besides its features, the same for every report: (fact id, label,
    field ids, section, order, deps)."""
    fields = SECTION_TEXTS.get(text_id, (text_id,))
    section = text_section(text_id)
    return (f"text.{text_id}", text_label(text_id), fields, section,
            (_SECTION_INDEX.get(section, 99), 300 + text_ids().index(text_id)), frozenset((*fields, "meta.year")))


def _text_plan(book: Rulebook) -> dict[str, tuple[str, ...]]:
    """Texts that rules on prose read, each with the text features those rules use (the features
    of the rules whose ``texts`` name it): the same for every report checked with one rulebook,
    so worked out once per rulebook. A feature no rule reads on a text is not computed for it —
    most features are read on a few texts only, and each costs a regex over the text."""
    plan = book.plans.get("texts")
    if plan is not None:
        return plan
    needs: dict[str, set[str]] = {}
    used: list[str] = []  # every feature read on some text, in the order the rules name them
    for rule in book.rules:
        if rule.scope != TEXT:
            continue
        names: list[str] = []
        for case in rule.cases:
            names += cond_names(case.when) + cond_names(case.check) + list(rule.reads)
            names += [m[1].rsplit("_", 1)[0] for m in re.finditer(r"\{([^{}:]+)", case.message)]
        features = [n for n in names if n in book.features]
        # (a rule names a feature in its condition and its message alike: each is read once)
        used += [n for n in dict.fromkeys(features) if n not in used]
        for t in rule.texts or PROSE_FIELDS:
            needs.setdefault(t, set()).update(features)
    plan = book.plans["texts"] = {t: tuple(n for n in used if n in need) for t, need in needs.items()}
    return plan


def _claim_plan(book: Rulebook) -> tuple[tuple[str, ...], list[tuple[str, ...]]] | None:
    """The names the claims' values read (each once, in order) and each claim's table fields; None
    when the rulebook has no claims or no rule on them. The same for every report: once per rulebook."""
    plan = book.plans.get("claims", False)
    if plan is False:
        plan = None
        if book.claims and any(r.scope == CLAIM for r in book.rules):
            names = [n for claim in book.claims for n in claim.value.names() + (claim.also.names() if claim.also else [])]
            plan = (tuple(dict.fromkeys(names)),
                    [tuple(dict.fromkeys(n for n in claim.value.names() if n in FORM.fields)) for claim in book.claims])
        book.plans["claims"] = plan
    return plan


class _TextPlan(NamedTuple):
    """A text's fact as one rulebook sees it, the same for every report (see _text_plans)."""

    text_id: str
    fact_id: str
    label: str
    section: str
    order: tuple[int, ...]
    keys: tuple[tuple[tuple[str, str], str], ...]  # ((text id, feature name), feature name) of its values but the text id
    names: tuple[str, ...] | None  # the global names its fact carries (None: they depend on its values)
    fields: dict[str, tuple[str, ...]]  # its values' fields and the globals' (with ``names``: shared, never mutated)
    deps: frozenset[str]  # its fields, the report year, and (with ``names``) what the globals depend on
    added_key: tuple = ()  # (names, section): its globals in _Builder._added
    template: dict[str, Any] = {}  # its values' names in order (with ``names``), the text id set: filled in place
    # ((text id, feature name), feature name, feature) of its values but the text id, ``chars`` and
    # ``answered`` (``keys`` but those, with the rulebook's feature each names)
    features: tuple[tuple[tuple[str, str], str, Any], ...] = ()


def _text_plans(book: Rulebook) -> list[_TextPlan]:
    """Each text rules on prose read (``_text_plan``) with its fact's fixed parts, the globals it
    carries, their fields and deps: worked out once per rulebook rather than by ``add_globals``
    for each of a report's 13 texts (a rulebook telling a text's globals by its values, which
    none does today, leaves that to ``add_globals``)."""
    plans = book.plans.get("text facts")
    if plans is None:
        needs = book.global_needs.get(TEXT)
        names = book.globals_for(TEXT, {}) if not any(d for d, _ in needs or ()) else None
        plans = []
        for text_id, features in _text_plan(book).items():
            fact_id, label, fields, section, order, deps = _text_static(text_id)
            value_names = ("chars", "answered", *features)
            own_fields = dict.fromkeys((TEXT_KEY, *value_names), fields)
            template = dict.fromkeys((TEXT_KEY, *value_names))
            if names:
                flags, plain, global_fields, global_deps = _globals_plan(book, names)
                own_fields.update(global_fields)
                deps = deps.union(global_deps) if global_deps else deps
                template.update(dict.fromkeys((*(name for name, _, _ in flags), *plain)))
            template[TEXT_KEY] = text_id
            plans.append(_TextPlan(text_id, fact_id, label, section, order,
                                   tuple(((text_id, n), n) for n in value_names), names, own_fields, deps,
                                   (names, section), template,
                                   tuple(((text_id, n), n, book.features[n]) for n in dict.fromkeys(features)
                                         if n not in ("chars", "answered"))))
        book.plans["text facts"] = plans
    return plans


_ID = attrgetter("id")


def _scopes(book: Rulebook) -> list[Callable[[_Builder], Iterable[Fact]]]:
    """The builder's methods making the facts of the scopes the rulebook's rules check, in the
    facts' order: once per rulebook."""
    scopes = book.plans.get("scopes")
    if scopes is None:
        kinds = {r.scope for r in book.rules}
        makers = {
            REPORT: _Builder.report, COLUMN: _Builder.columns, ROW: _Builder.rows, REVIEW: _Builder.review,
            ACTIVE: _Builder.active, CELL: _Builder.cells, TEXT: _Builder.texts, CLAIM: _Builder.claims,
        }
        scopes = book.plans["scopes"] = [make for kind, make in makers.items() if kind in kinds]
    return scopes


def build_facts(answers: Mapping[str, Any], previous: Mapping[str, Any] | None = None, *,
                book: Rulebook, notes: Mapping[str, str] | None = None,
                extra_facts: Iterable[Mapping[str, Any]] = (), cache: FeatureCache | None = None,
                old: Mapping[str, Fact] | None = None, changed: set[str] | None = None,
                outline: Mapping[str, Any] | None = None, prune: bool = True) -> list[Fact]:
    """Every fact the rulebook's rules can match, for one report. Ids are unique and stable.

    ``prune``: leave out the facts the rules' conditions prove no case can fire on (plain cells:
    ``_cell_plan``; other modules' facts their kind's cases do not select: ``Rulebook.may_fire``);
    False gives every fact of the rules' scopes (``rule_applies`` asks whether a
    case's ``when`` holds, which a fact that cannot fire may still meet).

    Incremental use (the Validator): ``old`` is the previous build's facts by id and ``changed``
    the field ids whose answers (or notes) changed, with every derived cell depending on them
    (``FORM.dependents``). A fact whose ``deps`` miss ``changed`` is reused as it is; claims and
    other modules' facts are always rebuilt. ``changed=None`` rebuilds everything.

    ``outline``: a read report's own sub-headings and their order per prose section (the importer's
    ``outline``); the texts of whole sections (``section.overview`` …) follow it.
    """
    extras = list(extra_facts)
    for producer in book.producers:
        extras.extend(producer(answers, previous) or ())
    b = _Builder(answers, previous, notes, book, cache or FeatureCache(), old, changed, Coverage.of_facts(extras),
                 outline, prune)
    out: list[Fact] = []
    for produce in _scopes(book):  # facts no rule can match would only cost time (and be discarded)
        out.extend(produce(b))
    # --- extra fact producers: other modules' facts (importer structure, wording) -----------------
    left_out: list[str] = []
    for i, raw in enumerate(extras):
        fact = b.custom(raw, i)
        if fact is not None:
            out.append(fact)
        else:
            left_out.append(raw["id"])
    ids = [*map(_ID, out), *left_out]
    if len(set(ids)) != len(ids):  # (rare: a programming error) name the first id met twice
        seen: set[str] = set()
        for fact_id in ids:
            if fact_id in seen:
                raise FactError(f"two facts share the id {fact_id!r}")
            seen.add(fact_id)
    return out
