"""The importer's entry points: a published report (file or text) → ImportedReport.

Order of work: decode → layout reader (HTML / text) → sections → tables (classified by their
words, or by the section they sit in) → prose → title, date, citations → structure facts.
Whatever cannot be read is listed in Chinese in ``unreadable``; nothing is guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gkassist import reading
from gkassist.form import FORM
from gkassist.importer import docx_layout, extent, meta, mhtml, pdf_layout, prose, tables, traditional
from gkassist.importer.decoding import Unreadable, decode
from gkassist.importer.html_layout import looks_like_html, read_html
from gkassist.importer.model import (
    Document,
    Extent,
    Image,
    ImportedReport,
    Item,
    Line,
    Table,
    TextCache,
    formats,
)
from gkassist.importer.normalise import norm
from gkassist.importer.sections import Found, Split, match_heading, split_sections
from gkassist.importer.text_layout import read_text
from gkassist.text import ORDINAL, fold

_TABLE_OF_SECTION = {s.id: s.table for s in FORM.sections if s.table}
_NUMBERED_SECTIONS = tuple(s for s in FORM.sections if s.number)
_NUMBERED_RANK = {s.id: k for k, s in enumerate(_NUMBERED_SECTIONS)}  # a numbered section → its place
_TOP_HEADING = re.compile(rf"^\s*({ORDINAL})\s*、\s*(.+)$")
_FALLBACKS = {"overview": prose.is_topic_heading, "problems": prose.is_problems_heading}


def read_report(path: str | Path) -> ImportedReport:
    """Read a published report file (txt or html in any common encoding, .mht, .docx, PDF with text)."""
    p = Path(path)
    try:
        data = reading.read_bytes(p)  # only a regular file, within the size limit
    except reading.FileRefused as err:
        if err.kind == "too_large":
            return _failed(str(p), str(err), "too_large")
        return _failed(str(p), f"无法打开文件：{err.reason}。", "missing")
    try:
        archive = docx_layout.open_docx(data)
    except Unreadable as err:  # a Word file too damaged to open
        return _failed(str(p), str(err), "docx")
    if archive is not None:
        return _read_as(p, "docx", lambda: docx_layout.read_docx(data, archive))
    if pdf_layout.is_pdf(data):
        return _read_as(p, "pdf", lambda: pdf_layout.read_pdf(data))
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


def _read_as(p: Path, fmt: str, read: Callable[[], Document]) -> ImportedReport:
    """A Word or PDF file read by its layout reader (``read``), or why it could not be."""
    try:
        doc = read()
    except Unreadable as err:
        return _failed(str(p), str(err), fmt)
    report = _read_document(doc)
    report.source = {"kind": "import", "file": str(p), "format": fmt, **report.source}
    return report


def _declare_gb(html: bytes) -> bytes:
    """An archive part declared GBK in its MIME header: say so where the decoder looks."""
    return b'<meta charset="gbk">' + html


def read_report_text(text: str, name: str = "<text>", *, encoding: str | None = None) -> ImportedReport:
    """Read a report already in memory (``name`` is shown in messages and ``source``)."""
    if not text.strip():
        return _failed(name, "文件是空的，没有可读取的内容。", "empty")
    if len(text) > reading.text_limit():
        return _failed(name, str(reading.text_too_large(name, len(text))), "too_large")
    try:
        doc = read_html(text) if looks_like_html(text) else read_text(text)
    except Unreadable as err:
        return _failed(name, str(err), "unreadable")
    report = _read_document(doc)
    report.source = {"kind": "import", "file": name, "format": doc.layout, **report.source}
    if encoding:
        report.source["encoding"] = encoding
    return report


def _failed(name: str, message: str, fmt: str) -> ImportedReport:
    return ImportedReport(
        unreadable=[message], source={"kind": "import", "file": name, "format": fmt}, failed=True
    )


def _read_document(doc: Document) -> ImportedReport:
    report = ImportedReport()
    report.unreadable.extend(doc.notes)
    if traditional.simplify(doc):
        report.source["script"] = "traditional"  # read after conversion to simplified characters
    items = _untable_head(_split_tables(doc.items))
    split = split_sections(items, _FALLBACKS)
    section_of = _section_index(items, split)
    title, title_at = _find_title(split, doc)
    ends = extent.find_ends(items, split, title, doc.page)
    _mark_cut_tables(items, split, ends)
    reading, stray, kinds = _read_tables(items, section_of, report)
    closing = _closing_lines(items, ends, title)
    _read_identity(doc, items, split, title, closing, report)
    fmt = _format(report, reading, items)
    ext = extent.measure(items, split, ends, section_of, kinds, report.year, fmt)
    if fmt == 2008:
        # a report under the 2008 条例: its sections are not those of the current formats
        ext.seen = ext.whole = ()
    report.extent = ext
    _read_prose(items, split, stray, ext, ends, title_at, closing, report)
    _read_date(doc, items, split, closing, report)
    tables_found = {f["table"] for f in reading.facts if f["kind"] == "structure.table" and f["present"]}
    _table_facts(reading, split, ext, report, {k: section_of.get(i, "") for i, k in sorted(kinds.items(), reverse=True)})
    report.structure_facts = [
        _document_fact(title, doc.outside + [it.text for it in items if isinstance(it, Line)], report.agency),
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
            ends.fragments = list(range(k + 1, ends.last + 1))  # its label cut short: no text
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
    by_kind: dict[str, list[tables.Scanned]] = {t: [] for t in tables.TABLES}
    stray: set[int] = set()
    kinds: dict[int, str] = {}
    for i, item in enumerate(items):
        if isinstance(item, Table):
            # classified by its words, else by the section it stands in; the one pass over its
            # cells that classifies it also finds what the table readers need (tables.scan)
            scanned = tables.scan(item)
            kind = scanned.kind or _TABLE_OF_SECTION.get(section_of.get(i, ""))
            if kind:
                by_kind[kind].append(scanned)
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


def _table_facts(reading: tables.Reading, split: Split, ext: Extent, report: ImportedReport,
                 stands_in: dict[str, str]) -> None:
    """Complete the table facts with what the file shows of each table (seen, whole), where an
    unreadable one stands, the format's one S3 (``legacy`` on the first table that shows the 2019
    format), and say which tables are missing — only those whose place lies wholly within the
    file. ``stands_in``: table id → the section its first item stands in."""
    legacy_seen = False
    printed = {f.section: f.match.printed for f in split.found if f.match is not None}
    for fact in reading.facts:
        if fact["kind"] != "structure.table":
            continue
        sid = fact["table"]
        if fact["present"] and not fact["readable"]:
            host = stands_in.get(sid) or sid
            heading = printed.get(host) or FORM.section(host).heading
            # (why it could not be read is already among the unreadable parts)
            fact["where"] = f"「{heading}」之下" if host in printed else "报告中（它所在部分的标题没有找到）"
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


def _closing_lines(items: list[Item], ends: extent.Ends, title: meta.Title | None) -> list[int]:
    """Indices of the lines that close the report — its signature (organ, date) — and of the page
    chrome after them: no text of any section."""
    out: list[int] = list(range(ends.last + 1, len(items)))
    k = ends.last
    while k >= 0 and isinstance(items[k], Line) and _is_signature(items[k].text, title):
        out.append(k)
        k -= 1
    if out and k >= 0 and isinstance(items[k], Line) and k + 1 in out and meta.signature_agency(
            [items[k].text, items[k + 1].text]):
        out.append(k)  # the organ's name above the date
    return sorted(out)


def _read_prose(items: list[Item], split: Split, stray: set[int], ext: Extent, ends: extent.Ends,
                title_at: int | None, closing: list[int], report: ImportedReport) -> None:
    """The prose of 一, 五 and 六 into their fields, and their own sub-headings and order into the
    outline; the opening into meta.preamble. A paragraph with no place in the form (text among the
    tables, page chrome) is listed in ``report.unplaced`` with its first words."""
    skip = {id(items[i]) for i in (*closing, *ends.fragments)}
    position = {id(it): i for i, it in enumerate(items)}

    def lines_of(part: list[Item], where: str) -> list[Item]:
        out: list[Item] = []
        for item in part:
            if id(item) in skip:
                continue
            if isinstance(item, Table):
                if id(item) in stray:
                    out.extend(Line(" ".join(c.text for c in row)) for row in item.rows)
            elif isinstance(item, Line):
                out.append(item)
        return out

    parts = {sid: lines_of(split.parts.get(sid, []), sid) for sid in split.parts}
    before = lines_of(split.before, "")
    # a file that starts inside a later section: the text before its first heading is that section's
    first = ext.seen[0] if ext.seen else None
    if ends.cut_start and first and first != "overview" and before:
        body = [it for it in before if extent.is_body(it)]
        parts[first] = body + parts.get(first, [])
        before = [it for it in before if not extent.is_body(it)]
    readers = {"overview": prose.read_overview, "problems": prose.read_problems, "other": prose.read_other}
    for sid, read in readers.items():
        answers, outline = read(parts.get(sid, []))
        report.answers.update(answers)
        if outline:
            report.outline[sid] = outline
    for sid in ("active", "requests", "review"):
        for it in parts.get(sid, []):
            # (lines made from a stray table's rows are in no position: never the file's last item)
            if ends.cut_end and position.get(id(it)) == ends.last and isinstance(it, Line) and extent.said_whole(it):
                continue  # the file stops in it, and the message that says so quotes it whole
            if isinstance(it, Line) and it.text.strip() and not match_heading(it.text) \
                    and not tables.is_table_text(it.text):
                report.unplaced.append(f"「{FORM.section(sid).heading}」中：「{_first_words(it.text)}」")
    chrome = [items[i].text for i in closing if i > ends.last and isinstance(items[i], Line)]
    report.unplaced.extend(f"文末：「{_first_words(t)}」" for t in chrome if t.strip() and not extent.is_cut_mark(t))
    if report.unplaced:
        report.unreadable.append("以下文字在年度报告的格式中没有对应的栏目，未导入：" + "；".join(report.unplaced) + "。")
    _read_preamble(before, title_at, report, position)


_FIRST_WORDS = 20


def _first_words(text: str) -> str:
    t = " ".join(text.split())
    return t if len(t) <= _FIRST_WORDS else t[:_FIRST_WORDS] + "……"


def _read_preamble(before: list[Item], title_at: int | None, report: ImportedReport,
                   position: dict[int, int]) -> None:
    """The opening: the lines between the title and 一 (page metadata left out)."""
    lines = [it.text for it in before if isinstance(it, Line)]
    start = title_at + 1 if title_at is not None else 0
    title = report.answers.get("meta.agency"), report.answers.get("meta.year")
    titles = [lines[title_at]] if title_at is not None else []
    titles += [FORM.title(*title)] if all(title) else []
    preamble = [line for line in lines[start:]
                if line.strip() and not meta.is_metadata(line) and not meta.is_title(meta.strip_label(line))
                and not extent.is_chrome(line) and not any(meta.copies_title(line, t) for t in titles)]
    if preamble and not (all(title) and len(preamble) == 1
                         and preamble[0].strip() == FORM.standard_preamble(*title)):
        report.answers["meta.preamble"] = "\n".join(preamble)


def _read_identity(doc: Document, items: list[Item], split: Split, title: meta.Title | None,
                   closing: list[int], report: ImportedReport) -> None:
    """Agency and year (and what the name tells of kind and level): from the title; else from the
    page's metadata, the opening sentence, the statistical period, the signature, the first words
    of 一 — each read value that is not the title's carries a note saying where it came from."""
    lines = [it.text for it in items if isinstance(it, Line)]
    head = doc.outside + [it.text for it in split.before if isinstance(it, Line)]
    agency = (title.agency or None) if title else None
    year = title.year if title else None
    notes: dict[str, str] = {}
    if year is None:
        year = next((y for line in head if (y := meta.title_year(line))), None)
    found_agency = found_year = None
    by_contact = False
    if agency is None or year is None:  # what the text says is asked only for what the title does not
        found_agency, found_year, by_contact = meta.identity_of(head + lines[:60])
    if agency is None and found_agency:
        agency, notes["meta.agency"] = found_agency, \
            meta.CONTACT_NOTE if by_contact else "按报告正文（开头语或总体情况）读出，请核对"
    if agency and meta.nameless(agency):  # 「市人民政府办公室2025年…」: the text may name the place
        fuller, _ = meta.identity_in_text(head + lines[:60])
        if fuller and len(fuller) > len(agency) and fold(fuller).endswith(fold(agency)):
            agency, notes["meta.agency"] = fuller, "标题中的机关名称不全，按报告正文读出，请核对"
    if agency is None:
        signed = meta.signature_agency([items[i].text for i in closing if isinstance(items[i], Line)])
        if signed:
            agency, notes["meta.agency"] = signed, "按报告落款读出，请核对"
    if year is None:
        year = meta.period_year(lines) or found_year
        if year is None:
            year = meta.usual_year([t for t in lines if not meta.is_metadata(t)])
            if year is not None:
                notes["meta.year"] = "按正文中最常提到的年份推断，请核对"
    if agency:
        report.agency = agency
        report.answers["meta.agency"] = agency
    if year:
        report.year = year
        report.answers["meta.year"] = year
    report.notes.update(notes)
    kind, level = meta.infer_kind_and_level(agency) if agency else (None, None)
    kind = kind or meta.self_reference_kind(lines)
    if kind == "township":
        level = level or "township"
    for fid, value in (("meta.agency_kind", kind), ("meta.level", level)):
        if value:
            report.answers[fid] = value
            report.notes[fid] = meta.INFERRED_NOTE


def _read_date(doc: Document, items: list[Item], split: Split, closing: list[int], report: ImportedReport) -> None:
    before = [it.text for it in split.before if isinstance(it, Line)]
    last_lines = [it.text for it in items[-12:] if isinstance(it, Line)]
    signature = next((d for i in closing if isinstance(items[i], Line) and (d := meta.signature_date(items[i].text))),
                     None)
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
    # a title that names no agency (「2023年政府信息公开工作年度报告」) is still the report's title
    for k, line in enumerate(before):
        year = meta.title_year(line)
        if year:
            return meta.Title(" ".join(meta.strip_label(line).split()), "", year, False), k
    return None, None


def _title_at(lines: list[str], k: int) -> meta.Title | None:
    """The title on line ``k``; a title broken after the agency's name (「某某局」 / 「2024年政府
    信息公开工作年度报告」, as centred page titles often are) or after the year and the agency
    (「2024年某某街道办事处」 / 「政府信息公开工作年度报告」) is read from both lines."""
    title = meta.parse_title(lines[k])
    if title or k == 0 or not meta.is_title(lines[k], year=False) or len(lines[k - 1]) > 40:
        return title
    if not meta.is_title(lines[k]) and not meta.title_year(lines[k - 1] + lines[k]):
        return None  # neither line names the year: no title
    return meta.parse_title(lines[k - 1] + lines[k])


def _is_signature(line: str, title: meta.Title | None) -> bool:
    if meta.signature_date(line):
        return True
    return title is not None and bool(title.agency) and norm(line) == norm(title.agency)


def _untable_head(items: list[Item]) -> list[Item]:
    """A page's head scraped with bars (「字号: | 打印」) reads as a "table" of the title and the
    metadata: before the first section heading, a table that is none of the three is lines."""
    first = next((i for i, it in enumerate(items) if isinstance(it, Line) and match_heading(it.text)), len(items))
    out: list[Item] = []
    for item in items[:first]:
        if isinstance(item, Table) and tables.classify(item) is None:
            if item.rows_known:
                out.extend(Line(" ".join(c.text for c in row)) for row in item.rows)
            else:
                out.extend(Line(c.text) for c in item.cells() if c.text.strip())
        else:
            out.append(item)
    out.extend(items[first:])  # (after the first heading: as they are)
    return out


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
        out.update(dict.fromkeys(range(start, end), sid))
    return out


def _document_fact(title: meta.Title | None, lines: list[str], agency: str | None) -> dict[str, Any]:
    # a title without the agency's name: the title it should be, with the name the text gives
    name = title.agency if title and title.agency and not meta.nameless(title.agency) else agency
    if name and meta.nameless(name):  # the text names no place either (「市应急局…」): say what is missing
        name = "<地名>" + name
    expected = FORM.title(name or (title.agency if title else "") or "<机关全称>", title.year) if title else ""
    return {
        "kind": "structure.document",
        "id": "document",
        "section": "meta",
        "title_found": title is not None,
        "title_ok": bool(title and title.conventional),
        "cites_2019_basis": meta.cites_2019_basis(lines),
        "title": title.printed if title else "",
        "expected_title": expected,
        "title_pattern": FORM.title("<机关全称>", "YYYY"),
        "basis": formats()["legacy_2019"]["basis"],
    }


def _section_facts(split: Split, tables_found: set[str], ext: Extent) -> list[dict[str, Any]]:
    """One fact per section. A table section whose heading is missing still has its content
    when its table was found (tables are recognised by their words, wherever they stand).
    ``seen`` / ``whole``: the section lies partly / wholly within the file."""
    # (what they say depends on the headings found, the tables found and the extent alone: the same
    # in most reports of a folder, so remembered; each report gets its own copies)
    key = (tuple((f.section, f.match) for f in split.found), frozenset(tables_found), ext.seen, ext.whole)
    facts = _SECTION_FACTS.get(key)
    if facts is None:
        if len(_SECTION_FACTS) >= _SECTION_FACTS_MAX:
            _SECTION_FACTS.clear()
        facts = _SECTION_FACTS[key] = _section_facts_of(split, tables_found, ext)
    return [dict(f) for f in facts]


_SECTION_FACTS = TextCache()
_SECTION_FACTS_MAX = 1024


def _section_facts_of(split: Split, tables_found: set[str], ext: Extent) -> list[dict[str, Any]]:
    rank = _NUMBERED_RANK
    printed_order = [f.section for f in split.found]
    found: dict[str, Found] = {f.section: f for f in split.found}
    facts = []
    for s in _NUMBERED_SECTIONS:
        f = found.get(s.id)
        hm = f.match if f else None
        k = printed_order.index(s.id) if f else -1
        earlier = printed_order[:k] if f else []
        in_order = not earlier or max(rank[e] for e in earlier) <= rank[s.id]
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
