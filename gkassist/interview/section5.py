"""Section 五 in the interview, without a screen: items, standard wording while typing, last year.

The wording layer (``gkassist.wording``) knows the bank, the matching and the paragraph template;
this module is what the interview does with it:

- the user writes problems and measures as *items*, one per line; they are kept in the session's
  workbench (``section5``) and assembled into the report's paragraphs (一是…二是…, 下一步…);
- while a line is being typed, ``assist`` works out what to offer under the editor: the closest
  standard phrasings, with the agency's own 自称 and years filled in and table numbers pre-filled;
  on an empty line, the problems the tables point to (rules W1–W6) or the measures that answer the
  problems not yet answered; on a line with ``{slots}``, what each slot wants;
- last year's problems are walked through one by one (what was done, how far it got, the result)
  and written into the 上年度问题整改情况 paragraph.

Plain Python (no Textual): ``Flow`` calls it when a step of 五 is answered, the screen calls
``assist`` in a thread worker. Nothing here is imported before the user reaches 五.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from gkassist import similarity
from gkassist.interview.script import load_script
from gkassist.text import FULL_STOPS, LEADING_MARKER_RE, SENTENCE_END, SLOT_RE, strip_marker
from gkassist.wording import (
    RectificationEntry,
    assemble_section5,
    auto_values,
    classify,
    copied_from_last_year,
    fill,
    get_bank,
    measure_items,
    pairing,
    prefill,
    problem_items,
    problem_title,
    rectification_title,  # noqa: F401 - the flow names last year's problem through this module
    split_items,
    table_categories,
    typing_offers,
    unfilled_slots,
)
from gkassist.wording.bank import STATUSES
from gkassist.wording.normalise import normalise

WORKBENCH_KEY = "section5"
ITEM_KEYS = {"problem": "problems", "measure": "measures"}  # item kind -> workbench key and field id
WALK_PARTS = ("action", "status", "reason", "result")
MAX_OFFERS = 4  # more do not fit under the editor without pushing the conversation off screen

Say = Callable[..., str]


# --- the workbench -------------------------------------------------------------------------------


def workbench(state: Any) -> dict[str, Any]:
    """A copy of 五's scratch in the session (the caller changes it and hands it back whole)."""
    return copy.deepcopy(dict(state.workbench.get(WORKBENCH_KEY) or {}))


def _text(mapping: Mapping[str, Any] | None, fid: str) -> str:
    value = (mapping or {}).get(fid)
    return value if isinstance(value, str) else ""


def items_of(state: Any, kind: str) -> list[str]:
    """This year's items of ``kind``: as kept in the workbench, else split from the saved answer
    (a 五 written as prose, or imported, becomes items the first time it is edited as items)."""
    wb = state.workbench.get(WORKBENCH_KEY) or {}
    key = ITEM_KEYS[kind]
    if key in wb:
        return list(wb[key])
    problems, measures = _text(state.answers, "problems"), _text(state.answers, "measures")
    if kind == "problem":
        return problem_items(problems, measures) if problems.strip() else []
    return measure_items(problems, measures) if (problems.strip() or measures.strip()) else []


def parse_items(text: str) -> list[str]:
    """The items the user wrote: one per line; a pasted 「一是…二是…」 line counts as its items."""
    out: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        parts = split_items(line)
        # split_items also trims an opening 「…：」; only an enumeration of two or more is split
        out.extend(parts if len(parts) >= 2 else [strip_marker(line).strip()])
    return [item for item in out if item]


def paragraph(kind: str, items: Sequence[str], answers: Mapping[str, Any]) -> str:
    """The report's paragraph for the items (opener, 一是…二是…, the right tense for measures)."""
    agency, year = answers.get("meta.agency"), answers.get("meta.year")
    if kind == "problem":
        return assemble_section5(problems=items, agency=agency, year=year).problems
    return assemble_section5(measures=items, agency=agency, year=year).measures


def copy_threshold() -> float:
    """How close a sentence must be to last year's to count as copied: rule Y3's own threshold."""
    from gkassist.rulebook import default_rulebook

    return default_rulebook().similarity_threshold("Y3")


def copies(items: Sequence[str], previous: Mapping[str, Any] | None) -> list[tuple[int, similarity.SentenceMatch]]:
    """(item number from 1, the match) for items that repeat last year's 五 almost word for word."""
    out = []
    for n, item in enumerate(items, 1):
        found = copied_from_last_year(item, previous, threshold=copy_threshold())
        if found:
            out.append((n, found[0]))
    return out


# --- offers while typing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    """One phrasing to offer under the editor."""

    text: str  # as it will be inserted: 自称 and years filled, table numbers pre-filled, {slots} left
    label: str  # the bank category's label
    note: str = ""  # why it is offered (「据表格数字」「回应第 1 条问题」), in Chinese, or ""
    category: str = ""
    key: str = ""  # the bank's phrasing ("timeliness/2")


@dataclass(frozen=True)
class Context:
    """What ``assist`` needs besides the editor's text: a snapshot taken on the main thread."""

    kind: str  # "problem" | "measure"
    items_mode: bool  # one item per line (else: free prose, offers complete the clause)
    answers: Mapping[str, Any]
    previous: Mapping[str, Any] | None
    findings: tuple[Any, ...] = ()
    problems: tuple[str, ...] = ()  # this year's problems, which the measures should answer


@dataclass(frozen=True)
class Assist:
    """What to show under the editor for the line the cursor is on."""

    text: str  # the editor's text this was computed for (stale results are dropped)
    row: int
    span: tuple[int, int]  # columns of the line an offer replaces
    offers: list[Offer] = field(default_factory=list)
    slots: list[tuple[str, str]] = field(default_factory=list)  # unfilled slots of the line, with hints
    copy: similarity.SentenceMatch | None = None  # the line repeats last year's text
    done: bool = False  # the line reads as a finished item: nothing to offer


@lru_cache(maxsize=256)
def categories(item: str, kind: str) -> tuple[str, ...]:
    """The bank categories of a written item (cached: every keystroke re-reads the other lines)."""
    return tuple(c.category for c in classify(item, kind))


def auto_fill(text: str, answers: Mapping[str, Any]) -> str:
    """``text`` with the slots the assistant fills itself (自称, 报告年度, 下一年度) filled."""
    return fill(text, auto_values(answers.get("meta.agency"), answers.get("meta.year")))


def _wanted(problem: str) -> set[str]:
    bank = get_bank()
    return {m for c in categories(problem, "problem") for m in bank.category(c).measures}


def _first_answered(problems: Sequence[str], measure_category: str) -> int | None:
    for n, p in enumerate(problems, 1):
        if measure_category in _wanted(p):
            return n
    return None


def _span(line: str, col: int, items_mode: bool) -> tuple[int, int]:
    if items_mode:
        return 0, len(line)
    # free prose: the clause being typed, from the last sentence or clause break to the cursor;
    # its 「二是」 stays, the offer replaces what follows it
    start = max(line.rfind(ch, 0, col) for ch in SENTENCE_END) + 1
    marker = LEADING_MARKER_RE.match(line[start:col])  # (「^」 would not match at a pos > 0)
    return start + (marker.end() if marker else 0), col


def assist(ctx: Context, text: str, row: int, col: int, say: Say) -> Assist:
    """What to offer for the line at ``row`` (the cursor at ``col``) of the editor's ``text``."""
    lines = text.split("\n")
    line = lines[row] if 0 <= row < len(lines) else ""
    span = _span(line, min(col, len(line)), ctx.items_mode)
    bank = get_bank()
    slots = [(name, bank.hint(name)) for name in unfilled_slots(line)]
    long_enough = len(normalise(line)) >= similarity.MIN_SENTENCE_CHARS
    found = copied_from_last_year(line, ctx.previous, threshold=copy_threshold()) if long_enough else []
    base = Assist(text=text, row=row, span=span, slots=slots, copy=found[0] if found else None)
    if slots:
        return base  # the user is filling in a phrasing: say what the slots want, offer nothing else
    query = strip_marker(line[span[0] : span[1]]).strip()
    others = [x for i, x in enumerate(lines) if i != row and x.strip()]
    if ctx.items_mode and query.endswith(tuple(FULL_STOPS)):
        return Assist(text=text, row=row, span=span, copy=base.copy, done=True)
    above = [strip_marker(x).strip() for x in lines[:row] if x.strip()]
    taken = {x.strip() for x in others}
    offers = [o for o in _offers(ctx, query, above, say) if o.text not in taken][:MAX_OFFERS]
    return Assist(text=text, row=row, span=span, offers=offers, copy=base.copy)


def _offers(ctx: Context, query: str, above: Sequence[str], say: Say) -> list[Offer]:
    """What the typed text matches, then what the context makes likely (the wording layer's
    ``typing_offers``): the measures answering the next problem no measure answers yet, the
    problems the tables point to, the common ones. None has a table's 0 in it (``offered``)."""
    codes = _table_codes(ctx.findings)
    found = typing_offers(query, ctx.kind, MAX_OFFERS + 2, per_category=2, answers=ctx.answers,
                          problems=ctx.problems, written=above, from_tables=list(codes))
    out = []
    for s in found:
        if s.reason == "answers" or (ctx.kind == "measure" and (n := _first_answered(ctx.problems, s.category))):
            note = say("offer_note_answers", n=s.problem if s.reason == "answers" else n)
        elif s.reason == "tables":
            note = say("offer_note_data", code=codes.get(s.category, ""))
        elif s.reason == "common":
            note = say("offer_note_common")
        else:
            note = ""
        # the tables' numbers in their slots (``suggest`` leaves them to the caller)
        out.append(Offer(auto_fill(prefill(s.key, ctx.answers), ctx.answers), s.label, note, s.category, s.key))
    return out


def _table_codes(findings: Sequence[Any]) -> dict[str, str]:
    """Problem category → the code of the data-driven rule (W1–W6) that points to it, in order."""
    codes: dict[str, str] = {}
    for f in findings:
        for category in table_categories([f]):
            codes.setdefault(category, f.code)
    return codes


def slot_at(line: str, after: int) -> tuple[int, int] | None:
    """Columns of the first ``{slot}`` of ``line`` starting at or after ``after`` (wrapping round)."""
    spans = [(m.start(), m.end()) for m in SLOT_RE.finditer(line)]
    if not spans:
        return None
    return next((s for s in spans if s[0] >= after), spans[0])


# --- last year's problems ----------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _previous_items(problems: str, measures: str) -> tuple[str, ...]:
    return tuple(problem_items(problems, measures)) if problems.strip() else ()


def previous_problems(previous: Mapping[str, Any] | None) -> list[str]:
    """Last year's problem items (from its answers, imported or typed)."""
    return list(_previous_items(_text(previous, "problems"), _text(previous, "measures")))


def planned_measures(previous: Mapping[str, Any] | None) -> list[list[str]]:
    """For each of last year's problems, the short titles of last year's measures that answer it."""
    problems, measures = _text(previous, "problems"), _text(previous, "measures")
    if not problems.strip():
        return []
    m_items = measure_items(problems, measures)
    out = []
    for p in pairing(problems, measures):
        out.append([problem_title(m_items[i - 1], limit=24) for i in p["answered_by"] if i <= len(m_items)])
    return out


LISTED_KEY = "previous_problems"  # workbench key: last year's problems as the officer listed them


def listed_problems(state: Any) -> list[str]:
    """Last year's problems as the officer wrote them down (no report of last year to read them from)."""
    listed = (state.workbench.get(WORKBENCH_KEY) or {}).get(LISTED_KEY)
    return [str(p) for p in listed] if isinstance(listed, list) else []


def walk_problems(state: Any) -> list[str]:
    """The problems the walk goes through: last year's report's, else those the officer listed."""
    return previous_problems(state.previous) or listed_problems(state)


def walk_entries(state: Any) -> list[dict[str, str]]:
    """One entry per problem of last year, with what the user has said about it so far."""
    saved = {e.get("problem"): e for e in workbench(state).get("rectification") or [] if isinstance(e, dict)}
    return [dict(saved.get(p) or {"problem": p}) for p in walk_problems(state)]


def no_problems_last_year(answers: Mapping[str, Any]) -> str:
    """The rectification paragraph when last year's report listed no problems (the bank's sentence)."""
    return assemble_section5(rectification=[], agency=answers.get("meta.agency"), year=answers.get("meta.year")).rectification


def walk_parts(entries: Sequence[Mapping[str, str]]) -> list[tuple[int, str]]:
    """The questions of the walk in order: (problem index, part); 「reason」 only for 未完成."""
    out = []
    for i, e in enumerate(entries):
        for part in WALK_PARTS:
            if part != "reason" or e.get("status") == "not_done":
                out.append((i, part))
    return out


def walk_open(entries: Sequence[Mapping[str, str]]) -> tuple[int, str] | None:
    """The first question of the walk not answered yet (the result counts once asked, even empty)."""
    return next(((i, part) for i, part in walk_parts(entries) if part not in entries[i]), None)


def rectification_entries(entries: Sequence[Mapping[str, str]]) -> list[RectificationEntry]:
    """The entries that can be written: what was done and how far it got (and why not, if not)."""
    out = []
    for e in entries:
        status = e.get("status")
        if not e.get("action") or status not in STATUSES or (status == "not_done" and not e.get("reason")):
            continue
        out.append(RectificationEntry(e["problem"], e["action"], status, e.get("result", ""), e.get("reason", "")))
    return out


def rectification_paragraph(entries: Sequence[Mapping[str, str]], answers: Mapping[str, Any]) -> str:
    ready = rectification_entries(entries)
    if not ready:
        return ""
    return assemble_section5(rectification=ready, agency=answers.get("meta.agency"), year=answers.get("meta.year")).rectification


def parse_status(text: str) -> str | None:
    """「1」「已完成」「持续推进」「未完成」… → done | ongoing | not_done; None if it says none."""
    t = text.strip().rstrip("。.")
    if t in ("1", "2", "3", "１", "２", "３"):
        return STATUSES[int(t.translate(str.maketrans("１２３", "123"))) - 1]
    labels = get_bank().phrases.statuses
    words = load_script().phrases["status_words"]
    for key in ("not_done", "ongoing", "done"):  # in this order: 「未完成」 contains 「完成」
        if t in (labels[key].label, labels[key].text) or any(str(w) in t for w in words[key]):
            return key
    return None
