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
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from operator import attrgetter

from gkassist.importer.cells import is_value
from gkassist.importer.model import Cell, Document, Item, Line, Table
from gkassist.importer.normalise import clean_line
from gkassist.importer.sections import match_heading
from gkassist.importer.tables import is_table_label, split_glued
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
_PAGE_NUMBER_FIRST = "-—–－第"  # the characters a page number starts with
_PAGE_NUMBER = re.compile(r"^([-—–－]+\s*\d{1,3}\s*[-—–－]+|第\s*\d{1,3}\s*页(\s*[,，/]?\s*共\s*\d{1,3}\s*页)?)$")


@dataclass(frozen=True)
class _Classified:
    kind: str  # "cell" | "row" | "value" | "noise" | "plain" | "blank"
    text: str = ""
    cells: tuple[Cell, ...] = ()
    # derived once per classified line (``_classify`` is cached by line), so that grouping a file's
    # few hundred lines into tables is string searches and C-level joins, not a Python loop per
    # line (``_group``, ``_table``): the line's kind as one letter (``_MARKS``), and the cells it
    # adds to a table read as one stream of cells, where cells end in 「 |」 (``piped``) and not
    mark: str = field(init=False, repr=False, compare=False)
    piped: tuple[Cell, ...] = field(init=False, repr=False, compare=False)
    unpiped: tuple[Cell, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        kind, text, cells = self.kind, self.text, self.cells
        mark = _MARKS[kind]
        if kind == "cell" and not (cells and cells[0].text):
            mark = "e"  # a cell line that holds no text
        own: tuple[Cell, ...] = ()
        if kind in ("cell", "row", "value"):
            own = cells
        elif kind == "plain":
            own = (Cell(text),)
        piped = own
        if kind == "noise" and text:
            piped = (Cell(""),) if text == "|" else (Cell("", fill=len(text)),)
        object.__setattr__(self, "mark", mark)
        object.__setattr__(self, "piped", piped)
        object.__setattr__(self, "unpiped", own)


# each kind's letter in the string of a file's line marks (``_group``); a cell line without text is
# 「e」. Table lines (``_TABLE_KINDS``) are 「c」「e」「r」「v」「n」, label or prose lines 「p」, blank 「b」
_MARKS = {"cell": "c", "row": "r", "value": "v", "noise": "n", "plain": "p", "blank": "b"}
_MARK = attrgetter("mark")
_PIPED = attrgetter("piped")
_UNPIPED = attrgetter("unpiped")


_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>])")
_MD_SIGNS = re.compile(r"(?m)^(#{1,6} |\|\s*:?-{3,})")


# a flip-book page's header: 「Page 9 - 某某局2022年政府信息公开工作年度报告」, then 「P. 9」
_FLIPBOOK_HEADER = re.compile(r"^\s*Page\s+(\d{1,3})\s*[-—–]\s*(.*)$")
_FLIPBOOK_PAGE = re.compile(r"^\s*P\.\s*(\d{1,3})\s*$")


def read_text(text: str) -> Document:
    raw_lines = text.splitlines()
    # Markdown (gkassist's own md, converters): drop its escapes. Its signs hold 「# 」 or 「---」:
    # two string searches spare most files the regular expression's look at every line start
    if ("# " in text or "---" in text) and _MD_SIGNS.search(text):
        raw_lines = [_MD_ESCAPE.sub(r"\1", line) for line in raw_lines]
    page, raw_lines = _flipbook_page(raw_lines)
    lines = list(map(_classify, raw_lines))
    marks = "".join(map(_MARK, lines))
    items = _group(lines, marks)
    n_cells = marks.count("c") + marks.count("e") + marks.count("v")
    layout = "text-cells" if n_cells > marks.count("r") else "text-rows"
    return Document(items=items, layout=layout, page=page)


def _flipbook_page(raw_lines: list[str]) -> tuple[int | None, list[str]]:
    """A flip-book page's number, and its lines with the page markers taken out (the header's
    title stays: it is the report's title, printed on every page)."""
    head = [k for k, line in enumerate(raw_lines[:3]) if _FLIPBOOK_HEADER.match(line)]
    if not head:
        return None, raw_lines
    k = head[0]
    m = _FLIPBOOK_HEADER.match(raw_lines[k])
    assert m is not None
    rest = [m.group(2)] + [line for line in raw_lines[k + 1:k + 3] if not _FLIPBOOK_PAGE.match(line)]
    return int(m.group(1)), raw_lines[:k] + rest + raw_lines[k + 3:]


@lru_cache(maxsize=16384)
def _classify(raw: str) -> _Classified:
    # each pattern below is anchored at the line's start (and end): its first (last) character is
    # compared first, so that a line of prose — most lines, and each new one runs all of this —
    # tries none of them
    line = raw.replace("\xa0", " ").replace("\u3000", " ").replace("\ufeff", "").rstrip("\r\n")
    if line.endswith("|") and _EMPTY_CELL.match(line):
        return _Classified("cell", cells=(Cell(""),))
    s = line.strip()
    if not s:
        return _Classified("blank")
    first = s[0]
    if (first == "|" and _PIPES.match(s)) or (first in _PAGE_NUMBER_FIRST and _PAGE_NUMBER.match(s)):
        return _Classified("noise", text=s) if _PIPES.match(s) else _Classified("blank")
    if first == "#":
        s = _MD_HEADING.sub("", s)
    bold = _BOLD.match(s) if s.startswith("**") else None
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
    if len(tokens) == 1 and is_value(s):
        # one cell per line without a separator: a number (or a dash) on a line of its own
        return _Classified("value", text=s, cells=(Cell(s),))
    glued = split_glued(s)
    if glued is not None:  # 「规章000」: a row label with its numbers run together
        return _Classified("row", cells=tuple(Cell(t) for t in glued))
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


_SENTENCE_END = re.compile("[" + re.escape(SENTENCE_END) + "]")


def _label_like(text: str) -> bool:
    """A short line without sentence punctuation that is no section heading: a column header."""
    return len(text) <= _LABEL_MAX and not _SENTENCE_END.search(text) and match_heading(text) is None


_TABLE_KINDS = ("cell", "row", "value", "noise")
# a run of label lines (no number among them) is a table printed without its numbers when this
# many of its lines are labels of the format's tables
_LABELS_ONLY_MIN = 4


def _group(lines: list[_Classified], marks: str) -> list[Item]:
    """Runs of table lines (with label lines among and just before them) become one Table.
    ``marks``: each line's ``mark``, one letter a line."""
    items: list[Item] = []
    i, n = 0, len(lines)
    while i < n:
        c = lines[i]
        if c.kind == "blank":
            i += 1
            continue
        if c.kind == "plain":
            starts, run_end = _starts_table(lines, i)
            if not starts:
                # no line of this run of labels starts a table either: all of it is text (one scan
                # per run keeps reading linear in the length of the file)
                items.extend(Line(x.text) for x in lines[i:run_end] if x.kind == "plain")
                i = max(run_end, i + 1)
                continue
        # a table: label lines, then table lines and label lines, ending at the last table line
        # (or, for a table printed without numbers, at the last of its label lines)
        # from one label or prose line to the next (string searches in ``marks``: table and blank
        # lines between them only move the last table line), until a line that is no label
        j, last_table, last_label = i, -1, -1
        while j < n:
            p = marks.find("p", j)
            if p < 0:
                p = n
            table_lines = len(marks[j:p].rstrip("b"))  # up to the last table line before p
            if table_lines:
                last_table = j + table_lines - 1
            if p == n or not _label_like(lines[p].text):
                break
            last_label = p
            j = p + 1
        end = last_table if last_table >= 0 else last_label
        if last_table < 0 and not _labels_only_table(lines[i:end + 1]):
            items.append(Line(c.text))  # label lines that led to nothing
            i += 1
            continue
        if last_table >= 0 and last_label > last_table and _labels_only_table(lines[last_table + 1:last_label + 1]):
            end = last_label  # the table goes on without numbers (a blank template, a cut page)
        items.append(_table(lines[i:end + 1], marks[i:end + 1]))
        i = end + 1
    return items


def _labels_only_table(lines: list[_Classified]) -> bool:
    """Label lines that are a table's labels printed without numbers (a blank template)."""
    labels = [c.text for c in lines if c.kind == "plain"]
    return sum(1 for t in labels if is_table_label(t)) >= _LABELS_ONLY_MIN


def _starts_table(lines: list[_Classified], i: int) -> tuple[bool, int]:
    """Whether the label line at ``i`` heads a table — only label or blank lines until table lines,
    or a run of the format's table labels printed without numbers — and where the run of label
    lines that starts at ``i`` ends (the first line after it)."""
    labels = 0
    for j in range(i, len(lines)):
        c = lines[j]
        if c.kind in _TABLE_KINDS:
            return True, j
        if c.kind == "blank":
            continue
        if not _label_like(c.text):
            return False, j if j > i else i + 1
        labels += is_table_label(c.text)
        if labels >= _LABELS_ONLY_MIN:
            return True, j
    return False, len(lines)


def _table(lines: list[_Classified], marks: str) -> Table:
    # the lines of each kind, counted in ``marks`` (a scraped table has a hundred lines): cells and
    # rows, and for cells, those ending in 「 |」 that hold text (piped) and those without (bare)
    cell_lines = marks.count("c") + marks.count("e") + marks.count("v")
    if cell_lines >= marks.count("r"):
        # scraped one-cell-per-line: no row boundaries, one stream of cells. Where cells end in
        # 「 |」, a line of one bare 「|」 is an empty cell and a run of pipes (「|||||||」) a filler
        # that stands for the row's empty cells; where the 「|」 stands on a line of its own after
        # every cell, it only separates them.
        pipe_cells = marks.count("c") > marks.count("v") + marks.count("p")
        flat = list(chain.from_iterable(map(_PIPED if pipe_cells else _UNPIPED, lines)))
        return Table(rows=[flat], rows_known=False)
    rows: list[list[Cell]] = []
    for c in lines:
        if c.kind in ("row", "cell", "value") and c.cells:
            rows.append(list(c.cells))
        elif c.kind == "plain":
            rows.append([Cell(t) for t in c.text.split()])
    return Table(rows=rows, rows_known=True)
