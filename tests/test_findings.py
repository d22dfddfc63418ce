"""The findings module: labels from prompts/ui.yaml, order, grouping and keys, and no engine behind it."""

from __future__ import annotations

import subprocess
import sys

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gkassist import findings
from gkassist.findings import Finding, by_section, count_by_severity, finding_key, label_of, touching
from gkassist.resources import prompts_dir


def _f(code: str, severity: str = "error", fields: tuple[str, ...] = (), section: str = "requests",
       kind: str = "finding") -> Finding:
    return Finding(code, severity, fields, f"{code} message", section, {}, kind)


def test_severity_labels_are_the_words_of_prompts_ui_yaml():
    words = yaml.safe_load((prompts_dir() / "ui.yaml").read_text(encoding="utf-8"))["severity"]
    assert findings.severity_labels() == words
    assert label_of(_f("N4", "warning")) == words["warning"]
    assert label_of(_f("W1", "hint", kind="suggestion")) == words["suggestion"]


def test_counting_leaves_suggestions_out():
    found = [_f("N4"), _f("N4"), _f("T1", "hint"), _f("W1", "hint", kind="suggestion"), _f("Y3", "warning")]
    assert count_by_severity(found) == {"error": 2, "warning": 1, "hint": 1}


def test_touching_includes_findings_on_totals_computed_from_the_fields():
    on_total = _f("N2", fields=("requests.new.total",))
    elsewhere = _f("N8", fields=("active.fees",))
    assert touching([on_total, elsewhere], ["requests.new.natural"]) == [on_total]
    assert finding_key(on_total) == ("N2", ("requests.new.total",))


def test_grouping_keeps_the_order_given():
    found = [_f("N4", section="requests"), _f("N2", section="requests"), _f("T5", section="problems")]
    assert [(s, [f.code for f in fs]) for s, fs in by_section(found)] == [
        ("requests", ["N4", "N2"]), ("problems", ["T5"])]


def test_sort_key_orders_by_section_then_severity():
    a = findings.sort_key(_f("T1", "hint", section="overview"), 5, (0,), "T1")
    b = findings.sort_key(_f("N4", "error", section="requests"), 1, (0,), "N4")
    c = findings.sort_key(_f("N9", "warning", section="requests"), 0, (0,), "N9")
    assert sorted([c, b, a]) == [a, b, c]


def test_importing_findings_starts_no_rule_engine():
    code = ("import sys, gkassist.findings, gkassist.facts, gkassist.rulebook; "
            "print(sorted(m for m in sys.modules if m.startswith('durable')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- messages: render against the definition it replaced ----------------------------------------------


def _render_by_definition(rule, case, fact, book) -> Finding:
    """``render`` as first written (every sum computed, the message filled by ``re.sub``): what the
    planned one (``findings._plan``, only what the message names computed) must equal."""
    from gkassist.expressions import Cmp, Lin, eval_lin
    from gkassist.vocabulary import PLACEHOLDER, SCOPES, feature_text, name_label

    env = dict(fact.values)
    scope = SCOPES.get(rule.scope)
    groups = scope.groups if scope else {}
    numbers: dict = {}
    computed: dict = {}
    check = case.check
    if isinstance(check, Cmp) and isinstance(check.left, Lin) and isinstance(check.right, Lin):
        left = eval_lin(check.left, env, book.tables)
        right = eval_lin(check.right, env, book.tables)
        unit = findings._side_unit(check.left, fact, book) or findings._side_unit(check.right, fact, book)
        computed["left"] = (left, unit)
        computed["right"] = (right, unit)
        computed["diff"] = (abs(left - right) if left is not None and right is not None else None, unit)
    for name, lin in case.values.items():
        computed[name] = (eval_lin(lin, env, book.tables), findings._side_unit(lin, fact, book))
    for name, members in groups.items():
        if name not in computed:
            computed[name] = (eval_lin(Lin(tuple((m, 1) for m in members)), env, book.tables), None)

    def fill(m) -> str:
        var, fmt = m[1], m[2]
        if fmt == "label":
            split = feature_text(var)
            return name_label(split or var, fact.kind)
        if fmt == "terms" and isinstance(check, Cmp):
            side = check.left if var == "left" else check.right
            return findings._terms_text(side, fact, env, book, computed[var][1])
        if var in computed:
            value, unit = computed[var]
        elif var in fact.values:
            value, unit = fact.values[var], findings._unit_of(var, fact)
        elif var in fact.labels:
            value, unit = fact.labels[var], None
        else:
            value, unit = None, None
        numbers[var] = findings._number_value(value, unit)
        return findings._display(value, unit)

    message = PLACEHOLDER.sub(fill, case.message)
    fields: dict = {}
    for name in rule.reads:
        members = groups.get(name, (name,))
        if name not in case.names and not any(m in case.names for m in members):
            continue
        for member in members:
            fields.update(dict.fromkeys(fact.fields.get(member, ())))
    section = rule.section or fact.section or "meta"
    return Finding(rule.code, case.severity, tuple(fields), message, section, numbers, rule.kind)


def _every_case_on_fixture_facts():
    """(rule, case, fact) for every case of the fact's kind on the facts of every fixture (firing or
    not: a message is filled from any fact of its scope), and the rulebook."""
    from pathlib import Path

    from gkassist.checking import load_input
    from gkassist.facts import build_facts
    from gkassist.rulebook import default_rulebook

    book = default_rulebook()
    by_kind: dict = {}
    for rule, case in book.cases_by_key.values():
        by_kind.setdefault(rule.scope, []).append((rule, case))
    out = []
    for path in sorted((Path(__file__).parent / "fixtures").iterdir()):
        inp = load_input(path)
        for fact in build_facts(inp.answers, inp.previous, book=book, extra_facts=inp.extra_facts, notes=inp.notes,
                                prune=False):
            out += [(rule, case, fact) for rule, case in by_kind.get(fact.kind, ())]
    return out, book


def _same(a: Finding, b: Finding) -> bool:
    return a == b and a.numbers == b.numbers and [type(v) for v in a.numbers.values()] == [
        type(v) for v in b.numbers.values()]


def test_a_message_is_filled_as_its_definition_fills_it():
    triples, book = _every_case_on_fixture_facts()
    assert len(triples) > 1000
    for rule, case, fact in triples:
        assert _same(findings.render(rule, case, fact, book), _render_by_definition(rule, case, fact, book)), case.key


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_message_is_filled_as_its_definition_fills_it_whatever_the_values(data):
    # values drawn afresh (numbers, missing ones, text), labels and fields kept: sums that cannot be
    # computed, money and dates, the placeholders that fall through to labels
    import dataclasses

    triples, book = _cached_triples()
    rule, case, fact = data.draw(st.sampled_from(triples))
    value = st.one_of(st.none(), st.integers(-10**12, 10**12), st.sampled_from([0, 1, 20250131, 19991231]),
                      st.text(max_size=3))
    values = {name: data.draw(value) if data.draw(st.booleans()) else v for name, v in fact.values.items()}
    fact = dataclasses.replace(fact, values=values)
    assert _same(findings.render(rule, case, fact, book), _render_by_definition(rule, case, fact, book))


_TRIPLES: list = []


def _cached_triples():
    if not _TRIPLES:
        _TRIPLES.append(_every_case_on_fixture_facts())
    return _TRIPLES[0]
