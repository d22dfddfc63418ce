"""Facts about section 五 for the rule engine (the producer named in ``rules/wording.yaml``).

Rule T4 warns when "a problem has no matching measure". Whether a measure answers a problem is a
question for the wording bank, not for the engine: each problem item and each measure item is
classified against the bank (``classify``), and a problem is answered when one of its categories
lists, in ``problems.yaml``, a measure category that some measure item belongs to. The engine gets
one ``wording.problem`` fact per problem item with the outcome as numbers, and the texts a
message needs.

Items come from the prose answers as they stand (assembled by the interview, typed, or imported
from a published report), split by ``items.problem_items`` / ``measure_items``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from gkassist.wording.bank import get_bank
from gkassist.wording.items import measure_items, problem_items, problem_title
from gkassist.wording.match import default_matcher

PROBLEM_KIND = "wording.problem"
OFFER_KIND = "wording.offer"


def _text(answers: Mapping[str, Any], fid: str) -> str:
    value = answers.get(fid)
    return value if isinstance(value, str) else ""


@lru_cache(maxsize=512)
def _categories(item: str, kind: str) -> tuple[str, ...]:
    """An item's categories (cached: editing one item must not re-classify the others)."""
    return tuple(c.category for c in default_matcher().classify(item, kind))


@lru_cache(maxsize=64)
def pairing(problems: str, measures: str = "") -> tuple[dict[str, Any], ...]:
    """For each problem item: its categories, whether a measure answers it, and what would.

    Returns plain dicts (cached by the two texts, because the engine re-derives facts after
    every answer while 五 rarely changes): ``text``, ``categories`` (ids), ``answered_by``
    (measure item numbers, from 1, that answer it), ``wanted`` (measure category ids that would).
    """
    bank = get_bank()
    m_items = measure_items(problems, measures)
    m_cats = [set(_categories(m, "measure")) for m in m_items]
    out = []
    for item in problem_items(problems, measures):
        cats = list(_categories(item, "problem"))
        wanted: list[str] = []
        for c in cats:
            wanted.extend(m for m in bank.category(c).measures if m not in wanted)
        answered_by = tuple(i + 1 for i, mc in enumerate(m_cats) if mc & set(wanted))
        out.append({"text": item, "categories": tuple(cats), "answered_by": answered_by, "wanted": tuple(wanted)})
    return tuple(out)


def unanswered_problems(problems: str, measures: str = "") -> list[dict[str, Any]]:
    """Problem items of a recognised category that no measure item answers (what T4 reports)."""
    if not measure_items(problems, measures):
        return []  # no measures at all is T4's other case, reported on its own
    return [p for p in pairing(problems, measures) if p["categories"] and not p["answered_by"]]


def produce(answers: Mapping[str, Any], previous: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """Facts about 五 for the engine's producer hook (see rules/wording.yaml).

    - one ``wording.offer`` per problem category of the bank: the data-driven suggestion rules
      (W1–W6) name the category they offer and stay silent once a problem of it is written;
    - one ``wording.problem`` per problem item: its categories and whether a measure answers it (T4).
    """
    problems = _text(answers, "problems")
    measures = _text(answers, "measures")
    bank = get_bank()
    written: set[str] = set()
    for p in pairing(problems, measures) if problems.strip() else ():
        written.update(p["categories"])
    facts: list[dict[str, Any]] = []
    for cat in bank.of_kind("problem"):
        facts.append({
            "kind": OFFER_KIND,
            "id": f"{OFFER_KIND}.{cat.id}",
            "fields": ("problems",),
            "section": "problems",
            "category": cat.id,
            "written": 1 if cat.id in written else 0,
            "label": cat.label,
            "example": cat.phrasings[0].text,
        })
    if not problems.strip():
        return facts
    n_measures = len(measure_items(problems, measures))
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
            "unanswered": 1 if cats and n_measures and not p["answered_by"] else 0,
            "measure_items": n_measures,
            # texts for messages
            "text": problem_title(p["text"], limit=40),
            "categories": "".join(f"「{c.label}」" for c in cats),
            "measures": "".join(f"「{m.label}」" for m in wanted),
        })
    return facts
