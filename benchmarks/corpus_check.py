"""How far `gkassist check` agrees with a careful reviewer on the corpus of real published reports.

Run: .venv/bin/python benchmarks/corpus_check.py [--list] [--json OUT] [CORPUS_DIR]
     .venv/bin/python benchmarks/corpus_check.py --pairs   (last year's folder: tests/corpus/pairs.yaml)

Every report in ``tests/corpus/reports/`` (see its README) is checked in-process with
``gkassist.checking.check_file`` — what ``gkassist check --json FILE`` does per file — and its errors and
warnings are compared with the hand-verified expectation next to it (``<slug>.expected.yaml``,
``findings``). Hints and wording suggestions are left out on both sides.

Matching rule (one-to-one, per file):
  an expected finding and a finding of the checker are the same finding when
  * their codes are equal, and
  * their sections are equal — when both give a section, and
  * their fields share at least one field id — when both give fields.
  Expected findings are taken in the order written; each takes the first unused finding of the checker
  that matches, preferring one whose fields overlap over one that merely has none. A matched pair is a
  true positive; an expected finding left over is a false negative (a miss); a finding of the checker left
  over is a false positive. So a fault the reviewer reports once (a blank 总计 column) and the checker
  reports eleven times counts one true positive and ten false positives.
  A file the checker cannot read counts each of its expected findings as a miss.

Precision = TP / (TP + FP), recall = TP / (TP + FN), per code and over all codes. A code with nothing to
measure prints «—».

``--coverage-from-expectations`` measures the rules alone: each file is checked with the extent fact
(``structure.extent``: format, which sections the file holds) made from its expectation (``format``,
``truncated``, ``sections_seen``) instead of the one the importer works out — what the rules give when
the importer says exactly what the file holds. The figures of record are those without it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "reports"
COUNTED = ("error", "warning")
SEVERITY = {"E": "error", "W": "warning", "H": "hint", "error": "error", "warning": "warning", "hint": "hint"}


@dataclass
class Case:
    """One report of the corpus and what a careful reviewer finds in it."""

    report: Path
    expected: dict[str, Any]

    @property
    def slug(self) -> str:
        return self.report.name.split(".", 1)[0]

    def expected_findings(self) -> list[dict[str, Any]]:
        return [f for f in self.expected.get("findings") or [] if SEVERITY[f["severity"]] in COUNTED]


@dataclass
class Outcome:
    """The comparison for one file."""

    case: Case
    error: str | None  # the checker could not read the file: why
    agency: str | None
    year: int | None
    true_pos: list[tuple[dict[str, Any], Any]] = field(default_factory=list)
    false_pos: list[Any] = field(default_factory=list)  # the checker's findings (gkassist Finding)
    false_neg: list[dict[str, Any]] = field(default_factory=list)  # expected findings


def load_corpus(corpus: Path = CORPUS) -> list[Case]:
    """Every report with its expectation, in name order; a report without one is an error."""
    cases = []
    for path in sorted(corpus.iterdir()):
        if path.name.endswith(".expected.yaml") or path.name.startswith((".", "README")) or path.is_dir():
            continue
        expectation = corpus / f"{path.name.split('.', 1)[0]}.expected.yaml"
        if not expectation.is_file():
            raise SystemExit(f"{path.name}: no expectation file {expectation.name}")
        cases.append(Case(path, yaml.safe_load(expectation.read_text(encoding="utf-8"))))
    return cases


def _compatible(expected: dict[str, Any], found: Any) -> tuple[bool, bool]:
    """(matches, fields overlap) for an expected finding and a checker finding."""
    if expected["code"] != found.code:
        return False, False
    section = expected.get("section")
    if section and found.section and section != found.section:
        return False, False
    want = set(expected.get("fields") or ())
    got = set(found.fields or ())
    if want and got:
        overlap = bool(want & got)
        return overlap, overlap
    return True, False


def compare(case: Case, found: Sequence[Any], error: str | None = None,
            agency: str | None = None, year: int | None = None) -> Outcome:
    """Match the checker's errors and warnings on one file to the expectation (rule in the docstring)."""
    out = Outcome(case, error, agency, year)
    pool = [f for f in found if f.kind == "finding" and f.severity in COUNTED]
    used = [False] * len(pool)
    for exp in case.expected_findings():
        best = None
        for i, f in enumerate(pool):
            if used[i]:
                continue
            ok, overlap = _compatible(exp, f)
            if ok and (best is None or (overlap and not best[1])):
                best = (i, overlap)
                if overlap:
                    break
        if best is None:
            out.false_neg.append(exp)
        else:
            used[best[0]] = True
            out.true_pos.append((exp, pool[best[0]]))
    out.false_pos = [f for i, f in enumerate(pool) if not used[i]]
    return out


def expected_coverage(case: Case) -> dict[str, Any]:
    """The ``structure.extent`` fact a perfect importer would give for this file (from its expectation).

    Sections are in the form's order; a truncated file holds nothing before the first section it
    shows and nothing after the last; the first is held in part when the file starts inside the
    report, the last when it stops inside it (not when it ends with the report's signature). The
    file starts after the report's start when it does not show the title (``meta``).
    """
    from gkassist.form import FORM

    e = case.expected
    numbered = [s.id for s in FORM.sections if s.number]
    cut = e.get("truncated")
    seen = [sid for sid in numbered if sid in (e.get("sections_seen") or ())]
    held = dict.fromkeys(numbered, "whole")
    if cut and seen:
        first, last = numbered.index(seen[0]), numbered.index(seen[-1])
        for i, sid in enumerate(numbered):
            if i < first or i > last:
                held[sid] = "none"
        if "starts inside" in cut or "starts at the last" in cut:
            held[seen[0]] = "part"
        if "signature" not in cut and "end of" not in cut:
            held[seen[-1]] = "part"
    cut_start = bool(cut) and ("meta" not in (e.get("sections_seen") or ()) or "starts" in cut)
    fact: dict[str, Any] = {"kind": "structure.extent", "id": "extent", "format": e["format"],
                            "complete": int(not cut), "cut_start": int(cut_start),
                            "cut_end": int(bool(cut) and "signature" not in cut and "end of" not in cut)}
    for sid in numbered:
        fact[f"seen_{sid}"] = int(held[sid] != "none")
        fact[f"whole_{sid}"] = int(held[sid] == "whole")
    return fact


def run(cases: Iterable[Case], oracle: bool = False) -> list[Outcome]:
    """Check every report in-process and compare (``oracle``: coverage from the expectations)."""
    from gkassist.checking import FileResult, check_file, check_input, load_input

    outcomes = []
    for case in cases:
        if oracle:
            try:
                inp = load_input(str(case.report))
                inp.extra_facts = [f for f in inp.extra_facts if f.get("kind") != "structure.extent"]
                inp.extra_facts.append(expected_coverage(case))
                result = FileResult(str(case.report), inp, check_input(inp))
            except Exception as err:  # noqa: BLE001 — a file the checker cannot read counts as misses
                result = FileResult(str(case.report), None, [], error=str(err))
        else:
            result = check_file(str(case.report))
        inp = result.input
        outcomes.append(compare(case, result.findings, result.error,
                                inp.agency if inp else None, inp.year if inp else None))
    return outcomes


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


def tally(outcomes: Iterable[Outcome]) -> tuple[dict[str, Tally], Tally]:
    """Per code and overall."""
    per: dict[str, Tally] = defaultdict(Tally)
    for o in outcomes:
        for exp, _ in o.true_pos:
            per[exp["code"]].tp += 1
        for f in o.false_pos:
            per[f.code].fp += 1
        for exp in o.false_neg:
            per[exp["code"]].fn += 1
    total = Tally(sum(t.tp for t in per.values()), sum(t.fp for t in per.values()),
                  sum(t.fn for t in per.values()))
    return dict(per), total


def _ratio(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def _code_key(code: str) -> tuple[str, int, str]:
    head = code[0]
    digits = "".join(ch for ch in code[1:] if ch.isdigit())
    return head, int(digits or 0), code


def report(outcomes: Sequence[Outcome], out=sys.stdout, listing: bool = True) -> None:
    per, total = tally(outcomes)
    files = len(outcomes)
    unreadable = [o for o in outcomes if o.error]
    expected = sum(len(o.case.expected_findings()) for o in outcomes)
    out.write(f"corpus: {files} reports, {expected} expected errors and warnings, "
              f"{sum(1 for o in outcomes if o.case.expected.get('truncated'))} truncated, "
              f"{len(unreadable)} not read by the checker\n\n")
    out.write(f"{'code':6} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>10} {'recall':>7}\n")
    for code in sorted(per, key=_code_key):
        t = per[code]
        out.write(f"{code:6} {t.tp:4} {t.fp:4} {t.fn:4} {_ratio(t.precision):>10} {_ratio(t.recall):>7}\n")
    out.write(f"{'all':6} {total.tp:4} {total.fp:4} {total.fn:4} "
              f"{_ratio(total.precision):>10} {_ratio(total.recall):>7}\n")
    no_identity = [o for o in outcomes if not o.error and (not o.agency or not o.year)]
    out.write(f"\nagency and year read: {files - len(unreadable) - len(no_identity)} of {files}; "
              f"without one of them: {', '.join(o.case.slug for o in no_identity) or 'none'}\n")
    if not listing:
        return
    if unreadable:
        out.write("\nnot read by the checker:\n")
        for o in unreadable:
            out.write(f"  {o.case.report.name}: {o.error}\n")
    out.write("\nfalse positives (the checker reports, a careful reviewer does not):\n")
    for o in outcomes:
        for f in o.false_pos:
            fields = f" [{', '.join(f.fields[:3])}{'…' if len(f.fields) > 3 else ''}]" if f.fields else ""
            out.write(f"  {o.case.report.name}  {f.code} {f.severity} {f.section}{fields}  {f.message}\n")
    out.write("\nfalse negatives (a careful reviewer reports, the checker misses):\n")
    for o in outcomes:
        for exp in o.false_neg:
            out.write(f"  {o.case.report.name}  {exp['code']} {exp.get('section', '')}  {exp.get('why', '')}\n")


def as_json(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    per, total = tally(outcomes)

    def t(x: Tally) -> dict[str, Any]:
        return {"tp": x.tp, "fp": x.fp, "fn": x.fn, "precision": x.precision, "recall": x.recall}

    return {
        "per_code": {code: t(x) for code, x in sorted(per.items(), key=lambda kv: _code_key(kv[0]))},
        "all": t(total),
        "files": [
            {"file": o.case.report.name, "error": o.error, "agency": o.agency, "year": o.year,
             "false_positives": [{"code": f.code, "section": f.section, "fields": list(f.fields),
                                  "message": f.message} for f in o.false_pos],
             "false_negatives": [{"code": e["code"], "section": e.get("section"), "why": e.get("why")}
                                 for e in o.false_neg]}
            for o in outcomes
        ],
    }


# --- last year's folder (tests/corpus/pairs.yaml) --------------------------------------------------

PAIRS = ROOT / "tests" / "corpus" / "pairs.yaml"


def load_pairs(path: Path = PAIRS) -> list[dict[str, Any]]:
    """The folder-against-folder runs of the corpus: this year's and last year's reports, the expected
    pairing and Y findings (the file's header says how they were written)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))["runs"]


def report_file(slug: str, corpus: Path = CORPUS) -> Path:
    found = [p for p in corpus.glob(slug + ".*") if not p.name.endswith(".expected.yaml")]
    if len(found) != 1:
        raise FileNotFoundError(f"{slug}: {found}")
    return found[0]


def _stem(path: str | None) -> str | None:
    return Path(path).name.rsplit(".", 1)[0] if path else None


@dataclass
class PairRun:
    """What the folder check gave on one run: this year's report → last year's (or None), the Y
    findings as (report, code), last year's reports left without this year's, the folder's C1 pairs."""

    name: str
    paired: dict[str, str | None]
    y: list[tuple[str, str]]
    orphans: set[str]
    copies: list[tuple[str, str]]


def check_pair_run(run: dict[str, Any], workdir: Path, corpus: Path = CORPUS) -> PairRun:
    """Copy the run's reports into this year's and last year's folders under ``workdir`` and check
    the one against the other as a reviewer does (``gkassist check THIS --previous LAST --json``)."""
    import io
    import shutil

    from gkassist.checking import run_check

    folders = {}
    for side in ("this_year", "previous"):
        folders[side] = workdir / side
        folders[side].mkdir(parents=True)
        for slug in run[side]:
            shutil.copy(report_file(slug, corpus), folders[side])
    out = io.StringIO()
    run_check([str(folders["this_year"])], previous=str(folders["previous"]), as_json=True, out=out,
              progress=False, workers=1)
    data = json.loads(out.getvalue())
    data = data if isinstance(data, list) else [data]
    reports = [d for d in data if "file" in d]
    folder = next((d for d in data if "file" not in d), {})
    return PairRun(
        run["name"],
        {_stem(d["file"]): _stem(d.get("previous")) for d in reports},
        sorted((_stem(d["file"]), f["code"]) for d in reports for f in d["findings"] if f["code"].startswith("Y")),
        {_stem(f) for f in folder.get("orphans", [])},
        [(_stem(c["file"]), _stem(c["other_file"])) for c in folder.get("copies", [])],
    )


def report_pairs(runs: Sequence[dict[str, Any]], out=sys.stdout) -> None:
    """The folder check's figures on the pairs: right pairs, wrong pairings, missed pairs, Y findings."""
    import tempfile

    right = wrong = missed = kept_apart = y_right = y_false = y_missed = copies = 0
    lines = []
    for run in runs:
        with tempfile.TemporaryDirectory() as tmp:
            got = check_pair_run(run, Path(tmp))
        for this, last in run["pairs"].items():
            found = got.paired.get(this)
            if last is not None and found == last:
                right += 1
            elif last is None and found is None:
                kept_apart += 1
            elif found is not None:
                wrong += 1
                lines.append(f"  {run['name']}: {this} paired with {found}, expected {last or 'none'}")
            else:
                missed += 1
                lines.append(f"  {run['name']}: {this} left unpaired, expected {last}")
        want = sorted(tuple(x) for x in run["y"])
        y_right += len(set(want) & set(got.y))
        y_false += len(set(got.y) - set(want))
        y_missed += len(set(want) - set(got.y))
        lines += [f"  {run['name']}: {r} {c} (not expected)" for r, c in sorted(set(got.y) - set(want))]
        copies += len(got.copies)
        lines += [f"  {run['name']}: C1 {a} / {b}" for a, b in got.copies]
    expected = sum(1 for run in runs for v in run["pairs"].values() if v)
    out.write(f"pairs: {len(runs)} folder runs, {expected} expected pairs\n")
    out.write(f"  right {right}, wrong pairings {wrong}, missed {missed}; kept apart as expected {kept_apart}\n")
    out.write(f"  Y findings: right {y_right}, false {y_false}, missed {y_missed}; C1 in this year's folders {copies}\n")
    for line in lines:
        out.write(line + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    parser.add_argument("--summary", action="store_true", help="figures only, no list of false findings")
    parser.add_argument("--json", type=Path, help="also write the figures and lists to this JSON file")
    parser.add_argument("--coverage-from-expectations", action="store_true",
                        help="the rules alone: take what each file holds from its expectation, not from the importer")
    parser.add_argument("--pairs", action="store_true",
                        help="the folder check on the year-to-year pairs of tests/corpus/pairs.yaml instead")
    args = parser.parse_args(argv)
    if args.pairs:
        report_pairs(load_pairs())
        return 0
    outcomes = run(load_corpus(args.corpus), oracle=args.coverage_from_expectations)
    report(outcomes, listing=not args.summary)
    if args.json:
        args.json.write_text(json.dumps(as_json(outcomes), ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
