"""Which rules apply to a report: formats, years and the sections a file holds (issue 12 item 5).

A rule's ``applies:`` in rules/*.yaml names the table formats and report years it applies to and the
sections the file must hold; the checker is told the format and what the file holds by one
``structure.extent`` fact (docs/internals.md). These tests run every check on both evaluators
(conftest's ``both_engines_agree``), so a skipped rule is skipped the same way by each.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from gkassist.engine import Validator, check
from gkassist.form import FORM
from gkassist.resources import rules_dir
from gkassist.rulebook import RuleFileError, default_rulebook, load_rulebook
from gkassist.vocabulary import FORMATS

RULES = rules_dir()

RULE = """
applies: {formats: [2021]}
rules:
  - code: N9
    severity: warning
    title: 本年制发件数偏多
    scope: each row of table 二 第（一）项
    reads: [issued]
    check: issued <= 20
    message: 表二「{row}」本年制发 {issued} 件。
"""


def book_of(tmp_path: Path, text: str):
    path = tmp_path / "extra.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_rulebook([path])


def coverage(fmt: int | None = None, **held: str) -> dict:
    """The importer's ``structure.extent`` fact: every section whole unless ``held`` says "part" or
    "none"; ``meta`` "none" is a file that starts after the report's start (no title)."""
    fact: dict = {"kind": "structure.extent", "id": "extent"}
    if fmt is not None:
        fact["format"] = fmt
    for sid in ("overview", "active", "requests", "review", "problems", "other"):
        level = held.get(sid, "whole")
        fact[f"seen_{sid}"] = int(level != "none")
        fact[f"whole_{sid}"] = int(level == "whole")
    cut = any(level != "whole" for level in held.values())
    fact["cut_start"] = int(held.get("meta") == "none")
    fact["cut_end"] = int(cut and not fact["cut_start"])
    fact["complete"] = int(not cut)
    return fact


def codes(findings, code: str) -> list:
    return [f for f in findings if f.code == code]


@pytest.fixture
def many_issued(consistent_answers):
    return {**consistent_answers(), "active.normative.issued": 25, "active.normative.in_force": 30}


# --- the loader ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("applies, complaint", [
    ("{formats: [2020]}", "formats"),
    ("{formats: 2021}", "formats"),
    ("{years: {from: 2023, to: 2021}}", "晚于"),
    ("{years: {since: 2021}}", "years"),
    ("{years: {known: true}}", "known"),
    ("{years: {from: 2021, known: yes please}}", "known"),
    ("{sections: {tables: whole}}", "tables"),
    ("{sections: {problems: all}}", "whole"),
    ("{sections: [problems]}", "sections"),
    ("{format: [2021]}", "不认识"),
    ("[2021]", "applies"),
])
def test_the_loader_says_what_is_wrong_with_applies(tmp_path, applies, complaint):
    text = RULE.replace("applies: {formats: [2021]}", "").replace("    severity: warning",
                                                                   f"    applies: {applies}\n    severity: warning")
    with pytest.raises(RuleFileError) as info:
        book_of(tmp_path, text)
    message = str(info.value)
    assert "rules/extra.yaml" in message and "N9" in message and complaint in message


def test_a_basis_is_text(tmp_path):
    with pytest.raises(RuleFileError) as info:
        book_of(tmp_path, RULE.replace("    severity: warning", "    basis: [50]\n    severity: warning"))
    assert "basis" in str(info.value)


def test_a_rule_takes_its_files_default_and_overrides_key_by_key(tmp_path):
    text = RULE.replace("applies: {formats: [2021]}", "applies: {formats: [2021], years: {from: 2021}}")
    text = text.replace("    severity: warning", "    applies: {years: {from: 2019, to: 2020}}\n    severity: warning")
    rule = book_of(tmp_path, text).rule("N9")
    assert rule.applies.formats == {2021}
    assert (rule.applies.year_from, rule.applies.year_to) == (2019, 2020)


def test_a_rule_that_applies_everywhere_gets_no_flag(tmp_path):
    book = book_of(tmp_path, RULE.replace("applies: {formats: [2021]}", ""))
    assert book.rule("N9").flag is None and book.applicability == {}


# --- the engine ----------------------------------------------------------------------------------------


def test_a_format_rule_is_skipped_for_a_report_of_another_format(tmp_path, many_issued):
    book = book_of(tmp_path, RULE)
    assert codes(check(many_issued, rulebook=book), "N9")  # a session: the format is the interview's
    assert codes(check(many_issued, rulebook=book, extra_facts=[coverage(2021)]), "N9")
    assert not codes(check(many_issued, rulebook=book, extra_facts=[coverage(2019)]), "N9")
    assert not codes(check(many_issued, rulebook=book, extra_facts=[coverage(2008)]), "N9")


def test_years_bound_a_rule_and_an_unknown_year_does_not_stop_it(tmp_path, many_issued):
    book = book_of(tmp_path, RULE.replace("{formats: [2021]}", "{years: {from: 2021}}"))
    assert not codes(check({**many_issued, "meta.year": 2020}, rulebook=book), "N9")
    assert codes(check({**many_issued, "meta.year": 2021}, rulebook=book), "N9")
    unknown = {k: v for k, v in many_issued.items() if k != "meta.year"}
    assert codes(check(unknown, rulebook=book), "N9")


def test_known_true_needs_the_year(tmp_path, many_issued):
    book = book_of(tmp_path, RULE.replace("{formats: [2021]}", "{years: {from: 2021, known: true}}"))
    unknown = {k: v for k, v in many_issued.items() if k != "meta.year"}
    assert not codes(check(unknown, rulebook=book), "N9")
    assert codes(check({**many_issued, "meta.year": 2022}, rulebook=book), "N9")


@pytest.mark.parametrize("need, held, fires", [
    ("whole", "whole", True), ("whole", "part", False), ("whole", "none", False),
    ("part", "whole", True), ("part", "part", True), ("part", "none", False),
    ("cut", "whole", False), ("cut", "part", True), ("cut", "none", False),
])
def test_a_rule_needs_the_sections_it_names(tmp_path, many_issued, need, held, fires):
    book = book_of(tmp_path, RULE.replace("{formats: [2021]}", f"{{sections: {{problems: {need}}}}}"))
    found = check(many_issued, rulebook=book, extra_facts=[coverage(2021, problems=held)])
    assert bool(codes(found, "N9")) is fires
    # no extent fact: a session, complete (every section whole, none cut)
    assert bool(codes(check(many_issued, rulebook=book), "N9")) is (need != "cut")


def test_own_is_the_section_of_each_fact(tmp_path, consistent_answers):
    book = book_of(tmp_path, """
        fact_kinds:
          test.part:
            title: 一个部分
            names: {bad: 有问题为 1}
        rules:
          - code: X1
            applies: {sections: {own: whole}}
            severity: warning
            title: 部分有问题
            scope: facts of kind test.part
            reads: [bad]
            when: bad
            message: 这一部分有问题。
        """)
    facts = [{"kind": "test.part", "id": f"part.{sid}", "section": sid, "bad": 1}
             for sid in ("active", "requests", "review")]
    cut = coverage(2021, requests="part", review="none")
    found = check(consistent_answers(), rulebook=book, extra_facts=[*facts, cut])
    assert [f.section for f in found if f.code == "X1"] == ["active"]


def test_a_validator_follows_the_year_as_it_changes(tmp_path, many_issued):
    book = book_of(tmp_path, RULE.replace("{formats: [2021]}", "{years: {from: 2021}}"))
    with Validator({**many_issued, "meta.year": 2020}, rulebook=book) as v:
        assert not codes(v.findings(), "N9")
        assert codes(v.update({"meta.year": 2022}), "N9")
        assert not codes(v.update({"meta.year": 2019}), "N9")


# --- the shipped catalogue -------------------------------------------------------------------------------


def test_every_shipped_rule_states_formats_years_and_basis():
    for rule in default_rulebook().rules:
        assert rule.basis, f"{rule.id} ({rule.file}) has no basis"
        assert rule.applies.formats <= set(FORMATS) and rule.applies.formats, rule.id
        # years: every rule of the 2019 条例 starts in 2019 at the earliest, except N1 (any number is a
        # number) and Y0 (whether --previous gave last year's report)
        assert rule.applies.year_from is not None or rule.id in ("N1", "Y0"), rule.id


def test_the_2021_rules_skip_reports_of_2019_and_2020(consistent_answers):
    answers = {**consistent_answers(), "other_matters": "无。", "rectification": ""}
    answers.pop("problems", None)
    for year in (2019, 2020):
        found = check({**answers, "meta.year": year}, extra_facts=[coverage(2019)])
        assert not {"T5", "T6", "T6b", "S3", "S4"} & {f.code for f in found}, year
    found = check({**answers, "meta.year": 2022})
    assert {"T6"} <= {f.code for f in found}


def test_a_truncated_file_gets_nothing_about_what_it_does_not_hold(consistent_answers):
    """The file stops inside 三: no S1, S7, T2, T4, T5, T6 about 四, 五, 六; no S6 about a title outside it."""
    answers = consistent_answers()
    for fid in [f.id for f in FORM.fields.values() if f.section in ("review", "problems", "other")]:
        answers.pop(fid, None)
    structure = [
        {"kind": "structure.document", "id": "document", "section": "meta", "title_found": 0, "title_ok": 0,
         "cites_2019_basis": 0, "title_pattern": "…"},
        *({"kind": "structure.section", "id": f"section.{sid}", "section": sid, "present": 0, "content_found": 0,
           "numbered": 0, "sub": 0, "in_order": 0, "wording_ok": 0, "heading": sid, "number": ""}
          for sid in ("review", "problems", "other")),
        {"kind": "structure.table", "id": "table.review", "section": "review", "present": 0, "image": 0,
         "legacy": 0, "cells": 0, "name": "表四"},
    ]
    cut = coverage(2021, meta="none", requests="part", review="none", problems="none", other="none")
    found = check(answers, extra_facts=[*structure, cut])
    assert not [f for f in found if f.severity in ("error", "warning")
                and f.section in ("meta", "review", "problems", "other")]
    whole = check(answers, extra_facts=structure)  # the same facts of a complete file: all reported
    assert {"S1", "S6", "S7", "T5", "T6"} <= {f.code for f in whole}


def _table(**values) -> dict:
    return {"kind": "structure.table", "id": "table.active", "section": "active", "name": "表二",
            "present": 1, "image": 0, "legacy": 0, "cells": 0, "readable": 1, **values}


def test_s7_an_empty_table_needs_the_whole_section_or_two_rows_of_labels(consistent_answers):
    """wuqia-xian-nd.txt stops in table 二's header: nothing can be said of its numbers.
    wujin-tyjrswj-2022.txt stops in table 三 after rows of labels without numbers: it has none."""
    def s7(table: dict, active: str) -> list:
        cut = coverage(2021, active=active, requests="none", review="none", problems="none", other="none")
        return [f.section for f in check(consistent_answers(), extra_facts=[table, cut]) if f.code == "S7"]

    assert s7(_table(rows=0), "part") == []
    assert s7(_table(rows=3), "part") == ["active"]
    assert s7(_table(), "part") == ["active"]  # a reader that does not count rows: judged as before
    assert s7(_table(), "whole") == ["active"]
    # there, but its numbers could not be placed: said as such (where, why), never "no numbers"
    unreadable = [f for f in check(consistent_answers(), extra_facts=[_table(readable=0, why="栏目对应不上"),
                                                                     coverage(2021)]) if f.code == "S7"]
    assert [f.numbers.get("why") for f in unreadable] == ["栏目对应不上"]
    assert s7(_table(cells=4), "whole") == []
