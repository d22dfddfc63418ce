"""build_facts' shortcuts give the facts the general steps give (gkassist.facts).

Facts are built with work planned once per rulebook (a table line's and a text's globals, fields
and deps; each kind of other modules' facts; which selecting values may fire) and with a few
loops done differently (the answers' whole counts). Each shortcut is compared here with what it
replaces, on real reports and on random answers: the facts must be the same to the byte (ids,
kinds, values and labels in order, fields, deps), since both engines and every message read them.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gkassist import facts as F
from gkassist.cellstates import BLANK, INVALID, NOT_APPLICABLE, CellState
from gkassist.checking import load_input
from gkassist.features import FeatureCache
from gkassist.form import FORM
from gkassist.rulebook import default_rulebook
from gkassist.vocabulary import LARGEST_VALUE, TEXT_KEY

CORPUS = Path(__file__).parent / "corpus" / "reports"
FIXTURES = Path(__file__).parent / "fixtures"


def _clean_answers_loop(answers):
    """``_clean_answers`` as first written: one loop over the answers."""
    out, states, counts, others = {}, {}, {}, []
    for fid, value in (answers or {}).items():
        t = type(value)
        if t is int and fid in F._WHOLE_COUNTS and -LARGEST_VALUE <= value <= LARGEST_VALUE:
            out[fid] = counts[fid] = value
            continue
        if t is CellState:
            states[fid] = value
            others.append(fid)
            continue
        f = FORM.fields.get(fid)
        if f is None or value is None:
            continue
        if f.is_number:
            others.append(fid)
            number, _ = F._clean_number(f, value)
            if number is None:
                continue
            if f.kind == "count":
                out[fid] = number
                if type(number) is int:
                    counts[fid] = number
            else:
                out[fid] = Decimal(number) / 10000
        else:
            out[fid] = value
    return out, states, counts, others


_COUNTS = sorted(F._WHOLE_COUNTS)
_MONEY = sorted(f.id for f in FORM.fields.values() if f.kind == "money")
_OTHER = sorted(f.id for f in FORM.fields.values() if not f.is_number)[:40] + ["no.such.field"]
_VALUES = st.one_of(
    st.integers(-3, 40), st.sampled_from([LARGEST_VALUE, LARGEST_VALUE + 1, -LARGEST_VALUE - 1, True, False, None]),
    st.decimals(allow_nan=True, places=2, min_value=-100, max_value=10**6), st.floats(allow_nan=True),
    st.text(alphabet="0123456789-. 一/O", max_size=6),
    st.builds(CellState, st.sampled_from([BLANK, NOT_APPLICABLE, INVALID]), st.text(max_size=3)),
)
_ANSWERS = st.dictionaries(st.sampled_from(_COUNTS + _MONEY + _OTHER), _VALUES, max_size=60)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_ANSWERS)
def test_clean_answers_is_the_loop_it_replaces(answers):
    assert F._clean_answers(answers) == _clean_answers_loop(answers)


def test_clean_answers_of_real_reports_is_the_loop_it_replaces(real_inputs):
    for inp in real_inputs:
        assert F._clean_answers(inp.answers) == _clean_answers_loop(inp.answers)


# --- the plans, against the general path (add_globals on every fact) --------------------------------


def _unplanned_lines(book):
    """Every table line as a line whose globals depend on its values: each fact via add_globals."""
    return {kind: [F._LinePlan(p.line, None, p.line.fields, p.line.fid_set) for p in plans]
            for kind, plans in F._line_plans(book).items()}


def _unplanned_texts(book):
    out = []
    for p in F._text_plans(book):
        fields = F._text_static(p.text_id)[2]
        out.append(p._replace(names=None, fields=dict.fromkeys((TEXT_KEY, *(n for _, n in p.keys)), fields),
                              deps=F._text_static(p.text_id)[5]))
    return out


def _canon(facts: list) -> list:
    return [(f.id, f.kind, list(f.values.items()), list(f.labels.items()), list(f.fields.items()),
             list(f.units.items()), f.section, f.order, None if f.deps is None else sorted(f.deps)) for f in facts]


def _both(monkeypatch, answers, previous=None, **kw) -> tuple[list, list]:
    book = default_rulebook()
    planned = _canon(F.build_facts(answers, previous, book=book, cache=FeatureCache(), **kw))
    lines, texts = _unplanned_lines(book), _unplanned_texts(book)
    with monkeypatch.context() as m:
        m.setattr(F, "_line_plans", lambda b: lines)
        m.setattr(F, "_text_plans", lambda b: texts)
        general = _canon(F.build_facts(answers, previous, book=book, cache=FeatureCache(), **kw))
    return planned, general


@pytest.fixture(scope="module")
def real_inputs() -> list:
    files = sorted(p for p in CORPUS.iterdir() if p.suffix in (".txt", ".html", ".htm", ".docx"))
    files += sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".txt", ".html", ".docx"))[:40]
    out = []
    for p in files:
        try:
            out.append(load_input(str(p)))
        except Exception:  # noqa: BLE001 - an unreadable fixture is another test's business
            continue
    assert len(out) > 100
    return out


def test_planned_facts_of_real_reports_are_the_general_ones(monkeypatch, real_inputs):
    book = default_rulebook()
    for inp in real_inputs:
        extras = list(inp.extra_facts)
        for prune in (True, False):
            planned, general = _both(monkeypatch, inp.answers, inp.previous, notes=inp.notes, extra_facts=extras,
                                     outline=inp.outline, prune=prune)
            assert planned == general
    assert book.plans["lines"] and book.plans["text facts"]  # (the plans were in use)


def test_planned_facts_with_last_years_answers_and_blank_cells(monkeypatch, consistent_answers):
    answers = consistent_answers()
    previous = dict(answers)
    answers["requests.new.natural"] = CellState(BLANK, "")
    answers["requests.granted.commercial"] = CellState(INVALID, "1O")
    planned, general = _both(monkeypatch, answers, previous)
    assert planned == general
    assert any(("blanks", 1) in values for _, _, values, *_ in planned)  # (the blank cells' path was taken)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(changes=st.dictionaries(st.sampled_from(_COUNTS[:80] + _MONEY[:5]), _VALUES, max_size=12),
       prose=st.text(alphabet="本机关年共收到申请件政府信息公开条例，。2024依申请0123456789", max_size=80))
def test_planned_facts_of_random_answers_are_the_general_ones(monkeypatch, consistent_answers, changes, prose):
    answers = {**consistent_answers(), **changes, "problems": prose, "overview.intro": prose}
    planned, general = _both(monkeypatch, answers)
    assert planned == general


# --- other modules' facts ----------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.none(), st.booleans(), st.integers(-2, 3), st.floats(allow_nan=False), st.text(max_size=4),
                 st.sampled_from(["document_cleanup", "request_quality", "content_coverage", "awareness_gap"])),
       st.booleans())
def test_remembered_selection_is_may_fire(value, absent):
    book = default_rulebook()
    for kind, selecting in book.selecting.items():
        if not selecting:
            continue
        declared = book.fact_kinds.get(kind)
        names = declared.names if declared is not None else None
        plan = F._KindPlan.of(book, kind)
        raw: dict[str, Any] = {"kind": kind, "id": "x"}
        if not absent:
            raw.update(dict.fromkeys(selecting, value))
        expected = book.may_fire(kind, F._engine_values(raw, selecting, names))
        assert plan.selected(book, kind, raw) == expected
        assert plan.selected(book, kind, raw) == expected  # (remembered)


# --- the claims (rule T3): the tables' side worked out only once a claim is found ---------------------


def _claims_eagerly(self):
    """``_Builder.claims`` as first written: every claim's table values first, then the prose."""
    from gkassist.expressions import eval_lin
    from gkassist.vocabulary import CLAIM, PROSE_FIELDS

    if not self.book.claims or not any(r.scope == CLAIM for r in self.book.rules):
        return
    env = {}
    for claim in self.book.claims:
        for name in claim.value.names() + (claim.also.names() if claim.also else []):
            env[name] = self.stated_value(name) if name in FORM.fields else self.global_value(name)[0]
    tables = self.book.tables
    table_values = [eval_lin(claim.value, env, tables) for claim in self.book.claims]
    also_values = [eval_lin(claim.also, env, tables) if claim.also else table_values[k]
                   for k, claim in enumerate(self.book.claims)]
    for t, text_id in enumerate(PROSE_FIELDS):
        text = self.now.text(text_id)
        if not text:
            continue
        f = FORM.field(text_id)
        for start, k, said, matched in self.cache.claims(self.book.claims, text, self.year):
            claim = self.book.claims[k]
            table_fields = tuple(dict.fromkeys(n for n in claim.value.names() if n in FORM.fields))
            fact = F.Fact(f"claim.{text_id}.{start}", CLAIM, {"said": said, "table": table_values[k], "also": also_values[k]},
                          {"field": f.label, "claim": claim.name, "text": matched},
                          {"said": (text_id,), "table": table_fields, "also": table_fields},
                          section=f.section, order=self.order(f.section, 400 + t, start))
            yield self.add_globals(fact)


def test_claims_are_the_eagerly_built_ones(monkeypatch, real_inputs):
    book = default_rulebook()
    eager_scopes = [_claims_eagerly if make is F._Builder.claims else make for make in F._scopes(book)]
    assert _claims_eagerly in eager_scopes
    found = 0
    for inp in real_inputs:
        kw = {"notes": inp.notes, "extra_facts": list(inp.extra_facts), "outline": inp.outline}
        lazy = _canon(F.build_facts(inp.answers, inp.previous, book=book, cache=FeatureCache(), **kw))
        with monkeypatch.context() as m:
            m.setattr(F, "_scopes", lambda b: eager_scopes)
            eager = _canon(F.build_facts(inp.answers, inp.previous, book=book, cache=FeatureCache(), **kw))
        assert lazy == eager
        found += sum(1 for fact in lazy if fact[1] == "claim")
    assert found > 20  # (real reports state numbers of the tables)
