"""PDF reports with a text layer (issue 17 item 1): the same report as a PDF, as a web page and as
text gives the same findings; the tables' cells land in their fields (merged headers, a table
broken over pages with its header repeated, numbers in a Latin font with spaces, blank cells);
a scan is refused as needing OCR; the real PDF text of the corpus reads as its text does."""

from __future__ import annotations

from pathlib import Path

import pdfmaker  # tests/pdfmaker.py
import pypdfium2 as pdfium
import pytest

from gkassist.checking import check_file
from gkassist.form import FORM
from gkassist.importer import read_report
from gkassist.importer.model import Table
from gkassist.importer.pdf_layout import read_pdf
from gkassist.render import render
from gkassist.render.context import build_report

CORPUS = Path(__file__).parent / "corpus" / "reports"
LAYOUTS = {
    "ruled": {},
    "latin-spaced": {"latin_digits": True, "spaced_digits": True},
    "broken-over-pages": {"break_requests": True, "running_header": True},
    "no-rules": {"ruled": False},
}
TABLE_SECTIONS = ("active", "requests", "review")


def _key(result) -> list:  # noqa: ANN001
    assert result.error is None, result.error
    return sorted((f.code, f.severity, f.fields, f.section, tuple(sorted(f.numbers.items()))) for f in result.findings)


def _faulty(answers: dict) -> dict:
    """Faults of several kinds: a row that does not add up, a total off by one, a 复议 total."""
    answers["requests.new.natural"] += 1  # N4: the balance of table 三
    answers["review.total"] = answers.get("review.total", 0) + 1  # N5 on 行政复议
    answers["problems"] = answers["problems"] + "2024年共受理政府信息公开申请 99 件。"  # T3 against the table
    return answers


@pytest.fixture(params=sorted(LAYOUTS))
def layout(request) -> str:  # noqa: ANN001
    return request.param


# PDFium loses a one-character text object of a font the PDF does not embed where the machine has
# no Chinese font (the reader then says so: test_characters_pdfium_cannot_read_are_reported)
needs_chinese_font = pytest.mark.skipif(not pdfmaker.pdfium_reads_unembedded_chinese(),
                                        reason=pdfmaker.NO_CHINESE_FONT)


@needs_chinese_font
@pytest.mark.parametrize("which", ["consistent", "numbered-faulty"])
def test_pdf_gives_the_findings_of_the_same_report_as_text_and_html(tmp_path, layout, which, consistent_answers,
                                                                    numbered_answers):
    answers = consistent_answers() if which == "consistent" else _faulty(numbered_answers())
    txt, html, pdf = tmp_path / "r.txt", tmp_path / "r.html", tmp_path / "r.pdf"
    txt.write_text(render(answers, "txt"), encoding="utf-8")
    html.write_text(render(answers, "html"), encoding="utf-8")
    pdf.write_bytes(pdfmaker.report_pdf(answers, **LAYOUTS[layout]))
    as_text, as_html, as_pdf = (check_file(str(p)) for p in (txt, html, pdf))
    assert _key(as_text) == _key(as_html)
    assert _key(as_pdf) == _key(as_text)
    assert as_pdf.input.agency == answers["meta.agency"] and as_pdf.input.year == answers["meta.year"]
    if which != "consistent":
        assert {"N4", "N5", "T3"} <= {f.code for f in as_pdf.findings}


@needs_chinese_font
def test_every_cell_lands_in_its_field(tmp_path, layout, numbered_answers):
    answers = numbered_answers()
    path = tmp_path / "r.pdf"
    path.write_bytes(pdfmaker.report_pdf(answers, **LAYOUTS[layout]))
    report = read_report(path)
    ids = [f.id for f in FORM.input_fields() if f.is_number and f.section in TABLE_SECTIONS]
    assert {fid: report.answers.get(fid) for fid in ids} == {fid: answers[fid] for fid in ids}
    assert not report.unreadable, report.unreadable
    assert report.source["format"] == "pdf"


@needs_chinese_font
def test_blank_cells_keep_their_place(tmp_path, numbered_answers):
    """A blank cell is where the ruled grid says it is (text alone would lose its column)."""
    answers = numbered_answers()
    blank = ["requests.new.research", "requests.granted.natural", "review.upheld", "active.normative.repealed"]
    for fid in blank:
        del answers[fid]
    html, pdf = tmp_path / "r.html", tmp_path / "r.pdf"
    html.write_text(render(answers, "html", mark_gaps=False), encoding="utf-8")
    pdf.write_bytes(pdfmaker.report_pdf(answers))
    report = read_report(pdf)
    assert {fid: report.cells[fid].state for fid in blank} == dict.fromkeys(blank, "blank")
    ids = [f.id for f in FORM.input_fields() if f.is_number and f.section in TABLE_SECTIONS and f.id not in blank]
    assert {fid: report.answers.get(fid) for fid in ids} == {fid: answers[fid] for fid in ids}
    assert _key(check_file(str(pdf))) == _key(check_file(str(html)))


def _table_rows(doc) -> list[list[list[str]]]:  # noqa: ANN001
    return [[[c.text for c in row] for row in it.rows] for it in doc.items if isinstance(it, Table)]


def test_a_table_broken_over_pages_is_one_table_without_its_repeated_header(numbered_answers):
    answers = numbered_answers()
    data = pdfmaker.report_pdf(answers, break_requests=True, running_header=True)
    pdf = pdfium.PdfDocument(data)
    try:  # the layout does what it says: table 三's header is printed on two pages
        pages = [pdf[k].get_textpage().get_text_range() for k in range(len(pdf))]
    finally:
        pdf.close()
    assert sum(1 for text in pages if FORM.requests_applicant_header in text) == 2
    doc = read_pdf(data)
    # the three tables, each whole (as many rows as the grid gkassist renders), and row for row
    # what the same report printed without the page break reads
    grids = [len(s.table.grid) for s in build_report(answers, mark_gaps=False).sections if s.table is not None]
    assert [len(t) for t in _table_rows(doc)] == grids
    assert _table_rows(doc) == _table_rows(read_pdf(pdfmaker.report_pdf(answers)))
    requests = [t for t in doc.items if isinstance(t, Table) and any("本年新收" in c.text for c in t.cells())]
    assert len(requests) == 1
    labels = [c.text for c in requests[0].cells()]
    assert labels.count(FORM.requests_applicant_header) == 1  # the header printed again is dropped
    # the running header (the title on every page) and the page numbers are no text of the report
    lines = [it.text for it in doc.items if not isinstance(it, Table)]
    assert sum(1 for t in lines if "年度报告" in t and "政府信息公开" in t) <= 2  # the title (two lines)
    assert not any(t.startswith("—") for t in lines)


def test_numbers_in_prose_lose_the_spaces_around_them(numbered_answers):
    answers = numbered_answers()
    answers["overview.on_request"] = "全年共受理政府信息公开申请 1296 件，2024年办结。"
    doc = read_pdf(pdfmaker.report_pdf(answers, latin_digits=True, spaced_digits=True))
    text = "\n".join(getattr(it, "text", "") for it in doc.items)
    assert "申请1296件，2024年办结" in text


def test_a_paragraph_wrapped_over_lines_and_pages_is_one_paragraph(tmp_path, numbered_answers):
    answers = numbered_answers()
    long = "一是" + "加强政府信息公开平台建设，规范发布流程，" * 40 + "全面提升公开质量。"
    answers["measures"] = long
    path = tmp_path / "r.pdf"
    path.write_bytes(pdfmaker.report_pdf(answers))
    assert read_report(path).answers["measures"].replace(",", "，").replace(":", "：") == long


def test_a_scan_needs_ocr(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(pdfmaker.scan_pdf())
    report = read_report(path)
    assert report.failed and report.source["format"] == "pdf"
    assert "OCR" in report.unreadable[0]
    result = check_file(str(path))
    assert result.error is not None and "OCR" in result.error


def test_a_damaged_pdf_is_refused_with_a_reason(tmp_path, numbered_answers):
    path = tmp_path / "cut.pdf"
    path.write_bytes(pdfmaker.report_pdf(numbered_answers())[:3000])
    result = check_file(str(path))
    assert result.error is not None and result.input is None


def _pdf_text_pages() -> list[Path]:
    return sorted(p for p in CORPUS.glob("*.txt")
                  if "layout: pdf-text" in p.with_name(p.stem + ".expected.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", _pdf_text_pages(), ids=lambda p: p.stem)
def test_real_pdf_text_reads_as_its_text(tmp_path, page):
    """A real PDF page's text (the corpus's flip-book pages), placed line by line as it was printed:
    the same findings as the text."""
    path = tmp_path / "page.pdf"
    path.write_bytes(pdfmaker.text_pdf(page.read_text(encoding="utf-8").splitlines()))
    assert _key(check_file(str(path))) == _key(check_file(str(page)))


def test_characters_pdfium_cannot_read_are_reported_never_dropped_silently():
    # a cell's label wrapped onto a second line of one character, in a font the PDF does not embed
    pdf = pdfmaker.text_pdf(["2024年政府信息公开工作年度报告", "5.属于三类内部事务信", "息", "公开"] * 2)
    document = read_pdf(pdf)
    read = "".join(getattr(item, "text", "") for item in document.items)
    lost = [note for note in document.notes if "无法读出" in note]
    if pdfmaker.pdfium_reads_unembedded_chinese():
        assert read.count("息") == 4 and lost == []
    else:  # this machine has no Chinese font: the two lone 「息」 are lost, and the reading says so
        assert read.count("息") == 2
        assert lost == ["PDF 中有 2 处文字（第 1 页）无法读出：文件没有嵌入这些文字所用的中文字体，本机也没有可代替的中文字体，"
                        "这些文字未读取（表格中的单元格可能因此不全）。请在本机安装一种中文字体（如文泉驿正黑、思源宋体）后再检查，"
                        "或把报告另存为网页、Word 或纯文本文件再检查。"]
