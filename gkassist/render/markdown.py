"""Escaping for the Markdown report: every value is data, never markup.

Markdown viewers render inline HTML and interpret emphasis, links, code and table pipes, so each
value written into the Markdown template is escaped here (the template's ``finalize``).
"""

from __future__ import annotations

import re
from typing import Any

# Characters that start or change markup anywhere in a paragraph or table cell. CommonMark lets
# any ASCII punctuation be backslash-escaped, and the backslash itself must be.
_INLINE = re.compile(r"([\\`*_\[\]|~])")
# HTML is escaped as entities: a viewer shows them as the characters typed.
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# At the start of a line these make a heading, list, quote, rule or numbered list (which would
# also renumber 「3.」 as 「1.」), or under a line a setext heading (「===」, 「---」). Every line of
# a value is checked: the values are one line each, but the escaping must not rely on that.
_BLOCK_START = re.compile(r"^([ \t]*)([#+\-=]|\d+[.)])", re.MULTILINE)


def md_escape(value: Any) -> str:
    """``value`` as literal Markdown text."""
    if value is None:
        return ""
    text = _INLINE.sub(r"\\\1", str(value))
    text = "".join(_HTML.get(ch, ch) for ch in text)
    return _BLOCK_START.sub(lambda m: m.group(1) + _escape_marker(m.group(2)), text)


def _escape_marker(marker: str) -> str:
    # 「12.」 → 「12\.」; 「#」 → 「\#」
    return marker[:-1] + "\\" + marker[-1]
