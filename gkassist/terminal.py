"""Text on its way to a terminal: nothing in it may crash the program or steer the terminal.

What gkassist prints comes partly from files it read — an agency name from a published report,
a file name from the disk, a damaged session's text — and such text may hold characters that
cannot be printed: a lone surrogate (a JSON ``"\\ud800"``, a file name that is not valid UTF-8)
makes every write raise ``UnicodeEncodeError``, and control characters (「\\x1b[2J」, a carriage
return) are obeyed by the terminal instead of shown. :func:`printable` shows them as escapes
(``\\ud800``, ``\\x1b``); :func:`protected_output` puts every write of the command line through it
while a command runs (``cli.main``), so that no command has to remember.

Line breaks and tabs stay. Only what goes to a terminal has its control characters escaped; a
pipe or a file gets the text as it is (``gkassist render ID > 报告.txt`` must not change the
report), except for the surrogates, which no UTF-8 file can hold. Code that means to steer the
terminal (a progress line that rewrites itself with 「\r」) writes to ``raw(sys.stderr)``.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator
from typing import Any, TextIO

# lone surrogates: never encodable
_SURROGATES = re.compile("[\ud800-\udfff]")
# C0 controls but tab and line feed, DEL, C1 controls (「\x9b」 is a CSI on some terminals),
# line and paragraph separators, and the bidirectional overrides that make text read backwards
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(m: re.Match) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control character (but line feed and tab) and lone surrogate escaped."""
    return _CONTROLS.sub(_escape, text)


def encodable(text: str) -> str:
    """``text`` with only its lone surrogates escaped: what a file or pipe may receive."""
    return _SURROGATES.sub(_escape, text)


class _SafeStream:
    """A text stream whose ``write`` escapes what the target cannot take (see the module doc)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        try:
            self._tty = stream.isatty()
        except (AttributeError, ValueError, OSError):
            self._tty = False
        encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("_", "-")
        self._utf = encoding in ("utf-8", "utf8", "utf-8-sig")
        self._encoding = encoding

    def write(self, text: str) -> int:
        safe = printable(text) if self._tty else encodable(text)
        if not self._utf:  # a GBK console (Windows): what it cannot show is shown as an escape
            safe = safe.encode(self._encoding, "backslashreplace").decode(self._encoding)
        return self._stream.write(safe)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def raw(stream: TextIO) -> TextIO:
    """The stream under a protected one: for output that deliberately holds control characters."""
    return stream._stream if isinstance(stream, _SafeStream) else stream  # type: ignore[return-value]


@contextlib.contextmanager
def protected_output() -> Iterator[None]:
    """While the block runs, ``sys.stdout`` and ``sys.stderr`` write only what the terminal can take."""
    out, err = sys.stdout, sys.stderr
    sys.stdout = _SafeStream(out)  # type: ignore[assignment]
    sys.stderr = _SafeStream(err)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err
