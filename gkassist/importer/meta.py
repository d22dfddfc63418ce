"""Title → agency and year; the page's publication date; the basis the report cites.

The title convention is 「<机关全称><YYYY>年政府信息公开工作年度报告」 (FORM.title); a title in
another shape is still read when it names the report and a year, and the difference is a fact
for rule S6.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from gkassist.form import FORM
from gkassist.importer.model import formats
from gkassist.text import DIGIT_VALUES, NUMERALS, ORDINAL, fold, parse_int

_YEAR = re.compile(r"((?:19|20)\d\d)\s*年(?:度)?")
_EDGE = " \t:：,，、。.《》<>「」\"'“”()（）[]【】-—_|"


@dataclass(frozen=True)
class Title:
    printed: str
    agency: str
    year: int
    conventional: bool  # exactly FORM.title(agency, year), punctuation folded


def is_title(line: str) -> bool:
    """A line that names the report and a year, shaped as a title rather than a sentence: it
    ends with 「年度报告」 (or 「年报」, maybe followed by a parenthetical) and has no clause
    punctuation — the opening sentence 「…现将…年度报告如下：」 is no title."""
    n = fold(line)
    f = formats()
    core_n = re.sub(r"\([^()]*\)$", "", n)
    return (
        len(n) <= 80
        and not any(ch in n for ch in ",:;。")
        and all(fold(w) in n for w in f["title_words"])
        and any(core_n.endswith(fold(t)) for t in f["title_tails"])
        and bool(_YEAR.search(line))
    )


def parse_title(line: str) -> Title | None:
    if not is_title(line):
        return None
    line = " ".join(line.split())
    m = _YEAR.search(line)
    assert m is not None
    agency = line[: m.start()].strip(_EDGE)
    if agency and any(ch in agency for ch in "。，,:：;；"):
        return None  # a sentence before the year, not an agency's name
    if not agency:  # 「2024年某某局政府信息公开工作年度报告」: the agency follows the year
        word = formats()["title_words"][0]
        after = line[m.end():]
        agency = after.split(word, 1)[0].strip(_EDGE) if word in after else ""
    if not agency:
        return None
    year = int(m.group(1))
    return Title(line, agency, year, fold(line) == fold(FORM.title(agency, year)))


@cache
def _date_pattern() -> re.Pattern[str]:
    labels = "|".join(re.escape(x) for x in formats()["date_labels"])
    return re.compile(
        rf"({labels})\s*[:：]?\s*(\d{{4}})\s*[-/.年]\s*(\d{{1,2}})\s*[-/.月]\s*(\d{{1,2}})"
    )


_SIGNATURE_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
# 二〇二五年一月二十日: the year digit by digit, month and day as numbers
_CN_DATE = re.compile(rf"^\s*([〇○零{NUMERALS[:-1]}]{{4}})年({ORDINAL})月({ORDINAL})日\s*$")


def signature_date(line: str) -> str | None:
    """The date of a signature line (「2024年1月18日」「二〇二四年一月十八日」) as YYYY-MM-DD."""
    m = _SIGNATURE_DATE.match(line)
    try:
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        m = _CN_DATE.match(line)
        if m:
            year = int("".join(str(DIGIT_VALUES[ch]) for ch in m.group(1)))
            month, day = parse_int(m.group(2)), parse_int(m.group(3))
            if month is None or day is None:
                return None
            return dt.date(year, month, day).isoformat()
    except (ValueError, KeyError):
        return None
    return None


def find_date(lines: list[str], signature: str | None = None) -> str | None:
    """The publication date the page states, as YYYY-MM-DD: the most reliable label wins (a
    label and its date may sit in neighbouring table cells); else the signature's date."""
    rank = {label: i for i, label in enumerate(formats()["date_labels"])}
    best: tuple[int, str] | None = None
    for m in _date_pattern().finditer("\n".join(lines)):
        try:
            day = dt.date(int(m.group(2)), int(m.group(3)), int(m.group(4)))
        except ValueError:
            continue
        cand = (rank[m.group(1)], day.isoformat())
        if best is None or cand[0] < best[0]:
            best = cand
    return best[1] if best else signature


def is_metadata(line: str) -> bool:
    """A page-metadata line (「发布日期：…」「来源：…」) rather than a sentence of the report."""
    n = fold(line)
    return bool(_date_pattern().search(line)) or bool(re.match(r"^[^:]{1,6}:[^:]{0,40}$", n)) and not n.endswith(":")


def _bracketed(text: str) -> str:
    return fold(text).replace("(", "[").replace(")", "]")


def cites_2019_basis(lines: list[str]) -> bool:
    target = _bracketed(formats()["legacy_2019"]["basis"])
    return any(target in _bracketed(line) for line in lines)


# --- what the agency's name tells -----------------------------------------------------------------
# A report does not print the agency's kind or administrative level, but rules N7 (规章 power) and
# T2 (people's governments) need them. The name usually tells; where it does not (「某某市…」 may
# be a 地级市, a 县级市 or a 直辖市), nothing is inferred. Inferred values carry a note.

_TOWNSHIP_END = re.compile(r"(乡|镇)(人民)?政府$|街道办事处$|街道$")
_GOVERNMENT_END = re.compile(r"人民政府$")
_DEPARTMENT_END = re.compile(r"(局|委员会|委|办公室|办|厅|部|署|中心|院|所|站|队|处|会|室)$")
_DIVISION = re.compile(r"自治区|自治州|自治县|自治旗|地区|省|州|盟|县|旗|区|市")
_LEVEL_OF = {
    "自治区": "province", "省": "province",
    "自治州": "city", "地区": "city", "州": "city", "盟": "city",
    "自治县": "county", "自治旗": "county", "县": "county", "旗": "county", "区": "county",
    "市": None,  # 地级市, 县级市 or 直辖市: the name alone does not say
}
INFERRED_NOTE = "按机关名称推断，请核对"


def infer_kind_and_level(agency: str) -> tuple[str | None, str | None]:
    """(meta.agency_kind, meta.level) as far as the agency's name shows them."""
    name = fold(agency)
    if _TOWNSHIP_END.search(name):
        return "township", "township"
    kind = "government" if _GOVERNMENT_END.search(name) else "department" if _DEPARTMENT_END.search(name) else None
    divisions = _DIVISION.findall(name)
    level = _LEVEL_OF.get(divisions[-1]) if divisions else None
    return kind, level
