"""What a batch keeps of one checked report, and the numbers a reviewer compares across a folder.

A batch of thousands of reports must not hold every report's answers in the main process (40 KB
each). Each report is checked in a worker, which sends back an :class:`Outcome`: its findings as
plain tuples, the three tables' numbers as printed (for the workbook's numbers sheet and the
page's evidence), the prose of the sections the findings touch, and its comparable sentences
(C1). The outputs consume an outcome as it arrives; the page keeps only a :class:`Summary` — who,
how many faults, a dozen figures — for its rankings and aggregates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

from gkassist.cellstates import CellState
from gkassist.form import FORM

if TYPE_CHECKING:
    from gkassist.review.copies import SentencePack


@dataclass(frozen=True)
class Item:
    """One finding as the outputs show it (findings.Finding without the engine's objects)."""

    code: str
    severity: str
    section: str
    fields: tuple[str, ...]
    message: str
    kind: str = "finding"
    numbers: tuple[tuple[str, Any], ...] = ()


@dataclass
class Outcome:
    """One report checked in a batch, as a worker sends it back."""

    index: int
    file: str
    agency: str | None = None
    year: int | None = None
    error: str | None = None  # the file could not be read: why
    problems: list[str] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)
    findings: list[Item] = field(default_factory=list)
    # the tables as printed (NUMBER_FIELDS order): value, or a cell state's name, or None
    values: tuple | None = None
    # prose of the sections the findings touch: section id → text (the page's evidence)
    prose: dict[str, str] = field(default_factory=dict)
    sentences: SentencePack | None = None  # copies.sentences_of, packed (a folder's C1)
    previous_file: str | None = None  # last year's report it was compared with (folder pairing)
    named: bool = True  # the report names its organ (not only the office for questions): folder pairing
    previous_agency: str | None = None  # last year's agency where the pair was made by drafting office

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity and f.kind == "finding")


@cache
def number_fields() -> tuple[str, ...]:
    """The three tables' cells in the form's order, totals included."""
    return tuple(f.id for f in FORM.fields.values() if f.section in ("active", "requests", "review") and f.is_number)


def table_values(answers: dict[str, Any]) -> tuple:
    """The tables as printed: a value, the name of a cell state (blank, na, invalid) or None for a
    cell not printed; a total not printed but computable (a session) is computed."""
    out = []
    for fid in number_fields():
        v = answers.get(fid)
        if isinstance(v, CellState):
            out.append(v.state)
        elif v is None and FORM.field(fid).derived:
            try:
                out.append(FORM.value(fid, {k: x for k, x in answers.items() if not isinstance(x, CellState)}))
            except (TypeError, ValueError, ArithmeticError):
                out.append(None)
        else:
            out.append(v)
    return tuple(out)


@cache
def _position() -> dict[str, int]:
    return {fid: k for k, fid in enumerate(number_fields())}


def value_of(values: tuple | None, fid: str) -> Any:
    if values is None:
        return None
    return values[_position()[fid]]


def count_of(values: tuple | None, fid: str) -> int | None:
    v = value_of(values, fid)
    return v if isinstance(v, int) and not isinstance(v, bool) else None


# --- the folder's figures --------------------------------------------------------------------------

# the results of table 三 in the categories a reviewer reads (the total column of each group)
RESULT_GROUPS = ("granted", "partial", "denied", "unable", "rejected", "other")


@cache
def result_rows() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {g: [] for g in RESULT_GROUPS}
    for row in FORM.requests_rows:
        if row.is_result:
            out[row.id.split(".")[0]].append(FORM.requests_field(row.id, "total"))
    return {g: tuple(ids) for g, ids in out.items()}


@dataclass(frozen=True)
class Figures:
    """A report's figures for the folder's aggregates (None where the table does not say)."""

    received: int | None
    handled: int | None
    results: tuple[int | None, ...]  # RESULT_GROUPS
    review: int | None
    review_corrected: int | None
    litigation: int | None
    litigation_corrected: int | None

    @classmethod
    def of(cls, values: tuple | None) -> Figures:
        def total(ids: tuple[str, ...]) -> int | None:
            parts = [count_of(values, fid) for fid in ids]
            return sum(p for p in parts if p is not None) if any(p is not None for p in parts) else None

        def add(*xs: int | None) -> int | None:
            return sum(x for x in xs if x is not None) if any(x is not None for x in xs) else None

        return cls(
            received=count_of(values, "requests.new.total"),
            handled=count_of(values, "requests.total.total"),
            results=tuple(total(result_rows()[g]) for g in RESULT_GROUPS),
            review=count_of(values, "review.total"),
            review_corrected=count_of(values, "review.corrected"),
            litigation=add(count_of(values, "litigation_direct.total"), count_of(values, "litigation_after_review.total")),
            litigation_corrected=add(count_of(values, "litigation_direct.corrected"),
                                     count_of(values, "litigation_after_review.corrected")),
        )

    def rate(self, name: str) -> float | None:
        """公开率 (granted + partial of handled), 复议纠错率, 诉讼纠错率; None without a base."""
        if name == "open":
            base, part = self.handled, add_none(self.results[0], self.results[1])
        elif name == "review":
            base, part = self.review, self.review_corrected
        elif name == "litigation":
            base, part = self.litigation, self.litigation_corrected
        else:
            raise KeyError(name)
        if not base or part is None:
            return None
        return part / base


def add_none(a: int | None, b: int | None) -> int | None:
    return None if a is None and b is None else (a or 0) + (b or 0)


@dataclass(frozen=True)
class Summary:
    """What the page keeps of a report: who, its faults, its figures."""

    index: int
    file: str
    agency: str | None
    year: int | None
    errors: int
    warnings: int
    hints: int
    unreadable: bool
    figures: Figures | None

    @classmethod
    def of(cls, outcome: Outcome) -> Summary:
        return cls(outcome.index, outcome.file, outcome.agency, outcome.year, outcome.count("error"),
                   outcome.count("warning"), outcome.count("hint"), outcome.error is not None,
                   Figures.of(outcome.values) if outcome.values is not None else None)


def section_title(section_id: str) -> str:
    """A section's heading as the outputs show it (「一、总体情况」); the id itself when unknown."""
    try:
        s = FORM.section(section_id)
    except KeyError:
        return section_id
    return s.heading or s.title


def shown(value: Any) -> str:
    """A cell as the outputs print it."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, str):
        return {"blank": "（空）", "na": "／", "invalid": "（无效）"}.get(value, value)
    return str(value)
