"""PDF reports for the tests and benchmarks, laid out as agencies print them (reportlab, its
built-in STSong-Light CID font, so no font file is needed).

``report_pdf(answers, **layout)`` prints the same report gkassist renders as txt or HTML
(``gkassist.render.context.build_report``: the same title, paragraphs and table grids with their
merged cells) as a PDF with a text layer: a centred title, the first line of each paragraph
indented two characters, ruled tables with the official merged headers (table 三's note beside
申请人情况 over three header rows, table 四's 行政复议 / 行政诉讼 over three), headers repeated on every
page a table continues on, page numbers 「— N —」 in the footer. Layout switches reproduce what
real PDFs do to a text layer:

- ``latin_digits``: numbers in a Latin font (Times-Roman), as Word prints them, so that the text
  layer has a run break — and often a space — between the Chinese text and the digits;
- ``spaced_digits``: a space on both sides of each number in the prose (Word's 「中英文间距」);
- ``break_requests``: table 三 starts low on a page, so that it is broken over two pages with its
  three header rows repeated;
- ``running_header``: the title printed at the top of every page (a running header);
- ``ruled``: False prints the tables without rules (cells placed by position only).

``scan_pdf()`` is a PDF whose pages are only an image (a scan, no text layer).
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Mapping
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import CondPageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.doctemplate import LayoutError

from gkassist.form import FORM
from gkassist.render.context import build_report

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

_NUMBER = re.compile(r"(?<![A-Za-z0-9.])(\d+(?:\.\d+)?)(?![A-Za-z0-9])")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _digits(text: str, latin: bool, spaced: bool) -> str:
    text = _escape(text)
    if not (latin or spaced):
        return text
    pad = " " if spaced else ""

    def run(m: re.Match) -> str:
        number = f"{pad}{m.group(1)}{pad}"
        return f"<font name='Times-Roman'>{number}</font>" if latin else number

    return _NUMBER.sub(run, text)


def _matrix(grid: list[list[Any]]) -> tuple[list[list[str]], list[tuple], int]:
    """A grid of cells with rowspan/colspan → a full matrix of texts and reportlab SPAN commands."""
    width = max(sum(c.colspan for c in row) for row in grid if row)
    occupied: dict[tuple[int, int], bool] = {}
    data = [[""] * 0 for _ in grid]
    spans: list[tuple] = []
    placed: list[tuple[int, int, Any]] = []
    for r, row in enumerate(grid):
        c = 0
        for cell in row:
            while occupied.get((r, c)):
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    occupied[(r + dr, c + dc)] = True
            placed.append((r, c, cell))
            if cell.rowspan > 1 or cell.colspan > 1:
                spans.append(("SPAN", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1)))
            c += cell.colspan
        width = max(width, c)
    data = [[""] * width for _ in grid]
    for r, c, cell in placed:
        data[r][c] = cell
    return data, spans, width


def _table(view: Any, cell_style: ParagraphStyle, latin: bool, ruled: bool) -> Table:
    data, spans, width = _matrix(view.grid)
    usable = A4[0] - 50 * mm
    if view.id == "requests":
        labels = width - len(FORM.requests_columns)
        label_widths = [14 * mm, 16 * mm] + [34 * mm] * (labels - 2) if labels >= 3 else [60 * mm] * labels
        rest = (usable - sum(label_widths)) / len(FORM.requests_columns)
        widths = label_widths + [rest] * len(FORM.requests_columns)
    elif view.id == "active":
        widths = [50 * mm] + [(usable - 50 * mm) / (width - 1)] * (width - 1)
    else:
        widths = [usable / width] * width

    def para(cell: Any) -> Any:
        if cell == "":
            return ""
        text = _digits(cell.text, latin, False) if cell.kind == "value" else _escape(cell.text)
        return Paragraph(text, cell_style)

    rows = [[para(cell) for cell in row] for row in data]
    style = [("VALIGN", (0, 0), (-1, -1), "MIDDLE"), *spans]
    if ruled:
        style.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    return Table(rows, colWidths=widths, repeatRows=view.header_rows, style=TableStyle(style))


def report_pdf(answers: Mapping[str, Any], *, latin_digits: bool = False, spaced_digits: bool = False,
               break_requests: bool = False, running_header: bool = False, ruled: bool = True,
               outline: Mapping[str, list[dict]] | None = None) -> bytes:
    """The report of ``answers`` as a PDF with a text layer (see the module's docstring)."""
    report = build_report(answers, mark_gaps=False, outline=outline)
    body = ParagraphStyle("body", fontName=FONT, fontSize=12, leading=22, wordWrap="CJK", firstLineIndent=24)
    heading = ParagraphStyle("heading", parent=body)
    title = ParagraphStyle("title", fontName=FONT, fontSize=18, leading=28, alignment=TA_CENTER, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10, wordWrap="CJK", alignment=TA_CENTER)
    story: list[Any] = [Paragraph(_escape(part), title) for part in report.title_parts]
    story.append(Spacer(1, 6 * mm))
    preamble = report.preamble or [FORM.standard_preamble(report.agency, report.year)]
    story += [Paragraph(_digits(p, latin_digits, spaced_digits), body) for p in preamble]
    for section in report.sections:
        if section.table is not None and section.id == "requests" and break_requests:
            story.append(CondPageBreak(A4[1]))  # a new page first, then fill most of it
            story.append(Spacer(1, A4[1] * 0.55))
        story.append(Paragraph(_escape(section.heading), heading))
        for part in section.parts:
            if part.heading:
                story.append(Paragraph(_escape(part.heading), heading))
            story += [Paragraph(_digits(p, latin_digits, spaced_digits), body) for p in part.paragraphs]
        if section.table is not None:
            story.append(_table(section.table, cell, latin_digits, ruled))
            story.append(Spacer(1, 4 * mm))

    def page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 10)
        canvas.drawCentredString(A4[0] / 2, 12 * mm, f"— {doc.page} —")
        if running_header:
            canvas.drawCentredString(A4[0] / 2, A4[1] - 12 * mm, report.title)
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=25 * mm,
                            bottomMargin=25 * mm, title=report.title)
    try:
        doc.build(story, onFirstPage=page, onLaterPages=page)
    except LayoutError as err:  # pragma: no cover - a layout the maker cannot print is a test bug
        raise AssertionError(f"reportlab could not lay out the report: {err}") from err
    return out.getvalue()


def text_pdf(lines: list[str], *, font_size: float = 12, leading: float = 22) -> bytes:
    """Lines of text placed one per line, as a PDF page printed them (real PDF text: its line
    breaks where the page broke them), several pages when long."""
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    top, bottom, left = A4[1] - 25 * mm, 25 * mm, 25 * mm
    y = top
    for line in lines:
        if y < bottom:
            canvas.showPage()
            y = top
        canvas.setFont(FONT, font_size)
        canvas.drawString(left, y, line)
        y -= leading
    canvas.save()
    return out.getvalue()


def scan_pdf(pages: int = 2) -> bytes:
    """A PDF of pages that are only a picture (a scanned report: no text layer)."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    picture = Image.new("L", (420, 594), 255)
    draw = ImageDraw.Draw(picture)
    for k in range(40):
        draw.line((40, 40 + k * 13, 380, 40 + k * 13), fill=0)  # lines where text would be
    buf = io.BytesIO()
    picture.save(buf, format="PNG")
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    for _ in range(pages):
        canvas.drawImage(ImageReader(io.BytesIO(buf.getvalue())), 0, 0, width=A4[0], height=A4[1])
        canvas.showPage()
    canvas.save()
    return out.getvalue()


@functools.cache
def pdfium_reads_unembedded_chinese() -> bool:
    """Whether PDFium on this machine reads every character of a Chinese font the PDF does not
    embed, as the PDFs made here use (STSong-Light). Where the machine has no Chinese font, PDFium
    loses a text object of one such character altogether (a cell's wrapped last character); the
    reader then says so (gkassist.importer.pdf_layout._unread), and the tests that compare a PDF's
    reading with the text's need a Chinese font (``.ci/run`` installs one)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(text_pdf(["息", "公开"]))
    try:
        textpage = pdf[0].get_textpage()
        return "息" in textpage.get_text_range()
    finally:
        pdf.close()


NO_CHINESE_FONT = ("本机没有中文字体：PDFium 读不出未嵌入字体的单个汉字（apt-get install fonts-wqy-zenhei 后可运行；"
                   ".ci/run 会安装）")
