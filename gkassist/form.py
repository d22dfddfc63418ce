"""The report's form model, loaded once from ``form.yaml``.

Every other layer asks this module for sections, fields, labels, table geometry and the
formulas of derived cells; nothing else spells out the format.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from gkassist.resources import package_yaml

NUMBER_KINDS = frozenset({"count", "money"})


@dataclass(frozen=True)
class Field:
    id: str
    label: str
    kind: str
    section: str
    required: bool = True
    derived: bool = False
    table: str | None = None
    row: str | None = None  # table 三 row id ("denied.state_secret"), table 二 row id, table 四 group
    col: str | None = None
    choices: Mapping[str, str] = field(default_factory=dict)
    topic: bool = False  # one of the five topics of 一、总体情况

    @property
    def is_number(self) -> bool:
        return self.kind in NUMBER_KINDS


@dataclass(frozen=True)
class Column:
    id: str
    label: str
    group: str | None = None
    derived: bool = False


@dataclass(frozen=True)
class Row:
    """A row of table 三 in display order; ``path`` holds the labels of its enclosing groups."""

    id: str
    label: str
    path: tuple[str, ...] = ()
    derived: bool = False
    is_result: bool = False  # one of the 21 rows that （七）总计 adds up


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    number: str | None  # 一 … 六, None for meta
    heading: str | None
    table: str | None
    field_ids: tuple[str, ...]


@dataclass(frozen=True)
class ActiveBlock:
    heading: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    kind: str
    field_ids: tuple[tuple[str, ...], ...]  # [row][col]


@dataclass(frozen=True)
class ReviewGroup:
    id: str
    label: str
    parent: str | None


@dataclass
class Form:
    title_template: str
    preamble_template: str
    gap_marker: str
    sections: list[Section]
    fields: dict[str, Field]
    active_item_label: str
    active_blocks: list[ActiveBlock]
    requests_note: str
    requests_applicant_header: str
    requests_columns: list[Column]
    requests_rows: list[Row]
    review_groups: list[ReviewGroup]
    review_columns: list[Column]
    # derived field id -> the field ids it adds up
    formulas: dict[str, tuple[str, ...]]

    # --- lookups -------------------------------------------------------------------------

    def field(self, field_id: str) -> Field:
        try:
            return self.fields[field_id]
        except KeyError:
            raise KeyError(f"unknown field id {field_id!r}") from None

    def section(self, section_id: str) -> Section:
        for s in self.sections:
            if s.id == section_id:
                return s
        raise KeyError(f"unknown section id {section_id!r}")

    def section_fields(self, section_id: str) -> list[Field]:
        return [self.fields[f] for f in self.section(section_id).field_ids]

    def input_fields(self) -> Iterator[Field]:
        """Fields a person answers (derived cells excluded), in report order."""
        return (f for f in self.fields.values() if not f.derived)

    def required_fields(self) -> list[Field]:
        return [f for f in self.fields.values() if f.required and not f.derived]

    def requests_field(self, row: str, col: str) -> str:
        return f"requests.{row}.{col}"

    def review_field(self, group: str, col: str) -> str:
        return f"{group}.{col}"

    def table_field_ids(self, table: str) -> list[str]:
        return [f.id for f in self.fields.values() if f.table == table]

    def title(self, agency: str, year: int | str) -> str:
        return self.title_template.format(agency=agency, year=year)

    def standard_preamble(self, agency: str, year: int | str) -> str:
        """The opening sentence printed when a report has no ``meta.preamble`` of its own."""
        return self.preamble_template.format(agency=agency, year=year)

    # --- derived cells -------------------------------------------------------------------

    def is_derived(self, field_id: str) -> bool:
        return field_id in self.formulas

    def dependents(self, field_id: str) -> list[str]:
        """Derived fields whose value depends on ``field_id`` (directly or through another)."""
        out: list[str] = []
        for d, parts in self.formulas.items():
            if field_id in parts:
                out.append(d)
                out.extend(x for x in self.dependents(d) if x not in out)
        return out

    def compute(self, field_id: str, answers: Mapping[str, Any]) -> Any:
        """The value of a derived field from its parts, or None while a part is unanswered."""
        total: int | Decimal = 0
        for part in self.formulas[field_id]:
            value = self.value(part, answers)
            if value is None:
                return None
            total += value
        return total

    def value(self, field_id: str, answers: Mapping[str, Any]) -> Any:
        """The stored answer; for a derived field without one, the computed sum."""
        if field_id in answers and answers[field_id] is not None:
            return answers[field_id]
        if field_id in self.formulas:
            return self.compute(field_id, answers)
        return None


# --- loading --------------------------------------------------------------------------------


def _read_yaml() -> dict[str, Any]:
    return package_yaml("gkassist", "form.yaml")


def _flatten_request_rows(items: list[dict], path: tuple[str, ...], prefix: str, in_results: bool) -> list[Row]:
    rows: list[Row] = []
    for item in items:
        if "rows" in item:
            child_prefix = f"{prefix}{item['id']}." if "id" in item else prefix
            # the group headed 三、本年度办理结果 holds the result rows
            rows.extend(
                _flatten_request_rows(item["rows"], (*path, item["label"]), child_prefix, in_results or "id" not in item)
            )
        else:
            derived = bool(item.get("derived"))
            rows.append(
                Row(
                    id=f"{prefix}{item['id']}",
                    label=item["label"],
                    path=path,
                    derived=derived,
                    is_result=in_results and not derived,
                )
            )
    return rows


@cache
def load_form() -> Form:
    raw = _read_yaml()
    fields: dict[str, Field] = {}
    formulas: dict[str, tuple[str, ...]] = {}
    sections: list[Section] = []

    t_active = raw["tables"]["active"]
    active_blocks: list[ActiveBlock] = []
    for block in t_active["blocks"]:
        cols = tuple(Column(id=c.get("id", ""), label=c["label"]) for c in block["columns"])
        rows = tuple(Row(id=r["id"], label=r["label"]) for r in block["rows"])
        kind = block.get("kind", "count")
        ids = tuple(
            tuple(f"active.{r.id}.{c.id}" if c.id else f"active.{r.id}" for c in cols) for r in rows
        )
        active_blocks.append(ActiveBlock(block["heading"], cols, rows, kind, ids))

    t_req = raw["tables"]["requests"]
    req_cols = [Column(c["id"], c["label"], c.get("group"), bool(c.get("derived"))) for c in t_req["columns"]]
    req_rows = _flatten_request_rows(t_req["rows"], (), "", False)

    t_rev = raw["tables"]["review"]
    rev_groups = [ReviewGroup(g["id"], g["label"], g.get("parent")) for g in t_rev["groups"]]
    rev_cols = [Column(c["id"], c["label"], None, bool(c.get("derived"))) for c in t_rev["columns"]]

    def table_fields(table: str, section_id: str) -> list[Field]:
        out: list[Field] = []
        if table == "active":
            for block in active_blocks:
                for r, row in enumerate(block.rows):
                    for c, col in enumerate(block.columns):
                        out.append(
                            Field(
                                id=block.field_ids[r][c],
                                label=f"{row.label}·{col.label}",
                                kind=block.kind,
                                section=section_id,
                                table="active",
                                row=row.id,
                                col=col.id or None,
                            )
                        )
        elif table == "requests":
            value_cols = [c for c in req_cols if not c.derived]
            result_rows = [r for r in req_rows if r.is_result]
            for row in req_rows:
                for col in req_cols:
                    fid = f"requests.{row.id}.{col.id}"
                    derived = row.derived or col.derived
                    out.append(
                        Field(
                            id=fid,
                            label=f"{row.label}·{col.label}",
                            kind="count",
                            section=section_id,
                            required=not derived,
                            derived=derived,
                            table="requests",
                            row=row.id,
                            col=col.id,
                        )
                    )
                    if col.derived:
                        formulas[fid] = tuple(f"requests.{row.id}.{c.id}" for c in value_cols)
                    elif row.derived:
                        formulas[fid] = tuple(f"requests.{r.id}.{col.id}" for r in result_rows)
        elif table == "review":
            value_cols = [c for c in rev_cols if not c.derived]
            for group in rev_groups:
                for col in rev_cols:
                    fid = f"{group.id}.{col.id}"
                    prefix = f"{group.parent}·" if group.parent else ""
                    out.append(
                        Field(
                            id=fid,
                            label=f"{prefix}{group.label}·{col.label}",
                            kind="count",
                            section=section_id,
                            required=not col.derived,
                            derived=col.derived,
                            table="review",
                            row=group.id,
                            col=col.id,
                        )
                    )
                    if col.derived:
                        formulas[fid] = tuple(f"{group.id}.{c.id}" for c in value_cols)
        return out

    for s in raw["sections"]:
        sec_fields: list[Field] = []
        if "table" in s:
            sec_fields = table_fields(s["table"], s["id"])
        for f in s.get("fields", []):
            sec_fields.append(
                Field(
                    id=f["id"],
                    label=f["label"],
                    kind=f["kind"],
                    section=s["id"],
                    required=f.get("required", True),
                    choices=f.get("choices", {}),
                    topic=bool(f.get("topic")),
                )
            )
        for f in sec_fields:
            if f.id in fields:
                raise ValueError(f"form.yaml: field id {f.id} defined twice")
            fields[f.id] = f
        sections.append(
            Section(
                id=s["id"],
                title=s.get("title") or s["heading"].split("、", 1)[1],
                number=s.get("number"),
                heading=s.get("heading"),
                table=s.get("table"),
                field_ids=tuple(f.id for f in sec_fields),
            )
        )

    return Form(
        title_template=raw["title"],
        preamble_template=raw["standard_preamble"],
        gap_marker=raw["gap_marker"],
        sections=sections,
        fields=fields,
        active_item_label=t_active["item_label"],
        active_blocks=active_blocks,
        requests_note=t_req["note"],
        requests_applicant_header=t_req["applicant_header"],
        requests_columns=req_cols,
        requests_rows=req_rows,
        review_groups=rev_groups,
        review_columns=rev_cols,
        formulas=formulas,
    )


FORM = load_form()
