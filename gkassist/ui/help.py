"""Help: how to answer, the commands and the keys, all from ``prompts/ui.yaml``."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from gkassist.interview.script import load_script


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "dismiss", "返回"), Binding("f1", "dismiss", "返回", show=False)]

    def compose(self) -> ComposeResult:
        say = load_script().say
        with Vertical(id="help-box"):
            yield Static(say("help_title"), id="help-title", markup=False)
            with VerticalScroll(id="help-scroll"):
                yield Static(say("help_text"), id="help-text", markup=False)
            yield Button(say("btn_close"), id="help-close", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#help-close", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)
