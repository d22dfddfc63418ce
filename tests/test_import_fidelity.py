"""Import fidelity (issue 12 items 2–6 and 10): what a read report carries into a session and into the
facts, one test per class of fault found on real published reports.

The reports are the corpus of real reports (tests/corpus/reports/, hand-verified expectations next to
each), the real sample (tests/fixtures/hongjiang-kjgxj-2024.txt) and variants of it, and one
synthetic report in a PDF converter's Markdown (tests/fixtures/pdf-to-markdown-2023.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from gkassist import engine
from gkassist.cellstates import BLANK, INVALID, NOT_APPLICABLE, CellState
from gkassist.form import FORM
from gkassist.importer import extent, meta, read_report, read_report_text, tables, traditional
from gkassist.importer.decoding import decode
from gkassist.importer.docx_layout import is_docx, read_docx
from gkassist.importer.html_layout import looks_like_html, read_html
from gkassist.importer.model import Line
from gkassist.importer.sections import match_heading
from gkassist.importer.text_layout import read_text
from gkassist.render import render
from gkassist.session import VERSION, SessionStore, load_session
from gkassist.sources import import_file
from gkassist.text import compact

ROOT = Path(__file__).parent
CORPUS = ROOT / "corpus" / "reports"
FIXTURES = ROOT / "fixtures"
SAMPLE = FIXTURES / "hongjiang-kjgxj-2024.txt"
SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8")


def _corpus() -> list[tuple[Path, dict]]:
    out = []
    for exp in sorted(CORPUS.glob("*.expected.yaml")):
        slug = exp.name.split(".", 1)[0]
        report = next(p for p in CORPUS.iterdir() if p.name.split(".", 1)[0] == slug and p != exp)
        out.append((report, yaml.safe_load(exp.read_text(encoding="utf-8"))))
    return out


CASES = _corpus()


def _case(slug: str) -> tuple[Path, dict]:
    return next(c for c in CASES if c[0].name.split(".", 1)[0] == slug)


def _check(report):
    return engine.check(report.answers_as_printed(), extra_facts=report.structure_facts, notes=report.notes)


def _facts(report) -> dict[str, dict]:
    return {f["id"]: f for f in report.structure_facts}


# --- item 2: cells -----------------------------------------------------------------------------------


def test_a_blank_total_column_is_one_n2_saying_it_is_blank_not_eleven_zeros():
    report = read_report(_case("shanghai-bgt-2019")[0])
    assert "requests.granted.total" not in report.answers
    assert report.cells["requests.granted.total"] == CellState(BLANK)
    n2 = [f for f in _check(report) if f.code == "N2"]
    assert len(n2) == 1 and n2[0].severity == "error"
    assert n2[0].numbers["blank_sums"] == 11 and len(n2[0].fields) == 11
    assert "requests.granted.total" in n2[0].fields and "requests.new.total" not in n2[0].fields
    assert "为空" in n2[0].message and "填的是0" not in n2[0].message


def test_many_blank_cells_are_one_hint_per_column_not_one_per_cell():
    report = read_report(_case("shanghai-bgt-2019")[0])
    assert sum(1 for s in report.cells.values() if s.state == BLANK) > 100
    n1 = [f for f in _check(report) if f.code == "N1"]
    assert n1 and all(f.severity == "hint" for f in n1)
    assert len(n1) <= len(FORM.requests_columns) + len(FORM.review_groups)


def test_a_mistyped_number_is_one_n1_error_naming_it_and_the_rest_of_its_row_is_read(consistent_text, set_row):
    text = set_row(consistent_text(), "2.重复申请", ["1O", 0, 0, 0, 0, 0, 0])
    report = read_report_text(text, "variant.txt")
    assert report.cells["requests.rejected.duplicate.natural"] == CellState(INVALID, "1O")
    for col in FORM.requests_columns[1:]:
        assert report.answers[f"requests.rejected.duplicate.{col.id}"] == 0
    assert not any("本行未导入" in m for m in report.unreadable)
    n1 = [f for f in _check(report) if f.code == "N1" and f.severity == "error"]
    assert len(n1) == 1 and "「1O」" in n1[0].message
    assert n1[0].fields == ("requests.rejected.duplicate.natural",)


@pytest.mark.parametrize("cell", ["natural", "total"])
def test_one_blank_cell_in_carry_over_gives_neither_n2_nor_n4(cell):
    values = ["" if c.id == cell else 0 for c in FORM.requests_columns]
    text = _set_row(SAMPLE_TEXT, "四、结转下年度继续办理", values)
    report = read_report_text(text, "variant.txt")
    assert report.cells[f"requests.carry_over.{cell}"] == CellState(BLANK)
    assert [f.code for f in _check(report) if f.code in ("N2", "N4")] == []


def test_a_blank_part_is_named_when_a_sum_does_not_hold(consistent_text, set_row):
    text = set_row(consistent_text(), "一、本年新收政府信息公开申请数量", [3, "", 0, 0, 0, 0, 4])
    n2 = [f for f in _check(read_report_text(text, "variant.txt")) if f.code == "N2"]
    assert len(n2) == 1 and n2[0].numbers["right"] == 3 and "「商业企业」" in n2[0].message


def test_a_blank_seventh_row_is_one_n3_and_a_blank_review_total_one_n5(consistent_text, set_row):
    text = set_row(consistent_text(), "(七)总计", ["", "", 0, 0, 0, 0, ""])
    text = _set_review(text, [1, 1, 0, 0, "", 0, 0, 0, 1, 1, 0, 0, 0, 0, 0])
    found = _check(read_report_text(text, "variant.txt"))
    n3 = [f for f in found if f.code == "N3"]
    assert len(n3) == 1 and n3[0].numbers["blank_sums"] == 3
    n5 = [f for f in found if f.code == "N5"]
    assert len(n5) == 1 and n5[0].fields == ("review.total",)
    assert [f.code for f in found if f.code == "N4"] == []  # its total is blank: nothing to compare


def test_not_applicable_marks_are_states_not_zeros():
    report = read_report(FIXTURES / "qinglin-jtj-2023.html")
    assert report.cells["active.rules.issued"] == CellState(NOT_APPLICABLE, "/")
    assert [f.code for f in _check(report) if f.code == "N7"] == []


def test_cell_states_are_kept_in_the_session_and_judged_there_too(tmp_path, gkassist_home):
    session = import_file(_case("shanghai-bgt-2019")[0])
    try:
        doc = json.loads(session.path.read_text(encoding="utf-8"))
        assert doc["version"] == VERSION == 2
        assert doc["cells"]["requests.granted.total"] == {"state": "blank"}
        assert "requests.granted.total" not in doc["answers"]
        # answering a cell drops its state
        session.set_answer("requests.granted.total", 272)
        assert "requests.granted.total" not in session.cells
    finally:
        session.close()
    reread = load_session(session.path)
    assert reread.answers["requests.granted.total"] == 272
    assert reread.cells["requests.partial.total"] == CellState(BLANK)
    found = engine.check(reread.answers_as_printed())
    n2 = [f for f in found if f.code == "N2"]
    assert len(n2) == 1 and n2[0].numbers["blank_sums"] == 10


def test_a_version_1_session_loads_and_is_written_back_as_version_2(tmp_path):
    doc = json.loads((FIXTURES / "hongjiang-2024.session.json").read_text(encoding="utf-8"))
    assert doc["version"] == 1 and "cells" not in doc
    store = SessionStore(tmp_path)
    session = store.adopt(doc)
    try:
        assert session.cells == {} and session.outline == {}
        assert dict(session.answers)
    finally:
        session.close()
    assert json.loads(session.path.read_text(encoding="utf-8"))["version"] == 2


# --- item 3: nothing dropped ---------------------------------------------------------------------------


def _document(path: Path):
    data = path.read_bytes()
    if is_docx(data):
        doc = read_docx(data)
    else:
        text = decode(data).text
        doc = read_html(text) if looks_like_html(text) else read_text(text)
    traditional.simplify(doc)
    return doc


def _accounted(line: str, report, haystack: str, headings: list[str]) -> bool:
    t = line.strip()
    if not compact(t) or compact(t) in haystack:
        return True
    own = next((h for h in headings if h and compact(t).startswith(compact(h))), None)
    if own is not None and compact(t)[len(compact(own)):] in haystack:
        return True  # an own sub-heading with its text on the same line
    if match_heading(t) or meta.is_metadata(t) or meta.is_title(meta.strip_label(t)) or extent.is_chrome(t):
        return True
    if extent.is_cut_mark(t):
        return True  # the store's mark of a character cut in half where the file stops: no text
    if meta.signature_date(t) or tables.is_table_text(t) or (report.agency and compact(t) == compact(report.agency)):
        return True
    if report.extent and report.extent.cut_end and compact(t) in compact(report.extent.stops_at):
        return True  # the words where a cut file stops (the start of a label, cut short) are said there
    return any(compact(t)[:10] in compact(u) for u in report.unplaced)


FILES = [p for p, _ in CASES] + [SAMPLE, FIXTURES / "qinglin-jtj-2023.html", FIXTURES / "pdf-to-markdown-2023.md"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name.split(".")[0])
def test_every_paragraph_lands_in_a_field_or_is_listed_as_not_placed(path):
    report = read_report(path)
    prose = [v for fid, v in report.answers.items() if FORM.field(fid).kind in ("prose", "text")]
    headings = [e.get("heading", "") for entries in report.outline.values() for e in entries]
    title = _facts(report)["document"]["title"]  # a title broken over two lines is read from both
    haystack = compact("".join(prose + headings + [title]))
    lines = [it.text for it in _document(path).items if isinstance(it, Line)]
    # the page's head above the title (breadcrumbs, site name) is no paragraph of the report
    start = next((k for k, t in enumerate(lines) if meta.is_title(meta.strip_label(t))), 0)
    lost = [t for k, t in enumerate(lines[start:], start) if not _accounted(t, report, haystack, headings)
            and not (k + 1 < len(lines) and meta.signature_date(lines[k + 1]))]  # the organ that signs
    assert lost == []


def test_own_subheadings_are_kept_as_printed_and_in_the_source_order():
    text = SAMPLE_TEXT.replace("(一)完善政府信息公开工作机制", "（一）监督保障：完善政府信息公开工作机制")
    text = text.replace("(二)加强网站公开信息审核", "（二）系统化推进主动公开")
    report = read_report_text(text, "variant.txt")
    entries = report.outline["overview"]
    assert [e["field"] for e in entries] == ["overview.intro", "overview.oversight", "overview.proactive"]
    assert entries[1] == {"field": "overview.oversight", "heading": "（一）监督保障：", "inline": True}
    assert entries[2]["heading"] == "（二）系统化推进主动公开"  # its own words, full-width brackets kept
    # the unknown sub-heading that follows stays where it was, after the proactive topic's text
    assert report.answers["overview.proactive"].split("\n")[1] == "(三)严格执行政府信息公开有关规定。"


def test_render_prints_the_own_subheadings_in_their_order_and_reads_back_the_same(tmp_path):
    text = SAMPLE_TEXT.replace("(一)完善政府信息公开工作机制", "（一）监督保障：完善政府信息公开工作机制")
    text = text.replace("(二)加强网站公开信息审核", "（二）系统化推进主动公开")
    report = read_report_text(text, "variant.txt")
    txt = render(report.answers, "txt", outline=report.outline)
    assert txt.index("（一）监督保障：完善政府信息公开工作机制") < txt.index("（二）系统化推进主动公开")
    assert "（一）主动公开" not in txt and "（五）监督保障" not in txt  # no form label in their place
    again = read_report_text(txt, "again.txt")
    for fid in ("overview.intro", "overview.oversight", "overview.proactive", "problems", "measures"):
        assert again.answers.get(fid) == report.answers.get(fid), fid
    assert again.outline["overview"] == report.outline["overview"]


def test_an_imported_session_renders_its_own_subheadings(gkassist_home):
    from gkassist.render import render_to_bytes

    session = import_file(_case("hunnan-gzj-2022")[0])
    try:
        txt = render_to_bytes(session, "txt").decode("utf-8")
    finally:
        session.close()
    assert "(四)政府公开平台建设" in txt and "（四）政府信息公开平台建设" not in txt


def test_unnumbered_topic_lines_ending_in_a_colon_head_their_topics():
    # qianjiang-xiongkou-glq-2025: 「政府信息主动公开情况:」「政府信息依申请公开情况:」「政府信息管理情况:」
    report = read_report(_case("qianjiang-xiongkou-glq-2025")[0])
    assert report.answers["overview.proactive"].startswith("一是聚焦重点领域深化公开")
    assert report.answers["overview.on_request"].startswith("管理区未收到任何单位和个人")
    assert report.answers["overview.management"].startswith("我区2025年度利用本单位门户网站")
    assert "政府信息主动公开情况" not in report.answers["overview.intro"]


def test_a_topic_heading_in_other_words_heads_its_topic():
    # nanguan-yongji-jd-2024: 「(四)不断强化政府信息公开平台内容保障。」 is the platform, not 依申请公开
    report = read_report(_case("nanguan-yongji-jd-2024")[0])
    assert report.answers["overview.platform"].startswith("一是以重点公开推进全面公开")
    assert "平台" not in report.answers["overview.on_request"]


def test_section_five_is_split_where_the_source_turns_to_its_measures():
    report = read_report(_case("hunnan-gzj-2022")[0])
    assert report.answers["measures"].startswith("下一步,我局将")
    assert "下一步" not in report.answers["problems"]
    assert report.outline["problems"] == [{"field": "problems", "heading": ""}, {"field": "measures", "heading": ""}]
    # 五 opens with a paragraph of its own, then 「(一)存在问题」「(二)改进措施」: the first heading stays
    # in place inside the problems' text, the second heads the measures
    by_heading = read_report(_case("jinshan-zhen-2019")[0])
    assert by_heading.answers["measures"].startswith("一是进一步梳理")
    assert by_heading.answers["problems"].split("\n")[1] == "(一)存在问题"
    assert [e.get("heading") for e in by_heading.outline["problems"]] == ["", "(二)改进措施"]


def test_prose_among_the_tables_is_listed_with_its_first_words():
    report = read_report(_case("xjnlk-zhen-2023")[0])
    assert any("该部分以表格形式报告" in u for u in report.unplaced)
    assert any("没有对应的栏目" in m and "该部分以表格形式报告" in m for m in report.unreadable)


# --- item 4: tables that are there ----------------------------------------------------------------------


def _set_row(text: str, label: str, values: list) -> str:
    lines = text.split("\n")
    i = lines.index(f"{label} |")
    for k, value in enumerate(values):
        lines[i + 1 + k] = f"{value} |"
    return "\n".join(lines)


def _set_review(text: str, values: list) -> str:
    lines = text.split("\n")
    end = next(i for i, line in enumerate(lines) if line.startswith("五、"))
    for k, value in enumerate(values):
        lines[end - 15 + k] = f"{value} |"
    return "\n".join(lines)


@pytest.mark.parametrize(("slug", "table", "cells", "fields"), [
    ("lixian-sjj-2022", "active", 10, {"active.licensing": 0}),  # one cell per line, blank lines between
    ("xjnlk-zhen-2023", "active", 10, {"active.rules.in_force": 6}),  # the bar on a line of its own
    ("haicheng-xisi-zhen-2025", "active", 6, {"active.normative.in_force": 0}),  # 「规章000」 glued rows
    ("yynanhu-ju-2019", "requests", 28, {"requests.new.natural": 3, "requests.new.total": 3}),  # filler pipes
    ("qu-tjj-2023", "requests", 21, {"requests.new.total": 0}),  # bare 「|」 lines: empty cells
    ("haidian-bm-nd", "requests", 105, {"requests.new.natural": 49}),  # fillers 「|||」 between cells
])
def test_a_layout_of_the_corpus_is_read(slug, table, cells, fields):
    report = read_report(_case(slug)[0])
    fact = _facts(report)[f"table.{table}"]
    assert fact["present"] and fact["readable"] and fact["cells"] == cells
    for fid, value in fields.items():
        assert report.answers[fid] == value, fid


@pytest.mark.parametrize("slug", ["wujin-tyjrswj-2022", "xiongxian-xiang-2019"])
def test_a_table_printed_as_labels_only_is_there_without_numbers_never_missing(slug):
    report = read_report(_case(slug)[0])
    fact = _facts(report)["table.requests"]
    assert fact["present"] and fact["cells"] == 0 and fact["readable"]
    s7 = [f for f in _check(report) if f.code == "S7" and f.section == "requests"]
    assert len(s7) == 1 and "没有读到任何数字" in s7[0].message


@pytest.mark.parametrize(("slug", "table", "rows"), [
    ("wuqia-xian-nd", "active", 0),  # cut inside the header of 表二: no row label seen
    ("xiongxian-xiang-2019", "requests", 22),  # every row label printed, no number
    ("lixian-sjj-2022", "active", 6),  # all six rows of 表二
])
def test_the_rows_a_file_shows_of_a_table_are_counted(slug, table, rows):
    assert _facts(read_report(_case(slug)[0]))[f"table.{table}"]["rows"] == rows


def test_markdown_rows_from_a_pdf_conversion_are_read():
    report = read_report(FIXTURES / "pdf-to-markdown-2023.md")
    assert report.unreadable == []
    assert [report.answers[f"requests.new.{c.id}"] for c in FORM.requests_columns] == [3, 0, 0, 0, 0, 0, 3]
    assert report.answers["requests.unable.not_held.natural"] == 1
    assert report.answers["review.upheld"] == 1 and report.answers["active.normative.in_force"] == 9
    assert [f.code for f in _check(report) if f.severity == "error"] == []


def test_table_four_under_a_heading_numbered_three_is_read():
    text = SAMPLE_TEXT.replace("四、政府信息公开行政复议、行政诉讼情况", "三、政府信息公开行政复议、行政诉讼情况")
    report = read_report_text(text, "variant.txt")
    assert _facts(report)["table.review"]["cells"] == 15
    found = _check(report)
    assert [f.code for f in found if f.code == "S7"] == []
    assert any(f.code == "S1" and f.section == "review" for f in found)  # the number is what is wrong


def test_a_table_that_cannot_be_read_is_reported_as_such_where_and_why():
    lines = SAMPLE_TEXT.split("\n")
    end = next(i for i, line in enumerate(lines) if line.startswith("五、"))
    del lines[end - 1]  # table 四 prints 14 numbers
    report = read_report_text("\n".join(lines), "variant.txt")
    fact = _facts(report)["table.review"]
    assert fact["present"] and not fact["readable"]
    assert "14" in fact["why"] and "四、政府信息公开行政复议、行政诉讼情况" in fact["where"]
    s7 = [f for f in _check(report) if f.code == "S7"]
    assert len(s7) == 1 and "无法读取" in s7[0].message and "没有" not in s7[0].message.split("，")[0]


def test_a_column_header_of_table_two_with_a_word_missing_is_an_altered_label():
    # tianmen-zfb-2025 prints 「现行有效件」 for 「现行有效件数」
    report = read_report(_case("tianmen-zfb-2025")[0])
    labels = [f for f in report.structure_facts if f["kind"] == "structure.label"]
    assert [(f["printed"], f["expected"]) for f in labels] == [("现行有效件", "现行有效件数")]
    assert [f.section for f in _check(report) if f.code == "S4"] == ["active"]


@pytest.mark.parametrize("slug", ["hantai-xuwang-zhen-2025", "jiulongpo-erlang-jd-2022", "changan-tjj-2023"])
def test_a_header_that_lost_its_brackets_or_is_cut_by_the_file_s_end_is_not_altered(slug):
    # 「本年收费金额单位:万元」 (the page lost the brackets); 「本年收费金额(单位:万」 (the file stops there)
    report = read_report(_case(slug)[0])
    assert not [f for f in report.structure_facts if f["kind"] == "structure.label" and "收费" in f["expected"]]


# --- item 5: the format, for the whole report -------------------------------------------------------------


@pytest.mark.parametrize(("slug", "fmt"), [
    ("shanghai-bgt-2019", 2019), ("fengshou-xiang-2022", 2019), ("jxx-mzj-2023", 2019),
    ("binjiang-ju-2017-fanti", 2008), ("hongjiang-kjgxj-2024", 2021), ("changchun-tyjrswj-2023", 2021),
])
def test_the_format_is_the_report_s_and_told_once(slug, fmt):
    report = read_report(_case(slug)[0])
    facts = _facts(report)
    assert facts["extent"]["format"] == fmt
    legacy = [f for f in report.structure_facts if f["kind"] == "structure.table" and f["legacy"]]
    assert len(legacy) == (1 if fmt == 2019 else 0)
    assert sum(1 for f in _check(report) if f.code == "S3") <= 1


# --- item 6: truncation ---------------------------------------------------------------------------------

TRUNCATED = [(p, e) for p, e in CASES if e["truncated"] and e.get("sections_seen") is not None]


@pytest.mark.parametrize(("path", "expected"), TRUNCATED, ids=lambda x: x.name.split(".")[0] if isinstance(x, Path) else "")
def test_a_cut_file_is_said_once_and_its_facts_hold_only_what_it_shows(path, expected):
    report = read_report(path)
    ext = report.extent
    assert ext.cut_start or ext.cut_end
    assert set(ext.seen) == set(expected["sections_seen"]) - {"meta"}
    assert (ext.stops_at != "") == ext.cut_end
    said = [m for m in report.unreadable if "不在文件中" in m]
    assert len(said) == 1
    facts = _facts(report)
    for s in FORM.sections:
        if s.number:
            assert facts[f"section.{s.id}"]["seen"] == facts["extent"][f"seen_{s.id}"] == int(s.id in ext.seen)
    for table in ("active", "requests", "review"):
        if table not in ext.seen:  # outside the file: never said to be missing
            assert not any(m.startswith(f"未找到表{FORM.section(table).number}") for m in report.unreadable)
            assert facts[f"table.{table}"]["seen"] == 0


@pytest.mark.parametrize("slug", ["futian-jtjj-2021", "shanghai-bgt-2019", "hunnan-gzj-2022"])
def test_a_whole_report_is_not_cut_at_its_end(slug):
    ext = read_report(_case(slug)[0]).extent
    assert not ext.cut_end and set(ext.whole) >= {"overview", "active", "requests", "review", "problems"}


def test_a_file_ending_in_the_store_s_mark_of_a_cut_character_is_cut_there():
    # pengjiang-fgj-2024-fanti ends 「……等信息27條。」 and then a line 「?」: 六 is cut after its first item,
    # so whether it states the fee cannot be told (T6), and the mark itself is no text to list
    report = read_report(_case("pengjiang-fgj-2024-fanti")[0])
    assert report.extent.cut_end and "other" in report.extent.seen and "other" not in report.extent.whole
    assert "27条。" in report.extent.stops_at and not report.unplaced
    assert not any(f.code == "T6" for f in _check(report))


def test_a_label_the_file_stops_in_is_said_whole():
    report = read_report(_case("ningshan-meizi-zhen-2024")[0])
    assert "「(二)部分公开(区分处理的,只计这一」" in report.extent.stops_at


def test_the_piece_a_file_stops_in_is_said_once():
    # erdaohe-zhen-2021 stops at 「二、主动公开政府信息情况」 and a line 「第二」 (a cut 「第二十条…」 of 表二):
    # the message that the file stops there quotes it whole, so it is not listed again as text not imported
    report = read_report(_case("erdaohe-zhen-2021")[0])
    assert "「第二」" in report.extent.stops_at
    assert not report.unplaced
    # a longer last line the message quotes only in part is still listed (tianmen-zfb-2025)
    report = read_report(_case("tianmen-zfb-2025")[0])
    assert report.extent.cut_end and any("全年主动公开政府信息124条" in u for u in report.unplaced)


@pytest.mark.parametrize("slug", ["wendeng-bgs-2022-p9", "wendeng-zhzf-2021-p3"])
def test_a_single_page_from_inside_a_report_is_read_and_said_to_be_a_part(slug):
    report = read_report(_case(slug)[0])
    assert not report.failed and report.extent.cut_start and report.agency and report.year
    assert any("文件" in m and "不在文件中" in m for m in report.unreadable)


# --- item 10: traditional characters, the agency and the year ---------------------------------------------


def test_a_report_in_traditional_characters_is_converted_and_read():
    report = read_report(_case("binjiang-ju-2017-fanti")[0])
    assert not report.failed and report.source["script"] == "traditional"
    assert report.year == 2017 and report.extent.format == 2008
    assert "主动公开" in report.answers["meta.preamble"] and "公開" not in report.answers["meta.preamble"]


def test_the_sample_in_traditional_characters_reads_as_the_sample():
    from opencc import OpenCC

    fanti = OpenCC("s2t").convert(SAMPLE_TEXT)
    assert traditional.is_traditional(fanti) and not traditional.is_traditional(SAMPLE_TEXT)
    a, b = read_report(SAMPLE), read_report_text(fanti, "fanti.txt")
    assert {k: v for k, v in b.answers.items() if FORM.field(k).is_number} == \
        {k: v for k, v in a.answers.items() if FORM.field(k).is_number}
    assert (b.agency, b.year) == (a.agency, a.year)


def test_the_agency_is_the_organ_the_title_prints_without_the_report_s_words():
    text = SAMPLE_TEXT.replace("怀化市洪江区科技和工业信息化局2024年政府信息公开工作年度报告", "伊宁县政府信息公开工作2023年度报告", 1)
    report = read_report_text(text, "variant.txt")
    assert report.agency == "伊宁县" and report.year == 2023
    s6 = [f for f in _check(report) if f.code == "S6"]
    assert len(s6) == 1 and "「伊宁县2023年政府信息公开工作年度报告」" in s6[0].message


def test_a_title_broken_after_the_year_and_the_agency_is_read_from_both_lines():
    # nanguan-yongji-jd-2024: 「2024年南关区永吉街道办事处」 / 「政府信息公开工作年度报告」
    report = read_report(_case("nanguan-yongji-jd-2024")[0])
    assert (report.agency, report.year) == ("南关区永吉街道办事处", 2024) and "meta.agency" not in report.notes
    assert not report.extent.cut_start and not report.answers["meta.preamble"].startswith("2024年")
    s6 = [f for f in _check(report) if f.code == "S6"]
    assert len(s6) == 1 and "2024年南关区永吉街道办事处政府信息公开工作年度报告" in s6[0].message


def test_a_title_whose_agency_lacks_its_place_is_no_full_name_and_the_text_gives_it():
    # tianmen-zfb-2025: title 「市人民政府办公室2025年…」, opening 「现公开天门市人民政府办公室2025年…」
    report = read_report(_case("tianmen-zfb-2025")[0])
    assert report.agency == "天门市人民政府办公室" and "meta.agency" in report.notes
    s6 = [f for f in _check(report) if f.code == "S6"]
    assert len(s6) == 1 and "「天门市人民政府办公室2025年政府信息公开工作年度报告」" in s6[0].message


@pytest.mark.parametrize(("name", "nameless"), [
    ("市人民政府办公室", True), ("区集体经济发展服务署", True), ("县教育局", True),
    ("市中区人民政府", False), ("镇江市财政局", False), ("乡宁县人民政府", False), ("天门市人民政府办公室", False),
])
def test_a_name_that_starts_with_its_level_names_no_place(name, nameless):
    assert meta.nameless(name) == nameless


@pytest.mark.parametrize("slug", ["ganzhou-beijie-jd-2025", "qinan-xingguo-zhen-2025"])
def test_the_page_s_file_information_block_is_no_opening_sentence(slug):
    # 「关键词 发布机构 北街办事处」「生成日期 2026-01-23 16:24:38 是否有效」; 「发布机构:兴国镇 索引号:… 【下载PDF】」
    preamble = read_report(_case(slug)[0]).answers.get("meta.preamble", "")
    assert "发布机构" not in preamble and "是否有效" not in preamble


def test_a_sentence_that_lists_metadata_labels_is_no_metadata():
    assert meta.is_metadata("关键词 | 发布机构 | 北街办事处")
    assert not meta.is_metadata("完善政策文件的索引号、公文种类、发布机构、成文日期、有效性等公开要素")


@pytest.mark.parametrize(("slug", "agency", "where"), [
    ("hunnan-gzj-2022", "区政府国资局", "opening"),  # 「现公布区政府国资局2022年…报告」
    ("zhangping-zfb-2021", "漳平市人民政府办公室", "opening"),  # 「编制形成2021年漳平市人民政府办公室…」
    ("fengshou-xiang-2022", "丰收乡", "text"),  # 「2022年以来,丰收乡在…」
    ("zibo-zhongbu-zhen-2020", "中埠镇人民政府", "title"),  # 「标题: 中埠镇人民政府2020年…」
    ("laifeng-zwfwj-2021", "来凤县政务服务和大数据管理局", "text"),  # the contact organ
    # 一 says 「发改局」, the short name the opening defines: 「…发展改革局(以下简称发改局)」
    ("wehdz-fgj-2024", "武汉东湖新技术开发区发展改革局", "text"),
    # the contact is the government's office, but the report speaks as the district (「全区共受理」)
    ("changan-qu-2025", "石家庄市长安区人民政府", "text"),
    ("lianxi-qu-2024", "濂溪区人民政府", "text"),
    ("qianjiang-xiongkou-glq-2025", "熊口管理区", "text"),  # 「2025年,熊口管理区在市委……」
])
def test_the_agency_is_read_where_the_report_names_itself(slug, agency, where):
    report = read_report(_case(slug)[0])
    assert report.agency == agency
    assert ("meta.agency" in report.notes) == (where != "title")


def test_a_town_that_calls_itself_我镇_is_a_township_and_n7_applies():
    report = read_report(_case("xjnlk-zhen-2023")[0])
    assert report.answers["meta.agency_kind"] == "township" and report.answers["meta.level"] == "township"
    n7 = [f for f in _check(report) if f.code == "N7"]
    assert len(n7) == 1 and n7[0].severity == "error"


def test_a_copy_of_the_title_broken_and_shortened_is_no_opening_sentence():
    # qinan-xingguo-zhen-2025: under the title the page prints it again, broken and short of a
    # character: 「兴国镇人民政府2025年政府信息公开工作」 / 「年度报」; the opening is the next line
    report = read_report(_case("qinan-xingguo-zhen-2025")[0])
    preamble = report.answers["meta.preamble"]
    assert preamble.startswith("根据《中华人民共和国政府信息公开条例》") and "年度报\n" not in preamble
    assert "政府信息公开工作\n" not in preamble


@pytest.mark.parametrize(("line", "title", "copy"), [
    ("兴国镇人民政府2025年政府信息公开工作", "兴国镇人民政府2025年政府信息公开工作年度报告", True),
    ("年度报", "兴国镇人民政府2025年政府信息公开工作年度报告", True),
    ("根据《条例》编制本报告。", "兴国镇人民政府2025年政府信息公开工作年度报告", False),
    ("一、总体情况", "兴国镇人民政府2025年政府信息公开工作年度报告", False),
])
def test_a_line_that_is_part_of_the_title_is_a_copy_of_it(line, title, copy):
    assert meta.copies_title(line, title) == copy


def test_an_agency_named_with_its_office_in_brackets_keeps_the_closing_bracket():
    # guiyang-shi-2021: 「现公布《贵阳市人民政府(市人民政府办公厅)2021年政府信息公开工作年度报告》」
    report = read_report(_case("guiyang-shi-2021")[0])
    assert report.agency == "贵阳市人民政府(市人民政府办公厅)" and report.year == 2021
    assert report.answers["meta.agency_kind"] == "government"


@pytest.mark.parametrize("slug", ["erdaohe-zhen-2021", "erdaohe-zhen-2022"])
def test_a_list_bullet_before_the_title_is_no_part_of_the_agency(slug):
    # the page prints 「• 二道河镇人民政府2021年政府信息公开工作年度报告」 as a list item above the title
    report = read_report(_case(slug)[0])
    assert report.agency == "二道河镇人民政府" and report.year == int(slug[-4:])
    assert not [f for f in _check(report) if f.code == "S6"]


@pytest.mark.parametrize(("slug", "agency"), [
    ("shanghai-bgt-2022", "上海市人民政府办公厅"),  # 「2022年,上海市人民政府办公厅坚持以……」
    ("hunnan-mzj-2021", "浑南区民族和宗教事务局"),  # 「2021年,浑南区民族和宗教事务局贯彻落实……」
    ("hebei-qu-2023", "河北区人民政府"),  # 「2023年,河北区人民政府坚持……」 (the page header is the site's name)
])
def test_the_agency_is_read_from_the_first_words_of_a_report_without_title(slug, agency):
    report = read_report(_case(slug)[0])
    assert report.agency == agency and "meta.agency" in report.notes


def test_an_agency_read_only_from_the_office_named_for_questions_says_so():
    # songjiang-qu-2024 starts at its opening and names no organ of its own; 「请与松江区人民政府办公室联系」
    # is all there is: a guess the folder check must not treat as the report naming itself
    report = read_report(_case("songjiang-qu-2024")[0])
    assert report.agency == "松江区人民政府办公室"
    assert report.notes["meta.agency"] == meta.CONTACT_NOTE
    named = read_report(_case("shanghai-bgt-2022")[0])  # 「2022年,上海市人民政府办公厅坚持……」
    assert named.notes["meta.agency"] != meta.CONTACT_NOTE


# --- third first-sight sweep (2026-12-05): faults found on 18 reports gkassist had never seen --------


def test_a_topic_sub_heading_followed_by_its_text_after_a_space_starts_that_topic():
    # ewenke-qi-2025: 「(一)主动公开情况 2025年鄂温克族自治旗坚持“法定公开事项主动公开到位”原则,……」 —
    # the heading and its text on one line, parted by a space; 一's first topic, not the preamble's text
    report = read_report(_case("ewenke-qi-2025")[0])
    assert report.answers["overview.proactive"].startswith("2025年鄂温克族自治旗坚持")
    assert "8204条" not in report.answers.get("meta.preamble", "")
    assert not [f for f in _check(report) if f.code == "T8"]


def test_a_section_heading_printed_without_its_number_is_that_section_s_heading():
    # pukou-jyj-2024: 「主动公开政府信息情况」 alone on its line, then 表二: section 二, misnumbered (S1)
    report = read_report(_case("pukou-jyj-2024")[0])
    fact = _facts(report)["section.active"]
    assert fact["present"] and not fact["numbered"] and fact["printed"] == "主动公开政府信息情况"
    assert "active" in report.extent.seen and "第二十" in report.extent.stops_at
    s1 = [f for f in _check(report) if f.code == "S1"]
    assert [f.section for f in s1] == ["active"] and s1[0].severity == "error"


@pytest.mark.parametrize("line", ["全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况",
                                  "主动公开政府信息情况如下", "主动公开"])
def test_a_line_that_only_mentions_a_section_is_no_heading(line):
    assert match_heading(line) is None


@pytest.mark.parametrize(("slug", "agency"), [
    ("tiedong-tyjrswj-2025", "铁东区退役军人事务局"),  # 「2025年,铁东区退役军人事务局通过区政府网站……」
    ("pukou-jyj-2024", "南京市浦口区教育局"),  # 「由南京市浦口区教育局办公室编制的2024年度……报告」
    ("chizhou-lyj-2025", "池州市林业局"),  # 「请与池州市林业局办公室联系」: the bureau's own office
    ("ewenke-qi-2025", "鄂温克族自治旗"),  # 「2025年,鄂温克族自治旗坚持以……」; the contact is another bureau's office
])
def test_the_agency_is_the_organ_the_report_speaks_for_not_its_office(slug, agency):
    report = read_report(_case(slug)[0])
    assert report.agency == agency


def test_a_title_whose_agency_has_no_place_suggests_no_title_it_already_has():
    # liupanshui-yjj-2024: 「市应急局2024年政府信息公开工作年度报告」, and no fuller name in the text
    report = read_report(_case("liupanshui-yjj-2024")[0])
    s6 = [f for f in _check(report) if f.code == "S6"]
    assert len(s6) == 1
    doc = _facts(report)["document"]
    assert doc["expected_title"] != doc["title"] and doc["expected_title"].endswith("市应急局2024年政府信息公开工作年度报告")


@pytest.mark.parametrize(("contact", "organ"), [
    ("池州市林业局办公室", "池州市林业局"),
    ("鄂温克族自治旗政务服务与数据管理局政务公开办公室", "鄂温克族自治旗政务服务与数据管理局"),
    ("三明市卫生健康委员会办公室", "三明市卫生健康委员会"),
    ("松江区人民政府办公室", "松江区人民政府办公室"),  # a government's office is an organ of its own
    ("长沙市人民防空办公室", "长沙市人民防空办公室"),
])
def test_a_bureau_s_own_office_named_for_questions_stands_for_the_bureau(contact, organ):
    assert meta._organ_of_office(contact) == organ


def test_a_page_s_发表日期_line_is_its_publication_date_and_no_opening_sentence():
    # daye-zrghj-2025: 「发表日期:2026-01-26    文章来源:大冶市自然资源和规划局」 above the opening
    report = read_report(_case("daye-zrghj-2025")[0])
    assert report.answers["meta.preamble"].startswith("根据《中华人民共和国政府信息公开条例》")
    assert report.answers["meta.published"] == "2026-01-26"


@pytest.mark.parametrize(("slug", "agency"), [
    ("keyouqianqi-2025", "科尔沁右翼前旗"),  # the title names the 旗 and nothing else
    ("ewenke-qi-2025", "鄂温克族自治旗"),  # 「2025年,鄂温克族自治旗坚持以……」
])
def test_an_agency_that_is_a_division_s_name_is_its_people_s_government(slug, agency):
    report = read_report(_case(slug)[0])
    assert report.agency == agency
    assert (report.answers["meta.agency_kind"], report.answers["meta.level"]) == ("government", "county")


@pytest.mark.parametrize("name", ["长春新区", "熊口管理区", "武汉东湖新技术开发区"])
def test_a_zone_is_no_division_with_a_people_s_government(name):
    assert meta.infer_kind_and_level(name)[0] is None


def test_a_year_printed_before_the_agency_of_a_title_is_no_part_of_its_name():
    # hukou-dalong-xiang-2025: 「2025湖口县大垅乡2025年度政府信息公开工作年度报告」
    report = read_report(_case("hukou-dalong-xiang-2025")[0])
    assert (report.agency, report.year) == ("湖口县大垅乡", 2025)
    assert _facts(report)["document"]["expected_title"] == "湖口县大垅乡2025年政府信息公开工作年度报告"


@pytest.mark.parametrize(("slug", "topics"), [
    # 「门户网站主动發布文件信息133條」: what was published, in a 一 written as plain paragraphs
    ("qingyuan-jyj-2024-fanti", {"overview.on_request", "overview.management", "overview.oversight"}),
    # 「主动公示了驻地迁移信息」「信息经层层审核后进行公开发布」
    ("zhongcang-jd-2025", set()),
])
def test_t1_hints_only_the_topics_a_paragraph_of_一_does_not_touch(slug, topics):
    report = read_report(_case(slug)[0])
    assert {f.fields[0] for f in _check(report) if f.code == "T1"} == topics
