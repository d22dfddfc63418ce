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


class PythonMatcher(Matcher):
    def __init__(self, book: Rulebook) -> None:
        super().__init__(book)
        self._plan = plan(book)
        self._memo: dict[tuple, tuple[str, ...]] = book.plans.setdefault("python-memo", {})

    def _apply(self, gone: list[str], added: list[Fact]) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        by_kind = self._plan
        memo = self._memo
        for fact in added:
            cases = by_kind.get(fact.kind)
            if not cases:
                continue
            values = fact.values
            # a condition is a function of the fact's values alone, and most facts of a report
            # repeat another's values (some 200 cells, nearly all a plain small number): the keys
            # of the cases firing on these values are looked up rather than worked out again
            key = keys = None
            if len(values) <= _MEMO_VALUES:
                try:
                    key = (fact.kind, *values.items())
                    keys = memo.get(key)
                except TypeError:  # a value that cannot be hashed: work it out
                    key = None
            if keys is None:
                keys = tuple(case for case, texts, fires in cases
                             if (texts is None or values.get(TEXT_KEY) in texts) and fires(values))
                if key is not None:
                    if len(memo) >= _MEMO_SIZE:
                        memo.clear()
                    memo[key] = keys
            pairs.extend((case, fact.id) for case in keys)
        return pairs


_MEMO_VALUES = 8  # facts with more values rarely repeat, and their key costs more than their cases
_MEMO_SIZE = 20_000  # (kind, values) → firing case keys, per rulebook; cleared when full


class PythonEvaluator(Evaluator):
    name = "python"
    label = "Python"

    def matcher(self, book: Rulebook) -> Matcher:
        return PythonMatcher(book)
