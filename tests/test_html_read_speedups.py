"""html_layout's rewrites for speed (docs/performance.md（十八）) read every page as the definitions
they replace: ``_table`` that placed the cells with ``htmlgrid.place`` and then built them, and
``_collapse`` that folded white space with a regular expression. On the real pages in tests/ and the
shared samples, and on random pages (nested tables, rowspan/colspan with junk values, broken tags,
styles, <br>, &nbsp;, full-width spaces)."""

from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from gkassist.htmlgrid import MAX_COLUMNS, place, span_value
from gkassist.importer import html_layout
from gkassist.importer.decoding import Unreadable, decode
from gkassist.importer.model import Table, make_cell

HERE = Path(__file__).parent
SAMPLES = Path("/work/shared/samples")
_CELL_TAGS = frozenset({"td", "th", "TD", "TH", "Td", "Th"})
_SPACES = re.compile(r"\s+")


def _collapse_as_defined(text: str) -> str:
    """html_layout._collapse before white space was folded by str.split."""
    if text.isprintable():
        if not text.endswith(" ") and "  " not in text:
            return text
    elif html_layout._PLAIN_TEXT(text):
        return text
    text = text.replace("\xa0", " ").replace("\u3000", " ")
    if "\n" in text:
        text = html_layout._JOIN_CJK.sub("", text)
    return _SPACES.sub(" ", text).strip()


def _table_as_defined(el: etree._Element) -> Table:
    """html_layout._table before the cells were placed and built in one pass (and cached)."""
    texts: list[list[str]] = []
    spans: list[list[tuple[int, int]]] = []
    merges = False
    for tr in el.iter("tr"):
        row_texts: list[str] = []
        row_spans: list[tuple[int, int]] = []
        for td in tr:
            if td.tag in _CELL_TAGS:
                text = etree.tostring(td, method="text", encoding="unicode", with_tail=False)
                row_texts.append(_collapse_as_defined(text))
                rs, cs = td.get("rowspan"), td.get("colspan")
                if rs is None and cs is None:
                    row_spans.append((1, 1))
                else:
                    merges = True
                    row_spans.append((1 if rs is None else span_value(rs), 1 if cs is None else span_value(cs)))
        if row_texts:
            texts.append(row_texts)
            spans.append(row_spans)
    if merges:
        placed, _ = place(spans)
        rows = [[make_cell((row[k], c, 0)) for k, (c, _, _) in enumerate(cells)]
                for row, cells in zip(texts, placed, strict=True)]
    else:
        rows = [[make_cell((text, c, 0)) for c, text in enumerate(row[:MAX_COLUMNS])] for row in texts]
    return Table(rows=[row for row in rows if row], rows_known=True)


@contextmanager
def _as_defined():
    """read_html with the walk of today and the definitions of _table and _collapse."""
    saved = html_layout._table, html_layout._collapse
    html_layout._table, html_layout._collapse = _table_as_defined, _collapse_as_defined
    html_layout._COLLAPSED.clear()
    try:
        yield
    finally:
        html_layout._table, html_layout._collapse = saved
        html_layout._COLLAPSED.clear()


def _read(text: str):  # noqa: ANN202 - a Document or what it raised
    try:
        return html_layout.read_html(text)
    except Unreadable as err:
        return ("unreadable", str(err))


def _same_as_defined(text: str) -> None:
    fast = _read(text)
    with _as_defined():
        defined = _read(text)
    assert fast == defined
    again = _read(text)  # now from the caches
    assert again == defined


def _real_pages() -> list[Path]:
    found = [p for d in (HERE, SAMPLES) if d.is_dir() for p in sorted(d.rglob("*"))
             if p.suffix.lower() in (".html", ".htm") and p.is_file()]
    return found


def test_real_pages_read_as_defined():
    pages = _real_pages()
    assert len(pages) >= 3
    for p in pages:
        try:
            text = decode(p.read_bytes()).text
        except Unreadable:
            continue
        _same_as_defined(text)


# --- random pages ------------------------------------------------------------------------------------

_WORDS = st.sampled_from(["信息", "0", "12", "本年新收", "a b", "  ", "\u3000\u3000正文", "x\xa0y", "&nbsp;",
                          "&#12288;", "商业<br>企业", "合\n计", "<b>粗</b>", "—", "", "&lt;td&gt;", "<span>一</span>二"])
_SPANS = st.sampled_from(["", "", "", "", ' rowspan="2"', ' colspan="3"', ' rowspan="0"', ' colspan="0"',
                          ' rowspan="99999"', ' colspan="abc"', ' rowspan="-1"', ' colspan="２"', ' rowspan="3x"',
                          ' rowspan="1" colspan="1"', ' rowspan', ' colspan="250"', ' ROWSPAN="2"',
                          ' xml:rowspan="2"', ' data-colspan="3"', ' rowspan="2" rowspan="3"'])
_STYLE = st.sampled_from(["", ' style="font-size:14px;font-family:宋体"', ' align="center"', " nowrap",
                          ' class="value" data-field="a.b"'])


@st.composite
def _cell(draw, depth: int) -> str:
    tag = draw(st.sampled_from(["td", "td", "td", "th", "TD", "div"]))
    inner = draw(_WORDS)
    wrap = draw(st.sampled_from(["{}", "<p>{}</p>", "<p{s}><span{s}>{}</span></p>", "<span>{}</span>tail",
                                 "<p>{}</p><p>二</p>", "{}<img alt='图'>", "<!-- c -->{}", "<script>x</script>{}"]))
    body = wrap.replace("{s}", draw(_STYLE)).replace("{}", inner)
    if depth and draw(st.integers(0, 9)) == 0:
        body += draw(_table(depth - 1))
    close = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", f"</{tag}>", ""]))
    return f"<{tag}{draw(_SPANS)}{draw(_STYLE)}>{body}{close}"


@st.composite
def _table(draw, depth: int = 1) -> str:
    rows = []
    for _ in range(draw(st.integers(0, 7))):
        cells = "".join(draw(_cell(depth)) for _ in range(draw(st.integers(0, 6))))
        close = draw(st.sampled_from(["</tr>", "</tr>", ""]))
        rows.append(f"<tr>{cells}{close}")
    head = draw(st.sampled_from(["", "<thead>", "<tbody>", "<caption>表</caption>"]))
    return f"<table{draw(_STYLE)}>{head}{''.join(rows)}</table>{draw(_WORDS)}"


@st.composite
def _page(draw) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.integers(0, 5))
        if kind <= 1:
            parts.append(draw(_table(depth=1)))
        elif kind == 2:
            parts.append(f"<p{draw(_STYLE)}>{draw(_WORDS)}<br>{draw(_WORDS)}</p>")
        elif kind == 3:
            parts.append(f"<h2>{draw(st.sampled_from(['一、总体情况', '二、主动公开政府信息情况', '三、x']))}</h2>")
        elif kind == 4:
            parts.append(f"<div><td>{draw(_WORDS)}</td><tr><td>外</td></tr></div>")
        else:
            parts.append(draw(_WORDS))
    outer = draw(st.sampled_from(["{}", "<table><tr><td>{}</td></tr></table>", "<div>{}"]))
    return "<html><head><title>题</title></head><body>" + outer.replace("{}", "".join(parts)) + "</body></html>"


@settings(max_examples=1500, deadline=None)
@given(_page())
def test_random_pages_read_as_defined(page):
    _same_as_defined(page)


def test_a_page_wider_than_a_grid_reads_as_defined():
    wide = "<tr>" + "<td>1</td>" * (MAX_COLUMNS + 20) + "</tr>"
    over = '<tr><td rowspan="2" colspan="60">a</td>' + "<td>2</td>" * (MAX_COLUMNS) + "</tr>" + wide
    for body in (wide, over, '<tr><td colspan="200">x</td></tr>' + wide):
        _same_as_defined(f"<html><body><table>{body}</table></body></html>")


# --- the one-pass placement, against place() ---------------------------------------------------------


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.lists(st.tuples(st.sampled_from([0, 1, 1, 1, 2, 3, 5, 99999]),
                                   st.sampled_from([0, 1, 1, 1, 2, 3, 61, 250])), max_size=8), max_size=8))
def test_placed_cells_are_where_place_puts_them(spans):
    rows = [r for r in spans if r]
    texts = [[f"{r}.{k}" for k in range(len(row))] for r, row in enumerate(rows)]
    compact = [None if all(s == (1, 1) for s in row) else [(1, 1) if s == (1, 1) else s for s in row]
               for row in rows]
    placed, _ = place(rows)
    expected = [[make_cell((texts[r][k], c, 0)) for k, (c, _, _) in enumerate(cells)]
                for r, cells in enumerate(placed)]
    assert html_layout._placed(texts, compact) == expected


@pytest.mark.parametrize("text", [" ".join(chr(c) for c in range(lo, lo + 4096)) for lo in range(0, 0x110000, 4096)])
def test_collapse_folds_every_white_space_as_the_regular_expression(text):
    # every code point between others, and a run of each next to \xa0 / \u3000
    assert html_layout._collapse(text) == _collapse_as_defined(text)
    for c in text[::2]:
        probe = f"a{c}\xa0{c}b\u3000{c}\n{c}中{c}"
        assert html_layout._collapse(probe) == _collapse_as_defined(probe)


def test_the_cell_caches_hold_a_bounded_number_of_cells_together():
    for i in range(html_layout._CELLS_MAX + 50):
        c = i % 7
        cell = html_layout._new_cell(html_layout._CELL_AT[c], f"格{i}", c)
        assert cell == (f"格{i}", c, 0)
    assert sum(map(len, html_layout._CELL_AT)) <= html_layout._CELLS_MAX
