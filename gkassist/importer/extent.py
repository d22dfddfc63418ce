"""What part of a report a file holds: where it starts and stops, which sections lie within it.

Published reports reach a checker cut: a portal store keeps the first two thousand bytes of a
page, a flip-book gives one page of a PDF, a mirror drops the title. A section that lies outside
the file is unknown, not missing; one the file starts or stops inside is seen but not whole. The
rules read these as the facts of docs/internals.md (「What a read report says about itself」).

How the ends are told:

* **the end** — the file stops before the report's end when its last item is a table (a report
  never ends with one), when its last line stops mid-sentence (no closing punctuation, not a
  signature, a date or 「无」), when its last line is a heading (nothing follows it), when the
  last section it reaches comes before 六 and no signature closes it, or when it ends with the mark
  a store leaves where it cut a character in half (a last line 「?」 or 「\ufffd」: no report ends
  with a question mark on a line of its own);
* **the start** — the file starts after the report's start when it holds no title (neither in the
  text nor in the page's metadata) or is a page other than the first of a flip-book.

The section the file starts in is the first section whose heading it prints, or — for text before
any heading — the section that text belongs to (a table's own section; else the section before the
first heading; a page that closes with a signature and has no heading at all lies in 六).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gkassist.form import FORM
from gkassist.importer import meta
from gkassist.importer.model import NUMBERED, Extent, Image, Item, Line, Table, formats
from gkassist.importer.sections import Split, match_heading
from gkassist.text import SENTENCE_END, fold

# closing punctuation that may follow a sentence's end: quotes, brackets
_CLOSERS = "”’」』）)》〉】]\"'"
_CLEAN_END = re.compile(rf"[{re.escape(SENTENCE_END)}…][{re.escape(_CLOSERS)}]*$")
_SUBHEAD = re.compile(r"^[(（][一二三四五六七八九十\d]{1,3}[)）]|^\d{1,2}[.、]|^[一二三四五六七八九十]{1,3}[、是]")
_LAST_WORDS = 12
# what a store leaves where it cut a multi-byte character in half: U+FFFD, or a 「?」 put in its place
_CUT_MARK = re.compile(r"^\s*(?:[?？]|\ufffd+)\s*$|\ufffd\s*$")


@dataclass
class Ends:
    """Where the body of a file starts and stops (item indices) and whether it is cut there."""

    cut_start: bool = False
    cut_end: bool = False
    first: int = 0  # index of the first item of the report body
    last: int = -1  # index of the last item of the report body (trailing page chrome left out)
    signature: bool = False  # the body closes with a signature or a date
    # lines after a table the file stops in: the start of its next label, cut short
    fragments: list[int] = field(default_factory=list)


def is_chrome(text: str) -> bool:
    n = fold(text)
    return len(n) <= 30 and any(fold(w) in n for w in formats()["page_chrome"])


def is_cut_mark(text: str) -> bool:
    """A line that is only the mark of a character cut in half where the file stops: no text."""
    return bool(_CUT_MARK.match(text))


def _is_closing(text: str) -> bool:
    """A line that closes a report: the signature's date, or 「无」 (the last section says nothing)."""
    t = text.strip()
    return bool(meta.signature_date(t) or fold(t) in _ZERO)


_ZERO = frozenset({"无", "无.", "无。", "没有", "暂无"})


def _clean(text: str) -> bool:
    return bool(_CLEAN_END.search(text.strip()))


def is_fragment(text: str) -> bool:
    """A short piece of a label or heading, cut (no closing punctuation)."""
    t = text.strip()
    return len(t) <= 30 and not _clean(t)


def _heading_cut(text: str) -> str | None:
    """The section whose heading a cut last line begins (「三、收到」「五、存在的主」), or None."""
    n = fold(text)
    for s in FORM.sections:
        if s.number and s.heading:
            h = fold(s.heading)
            if len(n) > len(s.number) + 1 and h.startswith(n) and n != h:
                return s.id
    return None


def find_ends(items: list[Item], split: Split, title: meta.Title | None, page: int | None) -> Ends:
    """Where the report body starts and stops, and whether the file is cut at either end."""
    ends = Ends()
    last = len(items) - 1
    while last >= 0 and isinstance(items[last], Line) and is_chrome(items[last].text):
        last -= 1
    marked = last >= 0 and isinstance(items[last], Line) and bool(_CUT_MARK.search(items[last].text))
    if marked and is_cut_mark(items[last].text):
        last -= 1  # the mark alone on its line: not a line of the report
    while last >= 0 and isinstance(items[last], Image):
        last -= 1
    ends.last = last
    ends.cut_start = title is None or (page is not None and page > 1)
    if last < 0:
        return ends
    item = items[last]
    lines_at_end = [it.text for it in items[max(0, last - 2):last + 1] if isinstance(it, Line)]
    ends.signature = any(_is_closing(t) for t in lines_at_end[-2:]) and isinstance(item, Line)
    last_section = split.found[-1].section if split.found else None
    if isinstance(item, Table) or marked:
        ends.cut_end = True
    elif ends.signature:
        ends.cut_end = False
    else:
        text = item.text.strip()
        heading = match_heading(text) is not None or (len(text) <= 30 and bool(_SUBHEAD.match(text)) and not _clean(text))
        ends.cut_end = heading or not _clean(text) or (last_section is not None and last_section != "other")
    return ends


def _heading_label(section: str) -> str:
    return FORM.section(section).heading or FORM.section(section).title


def _words(item: Item, *, last: bool) -> str:
    if isinstance(item, Table):
        cells = [c.text for c in item.cells() if c.text.strip()]
        text = cells[-1] if last and cells else (cells[0] if cells else "")
    elif isinstance(item, Line):
        text = item.text
    else:
        return ""
    text = " ".join(text.split())
    if len(text) <= _LAST_WORDS or (last and is_fragment(text)):
        return text  # a label or heading cut short is said whole: it is no paragraph of its own
    return text[-_LAST_WORDS:] if last else text[:_LAST_WORDS]


def said_whole(item: Line) -> bool:
    """Whether the message of a file that stops in this, its last line, quotes it whole (``stops_at``)."""
    return _words(item, last=True) == " ".join(item.text.split())


def measure(items: list[Item], split: Split, ends: Ends, section_of: dict[int, str],
            table_kind: dict[int, str], year: int | None, fmt: int) -> Extent:
    """The extent of the report in the file (``section_of``: item index → section it stands in;
    ``table_kind``: item index of each table → which of the three it is)."""
    order = list(NUMBERED)
    found = [f.section for f in split.found]
    first_found = split.found[0].index if split.found else None

    def section_at(i: int) -> str | None:
        if i in table_kind:
            return table_kind[i]
        return section_at_line(i)

    def section_at_line(i: int) -> str | None:
        if i in section_of:
            return section_of[i]
        if first_found is not None and i < first_found:
            k = order.index(found[0])
            return order[k - 1] if k > 0 else found[0]
        return "other" if ends.signature else None

    # the first section within the file
    if not ends.cut_start:
        first = order[0]
    else:
        body = [i for i in range(0, first_found if first_found is not None else ends.last + 1)
                if is_body(items[i])]
        first = section_at(body[0]) if body else (found[0] if found else None)
        if first is None and table_kind:
            first = table_kind[min(table_kind)]
    # the last section within the file
    if not ends.cut_end:
        last = order[-1]
    else:
        last = section_at(ends.last) if ends.last >= 0 else None
        end_item = items[ends.last]
        end_text = end_item.text if isinstance(end_item, Line) else _words(end_item, last=True)
        last = _heading_cut(end_text) or last
        if last is None:
            last = found[-1] if found else (table_kind[max(table_kind)] if table_kind else None)
    seen: tuple[str, ...] = ()
    if first is not None and last is not None:
        lo, hi = order.index(first), order.index(last)
        seen = tuple(order[lo:hi + 1]) if lo <= hi else (first,)
    opening = first == order[0] and first_found is not None and any(is_body(items[i]) for i in range(first_found))
    starts_at_heading = not ends.cut_start or opening or (
        first in found and not any(is_body(items[i]) for i in range(0, split.found[found.index(first)].index)))
    whole = tuple(
        s for s in seen
        if not (ends.cut_end and s == last) and not (ends.cut_start and s == first and not starts_at_heading)
    )
    ext = Extent(format=fmt, year=year, cut_start=ends.cut_start, cut_end=ends.cut_end, seen=seen, whole=whole)
    printed = {f.section: f.match.printed for f in split.found if f.match is not None}

    def where(section: str | None) -> str:
        if section is None:
            return "报告中间"
        return f"「{printed.get(section) or _heading_label(section)}」"

    if ends.cut_end and ends.last >= 0:
        ext.stops_at = f"{where(last)}（最后的文字：「{_words(items[ends.last], last=True)}」）"
    if ends.cut_start:
        body_start = next((i for i in range(len(items)) if is_body(items[i])), None)
        if body_start is not None:
            words = _words(items[body_start], last=False)
            heading = isinstance(items[body_start], Line) and match_heading(items[body_start].text) is not None
            ext.starts_at = ("开头语" if opening else where(first)) + ("" if heading else f"（最前面的文字：「{words}」）")
    return ext


def is_body(item: Item) -> bool:
    """Report text rather than page chrome, metadata or a page marker."""
    if isinstance(item, Table):
        return True
    if not isinstance(item, Line):
        return False
    text = item.text.strip()
    if not text or is_chrome(text) or meta.is_metadata(text) or meta.is_title(text):
        return False
    return not (len(text) <= 8 and text.rstrip().endswith((":", "：")))
