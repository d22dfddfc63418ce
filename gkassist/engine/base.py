"""The evaluator interface: what every rule engine behind ``gkassist.engine`` provides.

An evaluator takes the compiled rulebook (:mod:`gkassist.rulebook`) and one report's facts
(:mod:`gkassist.facts`) and says which rule cases fire on which facts. Every rule case matches a
single fact (aggregates are precomputed into facts), so "which findings stand" is exactly "which
(case, fact) pairs fire on the facts now held": a replaced fact loses its firings and gains the
current ones — a fixed problem disappears at once.

:class:`Matcher` keeps one report's facts and firings and works out, on each ``sync``, which facts
are gone, new or changed; an evaluator implements only ``_apply`` (take these facts away, add
those, say what fires on the added ones). Findings are rendered here from the firings, the same
way whichever evaluator ran (:func:`gkassist.findings.render`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext

from gkassist.facts import Fact
from gkassist.findings import Finding, render, sort_key
from gkassist.rulebook import Rulebook


class EngineError(RuntimeError):
    """The engine failed (a fact was rejected, an action raised): a bug, never silently ignored."""


class Matcher(ABC):
    """One report's facts in one evaluator, and which rule cases fire on them.

    Not thread-safe by itself: the ``Validator`` owning it serialises its calls.
    """

    def __init__(self, book: Rulebook) -> None:
        self.book = book
        self.facts: dict[str, Fact] = {}
        self.fired: dict[str, set[str]] = {}  # fact id → keys of the rule cases firing on it

    def sync(self, new_facts: Iterable[Fact]) -> None:
        """Hold exactly ``new_facts`` from now on; only facts whose content changed are replaced."""
        new = {f.id: f for f in new_facts}
        with self._session() as fresh_session:
            if fresh_session:  # the evaluator lost what it held: everything is new again
                self.facts, self.fired = {}, {}
            held = bool(self.facts)  # else (a report's first sync) every fact is new
            gone = [fid for fid in self.facts if fid not in new]
            added: list[Fact] = [] if held else list(new.values())
            for fid, fact in new.items() if held else ():
                old = self.facts.get(fid)
                if old is not None:
                    if old.same_as(fact):
                        self.facts[fid] = fact  # same content; the newer object carries the newer deps
                        continue
                    gone.append(fid)
                added.append(fact)
            try:
                pairs = self._apply(gone, added)
            except BaseException:
                self._abandon()  # what the evaluator holds no longer mirrors self.facts
                self.facts, self.fired = {}, {}
                raise
            if not held:
                self.facts = new
            for fid in gone:
                del self.facts[fid]
                self.fired.pop(fid, None)
            for fact in added if held else ():
                self.facts[fact.id] = fact
            for key, fid in pairs:
                self.fired.setdefault(fid, set()).add(key)

    def findings(self) -> list[Finding]:
        """The findings that stand, in report order (see :func:`gkassist.findings.sort_key`)."""
        out: list[tuple[tuple, Finding]] = []
        for fid, keys in self.fired.items():
            fact = self.facts.get(fid)
            if fact is None:
                continue
            for key in keys:
                rule, case = self.book.cases_by_key[key]
                finding = render(rule, case, fact, self.book)
                out.append((sort_key(finding, rule.order, fact.order, key), finding))
        out.sort(key=lambda t: t[0])
        return [f for _, f in out]

    def close(self) -> None:
        """Give back what the evaluator holds for this report; the matcher may be used again."""
        self._release()
        self.facts, self.fired = {}, {}

    # --- what an evaluator implements ---------------------------------------------------------------

    @abstractmethod
    def _apply(self, gone: list[str], added: list[Fact]) -> list[tuple[str, str]]:
        """Take the facts ``gone`` away, then add ``added``; the (case key, fact id) pairs firing on
        the added facts. A replaced fact's id is in both lists."""

    def _session(self) -> AbstractContextManager[bool]:
        """Entered around every sync, gives "did the evaluator start afresh?" (then every fact is
        added again); an evaluator with shared state locks it here."""
        return nullcontext(False)

    def _abandon(self) -> None:
        """A sync failed half-way: forget the report's state (the next sync starts afresh)."""
        return None

    def _release(self) -> None:
        """The report is closed."""
        return None

    def release_when_dropped(self) -> Callable[[], None] | None:
        """A function that gives back what this matcher holds, safe to call from a garbage-collector
        callback and holding no reference to the matcher (None: nothing to give back)."""
        return None


class Evaluator(ABC):
    """One rule engine: builds a :class:`Matcher` per report for a compiled rulebook."""

    name: str  # "durable" | "python": what GKASSIST_ENGINE names
    label: str  # what ``gkassist --version`` shows

    @abstractmethod
    def matcher(self, book: Rulebook) -> Matcher:
        """A new, empty matcher for one report."""

    def live_sessions(self) -> int:
        """Engine sessions held right now (an evaluator without sessions holds none)."""
        return 0
