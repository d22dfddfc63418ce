"""Structure rules S1–S7 on reports derived from the real sample: each fault found, named with
what was printed and what the format wants; and what a report lacks is reported, not guessed."""

from pathlib import Path

import pytest

from gkassist import engine
from gkassist.importer import read_report_text

SAMPLE_TEXT = (Path(__file__).parent / "fixtures" / "hongjiang-kjgxj-2024.txt").read_text(encoding="utf-8")
FIXED = SAMPLE_TEXT.replace("(三)其他需要报告的事项", "六、其他需要报告的事项")


def structural(text: str):
    report = read_report_text(text, "variant.txt")
    findings = engine.check(report.answers_as_printed(), extra_facts=report.structure_facts, notes=report.notes)
    return report, [f for f in findings if f.code.startswith("S")]


def test_the_corrected_sample_has_no_structural_finding():
    _, found = structural(FIXED)
    assert found == []


def test_s1_missing_section():
    start = FIXED.index("四、政府信息公开行政复议、行政诉讼情况")
    end = FIXED.index("五、存在的主要问题及改进情况")
    report, found = structural(FIXED[:start] + FIXED[end:])
    assert sorted((f.code, f.section) for f in found) == [("S1", "review"), ("S7", "review")]
    s1 = next(f for f in found if f.code == "S1")
    assert "缺少「四、政府信息公开行政复议、行政诉讼情况」" in s1.message
    assert "未找到表四（政府信息公开行政复议、行政诉讼情况）。" in report.unreadable
    assert not any(fid.startswith(("review.", "litigation")) for fid in report.answers)


def test_s1_sections_out_of_order():
    five = FIXED.index("五、存在的主要问题及改进情况")
    six = FIXED.index("六、其他需要报告的事项")
    swapped = FIXED[:five] + FIXED[six:] + "\n" + FIXED[five:six]
    report, found = structural(swapped)
    # 六 printed before 五: 五 is the one out of place
    assert [(f.code, f.section) for f in found] == [("S1", "problems")]
    assert "「五、存在的主要问题及改进情况」的位置不对" in found[0].message
    # the prose still lands where it belongs
    assert report.answers["other_matters"].startswith("依据《国务院办公厅")
    assert report.answers["measures"].endswith("整体水平。")


def test_s1_wrong_number_and_s2_wording():
    text = FIXED.replace("五、存在的主要问题及改进情况", "七、存在的主要问题及整改措施")
    _, found = structural(text)
    assert sorted(f.code for f in found) == ["S1", "S2"]
    s1 = next(f for f in found if f.code == "S1")
    s2 = next(f for f in found if f.code == "S2")
    assert "「七、存在的主要问题及整改措施」的序号不对" in s1.message
    assert "应为「五、存在的主要问题及改进情况」" in s2.message and s2.severity == "warning"


def test_punctuation_variants_are_no_wording_difference():
    text = FIXED.replace("四、政府信息公开行政复议、行政诉讼情况", "四. 政府信息公开行政复议,行政诉讼情况")
    _, found = structural(text)
    assert found == []


def test_s4_altered_row_label_still_read():
    text = FIXED.replace("行政规范性文件 |", "规范性文件 |")
    report, found = structural(text)
    assert [(f.code, f.severity) for f in found] == [("S4", "warning")]
    assert "「规范性文件」" in found[0].message and "「行政规范性文件」" in found[0].message
    assert report.answers["active.normative.in_force"] == 0


def test_s5_superseded_basis_cited():
    text = FIXED.replace("等相关文件精神", "和国办公开办函[2019]60号等相关文件精神")
    _, found = structural(text)
    assert [f.code for f in found] == ["S5"]


@pytest.mark.parametrize(
    ("title", "agency", "year"),
    [
        ("怀化市洪江区科技和工业信息化局2024年度政府信息公开工作年度报告", "怀化市洪江区科技和工业信息化局", 2024),
        ("2024年怀化市洪江区科技和工业信息化局政府信息公开工作年度报告", "怀化市洪江区科技和工业信息化局", 2024),
        ("怀化市洪江区科技和工业信息化局2024年政府信息公开工作年报", "怀化市洪江区科技和工业信息化局", 2024),
    ],
)
def test_s6_title_variants_still_give_agency_and_year(title, agency, year):
    text = FIXED.replace("怀化市洪江区科技和工业信息化局2024年政府信息公开工作年度报告", title, 1)
    report, found = structural(text)
    assert (report.agency, report.year) == (agency, year)
    assert [f.code for f in found] == ["S6"]
    assert f"「{title}」" in found[0].message


def test_s6_no_title():
    text = FIXED.split("\n", 1)[1]
    report, found = structural(text)
    # the opening sentence names the agency and the year (「现将科技和工业信息化局2024年…报告如下」)
    assert (report.agency, report.year) == ("科技和工业信息化局", 2024)
    assert "meta.agency" in report.notes
    # without a title the file may be a page whose title is outside the text (an excerpt): the
    # missing title is said once, as not read, and no rule judges what the file does not hold
    assert "S6" not in [f.code for f in found]
    assert any("报告标题" in m for m in report.unreadable)


def test_s7_table_with_headers_but_no_numbers():
    start = FIXED.index("行政复议 |")
    end = FIXED.index("五、存在的主要问题及改进情况")
    header_only = FIXED[start:end].replace("0 |\n", "")
    report, found = structural(FIXED[:start] + header_only + "（详见附件）\n" + FIXED[end:])
    assert [(f.code, f.section) for f in found] == [("S7", "review")]
    assert "没有读到任何数字" in found[0].message
    assert any("读到 0 个数，应为 15 个" in m for m in report.unreadable)


def test_headings_dropped_by_extraction_fall_back_to_sub_headings():
    text = FIXED.replace("一、总体情况\n", "").replace("五、存在的主要问题及改进情况\n", "")
    text = text.replace("(一)完善政府信息公开工作机制", "(一)主动公开")
    report, found = structural(text)
    assert report.answers["overview.proactive"].startswith("2024年根据《进一步做好洪江区")
    assert report.answers["problems"].startswith("当前,我局")
    assert report.answers["measures"].startswith("1. 强化信息审核发布流程")
    missing = sorted(f.section for f in found if f.code == "S1")
    assert missing == ["overview", "problems"]
    assert all("但找到了这一部分的内容" in f.message for f in found if f.code == "S1")


def test_a_table_without_its_heading_is_found_and_the_heading_reported():
    text = FIXED.replace("四、政府信息公开行政复议、行政诉讼情况\n", "")
    report, found = structural(text)
    assert len([k for k in report.answers if k.startswith(("review.", "litigation"))]) == 15
    assert [(f.code, f.section) for f in found] == [("S1", "review")]
    assert "没有找到「四、政府信息公开行政复议、行政诉讼情况」这一标题，但找到了这一部分的内容" in found[0].message


def test_tables_run_together_without_headings_are_split_and_classified():
    text = FIXED
    for heading in ("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"):
        text = text.replace(heading + "\n", "")
    report = read_report_text(text, "no-headings.txt")
    assert len([k for k in report.answers if k.startswith(("active.", "requests.", "review.", "litigation"))]) == 200
    assert report.unreadable == []


def test_a_title_broken_after_the_agency_name():
    text = FIXED.replace(
        "怀化市洪江区科技和工业信息化局2024年政府信息公开工作年度报告",
        "怀化市洪江区科技和工业信息化局\n2024年政府信息公开工作年度报告",
        1,
    )
    report, found = structural(text)
    assert (report.agency, report.year) == ("怀化市洪江区科技和工业信息化局", 2024)
    assert found == []


def test_a_table_printed_twice_is_read_once_and_said_so():
    start = FIXED.index("一、本年新收政府信息公开申请数量 |")
    end = FIXED.index("四、政府信息公开行政复议、行政诉讼情况")
    twice = FIXED[:end] + FIXED[start:end].replace("0 |", "7 |") + FIXED[end:]
    report = read_report_text(twice, "twice.txt")
    assert report.answers["requests.new.natural"] == 0  # the first table's numbers
    assert len(report.unreadable) == 25
    assert report.unreadable[0] == "表三（收到和处理政府信息公开申请情况）中「一、本年新收政府信息公开申请数量」一行出现了不止一次，只读取了第一次出现的数字。"


def test_the_opening_sentence_names_the_agency_with_信息公开_alone():
    # 开平市水利局 2025 (a real page, traditional characters, stored without its title): its report
    # is named 「信息公开工作年度报告」 without 「政府」, the agency only in the opening sentence
    opening = ("一、總體情況\n根據《中華人民共和國政府信息公開條例》(以下簡稱《條例》)的規定,現向社會公布開平市水利局"
               "2025年信息公開工作年度報告。本報告內容涵蓋我局2025年1月1日至12月31日期間的政府信息公開工作情況。\n")
    report = read_report_text(opening, "kaiping-slj-2025.txt")
    assert (report.agency, report.year) == ("开平市水利局", 2025)
    # 「信息公开」 alone names no report: an agency followed by a year and other words is no name
    report = read_report_text(opening.replace("信息公開工作年度報告", "信息公開工作取得新進展"), "x.txt")
    assert report.agency is None
