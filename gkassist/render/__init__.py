"""The report, assembled by Jinja: txt, md and html; docx built from the html; pdf from the docx.

``render(answers, fmt)`` returns the text of a txt / md / html report; ``render_to_bytes(session
or answers, fmt)`` also makes docx and pdf. The content is defined once: ``context.build_report``
turns ``FORM`` + answers into one view that every template iterates, and the DOCX is built by
walking the rendered HTML, so every format carries the same text.

User text is data: it is never compiled as a template, HTML is autoescaped, and every Markdown
expression is escaped (Markdown viewers render inline HTML).

The txt layout (the importer reads it back; keep both in step)
----------------------------------------------------------------
* Line 1 is the title 「<机关><YYYY>年政府信息公开工作年度报告」. Blank lines only separate blocks
  and carry no meaning; no line has leading or trailing white space except indented table labels.
* The lines between the title and 「一、总体情况」 are the opening (``meta.preamble``). When the session
  has none, the standard sentence ``FORM.standard_preamble(agency, year)`` is printed instead — an importer
  should treat that exact sentence as "no preamble".
* Section headings are the exact headings of ``FORM`` (「一、总体情况」 … 「六、其他需要报告的事项」), each
  on its own line.
* Prose: one paragraph per line. A sub-heading is 「（一）<field label>」 on its own line, numbered
  consecutively over the sub-headings shown, and its paragraphs follow it up to the next heading,
  sub-heading or table. A session with an ``outline`` (an imported report's own sub-headings) prints
  those fields first, in the source's order, under their own sub-headings as printed (none where
  the source had none; on the paragraph's line where the source put them there), the other fields
  after them as below. In 一、总体情况 the five topics (``overview.*`` with ``topic``) are sub-headed
  and ``overview.intro`` is the paragraphs between the heading and the first sub-heading; in 五 every
  field is sub-headed (上年度问题整改情况, 存在的主要问题, 改进措施, in that order); 六 is one field, so
  its paragraphs follow the heading directly. An optional field left empty is absent, sub-heading
  and all; an unanswered required field prints its sub-heading and the paragraph 「【待填写】」.
* Tables: every table row is ONE line, cells separated by 「 | 」 (space, bar, space) and padded with
  spaces to align by display width (CJK = 2 columns): strip each cell after splitting. The first
  cell is the row label. A table line without 「 | 」 is a group line: a sub-table heading of 二, or the
  parent label of the rows below it in 三 and 四. Labels nested under a group line are indented by
  two spaces per level. Trailing empty cells are dropped.
  - 二: for each of the four sub-tables: group line 「第二十条第（一）项」; header line
    「信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数」; one line per row: 「规章 | n | n | n」.
  - 三: three header lines — 「<勾稽关系 note> | 申请人情况」; 「<blank> | 自然人 | 法人或其他组织 | | | | |
    总计」; 「<blank> | | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他」 — then the 25 rows in
    the official order, each 「label | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |
    总计」, with group lines 「三、本年度办理结果」 (level 0) and 「  （三）不予公开」「  （四）无法提供」
    「  （五）不予处理」「  （六）其他处理」 (level 1) before their children.
  - 四 (transposed so that every row starts with its label): header line
    「<blank> | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计」, then 「行政复议 | 5 numbers」, group
    line 「行政诉讼」, 「  未经复议直接起诉 | 5 numbers」, 「  复议后起诉 | 5 numbers」.
* A value is written by ``answers.format_value``; derived cells (总计) are ``FORM.value`` (computed
  when not stored). A gap is 「【待填写】」 (``FORM.gap_marker``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import jinja2

from gkassist.form import FORM
from gkassist.render import context as ctx
from gkassist.render.markdown import md_escape

TEXT_FORMATS = ("txt", "md", "html")
FORMATS = (*TEXT_FORMATS, "docx", "pdf")

__all__ = ["FORMATS", "TEXT_FORMATS", "render", "render_to_bytes"]


def _txt_lines(table: ctx.Table) -> list[str]:
    widths = ctx.column_widths(table, ctx.TXT_INDENT)
    out: list[str] = []
    for line in table.lines:
        label = ctx.TXT_INDENT * line.level + line.label
        if line.kind == "group":
            out.append(label)
            continue
        cells = list(line.cells)
        while cells and not cells[-1]:
            cells.pop()
        parts = [ctx.pad(label, widths[0])]
        for i, c in enumerate(cells, start=1):
            last = i == len(cells)
            parts.append(c if last and line.spans else ctx.pad(c, widths[i], right=line.kind == "row"))
        out.append(" | ".join(parts).rstrip())
    return out


def _md_rows(table: ctx.Table) -> list[list[str]]:
    width = max(len(line.cells) for line in table.lines) + 1
    rows: list[list[str]] = []
    for line in table.lines:
        row = [ctx.MD_INDENT * line.level + line.label, *line.cells]
        rows.append(row + [""] * (width - len(row)))
    return rows


@cache
def _env(fmt: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("gkassist.render", "templates"),
        autoescape=fmt == "html",
        finalize=md_escape if fmt == "md" else None,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,  # package data: never changes while the program runs
    )
    env.filters["txt_lines"] = _txt_lines
    env.filters["md_rows"] = _md_rows
    return env


def render(answers: Mapping[str, Any], fmt: str, *, mark_gaps: bool = True,
           outline: Mapping[str, list[dict]] | None = None) -> str:
    """The report as txt, md or html. Unanswered required fields show 【待填写】 when ``mark_gaps``;
    ``outline`` (``Session.outline``) gives the report's own sub-headings and their order."""
    if fmt not in TEXT_FORMATS:
        raise ValueError(f"render() makes {TEXT_FORMATS}, not {fmt!r}; use render_to_bytes for docx/pdf")
    report = ctx.build_report(answers, mark_gaps=mark_gaps, outline=outline)
    if not report.preamble:
        report.preamble = [FORM.standard_preamble(report.agency, report.year)]
    return _env(fmt).get_template(f"report.{fmt}.j2").render(r=report)


def render_to_bytes(session_or_answers: Any, fmt: str) -> bytes:
    """The report as a file's bytes: txt / md / html (UTF-8), docx, or pdf (needs LibreOffice).

    Accepts a ``Session`` (anything with ``.answers``) or the answers mapping itself.
    """
    answers = getattr(session_or_answers, "answers", session_or_answers)
    outline = getattr(session_or_answers, "outline", None)
    if fmt in TEXT_FORMATS:
        return render(answers, fmt, outline=outline).encode("utf-8")
    if fmt == "docx":
        from gkassist.render.docx import html_to_docx

        return html_to_docx(render(answers, "html", outline=outline))
    if fmt == "pdf":
        from gkassist.render.docx import html_to_docx
        from gkassist.render.pdf import docx_to_pdf

        return docx_to_pdf(html_to_docx(render(answers, "html", outline=outline)))
    raise ValueError(f"unknown report format {fmt!r}; expected one of {FORMATS}")
