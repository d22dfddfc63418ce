"""``gkassist check``: check sessions and published reports, print findings, set the exit code.

Each input becomes a :class:`CheckInput` through :func:`load_input` — a session (id or JSON file)
or a published report (txt / html …), read by ``sources.read_source`` — and is checked by the
engine. Output: per file, findings grouped by section in report order (most severe first within a
section) and a one-line summary; then a total. ``--json`` prints the shape documented in
docs/internals.md (one object for one file, an array for several). A folder stands for the files
in it. Results are printed as they come and then dropped: the program's memory does not grow with
the number of files (issue 14: ~40 KB a file were kept until the end). Exit codes: 1 errors found; otherwise 2 when a file could not be read (the other files are still
checked); otherwise 0.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from gkassist.engine import check, evaluator
from gkassist.errors import UserError
from gkassist.findings import SEVERITIES, Finding, by_section, label_of, severity_labels
from gkassist.form import FORM
from gkassist.phrases import say
from gkassist.rulebook import RuleFileError, default_rulebook
from gkassist.sources import read_source
from gkassist.text import fold

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2


class InputUnreadable(UserError):
    """A file given to ``check`` cannot be read as a session or a report; says why."""


@dataclass
class CheckInput:
    """One report to check, whatever it was read from."""

    answers: Mapping[str, Any]
    previous: Mapping[str, Any] | None = None
    notes: Mapping[str, str] = field(default_factory=dict)
    extra_facts: list[dict[str, Any]] = field(default_factory=list)
    source: dict[str, Any] = field(default_factory=dict)  # {"file", "kind": "session" | "report", …}
    agency: str | None = None
    year: int | None = None
    problems: list[str] = field(default_factory=list)  # parts that could not be read (shown, not fatal)
    # required fields a session has not answered yet: rules about them stay silent, so say so
    unanswered: list[str] = field(default_factory=list)
    # a read report's own sub-headings and their order per prose section (the rules read whole
    # sections in that order: T8 on the report's own numbering)
    outline: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class FileResult:
    file: str
    input: CheckInput | None
    findings: list[Finding]
    error: str | None = None  # the file could not be read: why

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity and f.kind == "finding")


# --- reading ------------------------------------------------------------------------------------


def load_input(ref: str | Path) -> CheckInput:
    """A session (id or JSON file) or a published report (txt / html), ready to check."""
    path = Path(ref).expanduser()
    if path.is_dir():
        raise InputUnreadable(say("checks", "check_empty_folder", path=path))
    try:
        src = read_source(ref)
    except UserError as err:
        raise InputUnreadable(str(err)) from None
    if src.report is not None:
        # a published report is judged as printed: its bad cells too (rule N1 names them, so
        # they are no "could not read" of their own) and its structure (the S rules)
        return CheckInput(
            answers=src.report.answers_as_printed(),
            notes=src.notes,
            extra_facts=list(src.report.structure_facts),
            source=src.source,
            agency=src.agency,
            year=src.year,
            problems=src.report.unreadable_besides_invalid(),
            outline=getattr(src, "outline", None) or {},
        )
    return CheckInput(
        answers=src.answers_as_printed(),
        previous=src.previous,
        notes=src.notes,
        source=src.source,
        agency=src.agency,
        year=src.year,
        unanswered=[f.id for f in FORM.required_fields() if FORM.value(f.id, src.answers) is None],
        outline=getattr(src, "outline", None) or {},
    )


@dataclass(frozen=True)
class PreviousReport:
    """Last year's report given with ``--previous``: its answers, and whose and which year it is."""

    answers: Mapping[str, Any]
    agency: str | None
    year: int | None
    file: str = ""


def load_previous(ref: str | Path) -> PreviousReport:
    """Last year's report from a session or a published report (``--previous``)."""
    try:
        src = read_source(ref)
    except UserError as err:
        raise InputUnreadable(str(err)) from None
    return PreviousReport(src.answers, src.agency, src.year, str(ref))


# the shortest agency name that may stand for a longer one it ends (「洪江区科技和工业信息化局」 is
# 「怀化市洪江区科技和工业信息化局」; 「财政局」 is every county's)
_SHORT_NAME = 5


def same_agency(a: str, b: str) -> bool:
    """Whether two printed agency names name the same organ: equal once punctuation and spaces are
    folded, or the one the other with its region in front."""
    x, y = fold(a), fold(b)
    if x == y:
        return True
    short, long = sorted((x, y), key=len)
    return len(short) >= _SHORT_NAME and long.endswith(short)


def pair_fact(inp: CheckInput, previous: PreviousReport) -> dict[str, Any]:
    """The ``previous.pair`` fact (rule Y0 in rules/previous.yaml): is ``previous`` this agency's
    report of the year before?"""
    known = bool(inp.agency and previous.agency and inp.year and previous.year)
    return {
        "kind": "previous.pair", "id": "previous.pair", "section": "meta",
        "known": known,
        "same_agency": known and same_agency(inp.agency or "", previous.agency or ""),
        "year_before": known and previous.year == (inp.year or 0) - 1,
        "agency": inp.agency or "", "previous_agency": previous.agency or "",
        "year": str(inp.year or ""), "previous_year": str(previous.year or ""),
        "expected_year": str((inp.year or 0) - 1) if inp.year else "",
        "previous_file": Path(previous.file).name,
    }


# --- checking -----------------------------------------------------------------------------------


def check_input(inp: CheckInput, previous: PreviousReport | Mapping[str, Any] | None = None) -> list[Finding]:
    """The findings of one input. Last year's report given with ``--previous`` (a
    ``PreviousReport``) is compared only when it is this agency's report of the year before;
    otherwise rule Y0 says why, and no Y1–Y3 finding is made against it."""
    extra = list(inp.extra_facts)
    if isinstance(previous, PreviousReport):
        pair = pair_fact(inp, previous)
        extra.append(pair)
        previous = previous.answers if pair["same_agency"] and pair["year_before"] else None
    return check(
        inp.answers,
        previous=previous if previous is not None else inp.previous,
        extra_facts=extra,
        notes=inp.notes,
        outline=inp.outline,
    )


def check_file(ref: str, previous: PreviousReport | Mapping[str, Any] | None = None) -> FileResult:
    try:
        inp = load_input(ref)
    except InputUnreadable as err:
        return FileResult(ref, None, [], error=str(err))
    except RuleFileError:
        raise  # the rule files are wrong for every file: stop, saying what to fix
    except Exception as err:  # a bug met on one file must not stop a reviewer's run over hundreds
        return FileResult(ref, None, [], error=_internal_error(ref, err))
    try:
        return FileResult(ref, inp, check_input(inp, previous))
    except RuleFileError:
        raise
    except Exception as err:
        return FileResult(ref, None, [], error=_internal_error(ref, err))


def _internal_error(ref: str, err: Exception) -> str:
    """Log the traceback of an unexpected error on one file; say so in one Chinese sentence."""
    from gkassist.files import log_crash

    log = log_crash(err, kind="check-error", context=ref)
    where = say("checks", "check_log_written", log=log) if log else say("checks", "check_log_failed")
    return say("checks", "check_internal_error", where=where)


# from this many files on, checking uses every core (a process each: the engine is single-threaded)
PARALLEL_FROM = 16


def check_files(files: Sequence[str], previous: PreviousReport | Mapping[str, Any] | None = None,
                workers: int | None = None) -> list[FileResult]:
    """Check many files, in input order; ``workers`` processes (default: one per core when many)."""
    return list(_check_each(check_file, files, previous, workers))


def iter_check(files: Sequence[str], previous: PreviousReport | Mapping[str, Any] | None = None,
               workers: int | None = None) -> Iterator[FileResult]:
    """The results of :func:`check_files` one at a time, in input order, each holding only what the
    output prints (no answers, facts or outline): what ``gkassist check`` streams."""
    return _check_each(_check_for_output, files, previous, workers)


def _check_for_output(ref: str, previous: PreviousReport | Mapping[str, Any] | None = None) -> FileResult:
    result = check_file(ref, previous)
    inp = result.input
    if inp is None:
        return result
    slim = CheckInput(answers={}, agency=inp.agency, year=inp.year, problems=list(inp.problems),
                      unanswered=list(inp.unanswered))
    return FileResult(result.file, slim, result.findings, result.error)


def _check_each(one: Callable[..., FileResult], files: Sequence[str], previous: Any,
                workers: int | None) -> Iterator[FileResult]:
    if workers is None:
        workers = (os.cpu_count() or 1) if len(files) >= PARALLEL_FROM else 1
    workers = max(1, min(workers, len(files)))
    if workers == 1:
        yield from (one(ref, previous) for ref in files)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    chunk = max(1, min(32, len(files) // (workers * 4)))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        # map yields in input order and lets go of each result once yielded
        yield from pool.map(one, files, [previous] * len(files), chunksize=chunk)


# --- output -------------------------------------------------------------------------------------


def _section_title(section_id: str) -> str:
    try:
        s = FORM.section(section_id)
    except KeyError:
        return section_id
    return s.heading or s.title


def _counts_text(count: Callable[[str], int]) -> str:
    labels = severity_labels()
    return say("checks", "comma").join(say("checks", "check_count", label=labels[s], n=count(s)) for s in SEVERITIES)


def _summary_text(result: FileResult) -> str:
    suggestions = sum(1 for f in result.findings if f.kind != "finding")
    if not suggestions:
        return _counts_text(result.count)
    tail = say("checks", "check_suggestions", label=severity_labels()["suggestion"], n=suggestions)
    return _counts_text(result.count) + say("checks", "comma") + tail


def _unanswered_text(field_ids: Sequence[str]) -> str:
    by_section: dict[str, int] = {}
    for fid in field_ids:
        section = FORM.field(fid).section
        by_section[section] = by_section.get(section, 0) + 1
    parts = [say("checks", "check_unanswered_section", section=_section_title(sid), n=n) for sid, n in by_section.items()]
    return say("checks", "check_unanswered", n=len(field_ids), sections=say("checks", "comma").join(parts))


def _who(result: FileResult) -> str:
    inp = result.input
    if inp is None:
        return result.file
    name = inp.agency or say("checks", "check_no_agency")
    year = say("checks", "check_year", year=inp.year) if inp.year else ""
    return say("checks", "check_who", name=name, year=year, file=result.file)


def write_text(results: Iterable[FileResult], out: TextIO) -> None:
    """Each result as it comes (then it may go), and after several files their total."""
    files = with_errors = unreadable = 0
    totals = dict.fromkeys(SEVERITIES, 0)
    for i, result in enumerate(results):
        files += 1
        if result.error is not None:
            unreadable += 1
        else:
            with_errors += bool(result.count("error"))
            for s in SEVERITIES:
                totals[s] += result.count(s)
        if i:
            out.write("\n")
        if result.error is not None:
            out.write(f"■ {result.file}\n  {say('checks', 'check_cannot_read', error=result.error)}\n")
            continue
        out.write(f"■ {_who(result)}\n")
        assert result.input is not None
        for problem in result.input.problems:
            out.write(f"  {say('checks', 'check_not_read', problem=problem)}\n")
        if result.input.unanswered:
            what = _unanswered_text(result.input.unanswered)
            out.write(f"  {say('checks', 'check_not_answered', what=what)}\n")
        for section, findings in by_section(result.findings):
            out.write(f"  {_section_title(section)}\n")
            for f in findings:
                out.write(f"    {label_of(f)} {f.code}  {f.message}\n")
        if not result.findings:
            out.write(f"  {say('checks', 'check_nothing_found')}\n")
        summary = say("checks", "check_summary", file=Path(result.file).name, counts=_summary_text(result))
        out.write(f"  {summary}\n")
    if files > 1:
        total = say("checks", "check_total", files=files, with_errors=with_errors, unreadable=unreadable,
                    totals=_counts_text(totals.__getitem__))
        out.write(f"\n{total}\n")


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def result_json(result: FileResult) -> dict[str, Any]:
    inp = result.input
    out: dict[str, Any] = {
        "file": result.file,
        "agency": inp.agency if inp else None,
        "year": inp.year if inp else None,
        "findings": [
            {
                "code": f.code,
                "severity": f.severity,
                "fields": list(f.fields),
                "message": f.message,
                "section": f.section,
                "kind": f.kind,
                "numbers": {k: _json_value(v) for k, v in f.numbers.items()},
            }
            for f in result.findings
        ],
        "summary": {s: result.count(s) for s in SEVERITIES},
    }
    if result.error is not None:
        out["error"] = result.error
    if inp is not None and inp.problems:
        out["unreadable"] = list(inp.problems)
    if inp is not None and inp.unanswered:
        out["unanswered"] = list(inp.unanswered)
    return out


def write_json(results: Iterable[FileResult], out: TextIO) -> None:
    """One object for one file, else an array written an element at a time (the same text as
    ``json.dumps(array, indent=2)``)."""
    it = iter(results)
    first = next(it, None)
    second = next(it, None)
    if first is None or second is None:
        data: Any = result_json(first) if first is not None else []
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    out.write("[")
    for k, result in enumerate(itertools.chain((first, second), it)):
        item = json.dumps(result_json(result), ensure_ascii=False, indent=2).replace("\n", "\n  ")
        out.write(("," if k else "") + "\n  " + item)
    out.write("\n]\n")


def exit_code(results: Iterable[FileResult]) -> int:
    """1 when errors were found (an unreadable file among many must not hide them), else 2 when
    some file could not be read, else 0."""
    errors = unreadable = False
    for r in results:
        errors = errors or bool(r.count("error"))
        unreadable = unreadable or r.error is not None
    return EXIT_ERRORS if errors else EXIT_UNREADABLE if unreadable else EXIT_OK


class _Tally:
    """Passes results on and remembers what the exit code needs of them (not the results)."""

    def __init__(self) -> None:
        self.code = EXIT_OK

    def watch(self, results: Iterable[FileResult]) -> Iterator[FileResult]:
        for r in results:
            self.code = max(self.code, exit_code([r]), key=[EXIT_OK, EXIT_UNREADABLE, EXIT_ERRORS].index)
            yield r


def expand(files: Sequence[str]) -> list[str]:
    """Files as given; a folder stands for every file in it and its subfolders (hidden ones skipped)."""
    out: list[str] = []
    for ref in files:
        path = Path(ref).expanduser()
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            out.extend(str(p) for p in found)
            if not found:
                out.append(ref)  # reported as unreadable: an empty folder is worth saying
        else:
            out.append(ref)
    return out


def run_check(files: Sequence[str], previous: str | None = None, as_json: bool = False,
              out: TextIO | None = None) -> int:
    """``gkassist check``: check every file, print the findings, return the exit code."""
    out = out or sys.stdout
    default_rulebook()  # a malformed rule file stops the run here, before any file is read
    evaluator()  # so does a GKASSIST_ENGINE naming an engine that cannot run
    prev_answers = None
    if previous is not None:
        try:
            prev_answers = load_previous(previous)
        except InputUnreadable as err:
            raise InputUnreadable(say("checks", "check_previous_unreadable", path=previous, error=err)) from None
    tally = _Tally()
    results = tally.watch(iter_check(expand(files), prev_answers))
    if as_json:
        write_json(results, out)
    else:
        write_text(results, out)
    return tally.code
