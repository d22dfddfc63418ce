"""Text normalisation for comparing what a page printed with what the form says.

Published copies mix full-width and half-width punctuation, curly and straight quotes, and
stray spaces (a scrape turned 「商业企业」 into 「商业 企业」). Labels are compared after
``norm``; prose is kept exactly as printed (only ``clean_line`` is applied to it).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# NFKC already folds （）：，；！？ and full-width digits/letters; what it leaves alone is folded here.
_FOLD = str.maketrans(
    {
        "“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "「": '"', "」": '"',
        "〔": "[", "〕": "]", "【": "[", "】": "]", "［": "[", "］": "]",
        "—": "-", "–": "-", "－": "-", "―": "-", "─": "-",
        "／": "/", "．": ".", "﹒": ".", "，": ",", "、": "、",
    }
)
_SPACE = re.compile(r"\s+")

# Characters that make a line look like a sentence rather than a label or heading.
SENTENCE_END = "。；;!?！？"

CN_DIGITS = "零〇一二三四五六七八九十"


@lru_cache(maxsize=8192)
def norm(text: str) -> str:
    """The comparison form of a label: NFKC, punctuation folded, no white space at all."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text).translate(_FOLD))


def clean_line(text: str) -> str:
    """A line of prose as printed, with non-breaking and ideographic spaces made ordinary and
    the ends trimmed; the words themselves are untouched."""
    return text.replace("\xa0", " ").replace("\u3000", " ").replace("\ufeff", "").strip()


_CORE = re.compile(r"^(\([^)]*\))?(.*?)(\([^()]*\))?$")


@lru_cache(maxsize=8192)
def core(label: str) -> str:
    """A label without its trailing parenthetical: （二）部分公开（区分处理的…） → (二)部分公开."""
    n = norm(label)
    # keep a leading enumerator such as "(二)" and drop only a closing "(…)" at the end
    m = _CORE.match(n)
    if not m:
        return n
    return (m.group(1) or "") + m.group(2)
