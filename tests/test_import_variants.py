"""Variants of the real sample, made by changing its cells as printed: each N rule fires on the
imported report with the right row/column and numbers, and a consistent variant with non-zero
numbers (and its section 六 numbered properly) checks clean."""

from decimal import Decimal

import pytest

from gkassist import engine
from gkassist.cellstates import BLANK, NOT_APPLICABLE, CellState
from gkassist.importer import read_report_text


def check(text: str):
    report = read_report_text(text, "variant.txt")
    assert report.unreadable == []
    findings = engine.check(report.answers_as_printed(), extra_facts=report.structure_facts, notes=report.notes)
    return report, findings


def codes(findings, prefix=("N", "S")):
    return [(f.code, f.severity) for f in findings if f.code.startswith(prefix)]


def test_consistent_variant_with_non_zero_numbers_checks_clean(consistent_text):
    report, findings = check(consistent_text())
    assert report.answers["requests.new.natural"] == 3
    assert report.answers["requests.total.total"] == 4
    assert report.answers["active.fees"] == Decimal("2.55")
    assert report.answers["litigation_direct.total"] == 1
    assert [f for f in findings if f.severity == "error"] == []
    assert codes(findings) == []


def test_n2_row_total_differs_from_applicants(consistent_text, set_row):
    text = set_row(consistent_text(), "一、本年新收政府信息公开申请数量", [3, 1, 0, 0, 0, 0, 5])
    _, findings = check(text)
    n2 = [f for f in findings if f.code == "N2"]
    assert len(n2) == 1
    assert "「一、本年新收政府信息公开申请数量」" in n2[0].message
    assert n2[0].numbers["total"] == 5 and n2[0].numbers["right"] == 4
    assert "requests.new.total" in n2[0].fields


def test_n3_result_total_differs_from_results_in_the_right_column(consistent_text, set_row):
    # 商业企业: one more granted than (七)总计 says (row totals kept consistent)
    text = set_row(consistent_text(), "(一)予以公开", [2, 2, 0, 0, 0, 0, 4])
    _, findings = check(text)
    n3 = [f for f in findings if f.code == "N3"]
    assert [f.message.split("」")[0] for f in n3] == ["表三「商业企业", "表三「总计"]
    commercial = n3[0]
    assert commercial.numbers["total"] == 1 and commercial.numbers["right"] == 2


def test_n4_identity_broken_in_one_column(consistent_text, set_row):
    # 自然人: 3 new + 2 carried = 5, but 3 handled + 1 carried over = 4
    text = set_row(consistent_text(), "二、上年结转政府信息公开申请数量", [2, 0, 0, 0, 0, 0, 2])
    _, findings = check(text)
    n4 = [f for f in findings if f.code == "N4"]
    assert [f.message.split("」")[0] for f in n4] == ["表三「自然人", "表三「总计"]
    assert n4[0].numbers["left"] == 5 and n4[0].numbers["right"] == 4
    assert "requests.carried.natural" in n4[0].fields


def test_n5_review_total_wrong(consistent_text, set_review):
    text = set_review(consistent_text(), [1, 1, 0, 0, 3, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0])
    _, findings = check(text)
    n5 = [f for f in findings if f.code == "N5"]
    assert len(n5) == 1
    assert "行政复议" in n5[0].message
    assert n5[0].numbers["total"] == 3 and n5[0].numbers["right"] == 2


def test_n6_issued_more_than_in_force(consistent_text, set_row):
    text = set_row(consistent_text(), "行政规范性文件", [6, 0, 5])
    _, findings = check(text)
    n6 = [f for f in findings if f.code == "N6"]
    assert len(n6) == 1 and n6[0].severity == "warning"
    assert "行政规范性文件" in n6[0].message and n6[0].numbers["issued"] == 6


def test_n7_rules_for_a_county_department_is_an_error(consistent_text, set_row):
    # the agency's name says 区 … 局: a county-level department (inferred, with a note)
    text = set_row(consistent_text(), "规章", [1, 0, 1])
    report, findings = check(text)
    assert report.answers["meta.level"] == "county" and "meta.level" in report.notes
    n7 = [f for f in findings if f.code == "N7"]
    assert n7 and n7[0].severity == "error"


def test_n8_fee_entered_in_yuan(consistent_text, set_row):
    text = set_row(consistent_text(), "行政事业性收费", ["26550"])
    _, findings = check(text)
    assert [f.code for f in findings if f.code == "N8"] == ["N8"]


@pytest.mark.parametrize(("printed", "state"), [("", BLANK), ("/", NOT_APPLICABLE), ("—", NOT_APPLICABLE),
                                               ("不适用", NOT_APPLICABLE)])
def test_n1_blank_and_not_applicable_cells_are_kept_as_printed_not_read_as_zero(consistent_text, set_row, printed,
                                                                                state):
    text = set_row(consistent_text(), "3.其他", [0, 0, 0, 0, 0, printed if printed else " ", 0])
    if not printed:  # an empty scraped cell is white space then the bar
        text = text.replace("3.其他 |\n0 |\n0 |\n0 |\n0 |\n0 |\n  |", "3.其他 |\n0 |\n0 |\n0 |\n0 |\n0 |\n |")
    report, findings = check(text)
    assert "requests.other.other.other" not in report.answers  # a blank is not 0
    assert report.cells["requests.other.other.other"] == CellState(state, printed)
    n1 = [f for f in findings if f.code == "N1"]
    # one hint for the column, naming the row; no error, and the sums of the column still hold
    assert [(f.severity, f.numbers.get("blanks")) for f in n1] == [("hint", 1)]
    assert "「其他」列" in n1[0].message and "「3.其他」" in n1[0].message
    assert [f.code for f in findings if f.severity == "error"] == []


def test_n1_a_zero_word_is_a_zero_with_a_note(consistent_text, set_row):
    text = set_row(consistent_text(), "3.其他", [0, 0, 0, 0, 0, "无", 0])
    report, findings = check(text)
    assert report.answers["requests.other.other.other"] == 0
    assert "requests.other.other.other" in report.notes
    n1 = [f for f in findings if f.code == "N1"]
    assert len(n1) == 1 and n1[0].severity == "hint" and "「3.其他·其他」" in n1[0].message


@pytest.mark.parametrize("printed", ["-1", "1.5", "２.０"])
def test_n1_invalid_count_is_named_with_what_was_printed(consistent_text, set_row, printed):
    text = set_row(consistent_text(), "2.重复申请", [printed, 0, 0, 0, 0, 0, 0])
    report = read_report_text(text, "variant.txt")
    assert "requests.rejected.duplicate.natural" not in report.answers  # answers stay valid
    assert report.invalid == {"requests.rejected.duplicate.natural": printed}
    assert report.invalid_messages and "2.重复申请·自然人" in report.invalid_messages[0]
    # an importing user is told; a checker leaves it to N1 instead of saying it twice
    assert report.unreadable == report.invalid_messages
    assert report.unreadable_besides_invalid() == []
    findings = engine.check(report.answers_as_printed(), extra_facts=report.structure_facts, notes=report.notes)
    n1 = [f for f in findings if f.code == "N1" and f.severity == "error"]
    assert len(n1) == 1 and f"「{printed}」" in n1[0].message


def test_a_row_with_a_missing_cell_is_reported_not_guessed(consistent_text):
    lines = consistent_text().split("\n")
    i = lines.index("2.重复申请 |")
    del lines[i + 3]  # one cell lost in the scrape: six numbers before the next label
    report = read_report_text("\n".join(lines), "variant.txt")
    assert not any(fid.startswith("requests.rejected.duplicate.") for fid in report.answers)
    assert report.unreadable == ["表三（收到和处理政府信息公开申请情况）「2.重复申请」一行读到 6 个数，应为 7 个，本行未导入。"]
    assert report.answers["requests.rejected.publication.natural"] == 0  # the next row is unaffected
