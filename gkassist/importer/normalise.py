"""What the importer does to printed text besides ``text.fold`` (the comparison form of a label).

Labels are compared after ``text.fold``; prose is kept exactly as printed (only ``clean_line`` is
applied to it).
"""

from __future__ import annotations

import re
from functools import lru_cache

from gkassist.text import fold

# importer/reader.py's name for text.fold (that module is being reworked elsewhere: switch it then)
norm = fold


def clean_line(text: str) -> str:
    """A line of prose as printed, with non-breaking and ideographic spaces made ordinary and
    the ends trimmed; the words themselves are untouched."""
    return text.replace("\xa0", " ").replace("\u3000", " ").replace("\ufeff", "").strip()


_CORE = re.compile(r"^(\([^)]*\))?(.*?)(\([^()]*\))?$")


@lru_cache(maxsize=8192)
def core(label: str) -> str:
    """A label without its trailing parenthetical: （二）部分公开（区分处理的…） → (二)部分公开."""
    n = fold(label)
    # keep a leading enumerator such as "(二)" and drop only a closing "(…)" at the end
    m = _CORE.match(n)
    if not m:
        return n
    return (m.group(1) or "") + m.group(2)
