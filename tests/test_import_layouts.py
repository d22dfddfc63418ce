"""Every layout a report comes in reads to the same answers: gkassist's own txt / md / html,
tab- and space-separated rows (PDF extraction, page numbers and all), Markdown rows."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from gkassist.answers import from_json
from gkassist.form import FORM
from gkassist.importer import read_report, read_report_text
from gkassist.render import render

FIXTURES = Path(__file__).parent / "fixtures"
TABLE_PREFIXES = ("active.", "requests.", "review.", "litigation_")


def session_answers() -> dict:
    raw = json.loads((FIXTURES / "hongjiang-2024.session.json").read_text(encoding="utf-8"))["answers"]
    answers = {fid: from_json(fid, value) for fid, value in raw.items()}
    for i, f in enumerate(f for f in FORM.input_fields() if f.kind == "count"):
        answers[f.id] = (i * 5) % 11
    answers["active.fees"] = Decimal("4068.208")
    answers["overview.on_request"] = "本年度收到申请若干件，均按时答复。"
    answers["rectification"] = "上年度问题已整改。"
    return answers


@pytest.mark.parametrize("fmt", ["txt", "md", "html"])
def test_gkassist_renderings_read_back_to_the_same_answers(fmt):
    answers = session_answers()
    report = read_report_text(render(answers, fmt), f"report.{fmt}")
    assert report.unreadable == [] and report.invalid == {}
    for fid, value in answers.items():
        assert report.answers.get(fid) == value, fid
    for fid, value in report.answers.items():
        if fid not in answers:
            assert FORM.is_derived(fid) and value == FORM.value(fid, answers), fid


def test_pdf_extraction_with_tabs_spaces_and_page_numbers():
    page = read_report(FIXTURES / "qinglin-jtj-2023.html")
    extract = read_report(FIXTURES / "qinglin-jtj-2023-pdf-extract.txt")
    assert extract.source["format"] == "text-rows"
    assert extract.unreadable == []
    tables = {k: v for k, v in page.answers.items() if k.startswith(TABLE_PREFIXES)}
    # the PDF prints 0 where the page printed 「/」 or left the cell blank
    tables |= {k: 0 for k in page.cells}
    assert {k: v for k, v in extract.answers.items() if k.startswith(TABLE_PREFIXES)} == tables
    assert extract.answers["overview.on_request"] == page.answers["overview.on_request"]  # no 「— 1 —」
    assert extract.answers["measures"] == page.answers["measures"]


def test_markdown_rows_without_header_lines():
    # how converters (KIROGOVCOMPARE's fixtures) print tables: one Markdown row per table row
    rows = [f"| {r.label} | 3 | 0 | 0 | 0 | 19 | 2 | 24 |" for r in FORM.requests_rows]
    text = "\n".join(
        ["某某市某某局2023年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况", *rows,
         "四、政府信息公开行政复议、行政诉讼情况",
         "| 119 | 25 | 91 | 24 | 259 | 7 | 0 | 15 | 6 | 28 | 21 | 1 | 7 | 9 | 38 |"]
    )
    report = read_report_text(text, "converted.md")
    assert all(report.answers[f"requests.{r.id}.legal"] == 19 for r in FORM.requests_rows)
    assert report.answers["requests.carry_over.total"] == 24
    assert [report.answers[f"review.{c.id}"] for c in FORM.review_columns] == [119, 25, 91, 24, 259]
    assert report.answers["litigation_after_review.total"] == 38


def test_word_report_reads_back_to_the_same_answers(tmp_path):
    from gkassist.render import render_to_bytes

    answers = session_answers()
    path = tmp_path / "report.docx"
    path.write_bytes(render_to_bytes(answers, "docx"))
    report = read_report(path)
    assert report.source["format"] == "docx"
    assert report.unreadable == []
    for fid, value in answers.items():
        assert report.answers.get(fid) == value, fid


def test_damaged_word_file_and_other_zip_files_are_reported(tmp_path):
    import zipfile

    damaged = tmp_path / "damaged.docx"
    with zipfile.ZipFile(damaged, "w") as z:
        z.writestr("word/document.xml", "<not xml")
    report = read_report(damaged)
    assert report.failed and "Word 文件，但内容已损坏" in report.unreadable[0]
    sheet = tmp_path / "table.xlsx"
    with zipfile.ZipFile(sheet, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    report = read_report(sheet)
    assert report.failed and "压缩包" in report.unreadable[0] and "Word（.docx）" in report.unreadable[0]
