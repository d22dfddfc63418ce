"""HTML report pages → items: paragraphs, tables (merged cells expanded), images.

Portal pages wrap the report in navigation, breadcrumbs and footers, often inside layout
tables. A table that holds another table is layout and is read as text; a table without nested
tables is data. The report body is the smallest element holding the section headings and the
data tables; text outside it (page chrome with the 发布日期 metadata, the page <title>) is kept
apart, searched only for the title and dates.
"""

from __future__ import annotations

import re

from lxml import etree

from gkassist.htmlgrid import MAX_COLUMNS, place, span_value
from gkassist.importer.decoding import Unreadable
from gkassist.importer.model import Cell, Document, Image, Item, Line, Table, TextCache, make_cell
from gkassist.importer.sections import match_heading

_SKIP = frozenset(
    {"script", "style", "head", "noscript", "template", "iframe", "object", "embed", "select", "option",
     "textarea", "button", "svg", "math", "title", "meta", "link", "input"}
)
_BLOCK = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article", "header",
     "footer", "blockquote", "pre", "dd", "dt", "dl", "center", "form", "hr", "address", "figure",
     "figcaption", "main", "nav", "aside", "body", "html", "tr", "td", "th", "table", "tbody", "thead",
     "tfoot", "caption", "fieldset", "legend", "details", "summary"}
)
_CELL_TAGS = frozenset({"td", "th", "TD", "TH", "Td", "Th"})
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_JOIN_CJK = re.compile(r"(?<=[^\x00-\x7f])[ \t\r]*\n\s*(?=[^\x00-\x7f])")


def looks_like_html(text: str) -> bool:
    # the markers are ASCII: every other character becomes one 「?」 before lowering (lowering
    # Chinese text character by character cost more than the rest of this test; the two letters
    # that lower to ASCII, 「İ」 and the Kelvin sign, lower to no part of a marker)
    head = text[:4000]
    if "<" not in head:  # every marker starts with it (a scraped text has none: one quick search)
        return False
    if head.lstrip().startswith("<"):
        return True
    head = head.encode("ascii", "replace").lower().decode("ascii")
    return any(t in head for t in ("<html", "<body", "<table", "<p>", "<p ", "<div"))


# plain lxml.etree elements: lxml.html's element-class lookup costs more than all the rest. One parser
# a process (lxml resets its context before each parse and locks it: threads may share it): a new
# one set up libxml2's parser context for every page. No table of id attributes: nothing here
# looks an element up by its id.
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)


def read_html(text: str) -> Document:
    text = _XML_DECL.sub("", text, count=1)
    try:
        root = etree.fromstring(text, _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as err:
        raise Unreadable("网页中没有可读取的文字内容。") from err
    if root is None:
        raise Unreadable("网页中没有可读取的文字内容。")
    body = root.find("body")
    if body is None:
        body = root
    walker = _Walker()
    walker.visit(body)
    walker.flush()
    items, owners = walker.items, walker.owners

    container = _report_body(items, owners)
    outside: list[str] = []
    title = _first_title(root)
    if container is None:
        kept = items
    else:
        inside = _within(container)
        kept = []
        for item, owner in zip(items, owners, strict=True):
            if inside(owner):
                kept.append(item)
            elif isinstance(item, Line):
                outside.append(item.text)
    if title and title.strip():
        outside.append(_collapse(title))
    return Document(items=kept, layout="html", outside=outside)


def _first_title(root: etree._Element) -> str | None:
    """``root.findtext(".//title")``: the first <title> in document order, searched child by child
    of the root — it stands in <head>, its first child, and lxml's search of the whole tree (some
    800 elements a portal page) cost 70 µs, more than any other step of the walk but the tables."""
    for child in root:
        for el in child.iter("title"):
            return el.text or ""
    return None


def _within(container: etree._Element):  # noqa: ANN202 - a predicate on elements
    """Whether an element lies in ``container``: its ancestors are looked up until one already
    known (siblings share theirs), instead of listing every element of the container."""
    known: dict[etree._Element, bool] = {container: True}

    def inside(el: etree._Element | None) -> bool:
        path = []
        while el is not None and el not in known:
            path.append(el)
            el = el.getparent()
        answer = el is not None and known[el]
        for seen in path:
            known[seen] = answer
        return answer

    return inside


_PLAIN = re.compile(r"[^\s\xa0\u3000]*(?: [^\s\xa0\u3000]+)*")


_PLAIN_TEXT = _PLAIN.fullmatch


def _collapse(text: str) -> str:
    # most cells and lines: nothing to fold. A printable text holds no whitespace but the space
    # (the others, \xa0 and \u3000 included, are not printable), so then it is plain when no space
    # ends it or follows another: two string searches instead of a regular expression's class
    # tested on every character
    if text.isprintable():
        if not text.endswith(" ") and "  " not in text:
            return text
    elif _PLAIN_TEXT(text):
        return text
    elif text.isspace():  # the line breaks and indents between blocks (as str.split below reads them)
        return ""
    if "\n" in text:  # (the join needs one; its look-behind is tried at every character)
        # \xa0 and \u3000 are not ASCII: as spaces they no longer hold a line join's ends apart
        text = _JOIN_CJK.sub("", text.replace("\xa0", " ").replace("\u3000", " "))
    # runs of white space as one space, none at the ends: str.split and strip take what \s matches
    # (Py_UNICODE_ISSPACE, \xa0 and \u3000 among them), in C; the regular expression tried a match
    # at every character (a paragraph opening with 「　　」: 28k → 6k instructions)
    return " ".join(text.split())


_TextCache = TextCache  # (its former name: test_linear finds the caches by this class)


# cells' texts collapsed: the same labels and numbers recur in every report
_COLLAPSED = _TextCache()
_COLLAPSED_MAX = 8192


def _cell_collapsed(text: str) -> str:
    if len(_COLLAPSED) >= _COLLAPSED_MAX:
        _COLLAPSED.clear()
    folded = _COLLAPSED[text] = _collapse(text)
    return folded


class _Walker:
    """Document order walk: text of block elements becomes lines; data tables become Tables."""

    def __init__(self) -> None:
        self.items: list[Item] = []
        self.owners: list[etree._Element] = []
        self._buf: list[str] = []
        self._stack: list[etree._Element] = []

    def _add(self, text: str | None) -> None:
        if text:
            self._buf.append(text)

    def flush(self) -> None:
        if self._buf:
            line = _collapse("".join(self._buf))
            self._buf = []
            if line:
                self.items.append(Line(line))
                self.owners.append(self._stack[-1] if self._stack else None)

    def _emit(self, item: Item, owner: etree._Element) -> None:
        self.flush()
        self.items.append(item)
        self.owners.append(owner)

    def visit(self, el: etree._Element) -> None:
        tag = el.tag
        tag = tag.lower() if isinstance(tag, str) else None
        if tag is None or tag in _SKIP:
            if tag != "head":
                self._add(el.tail)
            return
        if tag == "table":
            # a table holding no table is data; its pictures follow it (one look at what it holds)
            images: list[etree._Element] = []
            for inner in el.iterdescendants("table", "img"):
                if inner.tag == "table":
                    break
                images.append(inner)
            else:
                table = _table(el)
                if table.rows:
                    self._emit(table, el)
                for img in images:
                    self._emit(Image(img.get("alt") or ""), img)
                self._add(el.tail)
                return
        if tag == "img":
            self._emit(Image(el.get("alt") or ""), el)
            self._add(el.tail)
            return
        if tag == "br":
            self.flush()
            self._add(el.tail)
            return
        block = tag in _BLOCK
        if block:
            self.flush()
            self._stack.append(el)
        self._add(el.text)
        for child in el:
            self.visit(child)
        if block:
            self.flush()
            self._stack.pop()
        self._add(el.tail)


def _table(el: etree._Element) -> Table:
    # a table has hundreds of cells: each is looked at once, and the grid is worked out only for
    # a table that merges cells
    texts: list[list[str]] = []
    spans: list[list[tuple[int, int]] | None] = []  # None: a row whose cells merge nothing
    merges = False
    collapsed = _COLLAPSED.get
    for tr in el.iter("tr"):
        row_texts: list[str] = []
        row_spans: list[tuple[int, int]] | None = None
        for td in tr:
            tag = td.tag
            # (the parser writes tag names in lower case: the set is asked only about other tags)
            if tag == "td" or tag == "th" or tag in _CELL_TAGS:
                # 「商业<br>企业」 or a label split over <p>s: the parts join without a space, as they read
                # (len counts elements only: the parser drops comments and processing instructions.)
                # Pages pasted from Word hold <p><span> in every cell: tostring at once (4.8k
                # instructions) costs less than first looking whether one <p> holds the text alone
                # (<td><p>12</p></td>, 3.3k when it does, 7.5k with tostring when it does not)
                text = (td.text or "") if not len(td) else _tostring(td, method="text", encoding=str, with_tail=False)
                # the attributes' names in one call (most cells merge nothing), not two look-ups;
                # a name is listed exactly when get() finds it (both only without a namespace)
                if (keys := td.keys()) and ("rowspan" in keys or "colspan" in keys):
                    rs, cs = td.get("rowspan"), td.get("colspan")
                    merges = True
                    if row_spans is None:
                        row_spans = [_ONE] * len(row_texts)
                    row_spans.append((1 if rs is None else span_value(rs), 1 if cs is None else span_value(cs)))
                elif row_spans is not None:
                    row_spans.append(_ONE)
                folded = collapsed(text)
                row_texts.append(_cell_collapsed(text) if folded is None else folded)
        if row_texts:
            texts.append(row_texts)
            spans.append(row_spans)
    if merges:
        rows = _placed(texts, spans)
    else:  # every cell in its own column (as place() puts them), as many as a grid may have
        rows = [[at.get(text) or _new_cell(at, text, c) for at, text, c in zip(_CELL_AT, row, _COLUMNS, strict=False)]
                for row in texts]
    return Table(rows=[row for row in rows if row], rows_known=True)


_tostring = etree.tostring
_ONE = (1, 1)

# Cells by column and text: the same labels and numbers stand in the same columns of every report,
# and a cell is an immutable tuple (text, column, 0) — one lookup instead of building it. One cache
# a column, as many columns as a grid may have (zip with this list stops there); all of them hold
# at most _CELLS_MAX cells together (then all are emptied), as many as the cache of cell texts.
_CELL_AT: list[TextCache] = [TextCache() for _ in range(MAX_COLUMNS)]
_CELLS_MAX = 8192
_COLUMNS = range(MAX_COLUMNS)
_cells_cached = 0


def _new_cell(at: TextCache, text: str, c: int) -> Cell:
    global _cells_cached  # noqa: PLW0603 - the caches' common count
    if _cells_cached >= _CELLS_MAX:
        for cache in _CELL_AT:
            cache.clear()
        _cells_cached = 0
    _cells_cached += 1
    cell = at[text] = make_cell((text, c, 0))
    return cell


def _placed(texts: list[list[str]], spans: list[list[tuple[int, int]] | None]) -> list[list[Cell]]:
    """Each row's cells in the columns ``htmlgrid.place`` gives them: a cell merged down belongs to
    the row it starts in, one merged across is read once, a row's cells past MAX_COLUMNS are dropped."""
    placed, _ = place([[_ONE] * len(row) if s is None else s for row, s in zip(texts, spans, strict=True)])
    cell_at = _CELL_AT
    # (a row placed has no more cells than its texts: those past MAX_COLUMNS are dropped)
    return [[(at := cell_at[c]).get(text) or _new_cell(at, text, c)
             for text, (c, _, _) in zip(row, cells, strict=False)]
            for row, cells in zip(texts, placed, strict=True)]


def _report_body(items: list[Item], owners: list[etree._Element | None]) -> etree._Element | None:
    """The smallest element holding every section heading and every data table after the first
    heading; None when fewer than two headings are found (then the whole page is read)."""
    heads: list[int] = []
    sections: set[str] = set()
    for i, item in enumerate(items):
        hm = match_heading(item.text) if isinstance(item, Line) else None
        if hm is not None and hm.level == "top":
            heads.append(i)
            sections.add(hm.section)
    if len(sections) < 2:
        return None
    members = [owners[i] for i in heads]
    members += [owners[i] for i in range(heads[0], len(items)) if isinstance(items[i], Table)]
    members = [m for m in members if m is not None]
    if not members:
        return None
    # the first member's ancestors, deepest first; the common ones are always a tail of them
    # (from ``common[lo]`` up), so each other member is walked up only until it meets that tail —
    # most members are siblings in the body — not to the root
    common = [members[0], *members[0].iterancestors()]
    place = {a: k for k, a in enumerate(common)}
    lo = 0
    for m in members:
        el = m
        while el is not None:
            k = place.get(el)
            if k is not None and k >= lo:
                lo = k
                break
            el = el.getparent()
        else:
            return None
    return common[lo]
