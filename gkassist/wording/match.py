"""Matching what the user types against the wording bank (rapidfuzz, character level).

Chinese has no spaces, so rapidfuzz's token scorers (which split on white space) see one token per
sentence; the scoring here works on characters. For each phrasing and each
category keyword ("choice") the surface similarity is the best of

- ``partial_ratio``: a short fragment inside a longer phrase, or a keyword inside a long
  sentence — the signal while the user is still typing;
- ``ratio``: two whole sentences of similar length;
- ``token_set_ratio`` over character *bigrams*: the same words in another order
  (「不及时更新」 vs 「更新不及时」);

damped when the shorter side has only two to four characters (a two-character overlap proves
little). Surface similarity alone ranks badly, because most of the characters of any item are
the same few words (信息, 公开, 工作, 进一步): so it is scaled by *specificity*, the share of the
distinctive bigrams (weighted by inverse category frequency) that both sides share.

Each category's ``keywords`` (the colloquial ways officers write a problem) count for every
phrasing of the category, so that 「人员兼职」 finds 队伍与专业能力 although no phrasing says it in
those words; the phrasing's own score only orders the phrasings within the category.

The constants below were calibrated on typed fragments and on the items of real reports'
section 五 (tests/test_wording_match.py): correct categories score 40–100, unrelated text 0–50.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz, process

from gkassist.text import CLAUSE_PUNCT
from gkassist.wording.bank import Bank, Category, Phrasing, _check_kind, get_bank
from gkassist.wording.normalise import bigrams, normalise

# Suggestions below this score are not shown.
SUGGEST_CUTOFF = 40.0
# A suggestion must also reach this share of the best one (drops a weak tail under a clear match).
RELATIVE_CUTOFF = 0.5
# classify() labels a finished item, and a wrong label makes a wrong T4 fact: stricter.
CLASSIFY_CUTOFF = 50.0
# ... and reach this share of the item's best category (an item usually makes one or two points).
CLASSIFY_RELATIVE = 0.6
# Text matching more than this share of the categories about equally well (within 10 % of the
# best) is too general to suggest anything yet (「政府信息公开」, 「信息」).
GENERIC_SHARE = 0.4
# Fewer normalised characters than this: nothing to match yet.
MIN_QUERY = 2
# A match on generic words only keeps this share of its surface score.
SPECIFIC_FLOOR = 0.5
# Words every section 五 uses whatever it is about. The bank is too small for category frequency
# to learn that on its own (「政府信息公开」 occurs in only a few categories' phrasings).
GENERIC_WORDS = (
    "政府信息公开 政务公开工作 信息公开工作 公开工作 本年度 全年 部分 存在 进一步 加强 有待 问题 情况 相关 开展 推进 提高 提升 "
    "做好 我局 本机关 机关 单位 要求 方面 方式 工作人员 及时"
)
GENERIC_BIGRAMS = frozenset(w[i : i + 2] for w in GENERIC_WORDS.split() for i in range(len(w) - 1))

_CLAUSE_SPLIT = re.compile(f"[{CLAUSE_PUNCT}\n]+")


@dataclass(frozen=True)
class Suggestion:
    """One standard phrasing offered for what the user typed."""

    category: str  # category id (timeliness)
    label: str  # category label (信息发布时效性)
    kind: str  # "problem" | "measure"
    text: str  # the phrasing with its slots in braces
    slots: tuple[str, ...]  # slots the user must fill, in order
    hints: dict[str, str]  # slot -> short hint
    key: str  # stable reference to the phrasing (timeliness/2)
    score: float  # 0–100, higher is closer

    @classmethod
    def of(cls, phrasing: Phrasing, category: Category, score: float) -> Suggestion:
        return cls(
            category=category.id, label=category.label, kind=category.kind, text=phrasing.text,
            slots=phrasing.slots, hints=dict(phrasing.hints), key=phrasing.key, score=round(score, 1),
        )


@dataclass(frozen=True)
class CategoryMatch:
    """A category a written item belongs to, with how close the match is (0–100)."""

    category: str
    label: str
    kind: str
    score: float


def _gramset(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} if len(text) > 1 else {text}


def _damp(n: int) -> float:
    """Trust in a match whose shorter side has ``n`` characters: 2 → 0.55, 3 → 0.7, 4 → 0.85, 5+ → 1."""
    return min(1.0, 0.25 + 0.15 * n)


@dataclass
class _Scores:
    """Scores of one text, kept only for choices that reached the cut-off (sparse: banks can be big)."""

    choice: dict[int, float]  # choice index -> score
    best: dict[int, float]  # category index -> its best choice
    support: dict[int, float]  # category index -> mean of its three best choices (breaks ties of best)

    def merge(self, other: _Scores) -> None:
        for mine, theirs in ((self.choice, other.choice), (self.best, other.best), (self.support, other.support)):
            for i, v in theirs.items():
                if v > mine.get(i, 0.0):
                    mine[i] = v


class _Index:
    """The normalised choices of one kind (every phrasing and every keyword) and their owners."""

    def __init__(self, categories: Sequence[Category]) -> None:
        self.categories = list(categories)
        self.texts: list[str] = []
        self.grams: list[str] = []
        self.gramsets: list[set[str]] = []
        self.owner: list[int] = []  # index into self.categories
        self.phrasing: list[int] = []  # index of the phrasing in its category; -1 for a keyword
        for ci, cat in enumerate(self.categories):
            for p in cat.phrasings:
                self._add(normalise(p.text), ci, p.index)
            for kw in cat.keywords:
                self._add(normalise(kw), ci, -1)
        # Inverse category frequency of each bigram: 「兼职」 occurs in one category and says a lot.
        df: dict[str, int] = {}
        per_cat: list[set[str]] = [set() for _ in self.categories]
        for ci, gs in zip(self.owner, self.gramsets, strict=True):
            per_cat[ci] |= gs
        for gs in per_cat:
            for g in gs:
                df[g] = df.get(g, 0) + 1
        n = max(1, len(self.categories))
        generic = math.log((n + 1) / n)
        self.weight = {g: generic if g in GENERIC_BIGRAMS else math.log((n + 1) / d) for g, d in df.items()}
        # words the bank does not know cannot be matched, but they still make the text less specific
        self.unknown_weight = math.log(n + 1)
        # the least evidence that counts as specific: one bigram found in two categories
        self.min_mass = math.log((n + 1) / 2)
        self.mass = [sum(self.weight[g] for g in gs) for gs in self.gramsets]
        self.phrasing_choices: list[list[int]] = [[] for _ in self.categories]
        for i, (ci, pi) in enumerate(zip(self.owner, self.phrasing, strict=True)):
            if pi >= 0:
                self.phrasing_choices[ci].append(i)

    def _add(self, text: str, ci: int, pi: int) -> None:
        if not text:
            return
        self.texts.append(text)
        self.grams.append(bigrams(text))
        self.gramsets.append(_gramset(text))
        self.owner.append(ci)
        self.phrasing.append(pi)

    def specificity(self, query: str, candidates: Iterable[int]) -> dict[int, float]:
        """Per candidate choice: the share of the shorter side's distinctive bigram weight found in both."""
        qs = _gramset(query)
        qmass = sum(self.weight.get(g, self.unknown_weight) for g in qs)
        out: dict[int, float] = {}
        for i in candidates:
            shared = sum(self.weight[g] for g in qs & self.gramsets[i])
            out[i] = min(1.0, shared / max(min(qmass, self.mass[i]), self.min_mass)) if shared else 0.0
        return out

    def scores(self, query: str, cutoff: float = 0.0) -> _Scores:
        """Scores of ``query`` (normalised) for the choices that can reach ``cutoff``.

        The final score never exceeds the surface score (damping and specificity only lower it),
        so each rapidfuzz scorer gets ``cutoff`` and the C loop skips everything below it: only
        candidates come back to Python. That is what keeps a bank of 10,000 phrasings usable.
        """
        surface: dict[int, float] = {}

        def take(found: Iterable[tuple[str, float, int]]) -> None:
            for _, score, i in found:
                if score > surface.get(i, 0.0):
                    surface[i] = score

        take(process.extract_iter(query, self.texts, scorer=fuzz.partial_ratio, score_cutoff=cutoff))
        take(process.extract_iter(query, self.texts, scorer=fuzz.ratio, score_cutoff=cutoff))
        if len(query) >= 3 and surface:
            # token_set_ratio is the slowest scorer by far; it only re-scores the candidates of the
            # other two (text in another word order shares enough characters to be one of them)
            grams = {i: self.grams[i] for i in surface}
            take(process.extract_iter(bigrams(query), grams, scorer=fuzz.token_set_ratio, score_cutoff=cutoff))
        spec = self.specificity(query, surface)
        lq = len(query)
        choice: dict[int, float] = {}
        tops: dict[int, list[float]] = {}
        for i, sf in surface.items():
            score = sf * _damp(min(lq, len(self.texts[i]))) * (SPECIFIC_FLOOR + (1 - SPECIFIC_FLOOR) * spec[i])
            if score >= cutoff:
                choice[i] = score
                tops.setdefault(self.owner[i], []).append(score)
        best = {ci: max(t) for ci, t in tops.items()}
        support = {ci: sum(sorted(t, reverse=True)[:3]) / 3 for ci, t in tops.items()}
        return _Scores(choice, best, support)


def _parts(text: str) -> Iterator[str]:
    """The whole text and each of its clauses, normalised (a clause carries one idea)."""
    seen: set[str] = set()
    for piece in (text, *_CLAUSE_SPLIT.split(text)):
        c = normalise(piece)
        if len(c) >= MIN_QUERY and c not in seen:
            seen.add(c)
            yield c


class Matcher:
    """Suggestions and classification against one bank (built once, then cheap to query)."""

    def __init__(self, bank: Bank) -> None:
        self.bank = bank
        self._index = {kind: _Index(bank.of_kind(kind)) for kind in ("problem", "measure")}

    def _scores(self, kind: str, text: str, cutoff: float) -> tuple[_Index, _Scores | None]:
        _check_kind(kind)
        idx = self._index[kind]
        total: _Scores | None = None
        for part in _parts(text):
            s = idx.scores(part, cutoff)
            if total is None:
                total = s
            else:
                total.merge(s)
        return idx, total

    def suggest(
        self, text: str, kind: str = "problem", limit: int = 3, *, per_category: int = 1,
        cutoff: float = SUGGEST_CUTOFF,
    ) -> list[Suggestion]:
        """Phrasings closest to ``text``, best first; at most ``per_category`` from one category."""
        if limit <= 0:
            return []
        idx, sc = self._scores(kind, text, cutoff)
        if sc is None or not sc.best:
            return []
        top = max(sc.best.values())
        if sum(b >= max(cutoff, top * 0.9) for b in sc.best.values()) > len(idx.categories) * GENERIC_SHARE:
            return []
        ranked: list[tuple[float, float, float, int, int]] = []
        for ci, best in sc.best.items():
            # every phrasing of a matched category is as good an offer as the category's best
            # evidence (often a keyword); its own closeness orders it within the category
            for i in idx.phrasing_choices[ci]:
                own = sc.choice.get(i, 0.0)
                ranked.append((max(own, best), sc.support[ci], own, ci, idx.phrasing[i]))
        ranked.sort(key=lambda t: (-t[0], -t[1], -t[2], t[3], t[4]))
        floor = max(cutoff, top * RELATIVE_CUTOFF)
        out: list[Suggestion] = []
        taken: dict[int, int] = {}
        for score, _support, _own, ci, pi in ranked:
            if score < floor or len(out) >= limit:
                break
            if taken.get(ci, 0) >= per_category:
                continue
            taken[ci] = taken.get(ci, 0) + 1
            cat = idx.categories[ci]
            out.append(Suggestion.of(cat.phrasings[pi], cat, score))
        return out

    def classify(self, text: str, kind: str = "problem", *, cutoff: float = CLASSIFY_CUTOFF) -> list[CategoryMatch]:
        """Categories a whole written item belongs to, best first (several, or none).

        Each clause is judged on its own, so that an item making two points (「栏目更新不及时，
        工作人员均为兼职」) gets both categories even when one point is stated more plainly.
        """
        _check_kind(kind)
        idx = self._index[kind]
        found: dict[int, float] = {}
        for part in _parts(text):
            best = idx.scores(part, cutoff).best
            floor = max(cutoff, max(best.values(), default=0.0) * CLASSIFY_RELATIVE)
            for ci, score in best.items():
                if score >= floor and score > found.get(ci, 0.0):
                    found[ci] = score
        out = [CategoryMatch(idx.categories[ci].id, idx.categories[ci].label, kind, round(s, 1))
               for ci, s in found.items()]
        out.sort(key=lambda m: -m.score)
        return out


@cache
def default_matcher() -> Matcher:
    """The matcher over the installed bank, built once per process."""
    return Matcher(get_bank())


def suggest(text: str, kind: str = "problem", limit: int = 3) -> list[Suggestion]:
    """The closest standard phrasings for what the user has typed so far, best first."""
    return default_matcher().suggest(text, kind, limit)


def classify(text: str, kind: str = "problem") -> list[CategoryMatch]:
    """The categories of a whole written item (a problem or a measure), best first."""
    return default_matcher().classify(text, kind)
