"""The prose editor with section 五's standard wording under it, as one widget that posts messages.

``AnswerEditor`` holds the editor (``ProseEditor``), the offers (``SuggestionList``) and a line
that says what the current line's slots want. It keeps to the keys and the display:

- ``AssistWanted`` (messages.py, as the others) asks the screen for offers for the line the cursor is on (the screen works them
  out with ``gkassist.interview.section5.assist`` in a thread worker and hands them back with
  ``show_assist``); posted on each edit and when the cursor moves to another line;
- Tab fills the next ``{slot}`` of the line, else takes the highlighted offer; Ctrl+↑/↓ (Alt on
  terminals that keep Ctrl+arrows) picks another offer; a click takes one;
- ``EditorSubmitted`` carries the text when the officer submits; the first submit of items with
  ``{slots}`` left stops at the first slot and posts ``SlotsLeft`` instead (a second goes on).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.style import Style
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static, TextArea
from textual.widgets.option_list import Option
from textual.widgets.text_area import Selection

from gkassist.text import SLOT_RE
from gkassist.ui import actions
from gkassist.ui.chatlog import Folded
from gkassist.ui.messages import AssistWanted, EditorSubmitted, SlotsLeft
from gkassist.ui.widgets import SetsAside, run_own_binding

SLOT_STYLE = Style(color="black", bgcolor="yellow", bold=True)


class ProseEditor(SetsAside, TextArea):
    """The multi-line editor for prose. Enter is a new line; Ctrl+J submits (``actions.COMMANDS``).

    Every key is applied in the order it came (``widgets.run_own_binding``): Ctrl+J submits the
    text as typed up to it, Backspace and Ctrl+U edit what is there when they come. Enter on a line
    that is only a /command runs the command instead of opening a line. In ``items_mode``
    (section 五 written one item per line) Enter always opens a new line after the current one:
    pressing it right after filling the last slot in the middle of a line must not cut the item in
    two. ``{slots}`` still to fill are drawn highlighted.
    """

    items_mode = False
    # Handled here, as the key reaches the editor, in order with the characters typed before and
    # after it (a binding would run only after the key bubbled up): Tab's meaning in section 五
    # (next slot, take an offer; True when it was used), Ctrl+J (submit), Enter on a /command.
    tab_handler: Callable[[], bool] | None = None
    submit_handler: Callable[[], None] | None = None
    command_handler: Callable[[], bool] | None = None

    BINDINGS = actions.bindings(actions.EDITOR)

    def action_submit(self) -> None:
        if self.submit_handler is not None:
            self.submit_handler()

    async def on_key(self, event: events.Key) -> None:
        # runs before TextArea's own key handler (a base class's), which inserts the key unless
        # prevented
        if self.set_aside(event):
            return
        if event.key == "tab" and self.tab_handler is not None and self.tab_handler():
            event.stop()
            event.prevent_default()
            return
        if event.key == "enter" and self.command_handler is not None and self.command_handler():
            event.stop()
            event.prevent_default()
            return
        if self.items_mode and event.key == "enter" and not self.read_only:
            row, _ = self.cursor_location
            self.move_cursor((row, len(self.document.get_line(row))))
            return
        await run_own_binding(self, event)

    async def on_paste(self, event: events.Paste) -> None:
        self.set_aside(event)

    def get_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        for m in SLOT_RE.finditer(line.plain):
            line.stylize(SLOT_STYLE, m.start(), m.end())
        return line


class SuggestionList(OptionList):
    """Standard wording offered under the prose editor (section 五); selecting one inserts it."""


def offer_prompt(label: str, text: str, note: str = "") -> Text:
    """One offer as listed: its category (and why it is offered), then the phrasing, slots marked."""
    out = Text()
    out.append(f"【{label}】", style="bold")
    if note:
        out.append(note + " ", style="italic")
    start = len(out)
    out.append(text)
    for m in SLOT_RE.finditer(text):
        out.stylize(SLOT_STYLE, start + m.start(), start + m.end())
    return out


def _section5():  # noqa: ANN202 - a module
    # imported on the first Tab: the wording layer behind it is no start-up cost
    from gkassist.interview import section5

    return section5


class AnswerEditor(Vertical):
    """The prose editor, and under it the offers and hints of section 五's standard wording."""

    DEFAULT_CSS = """
    AnswerEditor {
        height: auto;
    }
    """
    BINDINGS = [
        Binding("ctrl+down,alt+down", "offer_move(1)", show=False),
        Binding("ctrl+up,alt+up", "offer_move(-1)", show=False),
    ]

    def __init__(self, say: Callable[..., str], **kw: Any) -> None:
        super().__init__(**kw)
        self.say = say
        self.assisting = False  # standard wording is offered (section 五's problems and measures)
        self._assist: Any = None  # what is offered now (gkassist.interview.section5.Assist)
        self._slots_warned = ""  # the text already submitted once with {slots} left in it

    def compose(self) -> ComposeResult:
        editor = ProseEditor(id="prose", soft_wrap=True, show_line_numbers=False, compact=True)
        editor.tab_handler = self._tab
        editor.submit_handler = self.submit
        editor.command_handler = self._command_line
        yield editor
        yield SuggestionList(id="suggestions")
        yield Static("", id="assist", markup=False)

    @property
    def prose(self) -> ProseEditor:
        return self.query_one("#prose", ProseEditor)

    @property
    def text(self) -> str:
        return self.prose.text

    def load(self, text: str, *, items: bool, assisting: bool, typed: str = "") -> None:
        """Start a question: its text (items one per line, and a line for the next), cursor at the
        end; ``typed``: what was typed ahead for it while the last answer was saved, after that."""
        self.hide_assist()
        self._slots_warned = ""
        self.assisting = assisting
        editor = self.prose
        editor.items_mode = items
        editor.load_text(text)
        if items and text:
            editor.insert("\n", editor.document.end)
        if typed:
            editor.insert(typed, editor.document.end)
        editor.untouched = not typed
        editor.move_cursor(editor.document.end)
        editor.focus()

    def submit(self) -> None:
        """Submit the text as it stands: /commands in it run and stay out of it; items with {slots}
        left stop at the first slot (the next submit goes on); else the editor is emptied at once,
        so that what is typed next (while the answer is saved) belongs to the next question."""
        editor = self.prose
        text = editor.text
        commands, rest = actions.commands_in(text)
        if commands:
            if rest != text:
                editor.load_text(rest)
                editor.move_cursor(editor.document.end)
            for command in commands:
                self.post_message(EditorSubmitted(self, "/" + command, typed_at=editor.last_key_at))
            return
        if editor.items_mode and self._stop_for_slots(text):
            return
        self.post_message(EditorSubmitted(self, text, typed_at=editor.last_key_at))
        self.hide_assist()
        editor.load_text("")

    def take_typed(self) -> str:
        """What was typed in the editor since the program last filled it (typed ahead of the
        question it will go to); the editor is emptied."""
        text = "" if self.prose.untouched else self.prose.text
        if self.prose.text:
            self.prose.load_text("")
        self.prose.untouched = True
        return text

    def _command_line(self) -> bool:
        """Enter on a line that is only a /command: the command runs, the line goes; on a line that
        ends with one (「…整体水平/goto 二」): the command runs, the text before it stays."""
        editor = self.prose
        row, _ = editor.cursor_location
        line = editor.document.get_line(row)
        command = actions.command_of_line(line)
        end = (row, len(line))
        if command is not None:
            start = (row - 1, len(editor.document.get_line(row - 1))) if row > 0 else (row, 0)
        elif (found := actions.trailing_command(line)) is not None:
            command, kept = found
            start = (row, len(kept))
        else:
            return False
        editor.delete(start, end)
        self.post_message(EditorSubmitted(self, "/" + command, typed_at=editor.last_key_at))
        return True

    # --- the offers -------------------------------------------------------------------------------

    def hide_assist(self) -> None:
        self._assist = None
        suggestions = self.query_one("#suggestions", SuggestionList)
        if suggestions.option_count or suggestions.display:  # on most questions: nothing to redraw
            suggestions.clear_options()
            suggestions.display = False
        assist = self.query_one("#assist", Static)
        if assist.display:
            assist.display = False

    def show_assist(self, result: Any) -> None:
        """Offer standard wording under the editor, or say what the slots of this line want."""
        editor = self.prose
        if not self.assisting or result.text != editor.text or result.row != editor.cursor_location[0]:
            return  # typed on meanwhile: a newer lookup is on its way
        self._assist = result
        say = self.say
        suggestions = self.query_one("#suggestions", SuggestionList)
        suggestions.clear_options()
        suggestions.add_options([Option(Folded(offer_prompt(o.label, o.text, o.note)), id=str(i))
                                 for i, o in enumerate(result.offers)])
        suggestions.display = bool(result.offers)
        if result.offers:
            suggestions.highlighted = 0
        lines: list[str] = []
        if result.copy is not None:
            lines.append(say("line_copied", previous=result.copy.previous))
        if result.slots:
            slots = "；".join(say("slot_hint", slot=name, hint=hint) for name, hint in result.slots)
            lines.append(say("slots_to_fill", slots=slots))
        elif result.offers:
            lines.append(say("offers_keys"))
        elif result.done and editor.items_mode:
            lines.append(say("item_done"))
        assist = self.query_one("#assist", Static)
        assist.update(Folded("\n".join(lines)))
        assist.display = bool(lines)

    def _want_assist(self) -> None:
        row, col = self.prose.cursor_location
        self.post_message(AssistWanted(self, self.text, row, col))

    @on(ProseEditor.Changed, "#prose")
    def _changed(self, event: ProseEditor.Changed) -> None:
        event.stop()
        if self.assisting:
            self._want_assist()

    @on(ProseEditor.SelectionChanged, "#prose")
    def _moved(self, event: ProseEditor.SelectionChanged) -> None:
        event.stop()
        # the cursor moved to another line: offers for that line (an edit posts Changed as well)
        if self.assisting and self._assist is not None and event.selection.end[0] != self._assist.row:
            self._want_assist()

    def _stop_for_slots(self, text: str) -> bool:
        """The first submit of items with {slots} left stops at the first of them (a second goes on)."""
        slots = list(dict.fromkeys(m.group(0) for m in SLOT_RE.finditer(text)))
        if not slots or text == self._slots_warned:
            return False
        self._slots_warned = text
        editor = self.prose
        for row, line in enumerate(text.split("\n")):
            m = SLOT_RE.search(line)
            if m:
                editor.selection = Selection((row, m.start()), (row, m.end()))
                break
        editor.focus()
        self.post_message(SlotsLeft(self, slots))
        return True

    @on(OptionList.OptionSelected, "#suggestions")
    def _suggestion_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.take_offer(int(event.option.id or 0))

    def take_offer(self, index: int) -> None:
        """Put offer ``index`` in place of what was typed, and select its first slot to fill."""
        result = self._assist
        if result is None or not 0 <= index < len(result.offers):
            return
        editor = self.prose
        text = result.offers[index].text
        start, end = result.span
        editor.replace(text, (result.row, start), (result.row, end))
        editor.focus()
        slot = _section5().slot_at(editor.document.get_line(result.row), start)
        if slot is not None:
            editor.selection = Selection((result.row, slot[0]), (result.row, slot[1]))
        else:
            editor.move_cursor((result.row, start + len(text)))
        self.hide_assist()
        self._want_assist()

    def _tab(self) -> bool:
        """Tab: the next {slot} of the line, else the highlighted offer; False: Tab moves the focus.

        Called by the editor as it handles the key, in order with the characters typed before and
        after it.
        """
        if not self.assisting:
            return False
        editor = self.prose
        row, _ = editor.cursor_location
        slot = _section5().slot_at(editor.document.get_line(row), max(editor.selection.start[1], editor.selection.end[1]))
        if slot is not None:
            editor.selection = Selection((row, slot[0]), (row, slot[1]))
            return True
        suggestions = self.query_one("#suggestions", SuggestionList)
        if self._assist is not None and self._assist.row == row and suggestions.display and suggestions.option_count:
            self.take_offer(suggestions.highlighted or 0)
            return True
        return False

    def action_offer_move(self, step: int) -> None:
        suggestions = self.query_one("#suggestions", SuggestionList)
        if suggestions.display and suggestions.option_count:
            current = suggestions.highlighted or 0
            suggestions.highlighted = (current + step) % suggestions.option_count
