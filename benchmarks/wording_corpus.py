"""Standard wording measured on real section 五 items: the corpus of record (tests/corpus/section5/).

Run: .venv/bin/python benchmarks/wording_corpus.py [--verbose] [--part tune|held|all] [--no-t4]

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
  ``answered_by`` is empty; caught = flagged among those; false alarms = flagged among the others.

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
    args = ap.parse_args(argv)
    reports = load_corpus()
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
