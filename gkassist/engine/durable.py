"""The durable-rules evaluator: the only module that imports durable_rules.

Each rule case is registered as one durable-rules rule (``Case.pattern``, compiled by the
rulebook); a report's facts are asserted into a session of their own, through durable-rules' host
API (``assert_facts``, ``retract_facts``, ``delete_state``), and each firing is recorded as (rule
case, fact id).

A fact is sent with the values its kind's patterns read and no others, under short keys
(``_Docs``): durable-rules parses every key it is given, hashing it character by character, and
walks every key of a fact again at each node of its match network it reaches. A fact's kind (and a
text's id) goes as a marker key of its own (``{"k3": 1}``), which only the guards naming that kind
(that text) compare, instead of one key that every kind's guard (every text's) compares.

Traps this module contains (durable-rules 2.0.28, its last release; each verified on it):
- ``Host()`` starts two timer threads that run queued actions outside our lock; ``_SyncHost``
  switches them off, so actions run inside the call that queued them;
- each ruleset is registered once per process (re-registering leaks some 2 MB and cannot be
  undone), under its rulebook's digest;
- every call goes under one lock (the C core is not thread-safe; Textual workers call us);
- at most 1024 live sessions per ruleset: a session id is reused after ``delete_state``, and the
  ``Validator`` idle longest gives its session up when the pool is full (``MAX_LIVE_SESSIONS``,
  which counts the idle sessions kept for reuse too);
- a fact no rule matches is dropped, and a batch holding one makes the ruleset raise
  ``MessageNotHandledException`` with the actions of the others still queued — after formatting the
  whole batch as JSON for the exception's message. Most facts of a report match no rule, so that
  was most of a report's engine time (some 0.2 ms of 1.2) and three more JSON round trips of the
  session state to run the queued actions. ``_take_dropped`` makes the ruleset read that result
  code as what it is for us, a normal outcome: the host then runs the queued actions itself
  (``start_action_for_state``, as after any other assert);
- ``delete_state`` on a session in which no fact was ever stored aborts the process with a double
  free: every session starts with a sentinel fact that a sentinel rule matches. Creating a session
  (zeroing its tables, some 0.7 M instructions) with its sentinel and deleting it cost more than a
  small report's matching, so a closed report's session is emptied instead (the facts it stores,
  those a rule matched, retracted) and kept for the next report (``CLEAN_SESSIONS_KEPT``); a
  session is deleted when the pool is full, or its report failed or was dropped unclosed;
- durable-rules' own action runner (``Ruleset.do_actions``) costs per firing a ``Closure`` (two clock
  reads), the whole session state written back as JSON and matched again (``update_state``),
  though our actions never change it, and the next action read from JSON; an exception inside an
  action is swallowed into the state's ``exception``; an action must take exactly one parameter
  (two make it asynchronous); and on Python 3.12 every action calls ``datetime.utcfromtimestamp``,
  deprecated there: under ``-W error`` (or pytest's ``filterwarnings = error``) that warning is
  raised inside durable-rules, the action never runs and the session is wedged. Our rulesets run
  their actions with the two C-core calls that runner makes, ``start_action_for_state`` and
  ``complete_and_start_action`` (``_run_actions``): each firing is read from the action's JSON and
  recorded, nothing is written back, an error is raised as it happens;
- durable-rules writes every fact batch, session state and action as JSON with the standard
  library (``ensure_ascii=False``: UTF-8 text, as the rules' own strings are compiled), some 25 KB
  a report. ``_Json`` stands in for durable.engine's ``json`` module: orjson writes the same text
  without the blanks after ``,`` and ``:`` (which the C core's parser skips); what it cannot
  write (an integer beyond 64 bits, a lone surrogate, a ``dict`` with other than string keys) the
  standard library writes, and reading stays the standard library's: orjson would read an integer
  beyond 64 bits as a float. Only our action runner reads with orjson (``_read_action``): of an
  action it reads the fact's id, a string;
- the hooks above (``_run_actions``, ``_Json``) replace durable-rules internals: they are installed
  only on durable-rules 2.0.28 (``_HOOKED_VERSION``); on any other version durable-rules runs its
  own way, with each call made with its ``utcfromtimestamp`` warning ignored
  (``_durable_warnings_ignored``), whatever the warning filters outside say.
"""

from __future__ import annotations

import collections
import functools
import json
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import durable_rules_engine as _core
import orjson
from durable import engine as _dr

from gkassist.engine.base import EngineError, Evaluator, Matcher
from gkassist.facts import Fact
from gkassist.rulebook import Rulebook
from gkassist.vocabulary import TEXT_KEY, engine_key

# below durable-rules' hard limit of 1024 live sessions per ruleset
MAX_LIVE_SESSIONS = 1000
# emptied sessions kept per ruleset for the next reports (a batch check uses one at a time)
CLEAN_SESSIONS_KEPT = 4
SENTINEL_KIND = "gkassist.session"
_SENTINEL_RULE = "__session_open__"
_HOOKED_VERSION = "2.0.28"  # the durable-rules whose internals _run_actions and _Json stand in for


@functools.cache
def _installed_version() -> str | None:
    """durable-rules' version, asked once, when the first ruleset is registered: from the name of the
    ``durable_rules-<version>.dist-info`` pip puts beside the package (importlib.metadata would cost
    ~10 ms of imports in every process), else from importlib.metadata."""
    for info in Path(_dr.__file__).parent.parent.glob("durable_rules-*.dist-info"):
        return info.name.removeprefix("durable_rules-").removesuffix(".dist-info")
    import importlib.metadata

    try:
        return importlib.metadata.version("durable-rules")
    except importlib.metadata.PackageNotFoundError:
        return None


@contextmanager
def _durable_warnings_ignored() -> Iterator[None]:
    """durable-rules' own DeprecationWarning (see the module docstring) ignored for one call.

    ``catch_warnings`` swaps the process-wide filter list; the calls are made under the pool's lock,
    and the one filter added only silences durable.engine's ``utcfromtimestamp`` deprecation.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"datetime\.datetime\.utcfromtimestamp",
                                category=DeprecationWarning, module=r"durable\.engine")
        yield


class _Json:
    """durable.engine's ``json`` on durable-rules 2.0.28 (see the module docstring): ``dumps`` by
    orjson, else the standard library; ``loads`` the standard library's (orjson reads an integer
    beyond 64 bits as a float). durable-rules calls ``dumps(obj, ensure_ascii=False)``."""

    loads = staticmethod(json.loads)

    @staticmethod
    def dumps(obj: Any, **options: Any) -> str:
        if options.get("ensure_ascii", True) is False and len(options) == 1:
            try:
                return orjson.dumps(obj).decode()
            except orjson.JSONEncodeError:
                pass
        return json.dumps(obj, **options)


def _read_action(text: str) -> dict[str, Any]:
    """An action durable-rules started, ``{rule: {"m": fact}}``: by orjson, which reads strings (all
    that is read of it: the fact's id) exactly; what orjson cannot read, by the standard library."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


# an action as the C core writes it for a rule of one fact: {"<rule>":{"m":<the fact as it was sent>}}
_FIRED_ID = '":{"m":{"id":"'


def _read_firings(text: str) -> list[tuple[str, str]]:
    """The (rule, fact id) pairs of an action durable-rules started, ``{rule: {"m": fact}}``.

    The C core writes the rule's name as it is and the fact as it was sent, and our documents
    begin with the fact's id (``_Docs``): both are cut out of the text when neither holds a quote
    or an escape, instead of reading the whole fact (some 430 bytes, ~20 µs of orjson a firing);
    anything else is read as JSON (``_read_action``)."""
    at = text.find(_FIRED_ID)
    if at > 2 and text.startswith('{"'):
        start = at + len(_FIRED_ID)
        end = text.find('"', start)
        key = text[2:at]
        if end > 0 and '"' not in key and "\\" not in key and "\\" not in text[start:end]:
            return [(key, text[start:end])]
    return [(key, match["m"]["id"]) for key, match in _read_action(text).items()]


class _SyncHost(_dr.Host):
    # durable-rules has no documented switch for its dispatcher threads; overriding the hook that
    # starts them is the one way to keep every action inside the (locked) call that queued it
    def _run(self) -> None:
        pass


class _SidBox:
    """A session id lent to one matcher; the pool may take it back (``sid = None``)."""

    __slots__ = ("sid", "ruleset")

    def __init__(self) -> None:
        self.sid: str | None = None
        self.ruleset: str | None = None


class _Pool:
    """The process-wide host, its rulesets and sessions, and the (case, fact) pairs just fired."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.host: _SyncHost | None = None
        self.hooked = False  # _run_actions and _Json in place (durable-rules 2.0.28)
        self.quiet: Callable[[], Any] = _durable_warnings_ignored  # around every call
        self.rulesets: dict[str, str] = {}  # rulebook digest → ruleset name
        self.live: collections.OrderedDict[tuple[str, str], _SidBox] = collections.OrderedDict()
        self.clean: dict[str, list[str]] = {}  # sessions holding only their sentinel, lent to nobody
        self.free: dict[str, list[str]] = {}  # ids of deleted sessions, to be used again
        self.counter = 0
        self.fired: list[tuple[str, str]] = []  # filled by the actions during one call
        # sessions of matchers that were dropped unclosed, given back at the next call (never from
        # the garbage collector's callback, which may run in the middle of another engine call)
        self.orphans: collections.deque[_SidBox] = collections.deque()

    def ruleset(self, book: Rulebook) -> str:
        name = self.rulesets.get(book.digest)
        if name is not None:
            return name
        if self.host is None:
            self._start()
        assert self.host is not None
        name = f"gkassist_{book.digest}"
        docs = _docs(book)  # a new definition: durable-rules mutates what it gets
        definition = {key: {"all": [{"m": docs.pattern(rule["all"][0]["m"])}]}
                      for key, rule in book.engine_definition().items()}
        for key, rule in definition.items():
            rule["run"] = self._action(key)
        definition[_SENTINEL_RULE] = {"all": [{"m": {"kind": SENTINEL_KIND}}], "run": _sentinel}
        self.host.register_rulesets({name: definition})
        rules = self.host.get_ruleset(name)
        rules._handle_result = functools.partial(_take_dropped, rules._handle_result)
        if self.hooked:
            rules.do_actions = functools.partial(_run_actions, rules._handle, self._record)
        self.rulesets[book.digest] = name
        return name

    def _start(self) -> None:
        self.hooked = _installed_version() == _HOOKED_VERSION
        if self.hooked:
            _dr.json = _Json
            self.quiet = nullcontext  # durable-rules' action runner, which warns, no longer runs
        self.host = _SyncHost()

    def _record(self, key: str, fid: str) -> None:
        """One firing, as ``_run_actions`` reads it: rule ``key`` on the fact ``fid``."""
        if key != _SENTINEL_RULE:
            self.fired.append((key, fid))

    def _action(self, key: str):  # noqa: ANN202 - durable-rules' action: one parameter
        fired = self.fired

        def action(c):  # noqa: ANN001
            fired.append((key, c.m.id))

        return action

    # sessions -------------------------------------------------------------------------------------

    def release_orphans(self) -> None:
        while self.orphans:
            self.give_back(self.orphans.popleft())

    def lend(self, box: _SidBox, ruleset: str) -> None:
        clean = self.clean.get(ruleset)
        if clean:
            sid = clean.pop()
        else:
            if len(self.live) + sum(map(len, self.clean.values())) >= MAX_LIVE_SESSIONS:
                self._make_room()
            pool = self.free.setdefault(ruleset, [])
            if pool:
                sid = pool.pop()
            else:
                self.counter += 1
                sid = f"s{self.counter}"
            # a stored fact makes delete_state safe later (see the module docstring)
            self.call(self.host.assert_fact, ruleset, {"sid": sid, "id": SENTINEL_KIND, "kind": SENTINEL_KIND})
        box.sid, box.ruleset = sid, ruleset
        self.live[(ruleset, sid)] = box

    def _make_room(self) -> None:
        for ruleset, clean in self.clean.items():
            if clean:
                self._delete(ruleset, clean.pop())
                return
        (old_rs, old_sid), old_box = self.live.popitem(last=False)
        self._delete(old_rs, old_sid)
        old_box.sid = None

    def touch(self, box: _SidBox) -> None:
        self.live.move_to_end((box.ruleset, box.sid))

    def give_back(self, box: _SidBox, stored: list[str] | None = None) -> None:
        """Take the box's session back: emptied of ``stored`` (the ids of the facts it holds) and
        kept for reuse, or (None: what it holds is not known) deleted."""
        if box.sid is None or box.ruleset is None:
            return
        ruleset, sid = box.ruleset, box.sid
        box.sid = None
        if self.live.get((ruleset, sid)) is not box:
            return
        del self.live[(ruleset, sid)]
        clean = self.clean.setdefault(ruleset, [])
        if stored is not None and len(clean) < CLEAN_SESSIONS_KEPT:
            try:
                if stored:  # one-fact rules: retracting fires nothing
                    self.call(self.host.retract_facts, ruleset, [{"sid": sid, "id": fid} for fid in stored])
            except Exception:  # what the session holds is unknown now: delete it
                self._delete(ruleset, sid)
                raise
            clean.append(sid)
        else:
            self._delete(ruleset, sid)

    def _delete(self, ruleset: str, sid: str) -> None:
        assert self.host is not None
        try:
            self.host.delete_state(ruleset, sid)
        except Exception as err:
            raise EngineError(f"规则引擎无法清除会话 {sid}：{err}") from err
        self.free.setdefault(ruleset, []).append(sid)

    # calls ----------------------------------------------------------------------------------------

    def call(self, method: Any, ruleset: str, payload: Any) -> list[tuple[str, str]]:
        """One host call; the (case key, fact id) pairs its actions recorded."""
        assert self.host is not None
        self.fired.clear()
        state = None
        with self.quiet():
            try:
                state = method(ruleset, payload)
            except _dr.MessageObservedException as err:
                raise EngineError("规则引擎拒绝了重复的事实") from err
        if isinstance(state, dict) and state.get("exception"):
            raise EngineError(f"规则引擎的动作出错：{state['exception']}")
        fired = list(self.fired)
        self.fired.clear()
        return fired


def _sentinel(c):  # noqa: ANN001 - the sentinel rule's action: nothing to record
    pass


# durable-rules' result codes (durable_rules_engine): 0 done, 1 some fact matched no rule (and was
# dropped), 2 already observed, 3 nothing to do; the second item is the session state's handle
_NOT_HANDLED = 1


def _take_dropped(handle_result: Callable[[Any, Any], Any], result: Any, message: Any) -> Any:
    """The ruleset's result handling, with "some fact matched no rule" taken as done (see the module
    docstring): the state's handle goes back to the host, which runs the actions the batch queued."""
    if result[0] == _NOT_HANDLED:
        return result[1]
    return handle_result(result, message)


def _run_actions(handle: int, record: Callable[[str, Any], None], state: int,
                 complete: Callable[[Any, Any], None]) -> None:
    """``Ruleset.do_actions`` of our rulesets on durable-rules 2.0.28 (see the module docstring):
    the session's queued actions, each ``{rule: {"m": fact}}``, given to ``record``."""
    try:
        started = _core.start_action_for_state(handle, state)
        if started is not None:
            action = started[1]
            while action is not None:
                for key, fid in _read_firings(action):
                    record(key, fid)
                action = _core.complete_and_start_action(handle, state)
    except Exception as err:  # noqa: BLE001 - the host raises it from the call that ran the actions
        _core.abandon_action(handle, state)
        complete(EngineError(f"规则引擎的动作出错：{err!r}"), None)
        return
    complete(None, None)


_POOL = _Pool()


class _Docs:
    """The facts as durable-rules reads them, for one rulebook: each fact's values its kind's
    patterns read (a value that is None is left out: missing), its id, kind and session id. A
    value no pattern of its kind reads is not sent — every pattern is guarded by its kind
    (``{"$and": [{"kind": …}, …]}``), so leaving it out changes no match. The values go under
    short aliases of their engine keys (``v0``, ``v1``, …; ``aliases``), which the patterns
    registered for the rulebook use too (``_aliased``).

    The guards (``kind``, and a text's ``text_id``) are sent as markers (``markers``): a fact of
    kind ``report`` carries ``{"k0": 1}`` instead of ``{"kind": "report"}``, and the guard reads
    ``{"k0": 1}``. durable-rules tests every node of its match network that compares a key the fact
    has: all 16 ``kind`` comparisons (one per kind) for every fact, all ~15 ``text_id`` ones for
    every text; a marker key only its own one. A key is sent as markers only when every pattern
    compares it for equality with a string and nothing else (``_marker_keys``); equal to the
    string ⇔ the marker is there (a value no pattern names gets no marker: it equals none of them).

    Each value name of a kind is looked up once (``_learn``): the key it is sent under, or
    ``_SKIP`` for a value no pattern of the kind reads (taken out again after), so a fact's document
    costs one subscript a value; ``_doc`` is the definition it follows, value by value. (Building it
    with ``dict(zip(…))`` from a plan per shape of value names was tried: slower, see
    docs/performance.md（十四）.)"""

    def __init__(self, book: Rulebook) -> None:
        self.reads: dict[str, set[str]] = {}  # fact kind → the engine keys its patterns read
        self.everywhere: set[str] = set()  # keys read by a pattern not guarded by one kind
        for _rule, case in book.cases_by_key.values():
            keys: set[str] = set()
            _read_keys(case.pattern, keys)
            kind = _guard_kind(case.pattern)
            if kind is None:
                self.everywhere |= keys
            else:
                self.reads.setdefault(kind, set()).update(keys)
        patterns = [case.pattern for _rule, case in book.cases_by_key.values()]
        self.marked = _marker_keys(patterns, ("kind", engine_key(TEXT_KEY)))  # keys sent as markers
        self.markers: dict[tuple[str, str], str] = {}  # (key, string it is compared with) → marker
        for pattern in patterns:
            _collect_markers(pattern, self.marked, self.markers)
        every = sorted(set().union(self.everywhere, *self.reads.values()) - {"kind", "id", "sid"} - self.marked)
        self.aliases = {k: f"v{i:x}" for i, k in enumerate(every)}  # engine key → alias
        # kind → (value name → the key it is sent under, _SKIP: not sent; the (name, key) pairs sent
        # as markers; the kind's own items), learnt as names are met (_learn)
        self.plans: dict[str, tuple[dict[str, str], tuple[tuple[str, str], ...], dict[str, Any]]] = {}

    def pattern(self, pattern: Any) -> Any:
        """A new pattern reading the documents this sends (markers, aliases)."""
        return _aliased(_marked(pattern, self.markers), self.aliases)

    def _sent_key(self, kind: str, name: str) -> str | None:
        """The alias a value ``name`` of a fact of ``kind`` is sent under; None: not sent as a value."""
        key = engine_key(name)
        if key in self.marked:
            return None
        return self.aliases[key] if key in self.everywhere or key in self.reads.get(kind, ()) else None

    def _kind_items(self, kind: str) -> dict[str, Any]:
        if "kind" not in self.marked:
            return {"kind": kind}
        marker = self.markers.get(("kind", kind))
        return {marker: 1} if marker is not None else {}

    def __call__(self, sid: str, facts: list[Fact]) -> list[dict[str, Any]]:
        docs = []
        plans, markers = self.plans, self.markers
        for fact in facts:
            values = fact.values
            try:
                keys, marked, kind_items = plans[fact.kind]
                doc: dict[str, Any] = {"id": fact.id}  # first: _read_firings finds it there
                for name, value in values.items():
                    if value is not None:
                        doc[keys[name]] = value
            except KeyError:  # a kind or a value name met for the first time: learnt, then the same
                keys, marked, kind_items = self._learn(fact.kind, values)
                doc = {"id": fact.id, **{keys[name]: value for name, value in values.items() if value is not None}}
            doc.pop(_SKIP, None)
            for name, key in marked:
                value = values.get(name)
                marker = markers.get((key, value)) if isinstance(value, str) else None
                if marker is not None:
                    doc[marker] = 1
            doc.update(kind_items)
            doc["sid"] = sid
            docs.append(doc)
        return docs

    def _learn(self, kind: str, values: dict[str, Any]) -> tuple[dict[str, str], tuple[tuple[str, str], ...], dict[str, Any]]:
        """The plan of ``kind`` (see ``plans``), knowing every name of ``values``."""
        keys, marked, kind_items = self.plans.get(kind) or ({}, (), self._kind_items(kind))
        for name in values:
            if name not in keys:
                keys[name] = self._sent_key(kind, name) or _SKIP
                if engine_key(name) in self.marked:
                    marked = (*marked, (name, engine_key(name)))
        plan = self.plans[kind] = (keys, marked, kind_items)
        return plan

    def _doc(self, sid: str, fact: Fact) -> dict[str, Any]:
        """One fact's document, value by value (what ``__call__`` builds, but for the order of its keys)."""
        doc: dict[str, Any] = {"id": fact.id}
        for name, value in fact.values.items():
            key = engine_key(name)
            if key in self.marked:
                marker = self.markers.get((key, value)) if isinstance(value, str) else None
                if marker is not None:
                    doc[marker] = 1
            elif value is not None and (sent := self._sent_key(fact.kind, name)) is not None:
                doc[sent] = value
        doc.update(self._kind_items(fact.kind))
        doc["sid"] = sid
        return doc


# the key of the values a document does not send, taken out again (no alias or marker is "_")
_SKIP = "_"


def _conditions(pattern: Any) -> Iterator[dict[str, Any]]:
    """Every condition of a pattern: the pattern itself and, through ``$and`` / ``$or``, the
    conditions they join (a comparison ``{"$lt": {key: …}}`` is one condition; so is an equality
    ``{key: value}``)."""
    if isinstance(pattern, dict):
        yield pattern
        for key in ("$and", "$or"):
            if isinstance(pattern.get(key), list):
                for part in pattern[key]:
                    yield from _conditions(part)


def _equality(condition: dict[str, Any]) -> tuple[str, str] | None:
    """(key, string) of a condition ``{key: "a string"}``; None for any other condition."""
    if len(condition) == 1:
        ((key, value),) = condition.items()
        if not key.startswith("$") and isinstance(value, str):
            return key, value
    return None


def _marker_keys(patterns: list[Any], candidates: tuple[str, ...]) -> set[str]:
    """The ``candidates`` that every pattern reads only in conditions ``{key: "a string"}``."""
    equalities: set[int] = set()  # ids of the conditions that are such equalities
    for pattern in patterns:
        equalities.update(id(c) for c in _conditions(pattern) if _equality(c) is not None)
    read_otherwise: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if id(node) in equalities:
                return
            for key, value in node.items():
                if key == "$m" and isinstance(value, str):
                    read_otherwise.add(value)
                elif not key.startswith("$"):
                    read_otherwise.add(key)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for pattern in patterns:
        walk(pattern)
    return {key for key in candidates if key not in read_otherwise}


def _collect_markers(pattern: Any, marked: set[str], out: dict[tuple[str, str], str]) -> None:
    """A marker (``k0``, ``k1``, …) for each (key, string) a pattern compares a marked key with."""
    for condition in _conditions(pattern):
        eq = _equality(condition)
        if eq is not None and eq[0] in marked:
            out.setdefault(eq, f"k{len(out):x}")


def _marked(pattern: Any, markers: dict[tuple[str, str], str]) -> Any:
    """A new pattern with each condition ``{key: "a string"}`` that has a marker read as ``{marker: 1}``."""
    if not isinstance(pattern, dict):
        return pattern
    eq = _equality(pattern)
    if eq is not None and eq in markers:
        return {markers[eq]: 1}
    return {key: [_marked(part, markers) for part in value] if key in ("$and", "$or") and isinstance(value, list)
            else value for key, value in pattern.items()}


def _aliased(pattern: Any, aliases: dict[str, str]) -> Any:
    """A new pattern reading the fact keys of ``pattern`` under their aliases (the keys of its
    comparisons and its ``{"$m": key}`` references; operators and values stay)."""
    if isinstance(pattern, dict):
        out = {}
        for key, value in pattern.items():
            if key == "$m" and isinstance(value, str):
                out[key] = aliases[value]
            else:
                out[aliases.get(key, key)] = _aliased(value, aliases)
        return out
    if isinstance(pattern, list):
        return [_aliased(item, aliases) for item in pattern]
    return pattern


def _read_keys(pattern: Any, out: set[str]) -> None:
    """Every fact key a durable-rules pattern may read (more is harmless): the names of its
    comparisons and of its ``{"$m": key}`` references."""
    if isinstance(pattern, dict):
        for key, value in pattern.items():
            if key == "$m" and isinstance(value, str):
                out.add(value)
            elif not key.startswith("$"):
                out.add(key)
            _read_keys(value, out)
    elif isinstance(pattern, list):
        for item in pattern:
            _read_keys(item, out)


def _guard_kind(pattern: Any) -> str | None:
    """The fact kind a pattern ``{"$and": [{"kind": K}, …]}`` is restricted to; None for another form."""
    parts = pattern.get("$and") if isinstance(pattern, dict) and len(pattern) == 1 else None
    if isinstance(parts, list):
        for part in parts:
            if isinstance(part, dict) and len(part) == 1 and isinstance(part.get("kind"), str):
                return part["kind"]
    return None


def _docs(book: Rulebook) -> _Docs:
    docs = book.plans.get("durable.docs")
    if docs is None:
        docs = book.plans["durable.docs"] = _Docs(book)
    return docs


class DurableMatcher(Matcher):
    def __init__(self, book: Rulebook) -> None:
        super().__init__(book)
        self.box = _SidBox()
        self._docs = _docs(book)

    @contextmanager
    def _session(self) -> Iterator[bool]:
        with _POOL.lock:
            _POOL.release_orphans()
            ruleset = _POOL.ruleset(self.book)
            if self.box.sid is not None and self.box.ruleset == ruleset:
                _POOL.touch(self.box)
                yield False
            else:
                _POOL.lend(self.box, ruleset)
                yield True

    def _apply(self, gone: list[str], added: list[Fact]) -> list[tuple[str, str]]:
        ruleset, sid = self.box.ruleset, self.box.sid
        assert ruleset is not None and sid is not None and _POOL.host is not None
        # the session keeps only the facts a rule matched: the others were dropped on arrival
        stored = [{"sid": sid, "id": fid} for fid in gone if fid in self.fired]
        if stored:
            _POOL.call(_POOL.host.retract_facts, ruleset, stored)  # one-fact rules: retracting fires nothing
        if not added:
            return []
        return _POOL.call(_POOL.host.assert_facts, ruleset, self._docs(sid, added))

    def _abandon(self) -> None:
        _POOL.give_back(self.box)

    def _release(self) -> None:
        with _POOL.lock:
            _POOL.give_back(self.box, list(self.fired))  # the facts a rule matched: what it holds

    def release_when_dropped(self) -> Callable[[], None]:
        return functools.partial(_POOL.orphans.append, self.box)  # deque.append is atomic


class DurableEvaluator(Evaluator):
    name = "durable"

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"durable-rules {_installed_version() or '?'}"

    def matcher(self, book: Rulebook) -> Matcher:
        return DurableMatcher(book)

    def live_sessions(self) -> int:
        """Sessions lent to open reports (not the emptied ones kept for the next reports)."""
        with _POOL.lock:
            _POOL.release_orphans()
            return len(_POOL.live)
