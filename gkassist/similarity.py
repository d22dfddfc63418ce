"""Sentence-level closeness of two Chinese texts (rule Y3, and the interview's copy warning).

Reviewers punish 「内容雷同」: a section 五 that repeats last year's. Comparing whole paragraphs hides
a copied sentence among new ones, and comparing characters of unspaced Chinese with token scorers
does nothing (rapidfuzz's token scorers split on spaces), so each of this year's sentences is
matched against last year's sentences with ``fuzz.ratio`` on a normalised form: full-width folded,
punctuation and spaces dropped, list markers (一是, （二）, 3.) and digits neutralised — a sentence
copied with only the year or a count changed is still a copy.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz, process

from gkassist.text import SENTENCE_END, nfkc

DEFAULT_THRESHOLD = 85.0
# Shorter fragments ("一是", "下一步") match everything and say nothing about copying.
MIN_SENTENCE_CHARS = 8

# A colon ends a piece too: a list's lead-in (「…仍存在以下不足：一是…」) must not hide its first item.
# A sentence: a run of characters that are no sentence end nor line break, with the end closing it
# (or an end alone). The same pieces as cutting after every end and at every line break, found in one
# pass (a look-behind tried at every position cost some 500 instructions a character).
_SENTENCE = re.compile(f"[^{SENTENCE_END}：:\n]+[{SENTENCE_END}：:]?|[{SENTENCE_END}：:]")
# What the normalised form keeps: letters (Chinese characters among them), not white space,
# punctuation, 「_」 nor digits (a digit was once made 「#」, then left out with the punctuation). Runs
# of what is kept, joined: one pass, cheaper than removing the rest (``re.sub``). A run of the common
# Chinese characters (U+4E00–U+9FFF, every one a letter: tests/test_copies_sentences.py) is tried
# first: a range test a character instead of the letter and digit look-ups (−7% of this step);
# what it does not take is tried as before, so the same characters are kept, in order.
_KEPT = re.compile(r"[\u4e00-\u9fff]+|[^\W\d_]+")


@dataclass(frozen=True)
class SentenceMatch:
    sentence: str  # this year's sentence, as written
    previous: str  # the closest sentence of last year's text, as written
    score: float  # 0–100, rapidfuzz ratio of the normalised forms


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph, as written (end punctuation kept), without empty pieces."""
    return [s for s in map(str.strip, _SENTENCE.findall(text or "")) if s]


def normalise(sentence: str) -> str:
    return normalise_nfkc(nfkc(sentence))


def normalise_nfkc(sentence: str) -> str:
    """``normalise`` of a sentence already in NFKC (a piece of one: NFKC is the costly part)."""
    text = sentence.strip()
    # strip_marker: its pattern is anchored at the start, where its one match can be (and is never empty)
    marker = _marker_at_start()(text)
    if marker is not None:
        text = text[marker.end():]
    return "".join(_KEPT.findall(text))


# The letters of a text, in runs (``"".join`` them): what normalise_nfkc keeps, list marker included.
# Keeping is decided character by character, so a text's letters are its pieces' letters joined
# (C1's sentences take a sentence's from its clauses': review.copies.sentences_of).
letter_runs = _KEPT.findall


def marker_at_start() -> Callable[[str], re.Match[str] | None]:
    """The list marker a text starts with (``text.LEADING_MARKER_RE.match``), as normalise_nfkc strips it."""
    return _marker_at_start()


@cache
def _marker_at_start() -> Callable[[str], re.Match[str] | None]:
    """``LEADING_MARKER_RE.match`` (compiled when first asked for: see gkassist.text)."""
    from gkassist import text

    return text.LEADING_MARKER_RE.match


def _compared(sentence: str) -> bool:
    # A lead-in ending in a colon is stock connective wording (the bank's openers), not content:
    # the same opener two years running is not 「内容雷同」.
    return len(normalise(sentence)) >= MIN_SENTENCE_CHARS and not sentence.endswith(("：", ":"))


def near_copies(text: str, previous: str, *, threshold: float = DEFAULT_THRESHOLD) -> list[SentenceMatch]:
    """This year's sentences that are near-copies of one of last year's, in text order."""
    prev_sentences = [s for s in split_sentences(previous) if _compared(s)]
    if not prev_sentences:
        return []
    prev_norm = [normalise(s) for s in prev_sentences]
    out: list[SentenceMatch] = []
    for sentence in split_sentences(text):
        if not _compared(sentence):
            continue
        norm = normalise(sentence)
        best = process.extractOne(norm, prev_norm, scorer=fuzz.ratio, score_cutoff=threshold)
        if best is not None:
            _, score, index = best
            out.append(SentenceMatch(sentence, prev_sentences[index], round(float(score), 1)))
    return out


def copied_share(text: str, previous: str, *, threshold: float = DEFAULT_THRESHOLD) -> tuple[int, list[SentenceMatch]]:
    """Percentage (0–100) of this year's text, by characters, in near-copied sentences; and those."""
    matches = near_copies(text, previous, threshold=threshold)
    total = sum(len(normalise(s)) for s in split_sentences(text))
    if not total:
        return 0, matches
    copied = sum(len(normalise(m.sentence)) for m in matches)
    return round(100 * copied / total), matches


def closeness(text: str, previous: str) -> float:
    """Whole-text closeness 0–100 of the normalised texts (a quick "is this last year's?" signal)."""
    a = "".join(normalise(s) for s in split_sentences(text))
    b = "".join(normalise(s) for s in split_sentences(previous))
    if not a or not b:
        return 0.0
    return round(float(fuzz.ratio(a, b)), 1)
