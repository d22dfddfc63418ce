"""One view of the report, built from ``FORM`` and the answers, for every output format.

The templates only iterate what is built here; every label comes from the form model, so no label
is typed twice. Two shapes of each table are built:

* ``Table.grid`` — rows of cells with rowspan/colspan, the official merged-cell layout (HTML, and
  the DOCX that is built from the HTML);
* ``Table.lines`` — one text line per table row (txt, md), laid out as documented in
  ``gkassist.render`` (the layout the importer relies on).

Values are formatted by ``answers.format_value``; a gap (an unanswered required field, or a derived
cell whose parts are not all answered) shows ``FORM.gap_marker`` when ``mark_gaps`` is on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rich.cells import cell_len

from gkassist.form import FORM, Field, Form
from gkassist.text import NUMERALS, SUBHEADING_RE

# Indentation of a nested table-三/四 row label in the txt layout, per level.
TXT_INDENT = "  "
# Markdown viewers drop leading ASCII spaces in table cells; an ideographic space survives.
MD_INDENT = "\u3000"


@dataclass
class Cell:
    text: str
    kind: str  # "head" (column header), "group" (sub-table heading), "label" (row label), "value"
    rowspan: int = 1
    colspan: int = 1
    field: str | None = None
    gap: bool = False


@dataclass
class Line:
    """One line of a table in the txt/md layout."""

    kind: str  # "header" | "group" | "row"
    label: str  # the first cell, without indentation
    level: int = 0  # nesting depth of the label (table 三/四 hierarchy)
    cells: list[str] = field(default_factory=list)  # the cells after the label
    fields: list[str | None] = field(default_factory=list)
    spans: bool = False  # the last cell spans all remaining columns (table 三's 申请人情况)


@dataclass
class Table:
    id: str
    columns: int  # grid width
    header_rows: int  # leading rows of ``grid`` that are the column header
    grid: list[list[Cell]]
    lines: list[Line]


@dataclass
class Part:
    """A run of paragraphs, under a sub-heading or not."""

    field: str
    heading: str | None  # 「（一）主动公开」, or None
    paragraphs: list[str]
    gap: bool = False


@dataclass
class SectionView:
    id: str
    heading: str
    parts: list[Part]
    table: Table | None = None


@dataclass
class Report:
    title: str
    title_parts: list[str]  # 「<机关>」 and the rest, where a two-line title breaks
    agency: str
    year: str
    preamble: list[str]  # empty: the templates use the standard opening sentence
    sections: list[SectionView]
    gap_marker: str


def _format(field_id: str, value: Any) -> str:
    # Imported lazily: answers.py owns how a value is written back.
    from gkassist.answers import format_value

    return format_value(field_id, value)


def paragraphs(text: str) -> list[str]:
    """Prose → paragraphs: one per non-blank line, surrounding white space trimmed."""
    return [p.strip() for p in str(text).splitlines() if p.strip()]


class _Builder:
    def __init__(self, answers: Mapping[str, Any], mark_gaps: bool, form: Form,
                 outline: Mapping[str, list[dict]] | None = None) -> None:
        self.answers = answers
        self.form = form
        self.gap_text = form.gap_marker if mark_gaps else ""
        self.outline = outline or {}

    # --- values ---------------------------------------------------------------------------

    def value(self, field_id: str) -> tuple[str, bool]:
        """(text, is_gap) of one field."""
        v = self.form.value(field_id, self.answers)
        if v is None or (isinstance(v, str) and not v.strip()):
            return self.gap_text, True
        if self.form.field(field_id).is_number:
            return _format(field_id, v), False
        return str(v).strip(), False

    def value_cell(self, field_id: str, colspan: int = 1) -> Cell:
        text, gap = self.value(field_id)
        return Cell(text, "value", colspan=colspan, field=field_id, gap=gap)

    def answered(self, f: Field) -> bool:
        v = self.answers.get(f.id)
        return v is not None and str(v).strip() != ""

    # --- prose ----------------------------------------------------------------------------

    def prose_parts(self, section_id: str) -> list[Part]:
        """The section's prose fields, each under its sub-heading. The report's own sub-headings
        and order (the session's ``outline``: fields in the source's order, each with its heading
        as printed, ``""`` for none, ``inline`` when its text followed on the same line) come
        first; the other fields follow in the form's order under the form's labels, numbered on
        from the headings before them."""
        fields = self.form.section_fields(section_id)
        # In 一、总体情况 only the five topics are sub-headed (the intro opens the section); in
        # 五 every field is; a section made of one field (六) needs no sub-heading.
        has_topics = any(f.topic for f in fields)
        own = {e["field"]: e for e in self.outline.get(section_id, ()) if e.get("field") in self.form.fields}
        order = [*own, *(f.id for f in fields if f.id not in own)]
        parts: list[Part] = []
        n = 0
        for fid in order:
            f = self.form.field(fid)
            headed = f.topic if has_topics else len(fields) > 1
            if self.answered(f):
                text, gap = paragraphs(str(self.answers[f.id])), False
            elif f.required:
                text, gap = ([self.gap_text] if self.gap_text else []), True
            else:
                continue  # optional and empty: left out, heading and all
            heading = None
            entry = own.get(fid)
            if entry is not None and "heading" in entry:
                heading = entry["heading"] or None
                n += 1 if heading else 0
                if heading and entry.get("inline") and text and not gap:
                    text = [heading + text[0], *text[1:]]  # as printed: heading and text on one line
                    heading = None
            elif headed:
                heading = f"（{NUMERALS[n]}）{f.label}"  # a section has far fewer than ten
                n += 1
            parts.append(Part(f.id, heading, text, gap))
            if not gap:
                # the report's own sub-headings left in a paragraph (「(一)完善…」) count too: a
                # field added after them is numbered on from them, not from （一） again
                n += sum(1 for line in text if SUBHEADING_RE.match(line))
        if not parts and self.gap_text:
            # A section with only optional fields, none answered: still show that it is missing.
            parts.append(Part(fields[0].id, None, [self.gap_text], True))
        return parts

    # --- table 二 -------------------------------------------------------------------------

    def active_table(self) -> Table:
        blocks = self.form.active_blocks
        width = max(len(b.columns) for b in blocks)
        grid: list[list[Cell]] = []
        lines: list[Line] = []
        for block in blocks:
            spans = _spread(width, len(block.columns))
            grid.append([Cell(block.heading, "group", colspan=width + 1)])
            grid.append(
                [Cell(self.form.active_item_label, "head")]
                + [Cell(c.label, "head", colspan=s) for c, s in zip(block.columns, spans, strict=True)]
            )
            lines.append(Line("group", block.heading))
            lines.append(Line("header", self.form.active_item_label, cells=[c.label for c in block.columns]))
            for r, row in enumerate(block.rows):
                ids = block.field_ids[r]
                cells = [self.value_cell(fid, s) for fid, s in zip(ids, spans, strict=True)]
                grid.append([Cell(row.label, "label"), *cells])
                lines.append(Line("row", row.label, cells=[c.text for c in cells], fields=list(ids)))
        return Table("active", width + 1, 0, grid, lines)

    # --- table 三 -------------------------------------------------------------------------

    def requests_table(self) -> Table:
        form = self.form
        rows = form.requests_rows
        cols = form.requests_columns
        depth = max(len(r.path) for r in rows) + 1  # label columns

        # Header: the note beside 申请人情况, then the columns, grouped (法人或其他组织).
        grid: list[list[Cell]] = [
            [
                Cell(form.requests_note, "head", rowspan=3, colspan=depth),
                Cell(form.requests_applicant_header, "head", colspan=len(cols)),
            ],
            [],
            [],
        ]
        top: list[str] = []
        bottom: list[str] = []
        for i, col in enumerate(cols):
            if col.group is None:
                grid[1].append(Cell(col.label, "head", rowspan=2))
                top.append(col.label)
                bottom.append("")
                continue
            if i == 0 or cols[i - 1].group != col.group:
                span = sum(1 for _ in _run(cols, i))
                grid[1].append(Cell(col.group, "head", colspan=span))
                top.append(col.group)
            else:
                top.append("")
            grid[2].append(Cell(col.label, "head"))
            bottom.append(col.label)
        lines = [
            Line("header", form.requests_note, cells=[form.requests_applicant_header], spans=True),
            Line("header", "", cells=top),
            Line("header", "", cells=bottom),
        ]

        for i, row in enumerate(rows):
            cells: list[Cell] = []
            for k in range(len(row.path)):
                prefix = row.path[: k + 1]
                if i == 0 or rows[i - 1].path[: k + 1] != prefix:
                    span = sum(1 for r in rows[i:] if r.path[: k + 1] == prefix)
                    cells.append(Cell(row.path[k], "label", rowspan=span))
                    lines.append(Line("group", row.path[k], level=k))
            cells.append(Cell(row.label, "label", colspan=depth - len(row.path)))
            ids = [form.requests_field(row.id, c.id) for c in cols]
            values = [self.value_cell(fid) for fid in ids]
            grid.append(cells + values)
            lines.append(
                Line("row", row.label, level=len(row.path), cells=[v.text for v in values], fields=ids)
            )
        return Table("requests", depth + len(cols), 3, grid, lines)

    # --- table 四 -------------------------------------------------------------------------

    def review_table(self) -> Table:
        form = self.form
        groups = form.review_groups
        cols = form.review_columns
        n = len(cols)
        nested = any(g.parent for g in groups)
        header_rows = 3 if nested else 2
        grid: list[list[Cell]] = [[] for _ in range(header_rows)]
        for i, g in enumerate(groups):
            if g.parent is None:
                grid[0].append(Cell(g.label, "head", colspan=n))
                for c in cols:
                    grid[1].append(Cell(c.label, "head", rowspan=header_rows - 1))
                continue
            if i == 0 or groups[i - 1].parent != g.parent:
                span = sum(1 for x in groups if x.parent == g.parent)
                grid[0].append(Cell(g.parent, "head", colspan=n * span))
            grid[1].append(Cell(g.label, "head", colspan=n))
            for c in cols:
                grid[2].append(Cell(c.label, "head"))
        values: list[Cell] = []
        lines = [Line("header", "", cells=[c.label for c in cols])]
        for i, g in enumerate(groups):
            ids = [form.review_field(g.id, c.id) for c in cols]
            row = [self.value_cell(fid) for fid in ids]
            values.extend(row)
            if g.parent and (i == 0 or groups[i - 1].parent != g.parent):
                lines.append(Line("group", g.parent))
            lines.append(
                Line("row", g.label, level=1 if g.parent else 0, cells=[v.text for v in row], fields=ids)
            )
        grid.append(values)
        return Table("review", n * len(groups), header_rows, grid, lines)

    # --- the report -----------------------------------------------------------------------

    def report(self) -> Report:
        agency, _ = self.value("meta.agency")
        year, _ = self.value("meta.year")
        preamble = paragraphs(self.answers.get("meta.preamble") or "")
        tables = {"active": self.active_table, "requests": self.requests_table, "review": self.review_table}
        sections: list[SectionView] = []
        for s in self.form.sections:
            if s.number is None:
                continue  # meta: the title and the opening, not a section of the report
            if s.table:
                sections.append(SectionView(s.id, s.heading or "", [], tables[s.table]()))
            else:
                sections.append(SectionView(s.id, s.heading or "", self.prose_parts(s.id)))
        title = self.form.title(agency, year)
        rest = title[len(agency) :] if agency and title.startswith(agency) else ""
        return Report(
            title=title,
            title_parts=[agency, rest] if rest else [title],
            agency=agency,
            year=year,
            preamble=preamble,
            sections=sections,
            gap_marker=self.form.gap_marker,
        )


def _run(cols: list, i: int):  # noqa: ANN202 - tiny local generator
    """Columns from ``i`` on that share column ``i``'s group."""
    for c in cols[i:]:
        if c.group != cols[i].group:
            return
        yield c


def _spread(width: int, n: int) -> list[int]:
    """Colspans that spread ``n`` cells over ``width`` columns (table 二's one-value blocks)."""
    base, extra = divmod(width, n)
    return [base + (1 if i >= n - extra else 0) for i in range(n)]


def build_report(answers: Mapping[str, Any], *, mark_gaps: bool = True, form: Form = FORM,
                 outline: Mapping[str, list[dict]] | None = None) -> Report:
    """The report view of ``answers`` (typed values by field id); ``outline``: the report's own
    sub-headings and their order (``Session.outline``)."""
    return _Builder(answers, mark_gaps, form, outline).report()


# --- text layout helpers (used by the txt and md templates) ----------------------------------


def column_widths(table: Table, indent: str) -> list[int]:
    """Display widths of the txt/md columns of ``table`` (CJK characters count two)."""
    n = max(len(line.cells) for line in table.lines) + 1
    widths = [0] * n
    for line in table.lines:
        if line.kind == "group":
            continue  # a group line holds only its label; it may be wider than the label column
        widths[0] = max(widths[0], cell_len(indent * line.level + line.label))
        for i, c in enumerate(line.cells[:-1] if line.spans else line.cells, start=1):
            widths[i] = max(widths[i], cell_len(c))
    return widths


def pad(text: str, width: int, right: bool = False) -> str:
    gap = max(0, width - cell_len(text))
    return " " * gap + text if right else text + " " * gap
