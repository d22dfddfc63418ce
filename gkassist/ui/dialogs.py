"""Small modal dialogs: yes/no confirmation, and the export form."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from gkassist.interview.script import load_script
from gkassist.interview.service import EXPORT_FORMATS
from gkassist.ui.chatlog import Folded


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [Binding("escape", "no", load_script().say("btn_no"))]

    def __init__(self, question: str, say: Any) -> None:
        super().__init__()
        self.question = question
        self.say = say

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Folded(self.question), classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.say("btn_yes"), id="yes", variant="error", compact=True)
                yield Button(self.say("btn_no"), id="no", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_no(self) -> None:
        self.dismiss(False)


class ChoiceScreen(ModalScreen[str | None]):
    """A question and a button per answer; dismissed with the chosen id, or None (Escape)."""

    BINDINGS = [Binding("escape", "cancel", load_script().say("btn_no"))]

    def __init__(self, question: str, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.question = question
        self.choices = choices  # (id, label), the first one the default

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Folded(self.question), classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                for n, (cid, label) in enumerate(self.choices):
                    yield Button(label, id=f"choice-{cid}", variant="primary" if n == 0 else "default", compact=True)

    def on_mount(self) -> None:
        self.query_one(Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss((event.button.id or "").removeprefix("choice-"))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ExportScreen(ModalScreen[tuple[str, str] | None]):
    """Choose a format and where to save; the path follows the format until the user edits it."""

    BINDINGS = [Binding("escape", "cancel", load_script().say("btn_no"))]

    def __init__(self, default_path: Callable[[str], Path], say: Any) -> None:
        """``default_path``: where a format is saved unless the user says otherwise."""
        super().__init__()
        self.default_path = default_path
        self.say = say
        self.fmt = "docx"

    def compose(self) -> ComposeResult:
        say = self.say
        with Vertical(classes="dialog", id="export-box"):
            yield Static(say("export_title"), classes="dialog-title", markup=False)
            yield Static(Folded(say("export_formats")), classes="dialog-text")
            # buttons rather than a RadioSet: its 「▐●▌」 are ambiguous-width characters
            with Horizontal(id="formats"):
                for fmt in EXPORT_FORMATS:
                    variant = "primary" if fmt == self.fmt else "default"
                    yield Button(fmt, id=f"fmt-{fmt}", variant=variant, compact=True)
            yield Input(str(self.default_path(self.fmt)), id="export-path", compact=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button(say("btn_export"), id="do-export", variant="primary", compact=True)
                yield Button(say("btn_no"), id="cancel", compact=True)

    def choose(self, fmt: str) -> None:
        old_default = str(self.default_path(self.fmt))
        self.fmt = fmt
        for other in EXPORT_FORMATS:
            self.query_one(f"#fmt-{other}", Button).variant = "primary" if other == fmt else "default"
        path = self.query_one("#export-path", Input)
        if path.value == old_default:
            path.value = str(self.default_path(self.fmt))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._done()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button = event.button.id or ""
        if button.startswith("fmt-"):
            self.choose(button.removeprefix("fmt-"))
        elif button == "do-export":
            self._done()
        else:
            self.dismiss(None)

    def _done(self) -> None:
        self.dismiss((self.fmt, self.query_one("#export-path", Input).value.strip()))

    def action_cancel(self) -> None:
        self.dismiss(None)
