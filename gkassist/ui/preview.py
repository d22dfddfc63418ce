"""The report as it stands, rendered by the real renderer, gaps marked 【待填写】."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from gkassist.interview.script import load_script
from gkassist.ui import actions
from gkassist.ui.chatlog import Folded
from gkassist.ui.messages import PreviewReady
from gkassist.ui.widgets import HEADER_ICON


class PreviewScreen(Screen):
    BINDINGS = [
        *actions.bindings(actions.PREVIEW),
        Binding("q", "close", show=False),
        # the tables are wider than most terminals: ← → scroll them sideways, all together
        Binding("right", "scroll_tables(8)", show=False),
        Binding("left", "scroll_tables(-8)", show=False),
    ]

    def __init__(self, render: Callable[[], str]) -> None:
        """``render``: the report's text as it stands (called in a thread worker)."""
        super().__init__()
        self.render_report = render
        self.say = load_script().say
        self.text = ""

    def compose(self) -> ComposeResult:
        yield Header(icon=HEADER_ICON)
        yield Static(Folded(self.say("preview_title")), id="preview-title")
        with VerticalScroll(id="preview-scroll"):
            yield Static(self.say("preview_loading"), id="preview", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.say("app_title")
        self.sub_title = self.say("preview_title")
        self._render_report()

    @work(thread=True, exit_on_error=False)
    def _render_report(self) -> None:
        try:
            text = self.render_report()
        except Exception as err:  # shown on the screen, in words, never as a traceback
            self.post_message(PreviewReady(error=f"{type(err).__name__}: {err}"))
            return
        self.post_message(PreviewReady(text))

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_scroll_tables(self, columns: int) -> None:
        for box in self.query(".preview-table"):
            box.scroll_to(x=box.scroll_x + columns, animate=False)

    def on_preview_ready(self, message: PreviewReady) -> None:
        body = self.query_one("#preview", Static)
        if message.error:
            body.update(Folded(self.say("export_failed", error=message.error)))
            return
        self.text = message.text
        body.update("")
        scroll = self.query_one("#preview-scroll", VerticalScroll)
        # prose folds to the window; a table keeps its rows whole and scrolls sideways instead
        for is_table, lines in split_tables(message.text):
            block = "\n".join(lines)
            if is_table:
                box = ScrollableContainer(classes="preview-table")
                scroll.mount(box)
                box.mount(Static(block, markup=False, classes="preview-table-text"))
            else:
                # folded as the conversation is: never inside a number such as 2025
                scroll.mount(Static(Folded(Text(block)), classes="preview-prose"))
        scroll.focus()


def split_tables(text: str) -> list[tuple[bool, list[str]]]:
    """The report's lines grouped into runs of table lines (drawn with 「|」) and other lines."""
    blocks: list[tuple[bool, list[str]]] = []
    for line in text.splitlines():
        is_table = "|" in line
        if blocks and blocks[-1][0] == is_table:
            blocks[-1][1].append(line)
        else:
            blocks.append((is_table, [line]))
    # a row label on a line of its own (「三、本年度办理结果」) belongs to the table around it
    merged: list[tuple[bool, list[str]]] = []
    for i, (is_table, lines) in enumerate(blocks):
        inside = 0 < i < len(blocks) - 1 and blocks[i - 1][0] and blocks[i + 1][0]
        if not is_table and inside and len(lines) <= 2 and all(line.strip() for line in lines):
            is_table = True
        if merged and merged[-1][0] and is_table:
            merged[-1][1].extend(lines)
        else:
            merged.append((is_table, list(lines)))
    return merged
