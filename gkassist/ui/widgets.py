"""Widgets of the conversation: the answer line and the side panel (messages: chatlog.py; prose: editor.py).

Every text a user typed, and every message from the engine, is shown as plain text (``Text`` or
``markup=False``): a 「[b]」 in an answer must come out as typed, never as markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.widgets.input import Selection
from textual.widgets.option_list import Option

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
    from gkassist.findings import label_of  # (the findings layer is no start-up cost)

    text = Text(say("finding", label=f"【{label_of(f)}】", code=f.code, message=f.message))
    if unreached:
        text.append(say("finding_unreached"), style="italic")
    return text


async def run_own_binding(widget: Widget, event: events.Key) -> bool:
    """Run ``widget``'s own key binding for ``event`` now, as the key arrives; True if it did.

    Textual inserts a typed character in the focused widget's key handler, but runs a binding
    (Enter, Backspace, Ctrl+U, the arrows …) only once the key has bubbled up to the app, after
    the widget has handled the keys that arrived with it. Keys that come in one burst (a paste,
    a fast typist, a slow computer) then lose their order: 「7 Enter 9 Enter」 submits 「79」 twice
    (Textual issue 6605, docs/textual-6605.md). Called first in the widget's own key handler,
    this runs the widget's binding in its place among the keys. Priority bindings (the app's,
    run before the key reaches the widget) and bindings of other widgets are left to Textual.
    """
    if event.is_printable:
        return False
    active = widget.screen.active_bindings.get(event.key)
    if active is None or active.node is not widget or active.binding.priority or not active.enabled:
        return False
    event.stop()
    event.prevent_default()
    await widget.run_action(active.binding.action)
    return True


def textual_now() -> float:
    """The clock Textual stamps its messages and events with (``Message.time``)."""
    return Message().time


class TypedAside(Message):
    """Keys typed before an answer was refused reached ``widget`` after it: set aside, not
    applied to the answer being fixed (``text``: what they typed, an Enter as a new line)."""

    def __init__(self, widget: Widget, text: str) -> None:
        super().__init__()
        self.widget, self.text = widget, text


class SetsAside:
    """A text widget that sets aside keys typed before ``stale_before`` (when the screen refused
    an answer): they were meant for questions after that one, and must not be typed into it."""

    stale_before = float("-inf")
    last_key_at = float("-inf")  # when the last key applied was typed (its event's time)
    # the text is as the program put it (a prefill, a draft), no key applied since: not typed ahead
    untouched = True
    _aside = ""
    _aside_due = False

    def set_aside(self, event: events.Key | events.Paste) -> bool:
        if event.time > self.stale_before:
            self.last_key_at = event.time
            self.untouched = False
            return False
        event.stop()
        event.prevent_default()
        if isinstance(event, events.Paste):
            self._aside += event.text
        elif event.key in ("enter", "ctrl+j"):
            self._aside += "\n"
        elif event.is_printable and event.character:
            self._aside += event.character
        if not self._aside_due:  # said once the keys already on their way are in
            self._aside_due = True
            self.call_later(self._report_aside)  # type: ignore[attr-defined]
        return True

    def _report_aside(self) -> None:
        self._aside_due = False
        text, self._aside = self._aside, ""
        if text.strip():
            self.post_message(TypedAside(self, text))  # type: ignore[arg-type, attr-defined]


class OrderedInput(Input):
    """A one-line input that applies every key in the order it came (``run_own_binding``): in a
    burst, 「Ctrl+U /tmp/年报.docx Enter」 in a path field cleared what was typed after Ctrl+U."""

    async def on_key(self, event: events.Key) -> None:
        await run_own_binding(self, event)


class AnswerInput(SetsAside, OrderedInput):
    """The one-line answer. Enter submits what is typed and empties the line at once, so that
    what is typed next (while the answer is saved) is the next answer, never appended to this
    one; every key is applied in the order it came (``run_own_binding``). A pasted text of
    several lines is that many answers."""

    # Input keeps the width of its text in ``virtual_size`` (to scroll sideways), a reactive that
    # asks for a relayout of the whole screen, and so a repaint of every widget, whenever the
    # length of the value changes: at every answer (cleared, then the next prefill). The line's
    # own size never depends on it (one row, full width), so a repaint of the line is enough.
    virtual_size = Reactive(Size(0, 0), layout=False, repaint=True)

    async def on_key(self, event: events.Key) -> None:
        if not self.set_aside(event):
            await super().on_key(event)

    async def action_submit(self) -> None:
        value = self.value
        # emptied without a repaint: the next question's prefill (or the next key typed) repaints
        # the line, so that the answer, its findings and that question come in one frame rather
        # than a frame for the emptied line that holds the next back by a frame interval
        self.set_reactive(Input.value, "")
        self.set_reactive(Input.selection, Selection.cursor(0))
        message = self.Submitted(self, value)
        message.typed_at = self.last_key_at  # type: ignore[attr-defined]
        self.post_message(message)

    async def on_paste(self, event: events.Paste) -> None:
        # runs before Input's own handler (which would keep only the first line) and stops it
        if self.set_aside(event):
            return
        event.stop()
        event.prevent_default()
        lines = event.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        for i, line in enumerate(lines):
            if self.selection.is_empty:
                self.insert_text_at_cursor(line)
            else:
                self.replace(line, *self.selection)
            if i < len(lines) - 1:
                await self.action_submit()


def prompt_key(prompt: Any) -> tuple:
    """What an option's prompt shows (a ``Text``: its words and styles), to compare and to key by."""
    if isinstance(prompt, Text):
        return prompt.plain, tuple(prompt.spans), str(prompt.style)
    return (str(prompt),)


class SectionList(OptionList):
    """The side panel's sections. An update replaces only the entries whose line changed (a new
    current section, a new count of findings): rebuilding the list would also reset the keyboard's
    place in it. (A cache of each entry's rendered lines, through OptionList's private
    ``_get_option_render``, was tried: the panel is updated a frame after the answer's, so it
    saved nothing measurable and is not kept, docs/performance.md.)
    """


class SidePanel(Vertical):
    """Per-section status and overall progress; selecting a section jumps to it."""

    def __init__(self, say: Any, **kw: Any) -> None:
        super().__init__(**kw)
        self.say = say
        self._progress = ""

    def compose(self) -> ComposeResult:
        # empty at first: its background holds the panel's place (no reflow of the conversation
        # when the contents come); they come with the first status, once the first question is
        # on screen (InterviewScreen._refresh_panel_now): five more widgets, a list among them,
        # cost that question's first frame ≈ 8 ms
        return ()

    def _contents(self) -> list[Widget]:
        return [
            Static(self.say("panel_title"), id="panel-title"),
            SectionList(id="sections"),
            Static("", id="progress-text", markup=False),
            Static("", id="progress-bar"),
            Static(self.say("panel_hint"), id="panel-hint"),
        ]

    def refresh_status(
        self,
        statuses: Mapping[str, tuple[int, int, int]],
        findings: Iterable[Any],
        progress: tuple[int, int],
        current_section: str | None,
    ) -> None:
        """``statuses``: section → (answered, skipped, to answer); ``progress``: (answered, to answer)."""
        from gkassist.findings import count_by_severity  # (the findings layer is no start-up cost)

        say = self.say
        sections: dict[str, list[Any]] = {}
        for f in findings:
            sections.setdefault(f.section, []).append(f)
        by_section = {sid: count_by_severity(fs) for sid, fs in sections.items()}
        options: list[Option] = []
        for sec in FORM.sections:
            answered, skipped, total = statuses.get(sec.id, (0, 0, 0))
            # 已完成 only when every question is answered or left empty on purpose
            if answered + skipped >= total:
                status, style = say("status_done"), "green"
            elif answered + skipped == 0:
                status, style = say("status_todo"), "dim"
            else:
                status, style = say("status_partial"), "yellow"
            # no space after the number: a narrow panel then folds the title, not the number off it
            name = f"{sec.number}、{sec.title}" if sec.number else sec.title
            line = Text()
            line.append(name, style="bold reverse" if sec.id == current_section else "bold")
            line.append("\n  ")
            line.append(status, style=style)
            if skipped:
                line.append(" " + say("status_skipped", n=skipped), style="dim")
            counts = by_section.get(sec.id, {})
            if counts.get("error"):
                line.append(" " + say("status_errors", n=counts["error"]), style="bold red")
            if counts.get("warning"):
                line.append(" " + say("status_warnings", n=counts["warning"]), style="yellow")
            options.append(Option(line, id=sec.id))
        review = Text(say("review_label"), style="bold reverse" if current_section == "done" else "bold")
        options.append(Option(review, id="done"))
        if not self.children:
            self.mount_all(self._contents())
        ol = self.query_one_optional("#sections", SectionList)
        if ol is None:  # the app is closing (quit at once): nothing mounts any more
            return
        if ol.option_count != len(options):
            ol.set_options(options)
        else:
            # only the sections whose line changed (a new current section, a new count): a rebuild
            # would also reset the keyboard's place in the list
            for i, option in enumerate(options):
                if prompt_key(ol.get_option_at_index(i).prompt) != prompt_key(option.prompt):
                    ol.replace_option_prompt_at_index(i, option.prompt)
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

