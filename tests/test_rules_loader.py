"""The rule files: what the loader accepts, how it rejects a bad file, and what it compiles to."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from gkassist import expressions, rulebook
from gkassist.engine import check
from gkassist.resources import rules_dir
from gkassist.rulebook import RuleFileError, load_rulebook

RULES = rules_dir()


def write(tmp_path: Path, text: str, name: str = "extra.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def rejection(tmp_path: Path, text: str) -> str:
    with pytest.raises(RuleFileError) as info:
        load_rulebook([write(tmp_path, text)])
    return str(info.value)


GOOD = """
rules:
  - code: N9
    severity: warning
    title: 本年制发件数偏多
    scope: each row of table 二 第（一）项
    reads: [issued]
    check: issued <= 20
    message: 表二「{row}」本年制发 {issued} 件，超过 {right} 件，请核对。
"""


def test_the_shipped_catalogue_loads():
    book = load_rulebook()
    assert len(book.rules) >= 22
    assert {"numbers.yaml", "previous.yaml", "narrative.yaml", "dates.yaml"} <= {
        Path(f).name for f in book.files
    }


def test_a_new_rule_of_an_existing_kind_needs_only_a_rule_file(consistent_answers, one_finding, tmp_path):
    book = load_rulebook([RULES / "numbers.yaml", write(tmp_path, GOOD)])
    answers = {**consistent_answers(), "active.normative.issued": 25, "active.normative.in_force": 30}
    f = one_finding(check(answers, rulebook=book), "N9")
    assert f.message == "表二「行政规范性文件」本年制发 25 件，超过 20 件，请核对。"
    assert f.fields == ("active.normative.issued",)
    assert [x for x in check(consistent_answers(), rulebook=book) if x.code == "N9"] == []


def test_chinese_scope_and_severity_words_are_accepted(tmp_path):
    text = GOOD.replace("each row of table 二 第（一）项", "表二第（一）项每一行").replace("warning", "警告")
    book = load_rulebook([write(tmp_path, text)])
    assert book.rule("N9").severity == "warning"


def test_a_yaml_syntax_error_names_the_file_and_line(tmp_path):
    message = rejection(tmp_path, "rules:\n  - code: N9\n    title: [unclosed\n")
    assert "rules/extra.yaml" in message and "第" in message and "YAML" in message


@pytest.mark.parametrize(
    "change, expected",
    [
        (("issued <= 20", "issud <= 20"), "「issud」在本检查对象中不存在"),
        (("issued <= 20", "__import__('os').system('true')"), "不是条件"),
        (("issued <= 20", "issued <= len(x)"), "无法理解"),
        (("issued <= 20", "issued <= 2.5"), "只能用整数"),
        (("issued <= 20", "issued <= "), "不是合法的算式"),
        (("issued <= 20", "issued <= in_force"), "没有列在 reads 里"),
        (("severity: warning", "severity: fatal"), "severity 应为"),
        (("each row of table 二 第（一）项", "each cell"), "不认识的检查对象"),
        (("{issued} 件", "{isued} 件"), "{isued}"),
        (("check: issued <= 20", "check: issued <= fee_max[meta.level]"), "没有名为 fee_max 的表"),
        (("    title: 本年制发件数偏多\n", ""), "title"),
        (("code: N9", "code: n9"), "code 应为规则编码"),
        (("reads: [issued]", "reads: [issued]\n    colour: red"), "不认识的项：colour"),
    ],
)
def test_a_malformed_rule_is_rejected_naming_the_rule_and_the_problem(tmp_path, change, expected):
    old, new = change
    assert old in GOOD
    message = rejection(tmp_path, GOOD.replace(old, new))
    assert "rules/extra.yaml" in message and "N9" in message.replace("n9", "N9")
    assert expected in message


def test_duplicate_ids_across_files_are_rejected(tmp_path):
    with pytest.raises(RuleFileError, match="id N9 与"):
        load_rulebook([write(tmp_path, GOOD, "a.yaml"), write(tmp_path, GOOD, "b.yaml")])


def test_every_problem_of_a_file_is_listed_at_once(tmp_path):
    text = GOOD + GOOD.replace("rules:\n", "").replace("N9", "N10").replace("issued <= 20", "bogus > 1")
    text = text.replace("severity: warning", "severity: nope", 1)
    message = rejection(tmp_path, text)
    assert "规则 N9" in message and "规则 N10" in message


def test_a_broken_rule_file_stops_the_command_with_a_chinese_message(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "rules"
    folder.mkdir()
    for f in RULES.glob("*.yaml"):
        (folder / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    write(folder, GOOD.replace("issued <= 20", "issued <=> 20"), "local.yaml")
    monkeypatch.setattr("gkassist.resources.rules_dir", lambda: folder)
    rulebook.default_rulebook.cache_clear()
    try:
        from gkassist.cli import main

        code = main(["check", str(Path(__file__).parent / "fixtures" / "hongjiang-2024.session.json")])
    finally:
        rulebook.default_rulebook.cache_clear()
    captured = capsys.readouterr()
    err = captured.err
    assert code == 2, captured
    assert "规则文件有误" in err, captured
    assert "rules/local.yaml，规则 N9" in err and "Traceback" not in err


def test_checks_compile_to_durable_rules_json_with_guards():
    book = load_rulebook([RULES / "numbers.yaml"])
    _, n4 = book.cases_by_key["N4"]
    pattern = n4.pattern["$and"]
    assert pattern[0] == {"kind": "requests.column"}
    text = str(pattern)
    # a missing field must not read as null: each referenced field is guarded
    for key in ("carried", "total", "carry_over"):
        assert f"{{'$ex': {{'{key}': 1}}}}" in text
    assert "'$neq': {'new'" in text


def test_lookups_expand_to_one_alternative_per_entry():
    book = load_rulebook([RULES / "numbers.yaml"])
    _, n8 = book.cases_by_key["N8"]
    # the case's condition, then the rule's applicability flag (rules/numbers.yaml applies)
    condition, flag = n8.pattern["$and"][1]["$and"]
    assert flag == {"$neq": {"applies__N8": 0}}
    alternatives = condition["$or"]
    assert len(alternatives) == len(book.tables["fee_max"].values)
    assert {"$and": [{"meta__level": "county"}, {"$gt": {"active__fees": 10000 * 10000}}]} in alternatives


def test_messages_keep_no_stray_spaces_from_folded_lines():
    assert rulebook._join_lines("请补上\n这一段。\n数字 {n}\n件，另见「表三」\n。") == "请补上这一段。数字 {n} 件，另见「表三」。"


def test_the_parser_never_evaluates():
    parser = expressions.Parser({}, {})
    for text in ("open('x')", "a.b()", "[x for x in y]", "lambda: 1", "a if b else c", "a ** 2", "a / 2"):
        with pytest.raises(expressions.ExprError):
            parser.parse_cond(text) if "==" in text else parser.parse_lin(text)

