"""The prose of each section into the form's prose fields, verbatim.

一、总体情况: a sub-heading that names one of the five topics (「（一）主动公开」「（四）平台建设情况」)
sends what follows it to that topic's field; text before the first such sub-heading, and under
sub-headings that name no topic, goes to overview.intro with those sub-headings kept. 五: the
sub-headings 存在的主要问题 / 改进措施 / 上年度问题整改情况 (and their usual variants) split it; without
them the whole of 五 is the problems. 六 is other_matters. Nothing is rewritten.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from gkassist.form import FORM
from gkassist.headings import field_of_heading
from gkassist.importer.model import Item, Line
from gkassist.text import ORDINAL, SENTENCE_END, fold, nfkc

_SUBHEAD = re.compile(rf"^(\(({ORDINAL})\)|{ORDINAL}、|\d{{1,2}}[.、])\s*(\S.*)$")
_CHINESE_SUBHEAD = re.compile(rf"^\({ORDINAL}\)")
_CUT = re.compile(r"[。:;,]")
_MAX_TITLE = 24


@cache
def _fields(section: str) -> tuple[str, ...]:
    """The prose fields a sub-heading of ``section`` can head (一: the five topics)."""
    return tuple(f.id for f in FORM.section_fields(section) if section != "overview" or f.topic)


@lru_cache(maxsize=4096)
def _subheading(text: str) -> tuple[str, str, bool] | None:
    """(title words, text after the heading on the same line, numbered （一）-style?) or None."""
    t = nfkc(text).strip()
    m = _SUBHEAD.match(t)
    if not m:
        return None
    body = m.group(3)
    cut = _CUT.search(body)
    title, rest = (body[: cut.start()], body[cut.end():].strip()) if cut else (body, "")
    if not fold(title) or len(fold(title)) > _MAX_TITLE:
        return None
    if not cut and any(ch in body for ch in SENTENCE_END):
        return None
    # the text after the heading, as printed (not NFKC-folded)
    if rest:
        raw = text.strip()
        rest = raw[len(raw) - len(rest):] if raw.endswith(rest) else rest
    return fold(title), rest, bool(_CHINESE_SUBHEAD.match(t))


@lru_cache(maxsize=4096)
def field_of(text: str, section: str) -> tuple[str, str] | None:
    """(field id, rest of line) when ``text`` is a sub-heading naming one of ``section``'s prose
    fields (the five topics for overview; problems/measures/rectification for problems)."""
    sub = _subheading(text)
    if not sub:
        return None
    title, rest, _ = sub
    fid = field_of_heading(title, _fields(section))
    return (fid, rest) if fid is not None else None


def is_topic_heading(text: str) -> bool:
    return field_of(text, "overview") is not None


def is_problems_heading(text: str) -> bool:
    return field_of(text, "problems") is not None


def _lines(items: list[Item]) -> list[str]:
    return [it.text for it in items if isinstance(it, Line)]


def _join(lines: list[str]) -> str:
    text = "\n".join(line for line in lines if line.strip()).strip()
    # a draft rendered by gkassist marks an unanswered field with the gap marker: not an answer
    return "" if text == FORM.gap_marker else text


def read_overview(items: list[Item]) -> dict[str, str]:
    parts: dict[str, list[str]] = {"overview.intro": []}
    current = "overview.intro"
    for line in _lines(items):
        hit = field_of(line, "overview")
        if hit:
            current, rest = hit
            parts.setdefault(current, [])
            if parts[current]:  # a topic named twice: keep its second heading visible
                parts[current].append(line)
            elif rest:
                parts[current].append(rest)
            continue
        sub = _subheading(line)
        if sub and sub[2]:  # a （一）-style sub-heading that names no topic
            current = "overview.intro"
        parts[current].append(line)
    return {fid: text for fid, lines in parts.items() if (text := _join(lines))}


def read_problems(items: list[Item]) -> dict[str, str]:
    parts: dict[str, list[str]] = {}
    current: str | None = None
    lead: list[str] = []
    for line in _lines(items):
        hit = field_of(line, "problems")
        if hit:
            current, rest = hit
            if current in parts:
                parts[current].append(line)
            else:
                parts[current] = [rest] if rest else []
            continue
        (parts[current] if current else lead).append(line)
    if lead:
        parts["problems"] = lead + parts.get("problems", [])
    return {fid: text for fid, lines in parts.items() if (text := _join(lines))}


def read_other(items: list[Item]) -> dict[str, str]:
    text = _join(_lines(items))
    return {"other_matters": text} if text else {}
