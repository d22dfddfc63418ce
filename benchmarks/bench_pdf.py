"""PDF reports: which library reads them best and fastest (issue 17 item 1), and how many PDFs a
core reads and checks per second (target ≥ 20).

Run: .venv/bin/python benchmarks/bench_pdf.py [repeats]     (needs the test extras: reportlab, pdfplumber)

Three readers, each turning the same PDFs into the importer's items, then the same importer:

* ``pdfplumber``: ``page.find_tables()`` / ``table.extract()`` for ruled tables (merged cells come
  back as ``None`` and are left out), ``extract_text()`` for the text outside them;
* ``pypdfium2 text``: PDFium's text of each page (``get_text_range``) read by the text reader, as
  a report copied out of a PDF reader reads (no table walk);
* ``pypdfium2 + walk``: gkassist's reader (``importer/pdf_layout.py``): PDFium's characters and
  paths, the ruled grids walked into merged cells, paragraphs joined.

The PDFs are made by ``tests/pdfmaker.py`` from answers whose every number differs (a misplaced
cell shows): the layouts agencies print (ruled tables with the official merged headers; numbers
in a Latin font with spaces around them; table 三 broken over two pages with its header repeated
and a running header; tables without rules), and the real PDF text of the corpus's flip-book
pages (``tests/corpus/reports``, layout ``pdf-text``) placed line by line as their pages printed them.

Fidelity per reader and layout: the share of the tables' numbers read into the right field, the
share of prose fields read as written (after folding punctuation), and whether ``check`` gives the
same findings as for the same report rendered as a web page (HTML keeps a blank cell's place). Speed: median ms to read one PDF (5 pages).
"""

from __future__ import annotations

import io
import json
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import pdfmaker  # noqa: E402  (tests/pdfmaker.py: reportlab)

from gkassist.answers import from_json  # noqa: E402
from gkassist.checking import check_file, check_input, load_input  # noqa: E402
from gkassist.form import FORM  # noqa: E402
from gkassist.importer import reader  # noqa: E402
from gkassist.importer.model import Cell, Document, Item, Table  # noqa: E402
from gkassist.importer.text_layout import read_text  # noqa: E402
from gkassist.render import render  # noqa: E402
from gkassist.text import fold  # noqa: E402

SESSION = ROOT / "tests" / "fixtures" / "hongjiang-2024.session.json"
CORPUS = ROOT / "tests" / "corpus" / "reports"
# layout → (blank cells?, pdfmaker switches)
LAYOUTS = {
    "ruled": (False, {}),
    "Latin digits, spaced": (False, {"latin_digits": True, "spaced_digits": True}),
    "三 over two pages, running header": (False, {"break_requests": True, "running_header": True}),
    "ruled, some cells blank": (True, {}),
    "no rules": (False, {"ruled": False}),
}


def numbered_answers(blanks: bool = False) -> dict:
    """The sample with every table number distinct; ``blanks``: every seventh left blank (printed
    as an empty cell: its place is all that says which column it was)."""
    raw = json.loads(SESSION.read_text(encoding="utf-8"))["answers"]
    answers = {fid: from_json(fid, v) for fid, v in raw.items()}
    n = 0
    for f in FORM.input_fields():
        if f.kind == "count":
            n += 1
            answers[f.id] = n
            if blanks and n % 7 == 3:
                del answers[f.id]
    answers["active.fees"] = Decimal("26.55")
    return answers


# --- the three readers: PDF bytes → Document -------------------------------------------------------


def plumber_document(data: bytes) -> Document:
    import pdfplumber

    items: list[Item] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            found = page.find_tables()
            outside = page
            for t in found:
                outside = outside.outside_bbox(t.bbox)
            text = outside.extract_text() or ""
            # tables and text in page order: the text before the first table, the tables, the rest
            tops = sorted(found, key=lambda t: t.bbox[1])
            lines = [(w["top"], w["text"]) for w in outside.extract_text_lines()] if tops else []
            if not tops:
                items.extend(read_text(text).items)
                continue
            k = 0
            for t in tops:
                before = [s for top, s in lines[k:] if top < t.bbox[1]]
                k += len(before)
                if before:
                    items.extend(read_text("\n".join(before)).items)
                rows = [[Cell(" ".join((c or "").split())) for c in row if c is not None] for row in t.extract()]
                items.append(Table(rows=[r for r in rows if any(c.text for c in r)], rows_known=True))
            rest = [s for _, s in lines[k:]]
            if rest:
                items.extend(read_text("\n".join(rest)).items)
    return Document(items=items, layout="pdf")


def pdfium_text_document(data: bytes) -> Document:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    texts = []
    for page in pdf:
        tp = page.get_textpage()
        texts.append(tp.get_text_range())
        tp.close()
        page.close()
    pdf.close()
    return read_text("\n".join(texts).replace("\r\n", "\n"))


def walk_document(data: bytes) -> Document:
    from gkassist.importer.pdf_layout import read_pdf

    return read_pdf(data)


READERS = {"pdfplumber": plumber_document, "pypdfium2 text": pdfium_text_document, "pypdfium2 + walk": walk_document}


def import_with(reader_fn, data: bytes):  # noqa: ANN001, ANN201
    report = reader._read_document(reader_fn(data))
    report.source = {"kind": "import", "file": "x.pdf", "format": "pdf", **report.source}
    return report


# --- fidelity --------------------------------------------------------------------------------------


def cells_right(report, answers: dict) -> tuple[int, int]:  # noqa: ANN001
    ids = [f.id for f in FORM.input_fields() if f.is_number and f.section in ("active", "requests", "review")]
    printed = report.answers_as_printed()
    right = sum(1 for fid in ids if (printed.get(fid) == answers[fid] if fid in answers
                                     else getattr(printed.get(fid), "state", None) == "blank"))
    return right, len(ids)


def prose_right(report, answers: dict) -> tuple[int, int]:  # noqa: ANN001
    ids = [fid for fid, v in answers.items() if isinstance(v, str) and FORM.field(fid).kind == "prose"
           and FORM.field(fid).section in ("overview", "problems", "other")]
    same = sum(1 for fid in ids if fold("".join(str(report.answers.get(fid, "")).split()))
               == fold("".join(answers[fid].split())))
    return same, len(ids)


def findings_key(findings) -> list:  # noqa: ANN001
    return sorted((f.code, f.fields, f.message) for f in findings)


def same_findings_as_text(report, text_findings) -> bool:  # noqa: ANN001
    from gkassist.checking import CheckInput

    inp = CheckInput(answers=report.answers_as_printed(), notes={k: v for k, v in report.notes.items() if k in FORM.fields},
                     extra_facts=list(report.structure_facts), source=report.source, agency=report.agency,
                     year=report.year, outline=report.outline)
    return findings_key(check_input(inp)) == findings_key(text_findings)


def median_ms(fn, repeats: int) -> float:  # noqa: ANN001
    walls = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t)
    return statistics.median(walls) * 1000


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    from importlib.metadata import version

    print(f"CPU cores: {os.cpu_count()}, Python {sys.version.split()[0]}, pdfplumber {version('pdfplumber')}, "
          f"pypdfium2 {version('pypdfium2')}, load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        cases = {}
        for name, (blanks, kw) in LAYOUTS.items():
            answers = numbered_answers(blanks)
            page = Path(tmp) / f"{len(cases)}.html"  # the same report as a web page: the reference
            page.write_text(render(answers, "html", mark_gaps=False), encoding="utf-8")
            cases[name] = (answers, pdfmaker.report_pdf(answers, **kw), check_input(load_input(str(page))))
        print()
        print("| reader | layout | table numbers right | prose fields right | findings as for the web page | read one PDF (median) |")
        print("|---|---|---|---|---|---|")
        for rname, fn in READERS.items():
            for lname, (answers, data, text_findings) in cases.items():
                try:
                    report = import_with(fn, data)
                except Exception as err:  # noqa: BLE001 - a reader that fails is a result
                    print(f"| {rname} | {lname} | failed: {type(err).__name__} | | | |")
                    continue
                c, cn = cells_right(report, answers)
                p, pn = prose_right(report, answers)
                same = same_findings_as_text(report, text_findings)
                ms = median_ms(lambda fn=fn, data=data: fn(data), repeats)
                print(f"| {rname} | {lname} | {c}/{cn} | {p}/{pn} | {'yes' if same else 'no'} | {ms:.1f} ms |")
        print()
        print("Real PDF text (the corpus's pdf-text pages, placed line by line): findings as for the .txt")
        print()
        print("| reader | " + " | ".join(p.stem for p in sorted(CORPUS.glob("*.txt")) if _pdf_text(p)) + " |")
        pages = [p for p in sorted(CORPUS.glob("*.txt")) if _pdf_text(p)]
        print("|---|" + "---|" * len(pages))
        for rname, fn in READERS.items():
            cells = []
            for p in pages:
                data = pdfmaker.text_pdf(p.read_text(encoding="utf-8").splitlines())
                try:
                    same = same_findings_as_text(import_with(fn, data), check_input(load_input(str(p))))
                    cells.append("yes" if same else "no")
                except Exception as err:  # noqa: BLE001
                    cells.append(f"failed ({type(err).__name__})")
            print(f"| {rname} | " + " | ".join(cells) + " |")

        # PDFs per second per core: read + check in one process, gkassist's reader
        path = Path(tmp) / "r.pdf"
        path.write_bytes(cases["三 over two pages, running header"][1])
        check_file(str(path))
        n = max(50, repeats * 10)
        t = time.process_time()
        w = time.perf_counter()
        for _ in range(n):
            check_file(str(path))
        cpu, wall = time.process_time() - t, time.perf_counter() - w
        print()
        print(f"read + check one PDF (5 pages, gkassist's reader), {n} in one process: "
              f"{wall / n * 1000:.1f} ms wall, {cpu / n * 1000:.1f} ms CPU → {n / cpu:.0f} PDFs per second per core")


def _pdf_text(path: Path) -> bool:
    exp = path.with_name(path.stem + ".expected.yaml")
    return exp.exists() and "layout: pdf-text" in exp.read_text(encoding="utf-8")


if __name__ == "__main__":
    main()
