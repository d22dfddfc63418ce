"""Text normalisation for matching unspaced Chinese against the wording bank.

Matching compares characters, so everything that is not a character of meaning goes: NFKC folds
full-width forms, punctuation and spaces are dropped (published reports mix ，/, and “/" freely),
digits are dropped (a number the user typed says nothing about the category), and a leading
enumeration marker (一是, 1., （一）) is removed because every item starts with one.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from gkassist.text import LEADING_MARKER_RE, nfkc, strip_marker
from gkassist.wording.slots import strip_slots

__all__ = ["LEADING_MARKER_RE", "normalise", "strip_marker"]  # the markers: the interview's editor


@lru_cache(maxsize=4096)  # the bank's phrasings and the items above a line are read on every keystroke
def normalise(text: str) -> str:
    """The characters of ``text`` that matching should look at."""
    text = strip_marker(strip_slots(nfkc(text)))
    # keep letters (CJK ideographs are letters, category Lo); drop digits, punctuation, symbols, space
    return "".join(ch for ch in text if unicodedata.category(ch)[0] == "L").lower()
