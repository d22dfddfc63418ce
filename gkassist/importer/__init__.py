"""Published reports (txt / html / mht / docx) → answers, notes, structure facts, and what could not be read.

Public interface (see docs/internals.md):

    read_report(path) -> ImportedReport
    read_report_text(text, name) -> ImportedReport

Modules, one job each: ``decoding`` (bytes → text), ``mhtml`` (web archives → their page),
``text_layout`` / ``html_layout`` / ``docx_layout`` (→ items),
``sections`` (headings), ``tables`` (numbers), ``prose`` (section
text), ``meta`` (title, date, citations), ``cells`` (cell values), ``reader`` (the order of work).
"""

from gkassist.importer.model import ImportedReport
from gkassist.importer.reader import read_report, read_report_text

__all__ = ["ImportedReport", "read_report", "read_report_text"]
