"""Widgets of the conversation: the answer line and the side panel (messages: chatlog.py; prose: editor.py).

Every text a user typed, and every message from the engine, is shown as plain text (``Text`` or
``markup=False``): a 「[b]」 in an answer must come out as typed, never as markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from gkassist.findings import count_by_severity, label_of
from gkassist.form import FORM
from gkassist.interview.flow import Question

# "☰" is narrow in every terminal; Textual's default "⭘" is East-Asian "ambiguous" width, drawn
# two cells wide by terminals set up for Chinese, which shifts the header line
HEADER_ICON = "☰"


def question_text(q: Question, say: Any) -> Text:
    text = Text()
    for line in q.before:
        text.append(line + "\n", style="bold")
    text.append(q.text, style="bold")
    if q.options:
        text.append("\n" + say("options_intro") + "  " + "    ".join(q.options))
    if q.help:
        text.append("\n" + q.help, style="italic")
    if q.example:
        text.append("\n" + say("example", text=q.example), style="dim")
    if q.prefilled_default and q.prefill:
        text.append("\n" + say("default_hint"), style="dim")
    return text


def finding_text(f: Any, say: Any, *, unreached: bool = False) -> Text:
    """A finding as said in the conversation; ``unreached``: about a part not filled in yet."""
    text = Text(say("finding", label=f"【{label_of(f)}】", code=f.code, message=f.message))
    if unreached:
        text.append(say("finding_unreached"), style="italic")
    return text


class AnswerInput(Input):
    """The one-line answer; Enter submits (handled by the screen)."""

    # Input keeps the width of its text in ``virtual_size`` (to scroll sideways), a reactive that
    # asks for a relayout of the whole screen, and so a repaint of every widget, whenever the
    # length of the value changes: at every answer (cleared, then the next prefill). The line's
    # own size never depends on it (one row, full width), so a repaint of the line is enough.
    virtual_size = Reactive(Size(0, 0), layout=False, repaint=True)


class SidePanel(Vertical):
    """Per-section status and overall progress; selecting a section jumps to it."""

    def __init__(self, say: Any, **kw: Any) -> None:
        super().__init__(**kw)
        self.say = say
        self._signature: tuple = ()
        self._progress = ""

    def compose(self) -> ComposeResult:
        yield Static(self.say("panel_title"), id="panel-title")
        yield OptionList(id="sections")
        yield Static("", id="progress-text", markup=False)
        yield Static("", id="progress-bar")
        yield Static(self.say("panel_hint"), id="panel-hint")

    def refresh_status(
        self,
        answers: Mapping[str, Any],
        findings: Iterable[Any],
        progress: tuple[int, int],
        current_section: str | None,
    ) -> None:
        say = self.say
        sections: dict[str, list[Any]] = {}
        for f in findings:
            sections.setdefault(f.section, []).append(f)
        by_section = {sid: count_by_severity(fs) for sid, fs in sections.items()}
        options: list[Option] = []
        for sec in FORM.sections:
            fields = [f for f in FORM.section_fields(sec.id) if not f.derived]
            # sections whose fields are all optional (一) count what there is to write
            required = [f.id for f in fields if f.required] or [f.id for f in fields]
            done = sum(1 for f in required if f in answers)
            if done == 0:
                status, style = say("status_todo"), "dim"
            elif done < len(required):
                status, style = say("status_partial"), "yellow"
            else:
                status, style = say("status_done"), "green"
            # no space after the number: a narrow panel then folds the title, not the number off it
            name = f"{sec.number}、{sec.title}" if sec.number else sec.title
            line = Text()
            line.append(name, style="bold reverse" if sec.id == current_section else "bold")
            line.append("\n  ")
            line.append(status, style=style)
            counts = by_section.get(sec.id, {})
            if counts.get("error"):
                line.append(" " + say("status_errors", n=counts["error"]), style="bold red")
            if counts.get("warning"):
                line.append(" " + say("status_warnings", n=counts["warning"]), style="yellow")
            options.append(Option(line, id=sec.id))
        review = Text(say("review_label"), style="bold reverse" if current_section == "done" else "bold")
        options.append(Option(review, id="done"))
        ol = self.query_one("#sections", OptionList)
        signature = tuple(o.prompt.plain + str(o.prompt.spans) for o in options)
        if signature != self._signature:  # rebuilding the list costs a layout: only on change
            self._signature = signature
            highlighted = ol.highlighted
            ol.set_options(options)
            if highlighted is not None:
                ol.highlighted = min(highlighted, len(options) - 1)
        answered, required = progress
        percent = round(100 * answered / required) if required else 0
        progress_text = say("panel_progress", answered=answered, required=required, percent=percent)
        if progress_text == self._progress:
            return
        self._progress = progress_text
        # one line each, of a fixed width: a repaint, not a relayout of the screen
        self.query_one("#progress-text", Static).update(progress_text, layout=False)
        width = 24
        filled = round(width * answered / required) if required else 0
        # a bar of coloured spaces: block and box-drawing characters are "ambiguous" width and
        # are drawn two cells wide by many Chinese-locale terminals
        bar = Text(" " * filled, style="on green") + Text(" " * (width - filled), style="on grey23")
        self.query_one("#progress-bar", Static).update(bar, layout=False)

