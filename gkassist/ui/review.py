"""Review: the rows ``gkassist.interview.review`` builds, drawn as a list; selecting one goes back to it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from gkassist.interview.review import ReviewRow
from gkassist.ui import actions
from gkassist.ui.chatlog import Folded
from gkassist.ui.widgets import HEADER_ICON

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "hint": "cyan"}
ANSWER_STYLE = {"missing": "bold red", "optional": "dim"}


class ReviewScreen(Screen):
    """Dismissed with a step id (go there), ``("export",)`` (export), or None (back)."""

    BINDINGS = actions.bindings(actions.REVIEW)

    def __init__(self, rows: Sequence[ReviewRow], say: Callable[..., Any], render: Callable[[], str]) -> None:
        super().__init__()
        self.rows = list(rows)
        self.say = say
        self.render_report = render  # for the preview opened from here
        self.targets: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        say = self.say
        yield Header(icon=HEADER_ICON)
        yield Static(Folded(say("review_intro")), id="review-intro")
        yield OptionList(*self._options(), id="review-list")
        with Horizontal(id="review-buttons"):
            yield from actions.buttons(actions.REVIEW, primary="export")
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.say("app_title")
        self.sub_title = self.say("review_title")
        self.query_one("#review-list", OptionList).focus()

    def _options(self) -> list[Option | None]:
        options: list[Option | None] = []
        for n, row in enumerate(self.rows):
            key = f"s{n}"
            if row.kind == "section":
                if options:
                    options.append(None)
                options.append(Option(Folded(Text(row.text, style="bold reverse")), disabled=True))
            elif row.kind == "ok":
                options.append(Option(Folded(Text("  " + row.text, style="green")), disabled=True))
            elif row.kind == "answer":
                line = Text("  ")
                line.append(row.title, style="bold")
                line.append("：")
                line.append(row.text, style=ANSWER_STYLE.get(row.state, ""))
                options.append(Option(Folded(line), id=key))
            else:
                label = self.say("severity")[row.severity]
                line = Text("  " + self.say("review_finding", label=label, code=row.code, message=row.text),
                            style=SEVERITY_STYLE.get(row.severity, ""))
                if row.unreached:
                    line.append(self.say("finding_unreached"), style="italic")
                options.append(Option(Folded(line), id=key))
            if row.target is not None:
                self.targets[key] = row.target
        if options:
            options.append(None)
        return options

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        target = self.targets.get(event.option.id or "")
        if target:
            self.dismiss(target)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_export(self) -> None:
        self.dismiss(("export",))

    def action_preview(self) -> None:
        from gkassist.ui.preview import PreviewScreen

        self.app.push_screen(PreviewScreen(self.render_report))
