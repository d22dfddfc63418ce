"""The Word reader's walk of ``word/document.xml`` (importer/docx_layout.py): merged cells, content
controls, nested tables, cells of several lines, tabs and breaks, and the shortcut for a cell or
paragraph that is one printable line (trimmed only) against the full cleaning of the others."""

from __future__ import annotations

import io
import zipfile

from gkassist.importer.docx_layout import read_docx
from gkassist.importer.model import Cell, Line, Table

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx(body: str) -> bytes:
    xml = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", xml.encode("utf-8"))
    return out.getvalue()


def _p(*runs: str, props: str = "") -> str:
    return f"<w:p>{props}{''.join(runs)}</w:p>"


def _r(inner: str) -> str:
    return f'<w:r><w:rPr><w:rFonts w:ascii="宋体"/></w:rPr>{inner}</w:r>'


def _t(text: str) -> str:
    return _r(f'<w:t xml:space="preserve">{text}</w:t>')


def _tc(*paragraphs: str, props: str = "") -> str:
    return f"<w:tc>{'<w:tcPr>' + props + '</w:tcPr>' if props else ''}{''.join(paragraphs)}</w:tc>"


def _tr(*cells: str) -> str:
    return f"<w:tr>{''.join(cells)}</w:tr>"


def test_merged_cells_are_read_once_at_their_first_column():
    table = "<w:tbl>" + _tr(
        _tc(_p(_t("信息内容")), props='<w:tcW w:w="10"/><w:gridSpan w:val="2"/><w:vMerge w:val="restart"/>'),
        _tc(_p(_t("本年新制作数量"))),
    ) + _tr(
        _tc(_p(), props='<w:gridSpan w:val="2"/><w:vMerge/>'),  # continues the cell above
        _tc(_p(_t(" 12 "))),
    ) + _tr(
        _tc(_p(_t("规章")), props='<w:gridSpan w:val="abc"/>'),  # junk span: one column
        _tc(_p(_t("3"))),
    ) + "</w:tbl>"
    doc = read_docx(_docx(table))
    assert doc.items == [Table(rows=[[Cell("信息内容", 0), Cell("本年新制作数量", 2)], [Cell("12", 2)],
                                     [Cell("规章", 0), Cell("3", 1)]])]


def test_cells_of_several_lines_tabs_breaks_and_special_spaces_are_cleaned():
    table = "<w:tbl>" + _tr(
        _tc(_p(_t("商业")), _p(_t("企业"))),  # two paragraphs: joined by a space
        _tc(_p(_t("科研"), _r("<w:br/>"), _t("机构"))),  # a break: two lines
        _tc(_p(_t("\u3000公益组织\xa0"))),  # ideographic and no-break spaces: trimmed
        _tc(_p(_t("法律"), _r("<w:tab/>"), _t("服务"))),  # a tab stays inside the line
        _tc(_p(_t("   "))),  # only spaces: empty
        _tc(),  # no paragraph at all
    ) + "</w:tbl>"
    doc = read_docx(_docx(table))
    assert [c.text for c in doc.items[0].rows[0]] == ["商业 企业", "科研 机构", "公益组织", "法律\t服务", "", ""]


def test_content_controls_are_read_through_and_nested_tables_are_not_rows():
    nested = "<w:tbl>" + _tr(_tc(_p(_t("内嵌")))) + "</w:tbl>"
    table = "<w:tbl>" + _tr(
        _tc(_p(_t("行政许可"))),
        "<w:sdt><w:sdtPr/><w:sdtContent>" + _tc(_p(_t("200"))) + "</w:sdtContent></w:sdt>",
        _tc(_p(_t("外")), nested),  # the nested table is neither a row nor part of the cell's text
    ) + "</w:tbl>"
    body = _p(_t("二、主动公开政府信息情况")) + "<w:sdt><w:sdtContent>" + table + "</w:sdtContent></w:sdt>"
    doc = read_docx(_docx(body))
    assert doc.items == [Line("二、主动公开政府信息情况"),
                         Table(rows=[[Cell("行政许可", 0), Cell("200", 1), Cell("外", 2)]])]


def test_paragraph_text_skips_tab_stops_and_run_formatting_but_reads_links():
    tab_stops = '<w:pPr><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs></w:pPr>'
    body = (
        _p(_t("一、总体情况"), props=tab_stops)
        + _p(_t("第一行"), _r("<w:br/>"), _t("\xa0第二行"))  # a break: two lines, each cleaned
        + "<w:p><w:hyperlink>" + _t("政府网站") + "</w:hyperlink>" + _t("已公开") + "</w:p>"
        + _p(_t("  "))  # nothing printable left: no line
    )
    doc = read_docx(_docx(body))
    assert doc.items == [Line("一、总体情况"), Line("第一行"), Line("第二行"), Line("政府网站已公开")]
