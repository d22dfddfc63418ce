"""Finding the six sections by their headings, however a page punctuated or numbered them.

A heading is recognised by its wording (compared with the form's, after punctuation is folded),
not by its number, so that a misnumbered or misplaced section is still found — and reported
(rule S1), as is wording that differs from the format (rule S2). The sample report puts
「其他需要报告的事项」 as （三） under 五: a sub-heading whose words are a section's title
starts that section, and the facts say how it was printed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.fuzz import ratio

from gkassist.form import FORM
from gkassist.importer.model import Item, Line, Table
from gkassist.text import ORDINAL, fold, nfkc

_TOP = re.compile(rf"^({ORDINAL})\s*(?:、|\.|,|:|\s)\s*(\S.*)$")
_SUB = re.compile(rf"^\(({ORDINAL})\)\s*(\S.*)$")
_TITLE_CUT = re.compile(r"[。:;]")
# a top-level heading's words must be this close to a section title (0–100, rapidfuzz ratio);
# a printed number that agrees adds _NUMBER_BONUS. Table 三's row 「一、本年新收政府信息公开申请数量」
# scores 55 against 三's title, 「五、存在的主要问题及整改措施」 75 + 10 against 五's.
_TOP_MIN = 65
_NUMBER_BONUS = 10
# a sub-heading is taken for a section only when it is that section's title almost word for word
_SUB_MIN = 85
_MAX_TITLE = 30


@dataclass(frozen=True)
class HeadingMatch:
    section: str  # form section id
    number: str  # the numeral as printed (一 …)
    level: str  # "top" (一、) or "sub" (（一）)
    printed: str  # the heading as printed, without what followed it on the line
    exact: bool  # the words are the form's, after punctuation is folded
    rest: str  # text that followed the heading on the same line


@dataclass
class Found:
    section: str
    index: int  # index of the heading item, or of the first content item for a fall-back
    match: HeadingMatch | None  # None: no heading, the section was found by its sub-headings


@dataclass
class Split:
    before: list[Item]  # title, preamble, page metadata
    parts: dict[str, list[Item]] = field(default_factory=dict)  # section id -> its items
    found: list[Found] = field(default_factory=list)  # in document order


def _section_titles() -> list[tuple[str, str, str]]:
    return [(s.id, s.number, fold(s.title)) for s in FORM.sections if s.number]


_TITLES = _section_titles()


@lru_cache(maxsize=4096)
def match_heading(text: str) -> HeadingMatch | None:
    """The section ``text`` is the heading of, or None."""
    t = nfkc(text).strip()
    if not t:
        return None
    m = _TOP.match(t)
    level = "top"
    if not m:
        m = _SUB.match(t)
        level = "sub"
        if not m:
            return _bare_heading(t)
    number, title = m.group(1), m.group(2)
    cut = _TITLE_CUT.search(title)
    rest = ""
    if cut:
        rest = title[cut.end():].strip()
        title = title[: cut.start()]
    nt = fold(title)
    if not nt or len(nt) > _MAX_TITLE:
        return None
    best_score, best = -1.0, None
    for sid, snum, stitle in _TITLES:
        score = ratio(nt, stitle)
        if level == "top" and number == snum:
            score += _NUMBER_BONUS
        if score > best_score:
            best_score, best = score, (sid, stitle)
    assert best is not None
    if best_score < (_TOP_MIN if level == "top" else _SUB_MIN):
        return None
    printed = text.strip() if not rest else text.strip()[: len(text.strip()) - len(rest)].rstrip()
    # 「、」 and a comma are the same pause; a heading that differs only there is worded as the form's
    exact = nt.replace("、", ",") == best[1].replace("、", ",")
    return HeadingMatch(best[0], number, level, printed, exact, rest)


def _bare_heading(t: str) -> HeadingMatch | None:
    """A line that is a section's title word for word and nothing else, printed without its number
    (「主动公开政府信息情况」 alone on its line above 表二): that section's heading, misnumbered (S1).
    A sentence that only names a section (the opening's list of the six parts) is more than its title."""
    nt = fold(t.rstrip(":："))
    for sid, _, stitle in _TITLES:
        if nt == stitle:
            return HeadingMatch(sid, "", "top", t, True, "")
    return None


def split_sections(items: list[Item], fallbacks: Mapping[str, Callable[[str], bool]] | None = None) -> Split:
    """Cut ``items`` at the section headings.

    ``fallbacks`` maps a section id to a predicate on a line: where a section's heading is
    missing (PDF extraction drops headings), its first recognisable sub-heading starts it.
    """
    candidates: list[tuple[int, HeadingMatch]] = []
    for i, item in enumerate(items):
        if isinstance(item, Line):
            hm = match_heading(item.text)
            if hm:
                candidates.append((i, hm))
    with_top = {hm.section for _, hm in candidates if hm.level == "top"}
    accepted: dict[str, Found] = {}
    current: str | None = None
    for i, hm in candidates:
        if hm.section in accepted:
            continue
        if hm.level == "sub" and (hm.section in with_top or not accepted):
            continue
        # a sub-heading that names one of the current section's own parts is that part
        # (「（一）主动公开政府信息的情况」 under 一 is its first topic, not section 二)
        own = (fallbacks or {}).get(current) if current else None
        if hm.level == "sub" and own is not None and own(items[i].text):
            continue
        accepted[hm.section] = Found(hm.section, i, hm)
        current = hm.section

    for sid, predicate in (fallbacks or {}).items():
        if sid in accepted:
            continue
        start = _fallback_start(items, sid, accepted, predicate)
        if start is not None:
            accepted[sid] = Found(sid, start, None)

    found = sorted(accepted.values(), key=lambda f: f.index)
    split = Split(before=list(items[: found[0].index]) if found else list(items), found=found)
    for k, f in enumerate(found):
        end = found[k + 1].index if k + 1 < len(found) else len(items)
        if f.match is None:
            content = list(items[f.index:end])
        else:
            content = list(items[f.index + 1:end])
            if f.match.rest:
                content.insert(0, Line(f.match.rest))
        split.parts[f.section] = content
    return split


def _fallback_start(
    items: list[Item], sid: str, accepted: dict[str, Found], predicate: Callable[[str], bool]
) -> int | None:
    """Where a section without a heading begins: its first matching sub-heading, searched between
    the sections that surround it in the form's order (and, for prose sections, away from tables)."""
    order = [s for s, _, _ in _TITLES]
    pos = order.index(sid)
    lo = max((f.index for s, f in accepted.items() if order.index(s) < pos), default=-1)
    hi = min((f.index for s, f in accepted.items() if order.index(s) > pos), default=len(items))
    if sid == "overview":
        first_table = next((i for i, it in enumerate(items) if isinstance(it, Table)), len(items))
        hi = min(hi, first_table)
    elif sid == "problems":
        last_table = max((i for i, it in enumerate(items) if isinstance(it, Table)), default=-1)
        lo = max(lo, last_table)
    for i in range(lo + 1, hi):
        item = items[i]
        if isinstance(item, Line) and predicate(item.text):
            return i
    return None
