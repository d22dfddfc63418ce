"""Passages shared between different agencies' reports of one checked folder (code C1).

Evaluators deduct for 「与其他单位雷同」 as for copying last year's report (Y3). Within a folder of
thousands of reports, comparing every pair is out of the question; instead:

1. each report's prose (the sections ``rules/folder/copies.yaml`` names) is cut into sentences,
   the agency's own name, place names, years and numbers masked, and each sentence — and each
   clause of it long enough — is hashed (a stable 64-bit hash: the workers of a batch compute
   them) — linear in the folder;
2. hashes held by reports of many agencies are stock wording (the preamble's 条例 citation, the
   fee sentence …) and are left out, as are the stock phrases the YAML lists;
3. two reports of different agencies that share a hash are a candidate pair; only those pairs
   are compared sentence by sentence with rapidfuzz (near copies with a few words changed count
   too), and a pair that shares enough is reported with both files and the shared sentences.

``CopyIndex`` keeps the hashes in flat arrays and the sentences' text in a temporary file (read
back only for the candidate pairs), so the main process holds a few bytes per sentence.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from array import array
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, partial
from itertools import combinations, repeat
from typing import Any

import orjson
import yaml
from rapidfuzz import fuzz, process

from gkassist.errors import UserError
from gkassist.form import FORM
from gkassist.resources import read_yaml
from gkassist.review.pairing import family_key
from gkassist.similarity import letter_runs, marker_at_start, normalise, normalise_nfkc, split_sentences
from gkassist.text import nfkc

_CLAUSE_MARKS = "，,；;：:、"
_CLAUSE = re.compile(f"[{_CLAUSE_MARKS}]")
_FOLDED = re.compile(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])")


class CopyRulesError(UserError):
    """rules/folder/copies.yaml is missing a setting or holds a bad one."""


@dataclass(frozen=True)
class CopyRules:
    code: str
    severity: str
    title: str
    sections: tuple[str, ...]
    min_chars: int
    min_clause_chars: int
    min_shared: int
    min_shared_chars: int
    near: float
    boilerplate_share: float
    boilerplate_min: int
    examples: int
    place: re.Pattern
    year: re.Pattern
    stock: tuple[str, ...]
    message: str
    example: str
    separator: str

    def fields(self) -> tuple[str, ...]:
        return tuple(f.id for s in self.sections for f in FORM.section_fields(s) if f.kind == "prose")


@cache
def copy_rules() -> CopyRules:
    from gkassist.resources import rules_dir

    path = rules_dir() / "folder" / "copies.yaml"
    try:
        raw: dict[str, Any] = read_yaml(path)
        rules = CopyRules(
            code=str(raw["code"]), severity=str(raw["severity"]), title=str(raw["title"]),
            sections=tuple(raw["sections"]), min_chars=int(raw["min_chars"]),
            min_clause_chars=int(raw["min_clause_chars"]), min_shared=int(raw["min_shared"]),
            min_shared_chars=int(raw["min_shared_chars"]), near=float(raw["near"]),
            boilerplate_share=float(raw["boilerplate_share"]), boilerplate_min=int(raw["boilerplate_min"]),
            examples=int(raw["examples"]), place=re.compile(raw["masks"]["place"]),
            year=re.compile(raw["masks"]["year"]),
            stock=tuple(normalise(s) for s in raw.get("stock") or ()), message=str(raw["message"]),
            example=str(raw["example"]), separator=str(raw["separator"]),
        )
        for s in rules.sections:
            FORM.section(s)
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError, re.error) as err:
        raise CopyRulesError(f"规则文件 {path} 有误，无法检查报告之间的雷同：{err}") from None
    return rules


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def _mask(text: str, agency: str | None, rules: CopyRules) -> str:
    if agency:
        text = text.replace(agency, "〇")
    return _masker(rules.place)(rules.year.sub("〇", text))


# A mask of the shape the place names have: some characters of a class, then one of a few literal
# words — 「[\u4e00-\u9fff]{1,3}(?:自治区|…|社区)」 (rules/folder/copies.yaml).
_ANCHORED = re.compile(r"\[[^\]\\]+\]\{1,([1-9])\}\(\?:([^()\[\]{}\\.*+?^$|]+(?:\|[^()\[\]{}\\.*+?^$|]+)*)\)")


@cache
def _masker(pattern: re.Pattern[str]) -> Callable[[str], str]:
    """``pattern.sub("〇", ·)``, done faster for a mask of the place names' shape (``_ANCHORED``).

    Searching such a pattern tries a match at every Chinese character (a sentence is nearly all of
    them: about 900 instructions a character, the costliest step of C1's sentences). A match holds
    one of the words, starting 1 to ``reach`` characters after the match does; so only positions
    that close before the first character of a word can start one. Those are tried in order, each
    with ``pattern.match`` — the same match the search would find there — and after a match the
    next one is looked for from its end, as ``sub`` does: the same text as ``sub`` gives.
    """
    shape = _ANCHORED.fullmatch(pattern.pattern)
    if shape is None or pattern.flags != re.UNICODE:
        return partial(pattern.sub, "〇")
    reach = int(shape[1])
    anchors = re.compile("[" + re.escape("".join(sorted({word[0] for word in shape[2].split("|")}))) + "]")
    match = pattern.match

    def sub(text: str) -> str:
        pieces: list[str] = []
        done = 0  # positions before this are tried, or inside a match
        last = 0  # the end of the last match
        for anchor in anchors.finditer(text):
            q = anchor.start()
            p = max(done, q - reach)
            while p < q:
                hit = match(text, p)
                if hit is None:
                    p += 1
                else:
                    pieces.append(text[last:p])
                    pieces.append("〇")
                    last = p = hit.end()
            done = p
        if not pieces:
            return text
        pieces.append(text[last:])
        return "".join(pieces)

    return sub


def masked(sentence: str, agency: str | None, rules: CopyRules) -> str:
    """A sentence's comparison form: the agency's name, places and years masked, then normalised
    (punctuation, spaces and list markers gone, digits as #)."""
    return normalise(_mask(sentence, agency, rules))


_FIELDS: list[Any] = [None, ()]  # the rules last asked for and their fields


def _fields(rules: CopyRules) -> tuple[str, ...]:
    """``rules.fields()``, worked out once for the rules in use (not for each report)."""
    if _FIELDS[0] is not rules:
        _FIELDS[:] = [rules, rules.fields()]
    return _FIELDS[1]


def sentences_of(answers: dict[str, Any], agency: str | None) -> list[tuple[str, str, int, list[int]]]:
    """The report's comparable sentences: (sentence as written, its masked comparison form, its
    hash, the hashes of its long clauses). Computed where the report is checked (a worker)."""
    rules = copy_rules()
    place, year = _masker(rules.place), rules.year.sub  # (_mask, with these looked up once a report)
    marker, min_chars, min_clause, stock = marker_at_start(), rules.min_chars, rules.min_clause_chars, rules.stock
    out = []
    for fid in _fields(rules):
        text = answers.get(fid)
        if not isinstance(text, str):
            continue
        for sentence in split_sentences(text):
            # one masking pass for the sentence and its clauses
            hidden = place(year("〇", sentence.replace(agency, "〇") if agency else sentence))
            folded = nfkc(hidden)
            # NFKC keeps a clause mark a clause mark (「，」 → ","), and makes one of a few other
            # characters (「﹐」): the NFKC form has at least the sentence's clause marks
            pieces = _CLAUSE.split(folded)
            if len(pieces) == 1:
                form = normalise_nfkc(folded)
                if len(form) < min_chars or any(map(form.__contains__, stock)):
                    continue
                clauses = []  # a sentence of one clause has no clause but itself (its form: left out)
            else:
                # normalise_nfkc keeps letters character by character (a clause mark is none), after
                # the list marker the text starts with: the sentence's form is its pieces' letters
                # joined, less the letters of its own marker; each clause's, its piece's letters less
                # those of the piece's marker — each character read once, not once a sentence and
                # again a clause
                letters = ["".join(letter_runs(p)) for p in pieces]
                form = "".join(letters)
                whole = folded.strip()
                m = marker(whole)
                if m is not None and m.end():
                    form = form[len("".join(letter_runs(whole[:m.end()]))):]
                if len(form) < min_chars or any(map(form.__contains__, stock)):
                    continue
                # its clauses are the pieces of its NFKC form, unless NFKC made a clause mark of
                # another character: NFKC changes nothing across a clause mark
                if sum(map(hidden.count, _CLAUSE_MARKS)) == len(pieces) - 1:
                    # (normalising only shortens a piece: one too short already is left out unread)
                    forms = []
                    for piece, kept in zip(pieces, letters, strict=True):
                        if len(piece) >= min_clause:
                            m = marker(piece.strip())
                            if m is not None and m.end():
                                kept = kept[len("".join(letter_runs(piece.strip()[:m.end()]))):]
                            forms.append(kept)
                else:
                    forms = [normalise(c) for c in _CLAUSE.split(hidden)]
                clauses = [c for c in forms if len(c) >= min_clause and c != form]
            out.append((sentence, form, _hash(form), [_hash(c) for c in clauses]))
    return out


@dataclass(frozen=True)
class SentencePack:
    """A report's comparable sentences (``sentences_of``) as a worker sends them back: the line the
    index stores for them and their hashes, flat. Packed in the worker, where it costs what the
    index's Python loop over every hash cost the main process, which checks nothing while it runs
    and so holds up the batch; and a few byte strings pickle in a fraction of the time of a list
    of tuples."""

    line: bytes  # JSON: [[sentence, form], …], without a line break
    hashes: bytes  # array("Q"): each sentence's hash, then its clauses'
    count: int  # how many hashes


def pack(sentences: list[tuple[str, str, int, list[int]]]) -> SentencePack | None:
    """``sentences_of``'s sentences packed for the index; None for a report that has none."""
    if not sentences:
        return None
    hashes = array("Q")
    for _, _, h, clauses in sentences:
        hashes.append(h)
        hashes.extend(clauses)
    pairs = [[sentence, form] for sentence, form, _, _ in sentences]
    try:
        line = orjson.dumps(pairs)
    except orjson.JSONEncodeError:  # a lone surrogate, which UTF-8 cannot carry: escaped, read back the same
        line = json.dumps(pairs).encode("ascii")
    return SentencePack(line, hashes.tobytes(), len(hashes))


@dataclass(frozen=True)
class SharedSentence:
    sentence: str  # as the first report writes it
    other: str  # as the second writes it
    score: float  # 100 for the same after masking


@dataclass(frozen=True)
class CopyPair:
    """Two reports of different agencies sharing sentences."""

    first: int  # the reports' indices in the batch (input order)
    second: int
    file: str
    agency: str
    other_file: str
    other_agency: str
    shared: tuple[SharedSentence, ...]

    @property
    def chars(self) -> int:
        return sum(len(s.sentence) for s in self.shared)

    def message(self) -> str:
        from pathlib import Path

        rules = copy_rules()
        examples = rules.separator.join(rules.example.format(sentence=s.sentence) for s in self.shared[:rules.examples])
        text = rules.message.format(
            file=Path(self.file).name, agency=self.agency or "—", other_file=Path(self.other_file).name,
            other_agency=self.other_agency or "—", n=len(self.shared), chars=self.chars, examples=examples)
        return _FOLDED.sub("", text)  # the YAML's folded lines join Chinese text with a space


@dataclass
class CopyIndex:
    """The folder's sentence hashes (flat arrays) and their text (a temporary file)."""

    _hashes: array = field(default_factory=lambda: array("Q"))
    _owners: array = field(default_factory=lambda: array("L"))
    _offsets: dict[int, int] = field(default_factory=dict)  # report index → where its sentences are
    _who: dict[int, tuple[str, str, str]] = field(default_factory=dict)  # index → file, agency, its key
    _store: Any = None

    def add(self, index: int, file: str, agency: str | None, sentences: SentencePack | None) -> None:
        if sentences is None:
            return
        if self._store is None:
            self._store = tempfile.TemporaryFile("w+b")  # noqa: SIM115 - lives as long as the index
        self._offsets[index] = self._store.tell()
        self._store.write(sentences.line)
        self._store.write(b"\n")
        self._who[index] = (file, agency or "", family_key(agency or file))
        self._hashes.frombytes(sentences.hashes)
        self._owners.extend(repeat(index, sentences.count))

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def _sentences(self, index: int) -> list[tuple[str, str]]:
        self._store.seek(self._offsets[index])
        return [tuple(x) for x in json.loads(self._store.readline())]

    def candidates(self) -> Counter:
        """Pairs of reports of different agencies that share a hash that is no stock wording."""
        rules = copy_rules()
        agencies = len({key for _, _, key in self._who.values()})
        stock = max(rules.boilerplate_min, rules.boilerplate_share * agencies)
        # this runs after the last report is checked, while nothing else can: the hashes met more
        # than once are found by counting in C, and only their owners are gathered
        counts = Counter(self._hashes)
        repeated = {h for h, n in counts.items() if n > 1}
        owners_of: dict[int, set[int]] = {}
        for h, owner in zip(self._hashes, self._owners, strict=True):
            if h in repeated:
                owners_of.setdefault(h, set()).add(owner)
        pairs: Counter = Counter()
        for found in owners_of.values():
            if len(found) < 2:
                continue
            owners = sorted(found)
            keys = {self._who[o][2] for o in owners}
            if 1 < len(keys) < stock:
                for a, b in combinations(owners, 2):
                    if self._who[a][2] != self._who[b][2]:
                        pairs[(a, b)] += 1
        return pairs

    def pairs(self) -> list[CopyPair]:
        """The reported pairs, in input order: those sharing enough sentences."""
        rules = copy_rules()
        out: list[CopyPair] = []
        for a, b in sorted(self.candidates()):
            mine, theirs = self._sentences(a), self._sentences(b)
            forms = [f for _, f in theirs]
            shared: list[SharedSentence] = []
            used: set[int] = set()
            for sentence, form in mine:
                best = process.extractOne(form, forms, scorer=fuzz.ratio, score_cutoff=rules.near)
                if best is not None and best[2] not in used:
                    used.add(best[2])
                    shared.append(SharedSentence(sentence, theirs[best[2]][0], round(float(best[1]), 1)))
            chars = sum(len(s.sentence) for s in shared)
            if len(shared) >= rules.min_shared and chars >= rules.min_shared_chars:
                (fa, ga, _), (fb, gb, _) = self._who[a], self._who[b]
                out.append(CopyPair(a, b, fa, ga, fb, gb, tuple(shared)))
        return out
