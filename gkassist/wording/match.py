"""Matching what the user types (or a report says) against the wording bank.

Chinese has no spaces, so matching works on characters. What a sentence of section 五 is *about* is
carried by a few content words (「兼职」「解读」「宣传」「更新…及时」); most of its characters are the same
stock words in every item (政府信息, 进一步, 我局将, 有待, the year). So each text is first reduced to
its content: cut into clauses, normalised (``normalise``), stripped of years and of the bank's stock
words, with some words read as others (``prompts/wording/matching.yaml``). Then a category collects
evidence from

- its **keywords** (how officers write that problem or measure), found in a clause as written, with a
  few characters in between (「更新不及时」 in 「更新不够及时」), or — while typing — as a piece or the
  beginning of one: the evidence that counts;
- runs of three characters shared with its phrasings or keywords: a little more, capped so that they
  never make a match on their own (「年度目标任务全面完成」 shares 「年度目标」 with a phrasing).

Each bigram a keyword covers weighs by how few categories' keywords use it (inverse category
frequency): 「兼职」 belongs to one category and says a lot, 「公开」 to all and says nothing. A category's
score (0–100) grows with its evidence and saturates; a text is scored clause by clause, a category
keeps its best clause and later clauses count a little less, so an item making two points gets both
and the point it opens with leads. Within a category the phrasings are ordered by their own closeness
to the text (bigrams weighted by how few phrasings of the category use them), so that
「缺乏专业技术人员」 is offered the lack-of-specialists phrasing, not the category's first.

Why not rapidfuzz's scorers, as before: their similarity is about the whole string, and most of any
item's characters are stock words, so right and wrong categories scored alike (28–49 against a cut-off
of 50 on real items; docs/wording.md). Evidence from the words that mean something separates them.

The cut-offs and weights below were calibrated on the tuning part of the corpus of real 五 items
(tests/corpus/section5/, ``benchmarks/wording_corpus.py --part tune``); the held-back part is only
measured.

Speed: everything about the bank is indexed once (dicts of keywords, of their pieces and halves, of
trigrams → categories); a query costs a few dict look-ups per character, whatever the bank's size,
plus the phrasings of the few categories that are offered.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from gkassist.text import CLAUSE_PUNCT, nfkc
from gkassist.wording.bank import Bank, Category, Phrasing, _check_kind, get_bank, offered
from gkassist.wording.normalise import normalise
from gkassist.wording.slots import SLOT_RE

# --- the calibrated constants (tuning part of the corpus only) ----------------------------------------
# A category's evidence E (sum of bigram weights) becomes the score 100·(1 − exp(−E / SATURATION)).
SATURATION = 4.0
# Bigrams of the category's vocabulary outside a keyword hit count this share of their weight.
LOOSE_SHARE = 0.45
# ... and add up to at most this much evidence: words of a phrasing alone, with no keyword, do not
# make a match (「年度目标任务全面完成」 shares words with 「工作要点……任务……尚未全部完成」).
LOOSE_CAP = 1.4
# A keyword found with characters in between (「更新…及时」) counts this share.
GAPPED_SHARE = 0.85
# At most this many characters between the two halves of a keyword.
MAX_GAP = 4
# A clause that is only part of a keyword (「意识」 of 「公开意识不强」), or text whose end begins a
# keyword (「内容不」 while typing 「内容不够全面」), counts this share.
PARTIAL_SHARE = 0.8
# The first clause of an item states its point; each later clause counts a little less
# (「政府信息公开意识不强，……其中动态类信息占七成」 is about awareness, not work news).
LATER_CLAUSE = 0.93
LATEST_CLAUSE = 0.8
# Suggestions below this score are not shown.
SUGGEST_CUTOFF = 30.0
# A suggestion must also reach this share of the best one (drops a weak tail under a clear match).
RELATIVE_CUTOFF = 0.5
# classify() labels a finished item, and a wrong label makes a wrong T4 fact: stricter.
CLASSIFY_CUTOFF = 40.0
# ... and, within a clause, reach this share of the clause's best category.
CLASSIFY_RELATIVE = 0.6
# A category besides the item's best must also reach this score: on the tuning part, extra
# categories scoring below 70 were wrong three times out of four, above it right four times out of five.
EXTRA_CUTOFF = 70.0
# Categories whose score is at least this share of the top one are "close to it": the ones whose
# measures are proposed and checked for a problem (pairing on the top category or those close to it).
CLOSE_SHARE = 0.85
# Text matching more than this share of the categories about equally well (within 10 % of the
# best) is too general to suggest anything yet.
GENERIC_SHARE = 0.4
# Fewer content characters than this: nothing to match yet.
MIN_QUERY = 2
# A word of the bank says what an item is about when the rarest of its bigrams has at least this
# inverse category frequency among the problem categories (it is used by at most 1/e of them):
# 「拓宽」「规范」「宣传」 are, 「内容」 (11 of 28 categories) and 「及时」 are not (T4, round 10).
DISTINCTIVE_WEIGHT = 1.0

_CLAUSE_SPLIT = re.compile(f"[{CLAUSE_PUNCT}\n]+")
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年(?:度)?")
SEP = "|"  # between the pieces of a phrasing cut by a slot: no bigram spans it


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
    score: float  # 0–100, how close to the typed text; 0 for an offer from the context (``reason``)
    # why it is offered: "typed" (the typed text matches it) or, from what the assistant knows besides
    # the text (offers.typing_offers): "answers" (a measure answering problem number ``problem``),
    # "tables" (the report's tables point to it, rules W1–W6), "common" (real reports name it often)
    reason: str = "typed"
    problem: int = 0  # for reason "answers": the problem it answers, numbered from 1

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


def _score(evidence: float) -> float:
    return 100.0 * (1.0 - math.exp(-evidence / SATURATION))


class Stock:
    """The bank's stock words (matching.yaml), removed before matching, and the words it reads
    as others (「缺乏」 as 「缺少」)."""

    def __init__(self, words: Iterable[str], same: Iterable[tuple[str, str]] = (),
                 concessive: Iterable[str] = (),
                 frames: tuple[Iterable[str], Iterable[str]] = ((), ())) -> None:
        # normalised like the texts, longest first so that 「政府政务信息」 goes before 「政务信息」
        norm = sorted({normalise(w) for w in words if normalise(w)}, key=lambda w: (-len(w), w))
        self._re = re.compile("|".join(map(re.escape, norm))) if norm else None
        self._same = {normalise(a): normalise(b) for a, b in same if normalise(a)}
        order = sorted(self._same, key=lambda w: (-len(w), w))
        self._same_re = re.compile("|".join(map(re.escape, order))) if order else None
        # the beginnings of stock words: what the end of a text being typed may be (「政府信」)
        self._starts = {w[:i] for w in norm for i in range(1, len(w))}
        self._longest = max((len(w) for w in norm), default=0)
        self._concessive = tuple(c for c in (normalise(w) for w in concessive) if c)
        opens, ends = frames
        self._frame_opens = tuple(c for c in (normalise(w) for w in opens) if c)
        self._frame_ends = tuple(c for c in (normalise(w) for w in ends) if c)

    def _aside(self, norm: str) -> bool:
        """Whether a clause is beside the point: it concedes what went well (「虽然……」) or only
        names whose requirements are followed (「我镇将继续按照县政务公开办公室的要求」)."""
        if self._concessive and norm.startswith(self._concessive):
            return True
        return (bool(self._frame_ends) and norm.endswith(self._frame_ends)
                and any(o in norm for o in self._frame_opens))

    def strip(self, text: str) -> str:
        """``text`` (normalised) without stock words, and with the same word for the same thing."""
        if self._re is not None:
            text = self._re.sub("", text)
        if self._same_re is not None:
            text = self._same_re.sub(lambda m: self._same[m.group(0)], text)
        return text

    def clauses(self, text: str, typing: bool = False) -> list[str]:
        """The content of each clause of ``text``: normalised, without years and stock words.

        ``typing``: the text is being typed, so it may end in the first characters of a stock
        word (「进一步拓展政府信」): they go too.
        """
        out = []
        conceded = []
        for piece in _CLAUSE_SPLIT.split(_YEAR.sub("", nfkc(text))):
            norm = normalise(piece)
            c = self.strip(norm)
            if c:
                out.append(c)
                conceded.append(self._aside(norm))
        if any(conceded) and not all(conceded):
            # 「虽然今年公开内容增加了许多，但……」: what went well is not the point, nor whose
            # requirements are followed
            out = [c for c, skip in zip(out, conceded, strict=True) if not skip]
        if typing and out:
            last = out[-1]
            for n in range(min(len(last), self._longest), 0, -1):
                if last[-n:] in self._starts:
                    out[-1] = last[:-n]
                    break
            if not out[-1]:
                out.pop()
        return out

    def pieces(self, phrasing: str) -> str:
        """A phrasing's content with ``SEP`` where a slot or a clause break cut it."""
        parts = []
        for piece in SLOT_RE.split(phrasing)[::2]:  # (the odd pieces are the slots' names)
            parts.extend(self.clauses(piece))
        return SEP.join(parts)


def _bigrams(text: str) -> list[str]:
    """Bigrams of ``text`` (``SEP``-separated pieces), in order, repeats kept."""
    return [text[i : i + 2] for i in range(len(text) - 1) if SEP not in text[i : i + 2]]


@dataclass
class _Clause:
    """The evidence one clause gives each category."""

    evidence: dict[int, float] = field(default_factory=dict)  # category index -> E
    keyword: dict[int, float] = field(default_factory=dict)  # category index -> E from keyword hits only


class _Index:
    """One kind's categories, keywords and phrasings, indexed for matching."""

    def __init__(self, categories: Sequence[Category], stock: Stock) -> None:
        self.categories = list(categories)
        self.stock = stock
        n = max(1, len(self.categories))
        # keywords: exact (content → categories) and in two halves with a gap (first half → rest)
        self.exact: dict[str, set[int]] = {}
        self.halves: dict[str, list[tuple[str, int]]] = {}
        # every piece (two characters or more) and every beginning of a keyword -> category -> how
        # many of its keywords have it
        self.inner: dict[str, dict[int, int]] = {}
        self.starts: dict[str, dict[int, int]] = {}
        vocab: list[set[str]] = [set() for _ in self.categories]
        kw_vocab: list[set[str]] = [set() for _ in self.categories]
        self.phrasing_text: list[list[str]] = []  # per category: each phrasing's content
        self.trigram_owners: dict[str, set[int]] = {}  # three characters of a phrasing or keyword
        for ci, cat in enumerate(self.categories):
            for kw in cat.keywords:
                k = stock.strip(normalise(kw))
                if len(k) < 2:
                    continue
                self.exact.setdefault(k, set()).add(ci)
                vocab[ci].update(_bigrams(k))
                kw_vocab[ci].update(_bigrams(k))
                pieces = {k[a:b] for a in range(len(k) - 1) for b in range(a + 2, len(k) + 1)}
                for piece in pieces:
                    counts = self.inner.setdefault(piece, {})
                    counts[ci] = counts.get(ci, 0) + 1
                for b in range(2, len(k)):
                    counts = self.starts.setdefault(k[:b], {})
                    counts[ci] = counts.get(ci, 0) + 1
                for cut in range(2, len(k) - 1):  # both halves at least two characters
                    self.halves.setdefault(k[:cut], []).append((k[cut:], ci))
            texts = [stock.pieces(p.text) for p in cat.phrasings]
            self.phrasing_text.append(texts)
            for t in (*texts, *(stock.strip(normalise(kw)) for kw in cat.keywords)):
                vocab[ci].update(_bigrams(t))
                for i in range(len(t) - 2):
                    if SEP not in t[i : i + 3]:
                        self.trigram_owners.setdefault(t[i : i + 3], set()).add(ci)
        self.max_key = max((len(k) for k in (*self.exact, *self.halves)), default=2)
        # every beginning (two characters or more) of a whole keyword or of its first half: a piece
        # of a clause that begins none is none, nor is any longer piece from the same place, so
        # _hits stops there instead of trying every length up to max_key (most pieces begin none)
        self.key_starts = frozenset(k[:b] for k in (*self.exact, *self.halves) for b in range(2, len(k) + 1))
        # inverse category frequency of each bigram
        df: dict[str, int] = {}
        for v in vocab:
            for g in v:
                df[g] = df.get(g, 0) + 1
        self.weight = {g: math.log(n / d) for g, d in df.items()}
        # keywords are the officers' word for what a category is about: their bigrams weigh by how
        # few categories' *keywords* use them (a phrasing's wording shares words with many categories)
        kdf: dict[str, int] = {}
        for v in kw_vocab:
            for g in v:
                kdf[g] = kdf.get(g, 0) + 1
        self.kweight = {g: math.log((n + 1) / d) for g, d in kdf.items()}
        # for ordering the phrasings within a category: each phrasing's bigrams, weighted by how few
        # phrasings *of its category* use them (「培训」 is in every training phrasing and orders none)
        self.phrasing_grams: list[list[dict[str, float]]] = []
        for texts in self.phrasing_text:
            sets = [set(_bigrams(t)) for t in texts]
            cdf: dict[str, int] = {}
            for gs in sets:
                for g in gs:
                    cdf[g] = cdf.get(g, 0) + 1
            self.phrasing_grams.append([{g: math.log(len(sets) / cdf[g]) for g in gs} for gs in sets])

    # --- evidence ----------------------------------------------------------------------------------

    def _hits(self, clause: str, typing: bool = False) -> tuple[dict[int, dict[int, float]], dict[int, dict[int, float]]]:
        """Keyword evidence in ``clause``: per category, {bigram position: strength} covered by
        whole keywords (as written or with a gap), and covered by pieces of keywords.

        ``typing``: the clause is being typed, so its end may be the beginning of a keyword.
        """
        whole: dict[int, dict[int, float]] = {}
        part: dict[int, dict[int, float]] = {}
        n = len(clause)

        def cover(into: dict[int, dict[int, float]], ci: int, spans: Iterable[tuple[int, int]], strength: float) -> None:
            got = into.setdefault(ci, {})
            for a, b in spans:
                for p in range(a, b - 1):
                    if got.get(p, 0.0) < strength:
                        got[p] = strength

        starts = self.key_starts
        for i in range(n - 1):
            for j in range(i + 2, min(n, i + self.max_key) + 1):
                piece = clause[i:j]
                if piece not in starts:
                    break
                for ci in self.exact.get(piece, ()):
                    cover(whole, ci, ((i, j),), 1.0)
                for rest, ci in self.halves.get(piece, ()):
                    k = clause.find(rest, j + 1, j + 1 + MAX_GAP + len(rest))
                    if k >= 0:
                        cover(whole, ci, ((i, j), (k, k + len(rest))), GAPPED_SHARE)

        # a piece of a keyword counts more for the categories that have it in many of their keywords
        # (「意识」: 思想认识与公开意识 has it in ten, 保密审查 in two)
        def partial(counts: Mapping[int, int], span: tuple[int, int]) -> None:
            most = max(counts.values())
            for ci, c in counts.items():
                cover(part, ci, (span,), PARTIAL_SHARE * (1 + c / most) / 2)

        if clause in self.inner:
            partial(self.inner[clause], (0, n))
        elif typing and not whole:
            # while typing, with no keyword found: any run of three or more characters that is part of keywords
            for i in range(n - 2):
                for j in range(min(n, i + self.max_key), i + 2, -1):
                    if clause[i:j] in self.inner:
                        partial(self.inner[clause[i:j]], (i, j))
                        break
        if typing:
            # the end of the text may be the beginning of a keyword, unless it is a keyword already
            # (「更新不及时」 is finished, not the beginning of 「不及时回复」)
            done = {p for got in whole.values() for p in got}
            for i in range(max(0, n - self.max_key), n - 1):
                if clause[i:] in self.starts and not set(range(i, n - 1)) <= done:
                    partial(self.starts[clause[i:]], (i, n))
        return whole, part

    def clause(self, clause: str, typing: bool = False) -> _Clause:
        grams = [clause[i : i + 2] for i in range(len(clause) - 1)]
        whole, part = self._hits(clause, typing)
        out = _Clause()
        for ci in whole.keys() | part.keys():
            # a piece of a keyword counts less than the whole keyword, never more
            w = whole.get(ci, {})
            e = sum(self.kweight.get(grams[p], 0.0) * st for p, st in w.items())
            e += sum(self.kweight.get(grams[p], 0.0) * st for p, st in part.get(ci, {}).items() if p not in w)
            out.keyword[ci] = e
            out.evidence[ci] = e
        # loose evidence: three characters in a row shared with a phrasing or keyword of the category
        # (two are too common to mean anything on their own: 「任务」「完成」)
        loose: dict[int, set[int]] = {}
        for p in range(len(clause) - 2):
            for ci in self.trigram_owners.get(clause[p : p + 3], ()):
                loose.setdefault(ci, set()).update((p, p + 1))
        for ci, positions in loose.items():
            covered = whole.get(ci, {}).keys() | part.get(ci, {}).keys()
            e = sum(LOOSE_SHARE * self.weight.get(grams[p], 0.0) for p in positions if p not in covered)
            out.evidence[ci] = out.evidence.get(ci, 0.0) + min(e, LOOSE_CAP)
        return out

    def scores(self, text: str, typing: bool = False) -> tuple[dict[int, float], dict[int, float], list[dict[int, float]]]:
        """Per category: best clause score, keyword evidence (a tie-break); and each clause's scores.

        ``typing``: ``text`` is being typed (its last clause may end inside a word).
        """
        best: dict[int, float] = {}
        keyword: dict[int, float] = {}
        per_clause: list[dict[int, float]] = []
        clauses = self.stock.clauses(text, typing)
        whole = "".join(clauses)
        if len(clauses) > 1 and len(whole) <= 12:
            clauses.insert(0, whole)  # a short item cut by a comma is one thought (「更新，不及时」)
        last = len(clauses) - 1
        for k, c in enumerate(clauses):
            if len(c) < MIN_QUERY:
                continue
            cl = self.clause(c, typing and k == last)
            factor = max(LATEST_CLAUSE, LATER_CLAUSE ** k)
            scored = {ci: _score(e) * factor for ci, e in cl.evidence.items()}
            per_clause.append(scored)
            for ci, s in scored.items():
                if s > best.get(ci, 0.0):
                    best[ci] = s
            for ci, e in cl.keyword.items():
                keyword[ci] = max(keyword.get(ci, 0.0), e)
        return best, keyword, per_clause

    def specific_first(self, order: list[int]) -> list[int]:
        """``order`` with the catch-all categories (``broad`` in the bank) after the others: an item
        that says 「与群众需求还存在差距」 and also names a specific point is about that point."""
        return [ci for ci in order if not self.categories[ci].broad] + [ci for ci in order if self.categories[ci].broad]

    def ranked_phrasings(self, ci: int, text: str, skip: set[int] = frozenset()) -> list[int]:
        """The phrasings of category ``ci`` (indices), closest to ``text`` first, bank order on ties."""
        grams = set()
        for c in self.stock.clauses(text):
            grams.update(_bigrams(c))
        own = []
        for pi, gs in enumerate(self.phrasing_grams[ci]):
            if pi not in skip:
                # cosine of the two, with the phrasing's words weighted; ties (nothing but the
                # category's common words shared): the bank's order
                shared = sum(gs[g] for g in grams if g in gs)
                size = math.sqrt(sum(w * w for w in gs.values())) or 1.0
                own.append((-round(shared / size, 1), pi))  # (closer than 0.1: a tie)
        own.sort()
        return [pi for _, pi in own]


class Matcher:
    """Suggestions and classification against one bank (built once, then cheap to query)."""

    def __init__(self, bank: Bank) -> None:
        self.bank = bank
        stock = Stock(bank.generic, bank.same, bank.concessive, (bank.frame_opens, bank.frame_ends))
        self.stock = stock
        self._index = {kind: _Index(bank.of_kind(kind), stock) for kind in ("problem", "measure")}
        # the items written above a line are read again on every keystroke of it (typing_offers)
        self._leading = lru_cache(maxsize=1024)(self._leading_of)
        self._scores = lru_cache(maxsize=1024)(self._scores_of)
        self._words_of = lru_cache(maxsize=1024)(self._distinctive_in)
        self._distinctive: frozenset[str] | None = None

    def _ranked(self, kind: str, text: str, cutoff: float) -> tuple[_Index, list[tuple[int, float]]]:
        """The categories suggestions come from, best first: above ``cutoff`` and half the best;
        none when the text is too general (matches too many categories about equally)."""
        _check_kind(kind)
        idx = self._index[kind]
        best, keyword, _ = idx.scores(text, typing=True)
        order = idx.specific_first(sorted((ci for ci, s in best.items() if s >= cutoff),
                                          key=lambda ci: (-round(best[ci], 6), -keyword.get(ci, 0.0), ci)))
        if not order:
            return idx, []
        top = max(best[ci] for ci in order)
        if sum(best[ci] >= top * 0.9 for ci in order) > len(idx.categories) * GENERIC_SHARE:
            return idx, []
        return idx, [(ci, best[ci]) for ci in order if best[ci] >= top * RELATIVE_CUTOFF]

    def has_content(self, text: str) -> bool:
        """Does ``text`` (being typed) say anything yet besides stock words and years?"""
        return len("".join(self.stock.clauses(text, typing=True))) >= MIN_QUERY

    def rank(self, text: str, kind: str = "problem", *, cutoff: float = SUGGEST_CUTOFF) -> list[CategoryMatch]:
        """The categories ``suggest`` offers phrasings of, for text being typed, best first."""
        idx, ranked = self._ranked(kind, text, cutoff)
        return [CategoryMatch(idx.categories[ci].id, idx.categories[ci].label, kind, round(s, 1)) for ci, s in ranked]

    def suggest(
        self, text: str, kind: str = "problem", limit: int = 3, *, per_category: int = 1,
        cutoff: float = SUGGEST_CUTOFF, answers: Mapping[str, Any] | None = None,
    ) -> list[Suggestion]:
        """Phrasings closest to ``text``, best first; at most ``per_category`` from one category.

        With ``answers``, a phrasing whose table number (``data:`` in the bank) would be 0 is not
        offered (「逐案分析被纠正的0件案件」 says nothing): the category's other phrasings are.
        """
        if limit <= 0:
            return []
        idx, ranked = self._ranked(kind, text, cutoff)
        out: list[Suggestion] = []
        for ci, score in ranked:
            cat = idx.categories[ci]
            skip = {p.index for p in cat.phrasings if not offered(p, answers)}
            for n, pi in enumerate(idx.ranked_phrasings(ci, text, skip)[:per_category]):
                if len(out) >= limit:
                    return out
                out.append(Suggestion.of(cat.phrasings[pi], cat, score * (1 - 0.01 * n)))
        return out

    def classify(self, text: str, kind: str = "problem", *, cutoff: float = CLASSIFY_CUTOFF) -> list[CategoryMatch]:
        """Categories a whole written item belongs to, best first (several, or none).

        Each clause is judged on its own, so that an item making two points (「栏目更新不及时，
        工作人员均为兼职」) gets both categories even when one point is stated more plainly.
        """
        _check_kind(kind)
        idx = self._index[kind]
        best, keyword, per_clause = idx.scores(text)
        found: dict[int, float] = {}
        for scored in per_clause:
            floor = max(cutoff, max(scored.values(), default=0.0) * CLASSIFY_RELATIVE)
            for ci, s in scored.items():
                if s >= floor and s > found.get(ci, 0.0):
                    found[ci] = s
        order = idx.specific_first(sorted(found, key=lambda ci: (-round(found[ci], 6), -keyword.get(ci, 0.0), ci)))
        order = order[:1] + [ci for ci in order[1:] if found[ci] >= max(cutoff, EXTRA_CUTOFF)]
        return [CategoryMatch(idx.categories[ci].id, idx.categories[ci].label, kind, round(found[ci], 1))
                for ci in order]

    def category_scores(self, text: str, kind: str = "problem") -> dict[str, float]:
        """Every category with some evidence in ``text`` -> its score (best clause), unfiltered."""
        return dict(self._scores(text, kind))

    def _scores_of(self, text: str, kind: str) -> tuple[tuple[str, float], ...]:
        _check_kind(kind)
        idx = self._index[kind]
        best, _, _ = idx.scores(text)
        return tuple((idx.categories[ci].id, round(s, 1)) for ci, s in best.items())

    def distinctive_words(self) -> frozenset[str]:
        """The bank's words that say what an item is about: every keyword of either kind, without its
        stock words, whose rarest bigram is used by few problem categories (``DISTINCTIVE_WEIGHT``).
        Derived from the bank, not listed by hand: 「公开」「信息」「工作」 are stock or everywhere."""
        if self._distinctive is None:
            weight = self._index["problem"].weight
            unused = math.log(max(2, len(self._index["problem"].categories)))  # no problem category has it
            words = set()
            for kind in ("problem", "measure"):
                for cat in self.bank.of_kind(kind):
                    for kw in cat.keywords:
                        k = self.stock.strip(normalise(kw))
                        if len(k) >= 2 and max(weight.get(k[i : i + 2], unused) for i in range(len(k) - 1)) >= DISTINCTIVE_WEIGHT:
                            words.add(k)
            self._distinctive = frozenset(words)
        return self._distinctive

    def _distinctive_in(self, text: str) -> frozenset[str]:
        words = self.distinctive_words()
        longest = max((len(w) for w in words), default=0)
        found = set()
        for c in self.stock.clauses(text):
            for i in range(len(c) - 1):
                found.update(c[i:j] for j in range(i + 2, min(len(c), i + longest) + 1) if c[i:j] in words)
        return frozenset(found)

    def restated(self, problem: str, measure: str) -> tuple[str, ...]:
        """The distinctive words of the bank (``distinctive_words``) that a measure says again from the
        problem, each within one clause: 「公开的范围有待进一步拓宽」 and 「拓宽信息来源和渠道」 share 「拓宽」;
        「内容」 or 「水平」 alone is no such word."""
        return tuple(sorted(self._words_of(problem) & self._words_of(measure)))

    def leading(self, text: str, kind: str = "problem") -> list[CategoryMatch]:
        """``classify``'s top category, those close to it and the main category of each later clause
        that ``classify`` kept (the ones pairing works with)."""
        return list(self._leading(text, kind))

    def _leading_of(self, text: str, kind: str) -> tuple[CategoryMatch, ...]:
        found = self.classify(text, kind)
        if not found:
            return ()
        close = [m for m in found if m.score >= found[0].score * CLOSE_SHARE]
        # A catch-all category (``broad``) does not pair when the item names a specific point about
        # as clearly: 「网站群体系建设不够完善，…与群众需求尚存一定差距」 is answered by a measure for
        # the website, not by a general 「更严的要求」 that any 「差距」 would accept. When the specific
        # point is only faint beside the 「差距」, the catch-all still pairs.
        broad = [m.score for m in close if self.bank.category(m.category).broad]
        specific = [m for m in close if not self.bank.category(m.category).broad]
        if broad and specific and specific[0].score >= max(broad) * CLOSE_SHARE:
            close = specific
        # An item that makes several points, one per clause (「信息更新还不够及时，公开质量有待提高；
        # 部分工作人员……意识有待进一步提高」), is answered by a measure for any of them: the main
        # point of each later clause pairs too when ``classify`` found it (a weak extra category of
        # the same clause still does not).
        idx = self._index[kind]
        _, keyword, per_clause = idx.scores(text)
        have = {m.category for m in close}
        extra = []
        for scored in per_clause:
            specific_scores = {ci: s for ci, s in scored.items() if not idx.categories[ci].broad}
            if not specific_scores:
                continue
            ci = max(specific_scores, key=lambda c: (round(specific_scores[c], 6), keyword.get(c, 0.0), -c))
            cid = idx.categories[ci].id
            if cid not in have and any(m.category == cid for m in found):
                have.add(cid)
                extra.extend(m for m in found if m.category == cid)
        return (*close, *extra)


@cache
def default_matcher() -> Matcher:
    """The matcher over the installed bank, built once per process."""
    return Matcher(get_bank())


def suggest(text: str, kind: str = "problem", limit: int = 3, *,
            answers: Mapping[str, Any] | None = None) -> list[Suggestion]:
    """The closest standard phrasings for what the user has typed so far, best first."""
    return default_matcher().suggest(text, kind, limit, answers=answers)


def classify(text: str, kind: str = "problem") -> list[CategoryMatch]:
    """The categories of a whole written item (a problem or a measure), best first."""
    return default_matcher().classify(text, kind)
