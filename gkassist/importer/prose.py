"""The prose of each section into the form's prose fields, verbatim.

一、总体情况: a sub-heading that names one of the five topics (「（一）主动公开」「（四）平台建设情况」,
or unnumbered on a line of its own ending in a colon: 「政府信息主动公开情况：」) sends what follows it
to that topic's field; text before the first such sub-heading is
overview.intro; a sub-heading that names no topic stays, as printed, in the field it follows. 五:
the sub-headings 存在的主要问题 / 改进措施 / 上年度问题整改情况 (and their usual variants) split it; without
them the measures begin at the sentence that turns to them. 六 is other_matters. Nothing is
rewritten, nothing moves: each reader also returns the section's *outline* — its fields in the
source's order, each with its own sub-heading as printed (the session's ``outline``,
docs/internals.md) — so that a rendered report prints the agency's own sub-headings.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

from gkassist.form import FORM
from gkassist.headings import field_of_heading, transition_at
from gkassist.importer.model import Item, Line
from gkassist.text import ORDINAL, SENTENCE_END, fold, nfkc

_SUBHEAD = re.compile(rf"^(\(({ORDINAL})\)|{ORDINAL}、|\d{{1,2}}[.、])\s*(\S.*)$")
# a sub-heading without a number, alone on its line and closed by a colon (「政府信息主动公开情况：」)
_BARE_SUBHEAD = re.compile(r"^([^,.;:()]{2,24}):$")
_CHINESE_SUBHEAD = re.compile(rf"^\({ORDINAL}\)")
_CUT = re.compile(r"[。:;,]")
_GAP = re.compile(r"\s+(?=\S)")
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
        bare = _BARE_SUBHEAD.match(t)
        return (fold(bare.group(1)), "", False) if bare else None
    body = m.group(3)
    cut = _CUT.search(body)
    title, rest = (body[: cut.start()], body[cut.end():].strip()) if cut else (body, "")
    if len(fold(title)) > _MAX_TITLE and (gap := _GAP.search(title)):
        # 「(一)主动公开情况 2025年某旗坚持……」: a space, not a stop, ends the heading
        title, rest = body[: gap.start()], body[gap.end():].strip()
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


def _heading_of(line: str, rest: str) -> tuple[str, bool]:
    """(the sub-heading as printed, whether text follows it on the same line)."""
    raw = line.strip()
    if rest and raw.endswith(rest):
        return raw[: len(raw) - len(rest)].rstrip(), True
    return raw, False


class _Parts:
    """The fields of a section in the order the source gives them, with their own sub-headings."""

    def __init__(self) -> None:
        self.lines: dict[str, list[str]] = {}
        self.outline: list[dict[str, Any]] = []

    def start(self, fid: str, heading: str | None = None, inline: bool = False) -> None:
        self.lines.setdefault(fid, [])
        entry: dict[str, Any] = {"field": fid}
        if heading is not None:
            entry["heading"] = heading
            if inline:
                entry["inline"] = True
        self.outline.append(entry)

    def add(self, fid: str, line: str) -> None:
        if fid not in self.lines:
            self.start(fid)
        self.lines[fid].append(line)

    def result(self) -> tuple[dict[str, str], list[dict[str, Any]]]:
        answers = {fid: text for fid, lines in self.lines.items() if (text := _join(lines))}
        # an entry whose field says nothing is kept only for its heading (a topic the report names)
        outline = [e for e in self.outline if e["field"] in answers or e.get("heading")]
        return answers, outline


def read_overview(items: list[Item]) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """一's prose: the text before the first topic sub-heading is overview.intro; a topic's
    sub-heading (as printed, with its own words and punctuation) starts its field; everything else
    — a sub-heading that names no topic, a topic named twice — stays where it stands, in the field
    it follows, so that nothing moves. Returns (answers, outline entries in the source's order)."""
    parts = _Parts()
    current = "overview.intro"
    for line in _lines(items):
        hit = field_of(line, "overview")
        if hit and hit[0] not in parts.lines:
            current, rest = hit
            heading, inline = _heading_of(line, rest)
            parts.start(current, heading, inline)
            if rest:
                parts.add(current, rest)
            continue
        parts.add(current, line)
    return parts.result()


def read_problems(items: list[Item]) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """五's prose: its sub-headings (存在的主要问题 / 改进措施 / 上年度问题整改情况 and their variants,
    headings.yaml) start the fields they name; text before the first is the problems; where the
    source has no sub-heading for the measures, they start at the sentence that turns to them
    (「下一步」「针对上述问题」 …, headings.yaml)."""
    parts = _Parts()
    current = "problems"
    lines = _lines(items)
    if lines and not field_of(lines[0], "problems"):
        parts.start("problems", "")  # 五 opens with text of its own, under no sub-heading
    for line in lines:
        hit = field_of(line, "problems")
        if hit and hit[0] not in parts.lines:
            current, rest = hit
            heading, inline = _heading_of(line, rest)
            parts.start(current, heading, inline)
            if rest:
                parts.add(current, rest)
            continue
        parts.add(current, line)
    if "measures" not in parts.lines and parts.lines.get("problems"):
        _split_measures(parts)
    return parts.result()


def _split_measures(parts: _Parts) -> None:
    """Problems and measures printed without a sub-heading between them: cut at the turn."""
    text = "\n".join(parts.lines["problems"])
    at = transition_at(text)
    if at is None:
        return
    before, after = text[:at].rstrip(), text[at:].lstrip()
    parts.lines["problems"] = before.split("\n") if before else []
    k = next(i for i, e in enumerate(parts.outline) if e["field"] == "problems")
    parts.outline.insert(k + 1, {"field": "measures", "heading": ""})  # the source prints no heading
    parts.lines["measures"] = after.split("\n")


def read_other(items: list[Item]) -> tuple[dict[str, str], list[dict[str, Any]]]:
    text = _join(_lines(items))
    return ({"other_matters": text}, [{"field": "other_matters"}]) if text else ({}, [])
