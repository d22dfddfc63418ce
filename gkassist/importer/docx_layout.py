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
    items: list[Item] = []
    try:
        for child in _blocks(body):
            if child.tag == _P:
                text = _text(child)
                if text.isprintable():  # one line, nothing to clean but its ends (see _cell_text)
                    text = text.strip()
                    if text:
                        items.append(Line(text))
                    continue
                for line in text.splitlines():
                    text = clean_line(line)
                    if text:
                        items.append(Line(text))
            else:
                items.append(_table(child))
    except Exception as err:  # malformed XML inside a valid package (a gridSpan of 「abc」 …)
        raise Unreadable(_DAMAGED) from err
    return Document(items=items, layout="docx")


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
        if gs is not None:
            try:
                span = max(1, int(gs.get(_VAL, "1")))
            except ValueError:
                span = 1
        if vm is not None and vm.get(_VAL, "continue") != "restart":
            return col + span  # merged down: read in the row where it starts
    cells.append(make_cell((_cell_text(paragraphs), col, 0)))
    return col + span


def _cell_text(paragraphs: list[etree._Element]) -> str:
    """A cell's text: its lines trimmed and joined by a space (a label printed over two lines)."""
    if len(paragraphs) == 1:
        text = _text(paragraphs[0])
        if text.isprintable():
            # most cells: one line with no tab, break or special space (those are not printable),
            # so clean_line would only trim it
            return text.strip()
    else:
        text = "\n".join([_text(p) for p in paragraphs])
    return " ".join([clean_line(t) for t in text.splitlines() if t.strip()])
