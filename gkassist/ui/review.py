"""Review: every section of the form, its answers and its findings; selecting one goes back to it.

Built from ``FORM`` (sections, labels, computed totals) and the interview script (which question
asks which field), so it follows the format without a line of its own about it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from gkassist.form import FORM
from gkassist.interview.script import Step
from gkassist.ui.widgets import HEADER_ICON

if TYPE_CHECKING:
    from gkassist.ui.interview import InterviewScreen

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "hint": "cyan"}
PROSE_PREVIEW = 60  # characters of a prose answer shown in the list


class ReviewScreen(Screen):
    BINDINGS = [
        Binding("escape", "close", "返回对话"),
        Binding("f2", "preview", "预览"),
        Binding("f5", "export", "导出"),
    ]

    def __init__(self, interview: InterviewScreen) -> None:
        super().__init__()
        self.interview = interview
        self.flow = interview.flow
        self.say = interview.say
        self.targets: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        say = self.say
        yield Header(icon=HEADER_ICON)
        yield Static(say("review_intro"), id="review-intro", markup=False)
        yield OptionList(*self._options(), id="review-list")
        with Horizontal(id="review-buttons"):
            yield Button(say("btn_export"), id="rv-export", variant="primary", compact=True)
            yield Button(say("btn_preview"), id="rv-preview", compact=True)
            yield Button(say("btn_close"), id="rv-close", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.say("app_title")
        self.sub_title = self.say("review_title")
        self.query_one("#review-list", OptionList).focus()

    def _answer_text(self, step: Step) -> Text:
        answers = self.interview.session.answers
        say = self.say
        if step.kind == "row":
            values = [answers.get(f) for f in step.fields]
            if all(v is None for v in values):
                return Text(say("review_unanswered"), style="bold red")
            shown = "  ".join("？" if v is None else str(v) for v in values)
            totals = [d for d in FORM.dependents(step.fields[0]) if d.rsplit(".", 1)[0] == step.fields[0].rsplit(".", 1)[0]]
            if totals:
                total = FORM.value(totals[0], answers)
                shown += f"  |  总计 {'？' if total is None else total}"
            return Text(shown)
        fid = step.fields[0]
        value = answers.get(fid)
        if value is None:
            return Text(say("review_unanswered"), style="bold red" if FORM.field(fid).required else "dim")
        if step.choice:
            return Text(FORM.field(fid).choices.get(value, str(value)))
        text = str(value).replace("\n", " ")
        return Text(text[:PROSE_PREVIEW] + ("……" if len(text) > PROSE_PREVIEW else ""))

    def _options(self) -> list[Option | None]:
        options: list[Option | None] = []
        findings = [f for f in self.interview.findings if getattr(f, "kind", "finding") == "finding"]
        unreached = self.flow.unreached_fields()
        n = 0
        for sec in FORM.sections:
            name = sec.heading or sec.title
            options.append(Option(Text(name, style="bold reverse"), disabled=True))
            for step in self.flow.script.steps:
                if step.section != sec.id or step.kind not in ("field", "row", "walk"):
                    continue
                if not self.flow.applicable(step):
                    continue
                line = Text("  ")
                line.append(self.flow.step_title(step), style="bold")
                line.append("：")
                line.append_text(self._answer_text(step))
                key = f"s{n}"
                n += 1
                self.targets[key] = step.id
                options.append(Option(line, id=key))
            sec_findings = [f for f in findings if f.section == sec.id]
            if not sec_findings:
                options.append(Option(Text("  " + self.say("review_section_ok"), style="green"), disabled=True))
            for f in sec_findings:
                label = self.say("severity")[f.severity]
                line = Text(f"  【{label}】{f.code}：{f.message}", style=SEVERITY_STYLE.get(f.severity, ""))
                if unreached & set(f.fields):  # listed all the same: the review is the full account
                    line.append(self.say("finding_unreached"), style="italic")
                key = f"s{n}"
                n += 1
                self.targets[key] = self.flow.step_for_field(f.fields[0]) if f.fields else self.flow.section_steps(sec.id)[0].id
                options.append(Option(line, id=key))
            options.append(None)
        return options

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        target = self.targets.get(event.option.id or "")
        if target:
            self.dismiss(target)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "rv-export":
            self.action_export()
        elif event.button.id == "rv-preview":
            self.action_preview()
        else:
            self.action_close()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_export(self) -> None:
        self.dismiss(("export",))

    def action_preview(self) -> None:
        from gkassist.ui.preview import PreviewScreen

        self.app.push_screen(PreviewScreen(self.interview.backend))
