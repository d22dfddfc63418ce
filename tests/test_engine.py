"""The engine: incremental checking equals a full check, many sessions in one process, threads,
errors inside rule actions, and the compiled rules against a plain Python reading of the same rules."""

from __future__ import annotations

import gc
import random
import threading
from decimal import Decimal

import psutil
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gkassist import engine
from gkassist.engine import EngineError, Validator, check, live_sessions
from gkassist.facts import TEXT, TEXT_KEY, build_facts
from gkassist.form import FORM
from gkassist.resources import rules_dir
from gkassist.rulebook import default_rulebook, holds, load_rulebook

NUMBER_FIELDS = [f.id for f in FORM.fields.values() if f.kind == "count"]
INPUT_NUMBERS = [f.id for f in FORM.input_fields() if f.kind == "count"]


def messages(findings) -> list[tuple[str, str]]:
    return [(f.code, f.message) for f in findings]


def test_a_fixed_problem_disappears_at_once(sample_answers):
    answers = {**sample_answers(), "requests.new.natural": 3, "requests.carried.natural": 1,
               "requests.granted.natural": 2, "requests.carry_over.natural": 1}
    with Validator(answers) as v:
        assert "N4" in [f.code for f in v.findings()]
        after = v.update({"requests.granted.natural": 3})
        assert "N4" not in [f.code for f in after]
        again = v.update({"requests.carry_over.natural": 2})
        n4 = [f for f in again if f.code == "N4"]
        assert len(n4) == 1 and n4[0].numbers["right"] == 5


def test_clearing_an_answer_silences_its_rules_and_notes_come_and_go(consistent_answers):
    with Validator({**consistent_answers(), "requests.new.total": 5}) as v:
        assert "N2" in [f.code for f in v.findings()]
        assert "N2" not in [f.code for f in v.update({"requests.new.total": None})]
        noted = v.update({}, notes={"active.fees": "原表此格为「—」，按0计"})
        assert [f.fields for f in noted if f.code == "N1"] == [("active.fees",)]
        assert not [f for f in v.update({}, notes={"active.fees": None}) if f.code == "N1"]


def test_previous_year_and_extra_facts_can_be_set_later(consistent_answers):
    with Validator(consistent_answers()) as v:
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
def test_incremental_updates_always_equal_a_full_check(consistent_answers, seed):
    rng = random.Random(seed)
    answers = consistent_answers()
    previous = {**consistent_answers(), "requests.carry_over.natural": 2} if seed == 2 else None
    with Validator(answers, previous) as v:
        for _ in range(120):
            change = _random_change(rng, answers)
            for fid, value in change.items():
                if value is None:
                    answers.pop(fid, None)
                else:
                    answers[fid] = value
            assert messages(v.update(change)) == messages(check(answers, previous=previous))


@pytest.fixture(scope="module")
def numbers_book():
    """Only N1–N8: a cheap rulebook for tests that need many sessions (the limit is per ruleset)."""
    return load_rulebook([rules_dir() / "numbers.yaml"])


def test_hundreds_of_sessions_in_one_process(consistent_answers, numbers_book):
    base = live_sessions()
    for i in range(1100):  # more than durable-rules' 1024 live sessions per ruleset
        answers = {**consistent_answers(), "requests.new.natural": i % 5}
        found = [f.code for f in check(answers, rulebook=numbers_book)]
        assert ("N4" in found) == (i % 5 != 3)
    assert live_sessions() == base


def test_more_open_validators_than_engine_sessions_still_give_the_right_findings(consistent_answers, numbers_book):
    validators = [Validator({**consistent_answers(), "requests.new.natural": i % 2 + 3}, rulebook=numbers_book)
                  for i in range(1100)]
    try:
        for v in validators:
            v.findings()
        assert live_sessions() <= engine.MAX_LIVE_SESSIONS
        # the oldest ones gave their engine session up; they rebuild it when used again
        for i, v in enumerate(validators[:50]):
            codes = [f.code for f in v.update({"requests.carry_over.natural": 1})]
            assert ("N4" in codes) == (i % 2 == 1)
    finally:
        for v in validators:
            v.close()


def test_a_session_is_handed_on_empty_after_a_check(sample_answers):
    # check() gives its session back for the next report after retracting the facts that fired,
    # on the grounds that, every rule matching one fact, those are all a session keeps
    answers = {**sample_answers(), "requests.new.natural": 99, "active.normative.issued": 1,
               "active.normative.in_force": 0, "overview.intro": ""}
    assert len(check(answers)) > 3
    with engine._ENGINE.lock:
        for ruleset, sids in engine._ENGINE.warm.items():
            for sid in sids:
                assert engine._ENGINE.host.get_facts(ruleset, sid) == [
                    {"sid": sid, "id": engine._SENTINEL_KIND, "kind": engine._SENTINEL_KIND}]
    assert [f.code for f in check(sample_answers())] == [f.code for f in check(dict(sample_answers()))]


def test_dropped_validators_give_their_sessions_back(consistent_answers):
    base = live_sessions()
    for i in range(300):
        Validator({**consistent_answers(), "requests.new.natural": i % 4}).findings()
    gc.collect()
    assert live_sessions() == base


def test_memory_stays_flat_over_many_sessions(consistent_answers, numbers_book):
    proc = psutil.Process()
    for _ in range(200):
        check(consistent_answers(), rulebook=numbers_book)
    gc.collect()
    before = proc.memory_info().rss
    for i in range(1000):  # the benchmark runs 10,000
        check({**consistent_answers(), "requests.new.natural": i % 7}, rulebook=numbers_book)
    gc.collect()
    assert proc.memory_info().rss - before < 10 * 1024 * 1024


def test_threads_share_the_engine_safely(consistent_answers):
    errors: list[BaseException] = []
    expected = {i: messages(check({**consistent_answers(), "requests.new.natural": i})) for i in range(4)}

    def work(k: int) -> None:
        try:
            with Validator(consistent_answers()) as v:
                for n in range(40):
                    i = (k + n) % 4
                    got = messages(v.update({"requests.new.natural": i}))
                    assert got == expected[i]
                    assert messages(check({**consistent_answers(), "requests.new.natural": i})) == expected[i]
        except BaseException as err:  # reported by the main thread
            errors.append(err)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_findings_are_read_off_the_engine_without_running_python_actions(consistent_answers, monkeypatch, tmp_path):
    # durable-rules would swallow an action's exception into the session state; gkassist runs no
    # actions at all (findings are read off the action queue), so a raising one changes nothing
    extra = tmp_path / "probe.yaml"
    extra.write_text(
        "rules:\n  - code: N99\n    severity: error\n    title: 探针\n    scope: each row of table 二 第（一）项\n"
        "    reads: [issued]\n    check: issued < 1000\n    message: 探针 {issued}\n",
        encoding="utf-8",
    )
    book = load_rulebook([rules_dir() / "numbers.yaml", extra])

    def failing_action(c):  # noqa: ANN001
        raise RuntimeError("an action ran")

    monkeypatch.setattr(engine, "_noop", failing_action)  # what the new ruleset registers
    answers = {**consistent_answers(), "active.normative.issued": 1000, "active.normative.in_force": 1000}
    assert [f.code for f in check(answers, rulebook=book)] == ["N99"]  # one batch for the whole report
    with Validator(consistent_answers(), rulebook=book) as v:
        assert v.findings() == []
        after = v.update({"active.normative.issued": 1000, "active.normative.in_force": 1000})  # one fact
        assert [f.message for f in after] == ["探针 1000"]
        assert v.update({"active.normative.issued": 1}) == []


def test_a_number_beyond_64_bits_is_checked_not_crashed(consistent_answers):
    # the batch goes to the engine as JSON written by orjson, whose integers stop at 64 bits
    answers = {**consistent_answers(), "active.normative.issued": 10**30, "active.normative.in_force": 10**30}
    codes = [f.code for f in check(answers)]
    assert codes == [f.code for f in check({**consistent_answers(), "active.normative.issued": 10**12,
                                            "active.normative.in_force": 10**12})]


def test_asserting_a_fact_the_session_holds_is_an_engine_error(consistent_answers):
    # the batch path calls the C core directly: its "already observed" code must still surface
    book = default_rulebook()
    answers = {**consistent_answers(), "active.normative.issued": 1, "active.normative.in_force": 0}
    facts = build_facts(answers, book=book)
    box = engine._SidBox()
    with engine._ENGINE.lock:
        ruleset = engine._ENGINE.ruleset(book)
        engine._ENGINE.lend(box, ruleset)
        try:
            fired = {fact_id for _, fact_id in engine._ENGINE.assert_many(ruleset, box.sid, facts)}
            assert fired  # facts a rule matched are kept by the session
            with pytest.raises(EngineError, match="重复"):
                engine._ENGINE.assert_many(ruleset, box.sid, [f for f in facts if f.id in fired])
        finally:
            engine._ENGINE.give_back(box)


answers_strategy = st.dictionaries(
    st.sampled_from(NUMBER_FIELDS + ["active.fees"]),
    st.integers(min_value=-1, max_value=4),
    max_size=60,
).map(lambda d: {k: (Decimal(v) if k == "active.fees" else v) for k, v in d.items()})


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
    facts = build_facts(answers, previous, book=book)
    run = engine._Run(book)
    try:
        run.sync(facts)
        fired = {(fid, key) for fid, keys in run.fired.items() for key in keys}
    finally:
        run.close()
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
