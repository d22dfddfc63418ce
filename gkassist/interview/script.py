"""The interview script: what is asked, in which order, and the phrases the interview says.

``prompts/interview.yaml`` lists the steps (a field, a table row, a 有/没有 gate, a 是/否 choice,
last year's problems one by one, the review); ``prompts/ui.yaml`` holds every sentence the
interview and its screens say. ``FORM`` gives the fields their labels and the rows their columns.
Loaded once per process.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from gkassist.form import FORM
from gkassist.phrases import phrases as prompts


@dataclass(frozen=True)
class Step:
    id: str
    section: str
    kind: str  # field | row | gate | ask | list | walk | final
    fields: tuple[str, ...] = ()
    question: str = ""
    help: str = ""
    example: str = ""
    title: str = ""  # short name in the recap of a resumed conversation
    when: str | None = None  # gate id that must not be answered "no"
    cond: tuple[str, ...] = ()  # "if": conditions that must all hold (has_previous …)
    auto_zero_if: str | None = None
    default: str | None = None
    defaults: Mapping[str, str] = field(default_factory=dict)
    show: str | None = None
    suggest: str | None = None
    items: str | None = None  # section 五 written as items, one per line: "problem" | "measure"
    zero_when: str = "no"
    confirm: str | None = None
    filled: str = ""  # a gate's scope, in the message after filling zeros
    row_labels: tuple[str, ...] = ()  # column labels of a table row, in input order
    label: str = ""  # the row's or field's label from FORM
    on_no: str | None = None  # an ask answered 否 also writes this (section5: what it means)
    keeps: str | None = None  # a list step: the workbench list it keeps (one line, one entry)
    also: Mapping[str, str] = field(default_factory=dict)  # a choice: other words for a choice → its key
    also_note: str = ""  # said when one of them was typed

    @property
    def prose(self) -> bool:
        return self.kind == "field" and FORM.field(self.fields[0]).kind == "prose"

    @property
    def one_per_line(self) -> bool:
        """Written one entry per line in the editor (五's items, last year's problems listed)."""
        return bool(self.items) or self.kind == "list"

    @property
    def choice(self) -> bool:
        return self.kind == "field" and FORM.field(self.fields[0]).kind == "choice"


@dataclass
class Script:
    steps: list[Step]
    phrases: dict[str, Any]
    index: dict[str, int]

    def step(self, step_id: str) -> Step:
        return self.steps[self.index[step_id]]

    def say(self, key: str, **kw: Any) -> str:
        text = self.phrases[key]
        return text.format(**kw) if kw else text


def _row_geometry(ref: str) -> tuple[str, tuple[str, ...], tuple[str, ...], str]:
    """(label, field ids, column labels, template name) of a table row named in the script."""
    if ref.startswith("requests."):
        row_id = ref.removeprefix("requests.")
        row = next(r for r in FORM.requests_rows if r.id == row_id)
        cols = [c for c in FORM.requests_columns if not c.derived]
        # name the group too: 「（三）不予公开 1.属于国家秘密」 says more than 「1.属于国家秘密」
        group = [p for p in row.path if p.startswith("（")]
        label = " ".join([*group, row.label])
        return label, tuple(f"requests.{row_id}.{c.id}" for c in cols), tuple(c.label for c in cols), "requests_row"
    if ref.startswith("active."):
        row_id = ref.removeprefix("active.")
        for block in FORM.active_blocks:
            for r, row in enumerate(block.rows):
                if row.id == row_id:
                    labels = tuple(c.label for c in block.columns)
                    template = "active_row" if len(labels) > 1 else "active_single"
                    return row.label, block.field_ids[r], labels, template
        raise KeyError(ref)
    group = next(g for g in FORM.review_groups if g.id == ref)
    cols = [c for c in FORM.review_columns if not c.derived]
    label = f"{group.parent}（{group.label}）" if group.parent else group.label
    return label, tuple(f"{ref}.{c.id}" for c in cols), tuple(c.label for c in cols), "review_row"


@cache
def load_script() -> Script:
    raw = prompts("interview")
    phrases = dict(prompts("ui"))
    templates = raw.get("templates", {})
    steps: list[Step] = []
    for item in raw["steps"]:
        common = dict(
            id=item["id"],
            section=item["section"],
            question=item.get("question", ""),
            help=item.get("help", ""),
            example=str(item.get("example", "")),
            title=item.get("title", ""),
            when=item.get("when"),
            cond=tuple([item["if"]] if isinstance(item.get("if"), str) else item.get("if") or ()),
            auto_zero_if=item.get("auto_zero_if"),
            default=item.get("default"),
            defaults={str(k): v for k, v in (item.get("defaults") or {}).items()},
            show=item.get("show"),
            suggest=item.get("suggest"),
            items=item.get("items"),
            zero_when=str(item.get("zero_when", "no")),
            confirm=item.get("confirm"),
            filled=item.get("filled", ""),
            on_no=item.get("on_no"),
            also={str(k): str(v) for k, v in (item.get("also") or {}).items()},
            also_note=str(item.get("also_note", "")),
        )
        if "field" in item:
            f = FORM.field(item["field"])
            steps.append(Step(kind="field", fields=(f.id,), label=f.label, **common))
        elif "row" in item:
            label, fids, col_labels, tname = _row_geometry(item["row"])
            t = templates[tname]
            columns = "、".join(col_labels)
            for key in ("question", "help", "example"):
                if not common[key]:
                    common[key] = str(t[key]).format(label=label, columns=columns, n=len(fids))
            steps.append(Step(kind="row", fields=fids, row_labels=col_labels, label=label, **common))
        elif "gate" in item:
            steps.append(Step(kind="gate", **common))
        elif "ask" in item:
            steps.append(Step(kind="ask", **common))
        elif "list" in item:
            # lines the officer writes, kept in the interview's workbench (not a field of the report)
            steps.append(Step(kind="list", keeps=item["list"], **common))
        elif "walk" in item:
            # last year's problems one by one; writes the field it names (rectification)
            f = FORM.field(item["walk"])
            steps.append(Step(kind="walk", fields=(f.id,), label=f.label, **common))
        elif item.get("final"):
            steps.append(Step(kind="final", **common))
        else:
            raise ValueError(f"interview.yaml: step {item['id']} has no field, row, gate, ask, list, walk or final")
    index = {s.id: i for i, s in enumerate(steps)}
    if len(index) != len(steps):
        raise ValueError("interview.yaml: two steps share an id")
    for s in steps:
        if s.when and s.when not in index:
            raise ValueError(f"interview.yaml: step {s.id} depends on unknown gate {s.when}")
    for s in steps:
        if s.also and not (s.choice and set(s.also.values()) <= set(FORM.field(s.fields[0]).choices)):
            raise ValueError(f"interview.yaml: step {s.id}: also names no choice of {s.fields[:1]}")
    for word, accepted in (("gate_yes", "yes_words"), ("ask_yes", "yes_words"), ("gate_no", "no_words"), ("ask_no", "no_words")):
        # a prefilled answer must be one the interview then understands
        if str(phrases[word]).lower() not in [str(w).lower() for w in phrases[accepted]]:
            raise ValueError(f"ui.yaml: {word} 「{phrases[word]}」 is not among {accepted}")
    return Script(steps=steps, phrases=phrases, index=index)
