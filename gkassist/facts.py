"""Answers (+ last year's, + text features, + facts of other modules) → facts for the rule engine.

A rule checks one *scope* — every column of table 三, every row, each group of table 四, each text,
the report as a whole … (``SCOPES``). For each scope instance this module builds one :class:`Fact`:
its local values (``new``, ``carried`` … for a column), the global values the rulebook says rules of
that scope read (``meta.level``, ``previous.active.rules.in_force``, ``other_matters.mentions_fee``),
and what a message needs besides numbers (labels from ``FORM``, the field ids, matched text).

Why facts look like this (see ../shared/notes/durable-rules.md):
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
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, NamedTuple

import cn2an

from gkassist import similarity
from gkassist.form import FORM

if TYPE_CHECKING:
    from gkassist.rulebook import Claim, Feature, Rulebook

# engine fact kinds of the built-in scopes
REPORT = "report"
COLUMN = "requests.column"
ROW = "requests.row"
REVIEW = "review.group"
ACTIVE = "active.row"
CELL = "cell"
TEXT = "text"
CLAIM = "claim"

BUILTIN_TEXT_NAMES = ("chars", "answered", "text_id")
# the key naming a text fact's text (a rule's ``texts:`` filter matches it)
TEXT_KEY = "text_id"

_NUM = r"(?:[0-9０-９]+|[零〇一二两三四五六七八九十百千万]+)"
_NEVER = r"(?!x)x"


@dataclass(frozen=True)
class Scope:
    kind: str
    phrases: tuple[str, ...]  # how rules/*.yaml names it: English first, then Chinese
    names: Mapping[str, str]  # local name → label (from FORM)
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    previous: bool = False  # previous.<local name> available
    labels: tuple[str, ...] = ()  # message label variables


def _scopes() -> dict[str, Scope]:
    rows = FORM.requests_rows
    cols = FORM.requests_columns
    active = FORM.active_blocks[0]
    review_cols = FORM.review_columns
    return {
        s.kind: s
        for s in (
            Scope(REPORT, ("the report", "整份报告"), {}),
            Scope(
                COLUMN,
                ("each column of table 三", "表三每一列"),
                {**{r.id: r.label for r in rows}, "computed": "整列由程序相加得出"},
                {"results": tuple(r.id for r in rows if r.is_result)},
                previous=True,
                labels=("column",),
            ),
            Scope(
                ROW,
                ("each row of table 三", "表三每一行"),
                {c.id: c.label for c in cols},
                {"applicants": tuple(c.id for c in cols if not c.derived)},
                previous=True,
                labels=("row",),
            ),
            Scope(
                REVIEW,
                ("each group of table 四", "表四每一组"),
                {c.id: c.label for c in review_cols},
                {"parts": tuple(c.id for c in review_cols if not c.derived)},
                labels=("group",),
            ),
            Scope(
                ACTIVE,
                ("each row of table 二 第（一）项", "表二第（一）项每一行"),
                {c.id: c.label for c in active.columns},
                previous=True,
                labels=("row",),
            ),
            Scope(
                CELL,
                ("each number", "每个数字栏目"),
                {"value": "数值", "numeric": "是数字", "whole": "整数或不超过4位小数", "noted": "有填写说明"},
                labels=("field", "raw", "note"),
            ),
            Scope(
                TEXT,
                ("each text", "每段文字"),
                {"chars": "字数", "answered": "已填写", TEXT_KEY: "文字编号"},
                labels=("field",),
            ),
            Scope(
                CLAIM,
                ("each number stated in the prose", "正文中的每个数字"),
                {"said": "文中的数", "table": "表中的数"},
                labels=("field", "claim", "text"),
            ),
        )
    }


SCOPES: dict[str, Scope] = _scopes()

PROSE_FIELDS: tuple[str, ...] = tuple(f.id for f in FORM.fields.values() if f.kind == "prose")
# whole sections made of several prose fields, for checks that do not care which field says it
SECTION_TEXTS: dict[str, tuple[str, ...]] = {
    f"section.{s.id}": tuple(fid for fid in s.field_ids if fid in PROSE_FIELDS)
    for s in FORM.sections
    if sum(fid in PROSE_FIELDS for fid in s.field_ids) > 1
}


def text_ids() -> tuple[str, ...]:
    return PROSE_FIELDS + tuple(SECTION_TEXTS)


def _text_label(text_id: str) -> str:
    if text_id in SECTION_TEXTS:
        return FORM.section(text_id.split(".", 1)[1]).heading or text_id
    return FORM.field(text_id).label


def _text_section(text_id: str) -> str:
    if text_id in SECTION_TEXTS:
        return text_id.split(".", 1)[1]
    return FORM.field(text_id).section


def _split_feature_name(name: str) -> tuple[str, str] | None:
    base, _, feat = name.rpartition(".")
    if base in PROSE_FIELDS or base in SECTION_TEXTS:
        return base, feat
    return None


def feature_text(name: str) -> str | None:
    """The text id of a feature name such as ``other_matters.mentions_fee`` (else None)."""
    split = _split_feature_name(name)
    return split[0] if split else None


def global_name_kind(name: str, features: Mapping[str, Any]) -> str | None:
    """What a global name is: a field kind (count, money, year, date, choice, text), "feature", or None."""
    fid = name[len("previous."):] if name.startswith("previous.") else name
    f = FORM.fields.get(fid)
    if f is not None:
        return None if f.kind == "prose" else f.kind
    split = _split_feature_name(name)
    if split and (split[1] in features or split[1] in ("chars", "answered")):
        return "feature"
    return None


def name_label(name: str, kind: str) -> str:
    """How a message spells a name: the FORM label of a field or of a scope's local name."""
    scope = SCOPES.get(kind)
    prefix = ""
    if name.startswith("previous."):
        prefix, name = "上年", name[len("previous."):]
    if scope is not None and name in scope.names:
        return prefix + scope.names[name]
    if name in FORM.fields:
        return prefix + FORM.fields[name].label
    split = _split_feature_name(name)
    if split:
        return f"{prefix}{_text_label(split[0])}·{split[1]}"
    return prefix + name


def section_of_names(names: Iterable[str]) -> str | None:
    """The section a report-wide rule belongs to: that of the first non-meta field it reads."""
    sections = []
    for name in names:
        fid = name[len("previous."):] if name.startswith("previous.") else name
        split = _split_feature_name(fid)
        if split:
            sections.append(_text_section(split[0]))
        elif fid in FORM.fields:
            sections.append(FORM.fields[fid].section)
    for s in sections:
        if s != "meta":
            return s
    return sections[0] if sections else None


def expand_pattern(regex: str, year: int | None) -> str:
    """A feature/claim regex with NUM, YEAR and NEXT_YEAR filled in."""
    out = regex.replace("NEXT_YEAR", str(year + 1) if year else _NEVER)
    out = out.replace("YEAR", str(year) if year else _NEVER)
    return out.replace("NUM", _NUM)


def parse_number(text: str) -> int | None:
    """「3」「３」「十二」「两」 → int; None when it is not a whole number."""
    text = unicodedata.normalize("NFKC", text).strip()
    if text.isdigit():
        return int(text)
    try:
        value = cn2an.cn2an(text, "normal")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return int(value) if float(value).is_integer() else None


# --- values --------------------------------------------------------------------------------------


def _clean_number(f: Any, value: Any) -> tuple[int | None, bool]:
    """(engine value, is a proper number). Money → integer 元; anything odd → (None, False)."""
    if isinstance(value, bool) or value is None:
        return None, False
    if f.kind == "count":
        if isinstance(value, int):
            return value, True
        if isinstance(value, Decimal | float) and value == int(value):
            return int(value), True
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
            return int(value), True
        return None, False
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return None, False
    if not amount.is_finite():
        return None, False
    yuan = amount * 10000
    if yuan != yuan.to_integral_value():
        return None, True  # a number, but finer than 1 元 (more than 4 decimals of 万元)
    return int(yuan), True


def _engine_value(fid: str, value: Any) -> int | str | None:
    f = FORM.fields[fid]
    if f.is_number:
        number, _ = _clean_number(f, value)
        return number
    if value is None:
        return None
    if f.kind == "year":
        try:
            return int(value)
        except (TypeError, ValueError):
            return None
    if f.kind == "date":
        try:
            d = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        except ValueError:
            return None
        return d.year * 10000 + d.month * 100 + d.day
    if f.kind in ("choice", "text"):
        return str(value)
    return None


def _clean_answers(answers: Mapping[str, Any] | None) -> dict[str, Any]:
    """Answers with unusable number values dropped, so that FORM.value can add parts safely."""
    out: dict[str, Any] = {}
    fields = FORM.fields
    for fid, value in (answers or {}).items():
        f = fields.get(fid)
        if f is None or value is None:
            continue
        if type(value) is int and f.kind == "count":  # the common case, kept cheap
            out[fid] = value
        elif f.is_number:
            number, ok = _clean_number(f, value)
            if number is None:
                continue
            out[fid] = number if f.kind == "count" else Decimal(number) / 10000
        else:
            out[fid] = value
    return out


_COUNT_FIELDS = frozenset(f.id for f in FORM.fields.values() if f.kind == "count")


class _Values:
    """Field values of one year's answers, as the engine sees them (cached per field)."""

    def __init__(self, answers: Mapping[str, Any] | None) -> None:
        self.present = answers is not None
        self.clean = _clean_answers(answers)
        # a whole-number count is its own engine value: most cells of a report, known at once
        self._cache: dict[str, Any] = {
            fid: v for fid, v in self.clean.items() if type(v) is int and fid in _COUNT_FIELDS
        }

    def get(self, fid: str) -> int | str | None:
        if fid not in self._cache:
            try:
                value = FORM.value(fid, self.clean)
            except (TypeError, KeyError):
                value = None
            self._cache[fid] = _engine_value(fid, value) if value is not None else None
        return self._cache[fid]

    def text(self, text_id: str) -> str:
        if text_id in SECTION_TEXTS:
            return "\n".join(t for t in (self.text(p) for p in SECTION_TEXTS[text_id]) if t)
        value = self.clean.get(text_id)
        return value.strip() if isinstance(value, str) else ""


# --- text features ---------------------------------------------------------------------------------

_ENUM_SERIES = (
    ("是", re.compile(r"([一二三四五六七八九十]{1,3})是")),
    ("（）", re.compile(r"[（(]([一二三四五六七八九十]{1,3})[）)]")),
    ("（1）", re.compile(r"[（(](\d{1,2})[）)]")),
    ("1.", re.compile(r"(?:^|(?<=[\n。；;：:]))\s*(\d{1,2})[.、．](?!\d)")),
)


def _marker(kind: str, n: int) -> str:
    cn = cn2an.an2cn(str(n)) if kind in ("是", "（）") else str(n)
    return {"是": f"{cn}是", "（）": f"（{cn}）", "（1）": f"（{n}）", "1.": f"{n}."}[kind]


def enumeration_breaks(text: str) -> list[str]:
    """Where a 「一是…二是」-style list skips or starts late, one description per break."""
    breaks: list[str] = []
    for kind, rx in _ENUM_SERIES:
        prev = 0
        for m in rx.finditer(text):
            n = parse_number(m[1])
            if n is None or n == 0:
                continue
            if n == 1 or n == prev + 1:
                prev = n
                continue
            if n == prev:  # the same marker twice, e.g. a quoted list: not a gap
                continue
            if prev == 0:
                breaks.append(f"「{_marker(kind, n)}」之前没有「{_marker(kind, 1)}」")
            else:
                breaks.append(f"「{_marker(kind, prev)}」之后是「{_marker(kind, n)}」，缺少「{_marker(kind, prev + 1)}」")
            prev = n
    return breaks


def _normal(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


class FeatureCache:
    """Text features computed once per (text, feature, year, last year's text).

    A Validator keeps one, so that re-checking after one changed answer does not rerun every
    regex and similarity over unchanged prose. Bounded: cleared when it grows past ``limit``.
    """

    def __init__(self, limit: int = 4096) -> None:
        self.limit = limit
        self._data: dict[tuple, tuple[int | None, dict[str, Any]]] = {}

    def claims(self, claims: list[Claim], text: str, year: int | None) -> list[tuple[int, int, int, str]]:
        """(start, claim index, number said, matched text) of every claim found in a text."""
        key = ("claims", id(claims), text, year)
        hit = self._data.get(key)
        if hit is None:
            if len(self._data) >= self.limit:
                self._data.clear()
            hit = self._data[key] = find_claims(claims, text, year)  # type: ignore[assignment]
        return hit  # type: ignore[return-value]

    def get(self, feature: Feature, text: str, year: int | None, previous: str | None) -> tuple[int | None, dict]:
        key = (feature.name, text, year, previous if feature.kind == "similarity" else None)
        hit = self._data.get(key)
        if hit is None:
            if len(self._data) >= self.limit:
                self._data.clear()
            hit = self._data[key] = compute_feature(feature, text, year, previous)
        return hit


def find_claims(claims: list[Claim], text: str, year: int | None) -> list[tuple[int, int, int, str]]:
    """Numbers the prose states about the tables (rule T3): the first claim to match a place wins."""
    out: list[tuple[int, int, int, str]] = []
    seen: set[int] = set()
    for k, claim in enumerate(claims):
        for pattern in claim.patterns:
            for m in _compiled(pattern, year).finditer(text):
                start = m.start()
                if start in seen:
                    continue
                said = parse_number(m["n"]) if m.groupdict().get("n") is not None else 0
                if said is None:
                    continue
                seen.add(start)
                out.append((start, k, said, m[0]))
    return sorted(out)


def compute_feature(feature: Feature, text: str, year: int | None, previous: str | None) -> tuple[int | None, dict]:
    """(value, message details) of one feature of one text; value None = no value (rule silent)."""
    name, params = feature.name, feature.params
    if feature.kind == "keywords":
        norm = _normal(text)
        return sum(norm.count(_normal(w)) for w in params["words"]), {}
    if feature.kind == "pattern":
        rx = _compiled(params["regex"], year)
        matches = list(rx.finditer(text))
        return len(matches), {f"{name}_text": matches[0][0] if matches else ""}
    if feature.kind == "enumeration":
        breaks = enumeration_breaks(text)
        return len(breaks), {f"{name}_text": "；".join(breaks)}
    if feature.kind == "similarity":
        if previous is None or not previous.strip() or not text.strip():
            return None, {}
        share, matches = similarity.copied_share(text, previous, threshold=float(params.get("threshold", 85)))
        quoted = "；".join(f"「{m.sentence}」" for m in matches)
        return share, {f"{name}_text": quoted, f"{name}_count": len(matches)}
    raise ValueError(f"unknown feature kind {feature.kind}")


# --- facts -----------------------------------------------------------------------------------------


@dataclass
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

    def engine_fact(self) -> dict[str, Any]:
        keys = _ENGINE_KEYS  # engine_key's cache, read inline: this runs for every key of every fact
        out: dict[str, Any] = {}
        for k, v in self.values.items():
            if v is not None:
                out[keys.get(k) or engine_key(k)] = v
        out["id"] = self.id
        out["kind"] = self.kind
        return out

    def same_as(self, other: Fact) -> bool:
        if other is self:
            return True
        return self.values == other.values and self.labels == other.labels and self.fields == other.fields


_KEY_SAFE = re.compile(r"[^0-9A-Za-z_]")
_CUSTOM_RESERVED = frozenset(("id", "kind", "fields", "section", "order"))
_ENGINE_KEYS: dict[str, str] = {}  # rule name → engine key (see engine_key)
_MONEY_UNITS = {"value": "money"}


def engine_key(name: str) -> str:
    """The key a name has inside an engine fact (no dots: durable-rules reads them as paths)."""
    key = _ENGINE_KEYS.get(name)
    if key is None:
        key = _ENGINE_KEYS[name] = _KEY_SAFE.sub("_", name.replace(".", "__"))
    return key


class FactError(ValueError):
    """A fact given by another module is unusable (a programming error, reported as such)."""


_SECTION_INDEX = {s.id: i for i, s in enumerate(FORM.sections)}  # facts sort by it (order)

# per number field: (field, fact id, its own field ids, section position, units, fields by
# value name, deps) — see cells()
_CELL_STATIC: dict[str, tuple[Any, str, tuple[str, ...], int, dict[str, str], dict[str, tuple[str, ...]], frozenset[str]]] = {
    f.id: (f, f"cell.{f.id}", (f.id,), _SECTION_INDEX.get(f.section, 99),
           _MONEY_UNITS if f.kind == "money" else {},
           dict.fromkeys(("value", "numeric", "whole", "noted"), (f.id,)), frozenset((f.id,)))
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


def _line(fact_id: str, kind: str, cells: list[tuple[str, str]], labels: dict[str, str], section: str,
          position: int, *, previous: bool, derived: bool = False) -> _Line:
    return _Line(
        fact_id, kind, tuple(cells), tuple((f"previous.{n}", fid) for n, fid in cells) if previous else (),
        {n: (fid,) for n, fid in cells}, tuple(fid for _, fid in cells), labels, section,
        (_SECTION_INDEX.get(section, 99), position), derived,
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


class _Builder:
    def __init__(self, answers: Mapping[str, Any], previous: Mapping[str, Any] | None,
                 notes: Mapping[str, str] | None, book: Rulebook, cache: FeatureCache,
                 old: Mapping[str, Fact] | None = None, changed: set[str] | None = None) -> None:
        self.answers = answers
        self.old = old or {}
        self.changed = changed
        self.now = _Values(answers)
        self.prev = _Values(previous) if previous is not None else None
        self.notes = notes or {}
        self.book = book
        self.cache = cache
        year = self.now.get("meta.year")
        self.year = year if isinstance(year, int) else None
        self._features: dict[tuple[str, str], tuple[int | None, dict]] = {}
        self._globals: dict[str, tuple[int | str | None, dict]] = {}

    # values -------------------------------------------------------------------------------------

    def feature(self, text_id: str, name: str) -> tuple[int | None, dict]:
        key = (text_id, name)
        if key not in self._features:
            text = self.now.text(text_id)
            if name == "chars":
                self._features[key] = (len(_normal(text)), {})
            elif name == "answered":
                self._features[key] = (1 if text else 0, {})
            else:
                prev_text = self.prev.text(text_id) if self.prev is not None else None
                self._features[key] = self.cache.get(self.book.features[name], text, self.year, prev_text)
        return self._features[key]

    def global_value(self, name: str) -> tuple[int | str | None, dict]:
        hit = self._globals.get(name)
        if hit is None:
            hit = self._globals[name] = self._global_value(name)
        return hit

    def _global_value(self, name: str) -> tuple[int | str | None, dict]:
        if name.startswith("previous."):
            fid = name[len("previous."):]
            if fid in FORM.fields:
                return (self.prev.get(fid) if self.prev is not None else None), {}
        if name in FORM.fields:
            return self.now.get(name), {}
        split = _split_feature_name(name)
        if split:
            value, detail = self.feature(*split)
            return value, {f"{name}{k[len(split[1]):]}": v for k, v in detail.items()}
        return None, {}

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
        all_deps = set(deps or ())
        for name in names:
            value, detail = self.global_value(name)
            fact.values[name] = value
            fact.labels.update(detail)
            if name.startswith("previous."):
                continue  # a change of last year's answers rebuilds everything
            split = _split_feature_name(name)
            if split:
                text_fields = SECTION_TEXTS.get(split[0], (split[0],))
                fact.fields[name] = text_fields
                all_deps.update(text_fields)
                all_deps.add("meta.year")  # patterns may name the report year
            elif name in FORM.fields:
                fact.fields[name] = (name,)
                all_deps.add(name)
        if deps is not None:
            fact.deps = frozenset(all_deps)
        return fact

    def order(self, section: str, *rest: int) -> tuple[int, ...]:
        return (_SECTION_INDEX.get(section, 99), *rest)

    # scopes ---------------------------------------------------------------------------------------

    def report(self) -> Iterable[Fact]:
        yield self.reuse("report") or self.add_globals(Fact("report", REPORT, {}, order=(0,)), deps=[])

    def _line(self, line: _Line, values: dict[str, Any]) -> Fact:
        old = self.reuse(line.id)
        if old is not None:
            return old
        get = self.now.get
        for name, fid in line.cells:
            values[name] = get(fid)
        if line.previous and self.prev is not None:
            get = self.prev.get
            for name, fid in line.previous:
                values[name] = get(fid)
        fact = Fact(line.id, line.kind, values, dict(line.labels), dict(line.fields), section=line.section,
                    order=line.order)
        return self.add_globals(fact, deps=line.deps)

    def columns(self) -> Iterable[Fact]:
        clean = self.now.clean
        for line in _LINES[COLUMN]:
            # the 总计 column of an interview session is computed from the others: its sums hold
            # whenever theirs do, so rules can skip it instead of repeating their findings
            stored = any(fid in clean for _, fid in line.cells)
            yield self._line(line, {"computed": 0 if stored or not line.derived else 1})

    def rows(self) -> Iterable[Fact]:
        return (self._line(line, {}) for line in _LINES[ROW])

    def review(self) -> Iterable[Fact]:
        return (self._line(line, {}) for line in _LINES[REVIEW])

    def active(self) -> Iterable[Fact]:
        return (self._line(line, {}) for line in _LINES[ACTIVE])

    def cells(self) -> Iterable[Fact]:
        # one fact per number cell, some 200 per report: the most numerous facts of a check, so
        # what does not depend on the answer comes from _CELL_STATIC (shared, never mutated: the
        # globals step copies it first), whole numbers skip _clean_number, and the globals step is
        # skipped when no rule on cells reads a global
        plain = not self.book.global_needs.get(CELL)
        incremental = self.changed is not None
        notes = self.notes
        for i, (fid, raw) in enumerate(self.answers.items()):
            static = _CELL_STATIC.get(fid)
            if static is None or raw is None:
                continue
            f, fact_id, own, section_index, units, fields, deps = static
            if incremental:
                old = self.reuse(fact_id)
                if old is not None:
                    yield old
                    continue
            if type(raw) is int and f.kind == "count":
                number, numeric = raw, True
            else:
                number, numeric = _clean_number(f, raw)
            note = notes.get(fid)
            values = {
                "value": number,
                "numeric": 1 if numeric else 0,
                "whole": 0 if number is None else 1,
                "noted": 1 if note else 0,
            }
            labels = {"field": f.label, "raw": str(raw), "note": note or ""}
            if plain:
                yield Fact(fact_id, CELL, values, labels, fields, units, f.section, (section_index, 200 + i), deps)
            else:
                fact = Fact(fact_id, CELL, values, labels, dict(fields), dict(units), f.section, (section_index, 200 + i))
                yield self.add_globals(fact, deps=own)

    def texts(self) -> Iterable[Fact]:
        wanted, used_features = _text_plan(self.book)
        all_ids = text_ids()
        for text_id in wanted:
            old = self.reuse(f"text.{text_id}")
            if old is not None:
                yield old
                continue
            values: dict[str, Any] = {TEXT_KEY: text_id}
            labels: dict[str, Any] = {"field": _text_label(text_id)}
            for name in ("chars", "answered", *used_features):
                value, detail = self.feature(text_id, name)
                values[name] = value
                labels.update(detail)
            fields = SECTION_TEXTS.get(text_id, (text_id,))
            section = _text_section(text_id)
            fact = Fact(f"text.{text_id}", TEXT, values, labels, {n: fields for n in values},
                        section=section, order=self.order(section, 300 + all_ids.index(text_id)))
            yield self.add_globals(fact, deps=[*fields, "meta.year"])

    def claims(self) -> Iterable[Fact]:
        from gkassist.rulebook import eval_lin

        if not self.book.claims or not any(r.scope == CLAIM for r in self.book.rules):
            return
        env = {}
        for claim in self.book.claims:
            for name in claim.value.names():
                env[name] = self.global_value(name)[0]
        table_values = [eval_lin(claim.value, env, self.book.tables) for claim in self.book.claims]
        for t, text_id in enumerate(PROSE_FIELDS):
            text = self.now.text(text_id)
            if not text:
                continue
            f = FORM.field(text_id)
            for start, k, said, matched in self.cache.claims(self.book.claims, text, self.year):
                claim = self.book.claims[k]
                table_fields = tuple(n for n in claim.value.names() if n in FORM.fields)
                fact = Fact(
                    f"claim.{text_id}.{start}",
                    CLAIM,
                    {"said": said, "table": table_values[k]},
                    {"field": f.label, "claim": claim.name, "text": matched},
                    {"said": (text_id,), "table": table_fields},
                    section=f.section,
                    order=self.order(f.section, 400 + t, start),
                )
                yield self.add_globals(fact)

    def custom(self, raw: Mapping[str, Any], i: int) -> Fact:
        if not (type(raw) is dict or isinstance(raw, Mapping)) or not isinstance(raw.get("id"), str) \
                or not isinstance(raw.get("kind"), str):
            raise FactError(f"extra fact without a string id and kind: {raw!r}")
        kind = raw["kind"]
        declared = self.book.fact_kinds.get(kind)
        values: dict[str, Any] = {}
        labels: dict[str, Any] = {}
        names = declared.names if declared is not None else None
        for key, value in raw.items():
            if key in _CUSTOM_RESERVED:
                continue
            t = type(value)  # exact types first: this runs for every key of every extra fact
            if t is bool:
                value, t = int(value), int
            number = t is int or (t is not str and isinstance(value, int))
            # undeclared kinds pass their numbers; strings are engine values only when declared
            if names is None:
                engine_value = number
            else:
                engine_value = key in names and (number or t is str or isinstance(value, str))
            if engine_value:
                values[key] = value
            else:
                labels[key] = value
        fields_raw = raw.get("fields") or ()
        fields_t = (fields_raw,) if isinstance(fields_raw, str) else tuple(fields_raw)
        section = raw.get("section")
        if section is None and fields_t and fields_t[0] in FORM.fields:
            section = FORM.fields[fields_t[0]].section
        fact = Fact(f"{raw['id']}", kind, values, labels, {n: fields_t for n in values},
                    section=section, order=self.order(section or "", 500 + i))
        if "field" not in labels and fields_t and fields_t[0] in FORM.fields:
            labels["field"] = FORM.fields[fields_t[0]].label
        return self.add_globals(fact)


def _text_plan(book: Rulebook) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(texts that rules on prose read, text features those rules use): the same for every
    report checked with one rulebook, so worked out once per rulebook."""
    plan = book.plans.get("texts")
    if plan is not None:
        return plan
    from gkassist.rulebook import cond_names

    wanted: list[str] = []
    used: list[str] = []
    for rule in book.rules:
        if rule.scope != TEXT:
            continue
        for t in rule.texts or PROSE_FIELDS:
            if t not in wanted:
                wanted.append(t)
        for case in rule.cases:
            names = cond_names(case.when) + cond_names(case.check) + list(rule.reads)
            names += [m[1].rsplit("_", 1)[0] for m in re.finditer(r"\{([^{}:]+)", case.message)]
            for n in names:
                if n in book.features and n not in used:
                    used.append(n)
    plan = book.plans["texts"] = (tuple(wanted), tuple(used))
    return plan


_PATTERN_CACHE: dict[tuple[str, int | None], re.Pattern] = {}


def _compiled(regex: str, year: int | None) -> re.Pattern:
    key = (regex, year)
    rx = _PATTERN_CACHE.get(key)
    if rx is None:
        if len(_PATTERN_CACHE) > 512:
            _PATTERN_CACHE.clear()
        rx = _PATTERN_CACHE[key] = re.compile(expand_pattern(regex, year))
    return rx


def build_facts(answers: Mapping[str, Any], previous: Mapping[str, Any] | None = None, *,
                book: Rulebook, notes: Mapping[str, str] | None = None,
                extra_facts: Iterable[Mapping[str, Any]] = (), cache: FeatureCache | None = None,
                old: Mapping[str, Fact] | None = None, changed: set[str] | None = None) -> list[Fact]:
    """Every fact the rulebook's rules can match, for one report. Ids are unique and stable.

    Incremental use (the Validator): ``old`` is the previous build's facts by id and ``changed``
    the field ids whose answers (or notes) changed, with every derived cell depending on them
    (``FORM.dependents``). A fact whose ``deps`` miss ``changed`` is reused as it is; claims and
    other modules' facts are always rebuilt. ``changed=None`` rebuilds everything.
    """
    b = _Builder(answers, previous, notes, book, cache or FeatureCache(), old, changed)
    kinds = {r.scope for r in book.rules}
    out: list[Fact] = []
    producers = {
        REPORT: b.report, COLUMN: b.columns, ROW: b.rows, REVIEW: b.review, ACTIVE: b.active,
        CELL: b.cells, TEXT: b.texts, CLAIM: b.claims,
    }
    for kind, produce in producers.items():
        if kind in kinds:  # facts no rule can match would only cost time (and be discarded)
            out.extend(produce())
    # --- extra fact producers: other modules' facts (importer structure, wording) -----------------
    extras = list(extra_facts)
    for producer in book.producers:
        extras.extend(producer(answers, previous) or ())
    for i, raw in enumerate(extras):
        out.append(b.custom(raw, i))
    seen: set[str] = set()
    for fact in out:
        if fact.id in seen:
            raise FactError(f"two facts share the id {fact.id!r}")
        seen.add(fact.id)
    return out
