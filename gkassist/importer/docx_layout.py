"""Word reports (.docx) → items: paragraphs and tables, merged cells read once.

Many agencies publish the report as a Word attachment. The body of ``word/document.xml`` is read
with lxml directly (python-docx, the renderer's library, took some 60 ms to open a report: a
reviewer's folder of thousands of Word files spent most of its time there): paragraphs in order
(their runs' text, tabs and line breaks), tables row by row. A cell merged across columns
(``gridSpan``) is one cell at its first grid column; a cell merged down (``vMerge``) is read once,
in the row where it starts — as the HTML reader does with colspan / rowspan. Content controls
(``w:sdt``) are read through.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from gkassist import reading
from gkassist.importer.decoding import Unreadable
from gkassist.importer.model import Cell, Document, Item, Line, Table, make_cell
from gkassist.importer.normalise import clean_line

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _SDT, _CONTENT = f"{_W}p", f"{_W}tbl", f"{_W}sdt", f"{_W}sdtContent"
_TR, _TC, _TCPR = f"{_W}tr", f"{_W}tc", f"{_W}tcPr"
_T, _TAB, _BR, _CR = f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"
_R, _RPR, _PPR = f"{_W}r", f"{_W}rPr", f"{_W}pPr"
_SPAN, _VMERGE, _VAL = f"{_W}gridSpan", f"{_W}vMerge", f"{_W}val"
_DAMAGED = "这是 Word 文件，但内容已损坏，无法读取。请用 Word 打开后另存为网页或纯文本再试。"


def open_docx(data: bytes) -> zipfile.ZipFile | None:
    """The archive of a Word file (a zip with a word/document.xml), opened — ``read_docx`` reads it
    on, so that its directory is read once; None when ``data`` is no Word file. A Word file too
    damaged to open still names its parts in clear in its local headers: it raises Unreadable, as a
    damaged Word file."""
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except Exception as err:  # zipfile signals damage with assorted errors (NotImplementedError for a
        # version byte it does not know, BadZipFile, struct.error, ValueError …)
        if b"word/document.xml" in data:
            raise Unreadable(_DAMAGED) from err
        return None
    if "word/document.xml" in z.namelist():
        return z
    z.close()
    return None


def is_docx(data: bytes) -> bool:
    """A Word file, damaged or not."""
    try:
        z = open_docx(data)
    except Unreadable:
        return True
    if z is None:
        return False
    z.close()
    return True


def _document_xml(data: bytes, archive: zipfile.ZipFile | None) -> bytes:
    """``word/document.xml``, once what the archive unpacks to is known to stay within the file
    size limit (a zip bomb does not)."""
    try:
        with archive or zipfile.ZipFile(io.BytesIO(data)) as z:
            total = sum(info.file_size for info in z.infolist())
            if total > reading.limit():
                raise Unreadable(str(reading.too_large("这个 Word 文件", total, "解压后的内容")))
            return z.read("word/document.xml")
    except Unreadable:
        raise
    except Exception as err:  # zip signals a damaged package with assorted errors
        raise Unreadable(_DAMAGED) from err


def read_docx(data: bytes, archive: zipfile.ZipFile | None = None) -> Document:
    """A Word file's paragraphs and tables; ``archive``: the one ``open_docx`` opened on ``data``."""
    xml = _document_xml(data, archive)
    try:
        root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, huge_tree=True, no_network=True))
    except Exception as err:  # XML signals a damaged document with assorted errors
        raise Unreadable(_DAMAGED) from err
    body = root.find(f"{_W}body")
    if body is None:
        raise Unreadable(_DAMAGED)
    try:
        items = _items_in_one_pass(body)
        if items is None:  # a part the one pass does not cover: the walk reads the whole body
            items = _items_by_walk(body)
    except Exception as err:  # malformed XML inside a valid package (a gridSpan of 「abc」 …)
        raise Unreadable(_DAMAGED) from err
    return Document(items=items, layout="docx")


def _add_paragraph(items: list[Item], text: str) -> None:
    """A paragraph of the body as lines: each cleaned, the empty ones left out."""
    if text.isprintable():  # one line, nothing to clean but its ends (see _cell_text)
        text = text.strip()
        if text:
            items.append(Line(text))
        return
    for line in text.splitlines():
        text = clean_line(line)
        if text:
            items.append(Line(text))


def _items_by_walk(body: etree._Element) -> list[Item]:
    """The body's paragraphs and tables, element by element (``_items_in_one_pass`` says what
    it reads; this is the definition, for every document)."""
    items: list[Item] = []
    for child in _blocks(body):
        if child.tag == _P:
            _add_paragraph(items, _text(child))
        else:
            items.append(_table(child))
    return items


# the elements the one pass looks at; lxml skips all others (formatting, most of a document's
# elements) in C without making a Python object for them
_STREAM = (_P, _TBL, _TR, _TC, _SPAN, _VMERGE, _T, _TAB, _BR, _CR, _SDT)


class _Irregular(Exception):
    """A part of the document that the one pass does not read as the walk would."""


def _items_in_one_pass(body: etree._Element) -> list[Item] | None:
    """What ``_items_by_walk`` reads, from one pass over the elements that carry text or
    structure, in document order (lxml's tag filter: a report's 3,000-odd elements cost about a
    third of the walk, which asked every element for its tag). None for a document with a part
    this does not cover — content controls, a nested table, a text box, a row or a cell not directly
    in its table or row …: each element's place is checked against its parent, and anything else is
    left to the walk. (A hyperlink's or an insertion's runs and a paragraph's tab stops are common in
    agencies' Word files: the one pass reads them as the walk does, ``_not_text``.)

    The walk's rules, as they apply to what passes the checks: a paragraph of the body or of a
    cell (its direct child) reads the text elements (w:t's text, a tab, a break) of its runs and of
    its other children in order, except its properties when they are its first child; a cell is
    read at its grid column unless its first w:tcPr merges it down from above."""
    items: list[Item] = []
    p = tbl = tr = tc = gs = vm = None
    parts: list[str] = []  # the paragraph's text
    texts: list[str] = []  # the cell's paragraphs
    rows: list[list[Cell]] = []
    cells: list[Cell] = []
    col = 0
    in_cell = False
    try:
        for el in body.iter(*_STREAM):
            tag = el.tag  # compared with == (COMPARE_OP specialised for str), most frequent first: a
            # set would hash the long namespaced tag, `in` a tuple compares more slowly
            if tag == _T:
                if p is None:
                    raise _Irregular
                parent = el.getparent()
                # most w:t are in a run that is the paragraph's child: read, checked here without a
                # call of _not_text (one for each piece of text)
                if parent is not p and (parent.getparent() is not p or parent.tag != _R) \
                        and _not_text(el, parent, p):
                    continue
                parts.append(el.text or "")
                continue
            # (a paragraph or a cell, the next most frequent, compared before the breaks)
            if tag != _P and tag != _TC and (tag == _BR or tag == _TAB or tag == _CR):  # noqa: SIM109
                if p is None:
                    raise _Irregular
                parent = el.getparent()
                if parent is not p and _not_text(el, parent, p):
                    continue
                parts.append("\t" if tag == _TAB else "\n")
                continue
            if p is not None:  # any other element ends the paragraph (see the checks below)
                if in_cell:
                    texts.append("".join(parts))
                else:
                    _add_paragraph(items, "".join(parts))
                p, parts = None, []
            if tag == _P:
                parent = el.getparent()
                if tc is not None and parent is tc:
                    in_cell = True
                elif parent is body:
                    if tbl is not None:
                        items.append(_end_table(tc, gs, vm, texts, col, cells, rows))
                        tbl = tr = tc = gs = vm = None
                        rows, cells, texts, col = [], [], [], 0
                    in_cell = False
                else:
                    raise _Irregular
                p = el
            elif tag == _TC:
                if tr is None or el.getparent() is not tr:
                    raise _Irregular
                if tc is not None:  # the cell before it ends
                    col = _end_cell(tc, gs, vm, texts, col, cells)
                    texts = []
                tc, gs, vm = el, None, None
            elif tag == _SPAN or tag == _VMERGE:  # noqa: SIM109
                # the walk reads those of the cell's first w:tcPr: one that is its first child
                props = el.getparent()
                if tc is None or props.getparent() is not tc or props.tag != _TCPR \
                        or props.getprevious() is not None:
                    raise _Irregular
                if tag == _SPAN:
                    gs = el if gs is None else gs
                else:
                    vm = el if vm is None else vm
            elif tag == _TR:
                if tbl is None or el.getparent() is not tbl:
                    raise _Irregular
                if tc is not None:
                    col = _end_cell(tc, gs, vm, texts, col, cells)
                if cells:
                    rows.append(cells)
                tr, tc, gs, vm = el, None, None, None
                cells, texts, col = [], [], 0
            elif tag == _TBL:
                if el.getparent() is not body:
                    raise _Irregular
                if tbl is not None:
                    items.append(_end_table(tc, gs, vm, texts, col, cells, rows))
                tbl, tr, tc, gs, vm = el, None, None, None, None
                rows, cells, texts, col = [], [], [], 0
            else:  # a content control
                raise _Irregular
    except _Irregular:
        return None
    if p is not None:
        if in_cell:
            texts.append("".join(parts))
        else:
            _add_paragraph(items, "".join(parts))
    if tbl is not None:
        items.append(_end_table(tc, gs, vm, texts, col, cells, rows))
    return items


_TEXT_TAGS = frozenset((_T, _TAB, _BR, _CR))


def _not_text(el: etree._Element, parent: etree._Element, p: etree._Element) -> bool:
    """Whether the walk leaves out a text element ``el`` found deeper in paragraph ``p`` than its
    children (``parent`` is its parent): in a run (``_text``), what is in the run's properties or
    inside another text element; in the paragraph's properties when they are its first child (a tab
    stop's w:tab). Everything else under a child of the paragraph is read, at any depth, in order
    (``_text_of``): a hyperlink's runs, an insertion's, a field's. Raises ``_Irregular`` for an
    element in no paragraph being read."""
    child, inner = parent, el  # the paragraph's child that holds el, and its child on the way
    while (above := child.getparent()) is not p:
        if above is None:
            raise _Irregular
        child, inner = above, child
    tag = child.tag
    if tag == _R:
        return inner is not el and (inner.tag == _RPR or inner.tag in _TEXT_TAGS)
    return tag == _PPR and child.getprevious() is None


def _end_table(tc: etree._Element | None, gs: etree._Element | None, vm: etree._Element | None,
               texts: list[str], col: int, cells: list[Cell], rows: list[list[Cell]]) -> Table:
    """The table read in one pass, once its last cell (``_end_cell``) and row are added."""
    _end_cell(tc, gs, vm, texts, col, cells)
    if cells:
        rows.append(cells)
    return Table(rows=rows, rows_known=True)


def _end_cell(tc: etree._Element | None, gs: etree._Element | None, vm: etree._Element | None,
              texts: list[str], col: int, cells: list[Cell]) -> int:
    """A cell read in one pass (``tc``: None for no cell) into ``cells`` at grid column ``col``
    unless merged down from above, as ``_cell`` reads it; returns the next cell's column."""
    if tc is None:
        return col
    span = _span(gs)
    if vm is not None and vm.get(_VAL, "continue") != "restart":
        return col + span
    cells.append(make_cell((_cell_text_of(texts), col, 0)))
    return col + span


def _span(gs: etree._Element | None) -> int:
    if gs is None:
        return 1
    try:
        return max(1, int(gs.get(_VAL, "1")))
    except ValueError:
        return 1


def _blocks(parent: etree._Element):  # noqa: ANN202 - a generator of elements
    """The paragraphs and tables of a body or a cell, in order, content controls read through."""
    for child in parent:
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            content = _child(child, _CONTENT)
            if content is not None:
                yield from _blocks(content)


def _text(paragraph: etree._Element) -> str:
    """A paragraph's text as Word shows it: runs' text, a tab as a tab, a break as a new line."""
    # a run's children are looked at one by one, and the subtrees that hold no text — the
    # paragraph's properties (its first child) and each run's — are not entered: a report has
    # hundreds of paragraphs, and most of their elements are formatting. (The tab stops among the
    # paragraph's properties would only put tabs before its text, which trimming takes off.)
    parts: list[str] = []
    first = True
    for child in paragraph:
        tag = child.tag
        if tag == _R:
            for el in child:
                tag = el.tag
                if tag == _T:
                    parts.append(el.text or "")
                elif tag == _RPR:
                    continue
                elif tag == _TAB:
                    parts.append("\t")
                elif tag in (_BR, _CR):
                    parts.append("\n")
                else:
                    _text_of(el, parts)
        elif not (first and tag == _PPR):
            _text_of(child, parts)
        first = False
    return "".join(parts)


def _text_of(element: etree._Element, parts: list[str]) -> None:
    """The text of every element under ``element`` (hyperlinks, insertions, fields, text boxes …)."""
    # every element, its tag compared here: cheaper than lxml's tag filter, which is set up anew
    # on each call
    for el in element.iter():
        tag = el.tag
        if tag == _T:
            parts.append(el.text or "")
        elif tag == _TAB:
            parts.append("\t")
        elif tag in (_BR, _CR):
            parts.append("\n")


def _child(parent: etree._Element, tag: str) -> etree._Element | None:
    """The first child of ``parent`` with ``tag``: ``parent.find(tag)`` without its path parsing,
    which cost more than the rest of reading a table (it ran three times for every cell)."""
    for child in parent:
        if child.tag == tag:
            return child
    return None


def _table(table: etree._Element) -> Table:
    rows: list[list[Cell]] = []
    for tr in table.iter(_TR):
        parent = tr.getparent()
        if parent is not table and parent.getparent() is not table:
            continue  # a row of a table nested in a cell: not this table's
        cells: list[Cell] = []
        col = 0
        for tc in tr:  # a table has hundreds of cells: no generator, one call for each
            tag = tc.tag
            if tag == _TC:
                col = _cell(tc, col, cells)
            elif tag == _SDT:  # cells inside a content control
                content = _child(tc, _CONTENT)
                if content is not None:
                    for inner in content:
                        if inner.tag == _TC:
                            col = _cell(inner, col, cells)
        if cells:
            rows.append(cells)
    return Table(rows=rows, rows_known=True)


def _cell(tc: etree._Element, col: int, cells: list[Cell]) -> int:
    """Read a cell at grid column ``col`` into ``cells`` — unless it continues a cell merged down
    from above, which is read in the row where it starts; returns the next cell's column. One pass
    over its children: a table has hundreds of cells."""
    props = None
    paragraphs: list[etree._Element] = []
    for child in tc:
        tag = child.tag
        if tag == _P:
            paragraphs.append(child)
        elif tag == _TCPR:
            if props is None:
                props = child
        elif tag == _SDT:
            content = _child(child, _CONTENT)
            if content is not None:
                paragraphs.extend(b for b in _blocks(content) if b.tag == _P)
    span = 1
    if props is not None:
        gs = vm = None
        for prop in props:
            tag = prop.tag
            if tag == _SPAN:
                gs = prop if gs is None else gs
            elif tag == _VMERGE:
                vm = prop if vm is None else vm
        span = _span(gs)
        if vm is not None and vm.get(_VAL, "continue") != "restart":
            return col + span  # merged down: read in the row where it starts
    cells.append(make_cell((_cell_text(paragraphs), col, 0)))
    return col + span


def _cell_text(paragraphs: list[etree._Element]) -> str:
    """A cell's text: its lines trimmed and joined by a space (a label printed over two lines)."""
    return _cell_text_of([_text(p) for p in paragraphs])


def _cell_text_of(texts: list[str]) -> str:
    """A cell's text from its paragraphs' texts (see ``_cell_text``)."""
    if len(texts) == 1:
        text = texts[0]
        if text.isprintable():
            # most cells: one line with no tab, break or special space (those are not printable),
            # so clean_line would only trim it
            return text.strip()
    else:
        text = "\n".join(texts)
    return " ".join([clean_line(t) for t in text.splitlines() if t.strip()])
