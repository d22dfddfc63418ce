"""The session document: one JSON file per report, saved atomically after every change.

A session holds the answers (typed in memory, JSON-encoded on disk by ``answers.to_json``), notes
on how an answer was read, where the interview stands, a history of changes, last year's answers
when known, and the interview's scratch space (docs/internals.md has the document's shape).

Guarantees:
- every change is on disk before the call returns, written to a temp file in the same folder,
  fsynced and renamed over the old one (``files.atomic_write``): a crash at any moment leaves the
  old or the new document;
- one process at a time edits a session (an OS file lock, released by the kernel if the process
  dies, plus a small owner file so that the refusal can name the other process);
- a document of a newer version, or a corrupt one, is refused and never written to; a corrupt
  file in the data folder is first copied aside to ``corrupt/`` so that nothing is lost.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import stat
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

from gkassist import paths, reading
from gkassist.answers import from_json, to_json
from gkassist.cellstates import CellState
from gkassist.errors import UserError, os_error_message
from gkassist.files import atomic_write, glob_escape, read_current, recover, remove_stale_temps
from gkassist.form import FORM
from gkassist.terminal import printable
from gkassist.text import clean

FORMAT = "gkassist-session"
# 1: the first format. 2 (issue 12): ``cells`` (table cells that printed no number) and
# ``outline`` (the report's own sub-headings and their order); a version-1 document has neither
# and loads as before (docs/internals.md, "The session document").
VERSION = 2

# Ids are typed by hand (gkassist render k7f3q2ab): no 0/o, 1/l, and a letter first so an id
# never looks like a number or a year.
ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
ID_LENGTH = 8
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")

# The history is a record of recent changes, not an archive: every save writes it whole, so it is
# kept to the last HISTORY_LIMIT changes with texts clipped to HISTORY_TEXT characters (10,000 edits
# of a long answer once made a 17.8 MB document and 55 ms saves; now < 1 MB, benchmarks/bench_session.py).
HISTORY_LIMIT = 200
HISTORY_TEXT = 400

_KNOWN_KEYS = (
    "format", "version", "id", "created", "updated", "source", "answers", "notes", "position",
    "history", "previous", "workbench", "cells", "outline", "drafts",
)  # fmt: skip


class SessionError(UserError):
    """A session cannot be opened, saved, found or imported; the message says why and what to do."""


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def new_id() -> str:
    first = secrets.choice(ID_ALPHABET[:24])  # the letters
    return first + "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH - 1))


# --- the lock -----------------------------------------------------------------------------------


def _lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


def _owner_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.owner")


def _read_owner(path: Path) -> dict | None:
    try:  # through gkassist.reading: an owner "file" that is a pipe must not hang the list
        owner = json.loads(reading.read_bytes(_owner_path(path), size=4096).decode("utf-8"))
    except (reading.FileRefused, ValueError, RecursionError):
        return None
    return owner if isinstance(owner, dict) else None


def _pid_alive(pid: int) -> bool:
    if os.name != "posix":  # os.kill(pid, 0) would terminate the process on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def _describe_owner(owner: dict | None) -> str:
    if not owner:
        return ""
    parts = []
    if owner.get("pid"):
        parts.append(f"进程 {owner['pid']}")
    if owner.get("host"):
        parts.append(f"主机 {owner['host']}")
    if owner.get("started"):
        parts.append(f"开始于 {_display_time(str(owner['started']))}")
    return f"（{'，'.join(parts)}）" if parts else ""


def real_path(path: Path) -> Path:
    """``path`` with every symlink resolved: what a lock, a comparison or a save is keyed on, so
    that one document reached by two names is still one document."""
    return Path(os.path.realpath(path))


class _SessionLock:
    """An OS lock on ``.<name>.lock`` plus ``.<name>.owner`` saying who holds it, beside the real
    file: a session opened through a symlink of another name meets the same lock."""

    def __init__(self, path: Path) -> None:
        self.path = real_path(path)

    # made on first use: filelock costs ~10 ms to import, which rendering, checking and listing
    # reports (no lock taken) need not pay, nor a new report's first question (its lock is taken
    # by its first write, in the writer thread: SessionStore.create)
    @cached_property
    def _filelock(self) -> Any:
        import filelock

        return filelock

    @cached_property
    def _lock(self) -> Any:
        # thread_local=False: the interview may open a session in a worker thread and close it in
        # the main thread.
        return self._filelock.FileLock(_lock_path(self.path), timeout=0, thread_local=False)

    def acquire(self, session_id: str) -> None:
        try:
            self._try_acquire()
        except self._filelock.Timeout:
            owner = _read_owner(self.path)
            # A kernel lock dies with its process. Only filelock's soft lock (its fallback on file
            # systems without flock) can outlive its owner: break that one when the owner is provably
            # gone. Never break a kernel lock: its holder is alive, whatever the owner file says.
            if (
                isinstance(self._lock, self._filelock.SoftFileLock)
                and owner
                and owner.get("host") == socket.gethostname()
                and isinstance(owner.get("pid"), int)
                and not _pid_alive(owner["pid"])
            ):
                with contextlib.suppress(OSError):
                    _lock_path(self.path).unlink()
                try:
                    self._try_acquire()
                except self._filelock.Timeout:
                    pass
                else:
                    self._write_owner()
                    return
            raise SessionError(
                f"该报告（{session_id}）正在被另一个 gkassist 窗口编辑{_describe_owner(owner)}。\n"
                "请先关闭那个窗口再打开；如果那个窗口已经意外退出，锁会自动解除，请再试一次；"
                "如果仍然如此，可能是另一台电脑正通过共享文件夹编辑它。\n"
                f"只查看或生成报告不受影响，例如：gkassist render {session_id}"
            ) from None
        self._write_owner()

    def _try_acquire(self) -> None:
        for _ in range(5):
            try:
                self._lock.acquire()
            except self._filelock.Timeout:
                raise
            except OSError as err:
                raise SessionError(
                    f"无法锁定报告文件 {self.path}：{os_error_message(err)}。请检查该文件夹的写入权限。"
                ) from err
            if self._holds_current_file():
                return
            # the start-up sweep removed this lock file (stale) between our open and our lock: a
            # lock on a file no longer in the folder would not exclude anyone; lock the new one
            self._lock.release(force=True)
        raise self._filelock.Timeout(str(_lock_path(self.path)))

    def _holds_current_file(self) -> bool:
        fd = getattr(getattr(self._lock, "_context", None), "lock_file_fd", None)
        if not isinstance(fd, int):
            return True  # a backend without a descriptor (the soft lock) has nothing to compare
        try:
            return os.path.samestat(os.fstat(fd), os.stat(_lock_path(self.path)))
        except OSError:
            return False

    def _write_owner(self) -> None:
        owner = {"pid": os.getpid(), "host": socket.gethostname(), "started": _now(), "program": "gkassist"}
        with contextlib.suppress(OSError):  # the owner file only improves a message
            _owner_path(self.path).write_text(json.dumps(owner, ensure_ascii=False), encoding="utf-8")

    def release(self) -> None:
        if "_lock" not in self.__dict__ or not self._lock.is_locked:  # (never taken: no filelock import)
            return
        owner = _read_owner(self.path)
        if owner and owner.get("pid") == os.getpid() and owner.get("host") == socket.gethostname():
            with contextlib.suppress(OSError):
                _owner_path(self.path).unlink()
        if not isinstance(self._lock, self._filelock.SoftFileLock) and self._holds_current_file():
            # removed while still held, so that lock files do not pile up: a process that opened
            # this one meanwhile finds it gone once it gets the lock, and locks a new one
            with contextlib.suppress(OSError):
                _lock_path(self.path).unlink()
        self._lock.release(force=True)

    def try_acquire_quietly(self) -> bool:
        """Take the lock if nobody holds it (no owner file, no message); False if somebody does."""
        try:
            self._try_acquire()
        except (self._filelock.Timeout, SessionError):
            return False
        return True

    def held_by_other(self) -> bool:
        """True when another process holds the lock (probing takes and drops it)."""
        try:
            self._lock.acquire()
        except (self._filelock.Timeout, OSError):
            return True
        self._lock.release(force=True)
        return False


# What a writer killed in the middle leaves beside ``<name>``: atomic_write's temp files
# (``.<name>.<random>.tmp``, ``.part`` alike), a lock file and an owner file, a journal and the
# temp file it was being written to (``..<name>.journal.<random>.tmp``).
_LEFTOVER = re.compile(
    r"\.(?P<name>[^.].*?\.json)(?:\.[0-9a-f]{8}\.(?:tmp|part)|\.lock|\.owner|\.journal)"
    r"|\.\.(?P<journal_of>.+?\.json)\.journal\.[0-9a-f]{8}\.tmp"
)


# --- reading and checking a document ------------------------------------------------------------


class _Corrupt(Exception):
    """The document is not a valid session; ``str(err)`` says what is wrong, in Chinese."""


class _Newer(Exception):
    def __init__(self, version: int) -> None:
        super().__init__(version)
        self.version = version


# --- reading a session file: through gkassist.reading (issue 14) -----------------------------------
# Only a regular file within the size limit is read (a FIFO or /dev/zero is refused at once, a
# looping symlink is named as such); JSON nested too deep, a lone surrogate in a text or an integer
# Python cannot hold make the document corrupt, like any other damage.


def _refused(err: reading.FileRefused) -> SessionError:
    path = reading.shown(err.path)
    if err.kind == "missing":
        return SessionError(f"找不到文件：{path}")
    if err.kind == "directory":
        return SessionError(f"{path} 是一个文件夹，不是报告文件。")
    return SessionError(str(err))


def _read_json(path: Path) -> Any:
    try:
        data = read_current(path, read=reading.read_bytes)
    except reading.FileRefused as err:
        raise _refused(err) from None
    try:
        return reading.parse_json(data, lone_surrogates=True)  # cleaned on load (text.clean)
    except reading.BadJson as err:
        raise _Corrupt(str(err)) from None


def _real(path: Path) -> Path | None:
    """``path`` with its links followed, or None when that cannot be told (a loop, no access)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python 3.11's pathlib)
        return None


# --- text entering a session ---------------------------------------------------------------------
# One boundary: every string that enters a session (a loaded or imported document, an answer, a
# note, a draft, the interview's scratch) goes through ``text.clean``. A lone surrogate would make
# every later save raise UnicodeEncodeError; a control character or terminal escape would reach
# the terminal and the DOCX XML; a line break in the agency's name would break the title line.


def _safe(value: Any) -> Any:
    """``value`` (JSON data) with every string in it, keys too, through ``text.clean``."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean(k) if isinstance(k, str) else k: _safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_safe(v) for v in value]
    return value


def _clean_answer(field_id: str, value: Any) -> Any:
    """A typed answer as stored: text on one line unless the field is prose."""
    if isinstance(value, str):
        return clean(value, one_line=FORM.field(field_id).kind != "prose")
    return value


def _clean_outline(outline: dict) -> dict:
    """An outline (a copy) with its sub-headings on one line each: a heading is a title line."""
    outline = _safe(outline)
    for entries in outline.values():
        for entry in entries if isinstance(entries, list) else ():
            if isinstance(entry, dict) and isinstance(entry.get("heading"), str):
                entry["heading"] = clean(entry["heading"], one_line=True)
    return outline


def _typed_answers(raw: Any, where: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(typed answers of known fields, raw answers of unknown fields kept for the next save)."""
    if not isinstance(raw, dict):
        raise _Corrupt(f"{where} 应为对象")
    typed: dict[str, Any] = {}
    unknown: dict[str, Any] = {}
    for fid, value in raw.items():
        if fid not in FORM.fields:
            # a field this version does not know (renamed, or added later): keep it, do not judge it
            unknown[fid] = value
            continue
        if value is None:
            continue  # tolerated in hand-edited files: unanswered
        try:
            typed[fid] = _clean_answer(fid, from_json(fid, value))
        except ValueError as err:
            raise _Corrupt(f"{where} 中 {err}") from None
    return typed, unknown


def _check_shape(doc: Any) -> None:
    if not isinstance(doc, dict):
        raise _Corrupt("文件内容不是一个 JSON 对象")
    if doc.get("format") != FORMAT:
        raise _Corrupt(f'不是 gkassist 会话文件（缺少 "format": "{FORMAT}"）')
    version = doc.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise _Corrupt(f"版本号无效：{version!r}")
    if version > VERSION:
        raise _Newer(version)
    if not isinstance(doc.get("id"), str) or not doc["id"]:
        raise _Corrupt("缺少会话编号（id）")
    if "answers" not in doc:
        raise _Corrupt("缺少 answers")
    for key in ("notes", "position", "workbench", "source", "drafts"):
        if doc.get(key) is not None and not isinstance(doc[key], dict):
            raise _Corrupt(f"{key} 应为对象")
    for key in ("created", "updated"):
        if doc.get(key) is not None and not isinstance(doc[key], str):
            raise _Corrupt(f"{key} 应为时间字符串")
    notes = doc.get("notes")
    if notes is not None and not all(isinstance(v, str) for v in notes.values()):
        raise _Corrupt("notes 中的说明应为文字")
    drafts = doc.get("drafts")
    if drafts is not None and not all(isinstance(v, str) for v in drafts.values()):
        raise _Corrupt("drafts 中的草稿应为文字")
    history = doc.get("history")
    if history is not None and (
        not isinstance(history, list) or not all(isinstance(h, dict) for h in history)
    ):
        raise _Corrupt("history 应为列表")
    _check_cells_and_outline(doc)
    previous = doc.get("previous")
    if previous is not None and (
        not isinstance(previous, dict) or not isinstance(previous.get("answers"), dict)
    ):
        raise _Corrupt("previous 应为包含 answers 的对象")
    if (
        previous is not None
        and previous.get("source") is not None
        and not isinstance(previous["source"], dict)
    ):
        raise _Corrupt("previous.source 应为对象")


# --- cells and outline (session version 2, issue 12) --------------------------------------------
# What a report printed in a table cell that holds no number, and the report's own sub-headings
# with their order; docs/internals.md ("The session document") describes both.


def _typed_cells(raw: Any) -> tuple[dict[str, CellState], dict[str, Any]]:
    """(states of known number fields, raw states of unknown fields kept for the next save)."""
    typed: dict[str, CellState] = {}
    unknown: dict[str, Any] = {}
    for fid, value in (raw or {}).items():
        if fid in FORM.fields:
            typed[fid] = CellState.from_json(value)
        else:
            unknown[fid] = value
    return typed, unknown


def _check_cells_and_outline(doc: dict) -> None:
    cells = doc.get("cells")
    if cells is not None:
        if not isinstance(cells, dict):
            raise _Corrupt("cells 应为对象")
        for fid, value in cells.items():
            try:
                CellState.from_json(value)
            except ValueError as err:
                raise _Corrupt(f"cells 中 {fid}：{err}") from None
            if fid in FORM.fields and not FORM.field(fid).is_number:
                raise _Corrupt(f"cells 中 {fid} 不是数字栏目")
    outline = doc.get("outline")
    if outline is None:
        return
    if not isinstance(outline, dict):
        raise _Corrupt("outline 应为对象")
    sections = {s.id: set(s.field_ids) for s in FORM.sections}
    for sid, entries in outline.items():
        if sid not in sections or not isinstance(entries, list):
            raise _Corrupt(f"outline 中的部分「{sid}」无效")
        seen: set[str] = set()
        for entry in entries:
            if not isinstance(entry, dict) or entry.get("field") not in sections[sid] or entry["field"] in seen:
                raise _Corrupt(f"outline 中「{sid}」的条目无效：{entry!r}")
            seen.add(entry["field"])
            if not isinstance(entry.get("heading", ""), str) or not isinstance(entry.get("inline", False), bool):
                raise _Corrupt(f"outline 中「{sid}」的条目无效：{entry!r}")


# --- progress -------------------------------------------------------------------------------------


@cache
def progress_items() -> tuple[tuple[str, ...], ...]:
    """What progress counts: each thing a person answers once — a table row (its cells), a choice,
    the agency's name and year, and every paragraph of the report's body, 一 to 六 (the format
    wants them all, whether or not a rule can tell that one is missing). Computed totals and the
    optional extras of the heading (publication date, own opening) do not count."""
    items: dict[tuple, list[str]] = {}
    for f in FORM.fields.values():
        if f.derived or not (f.required or (f.kind == "prose" and f.section != "meta")):
            continue
        key = (f.table, f.row) if f.table and f.row else (f.id,)
        items.setdefault(key, []).append(f.id)
    return tuple(tuple(fields) for fields in items.values())


# --- the session --------------------------------------------------------------------------------


class Session:
    """One report being written. Read ``answers``; change it only through the ``set_*`` methods,
    each of which has saved the document when it returns."""

    def __init__(self, path: Path, doc: dict, *, lock: _SessionLock | None, read_only: bool) -> None:
        _check_shape(doc)
        raw_answers = doc["answers"]
        try:
            doc = _safe(doc)  # the one way text enters: a document saved earlier, imported or new
        except RecursionError:
            raise _Corrupt("内容嵌套层次过深") from None
        if isinstance(doc.get("outline"), dict):
            doc["outline"] = _clean_outline(doc["outline"])
        self.path = path
        self.read_only = read_only
        self._lock = lock
        # the interview saves from worker threads: one change (and its save) at a time
        self._mutex = threading.RLock()
        self.id: str = doc["id"]
        self.created: str = doc.get("created") or _now()
        self.updated: str = doc.get("updated") or self.created
        self.source: dict = dict(doc.get("source") or {"kind": "interview"})
        self._answers, self._unknown = _typed_answers(doc["answers"], "answers")
        self._notes: dict[str, str] = dict(doc.get("notes") or {})
        self.position: dict = copy.deepcopy(doc.get("position") or {})
        self.workbench: dict = copy.deepcopy(doc.get("workbench") or {})
        self.history: list[dict] = _bounded_history(doc.get("history") or [])
        self.history += _cleaning_notes(raw_answers, self._answers, _now())
        # text typed and not submitted, by question (the interview's keys): never an answer
        self._drafts: dict[str, str] = dict(doc.get("drafts") or {})
        self._dirty = False  # changed in memory (record(save=False)), not yet written (flush)
        self._lock_due = False  # a new session's lock, taken by its first write (create(save=False))
        self._write_lock = threading.Lock()  # one write at a time, in the order of the changes
        prev = doc.get("previous")
        if prev is None:
            self._previous: dict[str, Any] | None = None
            self._previous_unknown: dict[str, Any] = {}
            self.previous_source: dict | None = None
        else:
            self._previous, self._previous_unknown = _typed_answers(prev["answers"], "previous.answers")
            self.previous_source = dict(prev.get("source") or {})
        self._cells, self._unknown_cells = _typed_cells(doc.get("cells"))
        self._outline: dict[str, list[dict]] = copy.deepcopy(doc.get("outline") or {})
        # keys written by a later build of the same version: carried through untouched
        self._extra = {k: copy.deepcopy(v) for k, v in doc.items() if k not in _KNOWN_KEYS}

    # --- reading --------------------------------------------------------------------------------

    @property
    def answers(self) -> Mapping[str, Any]:
        """Typed answers (read-only view: write through ``set_answer``)."""
        return MappingProxyType(self._answers)

    @property
    def notes(self) -> Mapping[str, str]:
        return MappingProxyType(self._notes)

    @property
    def previous(self) -> Mapping[str, Any] | None:
        return None if self._previous is None else MappingProxyType(self._previous)

    @property
    def cells(self) -> Mapping[str, CellState]:
        """Table cells the source printed with no number (blank, 「/」, invalid text): no answers."""
        return MappingProxyType(self._cells)

    @property
    def outline(self) -> dict[str, list[dict]]:
        """The report's own sub-headings and their order, by section (a copy; see ``set_outline``)."""
        return copy.deepcopy(self._outline)

    def answers_as_printed(self) -> dict[str, Any]:
        """The answers plus the cells that printed no number (their states): what the rules judge."""
        return {**self._answers, **self._cells}

    @property
    def agency(self) -> str | None:
        return self._answers.get("meta.agency") or None

    @property
    def year(self) -> int | None:
        return self._answers.get("meta.year")

    def value(self, field_id: str) -> Any:
        """The stored answer, or for a derived cell the computed sum, or None."""
        return FORM.value(field_id, self._answers)

    @property
    def drafts(self) -> Mapping[str, str]:
        """Text typed and not submitted, by question: kept for the person, never an answer."""
        return MappingProxyType(self._drafts)

    def progress(self) -> tuple[int, int]:
        """(answered, to answer) over the items a person fills in (``progress_items``)."""
        items = progress_items()
        answered = sum(1 for fields in items if self.item_answered(fields))
        return answered, len(items)

    def item_answered(self, fields: tuple[str, ...]) -> bool:
        return all(self._answers.get(f) not in (None, "") for f in fields)

    def to_document(self) -> dict:
        """The JSON document as it is saved."""
        order = {fid: i for i, fid in enumerate(FORM.fields)}
        answers = {
            fid: to_json(fid, self._answers[fid]) for fid in sorted(self._answers, key=order.__getitem__)
        }
        answers.update(self._unknown)
        notes = {fid: self._notes[fid] for fid in sorted(self._notes, key=lambda f: order.get(f, len(order)))}
        previous = None
        if self._previous is not None:
            prev_answers = {fid: to_json(fid, v) for fid, v in self._previous.items()}
            prev_answers.update(self._previous_unknown)
            previous = {"source": self.previous_source or {}, "answers": prev_answers}
        doc = {
            "format": FORMAT,
            "version": VERSION,
            "id": self.id,
            "created": self.created,
            "updated": self.updated,
            "source": self.source,
            "answers": answers,
            "notes": notes,
            "position": self.position,
            "history": self.history,
            "previous": previous,
            "workbench": self.workbench,
            "cells": {**{fid: self._cells[fid].to_json() for fid in sorted(self._cells, key=order.__getitem__)},
                      **self._unknown_cells},
            "outline": self._outline,
            "drafts": self._drafts,
        }
        doc.update(self._extra)
        return doc

    def to_json_bytes(self) -> bytes:
        return (json.dumps(self.to_document(), ensure_ascii=False, indent=1) + "\n").encode("utf-8")

    # --- changing -------------------------------------------------------------------------------

    def _state(self) -> tuple:
        return (
            dict(self._answers), dict(self._notes), copy.deepcopy(self.position), copy.deepcopy(self.workbench),
            list(self.history), self._previous, self._previous_unknown, self.previous_source, self.updated,
            dict(self._cells), copy.deepcopy(self._outline), dict(self._drafts),
        )  # fmt: skip

    def _restore(self, state: tuple) -> None:
        (self._answers, self._notes, self.position, self.workbench, self.history, self._previous,
         self._previous_unknown, self.previous_source, self.updated, self._cells, self._outline,
         self._drafts) = state  # fmt: skip

    def _change(self, apply, *, save: bool = True) -> None:  # noqa: ANN001 - a closure that mutates self
        """Apply a change and save it; if saving fails, memory goes back to what is on disk.

        With ``save=False`` the change is made in memory only and written by the next ``flush``
        (or save): the interview shows the next question while an answer is being written.
        """
        if self.read_only:
            raise SessionError(f"报告 {self.id} 是以只读方式打开的，不能修改。")
        if self._lock is None:
            raise SessionError(f"报告 {self.id} 已关闭，不能再修改。请重新打开。")
        with self._mutex:
            before = self._state()
            apply()
            self.updated = _now()
            if not save:
                self._dirty = True
                return
            try:
                self.save()
            except BaseException:
                self._restore(before)
                raise

    def save(self) -> None:
        with self._write_lock:
            with self._mutex:
                data, self._dirty = self.to_json_bytes(), False
            self._write(data)

    def flush(self) -> None:
        """Write the changes made with ``save=False``, if any. On failure they stay in memory, to be
        written by the next flush, and ``SessionError`` says why."""
        with self._write_lock:
            with self._mutex:
                if not self._dirty:
                    return
                data, self._dirty = self.to_json_bytes(), False
            try:
                self._write(data)
            except SessionError:
                with self._mutex:
                    self._dirty = True
                raise

    @property
    def unsaved(self) -> bool:
        """Changes made in memory are not written yet (a flush is due, or failed)."""
        return self._dirty

    def _write(self, data: bytes) -> None:
        # the serialising holds the mutex, the (slow) write does not: the interview records the
        # next answer in memory while the last one goes to disk
        if self._lock_due and self._lock is not None:  # (under _write_lock, as every write)
            self._lock.acquire(self.id)  # SessionError if another window took this id meanwhile
            self._lock_due = False
        try:
            atomic_write(self.path, data)
        except OSError as err:
            raise SessionError(
                f"无法保存报告 {self.path}：{os_error_message(err)}。上一次保存的内容仍完好。请检查磁盘空间和写入权限后重试。"
            ) from err

    @staticmethod
    def _check_value(field_id: str, value: Any) -> Any:
        """The value in its canonical type (an int for money becomes a Decimal); ValueError if wrong."""
        return _clean_answer(field_id, from_json(field_id, to_json(field_id, value)))

    def _put(self, field_id: str, value: Any, note: str | None, time: str) -> None:
        # a cell answered (or cleared) is no longer what the source printed there
        self._cells.pop(field_id, None)
        old = self._answers.get(field_id)
        if value is None:
            self._answers.pop(field_id, None)
        else:
            self._answers[field_id] = value
        if note:
            self._notes[field_id] = note
        else:
            self._notes.pop(field_id, None)
        if old != value:
            self.history.append(
                {"field": field_id, "old": _enc(field_id, old), "new": _enc(field_id, value), "time": time}
            )
        if len(self.history) > HISTORY_LIMIT + 50:  # trimmed in batches: a slice per change would cost more
            del self.history[: len(self.history) - HISTORY_LIMIT]
        if not FORM.is_derived(field_id):
            # a printed or typed total no longer matches its parts: drop it, FORM.value recomputes
            for dep in FORM.dependents(field_id):
                if dep in self._answers:
                    gone = self._answers.pop(dep)
                    self._notes.pop(dep, None)
                    self.history.append(
                        {"field": dep, "old": _enc(dep, gone), "new": None, "time": time, "cause": field_id}
                    )

    def set_answer(self, field_id: str, value: Any, note: str | None = None) -> None:
        """Store a typed value (``answers.parse_answer(...).value``) and its note; saved on return."""
        typed = value
        value = None if value is None else self._check_value(field_id, value)
        note = _safe(note)
        if self._answers.get(field_id) == value and self._notes.get(field_id) == (note or None):
            return  # nothing changes: the document on disk already says this

        def put() -> None:
            time = _now()
            self._put(field_id, value, note, time)
            self.history += _cleaning_notes({field_id: typed}, {field_id: value}, time)

        self._change(put)

    def set_answers(self, values: Mapping[str, Any], notes: Mapping[str, str | None] | None = None) -> None:
        """Several answers in one save (a table row); a value of None clears that field."""
        checked = {fid: None if v is None else self._check_value(fid, v) for fid, v in values.items()}
        notes = _safe(dict(notes or {}))

        def apply() -> None:
            time = _now()
            for fid, value in checked.items():
                self._put(fid, value, notes.get(fid), time)

        self._change(apply)

    def record(
        self,
        values: Mapping[str, Any] | None = None,
        notes: Mapping[str, str | None] | None = None,
        *,
        position: Mapping[str, Any] | None = None,
        workbench: Mapping[str, Any] | None = None,
        drafts: Mapping[str, str | None] | None = None,
        save: bool = True,
    ) -> None:
        """One turn of the interview in one save: answers (None clears), position, workbench keys,
        drafts (None drops the draft of that question).

        Every save is an fsync, so a turn that changes answers, where the interview stands and its
        scratch must not cost three. A workbench value of None removes that key. Nothing changes
        in memory if the save fails; with ``save=False`` the change is written by ``flush``.
        """
        checked = {fid: None if v is None else self._check_value(fid, v) for fid, v in (values or {}).items()}
        notes = _safe(dict(notes or {}))
        position = _safe(dict(position or {}))
        workbench = _safe(dict(workbench or {}))
        drafts = {k: v or None for k, v in _safe(dict(drafts or {})).items()}
        json.dumps(position)  # refuse what could not be saved before touching anything
        json.dumps(workbench)
        if (
            all(self._answers.get(f) == v and self._notes.get(f) == (notes.get(f) or None) for f, v in checked.items())
            and all(self.position.get(k) == v for k, v in position.items())
            and all(self.workbench.get(k) == v for k, v in workbench.items())
            and all(self._drafts.get(k) == v for k, v in drafts.items())
        ):
            return  # the document on disk already says all this

        def apply() -> None:
            time = _now()
            for fid, value in checked.items():
                self._put(fid, value, notes.get(fid), time)
            self.position.update(copy.deepcopy(position))
            for key, value in workbench.items():
                if value is None:
                    self.workbench.pop(key, None)
                else:
                    self.workbench[key] = copy.deepcopy(value)
            for key, text in drafts.items():
                if text is None:
                    self._drafts.pop(key, None)
                else:
                    self._drafts[key] = str(text)

        self._change(apply, save=save)

    def clear_answer(self, field_id: str) -> None:
        FORM.field(field_id)
        if field_id not in self._answers and field_id not in self._notes and field_id not in self._cells:
            return
        self._change(lambda: self._put(field_id, None, None, _now()))

    def set_position(self, **kw: Any) -> None:
        kw = _safe(kw)
        json.dumps(kw)  # refuse what could not be saved before touching anything
        self._change(lambda: self.position.update(copy.deepcopy(kw)))

    def update_workbench(self, key: str, value: Any) -> None:
        key, value = clean(key), _safe(value)
        json.dumps(value)

        def apply() -> None:
            if value is None:
                self.workbench.pop(key, None)
            else:
                self.workbench[key] = copy.deepcopy(value)

        self._change(apply)

    def set_previous(self, answers: Mapping[str, Any] | None, source: dict | None = None) -> None:
        """Last year's typed answers (for carry-over and the Y rules), or None to forget them."""
        if answers is None:
            typed, unknown = None, {}
        else:
            typed = {
                fid: self._check_value(fid, v)
                for fid, v in answers.items()
                if fid in FORM.fields and v is not None
            }
            unknown = {}
        source = _safe(source)

        def apply() -> None:
            self._previous = typed
            self._previous_unknown = unknown
            self.previous_source = None if answers is None else dict(source or {})

        self._change(apply)

    def set_outline(self, outline: Mapping[str, list[dict]] | None) -> None:
        """The report's own sub-headings and their order (docs/internals.md); None forgets them."""
        doc = {"outline": _clean_outline(dict(outline or {}))}
        try:
            _check_cells_and_outline(doc)
        except _Corrupt as err:
            raise ValueError(str(err)) from None
        self._change(lambda: setattr(self, "_outline", doc["outline"]))

    # --- closing --------------------------------------------------------------------------------

    def close(self) -> None:
        """Write what is not written yet (``SessionError`` if that fails: the lock is then kept,
        so that nothing else writes over what is still only in memory), release the lock."""
        if self._dirty and self._lock is not None:
            self.flush()
        with self._mutex:
            if self._lock is not None:
                self._lock.release()
                self._lock = None

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()

    def __repr__(self) -> str:
        return f"Session({self.id!r}, {str(self.path)!r})"


def _enc(field_id: str, value: Any) -> Any:
    """A value as the history keeps it: encoded, a long text clipped."""
    if value is None:
        return None
    value = to_json(field_id, value)
    return _clip_text(value)


def _clip_text(value: Any) -> Any:
    if isinstance(value, str) and len(value) > HISTORY_TEXT:
        return f"{value[:HISTORY_TEXT]}……（共 {len(value)} 字）"
    return value


def _cleaning_notes(raw: Any, cleaned: Mapping[str, Any], time: str) -> list[dict]:
    """History entries (``"cause": "cleaned"``) for the answers whose text the cleaning changed:
    what came in (escaped, so it can be saved and shown) and what was kept. The session says what
    was removed rather than changing an officer's text without a trace (issue 14)."""
    if not isinstance(raw, dict):
        return []
    notes = []
    for fid, value in raw.items():
        kept = cleaned.get(fid)
        # line breaks and blanks made uniform (a Windows paste's \r\n, an agency on one line) are no news
        if isinstance(value, str) and isinstance(kept, str) and "".join(kept.split()) != "".join(value.split()):
            notes.append({"field": fid, "old": _clip_text(printable(value)), "new": _clip_text(kept),
                          "time": time, "cause": "cleaned"})
    return notes


def _bounded_history(history: list[dict]) -> list[dict]:
    """The last HISTORY_LIMIT entries, texts clipped (a document saved before the bound)."""
    out = []
    for entry in history[-HISTORY_LIMIT:]:
        out.append({k: _clip_text(v) if k in ("old", "new") else copy.deepcopy(v) for k, v in entry.items()})
    return out


# --- the store ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionInfo:
    id: str
    path: Path
    agency: str | None = None
    year: int | None = None
    answered: int = 0
    required: int = 0
    updated: str | None = None
    status: str = "ok"  # "ok" | "corrupt" | "newer"
    problem: str | None = None  # for corrupt / newer: what is wrong, in Chinese
    editing: str | None = None  # another process holds it: who (「进程 1234，主机 …」)
    created: str | None = None
    source: Mapping[str, Any] | None = None  # how the report began: {"kind": "interview" | "import", "file"}
    previous_source: Mapping[str, Any] | None = None  # where last year's answers came from, if any

    def made_from(self, path: Path, how: str) -> bool:
        """This report was imported from ``path`` (``how="import"``), or started from it as last
        year's report (``how="last_year"``)."""
        src = self.source if how == "import" else self.previous_source
        return bool(src) and _same_file(src.get("file"), path) and (how != "import" or src.get("kind") == "import")


def _same_file(recorded: Any, path: Path) -> bool:
    if not isinstance(recorded, str) or not recorded:
        return False
    try:
        return Path(recorded).expanduser().resolve() == path.expanduser().resolve()
    except (OSError, ValueError, RuntimeError):  # a NUL in a hand-edited file's name; a symlink loop
        return False


def _display_time(iso: str) -> str:
    try:
        return dt.datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


def display_time(iso: str | None) -> str:
    """A stored ISO time as the user's local 「2026-01-05 10:40」."""
    return _display_time(iso) if iso else ""


class SessionStore:
    """The folder of sessions (``paths.sessions_dir()`` unless ``root`` is given)."""

    def __init__(self, root: Path | None = None) -> None:
        # Only the data folder, or a folder opened for editing, gets a corrupt/ copy: a store made
        # over some other folder just to read one file there must not write into it.
        self._is_data_folder = root is None
        if root is not None:
            self.root = Path(root)
            return
        try:
            self.root = paths.sessions_dir()
        except OSError as err:
            raise SessionError(
                f"无法使用数据文件夹：{os_error_message(err)}（{getattr(err, 'filename', '') or ''}）。"
                "请检查写入权限，或用环境变量 GKASSIST_HOME 指定另一个文件夹。"
            ) from err

    @property
    def corrupt_dir(self) -> Path:
        return self.root / "corrupt"

    def _ensure_root(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise SessionError(f"无法创建数据文件夹 {self.root}：{os_error_message(err)}。") from err

    def path_of(self, session_id: str) -> Path:
        return self.root / f"{session_id}.json"

    def ids(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.stem for p in self.root.glob("*.json") if not p.name.startswith("."))

    def _fresh_id(self) -> str:
        taken = set(self.ids())
        while True:
            sid = new_id()
            if sid not in taken and not self.path_of(sid).exists():
                return sid

    # --- finding a session ----------------------------------------------------------------------

    def resolve(self, ref: str | Path) -> Path:
        """The file of a session given as an id (or a unique start of one) or as a path."""
        if isinstance(ref, Path):
            return self._existing_file(ref)
        text = str(ref).strip()
        if not text:
            raise SessionError("没有给出报告编号。运行 gkassist sessions 查看已保存的报告及其编号。")
        looks_like_path = any(sep in text for sep in ("/", "\\")) or text.lower().endswith(".json")
        if looks_like_path or (not ID_PATTERN.fullmatch(text.lower()) and Path(text).expanduser().exists()):
            return self._existing_file(Path(text).expanduser())
        if not ID_PATTERN.fullmatch(text.lower()):
            raise SessionError(
                f"「{text}」不是报告编号，也不是存在的文件。运行 gkassist sessions 查看已保存的报告及其编号。"
            )
        text = text.lower()
        path = self.path_of(text)
        if path.exists():
            return path
        matches = [sid for sid in self.ids() if sid.startswith(text)]
        if len(matches) == 1:
            return self.path_of(matches[0])
        if len(matches) > 1:
            raise SessionError(f"编号「{text}」对应多份报告：{'、'.join(matches)}。请输入完整编号。")
        if Path(text).exists():
            return self._existing_file(Path(text))
        raise SessionError(
            f"找不到编号为「{text}」的报告（数据文件夹：{self.root}）。运行 gkassist sessions 查看已保存的报告及其编号，"
            "或直接给出会话 JSON 文件的路径。"
        )

    @staticmethod
    def _existing_file(path: Path) -> Path:
        try:
            reading.check_file(path)  # issue 14: a pipe, a device or a looping link is named as such
        except reading.FileRefused as err:
            if err.kind != "too_large":  # reading it says that, with the size
                raise _refused(err) from None
        return path

    def _in_store(self, path: Path) -> bool:
        real, root = _real(path), _real(self.root)
        return real is not None and root is not None and real.parent == root

    # --- opening --------------------------------------------------------------------------------

    def _load(self, path: Path, *, lock: _SessionLock | None, read_only: bool) -> Session:
        in_store = self._in_store(path)
        keep_aside = in_store and (self._is_data_folder or lock is not None)
        try:
            doc = _read_json(path)
            _check_shape(doc)
            if in_store:
                # the file name is what people type; it wins over an id edited inside the file
                doc = {**doc, "id": path.stem}
            return Session(path, doc, lock=lock, read_only=read_only)
        except _Newer as err:
            raise SessionError(
                f"报告文件 {path} 由更新版本的 gkassist 保存（格式版本 {err.version}，本程序只支持版本 {VERSION}）。"
                "请升级 gkassist 后再打开（pip install -U gkassist）。文件未被改动。"
            ) from None
        except _Corrupt as err:
            kept = self._keep_aside(path) if keep_aside else None
            where = f"已将原文件复制到 {kept} 备查；" if kept else ""
            # a saved report that broke can be replaced by a backup; a file from elsewhere may
            # simply be something else (the same reader serves import, check and the picker)
            advice = (
                "如有备份或导出的 JSON 文件，可用 gkassist import 导入。"
                if in_store
                else "请确认它是 gkassist 保存或导出的会话文件。"
            )
            raise SessionError(
                f"报告文件 {path} 已损坏，无法打开：{err}。{where}原文件未被改动，也不会被覆盖。{advice}"
            ) from None

    def _keep_aside(self, path: Path) -> Path | None:
        """Copy a corrupt file to ``corrupt/`` (once per distinct content); the copy's path, or None."""
        try:
            data = reading.read_bytes(path)
            digest = hashlib.sha256(data).hexdigest()[:12]
            self.corrupt_dir.mkdir(parents=True, exist_ok=True)
            for existing in self.corrupt_dir.glob(f"{glob_escape(path.stem)}.*.{digest}{path.suffix}"):
                return existing
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            target = self.corrupt_dir / f"{path.stem}.{stamp}.{digest}{path.suffix}"
            shutil.copy2(path, target)
            return target
        except (OSError, reading.FileRefused):
            return None

    def open(self, ref: str | Path, *, lock: bool = True) -> Session:
        """Open a session to edit it (locked), or with ``lock=False`` to read it."""
        path = self.resolve(ref)
        if not lock:
            return self._load(path, lock=None, read_only=True)
        session_lock = _SessionLock(path)
        session_lock.acquire(path.stem)
        try:
            try:
                recover(path)  # an in-place rewrite of a hard-linked session cut short by a crash
            except OSError as err:
                raise SessionError(f"无法完成上次中断的保存 {path}：{os_error_message(err)}。") from err
            session = self._load(path, lock=session_lock, read_only=False)
            remove_stale_temps(real_path(path))
        except BaseException:
            session_lock.release()
            raise
        return session

    def create(
        self,
        answers: Mapping[str, Any] | None = None,
        *,
        previous: Session | Mapping[str, Any] | None = None,
        source: dict | None = None,
        notes: Mapping[str, str] | None = None,
        session_id: str | None = None,
        cells: Mapping[str, CellState] | None = None,
        outline: Mapping[str, list[dict]] | None = None,
        save: bool = True,
    ) -> Session:
        """A new session, saved and locked.

        ``previous`` is last year's report: a Session, ``{"answers": …, "source": …}``, or a mapping
        of typed answers. ``session_id`` keeps a given id (import), when free. ``cells`` and
        ``outline``: what an imported report printed (cell states, own sub-headings). ``save=False``:
        neither written nor locked yet (``Session.flush`` locks and writes it), for a start-up that
        must not wait for the disk.
        """
        self._ensure_root()
        sid = (
            session_id
            if session_id and ID_PATTERN.fullmatch(session_id) and session_id not in self.ids()
            else None
        )
        sid = sid or self._fresh_id()
        now = _now()
        typed = {fid: Session._check_value(fid, v) for fid, v in (answers or {}).items() if v is not None}
        doc: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "id": sid,
            "created": now,
            "updated": now,
            "source": dict(source or {"kind": "interview"}),
            "answers": {fid: to_json(fid, v) for fid, v in typed.items()},
            "notes": {k: v for k, v in (notes or {}).items() if v and k in FORM.fields},
            "position": {},
            "history": [],
            "previous": _previous_doc(previous),
            "workbench": {},
            # a cell with an answer holds no state: the answer wins
            "cells": {fid: c.to_json() for fid, c in (cells or {}).items() if fid in FORM.fields and fid not in typed},
            "outline": copy.deepcopy(dict(outline or {})),
        }
        path = self.path_of(sid)
        session_lock = _SessionLock(path)
        if not save:
            # written, and locked, by its first flush (the interview's, once its first question is
            # shown): till then there is no file to guard, and no other window can name an id
            # just drawn at random and not on disk
            session = Session(path, doc, lock=session_lock, read_only=False)
            session._dirty = session._lock_due = True
            return session
        session_lock.acquire(sid)
        try:
            session = Session(path, doc, lock=session_lock, read_only=False)
            session.save()
        except BaseException:
            session_lock.release()
            raise
        return session

    def adopt(self, doc: dict, *, keep_id: bool = True) -> Session:
        """Store a complete session document (an exported one) under its id, or a new id if taken."""
        self._ensure_root()
        _check_shape(doc)
        wanted = doc.get("id") if keep_id else None
        free = isinstance(wanted, str) and ID_PATTERN.fullmatch(wanted) and not self.path_of(wanted).exists()
        sid = wanted if free else self._fresh_id()
        path = self.path_of(sid)
        session_lock = _SessionLock(path)
        session_lock.acquire(sid)
        try:
            session = Session(path, {**doc, "id": sid}, lock=session_lock, read_only=False)
            session.save()
        except BaseException:
            session_lock.release()
            raise
        return session

    # --- start-up cleaning ------------------------------------------------------------------------

    def sweep(self) -> list[Path]:
        """Remove what killed writers left in the folder; the paths removed.

        A session's temp files, lock and owner files are removed only while holding its lock, so
        nothing of a live writer (another window) is touched; a cut-short in-place rewrite is
        finished (``files.recover``) rather than thrown away.
        """
        try:
            names = os.listdir(self.root)
        except OSError:
            return []
        groups: dict[str, list[str]] = {}
        for name in names:
            found = _LEFTOVER.fullmatch(name)
            if found:
                groups.setdefault(found.group("name") or found.group("journal_of"), []).append(name)
        removed: list[Path] = []
        for session_name, leftovers in groups.items():
            path = self.root / session_name
            lock = _SessionLock(path)
            if not lock.try_acquire_quietly():
                continue  # being edited: its files are live
            try:
                with contextlib.suppress(OSError):
                    recover(path)
                for name in leftovers:
                    if name.endswith((".lock", ".journal")):
                        continue  # the lock goes with release below; the journal went with recover
                    with contextlib.suppress(OSError):
                        (self.root / name).unlink()
                        removed.append(self.root / name)
            finally:
                lock.release()
            if not _lock_path(path).exists() and f".{session_name}.lock" in leftovers:
                removed.append(_lock_path(path))
        return removed

    # --- listing --------------------------------------------------------------------------------

    def list(self) -> list[SessionInfo]:
        """Every session file in the folder, newest change first; broken ones listed as such.

        One bad file never breaks the list (issue 14): whatever is wrong with a file — a pipe, a
        looping link, JSON nested too deep, a text that cannot be shown — it is one row saying so,
        and the texts of a row are safe to print (``terminal.printable``): the list is for showing.
        """
        out: list[SessionInfo] = []
        if not self.root.is_dir():
            return out
        for path in self.root.glob("*.json"):
            if path.name.startswith("."):
                continue
            try:
                out.append(self._info(path))
            except Exception as err:  # a bug met on one file must not hide all the others
                from gkassist.files import log_crash

                log = log_crash(err, kind="list-error", context=str(path))
                problem = f"读取时程序出现内部错误，错误详情已写入：{log}" if log else "读取时程序出现内部错误"
                out.append(SessionInfo(printable(path.stem), path, status="corrupt", problem=printable(problem)))
        out.sort(key=lambda i: (i.status == "ok", _sort_time(i.updated)), reverse=True)
        return out

    def made_from(self, file: str | Path, how: str) -> list[SessionInfo]:
        """The reports imported from ``file`` (``how="import"``) or started from it as last year's
        (``how="last_year"``), newest first: the same file twice should not silently give two."""
        path = Path(file)
        return [info for info in self.list() if info.status == "ok" and info.made_from(path, how)]

    def _info(self, path: Path) -> SessionInfo:
        sid = path.stem
        if printable(sid) != sid:  # a name with bytes that are no UTF-8, or control characters
            return SessionInfo(printable(sid), path, status="corrupt",
                               problem="文件名中有无法显示的字符，不能用编号打开；请给它改一个名字")
        try:
            doc = _read_json(path)
            _check_shape(doc)
            session = Session(path, {**doc, "id": sid}, lock=None, read_only=True)
        except _Newer as err:
            return SessionInfo(
                sid, path, status="newer", problem=f"由更新版本的 gkassist 保存（格式版本 {err.version}）"
            )
        except (_Corrupt, SessionError) as err:
            return SessionInfo(sid, path, status="corrupt", problem=printable(str(err)))
        answered, required = session.progress()
        editing = None
        owner = _read_owner(real_path(path))
        if owner is not None and _SessionLock(path).held_by_other():
            editing = printable(_describe_owner(owner).strip("（）")) or "另一个窗口"
        agency = printable(session.agency) if session.agency else None
        return SessionInfo(
            sid, path, agency, session.year, answered, required, session.updated, "ok", None, editing,
            session.created, dict(session.source), dict(session.previous_source) if session.previous_source else None,
        )


def _sort_time(iso: str | None) -> float:
    try:
        return dt.datetime.fromisoformat(iso).timestamp() if iso else 0.0
    except ValueError:
        return 0.0


def _previous_doc(previous: Session | Mapping[str, Any] | None) -> dict | None:
    if previous is None:
        return None
    if isinstance(previous, Session):
        source = {"kind": "session", "id": previous.id, "file": str(previous.path)}
        answers = dict(previous.answers)
    elif "answers" in previous and not any(k in FORM.fields for k in previous):
        source = dict(previous.get("source") or {})
        answers = dict(previous["answers"])
    else:
        source, answers = {}, dict(previous)
    encoded = {}
    for fid, value in answers.items():
        if value is None:
            continue
        if fid in FORM.fields:
            encoded[fid] = to_json(fid, Session._check_value(fid, value))
    return {"source": source, "answers": encoded}


# --- module-level conveniences (commands, render, check) ----------------------------------------


def load_session(ref: str | Path) -> Session:
    """A session to read (render, check): no lock, refuses changes."""
    return SessionStore().open(ref, lock=False)


_BOOKKEEPING = re.compile(r"\..+\.(lock|owner|journal|tmp)")


def _is_session_document(path: Path) -> str | None:
    """The id in ``path`` when it holds a gkassist session document (its first bytes say so)."""
    try:
        with open(path, "rb") as f:
            head = f.read(512)
    except OSError:
        return None
    if FORMAT.encode() not in head:
        return None
    found = re.search(rb'"id"\s*:\s*"([^"]{1,64})"', head)
    return found.group(1).decode("utf-8", "replace") if found else ""


def check_output(
    output: Path, *, force: bool = False, inputs: tuple[Path, ...] = (), session_id: str | None = None
) -> None:
    """Refuse to write a report or an export to ``output`` when that would destroy something.

    Never: a file in the data folder (sessions, their locks, corrupt copies), the file being
    rendered or exported (``inputs``, also through links), a session document (except, with
    ``force``, an earlier export of the same report ``session_id``), a file whose session lock
    another process holds, a session's lock, owner or journal file. An existing ordinary file only
    with ``force``. Devices and pipes (``-o /dev/null``) are written to as they are.
    """
    real = real_path(output)
    shown = str(output)
    for source in inputs:
        try:
            same = os.path.samefile(real, source)
        except OSError:
            same = real == real_path(source)
        if same:
            raise SessionError(f"不能写入 {shown}：它就是正在读取的报告文件本身，写入会覆盖它。请换一个文件名。")
    root = real_path(SessionStore().root)
    if real == root or root in real.parents:
        raise SessionError(
            f"不能写入 {shown}：它在 gkassist 的数据文件夹（{root}）中，那里只存放报告会话，"
            "写入会覆盖或混入会话文件。请换一个位置，例如当前文件夹。"
        )
    try:
        st = os.stat(real)
    except OSError:
        return  # a new file
    if not stat.S_ISREG(st.st_mode):
        return  # a device or a pipe: written to as it is; a folder: the write says why not
    if _BOOKKEEPING.fullmatch(real.name) and real.with_name(real.name[1:].rsplit(".", 1)[0]).exists():
        raise SessionError(f"不能写入 {shown}：它是一份报告会话的锁或临时文件。请换一个文件名。")
    if _lock_path(real).exists() and _SessionLock(real).held_by_other():
        raise SessionError(
            f"不能写入 {shown}：它是一份正在被 gkassist 编辑的报告会话{_describe_owner(_read_owner(real))}。请换一个文件名。"
        )
    held = _is_session_document(real)
    if held is not None and session_id and held == session_id and not force:
        raise SessionError(f"{shown} 是这份报告先前导出的副本，未覆盖。如要用当前内容更新它，请加 --force。")
    if held is not None and not (force and session_id and held == session_id):
        raise SessionError(
            f"不能写入 {shown}：它是一份 gkassist 报告会话文件（编号 {held or '未知'}），写入会覆盖那份报告。请换一个文件名。"
        )
    if not force:
        raise SessionError(f"文件 {shown} 已存在，未覆盖。如确要覆盖，请加 --force；或换一个文件名。")


def export_session(ref: str | Path, output: str | Path, *, force: bool = False) -> Path:
    """Write a session's document to ``output`` (a file, or a folder to put ``<id>.json`` in);
    ``check_output`` says what it refuses to replace."""
    session = load_session(ref)
    out = Path(output).expanduser()
    if str(output).endswith(("/", os.sep)) or out.is_dir():
        out = out / f"{session.id}.json"
    check_output(out, force=force, inputs=(session.path,), session_id=session.id)
    try:
        atomic_write(out, session.to_json_bytes(), parents=True)
    except OSError as err:
        raise SessionError(f"无法写入 {out}：{os_error_message(err)}。请检查路径和写入权限。") from err
    return out
