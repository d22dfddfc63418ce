"""Facts no rule case can fire on are left out (gkassist.facts ``_cell_plan``, expressions.relax).

Nearly every cell of a report is a plain whole number no case on cells can fire on; such a cell is
no fact, in either evaluator. These tests hold that this changes no finding — in one check, in the
interview's incremental updates (a cell that comes to fire appears, one that stops is retracted),
for rules a rule author adds, and for ``rule_applies`` — and that the analysis behind it is sound.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gkassist.cellstates import BLANK, INVALID, NOT_APPLICABLE, CellState
from gkassist.engine import Validator, check, evaluator, rule_applies
from gkassist.expressions import BoolOp, Cmp, Lin, Member, Not, Parser, Truth, holds, relax
from gkassist.facts import FactError, build_facts
from gkassist.form import FORM
from gkassist.resources import rules_dir
from gkassist.rulebook import default_rulebook, load_rulebook
from gkassist.vocabulary import CELL

try:
    from gkassist.engine import durable
except ImportError:  # durable-rules is not installed, or does not load on this Python
    durable = None
needs_durable = pytest.mark.skipif(durable is None, reason="durable-rules does not import here")
ENGINES = [pytest.param("durable", marks=needs_durable), "python"]

COUNTS = [f.id for f in FORM.input_fields() if f.kind == "count"]
CELL_FIELD = "requests.new.natural"


@pytest.fixture(params=ENGINES)
def engine_name(request):
    return request.param


def findings(book, facts, engine):
    """The findings of these facts in one evaluator, as comparable tuples."""
    matcher = evaluator(engine).matcher(book)
    try:
        matcher.sync(facts)
        return [(f.code, f.severity, f.fields, f.message, sorted(f.numbers.items(), key=str))
                for f in matcher.findings()]
    finally:
        matcher.close()


def n1_fields(found) -> list[str]:
    return sorted(f.fields[0] for f in found if f.code == "N1")


def cell_ids(facts) -> list[str]:
    return sorted(f.id for f in facts if f.kind == CELL)


# --- what is left out ----------------------------------------------------------------------------------


def test_plain_cells_no_case_can_fire_on_are_no_facts(consistent_answers):
    book = default_rulebook()
    answers = {**consistent_answers(), CELL_FIELD: -2, "requests.new.social": CellState(INVALID, "1O")}
    pruned = build_facts(answers, book=book)
    # N1 fires on a negative number and on invalid text; no case on cells fires on 0 or 3
    assert cell_ids(pruned) == [f"cell.{CELL_FIELD}", "cell.requests.new.social"]
    everything = build_facts(answers, book=book, prune=False)
    assert len(cell_ids(everything)) > 150
    built_here = [f.id for f in everything if f.kind != CELL and f.kind not in book.fact_kinds]
    assert built_here == [f.id for f in pruned if f.kind != CELL and f.kind not in book.fact_kinds]


def offer_categories(facts) -> set[str]:
    return {f.values["category"] for f in facts if f.kind == "wording.offer"}


def test_other_modules_facts_no_case_selects_are_no_facts(consistent_answers):
    # the wording producer offers every problem category of the bank; the rules on offers (W1…)
    # each select one category (``category == "…"``): an offer of any other can fire nothing
    book = default_rulebook()
    named = {v for r in book.rules if r.scope == "wording.offer" for c in r.cases
             for v in _selected(c.when, "category")}
    pruned = build_facts(consistent_answers(), book=book)
    everything = build_facts(consistent_answers(), book=book, prune=False)
    assert offer_categories(pruned) == named < offer_categories(everything)
    # a kind no rule checks (the importer's structure.extent, read for ``applies`` only) is no fact
    extent = {"kind": "structure.extent", "id": "extent", "format": 2021}
    assert "extent" not in [f.id for f in build_facts({}, book=book, extra_facts=[extent])]
    assert "extent" in [f.id for f in build_facts({}, book=book, extra_facts=[extent], prune=False)]


def _selected(when, name) -> set[str]:
    if isinstance(when, BoolOp):
        return {v for item in when.items for v in _selected(item, name)}
    if isinstance(when, Cmp) and isinstance(when.left, Lin) and when.left.single_name == name:
        return {when.right}
    return set()


def test_a_fact_left_out_still_may_not_share_an_id(consistent_answers):
    book = default_rulebook()
    kept = {"kind": "structure.document", "id": "same", "title_ok": False, "title_found": True}
    left_out = {"kind": "structure.extent", "id": "same"}
    with pytest.raises(FactError, match="same"):
        build_facts({}, book=book, extra_facts=[kept, left_out])


def test_a_cell_with_a_note_is_kept_whatever_its_value(consistent_answers, engine_name):
    # the notes' hints of N1 read ``noted``: a noted cell is no plain cell
    answers = consistent_answers()
    found = check(answers, notes={"requests.new.research": "「无」按0计"}, engine=engine_name)
    assert n1_fields(found) == ["requests.new.research"]


# --- the interview: incremental updates --------------------------------------------------------------


def test_a_cell_that_turns_invalid_gets_its_n1_and_loses_it_when_valid_again(consistent_answers, engine_name):
    with Validator(consistent_answers(), engine=engine_name) as v:
        assert n1_fields(v.findings()) == []
        assert n1_fields(v.update({CELL_FIELD: -1})) == [CELL_FIELD]
        assert n1_fields(v.update({CELL_FIELD: 3})) == []
        assert n1_fields(v.update({CELL_FIELD: CellState(INVALID, "三")})) == [CELL_FIELD]
        after = v.update({CELL_FIELD: 3})
        assert n1_fields(after) == []
        assert [f.message for f in after] == [f.message for f in check(v.answers, engine=engine_name)]


def test_a_note_added_and_taken_away_in_the_interview(consistent_answers, engine_name):
    fid = "requests.new.research"
    with Validator(consistent_answers(), engine=engine_name) as v:
        noted = v.update({}, notes={fid: "「无」按0计"})
        assert n1_fields(noted) == [fid]
        assert n1_fields(v.update({}, notes={fid: None})) == []


# --- no finding changes ---------------------------------------------------------------------------------

cell_value = st.one_of(
    st.integers(min_value=-3, max_value=4),
    st.just(10**30),  # beyond what a fact may hold: N1's
    st.sampled_from([CellState(INVALID, "1O"), CellState(BLANK), CellState(NOT_APPLICABLE, "/")]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    cells=st.dictionaries(st.sampled_from(COUNTS), cell_value, max_size=40),
    fees=st.sampled_from([None, Decimal("26.55"), Decimal("0.00001"), Decimal("-1"), "abc"]),
    noted=st.lists(st.sampled_from(COUNTS), max_size=3),
)
def test_leaving_facts_out_changes_no_finding(consistent_answers, cells, fees, noted):
    book = default_rulebook()
    answers = {**consistent_answers(), **cells}
    if fees is not None:
        answers["active.fees"] = fees
    notes = {fid: "按0计" for fid in noted}
    pruned = build_facts(answers, book=book, notes=notes)
    everything = build_facts(answers, book=book, notes=notes, prune=False)
    assert len(pruned) <= len(everything)
    for engine in ("durable", "python") if durable is not None else ("python",):
        assert findings(book, pruned, engine) == findings(book, everything, engine)


# --- rules a rule author adds: nothing to know about the pruning ------------------------------------------

EXTRA_CELL_RULES = """
rules:
  - code: N9
    basis: 测试
    severity: hint
    title: 很大的数
    scope: each number
    reads: [value]
    check: value <= 1000
    message: 「{field}」填的是{value}，请核对。
  - code: N9
    id: N9-offer
    basis: 测试
    kind: suggestion
    severity: hint
    title: 一个没有规则读的类别
    scope: facts of kind wording.offer
    section: problems
    reads: [category, written]
    when: category == "content_coverage" and written == 0
    message: 可以写一条「{label}」方面的问题。
  - code: N9
    id: N9-township
    basis: 测试
    severity: warning
    title: 乡镇的数（读一个全局名称）
    scope: each number
    reads: [value, meta.level]
    when: meta.level == "township" and value > 0
    message: 「{field}」填的是{value}。
"""


def test_cases_a_rule_author_adds_fire_without_a_word_about_pruning(consistent_answers, tmp_path,
                                                                                engine_name):
    extra = tmp_path / "extra.yaml"
    extra.write_text(EXTRA_CELL_RULES, encoding="utf-8")
    book = load_rulebook([*sorted(rules_dir().glob("*.yaml")), extra])
    answers = {**consistent_answers(), CELL_FIELD: 5000, "meta.level": "township"}
    found = check(answers, rulebook=book, engine=engine_name)
    # an offer of a category no shipped rule names: the new rule selects it
    assert [f for f in found if f.code == "N9" and f.kind == "suggestion"]
    n9 = sorted((f.fields[0], f.severity) for f in found if f.code == "N9" and f.kind == "finding")
    assert (CELL_FIELD, "hint") in n9
    # the township case reads a global: every cell above 0 may fire it, and does
    every = build_facts(answers, book=book, prune=False)
    positive = {f.fields["value"][0] for f in every if f.kind == CELL and (f.values["value"] or 0) > 0}
    assert {fid for fid, sev in n9 if sev == "warning"} == positive
    assert findings(book, build_facts(answers, book=book), engine_name) == findings(book, every, engine_name)


def test_rule_applies_sees_every_fact_of_the_scope():
    # N1's second case has ``when: invalid == 0 and empty == 0``: it holds on a plain cell, on which
    # no case fires — a question about ``when`` must not lose the cell to the pruning
    assert rule_applies("N1", {CELL_FIELD: 3}) is True


def test_every_engine_rule_matches_one_fact():
    # Rulebook.firing_region (the pruning) relies on it: if a rule ever joins facts, it must keep
    # every kind the join reads
    assert all(len(d["all"]) == 1 for d in default_rulebook().engine_definition().values())


# --- the analysis: expressions.relax ---------------------------------------------------------------------

PARSER = Parser({}, {})


def cond(text: str):
    return PARSER.parse_cond(text)


@pytest.mark.parametrize(("text", "known", "expected"), [
    ("a < 0 and b == 1", {"b": 0}, False),
    ("a < 0 and b == 1", {"b": 1}, "a < 0"),
    ("a < 0 or b == 1", {"b": 1}, True),
    ("a < 0 or c > 1", {}, True),  # c is neither known nor free: it may hold
    ("a < 0 and c > 1", {}, "a < 0"),
    ("not (a >= 0 or b)", {"b": 0}, "a < 0"),
    ("b in [1, 2] and a + b > 3", {"b": 5}, False),
    ("b in [1, 2] and a + b > 3", {"b": 2}, "a + b > 3"),
])
def test_relax_puts_in_what_is_known_and_keeps_the_rest(text, known, expected):
    got = relax(cond(text), known, ("a",), {})
    if isinstance(expected, bool):
        assert got is expected
    else:
        assert got == cond(expected)


names = st.sampled_from(["a", "b", "c"])
lin = st.builds(lambda terms, const: Lin(tuple(terms), (), const),
                st.lists(st.tuples(names, st.sampled_from([1, -1, 2])), max_size=2, unique_by=lambda t: t[0]),
                st.integers(-2, 2))
atoms = st.one_of(
    st.builds(Cmp, st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), lin, lin),
    st.builds(Member, names, st.lists(st.integers(-1, 2), min_size=1, max_size=2).map(tuple), st.booleans()),
    st.builds(Truth, names, st.booleans()),
)
conds = st.recursive(atoms, lambda inner: st.one_of(
    st.builds(BoolOp, st.sampled_from(["and", "or"]), st.lists(inner, min_size=1, max_size=3).map(tuple)),
    st.builds(Not, inner),
), max_leaves=8)
value = st.one_of(st.none(), st.integers(-2, 3))


@settings(max_examples=300, deadline=None)
@given(c=conds, a=value, b=value, cv=value)
def test_relax_never_rules_out_where_the_condition_holds(c, a, b, cv):
    env = {"a": a, "b": b, "c": cv}
    region = relax(c, {"b": b}, ("a",), {})
    if holds(c, env, {}):
        assert region is True or (region is not False and holds(region, env, {}))
    if region is False:
        assert not holds(c, env, {})
