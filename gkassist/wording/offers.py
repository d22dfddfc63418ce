"""What to offer the user besides typed-text matches: measures for an accepted problem, the bank
entries a data-driven suggestion (an engine finding of kind "suggestion") points to, and numbers
from the tables pre-filled into a phrasing's slots.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Protocol

from gkassist import similarity
from gkassist.form import FORM
from gkassist.wording.bank import Bank, Category, Phrasing, data_fields, get_bank
from gkassist.wording.match import Suggestion
from gkassist.wording.slots import fill, unfilled_slots


class _FindingLike(Protocol):
    kind: str
    numbers: dict


def measures_for(problem_category: str, *, bank: Bank | None = None) -> list[Category]:
    """Measure categories that answer a problem category, in the bank's order of preference."""
    return (bank or get_bank()).measures_for(problem_category)


def _suggestion(p: Phrasing, cat: Category, score: float, answers: Mapping[str, Any] | None) -> Suggestion:
    s = Suggestion.of(p, cat, score)
    if not answers or not p.data:
        return s
    text = prefill(p, answers)
    left = tuple(n for n in s.slots if n in unfilled_slots(text))
    return Suggestion(s.category, s.label, s.kind, text, left, {n: s.hints[n] for n in left}, s.key, s.score)


def measure_suggestions(problem_categories: str | Iterable[str], limit: int = 6, *,
                        answers: Mapping[str, Any] | None = None, bank: Bank | None = None) -> list[Suggestion]:
    """Measure phrasings that answer the given problem categories, taking turns between the
    measure categories (first phrasing of each, then the second of each …) so that the first
    few offers cover every way of answering the problem."""
    bank = bank or get_bank()
    ids = [problem_categories] if isinstance(problem_categories, str) else list(problem_categories)
    cats: list[Category] = []
    for pid in ids:
        cats.extend(c for c in bank.measures_for(pid) if c not in cats)
    out: list[Suggestion] = []
    depth = max((len(c.phrasings) for c in cats), default=0)
    for i in range(depth):
        for rank, c in enumerate(cats):
            if i < len(c.phrasings) and len(out) < limit:
                # a stable, descending score: first preference of the bank first
                out.append(_suggestion(c.phrasings[i], c, 100.0 - i * 10 - rank, answers))
    return out


def category_by_label(label: str, *, bank: Bank | None = None) -> Category | None:
    for c in (bank or get_bank()).categories.values():
        if c.label == label:
            return c
    return None


def offers_for(finding: _FindingLike, answers: Mapping[str, Any] | None = None, *,
               bank: Bank | None = None) -> list[Suggestion]:
    """The problem phrasings a data-driven suggestion (engine finding of kind "suggestion") offers.

    The rule's message names the category as ``{label}`` (see rules/wording.yaml), so the finding's
    ``numbers["label"]`` says which bank category to open. With ``answers``, slots that take a
    number from the tables are filled in. Findings of other kinds offer nothing.
    """
    if getattr(finding, "kind", None) != "suggestion":
        return []
    label = (finding.numbers or {}).get("label")
    cat = category_by_label(label, bank=bank) if isinstance(label, str) else None
    if cat is None:
        return []
    return [_suggestion(p, cat, 100.0 - i, answers) for i, p in enumerate(cat.phrasings)]


def _format(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def prefill(phrasing: Phrasing | str, answers: Mapping[str, Any], *, bank: Bank | None = None) -> str:
    """The phrasing with its data slots (``data:`` in the bank) filled from the answers' tables."""
    p = phrasing if isinstance(phrasing, Phrasing) else (bank or get_bank()).phrasing(phrasing)
    values: dict[str, str] = {}
    for slot, expr in p.data.items():
        total: int | Decimal = 0
        for fid in data_fields(expr):
            v = FORM.value(fid, answers)
            if v is None:
                break
            total += v
        else:
            values[slot] = _format(total)
    return fill(p.text, values)


SECTION5_FIELDS = ("rectification", "problems", "measures")


def last_year_text(previous: Mapping[str, Any] | None) -> str:
    """Last year's section 五 prose (rectification, problems, measures), or "" without last year."""
    if not previous:
        return ""
    return "\n".join(v for f in SECTION5_FIELDS if isinstance(v := previous.get(f), str) and v.strip())


def copied_from_last_year(text: str, previous: Mapping[str, Any] | None, *,
                          threshold: float = similarity.DEFAULT_THRESHOLD) -> list[similarity.SentenceMatch]:
    """Sentences of ``text`` (an item being written) that repeat last year's 五 almost word for word.

    The same comparison as rule Y3 (``gkassist.similarity``), for a warning while the user types;
    pass Y3's own threshold, ``default_rulebook().similarity_threshold("Y3")``, so that the warning
    and the rule agree when rules/previous.yaml changes it.
    """
    prev = last_year_text(previous)
    return similarity.near_copies(text, prev, threshold=threshold) if prev and text.strip() else []
