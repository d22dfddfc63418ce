"""What the importer hands back, and the small document model the layout readers produce.

Every layout reader (scraped text, row text, HTML) turns its input into the same sequence of
items — lines of text, tables, images — so that finding sections, prose and numbers is written
once, whatever the page looked like.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

import yaml


class Cell(NamedTuple):
    """One table cell as printed (cleaned); ``col`` is its grid column where the layout knows it."""

    text: str
    col: int | None = None


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

    def cells(self) -> list[Cell]:
        return [c for row in self.rows for c in row]


@dataclass
class Image:
    """A picture where text might be expected (a table published as an image)."""

    alt: str = ""


Item = Line | Table | Image


@dataclass
class Document:
    """A report page reduced to items, plus what surrounds the report body."""

    items: list[Item]
    layout: str  # "text-cells" | "text-rows" | "html"
    # lines outside the report body (HTML page chrome): searched for the title and dates only
    outside: list[str] = field(default_factory=list)


@dataclass
class ImportedReport:
    """A published report read into the form's fields.

    ``answers`` are valid typed values keyed by field id (derived 总计 cells as printed);
    ``notes`` explain values that were not printed as numbers (a blank read as 0); ``invalid``
    holds table cells printed with something that is no valid value (「-1」, 「1.5」 in a count),
    as printed — kept out of ``answers`` so that a session stays valid, given to the rules by
    ``answers_as_printed`` so that rule N1 names them; ``invalid_messages`` says, in Chinese, what
    is wrong with each. ``unreadable`` lists, in Chinese, every part that could not be read,
    those bad cells included (a checker that lets N1 report them can leave ``invalid_messages``
    out, see ``unreadable_besides_invalid``);
    ``structure_facts`` feed the S rules. ``failed`` is True when the file is no report at all
    (empty, binary, nothing recognisable).
    """

    answers: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    agency: str | None = None
    year: int | None = None
    invalid: dict[str, str] = field(default_factory=dict)
    invalid_messages: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    source: dict[str, Any] = field(default_factory=dict)
    structure_facts: list[dict[str, Any]] = field(default_factory=list)
    failed: bool = False

    def answers_as_printed(self) -> dict[str, Any]:
        """The answers plus the invalid cells as printed: what the rules should judge."""
        return {**self.answers, **self.invalid}

    def messages(self) -> list[str]:
        """Everything a person importing this report should be told (unread parts, bad cells)."""
        return list(self.unreadable)

    def unreadable_besides_invalid(self) -> list[str]:
        """What could not be read, without the bad cells that rule N1 reports when checking."""
        bad = set(self.invalid_messages)
        return [m for m in self.unreadable if m not in bad]


@cache
def formats() -> dict[str, Any]:
    """``formats.yaml``: the 2019 trial format's labels, date labels, sub-heading variants."""
    text = resources.files("gkassist.importer").joinpath("formats.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)
