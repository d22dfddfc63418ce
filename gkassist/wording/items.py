"""Section 五 as prose ↔ its items: split a written (or imported) 五 into problems and measures.

Published reports enumerate in several styles — 「一是…二是…」, 「1.」「2.」, 「（一）」「（二）」,
「（1）」, 「第一，」 — and often use one style for sub-headings and another for items (the sample:
「（一）存在的问题 … 一是…二是… （二）改进措施 1.…2.…」). So the text is first cut into its
parts (problems, measures, rectification, other) by sub-headings or by the transition sentence
(「下一步」「针对上述问题」), and each part is then split into items by the enumeration style that
forms the longest run 1, 2, 3 … in it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from gkassist.headings import field_of_heading, transition_at
from gkassist.text import CLAUSE_PUNCT, NUMERALS, ORDINAL, numeral, parse_int

# A marker counts only at the start of the text, of a line, or after punctuation (「统一是」 is no marker).
_BOUNDARY = rf"(?:^|(?<=[\s{CLAUSE_PUNCT}]))"
_FAMILIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("是", re.compile(_BOUNDARY + rf"({ORDINAL})是")),
    ("（一）", re.compile(_BOUNDARY + rf"[（(]({ORDINAL})[）)]")),
    ("（1）", re.compile(_BOUNDARY + r"[（(](\d{1,2})[）)]")),
    ("1.", re.compile(_BOUNDARY + r"(\d{1,2})\s*[.．、](?!\d)")),
    ("第一", re.compile(_BOUNDARY + rf"第({ORDINAL})[，,、：:]")),
)

# sub-headings of 五 and what they head
_HEADING = re.compile(
    rf"(?:^|(?<=[\n。；;]))\s*[（(]([{NUMERALS}])[）)]\s*([^\n。；;：:（(]{{2,24}}?)\s*(?:[：:。]|\n|$)"
)
# the parts, by the field each sub-heading heads (the heading words are gkassist/headings.yaml's)
_PARTS = {"problems": "problems", "measures": "measures", "rectification": "rectification", "other_matters": "other"}
# what may end a sentence: a 五 whose text stops on anything else was cut off (see cut_off)
_SENTENCE_END = "。；;！!？?.…”’\"'）)】」』"


@dataclass(frozen=True)
class Section5Parts:
    """Section 五 cut into its parts, each split into items (text as written, markers removed)."""

    problems: list[str] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)
    rectification: list[str] = field(default_factory=list)
    problems_text: str = ""
    measures_text: str = ""
    rectification_text: str = ""
    other_text: str = ""


def _longest_run(text: str) -> list[re.Match[str]]:
    """The markers of the enumeration style with the longest run 1, 2, 3 … in ``text``."""
    best: list[re.Match[str]] = []
    for _name, rx in _FAMILIES:
        run: list[re.Match[str]] = []
        candidate: list[re.Match[str]] = []
        for m in rx.finditer(text):
            n = parse_int(m.group(1))
            if n == 1 and len(candidate) <= 1:
                candidate = [m]  # (re)start: a run that has not got past 「一」 yet
            elif candidate and n == len(candidate) + 1:
                candidate.append(m)
            if len(candidate) > len(run):
                run = list(candidate)
        if len(run) > len(best) or (len(run) == len(best) and run and best and run[0].start() < best[0].start()):
            best = run
    return best


def clean_item(text: str) -> str:
    """An item without surrounding space or closing punctuation (whoever joins items punctuates)."""
    return text.strip().rstrip("。；;，,、.").strip()


def split_items(text: str) -> list[str]:
    """The enumerated items of one part of 五 (the words before the first marker are dropped).

    Without an enumeration, the whole text is one item (minus an opening sentence ending in 「：」).
    """
    text = (text or "").strip()
    if not text:
        return []
    run = _longest_run(text)
    if len(run) < 2:
        if run:  # a lone 「一是」: the item starts there
            return [clean_item(text[run[0].end():])] if clean_item(text[run[0].end():]) else []
        body = re.sub(r"^[^。：:]*[：:]\s*", "", text, count=1) if re.search(r"^[^。]*[：:]", text) else text
        return [clean_item(body)] if clean_item(body) else []
    items = []
    for i, m in enumerate(run):
        end = run[i + 1].start() if i + 1 < len(run) else len(text)
        item = clean_item(text[m.end():end])
        if item:
            items.append(item)
    return items


def _part_of(heading: str) -> str | None:
    fid = field_of_heading(heading, tuple(_PARTS))
    return _PARTS[fid] if fid is not None else None


def split_section5(text: str) -> Section5Parts:
    """Section 五 (as published, or the user's prose) → problems, measures and rectification items."""
    text = (text or "").strip()
    if not text:
        return Section5Parts()
    parts: dict[str, list[str]] = {"problems": [], "measures": [], "rectification": [], "other": []}
    headings = [(m, _part_of(m.group(2))) for m in _HEADING.finditer(text)]
    headings = [(m, p) for m, p in headings if p is not None]
    if len(headings) >= 2 or (headings and headings[0][0].start() == 0):
        lead = text[: headings[0][0].start()].strip()
        if lead:
            parts["problems"].append(lead)
        for i, (m, part) in enumerate(headings):
            end = headings[i + 1][0].start() if i + 1 < len(headings) else len(text)
            parts[part].append(text[m.end():end].strip())
    else:
        start = transition_at(text)  # the sentence that turns from problems to measures
        if start is not None:
            parts["problems"].append(text[:start].strip())
            parts["measures"].append(text[start:].strip())
        else:
            parts["problems"].append(text)
    joined = {k: "\n".join(v for v in vs if v) for k, vs in parts.items()}
    return Section5Parts(
        problems=split_items(joined["problems"]),
        measures=split_items(joined["measures"]),
        rectification=split_items(joined["rectification"]),
        problems_text=joined["problems"],
        measures_text=joined["measures"],
        rectification_text=joined["rectification"],
        other_text=joined["other"],
    )


def cut_off(problems: str, measures: str = "") -> bool:
    """Does 五 stop in the middle of a sentence (a page that cuts it off, a measure half typed)?
    Then the measures seen so far are not all there are."""
    text = (measures if measures.strip() else problems).rstrip()
    return bool(text) and text[-1] not in _SENTENCE_END


def problem_items(problems: str, measures: str = "") -> list[str]:
    """Problem items from the 「存在的主要问题」 answer (which an import may have filled with all of 五)."""
    return list(_items(problems, measures)[0])


def measure_items(problems: str, measures: str = "") -> list[str]:
    """Measure items from the 「改进措施」 answer, or from the part of 「存在的主要问题」 that holds them."""
    return list(_items(problems, measures)[1])


@lru_cache(maxsize=64)
def _items(problems: str, measures: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(problem items, measure items) of 五, split once: checking one report asks for them several
    times (the counts, the pairing of problems with measures, whether T4 can judge), and splitting
    runs every enumeration style's regex over the text."""
    if measures.strip():
        return tuple(split_items(split_section5(problems).problems_text or problems)), tuple(split_items(measures))
    parts = split_section5(problems)
    return tuple(parts.problems), tuple(parts.measures)


# clauses that only set the scene: a year, thanks, achievements, 「但仍存在……不足」
_LEAD_IN = re.compile(
    r"^(?:\d{4}\s*年度?|.*(?:取得|成绩|成效|进展)[^，,。]*|(?:但|但是)?(?:仍|还)?(?:存在|有)着?(?:一些|以下|一定的?)?"
    r"(?:问题|不足|短板|差距)(?:和(?:问题|不足|短板|差距))?|.*(?:指导|支持|配合)[^，,。]*下)$"
)


# a clause that tells what a problem leads to (「…更新不及时，影响公开效果」) restates no other problem
_CONSEQUENCE = re.compile(r"^(?:从而|进而|以致|以至于?)?(?:影响|导致|造成|致使|使得|不利于|难以|无法满足|不能满足)")


def problem_points(item: str) -> list[str]:
    """The clauses of a problem item that make its point: scene-setting clauses in front dropped
    (a year, achievements, 「但仍存在一些不足」), and a first clause too short to say anything
    (「当前，」) joined to the next."""
    text = re.sub(r"\s+", "", clean_item(item))  # line breaks of a PDF's lines are no spaces
    # a heading-style item 「强化审核：……」 is its own title
    clauses = [c.strip() for c in re.split(f"[{CLAUSE_PUNCT}]", text) if c.strip()]
    # 「2020年，在……指导下，……取得了一些成绩，但仍存在一些不足，如……有待提升」: the point is at the end
    while len(clauses) > 1 and _LEAD_IN.match(clauses[0]):
        clauses.pop(0)
    if clauses:  # 「…不足，如信息更新不及时」: the example marker is no part of the point
        clauses[0] = re.sub(r"^(?:例如|比如|如)(?!何|期|实)(?=.{4})", "", clauses[0])
    if len(clauses) > 1 and len(clauses[0]) < 4:
        clauses[:2] = [f"{clauses[0]}，{clauses[1]}"]
    return clauses


def problem_title(item: str, limit: int = 30, *, names_a_problem: Callable[[str, list[str]], bool] | None = None) -> str:
    """A short restatement of a problem (its first clause), for 「关于“…”的问题」.

    With ``names_a_problem(clause, kept)``, a later clause is kept too when it names another problem
    than the clauses kept before it (and the title stays within ``limit``): a pasted line
    「内容不够全面，部分栏目更新不及时」 is one item making two points, and a paragraph that named only the
    first would tell the reader that the second was never looked at."""
    clauses = problem_points(item)
    if not clauses:
        return ""
    kept = [clauses[0]]
    if names_a_problem is not None:
        for clause in clauses[1:]:
            if len("，".join([*kept, clause])) > limit:
                break
            if not _CONSEQUENCE.match(clause) and names_a_problem(clause, kept):
                kept.append(clause)
    title = "，".join(kept)
    if len(title) > limit:
        title = title[:limit] + "……"
    return title


def ordinal(n: int) -> str:
    """1 → 一是, 12 → 十二是 (the enumeration reviewers expect in 五)."""
    return f"{numeral(n)}是"
