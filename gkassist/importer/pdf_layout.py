"""PDF reports with a text layer → items: lines of text and ruled tables, as the page shows them.

Agencies publish most reports as PDF attachments printed from Word or WPS. Their text layer is a
set of characters with positions; their tables are ruled grids of cells, merged the way the
national format merges them (table 三's note beside 申请人情况 over three header rows, its group
labels 「三、本年度办理结果」「（三）不予公开」 down many rows; table 四's 行政复议 / 行政诉讼 over
narrow columns whose headers print one character per line). The library is pypdfium2 (PDFium,
one wheel per platform for every Python): it gives each character with its box and each path
with its bounds, in C, at a few milliseconds per page; ``benchmarks/bench_pdf.py`` compares it
with pdfplumber (see docs/performance.md).

The walk, per page:

* **rules**: the thin path objects (lines and thin filled rectangles, as Word draws borders;
  the four sides of a stroked rectangle) are horizontal or vertical rules;
* **grids**: rules that cross or touch form a table; its distinct rule positions cut it into
  elementary cells, and two neighbouring cells with no rule between them are one merged cell
  (so a merged cell is read once, in the row where it starts — as the HTML reader does with
  rowspan / colspan, and ``tables`` then places rows by their labels and widths in the known
  layout of the three tables); each character goes to the cell its centre lies in; a cell's
  lines join without a space between Chinese characters (「结\\n果\\n维\\n持」 is 「结果维持」);
* **text**: the other characters make lines (PDFium's line breaks, then the gaps between
  characters: a gap of about a character's width between columns is a space, so that a table
  printed without rules reads as rows, as in extracted text; a space between Chinese text and a
  number is none: 「申请 1296 件」 reads 「申请1296件」); a line that runs to the right edge of
  the text and is followed by a line that is not indented continues the same paragraph (a
  paragraph is one line, as in a web page), across a page break too;
* **page chrome**: page numbers and lines repeated in the top or bottom margin of several pages
  (a running header with the title) are left out.

A table continued on the next page is one table: its repeated header rows are dropped. The text
between tables is read by the text reader (``text_layout``), so that a table printed without
rules is read as rows, as in a report's extracted text. A PDF without a text layer (a scan) is
refused with a message that it needs text recognition (OCR), which gkassist does not do.
"""

from __future__ import annotations

import ctypes
import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field

from gkassist.importer.decoding import Unreadable
from gkassist.importer.model import Cell, Document, Item, Table
from gkassist.importer.sections import match_heading
from gkassist.importer.tables import is_table_text

# a rule is a path at most this thick (points); rules closer than SNAP are the same line
_THIN = 3.0
_SNAP = 2.5
_MIN_RULE = 4.0
# chars: a gap wider than this many character heights between columns is a space in text lines
_COLUMN_GAP = 0.9
_WORD_GAP = 0.2
# a page whose text layer holds fewer characters than this, with an image, is a scanned page
_SCAN_CHARS = 20
_MARGIN = 0.09  # top and bottom share of a page where running headers and footers stand
_PAGE_NUMBER = re.compile(r"^[-—–－\s]*(第\s*)?\d{1,3}(\s*页)?(\s*[,，/]?\s*共\s*\d{1,3}\s*页)?[-—–－\s]*$")
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")

_SCANNED = ("这是扫描版 PDF（页面是图片，没有文字层），无法读取其中的文字。请先用 WPS、Adobe Acrobat 等软件"
            "做文字识别（OCR）后另存为带文字的 PDF 或 Word 文件再检查；gkassist 不做文字识别。")
_NO_TEXT = "这个 PDF 文件中没有文字（可能是图片或空白页），无法读取。"
_DAMAGED = "这是 PDF 文件，但内容已损坏，无法读取。请用 PDF 阅读器打开确认后重新保存再试。"
_PASSWORD = "这个 PDF 文件有密码保护，无法读取。请去掉密码后另存一份再检查。"
_NO_FONT = ("PDF 中有 {n} 处文字（第 {pages} 页）无法读出：文件没有嵌入这些文字所用的中文字体，本机也没有可代替的"
            "中文字体，这些文字未读取（表格中的单元格可能因此不全）。请在本机安装一种中文字体（如文泉驿正黑、思源宋体）后"
            "再检查，或把报告另存为网页、Word 或纯文本文件再检查。")


def is_pdf(data: bytes) -> bool:
    """A PDF starts with ``%PDF-`` (some writers put a few bytes before it)."""
    return b"%PDF-" in data[:1024]


@dataclass
class _Char:
    ch: str
    x0: float
    x1: float
    top: float
    bottom: float
    spaced: bool = False  # the text layer has a space character before it

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class _Text:
    """A line of text outside the tables, where it stands on its page."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    gapped: bool = False  # holds a gap between columns (a row of a table printed without rules)
    # the text column's edges on the page where the paragraph's last line stands
    left: float = 0.0
    right: float = 0.0
    lines: int = 1  # visual lines joined into this paragraph


@dataclass
class _Grid:
    xs: list[float]
    ys: list[float]
    group: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)  # cell → its merged cell

    def contains(self, x: float, y: float) -> bool:
        return self.xs[0] - 1 <= x <= self.xs[-1] + 1 and self.ys[0] - 1 <= y <= self.ys[-1] + 1

    def cell_at(self, x: float, y: float) -> tuple[int, int]:
        j = min(max(bisect_right(self.xs, x) - 1, 0), len(self.xs) - 2)
        i = min(max(bisect_right(self.ys, y) - 1, 0), len(self.ys) - 2)
        return self.group.get((i, j), (i, j))


@dataclass
class _PageTable:
    table: Table
    top: float
    left: float
    right: float


@dataclass
class _Page:
    height: float
    content: list[_Text | _PageTable]


# --- reading the file ------------------------------------------------------------------------------


def read_pdf(data: bytes) -> Document:
    """The report's items (see the module docstring); ``Unreadable`` for a scan, a damaged or a
    password-protected file."""
    import pypdfium2 as pdfium  # a native library: only PDF reports load it

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        raise Unreadable(_PASSWORD if "password" in str(err).lower() else _DAMAGED) from err
    try:
        pages: list[_Page] = []
        scanned = chars = 0
        unread: dict[int, int] = {}  # page number → text objects PDFium could not read
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                content, n_chars, images, lost = _read_page(page)
                pages.append(_Page(page.get_height(), content))
            finally:
                page.close()
            chars += n_chars
            if lost:
                unread[index + 1] = lost
            if n_chars < _SCAN_CHARS and images:
                scanned += 1
    except pdfium.PdfiumError as err:
        raise Unreadable(_DAMAGED) from err
    finally:
        pdf.close()
    if chars < _SCAN_CHARS:
        raise Unreadable(_SCANNED if scanned else _NO_TEXT)
    items = _items(_drop_chrome(pages))
    notes = []
    if scanned:
        notes.append(f"PDF 中有 {scanned} 页是图片（扫描页），没有文字层，这些页的内容未读取（需要先做文字识别）。")
    if unread:
        notes.append(_NO_FONT.format(n=sum(unread.values()), pages="、".join(map(str, unread))))
    return Document(items=items, layout="pdf", notes=notes)


def _read_page(page) -> tuple[list[_Text | _PageTable], int, int, int]:  # noqa: ANN001 - a PdfPage
    """The page's lines and tables, how many characters and images it has, and how many of its
    text objects PDFium could not read."""
    import pypdfium2.raw as raw

    height = page.get_height()
    hs, vs, images, texts = _rules(page, height, raw)
    textpage = page.get_textpage()
    try:
        chars = _chars(textpage, height, raw)
        lost = _unread(texts, textpage, raw)
    finally:
        textpage.close()
    n_chars = sum(1 for line in chars for _ in line)
    grids = _grids(hs, vs)
    in_table: list[list[_Char]] = [[] for _ in grids]
    outside: list[list[_Char]] = []
    for line in chars:
        rest: list[_Char] = []
        for c in line:
            k = next((k for k, g in enumerate(grids) if g.contains(c.cx, c.cy)), None)
            (rest if k is None else in_table[k]).append(c)
        if rest:
            outside.append(rest)
    content: list[_Text | _PageTable] = [t for line in _split_lines(outside, in_order=True)
                                         if (t := _text_line(line))]
    for grid, cs in sorted(zip(grids, in_table, strict=True), key=lambda g: g[0].ys[0]):
        table = _grid_table(grid, cs)
        if table.rows:
            # among the lines where it stands (the lines keep the order they were written in):
            # before the first line below its top, not counting lines in the page's margins,
            # which a page's footer or running header writes first or last on the page
            at = next((k for k, x in enumerate(content) if isinstance(x, _Text) and x.top > grid.ys[0]
                       and not _in_margin(x, height)), len(content))
            content.insert(at, _PageTable(table, grid.ys[0], grid.xs[0], grid.xs[-1]))
    return content, n_chars, images, lost


def _unread(texts: list, textpage, raw) -> int:  # noqa: ANN001 - PDFium handles
    """How many text objects PDFium reads no text from. A font the file does not embed is drawn
    with one the machine has; where the machine has no Chinese font, PDFium can lose a short
    text object of such a font altogether — its characters are missing from the page's text,
    so a wrapped cell loses its last line — and the object's own text reads empty. (An object
    that writes only spaces reads as spaces, not empty.)"""
    read, font, embedded = raw.FPDFTextObj_GetText, raw.FPDFTextObj_GetFont, raw.FPDFFont_GetIsEmbedded
    # 2 bytes: UTF-16's closing nul. An embedded font's object that reads empty (a font without its
    # character map) is another fault, and the advice to install a font would not help there.
    return sum(1 for obj in texts if read(obj, textpage, None, 0) <= 2 and embedded(font(obj)) == 0)


def _chars(textpage, height: float, raw) -> list[list[_Char]]:  # noqa: ANN001 - PDFium handles
    """The page's characters in PDFium's order, cut into its lines; spaces and generated
    characters left out (spaces are put back from the gaps)."""
    n = raw.FPDFText_CountChars(textpage)
    if n <= 0:
        return []
    text = textpage.get_text_range(0, n)
    # the loose box: the character's advance and the font's height, not its glyph's ink (a 「1」
    # or a 「、」 inks a sliver, and the gaps beside it would read as spaces)
    rect = raw.FS_RECTF()
    box, where = raw.FPDFText_GetLooseCharBox, ctypes.byref(rect)
    generated = raw.FPDFText_IsGenerated
    lines: list[list[_Char]] = [[]]
    space = False
    for i, ch in enumerate(text[:n]):
        if ch in "\r\n":
            if ch == "\n" and lines[-1]:
                lines.append([])
            space = False
            continue
        if ch.isspace():
            space = space or generated(textpage, i) != 1
            continue
        if ch in "\x00\ufffe" or not box(textpage, i, where):
            continue
        lines[-1].append(_Char(ch, rect.left, rect.right, height - rect.top, height - rect.bottom, space))
        space = False
    return [line for line in lines if line]


def _rules(page, height: float, raw) -> tuple[list[tuple], list[tuple], int, list]:  # noqa: ANN001
    """Horizontal rules (y, x0, x1) and vertical ones (x, y0, y1), top-down coordinates; how
    many image objects the page has; and its text objects."""
    hs: list[tuple] = []
    vs: list[tuple] = []
    texts: list = []
    images = 0
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    for k in range(raw.FPDFPage_CountObjects(page)):
        obj = raw.FPDFPage_GetObject(page, k)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_IMAGE:
            images += 1
            continue
        if kind == raw.FPDF_PAGEOBJ_TEXT:
            texts.append(obj)
            continue
        if kind != raw.FPDF_PAGEOBJ_PATH or not raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            continue
        x0, x1, y0, y1 = left.value, right.value, height - top.value, height - bottom.value
        w, h = x1 - x0, y1 - y0
        if h <= _THIN and w >= _MIN_RULE:
            hs.append(((y0 + y1) / 2, x0, x1))
        elif w <= _THIN and h >= _MIN_RULE:
            vs.append(((x0 + x1) / 2, y0, y1))
        elif w >= _MIN_RULE and h >= _MIN_RULE:
            raw.FPDFPath_GetDrawMode(obj, fill, stroke)
            if stroke.value and raw.FPDFPath_CountSegments(obj) <= 5:
                # a stroked rectangle (a cell's border drawn as one box): its four sides
                hs += [(y0, x0, x1), (y1, x0, x1)]
                vs += [(x0, y0, y1), (x1, y0, y1)]
    return hs, vs, images, texts


# --- grids -----------------------------------------------------------------------------------------


def _merge(rules: list[tuple]) -> list[tuple]:
    """Collinear rules that touch or overlap become one (a border drawn cell by cell)."""
    out: list[list[float]] = []
    for pos, a, b in sorted(rules):
        if out and abs(out[-1][0] - pos) <= _SNAP and a <= out[-1][2] + _SNAP:
            out[-1][2] = max(out[-1][2], b)
        else:
            out.append([pos, a, b])
    return [tuple(r) for r in out]


def _cluster(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _SNAP:
            out.append(v)
    return out


def _grids(hs: list[tuple], vs: list[tuple]) -> list[_Grid]:
    """Tables: sets of horizontal and vertical rules that cross or touch one another."""
    if not hs or not vs:
        return []
    hs, vs = _merge(hs), _merge(vs)
    parent = list(range(len(hs) + len(vs)))

    def find(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for a, (y, hx0, hx1) in enumerate(hs):
        for b, (x, vy0, vy1) in enumerate(vs):
            if hx0 - _SNAP <= x <= hx1 + _SNAP and vy0 - _SNAP <= y <= vy1 + _SNAP:
                parent[find(a)] = find(len(hs) + b)
    groups: dict[int, tuple[list[tuple], list[tuple]]] = {}
    for k in range(len(hs) + len(vs)):
        h_of, v_of = groups.setdefault(find(k), ([], []))
        (h_of if k < len(hs) else v_of).append(hs[k] if k < len(hs) else vs[k - len(hs)])
    grids = []
    for h_of, v_of in groups.values():
        ys, xs = _cluster([r[0] for r in h_of]), _cluster([r[0] for r in v_of])
        if len(ys) < 2 or len(xs) < 2 or (len(ys) == 2 and len(xs) == 2):
            continue  # a box around text is no table
        grids.append(_merged_cells(_Grid(xs, ys), h_of, v_of))
    return grids


def _covered(rules: list[tuple], pos: float, at: float) -> bool:
    return any(abs(p - pos) <= _SNAP and a - _SNAP <= at <= b + _SNAP for p, a, b in rules)


def _merged_cells(grid: _Grid, hs: list[tuple], vs: list[tuple]) -> _Grid:
    """Elementary cells with no rule between them are one cell: its top-left cell names it."""
    rows, cols = len(grid.ys) - 1, len(grid.xs) - 1
    parent = {(i, j): (i, j) for i in range(rows) for j in range(cols)}

    def find(k: tuple[int, int]) -> tuple[int, int]:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    def union(a: tuple[int, int], b: tuple[int, int]) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for i in range(rows):
        ymid = (grid.ys[i] + grid.ys[i + 1]) / 2
        for j in range(cols):
            xmid = (grid.xs[j] + grid.xs[j + 1]) / 2
            if j + 1 < cols and not _covered(vs, grid.xs[j + 1], ymid):
                union((i, j), (i, j + 1))
            if i + 1 < rows and not _covered(hs, grid.ys[i + 1], xmid):
                union((i, j), (i + 1, j))
    grid.group = {k: find(k) for k in parent}
    return grid


def _grid_table(grid: _Grid, chars: list[_Char]) -> Table:
    """The grid's cells, row by row: each merged cell once, in the row where it starts."""
    texts: dict[tuple[int, int], list[_Char]] = {}
    for c in chars:
        texts.setdefault(grid.cell_at(c.cx, c.cy), []).append(c)
    starts = sorted(set(grid.group.values()))
    rows: list[list[Cell]] = []
    for i in range(len(grid.ys) - 1):
        cells = [Cell(_cell_text(texts.get(k, [])), col=k[1]) for k in starts if k[0] == i]
        if any(c.text for c in cells):
            rows.append(cells)
    return Table(rows=rows, rows_known=True)


def _cell_text(chars: list[_Char]) -> str:
    lines = _split_lines([chars]) if chars else []
    out = ""
    for line in lines:
        text = _join(line, column_gaps=False)
        if out and text and not (_CJK.match(out[-1]) or _CJK.match(text[0])):
            out += " "
        out += text
    return out


# --- text lines ------------------------------------------------------------------------------------


def _split_lines(runs: list[list[_Char]], *, in_order: bool = False) -> list[list[_Char]]:
    """Characters → visual lines: PDFium's lines, cut where a character does not stand beside the
    one before it, then pieces on one level joined. ``in_order``: keep PDFium's order of the
    lines (the order the page was written in: a table printed without rules keeps each wrapped
    cell together) and join only neighbours; otherwise sort top to bottom (a cell's lines)."""
    pieces: list[list[_Char]] = []
    for run in runs:
        cur: list[_Char] = []
        for c in run:
            if cur:
                prev = cur[-1]
                h = max(prev.bottom - prev.top, c.bottom - c.top, 1.0)
                if abs(c.cy - prev.cy) > h * 0.5 or c.x0 < prev.x0 - h * 0.5:
                    pieces.append(cur)
                    cur = []
            cur.append(c)
        if cur:
            pieces.append(cur)
    if not in_order:
        pieces.sort(key=lambda p: min(c.top for c in p))
    lines: list[list[_Char]] = []
    spans: list[tuple[float, float]] = []
    for p in pieces:
        top, bottom = min(c.top for c in p), max(c.bottom for c in p)
        if lines:
            ltop, lbottom = spans[-1]
            overlap = min(bottom, lbottom) - max(top, ltop)
            if overlap > 0.5 * min(bottom - top, lbottom - ltop):
                lines[-1].extend(p)
                spans[-1] = (min(top, ltop), max(bottom, lbottom))
                continue
        lines.append(list(p))
        spans.append((top, bottom))
    for line in lines:
        line.sort(key=lambda c: c.x0)
    return lines


def _join(line: list[_Char], *, column_gaps: bool) -> str:
    out: list[str] = []
    prev: _Char | None = None
    for c in line:
        if prev is not None:
            gap = c.x0 - prev.x1
            h = max(prev.bottom - prev.top, c.bottom - c.top, 1.0)
            if column_gaps and gap > _COLUMN_GAP * h:
                out.append("  ")
            elif (c.spaced or gap > _WORD_GAP * h) and _kind(prev.ch) == _kind(c.ch) != "other":
                out.append(" ")  # two words or two numbers; never between Chinese and a number
        out.append(c.ch)
        prev = c
    return "".join(out)


def _kind(ch: str) -> str:
    """Spaces are kept between two Chinese words or two Latin words or numbers, never between a
    Chinese word and a number (「申请 1296 件」 reads 「申请1296件」): Chinese text has no spaces
    of its own, so that spacing is the page's."""
    if ch.isascii():
        return "latin" if ch.isalnum() else "other"
    return "cjk" if _CJK.match(ch) and ch.isalpha() else "other"


def _text_line(chars: list[_Char]) -> _Text | None:
    text = _join(chars, column_gaps=True).strip()
    if not text:
        return None
    sizes = sorted(c.bottom - c.top for c in chars)
    return _Text(text, chars[0].x0, chars[-1].x1, min(c.top for c in chars), max(c.bottom for c in chars),
                 sizes[len(sizes) // 2], "  " in text)


# --- pages → items ---------------------------------------------------------------------------------


def _chrome_key(text: str) -> str:
    return re.sub(r"\d+", "#", "".join(text.split()))


def _drop_chrome(pages: list[_Page]) -> list[list[_Text | _PageTable]]:
    """Page numbers in a page's margin, and lines standing in the top or bottom margin of more
    than one page with the same words (a running header or footer), left out."""
    seen: Counter[str] = Counter()
    for page in pages:
        for x in page.content:
            if isinstance(x, _Text) and _in_margin(x, page.height):
                seen[_chrome_key(x.text)] += 1
    out = []
    for page in pages:
        kept: list[_Text | _PageTable] = []
        for x in page.content:
            if isinstance(x, _Text) and _in_margin(x, page.height) and (
                    _PAGE_NUMBER.match(x.text) or seen[_chrome_key(x.text)] > 1):
                continue
            kept.append(x)
        out.append(kept)
    return out


def _in_margin(x: _Text, height: float) -> bool:
    return x.bottom <= height * _MARGIN or x.top >= height * (1 - _MARGIN)


def _items(pages: list[list[_Text | _PageTable]]) -> list[Item]:
    """The pages in order: paragraphs joined (across page breaks too), tables continued on the
    next page made one, the text between tables read by the text reader."""
    from gkassist.importer.text_layout import read_text

    flow: list[_Text | _PageTable] = []
    for page in pages:
        left, right = _edges([x for x in page if isinstance(x, _Text)])
        for k, x in enumerate(page):
            if isinstance(x, _PageTable):
                last = flow[-1] if flow else None
                if k == 0 and isinstance(last, _PageTable) and abs(last.left - x.left) <= _SNAP \
                        and abs(last.right - x.right) <= _SNAP:
                    _continue_table(last.table, x.table)
                else:
                    flow.append(x)
                continue
            x.left, x.right = left, right
            prev = flow[-1] if flow else None
            if isinstance(prev, _Text) and _continues(prev, x):
                prev.text += x.text
                prev.x1, prev.left, prev.right, prev.size = x.x1, x.left, x.right, x.size
                prev.lines += 1
                continue
            flow.append(x)
    items: list[Item] = []
    buffer: list[str] = []
    for x in flow:
        if isinstance(x, _Text):
            buffer.append(x.text)
            continue
        if buffer:
            items.extend(read_text("\n".join(buffer)).items)
            buffer = []
        items.append(x.table)
    if buffer:
        items.extend(read_text("\n".join(buffer)).items)
    return items


def _edges(texts: list[_Text]) -> tuple[float, float]:
    """The text column's left edge (where most lines start) and right edge (where full lines end)."""
    if not texts:
        return 0.0, 0.0
    starts = Counter(round(t.x0) for t in texts if not t.gapped)
    left = float(min(starts.most_common(1)[0][0], min(t.x0 for t in texts))) if starts else min(t.x0 for t in texts)
    ends = sorted(t.x1 for t in texts)
    return left, ends[int(len(ends) * 0.9)]


def _continues(prev: _Text, line: _Text) -> bool:
    """Whether ``line`` goes on with the paragraph ``prev`` ends with: ``prev`` runs to the right
    edge of its page's text, ``line`` starts at the left edge of its own (not indented), neither
    is a row of columns, and ``line`` is no heading."""
    if prev.gapped or line.gapped:
        return False
    size = max(prev.size, line.size, 1.0)
    if prev.x1 < prev.right - 1.5 * size or line.x0 > line.left + 0.6 * size:
        return False
    if match_heading(line.text) is not None or is_table_text(line.text):
        return False
    return not (prev.lines == 1 and match_heading(prev.text) is not None)  # a heading as wide as the page


def _continue_table(table: Table, more: Table) -> None:
    """A table's rows on the next page: its header rows printed again there are dropped."""
    k = 0
    while k < len(more.rows) and k < len(table.rows) and _texts(more.rows[k]) == _texts(table.rows[k]):
        k += 1
    table.rows.extend(more.rows[k:])


def _texts(row: list[Cell]) -> tuple[str, ...]:
    return tuple(c.text for c in row)
