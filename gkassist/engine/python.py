"""The pure-Python evaluator: the rulebook's compiled conditions run as Python functions.

Each rule case's firing condition (``Case.fires``: ``when`` and not ``check``) is compiled once per
rulebook into a Python function of a fact's values (:func:`gkassist.expressions.compile_python`),
with the same semantics as the durable-rules patterns compiled from the same tree: a comparison
that reads a missing value is false, text compares only for (in)equality. A fact is matched by
the cases of its kind (and, for texts, of its text id), exactly the guards of the engine patterns.

It holds no state beyond the matcher's own dictionaries, needs no compiler to install and runs on
every Python. The differential tests (tests/test_engine_differential.py) hold it to the same
findings as durable-rules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from gkassist.engine.base import Evaluator, Matcher
from gkassist.expressions import compile_python
from gkassist.facts import Fact
from gkassist.rulebook import Rulebook
from gkassist.vocabulary import PROSE_FIELDS, TEXT, TEXT_KEY

# per fact kind: (case key, text ids it applies to or None for any, the compiled condition)
Plan = dict[str, list[tuple[str, frozenset[str] | None, Callable[[Mapping[str, Any]], bool]]]]


def plan(book: Rulebook) -> Plan:
    """The rulebook's cases compiled and grouped by fact kind (once per rulebook)."""
    cached = book.plans.get("python")
    if cached is not None:
        return cached
    out: Plan = {}
    for key, (rule, case) in book.cases_by_key.items():
        texts = frozenset(rule.texts or PROSE_FIELDS) if rule.scope == TEXT else None
        out.setdefault(rule.scope, []).append((key, texts, compile_python(case.fires, book.tables)))
    book.plans["python"] = out
    return out


def _cases(book: Rulebook) -> dict[tuple[str, Any], list[tuple[str, Callable[[Mapping[str, Any]], bool]]]]:
    """(fact kind, its text id: None but for texts) → the cases that apply to such a fact (filled
    as they are met, once per rulebook): a text is matched by the cases of its own text id only."""
    cached = book.plans.get("python.cases")
    if cached is None:
        cached = book.plans["python.cases"] = {}
    return cached


class PythonMatcher(Matcher):
    def __init__(self, book: Rulebook) -> None:
        super().__init__(book)
        self._plan = plan(book)
        self._cases = _cases(book)

    def _apply(self, gone: list[str], added: list[Fact]) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        by_kind, known = self._plan, self._cases
        for fact in added:
            values = fact.values
            which = (fact.kind, values.get(TEXT_KEY) if fact.kind == TEXT else None)
            cases = known.get(which)
            if cases is None:
                cases = known[which] = [(key, fires) for key, texts, fires in by_kind.get(fact.kind, ())
                                        if texts is None or which[1] in texts]
            for key, fires in cases:
                if fires(values):
                    pairs.append((key, fact.id))
        return pairs


class PythonEvaluator(Evaluator):
    name = "python"
    label = "Python"

    def matcher(self, book: Rulebook) -> Matcher:
        return PythonMatcher(book)
