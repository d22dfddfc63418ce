"""The importer never crashes: truncated, shuffled, mangled and random input is reported.

Property-based (hypothesis): whatever the input, ``read_report_text`` returns an ImportedReport
whose parts have the promised types; a fact list with unique ids; answers only for known fields,
typed as the form says."""

from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gkassist.form import FORM
from gkassist.importer import ImportedReport, read_report, read_report_text

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = (FIXTURES / "hongjiang-kjgxj-2024.txt").read_text(encoding="utf-8")
PAGE = (FIXTURES / "qinglin-jtj-2023.html").read_text(encoding="utf-8")
SAMPLE_LINES = SAMPLE.split("\n")
PAGE_LINES = PAGE.split("\n")

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# characters reports are made of, plus the ones that break naive parsers
ALPHABET = st.sampled_from(
    list("0123456789０１２３|｜ \t\n\u3000\xa0、（）()一二三四五六七八九十总计合计其他/—-.<>\"'&;=")
    + ["<table>", "<tr>", "<td rowspan=\"3\">", "<td colspan=\"99999\">", "</td>", "</tr>", "</table>", "<p>", "<br>",
       "一、总体情况", "六、其他需要报告的事项", "(三)其他需要报告的事项", "第二十条第(一)项", "行政复议", "申请人情况",
       "2024年政府信息公开工作年度报告", "发布日期：2025-13-45", "【待填写】", "&nbsp;", "<?xml version='1.0' encoding='gbk'?>"]
)


def well_formed(report: ImportedReport) -> None:
    assert isinstance(report, ImportedReport)
    assert all(isinstance(m, str) and m for m in report.unreadable)
    ids = [f["id"] for f in report.structure_facts]
    assert len(ids) == len(set(ids)) and all(isinstance(i, str) for i in ids)
    assert all(isinstance(f["kind"], str) for f in report.structure_facts)
    for fid, value in report.answers.items():
        field = FORM.field(fid)  # KeyError: an unknown field id
        if field.kind == "count":
            assert isinstance(value, int) and not isinstance(value, bool) and value >= 0, (fid, value)
        elif field.kind == "money":
            assert isinstance(value, Decimal) and value >= 0, (fid, value)
        elif field.kind == "year":
            assert isinstance(value, int), (fid, value)
        else:
            assert isinstance(value, str) and value, (fid, value)
    assert set(report.notes) <= set(report.answers)
    assert not set(report.invalid) & set(report.answers)
    if report.failed:
        assert report.unreadable


@FUZZ
@given(st.integers(0, len(SAMPLE)))
def test_truncated_sample(n):
    well_formed(read_report_text(SAMPLE[:n], "cut.txt"))


@FUZZ
@given(st.integers(0, len(PAGE)))
def test_truncated_page(n):
    well_formed(read_report_text(PAGE[:n], "cut.html"))


@FUZZ
@given(st.permutations(SAMPLE_LINES))
def test_shuffled_sample_lines(lines):
    well_formed(read_report_text("\n".join(lines), "shuffled.txt"))


def test_shuffled_sample_with_a_stray_table_in_a_cut_file():
    # found by test_shuffled_sample_lines in CI: a file cut at the end, with a table in 二–四 that is no
    # table of the format; its rows become lines no position in the file names
    import json

    order = json.loads((Path(__file__).parent / "data" / "shuffled_sample_stray_table.json").read_text())
    report = read_report_text("\n".join(SAMPLE_LINES[i] for i in order), "shuffled.txt")
    well_formed(report)
    assert report.extent.cut_end


@FUZZ
@given(st.permutations(PAGE_LINES))
def test_shuffled_page_lines(lines):
    well_formed(read_report_text("\n".join(lines), "shuffled.html"))


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(SAMPLE_LINES) - 1), st.lists(ALPHABET, max_size=4).map("".join)), max_size=20))
def test_mangled_sample_lines(edits):
    lines = list(SAMPLE_LINES)
    for i, text in edits:
        lines[i] = text
    well_formed(read_report_text("\n".join(lines), "mangled.txt"))


@FUZZ
@given(st.lists(ALPHABET, max_size=300).map("".join))
def test_garbage_made_of_report_pieces(text):
    well_formed(read_report_text(text, "garbage.txt"))


@FUZZ
@given(st.text(max_size=2000))
@example("│")  # found by this test: a table rule alone became an empty preamble answer
def test_any_unicode_text(text):
    well_formed(read_report_text(text, "any.txt"))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=3000))
def test_any_bytes_from_a_file(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "x.txt"
    path.write_bytes(data)
    well_formed(read_report(path))
