"""Word reports (.docx) → items: paragraphs and tables, merged cells read once.

Many agencies publish the report as a Word attachment. python-docx (already a dependency, for
the renderer) gives the body in order; a cell merged across columns (gridSpan) is one XML cell
that python-docx repeats, and a cell merged down (vMerge) is repeated in the rows below — both
are read once, where they start, as the HTML reader does with colspan / rowspan.
"""

from __future__ import annotations

import io
import zipfile

from gkassist import reading
from gkassist.importer.decoding import Unreadable
from gkassist.importer.model import Cell, Document, Item, Line, Table
from gkassist.importer.normalise import clean_line

_DAMAGED = "这是 Word 文件，但内容已损坏，无法读取。请用 Word 打开后另存为网页或纯文本再试。"


def is_docx(data: bytes) -> bool:
    """A Word file: a zip archive with a word/document.xml — also one too damaged to open (its
    local headers name its parts in clear), so that it is reported as a damaged Word file."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "word/document.xml" in z.namelist()
    except Exception:  # zipfile signals damage with assorted errors (NotImplementedError for a
        # version byte it does not know, BadZipFile, struct.error, ValueError …)
        return b"word/document.xml" in data


def _check_unpacked_size(data: bytes) -> None:
    """What the archive unpacks to stays within the file size limit (a zip bomb does not)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            total = sum(info.file_size for info in z.infolist())
    except Exception as err:
        raise Unreadable(_DAMAGED) from err
    if total > reading.limit():
        raise Unreadable(str(reading.too_large("这个 Word 文件", total, "解压后的内容")))


def read_docx(data: bytes) -> Document:
    import docx  # a fifth of a second to import; only Word files pay it
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    _check_unpacked_size(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as err:  # python-docx signals a damaged package with assorted errors
        raise Unreadable(_DAMAGED) from err
    items: list[Item] = []
    try:
        for child in document.element.body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
            if tag == "p":
                for line in Paragraph(child, document).text.splitlines():
                    text = clean_line(line)
                    if text:
                        items.append(Line(text))
            elif tag == "tbl":
                items.append(_table(DocxTable(child, document)))
    except Exception as err:  # malformed XML inside a valid package (a gridSpan of 「abc」 …)
        raise Unreadable(_DAMAGED) from err
    return Document(items=items, layout="docx")


def _table(table) -> Table:  # noqa: ANN001 - a python-docx Table
    rows: list[list[Cell]] = []
    # cells seen in earlier rows (a vertical merge repeats them below); the XML elements themselves
    # are kept, so that lxml keeps handing out the same proxy objects for them
    above: set = set()
    for row in table.rows:
        cells: list[Cell] = []
        here: set = set()
        for col, cell in enumerate(row.cells):
            key = cell._tc
            if key in here or key in above:
                continue
            here.add(key)
            cells.append(Cell(" ".join(clean_line(t) for t in cell.text.splitlines() if t.strip()), col=col))
        above |= here
        if cells:
            rows.append(cells)
    return Table(rows=rows, rows_known=True)
