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


def is_title(line: str, *, year: bool = True) -> bool:
    """A line that names the report and a year, shaped as a title rather than a sentence: it
    ends with 「年度报告」 (or 「年报」, maybe followed by a parenthetical) and has no clause
    punctuation — the opening sentence 「…现将…年度报告如下：」 is no title. ``year=False``: the
    second line of a title broken after the year and the agency (「政府信息公开工作年度报告」)."""
    n = fold(line)
    f = formats()
    core_n = re.sub(r"\([^()]*\)$", "", n)
    return (
        len(n) <= 80
        and not any(ch in n for ch in ",:;。")
        and all(fold(w) in n for w in f["title_words"])
        and any(core_n.endswith(fold(t)) for t in f["title_tails"])
        and (bool(_YEAR.search(line)) or not year)
    )


@cache
def _label_prefix() -> re.Pattern[str]:
    labels = "|".join(re.escape(x) for x in formats()["title_labels"])
    return re.compile(rf"^\s*(?:{labels})\s*[:：]\s*")


def strip_label(line: str) -> str:
    """A page-metadata line without its label: 「标题: 某某2020年…年度报告」 → the title."""
    return _label_prefix().sub("", line, count=1)


def title_year(line: str) -> int | None:
    """The year of a title line that names no agency (「2023年政府信息公开工作年度报告」)."""
    line = strip_label(line)
    if not is_title(line):
        return None
    m = _YEAR.search(line)
    return int(m.group(1)) if m else None


def _organ(name: str) -> str:
    """The organ's name as printed before the year: without the report's own words
    (「伊宁县政府信息公开工作2023年度报告」 → 伊宁县)."""
    n = name
    for word in formats()["title_words"]:
        k = n.find(word)
        if k > 0:
            n = n[:k]
    n = n.strip(_EDGE)
    for opening, closing in ("()", "（）"):  # 「某市人民政府（市人民政府办公厅）」 keeps its bracket
        if n.count(opening) > n.count(closing):
            n += closing
    return n


# a list bullet a page prints before a line (「• 某镇人民政府2021年…年度报告」): page chrome, no part of the title
_BULLET = re.compile(r"^\s*[•·●▪◆■]+\s*")


_LEADING_YEAR = re.compile(r"^\s*(?:19|20)\d\d(?=\D)")


def parse_title(line: str) -> Title | None:
    line = _BULLET.sub("", strip_label(line))
    if not is_title(line):
        return None
    line = " ".join(line.split())
    m = _YEAR.search(line)
    assert m is not None
    # 「2025湖口县大垅乡2025年度…」: a stray year before the agency is no part of its name
    agency = _organ(_LEADING_YEAR.sub("", line[: m.start()]).strip(_EDGE))
    if agency and any(ch in agency for ch in "。，,:：;；"):
        return None  # a sentence before the year, not an agency's name
    if not agency:  # 「2024年某某局政府信息公开工作年度报告」: the agency follows the year
        word = formats()["title_words"][0]
        after = line[m.end():]
        agency = after.split(word, 1)[0].strip(_EDGE) if word in after else ""
    if not agency:
        return None
    year = int(m.group(1))
    return Title(line, agency, year, fold(line) == fold(FORM.title(agency, year)) and not nameless(agency))


# an organ's name that starts with the level of its division instead of the division's name
# (「市人民政府办公室」「区集体经济发展服务署」「县教育局」): not the 机关全称 a title must print.
# 乡, 镇 start real place names (乡宁县, 镇江市), and so do 市中区, 市北区, 市南区.
_NAMELESS = re.compile(r"^(?:省|市(?![中北南]区)|区|县|州|盟|旗)")


def nameless(agency: str) -> bool:
    """An organ's name without the name of its place: 「市人民政府办公室」."""
    return bool(_NAMELESS.match(fold(agency)))


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
    """A page-metadata line (「发布日期：…」「来源：…」, 「关键词 发布机构 北街办事处」) rather than a
    sentence of the report."""
    n = fold(line)
    if _date_pattern().search(line) or re.match(r"^[^:]{1,6}:[^:]{0,40}$", n) and not n.endswith(":"):
        return True
    # a row of the page's file-information block: two of its labels, no sentence (a report may list
    # 「索引号、发布机构、成文日期等公开要素」 in a sentence)
    return len(n) <= 120 and not any(ch in n for ch in "、，,。；;") and \
        sum(1 for w in formats()["metadata_labels"] if w in n) >= 2


def copies_title(line: str, title: str) -> bool:
    """A line that is a piece of the title (no clause punctuation, its text within the title's):
    a page that prints its title again under it, broken over lines or short of its last characters
    (「某镇人民政府2025年政府信息公开工作」 / 「年度报」), gives no sentence of the opening."""
    n, t = fold(line), fold(title)
    return bool(n) and bool(t) and not any(ch in n for ch in ",:;。、") and n in t


def _bracketed(text: str) -> str:
    return fold(text).replace("(", "[").replace(")", "]")


def cites_2019_basis(lines: list[str]) -> bool:
    target = _bracketed(formats()["legacy_2019"]["basis"])
    return any(target in _bracketed(line) for line in lines)


# --- what the agency's name tells -----------------------------------------------------------------
# A report does not print the agency's kind or administrative level, but rules N7 (规章 power) and
# T2 (people's governments) need them. The name usually tells; where it does not (「某某市…」 may
# be a 地级市, a 县级市 or a 直辖市), nothing is inferred. Inferred values carry a note.

_TOWNSHIP_END = re.compile(r"(乡|镇)(人民)?政府$|街道办事处$|街道$|[^城]镇$|乡$")
_GOVERNMENT_END = re.compile(r"人民政府$")
_DEPARTMENT_END = re.compile(r"(局|委员会|委|办公室|办|厅|部|署|中心|院|所|站|队|处|会|室)$")
# a 管理区 (潜江市熊口管理区, a farm's district) is no county-level 区
_DIVISION = re.compile(r"自治区|自治州|自治县|自治旗|地区|省|州|盟|县|旗|(?<!管理)区|市")
# a name that is a division and nothing else names its people's government's report; a development zone,
# a new area or a 管理区 is no division with a people's government
_BARE_DIVISION = re.compile(r"(?:自治区|自治州|自治县|自治旗|省|州|盟|县|旗|区|市)$")
_NO_DIVISION = re.compile(r"(?:开发区|管理区|示范区|试验区|合作区|园区|新区)$")
_LEVEL_OF = {
    "自治区": "province", "省": "province",
    "自治州": "city", "地区": "city", "州": "city", "盟": "city",
    "自治县": "county", "自治旗": "county", "县": "county", "旗": "county", "区": "county",
    "市": None,  # 地级市, 县级市 or 直辖市: the name alone does not say
}
INFERRED_NOTE = "按机关名称推断，请核对"


def infer_kind_and_level(agency: str) -> tuple[str | None, str | None]:
    """(meta.agency_kind, meta.level) as far as the agency's name shows them; a closing remark in
    brackets (「某市人民政府(市人民政府办公厅)」: the office that drafts the report) is not the organ."""
    name = re.sub(r"\([^()]*\)$", "", fold(agency))
    if _TOWNSHIP_END.search(name):
        return "township", "township"
    kind = "government" if _GOVERNMENT_END.search(name) else "department" if _DEPARTMENT_END.search(name) else None
    if kind is None and _BARE_DIVISION.search(name) and not _NO_DIVISION.search(name):  # 「科尔沁右翼前旗」「长安区」: the division's own report
        kind = "government"
    divisions = _DIVISION.findall(name)
    level = _LEVEL_OF.get(divisions[-1]) if divisions else None
    return kind, level


# --- the agency and year where the title does not say them ----------------------------------------


@cache
def _patterns(key: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in formats()[key])


def _self_reference(name: str) -> bool:
    refs = formats()["self_references"]
    return any(name.startswith(r) or name == r for words in refs.values() for r in words) or name.startswith(
        ("本机关", "我单位", "本单位", "本部门", "我部门", "本报告", "本年")
    )


# the note of an agency read only from the organ a report names for questions (「请与某某办公室联系」):
# the report names no organ of its own, so the name is a guess (the folder check pairs on it with care)
CONTACT_NOTE = "报告没有写明本机关名称，按报告中的咨询联系机关读出，请核对"


def identity_in_text(lines: list[str]) -> tuple[str | None, int | None]:
    """(agency, year) as the opening sentence or the first words of 一 state them, else None."""
    agency, year, _ = identity_of(lines)
    return agency, year


def identity_of(lines: list[str]) -> tuple[str | None, int | None, bool]:
    """``identity_in_text`` and whether the agency is only the organ named for questions."""
    agency: str | None = None
    year: int | None = None
    for pattern in _patterns("identity_patterns"):
        for line in lines:
            m = pattern.search(line)
            if not m:
                continue
            # _organ strips the edges itself and closes an open bracket (「某市人民政府(市人民政府办公厅」):
            # no second strip, which would take that bracket off again
            name = _organ(m.group("agency")) if "agency" in m.groupdict() else ""
            if agency is None and name and not _self_reference(name):
                agency = name
            if year is None and m.groupdict().get("year"):
                year = int(m.group("year"))
        if agency and year:
            break
    if agency is None:
        for pattern in _patterns("text_patterns"):
            for line in lines[:40]:
                m = pattern.search(line.strip())
                if m and not _self_reference(m.group("agency")):
                    agency = m.group("agency")
                    break
            if agency:
                break
    by_contact = False
    if agency is None:
        division = _first_match("division_patterns", lines[:40])
        contact = _first_match("contact_patterns", lines, whole=False)
        if contact:
            contact = _organ_of_office(_government_of_office(contact, lines))
        if division and not (contact and _GOVERNMENT_OF.search(contact) and division in contact):
            agency = division
        elif contact:
            agency, by_contact = contact, True
    return (_unabbreviated(agency, lines) if agency else None), year, by_contact


_GOVERNMENT_OF = re.compile(r"人民政府$")


def _first_match(key: str, lines: list[str], whole: bool = True) -> str | None:
    """The ``agency`` group of the first line a pattern of ``key`` matches, patterns in order."""
    for pattern in _patterns(key):
        for line in lines:
            m = pattern.search(line.strip() if whole else line)
            if m and not _self_reference(m.group("agency")):
                return m.group("agency")
    return None


_OFFICE = re.compile(r"(人民政府)(办公室|办公厅)$")
_AS_DIVISION = re.compile(r"[我全](?:区|县|市|省|州|旗)(?![委政])")
_AS_OFFICE = re.compile(r"[我本]办|本机关|(?:政府)?办公[室厅]")


def _government_of_office(contact: str, lines: list[str]) -> str:
    """The organ a report names for questions is, for a people's government's own report, the
    government's office (「请与石家庄市长安区人民政府办公室联系」): when the report speaks as the
    division (「我区」「全区共受理」) and not as the office, the agency is the government."""
    m = _OFFICE.search(contact)
    if not m:
        return contact
    text = "".join(lines)
    body = text.replace(contact, "")
    if len(_AS_DIVISION.findall(body)) > len(_AS_OFFICE.findall(body)):
        return contact[: m.end(1)]
    return contact


# a bureau's or commission's own office (「池州市林业局办公室」「某局政务公开办公室」): it answers questions on
# the bureau's report and publishes none of its own. A people's government's office is an organ (not here).
_INTERNAL_OFFICE = re.compile(r"^(.+?(?:局|委员会|委|厅))[\u4e00-\u9fa5]{0,4}?办公室$")


def _organ_of_office(contact: str) -> str:
    """The organ whose internal office a report names for questions: 「池州市林业局办公室」 → 池州市林业局."""
    m = _INTERNAL_OFFICE.match(contact)
    return m.group(1) if m else contact


# the words before an organ's full name in the sentence that defines its short name
_LEAD = re.compile(r"^(?:现将|现公布|现予公布|现公开|特公布|特发布|现发布|公布了?|将|由|对|是)")


def _unabbreviated(agency: str, lines: list[str]) -> str:
    """The full name a report gives for the short name it then uses: 「武汉东湖新技术开发区发展改革局
    (以下简称发改局)」 → the former, where 「发改局」 is what the first words of 一 call it."""
    defined = re.compile(rf"([^\s，。,；;：:《》“”、()（）]{{2,40}}?)[（(]以下简称[“\"]?{re.escape(agency)}[”\"]?[)）]")
    for line in lines:
        m = defined.search(line)
        if m:
            full = _LEAD.sub("", m.group(1))
            return full if len(full) > len(agency) else agency
    return agency


def period_year(lines: list[str]) -> int | None:
    """The report year the statistical period names (「统计期限为2022年1月1日至…」)."""
    for pattern in _patterns("period_patterns"):
        for line in lines:
            m = pattern.search(line)
            if m:
                return int(m.group("year"))
    return None


_ANY_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")


def usual_year(lines: list[str]) -> int | None:
    """The year the text names most often (the report year, in a report's own words): the last
    resort when neither title, opening nor statistical period says it."""
    counts: dict[int, int] = {}
    for line in lines:
        for m in _ANY_YEAR.finditer(line):
            y = int(m.group(1))
            counts[y] = counts.get(y, 0) + 1
    if not counts:
        return None
    best = max(counts.values())
    return min(y for y, n in counts.items() if n == best)


def self_reference_kind(lines: list[str]) -> str | None:
    """The kind of agency the text calls itself (「我镇」 → township), when it does so one way."""
    refs = formats()["self_references"]
    text = "".join(lines)
    found = {kind for kind, words in refs.items() if any(w in text for w in words)}
    return found.pop() if len(found) == 1 else None


_ORGAN_END = re.compile(r"(局|委员会|委|办公室|办|厅|部|署|中心|院|政府|镇|乡|街道办事处|街道|管委会|处)$")


def signature_agency(lines: list[str]) -> str | None:
    """The organ named on the line before a signature's date (the report's last lines)."""
    for k in range(len(lines) - 1, 0, -1):
        if signature_date(lines[k]):
            name = lines[k - 1].strip()
            if 2 <= len(name) <= 30 and _ORGAN_END.search(name) and not any(ch in name for ch in "，。,:：;；"):
                return name
            return None
    return None
