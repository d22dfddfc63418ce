"""HTML report pages: merged cells expanded, the body found inside portal chrome, the 2019 trial
format recognised (S3) instead of mis-read, and the rowspan/colspan expansion itself."""

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gkassist import engine
from gkassist.cellstates import BLANK, NOT_APPLICABLE, CellState
from gkassist.form import FORM
from gkassist.htmlgrid import MAX_COLUMNS, expand, place, span_value
from gkassist.importer import read_report, read_report_text

FIXTURES = Path(__file__).parent / "fixtures"
PAGE_2021 = FIXTURES / "qinglin-jtj-2023.html"
PAGE_2019 = FIXTURES / "shiqiao-zhen-2021-format2019.html"


@pytest.fixture(scope="module")
def page():
    return read_report(PAGE_2021)


def test_all_numbers_of_a_2021_page_with_merged_cells(page):
    a = page.answers
    assert page.source["format"] == "html"
    assert page.unreadable == [] and page.invalid == {}
    for table in ("active", "requests", "review"):  # every cell read: a number, or kept as printed
        assert all(fid in a or fid in page.cells for fid in FORM.table_field_ids(table)), table
    # a colspan=3 value cell is read once, not three times
    assert (a["active.licensing"], a["active.penalty"], a["active.coercion"]) == (156, 43, 2)
    assert a["active.fees"] == Decimal("26.55")
    assert [a[f"active.normative.{c}"] for c in ("issued", "repealed", "in_force")] == [3, 1, 12]
    # rows under rowspan'd group labels land on their own fields
    assert [a[f"requests.new.{c.id}"] for c in FORM.requests_columns] == [10, 2, 0, 0, 1, 0, 13]
    assert a["requests.denied.third_party.natural"] == 1
    assert a["requests.unable.not_held.legal"] == 1
    assert a["requests.rejected.duplicate.commercial"] == 1
    assert a["requests.other.overdue_correction.natural"] == 1
    assert a["requests.total.total"] == 13 and a["requests.carry_over.natural"] == 1
    assert [a[f"litigation_direct.{c.id}"] for c in FORM.review_columns] == [1, 1, 0, 1, 3]


def test_placeholders_in_a_page_are_kept_as_printed_never_read_as_zero(page):
    # 规章 printed 「/」 (not applicable); two cells printed &nbsp; (blank)
    for fid in ("active.rules.issued", "active.rules.repealed", "active.rules.in_force"):
        assert fid not in page.answers and page.cells[fid] == CellState(NOT_APPLICABLE, "/")
    assert page.cells["requests.denied.query.social"] == CellState(BLANK)
    assert page.cells["requests.rejected.excessive.other"] == CellState(BLANK)
    assert page.answers_as_printed()["requests.rejected.excessive.other"] == CellState(BLANK)


def test_prose_title_and_date_of_a_page(page):
    a = page.answers
    assert page.agency == "示范市青林区交通运输局" and page.year == 2023
    assert a["meta.published"] == "2024-01-18"  # 发布日期 and its date sit in two table cells
    assert a["meta.preamble"].startswith("本报告根据《中华人民共和国政府信息公开条例》")
    assert a["overview.intro"].startswith("2023年，我局坚持")
    assert a["overview.proactive"].startswith("全年通过区政府门户网站主动公开政府信息326条")
    assert a["overview.on_request"].startswith("全年共收到政府信息公开申请13件")
    assert a["overview.management"].startswith("严格落实公开前保密审查")
    assert a["overview.platform"].startswith("持续维护门户网站信息公开专栏")
    assert a["overview.oversight"].startswith("调整政务公开工作领导小组")
    assert a["problems"].startswith("一是政策解读形式较为单一")
    assert a["measures"].startswith("一是2024年丰富解读形式")
    assert a["rectification"].startswith("针对上年度指出的栏目更新不及时问题")
    # the signature closes 六 but is not its text; navigation and footer stay out
    assert a["other_matters"] == "本年度我局未收取信息处理费。"
    joined = "".join(str(v) for v in a.values())
    assert "网站标识码" not in joined and "当前位置" not in joined and "document.write" not in joined


def test_a_consistent_page_checks_without_errors(page):
    findings = engine.check(page.answers_as_printed(), extra_facts=page.structure_facts, notes=page.notes)
    assert [f for f in findings if f.severity == "error"] == []
    assert [f.code for f in findings if f.code.startswith("S")] == []
    hints = sorted((f.severity, f.numbers["blanks"]) for f in findings if f.code == "N1")
    # once per line of a table, not per cell: 表二「规章」 (three 「/」), 表三's 社会公益组织 and 其他 columns
    assert hints == [("hint", 1), ("hint", 1), ("hint", 3)]


def test_a_2019_format_page_is_recognised_not_misread():
    report = read_report(PAGE_2019)
    facts = {f["id"]: f for f in report.structure_facts}
    # the report's format is told once (one S3), on the first table that shows it
    assert facts["table.active"]["legacy"] and not facts["table.requests"]["legacy"]
    assert not facts["table.review"]["legacy"]
    assert facts["extent"]["format"] == 2019
    # nothing of the 2019 table 二 is taken for the current columns (本年新制作 is not 本年制发)
    assert not any(fid.startswith("active.") for fid in report.answers)
    # table 三's rows that the formats share are read; the single （六）其他处理 row is not split
    assert report.answers["requests.new.natural"] == 3
    assert report.answers["requests.granted.natural"] == 2
    assert not any(fid.startswith("requests.other.") for fid in report.answers)
    assert len(report.unreadable) == 2 and all("2019 年试行格式" in m for m in report.unreadable)
    findings = engine.check(report.answers_as_printed(), extra_facts=report.structure_facts, notes=report.notes)
    s = sorted((f.code, f.section) for f in findings if f.code.startswith("S"))
    assert s == [("S3", "active"), ("S5", "meta")]
    assert report.answers["meta.agency_kind"] == "township"


def test_gbk_page_declared_gb2312(tmp_path):
    html = PAGE_2021.read_text(encoding="utf-8").replace("charset=utf-8", "charset=gb2312")
    path = tmp_path / "page.html"
    path.write_bytes(html.encode("gb18030"))
    report = read_report(path)
    assert report.source["encoding"] == "gb18030"
    assert report.answers == read_report(PAGE_2021).answers


def test_a_page_without_rowspan_cells_still_reads_rows_of_seven():
    # some portals drop the rowspan'd group cells altogether: rows are label + 7 numbers
    rows = "".join(
        f"<tr><td>{r.label}</td>" + "".join(f"<td>{i}</td>" for i in (1, 0, 0, 0, 0, 0, 1)) + "</tr>"
        for r in FORM.requests_rows
    )
    html = (
        "<html><body><p>某某局2024年政府信息公开工作年度报告</p><p>三、收到和处理政府信息公开申请情况</p>"
        f"<table><tr><td>申请人情况</td></tr>{rows}</table></body></html>"
    )
    report = read_report_text(html, "bare.html")
    assert all(report.answers[f"requests.{r.id}.natural"] == 1 for r in FORM.requests_rows)
    assert all(report.answers[f"requests.{r.id}.total"] == 1 for r in FORM.requests_rows)


def test_layout_tables_around_the_report_are_read_as_text():
    html = (
        "<html><body><table><tr><td><table><tr><td>导航</td></tr></table></td></tr>"
        "<tr><td><p>某某局2024年政府信息公开工作年度报告</p><p>一、总体情况</p><p>全年工作正常。</p>"
        "<p>六、其他需要报告的事项</p><p>本年度未收取信息处理费。</p></td></tr></table></body></html>"
    )
    report = read_report_text(html, "layout.html")
    assert report.answers["overview.intro"] == "全年工作正常。"
    assert report.answers["other_matters"] == "本年度未收取信息处理费。"


def test_image_instead_of_a_table_is_s7():
    html = (
        "<html><body><p>某某局2024年政府信息公开工作年度报告</p><p>一、总体情况</p><p>正常。</p>"
        "<p>二、主动公开政府信息情况</p><p><img src='t2.png' alt='表二'/></p>"
        "<p>三、收到和处理政府信息公开申请情况</p><p>四、政府信息公开行政复议、行政诉讼情况</p>"
        "<p>五、存在的主要问题及改进情况</p><p>问题。</p><p>六、其他需要报告的事项</p><p>无。</p></body></html>"
    )
    report = read_report_text(html, "image.html")
    facts = {f["id"]: f for f in report.structure_facts}
    assert facts["table.active"]["image"] and not facts["table.active"]["present"]
    assert not facts["table.requests"]["image"]
    findings = engine.check(report.answers, extra_facts=report.structure_facts)
    s7 = [f for f in findings if f.code == "S7"]
    assert len(s7) == 3
    assert "只有图片" in next(f.message for f in s7 if f.section == "active")
    assert "报告中没有表三" in next(f.message for f in s7 if f.section == "requests")


# --- span expansion --------------------------------------------------------------------------------


def test_expand_fills_every_covered_slot_once():
    grid = expand([[("a", 2, 2), ("b", 1, 1)], [("c", 1, 1)], [("d", 1, 3)]])
    assert [[s.text if s else None for s in row] for row in grid] == [
        ["a", "a", "b"],
        ["a", "a", "c"],
        ["d", "d", "d"],
    ]
    assert [s.first for s in grid[0]] == [True, False, True]
    assert grid[1][0].origin == (0, 0)


def test_expand_tolerates_ragged_rows_and_absurd_spans():
    grid = expand([[("a", 99999, 1), ("b", 1, 10**6)], [("c", 0, 1)]])
    assert len(grid) == 2
    assert all(len(row) == len(grid[0]) for row in grid)
    assert grid[1][0].text == "a" and grid[1][1].text == "c"


spans_strategy = st.lists(
    st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), max_size=6), max_size=6
)


@given(spans_strategy)
def test_every_placed_cell_owns_its_slot_in_the_expanded_grid(spans):
    # the importer reads placements, the DOCX builder the grid: both must say the same
    placed, width = place(spans)
    grid = expand([[("x", rs, cs) for rs, cs in row] for row in spans])
    assert all(len(row) == width for row in grid)
    for r, cells in enumerate(placed):
        assert len(cells) <= len(spans[r])
        for k, (c, rs, cs) in enumerate(cells):
            assert c < MAX_COLUMNS and grid[r][c].origin == (r, k) and grid[r][c].first
            assert r + rs <= len(spans) and rs >= 1 and cs >= 1


@pytest.mark.parametrize(("raw", "value"), [(None, 1), ("2", 2), (" 3 ", 3), ("4px", 4), ("x", 1), ("0", 0),
                                            ("²", 1), ("2²", 2), ("①", 1), ("２", 2)])
def test_span_value(raw, value):
    assert span_value(raw) == value


def test_the_first_title_of_the_page_is_kept_outside_the_body():
    from gkassist.importer.html_layout import read_html

    heads = "<p>一、总体情况</p><p>正文。</p><p>二、主动公开政府信息情况</p>"
    page = "<html><head><meta charset='utf-8'><title> 甲局2023年报告 </title></head><body>" \
        f"<div><p>首页</p></div><div><div>{heads}</div></div><title>乙</title></body></html>"
    doc = read_html(page)
    assert doc.outside == ["首页", "甲局2023年报告"]
    assert [it.text for it in doc.items] == ["一、总体情况", "正文。", "二、主动公开政府信息情况"]
    # no <title> in <head>: the first one of the body, in document order
    doc = read_html(f"<html><body><p>x</p><div>{heads}<svg><title>丙</title></svg></div><title>丁</title></body></html>")
    assert doc.outside[-1] == "丙"
    assert read_html(f"<html><body>{heads}</body></html>").outside == []


def test_the_report_body_is_the_smallest_element_holding_headings_and_tables():
    from gkassist.importer.html_layout import read_html

    table = "<table><tr><td>规章</td><td>1</td></tr></table>"
    page = (
        "<body><div><p>导航</p><div id='a'><section><p>一、总体情况</p></section>"
        f"<div><div><p>二、主动公开政府信息情况</p>{table}</div></div></div>"
        f"<p>页脚</p></div>{table}</body>"
    )
    doc = read_html(page)
    # the table after the page's div lies outside the first-level div: the body is <body> itself
    assert [type(it).__name__ for it in doc.items].count("Table") == 2
    assert doc.outside == []
    doc = read_html(page.replace(f"</div>{table}</body>", "</div></body>"))
    assert doc.outside == ["导航", "页脚"]
