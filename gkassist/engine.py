"""The rule engine: the only module that imports durable_rules.

Facts from :mod:`gkassist.facts` are asserted into a durable-rules session; the compiled rules of
:mod:`gkassist.rulebook` fire on the facts that break them; each firing names (rule case, fact id),
and the finding's message is rendered afterwards from the current fact. Every rule matches a single
fact (aggregates are precomputed), so "which findings stand" is simply "which (case, fact) pairs
fired on the facts now asserted": replacing a fact drops its findings and re-asserting it adds the
current ones — a fixed problem disappears at once, although durable-rules has no truth maintenance.

No Python action ever runs. Facts go to the C core (``durable_rules_engine``) directly, and the
firings are read off the session's action queue, each (rule, fact) completed as it is read. The
Python layer of durable-rules would build a closure, serialise the state and write it back for
every firing, and serialise a batch twice when a fact in it matches no rule (always): for a
published report that was half of the engine's time. durable-rules is pinned at its last release
(2.0.28), so these C entry points do not move; every engine test goes through them.

Traps this module exists to contain (../shared/notes/durable-rules.md, each verified there):
- one process-wide host without timer threads (``SyncHost``), used to register rulesets and drop
  sessions: no thread ever takes an action off the queue behind our back;
- each ruleset registered once per process (re-registering leaks ~2 MB and cannot be undone);
- every call under one lock (the C core is not thread-safe; Textual workers call us);
- at most 1024 live sessions per ruleset: session ids are recycled after ``delete_state``, a
  closed session is emptied and kept for the next report (``park``; at most 8 kept), and the
  ``Validator`` that has gone idle longest gives its session up when the pool is full;
- state write-backs (``update_state``) can fire rules forever: the state is never written back;
- registration wants an action per rule, taking exactly one parameter (two makes durable-rules
  treat it as async): ``_noop``, which never runs;
- found here (not in the notes): ``delete_state`` on a session in which no fact was ever handled
  (every assert raised MessageNotHandled) aborts the process with a double free. So every session
  starts with a sentinel fact that a sentinel rule handles.
"""

from __future__ import annotations

import collections
import json
import threading
import weakref
from collections.abc import Iterable, Mapping
from typing import Any

import durable_rules_engine as _dre
import orjson
from durable import engine as _dr

from gkassist.facts import Fact, build_facts
from gkassist.features import FeatureCache
from gkassist.findings import Finding, render, sort_key
from gkassist.form import FORM
from gkassist.rulebook import Rulebook, default_rulebook

# below durable-rules' hard limit of 1024, leaving room for one-shot checks and the warm pool
MAX_LIVE_SESSIONS = 960
# emptied sessions kept for reuse (see _Engine.park), and how often one is reused before it is
# deleted after all: durable-rules' memory grows by some 35 bytes per retraction in a session
MAX_WARM_SESSIONS = 8
MAX_SESSION_USES = 1000
# from this many changed facts on, one batch call beats one call per fact
_BATCH_FROM = 8
_SENTINEL_KIND = "gkassist.session"
_SENTINEL_RULE = "__session_open__"
# durable-rules' result code for a fact id already asserted in the session (rules.h)
_OBSERVED = 2


class EngineError(RuntimeError):
    """The engine failed (an action raised, a fact was rejected): a bug, never silently ignored."""


# --- the process-wide host ---------------------------------------------------------------------------


class _SyncHost(_dr.Host):
    def _run(self) -> None:  # no timer threads: actions run inside each call
        pass


class _SidBox:
    """A session id lent to one owner; the engine may take it back (``sid = None``)."""

    __slots__ = ("sid", "ruleset", "__weakref__")

    def __init__(self) -> None:
        self.sid: str | None = None
        self.ruleset: str | None = None


class _Engine:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.host: _SyncHost | None = None
        self.rulesets: dict[str, str] = {}  # rulebook digest → ruleset name
        self.handles: dict[str, int] = {}  # ruleset name → the C core's handle
        self.live: collections.OrderedDict[tuple[str, str], _SidBox] = collections.OrderedDict()
        self.free: dict[str, list[str]] = {}  # deleted sessions' ids, to be used again
        self.warm: dict[str, list[str]] = {}  # emptied sessions, holding only their sentinel fact
        self.uses: dict[tuple[str, str], int] = {}
        self.counter = 0
        # sessions of collected Validators, released at the next call (never from a GC callback,
        # which may run in the middle of another engine call)
        self.orphans: collections.deque[_SidBox] = collections.deque()

    # registration -------------------------------------------------------------------------------

    def ruleset(self, book: Rulebook) -> str:
        name = self.rulesets.get(book.digest)
        if name is not None:
            return name
        if self.host is None:
            self.host = _SyncHost()
        name = f"gkassist_{book.digest}"
        definition = book.engine_definition()  # a fresh dict: durable-rules mutates what it gets
        for rule in definition.values():
            rule["run"] = _noop
        definition[_SENTINEL_RULE] = {"all": [{"m": {"kind": _SENTINEL_KIND}}], "run": _noop}
        self.host.register_rulesets({name: definition})
        self.rulesets[book.digest] = name
        self.handles[name] = self.host.get_ruleset(name)._handle
        return name

    # sessions -------------------------------------------------------------------------------------

    def lend(self, box: _SidBox, ruleset: str) -> None:
        self._release_orphans()
        if len(self.live) >= MAX_LIVE_SESSIONS:
            (old_rs, old_sid), old_box = self.live.popitem(last=False)
            self._drop(old_rs, old_sid)
            old_box.sid = None
        warm = self.warm.get(ruleset)
        if warm:
            box.sid, box.ruleset = warm.pop(), ruleset
            self.live[(ruleset, box.sid)] = box
            return
        pool = self.free.setdefault(ruleset, [])
        if pool:
            sid = pool.pop()
        else:
            self.counter += 1
            sid = f"s{self.counter}"
        box.sid, box.ruleset = sid, ruleset
        self.live[(ruleset, sid)] = box
        assert self.host is not None
        # a handled fact makes delete_state safe later (see the module docstring)
        self._assert(ruleset, _dre.assert_fact, {"sid": sid, "id": _SENTINEL_KIND, "kind": _SENTINEL_KIND})

    def park(self, box: _SidBox, stored: Iterable[str]) -> None:
        """Give a session back emptied, for the next report to use as it is.

        A new session costs more than its facts: durable-rules allocates and zeroes some 8 KB of
        indexes per rule for it (half a megabyte here), which pushes the rest of the work out of
        the CPU caches, and ``delete_state`` frees them again. Every rule matches one fact, so
        the facts a session keeps are exactly those that fired (``stored``): retracting them
        leaves the session as new, holding its sentinel.
        """
        ruleset, sid = box.ruleset, box.sid
        key = (ruleset, sid)
        uses = self.uses.get(key, 0) + 1
        warm = self.warm.setdefault(ruleset, []) if ruleset is not None else []
        if sid is None or self.live.get(key) is not box or uses >= MAX_SESSION_USES or len(warm) >= MAX_WARM_SESSIONS:
            self.give_back(box)  # deletes the session, if it is still this box's
            return
        del self.live[key]
        box.sid = None
        ids = list(stored)
        if ids:
            self._assert(ruleset, _dre.retract_facts, [{"sid": sid, "id": i} for i in ids])
        self.uses[key] = uses
        warm.append(sid)

    def touch(self, box: _SidBox) -> None:
        self.live.move_to_end((box.ruleset, box.sid))

    def give_back(self, box: _SidBox) -> None:
        if box.sid is None or box.ruleset is None:
            return
        key = (box.ruleset, box.sid)
        if self.live.get(key) is box:
            del self.live[key]
            self._drop(box.ruleset, box.sid)
        box.sid = None

    def _drop(self, ruleset: str, sid: str) -> None:
        assert self.host is not None
        self.uses.pop((ruleset, sid), None)
        try:
            self.host.delete_state(ruleset, sid)
        except Exception as err:  # code 309: nothing was ever stored for this sid
            if "309" not in str(err):
                raise EngineError(f"规则引擎无法清除会话 {sid}：{err}") from err
        self.free.setdefault(ruleset, []).append(sid)

    def _release_orphans(self) -> None:
        while self.orphans:
            self.give_back(self.orphans.popleft())

    # calls ----------------------------------------------------------------------------------------

    def assert_fact(self, ruleset: str, sid: str, fact: Fact) -> list[tuple[str, str]]:
        doc = fact.engine_fact()
        doc["sid"] = sid
        return self._assert(ruleset, _dre.assert_fact, doc)

    def assert_many(self, ruleset: str, sid: str, facts: Iterable[Fact]) -> list[tuple[str, str]]:
        """Assert a batch in one engine call: several times faster than one by one for a whole report."""
        docs = []
        for fact in facts:
            doc = fact.engine_fact()
            doc["sid"] = sid
            docs.append(doc)
        return self._assert(ruleset, _dre.assert_facts, docs) if docs else []

    def retract(self, ruleset: str, sid: str, fact_id: str) -> None:
        # every rule matches one fact: taking one away can fire nothing
        self._assert(ruleset, _dre.retract_fact, {"sid": sid, "id": fact_id})

    def _assert(self, ruleset: str, call: Any, payload: Any) -> list[tuple[str, str]]:
        """One call of the C core, then the (rule case key, fact id) pairs it fired."""
        handle = self.handles[ruleset]
        # code 1 (a fact matched no rule) is the usual case and not an error: the fact is dropped
        code, state = call(handle, _to_json(payload))
        if code == _OBSERVED:
            raise EngineError("规则引擎拒绝了重复的事实")
        fired: list[tuple[str, str]] = []
        started = _dre.start_action_for_state(handle, state)
        queued = started[1] if started else None
        while queued:
            for key, frame in orjson.loads(queued).items():
                if key != _SENTINEL_RULE:
                    fired.append((key, frame["m"]["id"]))
            queued = _dre.complete_and_start_action(handle, state)
        return fired


def _to_json(payload: Any) -> str:
    try:
        return orjson.dumps(payload).decode()
    except TypeError:  # orjson's integers stop at 64 bits; a typed-in 10^30 must still be checked
        return json.dumps(payload, ensure_ascii=False)


def _noop(c):  # noqa: ANN001 - registered for every rule, never run (see the module docstring)
    pass


_ENGINE = _Engine()


def _release_box(box: _SidBox) -> None:
    _ENGINE.orphans.append(box)  # deque.append is atomic; released under the lock later


def live_sessions() -> int:
    """How many engine sessions are held right now (for tests and the benchmark)."""
    with _ENGINE.lock:
        _ENGINE._release_orphans()
        return len(_ENGINE.live)


# --- evaluation --------------------------------------------------------------------------------------


class _Run:
    """One report's facts in one engine session, and which (case, fact) pairs fired on them."""

    def __init__(self, book: Rulebook) -> None:
        self.book = book
        self.box = _SidBox()
        self.facts: dict[str, Fact] = {}
        self.fired: dict[str, set[str]] = {}  # fact id → case keys

    def _ensure_session(self, ruleset: str) -> bool:
        """True when the session had to be (re)built — then every fact must be asserted again."""
        if self.box.sid is not None and self.box.ruleset == ruleset:
            _ENGINE.touch(self.box)
            return False
        _ENGINE.lend(self.box, ruleset)
        return True

    def sync(self, new_facts: Iterable[Fact]) -> None:
        new = {f.id: f for f in new_facts}
        with _ENGINE.lock:
            _ENGINE._release_orphans()
            ruleset = _ENGINE.ruleset(self.book)
            if self._ensure_session(ruleset):
                self.facts, self.fired = {}, {}
            sid = self.box.sid
            assert sid is not None
            try:
                for fid in [f for f in self.facts if f not in new]:
                    _ENGINE.retract(ruleset, sid, fid)
                    del self.facts[fid]
                    self.fired.pop(fid, None)
                fresh: list[Fact] = []
                for fid, fact in new.items():
                    old = self.facts.get(fid)
                    if old is not None:
                        if old.same_as(fact):
                            self.facts[fid] = fact
                            continue
                        _ENGINE.retract(ruleset, sid, fid)
                        self.fired.pop(fid, None)
                    self.facts[fid] = fact
                    fresh.append(fact)
                if len(fresh) >= _BATCH_FROM:
                    fired = _ENGINE.assert_many(ruleset, sid, fresh)
                else:
                    fired = [pair for fact in fresh for pair in _ENGINE.assert_fact(ruleset, sid, fact)]
                for key, fact_id in fired:
                    self.fired.setdefault(fact_id, set()).add(key)
            except BaseException:
                # the session no longer mirrors self.facts: start clean next time
                _ENGINE.give_back(self.box)
                self.facts, self.fired = {}, {}
                raise

    def close(self) -> None:
        with _ENGINE.lock:
            _ENGINE.park(self.box, self.fired)  # the facts that fired are all the session holds
        self.facts, self.fired = {}, {}

    def findings(self) -> list[Finding]:
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


# text features of one-shot checks: bounded, keyed by the text itself, so sharing is safe
_SHARED_CACHE = FeatureCache()


def check(answers: Mapping[str, Any], *, previous: Mapping[str, Any] | None = None,
          extra_facts: Iterable[Mapping[str, Any]] = (), notes: Mapping[str, str] | None = None,
          rulebook: Rulebook | None = None) -> list[Finding]:
    """Every current finding for one report, in report order, most severe first within a section."""
    book = rulebook or default_rulebook()
    facts = build_facts(answers, previous, book=book, notes=notes, extra_facts=extra_facts, cache=_SHARED_CACHE)
    run = _Run(book)
    try:
        run.sync(facts)
        return run.findings()
    finally:
        run.close()


class Validator:
    """Incremental checking for one open report (the interview): ``update`` → the complete set.

    Only facts whose content changed are replaced in the engine, so one changed answer costs a
    few engine calls. Safe to call from a Textual worker thread; one lock serialises all engine
    work of the process. Call ``close()`` (or use ``with``) when the report is closed; a Validator
    that is merely dropped gives its engine session back at the next engine call.
    """

    def __init__(self, answers: Mapping[str, Any], previous: Mapping[str, Any] | None = None, *,
                 notes: Mapping[str, str] | None = None, extra_facts: Iterable[Mapping[str, Any]] = (),
                 rulebook: Rulebook | None = None) -> None:
        self._lock = threading.Lock()
        self._book = rulebook or default_rulebook()
        self._answers = {k: v for k, v in answers.items() if v is not None}
        self._previous = dict(previous) if previous is not None else None
        self._notes = dict(notes or {})
        self._extra = list(extra_facts)
        self._cache = FeatureCache()
        self._run = _Run(self._book)
        self._finalizer = weakref.finalize(self, _release_box, self._run.box)
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

    def set_extra_facts(self, extra_facts: Iterable[Mapping[str, Any]]) -> list[Finding]:
        with self._lock:
            self._extra = list(extra_facts)
            self._current = self._revalidate()
            return list(self._current)

    def _revalidate(self, changed: set[str] | None = None) -> list[Finding]:
        facts = build_facts(self._answers, self._previous, book=self._book, notes=self._notes,
                            extra_facts=self._extra, cache=self._cache, old=self._run.facts, changed=changed)
        self._run.sync(facts)
        return self._run.findings()

    def close(self) -> None:
        with self._lock:
            self._run.close()
            self._current = None
