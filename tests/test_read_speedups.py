"""The reading step's rewrites for speed (docs/performance.md（十四）) give what the definitions they
replace give: on the real reports and on random input."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from gkassist.form import FORM
from gkassist.importer import tables
from gkassist.importer.cells import count_fields, is_value, read_cell, read_count_cell
from gkassist.importer.model import Cell, formats
from gkassist.text import _FOLD, fold, nfkc

CORPUS = Path(__file__).parent / "corpus" / "reports"

# the characters nfkc replaces before normalising, with what may combine or compose around them:
# combining marks, full-width forms, Hangul jamo, an ideographic space, letters and digits
_TRICKY = "，：（）,:()\u0301\u0338\u0327\u3099ＡａＢ１２３％　\u1100\u1161\u11a8가ǅﬁ①²éeA (x)年报表"


def _lines() -> list[str]:
    return [line for p in sorted(CORPUS.rglob("*")) if p.is_file()
            for line in p.read_bytes().decode("utf-8", "replace").splitlines()]


def test_nfkc_is_unicodedata_nfkc_on_the_real_reports():
    lines = _lines()
    assert len(lines) > 1000
    for line in lines:
        assert nfkc(line) == unicodedata.normalize("NFKC", line)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(_TRICKY), max_size=40) | st.text(max_size=40))
def test_nfkc_is_unicodedata_nfkc_on_any_text(text):
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


def test_nfkc_is_unicodedata_nfkc_next_to_every_character_of_the_bmp():
    for mark in "，：（）":
        for cp in range(0x10000):
            if 0xD800 <= cp < 0xE000:
                continue
            c = chr(cp)
            for text in (mark + c, c + mark, c + mark + c):
                assert nfkc(text) == unicodedata.normalize("NFKC", text), (mark, hex(cp))


def _fold_as_defined(text: str) -> str:
    """text.fold before its rewrite: NFKC, translated, every white space removed by a regex."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).translate(_FOLD))


def test_fold_is_its_definition_on_the_real_reports():
    for line in _lines():
        assert fold.__wrapped__(line) == _fold_as_defined(line)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(_TRICKY + "“”„‘’「」〔〕【】［］—–－―─／．﹒、 \t\n\xa0\u3000\x1c\u2028"), max_size=40)
       | st.text(max_size=40))
def test_fold_is_its_definition_on_any_text(text):
    assert fold.__wrapped__(text) == _fold_as_defined(text)


def test_fold_is_its_definition_on_every_character():
    for cp in range(0x110000):
        if 0xD800 <= cp < 0xE000:
            continue
        text = "a" + chr(cp) + "b"
        assert fold.__wrapped__(text) == _fold_as_defined(text), hex(cp)


def _put_all_as_defined(out: tables.Reading, field_ids, cells) -> int:  # noqa: ANN001
    """Reading.put_all before its rewrite: every cell read through the cached readers."""
    counts, read = count_fields(), 0
    for field_id, cell in zip(field_ids, cells, strict=False):
        cv = read_count_cell(cell.text) if field_id in counts else read_cell(field_id, cell.text)
        if cv.state is None and cv.value is not None and not cv.note:
            out.answers[field_id] = cv.value
            read += 1
        else:
            read += out._put(field_id, cv)
    return read


_TABLE_FIELDS = [f.id for f in FORM.fields.values() if f.section in ("active", "requests", "review")]
_CELL_TEXTS = ["0", "1", "12", "1,234", "１２", " 3 ", "", " ", "/", "—", "无", "不适用", "1O", "-1", "3.5",
               "12件", "1.5万元", FORM.gap_marker, "abc", "0.0", "007"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(st.tuples(st.sampled_from(_TABLE_FIELDS), st.sampled_from(_CELL_TEXTS)), max_size=16),
                max_size=6))
def test_put_all_stores_what_its_definition_stores(rows):
    old, new = tables.Reading(), tables.Reading()
    for row in rows:
        ids, cells = [f for f, _ in row], [Cell(t) for _, t in row]
        extra = cells + [Cell("9")]  # more cells than fields: zip stops at the shorter
        assert _put_all_as_defined(old, ids, extra) == new.put_all(ids, extra)
    assert list(old.answers.items()) == list(new.answers.items())
    assert (old.cells, old.notes, old.invalid_messages, old.unreadable) == \
        (new.cells, new.notes, new.invalid_messages, new.unreadable)


def test_the_2019_formats_labels_are_no_values():
    """read_active looks for them among the cells the scan kept as labels (all that are no value)."""
    assert not any(is_value(label) for label in formats()["legacy_2019"]["active_labels"])


# --- Word: the one pass over the body against the walk ---------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_WORD_TEXT = st.lists(st.sampled_from(["信息", " ", "公开", "12", "０", "\xa0", "\u3000", "\t", "&amp;", "a"]),
                      max_size=4).map("".join)


def _body_root(body: str):  # noqa: ANN202 - an lxml element
    from lxml import etree

    xml = f'<w:document xmlns:w="{_W}" xmlns:x="urn:x"><w:body>{body}</w:body></w:document>'
    return etree.fromstring(xml.encode("utf-8")).find(f"{{{_W}}}body")


def _mostly(regular: list, odd: list):  # noqa: ANN202 - a strategy
    """One of ``regular`` most of the time, now and then one of ``odd`` (the parts the one pass
    leaves to the walk), so that most generated documents are read by the one pass."""
    # (a middle value, as Hypothesis favours the ends of a range: one_of would pick ``odd`` as often
    # as ``regular``)
    return st.tuples(st.integers(0, 40), st.one_of(*regular), st.one_of(*odd)).map(
        lambda t: t[2] if t[0] == 23 else t[1])


_RUN_PART = _mostly(
    [_WORD_TEXT.map(lambda t: f'<w:t xml:space="preserve">{t}</w:t>'), st.just("<w:tab/>"),
     st.just("<w:br/>"), st.just("<w:cr/>"), st.just("<w:rPr><w:b/><w:sz w:val=\"2\"/></w:rPr>"),
     st.just("<w:delText>del</w:delText>"), st.just("<w:instrText>PAGE</w:instrText>"), st.just("<w:t/>")],
    [st.just("<w:rPr><w:t>x</w:t></w:rPr>"), st.just("<w:t>a<w:t>b</w:t></w:t>"),
     st.just("<w:pict><w:txbxContent><w:p><w:r><w:t>box</w:t></w:r></w:p></w:txbxContent></w:pict>")],
)
_RUN = st.lists(_RUN_PART, max_size=4).map(lambda parts: "<w:r>" + "".join(parts) + "</w:r>")
_PARAGRAPH_PART = _mostly(
    [_RUN, _RUN, st.just('<w:bookmarkStart w:id="0"/>'), st.just("<w:t>bare</w:t>"), st.just("<w:br/>"),
     _RUN.map(lambda r: f"<w:hyperlink/>{r}"), st.just("<w:pPr><w:jc/></w:pPr>")],
    [_RUN.map(lambda r: f"<w:hyperlink>{r}</w:hyperlink>"), _RUN.map(lambda r: f"<w:ins>{r}</w:ins>"),
     st.just('<w:pPr><w:tabs><w:tab w:val="left"/></w:tabs></w:pPr>'), st.just("<w:pPr><w:t>in</w:t></w:pPr>")],
)
_PARAGRAPH_PROPS = _mostly(
    [st.just(""), st.just('<w:pPr><w:pStyle w:val="x"/></w:pPr>'), st.just("<w:pPr><w:t>mark</w:t></w:pPr>"),
     st.just("<w:pPr><w:br/></w:pPr>")],
    [st.just('<w:pPr><w:tabs><w:tab w:val="left" w:pos="1"/></w:tabs></w:pPr>')])
_PARAGRAPH = st.tuples(_PARAGRAPH_PROPS, st.lists(_PARAGRAPH_PART, max_size=4)).map(
    lambda pp: "<w:p>" + pp[0] + "".join(pp[1]) + "</w:p>")

_SPAN_VALUES = ["2", "1", "0", "abc", "２", "", "-1", "3", " 2"]
_CELL_PROPS = st.lists(st.one_of(
    st.just('<w:tcW w:w="10"/>'), st.sampled_from(_SPAN_VALUES).map(lambda v: f'<w:gridSpan w:val="{v}"/>'),
    st.just("<w:gridSpan/>"), st.just("<w:vMerge/>"),
    st.sampled_from(["restart", "continue", "x"]).map(lambda v: f'<w:vMerge w:val="{v}"/>'),
), max_size=3).map(lambda ps: "<w:tcPr>" + "".join(ps) + "</w:tcPr>")
_CELL_CONTENT = _mostly(
    [_PARAGRAPH],
    [_PARAGRAPH.map(lambda p: f"<w:sdt><w:sdtContent>{p}</w:sdtContent></w:sdt>"),
     st.just("<w:tbl><w:tr><w:tc><w:p><w:r><w:t>nested</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"),
     st.just('<w:tcPr><w:gridSpan w:val="2"/></w:tcPr>'), st.just("<w:r><w:t>loose</w:t></w:r>")],
)
_CELL = st.tuples(st.sampled_from(["first", "first", "first", "none", "last"]), _CELL_PROPS,
                  st.lists(_CELL_CONTENT, max_size=3)).map(
    lambda c: "<w:tc>" + (c[1] if c[0] == "first" else "") + "".join(c[2]) + (c[1] if c[0] == "last" else "")
    + "</w:tc>")
_ROW = st.lists(_mostly([_CELL], [_CELL.map(lambda c: f"<w:sdt><w:sdtContent>{c}</w:sdtContent></w:sdt>"),
                                  _CELL.map(lambda c: f"<x:wrap>{c}</x:wrap>")]), max_size=4).map(
    lambda cells: "<w:tr><w:trPr><w:cantSplit/></w:trPr>" + "".join(cells) + "</w:tr>")
_TABLE = st.lists(_mostly([_ROW], [_ROW.map(lambda r: f"<x:wrap>{r}</x:wrap>")]), max_size=4).map(
    lambda rows: '<w:tbl><w:tblPr><w:tblW w:w="0"/></w:tblPr>' + "".join(rows) + "</w:tbl>")
_BODY = st.lists(_mostly(
    [_PARAGRAPH, _TABLE, st.just('<w:sectPr><w:pgSz w:w="1"/></w:sectPr>')],
    [_PARAGRAPH.map(lambda p: f"<w:sdt><w:sdtContent>{p}</w:sdtContent></w:sdt>"),
     _PARAGRAPH.map(lambda p: f"<x:wrap>{p}</x:wrap>")],
), max_size=5).map("".join)


@settings(max_examples=250, deadline=None)
@given(_BODY)
def test_one_pass_reads_a_word_body_as_the_walk_or_leaves_it_to_the_walk(body):
    from gkassist.importer.docx_layout import _items_by_walk, _items_in_one_pass

    root = _body_root(body)
    try:
        walked = _items_by_walk(root)
    except Exception:  # noqa: BLE001 - read_docx reports any as a damaged file: so must the one pass
        try:
            assert _items_in_one_pass(root) is None  # (then the walk raises)
        except AssertionError:
            raise
        except Exception:  # noqa: BLE001, S110
            pass
        return
    fast = _items_in_one_pass(root)
    assert fast is None or fast == walked


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(
    st.tuples(st.just("p"), st.lists(_WORD_TEXT, max_size=3)),
    st.tuples(st.just("t"), st.lists(st.lists(st.tuples(
        st.lists(_WORD_TEXT, min_size=1, max_size=2), st.sampled_from(["", '<w:gridSpan w:val="2"/>',
                                                                       '<w:vMerge w:val="restart"/>', "<w:vMerge/>"])),
        max_size=4), max_size=4)),
), max_size=6))
def test_one_pass_reads_documents_shaped_as_gkassist_writes_them(blocks):
    """Paragraphs with properties first, runs of text and breaks, tables whose cells start with
    their properties: the one pass reads them (no fall-back) and as the walk does."""
    from gkassist.importer.docx_layout import _items_by_walk, _items_in_one_pass

    def par(texts: list[str]) -> str:
        runs = "".join(f'<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{t}</w:t><w:br/></w:r>' for t in texts)
        return f'<w:p><w:pPr><w:pStyle w:val="x"/></w:pPr>{runs}</w:p>'

    body = ""
    for kind, content in blocks:
        if kind == "p":
            body += par(content)
        else:
            body += "<w:tbl><w:tblPr/>" + "".join(
                "<w:tr>" + "".join(f'<w:tc><w:tcPr><w:tcW w:w="1"/>{props}</w:tcPr>{"".join(par([t]) for t in texts)}</w:tc>'
                                   for texts, props in row) + "</w:tr>" for row in content) + "</w:tbl>"
    root = _body_root(body)
    fast = _items_in_one_pass(root)
    assert fast is not None and fast == _items_by_walk(root)


def test_one_pass_reads_the_real_word_reports_as_the_walk():
    import glob
    import zipfile

    from lxml import etree

    from gkassist.importer.docx_layout import _items_by_walk, _items_in_one_pass

    files = sorted(CORPUS.glob("*.docx")) + sorted(glob.glob("/tmp/f5000/*.docx"))[::50]
    assert files
    for f in files:
        xml = zipfile.ZipFile(f).read("word/document.xml")
        root = etree.fromstring(xml).find(f"{{{_W}}}body")
        fast = _items_in_one_pass(root)
        assert fast is not None and fast == _items_by_walk(root), f


def test_one_pass_reads_hyperlinks_insertions_and_tab_stops_as_the_walk():
    # common in agencies' Word files: a link to the portal, a tracked insertion, a paragraph with tab
    # stops; and what a run leaves out (its properties, text inside a text element)
    from gkassist.importer.docx_layout import _items_by_walk, _items_in_one_pass

    body = (
        '<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs></w:pPr>'
        "<w:r><w:t>（一）主动公开</w:t></w:r><w:r><w:tab/><w:t>网址：</w:t></w:r>"
        '<w:hyperlink r:id="rId9" xmlns:r="urn:r"><w:r><w:rPr><w:rStyle w:val="a"/></w:rPr>'
        "<w:t>http://www.example.gov.cn</w:t></w:r></w:hyperlink>"
        "<w:ins><w:r><w:t>（新增）</w:t></w:r></w:ins>"
        "<w:r><w:rPr><w:t>不读</w:t></w:rPr><w:t>本年<w:t>不读</w:t></w:t><w:br/><w:t>第二行</w:t></w:r></w:p>"
        '<w:tbl><w:tr><w:tc><w:p><w:pPr><w:tabs><w:tab w:val="right"/></w:tabs></w:pPr>'
        '<w:hyperlink><w:r><w:t>单元格</w:t></w:r></w:hyperlink></w:p></w:tc></w:tr></w:tbl>'
    )
    root = _body_root(body)
    fast = _items_in_one_pass(root)
    assert fast is not None and fast == _items_by_walk(root)
    assert [getattr(item, "text", None) for item in fast[:2]] == [
        "（一）主动公开\t网址：http://www.example.gov.cn（新增）本年", "第二行"]


def _collapse_as_defined(text: str) -> str:
    """html_layout._collapse before the join was skipped for a text without a line break."""
    from gkassist.importer.html_layout import _JOIN_CJK, _PLAIN_TEXT

    _SPACES = re.compile(r"\s+")  # noqa: N806 - as the module had it

    if text.isprintable():
        if not text.endswith(" ") and "  " not in text:
            return text
    elif _PLAIN_TEXT(text):
        return text
    text = text.replace("\xa0", " ").replace("\u3000", " ")
    return _SPACES.sub(" ", _JOIN_CJK.sub("", text)).strip()


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.sampled_from("信息a1 \t\r\n\xa0\u3000\u2028\x85\x1c，"), max_size=30) | st.text(max_size=30))
def test_html_collapse_is_its_definition(text):
    from gkassist.importer.html_layout import _collapse

    assert _collapse(text) == _collapse_as_defined(text)
