"""The report as a Word document in the GB/T 9704 style, built from the rendered HTML.

The text is defined once, by the Jinja templates: this module only walks the HTML report (title,
headings, paragraphs, tables with rowspan/colspan) and lays it out as an official document:

* A4, margins 37 / 35 / 28 / 26 mm (top / bottom / left / right), so the text block is 156 × 225 mm;
* body 仿宋_GB2312 三号 (16 pt), fixed line pitch and a −0.25 pt character spacing so that a page holds
  22 lines × 28 characters; first lines indented two characters;
* title 方正小标宋简体 二号 (22 pt), centred, broken after the agency's name when it needs two lines;
* headings 「一、」 in 黑体 and 「（一）」 in 楷体_GB2312, indented like the body;
* page numbers 「— 1 —」 in 宋体 四号, odd pages right and even pages left, one character in;
* tables with the official merged cells (w:gridSpan / w:vMerge), in 仿宋_GB2312 五号 so they fit.

The document is checked after it is built: reopened with python-docx, it must hold every character
of the HTML report's text and all its tables, or ``DocxError`` says so and nothing is written (a
parser that stops early would otherwise give a short document silently). Text that XML cannot
hold (control characters, lone surrogates, U+FFFE/U+FFFF) is removed first, and the HTML parser
takes text nodes of any size (lxml stops at 10 MB by default).

Every run of text names its East Asian font (w:eastAsia): python-docx's default template would
otherwise show Chinese in ＭＳ 明朝, because its theme language is Japanese. The official fonts are
not free, so the DOCX only names them; the font table gives Word the usual fallbacks (仿宋, 楷体,
宋体), and LibreOffice substitutes what it has.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import docx
import lxml.html
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu, Mm, Pt
from docx.table import Table, _Cell
from lxml import etree
from rich.cells import cell_len

from gkassist.errors import UserError
from gkassist.htmlgrid import expand, span_value
from gkassist.text import clean

# --- the layout, in one place -------------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 156 mm
# The page number sits under the text block, its 一字线 7 mm below it.
FOOTER_DISTANCE = Mm(25)

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"  # digits and Latin letters in the body (house style)

BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
TABLE_SIZE = Pt(10.5)  # 五号
PAGE_NUMBER_SIZE = Pt(14)  # 四号

# 22 lines fill the 225 mm text block: a pitch of 28.9 pt (578 twips) leaves ~2 pt to spare.
LINE_PITCH = Pt(28.9)
TITLE_PITCH = Pt(35)
TABLE_PITCH = Pt(15)  # a little air above and below the 10.5 pt table text
# 28 characters of 16 pt in a 156 mm (442.2 pt) line need at most 15.79 pt each: −0.25 pt (in
# twentieths of a point; −0.2 pt still leaves 27 a line in LibreOffice).
BODY_CHAR_SPACING = -5
TITLE_CHARS_PER_LINE = int(TEXT_WIDTH / TITLE_SIZE)  # 20
INDENT_2_CHARS = Pt(32)  # first-line indent: two characters of the body size

# Word falls back to altName when a named font is missing (仿宋_GB2312 is not on Windows 10+).
FONT_FALLBACKS = {
    BODY_FONT: ("仿宋", "02010609030101010101"),
    HEADING2_FONT: ("楷体", "02010609030101010101"),
    HEADING1_FONT: ("SimHei", "02010609060101010101"),
    TITLE_FONT: ("宋体", "02000000000000000000"),
    PAGE_NUMBER_FONT: ("SimSun", "02010600030101010101"),
}

TABLE_STYLE = "Table Grid"
TABLE_TEXT_STYLE = "表格文字"
GAP_COLOR = "C00000"  # 【待填写】 shows in red in a draft
CELL_MARGIN = Mm(1)


# --- fonts and styles ---------------------------------------------------------------------------


def _rpr_xml(
    east_asia: str, latin: str, size: Pt, spacing: int | None = None, color: str | None = None
) -> str:
    half_points = int(size.pt * 2)
    parts = [
        f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:cs="{latin}" w:eastAsia="{east_asia}"/>',
        '<w:b w:val="0"/><w:bCs w:val="0"/>',
        f'<w:color w:val="{color or "000000"}"/>',
    ]
    if spacing is not None:
        parts.append(f'<w:spacing w:val="{spacing}"/>')
    parts += [
        '<w:kern w:val="0"/>' if spacing is None else "",
        f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>',
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>',
    ]
    return f"<w:rPr {nsdecls('w')}>{''.join(parts)}</w:rPr>"


def _ppr_xml(
    *,
    jc: str = "both",
    line: Emu | None = LINE_PITCH,
    first_line_chars: int = 200,
    first_line: Emu = INDENT_2_CHARS,
    keep_next: bool = False,
    outline: int | None = None,
    extra: str = "",
) -> str:
    parts = []
    if keep_next:
        parts.append("<w:keepNext/><w:keepLines/>")
    parts.append('<w:widowControl w:val="0"/>')  # widow control costs a line: 21 lines, not 22
    if line is None:
        parts.append('<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>')
    else:
        parts.append(f'<w:spacing w:before="0" w:after="0" w:line="{int(line.pt * 20)}" w:lineRule="exact"/>')
    if first_line_chars:
        parts.append(
            f'<w:ind w:firstLineChars="{first_line_chars}" w:firstLine="{int(first_line.pt * 20)}"/>'
        )
    else:
        parts.append('<w:ind w:firstLineChars="0" w:firstLine="0"/>')
    parts.append(extra)
    parts.append(f'<w:jc w:val="{jc}"/>')
    if outline is not None:
        parts.append(f'<w:outlineLvl w:val="{outline}"/>')
    return f"<w:pPr {nsdecls('w')}>{''.join(parts)}</w:pPr>"


def _restyle(style, ppr: str, rpr: str) -> None:  # noqa: ANN001 - a python-docx style
    """Replace a style's paragraph and run properties with ours (no theme fonts, no colours)."""
    el = style.element
    for tag in ("w:pPr", "w:rPr"):
        old = el.find(qn(tag))
        if old is not None:
            el.remove(old)
    # CT_Style: … pPr, rPr, tblPr … — both go after the name/basedOn/next/link/ui/qFormat/rsid block
    anchor = el.find(qn("w:tblPr"))
    for xml in (ppr, rpr):
        new = parse_xml(xml)
        if anchor is not None:
            anchor.addprevious(new)
        else:
            el.append(new)


def _setup_styles(document: docx.document.Document) -> None:
    styles = document.styles
    # docDefaults: every run without a font of its own is 仿宋 / Times New Roman, in Chinese.
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    rpr_default.remove(rpr_default.find(qn("w:rPr")))
    rpr_default.append(parse_xml(_rpr_xml(BODY_FONT, LATIN_FONT, BODY_SIZE)))
    ppr_default = defaults.find(qn("w:pPrDefault"))
    ppr_default.remove(ppr_default.find(qn("w:pPr")))
    ppr_default.append(
        parse_xml(f'<w:pPr {nsdecls("w")}><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>')
    )

    _restyle(styles["Normal"], _ppr_xml(), _rpr_xml(BODY_FONT, LATIN_FONT, BODY_SIZE, BODY_CHAR_SPACING))
    _restyle(
        styles["Title"],
        _ppr_xml(jc="center", line=TITLE_PITCH, first_line_chars=0),
        _rpr_xml(TITLE_FONT, TITLE_FONT, TITLE_SIZE),
    )
    _restyle(
        styles["Heading 1"],
        _ppr_xml(keep_next=True, outline=0),
        _rpr_xml(HEADING1_FONT, HEADING1_FONT, BODY_SIZE, BODY_CHAR_SPACING),
    )
    _restyle(
        styles["Heading 2"],
        _ppr_xml(keep_next=True, outline=1),
        _rpr_xml(HEADING2_FONT, HEADING2_FONT, BODY_SIZE, BODY_CHAR_SPACING),
    )
    _restyle(
        styles["Footer"],
        _ppr_xml(jc="right", line=None, first_line_chars=0),
        _rpr_xml(PAGE_NUMBER_FONT, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE),
    )
    table_text = styles.add_style(TABLE_TEXT_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    table_text.style_id = "TableText"  # the name is Chinese for the user; the id stays ASCII
    table_text.base_style = styles["Normal"]
    _restyle(
        table_text,
        _ppr_xml(jc="center", line=TABLE_PITCH, first_line_chars=0),
        _rpr_xml(BODY_FONT, LATIN_FONT, TABLE_SIZE),
    )


def _setup_fonts_and_language(document: docx.document.Document) -> None:
    # Japanese theme language makes Word choose ＭＳ 明朝 for theme-font text; say Chinese.
    settings = document.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    document.settings.odd_and_even_pages_header_footer = True

    for rel in document.part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            part = rel.target_part
            root = etree.fromstring(part.blob)
            for name, (alt, panose) in FONT_FALLBACKS.items():
                font = etree.SubElement(root, qn("w:font"))
                font.set(qn("w:name"), name)
                for tag, val in (
                    ("w:altName", alt),
                    ("w:panose1", panose),
                    ("w:charset", "86"),
                    ("w:family", "modern"),
                    ("w:pitch", "fixed"),
                ):
                    etree.SubElement(font, qn(tag)).set(qn("w:val"), val)
            part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# --- page set-up and page numbers ----------------------------------------------------------------


def _setup_page(document: docx.document.Document) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.header_distance = Mm(15)
    section.footer_distance = FOOTER_DISTANCE
    _page_number(section.footer.paragraphs[0], odd=True)
    _page_number(section.even_page_footer.paragraphs[0], odd=False)


def _page_number(paragraph, odd: bool) -> None:  # noqa: ANN001 - a python-docx paragraph
    """「— n —」: odd pages right, even pages left, one character (四号) in from the edge."""
    paragraph.style = "Footer"
    fmt = paragraph.paragraph_format
    if odd:
        fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        fmt.right_indent = PAGE_NUMBER_SIZE
    else:
        fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
        fmt.left_indent = PAGE_NUMBER_SIZE
    paragraph.add_run("— ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = text
            run._r.append(t)
    paragraph.add_run(" —")


# --- the HTML walk -----------------------------------------------------------------------------


@dataclass
class _HtmlCell:
    text: str
    row: int
    col: int
    rowspan: int
    colspan: int
    is_value: bool
    classes: frozenset[str]


def _classes(el: lxml.html.HtmlElement) -> frozenset[str]:
    return frozenset((el.get("class") or "").split())


def _text(el: lxml.html.HtmlElement) -> str:
    return " ".join(el.text_content().split()) if el.tag != "p" else el.text_content().strip()


class _Builder:
    def __init__(self) -> None:
        self.doc = docx.Document()
        _setup_styles(self.doc)
        _setup_fonts_and_language(self.doc)
        _setup_page(self.doc)
        # python-docx finds a style by name with a scan of all styles per paragraph, which made
        # the 300 table cells cost most of a second: look each one up once.
        self._style_ids: dict[str, str] = {}

    def _styled(self, container, style: str):  # noqa: ANN001, ANN202 - python-docx container/paragraph
        """A new paragraph in ``container`` with paragraph style ``style``."""
        if style not in self._style_ids:
            self._style_ids[style] = self.doc.styles[style].style_id
        p = container.add_paragraph()
        p._p.style = self._style_ids[style]
        return p

    def build(self, html: str) -> bytes:
        html = _XML_INVALID.sub("", clean(html))
        root = lxml.html.document_fromstring(html, parser=_HTML_PARSER)
        body = root.find(".//article")
        if body is None:
            body = root.find("body")
        self._walk(body)
        out = io.BytesIO()
        self.doc.save(out)
        data = out.getvalue()
        _verify(data, body)
        return data

    def _walk(self, parent: lxml.html.HtmlElement) -> None:
        for el in parent:
            if not isinstance(el.tag, str):
                continue  # comments
            if el.tag in ("section", "div", "article", "header", "main"):
                self._walk(el)
            elif el.tag == "h1":
                self._title(el)
            elif el.tag == "h2":
                _add_text(self._styled(self.doc, "Heading 1"), _text(el))
            elif el.tag == "h3":
                _add_text(self._styled(self.doc, "Heading 2"), _text(el))
            elif el.tag == "p":
                self._paragraph(_text(el), gap="gap" in _classes(el))
            elif el.tag == "table":
                self._table(el)

    def _title(self, h1: lxml.html.HtmlElement) -> None:
        p = self._styled(self.doc, "Title")
        parts = [s.text_content() for s in h1.findall("span")] or [h1.text_content()]
        # 「<机关>」 / 「<YYYY>年政府信息公开工作年度报告」 on two lines when the title needs two, as
        # agencies print it, rather than a break wherever the line happens to end.
        full = "".join(parts)
        break_after_agency = (
            len(parts) == 2
            and cell_len(full) / 2 > TITLE_CHARS_PER_LINE
            and cell_len(parts[0]) / 2 <= TITLE_CHARS_PER_LINE
        )
        run = p.add_run(parts[0] if break_after_agency else full)
        if break_after_agency:
            run.add_break()
            p.add_run(parts[1])
        self.doc.add_paragraph()  # one empty line between the title and the text, as in 公文

    def _paragraph(self, text: str, gap: bool = False) -> None:
        for run in _add_text(self.doc.add_paragraph(), text):
            if gap:
                run.font.color.rgb = docx.shared.RGBColor.from_string(GAP_COLOR)

    # --- tables --------------------------------------------------------------------------------

    def _table(self, el: lxml.html.HtmlElement) -> None:
        head_rows = len(el.findall("thead/tr"))
        cells, nrows, ncols = _layout(el)
        widths = _column_widths(cells, ncols)

        table: Table = self.doc.add_table(rows=0, cols=ncols)
        table.style = self.doc.styles[TABLE_STYLE]
        tbl = table._tbl
        tbl_pr = tbl.tblPr
        _set_child(tbl_pr, "w:tblW", {"w:w": str(_twips(sum(widths, Emu(0)))), "w:type": "dxa"})
        _set_child(tbl_pr, "w:jc", {"w:val": "center"})
        _set_child(tbl_pr, "w:tblLayout", {"w:type": "fixed"})
        mar = _set_child(tbl_pr, "w:tblCellMar", {})
        for side in ("left", "right"):
            _set_child(mar, f"w:{side}", {"w:w": str(_twips(CELL_MARGIN)), "w:type": "dxa"})
        for grid_col, w in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
            grid_col.set(qn("w:w"), str(_twips(w)))

        origin = {(c.row, c.col): c for c in cells}
        covered = {}
        for c in cells:
            for r in range(c.row + 1, c.row + c.rowspan):
                covered[(r, c.col)] = c
        for r in range(nrows):
            tr = OxmlElement("w:tr")
            tr_pr = OxmlElement("w:trPr")
            tr_pr.append(OxmlElement("w:cantSplit"))
            if r < head_rows:
                tr_pr.append(OxmlElement("w:tblHeader"))  # repeat the header on every page
            tr.append(tr_pr)
            tbl.append(tr)
            col = 0
            while col < ncols:
                if (r, col) in origin:
                    c = origin[(r, col)]
                    tc = self._tc(tr, table, c, widths, merge="restart" if c.rowspan > 1 else None)
                elif (r, col) in covered:
                    c = covered[(r, col)]
                    tc = self._tc(tr, table, c, widths, merge="continue")
                else:  # a hole in ragged HTML: an empty cell keeps the grid rectangular
                    c = _HtmlCell("", r, col, 1, 1, False, frozenset())
                    tc = self._tc(tr, table, c, widths, merge=None)
                col += c.colspan
                del tc

    def _tc(self, tr, table: Table, c: _HtmlCell, widths: list[Emu], merge: str | None):  # noqa: ANN001, ANN202
        tc = OxmlElement("w:tc")
        tr.append(tc)
        tc_pr = OxmlElement("w:tcPr")
        tc.append(tc_pr)
        width = sum(widths[c.col : c.col + c.colspan], Emu(0))
        _set_child(tc_pr, "w:tcW", {"w:w": str(_twips(width)), "w:type": "dxa"})
        if c.colspan > 1:
            _set_child(tc_pr, "w:gridSpan", {"w:val": str(c.colspan)})
        if merge == "restart":
            _set_child(tc_pr, "w:vMerge", {"w:val": "restart"})
        elif merge == "continue":
            _set_child(tc_pr, "w:vMerge", {})
        _set_child(tc_pr, "w:vAlign", {"w:val": "center"})
        cell = _Cell(tc, table)
        p = self._styled(cell, TABLE_TEXT_STYLE)
        if merge != "continue" and c.text:
            run = p.add_run(c.text)
            if "gap" in c.classes:
                run.font.color.rgb = docx.shared.RGBColor.from_string(GAP_COLOR)
        if "label" in c.classes:
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT
        return tc


def _twips(length: Emu) -> int:
    return round(Emu(length).pt * 20)


# Child order of the properties we write (ECMA-376 CT_TblPr, CT_TcPr, CT_TblCellMar): Word calls
# a file with children out of schema order unreadable, though LibreOffice does not mind.
_SCHEMA_ORDER = {
    qn("w:tblPr"): (
        "tblStyle",
        "tblpPr",
        "tblOverlap",
        "bidiVisual",
        "tblStyleRowBandSize",
        "tblStyleColBandSize",
        "tblW",
        "jc",
        "tblCellSpacing",
        "tblInd",
        "tblBorders",
        "shd",
        "tblLayout",
        "tblCellMar",
        "tblLook",
        "tblCaption",
        "tblDescription",
    ),
    qn("w:tcPr"): (
        "cnfStyle",
        "tcW",
        "gridSpan",
        "hMerge",
        "vMerge",
        "tcBorders",
        "shd",
        "noWrap",
        "tcMar",
        "textDirection",
        "tcFitText",
        "vAlign",
        "hideMark",
    ),
    qn("w:tblCellMar"): ("top", "start", "left", "bottom", "end", "right"),
}


def _set_child(parent, tag: str, attrs: dict[str, str]):  # noqa: ANN001, ANN202 - lxml elements
    """The child ``tag`` of ``parent`` (created in schema order if missing) with ``attrs`` set."""
    child = parent.find(qn(tag))
    if child is None:
        child = OxmlElement(tag)
        order = _SCHEMA_ORDER[parent.tag]
        later = {qn(f"w:{t}") for t in order[order.index(tag.split(":")[1]) + 1 :]}
        for existing in parent:
            if existing.tag in later:
                existing.addprevious(child)
                break
        else:
            parent.append(child)
    for k, v in attrs.items():
        child.set(qn(k), v)
    return child


def _layout(table: lxml.html.HtmlElement) -> tuple[list[_HtmlCell], int, int]:
    """Each cell of an HTML table at its grid position, rowspan/colspan resolved."""
    elements = [[el for el in tr if el.tag in ("td", "th")] for tr in table.findall(".//tr")]
    grid = expand([[("", span_value(el.get("rowspan")), span_value(el.get("colspan"))) for el in row]
                   for row in elements])
    cells: list[_HtmlCell] = []
    for r, row in enumerate(grid):
        for c, slot in enumerate(row):
            if slot is None or not slot.first:
                continue
            rs = 1
            while r + rs < len(grid) and _covers(grid[r + rs], c, slot.origin):
                rs += 1
            cs = 1
            while _covers(row, c + cs, slot.origin):
                cs += 1
            el = elements[slot.origin[0]][slot.origin[1]]
            cells.append(_HtmlCell(_text(el), r, c, rs, cs, el.tag == "td", _classes(el)))
    return cells, len(grid), len(grid[0]) if grid else 0


def _covers(row: list, col: int, origin: tuple[int, int]) -> bool:
    return col < len(row) and row[col] is not None and row[col].origin == origin


def _column_widths(cells: list[_HtmlCell], ncols: int) -> list[Emu]:
    """Column widths that fill the text block.

    A column is a label column when no value cell covers it (table 三's three label columns,
    table 二's first). Value columns are as wide as their numbers and their header words wrapped
    after four characters — or after two when the table would not fit otherwise, as printed
    tables do; label columns share what is left, in proportion to their text.
    """
    value_cols = {c.col + j for c in cells if c.is_value for j in range(c.colspan)}
    char = Emu(int(TABLE_SIZE))  # one CJK character of the table font
    padding = 2 * CELL_MARGIN

    def natural(cap: float) -> list[Emu]:
        chars = [0.0] * ncols
        for c in cells:
            if c.colspan != 1 or "gap" in c.classes:  # 【待填写】 may wrap; it never sets a width
                continue
            n = cell_len(c.text) / 2
            if c.col not in value_cols:
                n = min(n, 16.0)  # long labels wrap
            elif not c.is_value:
                n = min(n, cap)  # header words wrap
            chars[c.col] = max(chars[c.col], n)
        floor = [2.0 if i in value_cols else 4.0 for i in range(ncols)]
        return [Emu(int(max(n, f) * char + padding)) for n, f in zip(chars, floor, strict=True)]

    widths = natural(4.0)
    if sum(widths) > TEXT_WIDTH:
        widths = natural(2.0)
    total = sum(widths)
    if total <= TEXT_WIDTH:
        scale = TEXT_WIDTH / total  # room to spare: every column grows alike
        widths = [Emu(int(w * scale)) for w in widths]
    else:
        fixed = sum(w for i, w in enumerate(widths) if i in value_cols)
        labels = total - fixed
        room = max(TEXT_WIDTH - fixed, 0)
        widths = [w if i in value_cols else Emu(int(w * room / labels)) for i, w in enumerate(widths)]
    widths[-1] = Emu(max(TEXT_WIDTH - sum(widths[:-1]), Mm(5)))
    return widths


# What XML 1.0 cannot hold and text.clean leaves (it removes controls and surrogates already).
_XML_INVALID = re.compile("[\ufffe\uffff]")
# huge_tree: a paragraph over 10 MB is text like any other, not a reason to stop parsing
_HTML_PARSER = lxml.html.HTMLParser(huge_tree=True)
_SPACE = re.compile(r"\s+")


# python-docx, like other readers built on libxml2, refuses a text node over 10 MB: a paragraph
# longer than that is written as several runs, which read as one paragraph.
RUN_CHARS = 1_000_000


def _add_text(paragraph, text: str) -> list:  # noqa: ANN001 - a python-docx paragraph
    """``text`` as the runs of ``paragraph``, none of them longer than RUN_CHARS."""
    return [paragraph.add_run(text[i : i + RUN_CHARS]) for i in range(0, len(text), RUN_CHARS)] or [
        paragraph.add_run("")
    ]


class DocxError(UserError):
    """The DOCX built does not hold the whole report; nothing is written."""


def _verify(data: bytes, body: lxml.html.HtmlElement) -> None:
    """Reopen the document and compare it with the HTML it was built from: every character of
    text (white space aside) in the same order, and as many tables."""
    try:
        document = docx.Document(io.BytesIO(data))
    except (etree.LxmlError, ValueError, KeyError) as err:
        raise DocxError(f"生成的 DOCX 无法重新打开（{err}），未写入任何文件。请改用 txt 或 html 格式生成。") from err
    written = "".join(t.text or "" for t in document.element.body.iter(qn("w:t")))
    want_text = _SPACE.sub("", body.text_content())
    got_text = _SPACE.sub("", written)
    want_tables, got_tables = len(body.findall(".//table")), len(document.tables)
    if got_text != want_text or got_tables != want_tables:
        raise DocxError(
            f"生成的 DOCX 不完整（应有 {len(want_text)} 字、{want_tables} 个表格，"
            f"实有 {len(got_text)} 字、{got_tables} 个表格），未写入任何文件。"
            "请改用 txt 或 html 格式生成，并把报告会话文件发给维护人员。"
        )


def html_to_docx(html: str) -> bytes:
    """The HTML report (``render(answers, "html")``) as the bytes of a .docx file; ``DocxError``
    if the document built does not hold the whole report."""
    return _Builder().build(html)
