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


@dataclass
class AnswerSaved(Message):
    """``outcome`` is on disk (a worker saved it); ``findings`` is the complete current set."""

    outcome: Outcome
    findings: list[Any] | None
    error: str | None = None  # the save failed: nothing moved on, the typed text is kept
    engine_error: str | None = None  # saved, but the rules could not be checked


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
