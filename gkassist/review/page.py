"""``gkassist check … --html FILE``: a reviewer's one-page overview of a checked folder.

One self-contained HTML file (no network: styles inline, charts as inline SVG, printable on A4):
the findings by code and severity, the reports ranked by errors, the folder's aggregates —
applications received and handled, the results, 复议 / 诉讼 and their correction rates — with the
reports far from their peers marked (Tukey's fences on the folder's quartiles), the passages
shared between agencies (C1), last year's pairing, and one section per report whose findings link
to the cell or paragraph they are about.

Built with Jinja (``templates/review.html.j2``, autoescaped: every printed name and sentence is
data). Memory stays flat in the number of reports: each report's section is rendered when its
outcome arrives and written to a temporary file; the page keeps a :class:`Summary` per report and
the counts, and at the end writes the head, the sections and the tail.
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from statistics import median, quantiles
from typing import Any

import jinja2

from gkassist.findings import SEVERITIES, by_section, severity_labels
from gkassist.form import FORM
from gkassist.review.summary import (
    RESULT_GROUPS,
    Figures,
    Outcome,
    Summary,
    number_fields,
    section_title,
    shown,
    value_of,
)

_ENUM = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
_TAIL = re.compile(r"（[^（）]*）$")
# metrics compared with the peers: name → (label, how to read it off the figures, is a rate)
METRICS = {
    "received": ("本年新收申请", lambda f: f.received, False),
    "handled": ("本年办理结果总计", lambda f: f.handled, False),
    "open": ("公开率（予以公开与部分公开占办理结果）", lambda f: f.rate("open"), True),
    "review": ("行政复议纠错率", lambda f: f.rate("review"), True),
    "litigation": ("行政诉讼纠错率", lambda f: f.rate("litigation"), True),
}
_MIN_PEERS = 8  # fewer reports with a figure than this: no one is marked as far from the others
_PROSE_SHOWN = 400  # characters of a section's text shown as a finding's evidence


@cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("gkassist.review", "templates"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
    )
    env.filters["shown"] = shown
    env.filters["pct"] = lambda x: "—" if x is None else f"{x * 100:.1f}%"
    return env


def result_label(group: str) -> str:
    row = next(r for r in FORM.requests_rows if r.is_result and r.id.split(".")[0] == group)
    label = row.path[1] if len(row.path) > 1 else row.label
    return _TAIL.sub("", _ENUM.sub("", label))



@dataclass
class _Row:
    """A table row shown as a finding's evidence: its label and cells (field id, column, value)."""

    key: str
    table: str
    label: str
    cells: list[tuple[str, str, str]]


def _row_of(fid: str) -> tuple[str, str]:
    f = FORM.field(fid)
    return f.table or f.section, f"{f.table}.{f.row or fid}"


@cache
def _rows() -> dict[str, list[str]]:
    """Row key → its fields in the form's order."""
    out: dict[str, list[str]] = {}
    for fid in number_fields():
        out.setdefault(_row_of(fid)[1], []).append(fid)
    return out


def evidence(outcome: Outcome) -> tuple[list[_Row], list[tuple[str, str, str]], dict[int, str]]:
    """The rows and paragraphs the findings touch, and each finding's anchor (index → id)."""
    rows: dict[str, _Row] = {}
    prose: dict[str, tuple[str, str, str]] = {}
    anchors: dict[int, str] = {}
    base = f"r{outcome.index}"
    for k, f in enumerate(outcome.findings):
        cells = [fid for fid in f.fields if fid in FORM.fields and FORM.field(fid).is_number
                 and FORM.field(fid).section in ("active", "requests", "review")]
        if cells and outcome.values is not None:
            for fid in cells:
                table, key = _row_of(fid)
                if key not in rows:
                    ids = _rows()[key]
                    label = FORM.field(ids[0]).label.rsplit("·", 1)[0] if "·" in FORM.field(ids[0]).label else FORM.field(ids[0]).label
                    rows[key] = _Row(key, table, label, [
                        (x, FORM.field(x).label.rsplit("·", 1)[-1], shown(value_of(outcome.values, x))) for x in ids])
            anchors[k] = f"{base}-{cells[0]}"
        elif f.section in outcome.prose:
            if f.section not in prose:
                text = outcome.prose[f.section]
                cut = text if len(text) <= _PROSE_SHOWN else text[:_PROSE_SHOWN] + "……"
                prose[f.section] = (f"{base}-{f.section}", section_title(f.section), cut)
            anchors[k] = f"{base}-{f.section}"
    table_order = {s.id: i for i, s in enumerate(FORM.sections)}
    ordered = sorted(rows.values(), key=lambda r: (table_order.get(r.table, 99), list(_rows()).index(r.key)))
    return ordered, list(prose.values()), anchors


@dataclass
class Marked:
    """A report far from its peers on one figure."""

    index: int
    agency: str
    file: str
    metric: str
    value: float
    median: float
    direction: str  # "high" | "low"


def far_from_peers(summaries: list[Summary]) -> tuple[list[Marked], dict[str, dict[str, float]]]:
    """Reports outside Tukey's fences (Q1 − 1.5·IQR, Q3 + 1.5·IQR) of the folder's values of a
    figure; and each figure's quartiles. A figure needs ``_MIN_PEERS`` reports that print it."""
    marked: list[Marked] = []
    stats: dict[str, dict[str, float]] = {}
    for name, (_, read, _) in METRICS.items():
        vals = [(s, v) for s in summaries if s.figures is not None and (v := read(s.figures)) is not None]
        if len(vals) < _MIN_PEERS:
            continue
        q1, q2, q3 = quantiles([v for _, v in vals], n=4, method="inclusive")
        iqr = q3 - q1
        lo, hi = q1 - 1.5 * iqr, q3 + 1.5 * iqr
        stats[name] = {"q1": q1, "median": q2, "q3": q3, "low": lo, "high": hi, "n": len(vals)}
        for s, v in vals:
            if v > hi or v < lo:
                marked.append(Marked(s.index, s.agency or "", s.file, name, v, q2, "high" if v > hi else "low"))
    return marked, stats


class ReviewPage:
    """The page, built as outcomes arrive (``add``) and written once (``write``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.summaries: list[Summary] = []
        self.by_code: Counter[tuple[str, str]] = Counter()
        self.titles: dict[str, str] = {}
        self._sections = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed by write()
        self._section = _env().get_template("report_section.html.j2")

    def add(self, outcome: Outcome) -> None:
        summary = Summary.of(outcome)
        self.summaries.append(summary)
        for f in outcome.findings:
            if f.kind == "finding":
                self.by_code[(f.code, f.severity)] += 1
                self.titles.setdefault(f.code, f.message[:40])
        rows, prose, anchors = evidence(outcome)
        anchored = [(f, anchors.get(k)) for k, f in enumerate(outcome.findings)]
        groups, start = [], 0
        for section, items in by_section(outcome.findings):
            groups.append((section_title(section), anchored[start:start + len(items)]))
            start += len(items)
        hit = {fid for f in outcome.findings for fid in f.fields}
        self._sections.write(self._section.render(
            o=outcome, rows=rows, prose=prose, groups=groups, hit=hit, severities=SEVERITIES,
            labels=severity_labels(), name=Path(outcome.file).name,
        ))

    def write(self, *, copies: list = (), pairing: dict | None = None, interrupted: bool = False,
              total: int | None = None, roots: list[str] | None = None) -> None:
        from gkassist.files import atomic_writer

        read = [s for s in self.summaries if not s.unreadable]
        figures = [s.figures for s in read if s.figures is not None]
        marked, stats = far_from_peers(read)
        marks_of: dict[int, list[Marked]] = {}
        for m in marked:
            marks_of.setdefault(m.index, []).append(m)
        ranked = sorted(self.summaries, key=lambda s: (s.unreadable, -s.errors, -s.warnings, s.index))
        sums = _sums(figures)
        codes = sorted({c for c, _ in self.by_code}, key=_code_order)
        context: dict[str, Any] = {
            "generated": datetime.now().strftime("%Y-%m-%d %H:%M"),
            "roots": roots or [],
            "n": len(self.summaries), "total": total if total is not None else len(self.summaries),
            "interrupted": interrupted,
            "with_errors": sum(1 for s in read if s.errors), "unreadable": len(self.summaries) - len(read),
            "severities": SEVERITIES, "labels": severity_labels(),
            "codes": [(c, {s: self.by_code[(c, s)] for s in SEVERITIES}) for c in codes],
            "totals": {s: sum(n for (_, sev), n in self.by_code.items() if sev == s) for s in SEVERITIES},
            "ranked": ranked, "marks_of": marks_of, "metrics": METRICS, "stats": stats, "marked": marked,
            "sums": sums, "results": [(g, result_label(g), sums["results"][i]) for i, g in enumerate(RESULT_GROUPS)],
            "copies": list(copies), "pairing": pairing, "names": {s.index: Path(s.file).name for s in self.summaries},
            "agencies": {s.index: s.agency or "" for s in self.summaries},
            "max_code": max((sum(v.values()) for _, v in [(c, {s: self.by_code[(c, s)] for s in SEVERITIES})
                                                         for c in codes]), default=0),
        }
        page = _env().get_template("review.html.j2").render(**context)
        head, tail = page.split("<!--sections-->", 1)
        self._sections.seek(0)
        try:
            with atomic_writer(self.path, parents=True) as out:  # streamed: the sections never all in memory
                out.write(head.encode("utf-8"))
                while chunk := self._sections.read(1 << 20):
                    out.write(chunk.encode("utf-8"))
                out.write(tail.encode("utf-8"))
        finally:
            self._sections.close()


def _code_order(code: str) -> tuple[str, int]:
    m = re.match(r"([A-Z]+)(\d*)", code)
    return (m.group(1), int(m.group(2) or 0)) if m else (code, 0)


def _sums(figures: list[Figures]) -> dict[str, Any]:
    def total(xs: list[int | None]) -> int:
        return sum(x for x in xs if x is not None)

    review, litigation = total([f.review for f in figures]), total([f.litigation for f in figures])
    rc, lc = total([f.review_corrected for f in figures]), total([f.litigation_corrected for f in figures])
    received = [f.received for f in figures if f.received is not None]
    return {
        # reports whose 表三 / 表四 give a number: a folder of excerpts cut before the tables sums
        # nothing, and the page says so rather than print 0
        "reports": sum(1 for f in figures if f.received is not None or f.handled is not None),
        "review_reports": sum(1 for f in figures if f.review is not None or f.litigation is not None),
        "received": total([f.received for f in figures]), "handled": total([f.handled for f in figures]),
        "median_received": median(received) if received else None,
        "results": [total([f.results[i] for f in figures]) for i in range(len(RESULT_GROUPS))],
        "review": review, "review_corrected": rc, "review_rate": rc / review if review else None,
        "litigation": litigation, "litigation_corrected": lc, "litigation_rate": lc / litigation if litigation else None,
    }
