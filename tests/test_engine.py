"""The engine: incremental checking equals a full check, many sessions in one process, threads,
errors inside rule actions, and the compiled rules against a plain Python reading of the same rules.

Tests that hold for any evaluator run with each (``engine_name``); those about durable-rules'
sessions run with durable-rules. tests/test_engine_differential.py compares the two evaluators."""

from __future__ import annotations

import gc
import json
import os
import random
import subprocess
import sys
import threading
from decimal import Decimal
from pathlib import Path

import psutil
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gkassist.engine import EngineError, Validator, check, evaluator
from gkassist.expressions import holds
from gkassist.facts import build_facts
from gkassist.form import FORM
from gkassist.resources import rules_dir
from gkassist.rulebook import default_rulebook, load_rulebook
from gkassist.vocabulary import TEXT, TEXT_KEY, engine_key

try:
    from gkassist.engine import durable
except ImportError:  # durable-rules is not installed, or does not load on this Python
    durable = None
needs_durable = pytest.mark.skipif(durable is None, reason="durable-rules does not import here")

NUMBER_FIELDS = [f.id for f in FORM.fields.values() if f.kind == "count"]
INPUT_NUMBERS = [f.id for f in FORM.input_fields() if f.kind == "count"]


def messages(findings) -> list[tuple[str, str]]:
    return [(f.code, f.message) for f in findings]


@pytest.fixture(params=[pytest.param("durable", marks=needs_durable), "python"])
def engine_name(request):
    return request.param


def live_sessions() -> int:
    return evaluator("durable").live_sessions()


def test_a_fixed_problem_disappears_at_once(sample_answers, engine_name):
    answers = {**sample_answers(), "requests.new.natural": 3, "requests.carried.natural": 1,
               "requests.granted.natural": 2, "requests.carry_over.natural": 1}
    with Validator(answers, engine=engine_name) as v:
        assert "N4" in [f.code for f in v.findings()]
        after = v.update({"requests.granted.natural": 3})
        assert "N4" not in [f.code for f in after]
        again = v.update({"requests.carry_over.natural": 2})
        n4 = [f for f in again if f.code == "N4"]
        assert len(n4) == 1 and n4[0].numbers["right"] == 5


def test_clearing_an_answer_silences_its_rules_and_notes_come_and_go(consistent_answers, engine_name):
    with Validator({**consistent_answers(), "requests.new.total": 5}, engine=engine_name) as v:
        assert "N2" in [f.code for f in v.findings()]
        assert "N2" not in [f.code for f in v.update({"requests.new.total": None})]
        noted = v.update({}, notes={"active.fees": "原表此格为「—」，按0计"})
        assert [f.fields for f in noted if f.code == "N1"] == [("active.fees",)]
        assert not [f for f in v.update({}, notes={"active.fees": None}) if f.code == "N1"]


def test_previous_year_can_be_set_later(consistent_answers, engine_name):
    with Validator(consistent_answers(), engine=engine_name) as v:
        assert "Y1" not in [f.code for f in v.findings()]
        found = v.set_previous({**consistent_answers(), "requests.carry_over.natural": 4})
        assert [f.numbers["previous.carry_over"] for f in found if f.code == "Y1"] == [4]
        assert "Y1" not in [f.code for f in v.set_previous(None)]


def _random_change(rng: random.Random, answers: dict) -> dict:
    roll = rng.random()
    if roll < 0.6:
        return {rng.choice(INPUT_NUMBERS): rng.randint(0, 4)}
    if roll < 0.7:
        return {rng.choice(NUMBER_FIELDS): None}
    if roll < 0.8:  # a printed total, as an imported report has
        return {rng.choice([f for f in NUMBER_FIELDS if FORM.is_derived(f)]): rng.randint(0, 9)}
    if roll < 0.85:
        return {"meta.level": rng.choice(["county", "city", "township", "province"])}
    if roll < 0.9:
        return {"active.fees": Decimal(rng.choice(["0", "26.55", "265500", "12000"]))}
    texts = ["", "共收到政府信息公开申请3件。", "二是人员不足。", "2024年我局开展了培训。", "下一步将加强培训。"]
    return {rng.choice(["overview.on_request", "problems", "measures", "other_matters"]): rng.choice(texts) or None}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_updates_always_equal_a_full_check(consistent_answers, seed, engine_name):
    rng = random.Random(seed)
    answers = consistent_answers()
    previous = {**consistent_answers(), "requests.carry_over.natural": 2} if seed == 2 else None
    with Validator(answers, previous, engine=engine_name) as v:
        for _ in range(120):
            change = _random_change(rng, answers)
            for fid, value in change.items():
                if value is None:
                    answers.pop(fid, None)
                else:
                    answers[fid] = value
            assert messages(v.update(change)) == messages(check(answers, previous=previous, engine=engine_name))


@pytest.fixture(scope="module")
def numbers_book():
    """Only N1–N8: a cheap rulebook for tests that need many sessions (the limit is per ruleset)."""
    return load_rulebook([rules_dir() / "numbers.yaml"])


@needs_durable
def test_hundreds_of_sessions_in_one_process(consistent_answers, numbers_book):
    base = live_sessions()
    for i in range(1100):  # more than durable-rules' 1024 live sessions per ruleset
        answers = {**consistent_answers(), "requests.new.natural": i % 5}
        found = [f.code for f in check(answers, rulebook=numbers_book, engine="durable")]
        assert ("N4" in found) == (i % 5 != 3)
    assert live_sessions() == base


@needs_durable
def test_more_open_validators_than_engine_sessions_still_give_the_right_findings(consistent_answers, numbers_book):
    validators = [Validator({**consistent_answers(), "requests.new.natural": i % 2 + 3}, rulebook=numbers_book,
                            engine="durable") for i in range(1100)]
    try:
        for v in validators:
            v.findings()
        assert live_sessions() <= durable.MAX_LIVE_SESSIONS
        # the oldest ones gave their engine session up; they rebuild it when used again
        for i, v in enumerate(validators[:50]):
            codes = [f.code for f in v.update({"requests.carry_over.natural": 1})]
            assert ("N4" in codes) == (i % 2 == 1)
    finally:
        for v in validators:
            v.close()


@needs_durable
def test_a_check_gives_its_session_back(sample_answers):
    base = live_sessions()
    answers = {**sample_answers(), "requests.new.natural": 99, "active.normative.issued": 1,
               "active.normative.in_force": 0, "overview.intro": ""}
    assert len(check(answers, engine="durable")) > 3
    assert live_sessions() == base


@needs_durable
def test_a_closed_report_s_session_is_emptied_and_kept_for_the_next(consistent_answers, numbers_book):
    check(consistent_answers(), rulebook=numbers_book, engine="durable")
    made = durable._POOL.counter
    for i in range(50):  # the same fact ids every time: a fact left behind would be a duplicate
        answers = {**consistent_answers(), "requests.new.natural": i % 5}
        found = [f.code for f in check(answers, rulebook=numbers_book, engine="durable")]
        assert ("N4" in found) == (i % 5 != 3)
    assert durable._POOL.counter == made  # no session created
    assert 1 <= sum(map(len, durable._POOL.clean.values())) <= durable.CLEAN_SESSIONS_KEPT * len(durable._POOL.rulesets)


@needs_durable
def test_dropped_validators_give_their_sessions_back(consistent_answers):
    base = live_sessions()
    for i in range(300):
        Validator({**consistent_answers(), "requests.new.natural": i % 4}, engine="durable").findings()
    gc.collect()
    assert live_sessions() == base


@needs_durable
def test_memory_stays_flat_over_many_sessions(consistent_answers, numbers_book):
    proc = psutil.Process()
    for _ in range(200):
        check(consistent_answers(), rulebook=numbers_book, engine="durable")
    gc.collect()
    before = proc.memory_info().rss
    for i in range(1000):  # the benchmark runs 10,000
        check({**consistent_answers(), "requests.new.natural": i % 7}, rulebook=numbers_book, engine="durable")
    gc.collect()
    assert proc.memory_info().rss - before < 10 * 1024 * 1024


def test_threads_share_the_engine_safely(consistent_answers, engine_name):
    errors: list[BaseException] = []
    expected = {i: messages(check({**consistent_answers(), "requests.new.natural": i})) for i in range(4)}

    def work(k: int) -> None:
        try:
            with Validator(consistent_answers(), engine=engine_name) as v:
                for n in range(40):
                    i = (k + n) % 4
                    got = messages(v.update({"requests.new.natural": i}))
                    assert got == expected[i]
                    assert messages(check({**consistent_answers(), "requests.new.natural": i}, engine=engine_name)) == expected[i]
        except BaseException as err:  # reported by the main thread
            errors.append(err)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


@needs_durable
def test_an_error_recording_a_firing_is_an_engine_error_and_the_session_recovers(consistent_answers, monkeypatch,
                                                                                  tmp_path):
    # a rulebook of its own: a ruleset registered afresh, which binds the pool's _record
    extra = tmp_path / "probe.yaml"
    extra.write_text(
        "rules:\n  - code: N99\n    severity: error\n    title: 探针\n    scope: each row of table 二 第（一）项\n"
        "    reads: [issued]\n    check: issued < 1000\n    message: 探针 {issued}\n",
        encoding="utf-8",
    )
    book = load_rulebook([rules_dir() / "numbers.yaml", extra])

    def failing_record(self, key, fid):  # noqa: ANN001
        if key != durable._SENTINEL_RULE:
            raise RuntimeError("an action failed")

    monkeypatch.setattr(durable._Pool, "_record", failing_record)
    base = live_sessions()
    answers = {**consistent_answers(), "active.normative.issued": 1000, "active.normative.in_force": 1000}
    with pytest.raises(EngineError, match="an action failed"):
        check(answers, rulebook=book, engine="durable")
    assert live_sessions() == base
    with Validator(consistent_answers(), rulebook=book, engine="durable") as v:
        assert v.findings() == []
        with pytest.raises(EngineError):
            v.update({"active.normative.issued": 1000, "active.normative.in_force": 1000})
    assert live_sessions() == base


def test_a_number_beyond_64_bits_is_checked_not_crashed(consistent_answers, engine_name):
    # beyond what both evaluators compare exactly (vocabulary.LARGEST_VALUE) a number is N1's, not a
    # value (issue 14); below it, it is judged like any other
    answers = {**consistent_answers(), "active.normative.issued": 10**30, "active.normative.in_force": 10**30}
    found = check(answers, engine=engine_name)
    n1 = sorted(f.fields[0] for f in found if f.code == "N1")
    assert n1 == ["active.normative.in_force", "active.normative.issued"]
    assert [f.code for f in found if f.code != "N1"] == [
        f.code for f in check({**consistent_answers(), "active.normative.issued": 10**12,
                               "active.normative.in_force": 10**12}, engine=engine_name)]


@needs_durable
def test_asserting_a_fact_the_session_holds_is_an_engine_error(consistent_answers):
    book = default_rulebook()
    answers = {**consistent_answers(), "active.normative.issued": 1, "active.normative.in_force": 0}
    facts = build_facts(answers, book=book)
    matcher = evaluator("durable").matcher(book)
    try:
        matcher.sync(facts)
        assert matcher.fired  # facts a rule matched are kept by the session
        again = [f for f in facts if f.id in matcher.fired]
        with matcher._session(), pytest.raises(EngineError, match="重复"):
            matcher._apply([], again)
    finally:
        matcher.close()


answers_strategy = st.dictionaries(
    st.sampled_from(NUMBER_FIELDS + ["active.fees"]),
    st.integers(min_value=-1, max_value=4),
    max_size=60,
).map(lambda d: {k: (Decimal(v) if k == "active.fees" else v) for k, v in d.items()})


@needs_durable
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    numbers=answers_strategy,
    level=st.sampled_from([None, "county", "city", "township", "national"]),
    kind=st.sampled_from([None, "department", "government"]),
    with_previous=st.booleans(),
)
def test_the_engine_fires_exactly_where_the_rules_read_in_python_say(sample_answers, numbers, level, kind, with_previous):
    book = default_rulebook()
    answers = {**sample_answers(), **numbers}
    for fid, value in (("meta.level", level), ("meta.agency_kind", kind)):
        if value is None:
            answers.pop(fid, None)
        else:
            answers[fid] = value
    previous = {**sample_answers(), **dict(list(numbers.items())[::2])} if with_previous else None
    # every fact, those no case can fire on too: the engine must fire on none of them
    facts = build_facts(answers, previous, book=book, prune=False)
    matcher = evaluator("durable").matcher(book)
    try:
        matcher.sync(facts)
        fired = {(fid, key) for fid, keys in matcher.fired.items() for key in keys}
    finally:
        matcher.close()
    expected = set()
    for fact in facts:
        for key, (rule, case) in book.cases_by_key.items():
            if rule.scope != fact.kind:
                continue
            if rule.scope == TEXT and fact.values[TEXT_KEY] not in (rule.texts or FORM_PROSE):
                continue
            if holds(case.fires, fact.values, book.tables):
                expected.add((fact.id, key))
    assert fired == expected


FORM_PROSE = tuple(f.id for f in FORM.fields.values() if f.kind == "prose")


_UNHOOKED = """
import json, sys
from pathlib import Path
from gkassist.engine import EngineError, check, durable
from gkassist.checking import load_input
from gkassist.resources import rules_dir
from gkassist.rulebook import load_rulebook
durable._installed_version = lambda: "2.0.29"  # any durable-rules but the one the hooks were made for
found = {}
for path in sorted(Path(sys.argv[1]).iterdir()):
    inp = load_input(path)
    runs = [check(inp.answers, previous=inp.previous, extra_facts=inp.extra_facts, notes=inp.notes, engine=e)
            for e in ("durable", "python")]
    found[path.name] = [[(f.code, f.fields, f.message, sorted(f.numbers.items())) for f in r] for r in runs]
assert not durable._POOL.hooked and durable._dr.json is json
def failing(self, key):
    def action(c):
        raise RuntimeError("an action failed")
    return action
durable._Pool._action = failing
try:
    answers = load_input(Path(sys.argv[1]) / "qinglin-jtj-2023.html").answers
    check(answers, rulebook=load_rulebook([rules_dir() / "numbers.yaml"]), engine="durable")
    swallowed = True
except EngineError as err:
    swallowed = "an action failed" not in str(err)
print(json.dumps({"found": found, "swallowed": swallowed, "live": len(durable._POOL.live)}, ensure_ascii=False))
"""


@needs_durable
@pytest.mark.slow
def test_on_another_durable_rules_version_it_runs_its_own_way():
    # the hooks stand in for durable-rules 2.0.28's internals only; any other version runs unhooked,
    # with its own JSON and action runner (an action's error swallowed into the state: raised here)
    fixtures = Path(__file__).parent / "fixtures"
    out = subprocess.run([sys.executable, "-W", "error", "-c", _UNHOOKED, str(fixtures)], capture_output=True,
                         text=True, check=True, env={**os.environ, "GKASSIST_ENGINE": "durable"})
    got = json.loads(out.stdout)
    assert set(got["found"]) == {p.name for p in fixtures.iterdir()}
    for name, (on_durable, on_python) in got["found"].items():
        assert on_durable == on_python, name
    assert any(on_durable for on_durable, _ in got["found"].values())
    assert got["swallowed"] is False
    assert got["live"] == 0


@needs_durable
def test_the_hooks_are_installed_on_the_durable_rules_they_were_made_for():
    import importlib.metadata

    # the version read off the dist-info's name is importlib.metadata's
    assert durable._installed_version() == importlib.metadata.version("durable-rules") == durable._HOOKED_VERSION
    check({}, engine="durable")
    assert durable._POOL.hooked and durable._dr.json is durable._Json


@needs_durable
def test_durable_rules_is_given_the_json_the_standard_library_writes():
    # orjson stands in for durable-rules' json: the same text but for the blanks after , and :
    # (UTF-8 as ensure_ascii=False writes it, the rules' strings and the facts' alike)
    from gkassist.checking import load_input

    book = default_rulebook()
    fixtures = sorted((Path(__file__).parent / "fixtures").iterdir())
    docs = []
    for path in fixtures:
        inp = load_input(path)
        facts = build_facts(inp.answers, inp.previous, book=book, extra_facts=inp.extra_facts, notes=inp.notes)
        docs += durable._docs(book)("s1", facts)
    assert len(docs) > 100
    samples = [*docs, book.engine_definition(), "中文\x00\x1f\x7f\u2028\"\\/\b\f\n\r\t", 2**64 - 1, -2**63]
    for obj in samples:
        assert durable._Json.dumps(obj, ensure_ascii=False) == json.dumps(obj, ensure_ascii=False,
                                                                          separators=(",", ":"))
    # beyond orjson (a number beyond 64 bits, a lone surrogate): the standard library's own text
    for obj in [{"n": 2**64}, {"n": -2**63 - 1}, "\ud800", {1: 2}]:
        assert durable._Json.dumps(obj, ensure_ascii=False) == json.dumps(obj, ensure_ascii=False)
    assert durable._Json.loads(json.dumps({"n": 2**64})) == {"n": 2**64}
    assert durable._Json.dumps({"a": "中"}) == json.dumps({"a": "中"})  # asked for ASCII: the library's
    # an action as the C core writes it: the fact's id read exactly, whatever else it holds
    for fid in ["表二.中", "表二.中\ud800"]:
        action = json.dumps({"N1": {"m": {"id": fid, "n": 2**64, "sid": "s1"}}}, ensure_ascii=False)
        assert durable._read_action(action)["N1"]["m"]["id"] == fid
    # a firing read off the text where it can be, else as JSON: the same (rule, id) either way
    for fid in ["表二.中", "row.1", 'a"b', "a\\b", "\n", "\ud800", ""]:
        for key in ["N1", "N1#2", "__session_open__"]:
            for fact in [{"id": fid, "v1": 2, "sid": "s1"}, {"v1": 2, "id": fid, "sid": "s1"}, {"id": fid}]:
                action = "{" + json.dumps(key) + ':{"m":' + durable._Json.dumps(fact, ensure_ascii=False) + "}}"
                assert durable._read_firings(action) == [(key, fid)], action


@needs_durable
def test_durable_rules_is_sent_the_values_the_patterns_of_a_fact_s_kind_read(sample_answers):
    book = default_rulebook()
    docs = durable._docs(book)
    facts = build_facts(sample_answers(), book=book)
    read_by = {}  # kind → engine keys its cases' patterns read
    for rule, case in book.cases_by_key.values():
        keys: set[str] = set()
        durable._read_keys(case.pattern, keys)
        read_by.setdefault(rule.scope, set()).update(keys)
    alias_of = docs.aliases
    assert docs.marked == {"kind", engine_key(TEXT_KEY)}  # the guards: sent as markers
    dropped = 0
    for fact, doc in zip(facts, docs("s1", facts), strict=True):
        assert (doc["id"], doc["sid"]) == (fact.id, "s1")
        marks = {docs.markers[("kind", fact.kind)]: 1}
        if fact.kind == TEXT and ("text_id", fact.values[TEXT_KEY]) in docs.markers:
            marks[docs.markers[("text_id", fact.values[TEXT_KEY])]] = 1
        wanted = {alias_of[engine_key(n)]: v for n, v in fact.values.items()
                  if v is not None and engine_key(n) in read_by.get(fact.kind, ()) and engine_key(n) not in docs.marked}
        assert {k: v for k, v in doc.items() if k not in ("id", "sid")} == {**wanted, **marks}
        assert doc == docs._doc("s1", fact)  # (the order of its keys aside)
        assert next(iter(doc)) == "id"  # first: where _read_firings finds it
        dropped += len(fact.values) > len(wanted) + 1
    assert dropped  # some values are for messages only
    # a pattern not guarded by one kind reads its keys off every fact
    assert durable._guard_kind({"$and": [{"kind": "text"}, {"$lt": {"a": 1}}]}) == "text"
    assert durable._guard_kind({"$or": [{"kind": "text"}, {"$lt": {"a": 1}}]}) is None


@needs_durable
def test_a_key_is_sent_as_markers_only_when_every_pattern_compares_it_for_equality_with_a_string():
    guard = {"$and": [{"kind": "text"}, {"$or": [{"text_id": "a"}, {"text_id": "b"}]}, {"$lt": {"n": 1}}]}
    assert durable._marker_keys([guard], ("kind", "text_id")) == {"kind", "text_id"}
    for other in [{"$neq": {"text_id": "a"}}, {"text_id": 1}, {"$gt": {"n": {"$m": "text_id"}}},
                  {"$mt": {"text_id": "a.*"}}, {"$ex": {"text_id": 1}}, {"text_id": "a", "n": 1}]:
        assert durable._marker_keys([guard, {"$and": [{"kind": "x"}, other]}], ("kind", "text_id")) == {"kind"}
    markers: dict = {}
    durable._collect_markers(guard, {"kind", "text_id"}, markers)
    assert markers == {("kind", "text"): "k0", ("text_id", "a"): "k1", ("text_id", "b"): "k2"}
    assert durable._marked(guard, markers) == {"$and": [{"k0": 1}, {"$or": [{"k1": 1}, {"k2": 1}]}, {"$lt": {"n": 1}}]}


def _fixture_facts(book):
    from gkassist.checking import load_input

    out = []
    for path in sorted((Path(__file__).parent / "fixtures").iterdir()):
        inp = load_input(path)
        out.append(build_facts(inp.answers, inp.previous, book=book, extra_facts=inp.extra_facts, notes=inp.notes))
    return out


@needs_durable
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(seed=st.integers(0, 10**9))
def test_facts_with_values_shuffled_fire_the_same_cases_on_both_evaluators(seed):
    # the values of fixture facts drawn afresh, of their own type (strings: those the rules compare
    # with and another; numbers: around the ones they compare with; None: missing), the text ids
    # too, so that most cases come close to firing: durable-rules, fed through the markers and
    # aliases (_Docs), fires exactly the Python evaluator's cases
    import dataclasses

    rng = random.Random(seed)
    book = default_rulebook()
    strings = [*sorted({v for (_k, v) in durable._docs(book).markers}), "department", "government", "county",
               "city", "township", "province", "other", None]
    numbers = [None, 0, 1, 2, 3, 5, 49, 50, 51, 100, 2024, 20250131, -1]  # (facts hold no number beyond LARGEST_VALUE)
    facts = []
    for fact in rng.choice(_fixture_facts_cached(book)):
        values = {name: value if rng.random() < 0.3 else rng.choice(strings if isinstance(value, str) else numbers)
                  for name, value in fact.values.items()}
        facts.append(dataclasses.replace(fact, values=values))
    fired = {}
    for name in ("durable", "python"):
        matcher = evaluator(name).matcher(book)
        try:
            matcher.sync(facts)
            fired[name] = {fid: sorted(keys) for fid, keys in matcher.fired.items() if keys}
        finally:
            matcher.close()
    assert fired["durable"] == fired["python"]
    docs = durable._docs(book)
    assert docs("s1", facts) == [docs._doc("s1", f) for f in facts]


_FACTS: list = []


def _fixture_facts_cached(book):
    if not _FACTS:
        _FACTS.extend(_fixture_facts(book))
    return _FACTS
