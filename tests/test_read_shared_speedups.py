"""The shared reading stages' rewrites for speed (docs/performance.md（十八）) give what the
definitions they replace give: on the real reports and on random input."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from gkassist.importer import tables, text_layout
from gkassist.importer.decoding import decode
from gkassist.importer.html_layout import read_html
from gkassist.importer.model import Cell, Document, Item, Line, Table
from gkassist.importer.text_layout import (
    _Classified,
    _classify,
    _label_like,
    _labels_only_table,
    _starts_table,
)

TESTS = Path(__file__).parent
SAMPLES = Path("/work/shared/samples")


def _texts() -> list[str]:
    paths = [p for p in sorted((TESTS / "corpus").rglob("*")) + sorted((TESTS / "fixtures").rglob("*"))
             if p.is_file() and p.suffix in (".txt", ".md")]
    if SAMPLES.is_dir():
        paths += [p for p in sorted(SAMPLES.rglob("*")) if p.is_file() and p.suffix in (".txt", ".md")]
    return [decode(p.read_bytes()).text for p in paths]


# --- text_layout: _group and _table as they were, a Python loop over the lines' kinds -------------

def _group_as_defined(lines: list[_Classified]) -> list[Item]:
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
                items.extend(Line(x.text) for x in lines[i:run_end] if x.kind == "plain")
                i = max(run_end, i + 1)
                continue
        j, last_table, last_label = i, -1, -1
        while j < n:
            k = lines[j].kind
            if k in ("cell", "row", "value", "noise"):
                last_table = j
            elif k == "plain":
                if not _label_like(lines[j].text):
                    break
                last_label = j
            j += 1
        end = last_table if last_table >= 0 else last_label
        if last_table < 0 and not _labels_only_table(lines[i:end + 1]):
            items.append(Line(c.text))
            i += 1
            continue
        if last_table >= 0 and last_label > last_table and _labels_only_table(lines[last_table + 1:last_label + 1]):
            end = last_label
        items.append(_table_as_defined(lines[i:end + 1]))
        i = end + 1
    return items


def _table_as_defined(lines: list[_Classified]) -> Table:
    cell_lines = row_lines = piped = bare = 0
    for c in lines:
        kind = c.kind
        if kind == "cell":
            cell_lines += 1
            if c.cells and c.cells[0].text:
                piped += 1
        elif kind == "value":
            cell_lines += 1
            bare += 1
        elif kind == "row":
            row_lines += 1
        elif kind == "plain":
            bare += 1
    if cell_lines >= row_lines:
        pipe_cells = piped > bare
        flat: list[Cell] = []
        for c in lines:
            if c.kind in ("cell", "row", "value") and c.cells:
                flat.extend(c.cells)
            elif c.kind == "plain":
                flat.append(Cell(c.text))
            elif c.kind == "noise" and pipe_cells and c.text:
                flat.append(Cell("") if c.text == "|" else Cell("", fill=len(c.text)))
        return Table(rows=[flat], rows_known=False)
    rows: list[list[Cell]] = []
    for c in lines:
        if c.kind in ("row", "cell", "value") and c.cells:
            rows.append(list(c.cells))
        elif c.kind == "plain":
            rows.append([Cell(t) for t in c.text.split()])
    return Table(rows=rows, rows_known=True)


def _read_text_as_defined(text: str) -> Document:
    lines = [_classify(raw) for raw in text_layout._flipbook_page(text.splitlines())[1]]
    return Document(items=_group_as_defined(lines), layout="")


def _same_text_layout(text: str) -> None:
    if ("# " in text or "---" in text) and text_layout._MD_SIGNS.search(text):
        return  # (Markdown escapes are dropped before grouping: the same either way)
    assert text_layout.read_text(text).items == _read_text_as_defined(text).items


def test_text_grouping_is_its_definition_on_the_real_reports():
    texts = _texts()
    assert len(texts) >= 5
    for text in texts:
        _same_text_layout(text)


_LINE = st.sampled_from([
    "", "  ", "12 |", "0 |", " |", "|", "||", "|||||||", "3", "-", "无", "1O", "｜", "— 3 —", "第 3 页",
    "一、本年新收政府信息公开申请数量 |", "（一）予以公开 |", "自然人 |", "商业企业 |", "总计 |",
    "政府信息公开申请情况", "申请人情况", "行政复议", "结果维持", "第二十条第（一）项",
    "本机关今年收到申请 12 件。", "| 规章 | 0 | 1 | 2 |", "| --- | --- |", "规章 0 1 2", "规章\t0\t1",
    "规章000", "**加粗**", "# 标题", "│ 规章 │ 3 │", "┌──┐", "五、存在的主要问题及改进情况",
    "制发件数", "本年新制定件数", "许可 0 0", "处罚 1", "Page 9 - 某某局2022年政府信息公开工作年度报告", "P. 9",
])


@settings(max_examples=1500, deadline=None)
@given(st.lists(_LINE, max_size=60))
def test_text_grouping_is_its_definition_on_random_lines(lines):
    _same_text_layout("\n".join(lines))


# --- tables.split_merged: a scrape's one long row, its start words looked up for all cells ----------

def _split_merged_as_defined(table: Table) -> list[Table]:
    if not table.rows_known:
        chunks: list[list[Cell]] = [[]]
        seen_value = False
        for cell in table.rows[0] if table.rows else []:
            if seen_value and tables._starts_a_table(cell.text):
                chunks.append([])
                seen_value = False
            chunks[-1].append(cell)
            seen_value = seen_value or tables._holds_value(cell.text)
        return [Table([c], rows_known=False) for c in chunks if c]
    out: list[list[list[Cell]]] = [[]]
    seen_value = False
    for row in table.rows:
        if seen_value and row and tables._starts_a_table(row[0].text):
            out.append([])
            seen_value = False
        out[-1].append(row)
        seen_value = seen_value or any(tables._holds_value(c.text) for c in row)
    return [Table(rows, rows_known=True) for rows in out if rows]


_CELL = st.sampled_from(["", "12", "0", "-", "无", "行政复议", "第二十条第（一）项", "第二十条第(一)项", "自然人",
                         "总计", "规章", "维持", "申请人情况", "x"])


@settings(max_examples=1500, deadline=None)
@given(st.lists(_CELL, max_size=40))
def test_split_merged_is_its_definition_on_random_rows(texts):
    table = Table([[Cell(t) for t in texts]] if texts else [], rows_known=False)
    assert tables.split_merged(table) == _split_merged_as_defined(table)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.lists(_CELL, max_size=5), max_size=12))
def test_split_merged_is_its_definition_on_random_tables(rows):
    table = Table([[Cell(t) for t in row] for row in rows], rows_known=True)
    assert tables.split_merged(table) == _split_merged_as_defined(table)


def test_split_merged_is_its_definition_on_the_real_reports():
    seen = set()
    for text in _texts():
        for item in text_layout.read_text(text).items:
            if isinstance(item, Table):
                assert tables.split_merged(item) == _split_merged_as_defined(item)
                seen.add(item.rows_known)
    for path in sorted((TESTS / "corpus").rglob("*.htm*")):
        for item in read_html(decode(path.read_bytes()).text).items:
            if isinstance(item, Table):
                assert tables.split_merged(item) == _split_merged_as_defined(item)
                seen.add(item.rows_known)
    assert seen == {True, False}


def test_label_like_finds_sentence_ends_as_its_definition_did():
    from gkassist.text import SENTENCE_END
    for cp in range(0x110000):
        if 0xD800 <= cp < 0xE000:
            continue
        c = chr(cp)
        assert bool(text_layout._SENTENCE_END.search("表" + c)) == any(ch in "表" + c for ch in SENTENCE_END), hex(cp)


# --- tables.scan: whole rows looked up in C, taken whole when values only or a label and values -----

def _scan_as_defined(table: Table) -> tables.Scanned:
    scores = dict.fromkeys(tables.TABLES, 0)
    texts: list[str] = []
    out: list[tables.Segment] = []
    labels: list[str] = []
    values: list[Cell] = []
    for row in table.rows:
        for cell in row:
            named = tables._label_info(cell.text)
            if named is not None:
                texts.append(cell.text)
                for t in named:
                    scores[t] += 1
            if cell.fill:
                if values:
                    out.append(tables.Segment(labels, values, cell.fill))
                    labels, values = [], []
                continue
            if named is None:
                values.append(cell)
                continue
            if values:
                out.append(tables.Segment(labels, values))
                labels, values = [], []
            labels.append(cell.text)
        if table.rows_known and values:
            out.append(tables.Segment(labels, values))
            labels, values = [], []
    if values:
        out.append(tables.Segment(labels, values))
    best = max(tables.TABLES, key=lambda t: scores[t])
    return tables.Scanned(table, best if scores[best] > 0 else None,
                          [s for s in out if s.labels or not all(tables.is_blank(v.text) for v in s.values)], texts)


def _same_scan(table: Table) -> None:
    got, want = tables.scan(table), _scan_as_defined(table)
    assert (got.kind, got.labels) == (want.kind, want.labels)
    assert [(s.labels, s.values, s.fill, s.label) for s in got.segments] == \
        [(s.labels, s.values, s.fill, s.label) for s in want.segments]


_SCAN_CELL = st.builds(Cell, _CELL, st.none(), st.sampled_from([0, 0, 0, 2, 7]))


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.lists(_SCAN_CELL, max_size=8), max_size=10), st.booleans())
def test_scan_is_its_definition_on_random_tables(rows, rows_known):
    _same_scan(Table(rows, rows_known=rows_known))


def test_scan_is_its_definition_on_the_real_reports():
    seen = 0
    docs = [text_layout.read_text(text) for text in _texts()]
    docs += [read_html(decode(p.read_bytes()).text) for p in sorted((TESTS / "corpus").rglob("*.htm*"))]
    for doc in docs:
        for item in doc.items:
            if isinstance(item, Table):
                for part in tables.split_merged(item):
                    _same_scan(part)
                    seen += 1
    assert seen


# --- tables._assign: the placing by label remembered by the segments' labels ------------------------

def _assign_as_defined(segs, expected, widths, skip=frozenset()):  # noqa: ANN001, ANN202
    from gkassist.importer.cells import is_blank
    from gkassist.importer.normalise import core
    pos, exact, taken, repeated = [], [], set(), []
    match = tables._label_matcher(tuple(expected))
    for k, seg in enumerate(segs):
        idx, ok = (None, False) if core(seg.label) in skip else match(seg.label)
        if idx is not None and idx in taken:
            repeated.append(k)
            idx = None
        if idx is not None:
            taken.add(idx)
        pos.append(idx)
        exact.append(ok)
    after = [len(expected)] * (len(segs) + 1)
    for k in range(len(segs) - 1, -1, -1):
        after[k] = min(after[k + 1], pos[k]) if pos[k] is not None else after[k + 1]
    lo = -1
    for k, seg in enumerate(segs):
        if k:
            lo = max(lo, pos[k - 1]) if pos[k - 1] is not None else lo
        if pos[k] is not None or core(seg.label) in skip or k in set(repeated):
            continue
        if all(is_blank(v.text) for v in seg.values):
            continue
        for idx in range(lo + 1, after[k + 1]):
            if idx not in taken and tables._trim(seg.values, widths[idx]) is not None:
                pos[k], exact[k] = idx, True
                taken.add(idx)
                break
    assigned = {i: s for s, i in zip(segs, pos, strict=True) if i is not None}
    matches = sorted(((s, i, e) for s, i, e in zip(segs, pos, exact, strict=True) if i is not None), key=lambda m: m[1])
    return assigned, matches, [segs[k].label for k in repeated]


def _requests_labels() -> list[str]:
    expected, _, _, _ = tables._requests_layout()
    return [*expected[:8], "（一）予以公开", "1.属于国家秘密", "1.属于国家密", "总计", "自然人", "", "其他"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.tuples(st.lists(st.sampled_from(_requests_labels()), max_size=2),
                          st.lists(st.sampled_from(["", "3", "0", "-"]), max_size=9)), max_size=14))
def test_assign_is_its_definition_on_random_segments(rows):
    expected, _, groups, _ = tables._requests_layout()
    widths = [7] * len(expected)
    for _ in range(2):  # (the second time from what was remembered)
        segs = [tables.Segment(labels, [Cell(v) for v in values]) for labels, values in rows]
        got = tables._assign(segs, expected, widths, skip=groups)
        assert got == _assign_as_defined(segs, expected, widths, skip=groups)


def _trim_as_defined(values, n):  # noqa: ANN001, ANN202
    from gkassist.importer.cells import is_blank
    lo, hi = 0, len(values)
    while hi - lo > n and is_blank(values[hi - 1].text):
        hi -= 1
    while hi - lo > n and is_blank(values[lo].text):
        lo += 1
    return list(values[lo:hi]) if hi - lo == n else None


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(["", " ", "3", "0", "-"]), max_size=10), st.integers(0, 9))
def test_trim_is_its_definition(texts, n):
    values = [Cell(t) for t in texts]
    assert tables._trim(values, n) == _trim_as_defined(values, n)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_requests_labels()), max_size=6), max_size=3))
def test_rows_printed_is_its_definition(label_lists):
    expected, _, _, _ = tables._requests_layout()
    scans = [tables.Scanned(Table([]), None, [], labels) for labels in label_lists]
    match = tables._label_matcher(tuple(expected))
    want = len({match(t)[0] for labels in label_lists for t in labels} - {None})
    for _ in range(2):  # (the second time from what was remembered)
        assert tables._rows_printed(scans, expected) == want


def test_section_facts_are_their_definition_on_the_real_reports():
    # (the facts are remembered by what they depend on: each report's own, computed afresh, are the same)
    from gkassist.importer import reader
    seen = 0
    for text in _texts():
        captured = []
        real = reader._section_facts

        def spy(split, tables_found, ext, real=real, captured=captured):  # noqa: ANN001, ANN202
            got = real(split, tables_found, ext)
            captured.append((got, reader._section_facts_of(split, tables_found, ext)))
            return got

        reader._section_facts = spy
        try:
            reader.read_report_text(text)
        finally:
            reader._section_facts = real
        for got, want in captured:
            assert got == want
            seen += 1
    assert seen
