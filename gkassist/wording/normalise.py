"""Text normalisation for matching unspaced Chinese with rapidfuzz.

Scorers compare characters, so everything that is not a character of meaning goes: NFKC folds
full-width forms, punctuation and spaces are dropped (published reports mix ，/, and “/" freely),
digits are dropped (a number the user typed says nothing about the category), and a leading
enumeration marker (一是, 1., （一）) is removed because every item starts with one.
"""

from __future__ import annotations

import re
import unicodedata

from gkassist.wording.slots import strip_slots

# 一是 … 十是, 1. / 1、/ 1） / (1) / （一） / 第一， at the start of an item
_ORDINAL_CN = "一二三四五六七八九十"
LEADING_MARKER_RE = re.compile(
    rf"^\s*(?:[{_ORDINAL_CN}]{{1,2}}是|第[{_ORDINAL_CN}]{{1,2}}[，,、:：]?|"
    rf"[(（][{_ORDINAL_CN}\d]{{1,2}}[)）]|\d{{1,2}}\s*[.．、)）](?!\d))\s*"
)


def strip_marker(text: str) -> str:
    """``text`` without a leading enumeration marker."""
    return LEADING_MARKER_RE.sub("", text, count=1)


def normalise(text: str) -> str:
    """The characters of ``text`` that matching should look at."""
    text = unicodedata.normalize("NFKC", text)
    text = strip_marker(strip_slots(text))
    # keep letters (CJK ideographs are letters, category Lo); drop digits, punctuation, symbols, space
    return "".join(ch for ch in text if unicodedata.category(ch)[0] == "L").lower()


def bigrams(text: str) -> str:
    """Space-separated character bigrams, for order-tolerant token scoring of unspaced Chinese."""
    if len(text) < 2:
        return text
    return " ".join(text[i : i + 2] for i in range(len(text) - 1))
