"""Help: how to answer (``prompts/ui.yaml``), then the commands and keys (``actions.COMMANDS``)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from gkassist.interview.script import load_script
from gkassist.ui import actions
from gkassist.ui.chatlog import Folded


class HelpScreen(ModalScreen[None]):
    BINDINGS = [*actions.bindings(actions.HELP), Binding("f1", "close", show=False)]

    def compose(self) -> ComposeResult:
        say = load_script().say
        with Vertical(id="help-box"):
            yield Static(say("help_title"), id="help-title", markup=False)
            with VerticalScroll(id="help-scroll"):
                yield Static(Folded(say("help_intro") + "\n" + actions.help_text()), id="help-text")
            yield from actions.buttons(actions.HELP, primary="close")

    def on_mount(self) -> None:
        self.query_one("#btn-close").focus()

    def action_close(self) -> None:
        self.dismiss(None)
