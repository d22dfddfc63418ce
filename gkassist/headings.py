"""Which form field a printed sub-heading heads: 一's five topics, 五's parts.

Reports word their sub-headings freely (「（二）改进措施」「下一步工作打算」「（四）平台建设情况」). The
form's labels and the variants in ``headings.yaml`` are the one set of heading words; the importer
reads published reports with it, and the 五 splitter (``wording/items.py``) last year's 五 or 五
written as prose.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from rapidfuzz.fuzz import ratio

from gkassist.form import FORM
from gkassist.resources import package_yaml
from gkassist.text import fold

# below this closeness (0–100) a sub-heading names no field
FUZZY_MIN = 75


@cache
def _data() -> dict:
    return package_yaml("gkassist", "headings.yaml")


@cache
def names(field_id: str) -> tuple[str, ...]:
    """A field's heading words, folded: its label, then the variants reports use."""
    aliases = _data()["aliases"].get(field_id, ())
    return tuple(dict.fromkeys(fold(n) for n in (FORM.field(field_id).label, *aliases)))


def _strip_suffixes(title: str) -> str:
    suffixes = [fold(s) for s in _data()["suffixes"]]
    changed = True
    while changed:
        changed = False
        for s in suffixes:
            if title.endswith(s) and len(title) > len(s) + 1:
                title = title[: -len(s)]
                changed = True
    return title


def field_of_heading(title: str, field_ids: Sequence[str]) -> str | None:
    """The one field of ``field_ids`` that a sub-heading's words (numbering removed) name, else None.

    A field whose heading word is in the title, or whose word contains the title (without a
    trailing 情况/工作 …), is named; two such fields are ambiguous. Without one, the closest field
    by rapidfuzz ratio, if close enough and closer than any other.
    """
    title = fold(title)
    short = _strip_suffixes(title)
    hits = {fid for fid in field_ids for n in names(fid) if n in title or (len(short) >= 2 and short in n)}
    if len(hits) == 1:
        return hits.pop()
    if hits:
        return None
    scored = sorted(((max(ratio(short, n) for n in names(fid)), fid) for fid in field_ids), reverse=True)
    if scored and scored[0][0] >= FUZZY_MIN and (len(scored) == 1 or scored[1][0] < scored[0][0]):
        return scored[0][1]
    return None


@cache
def _transition() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{t})" for t in _data()["transitions"]))


# a turn opens its sentence: at most this many characters (「（二）」, 「同时，」) may come before it
TRANSITION_LEAD = 6
_SENTENCE_BREAK = "。；;！!？?\n"


def transition_at(text: str) -> int | None:
    """Where 五's measures begin in ``text`` that runs its problems and measures together: the
    start of the first sentence (or line) after some text that opens with a turn (「下一步」
    「针对上述问题」 …), or None. A turn word inside a sentence is none: 「……需要在今后的工作中加以
    改进」 is a problem."""
    for m in _transition().finditer(text):
        start = max(text.rfind(ch, 0, m.start()) for ch in _SENTENCE_BREAK) + 1
        if m.start() - start <= TRANSITION_LEAD and text[:start].strip():
            return start
    return None
