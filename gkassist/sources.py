"""Reading a source: whatever a user points at, a saved session or a published report.

``read_source(ref)`` is the one reader behind ``gkassist import``, ``gkassist check`` (and its
``--previous``) and the picker's 「从上年报告开始」, so that the three agree on what a file is and on
what its answers are:

- a session: an id (or unique start of one) or a JSON file — ``session.load_session`` reads it
  without a lock; its answers, notes, last-year answers and the whole document (for import);
- a published report (txt / html / mht / docx): anything else that is a file, read by the
  importer; its valid answers, notes, what could not be read, the cells printed with no valid
  value, and the structure facts the S rules judge.

Which is which: a file whose name ends in .json or whose first bytes are ``{`` is a session,
any other file is a report, and what is not a file is a session id.

Derived cells (the 总计 row and column, the totals of table 四) are kept as the source has them:
a session made by the interview stores none (``FORM.value`` computes them), a published report
keeps what it printed. That is what the rules need to judge a report (N2–N5 compare a printed
total with its parts) and what they need of last year: Y1's message quotes 「上年报告…为N件」, which
must be the figure the report printed, not a sum recomputed from its columns. (The picker used to
drop last year's printed totals and recompute them; check and import kept them.) Cells printed
with no valid value (「-1」) are never answers (``report.answers_as_printed()`` adds them back for
``check``, whose rule N1 names them), so last year's bad cell is no number to compare with.

Reading never writes, except that a damaged session in the data folder is first copied aside to
``corrupt/`` (``SessionStore`` does that for every reader). ``import_file`` then makes a new
session of what was read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gkassist import reading
from gkassist.cellstates import CellState
from gkassist.errors import UserError
from gkassist.form import FORM
from gkassist.session import Session, SessionError, SessionStore, load_session

if TYPE_CHECKING:
    from gkassist.importer import ImportedReport


class SourceUnreadable(UserError):
    """A file that is no report at all (the importer found nothing of one); ``reasons`` say why."""

    def __init__(self, path: Path, reasons: list[str], message: str | None = None) -> None:
        super().__init__(message or "；".join(reasons) or "无法读取这个文件。")
        self.path = path
        self.reasons = reasons


@dataclass
class Source:
    """What a session or a published report says, in one shape for every reader."""

    kind: str  # "session" | "report"
    answers: dict[str, Any]  # typed, valid; derived totals as the source has them
    notes: dict[str, str] = field(default_factory=dict)  # field id -> how a value was read
    source: dict[str, Any] = field(default_factory=dict)  # where it came from (a session keeps it)
    previous: dict[str, Any] | None = None  # a session's last-year answers
    unreadable: list[str] = field(default_factory=list)  # report: what could not be read (Chinese)
    # table cells that printed no number (blank, 「/」, invalid text), as gkassist.cellstates states
    cells: dict[str, CellState] = field(default_factory=dict)
    outline: dict[str, list[dict]] = field(default_factory=dict)  # own sub-headings and their order
    session: Session | None = None  # a session: the document as read (no lock, read-only)
    report: ImportedReport | None = None  # a report: all the importer found (invalid cells, structure)

    def answers_as_printed(self) -> dict[str, Any]:
        """The answers plus the cells that printed no number: what the rules judge (check)."""
        return {**self.answers, **self.cells}

    @property
    def agency(self) -> str | None:
        return self.answers.get("meta.agency") or None

    @property
    def year(self) -> int | None:
        return self.answers.get("meta.year")


def looks_like_json(path: Path) -> bool:
    """A session document by its name or its first bytes (a published report is txt / html / docx)."""
    if path.suffix.lower() == ".json":
        return True
    try:
        head = reading.read_bytes(path, size=64)
    except reading.FileRefused:
        return False
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def read_source(ref: str | Path) -> Source:
    """Read a session (id or JSON file) or a published report; raises a UserError saying why not.

    A ``Path`` is always a file; a ``str`` may also be a session id (``gkassist check k7f3q2ab``).
    Only regular files are read (``gkassist.reading``): a pipe, a device or a looping link given
    by its path is refused at once, saying what it is.
    """
    path = ref if isinstance(ref, Path) else Path(ref)
    path = path.expanduser()
    if reading.is_regular(path):
        if not looks_like_json(path):
            return read_report_source(path)
    elif _exists_as_something(path):
        reading.check_file(path)  # raises: says what it is instead of a file
    return _read_session(load_session(path if isinstance(ref, Path) else ref))


def _exists_as_something(path: Path) -> bool:
    """Whether ``path`` names anything on the disk that is no folder (a link to nowhere included)."""
    try:
        return not path.is_dir() and (path.exists() or path.is_symlink())
    except (OSError, ValueError):
        return False


def _read_session(session: Session) -> Source:
    try:
        return Source(
            kind="session",
            answers=dict(session.answers),
            notes=dict(session.notes),
            source={"kind": "session", "id": session.id, "file": str(session.path)},
            previous=dict(session.previous) if session.previous is not None else None,
            cells=dict(session.cells),
            outline=session.outline,
            session=session,
        )
    finally:
        session.close()


def read_report_source(path: Path) -> Source:
    """A published report read by the importer; SourceUnreadable when it is no report at all."""
    from gkassist.importer import read_report  # lxml, docx: only when a report is read

    report = read_report(path)
    if report.failed:
        raise SourceUnreadable(path, list(report.unreadable))
    return Source(
        kind="report",
        answers=dict(report.answers),
        notes={fid: note for fid, note in report.notes.items() if fid in FORM.fields and note},
        source=dict(report.source),
        unreadable=list(report.unreadable),
        cells=dict(report.cells),
        outline=report.outline,
        report=report,
    )


# --- import: a source becomes a new session -----------------------------------------------------


def import_file(file: str | Path, store: SessionStore | None = None) -> Session:
    """A new session from an exported session JSON, or from a published report (txt / html / …).

    A session document is taken whole (answers, history, where the interview stood), under its id
    when that is free. A report gives its answers and notes; what could not be read is kept in
    ``session.source["unreadable"]``. The session is returned locked: close it when done.
    """
    store = store or SessionStore()
    path = Path(file).expanduser()
    if path.is_dir():
        raise SessionError(f"{reading.shown(path)} 是一个文件夹，请给出要导入的文件。")
    try:
        reading.check_file(path)  # a pipe, a device, a looping link: refused at once, saying which
    except reading.FileRefused as err:
        if err.kind == "missing":
            raise SessionError(f"找不到文件：{reading.shown(path)}") from None
        raise
    try:
        src = read_source(path)
    except SourceUnreadable as err:
        why = "；".join(m.rstrip("。.； ") for m in err.reasons[:3]) or "没有找到年度报告的内容"
        raise SourceUnreadable(path, err.reasons, f"无法从 {path} 读出年度报告：{why}。") from None
    if src.session is not None:
        return store.adopt(src.session.to_document())
    source: dict[str, Any] = {**src.source, "kind": "import", "file": str(path.resolve())}
    if src.unreadable:
        source["unreadable"] = list(src.unreadable)
    if src.report is not None and src.report.unplaced:
        source["unplaced"] = list(src.report.unplaced)
    return store.create(src.answers, source=source, notes=src.notes, cells=src.cells, outline=src.outline)
