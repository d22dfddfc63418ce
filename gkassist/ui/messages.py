"""Messages: the interview's API between its screens, widgets and worker threads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message

from gkassist.interview.flow import Outcome


@dataclass
class AnswerSubmitted(Message):
    """The user submitted ``text`` at the current question (a line, or the prose editor)."""

    text: str
    typed_at: float | None = None  # when its last key was typed (an event's time); None: now


@dataclass
class AnswerChecked(Message):
    """``outcome`` is recorded and checked (a worker asked the engine); ``findings`` is the
    complete current set. Writing it to disk goes on meanwhile (``SaveFailed`` if it fails)."""

    outcome: Outcome
    findings: list[Any] | None
    engine_error: str | None = None  # recorded, but the rules could not be checked


@dataclass
class SaveFailed(Message):
    """Writing the session failed; what was recorded stays in memory for the next write."""

    error: str


@dataclass
class FindingsUpdated(Message):
    """A fresh complete set of findings (first check of a session, or after a change)."""

    findings: list[Any]
    touched: tuple[str, ...] = ()
    quiet: bool = False  # update the side panel only, say nothing in the conversation


@dataclass
class GotoStep(Message):
    """Go to ``step_id``; with ``return_to`` the interview comes back there after the answer."""

    step_id: str
    return_to: str | None = None


@dataclass
class ExportRequested(Message):
    fmt: str
    path: str | None = None
    confirmed: bool = False


@dataclass
class ExportDone(Message):
    path: str | None
    error: str | None = None


@dataclass
class PreviewReady(Message):
    text: str = ""
    error: str | None = None


# --- the prose editor (ui/editor.py): here, so that the screen handles them without importing the
# editor, which is mounted only when a question first needs it


class EditorMessage(Message):
    def __init__(self, editor: Any) -> None:
        super().__init__()
        self.editor = editor

    @property
    def control(self) -> Any:  # what @on(…, "#editor") matches
        return self.editor


class AssistWanted(EditorMessage):
    """Offers are wanted for line ``row`` of ``text`` (the cursor at ``col``)."""

    def __init__(self, editor: Any, text: str, row: int, col: int) -> None:
        super().__init__(editor)
        self.text, self.row, self.col = text, row, col


class EditorSubmitted(EditorMessage):
    """The officer submitted the editor's ``text``."""

    def __init__(self, editor: Any, text: str, typed_at: float | None = None) -> None:
        super().__init__(editor)
        self.text, self.typed_at = text, typed_at


class SlotsLeft(EditorMessage):
    """A submit stopped at the first of ``slots`` still to fill (the next submit goes on)."""

    def __init__(self, editor: Any, slots: list[str]) -> None:
        super().__init__(editor)
        self.slots = slots
