"""The reading step's rewrites for speed (docs/performance.md（十四）) give what the definitions they
replace give: on the real reports and on random input."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

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
