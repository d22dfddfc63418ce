"""Standard wording for section 五: the bank in ``prompts/wording/``, suggestions while typing,
problem → measure pairing, the assembled paragraphs, and the facts the rule engine needs.

One job per module:

- ``bank``      loads and validates the bank (``BankError`` names file, entry and fault)
- ``normalise`` what matching looks at (NFKC, no punctuation, digits or list markers)
- ``match``     keyword and bigram evidence: ``suggest`` while typing, ``classify`` a whole item
- ``slots``     ``{栏目名}`` placeholders: ``fill``, ``unfilled_slots``
- ``items``     prose ↔ items: split last year's (or any) 五 into problems and measures
- ``assemble``  the Jinja template ``section5.j2`` → the three prose answers of 五
- ``offers``    measures for a problem, what to offer while typing (``typing_offers``: the text's
                matches, then what the context makes likely, ``context_offers``), bank entries for a
                data-driven suggestion, prefill, copy check
- ``facts``     the engine's producer hook: ``wording.problem`` (T4) and ``wording.offer`` (W1–W6)

See docs/internals.md, section "wording", for how the interview uses it.
"""

from gkassist.wording.assemble import (
    RectificationEntry,
    Section5,
    assemble_section5,
    auto_values,
    rectification_title,
    self_reference,
)
from gkassist.wording.bank import Bank, BankError, Category, Phrasing, get_bank, load_bank
from gkassist.wording.facts import pairing, unanswered_problems, unsure_problems
from gkassist.wording.items import (
    Section5Parts,
    measure_items,
    problem_items,
    problem_title,
    split_items,
    split_section5,
)
from gkassist.wording.match import CategoryMatch, Matcher, Suggestion, classify, suggest
from gkassist.wording.offers import (
    context_offers,
    copied_from_last_year,
    measure_suggestions,
    measures_for,
    offers_for,
    prefill,
    table_categories,
    typing_offers,
)
from gkassist.wording.slots import fill, has_unfilled_slots, unfilled_slots

__all__ = [
    "Bank", "BankError", "Category", "CategoryMatch", "Matcher", "Phrasing", "RectificationEntry", "Section5",
    "Section5Parts", "Suggestion", "assemble_section5", "auto_values", "classify", "context_offers",
    "copied_from_last_year", "fill", "get_bank", "has_unfilled_slots", "load_bank", "measure_items", "measure_suggestions", "measures_for",
    "offers_for", "pairing", "prefill", "problem_items", "problem_title", "rectification_title", "self_reference", "split_items",
    "split_section5", "suggest", "table_categories", "typing_offers", "unanswered_problems", "unfilled_slots",
    "unsure_problems",
]
