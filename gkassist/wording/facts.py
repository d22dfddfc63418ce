"""Facts about section 五 for the rule engine (the producer named in ``rules/wording.yaml``).

Rule T4 warns when "a problem has no matching measure". Whether a measure answers a problem is a
question for the wording bank, not for the engine, and it is read the way a careful reviewer reads
it: a problem is answered only by a measure of a category its own category links to
(``problems.yaml``, ``measures``) *that addresses it* — when the link has conditions, the measure
must say one of the link's words (an 「及时更新、扩大公开」 measure that only widens the content does
not answer 「信息更新不及时」) and the problem one of its words (training answers 「业务不熟」, not
「缺乏专业技术人员」). Only the problem's top category, those close to it and the main point of
each later clause count (a weak extra category of the same clause would make an unanswered problem
look answered). A measure belongs to every category with
enough evidence in it (``MEASURE_CUTOFF``): a measure of several verbs answers several problems.
A problem no category fits is not judged. The engine gets one ``wording.problem`` fact per problem
item with the outcome as numbers, and the texts a message needs.

A checker that cries wolf is worse than none (round 10, docs/wording.md): T4 reads as a careful reader
does and, when it cannot be sure that no measure answers a problem, says so quietly instead of warning.

- *restated*: a measure that says again one of the problem's distinctive words (the bank's words that
  few categories share, ``Matcher.restated``) addresses it — 「公开的范围有待进一步拓宽」 is answered by
  「拓宽信息来源和渠道」 even where the measure reads as another category;
- *unread*: a measure item in which the bank sees something but recognises no category
  (``MEASURE_CUTOFF``) may be the answer T4 cannot read: no problem of that report is called
  unanswered with certainty. An item with no word of the bank at all (「强化管理，服务公众」) is
  general, not unread;
- *near*: a measure that says the words a link asks for (``measure_says``) and has evidence for the
  linked category just below the cut-off (``NEAR_FLOOR``) nearly answers it.

The last two make T4 *unsure* (``maybe_by``): the rule gives a hint that names the measures it could
not read instead of a warning. Each was kept because it costs no catch on the tuning part of the
corpus (benchmarks/wording_corpus.py --t4-detail).

Items come from the prose answers as they stand (assembled by the interview, typed, or imported
from a published report), split by ``items.problem_items`` / ``measure_items``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from gkassist.features import compact_cached
from gkassist.form import FORM
from gkassist.wording.bank import Bank, get_bank
from gkassist.wording.items import cut_off, measure_items, problem_items, problem_title
from gkassist.wording.match import Matcher, default_matcher
from gkassist.wording.normalise import normalise

PROBLEM_KIND = "wording.problem"
OFFER_KIND = "wording.offer"
SECTION_KIND = "wording.section"
# A measure item belongs to a measure category for T4 when the category scores this much in it
# (calibrated on the tuning part of the corpus, benchmarks/wording_corpus.py).
MEASURE_CUTOFF = 40.0
# ... and nearly belongs to it (T4 unsure, condition "near") from this score up, when it says the words
# the link asks for. Below it the evidence is words shared with phrasings only (25.5, 27.5, 29.5 are the
# usual scores of loose evidence alone); no truly unanswered tuning problem has such a measure at ≥ 15.
NEAR_FLOOR = 25.0
# The conditions under which T4 reads more carefully (see the module's docstring); a set so that the
# corpus script can measure each on its own (benchmarks/wording_corpus.py --t4-detail).
CONDITIONS: frozenset[str] = frozenset({"restated", "unread", "near"})


def _text(answers: Mapping[str, Any], fid: str) -> str:
    value = answers.get(fid)
    return value if isinstance(value, str) else ""


@lru_cache(maxsize=512)
def _categories(item: str, kind: str) -> tuple[str, ...]:
    """A problem's top category and those close to it (cached: editing one item must not
    re-classify the others)."""
    return tuple(c.category for c in default_matcher().leading(item, kind))


def measure_categories(item: str, matcher: Matcher | None = None) -> frozenset[str]:
    """Every measure category with enough evidence in a measure item."""
    scores = (matcher or default_matcher()).category_scores(item, "measure")
    return frozenset(c for c, s in scores.items() if s >= MEASURE_CUTOFF)


@lru_cache(maxsize=512)
def _measure_categories(item: str) -> frozenset[str]:
    return measure_categories(item)


def answering(problem: str, problem_categories: tuple[str, ...], measure: str,
              measure_categories: frozenset[str], *, bank: Bank | None = None) -> bool:
    """Does this measure item answer this problem item (see the module's docstring)?"""
    bank = bank or get_bank()
    p, m = normalise(problem), normalise(measure)
    for c in problem_categories:
        for link in bank.category(c).links:
            if link.id in measure_categories and link.fits_problem(p) and link.fits_measure(m):
                return True
    return False


def wanted_measures(problem: str, problem_categories: tuple[str, ...]) -> tuple[str, ...]:
    """Measure category ids that would answer the problem, in the bank's order of preference."""
    bank = get_bank()
    p = normalise(problem)
    out: list[str] = []
    for c in problem_categories:
        out.extend(link.id for link in bank.category(c).links if link.fits_problem(p) and link.id not in out)
    return tuple(out)


def unread(measure: str, matcher: Matcher | None = None) -> bool:
    """A measure item the bank sees something in (some evidence) but recognises no category of."""
    scores = (matcher or default_matcher()).category_scores(measure, "measure")
    return bool(scores) and max(scores.values()) < MEASURE_CUTOFF


def nearly_answering(problem: str, problem_categories: tuple[str, ...], measure: str, *,
                     bank: Bank | None = None, matcher: Matcher | None = None) -> bool:
    """Does this measure say the words a link of the problem asks for, with evidence for the linked
    category just below the cut-off (``NEAR_FLOOR`` ≤ score < ``MEASURE_CUTOFF``)?"""
    bank = bank or get_bank()
    scores = (matcher or default_matcher()).category_scores(measure, "measure")
    p, m = normalise(problem), normalise(measure)
    return any(NEAR_FLOOR <= scores.get(link.id, 0.0) < MEASURE_CUTOFF and link.measure_says
               and link.fits_problem(p) and link.fits_measure(m)
               for c in problem_categories for link in bank.category(c).links)


@lru_cache(maxsize=64)
def pairing(problems: str, measures: str = "", conditions: frozenset[str] = CONDITIONS) -> tuple[dict[str, Any], ...]:
    """For each problem item: its categories, whether a measure answers it, and what would.

    Returns plain dicts (cached by the two texts, because the engine re-derives facts after
    every answer while 五 rarely changes): ``text``, ``categories`` (ids), ``answered_by``
    (measure item numbers, from 1, that answer it), ``restated`` (those of them that answer only by
    saying its distinctive words again, and the words), ``maybe_by`` (for a problem no measure answers:
    measures that may answer it but T4 cannot read well enough — ``unread`` or ``near``; empty when it
    is sure), ``wanted`` (measure category ids that would answer it). ``conditions``: which of the
    careful reader's conditions apply (all of them in the product).
    """
    matcher = default_matcher()
    m_items = measure_items(problems, measures)
    m_cats = [_measure_categories(m) for m in m_items]
    unread_ones = tuple(i + 1 for i, m in enumerate(m_items) if "unread" in conditions and unread(m))
    out = []
    for item in problem_items(problems, measures):
        cats = _categories(item, "problem")
        answered_by: list[int] = []
        restated: list[tuple[int, tuple[str, ...]]] = []
        near: list[int] = []
        for i, (m, mc) in enumerate(zip(m_items, m_cats, strict=True), 1):
            if answering(item, cats, m, mc):
                answered_by.append(i)
            elif cats and "restated" in conditions and (words := matcher.restated(item, m)):
                answered_by.append(i)
                restated.append((i, words))
            elif "near" in conditions and nearly_answering(item, cats, m):
                near.append(i)
        maybe_by = () if answered_by or not cats else tuple(sorted({*unread_ones, *near}))
        out.append({"text": item, "categories": cats, "answered_by": tuple(answered_by),
                    "restated": tuple(restated), "maybe_by": maybe_by,
                    "wanted": wanted_measures(item, cats)})
    return tuple(out)


def judged(problems: str, measures: str = "") -> bool:
    """Can T4 tell which problems no measure answers? Not without measures (T4's other case says
    so), and not when 五 stops mid-sentence: the measures cut off might answer them."""
    return bool(measure_items(problems, measures)) and not cut_off(problems, measures)


def unanswered_problems(problems: str, measures: str = "") -> list[dict[str, Any]]:
    """Problem items of a recognised category that no measure item answers, T4 being sure of it
    (what T4 warns about; those it is unsure of have ``maybe_by``)."""
    if not judged(problems, measures):
        return []
    return [p for p in pairing(problems, measures) if p["categories"] and not p["answered_by"] and not p["maybe_by"]]


def unsure_problems(problems: str, measures: str = "") -> list[dict[str, Any]]:
    """Problem items no measure item answers as T4 reads them, but which a measure it cannot read
    well enough may answer (``maybe_by``): T4 hints instead of warning."""
    if not judged(problems, measures):
        return []
    return [p for p in pairing(problems, measures) if p["categories"] and not p["answered_by"] and p["maybe_by"]]


_OFFERS: list[tuple[Bank, tuple[dict[str, Any], ...]]] = []  # the bank and its offers (one entry)


def _offers(bank: Bank) -> tuple[dict[str, Any], ...]:
    """One ``wording.offer`` per problem category of the bank, not yet written (``written`` 0): the same
    for every report but that value, so made once per bank (copied for each report)."""
    if _OFFERS and _OFFERS[0][0] is bank:
        return _OFFERS[0][1]
    offers = tuple({
        "kind": OFFER_KIND,
        "id": f"{OFFER_KIND}.{cat.id}",
        "fields": ("problems",),
        "section": "problems",
        "category": cat.id,
        "written": 0,
        "label": cat.label,
        "example": cat.phrasings[0].text,
    } for cat in bank.of_kind("problem"))
    _OFFERS[:] = [(bank, offers)]
    return offers


def produce(answers: Mapping[str, Any], previous: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """Facts about 五 for the engine's producer hook (see rules/wording.yaml).

    - one ``wording.section``: how many problem and measure items 五 has (T4, no measures written);
    - one ``wording.offer`` per problem category of the bank: the data-driven suggestion rules
      (W1–W6) name the category they offer and stay silent once a problem of it is written;
    - one ``wording.problem`` per problem item: its categories and whether a measure answers it (T4).
    """
    problems = _text(answers, "problems")
    measures = _text(answers, "measures")
    bank = get_bank()
    n_measures = len(measure_items(problems, measures)) if problems.strip() or measures.strip() else 0
    section = {
        "kind": SECTION_KIND,
        "id": SECTION_KIND,
        "fields": ("measures", "problems"),
        "section": "problems",
        "problem_items": len(problem_items(problems, measures)) if problems.strip() else 0,
        "measure_items": n_measures,
        "measures_chars": len(compact_cached(measures)),  # (the same text's chars feature compacts it too)
        "label": FORM.field("measures").label,
    }
    written: set[str] = set()
    for p in pairing(problems, measures) if problems.strip() else ():
        written.update(p["categories"])
    facts: list[dict[str, Any]] = [section]
    for offer in _offers(bank):
        fact = offer.copy()
        if fact["category"] in written:
            fact["written"] = 1
        facts.append(fact)
    if not problems.strip():
        return facts
    judge = judged(problems, measures)
    for n, p in enumerate(pairing(problems, measures), 1):
        cats = [bank.category(c) for c in p["categories"]]
        wanted = [bank.category(m) for m in p["wanted"]]
        facts.append({
            "kind": PROBLEM_KIND,
            "id": f"{PROBLEM_KIND}.{n}",
            "fields": ("problems", "measures"),
            "section": "problems",
            # numbers the rules use
            "number": n,
            "classified": 1 if cats else 0,
            "answered": 1 if p["answered_by"] else 0,
            "unanswered": 1 if cats and judge and not p["answered_by"] and not p["maybe_by"] else 0,
            "unsure": 1 if cats and judge and not p["answered_by"] and p["maybe_by"] else 0,
            "measure_items": n_measures,
            # texts for messages
            "text": problem_title(p["text"], limit=40),
            "categories": "".join(f"「{c.label}」" for c in cats),
            "measures": "".join(f"「{m.label}」" for m in wanted),
            "maybe": "、".join(str(i) for i in p["maybe_by"]),
        })
    return facts
