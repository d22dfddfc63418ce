"""Reports in traditional characters → simplified, so that they are read like any other.

A few portals (and mirrors of them) serve reports in traditional script. The importer's words —
headings, table labels, the rules' vocabularies — are simplified, so such a report is converted
first, with OpenCC's t2s conversion (``opencc-python-reimplemented``, pure Python: the same on
every platform). Whether a text is traditional is told cheaply, by how often characters only
traditional script has occur (``formats.yaml``); only then is OpenCC imported (≈ 15 ms, once) and
run (a few µs per character), so that simplified reports — nearly all — cost nothing.
"""

from __future__ import annotations

import re
from functools import cache
from operator import attrgetter

from gkassist.importer.model import Document, Line, Table, formats

_TEXT = attrgetter("text")


@cache
def _markers() -> re.Pattern[str]:
    return re.compile(f"[{formats()['traditional_markers']}]")


def is_traditional(text: str) -> bool:
    f = formats()
    n = len(_markers().findall(text))
    return n >= f["traditional_min"] and n >= f["traditional_share"] * len(text)


@cache
def _converter():  # noqa: ANN202 - opencc has no type hints
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _converter().convert(text)


def simplify(doc: Document) -> bool:
    """Convert every text of ``doc`` to simplified in place when it is in traditional script;
    whether it was."""
    texts = [it.text for it in doc.items if isinstance(it, Line)]
    for it in doc.items:
        if isinstance(it, Table):
            texts.extend(map(_TEXT, it.cells()))  # hundreds of cells: their texts taken in C
    if not is_traditional("".join(texts + doc.outside)):
        return False
    convert = to_simplified
    for item in doc.items:
        if isinstance(item, Line):
            item.text = convert(item.text)
        elif isinstance(item, Table):
            item.rows = [[c._replace(text=convert(c.text)) for c in row] for row in item.rows]
    doc.outside = [convert(t) for t in doc.outside]
    return True
