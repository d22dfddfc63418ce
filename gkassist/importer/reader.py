"""The importer's entry points: a published report (file or text) → ImportedReport.

Order of work: decode → layout reader (HTML / text) → sections → tables (classified by their
words, or by the section they sit in) → prose → title, date, citations → structure facts.
Whatever cannot be read is listed in Chinese in ``unreadable``; nothing is guessed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from gkassist.errors import os_error_message
from gkassist.form import FORM
from gkassist.importer import docx_layout, extent, meta, mhtml, prose, tables
from gkassist.importer.decoding import Unreadable, decode
from gkassist.importer.html_layout import looks_like_html, read_html
from gkassist.importer.model import Document, Extent, Image, ImportedReport, Item, Line, Table, formats
from gkassist.importer.normalise import norm
from gkassist.importer.sections import Found, Split, split_sections
from gkassist.importer.text_layout import read_text
from gkassist.text import ORDINAL, fold

_TABLE_OF_SECTION = {s.id: s.table for s in FORM.sections if s.table}
_TOP_HEADING = re.compile(rf"^\s*({ORDINAL})\s*、\s*(.+)$")
_FALLBACKS = {"overview": prose.is_topic_heading, "problems": prose.is_problems_heading}


def read_report(path: str | Path) -> ImportedReport:
    """Read a published report file (txt or html, any common encoding)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as err:
        reason = os_error_message(err)
        return _failed(str(p), f"无法打开文件：{reason}。", "missing")
    if docx_layout.is_docx(data):
        try:
            doc = docx_layout.read_docx(data)
        except Unreadable as err:
            return _failed(str(p), str(err), "docx")
        report = _read_document(doc)
        report.source = {"kind": "import", "file": str(p), "format": "docx"}
        return report
    fmt = None
    if mhtml.is_mhtml(data):
        page = mhtml.html_of(data)
        if page is None:
            return _failed(str(p), "这是网页存档（.mht）文件，但其中没有网页内容，无法读取。", "mhtml")
        data, charset = page
        fmt = "mhtml"
        if charset and charset.lower().replace("-", "") in ("gbk", "gb2312", "gb18030", "cp936"):
            data = _declare_gb(data)
    try:
        decoded = decode(data)
    except Unreadable as err:
        return _failed(str(p), str(err), fmt or "unreadable")
    report = read_report_text(decoded.text, str(p), encoding=decoded.encoding)
    if fmt and not report.failed:
        report.source["format"] = fmt
    return report


def _declare_gb(html: bytes) -> bytes:
    """An archive part declared GBK in its MIME header: say so where the decoder looks."""
    return b'<meta charset="gbk">' + html


def read_report_text(text: str, name: str = "<text>", *, encoding: str | None = None) -> ImportedReport:
    """Read a report already in memory (``name`` is shown in messages and ``source``)."""
    if not text.strip():
        return _failed(name, "文件是空的，没有可读取的内容。", "empty")
    try:
        doc = read_html(text) if looks_like_html(text) else read_text(text)
    except Unreadable as err:
        return _failed(name, str(err), "unreadable")
    report = _read_document(doc)
    report.source = {"kind": "import", "file": name, "format": doc.layout}
    if encoding:
        report.source["encoding"] = encoding
    return report


def _failed(name: str, message: str, fmt: str) -> ImportedReport:
    return ImportedReport(
        unreadable=[message], source={"kind": "import", "file": name, "format": fmt}, failed=True
    )


def _read_document(doc: Document) -> ImportedReport:
    report = ImportedReport()
    items = _split_tables(doc.items)
    split = split_sections(items, _FALLBACKS)
    section_of = _section_index(items, split)
    title, title_at = _find_title(split, doc)
    ends = extent.find_ends(items, split, title, doc.page)
    _mark_cut_tables(items, split, ends)
    reading, stray, kinds = _read_tables(items, section_of, report)
    signature = _read_prose(split, stray, title, report)
    _read_meta(doc, items, split, title, title_at, signature, report)
    fmt = _format(report, reading, items)
    ext = extent.measure(items, split, ends, section_of, kinds, report.year, fmt)
    if fmt == 2008:
        # a report under the 2008 条例: its sections are not those of the current formats
        ext.seen = ext.whole = ()
    report.extent = ext
    tables_found = {f["table"] for f in reading.facts if f["kind"] == "structure.table" and f["present"]}
    _table_facts(reading, split, ext, report)
    report.structure_facts = [
        _document_fact(title, doc.outside + [it.text for it in items if isinstance(it, Line)]),
        *_section_facts(split, tables_found, ext),
        *reading.facts,
        ext.fact(),
    ]
    _say_where_the_file_is_cut(ext, title, report)
    if title is None and not split.found and not tables_found and not ext.seen:
        report.failed = True
        report.unreadable.insert(0, "没有找到年度报告的标题、章节或表格，这份文件可能不是政府信息公开工作年度报告。")
    return report


def _mark_cut_tables(items: list[Item], split: Split, ends: extent.Ends) -> None:
    """A file that stops inside a table (or starts inside one): that table's rows end (begin) there."""
    if ends.cut_end and 0 <= ends.last < len(items):
        # the last table, when nothing but fragments of its labels follows it (a cut label)
        k = ends.last
        while k >= 0 and isinstance(items[k], Line) and extent.is_fragment(items[k].text):
            k -= 1
        if k >= 0 and isinstance(items[k], Table):
            items[k].cut = True
    if ends.cut_start:
        first_heading = split.found[0].index if split.found else len(items)
        first = next((i for i, it in enumerate(items[:first_heading]) if isinstance(it, Table)), None)
        if first is not None:
            items[first].starts_cut = True


def _read_tables(items: list[Item], section_of: dict[int, str],
                 report: ImportedReport) -> tuple[tables.Reading, set[int], dict[int, str]]:
    """Every table's numbers into ``report``; returns the reading, the ids of "tables" that are
    none of the three (a line of text that merely looked like a row), to be read as text, and
    which of the three each table item is (item index → table id)."""
    by_kind: dict[str, list[Table]] = {t: [] for t in tables.TABLES}
    stray: set[int] = set()
    kinds: dict[int, str] = {}
    for i, item in enumerate(items):
        if isinstance(item, Table):
            # classified by its words, else by the section it stands in
            kind = tables.classify(item) or _TABLE_OF_SECTION.get(section_of.get(i, ""))
            if kind:
                by_kind[kind].append(item)
                kinds[i] = kind
            else:
                stray.add(id(item))
    reading = tables.Reading()
    tables.read_active(by_kind["active"], reading)
    tables.read_requests(by_kind["requests"], reading)
    tables.read_review(by_kind["review"], reading)
    report.answers.update(reading.answers)
    report.notes.update(reading.notes)
    report.cells.update(reading.cells)
    report.invalid_messages.extend(reading.invalid_messages)
    report.unreadable.extend(reading.unreadable)
    report.unreadable.extend(reading.invalid_messages)
    return reading, stray, kinds


def _table_facts(reading: tables.Reading, split: Split, ext: Extent, report: ImportedReport) -> None:
    """Complete the table facts with what the file shows of each table (seen, whole), the format's
    one S3 (``legacy`` on the first table that shows the 2019 format), and say which tables are
    missing — only those whose place lies wholly within the file."""
    legacy_seen = False
    for fact in reading.facts:
        if fact["kind"] != "structure.table":
            continue
        sid = fact["table"]
        fact["seen"] = int(bool(fact["present"]) or sid in ext.whole)
        fact["whole"] = int(bool(fact["present"]) and not fact.pop("cut", False) and sid in ext.seen)
        if fact["legacy"]:
            fact["legacy"] = not legacy_seen
            legacy_seen = True
        part = split.parts.get(sid, [])
        fact["image"] = not fact["present"] and any(isinstance(it, Image) for it in part)
        if not fact["present"] and fact["seen"]:
            report.unreadable.append(f"未找到{fact['name']}" + ("（该部分只有图片）。" if fact["image"] else "。"))


def _say_where_the_file_is_cut(ext: Extent, title: meta.Title | None, report: ImportedReport) -> None:
    """Once: which part of the report the file holds."""
    if ext.cut_start and ext.cut_end:
        said = f"文件只有报告的一部分：从{ext.starts_at or '报告中间'}开始，到{ext.stops_at or '报告中间'}为止，其余部分不在文件中。"
    elif ext.cut_end:
        said = f"文件在{ext.stops_at}中断，其后的部分不在文件中。"
    elif ext.cut_start:
        said = f"文件从{ext.starts_at or '报告中间'}开始，此前的部分" + ("（含报告标题）" if title is None else "") + "不在文件中。"
    else:
        return
    report.unreadable.insert(0, said)



def _format(report: ImportedReport, reading: tables.Reading, items: list[Item]) -> int:
    """The format the report is written in: 2008 (before the 2019 条例), 2019 (trial), or 2021."""
    f = formats()
    if report.year is not None and report.year < f["first_2019_year"]:
        return 2008
    if report.year is None:
        headings = {fold(h) for h in f["legacy_2008"]["headings"]}
        tops = [fold(m.group(2)) for it in items if isinstance(it, Line) and (m := _TOP_HEADING.match(it.text))]
        if sum(1 for t in tops if any(h in t for h in headings)) >= 2:
            return 2008
    if any(fact.get("legacy") for fact in reading.facts if fact["kind"] == "structure.table"):
        return 2019
    return 2021


def _read_prose(split: Split, stray: set[int], title: meta.Title | None, report: ImportedReport) -> str | None:
    """The prose fields of 一, 五 and 六 into ``report``; returns the signature's date, if any."""

    def text_of(section: str) -> list[Item]:
        out: list[Item] = []
        for item in split.parts.get(section, []):
            if isinstance(item, Table):
                if id(item) in stray:
                    out.extend(Line(" ".join(c.text for c in row)) for row in item.rows)
            else:
                out.append(item)
        return out

    readers = {"overview": prose.read_overview, "problems": prose.read_problems, "other": prose.read_other}
    last = split.found[-1].section if split.found else None
    signature: str | None = None
    for section, read in readers.items():
        part = text_of(section)
        if section == last:
            # the signature (agency, date) closes the report; it is no part of the last section
            while part and isinstance(part[-1], Line) and _is_signature(part[-1].text, title):
                signature = signature or meta.signature_date(part[-1].text)
                part.pop()
        report.answers.update(read(part))
    return signature


def _read_meta(doc: Document, items: list[Item], split: Split, title: meta.Title | None, title_at: int | None,
               signature: str | None, report: ImportedReport) -> None:
    """Agency, year (and what the name tells of kind and level), opening sentence, date."""
    if title:
        report.agency, report.year = title.agency, title.year
        report.answers["meta.agency"] = title.agency
        report.answers["meta.year"] = title.year
        kind, level = meta.infer_kind_and_level(title.agency)
        for fid, value in (("meta.agency_kind", kind), ("meta.level", level)):
            if value:
                report.answers[fid] = value
                report.notes[fid] = meta.INFERRED_NOTE

    before = [it.text for it in split.before if isinstance(it, Line)]
    # a line can be empty once table rules such as 「│」 are taken out of it
    preamble = [line for line in before[(title_at + 1 if title_at is not None else 0):]
                if line.strip() and not meta.is_metadata(line)]
    if title_at is None and not doc.layout.startswith("text"):
        preamble = preamble[-3:]  # page chrome may precede an HTML body without a title
    if preamble and not (title and _is_standard_preamble(preamble, title)):
        report.answers["meta.preamble"] = "\n".join(preamble)
    last_lines = [it.text for it in items[-12:] if isinstance(it, Line)]
    date = meta.find_date(doc.outside + before + last_lines, signature)
    if date:
        report.answers["meta.published"] = date


def _find_title(split: Split, doc: Document) -> tuple[meta.Title | None, int | None]:
    """The title and its index among the lines before 一: in the body first, else the page."""
    before = [it.text for it in split.before if isinstance(it, Line)]
    for k in range(len(before)):
        title = _title_at(before, k)
        if title:
            return title, k
    for k in range(len(doc.outside)):
        title = _title_at(doc.outside, k)
        if title:
            return title, None
    return None, None


def _title_at(lines: list[str], k: int) -> meta.Title | None:
    """The title on line ``k``; a title broken after the agency's name (「某某局」 / 「2024年政府
    信息公开工作年度报告」, as centred page titles often are) is read from both lines."""
    title = meta.parse_title(lines[k])
    if title or k == 0 or not meta.is_title(lines[k]):
        return title
    return meta.parse_title(lines[k - 1] + lines[k]) if len(lines[k - 1]) <= 40 else None


def _is_signature(line: str, title: meta.Title | None) -> bool:
    if meta.signature_date(line):
        return True
    return title is not None and norm(line) == norm(title.agency)


def _is_standard_preamble(lines: list[str], title: meta.Title) -> bool:
    """gkassist prints a standard opening when a session has none; reading it back is no answer."""
    if len(lines) != 1:
        return False
    return lines[0].strip() == FORM.standard_preamble(title.agency, title.year)


def _split_tables(items: list[Item]) -> list[Item]:
    out: list[Item] = []
    for item in items:
        if isinstance(item, Table):
            out.extend(tables.split_merged(item))
        else:
            out.append(item)
    return out


def _section_index(items: list[Item], split: Split) -> dict[int, str]:
    """Item index → the section it stands in."""
    out: dict[int, str] = {}
    bounds = [(f.index, f.section) for f in split.found]
    for k, (start, sid) in enumerate(bounds):
        end = bounds[k + 1][0] if k + 1 < len(bounds) else len(items)
        for i in range(start, end):
            out[i] = sid
    return out


def _document_fact(title: meta.Title | None, lines: list[str]) -> dict[str, Any]:
    return {
        "kind": "structure.document",
        "id": "document",
        "section": "meta",
        "title_found": title is not None,
        "title_ok": bool(title and title.conventional),
        "cites_2019_basis": meta.cites_2019_basis(lines),
        "title": title.printed if title else "",
        "expected_title": FORM.title(title.agency, title.year) if title else "",
        "title_pattern": FORM.title("<机关全称>", "YYYY"),
        "basis": formats()["legacy_2019"]["basis"],
    }


def _section_facts(split: Split, tables_found: set[str], ext: Extent) -> list[dict[str, Any]]:
    """One fact per section. A table section whose heading is missing still has its content
    when its table was found (tables are recognised by their words, wherever they stand).
    ``seen`` / ``whole``: the section lies partly / wholly within the file."""
    numbered = [s for s in FORM.sections if s.number]
    order = [s.id for s in numbered]
    printed_order = [f.section for f in split.found]
    found: dict[str, Found] = {f.section: f for f in split.found}
    facts = []
    for s in numbered:
        f = found.get(s.id)
        hm = f.match if f else None
        k = printed_order.index(s.id) if f else -1
        earlier = printed_order[:k] if f else []
        in_order = not any(order.index(e) > order.index(s.id) for e in earlier)
        parent = ""
        if hm and hm.level == "sub" and earlier:
            parent = FORM.section(earlier[-1]).heading or ""
        facts.append(
            {
                "kind": "structure.section",
                "id": f"section.{s.id}",
                "section": s.id,
                "present": hm is not None,
                "content_found": f is not None or s.table in tables_found,
                "numbered": bool(hm and hm.level == "top" and hm.number == s.number),
                "sub": bool(hm and hm.level == "sub"),
                "in_order": bool(f) and in_order,
                "wording_ok": bool(hm and hm.exact),
                "heading": s.heading,
                "number": s.number,
                "printed": hm.printed if hm else "",
                "printed_number": hm.number if hm else "",
                "parent": parent,
                "seen": int(s.id in ext.seen),
                "whole": int(s.id in ext.whole),
            }
        )
    return facts
