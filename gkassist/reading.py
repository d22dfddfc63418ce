"""Reading a file from the disk: only regular files, only up to a size, and JSON only as deep as sane.

Every file gkassist reads as input — a published report (the importer), a session document (the
session store, its list and ``load_session``), the sources of ``check`` and ``import`` — is opened
here, so that one place decides what may be read:

- **Only regular files.** A named pipe (FIFO) blocks ``open`` until some other program writes to
  it, ``/dev/zero`` never ends, a socket cannot be read as a file: each is refused at once with a
  message saying what it is. The file is opened without blocking and then asked what it is
  (``fstat`` on the open file), so that nothing can be swapped in between the question and the read.
- **A size limit** (:func:`limit`, 64 MB unless ``GKASSIST_MAX_FILE_MB`` says otherwise), checked
  before reading and again while reading (a file that grows): a published report or a session is a
  few hundred KB, and without a limit one wrong file takes all the memory there is.
- **Clear reasons** for the rest: a symbolic link that points at itself (or round in a circle), a
  folder, a missing file, no permission.

:func:`parse_json` reads a session document's bytes: UTF-8, not empty, valid JSON, nested at most
``MAX_DEPTH`` deep (a deeper one would exhaust Python's stack in the reader, or later in a copy of
it), no lone surrogate in any text (``"\\ud800"`` is valid JSON but no text that can be saved or
shown), and no integer too long for Python to read (more than 4,300 digits). Each is a
:class:`BadJson` whose message says what is wrong, in Chinese.

Messages name files through :func:`terminal.printable`, so that a file name holding control
characters or bytes that are no UTF-8 can be shown.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

from gkassist.errors import UserError, os_error_message
from gkassist.terminal import printable

DEFAULT_LIMIT_MB = 64
LIMIT_ENV = "GKASSIST_MAX_FILE_MB"
MAX_DEPTH = 100  # a session document is 3–6 levels deep
_MB = 1024 * 1024
_CHUNK = 1024 * 1024


def limit() -> int:
    """The largest file gkassist reads, in bytes (``GKASSIST_MAX_FILE_MB`` in MB, if it is a number)."""
    raw = os.environ.get(LIMIT_ENV, "").strip()
    try:
        mb = float(raw) if raw else DEFAULT_LIMIT_MB
    except ValueError:
        mb = DEFAULT_LIMIT_MB
    return int(mb * _MB) if mb > 0 else DEFAULT_LIMIT_MB * _MB


def text_limit() -> int:
    """The most characters of text read as one report: a sixteenth of :func:`limit` (4 M at 64 MB).

    Reading a report costs about 16 bytes of memory a character and a second or two a million, so a
    text file just under the file limit took a gigabyte and most of a minute; a real report, even a
    portal page with all its markup, has well under a million characters.
    """
    return limit() // 16


def text_too_large(path: str | Path, chars: int) -> FileRefused:
    """The refusal of a file whose text is longer than :func:`text_limit`."""
    return FileRefused(
        path, "too_large",
        f"文件中的文字有 {chars / 10_000:.0f} 万字，超过了 gkassist 作为一份报告读取的上限 "
        f"{text_limit() / 10_000:.0f} 万字",
        "一份年度报告（连同网页的标记）通常不到 50 万字，请确认选对了文件；确实需要读取时，"
        f"可以设置环境变量 {LIMIT_ENV}（单位 MB，文字上限随之按比例提高）后重试。",
    )


def shown(path: str | Path) -> str:
    """A path as a message may print it."""
    return printable(str(path))


def _mb(n: int) -> str:
    return f"{n / _MB:.0f}" if n >= 10 * _MB else f"{n / _MB:.1f}"


class FileRefused(UserError):
    """A file gkassist will not read; ``kind`` says why, ``reason`` in Chinese without the path.

    kind: "missing" | "loop" | "directory" | "special" (a pipe, a device, a socket) | "too_large"
    | "denied" | "error".
    """

    def __init__(self, path: str | Path, kind: str, reason: str, advice: str = "") -> None:
        self.path = Path(path)
        self.kind = kind
        self.reason = reason
        super().__init__(f"无法读取 {shown(path)}：{reason}。{advice}")


def too_large(path: str | Path, size: int, what: str = "文件") -> FileRefused:
    """The refusal of a file (or, with ``what``, of what is inside it) larger than :func:`limit`."""
    cap = limit()
    return FileRefused(
        path, "too_large",
        f"{what}有 {_mb(size)} MB，超过了 gkassist 读取文件的上限 {_mb(cap)} MB",
        "年度报告和会话文件通常不到 5 MB，请确认选对了文件；确实需要读取更大的文件时，"
        f"可以设置环境变量 {LIMIT_ENV}（例如 {LIMIT_ENV}=200，单位 MB）后重试。",
    )


def _special(path: str | Path, mode: int) -> FileRefused:
    if stat.S_ISDIR(mode):
        return FileRefused(path, "directory", "这是一个文件夹，不是文件")
    if stat.S_ISFIFO(mode):
        what = "命名管道（FIFO）"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        what = "设备文件"
    elif stat.S_ISSOCK(mode):
        what = "套接字（socket）"
    else:
        what = "特殊文件"
    return FileRefused(path, "special", f"这是{what}，不是普通文件；gkassist 只读取普通文件",
                       "请先把内容保存为文件，再读取那个文件。")


def _os_refusal(path: str | Path, err: OSError) -> FileRefused:
    if err.errno == errno.ELOOP:
        return FileRefused(path, "loop", "这是一个循环的符号链接（指向自己，或绕一圈又指回来），找不到真正的文件",
                           "请检查这个链接指向哪里。")
    if isinstance(err, FileNotFoundError):
        return FileRefused(path, "missing", os_error_message(err))
    if isinstance(err, IsADirectoryError):
        return FileRefused(path, "directory", "这是一个文件夹，不是文件")
    if isinstance(err, PermissionError):
        return FileRefused(path, "denied", "没有权限读取这个文件")
    return FileRefused(path, "error", os_error_message(err))


def check_file(path: str | Path) -> None:
    """Raise :class:`FileRefused` unless ``path`` is a regular file within the size limit (no read)."""
    try:
        st = os.stat(path)
    except OSError as err:
        raise _os_refusal(path, err) from None
    except ValueError:  # a NUL in the path
        raise FileRefused(path, "missing", "文件名无效") from None
    if not stat.S_ISREG(st.st_mode):
        raise _special(path, st.st_mode)
    if st.st_size > limit():
        raise too_large(path, st.st_size)


def is_regular(path: str | Path) -> bool:
    """Whether ``path`` is (or links to) a regular file; False for anything else or any error."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def read_bytes(path: str | Path, *, size: int | None = None) -> bytes:
    """The bytes of the regular file ``path`` (at most ``size`` of them from its start, if given).

    Raises :class:`FileRefused` for anything else, and for a file larger than :func:`limit` (unless
    only its start is asked for). Never blocks on a pipe, never reads without end.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as err:
        raise _os_refusal(path, err) from None
    except ValueError:
        raise FileRefused(path, "missing", "文件名无效") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _special(path, st.st_mode)
        cap = limit()
        if size is None and st.st_size > cap:
            raise too_large(path, st.st_size)
        want = cap + 1 if size is None else size
        chunks: list[bytes] = []
        got = 0
        while got < want:
            chunk = os.read(fd, min(_CHUNK, want - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        if size is None and got > cap:  # it grew while being read
            raise too_large(path, got)
        return b"".join(chunks)
    except OSError as err:
        raise _os_refusal(path, err) from None
    finally:
        os.close(fd)


# --- JSON documents -------------------------------------------------------------------------------


class BadJson(Exception):
    """Bytes that are no usable JSON document; ``str(err)`` says why, in Chinese."""


_INT_DIGITS = getattr(sys, "get_int_max_str_digits", lambda: 0)() or 4300


def _int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > _INT_DIGITS:
        raise BadJson(f"文件中有一个 {digits} 位的整数，位数太多，无法读取（最多 {_INT_DIGITS} 位）")
    return int(text)


def parse_json(data: bytes, *, lone_surrogates: bool = False) -> Any:
    """A JSON document from a file's bytes (UTF-8, a BOM allowed); :class:`BadJson` says what is wrong.

    ``lone_surrogates``: let texts with a lone surrogate through (the session store cleans every
    text it loads, so such a session opens and saves instead of being set aside as damaged)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadJson("文件不是 UTF-8 编码的 JSON") from None
    if not text.strip():
        raise BadJson("文件是空的")
    try:
        doc = json.loads(text, parse_int=_int)
    except json.JSONDecodeError as err:
        raise BadJson(f"JSON 格式错误（第 {err.lineno} 行第 {err.colno} 列）") from None
    except RecursionError:
        raise BadJson(f"JSON 嵌套层数过多（超过 {MAX_DEPTH} 层）") from None
    except ValueError as err:  # a number Python cannot hold
        raise BadJson(f"JSON 中有无法读取的数：{printable(str(err))[:80]}") from None
    _check_tree(doc, surrogates=not lone_surrogates and "\\ud" in text.lower())
    return doc


def _check_tree(doc: Any, *, surrogates: bool) -> None:
    """Depth, and (when the text has a ``\\ud…`` escape at all) lone surrogates; without recursion."""
    stack: list[tuple[Any, int, str]] = [(doc, 1, "")]
    while stack:
        node, depth, where = stack.pop()
        if isinstance(node, dict):
            if depth > MAX_DEPTH:
                raise BadJson(f"JSON 嵌套层数过多（超过 {MAX_DEPTH} 层）")
            for key, value in node.items():
                if surrogates and _has_surrogate(key):
                    raise _surrogate_error(where or "（顶层）", key)
                at = f"{where}.{key}" if where else key
                if isinstance(value, dict | list):
                    stack.append((value, depth + 1, at))
                elif surrogates and isinstance(value, str) and _has_surrogate(value):
                    raise _surrogate_error(at, value)
        elif isinstance(node, list):
            if depth > MAX_DEPTH:
                raise BadJson(f"JSON 嵌套层数过多（超过 {MAX_DEPTH} 层）")
            for i, value in enumerate(node):
                at = f"{where}[{i}]"
                if isinstance(value, dict | list):
                    stack.append((value, depth + 1, at))
                elif surrogates and isinstance(value, str) and _has_surrogate(value):
                    raise _surrogate_error(at, value)
        elif surrogates and isinstance(node, str) and _has_surrogate(node):
            raise _surrogate_error("（顶层）", node)


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _surrogate_error(where: str, text: str) -> BadJson:
    sample = printable(text)
    sample = sample if len(sample) <= 30 else sample[:30] + "…"
    return BadJson(
        f"{printable(where)} 中有无效的字符（单独的 UTF-16 代理码，如「{sample}」），这样的文字无法保存或显示"
    )
