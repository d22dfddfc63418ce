"""rowspan / colspan expansion: an HTML table's cells → the grid a reader sees.

Used by the importer (published pages, untrusted) and by the DOCX builder (our own HTML, whose
merged cells become Word merges). No HTML parser expands merged cells (see
notes/output-and-parsing.md §3.2), so this does:
every slot a cell covers points back to the cell. Spans are capped so that a garbage
``rowspan="99999"`` cannot allocate a huge grid.
"""

from __future__ import annotations

from typing import NamedTuple

MAX_COLSPAN = 60
MAX_COLUMNS = 200


class Slot(NamedTuple):
    text: str
    origin: tuple[int, int]  # (row, index within that row) of the cell that covers this slot
    first: bool  # this slot is the cell's top-left one


def span_value(raw: str | None, default: int = 1) -> int:
    """A rowspan/colspan attribute as a number ≥ 0 (0 = to the end, as HTML says); junk → 1."""
    if raw is None:
        return default
    digits = "".join(ch for ch in raw.strip() if ch.isdigit())
    if not digits:
        return default
    return min(int(digits[:6]), 10**6)


def expand(rows: list[list[tuple[str, int, int]]]) -> list[list[Slot | None]]:
    """``rows`` of (text, rowspan, colspan) → a rectangular grid; uncovered slots are None."""
    n_rows = len(rows)
    grid: list[dict[int, Slot]] = [{} for _ in range(n_rows)]
    width = 0
    for r, cells in enumerate(rows):
        row = grid[r]
        c = 0
        for k, (text, rowspan, colspan) in enumerate(cells):
            while c in row:
                c += 1
            if c >= MAX_COLUMNS:
                break
            if rowspan == 1 and colspan == 1:  # most cells
                row[c] = Slot(text, (r, k), True)
                c += 1
                width = max(width, c)
                continue
            rs = n_rows - r if rowspan == 0 else max(1, min(rowspan, n_rows - r))
            cs = max(1, min(colspan or 1, MAX_COLSPAN, MAX_COLUMNS - c))
            for dr in range(rs):
                below = grid[r + dr]
                for dc in range(cs):
                    below.setdefault(c + dc, Slot(text, (r, k), dr == 0 and dc == 0))
            c += cs
            width = max(width, c)
    return [[row.get(c) for c in range(width)] for row in grid]
