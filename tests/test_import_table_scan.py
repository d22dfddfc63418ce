"""The tables' one pass (importer/tables.py ``scan``): which table, its segments and its label
cells from one look at each cell, for tables in one piece, broken in two, and scraped flat."""

from __future__ import annotations

from gkassist.form import FORM
from gkassist.importer.model import Cell, Table
from gkassist.importer.reader import read_report_text
from gkassist.importer.tables import scan
from gkassist.render import render


def test_a_flat_scrape_with_a_filler_gives_segments_and_label_cells():
    cells = [Cell("第二十条第（五）项"), Cell("信息内容"), Cell("本年处理决定数量"), Cell("行政许可"), Cell("200"),
             Cell("", fill=7), Cell("行政处罚"), Cell("63"), Cell(""), Cell("行政强制"), Cell("0")]
    got = scan(Table(rows=[cells], rows_known=False))
    assert got.kind == "active"
    assert [(s.labels, [v.text for v in s.values], s.fill) for s in got.segments] == [
        (["第二十条第（五）项", "信息内容", "本年处理决定数量", "行政许可"], ["200"], 7),
        (["行政处罚"], ["63", ""], 0),
        (["行政强制"], ["0"], 0),
    ]
    assert got.labels == ["第二十条第（五）项", "信息内容", "本年处理决定数量", "行政许可", "行政处罚", "行政强制"]


def test_a_table_of_no_format_names_no_table():
    got = scan(Table(rows=[[Cell("字号"), Cell("大 中 小")], [Cell("打印"), Cell("关闭")]]))
    assert got.kind is None and got.segments == [] and got.labels == ["字号", "大 中 小", "打印", "关闭"]


def test_table_three_broken_over_two_html_tables_reads_as_one(numbered_answers):
    """A page break in a converted Word file: table 三 in two <table>s, its header printed on both."""
    html = render(numbered_answers(), "html")
    start = html.index('<table class="table-requests">')
    head = html[start:html.index("<tbody>", start)]
    cut = html.index("<tr>", html.index("二、上年结转政府信息公开申请数量", start))
    broken = html[:cut] + "</tbody></table>" + head + "<tbody>" + html[cut:]
    whole, parts = read_report_text(html, "a.html"), read_report_text(broken, "b.html")
    assert parts.answers == whole.answers and parts.cells == whole.cells
    assert parts.unreadable == whole.unreadable == []
    table = [f for f in parts.structure_facts if f["id"] == "table.requests"]
    assert table == [f for f in whole.structure_facts if f["id"] == "table.requests"]
    rows, cols = len(FORM.requests_rows), len(FORM.requests_columns)
    assert table[0]["cells"] == rows * cols and table[0]["rows"] == rows
