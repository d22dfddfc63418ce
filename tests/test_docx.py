"""The DOCX report: GB/T 9704 page, fonts for East Asian text, headings, tables with merged cells.

Opened with python-docx as a reader would, not by looking at our own builder's internals.
"""

from __future__ import annotations

import io
import shutil
import subprocess

import docx
import lxml.html
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from gkassist.answers import format_value
from gkassist.errors import UserError
from gkassist.form import FORM
from gkassist.render import render, render_to_bytes

HEADINGS = [s.heading for s in FORM.sections if s.heading]


def open_docx(answers: dict) -> docx.document.Document:
    return docx.Document(io.BytesIO(render_to_bytes(answers, "docx")))


@pytest.fixture(scope="module")
def sample(numbered_answers) -> docx.document.Document:
    return open_docx(numbered_answers())


# --- structure ---------------------------------------------------------------------------------


def test_title_and_the_six_headings_in_order(sample):
    title = [p for p in sample.paragraphs if p.style.name == "Title"]
    assert len(title) == 1
    # two lines, broken after the agency's name
    assert title[0].text == "怀化市洪江区科技和工业信息化局\n2024年政府信息公开工作年度报告"
    assert [p.text for p in sample.paragraphs if p.style.name == "Heading 1"] == HEADINGS
    subs = [p.text for p in sample.paragraphs if p.style.name == "Heading 2"]
    assert subs == [
        "（一）主动公开",
        "（二）政府信息管理",
        "（三）监督保障",
        "（一）存在的主要问题",
        "（二）改进措施",
    ]


def test_text_is_the_html_text_in_the_same_order(sample_answers):
    """One source of truth: the DOCX carries exactly the paragraphs of the HTML report."""
    answers = sample_answers()
    html = lxml.html.fromstring(render(answers, "html"))
    want = [" ".join(el.text_content().split()) for el in html.iter("h1", "h2", "h3", "p")]
    document = open_docx(answers)
    got = [p.text.replace("\n", "") for p in document.paragraphs if p.text]
    assert got == want


def grid(table) -> list[list]:  # noqa: ANN001 - a python-docx table
    """The table as rows of cells, a merged cell repeated in every slot it covers."""
    return [[table.cell(r, c) for c in range(len(table.columns))] for r in range(len(table.rows))]


def spans(table) -> dict[str, tuple[int, int]]:  # noqa: ANN001
    """Each cell's text → (rows, columns) it covers."""
    slots: dict[int, list[tuple[int, int]]] = {}
    text: dict[int, str] = {}
    for r, row in enumerate(grid(table)):
        for c, cell in enumerate(row):
            slots.setdefault(id(cell._tc), []).append((r, c))
            text[id(cell._tc)] = cell.text
    out = {}
    for key, where in slots.items():
        rows = {r for r, _ in where}
        cols = {c for _, c in where}
        out[text[key]] = (len(rows), len(cols))
    return out


def test_table_three_grid_and_merges(numbered_answers, sample):
    t3 = sample.tables[1]
    g = grid(t3)
    assert len(g) == 3 + 25 and all(len(r) == 3 + 7 for r in g)
    s = spans(t3)
    assert s[FORM.requests_note] == (3, 3)
    assert s["申请人情况"] == (1, 7)
    assert s["法人或其他组织"] == (1, 5)
    assert s["自然人"] == (2, 1) and s["总计"] == (2, 1)
    assert s["三、本年度办理结果"] == (22, 1)
    assert s["（三）不予公开"] == (8, 1) and s["（四）无法提供"] == (3, 1)
    assert s["（五）不予处理"] == (5, 1) and s["（六）其他处理"] == (3, 1)
    assert s["一、本年新收政府信息公开申请数量"] == (1, 3) and s["（一）予以公开"] == (1, 2)
    # 25 data rows × 7 numbers, each in its place
    answers = numbered_answers()
    for i, row in enumerate(FORM.requests_rows):
        cells = g[3 + i]
        assert cells[2].text == row.label
        assert [c.text for c in cells[: len(row.path)]] == list(row.path)
        want = [
            format_value(f"requests.{row.id}.{c.id}", FORM.value(f"requests.{row.id}.{c.id}", answers))
            for c in FORM.requests_columns
        ]
        assert [c.text for c in cells[3:]] == want, row.label


def test_tables_two_and_four(numbered_answers, sample):
    answers = numbered_answers()
    t2, _, t4 = sample.tables
    g2 = grid(t2)
    assert len(g2) == 14 and len(g2[0]) == 4
    assert spans(t2)["第二十条第（一）项"] == (1, 4)
    fees = g2[-1]
    assert fees[0].text == "行政事业性收费"
    assert fees[1]._tc is fees[3]._tc and fees[1].text == "26.55"
    assert [c.text for c in g2[2]] == ["规章"] + [
        format_value(f"active.rules.{c}", answers[f"active.rules.{c}"])
        for c in ("issued", "repealed", "in_force")
    ]
    g4 = grid(t4)
    assert len(g4) == 4 and len(g4[0]) == 15
    s4 = spans(t4)
    assert s4["行政复议"] == (1, 5) and s4["行政诉讼"] == (1, 10)
    assert s4["未经复议直接起诉"] == (1, 5) and s4["复议后起诉"] == (1, 5)
    ids = [f"{grp.id}.{c.id}" for grp in FORM.review_groups for c in FORM.review_columns]
    assert [c.text for c in g4[3]] == [format_value(f, FORM.value(f, answers)) for f in ids]


def test_table_headers_repeat_on_each_page_and_tables_fit_the_text_block(sample):
    for table in sample.tables:
        widths = [int(gc.get(qn("w:w"))) for gc in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert abs(sum(widths) - round(Mm(156).pt * 20)) <= len(widths)  # twips; rounding per column
    t3 = sample.tables[1]._tbl
    headers = [tr for tr in t3.tr_lst if tr.trPr is not None and tr.trPr.find(qn("w:tblHeader")) is not None]
    assert len(headers) == 3


# --- page and fonts ----------------------------------------------------------------------------


def test_page_is_a4_with_gbt9704_margins(sample):
    s = sample.sections[0]
    mm = lambda length: round(length.mm, 1)  # noqa: E731 - stored in twips: 210 mm reads 210.01
    assert (mm(s.page_width), mm(s.page_height)) == (210, 297)
    assert (mm(s.top_margin), mm(s.bottom_margin), mm(s.left_margin), mm(s.right_margin)) == (37, 35, 28, 26)


def east_asia_font(style) -> str | None:  # noqa: ANN001 - a python-docx style
    """The East Asian font a style resolves to through its basedOn chain (theme fonts refused)."""
    while style is not None:
        rpr = style.element.rPr
        fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
        if fonts is not None:
            assert fonts.get(qn("w:eastAsiaTheme")) is None, style.name
            if fonts.get(qn("w:eastAsia")):
                return fonts.get(qn("w:eastAsia"))
        style = style.base_style
    return None


def test_east_asian_fonts_are_named_everywhere(sample):
    styles = sample.styles
    defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert not any(k.endswith("Theme") for k in map(str, fonts.attrib))
    assert sample.settings.element.find(qn("w:themeFontLang")).get(qn("w:eastAsia")) == "zh-CN"
    assert east_asia_font(styles["Normal"]) == "仿宋_GB2312"
    assert east_asia_font(styles["Title"]) == "方正小标宋简体"
    assert east_asia_font(styles["Heading 1"]) == "黑体"
    assert east_asia_font(styles["Heading 2"]) == "楷体_GB2312"
    assert styles["Normal"].font.size == Pt(16)
    assert styles["Title"].font.size == Pt(22)
    assert styles["Heading 1"].font.size == styles["Heading 2"].font.size == Pt(16)
    assert not styles["Title"].font.bold and not styles["Heading 1"].font.bold
    # every paragraph in the body and in the tables resolves to a named East Asian font
    paragraphs = list(sample.paragraphs)
    for t in sample.tables:
        for row in t.rows:
            for cell in row.cells:
                paragraphs.extend(cell.paragraphs)
    used = {p.style.name for p in paragraphs}
    for name in used:
        assert east_asia_font(styles[name]), name
    table_style = {p.style.name for t in sample.tables for p in t.rows[0].cells[0].paragraphs}.pop()
    assert styles[table_style].font.size < Pt(16)  # tables in a smaller size so that they fit
    # no run overrides a font with a theme font
    assert b"eastAsiaTheme" not in sample.element.xml.encode()


def test_body_lines_make_22_by_28(sample_answers):
    normal = docx.Document(io.BytesIO(render_to_bytes(sample_answers(), "docx"))).styles["Normal"]
    fmt = normal.paragraph_format
    assert fmt.line_spacing_rule is not None and fmt.line_spacing_rule.name == "EXACTLY"
    assert 22 * fmt.line_spacing <= Mm(225) < 23 * fmt.line_spacing
    assert fmt.widow_control is False  # widow control would push a 22nd line to the next page
    spacing = int(normal.element.rPr.find(qn("w:spacing")).get(qn("w:val")))  # twentieths of a point
    char = 16 + spacing / 20
    assert 28 * char <= Mm(156).pt < 29 * char


def test_page_numbers_odd_right_even_left(sample):
    assert sample.settings.odd_and_even_pages_header_footer
    section = sample.sections[0]
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        p = footer.paragraphs[0]
        xml = p._p.xml
        assert "PAGE" in xml and 'fldCharType="begin"' in xml
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert p.alignment.name == side.upper()
        indent = p.paragraph_format.right_indent if side == "right" else p.paragraph_format.left_indent
        assert indent == Pt(14)  # one 四号 character in
    assert east_asia_font(sample.styles["Footer"]) == "宋体"


# --- drafts and user text ----------------------------------------------------------------------


def test_a_draft_renders_with_visible_gaps():
    d = open_docx({"meta.agency": "某县某局", "meta.year": 2025})
    assert [p.text for p in d.paragraphs if p.style.name == "Heading 1"] == HEADINGS
    gaps = [r for p in d.paragraphs for r in p.runs if r.text == FORM.gap_marker]
    assert gaps and all(str(r.font.color.rgb) == "C00000" for r in gaps)
    cells = {c.text for t in d.tables for row in t.rows for c in row.cells}
    assert FORM.gap_marker in cells
    # a one-line title is not broken
    assert [p.text for p in d.paragraphs if p.style.name == "Title"] == [
        "某县某局2025年政府信息公开工作年度报告"
    ]


def test_user_text_comes_out_literally(hostile_text, sample_answers):
    answers = sample_answers() | {"problems": hostile_text, "meta.agency": "A<b>局</b>"}
    d = open_docx(answers)
    assert hostile_text in [p.text for p in d.paragraphs]
    assert d.paragraphs[0].text.startswith("A<b>局</b>")


# --- PDF -----------------------------------------------------------------------------------------


def test_pdf_without_libreoffice_is_a_chinese_message(sample_answers, monkeypatch, tmp_path):
    monkeypatch.setenv("GKASSIST_SOFFICE", str(tmp_path / "no-such-soffice"))
    with pytest.raises(UserError) as err:
        render_to_bytes(sample_answers(), "pdf")
    assert "LibreOffice" in err.value.message and "apt-get install" in err.value.message


needs_libreoffice = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) and poppler-utils (pdftoppm, pdftotext) are not installed",
)


@pytest.mark.slow
@needs_libreoffice
def test_docx_to_pdf_to_png(numbered_answers, tmp_path):
    """The page a person looks at: A4 pages, the text and the numbers present, an image per page."""
    pdf = render_to_bytes(numbered_answers(), "pdf")
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    for heading in HEADINGS:
        assert heading in flat
    assert "—1—" in flat and "—2—" in flat
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 3
    assert all(p.stat().st_size > 5_000 for p in pages)  # not blank


def test_table_properties_are_in_schema_order(sample):
    """Word refuses a file whose w:tblPr children are out of the ECMA-376 order."""
    order = ["tblStyle", "tblW", "jc", "tblInd", "tblBorders", "tblLayout", "tblCellMar", "tblLook"]
    for table in sample.tables:
        tags = [el.tag.split("}")[1] for el in table._tbl.tblPr]
        assert tags == sorted(tags, key=order.index)
        assert "tblLayout" in tags and "jc" in tags
        for tc in table._tbl.iter(qn("w:tc")):
            tc_tags = [el.tag.split("}")[1] for el in tc.tcPr]
            assert tc_tags == sorted(tc_tags, key=["tcW", "gridSpan", "vMerge", "vAlign"].index)
