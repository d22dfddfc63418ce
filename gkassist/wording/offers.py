"""What to offer the user besides typed-text matches: measures for an accepted problem, the bank
entries a data-driven suggestion (an engine finding of kind "suggestion") points to, and numbers
from the tables pre-filled into a phrasing's slots.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any, Protocol

from gkassist import similarity
from gkassist.wording.bank import Bank, Category, Phrasing, data_total, get_bank, offered
from gkassist.wording.match import Matcher, Suggestion, default_matcher
from gkassist.wording.normalise import normalise
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
    return replace(s, text=text, slots=left, hints={n: s.hints[n] for n in left})


def _offerable(phrasings: Iterable[Phrasing], answers: Mapping[str, Any] | None) -> list[Phrasing]:
    """The phrasings worth offering: none whose table number would be 0 (「被纠正的0件案件」)."""
    return [p for p in phrasings if offered(p, answers)]


def measure_suggestions(problem_categories: str | Iterable[str], limit: int = 6, *,
                        answers: Mapping[str, Any] | None = None, bank: Bank | None = None,
                        problem: str | None = None) -> list[Suggestion]:
    """Measure phrasings that answer the given problem categories, taking turns between the
    measure categories (first phrasing of each, then the second of each …) so that the first
    few offers cover every way of answering the problem.

    A link with conditions (``problems.yaml``: ``measure_says``, ``problem_says``) decides what is
    offered: only the phrasings of the measure category that say one of its words (for
    「更新不及时」 the 「及时更新」 phrasings of 及时更新、扩大公开, not the 「扩大范围」 ones), and, when
    the ``problem`` text is given, only the links whose ``problem_says`` it meets (no training
    for 「缺乏专业技术人员」). With ``answers``, phrasings whose table number is 0 are left out and
    the numbers of the others are filled in.
    """
    bank = bank or get_bank()
    ids = [problem_categories] if isinstance(problem_categories, str) else list(problem_categories)
    said = normalise(problem) if problem is not None else None
    lists: list[tuple[Category, list[Phrasing]]] = []
    for pid in ids:
        for link in bank.category(pid).links:
            if said is not None and not link.fits_problem(said):
                continue
            cat = bank.category(link.id)
            if any(c is cat for c, _ in lists):
                continue
            offer = [p for p in _offerable(cat.phrasings, answers) if link.fits_measure(normalise(p.text))]
            if offer:
                lists.append((cat, offer))
    out: list[Suggestion] = []
    depth = max((len(ps) for _, ps in lists), default=0)
    for i in range(depth):
        for rank, (c, ps) in enumerate(lists):
            if i < len(ps) and len(out) < limit:
                # a stable, descending score: first preference of the bank first
                out.append(_suggestion(ps[i], c, 100.0 - i * 10 - rank, answers))
    return out


def typing_offers(text: str, kind: str = "problem", limit: int = 3, *, per_category: int = 1,
                  answers: Mapping[str, Any] | None = None, problems: Sequence[str] = (),
                  written: Sequence[str] = (), from_tables: Sequence[str] = (),
                  matcher: Matcher | None = None) -> list[Suggestion]:
    """What to offer for a line being typed: what the text says first, then what the assistant
    knows besides the text.

    The first offers are ``suggest``'s: the phrasings the typed text matches (``reason`` "typed").
    When those are fewer than ``limit`` — above all while the line holds only a stock opening
    (「下一步，我局将」, 「2018年，我局」), which says nothing yet — the rest come from the context, one
    phrasing per category, never one of a category already written (``written``: the other items
    of the same kind, those above the line):

    - a measure: the measures that answer the ``problems`` of the report that no measure written
      so far answers (as T4 judges it), problem by problem in the problems' order (``reason``
      "answers", ``problem`` its number), so the next unanswered problem is answered first;
    - a problem: the categories the report's tables point to (``from_tables``: the categories of
      the data-driven rules W1–W6, ``reason`` "tables");
    - then the categories real reports name most often (the bank's ``common``, matching.yaml;
      ``reason`` "common").

    Offers from the context score 0: they are not matches of the text.
    """
    matcher = matcher or default_matcher()
    out = matcher.suggest(text, kind, limit, per_category=per_category, answers=answers)
    if len(out) >= limit:
        return out
    shown = {s.category for s in out}
    for s in context_offers(kind, answers=answers, problems=problems, written=written,
                            from_tables=from_tables, matcher=matcher):
        if len(out) >= limit:
            break
        if s.category not in shown:
            shown.add(s.category)
            out.append(s)
    return out


def context_offers(kind: str = "problem", *, answers: Mapping[str, Any] | None = None,
                   problems: Sequence[str] = (), written: Sequence[str] = (), from_tables: Sequence[str] = (),
                   matcher: Matcher | None = None) -> list[Suggestion]:
    """What the context alone makes likely for the next item of ``kind``, most likely first, one
    phrasing per category (see ``typing_offers``); what an empty line is offered."""
    matcher = matcher or default_matcher()
    bank = matcher.bank
    done = {m.category for item in written for m in matcher.leading(item, kind)}
    out: list[Suggestion] = []
    seen: set[str] = set()

    def add(s: Suggestion) -> None:
        if s.category not in seen and s.category not in done:
            seen.add(s.category)
            out.append(s)

    if kind == "measure":
        for s in _answering_offers(problems, written, answers, matcher):
            add(s)
    else:
        for cid in from_tables:
            for s in _first_offers(bank, cid, answers, "tables"):
                add(s)
    for cid in bank.common.get(kind, ()):
        for s in _first_offers(bank, cid, answers, "common"):
            add(s)
    return out


def _first_offers(bank: Bank, category: str, answers: Mapping[str, Any] | None, reason: str) -> list[Suggestion]:
    """The first phrasing of ``category`` worth offering, as a context offer (none if it has none)."""
    cat = bank.category(category)
    offer = _offerable(cat.phrasings, answers)[:1]
    return [replace(_suggestion(p, cat, 0.0, answers), reason=reason) for p in offer]


def _answering_offers(problems: Sequence[str], written: Sequence[str], answers: Mapping[str, Any] | None,
                      matcher: Matcher) -> list[Suggestion]:
    """Measures answering the problems no written measure answers, taking turns between the problems
    (the first offers answer as many of them as they can), in the problems' order."""
    from gkassist.wording.facts import answering, measure_categories

    m_cats = [(m, measure_categories(m, matcher)) for m in written]
    lists: list[tuple[int, list[Suggestion]]] = []
    for n, problem in enumerate(problems, 1):
        cats = tuple(m.category for m in matcher.leading(problem, "problem"))
        if not cats or any(answering(problem, cats, m, mc, bank=matcher.bank) for m, mc in m_cats):
            continue
        found = measure_suggestions(cats, answers=answers, bank=matcher.bank, problem=problem)
        lists.append((n, [replace(s, score=0.0, reason="answers", problem=n) for s in found]))
    out: list[Suggestion] = []
    for i in range(max((len(ss) for _, ss in lists), default=0)):
        out.extend(ss[i] for _, ss in lists if i < len(ss))
    return out


def category_by_label(label: str, *, bank: Bank | None = None) -> Category | None:
    for c in (bank or get_bank()).categories.values():
        if c.label == label:
            return c
    return None


def table_categories(findings: Iterable[_FindingLike], *, bank: Bank | None = None) -> list[str]:
    """The problem categories the data-driven suggestions among ``findings`` (rules W1–W6) point to,
    in the findings' order: what ``typing_offers`` takes as ``from_tables``."""
    out: list[str] = []
    for f in findings:
        label = (getattr(f, "numbers", None) or {}).get("label") if getattr(f, "kind", None) == "suggestion" else None
        cat = category_by_label(label, bank=bank) if isinstance(label, str) else None
        if cat is not None and cat.kind == "problem" and cat.id not in out:
            out.append(cat.id)
    return out


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
    # the finding comes from the tables: the phrasings that carry their numbers come first
    offer = _offerable(cat.phrasings, answers)
    if answers:
        offer.sort(key=lambda p: not p.data)
    return [_suggestion(p, cat, 100.0 - i, answers) for i, p in enumerate(offer)]


def _format(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def prefill(phrasing: Phrasing | str, answers: Mapping[str, Any], *, bank: Bank | None = None) -> str:
    """The phrasing with its data slots (``data:`` in the bank) filled from the answers' tables.

    A slot whose number is unknown or 0 stays a slot: 「逐案分析被纠正的0件案件」 says nothing,
    and the officer should pick another phrasing (the offers leave such phrasings out).
    """
    p = phrasing if isinstance(phrasing, Phrasing) else (bank or get_bank()).phrasing(phrasing)
    values: dict[str, str] = {}
    for slot in p.data:
        total = data_total(p, slot, answers)
        if total:
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
