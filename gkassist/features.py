"""Text features: what rules read off the prose besides its length.

A rule file declares features (``features:``) of five kinds — ``keywords`` (how often words occur),
``pattern`` (a regex, with NUM, YEAR, NEXT_YEAR, PREV_YEAR and SLOT filled in), ``number`` (the number
a regex's group ``n`` captures first), ``enumeration`` (a list 「一是…三是」 that skips a number) and
``similarity`` (the share of sentences copied from last year's text) — and claims (``claims:``),
numbers the prose states about the tables (rule T3). This module computes them for one text;
:mod:`gkassist.facts` puts them into facts.

Regexes read the text in its *reading form* (:func:`reading_form`): published text comes with spaces
around numbers (every PDF conversion prints 「申请 1296 件」), half-width or full-width punctuation
and thousands separators, and a rule should not have to spell each variant. NUM matches a whole run
of digits or numerals and never gives any of it back, so a long run of digits costs one pass.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from gkassist import similarity
from gkassist.expressions import Lin
from gkassist.phrases import say
from gkassist.text import NUMERALS, ORDINAL, SLOT, compact, nfkc, numeral, parse_int
from gkassist.vocabulary import LARGEST_VALUE

# a whole number: a run of digits or of numerals, taken whole (possessive: it never backtracks, and
# the look-behind starts it only at the beginning of a run)
_DIGITS = "0-9０-９"
_CN_DIGITS = f"零〇两{NUMERALS}百千万"
_NUM = rf"(?:(?<![{_DIGITS}])[{_DIGITS}]++|(?<![{_CN_DIGITS}])[{_CN_DIGITS}]++)"
_NEVER = r"(?!x)x"

# the reading form: no horizontal white space, Chinese punctuation, no thousands separators
_HSPACE = re.compile(r"[^\S\n]+")
_THOUSANDS = re.compile(r"(?<=[0-9]),(?=[0-9]{3}(?![0-9]))")
_CJK_PUNCT = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"})


@lru_cache(maxsize=256)  # a report's texts are read by a dozen features each
def reading_form(text: str) -> str:
    """What feature and claim regexes read: full-width digits and letters made plain (NFKC), no
    spaces or tabs (line breaks stay), 「1,296」 → 「1296」, and the punctuation NFKC made half-width
    back in its Chinese form (「，；：（）」), so that a rule writes each phrase once."""
    text = _HSPACE.sub("", nfkc(text))
    return _THOUSANDS.sub("", text).translate(_CJK_PUNCT)


@dataclass(frozen=True)
class Feature:
    name: str
    kind: str
    params: Mapping[str, Any]
    file: str


@dataclass(frozen=True)
class Claim:
    name: str
    value: Lin
    patterns: tuple[str, ...]  # regexes as written (NUM, YEAR … expanded per report year)
    file: str
    also: Lin | None = None  # another table value the prose may mean (a total with the carried-over)


_REGEX_SPACE = re.compile(r"\s+")


def expand_pattern(regex: str, year: int | None) -> str:
    """A feature/claim regex with NUM, YEAR, NEXT_YEAR, PREV_YEAR and SLOT filled in (an unknown
    year matches nothing). White space in it is dropped: the reading form it is matched against has
    none, so a rule file may fold a long regex over several lines."""
    out = _REGEX_SPACE.sub("", regex)
    out = out.replace("NEXT_YEAR", str(year + 1) if year else _NEVER)
    out = out.replace("PREV_YEAR", str(year - 1) if year else _NEVER)
    out = out.replace("YEAR", str(year) if year else _NEVER)
    return out.replace("NUM", _NUM).replace("SLOT", SLOT)


def said_number(match: re.Match) -> int | None:
    """The number a claim's match states: its group ``n``, plus ``n2``, ``n3`` … when the sentence
    states several that together make the figure (「复议7件，诉讼9件，均获维持」); 0 for a ``zero``
    match (「未收到…申请」); None when a group holds no number."""
    groups = match.groupdict()
    if groups.get("n") is None:
        return 0 if groups.get("zero") is not None else None
    total = 0
    for name, text in groups.items():
        if text is None or not (name == "n" or (name[0] == "n" and name[1:].isdigit())):
            continue
        value = parse_int(text)
        if value is None:
            return None
        total += value
    # a figure beyond what a fact may hold is no claim the rules can compare (vocabulary.LARGEST_VALUE)
    return total if total <= LARGEST_VALUE else None


_ENUM_SERIES = (
    ("是", re.compile(rf"({ORDINAL})是")),
    ("（）", re.compile(rf"[（(]({ORDINAL})[）)]")),
    ("（1）", re.compile(r"[（(](\d{1,2})[）)]")),
    ("1.", re.compile(r"(?:^|(?<=[\n。；;：:]))\s*(\d{1,2})[.、．](?!\d)")),
)


class Break(NamedTuple):
    """Where a list skips a number (``before`` → ``found``) or starts late (``before`` 0)."""

    style: str  # "是" (一是), "（）" (（一）), "（1）", "1."
    before: int
    found: int

    def marker(self, n: int) -> str:
        cn = numeral(n) if self.style in ("是", "（）") else str(n)
        return {"是": f"{cn}是", "（）": f"（{cn}）", "（1）": f"（{n}）", "1.": f"{n}."}[self.style]

    def describe(self) -> str:
        """The break in words (``prompts/checks.yaml``), as rule T8's message quotes it."""
        if self.before == 0:
            return say("checks", "enumeration_starts_late", found=self.marker(self.found), first=self.marker(1))
        return say("checks", "enumeration_skips", before=self.marker(self.before), found=self.marker(self.found),
                   missing=self.marker(self.before + 1))


def enumeration_breaks(text: str) -> list[Break]:
    """Where a 「一是…二是」-style list skips or starts late, in the order of the list styles."""
    breaks: list[Break] = []
    for kind, rx in _ENUM_SERIES:
        prev = 0
        for m in rx.finditer(text):
            n = parse_int(m[1])
            if n is None or n == 0:
                continue
            if n == 1 or n == prev + 1:
                prev = n
                continue
            if n == prev:  # the same marker twice, e.g. a quoted list: not a gap
                continue
            breaks.append(Break(kind, prev, n))
            prev = n
    return breaks


class FeatureCache:
    """Text features computed once per (text, feature, year, last year's text).

    A Validator keeps one, so that re-checking after one changed answer does not rerun every
    regex and similarity over unchanged prose. Bounded: cleared when it grows past ``limit``.
    """

    def __init__(self, limit: int = 4096) -> None:
        self.limit = limit
        self._data: dict[tuple, tuple[int | None, dict[str, Any]]] = {}

    def cache_clear(self) -> None:
        """Forget every feature (named as ``functools.lru_cache``'s, so that one call empties either)."""
        self._data.clear()

    def claims(self, claims: list[Claim], text: str, year: int | None) -> list[tuple[int, int, int, str]]:
        """(start, claim index, number said, matched text) of every claim found in a text."""
        key = ("claims", id(claims), text, year)
        hit = self._data.get(key)
        if hit is None:
            if len(self._data) >= self.limit:
                self._data.clear()
            hit = self._data[key] = find_claims(claims, text, year)  # type: ignore[assignment]
        return hit  # type: ignore[return-value]

    def get(self, feature: Feature, text: str, year: int | None, previous: str | None) -> tuple[int | None, dict]:
        key = (feature.name, text, year, previous if feature.kind == "similarity" else None)
        hit = self._data.get(key)
        if hit is None:
            if len(self._data) >= self.limit:
                self._data.clear()
            hit = self._data[key] = compute_feature(feature, text, year, previous)
        return hit


def find_claims(claims: list[Claim], text: str, year: int | None) -> list[tuple[int, int, int, str]]:
    """Numbers the prose states about the tables (rule T3), read in the reading form.

    Claims are tried in the order written: a place of the text (the span of a match) belongs to
    the first claim that matches it, so 「予以公开及部分公开258件」 is one claim about both rows, not
    also one about 部分公开 alone.
    """
    text = reading_form(text)
    out: list[tuple[int, int, int, str]] = []
    # the places taken, disjoint and in text order (starts and ends both sorted): a match can only
    # overlap its neighbours there, so a prose of many claims is read in n log n, not n²
    starts: list[int] = []
    ends: list[int] = []
    for k, claim in enumerate(claims):
        for pattern in claim.patterns:
            for m in _compiled(pattern, year).finditer(text):
                start, end = m.span()
                i = bisect.bisect_right(starts, start)
                if (i > 0 and ends[i - 1] > start) or (i < len(starts) and starts[i] < end):
                    continue
                said = said_number(m)
                if said is None:
                    continue
                starts.insert(i, start)
                ends.insert(i, end)
                out.append((start, k, said, m[0]))
    return sorted(out)


def compute_feature(feature: Feature, text: str, year: int | None, previous: str | None) -> tuple[int | None, dict]:
    """(value, message details) of one feature of one text; value None = no value (rule silent)."""
    name, params = feature.name, feature.params
    if feature.kind == "keywords":
        norm = compact_cached(text)
        return sum(norm.count(w) for w in _words(feature)), {}
    if feature.kind == "pattern":
        rx = _compiled(params["regex"], year)
        matches = list(rx.finditer(reading_form(text)))
        return len(matches), {f"{name}_text": matches[0][0] if matches else ""}
    if feature.kind == "number":
        for m in _compiled(params["regex"], year).finditer(reading_form(text)):
            value = said_number(m)
            if value is not None:
                return value, {f"{name}_text": m[0]}
        return None, {f"{name}_text": ""}
    if feature.kind == "enumeration":
        breaks = enumeration_breaks(text)
        return len(breaks), {f"{name}_text": say("checks", "separator").join(b.describe() for b in breaks)}
    if feature.kind == "similarity":
        if previous is None or not previous.strip() or not text.strip():
            return None, {}
        share, matches = similarity.copied_share(text, previous, threshold=float(params.get("threshold", similarity.DEFAULT_THRESHOLD)))
        quoted = say("checks", "separator").join(say("checks", "copied_sentence", sentence=m.sentence) for m in matches)
        return share, {f"{name}_text": quoted, f"{name}_count": len(matches)}
    raise ValueError(f"unknown feature kind {feature.kind}")


# a report's texts are read by several keyword features, and their length (gkassist.facts) too
compact_cached = lru_cache(maxsize=256)(compact)


_WORDS: dict[tuple[str, ...], tuple[str, ...]] = {}


def _words(feature: Feature) -> tuple[str, ...]:
    """A keywords feature's words in the compact form (once per list of words)."""
    key = tuple(feature.params["words"])
    words = _WORDS.get(key)
    if words is None:
        if len(_WORDS) > 512:
            _WORDS.clear()
        words = _WORDS[key] = tuple(compact(w) for w in key)
    return words


_PATTERN_CACHE: dict[tuple[str, int | None], re.Pattern] = {}


def _compiled(regex: str, year: int | None) -> re.Pattern:
    key = (regex, year)
    rx = _PATTERN_CACHE.get(key)
    if rx is None:
        if len(_PATTERN_CACHE) > 512:
            _PATTERN_CACHE.clear()
        rx = _PATTERN_CACHE[key] = re.compile(expand_pattern(regex, year))
    return rx

