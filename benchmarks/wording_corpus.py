"""Standard wording measured on real section 五 items: the corpus of record (tests/corpus/section5/).

Run: .venv/bin/python benchmarks/wording_corpus.py [--verbose] [--part tune|held|all] [--no-t4] [--t4-detail]

The corpus holds the items of published reports' section 五, labelled by hand (schema, labelling guide
and the tune/held split: tests/corpus/section5/README.md). This script measures whatever bank
(prompts/wording/) and matcher (gkassist.wording) are installed, through their public API, and prints
for the tuning part and the held-back part separately, problems and measures apart:

- top category right: among the items some category fits (``categories`` not empty), the share whose
  first ``classify(text, kind)`` category is one of the accepted ones;
- no category returned at all: items for which ``classify`` returns nothing (and how many of them a
  category fits, i.e. how many of these empty results are misses);
- while typing, with what the assistant knows at that point: ``typing_offers(text[:8], kind, limit=3,
  **known)`` offers a usable phrasing, i.e. a phrasing of an accepted category, in its top 3. The
  context ``known`` is what the interview knows when the officer writes that line
  (``known_before``; the interview must pass it to ``typing_offers``, see docs/wording.md): for a problem, the problems above it in the report (``written``); for a
  measure, all the report's problems (the interview asks for the problems first) and the measures
  above it. Nothing else: the corpus has no tables (so no ``from_tables``: the rules W1–W6 that
  point to problems from the numbers are not exercised), no last year's report, and the agency's
  level is not used. Offers from the context are the measures answering the problems no measure
  above answers, then the categories real reports name most often (the bank's ``common``);
- … the typed text alone: ``suggest(text[:8], kind, limit=3)`` (and how many items get no
  suggestion at all) — the figure as it was before the context was used, printed beside it;
- … the context alone, the typed text ignored: ``context_offers(kind, **known)[:3]`` — how much of
  the figure above the context would reach by guessing from the context only;
- whole item: the same for ``suggest(text, kind, limit=3)``;
- T4: measured the way the product does it — through the rule engine (``gkassist.engine.check``) on
  answers whose ``problems`` and ``measures`` are the report's items, written 「一是…；二是…。」. A
  problem is flagged when a T4 finding names its number (rule T4.pairing, rules/wording.yaml, which
  reads the ``wording.problem`` facts of gkassist.wording.facts) or when T4's "no measures at all"
  case fires (then every problem of the report is flagged). Only reports whose whole 五 is in the
  corpus (``complete: true``) count. A problem is truly unanswered when its hand label
  ``answered_by`` is empty; caught = flagged among those; false alarms = flagged among the others. Flagged
  means warned: where T4 is unsure (a measure it cannot read may answer the problem, round 10) it gives
  a hint instead, counted apart (hints on truly unanswered problems are not catches).

``--t4-detail`` (tuning part only) prints what T4 reads, how fragile its decisions are, and what each of
the careful reader's conditions does (gkassist/wording/facts.py; docs/wording.md, round 10).

Category ids that the bank does not have yet (tests/corpus/section5/new_categories.yaml) count as
not found: no suggestion can belong to them, so such items are misses until the bank has them.

No keyword or threshold may be tuned on the held part (see the README): look at ``--part held``
only to report.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CORPUS = ROOT / "tests" / "corpus" / "section5"
NEW_CATEGORIES = "new_categories.yaml"
KINDS = ("problem", "measure")
LEVELS = ("township", "county", "county_dept", "city", "city_dept", "provincial", "provincial_dept")
TYPED_CHARS = 8  # "while typing" = what the input holds after this many characters
HELD_SHARE = 4  # of 10: the share of agencies held back (see split_of)
_CN_DIGITS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Item:
    id: str
    kind: str  # "problem" | "measure" | "rectification"
    text: str  # as printed, ordinal marker removed
    raw: str  # as printed
    categories: tuple[str, ...]  # every acceptable category id; () when none fits
    answered_by: tuple[str, ...] | None = None  # problems: ids of the measures that answer it
    generic: bool = False
    truncated: bool = False


@dataclass(frozen=True)
class Report:
    file: str
    agency: str
    level: str
    year: int | None
    source: dict[str, Any]
    complete: bool
    calibrated: bool
    items: tuple[Item, ...]

    def of_kind(self, kind: str) -> list[Item]:
        return [i for i in self.items if i.kind == kind]


def load_report(path: Path) -> Report:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = tuple(
        Item(id=i["id"], kind=i["kind"], text=i["text"], raw=i.get("raw", i["text"]),
             categories=tuple(i.get("categories") or ()),
             answered_by=tuple(i["answered_by"]) if "answered_by" in i else None,
             generic=bool(i.get("generic")), truncated=bool(i.get("truncated")))
        for i in raw["items"]
    )
    return Report(file=path.name, agency=raw["agency"], level=raw["level"], year=raw.get("year"),
                  source=dict(raw.get("source") or {}), complete=bool(raw.get("complete")),
                  calibrated=bool(raw.get("calibrated")), items=items)


def load_corpus(root: Path = CORPUS) -> list[Report]:
    """Every report of the corpus (one YAML per agency; new_categories.yaml is not a report)."""
    return [load_report(p) for p in sorted(root.glob("*.yaml")) if p.name != NEW_CATEGORIES]


def load_new_categories(root: Path = CORPUS) -> dict[str, dict[str, Any]]:
    raw = yaml.safe_load((root / NEW_CATEGORIES).read_text(encoding="utf-8"))
    return {c["id"]: c for c in raw["categories"]}


def split_of(report: Report) -> str:
    """"tune" or "held", fixed by agency before anything was tuned (README: the split).

    Agencies whose text calibrated the matcher before this corpus existed are always "tune";
    the others go by the first 8 hex digits of the SHA-256 of the agency name: held when that
    number modulo 10 is below HELD_SHARE.
    """
    if report.calibrated:
        return "tune"
    h = int(hashlib.sha256(report.agency.encode("utf-8")).hexdigest()[:8], 16)
    return "held" if h % 10 < HELD_SHARE else "tune"


# --- measuring -----------------------------------------------------------------------------------


@dataclass
class Miss:
    report: str
    item: str
    kind: str
    text: str
    accepted: tuple[str, ...]
    what: str  # "top" | "none" | "typing" | "whole" | "t4-missed" | "t4-false"
    got: str  # what the program returned, for the reader
    cause: str = ""


@dataclass
class KindFigures:
    items: int = 0
    fit: int = 0  # items some category fits
    fit_in_bank: int = 0  # ... of which at least one accepted category exists in the bank
    top_right: int = 0
    none_returned: int = 0
    none_returned_fit: int = 0
    typing_usable: int = 0
    typing_nothing: int = 0
    typing_context_usable: int = 0  # the same with what the assistant knows at that point (typing_offers)
    context_only_usable: int = 0  # what the context alone offers, the typed text ignored (context_offers)
    whole_usable: int = 0


@dataclass
class PartFigures:
    agencies: int = 0
    kinds: dict[str, KindFigures] = field(default_factory=lambda: {k: KindFigures() for k in KINDS})
    t4_reports: int = 0
    t4_unanswered: int = 0
    t4_caught: int = 0
    t4_answered: int = 0
    t4_false: int = 0
    t4_hinted_unanswered: int = 0  # T4 unsure: a hint, not a warning, on a truly unanswered problem
    t4_hinted_answered: int = 0  # ... on an answered one
    t4_split_mismatch: int = 0  # reports whose items the product splits differently (not counted)
    misses: list[Miss] = field(default_factory=list)


def _ordinal(n: int) -> str:
    if n <= 10:
        return _CN_DIGITS[n - 1] + "是"
    tens, ones = divmod(n, 10)
    return (_CN_DIGITS[tens - 1] if tens > 1 else "") + "十" + (_CN_DIGITS[ones - 1] if ones else "") + "是"


def enumerate_items(texts: Sequence[str]) -> str:
    """Items as a report writes them: 「一是…；二是…。」."""
    if not texts:
        return ""
    return "；".join(f"{_ordinal(n)}{t.rstrip('。；;')}" for n, t in enumerate(texts, 1)) + "。"


def _bank_kinds() -> dict[str, str]:
    from gkassist.wording import get_bank

    bank = get_bank()
    return {c.id: c.kind for kind in KINDS for c in bank.of_kind(kind)}


def _cause(text: str, kind: str, accepted: set[str], in_bank: set[str]) -> str:
    """Why the program missed: the first cause that applies (for --verbose and the summary)."""
    if not accepted & in_bank:
        return "category not in bank"
    try:  # the installed matcher may not take a cut-off; then the finer causes are unknown
        from gkassist.wording.match import default_matcher

        ranked = default_matcher().classify(text, kind, cutoff=0.0)
    except Exception:  # noqa: BLE001 - any change of the internal API just drops the detail
        return "wrong or no category"
    if not ranked:
        return "no bank word matches"
    if ranked[0].category in accepted:
        return f"right category first but below the cut-off ({ranked[0].score:.0f})"
    ranks = [m.category for m in ranked]
    right = [ranks.index(c) + 1 for c in accepted if c in ranks]
    return f"wrong category first ({ranked[0].category} {ranked[0].score:.0f}); right one ranked {min(right)}" if right \
        else f"wrong category first ({ranked[0].category} {ranked[0].score:.0f}); right one not found"


def known_before(rep: Report, item: Item) -> dict[str, list[str]]:
    """What the assistant knows while ``item`` is being typed, as ``typing_offers`` takes it: for a
    problem the problems written above it; for a measure all the report's problems (the interview
    asks for the problems first) and the measures written above it. Nothing else: the corpus has
    no tables (so no ``from_tables``) and no last year's report."""
    same = rep.of_kind(item.kind)
    above = [i.text for i in same[: same.index(item)]]
    if item.kind == "problem":
        return {"written": above}
    return {"written": above, "problems": [p.text for p in rep.of_kind("problem")]}


def _measure_items(reports: Iterable[Report], part: PartFigures, in_bank: set[str]) -> None:
    from gkassist.wording import classify, suggest, typing_offers
    from gkassist.wording.offers import context_offers

    for rep in reports:
        for it in rep.items:
            if it.kind not in KINDS:
                continue
            f = part.kinds[it.kind]
            f.items += 1
            accepted = set(it.categories)
            found = classify(it.text, it.kind)
            top = found[0].category if found else None
            if not found:
                f.none_returned += 1
                if accepted:
                    f.none_returned_fit += 1
            if not accepted:
                continue
            f.fit += 1
            if accepted & in_bank:
                f.fit_in_bank += 1
            got_cats = ", ".join(f"{m.category} {m.score:.0f}" for m in found[:3]) or "—"
            if top in accepted:
                f.top_right += 1
            else:
                part.misses.append(Miss(rep.file, it.id, it.kind, it.text, it.categories,
                                        "none" if not found else "top", got_cats,
                                        _cause(it.text, it.kind, accepted, in_bank)))
            typed = suggest(it.text[:TYPED_CHARS], it.kind, 3)
            if not typed:
                f.typing_nothing += 1
            if any(s.category in accepted for s in typed):
                f.typing_usable += 1
            else:
                part.misses.append(Miss(rep.file, it.id, it.kind, it.text[:TYPED_CHARS], it.categories, "typing",
                                        ", ".join(s.key for s in typed) or "—"))
            known = known_before(rep, it)
            in_context = typing_offers(it.text[:TYPED_CHARS], it.kind, 3, **known)
            if any(s.category in accepted for s in in_context):
                f.typing_context_usable += 1
            else:
                part.misses.append(Miss(rep.file, it.id, it.kind, it.text[:TYPED_CHARS], it.categories, "context",
                                        ", ".join(f"{s.key} ({s.reason})" for s in in_context) or "—"))
            f.context_only_usable += any(s.category in accepted for s in context_offers(it.kind, **known)[:3])
            whole = suggest(it.text, it.kind, 3)
            if any(s.category in accepted for s in whole):
                f.whole_usable += 1
            else:
                part.misses.append(Miss(rep.file, it.id, it.kind, it.text, it.categories, "whole",
                                        ", ".join(s.key for s in whole) or "—"))


def flagged_problems(problems: Sequence[str], measures: Sequence[str]) -> tuple[set[int], set[int]] | None:
    """Numbers (from 1) of the problems the engine's T4 warns about, and of those it only hints at
    (T4 unsure: a measure it cannot read well may answer them), for these items; None if the product
    splits the assembled text into a different number of items (then the numbers mean nothing)."""
    from gkassist.engine import check
    from gkassist.wording import measure_items, problem_items

    answers = {"problems": enumerate_items(problems), "measures": enumerate_items(measures)}
    if len(problem_items(answers["problems"], answers["measures"])) != len(problems) or \
            len(measure_items(answers["problems"], answers["measures"])) != len(measures):
        return None
    warned: set[int] = set()
    hinted: set[int] = set()
    for finding in check(answers):
        if finding.code != "T4":
            continue
        if "number" in finding.numbers:
            (warned if finding.severity != "hint" else hinted).add(int(finding.numbers["number"]))
        elif "measures_chars" in finding.numbers:  # "no measures written": every problem is unanswered
            warned.update(range(1, len(problems) + 1))
    return warned, hinted


def _measure_t4(reports: Iterable[Report], part: PartFigures) -> None:
    for rep in reports:
        problems = rep.of_kind("problem")
        if not rep.complete or not problems:
            continue
        measures = rep.of_kind("measure")
        flagged = flagged_problems([p.text for p in problems], [m.text for m in measures])
        if flagged is None:
            part.t4_split_mismatch += 1
            continue
        warned, hinted = flagged
        part.t4_reports += 1
        for n, p in enumerate(problems, 1):
            truly = not p.answered_by
            hit = n in warned
            if truly:
                part.t4_unanswered += 1
                part.t4_caught += hit
                part.t4_hinted_unanswered += n in hinted
                if not hit:
                    part.misses.append(Miss(rep.file, p.id, "problem", p.text, p.categories, "t4-missed",
                                            "hinted" if n in hinted else "not flagged"))
            else:
                part.t4_answered += 1
                part.t4_false += hit
                part.t4_hinted_answered += n in hinted
                if hit:
                    part.misses.append(Miss(rep.file, p.id, "problem", p.text, p.categories, "t4-false",
                                            "flagged; answered by " + ", ".join(p.answered_by or ())))


def measure(reports: Sequence[Report], *, t4: bool = True) -> dict[str, PartFigures]:
    """The figures of issue 18's table for each part ("tune", "held") and for both ("all")."""
    in_bank = set(_bank_kinds())
    out: dict[str, PartFigures] = {}
    for name in ("tune", "held", "all"):
        chosen = [r for r in reports if name == "all" or split_of(r) == name]
        part = PartFigures(agencies=len(chosen))
        _measure_items(chosen, part, in_bank)
        if t4:
            _measure_t4(chosen, part)
        out[name] = part
    return out


# --- T4 in detail, tuning part only (--t4-detail) -------------------------------------------------


@dataclass
class T4Case:
    """One problem whose report's measures are visible, with the hand label and what T4 reads."""

    report: Report
    problem: Item
    number: int  # the problem's number in its report, from 1
    problems_text: str  # the report's problems and measures as the product gets them
    measures_text: str

    @property
    def truly_unanswered(self) -> bool:
        return not self.problem.answered_by


def t4_cases(reports: Iterable[Report]) -> list[T4Case]:
    """Every problem T4 could be judged on: of a complete report, or of an incomplete one whose
    measures answer it by the hand label (an unanswered problem of an incomplete report may be
    answered by a measure the page cut off, so it is not counted)."""
    out = []
    for rep in reports:
        problems, measures = rep.of_kind("problem"), rep.of_kind("measure")
        if not measures:
            continue
        ptext = enumerate_items([p.text for p in problems])
        mtext = enumerate_items([m.text for m in measures])
        for n, p in enumerate(problems, 1):
            if p.answered_by is None or (not rep.complete and not p.answered_by):
                continue
            out.append(T4Case(rep, p, n, ptext, mtext))
    return out


def _decision(case: T4Case, conditions: frozenset[str]) -> dict[str, Any]:
    from gkassist.wording.facts import pairing

    return pairing(case.problems_text, case.measures_text, conditions)[case.number - 1]


def _outcome(cases: Sequence[T4Case], decide: Any) -> dict[str, Any]:
    """Catches, false alarms and hints when ``decide(case)`` says "warn", "hint" or "" per problem."""
    out: dict[str, Any] = {"caught": 0, "unanswered": 0, "false": 0, "answered": 0, "hint_u": 0, "hint_a": 0,
                           "lost": [], "alarms": []}
    for c in cases:
        said = decide(c)
        name = f"{c.report.file.removesuffix('.yaml')} {c.problem.id}"
        if c.truly_unanswered:
            out["unanswered"] += 1
            out["caught"] += said == "warn"
            out["hint_u"] += said == "hint"
            if said != "warn":
                out["lost"].append(name)
        else:
            out["answered"] += 1
            out["false"] += said == "warn"
            out["hint_a"] += said == "hint"
            if said == "warn":
                out["alarms"].append(name)
    return out


def _said(decision: dict[str, Any]) -> str:
    if not decision["categories"] or decision["answered_by"]:
        return ""
    return "hint" if decision["maybe_by"] else "warn"


def _pairs(cases: Sequence[T4Case], conditions: frozenset[str]) -> tuple[int, int, int, int]:
    """Labelled answering pairs (problem, measure) T4 reads as answers, as maybe, of all; and the
    pairs it reads as answers that the label does not have."""
    right = maybe = total = wrong = 0
    for c in cases:
        d = _decision(c, conditions)
        ids = [m.id for m in c.report.of_kind("measure")]
        for n, mid in enumerate(ids, 1):
            if mid in (c.problem.answered_by or ()):
                total += 1
                right += n in d["answered_by"]
                maybe += n in d["maybe_by"]
            else:
                wrong += n in d["answered_by"]
    return right, maybe, total, wrong


def _candidates() -> dict[str, Any]:
    """Conditions tried and not kept (docs/wording.md, round 10), each as "silent when": measured on
    top of T4 without the kept conditions, so that each shows what it alone would do."""
    from gkassist.wording import get_bank
    from gkassist.wording.facts import MEASURE_CUTOFF
    from gkassist.wording.items import measure_items
    from gkassist.wording.match import default_matcher
    from gkassist.wording.normalise import normalise

    matcher, bank = default_matcher(), get_bank()

    def scores(m: str) -> dict[str, float]:
        return matcher.category_scores(m, "measure")

    def measures(c: T4Case) -> list[str]:
        return measure_items(c.problems_text, c.measures_text)

    def weak(c: T4Case, d: dict[str, Any]) -> bool:
        found = matcher.classify(d["text"], "problem")
        return bool(found) and found[0].score < 70

    def close(c: T4Case, d: dict[str, Any]) -> bool:
        s = sorted(matcher.category_scores(d["text"], "problem").values(), reverse=True)
        return len(s) > 1 and s[1] >= 0.9 * s[0]

    def near_any(c: T4Case, d: dict[str, Any]) -> bool:
        p = normalise(d["text"])
        return any(30 <= scores(m).get(link.id, 0.0) < MEASURE_CUTOFF and link.fits_problem(p)
                   for cat in d["categories"] for link in bank.category(cat).links for m in measures(c))

    def any_unrecognised(c: T4Case, d: dict[str, Any]) -> bool:
        return any(max(scores(m).values(), default=0.0) < MEASURE_CUTOFF for m in measures(c))

    def unread_clause(c: T4Case, d: dict[str, Any]) -> bool:
        return any(len(cl) >= 8 and max(matcher.category_scores(cl, "measure").values(), default=0.0) < MEASURE_CUTOFF
                   for m in measures(c) for cl in matcher.stock.clauses(m))

    def leftover(c: T4Case, d: dict[str, Any]) -> bool:
        from gkassist.wording.facts import pairing

        ps = pairing(c.problems_text, c.measures_text, frozenset())
        used = {i for x in ps for i in x["answered_by"]}
        open_ = sum(1 for x in ps if x["categories"] and not x["answered_by"])
        return open_ <= len(measures(c)) - len(used)

    return {
        "problem category weak (top < 70)": weak,
        "two problem categories close (second ≥ 0.9 of top)": close,
        "a linked category 30–40 in a measure, link words not required": near_any,
        "any measure no category recognises (general ones too)": any_unrecognised,
        "a measure clause of ≥ 8 content characters no category reads": unread_clause,
        "no more unanswered problems than measures T4 pairs with none": leftover,
    }


def t4_detail(reports: Sequence[Report], *, verbose: bool = False) -> list[str]:
    """What T4 reads on the tuning part, how fragile its decisions are, and what each of the careful
    reader's conditions does (docs/wording.md, round 10). Never on the held-back part."""
    from gkassist.wording.facts import CONDITIONS, MEASURE_CUTOFF, answering, pairing
    from gkassist.wording.items import measure_items
    from gkassist.wording.match import default_matcher
    from gkassist.wording.normalise import normalise

    matcher = default_matcher()
    cases = t4_cases(reports)
    lines = [f"T4 on the tuning part: {len(cases)} problems whose measures are visible "
             f"({sum(c.truly_unanswered for c in cases)} truly unanswered, in complete reports)", ""]
    if verbose:
        for c in cases:
            d = _decision(c, CONDITIONS)
            label = "truly unanswered" if c.truly_unanswered else "answered by " + ", ".join(c.problem.answered_by)
            got = {"warn": "T4 warns", "hint": "T4 hints (unsure)", "": "T4 silent"}[_said(d)]
            cats = ", ".join(f"{m.category} {m.score:.0f}" for m in matcher.classify(d["text"], "problem")) or "—"
            lines.append(f"{c.report.file} {c.problem.id} 「{c.problem.text[:40]}」 {label}; {got}; "
                         f"classify {cats}; pairs on {', '.join(d['categories']) or '—'}")
            for n, m in enumerate(measure_items(c.problems_text, c.measures_text), 1):
                sc = sorted(matcher.category_scores(m, "measure").items(), key=lambda x: -x[1])[:4]
                links = [f"{link.id} {matcher.category_scores(m, 'measure').get(link.id, 0):.0f}"
                         f"{'' if link.fits_problem(normalise(d['text'])) else ' problem-words✗'}"
                         f"{'' if link.fits_measure(normalise(m)) else ' measure-words✗'}"
                         for cat in d["categories"] for link in matcher.bank.category(cat).links]
                mark = ("answers" if n in d["answered_by"] else "maybe" if n in d["maybe_by"] else "—")
                lines.append(f"    m{n} [{mark}] {', '.join(f'{k} {v:.0f}' for k, v in sc) or 'no evidence'}; "
                             f"links {'; '.join(links) or '—'} 「{m[:28]}」")
        lines.append("")

    # fragility: how many recognised answering measures each answered problem rests on, and what a
    # misreading of one of them (its scores scaled) does
    rests: Counter[int] = Counter()
    for c in cases:
        if not c.truly_unanswered:
            rests[len(pairing(c.problems_text, c.measures_text, frozenset())[c.number - 1]["answered_by"])] += 1
    lines.append("answered problems by the number of measures T4 (without the conditions) reads as answering "
                 "them: " + ", ".join(f"{k}: {v}" for k, v in sorted(rests.items())))
    lines.append("one answering measure misread: answered problems then flagged, and how many of them the "
                 "conditions keep from a warning (restated words, or the misread measure left unread)")
    misreadings = {f"its scores × {f}": (lambda k, v, f=f: v * f) for f in (0.8, 0.6, 0.3)}
    misreadings["read as its other categories only (the answering ones lost)"] = None
    for name, scale in misreadings.items():
        flips = kept = 0
        for c in cases:
            if c.truly_unanswered:
                continue
            base = pairing(c.problems_text, c.measures_text, frozenset())[c.number - 1]
            linked = {link.id for cat in base["categories"] for link in matcher.bank.category(cat).links}
            m_items = measure_items(c.problems_text, c.measures_text)
            for n in base["answered_by"]:
                read = [{k: (v if i != n else scale(k, v) if scale else 0.0 if k in linked else v)
                         for k, v in matcher.category_scores(m, "measure").items()} for i, m in enumerate(m_items, 1)]
                cats = [frozenset(k for k, v in sc.items() if v >= MEASURE_CUTOFF) for sc in read]
                if any(answering(base["text"], base["categories"], m, mc) for m, mc in zip(m_items, cats, strict=True)):
                    continue
                flips += 1
                words = any(matcher.restated(base["text"], m) for m in m_items)
                unread = any(0 < max(sc.values(), default=0.0) < MEASURE_CUTOFF for sc in read)
                kept += words or unread
        lines.append(f"  {name}: {flips} flagged, {kept} of them kept from a warning")
    lines.append("")

    # the measure cut-off swept (the conditions on)
    lines.append("| T4 reading | catches (of truly unanswered) | false alarms | hints on unanswered / answered |"
                 " labelled answering pairs read as answers / as maybe (of all) | other pairs read as answers |")
    lines.append("|---|---|---|---|---|---|")

    def row(name: str, conditions: frozenset[str], decide: Any = None) -> None:
        o = _outcome(cases, decide or (lambda c: _said(_decision(c, conditions))))
        right, maybe, total, wrong = _pairs(cases, conditions)
        lines.append(f"| {name} | {o['caught']} of {o['unanswered']} | {o['false']} of {o['answered']}"
                     f"{' (' + ', '.join(o['alarms']) + ')' if o['alarms'] else ''} | {o['hint_u']} / {o['hint_a']}"
                     f"{' (lost: ' + ', '.join(o['lost']) + ')' if o['lost'] else ''} | {right} / {maybe} (of {total}) | {wrong} |")

    row("round 9 (no condition)", frozenset())
    for cond in sorted(CONDITIONS):
        row(f"only {cond}", frozenset({cond}))
        row(f"all but {cond}", CONDITIONS - {cond})
    row("round 10 (all three)", CONDITIONS)
    # the cut-offs swept, the three conditions on (module constants patched, caches cleared)
    from gkassist.wording import facts

    saved = facts.MEASURE_CUTOFF, facts.NEAR_FLOOR
    for cutoff, floor in ((30.0, 20.0), (35.0, 25.0), (45.0, 25.0), (50.0, 25.0), (40.0, 15.0), (40.0, 30.0), (40.0, 35.0)):
        facts.MEASURE_CUTOFF, facts.NEAR_FLOOR = cutoff, floor
        facts.pairing.cache_clear()
        facts._measure_categories.cache_clear()
        row(f"round 10, measure cut-off {cutoff:.0f}, near from {floor:.0f}", CONDITIONS)
    facts.MEASURE_CUTOFF, facts.NEAR_FLOOR = saved
    facts.pairing.cache_clear()
    facts._measure_categories.cache_clear()
    for name, silent in _candidates().items():
        def decide(c: T4Case, silent: Any = silent) -> str:
            d = _decision(c, frozenset())
            said = _said(d)
            return "hint" if said == "warn" and silent(c, d) else said
        row(f"tried: silent when {name}", frozenset(), decide)
    return lines


# --- printing ------------------------------------------------------------------------------------


def _pct(n: int, d: int) -> str:
    # rounded down, one decimal: 112/125 printed as "90%" read as meeting a 90% bar it misses
    return f"{math.floor(1000 * n / d) / 10:.1f}% ({n}/{d})" if d else "—"


def table(part: PartFigures, *, t4: bool = True) -> list[str]:
    p, m = part.kinds["problem"], part.kinds["measure"]
    rows = [
        "| measured on real items | problems | measures |",
        "|---|---|---|",
        f"| top category right (among items some category fits) | {_pct(p.top_right, p.fit)} | {_pct(m.top_right, m.fit)} |",
        f"| no category returned at all | {p.none_returned} of {p.items} ({p.none_returned_fit} fit a category)"
        f" | {m.none_returned} of {m.items} ({m.none_returned_fit} fit a category) |",
        f"| while typing (first {TYPED_CHARS} characters), with what the assistant knows then (``typing_offers``):"
        f" a usable phrasing in the top 3 | {_pct(p.typing_context_usable, p.fit)} | {_pct(m.typing_context_usable, m.fit)} |",
        f"| … the typed text alone (``suggest``) | {_pct(p.typing_usable, p.fit)} ({p.typing_nothing} get nothing)"
        f" | {_pct(m.typing_usable, m.fit)} ({m.typing_nothing} get nothing) |",
        f"| … the context alone, the typed text ignored (``context_offers``) | {_pct(p.context_only_usable, p.fit)}"
        f" | {_pct(m.context_only_usable, m.fit)} |",
        f"| whole item: a usable phrasing in the top 3 | {_pct(p.whole_usable, p.fit)} | {_pct(m.whole_usable, m.fit)} |",
        f"| (items some category fits / of which the bank has an accepted category) | {p.fit} / {p.fit_in_bank}"
        f" | {m.fit} / {m.fit_in_bank} |",
    ]
    if t4:
        rows.append(f"| T4 (a problem with no measure): truly unanswered problems caught | {part.t4_caught} of "
                    f"{part.t4_unanswered}, and {part.t4_false} false alarms (of {part.t4_answered} answered problems; "
                    f"{part.t4_reports} complete reports) | |")
        rows.append(f"| … T4 unsure, a hint instead of a warning: on truly unanswered / on answered problems | "
                    f"{part.t4_hinted_unanswered} / {part.t4_hinted_answered} | |")
        if part.t4_split_mismatch:
            rows.append(f"| (complete reports left out of T4: the product splits their items differently) | "
                        f"{part.t4_split_mismatch} | |")
    return rows


def cause_summary(part: PartFigures) -> list[str]:
    counts = Counter(m.cause.split(" (")[0] for m in part.misses if m.what in ("top", "none"))
    return [f"  {n:3d}  {cause}" for cause, n in counts.most_common()]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--verbose", "-v", action="store_true", help="also print every miss")
    ap.add_argument("--part", choices=("tune", "held", "all", "both"), default="both")
    ap.add_argument("--no-t4", action="store_true", help="skip T4 (it runs the rule engine per report)")
    ap.add_argument("--files", nargs="+", metavar="FILE",
                    help="measure only these reports (file names in the corpus, .yaml optional): "
                         "the first sight of newly added reports before anything is tuned on them")
    ap.add_argument("--t4-detail", action="store_true",
                    help="T4 on the tuning part only: what it reads, how fragile its decisions are, what each "
                         "condition of the careful reader does (with --verbose: every problem and measure)")
    args = ap.parse_args(argv)
    reports = load_corpus()
    if args.t4_detail:
        if args.part not in ("tune", "both") or (args.files and any(
                split_of(r) == "held" for r in reports if r.file in {f if f.endswith(".yaml") else f + ".yaml"
                                                                       for f in args.files})):
            ap.error("--t4-detail reads the tuning part only")
        chosen = [r for r in reports if split_of(r) == "tune"]
        if args.files:
            chosen = [r for r in chosen if r.file in {f if f.endswith(".yaml") else f + ".yaml" for f in args.files}]
        print("\n".join(t4_detail(chosen, verbose=args.verbose)))
        return 0
    if args.files:
        wanted = {f if f.endswith(".yaml") else f + ".yaml" for f in args.files}
        unknown = wanted - {r.file for r in reports}
        if unknown:
            ap.error("not in the corpus: " + ", ".join(sorted(unknown)))
        reports = [r for r in reports if r.file in wanted]
    if args.verbose and args.part in ("held", "all", "both") and any(split_of(r) == "held" for r in reports):
        # the held-back part is measured, never read: its misses would tell what to tune
        ap.error("--verbose lists misses: only with --part tune")
    figures = measure(reports, t4=not args.no_t4)
    n_items = sum(len(r.items) for r in reports)
    print(f"wording corpus: {len(reports)} agencies, {n_items} items "
          f"(tune {figures['tune'].agencies} agencies, held {figures['held'].agencies})")
    parts = ("tune", "held") if args.part == "both" else (args.part,)
    for name in parts:
        part = figures[name]
        print(f"\n## {name} ({part.agencies} agencies; {part.kinds['problem'].items} problems, "
              f"{part.kinds['measure'].items} measures)\n")
        print("\n".join(table(part, t4=not args.no_t4)))
        print("\ncategory misses (top wrong or nothing) by cause:")
        print("\n".join(cause_summary(part)) or "  none")
        if args.verbose:
            print("\nmisses:")
            for m in part.misses:
                print(f"  [{m.what}] {m.report} {m.item} ({m.kind}) 「{m.text[:36]}」 accepted "
                      f"{'/'.join(m.accepted) or '—'}; got {m.got}" + (f"; {m.cause}" if m.cause else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
