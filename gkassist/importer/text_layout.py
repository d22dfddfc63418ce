"""Plain-text reports → items: running lines and tables.

Two table layouts occur in text, often in one file:

* **one cell per line** — a web page scraped to text: every cell on its own line ending in
  ``" |"``; cells covered by a merged neighbour come out as lines of bare pipes (``"||"``), which
  carry nothing and are skipped; an empty cell is ``" |"`` (white space, then the pipe). Where
  one row ends is not marked, so such a table is one long row of cells.
* **one row per line** — cells separated by ``|`` (Markdown rows too), tabs, or runs of white
  space (gkassist's own txt rendering, PDF extraction). A line is a row when it reads as zero or
  more labels followed by numbers; short label-only lines between rows (column headers) belong
  to the table, so that it can be recognised by its words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from gkassist.importer.cells import is_value
from gkassist.importer.model import Cell, Document, Item, Line, Table
from gkassist.importer.normalise import clean_line
from gkassist.importer.sections import match_heading
from gkassist.text import SENTENCE_END

_PIPES = re.compile(r"^\|+$")
_EMPTY_CELL = re.compile(r"^\s+\|$")
_MD_RULE = re.compile(r"^:?-{2,}:?$")
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_BOLD = re.compile(r"^\*\*(.+)\*\*$")
# box-drawing borders some renderers put around text tables
_BOX = str.maketrans({ch: " " for ch in "│┃║┆┊╎"})
_BOX_RULE = re.compile(r"^[\s─━═┌┐└┘├┤┬┴┼╔╗╚╝╠╣╦╩╬+\-=:|]+$")
_LABEL_MAX = 40
# page numbers left by PDF extraction: 「— 3 —」「- 3 -」「第 3 页」「第3页 共9页」
_PAGE_NUMBER = re.compile(r"^([-—–－]+\s*\d{1,3}\s*[-—–－]+|第\s*\d{1,3}\s*页(\s*[,，/]?\s*共\s*\d{1,3}\s*页)?)$")


@dataclass(frozen=True)
class _Classified:
    kind: str  # "cell" | "row" | "noise" | "plain" | "blank"
    text: str = ""
    cells: tuple[Cell, ...] = ()


_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>])")
_MD_SIGNS = re.compile(r"(?m)^(#{1,6} |\|\s*:?-{3,})")


def read_text(text: str) -> Document:
    raw_lines = text.splitlines()
    if _MD_SIGNS.search(text):  # Markdown (gkassist's own md, converters): drop its escapes
        raw_lines = [_MD_ESCAPE.sub(r"\1", line) for line in raw_lines]
    lines = [_classify(raw) for raw in raw_lines]
    items = _group(lines)
    n_cells = sum(1 for c in lines if c.kind == "cell")
    n_rows = sum(1 for c in lines if c.kind == "row")
    layout = "text-cells" if n_cells > n_rows else "text-rows"
    return Document(items=items, layout=layout)


@lru_cache(maxsize=16384)
def _classify(raw: str) -> _Classified:
    line = raw.replace("\xa0", " ").replace("\u3000", " ").replace("\ufeff", "").rstrip("\r\n")
    if _EMPTY_CELL.match(line):
        return _Classified("cell", cells=(Cell(""),))
    s = line.strip()
    if not s:
        return _Classified("blank")
    if _PIPES.match(s) or _PAGE_NUMBER.match(s):
        return _Classified("noise" if _PIPES.match(s) else "blank")
    s = _MD_HEADING.sub("", s)
    bold = _BOLD.match(s)
    if bold:
        s = bold.group(1).strip()
    if "|" in s:
        if s.endswith("|") and s.count("|") == 1:
            return _Classified("cell", cells=(Cell(s[:-1].strip()),))
        parts = s.split("|")
        if s.startswith("|"):
            parts = parts[1:]
        if s.endswith("|"):
            parts = parts[:-1]
        parts = [p.strip() for p in parts]
        if parts and all(_MD_RULE.match(p) for p in parts if p):
            return _Classified("noise")
        return _Classified("row", cells=tuple(Cell(p) for p in parts))
    if any(ch in s for ch in "│┃║"):
        s = s.translate(_BOX).strip()
    if _BOX_RULE.match(s):
        return _Classified("noise")
    if "\t" in s:
        return _Classified("row", cells=tuple(Cell(p.strip()) for p in s.split("\t")))
    tokens = s.split()
    if len(tokens) >= 2 and _labels_then_values(tokens):
        return _Classified("row", cells=tuple(Cell(t) for t in tokens))
    return _Classified("plain", text=clean_line(s))


def _labels_then_values(tokens: list[str]) -> bool:
    """Zero or more labels, then at least one number, and nothing but numbers after it."""
    seen_value = False
    for t in tokens:
        if is_value(t):
            seen_value = True
        elif seen_value:
            return False
    return seen_value


def _label_like(text: str) -> bool:
    """A short line without sentence punctuation that is no section heading: a column header."""
    return len(text) <= _LABEL_MAX and not any(ch in text for ch in SENTENCE_END) and match_heading(text) is None


def _group(lines: list[_Classified]) -> list[Item]:
    """Runs of table lines (with label lines among and just before them) become one Table."""
    items: list[Item] = []
    i, n = 0, len(lines)
    while i < n:
        c = lines[i]
        if c.kind == "blank":
            i += 1
            continue
        if c.kind == "plain" and not _starts_table(lines, i):
            items.append(Line(c.text))
            i += 1
            continue
        # a table: label lines, then table lines and label lines, ending at the last table line
        j, last_table = i, -1
        while j < n:
            k = lines[j].kind
            if k in ("cell", "row", "noise"):
                last_table = j
            elif k == "plain" and not _label_like(lines[j].text):
                break
            j += 1
        if last_table < 0:  # label lines that led to nothing
            items.append(Line(c.text))
            i += 1
            continue
        items.append(_table(lines[i:last_table + 1]))
        i = last_table + 1
    return items


def _starts_table(lines: list[_Classified], i: int) -> bool:
    """Whether the label line at ``i`` heads a table: only label or blank lines until table lines."""
    for c in lines[i:]:
        if c.kind in ("cell", "row", "noise"):
            return True
        if c.kind == "blank":
            continue
        if not _label_like(c.text):
            return False
    return False


def _table(lines: list[_Classified]) -> Table:
    cell_lines = sum(1 for c in lines if c.kind == "cell")
    row_lines = sum(1 for c in lines if c.kind == "row")
    if cell_lines >= row_lines:
        # scraped one-cell-per-line: no row boundaries, one stream of cells
        flat: list[Cell] = []
        for c in lines:
            if c.kind in ("cell", "row") and c.cells:
                flat.extend(c.cells)
            elif c.kind == "plain":
                flat.append(Cell(c.text))
        return Table(rows=[flat], rows_known=False)
    rows: list[list[Cell]] = []
    for c in lines:
        if c.kind in ("row", "cell") and c.cells:
            rows.append(list(c.cells))
        elif c.kind == "plain":
            rows.append([Cell(t) for t in c.text.split()])
    return Table(rows=rows, rows_known=True)
