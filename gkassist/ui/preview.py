"""The report as it stands, rendered by the real renderer, gaps marked 【待填写】."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from gkassist.ui.backend import Backend
from gkassist.ui.flow import load_script
from gkassist.ui.messages import PreviewReady


class PreviewScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "返回"), Binding("q", "app.pop_screen", "返回", show=False)]

    def __init__(self, backend: Backend) -> None:
        super().__init__()
        self.backend = backend
        self.say = load_script().say

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self.say("preview_title"), id="preview-title", markup=False)
        with VerticalScroll(id="preview-scroll"):
            yield Static("…", id="preview", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.say("app_title")
        self.sub_title = self.say("preview_title")
        self._render_report()

    @work(thread=True, exit_on_error=False)
    def _render_report(self) -> None:
        try:
            text = self.backend.render_text("txt")
        except Exception as err:  # shown on the screen, in words, never as a traceback
            self.post_message(PreviewReady(error=f"{type(err).__name__}: {err}"))
            return
        self.post_message(PreviewReady(text))

    def on_preview_ready(self, message: PreviewReady) -> None:
        body = self.query_one("#preview", Static)
        body.update(message.text if not message.error else self.say("export_failed", error=message.error))
        self.query_one("#preview-scroll").focus()
