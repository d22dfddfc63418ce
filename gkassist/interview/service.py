"""The layers behind one open interview: session, rule engine, renderer.

An answer is recorded in memory on the spot (``apply``: the flow then asks the next question from
it), checked by the engine in a thread worker (``check``) and written to disk by another
(``flush``), so that the next question is on screen while the answer is being written; writes
keep the order of the answers. Everything that blocks (disk, the engine, Jinja) runs in the
screen's thread workers; locks keep one session's changes and checks in order. No Textual:
tested without a screen. The engine and the renderer are imported on first use, after the first
question is on screen, because durable_rules and Jinja cost start-up time the user would
otherwise wait through.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from gkassist.form import FORM
from gkassist.interview.flow import Outcome
from gkassist.interview.script import load_script

EXPORT_FORMATS = ("txt", "md", "html", "docx")


class InterviewService:
    def __init__(self, session: Any) -> None:
        self.session = session
        self._lock = threading.Lock()  # the session document in memory
        self._engine_lock = threading.Lock()  # the validator: a slow first check must not hold up saves
        self._validator: Any = None
        self._writer: threading.Thread | None = None
        self._write_due = threading.Event()
        self._closing = False
        self.on_write_error: Any = None  # called (in the writer thread) with a failed write's message

    # --- recording and saving -----------------------------------------------------------------

    def apply(self, outcome: Outcome, position: Mapping[str, Any], drafts: Mapping[str, str | None] | None = None) -> None:
        """Record the outcome's values, clears, workbench, the new position and drafts in memory
        (``flush`` writes them). One ``Session.record``: nothing changes if a value is refused."""
        values: dict[str, Any] = dict(outcome.values)
        values.update({f: None for f in outcome.clears})
        with self._lock:
            self.session.record(values, outcome.notes, position=dict(position), workbench=outcome.workbench,
                                drafts=drafts, save=False)

    def save(self, outcome: Outcome, position: Mapping[str, Any]) -> None:
        """``apply`` and ``flush`` in one go (an answer on disk when this returns)."""
        self.apply(outcome, position)
        self.flush()

    def flush(self) -> None:
        """Write what ``apply`` recorded (``SessionError`` if the disk refuses; kept for the next)."""
        self.session.flush()

    def write_soon(self) -> None:
        """Have what ``apply`` recorded written by the writer thread (started on first use): one
        write at a time, each with every change recorded before it; a failure goes to
        ``on_write_error`` and the changes stay for the next write."""
        if self._writer is None:
            self._writer = threading.Thread(target=self._write_loop, name="gkassist-writer", daemon=True)
            self._writer.start()
        self._write_due.set()

    def _write_loop(self) -> None:
        from gkassist.errors import UserError

        while True:
            self._write_due.wait()
            self._write_due.clear()
            if self._closing:
                return
            try:
                self.session.flush()
            except UserError as err:
                if self.on_write_error is not None:
                    self.on_write_error(err.message)

    def set_position(self, position: Mapping[str, Any]) -> None:
        with self._lock:
            self.session.record(position=dict(position), save=False)

    def set_draft(self, key: str, text: str | None) -> None:
        """Keep (or with None/empty drop) the text typed and not submitted at question ``key``."""
        with self._lock:
            self.session.record(drafts={key: text or None}, save=False)

    def draft(self, key: str) -> str | None:
        return self.session.drafts.get(key)

    # --- checking -----------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """The engine holds this session's answers: a check is an update, a millisecond or two."""
        return self._validator is not None and not self._engine_lock.locked()

    def check(self, changes: Mapping[str, Any] | None = None) -> list[Any]:
        """The complete current findings; ``changes`` are the fields just saved (None: cleared)."""
        with self._engine_lock:
            if self._validator is None:
                from gkassist.engine import Validator

                with self._lock:
                    answers, notes = dict(self.session.answers), dict(self.session.notes)
                    previous = self.session.previous
                # answers saved meanwhile are in this snapshot already; their own check follows
                self._validator = Validator(answers, previous, notes=notes)
                return list(self._validator.findings())
            if changes:
                # an answer's note goes with it (none: the old note is gone), as in the session,
                # so that the engine judges what ``gkassist check`` of the saved session judges
                with self._lock:
                    notes = {fid: self.session.notes.get(fid) for fid in changes}
                return list(self._validator.update(dict(changes), notes=notes))
            return list(self._validator.findings())

    @staticmethod
    def changes_of(outcome: Outcome) -> dict[str, Any]:
        changes: dict[str, Any] = dict(outcome.values)
        changes.update({f: None for f in outcome.clears})
        return changes

    # --- rendering ----------------------------------------------------------------------------

    def render_text(self, fmt: str = "txt") -> str:
        from gkassist.render import render

        with self._lock:
            answers = dict(self.session.answers)
            outline = getattr(self.session, "outline", None)  # the report's own sub-headings
        return render(answers, fmt, mark_gaps=True, outline=outline)

    def default_export_path(self, fmt: str, folder: Path | None = None) -> Path:
        answers = self.session.answers
        agency = str(answers.get("meta.agency") or "").strip() or load_script().say("export_unnamed")
        year = answers.get("meta.year") or ""
        name = FORM.title(agency, year)
        # a name that is also a valid file name on Windows
        name = "".join("_" if ch in '\\/:*?"<>|' else ch for ch in name)
        return (folder or Path.cwd()) / f"{name}.{fmt}"

    def export(self, fmt: str, path: str | Path | None) -> Path:
        from gkassist.files import atomic_write
        from gkassist.render import render_to_bytes

        raw = str(path or "").strip()
        target = Path(raw).expanduser() if raw else self.default_export_path(fmt)
        if target.is_dir() or raw.endswith(("/", "\\")):
            target = self.default_export_path(fmt, target)
        elif not target.suffix:
            target = target.with_name(f"{target.name}.{fmt}")  # 「/export docx 年报」 → 年报.docx
        with self._lock:  # a snapshot: answers recorded meanwhile do not wait for the rendering
            report = SimpleNamespace(answers=dict(self.session.answers), outline=getattr(self.session, "outline", None))
        data = render_to_bytes(report, fmt)  # the report's own sub-headings (outline) included
        atomic_write(target, data, parents=True)
        return target.resolve()

    def close(self) -> None:
        self._closing = True
        self._write_due.set()  # the writer thread ends; the session writes what is left as it closes
        # quitting must not wait for a first check still running: a validator left behind
        # gives its engine session back by itself (engine.Validator's finalizer)
        if self._engine_lock.acquire(blocking=False):
            try:
                if self._validator is not None:
                    self._validator.close()
                    self._validator = None
            finally:
                self._engine_lock.release()
        with self._lock:
            self.session.close()  # writes what is not written yet

