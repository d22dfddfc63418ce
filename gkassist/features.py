"""Text features: what rules read off the prose besides its length.

A rule file declares features (``features:``) of four kinds — ``keywords`` (how often words occur),
``pattern`` (a regex, with NUM, YEAR and NEXT_YEAR filled in), ``enumeration`` (a list
「一是…三是」 that skips a number) and ``similarity`` (the share of sentences copied from last
year's text) — and claims (``claims:``), numbers the prose states about the tables (rule T3).
This module computes them for one text; :mod:`gkassist.facts` puts them into facts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from gkassist import similarity
from gkassist.expressions import Lin
from gkassist.phrases import say
from gkassist.text import NUMERALS, ORDINAL, SLOT, compact, numeral, parse_int

_NUM = rf"(?:[0-9０-９]+|[零〇两{NUMERALS}百千万]+)"
_NEVER = r"(?!x)x"


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


def expand_pattern(regex: str, year: int | None) -> str:
    """A feature/claim regex with NUM, YEAR, NEXT_YEAR and SLOT filled in."""
    out = regex.replace("NEXT_YEAR", str(year + 1) if year else _NEVER)
    out = out.replace("YEAR", str(year) if year else _NEVER)
    return out.replace("NUM", _NUM).replace("SLOT", SLOT)


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
    """Numbers the prose states about the tables (rule T3): the first claim to match a place wins."""
    out: list[tuple[int, int, int, str]] = []
    seen: set[int] = set()
    for k, claim in enumerate(claims):
        for pattern in claim.patterns:
            for m in _compiled(pattern, year).finditer(text):
                start = m.start()
                if start in seen:
                    continue
                said = parse_int(m["n"]) if m.groupdict().get("n") is not None else 0
                if said is None:
                    continue
                seen.add(start)
                out.append((start, k, said, m[0]))
    return sorted(out)


def compute_feature(feature: Feature, text: str, year: int | None, previous: str | None) -> tuple[int | None, dict]:
    """(value, message details) of one feature of one text; value None = no value (rule silent)."""
    name, params = feature.name, feature.params
    if feature.kind == "keywords":
        norm = compact(text)
        return sum(norm.count(compact(w)) for w in params["words"]), {}
    if feature.kind == "pattern":
        rx = _compiled(params["regex"], year)
        matches = list(rx.finditer(text))
        return len(matches), {f"{name}_text": matches[0][0] if matches else ""}
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


_PATTERN_CACHE: dict[tuple[str, int | None], re.Pattern] = {}


def _compiled(regex: str, year: int | None) -> re.Pattern:
    key = (regex, year)
    rx = _PATTERN_CACHE.get(key)
    if rx is None:
        if len(_PATTERN_CACHE) > 512:
            _PATTERN_CACHE.clear()
        rx = _PATTERN_CACHE[key] = re.compile(expand_pattern(regex, year))
    return rx

