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
_ONE = (1, 1)
_UNMERGED = [(c, 1, 1) for c in range(MAX_COLUMNS)]  # a row without merges, as placed (sliced)


class Slot(NamedTuple):
    text: str
    origin: tuple[int, int]  # (row, index within that row) of the cell that covers this slot
    first: bool  # this slot is the cell's top-left one


def span_value(raw: str | None, default: int = 1) -> int:
    """A rowspan/colspan attribute as a number ≥ 0 (0 = to the end, as HTML says); junk → 1."""
    if raw is None:
        return default
    digits = raw.strip()
    if not digits.isdecimal():  # most spans are a plain number
        # decimal digits only: 「²」「①」 are digits that int() does not read (a page saying
        # rowspan="²" could not be read at all)
        digits = "".join(ch for ch in digits if ch.isdecimal())
        if not digits:
            return default
    return min(int(digits[:6]), 10**6)


def place(spans: list[list[tuple[int, int]]]) -> tuple[list[list[tuple[int, int, int]]], int]:
    """Where each cell of an HTML table lands: ``spans`` holds each row's (rowspan, colspan)s;
    returns each row's (column, rowspan, colspan)s, capped, and the grid's width.

    A cell takes the first column not covered from above; a row's cells past MAX_COLUMNS are
    dropped. Where spans of garbage HTML overlap, the slot stays with the cell placed first.
    """
    n_rows = len(spans)
    covered: list[set[int]] = [set() for _ in range(n_rows)]  # slots claimed by cells of rows above
    out: list[list[tuple[int, int, int]]] = []
    width = 0
    for r, cells in enumerate(spans):
        taken = covered[r]
        n = len(cells)
        if n and cells.count(_ONE) == n:
            # most rows: no cell merges: the cells take the free columns in turn (the n-th free
            # one lies below n + len(taken)), up to MAX_COLUMNS (never covered from above)
            if taken:
                cols = [c for c in range(min(n + len(taken), MAX_COLUMNS)) if c not in taken][:n]
                placed = [_UNMERGED[c] for c in cols]
                end = cols[-1] + 1 if len(cols) == n else MAX_COLUMNS
            else:
                placed = _UNMERGED[:n]
                end = len(placed)
            out.append(placed)
            width = max(width, end)
            continue
        placed: list[tuple[int, int, int]] = []
        c = 0
        for rowspan, colspan in cells:
            while c in taken:
                c += 1
            if c >= MAX_COLUMNS:
                break
            if rowspan == 1 and colspan == 1:  # most cells
                placed.append((c, 1, 1))
                c += 1
                continue
            rs = n_rows - r if rowspan == 0 else max(1, min(rowspan, n_rows - r))
            cs = max(1, min(colspan or 1, MAX_COLSPAN, MAX_COLUMNS - c))
            placed.append((c, rs, cs))
            for dr in range(1, rs):
                covered[r + dr].update(range(c, c + cs))
            c += cs
        width = max(width, c)
        out.append(placed)
    return out, width


def expand(rows: list[list[tuple[str, int, int]]]) -> list[list[Slot | None]]:
    """``rows`` of (text, rowspan, colspan) → a rectangular grid; uncovered slots are None."""
    placed, width = place([[(rs, cs) for _, rs, cs in cells] for cells in rows])
    grid: list[dict[int, Slot]] = [{} for _ in rows]
    for r, cells in enumerate(placed):
        for k, (c, rs, cs) in enumerate(cells):
            text = rows[r][k][0]
            for dr in range(rs):
                below = grid[r + dr]
                for dc in range(cs):
                    below.setdefault(c + dc, Slot(text, (r, k), dr == 0 and dc == 0))
    return [[row.get(c) for c in range(width)] for row in grid]
