"""What the importer hands back, and the small document model the layout readers produce.

Every layout reader (scraped text, row text, HTML) turns its input into the same sequence of
items — lines of text, tables, images — so that finding sections, prose and numbers is written
once, whatever the page looked like.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, partial
from itertools import chain
from typing import Any, NamedTuple

from gkassist.cellstates import INVALID, CellState
from gkassist.form import FORM
from gkassist.resources import package_yaml


class Cell(NamedTuple):
    """One table cell as printed (cleaned); ``col`` is its grid column where the layout knows it."""

    text: str
    col: int | None = None
    # a filler of pipes (「|||||||」) a scrape printed for a row's empty cells: how many pipes
    fill: int = 0


# Cell((text, col, fill)) with no Python-level call (the named tuple's __new__ is one): the layout
# readers make hundreds a table, every field given
make_cell = partial(tuple.__new__, Cell)


class TextCache(dict):
    """A bounded cache keyed by text, looked up with ``get`` in a loop over hundreds of cells:
    cheaper than a call through lru_cache. Its owner empties it when it grows large;
    ``cache_clear`` is named as lru_cache's, so that whoever empties gkassist's caches (test_linear)
    empties this one too."""

    cache_clear = dict.clear


@dataclass
class Line:
    """A line of running text (a paragraph, a heading, a title)."""

    text: str


@dataclass
class Table:
    """A table as printed. ``rows_known`` is False for scraped text that put every cell on its
    own line without marking where a row ends: then ``rows`` holds one long row."""

    rows: list[list[Cell]]
    rows_known: bool = True
    # the file stops inside this table (its last row may be cut) / starts inside it
    cut: bool = False
    starts_cut: bool = False

    def cells(self) -> Iterator[Cell]:
        """Every cell, row after row (an iterator: each reader goes through them once)."""
        return chain.from_iterable(self.rows)


@dataclass
class Image:
    """A picture where text might be expected (a table published as an image)."""

    alt: str = ""


Item = Line | Table | Image


@dataclass
class Document:
    """A report page reduced to items, plus what surrounds the report body."""

    items: list[Item]
    layout: str  # "text-cells" | "text-rows" | "html" | "docx" | "pdf"
    # lines outside the report body (HTML page chrome): searched for the title and dates only
    outside: list[str] = field(default_factory=list)
    # the page of a flip-book (「Page 9 - 标题」, 「P. 9」) the text is, when it says so
    page: int | None = None
    # what the layout reader could not read (a PDF's scanned pages), in Chinese
    notes: list[str] = field(default_factory=list)


@dataclass
class Extent:
    """What part of a report a file holds, and the report's format and year (docs/internals.md,
    「What a read report says about itself」). ``seen``: the numbered sections of which some part
    lies within the file; ``whole``: those that lie in it entirely."""

    format: int = 2021
    year: int | None = None
    cut_start: bool = False
    cut_end: bool = False
    seen: tuple[str, ...] = ()
    whole: tuple[str, ...] = ()
    stops_at: str = ""  # where a cut file stops, in Chinese
    starts_at: str = ""  # where a cut file starts

    @property
    def complete(self) -> bool:
        return not (self.cut_start or self.cut_end)

    def fact(self) -> dict[str, Any]:
        """The ``structure.extent`` fact."""
        fact: dict[str, Any] = {
            "kind": "structure.extent",
            "id": "extent",
            "section": "meta",
            "format": self.format,
            "complete": int(self.complete),
            "cut_start": int(self.cut_start),
            "cut_end": int(self.cut_end),
            "stops_at": self.stops_at,
            "starts_at": self.starts_at,
            "format_name": formats()["format_names"][self.format],
        }
        if self.year is not None:
            fact["year"] = self.year
        for sid in NUMBERED:
            fact[f"seen_{sid}"] = int(sid in self.seen)
            fact[f"whole_{sid}"] = int(sid in self.whole)
        return fact


@dataclass
class ImportedReport:
    """A published report read into the form's fields.

    ``answers`` are valid typed values keyed by field id (derived 总计 cells as printed);
    ``notes`` explain values that were not printed as numbers (「无」 read as 0); ``cells`` holds
    the table cells that printed no number — blank, not applicable (「/」), or invalid text
    (「1O」「-1」) — as :class:`~gkassist.cellstates.CellState`: kept out of ``answers`` so that a
    session stays valid and a blank is never a 0, given to the rules by ``answers_as_printed``
    so that N1–N5 judge the table as printed; ``invalid_messages`` says, in Chinese, what is wrong
    with each invalid cell. ``unreadable`` lists, in Chinese, every part that could not be read,
    those bad cells included (a checker that lets N1 report them can leave ``invalid_messages``
    out, see ``unreadable_besides_invalid``);
    ``structure_facts`` feed the S rules. ``failed`` is True when the file is no report at all
    (empty, binary, nothing recognisable).
    """

    answers: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    agency: str | None = None
    year: int | None = None
    cells: dict[str, CellState] = field(default_factory=dict)
    invalid_messages: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    source: dict[str, Any] = field(default_factory=dict)
    structure_facts: list[dict[str, Any]] = field(default_factory=list)
    failed: bool = False
    # the report's own sub-headings and their order, by section (the session's ``outline``)
    outline: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # paragraphs that have no place in the form (prose among the tables): their first words
    unplaced: list[str] = field(default_factory=list)
    # what part of the report the file holds, its format and year (docs/internals.md)
    extent: Extent | None = None

    @property
    def invalid(self) -> dict[str, str]:
        """The invalid cells, as printed."""
        return {fid: s.printed for fid, s in self.cells.items() if s.state == INVALID}

    def answers_as_printed(self) -> dict[str, Any]:
        """The answers plus the cells that hold no number (their states): what the rules judge."""
        return {**self.answers, **self.cells}

    def messages(self) -> list[str]:
        """Everything a person importing this report should be told (unread parts, bad cells)."""
        return list(self.unreadable)

    def unreadable_besides_invalid(self) -> list[str]:
        """What could not be read, without the bad cells that rule N1 reports when checking."""
        bad = set(self.invalid_messages)
        return [m for m in self.unreadable if m not in bad]


NUMBERED = tuple(s.id for s in FORM.sections if s.number)


@cache
def formats() -> dict[str, Any]:
    """``formats.yaml``: the 2019 trial format's labels, date labels, sub-heading variants."""
    return package_yaml("gkassist.importer", "formats.yaml")
