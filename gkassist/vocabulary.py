"""The words rules and facts share: scopes, the names a rule may read, engine keys, severities.

A rule checks one *scope* — every column of table 三, every row, each group of table 四, each text,
the report as a whole … (``SCOPES``). The fact builder (:mod:`gkassist.facts`) makes one fact per
scope instance; the rulebook (:mod:`gkassist.rulebook`) validates rule files against the names
defined here. Both depend on this module, neither on the other's internals.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gkassist.form import FORM

# how severe a finding is, most severe first (the order findings sort by)
SEVERITIES = ("error", "warning", "hint")
# what a rule file may write for each
SEVERITY_ALIASES = {"错误": "error", "警告": "warning", "提示": "hint", "E": "error", "W": "warning", "H": "hint"}

# a value in a rule's message: {name}, {name:label} (its label), {left:terms} (the sum spelled out)
PLACEHOLDER = re.compile(r"\{([^{}:]+)(?::([a-z]+))?\}")

# fact kinds of the built-in scopes
REPORT = "report"
COLUMN = "requests.column"
ROW = "requests.row"
REVIEW = "review.group"
ACTIVE = "active.row"
CELL = "cell"
TEXT = "text"
CLAIM = "claim"

# The largest number a fact may hold. durable-rules computes in doubles, exact only up to 2**53
# (9.007e15), while the Python evaluator computes exactly: beyond it the two would judge a report
# differently (issue 14: 「1」 × 21 in a cell made N4 fire on one and not the other). 10**14 leaves
# room for a rule's sum of up to 90 cells. A value beyond it is no number the rules can judge — a
# cell holding one is N1's 「填的是…」, a figure in the prose is no claim — so both see the same.
# (Money is in 元 in a fact: 10**14 元 is 10**10 万元; a count a person types stops at 10**7.)
LARGEST_VALUE = 10**14

BUILTIN_TEXT_NAMES = ("chars", "answered", "text_id")
# the key naming a text fact's text (a rule's ``texts:`` filter matches it)
TEXT_KEY = "text_id"


# what a line of a table (a row or column of 三, a group of 四, a row of 二) says about its cells
# that printed no number (gkassist.cellstates; facts.py computes them)
BLANK_NAMES = {
    "blanks": "这一行（列）中空白或为「/」的格数（合计栏除外）",
    "blank_sums": "这一行（列）中为空的合计栏个数（其各项有数）",
    "total_blank": "这一行（列）自己的合计栏为空（其各项有数）为 1",
}
BLANK_LABELS = ("blank_cells", "blank_sums_where", "blank_note")


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
                {**{r.id: r.label for r in rows}, "computed": "整列由程序相加得出", **BLANK_NAMES},
                {"results": tuple(r.id for r in rows if r.is_result)},
                previous=True,
                labels=("column", *BLANK_LABELS),
            ),
            Scope(
                ROW,
                ("each row of table 三", "表三每一行"),
                {**{c.id: c.label for c in cols}, **BLANK_NAMES},
                {"applicants": tuple(c.id for c in cols if not c.derived)},
                previous=True,
                labels=("row", *BLANK_LABELS),
            ),
            Scope(
                REVIEW,
                ("each group of table 四", "表四每一组"),
                {**{c.id: c.label for c in review_cols}, **BLANK_NAMES},
                {"parts": tuple(c.id for c in review_cols if not c.derived)},
                labels=("group", *BLANK_LABELS),
            ),
            Scope(
                ACTIVE,
                ("each row of table 二 第（一）项", "表二第（一）项每一行"),
                {**{c.id: c.label for c in active.columns}, **BLANK_NAMES},
                previous=True,
                labels=("row", *BLANK_LABELS),
            ),
            Scope(
                CELL,
                ("each number", "每个数字栏目"),
                {"value": "数值", "numeric": "是数字", "whole": "整数或不超过4位小数", "noted": "有填写说明",
                 "invalid": "原表印的不是有效数字为 1", "empty": "原表此格空白或为「/」（不属于表格的某一行、列）为 1"},
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
                {"said": "文中的数", "table": "表中的数", "also": "文中的数也可能指的表中之数（如加上年结转）"},
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


def text_label(text_id: str) -> str:
    if text_id in SECTION_TEXTS:
        return FORM.section(text_id.split(".", 1)[1]).heading or text_id
    return FORM.field(text_id).label


def text_section(text_id: str) -> str:
    if text_id in SECTION_TEXTS:
        return text_id.split(".", 1)[1]
    return FORM.field(text_id).section


def split_feature_name(name: str) -> tuple[str, str] | None:
    base, _, feat = name.rpartition(".")
    if base in PROSE_FIELDS or base in SECTION_TEXTS:
        return base, feat
    return None


def feature_text(name: str) -> str | None:
    """The text id of a feature name such as ``other_matters.mentions_fee`` (else None)."""
    split = split_feature_name(name)
    return split[0] if split else None


def global_name_kind(name: str, features: Mapping[str, Any]) -> str | None:
    """What a global name is: a field kind (count, money, year, date, choice, text), "feature", or None."""
    fid = name[len("previous."):] if name.startswith("previous.") else name
    f = FORM.fields.get(fid)
    if f is not None:
        return None if f.kind == "prose" else f.kind
    split = split_feature_name(name)
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
    split = split_feature_name(name)
    if split:
        return f"{prefix}{text_label(split[0])}·{split[1]}"
    return prefix + name


def section_of_names(names: Iterable[str]) -> str | None:
    """The section a report-wide rule belongs to: that of the first non-meta field it reads."""
    sections = []
    for name in names:
        fid = name[len("previous."):] if name.startswith("previous.") else name
        split = split_feature_name(fid)
        if split:
            sections.append(text_section(split[0]))
        elif fid in FORM.fields:
            sections.append(FORM.fields[fid].section)
    for s in sections:
        if s != "meta":
            return s
    return sections[0] if sections else None

_KEY_SAFE = re.compile(r"[^0-9A-Za-z_]")
ENGINE_KEYS: dict[str, str] = {}  # rule name → engine key (see engine_key)


def engine_key(name: str) -> str:
    """The key a name has inside an engine fact (no dots: durable-rules reads them as paths)."""
    key = ENGINE_KEYS.get(name)
    if key is None:
        key = ENGINE_KEYS[name] = _KEY_SAFE.sub("_", name.replace(".", "__"))
    return key


# --- which rules apply to a report (rules/*.yaml ``applies:``; issue 12 item 5) -----------------------

# table formats a rule may name: 2021 = 国办公开办函〔2021〕30号, 2019 = the trial format of
# 国办公开办函〔2019〕60号, 2008 = a report of the 2008 条例 (before the 2019 revision)
FORMATS = (2008, 2019, 2021)
# what of a section a file holds, and what a rule may need of it
COVERAGE_LEVELS = ("whole", "part", "none")
# whole: all of it is in the file; part: some of it is; cut: some but not all (the file starts or stops in it)
NEEDS = ("whole", "part", "cut")
# a rule's ``sections`` may name the section its finding is about (of each fact) instead of a fixed one
OWN_SECTION = "own"
# the fact that says what is known of a read report as a whole (the importer makes it; its names are in
# docs/internals.md, 「What a read report says about itself」)
COVERAGE_KIND = "structure.extent"
APPLIES_PREFIX = "applies."


@dataclass(frozen=True)
class Applies:
    """What a rule applies to: table formats, report years, and the sections the file must hold."""

    formats: frozenset[int] = frozenset(FORMATS)
    year_from: int | None = None
    year_to: int | None = None
    sections: tuple[tuple[str, str], ...] = ()  # (section id or OWN_SECTION, one of NEEDS)
    year_known: bool = False  # the year bounds hold only for a report whose year is known

    @property
    def restricts(self) -> bool:
        """Whether some report can fall outside it (otherwise the rule needs no flag)."""
        return (self.formats != frozenset(FORMATS) or self.year_from is not None or self.year_to is not None
                or bool(self.sections))

    @property
    def reads_year(self) -> bool:
        return self.year_from is not None or self.year_to is not None

    @property
    def reads_own_section(self) -> bool:
        return any(s == OWN_SECTION for s, _ in self.sections)


@dataclass(frozen=True)
class Coverage:
    """What is known of a report as a whole besides its answers (see ``COVERAGE_KIND``).

    ``format`` None: not known. ``sections``: section id → "whole" | "part" | "none"; a section
    not named is held whole (a session, a complete file).
    """

    format: int | None = None
    sections: Mapping[str, str] = field(default_factory=dict)

    def level(self, section: str) -> str:
        return self.sections.get(section, "whole")

    @classmethod
    def of_facts(cls, facts: Iterable[Mapping[str, Any]]) -> Coverage:
        """The coverage a ``structure.extent`` fact among ``facts`` states (none: a session, complete).

        A numbered section is whole when ``whole_<id>``, part when only ``seen_<id>``, else none. The
        title and preamble (``meta``) are whole when the file holds the report from start to end
        (``complete``), part when it starts at the report's start but stops early, none when it starts
        after it (the importer says so when there is no title: a page excerpt, a page of a PDF).
        """
        for fact in facts:
            if fact.get("kind") != COVERAGE_KIND:
                continue
            fmt = fact.get("format")
            sections: dict[str, str] = {}
            for s in FORM.sections:
                if s.number:
                    sections[s.id] = ("whole" if fact.get(f"whole_{s.id}") else
                                      "part" if fact.get(f"seen_{s.id}") else "none")
            sections["meta"] = ("whole" if fact.get("complete") else
                                "none" if fact.get("cut_start") else "part")
            return cls(fmt if fmt in FORMATS else None, sections)
        return cls()


def applies_flag(rule_id: str) -> str:
    """The name of the value (1 or 0) that says whether rule ``rule_id`` applies to a fact."""
    return APPLIES_PREFIX + rule_id


def rule_applies_to(applies: Applies, coverage: Coverage, year: int | None, section: str | None) -> bool:
    """Whether a rule applies to a report of this coverage and year, for a fact about ``section``.

    A format or year that is not known never stops a rule — only what is known to differ does —
    except a rule whose years say ``known: true``.
    """
    if coverage.format is not None and coverage.format not in applies.formats:
        return False
    if year is None:
        if applies.year_known:
            return False
    else:
        if applies.year_from is not None and year < applies.year_from:
            return False
        if applies.year_to is not None and year > applies.year_to:
            return False
    for wanted, need in applies.sections:
        sid = section if wanted == OWN_SECTION else wanted
        if sid is None:
            continue
        have = coverage.level(sid)
        if have == "none" or (need == "whole" and have != "whole") or (need == "cut" and have != "part"):
            return False
    return True
