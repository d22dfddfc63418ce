"""Word reports (.docx) → items: paragraphs and tables, merged cells read once.

Many agencies publish the report as a Word attachment. python-docx (already a dependency, for
the renderer) gives the body in order; a cell merged across columns (gridSpan) is one XML cell
that python-docx repeats, and a cell merged down (vMerge) is repeated in the rows below — both
are read once, where they start, as the HTML reader does with colspan / rowspan.
"""

from __future__ import annotations

import io
import zipfile

from gkassist.importer.decoding import Unreadable
from gkassist.importer.model import Cell, Document, Item, Line, Table
from gkassist.importer.normalise import clean_line


def is_docx(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "word/document.xml" in z.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def read_docx(data: bytes) -> Document:
    import docx  # a fifth of a second to import; only Word files pay it
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as err:  # python-docx signals a damaged package with assorted errors
        raise Unreadable("这是 Word 文件，但内容已损坏，无法读取。请用 Word 打开后另存为网页或纯文本再试。") from err
    items: list[Item] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            for line in Paragraph(child, document).text.splitlines():
                text = clean_line(line)
                if text:
                    items.append(Line(text))
        elif tag == "tbl":
            items.append(_table(DocxTable(child, document)))
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
