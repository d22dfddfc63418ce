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
