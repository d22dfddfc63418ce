"""Writing files: the one atomic writer every output goes through, and crash logs.

``atomic_write`` is how a session is saved, a session exported and a report rendered or exported
to a file: the data goes to a temp file beside the target (``.<name>.<random>.tmp``), is fsynced,
and is renamed over the target, and then the folder is fsynced so that the rename itself is on
disk. A crash, a kill -9 or a full disk at any moment leaves the old file or the new one, never a
mix (tests/test_kill9.py kills a saving process hundreds of times to hold it to that).

The file keeps its mode when it is replaced; a new file gets the mode an ordinary write would give
it (0666 less the umask). A target that is no regular file (``-o /dev/null``, a pipe) is written
to as it is. Everything that decides where and how an output lands is here, so that a
rule about outputs (refusing to overwrite something, following links) has one place to go.

Links: a symlink is written through (the file it points to is replaced, the link stays a link).
A file with several hard links cannot be replaced without splitting it from its other names, so it
is rewritten in place, behind a journal: the new content is first made durable as
``.<name>.journal`` (renamed into place complete), then copied over the file, then the journal is
removed. A crash during the copy leaves the journal: ``read_current`` reads it instead of the torn
file, and ``recover`` (called by whoever next edits the file) finishes the copy. The journal sits
beside the name that was written (a session's: its name in the data folder); a read through the
file's other name in that window sees the torn file, as a damaged file.

``log_crash`` writes the traceback of an unexpected error to a new file in the log folder; every
log gets a name of its own, so two crashes in the same second keep both tracebacks.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import secrets
import stat
import tempfile
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

TEMP_SUFFIX = ".tmp"


def _fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable; a no-op where folders cannot be opened (Windows)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    except OSError:  # some file systems refuse fsync on a folder; the rename is still atomic
        pass
    finally:
        os.close(fd)


def _open_temp(path: Path) -> tuple[int, Path]:
    """A new temp file beside ``path``, created with 0666 so that the umask applies as usual.

    (``tempfile.mkstemp`` would make it 0600, and every save would turn the file private.)
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue


JOURNAL_SUFFIX = ".journal"


def journal_path(path: Path) -> Path:
    return path.with_name(f".{path.name}{JOURNAL_SUFFIX}")


def atomic_write(path: Path, data: bytes, *, parents: bool = False) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves either the old or the new file.

    ``parents``: create missing folders first. A symlink is written through; a hard-linked file
    is rewritten in place behind a journal (the module's docstring). Raises OSError (the caller
    says what it means).
    """
    with atomic_writer(path, parents=parents) as f:
        f.write(data)


@contextlib.contextmanager
def atomic_writer(path: Path, *, parents: bool = False) -> Iterator[BinaryIO]:
    """``atomic_write`` for an output written piece by piece (a review page of thousands of
    reports): a binary file to write to; ``path`` is replaced when the block ends without an
    error, and left as it was otherwise."""
    path = Path(path)
    if parents:
        path.parent.mkdir(parents=True, exist_ok=True)
    path = Path(os.path.realpath(path))  # through symlinks: the link stays a link
    try:
        st = os.stat(path)
    except OSError:
        mode = None  # a new file: the mode the umask gives
    else:
        if not stat.S_ISREG(st.st_mode) and not stat.S_ISDIR(st.st_mode):
            # -o /dev/null, a pipe, a terminal: written to as they are; renaming a file over a
            # device would replace the device itself
            with open(path, "wb") as f:
                yield f
            return
        mode = stat.S_IMODE(st.st_mode)
        if stat.S_ISREG(st.st_mode) and st.st_nlink > 1:
            # the journal needs the whole content before the file is touched
            buffer = io.BytesIO()
            yield buffer
            _journaled_write(path, buffer.getvalue())
            return
    with _replacing(path, mode) as f:
        yield f
    # a journal left by a crash, when the file has since lost its other links, is older than this
    with contextlib.suppress(FileNotFoundError):
        os.unlink(journal_path(path))


@contextlib.contextmanager
def _replacing(path: Path, mode: int | None) -> Iterator[BinaryIO]:
    """A temp file beside ``path`` (with ``mode``) to write to; fsynced and renamed over ``path``
    when the block ends without an error, removed otherwise."""
    fd, tmp = _open_temp(path)
    try:
        with os.fdopen(fd, "wb") as f:
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(f.fileno(), mode)
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _replace(path: Path, data: bytes, mode: int | None) -> None:
    with _replacing(path, mode) as f:
        f.write(data)


def _write_in_place(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.truncate()
        f.flush()
        os.fsync(f.fileno())


def _journaled_write(path: Path, data: bytes) -> None:
    """Rewrite a hard-linked ``path`` in place; the journal holds the new content meanwhile."""
    journal = journal_path(path)
    _replace(journal, data, None)  # complete and durable before the file is touched
    _write_in_place(path, data)
    os.unlink(journal)
    _fsync_dir(path.parent)


def read_current(path: Path, read: Callable[[Path], bytes] = Path.read_bytes) -> bytes:
    """The content of ``path`` as last written: its journal's when an in-place rewrite of it is
    under way or was cut short (the file itself may be torn then). ``read`` reads a file (the
    caller's rules for what may be read: only regular files, a size limit)."""
    real = Path(os.path.realpath(path))
    journal = journal_path(real)
    if os.path.isfile(journal):
        try:
            return read(journal)
        except Exception:  # an unreadable journal (OSError, the reader's refusal): the file is all there is
            pass
    return read(Path(path))


def recover(path: Path) -> None:
    """Finish an in-place rewrite of ``path`` that a crash cut short (its journal is complete).

    Only call it while no other process can be writing ``path`` (a session: while holding its lock).
    """
    real = Path(os.path.realpath(path))
    journal = journal_path(real)
    try:
        data = journal.read_bytes()
    except FileNotFoundError:
        return
    _write_in_place(real, data)
    os.unlink(journal)
    _fsync_dir(real.parent)


def glob_escape(name: str) -> str:
    """``name`` as a glob pattern that matches only itself."""
    return re.sub(r"([*?\[])", r"[\1]", name)


def remove_stale_temps(path: Path) -> None:
    """Temp files that a process killed in the middle of ``atomic_write(path, …)`` left behind.

    Only call it while no other process can be writing ``path`` (a session: while holding its lock).
    """
    for name in (path.name, journal_path(path).name):  # the journal is written through a temp too
        for tmp in path.parent.glob(f".{glob_escape(name)}.*{TEMP_SUFFIX}"):
            with contextlib.suppress(OSError):
                tmp.unlink()


def log_crash(error: BaseException, *, kind: str = "error", context: str = "") -> Path | None:
    """Write ``error``'s traceback (after ``context``, e.g. the file being read) to a new log file.

    Returns the log's path, or None when even the log could not be written: the caller still
    reports the first error, saying that its details are missing.
    """
    try:
        from gkassist.paths import log_dir

        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        fd, name = tempfile.mkstemp(prefix=f"{kind}-{stamp}-", suffix=".log", dir=log_dir())
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            if context:
                f.write(f"{context}\n")
            f.write("".join(traceback.format_exception(error)))
        return Path(name)
    except Exception:  # the log itself failed: never hide the first error behind a second one
        return None
