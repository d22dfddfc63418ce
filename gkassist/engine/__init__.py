"""The rule engine: answers → facts → which rule cases fire → findings.

Two evaluators read the same compiled rulebook (:mod:`gkassist.rulebook`) and give the same
findings, in the same order, with the same messages and numbers:

- ``durable``: durable-rules (:mod:`gkassist.engine.durable`, the only module importing it);
- ``python``: the conditions compiled to Python functions (:mod:`gkassist.engine.python`), for
  every Python and machines without a C compiler.

One is chosen per process: ``GKASSIST_ENGINE=durable|python`` when set, else durable-rules when it
imports, else Python. ``gkassist --version`` names it (:func:`engine_label`).

Use:

- ``check(answers, previous=…, extra_facts=…, notes=…)``: every finding of one report;
- ``Validator``: one open report (the interview); ``update(changes)`` re-checks only what changed;
- ``rule_applies("N7", answers)``: whether a rule's ``when`` holds (the interview asks the
  rulebook instead of carrying rule conditions of its own);
- ``findings_of("N4", answers)``: the findings of one rule code that stand for these answers.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from gkassist.engine.base import EngineError, Evaluator, Matcher
from gkassist.errors import UserError
from gkassist.facts import build_facts
from gkassist.features import FeatureCache
from gkassist.findings import Finding
from gkassist.form import FORM
from gkassist.rulebook import Rulebook, default_rulebook

__all__ = [
    "ENGINES", "EngineError", "Evaluator", "Finding", "Matcher", "Validator", "check", "engine_label",
    "engine_name", "evaluator", "findings_of", "live_sessions", "rule_applies",
]

ENGINES = ("durable", "python")
ENV = "GKASSIST_ENGINE"


@cache
def evaluator(name: str | None = None) -> Evaluator:
    """The evaluator ``name``, or (None) the one this process runs (see the module docstring)."""
    if name is None:
        return evaluator(_chosen())
    if name == "python":
        from gkassist.engine.python import PythonEvaluator

        return PythonEvaluator()
    if name == "durable":
        from gkassist.engine.durable import DurableEvaluator

        return DurableEvaluator()
    raise ValueError(f"unknown engine {name!r}")


def _chosen() -> str:
    wanted = os.environ.get(ENV, "").strip().lower()
    if wanted not in ("", *ENGINES):
        raise UserError(f"环境变量 {ENV}={wanted} 无效：可设为 durable 或 python，或不设（自动选择）。")
    if wanted == "python":
        return "python"
    try:
        evaluator("durable")
    except ImportError as err:  # not installed, or its C extension does not load on this Python
        if wanted == "durable":
            raise UserError(
                f"{ENV}=durable，但 durable-rules 无法在这台电脑上运行（{err}）。"
                f"请安装 durable-rules，或改设 {ENV}=python。"
            ) from None
        return "python"
    return "durable"


def engine_name() -> str:
    """``durable`` or ``python``: the evaluator this process runs."""
    return evaluator().name


def engine_label() -> str:
    """The evaluator this process runs, as ``gkassist --version`` shows it."""
    return evaluator().label


def live_sessions() -> int:
    """Engine sessions held right now by the running evaluator (for tests and the benchmark)."""
    return evaluator().live_sessions()


# text features of one-shot checks: bounded, keyed by the text itself, so sharing is safe
_SHARED_CACHE = FeatureCache()


def check(answers: Mapping[str, Any], *, previous: Mapping[str, Any] | None = None,
          extra_facts: Iterable[Mapping[str, Any]] = (), notes: Mapping[str, str] | None = None,
          rulebook: Rulebook | None = None, engine: str | None = None,
          outline: Mapping[str, Any] | None = None) -> list[Finding]:
    """Every current finding for one report, in report order, most severe first within a section.

    ``engine`` picks an evaluator by name (tests, benchmarks); None: the one this process runs.
    ``outline``: a read report's own sub-headings and their order (the texts of whole sections).
    """
    book = rulebook or default_rulebook()
    facts = build_facts(answers, previous, book=book, notes=notes, extra_facts=extra_facts, cache=_SHARED_CACHE,
                        outline=outline)
    matcher = evaluator(engine).matcher(book)
    try:
        matcher.sync(facts)
        return matcher.findings()
    finally:
        matcher.close()


class Validator:
    """Incremental checking for one open report (the interview): ``update`` → the complete set.

    Only facts whose content changed are replaced in the evaluator, so one changed answer costs a
    few evaluations. Safe to call from a Textual worker thread. Call ``close()`` (or use ``with``)
    when the report is closed; a Validator that is merely dropped gives its engine session back at
    the next engine call.
    """

    def __init__(self, answers: Mapping[str, Any], previous: Mapping[str, Any] | None = None, *,
                 notes: Mapping[str, str] | None = None, extra_facts: Iterable[Mapping[str, Any]] = (),
                 rulebook: Rulebook | None = None, engine: str | None = None,
                 outline: Mapping[str, Any] | None = None) -> None:
        self._lock = threading.Lock()
        self._outline = outline
        self._book = rulebook or default_rulebook()
        self._answers = {k: v for k, v in answers.items() if v is not None}
        self._previous = dict(previous) if previous is not None else None
        self._notes = dict(notes or {})
        self._extra = list(extra_facts)
        self._cache = FeatureCache()
        self._matcher = evaluator(engine).matcher(self._book)
        release = self._matcher.release_when_dropped()
        if release is not None:
            weakref.finalize(self, release)
        self._current: list[Finding] | None = None

    def __enter__(self) -> Validator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def answers(self) -> dict[str, Any]:
        return dict(self._answers)

    def findings(self) -> list[Finding]:
        """The current findings (computing them on first use)."""
        with self._lock:
            if self._current is None:
                self._current = self._revalidate()
            return list(self._current)

    def update(self, changes: Mapping[str, Any], *, notes: Mapping[str, str | None] | None = None) -> list[Finding]:
        """Apply changed answers (``None`` clears one) and return the complete current findings."""
        with self._lock:
            changed: set[str] = set()
            for fid, value in changes.items():
                if value is None:
                    self._answers.pop(fid, None)
                    self._notes.pop(fid, None)
                else:
                    self._answers[fid] = value
                changed.add(fid)
            for fid, note in (notes or {}).items():
                if note:
                    self._notes[fid] = note
                else:
                    self._notes.pop(fid, None)
                changed.add(fid)
            for fid in list(changed):
                if fid in FORM.fields:
                    changed.update(FORM.dependents(fid))
            self._current = self._revalidate(changed)
            return list(self._current)

    def set_previous(self, previous: Mapping[str, Any] | None) -> list[Finding]:
        with self._lock:
            self._previous = dict(previous) if previous is not None else None
            self._current = self._revalidate()
            return list(self._current)

    def _revalidate(self, changed: set[str] | None = None) -> list[Finding]:
        facts = build_facts(self._answers, self._previous, book=self._book, notes=self._notes,
                            extra_facts=self._extra, cache=self._cache, old=self._matcher.facts, changed=changed,
                            outline=self._outline)
        self._matcher.sync(facts)
        return self._matcher.findings()

    def close(self) -> None:
        with self._lock:
            self._matcher.close()
            self._current = None


# --- asking the rulebook about one rule --------------------------------------------------------------


def rule_applies(rule: str, answers: Mapping[str, Any], previous: Mapping[str, Any] | None = None) -> bool:
    """Whether the ``when`` of some case of ``rule`` (a rule id or code) holds for these answers.

    For a rule without ``when`` every fact of its scope qualifies. The interview asks this instead
    of restating a rule's condition (e.g. N7: the agency has no power to make 规章).
    """
    from gkassist.expressions import holds, push_down

    book = default_rulebook().subset(rule)
    # every fact of the rule's scope: one that no case can fire on may still meet a ``when``
    for fact in build_facts(answers, previous, book=book, cache=_SHARED_CACHE, prune=False):
        for r in book.rules:
            if r.scope != fact.kind:
                continue
            for case in r.cases:
                if case.when is None or holds(push_down(case.when), fact.values, book.tables):
                    return True
    return False


def findings_of(rule: str, answers: Mapping[str, Any], previous: Mapping[str, Any] | None = None, *,
                notes: Mapping[str, str] | None = None, engine: str | None = None) -> list[Finding]:
    """The findings of ``rule`` (a rule id or code) that stand for these answers, in report order.

    Checks that one rule only, so it is cheap enough to ask on every answer (e.g. N4 after the last
    row of table 三).
    """
    return check(answers, previous=previous, notes=notes, rulebook=default_rulebook().subset(rule), engine=engine)
