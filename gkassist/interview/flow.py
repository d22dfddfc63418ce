"""The interview's engine, without a screen: step order, what is answered, where to go next.

The script (``script.py``) says what is asked and in which order; ``FORM`` says what the fields
are called. ``Flow`` reads the state of a session (its answers, last year's answers and
the interview's workbench) and turns what the user typed into an ``Outcome``: typed values to save,
messages to show and the step to go to. It never saves anything itself: the screen saves the
outcome (``InterviewService.save``) and only then moves on, so that every answer is on disk
before the next question appears. Plain Python, importable without Textual, tested on its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from gkassist.form import FORM
from gkassist.interview.script import Script, Step, load_script
from gkassist.text import SUBHEADING_RE, parse_int, strip_marker

FINAL = "review_all"  # the id of the last step: the review
SECTION5_MODE = "section5.mode"  # the ask step: 五 as items (with standard wording) or as prose
# workbench key: ids of the steps the user chose to leave empty (/skip, or an empty prose answer);
# a step neither answered nor in it was not reached (jumped over with /goto, or still to come)
SKIPPED = "skipped"


class State(Protocol):
    """What ``Flow`` reads: a ``Session`` satisfies it, so does a plain namespace in tests.

    An ``outline`` (the report's own sub-headings, by section: docs/internals.md) is read where
    the state has one.
    """

    answers: Mapping[str, Any]
    previous: Mapping[str, Any] | None
    workbench: Mapping[str, Any]


# --- what one turn produces ---------------------------------------------------------------


@dataclass
class Question:
    step: Step
    text: str
    help: str
    example: str
    options: list[str]
    prefill: str
    multiline: bool
    before: list[str]  # computed figures shown before the question (e.g. （七）总计)
    prefilled_default: bool  # the prefill is a suggestion, not a saved answer


@dataclass
class Outcome:
    ok: bool = True
    values: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    clears: list[str] = field(default_factory=list)
    workbench: dict[str, Any] = field(default_factory=dict)  # key -> new value (whole dict)
    messages: list[tuple[str, str]] = field(default_factory=list)  # (info | note | error, text)
    next_step: str | None = None  # None: stay on this step
    touched: tuple[str, ...] = ()
    open_review: bool = False
    stay: bool = False  # a walk goes on at the same step, with ``sub`` the next of its questions
    sub: dict[str, Any] | None = None
    said: tuple[tuple[str, str], ...] = ()  # (rule code, field) the flow has already warned about


def _gates(state: State) -> dict[str, bool]:
    return dict(state.workbench.get("gates") or {})


def _asks(state: State) -> dict[str, str]:
    return dict(state.workbench.get("asks") or {})


def _answers_module():  # noqa: ANN202 - a module
    # imported late: the answers layer is light, but keeping the import here lets the flow be
    # loaded (and its script validated) without it
    from gkassist import answers

    return answers


class Flow:
    def __init__(self, state: State, script: Script | None = None) -> None:
        self.state = state
        self.script = script or load_script()
        self.step_id: str = self.script.steps[0].id
        self.return_to: str | None = None
        self.pending_confirm: str | None = None
        self.sub: dict[str, Any] | None = None  # where a walk stands: {"item": 0, "part": "action"}
        self._t1: tuple[tuple, set[str]] | None = None  # (一's answers, the topics T1 finds missing)

    # --- where we are ----------------------------------------------------------------------

    @property
    def step(self) -> Step:
        return self.script.step(self.step_id)

    def restore(self, position: Mapping[str, Any]) -> None:
        """Go back to where a saved session stood; an unknown step means a newer script."""
        step_id = position.get("step")
        if step_id in self.script.index:
            self.step_id = step_id
        else:
            self.step_id = self.first_open() or FINAL
        self.return_to = position.get("return_to")
        self.sub = position.get("sub") if isinstance(position.get("sub"), dict) else None

    def position(self) -> dict[str, Any]:
        return {"step": self.step_id, "return_to": self.return_to, "sub": self.sub}

    def draft_key(self) -> str:
        """The question asked now, as drafts are kept by it: its step (and the walk's question)."""
        if self.step.kind == "walk":
            s5 = self._section5()
            here = self._walk_here(s5.walk_parts(s5.walk_entries(self.state)))
            if here is not None:
                return f"{self.step_id}#{here[0]}.{here[1]}"
        return self.step_id

    @staticmethod
    def _section5():  # noqa: ANN205 - a module
        # imported on reaching 五: the wording bank and its matcher are no start-up cost
        from gkassist.interview import section5

        return section5

    def condition(self, name: str) -> bool:
        answers = self.state.answers
        if name == "has_previous":
            return bool(self.state.previous)
        if name in ("previous_problems", "no_previous_problems"):
            # cheap on purpose: asked on every turn (pending_fields); the walk splits the text
            problems = (self.state.previous or {}).get("problems")
            known = isinstance(problems, str) and bool(problems.strip())
            return known if name == "previous_problems" else not known
        if name == "listed_previous_problems":  # the officer says last year's report listed problems
            return _asks(self.state).get("rectification.listed") == "yes"
        if name == "walkable":  # there are last year's problems to go through, one by one
            return self.condition("previous_problems") or bool(self._section5().listed_problems(self.state))
        if name in ("section5_items", "section5_prose"):
            # 五 is written as items unless the user chose prose (an unanswered choice: items)
            prose = _asks(self.state).get(SECTION5_MODE) == "no"
            return prose if name == "section5_prose" else not prose
        if name == "no_rule_power":
            # the agency cannot make 规章 exactly when rule N7 (规章 must be 0) applies to it
            return _no_rule_power(answers.get("meta.agency_kind"), answers.get("meta.level"))
        raise ValueError(f"interview.yaml: unknown condition {name}")

    # --- the agency's own sub-headings (an imported report) ------------------------------------

    def own_headings(self, section: str) -> bool:
        """The report heads this section with sub-headings of its own (as a published report
        imported keeps them: the session's ``outline``, or heading lines left in its text)."""
        outline = getattr(self.state, "outline", None) or {}
        if any(entry.get("heading") for entry in outline.get(section) or ()):
            return True
        for f in FORM.section_fields(section):
            text = self.state.answers.get(f.id)
            if f.kind == "prose" and isinstance(text, str) and any(SUBHEADING_RE.match(line) for line in text.split("\n")):
                return True
        return False

    def topic_missing(self, field_id: str) -> bool:
        """Rule T1 says the report does not cover this topic of 一 (in a field or in its own words)."""
        key = tuple((f.id, self.state.answers.get(f.id)) for f in FORM.section_fields("overview"))
        if self._t1 is None or self._t1[0] != key:
            from gkassist.engine import findings_of

            missing = {f.fields[0] for f in findings_of("T1", dict(self.state.answers)) if f.fields}
            self._t1 = (key, missing)
        return field_id in self._t1[1]

    def _asked_in_own_words(self, step: Step) -> bool:
        """A topic of 一 the report already covers under its own sub-headings: not asked again."""
        if not step.prose or step.section != "overview" or not FORM.field(step.fields[0]).topic:
            return False
        if step.fields[0] in self.state.answers or not self.own_headings(step.section):
            return False
        return not self.topic_missing(step.fields[0])

    def applicable(self, step: Step) -> bool:
        gates = _gates(self.state)
        gate = step.when
        while gate:
            # an unanswered gate counts as "yes": asking a row too many beats losing one
            if gates.get(gate) is False:
                return False
            gate = self.script.step(gate).when
        if not all(self.condition(c) for c in step.cond):
            return False
        if step.auto_zero_if and self.condition(step.auto_zero_if):
            return False
        return not self._asked_in_own_words(step)

    def answered(self, step: Step) -> bool:
        if step.kind in ("field", "row"):
            return all(f in self.state.answers for f in step.fields)
        if step.kind == "gate":
            return step.id in _gates(self.state) or self._gate_implied(step) is not None
        if step.kind == "ask":
            return step.id in _asks(self.state)
        if step.kind == "list":
            return step.id in _asks(self.state)  # written, or left empty on purpose
        if step.kind == "walk":
            entries = self._section5().walk_entries(self.state)
            return bool(entries) and self._section5().walk_open(entries) is None
        return False

    def _gate_implied(self, step: Step) -> bool | None:
        """What every field behind a gate already answers it (an imported report's table: 有 when
        any of them is not 0, else 没有), or None while some field is open. The gate was never
        asked, but asking it would ask what the report already says."""
        under: set[str] = {step.id}
        fields: list[str] = []
        for s in self.script.steps:
            if s.when in under:
                under.add(s.id)
                fields.extend(s.fields)
        answers = self.state.answers
        if not fields or not all(f in answers for f in fields):
            return None
        return any(answers[f] != 0 for f in fields)  # typed answers: int or Decimal

    def skipped(self, step: Step) -> bool:
        return step.id in (self.state.workbench.get(SKIPPED) or ())

    def _skip_record(self, step: Step) -> dict[str, Any]:
        """The workbench change that records ``step`` as skipped on purpose."""
        ids = list(self.state.workbench.get(SKIPPED) or ())
        if step.id not in ids:
            ids.append(step.id)
        return {SKIPPED: ids}

    def unreached_fields(self) -> set[str]:
        """Fields of questions neither answered nor skipped: the user has not got to them (yet).

        Findings about them are not the user's to worry about while filling in: an empty
        paragraph of 五 is no fault at the first question.
        """
        out: set[str] = set()
        answers, skipped = self.state.answers, set(self.state.workbench.get(SKIPPED) or ())
        for s in self.script.steps:
            if not s.fields or s.id in skipped or all(f in answers for f in s.fields):
                continue
            if self.applicable(s):
                out.update(f for f in s.fields if f not in answers)
        return out

    def next_after(self, step_id: str) -> str | None:
        for s in self.script.steps[self.script.index[step_id] + 1 :]:
            if self.applicable(s):
                return s.id
        return None

    def prev_before(self, step_id: str) -> str | None:
        for s in reversed(self.script.steps[: self.script.index[step_id]]):
            if self.applicable(s):
                return s.id
        return None

    def first_open(self) -> str | None:
        for s in self.script.steps:
            if s.kind != "final" and self.applicable(s) and not self.answered(s):
                return s.id
        return None

    def pending_fields(self, step_id: str) -> set[str]:
        """Fields still to be asked after ``step_id``: findings about them can wait till then."""
        out: set[str] = set()
        for s in self.script.steps[self.script.index[step_id] + 1 :]:
            if self.applicable(s):
                out.update(f for f in s.fields if f not in self.state.answers)
        return out

    def section_steps(self, section_id: str) -> list[Step]:
        return [s for s in self.script.steps if s.section == section_id]

    def step_for_field(self, field_id: str) -> str:
        """The question that can change ``field_id``: the step that asks it, else the gate in front
        of it when that says "none", else the question whose answer decides whether it is asked
        (五's 逐条写?, 上年报告列出问题了吗?) — never a step that would have nothing to ask."""
        asking = [s for s in self.script.steps if field_id in s.fields]
        for s in asking:
            if self.applicable(s):
                return s.id
        if asking:
            s = asking[0]
            if s.when:
                gate = s.when
                while gate and self.script.step(gate).when and not self.applicable(self.script.step(gate)):
                    gate = self.script.step(gate).when
                return gate
            for before in reversed(self.script.steps[: self.script.index[s.id]]):
                if before.section == s.section and before.kind in ("ask", "list", "gate") and self.applicable(before):
                    return before.id
        section = FORM.field(field_id).section
        return next((s.id for s in self.section_steps(section) if self.applicable(s)), self.section_steps(section)[0].id)

    def resolve_target(self, target: str) -> str | None:
        """``/goto`` target (一…六, a section title or id, 审阅) → the step to go to."""
        target = target.strip().rstrip("、")
        if target in ("done", FINAL, *self.script.phrases["goto_review_words"]):
            return FINAL
        for sec in FORM.sections:
            names = {sec.id, sec.title, sec.number or "", sec.heading or ""}
            if target in names - {""}:
                for s in self.section_steps(sec.id):
                    if self.applicable(s):
                        return s.id
        if target in self.script.index:
            return target
        return None

    # --- asking ----------------------------------------------------------------------------

    def question(self, step_id: str | None = None) -> Question:
        step = self.script.step(step_id or self.step_id)
        say = self.script.say
        options: list[str] = []
        if step.choice:
            choices = FORM.field(step.fields[0]).choices
            options = [say("option", n=i, label=label) for i, label in enumerate(choices.values(), 1)]
        before: list[str] = []
        if step.show == "result_total":
            before.append(say("result_total", cells=self._cells(self._row_ids("total"))))
        help_text = step.help
        if "{previous_problems}" in help_text:
            prev = (self.state.previous or {}).get("problems") or say("previous_none")
            help_text = help_text.replace("{previous_problems}", str(prev))
        text = step.question
        if step.prose and step.fields[0] not in self.state.answers and self.own_headings(step.section):
            # the report numbers its own sub-headings: no （一） of the standard layout here
            text = say("own_headings_missing", label=step.label) + strip_marker(text)
        if step.kind == "row" and step.fields[0] in ("active.rules.issued", "active.normative.issued"):
            prev_value = (self.state.previous or {}).get(step.fields[2])
            if prev_value is not None:
                text = f"{text}\n{say('in_force_hint', prev=prev_value)}"
        if step.kind == "walk":
            return self._walk_question(step)
        prefill, is_default = self._prefill(step)
        # an example names the report's own year (last year's until the year is answered)
        year = self.state.answers.get("meta.year") or dt.date.today().year - 1
        return Question(
            step=step,
            text=text,
            help=help_text,
            example=step.example.replace("{year}", str(year)),
            options=options,
            prefill=prefill,
            multiline=step.prose or step.kind == "list",
            before=before,
            prefilled_default=is_default,
        )

    def _format(self, field_id: str, value: Any) -> str:
        return _answers_module().format_value(field_id, value)

    def _prefill(self, step: Step) -> tuple[str, bool]:
        answers, say = self.state.answers, self.script.say
        if step.items:
            # the items, one per line; also a 五 written as prose or imported, split into items
            return "\n".join(self._section5().items_of(self.state, step.items)), False
        if step.kind == "walk":
            return answers.get("rectification") or "", False
        if step.kind == "list":
            return "\n".join(self._section5().listed_problems(self.state)), False
        if step.kind in ("field", "row") and self.answered(step):
            if step.choice:
                keys = list(FORM.field(step.fields[0]).choices)
                value = answers[step.fields[0]]
                return (str(keys.index(value) + 1) if value in keys else str(value)), False
            return " ".join(self._format(f, answers[f]) for f in step.fields), False
        if step.kind == "gate" and self.answered(step):
            said_yes = _gates(self.state).get(step.id, self._gate_implied(step))
            return say("gate_yes" if said_yes else "gate_no"), False
        if step.kind == "ask" and self.answered(step):
            return say("ask_yes" if _asks(self.state)[step.id] == "yes" else "ask_no"), False
        default = step.default
        if default in ("yes", "no"):
            return say("ask_yes" if default == "yes" else "ask_no"), True
        if default == "last_year":
            return str(dt.date.today().year - 1), True
        if default == "previous_carry_over" and self.state.previous:
            prev = self.state.previous
            values = [FORM.value(f.replace(".carried.", ".carry_over."), prev) for f in step.fields]
            if all(v is not None for v in values):
                return " ".join(str(v) for v in values), True
        if default == "balance":
            values = []
            for f in step.fields:
                col = f.rsplit(".", 1)[1]
                parts = [FORM.value(f"requests.{r}.{col}", answers) for r in ("new", "carried", "total")]
                if any(p is None for p in parts):
                    return "", False
                values.append(max(parts[0] + parts[1] - parts[2], 0))
            return " ".join(str(v) for v in values), True
        if default and default.startswith("ask:"):
            answer = _asks(self.state).get(default.removeprefix("ask:"))
            if answer in step.defaults:
                agency = answers.get("meta.agency") or ""
                return step.defaults[answer].format(agency=agency), True
        return "", False

    # --- answering -------------------------------------------------------------------------

    def _yes_no(self, text: str) -> bool | None:
        t = text.strip().lower().rstrip("。.!！")
        if t in [str(w).lower() for w in self.script.phrases["yes_words"]]:
            return True
        if t in [str(w).lower() for w in self.script.phrases["no_words"]]:
            return False
        return None

    def _yes_no_error(self, text: str) -> Outcome:
        # a gate is answered 有 / 没有; its confirmation and the ask steps 是 / 否
        say = self.script.say
        kind = "gate" if self.step.kind == "gate" and not self.pending_confirm else "ask"
        msg = say("yes_no_expected", text=text.strip(), yes=say(f"{kind}_yes"), no=say(f"{kind}_no"))
        return Outcome(ok=False, messages=[("error", msg)])

    def submit(self, text: str) -> Outcome:
        """What the user typed at the current step → the outcome (nothing is saved here)."""
        step = self.step
        try:
            if step.kind == "gate":
                out = self._submit_gate(step, text)
            elif step.kind == "ask":
                out = self._submit_ask(step, text)
            elif step.kind == "list":
                out = self._submit_list(step, text)
            elif step.kind == "row":
                out = self._submit_row(step, text)
            elif step.kind == "walk":
                out = self._submit_walk(step, text)
            elif step.items:
                out = self._submit_items(step, text)
            elif step.kind == "field":
                out = self._submit_field(step, text)
            else:
                return Outcome(open_review=True, next_step=None)
        except _answers_module().InputError as err:
            return Outcome(ok=False, messages=[("error", err.message)])
        if out.ok and out.next_step is None and not self.pending_confirm and not out.stay:
            self._finish(step, out)
        return out

    def _finish(self, step: Step, out: Outcome) -> None:
        """Choose the next step; fill rows the agency need not be asked about on the way."""
        if self.return_to:
            out.next_step = self.return_to
            out.open_review = self.return_to == FINAL
            return
        probe = self._after(out)
        nxt = probe.next_after(step.id)
        self._auto_fill_between(probe, step, nxt, out)
        out.next_step = nxt or FINAL
        if out.next_step == FINAL:
            out.open_review = True

    def _after(self, out: Outcome) -> Flow:
        """A flow over the state as it will be once ``out`` is saved."""
        answers = {k: v for k, v in {**self.state.answers, **out.values}.items() if k not in out.clears}
        view = _View(answers, self.state.previous, {**self.state.workbench, **out.workbench},
                     getattr(self.state, "outline", None) or {})
        return Flow(view, self.script)

    def _auto_fill_between(self, probe: Flow, step: Step, nxt: str | None, out: Outcome) -> None:
        answers = probe.state.answers
        end = self.script.index[nxt] if nxt else len(self.script.steps)
        for s in self.script.steps[self.script.index[step.id] + 1 : end]:
            if s.auto_zero_if and probe.condition(s.auto_zero_if) and not all(f in answers for f in s.fields):
                for f in s.fields:
                    out.values[f] = self._zero(f)
                out.messages.append(("info", self.script.say("auto_zero")))

    def _zero(self, field_id: str) -> Any:
        return _answers_module().parse_answer(field_id, "0").value

    def gated_fields(self, gate_id: str) -> list[str]:
        out: list[str] = []
        gates = {gate_id}
        for s in self.script.steps:
            if s.when in gates:
                if s.kind == "gate":
                    gates.add(s.id)
                out.extend(s.fields)
        return out

    def _submit_gate(self, step: Step, text: str) -> Outcome:
        say = self.script.say
        answer = self._yes_no(text)
        if self.pending_confirm == step.id:
            if answer is None:
                return self._yes_no_error(text)
            self.pending_confirm = None
            if not answer:
                return Outcome(ok=False, messages=[("info", say("confirm_cancelled"))])
            return self._zero_gate(step)
        if answer is None:
            return self._yes_no_error(text)
        zero = (not answer) if step.zero_when == "no" else answer
        if zero:
            if step.confirm:
                self.pending_confirm = step.id
                n = len(self.gated_fields(step.id))
                return Outcome(ok=True, messages=[("info", step.confirm.format(n=n))])
            return self._zero_gate(step)
        gates = _gates(self.state)
        gates[step.id] = True
        return Outcome(workbench={"gates": gates}, touched=())

    def _zero_gate(self, step: Step) -> Outcome:
        gates = _gates(self.state)
        gates[step.id] = False
        fields = self.gated_fields(step.id)
        values = {f: self._zero(f) for f in fields}
        msg = self.script.say("zeros_filled", what=step.filled or step.title)
        return Outcome(values=values, workbench={"gates": gates}, touched=tuple(fields), messages=[("info", msg)])

    def _submit_ask(self, step: Step, text: str) -> Outcome:
        answer = self._yes_no(text)
        if answer is None:
            return self._yes_no_error(text)
        asks = _asks(self.state)
        asks[step.id] = "yes" if answer else "no"
        out = Outcome(workbench={"asks": asks})
        if not answer and step.on_no == "no_problems_last_year":
            # last year's report listed no problems: the rectification paragraph says so
            text = self._section5().no_problems_last_year(self.state.answers)
            out.values["rectification"] = text
            out.touched = ("rectification",)
            out.messages.append(("info", self.script.say("walk_done", text=text)))
        return out

    def _submit_list(self, step: Step, text: str) -> Outcome:
        """Lines the officer wrote (last year's problems): kept in the workbench for the walk."""
        s5 = self._section5()
        lines = s5.parse_items(text)
        wb = s5.workbench(self.state)
        wb[step.keeps or step.id] = lines
        asks = _asks(self.state)
        asks[step.id] = "yes" if lines else "no"
        out = Outcome(workbench={s5.WORKBENCH_KEY: wb, "asks": asks})
        if lines:
            out.messages.append(("info", self.script.say("listed_recorded", n=len(lines))))
        else:
            out.workbench.update(self._skip_record(step))
            out.messages.append(("info", self.script.say("skipped")))
        return out

    def _submit_row(self, step: Step, text: str) -> Outcome:
        answers = _answers_module()
        n = len(step.fields)
        if not text.strip():
            return Outcome(ok=False, messages=[("error", self.script.say("empty_answer"))])
        if n == 1:
            parsed = [answers.parse_answer(step.fields[0], text)]
        else:
            # the numbers of a row, however they are separated (spaces, tabs, 、，,；;: parse_counts)
            try:
                parsed = answers.parse_counts(text, n)
            except answers.InputError:
                zeros = self._zero_row(step, text)
                if zeros is None:
                    raise
                parsed = zeros
        values = {f: p.value for f, p in zip(step.fields, parsed, strict=True)}
        notes = {f: p.note for f, p in zip(step.fields, parsed, strict=True) if p.note}
        out = Outcome(values=values, notes=notes, touched=tuple(step.fields))
        for note in dict.fromkeys(notes.values()):
            out.messages.append(("note", self.script.say("note", text=note)))
        if n > 1:
            cells = "，".join(
                self.script.say("cell", label=label, value=answers.format_value(f, values[f]))
                for label, f in zip(step.row_labels, step.fields, strict=True)
            )
            total_ids = [d for d in FORM.dependents(step.fields[0]) if d.rsplit(".", 1)[0] == step.fields[0].rsplit(".", 1)[0]]
            if total_ids:
                total = sum(values.values())
                out.messages.append(("info", self.script.say("row_recorded_total", cells=cells, total=total)))
            else:
                out.messages.append(("info", self.script.say("row_recorded", cells=cells)))
        if step.id == "requests.carry_over":
            self._balance_message({**self.state.answers, **values}, out)
        return out

    def _zero_row(self, step: Step, text: str) -> list[Any] | None:
        """「0」 or 「无」 alone stands for a row of zeros; None if ``text`` is not one zero."""
        answers = _answers_module()
        try:
            zero = answers.parse_answer(step.fields[0], text.strip())
        except answers.InputError:
            return None
        return [answers.parse_answer(f, text.strip()) for f in step.fields] if zero.value == 0 else None

    def _balance_message(self, answers: Mapping[str, Any], out: Outcome) -> None:
        """Say that table 三 balances, once its last row is in and rule N4 finds nothing.

        An imbalance is said by the engine's own N4 finding, which names both sides per column.
        """
        left = FORM.value("requests.new.total", answers), FORM.value("requests.carried.total", answers)
        right = FORM.value("requests.total.total", answers), FORM.value("requests.carry_over.total", answers)
        if None in left or None in right:
            return
        from gkassist.engine import findings_of

        if not findings_of("N4", answers, self.state.previous):
            out.messages.append(("info", self.script.say("balance_ok", left=sum(left), right=sum(right))))

    def _submit_field(self, step: Step, text: str) -> Outcome:
        fid = step.fields[0]
        f = FORM.field(fid)
        say = self.script.say
        if f.kind == "prose":
            body = text.strip()
            if not body:  # an empty paragraph is a skip, said so in the recap
                if fid in self.state.answers:
                    return Outcome(clears=[fid], touched=(fid,), workbench=self._skip_record(step),
                                   messages=[("info", say("cleared"))])
                return Outcome(touched=(fid,), workbench=self._skip_record(step), messages=[("info", say("skipped"))])
            return Outcome(values={fid: body}, touched=(fid,))
        if not text.strip():
            return Outcome(ok=False, messages=[("error", say("empty_answer"))])
        if f.kind == "choice":
            other = step.also.get(text.strip())
            key = other or _answers_module().parse_answer(fid, text).value
            out = Outcome(values={fid: key}, touched=(fid,),
                          messages=[("info", say("row_recorded", cells=f.choices[key]))])
            if other and step.also_note:  # 「区级」: said how it is taken, never refused
                out.messages.insert(0, ("note", say("note", text=step.also_note)))
            return out
        parsed = _answers_module().parse_answer(fid, text)
        out = Outcome(values={fid: parsed.value}, touched=(fid,))
        if parsed.note:
            out.notes[fid] = parsed.note
            out.messages.append(("note", say("note", text=parsed.note)))
        return out

    # --- section 五 as items, and last year's problems one by one ---------------------------------

    def _submit_items(self, step: Step, text: str) -> Outcome:
        """One item per line → the items in the workbench and the assembled paragraph as the answer."""
        s5, say = self._section5(), self.script.say
        fid = step.fields[0]
        items = s5.parse_items(text)
        wb = s5.workbench(self.state)
        wb[s5.ITEM_KEYS[step.items]] = items
        if not items:
            skipped = {s5.WORKBENCH_KEY: wb, **self._skip_record(step)}
            if fid in self.state.answers:
                return Outcome(clears=[fid], workbench=skipped, touched=(fid,), messages=[("info", say("cleared"))])
            return Outcome(workbench=skipped, touched=(fid,), messages=[("info", say("skipped"))])
        text_out = s5.paragraph(step.items, items, self.state.answers)
        out = Outcome(values={fid: text_out}, workbench={s5.WORKBENCH_KEY: wb}, touched=(fid,))
        out.messages.append(("info", say("items_recorded", n=len(items), label=step.label, text=text_out)))
        copied = s5.copies(items, self.state.previous)
        for n, match in copied:
            out.messages.append(("finding-warning", say("item_copied", n=n, sentence=match.sentence, previous=match.previous)))
        if copied:
            out.said = (("Y3", fid),)  # named item by item above: the rule's summary would repeat it
        return out

    def _walk_here(self, parts: list[tuple[int, str]]) -> tuple[int, str] | None:
        """The walk's current question: the saved cursor, else the first one not answered yet."""
        if self.sub and (self.sub.get("item"), self.sub.get("part")) in parts:
            return self.sub["item"], self.sub["part"]
        s5 = self._section5()
        return s5.walk_open(s5.walk_entries(self.state)) or (parts[0] if parts else None)

    def _walk_question(self, step: Step) -> Question:
        s5, say = self._section5(), self.script.say
        entries = s5.walk_entries(self.state)
        here = self._walk_here(s5.walk_parts(entries))
        prompts = s5.get_bank().phrases.prompts
        if here is None:  # nothing to walk through (last year's 五 is gone): say so, move on
            return Question(step, say("walk_nothing"), "", "", [], "", False, [], False)
        i, part = here
        entry = entries[i]
        lines = []
        if (i, part) == (0, "action"):
            lines.append(step.question.format(n=len(entries)))
        lines.append(say("walk_head", i=i + 1, n=len(entries), title=s5.rectification_title(entry["problem"], limit=40)))
        planned = s5.planned_measures(self.state.previous)
        if part == "action" and i < len(planned) and planned[i]:
            lines.append(say("walk_planned", measures="；".join(f"「{m}」" for m in planned[i])))
        lines.append(prompts[part])
        options: list[str] = []
        prefill = entry.get(part, "")
        if part == "status":
            statuses = s5.get_bank().phrases.statuses
            options = [say("option", n=n, label=statuses[k].label) for n, k in enumerate(s5.STATUSES, 1)]
            prefill = str(s5.STATUSES.index(prefill) + 1) if prefill in s5.STATUSES else ""
        return Question(
            step=step, text="\n".join(lines), help=say(f"walk_help_{part}"), example="", options=options,
            prefill=prefill, multiline=False, before=[], prefilled_default=False,
        )

    def _submit_walk(self, step: Step, text: str) -> Outcome:
        s5, say = self._section5(), self.script.say
        entries = s5.walk_entries(self.state)
        parts = s5.walk_parts(entries)
        here = self._walk_here(parts)
        if here is None:
            return Outcome()
        i, part = here
        entry, value = entries[i], text.strip()
        messages: list[tuple[str, str]] = []
        if part == "status":
            status = s5.parse_status(value)
            if status is None:
                return Outcome(ok=False, messages=[("error", say("walk_status_expected", text=value))])
            entry["status"] = status
            if status != "not_done":
                entry.pop("reason", None)
            messages.append(("info", say("row_recorded", cells=s5.get_bank().phrases.statuses[status].label)))
        elif part in ("action", "reason") and not value:
            return Outcome(ok=False, messages=[("error", say("walk_empty"))])
        elif part in ("action", "reason") and parse_int(value) is not None:
            # a bare number says nothing of what was done: typed ahead for the status question
            return Outcome(ok=False, messages=[("error", say("walk_number_only", text=value))])
        else:
            entry[part] = value  # the result may be empty: there is not always a number to give
        wb = s5.workbench(self.state)
        wb["rectification"] = entries
        out = Outcome(workbench={s5.WORKBENCH_KEY: wb}, touched=step.fields, messages=messages)
        paragraph = s5.rectification_paragraph(entries, self.state.answers)
        if paragraph and paragraph != self.state.answers.get("rectification"):
            out.values["rectification"] = paragraph
        parts = s5.walk_parts(entries)  # a status of 未完成 adds the question of why
        nxt = parts[parts.index((i, part)) + 1] if parts.index((i, part)) + 1 < len(parts) else None
        if nxt is not None:
            out.stay, out.sub = True, {"item": nxt[0], "part": nxt[1]}
        elif paragraph:
            out.messages.append(("info", say("walk_done", text=paragraph)))
        return out

    def skip(self) -> Outcome:
        step = self.step
        self.pending_confirm = None
        if step.kind == "final":
            return Outcome(open_review=True)
        out = Outcome(touched=tuple(step.fields), workbench=self._skip_record(step),
                      messages=[("info", self.script.say("skipped"))])
        self._finish(step, out)
        return out

    def back(self) -> str | None:
        self.pending_confirm = None
        self.return_to = None
        if self.step.kind == "walk":
            # within a walk, back is the previous of its questions
            s5 = self._section5()
            parts = s5.walk_parts(s5.walk_entries(self.state))
            here = self._walk_here(parts)
            if here in parts and parts.index(here) > 0:
                i, part = parts[parts.index(here) - 1]
                self.sub = {"item": i, "part": part}
                return self.step_id
        prev = self.prev_before(self.step_id)
        if prev is not None and self.script.step(prev).kind == "walk":
            s5 = self._section5()
            parts = s5.walk_parts(s5.walk_entries(self.state))
            if parts:  # coming back into a walk: its last question
                self.step_id = prev
                self.sub = {"item": parts[-1][0], "part": parts[-1][1]}
        return prev

    def advance(self, outcome: Outcome) -> None:
        """Go where a saved ``outcome`` leads: its next step, or the next question of a walk."""
        if outcome.next_step:
            self.move(outcome.next_step)
        elif outcome.stay:
            self.sub = outcome.sub

    def move(self, step_id: str, *, return_to: str | None = None) -> None:
        if step_id != self.step_id:
            self.sub = None  # a walk entered afresh starts at its first open question
        self.step_id = step_id
        self.return_to = return_to
        self.pending_confirm = None

    # --- figures for display -----------------------------------------------------------------

    def _row_ids(self, row: str) -> list[str]:
        return [f"requests.{row}.{c.id}" for c in FORM.requests_columns]

    def _cells(self, ids: list[str]) -> str:
        labels = [c.label for c in FORM.requests_columns]
        out = []
        for label, fid in zip(labels, ids, strict=True):
            v = FORM.value(fid, self.state.answers)
            out.append(self.script.say("cell", label=label, value="？" if v is None else v))
        return "，".join(out)

    # --- recap of a resumed conversation ------------------------------------------------------

    def recap(self) -> list[tuple[Step, str]]:
        """(step, answer as shown) for every step before the current one that has an answer."""
        out: list[tuple[Step, str]] = []
        for s in self.script.steps[: self.script.index[self.step_id]]:
            if not self.applicable(s) or s.kind == "final":
                continue
            if self.answered(s) and s.kind == "list":
                lines = self._section5().listed_problems(self.state)
                out.append((s, "；".join(lines) if lines else self.script.say("recap_skipped")))
                continue
            if self.answered(s):
                prefill, _ = self._prefill(s)
                if s.choice:
                    prefill = FORM.field(s.fields[0]).choices[self.state.answers[s.fields[0]]]
                if s.items or s.kind == "walk":  # the paragraph as the report has it
                    prefill = str(self.state.answers.get(s.fields[0]) or self.script.say("recap_skipped"))
                out.append((s, prefill))
            elif s.kind in ("field", "row", "walk"):
                # skipped on purpose, or never seen (jumped over with /goto): not the same thing
                out.append((s, self.script.say("recap_skipped" if self.skipped(s) else "recap_unanswered")))
        return out

    def section_status(self) -> dict[str, tuple[int, int, int]]:
        """Section id → (answered, skipped, total): the questions progress counts
        (``session.progress_items``), answered, or left empty on purpose (/skip, an empty
        paragraph), of each section."""
        from gkassist.session import progress_items

        skipped: set[str] = set()
        for s in self.script.steps:
            if self.skipped(s):
                skipped.update(s.fields)
        out: dict[str, list[int]] = {}
        answers = self.state.answers
        for fields in progress_items():
            counts = out.setdefault(FORM.field(fields[0]).section, [0, 0, 0])
            counts[2] += 1
            if all(answers.get(f) not in (None, "") for f in fields):
                counts[0] += 1
            elif all(f in skipped for f in fields):
                counts[1] += 1
        return {sid: (a, k, n) for sid, (a, k, n) in out.items()}

    def step_title(self, step: Step) -> str:
        return step.title or step.label or step.id


@lru_cache(maxsize=32)
def _no_rule_power(kind: str | None, level: str | None) -> bool:
    """Rule N7 (the 规章 row must be 0) applies to an agency of this kind and level.

    Asked of the rulebook, once per pair: the rule reads nothing else to decide where it applies.
    """
    if kind is None or level is None:
        return False
    from gkassist.engine import rule_applies

    return rule_applies("N7", {"meta.agency_kind": kind, "meta.level": level})


@dataclass
class _View:
    answers: Mapping[str, Any]
    previous: Mapping[str, Any] | None
    workbench: Mapping[str, Any]
    outline: Mapping[str, Any]
