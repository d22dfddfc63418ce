"""The Textual application: screens, global keys, and the safety net for unexpected errors."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import App, SystemCommand
from textual.command import CommandPalette
from textual.screen import Screen

from gkassist.interview.script import load_script
from gkassist.ui import actions


class GkApp(App):
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses elsewhere find it too
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = actions.bindings(actions.APP)

    def __init__(
        self,
        *,
        open_session: str | None = None,
        store_root: Path | None = None,
        new_session: bool = False,
    ) -> None:
        super().__init__()
        self.say = load_script().say
        self.open_session_ref = open_session
        self.store_root = store_root
        self.new_session = new_session
        self.crash_log: str | None = None
        # Textual, the form and the script, imported by now, live as long as the process: left
        # to the collector, a full collection walks them all (≈ 30 ms) before the first question
        # is drawn. Frozen, they are left out of it; the interview freezes the rest once the
        # engine is loaded, and hands all back to the collector when it closes (as here, on_unmount).
        gc.freeze()

    def get_default_screen(self) -> Screen:
        """The first screen: straight to the conversation when a report is named (or a new one is
        asked for), else the picker — or the picker saying why the report could not be opened.
        (As the first screen rather than pushed on a blank one: no blank frame before it.)"""
        self._first_message: str | None = None
        if self.open_session_ref or self.new_session:
            from gkassist.errors import UserError
            from gkassist.session import SessionStore
            from gkassist.ui.interview import InterviewScreen

            try:
                store = SessionStore(self.store_root)
                if self.open_session_ref:
                    session = store.open(self.open_session_ref)
                    return InterviewScreen(session, resumed=bool(session.answers or session.position))
                # written by the interview's writer once the first question is on screen
                return InterviewScreen(store.create({}, save=False), resumed=False)
            except UserError as err:
                self._first_message = err.message
        from gkassist.ui.picker import PickerScreen

        return PickerScreen(self.store_root)

    def on_mount(self) -> None:
        self.title = self.say("app_title")
        if self._first_message:
            self.call_after_refresh(self.screen.message, self._first_message)

    def on_unmount(self) -> None:
        gc.unfreeze()  # (a test runs many apps in one process: nothing stays frozen for good)

    def show_picker(self, message: str | None = None) -> None:
        from gkassist.ui.picker import PickerScreen

        picker = PickerScreen(self.store_root)
        self.push_screen(picker)
        if message:
            self.call_after_refresh(picker.message, message)

    def start_interview(self, session: Any, *, resumed: bool, intro: str | None = None) -> None:
        from gkassist.ui.interview import InterviewScreen

        self.push_screen(InterviewScreen(session, resumed=resumed, intro=intro))

    # --- global actions ----------------------------------------------------------------------

    def action_help(self) -> None:
        from gkassist.ui.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        """Quit once the keys typed before Ctrl+Q are in, and the answers they submitted: a
        priority key runs as it arrives, ahead of the keys still on their way to the focused
        widget (whose text is the draft). Once they are handled, the widget posts QuitRequested;
        it bubbles to the app behind the answers those keys posted (Submitted), in order."""
        from gkassist.ui.messages import QuitRequested

        target = self.focused or self.screen
        # made in the widget's own turn: a message stops bubbling at the node it was made in (its
        # sender), which, from a /quit, is the interview screen, short of the app
        target.call_later(lambda: target.post_message(QuitRequested()))

    def on_quit_requested(self, message: Any) -> None:
        message.stop()
        self._quit_now()

    def _quit_now(self) -> None:
        interview = self._interview()
        problem = interview.before_quit() if interview is not None else None
        if problem is None:
            self.exit()
            return
        from gkassist.ui.dialogs import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(ConfirmScreen(self.say("quit_unsaved", error=problem), self.say), answered)

    def action_help_quit(self) -> None:
        # Ctrl+C: Textual's own binding says how to quit; in Chinese here
        self.notify(self.say("quit_hint"))

    def action_command_palette(self) -> None:
        # Textual's, with the search field's placeholder in Chinese
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette", placeholder=self.say("palette_placeholder")))

    def _interview(self) -> Any:
        from gkassist.ui.interview import InterviewScreen

        for screen in reversed(self.screen_stack):
            if isinstance(screen, InterviewScreen):
                return screen
        return None

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        interview = self._interview()
        for c in actions.COMMANDS:
            target = self if c.on_app else interview
            if c.palette and target is not None:
                yield SystemCommand(c.text("title"), c.text("palette"), getattr(target, f"action_{c.id}"))
        if interview is not None:
            # /goto as the palette has it: one entry per part of the report
            from functools import partial

            from gkassist.form import FORM

            for sec in FORM.sections:
                name = sec.heading or sec.title
                yield SystemCommand(self.say("palette_goto", section=name), self.say("palette_goto_help", section=name),
                                    partial(interview.action_goto, sec.id))

    # --- unexpected errors -----------------------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        # One of two overrides of a private Textual method (the other: InterviewScreen's
        # _compositor_refresh, for the frame an answer waits on). Textual has no public hook for an error no
        # handler caught (Textualize/textual#5931, open; #2818), and its default paints a traceback
        # over the user's work. Log it, then hand Textual the error wrapped in a renderable: for an
        # error with __rich__ it exits through the public ``panic`` with that text, not a traceback.
        self.crash_log = _log_crash(error)
        super()._handle_exception(CrashReport(error, self.crash_log))


class CrashReport(Exception):
    """An unexpected error as the user sees it on exit: a sentence in Chinese and where the log is."""

    def __init__(self, error: Exception, log: str) -> None:
        super().__init__(str(error))
        self.__cause__ = error
        self.log = log

    def __rich__(self) -> Text:
        try:
            return Text(load_script().say("crash", log=self.log))
        except Exception:  # the phrases themselves may be what failed to load
            return Text(f"gkassist: internal error; log: {self.log}")

def _log_crash(error: BaseException) -> str:
    from gkassist.files import log_crash

    return str(log_crash(error) or load_script().say("crash_no_log"))
