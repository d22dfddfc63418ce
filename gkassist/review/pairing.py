"""Which of last year's reports is this report's (``gkassist check FOLDER --previous FOLDER``).

Agencies print their names several ways from one year to the next: 「某某县人民政府」 and
「某某县政府」, 「怀化市洪江区科技和工业信息化局」 and 「洪江区科技和工业信息化局」, spaces and full-width
brackets in between. A report is paired with the one of last year's whose agency is the same
organ — equal once normalised (spaces, punctuation, 人民政府 → 政府), or the one the other with
its region in front — preferring the report of the year before. Whether the pair may be compared
(same agency, year exactly one earlier) is then the rules' business (rule Y0 on the
``previous.pair`` fact, as for one file given with ``--previous``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from gkassist.text import fold

# the shortest name that may stand for a longer one it ends (「财政局」 is every county's) — unless
# it starts with a place (「甲区政府」 is 「示范市甲区人民政府」)
SHORT_NAME = 5
_PLACED = 4
# the ends of a division's name at county level and above (a township's: 镇, 乡, 街道)
_DIVISIONS = "自治区|自治州|自治县|省|市|州|盟|县|旗|区"
_PLACE = re.compile(rf"^[\u4e00-\u9fff]{{1,6}}?(?:{_DIVISIONS}|镇|乡|街道)(?=.)")
_SAME = (("人民政府", "政府"), ("办公室", "办"))
# a division's people's government is the division for its report (「河北区人民政府」 one year, 「河北区」
# the next); its office (「…人民政府办公室」) is an organ of its own
_GOVERNMENT_OF = re.compile(r"(?<=[省市区县旗州盟镇乡])政府$")
# a division's bare name (「河北区」, 「甲区」): one organ, however short
_DIVISION_ONLY = re.compile(rf"[\u4e00-\u9fff]+?(?:{_DIVISIONS}|镇|乡)")


def _specific(key: str) -> bool:
    """A name that can stand for one organ on its own: long enough, placed (「甲区政府」), or a
    division's name."""
    return len(key) >= SHORT_NAME or (len(key) >= _PLACED and bool(_PLACE.match(key))) \
        or bool(_DIVISION_ONLY.fullmatch(key))


def agency_key(name: str) -> str:
    """A name's comparison form: folded (spaces, punctuation), 人民政府 read as 政府, a division's
    government as the division."""
    key = fold(name)
    for long, short in _SAME:
        key = key.replace(long, short)
    return _GOVERNMENT_OF.sub("", key)


# a division's people's government, its general office (办公厅, 办公室) and the report of the division
# as a whole (「上海市」「贵阳市」) are drafted by one office: 「上海市人民政府办公厅」 → 「上海市」. A closing
# remark in brackets (「贵阳市人民政府(市人民政府办公厅)」) names the office, not another organ.
_DIVISION_GOVERNMENT = re.compile(rf"^(.+?(?:{_DIVISIONS}))(?:政府(?:办公厅|办)?)?$")


def family_key(name: str) -> str:
    """The key of the office that drafts a report: a government, its general office and its division
    share one (C1 compares reports of different drafting offices); any other organ keeps its own."""
    key = re.sub(r"\([^()]*\)$", "", agency_key(name))
    m = _DIVISION_GOVERNMENT.match(key)
    return m.group(1) if m else key


def same_agency(a: str, b: str) -> bool:
    """Whether two printed agency names name the same organ: equal once normalised, or the one
    the other with its region in front."""
    x, y = agency_key(a), agency_key(b)
    if x == y:
        return True
    short, long = sorted((x, y), key=len)
    return _specific(short) and long.endswith(short)


@dataclass(frozen=True)
class Known:
    """One of last year's reports: where it is, whose and which year (as read)."""

    file: str
    agency: str | None
    year: int | None
    named: bool = True  # False: the report names no organ of its own (the agency is the office for questions)
    office: bool = False  # found as the report of the same drafting office, under another name (find_office)


# a division's name as a family key ends: two characters or more, then the division (「松江区」, not 「江区」)
_DIVISION_NAME = re.compile(rf"[\u4e00-\u9fff]{{2,}}?(?:{_DIVISIONS})")


def _division_endings(key: str) -> list[str]:
    """The endings of a division's family key that name a division (「上海市松江区」 → itself, 「松江区」)."""
    return [key[i:] for i in range(len(key) - 2) if _DIVISION_NAME.fullmatch(key[i:])]


@dataclass
class PreviousIndex:
    """Last year's reports by agency, to find each report's counterpart in linear time: every
    report under its key and under each ending of its key long enough to name an organ."""

    reports: list[Known] = field(default_factory=list)
    _exact: dict[str, list[int]] = field(default_factory=dict)
    _endings: dict[str, list[int]] = field(default_factory=dict)
    # a division's reports (its government's, its office's, the division's own) by family key and by
    # each of its endings that names a division
    _office_exact: dict[str, list[int]] = field(default_factory=dict)
    _office_endings: dict[str, list[int]] = field(default_factory=dict)

    def add(self, known: Known) -> None:
        k = len(self.reports)
        self.reports.append(known)
        if not known.agency:
            return
        family = family_key(known.agency)
        if _DIVISION_NAME.fullmatch(family):
            self._office_exact.setdefault(family, []).append(k)
            for ending in _division_endings(family):
                self._office_endings.setdefault(ending, []).append(k)
        key = agency_key(known.agency)
        self._exact.setdefault(key, []).append(k)
        for i in range(1, len(key) - 1):
            if _specific(key[i:]):
                self._endings.setdefault(key[i:], []).append(k)

    def find(self, agency: str | None, year: int | None) -> Known | None:
        """Last year's report of this agency: the same key first, else a name that ends the other;
        among several, the one of the year before, else the latest earlier one. None when there
        is none, or when two different organs would fit (「XX区财政局」 and 「YY区财政局」 for 「财政局」)."""
        if not agency:
            return None
        key = agency_key(agency)
        longer = self._endings.get(key, []) if _specific(key) else []
        shorter = [k for i in range(1, len(key) - 1) if _specific(key[i:])
                   for k in self._exact.get(key[i:], [])]
        candidates = list(dict.fromkeys([*self._exact.get(key, []), *longer, *shorter]))
        if not candidates:
            return None
        keys = list(dict.fromkeys(agency_key(self.reports[k].agency or "") for k in candidates))
        if any(not same_agency(a, b) for a in keys for b in keys):
            return None  # two organs would fit (「XX区财政局」「YY区财政局」 for 「区财政局」): unpaired, never the wrong one
        found = [self.reports[k] for k in candidates]
        if year is not None:
            before = [r for r in found if r.year == year - 1]
            if before:
                return before[0]
            earlier = [r for r in found if r.year is not None and r.year < year]
            if earlier:
                return max(earlier, key=lambda r: r.year or 0)
        return found[0]

    def find_office(self, agency: str | None, year: int | None, named: bool = True) -> Known | None:
        """Last year's report of the same division's drafting office under another name, where one
        of the two reports names no organ of its own (上海市松江区 2025; 2024 names only 「松江区人民政府
        办公室」 for questions). Two reports that both name their organ are different organs'
        (广东省人民政府办公厅, 广东省人民政府): None, as when several would fit."""
        family = family_key(agency) if agency else ""
        if not _DIVISION_NAME.fullmatch(family):
            return None
        ks = dict.fromkeys([*self._office_endings.get(family, []),
                            *(k for e in _division_endings(family) for k in self._office_exact.get(e, []))])
        found = [self.reports[k] for k in ks if not (named and self.reports[k].named)]
        if year is not None:
            found = [r for r in found if r.year == year - 1]
        if len(found) != 1:
            return None
        return replace(found[0], office=True)


class ChosenPrevious(PreviousIndex):
    """Last year's report chosen for one report once the whole folder was read (find_office)."""

    def __init__(self, known: Known) -> None:
        super().__init__()
        self.add(known)
        self._known = known

    def find(self, agency: str | None, year: int | None) -> Known | None:
        return self._known
