"""``gkassist check``: check sessions and published reports, print findings, set the exit code.

Each input becomes a :class:`CheckInput` through :func:`load_input` — a session (id or JSON file)
or a published report (txt / html / docx / PDF …), read by ``sources.read_source`` — and is
checked by the engine. Output: per file, findings grouped by section in report order (most severe
first within a section) and a one-line summary; then a total. ``--json`` prints the shape
documented in docs/internals.md (one object for one file, an array for several). A folder stands
for the files in it. Exit codes: 1 errors found; otherwise 2 when a file could not be read (the
other files are still checked); otherwise 0; 130 when the run was interrupted (Ctrl+C) — what was
checked until then is still printed and written.

A batch streams: each file is checked in a worker process (one per core), which sends back a
compact :class:`~gkassist.review.summary.Outcome`; text and JSON are printed as outcomes arrive,
the ``--html`` page and the ``--xlsx`` workbook are filled as they arrive, so the main process's
memory does not grow with the number of files. Over a folder, passages shared between different
agencies' reports are found (C1, ``review.copies``); ``--previous`` may be last year's folder, each
report then paired with its agency's report of the year before (``review.pairing``) and compared
through the pair check (rule Y0) like a single ``--previous`` file.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Any, TextIO

from gkassist.engine import check, evaluator
from gkassist.errors import UserError
from gkassist.findings import SEVERITIES, Finding, by_section, label_of, severity_labels
from gkassist.form import FORM
from gkassist.importer.meta import CONTACT_NOTE
from gkassist.phrases import say
from gkassist.review.pairing import ChosenPrevious, Known, PreviousIndex, same_agency
from gkassist.review.summary import Item, Outcome, section_title, table_values
from gkassist.rulebook import RuleFileError, default_rulebook
from gkassist.sources import read_source

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
    same_office: bool = False  # the folder check found it as this report's drafting office's (find_office)


def load_previous(ref: str | Path) -> PreviousReport:
    """Last year's report from a session or a published report (``--previous``)."""
    try:
        src = read_source(ref)
    except UserError as err:
        raise InputUnreadable(str(err)) from None
    return PreviousReport(src.answers, src.agency, src.year, str(ref))


__all__ = ["same_agency"]  # the pair check's reading of agency names (review.pairing), kept importable here


def pair_fact(inp: CheckInput, previous: PreviousReport) -> dict[str, Any]:
    """The ``previous.pair`` fact (rule Y0 in rules/previous.yaml): is ``previous`` this agency's
    report of the year before?"""
    known = bool(inp.agency and previous.agency and inp.year and previous.year)
    return {
        "kind": "previous.pair", "id": "previous.pair", "section": "meta",
        "known": known,
        "same_agency": known and (previous.same_office or same_agency(inp.agency or "", previous.agency or "")),
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
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class Wants:
    """What the outputs need of each report besides its findings."""

    values: bool = False  # the tables' numbers (--html, --xlsx)
    prose: bool = False  # the text of the sections findings touch (--html)
    sentences: bool = False  # comparable sentences (C1, a folder)


def check_outcome(index: int, ref: str, previous: PreviousReport | PreviousIndex | Mapping[str, Any] | None = None,
                  wants: Wants = Wants()) -> Outcome:
    """Check one file of a batch: an :class:`Outcome`, never an exception (but for the rule files,
    which are wrong for every file). With last year's folder (``PreviousIndex``) the report is
    compared with its agency's report found there."""
    try:
        inp = load_input(ref)
    except InputUnreadable as err:
        return Outcome(index, ref, error=str(err))
    except RuleFileError:
        raise
    except Exception as err:  # a bug met on one file must not stop a reviewer's run over thousands
        return Outcome(index, ref, error=_internal_error(ref, err))
    previous_file = by_office = None
    try:
        if isinstance(previous, PreviousIndex):
            known = previous.find(inp.agency, inp.year)
            previous = None
            if known is not None:
                previous_file = known.file
                by_office = known.agency if known.office else None
                try:
                    previous = load_previous(known.file)
                    if known.office:
                        previous = replace(previous, same_office=True)
                except InputUnreadable:
                    previous = None
        findings = check_input(inp, previous)
        out = _outcome(index, ref, inp, findings, wants, previous_file)
        out.previous_agency = by_office
        return out
    except RuleFileError:
        raise
    except Exception as err:
        return Outcome(index, ref, error=_internal_error(ref, err))


def _outcome(index: int, ref: str, inp: CheckInput, findings: list[Finding], wants: Wants,
             previous_file: str | None) -> Outcome:
    items = [Item(f.code, f.severity, f.section, tuple(f.fields), f.message, f.kind, tuple(f.numbers.items()))
             for f in findings]
    out = Outcome(index, ref, inp.agency, inp.year, problems=list(inp.problems), unanswered=list(inp.unanswered),
                  findings=items, previous_file=previous_file, named=_named(inp.notes))
    if wants.values:
        out.values = table_values(dict(inp.answers))
    if wants.prose:
        for section in {f.section for f in findings}:
            texts = [inp.answers.get(f.id) for f in FORM.section_fields(section) if f.kind == "prose"] \
                if section in _SECTION_IDS else []
            text = "\n".join(t for t in texts if isinstance(t, str) and t.strip())
            if text:
                out.prose[section] = text
    if wants.sentences:
        from gkassist.review.copies import pack, sentences_of

        out.sentences = pack(sentences_of(dict(inp.answers), inp.agency))
    return out


_SECTION_IDS = frozenset(s.id for s in FORM.sections)


@dataclass
class _Batch:
    """What every worker of a batch needs (set once per process)."""

    previous: PreviousReport | PreviousIndex | Mapping[str, Any] | None = None
    wants: Wants = Wants()


_BATCH = _Batch()


def _start_worker(batch: _Batch) -> None:
    global _BATCH
    _BATCH = batch
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the main process's to handle


def _check_job(job: tuple[int, str]) -> Outcome:
    return check_outcome(job[0], job[1], _BATCH.previous, _BATCH.wants)


def _identify_job(job: tuple[int, str]) -> Known:
    try:
        src = read_source(job[1])
    except Exception:  # noqa: BLE001 - a report that cannot be read simply has no identity
        return Known(job[1], None, None)
    return Known(job[1], src.agency, src.year, named=_named(src.notes))


def _named(notes: Mapping[str, str]) -> bool:
    """Whether a report names its organ (not only the office it gives for questions)."""
    return notes.get("meta.agency") != CONTACT_NOTE


def _settled(outcomes: Iterator[Outcome], prev: PreviousIndex, wants: Wants) -> Iterator[Outcome]:
    """The outcomes of a folder checked against last year's folder, with the pairs only the whole
    folder can settle: a report left unpaired whose division's report of last year is there under
    another name (``PreviousIndex.find_office``) waits to the end, and is checked against it when no
    other report of the folder took that report by its own name. What was held is given back, as it
    was, if the run is interrupted."""
    held: list[tuple[Outcome, Known]] = []
    used: set[str] = set()
    try:
        for outcome in outcomes:
            if outcome.previous_file:
                used.add(outcome.previous_file)
            elif outcome.error is None and (known := prev.find_office(outcome.agency, outcome.year, outcome.named)):
                held.append((outcome, known))
                continue
            yield outcome
    except KeyboardInterrupt:
        yield from (outcome for outcome, _ in held)
        raise
    claims: dict[str, int] = {}
    for _, known in held:
        claims[known.file] = claims.get(known.file, 0) + 1
    for outcome, known in held:
        if known.file in used or claims[known.file] > 1:
            yield outcome
        else:
            yield check_outcome(outcome.index, outcome.file, ChosenPrevious(known), wants)


def _run(jobs: Sequence[str], fn: Callable, batch: _Batch, workers: int | None) -> Iterator[Any]:
    """``fn`` over the files, in input order, streamed: one process per core from PARALLEL_FROM
    files on (forked after the rule book and engine are loaded, so that every worker starts warm)."""
    if workers is None:
        workers = (os.cpu_count() or 1) if len(jobs) >= PARALLEL_FROM else 1
    workers = max(1, min(workers, len(jobs)))
    if workers == 1:
        global _BATCH
        saved, _BATCH = _BATCH, batch
        try:
            for job in enumerate(jobs):
                yield fn(job)
        finally:
            _BATCH = saved
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    if context.get_start_method() == "fork":
        _warm()  # what each worker would load on its first files, loaded once and shared
    chunks = _chunks(list(enumerate(jobs)), workers)
    pool = context.Pool(workers, initializer=_start_worker, initargs=(batch,))
    import gc

    gc.unfreeze()  # the workers are forked: this process collects as usual again
    try:
        # a bounded window of chunks in flight: results wait for this process only that long, so
        # its memory does not grow when writing the outputs is slower than checking
        pending: deque = deque(pool.apply_async(_chunk_job, (fn, c)) for c in islice(chunks, workers * _WINDOW))
        while pending:
            done = pending.popleft().get()
            nxt = next(chunks, None)
            if nxt is not None:
                pending.append(pool.apply_async(_chunk_job, (fn, nxt)))
            yield from done
        pool.close()
    finally:
        pool.terminate()  # an interrupted batch (Ctrl+C) stops its workers at once
        pool.join()


_WINDOW = 4  # chunks in flight per worker


def _chunks(numbered: list[tuple[int, str]], workers: int) -> Iterator[list[tuple[int, str]]]:
    """The jobs in chunks, in order: small enough to keep results (and the progress bar) flowing,
    big enough to cost little; and smaller towards the end (a share of what is left), so that
    the workers finish together rather than one waiting while the other checks a whole chunk."""
    start, total = 0, len(numbered)
    while start < total:
        size = max(1, min(32, total // (workers * 16), (total - start) // (workers * 4)))
        yield numbered[start:start + size]
        start += size


def _chunk_job(fn: Callable, jobs: list[tuple[int, str]]) -> list:
    return [fn(job) for job in jobs]


def _warm() -> None:
    """Load, before the workers are forked, what checking loads lazily on first use — the layout
    readers and their libraries, the wording bank, the engine's compiled rules, the importer's and
    the features' caches — by reading and checking a small report made from the form's own
    headings; then freeze the loaded objects, so that the workers' garbage collector never walks
    (and so copies) them (the parent unfreezes once they are forked). Not cn2an: the numerals of
    list markers are read without it (``gkassist.text.SMALL_NUMERALS``), and a worker that meets
    another imports it then."""
    import gc

    from gkassist.importer import docx_layout, html_layout, read_report_text, text_layout  # noqa: F401

    lines = [FORM.title("示范市示范局", 2024), FORM.standard_preamble("示范市示范局", 2024)]
    lines += [s.heading or "" for s in FORM.sections if s.number]
    lines += [f"{r.label} 0 0 0 0 0 0 0" for r in FORM.requests_rows]
    try:
        report = read_report_text("\n".join(lines), "<warm>")
        check(report.answers_as_printed(), extra_facts=list(report.structure_facts), outline=report.outline)
    except Exception:  # noqa: BLE001 - warming is an optimisation: a real file reports any fault itself
        pass
    gc.collect()
    gc.freeze()


def iter_outcomes(files: Sequence[str], previous: PreviousReport | PreviousIndex | Mapping[str, Any] | None = None,
                  wants: Wants = Wants(), workers: int | None = None) -> Iterator[Outcome]:
    """Check many files; outcomes in input order, as they are ready."""
    return _run(files, _check_job, _Batch(previous, wants), workers)


def check_files(files: Sequence[str], previous: PreviousReport | Mapping[str, Any] | None = None,
                workers: int | None = None) -> list[Outcome]:
    """Check many files, in input order; ``workers`` processes (default: one per core when many)."""
    return list(iter_outcomes(files, previous, workers=workers))


def index_previous(files: Sequence[str], progress: Progress | None = None) -> PreviousIndex:
    """Last year's folder: every report's agency and year, read in parallel."""
    index = PreviousIndex()
    for known in _run(files, _identify_job, _Batch(), None):
        index.add(known)
        if progress is not None:
            progress.step()
    return index


class Progress:
    """A progress bar on stderr for batches, drawn only when stderr is a terminal."""

    def __init__(self, total: int, label: str, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.total, self.label, self.done = total, label, 0
        self.stream = stream or sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = enabled if enabled is not None else bool(isatty and isatty())
        self.start = self._last = time.monotonic()

    def step(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if self.enabled and (now - self._last >= 0.1 or self.done >= self.total):
            self._last = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        width = 30
        share = self.done / self.total if self.total else 1.0
        bar = "█" * int(share * width) + "░" * (width - int(share * width))
        spent = now - self.start
        left = spent / self.done * (self.total - self.done) if self.done else 0.0
        self.stream.write(say("checks", "check_progress", label=self.label, bar=bar, done=self.done,
                              total=self.total, spent=round(spent), left=round(left)) + "\r")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.done:
            self.stream.write("\n")
            self.stream.flush()


# --- output -------------------------------------------------------------------------------------



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
    parts = [say("checks", "check_unanswered_section", section=section_title(sid), n=n) for sid, n in by_section.items()]
    return say("checks", "check_unanswered", n=len(field_ids), sections=say("checks", "comma").join(parts))


def _who(result: FileResult | Outcome) -> str:
    agency, year = (result.input.agency, result.input.year) if isinstance(result, FileResult) and result.input \
        else (getattr(result, "agency", None), getattr(result, "year", None))
    name = agency or say("checks", "check_no_agency")
    year_text = say("checks", "check_year", year=year) if year else ""
    return say("checks", "check_who", name=name, year=year_text, file=result.file)


def _problems(result: FileResult | Outcome) -> tuple[list[str], list[str]]:
    if isinstance(result, FileResult):
        return (list(result.input.problems), list(result.input.unanswered)) if result.input else ([], [])
    return result.problems, result.unanswered


def write_one(result: FileResult | Outcome, out: TextIO, first: bool = True) -> None:
    """One file's findings as text."""
    out.write(_one_text(result, first))


def _one_text(result: FileResult | Outcome, first: bool) -> str:
    # one string, one write: the output stream escapes what it cannot take line by line, and a
    # batch writes some 15 lines for each of thousands of reports
    lines = [""] if not first else []
    if result.error is not None:
        lines += [f"■ {result.file}", f"  {say('checks', 'check_cannot_read', error=result.error)}", ""]
        return "\n".join(lines)
    lines.append(f"■ {_who(result)}")
    problems, unanswered = _problems(result)
    lines += [f"  {say('checks', 'check_not_read', problem=problem)}" for problem in problems]
    if unanswered:
        lines.append(f"  {say('checks', 'check_not_answered', what=_unanswered_text(unanswered))}")
    previous_file = getattr(result, "previous_file", None)
    if previous_file and getattr(result, "previous_agency", None):
        lines.append(f"  {say('checks', 'check_compared_by_office', file=previous_file, agency=result.previous_agency)}")
    elif previous_file:
        lines.append(f"  {say('checks', 'check_compared_with', file=previous_file)}")
    for section, findings in by_section(result.findings):
        lines.append(f"  {section_title(section)}")
        lines += [f"    {label_of(f)} {f.code}  {f.message}" for f in findings]
    if not result.findings:
        lines.append(f"  {say('checks', 'check_nothing_found')}")
    summary = say("checks", "check_summary", file=Path(result.file).name, counts=_summary_text(result))
    lines += [f"  {summary}", ""]
    return "\n".join(lines)


@dataclass
class Totals:
    """The batch's running totals (for the last line and the exit code)."""

    files: int = 0
    unreadable: int = 0
    with_errors: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEVERITIES, 0))

    def add(self, result: FileResult | Outcome) -> None:
        self.files += 1
        if result.error is not None:
            self.unreadable += 1
            return
        self.with_errors += bool(result.count("error"))
        for s in SEVERITIES:
            self.counts[s] += result.count(s)

    def text(self) -> str:
        return say("checks", "check_total", files=self.files, with_errors=self.with_errors,
                   unreadable=self.unreadable, totals=_counts_text(lambda s: self.counts[s]))

    def exit_code(self) -> int:
        if self.with_errors:
            return EXIT_ERRORS
        return EXIT_UNREADABLE if self.unreadable else EXIT_OK


def write_text(results: Sequence[FileResult | Outcome], out: TextIO) -> None:
    totals = Totals()
    for i, result in enumerate(results):
        write_one(result, out, first=i == 0)
        totals.add(result)
    if len(results) > 1:
        out.write(f"\n{totals.text()}\n")


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def result_json(result: FileResult | Outcome) -> dict[str, Any]:
    agency, year = (result.input.agency, result.input.year) if isinstance(result, FileResult) and result.input \
        else (getattr(result, "agency", None), getattr(result, "year", None))
    if isinstance(result, FileResult) and result.input is None:
        agency = year = None
    out: dict[str, Any] = {
        "file": result.file,
        "agency": agency,
        "year": year,
        "findings": [
            {
                "code": f.code,
                "severity": f.severity,
                "fields": list(f.fields),
                "message": f.message,
                "section": f.section,
                "kind": f.kind,
                "numbers": {k: _json_value(v) for k, v in dict(f.numbers).items()},
            }
            for f in result.findings
        ],
        "summary": {s: result.count(s) for s in SEVERITIES},
    }
    if result.error is not None:
        out["error"] = result.error
    problems, unanswered = _problems(result)
    if problems:
        out["unreadable"] = list(problems)
    if unanswered:
        out["unanswered"] = list(unanswered)
    if getattr(result, "previous_file", None):
        out["previous"] = result.previous_file
        if getattr(result, "previous_agency", None):
            out["previous_agency"] = result.previous_agency  # paired as the same division's report
    return out


def write_json(results: Sequence[FileResult | Outcome], out: TextIO) -> None:
    data: Any = result_json(results[0]) if len(results) == 1 else [result_json(r) for r in results]
    out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def exit_code(results: Sequence[FileResult | Outcome]) -> int:
    """1 when errors were found (an unreadable file among many must not hide them), else 2 when
    some file could not be read, else 0."""
    totals = Totals()
    for r in results:
        totals.add(r)
    return totals.exit_code()


def expand(files: Sequence[str]) -> list[str]:
    """Files as given; a folder stands for every file in it and its subfolders (hidden ones skipped)."""
    out: list[str] = []
    for ref in files:
        path = Path(ref).expanduser()
        if path.is_dir():
            found = _files_under(str(path))
            out.extend(found)
            if not found:
                out.append(ref)  # reported as unreadable: an empty folder is worth saying
        else:
            out.append(ref)
    return out


def _files_under(folder: str) -> list[str]:
    """The files in ``folder`` and its subfolders, hidden ones and those in hidden folders skipped,
    in the order of their paths' parts; a link to a folder is not followed (as ``Path.rglob``).
    Directory entries, not ``Path`` objects: listing, testing and sorting 5,000 files as paths
    took a seventh of a second before the first report could be checked."""
    found: list[tuple[tuple[str, ...], str]] = []
    pending = [(folder, ())]
    while pending:
        where, parts = pending.pop()
        try:
            with os.scandir(where) as entries:
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    try:
                        # (``Path`` drops a leading 「./」: so must we, the paths are printed)
                        child = entry.name if where == "." else entry.path
                        if entry.is_dir(follow_symlinks=False):
                            pending.append((child, (*parts, entry.name)))
                        elif entry.is_file():
                            found.append(((*parts, entry.name), child))
                    except OSError:
                        continue
        except OSError:  # a subfolder that cannot be listed is skipped, as rglob skips it
            continue
    found.sort()
    return [path for _, path in found]


class _JsonStream:
    """``--json`` as outcomes arrive: one object for one file, else an array (the folder's own
    object — C1 pairs, last year's pairing — last, when there is one)."""

    def __init__(self, out: TextIO, many: bool) -> None:
        self.out, self.many, self.n = out, many, 0

    def add(self, data: dict[str, Any]) -> None:
        text = json.dumps(data, ensure_ascii=False, indent=2)
        if not self.many:
            self.out.write(text + "\n")
        else:
            self.out.write(("[\n" if self.n == 0 else ",\n") + text)
        self.n += 1

    def close(self) -> None:
        if self.many:
            self.out.write("[\n]\n" if self.n == 0 else "\n]\n")


def _copy_json(pair: Any) -> dict[str, Any]:
    return {"code": "C1", "file": pair.file, "agency": pair.agency or None, "other_file": pair.other_file,
            "other_agency": pair.other_agency or None, "chars": pair.chars, "message": pair.message(),
            "sentences": [{"sentence": s.sentence, "other": s.other, "score": s.score} for s in pair.shared]}


def run_check(files: Sequence[str], previous: str | None = None, as_json: bool = False,
              out: TextIO | None = None, *, html: str | None = None, xlsx: str | None = None,
              progress: bool | None = None, workers: int | None = None) -> int:
    """``gkassist check``: check every file, print the findings (as they come), write the page and
    the workbook, return the exit code."""
    out = out or sys.stdout
    default_rulebook()  # a malformed rule file stops the run here, before any file is read
    evaluator()  # so does a GKASSIST_ENGINE naming an engine that cannot run
    jobs = expand(files)
    many = len(jobs) > 1
    if many:
        from gkassist.review.copies import copy_rules

        copy_rules()  # and a malformed rules/folder/copies.yaml
    prev: PreviousReport | PreviousIndex | None = None
    prev_files: list[str] = []
    if previous is not None:
        if Path(previous).expanduser().is_dir():
            prev_files = expand([previous])
            if prev_files == [previous]:  # an empty folder: no report of last year to pair with
                raise InputUnreadable(say("checks", "check_previous_unreadable", path=previous,
                                          error=say("checks", "check_empty_folder", path=previous)))
            bar = Progress(len(prev_files), say("checks", "check_progress_previous"), enabled=progress)
            try:
                prev = index_previous(prev_files, bar)
            finally:
                bar.close()
        else:
            try:
                prev = load_previous(previous)
            except InputUnreadable as err:
                raise InputUnreadable(say("checks", "check_previous_unreadable", path=previous, error=err)) from None
    wants = Wants(values=bool(html or xlsx), prose=bool(html), sentences=many)
    page = book = copies = None
    if html:
        from gkassist.review.page import ReviewPage

        page = ReviewPage(Path(html).expanduser())
    if xlsx:
        from gkassist.review.workbook import ReviewWorkbook

        book = ReviewWorkbook(Path(xlsx).expanduser())
    if many:
        from gkassist.review.copies import CopyIndex

        copies = CopyIndex()
    stream = _JsonStream(out, many) if as_json else None
    totals = Totals()
    pairing: dict[str, Any] | None = {"paired": 0, "unpaired": [], "rows": [], "used": set()} \
        if isinstance(prev, PreviousIndex) else None
    bar = Progress(len(jobs), say("checks", "check_progress_label"), enabled=progress)
    interrupted = False
    guard = _WholeReports()
    flushed = -_FLUSH_EVERY
    try:
        with guard:
            outcomes = iter_outcomes(jobs, prev, wants, workers)
            for outcome in _settled(outcomes, prev, wants) if isinstance(prev, PreviousIndex) else outcomes:
                with guard.one_report():
                    if stream is not None:
                        stream.add(result_json(outcome))
                    else:
                        write_one(outcome, out, first=totals.files == 0)
                        if (now := time.monotonic()) >= flushed + _FLUSH_EVERY:
                            out.flush()  # output read as it comes, without a write to the OS per report
                            flushed = now
                    totals.add(outcome)
                    if page is not None:
                        page.add(outcome)
                    if book is not None:
                        book.add(outcome)
                    if copies is not None:
                        copies.add(outcome.index, outcome.file, outcome.agency, outcome.sentences)
                    if pairing is not None and outcome.error is None:
                        pairing["rows"].append((outcome.file, outcome.agency, outcome.year, outcome.previous_file))
                        if outcome.previous_file:
                            pairing["paired"] += 1
                            pairing["used"].add(outcome.previous_file)
                        else:
                            pairing["unpaired"].append(outcome.index)
                    bar.step()
    except KeyboardInterrupt:
        interrupted = True  # what was checked is still printed and written below
    finally:
        bar.close()
    pairs = copies.pairs() if copies is not None else []
    if copies is not None:
        copies.close()
    if pairing is not None:
        assert isinstance(prev, PreviousIndex)
        pairing["orphans"] = [] if interrupted else [k for k in prev.reports if k.file not in pairing["used"]]
    if stream is not None:
        folder: dict[str, Any] = {}
        if pairs:
            folder["copies"] = [_copy_json(p) for p in pairs]
        if pairing is not None:
            folder["unpaired"] = [jobs[i] for i in pairing["unpaired"]]
            folder["orphans"] = [k.file for k in pairing["orphans"]]
        if interrupted:
            folder["interrupted"] = {"checked": totals.files, "files": len(jobs)}
        if folder and many:
            stream.add({"kind": "folder", **folder})
        stream.close()
    else:
        _write_folder_text(out, pairs, pairing, jobs)
        if many or interrupted:
            out.write(f"\n{totals.text()}\n")
        if interrupted:
            out.write(say("checks", "check_interrupted", checked=totals.files, files=len(jobs)) + "\n")
    if page is not None:
        page.write(copies=pairs, pairing=pairing, interrupted=interrupted, total=len(jobs),
                   roots=[str(f) for f in files])
    if book is not None:
        book.write(copies=pairs, pairing=pairing, interrupted=interrupted)
    return EXIT_INTERRUPTED if interrupted else totals.exit_code()


_FLUSH_EVERY = 0.2  # seconds


class _WholeReports:
    """Ctrl+C while one report's results are being written takes effect once they all are, so
    that the text, the page, the workbook and the totals hold the same reports (raised half-way,
    a report could be printed but not counted). Waiting for the next report is still interrupted
    at once. Only where Python runs signal handlers (the main thread), and only in place of
    Python's own SIGINT handler (a caller's handler is left alone)."""

    def __init__(self) -> None:
        self.busy = self.pending = False
        self.saved: Any = None

    def __enter__(self) -> _WholeReports:
        if threading.current_thread() is threading.main_thread() \
                and signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            self.saved = signal.signal(signal.SIGINT, self._handler)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.saved is not None:
            signal.signal(signal.SIGINT, self.saved)
            self.saved = None

    def _handler(self, signum: int, frame: Any) -> None:
        if self.busy:
            self.pending = True
        else:
            raise KeyboardInterrupt

    @contextmanager
    def one_report(self) -> Iterator[None]:
        self.busy = True
        try:
            yield
        finally:
            self.busy = False
        if self.pending:
            raise KeyboardInterrupt


def _write_folder_text(out: TextIO, pairs: list, pairing: dict[str, Any] | None, jobs: Sequence[str]) -> None:
    """The folder's own findings after the files: C1 pairs, then last year's pairing."""
    if pairs:
        from gkassist.review.copies import copy_rules

        label = severity_labels()[copy_rules().severity]
        out.write(f"\n■ {say('checks', 'check_copies_title', n=len(pairs))}\n")
        for pair in pairs:
            out.write(f"  {label} C1  {pair.message()}\n")
    if pairing is None:
        return
    out.write(f"\n■ {say('checks', 'check_pairing_title', paired=pairing['paired'], unpaired=len(pairing['unpaired']))}\n")
    for index in pairing["unpaired"]:
        out.write(f"  {say('checks', 'check_unpaired', file=jobs[index])}\n")
    for known in pairing.get("orphans", []):
        out.write(f"  {say('checks', 'check_orphan', file=known.file, agency=known.agency or '—')}\n")
