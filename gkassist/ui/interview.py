"""The conversation: one question at a time, answers checked as they are entered.

The screen only displays and collects. ``Flow`` decides what to ask and what an answer means;
``InterviewService`` records it and asks the engine, in a thread worker, and writes it to disk in
another. Answers are a queue: every submitted answer is taken exactly as typed, in order. While
one is being checked the next ones wait their turn; the answer, its findings and the next
question appear together once the check reports back (``AnswerChecked``), while the answer is
still being written. The line and the editor empty themselves on submit, so that what is typed
meanwhile is the next answer (type-ahead), and apply every key in the order it came.

What is typed and not submitted is kept in the session as a draft of its question (on moving
away, every few seconds, on quit) and put back when the question is asked again.
"""

from __future__ import annotations

import contextlib
import gc
import inspect
import time
from collections import deque
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header, OptionList, Static
from textual.worker import Worker, WorkerState, get_current_worker

from gkassist.errors import UserError
from gkassist.interview.flow import FINAL, Flow, Outcome
from gkassist.interview.service import EXPORT_FORMATS, InterviewService
from gkassist.ui import actions
from gkassist.ui.chatlog import ChatLog, ChatMessage, Folded
from gkassist.ui.messages import (
    AnswerChecked,
    AnswerSubmitted,
    AssistWanted,
    EditorSubmitted,
    ExportDone,
    ExportRequested,
    FindingsUpdated,
    GotoStep,
    SaveFailed,
    SlotsLeft,
)
from gkassist.ui.widgets import (
    HEADER_ICON,
    AnswerInput,
    SidePanel,
    TypedAside,
    finding_text,
    question_text,
    textual_now,
)

# standard wording is looked up once typing pauses this long (each keystroke restarts the wait)
ASSIST_DELAY = 0.12
# what is typed and not submitted is kept as a draft this often (and on moving away, on quit)
DRAFT_EVERY = 5.0


class _EarlyEnter(str):
    """An empty answer from an Enter pressed before the question it comes to, and the answer that
    question proposes, were on screen (typed in a burst, or while the answer before was checked)."""


def _findings():  # noqa: ANN202 - a module
    # imported on the first findings, not at start: gkassist.findings loads the rules' expression
    # language (a few ms the first question need not wait for)
    from gkassist.interview import findings

    return findings


class InterviewScreen(Screen):
    # the buttons under the input show these; the footer keeps to the few global keys
    BINDINGS = actions.bindings(actions.INTERVIEW)
    # under 100 columns the side panel and the buttons close up (app.tcss, InterviewScreen.-narrow)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    # under 32 rows (80×24) the editor and the offers under it take fewer, so that the question
    # stays in view above them and the buttons below (app.tcss, InterviewScreen.-short)
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    def __init__(self, session: Any, *, resumed: bool = False, intro: str | None = None) -> None:
        super().__init__()
        self.session = session
        self.backend = InterviewService(session)
        self.backend.on_write_error = lambda error: self.post_message(SaveFailed(error))  # thread-safe
        self.flow = Flow(session)
        self.say = self.flow.script.say
        self.resumed = resumed
        self.intro = intro
        self.findings: list[Any] = []
        self._engine_error_said = False
        self._save_error_said = False
        self._pending: list[ChatMessage] = []
        self._queue: deque[str] = deque()  # answers (and /commands) submitted, waiting their turn
        self._turn: Outcome | None = None  # the answer being checked; the next waits for it
        self._asked: Any = None  # the question on screen (flow.Question), for drafts
        self._asked_key = ""  # … and the key its draft is kept by
        self._refused_at = float("-inf")  # when an answer was last refused (Textual's clock)
        self._asked_at = float("-inf")  # when the question on screen was asked (Textual's clock)
        self._quitting = False
        self._editor_widget: Any = None  # the prose editor, once mounted (_mount_editor)  # Ctrl+Q: answers still queued are recorded, not checked or asked on
        self._panel_due = True  # filled once the first question is on screen (on_mount)
        self._hint = ""
        self._answered_step: str | None = None
        self._shown: set[tuple[str, tuple[str, ...]]] = set()  # findings already said in the chat
        self._offers_said: set[str] = set()  # data-driven suggestions already said in the chat
        self._write_due = False  # an answer is recorded, to be written once its frame is drawn
        self._panel_after_frame = False  # … and the side panel updated then

    # --- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        say = self.say
        # the header's row, held by a bar of its colour until the header comes (_mount_chrome)
        yield Widget(id="header-bar")
        with Vertical(id="body"):
            # docked left (app.tcss), the conversation and the answer area beside it: no
            # container of their own, which would cost the first question ≈ 4 ms
            yield SidePanel(say, id="side")
            yield ChatLog(id="chat")
            with Vertical(id="answer-area"):
                yield Static(Folded(say("hint_line")), id="hint")
                yield AnswerInput(id="line", compact=True)
                # prose, and section 五's standard wording under it: the editor (ui/editor.py)
                # is mounted here once a question needs it (_editor)
                # its buttons are mounted once the first question is on screen (_mount_buttons)
                yield Horizontal(id="buttons")
        yield Widget(id="footer-bar")  # … and the footer's

    def on_mount(self) -> None:
        self._set_title()
        if self.resumed:
            self.flow.restore(self.session.position or {})
        # a new report starts at the first question, even when carry-over has answered it:
        # the prefilled answer is there to be confirmed with Enter
        if self.resumed:
            self._replay()
        if self.intro:
            self.add("info", self.intro)
        self.show_question()
        # once the first question is painted: the header and footer, the side panel's sections
        # (drawing them is a fifth of the first frame), the prose editor, and the engine's first
        # complete check (durable_rules import, ruleset registration), so that none of them
        # delays the question
        self.call_after_refresh(self._mount_chrome)
        self.call_after_refresh(self._refresh_panel_now)
        self.call_after_refresh(self._mount_buttons)
        self.call_after_refresh(self._mount_editor)
        self.call_after_refresh(self.run_check, None, quiet=True)
        self.call_after_refresh(self._write)  # a new report is written once its first question shows
        self.set_interval(DRAFT_EVERY, self._every_few_seconds)

    async def _mount_chrome(self) -> None:
        """The header and the footer, in the rows their bars held in the first frame. (Header
        and Footer are seven widgets of their own, a tenth of that frame; the footer shows its
        keys a frame later anyway.)"""
        if not self.is_attached:  # (closing)
            return
        mounted = []
        for bar, widget in (("#header-bar", Header(icon=HEADER_ICON)), ("#footer-bar", Footer())):
            held = self.query_one(bar)
            mounted.append(self.mount(widget, after=held))
            held.display = False  # gone in the frame the new one comes in: no row moves
            held.remove()
        for mount in mounted:
            await mount
        # a footer lists the keys when told they changed; the last time, it was not there yet
        self.refresh_bindings()

    @property
    def busy(self) -> bool:
        """An answer is being checked, or answers wait their turn."""
        return self._turn is not None or bool(self._queue)

    def _set_title(self) -> None:
        a = self.session.answers
        agency, year = a.get("meta.agency"), a.get("meta.year")
        sub_title = f"{agency or ''} {year or ''}".strip()
        if (self.title, self.sub_title) != (self.say("app_title"), sub_title):  # a redraw only on change
            self.title = self.say("app_title")
            self.sub_title = sub_title

    # --- the conversation ----------------------------------------------------------------------

    @property
    def chat(self) -> ChatLog:
        return self.query_one("#chat", ChatLog)

    def conversation(self) -> list[ChatMessage]:
        """Every message said so far (written to the screen or about to be)."""
        return [*self.chat.messages, *self._pending]

    def add(self, kind: str, content: Text | str) -> ChatMessage:
        """Queue a message; the messages of one turn are written together (one redraw).

        While an answer is being saved the queue waits for ``AnswerSaved``: the user's answer,
        its findings and the next question then appear together, and the main thread leaves
        the worker alone in the meantime (drawing the screen would hold the GIL).
        """
        msg = ChatMessage(kind, content if isinstance(content, Text) else Text(content))
        self._pending.append(msg)
        if len(self._pending) == 1 and self._turn is None:
            self.call_next(self._flush)
        return msg

    def _flush(self) -> None:
        pending, self._pending = self._pending, []
        self.chat.write(pending)

    def _replay(self) -> None:
        """The conversation so far, rebuilt from the answers (not a byte-exact transcript)."""
        answered, required = self.session.progress()
        self.add("info", self.say("resumed", answered=answered, required=required))
        for step, answer in self.flow.recap():
            self.add("recap", self.say("recap", title=self.flow.step_title(step), answer=answer))

    def show_question(self) -> None:
        """Ask the current question: its prefill, or the draft kept for it, or what was typed
        ahead for it while the last answer was being checked."""
        q = self.flow.question()
        self._asked, self._asked_key = q, self.flow.draft_key()
        self._asked_at = textual_now()
        self.add("question", question_text(q, self.say))
        line = self.query_one("#line", AnswerInput)
        editor = self._editor()
        typed = self._take_typed()
        draft = None if typed else self.backend.draft(self.flow.draft_key())
        if draft:
            self.add("info", self.say("draft_restored"))
        if q.step.suggest:
            self._say_offers(q.step)
        if q.multiline:
            line.display = False
            if editor is None:  # mounted now, loaded once it is (before the next frame)
                self._mount_editor()
                self.call_after_refresh(self._load_editor, q, draft, typed)
            else:
                self._load_editor(q, draft, typed)
        else:
            if editor is not None:
                editor.hide_assist()
                editor.display = False
            line.display = True
            line.focus()
            if typed or draft:
                line.value = typed or draft or ""
                line.cursor_position = len(line.value)
            else:
                line.value = q.prefill
                # selected: Enter takes it, typing replaces it, an arrow key keeps it for editing
                line.select_all()
            line.untouched = not typed
        self._show_submit(q.multiline)
        hint = self.say("hint_items_line" if q.step.one_per_line else "hint_prose_line" if q.multiline else "hint_line")
        if hint != self._hint:  # an update redraws, even with the same text
            self._hint = hint
            self.query_one("#hint", Static).update(Folded(hint))
        self.refresh_panel()

    def _take_typed(self) -> str:
        """What is in the line or the editor now, emptied: typed for the question about to be asked."""
        line = self.query_one("#line", AnswerInput)
        typed = "" if line.untouched else line.value  # a prefill left as it was is not typed
        line.value, line.untouched = "", True
        editor = self._editor()
        if editor is not None:
            typed += editor.take_typed()
        return typed

    def typed_now(self) -> str:
        """The text in the line or the editor of the question on screen, not submitted."""
        editor = self._editor()
        if self._asked is not None and self._asked.multiline and editor is not None:
            return editor.text
        return self.query_one("#line", AnswerInput).value

    def keep_draft(self, *, write: bool = True) -> None:
        """Keep what is typed at the question on screen, and not submitted, as its draft (a
        prefill left as it was is none); ``write``: and have it written to disk."""
        q = self._asked
        if q is None or self._turn is not None or q.step.kind == "final":
            return
        text = self.typed_now()
        kept = text if text.strip() and text.strip() != q.prefill.strip() else None
        key = self._asked_key
        if self.backend.draft(key) == kept:
            return
        try:
            self.backend.set_draft(key, kept)
        except UserError:
            return
        if write:
            self._write()

    def refresh_panel(self) -> None:
        """Update the side panel once the current turn is done (several calls, one update)."""
        if not self._panel_due:
            self._panel_due = True
            self.call_next(self._refresh_panel_soon)

    def _refresh_panel_soon(self) -> None:
        # after an answer the panel waits for the frame that shows the answer, its findings and the
        # next question (_compositor_refresh then updates it, in the frame after): its progress
        # line, and at a new section or a new count its list, cost that frame 1–4 ms
        if self._panel_due and not self._panel_after_frame:
            self._refresh_panel_now()

    def _refresh_panel_now(self) -> None:
        self._panel_due = False
        try:
            progress = self.session.progress()
        except Exception:  # a half-written session cannot say; the panel is not worth a crash
            progress = (0, 0)
        # as in the conversation, findings about questions not reached yet wait: a new user
        # does not start with warnings about the empty paragraphs of 五 and 六
        findings = _findings().reached(self.findings, self.flow.unreached_fields())
        self.query_one(SidePanel).refresh_status(self.flow.section_status(), findings, progress, self.flow.step.section)

    # --- answering ------------------------------------------------------------------------------

    @on(AnswerInput.Submitted, "#line")
    def _line_submitted(self, event: AnswerInput.Submitted) -> None:
        event.stop()
        # taken now, not posted on: a Ctrl+Q typed right after it (QuitRequested, behind this
        # message) must find it in the queue
        self.on_answer_submitted(AnswerSubmitted(event.value, getattr(event, "typed_at", None)))

    def _mount_buttons(self) -> None:
        row = self.query_one("#buttons")
        if row.is_attached and not row.children:
            row.mount_all(actions.buttons(actions.INTERVIEW, primary="submit"))
            self.call_after_refresh(lambda: self._show_submit(self.flow.question().multiline))

    def _show_submit(self, shown: bool) -> None:
        # 提交 is for the prose editor (a line is submitted with Enter)
        button = self.query_one_optional("#btn-submit")  # (by id: cached, no walk of the screen)
        if button is not None:
            button.display = shown

    def _editor(self) -> Any:
        """The prose editor (ui/editor.AnswerEditor), None until a question first needs it.
        (Kept, not queried: a query walks the whole screen, a millisecond at every answer.)"""
        return self._editor_widget

    def _mount_editor(self) -> None:
        # not composed with the screen: the editor and TextArea under it cost the first question
        # (a line) a tenth of its start-up; mounted once the first question is on screen
        area = self.query_one("#answer-area")
        if self._editor() is None and area.is_attached:  # (not while the app is closing)
            from gkassist.ui.editor import AnswerEditor

            editor = AnswerEditor(self.say, id="editor")
            editor.display = False  # shown by _load_editor
            area.mount(editor, before="#buttons")
            self._editor_widget = editor

    def _load_editor(self, q: Any, draft: str | None = None, typed: str = "") -> None:
        editor = self._editor()
        if editor is None or q.step.id != self.flow.step_id:
            return  # moved on meanwhile
        editor.display = True
        # the items so far, one per line, and a line under them for the next one
        editor.load(draft or q.prefill, items=q.step.one_per_line and not draft,
                    assisting=q.step.suggest in ("problems", "measures"), typed=typed)
        editor.prose.items_mode = q.step.one_per_line

    @on(EditorSubmitted, "#editor")
    def _prose_submitted(self, event: EditorSubmitted) -> None:
        event.stop()
        self.on_answer_submitted(AnswerSubmitted(event.text, event.typed_at))  # as _line_submitted

    @on(SlotsLeft, "#editor")
    def _slots_left(self, event: SlotsLeft) -> None:
        event.stop()
        self.add("note", self.say("slots_left", n=len(event.slots), slots="、".join(event.slots)))

    def on_answer_submitted(self, message: AnswerSubmitted) -> None:
        if message.typed_at is not None and message.typed_at <= self._refused_at:
            # typed before the answer ahead of it was refused: meant for a later question
            self._say_unused([message.text])
            return
        text = message.text
        if not text.strip() and message.typed_at is not None and message.typed_at < self._asked_at:
            text = _EarlyEnter(text)
        self.handle_text(text)

    def on_typed_aside(self, message: TypedAside) -> None:
        self._say_unused(message.text.split("\n"))

    def _say_unused(self, answers: list[str]) -> None:
        answers = [a.strip() for a in answers if a.strip()]
        if answers:
            self.add("info", self.say("typed_ahead_unused", answers="」「".join(answers)))

    def action_submit(self) -> None:
        editor = self._editor()
        if editor is not None and editor.display:
            editor.submit()  # as Ctrl+J: items with {slots} left stop at the first
        else:
            self.post_message(AnswerSubmitted(self.query_one("#line", AnswerInput).value))

    @on(OptionList.OptionSelected, "#sections")
    def _section_clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        target = event.option.id or ""
        if target == "done":
            self.action_review()
            return
        step = self.flow.resolve_target(target)
        if step:
            self.post_message(GotoStep(step))

    # --- section 五: standard wording under the editor ------------------------------------------

    def _say_offers(self, step: Any) -> None:
        """The problems the tables point to (rules W1–W6), said once when 五's problems are asked."""
        if step.suggest != "problems":
            return
        offers = [f for f in self.findings if f.kind == "suggestion"]
        new = [f for f in offers if f.code not in self._offers_said]
        if new:
            from gkassist.interview import section5
        for f in new:
            # the rule quotes the bank's phrasing as written: 我局 and the years go in, as when taken
            message = section5.auto_fill(f.message, self.session.answers)
            label = f"【{self.say('severity')['suggestion']}】"
            self.add("offer", Text(self.say("finding", label=label, code=f.code, message=message)))
            self._offers_said.add(f.code)
        if new:
            self.add("info", self.say("offers_listed"))

    def _assist_context(self) -> Any:
        from gkassist.interview import section5

        step = self.flow.step
        kind = "measure" if step.suggest == "measures" else "problem"
        problems: tuple[str, ...] = ()
        if kind == "measure":
            problems = tuple(section5.items_of(self.session, "problem"))
        return section5.Context(
            kind=kind, items_mode=step.one_per_line, answers=dict(self.session.answers),
            previous=self.session.previous, findings=tuple(self.findings), problems=problems,
        )

    @on(AssistWanted, "#editor")
    def _assist_wanted(self, event: AssistWanted) -> None:
        """Look up what to offer for the line the cursor is on (in a worker, once typing pauses)."""
        event.stop()
        if self.flow.step.suggest in ("problems", "measures"):
            self._run_assist(self._assist_context(), event.text, event.row, event.col)

    @work(thread=True, exclusive=True, group="suggest", exit_on_error=False)
    def _run_assist(self, context: Any, text: str, row: int, col: int) -> None:
        # exclusive: each keystroke cancels the lookup still waiting for the previous one, so only
        # the last keystroke of a burst is looked up (the wait is the debounce)
        time.sleep(ASSIST_DELAY)
        if get_current_worker().is_cancelled:
            return
        from gkassist.interview import section5

        result = section5.assist(context, text, row, col, self.say)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._editor().show_assist, result)

    def handle_text(self, text: str) -> None:
        """An answer (or /command) submitted: it takes its turn after those before it."""
        if self.busy and not text.strip():
            text = _EarlyEnter(text)  # its question is not on screen yet
        self._queue.append(text)
        self._pump()

    def _pump(self) -> None:
        while self._queue and self._turn is None:
            self._take(self._queue.popleft())

    def _take(self, text: str) -> None:
        if isinstance(text, _EarlyEnter) and self.flow.question().prefill.strip():
            # it cannot have meant to confirm a proposal it never saw, nor to refuse one (the
            # refusal would empty the line): the proposal stays in the line, to be confirmed
            return
        stripped = text.strip()
        if stripped.startswith(("/", "／")):
            self.run_command(stripped[1:])
            return
        if self.flow.step.kind == "final":
            self.action_review()
            return
        outcome = self.flow.submit(text)
        if not outcome.ok:
            for kind, msg in outcome.messages:
                self.add(kind, msg)
            self._refused(text)
            return
        pending_confirmation = outcome.next_step is None and not outcome.values and not outcome.workbench
        self.add("user", text.strip() or self.say("recap_skipped"))
        for kind, msg in outcome.messages:
            self.add(kind, msg)
        if pending_confirmation:
            return  # the same step asks again, for the confirmation
        self.commit(outcome)

    def _refused(self, text: str) -> None:
        """An answer the flow cannot take goes back where it was typed, to be fixed; what was
        typed after it was meant for later questions and is not used (said, never dropped)."""
        later = [*self._queue]
        self._queue.clear()
        later.append(self._take_typed())
        # keys typed before now and still on their way are set aside too (SetsAside)
        self._refused_at = textual_now()
        editor = self._editor()
        for widget in (self.query_one("#line", AnswerInput), editor.prose if editor is not None else None):
            if widget is not None:
                widget.stale_before = self._refused_at
        if self._asked is not None and self._asked.multiline and editor is not None:
            editor.load(text, items=False, assisting=editor.assisting)
            editor.prose.items_mode = self._asked.step.one_per_line
        else:
            line = self.query_one("#line", AnswerInput)
            line.value = text
            line.cursor_position = len(text)
            line.untouched = False  # the refused answer as typed
        self._say_unused(later)

    def commit(self, outcome: Outcome, *, answered: bool = True) -> None:
        """Record the outcome (in memory: the next question is asked from it) and check it in a
        worker; ``AnswerChecked`` shows what follows. Writing it to disk goes on in another.
        ``answered``: the question's draft goes (a skipped question keeps it)."""
        next_step = outcome.next_step or self.flow.step_id
        position = {
            "step": next_step,
            "return_to": None if outcome.next_step == self.flow.return_to else self.flow.return_to,
            "sub": outcome.sub if outcome.stay else None,
        }
        try:
            self.backend.apply(outcome, position, drafts={self._asked_key: None} if answered else None)
        except (UserError, ValueError) as err:
            self.add("error", getattr(err, "message", str(err)))
            return
        self._answered_step = self.flow.step_id
        self.flow.advance(outcome)
        if outcome.open_review:
            self.flow.move(FINAL)
        if self._quitting:
            return  # recorded: written by before_quit, checked when the report is opened again
        self._turn = outcome
        if self.backend.ready:
            # an update of the engine takes a millisecond or two: done here, the answer, its
            # findings and the next question are drawn in the frame after the key (a worker would
            # add the time its task and thread take to start); written once that frame is drawn
            self._write_after_frame()
            self.on_answer_checked(self._checked(outcome))
        else:
            # the engine is still starting: checked in a worker, the screen stays live; no frame
            # shows the answer until the check is back, so it is written now
            self._write()
            self._check(outcome)

    @work(thread=True, exit_on_error=False, group="check")
    def _check(self, outcome: Outcome) -> None:
        self.post_message(self._checked(outcome))

    def _checked(self, outcome: Outcome) -> AnswerChecked:
        """The engine's findings after ``outcome`` (or why it could not say)."""
        try:
            findings = self.backend.check(self.backend.changes_of(outcome))
        except Exception as err:  # the answer is recorded; the check failing must not lose it
            return AnswerChecked(outcome, None, engine_error=f"{type(err).__name__}: {err}")
        return AnswerChecked(outcome, findings)

    def _write(self) -> None:
        # the service's writer thread: no Textual worker (and its messages) per answer
        self._write_due = False
        self.backend.write_soon()

    def _write_after_frame(self) -> None:
        """Have the answer just recorded written as soon as the frame showing it is drawn.

        The writer thread's encoding of the session holds the GIL (1–4 ms) and would hold back
        that frame. ``call_after_refresh`` does not wait for it: the screen runs such callbacks
        when it next goes idle, which comes before the widgets changed by the answer have asked
        for their repaint. A screen not on top draws nothing: written at once.
        """
        if self.is_current:
            self._write_due = True
        else:
            self._write()

    def _compositor_refresh(self) -> None:
        # One of the two overrides of a private Textual method (the other: GkApp._handle_exception).
        # Textual documents no hook for "this frame has been drawn": call_after_refresh runs at the
        # screen's next idle, before the widgets an answer changed have asked for their repaint
        # (in bench_ui all 60 writes started before their frame). Screen's own per-frame method,
        # extended, not replaced; Textual is pinned, and tests/test_ui_app.py checks that an answer
        # is written, and the panel updated, after the frame showing it.
        super()._compositor_refresh()
        self._after_frame(self.call_later)  # the frame is handed to the terminal first

    def _after_frame(self, run: Any) -> None:
        """What waited for the answer's frame: the write, the side panel (``run`` runs each)."""
        if self._write_due:
            run(self._write)
        if self._panel_after_frame:
            self._panel_after_frame = False
            run(self._refresh_panel_soon)

    def on_screen_suspend(self) -> None:
        # another screen on top (the review an answer opened): this one draws no frame to wait for
        self._after_frame(lambda do: do())

    def _every_few_seconds(self) -> None:
        self._after_frame(lambda do: do())  # (a frame always follows an answer: belt and braces)
        self.keep_draft()

    def on_save_failed(self, message: SaveFailed) -> None:
        # said once until a write succeeds again: every answer is kept and written with the next
        if not self._save_error_said:
            self._save_error_said = True
            self.add("error", self.say("save_failed", error=message.error))

    def on_answer_checked(self, message: AnswerChecked) -> None:
        outcome = message.outcome
        self._turn = None
        if not self.backend.session.unsaved:
            self._save_error_said = False
        if message.engine_error:
            self._engine_failed(message.engine_error)
        if message.findings is not None:
            self._show_findings(message.findings, outcome.touched, outcome.said)
        self._set_title()
        self.show_question()
        # written now, not on the next turn of the message loop: the frame after the key shows it
        self._flush()
        if self._panel_due:
            self._panel_after_frame = self.is_current  # (a screen not on top draws no frame)
            if not self._panel_after_frame:
                self._refresh_panel_now()
        if outcome.open_review:
            self.action_review()
        self._pump()

    def _show_findings(self, findings: list[Any], touched: tuple[str, ...], said: tuple[tuple[str, str], ...] = ()) -> None:
        before, self.findings = self.findings, findings
        if touched:
            fs = _findings()
            pending = self.flow.pending_fields(self._answered_step) if self._answered_step else set()
            told = fs.after_answer(before, findings, touched, pending=pending, said=said, shown=self._shown)
            for f in told.say:
                self.add(f"finding-{f.severity}", finding_text(f, self.say))
            for f in [*told.say, *told.said_by_flow]:
                self._shown.add(fs.finding_key(f))
            for f in told.resolved:
                self.add("resolved", self.say("resolved", code=f.code, message=f.message))
                self._shown.discard(fs.finding_key(f))
        self.refresh_panel()

    def on_findings_updated(self, message: FindingsUpdated) -> None:
        if message.quiet:
            self.findings = message.findings
            if self.resumed and not self._shown:  # said in the recap's terms already: not news
                self._shown.update(_findings().finding_key(f) for f in self.findings)
            self.refresh_panel()
            # start-up is over (Textual, the form, the engine and its rules are loaded): a full
            # garbage collection would walk all of it again and again, 60–100 ms each, a stall
            # after some answers; frozen objects are left out of every collection
            gc.freeze()
        else:
            self._show_findings(message.findings, message.touched)

    @work(thread=True, exit_on_error=False, group="check")
    def run_check(self, changes: dict | None, *, quiet: bool = False) -> None:
        try:
            findings = self.backend.check(changes)
        except Exception as err:
            self.app.call_from_thread(self._engine_failed, f"{type(err).__name__}: {err}")
            return
        self.post_message(FindingsUpdated(findings, quiet=quiet))

    def _engine_failed(self, error: str) -> None:
        # said once: the answers are saved either way, and repeating it on every answer is noise
        if not self._engine_error_said:
            self._engine_error_said = True
            self.add("error", self.say("engine_failed", error=error))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # the workers catch what they expect; anything else is reported, never a traceback
        if event.state == WorkerState.ERROR:
            err = event.worker.error
            if event.worker.group == "suggest":  # the wording lookup: the answer is unaffected
                self.add("error", self.say("assist_failed", error=f"{type(err).__name__}: {err}"))
                return
            self.add("error", self.say("engine_failed", error=f"{type(err).__name__}: {err}"))

    # --- moving around ------------------------------------------------------------------------

    def _wait_turn(self, command: str) -> bool:
        """While an answer is being checked, a command (a button, a key) takes its turn after it."""
        if self._turn is None:
            return False
        self._queue.append("/" + command)
        return True

    def go_to(self, step_id: str, *, return_to: str | None = None) -> None:
        if self._wait_turn(f"goto {step_id}"):
            return
        self.keep_draft()
        self.flow.move(step_id, return_to=return_to)
        self.backend_position()
        self.query_one("#line", AnswerInput).value = ""
        editor = self._editor()
        if editor is not None:
            editor.take_typed()
        self.show_question()

    def backend_position(self) -> None:
        # positions are small and written at once: quitting right after a jump resumes there
        self.backend.set_position(self.flow.position())
        self._write()

    def on_goto_step(self, message: GotoStep) -> None:
        self.go_to(message.step_id, return_to=message.return_to)

    def action_back(self) -> None:
        if self._wait_turn("back"):
            return
        self.keep_draft(write=False)
        prev = self.flow.back()
        if prev is None:
            self.add("info", self.say("back_at_start"))
            return
        self.go_to(prev)

    def action_skip(self) -> None:
        if self._wait_turn("skip"):
            return
        self.keep_draft(write=False)  # what was typed stays, as a draft, for when it is taken up
        outcome = self.flow.skip()
        if outcome.open_review and outcome.next_step is None:
            self.action_review()
            return
        self.add("user", self.say("recap_skipped"))
        for kind, msg in outcome.messages:
            self.add(kind, msg)
        self._take_typed()
        self.commit(outcome, answered=False)

    def action_review(self) -> None:
        from gkassist.interview.review import review_rows
        from gkassist.ui.review import ReviewScreen

        self.keep_draft()

        def back_from_review(result: Any) -> None:
            if isinstance(result, str):
                self.go_to(result, return_to=FINAL)
            elif isinstance(result, tuple) and result and result[0] == "export":
                self.action_export()

        rows = review_rows(self.flow, self.findings)
        self.app.push_screen(ReviewScreen(rows, self.say, self.backend.render_text), back_from_review)

    def action_preview(self) -> None:
        from gkassist.ui.preview import PreviewScreen

        self.app.push_screen(PreviewScreen(self.backend.render_text))

    def action_check(self) -> None:
        if self._wait_turn("check"):
            return
        fs = _findings()
        counts = fs.count_by_severity(self.findings)
        real = [f for f in self.findings if fs.is_fault(f)]
        if not real:
            self.add("info", self.say("check_none"))
            return
        self.add("info", self.say("check_title", **counts))
        unreached = self.flow.unreached_fields()
        for f in fs.by_severity(real):
            # all of them, as asked; those about questions still to come say so
            self.add(f"finding-{f.severity}", finding_text(f, self.say, unreached=bool(unreached & set(f.fields))))
            self._shown.add(fs.finding_key(f))

    def action_export(self, fmt: str | None = None, *path: str) -> None:
        """Export as ``fmt`` to ``path`` (words of a path typed after /export), or ask for both."""
        from gkassist.ui.dialogs import ExportScreen

        if fmt:
            self.post_message(ExportRequested(fmt.lower(), " ".join(path) or None))
            return

        def chosen(result: Any) -> None:
            if result:
                self.post_message(ExportRequested(*result))

        self.app.push_screen(ExportScreen(self.backend.default_export_path, self.say), chosen)

    def on_export_requested(self, message: ExportRequested) -> None:
        from gkassist.ui.dialogs import ConfirmScreen

        if message.fmt not in EXPORT_FORMATS:
            self.add("error", self.say("export_bad_format", fmt=message.fmt))
            return
        errors = _findings().count_by_severity(self.findings)["error"]
        if errors and not message.confirmed:

            def answered(yes: bool | None) -> None:
                if yes:
                    self.post_message(ExportRequested(message.fmt, message.path, confirmed=True))

            self.app.push_screen(ConfirmScreen(self.say("export_confirm_errors", n=errors), self.say), answered)
            return
        self._export(message.fmt, message.path)

    @work(thread=True, exit_on_error=False, group="export")
    def _export(self, fmt: str, path: str | None) -> None:
        try:
            target = self.backend.export(fmt, path)
        except (UserError, OSError, ValueError) as err:
            self.post_message(ExportDone(None, error=str(err)))
            return
        self.post_message(ExportDone(str(target)))

    def on_export_done(self, message: ExportDone) -> None:
        if message.error:
            self.add("error", self.say("export_failed", error=message.error))
        else:
            self.add("info", self.say("export_done", path=message.path))
            # a path is text, never markup: 「[@click=app.quit]」 in a folder name must not become
            # an action, nor 「[/x]」 a broken tag that ends the app
            self.app.notify(self.say("export_done", path=message.path), markup=False)

    # --- commands ----------------------------------------------------------------------------

    def run_command(self, text: str) -> None:
        """A /command typed in the answer: the action of the command it names, with its arguments."""
        command, name, args = actions.command_line(text)
        if not name:
            return
        if command is None:
            self.add("error", self.say("unknown_command", command="/" + name))
            return
        handler = getattr(self.app if command.on_app else self, f"action_{command.id}")
        result = handler(*args) if command.args else handler()
        if inspect.isawaitable(result):  # Textual's own actions (quit) are coroutines
            self.call_next(lambda: result)

    def action_goto(self, *target: str) -> None:
        step = self.flow.resolve_target(target[0]) if target else None
        if step is None:
            self.add("error", self.say("goto_unknown", target=" ".join(target)))
        elif step == FINAL:
            self.action_review()
        else:
            self.go_to(step)

    def before_quit(self) -> str | None:
        """Take the answers still waiting their turn, keep the draft and write everything; None,
        or why the last changes could not be written."""
        self._quitting = True
        drained = self.busy
        if drained:
            # an answer is being checked (the engine is still starting) and others wait: each is
            # recorded now, unchecked (the findings are worked out again when the report is
            # opened); what is typed after them belongs to the question the flow has reached
            self._turn = None
            self._pump()
            typed = self._take_typed()
            if typed.strip() and self.flow.step.kind != "final":
                with contextlib.suppress(UserError):
                    self.backend.set_draft(self.flow.draft_key(), typed)
        else:
            self.keep_draft(write=False)
        try:
            self.backend.flush()
        except UserError as err:
            # the officer may stay (the dialog asks): the interview goes on from where it is
            self._quitting = False
            if drained:
                self.show_question()
                self.run_check(None)
            return err.message
        return None

    def on_unmount(self) -> None:
        # closing is best effort: a lock left by a dead process is recognised as stale
        with contextlib.suppress(Exception):
            self.backend.close()
        # this screen's objects were frozen with the rest (on_findings_updated): hand them back
        # to the collector, or a closed report would stay in memory for good
        gc.unfreeze()
