"""The Jinja report (txt, md, html) from the sample session: labels, order, tables, escaping, gaps."""

from __future__ import annotations

import re
from decimal import Decimal

import lxml.html
import pytest
from rich.cells import cell_len

from gkassist.answers import format_value
from gkassist.form import FORM
from gkassist.render import render, render_to_bytes

GAP = FORM.gap_marker


def number_fields(table: str) -> list[str]:
    return FORM.table_field_ids(table)


# --- txt: every label and value in the official order ------------------------------------------


def official_tokens(answers: dict) -> list[str]:
    """Title, headings, prose and every table label and value, in the official reading order."""
    v = lambda fid: format_value(fid, FORM.value(fid, answers))  # noqa: E731
    out = [FORM.title(answers["meta.agency"], answers["meta.year"]), answers["meta.preamble"]]
    for s in FORM.sections:
        if s.number is None:
            continue
        out.append(s.heading)
        if s.table == "active":
            for block in FORM.active_blocks:
                out += [block.heading, FORM.active_item_label, *(c.label for c in block.columns)]
                for r, row in enumerate(block.rows):
                    out += [row.label, *(v(fid) for fid in block.field_ids[r])]
        elif s.table == "requests":
            cols = FORM.requests_columns
            out += [FORM.requests_note, FORM.requests_applicant_header, "自然人", "法人或其他组织", "总计"]
            out += [c.label for c in cols if c.group]
            seen: set[str] = set()
            for row in FORM.requests_rows:
                for p in row.path:
                    if p not in seen:
                        seen.add(p)
                        out.append(p)
                out += [row.label, *(v(f"requests.{row.id}.{c.id}") for c in cols)]
        elif s.table == "review":
            out += [c.label for c in FORM.review_columns]
            for g in FORM.review_groups:
                if g.parent and g.parent not in out:
                    out.append(g.parent)
                out += [g.label, *(v(f"{g.id}.{c.id}") for c in FORM.review_columns)]
        else:
            for f in FORM.section_fields(s.id):
                text = answers.get(f.id)
                if text:
                    out += [line.strip() for line in text.splitlines() if line.strip()]
    return out


def test_txt_has_every_label_and_value_in_official_order(sample_answers):
    answers = sample_answers()
    txt = render(answers, "txt")
    pos = 0
    for token in official_tokens(answers):
        found = txt.find(token, pos)
        assert found >= 0, f"{token!r} missing or out of order after: {txt[max(0, pos - 80) : pos]!r}"
        pos = found + len(token)


def test_txt_headings_and_sub_headings_are_lines_of_their_own(sample_answers):
    lines = render(sample_answers(), "txt").splitlines()
    assert lines[0] == "怀化市洪江区科技和工业信息化局2024年政府信息公开工作年度报告"
    headings = [s.heading for s in FORM.sections if s.heading]
    assert [ln for ln in lines if ln in headings] == headings
    # the sample answers three of the five topics: they are numbered （一）（二）（三）, by their labels
    assert "（一）主动公开" in lines and "（二）政府信息管理" in lines and "（三）监督保障" in lines
    assert not any("依申请公开" in ln and ln.startswith("（") for ln in lines)
    # 五: no rectification in the sample, so problems and measures are （一）（二）
    assert lines.index("（一）存在的主要问题") < lines.index("（二）改进措施")
    assert not any("上年度问题整改情况" in ln for ln in lines)
    # measures were two paragraphs: two lines
    measures = sample_answers()["measures"].splitlines()
    i = lines.index("（二）改进措施")
    assert lines[i + 1 : i + 3] == measures


def parse_txt_tables(txt: str) -> dict[str, object]:
    """A reader of the documented txt layout: table lines → field values (text as printed)."""
    lines = txt.splitlines()
    section = None
    values: dict[str, str] = {}
    headings = {s.heading: s for s in FORM.sections if s.heading}
    block = 0
    rows_3 = iter(FORM.requests_rows)
    groups_4 = iter(FORM.review_groups)
    for line in lines:
        if line in headings:
            section = headings[line]
            continue
        if section is None or not section.table or " | " not in line:
            continue
        cells = [c.strip() for c in line.split(" | ")]
        label = cells[0]
        if section.table == "active":
            b = FORM.active_blocks[block]
            if label == FORM.active_item_label:
                continue
            r = [row.label for row in b.rows].index(label)
            values.update(zip(b.field_ids[r], cells[1:], strict=True))
            if r == len(b.rows) - 1:
                block += 1
        elif section.table == "requests":
            if not label or label == FORM.requests_note:
                continue
            row = next(rows_3)
            assert row.label == label
            values.update(
                zip([f"requests.{row.id}.{c.id}" for c in FORM.requests_columns], cells[1:], strict=True)
            )
        elif section.table == "review":
            if not label:
                continue
            g = next(groups_4)
            assert g.label == label
            values.update(zip([f"{g.id}.{c.id}" for c in FORM.review_columns], cells[1:], strict=True))
    return values


def test_txt_tables_read_back_to_the_same_numbers(numbered_answers):
    answers = numbered_answers()
    values = parse_txt_tables(render(answers, "txt"))
    expected = {
        fid: format_value(fid, FORM.value(fid, answers))
        for t in ("active", "requests", "review")
        for fid in number_fields(t)
    }
    assert len(expected) == 10 + 175 + 15
    assert values == expected


def test_txt_table_columns_align_by_display_width(numbered_answers):
    txt = render(numbered_answers() | {"requests.new.natural": 123456}, "txt")
    lines = txt.splitlines()
    for heading in ("三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"):
        start = lines.index(heading) + 1
        table = []
        for ln in lines[start:]:
            if not ln:
                break
            table.append(ln)
        # every bar of every line sits at the same display column as in the widest line
        bar_columns = [[cell_len(ln[: m.start()]) for m in re.finditer(r" \| ", ln)] for ln in table]
        full = max(bar_columns, key=len)
        assert len(full) >= 5
        for ln, cols in zip(table, bar_columns, strict=True):
            assert cols == full[: len(cols)], ln
    assert "| 123456 |" in txt


def test_txt_table_three_hierarchy_is_visible(sample_answers):
    lines = render(sample_answers(), "txt").splitlines()
    assert "三、本年度办理结果" in lines
    assert "  （三）不予公开" in lines
    assert any(ln.startswith("    1.属于国家秘密 ") for ln in lines)
    assert any(ln.startswith("  （一）予以公开 ") for ln in lines)
    assert any(ln.startswith("一、本年新收政府信息公开申请数量 ") for ln in lines)


# --- html: parsed back into the same numbers, with the official merged cells ------------------


def expand(table) -> list[list[str]]:  # noqa: ANN001 - an lxml element
    """The cell grid of an HTML table, each spanned cell copied into every slot it covers."""
    grid: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(table.iter("tr")):
        c = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while (r, c) in grid:
                c += 1
            rs, cs = int(cell.get("rowspan", 1)), int(cell.get("colspan", 1))
            for i in range(rs):
                for j in range(cs):
                    grid[(r + i, c + j)] = cell.text_content().strip()
            c += cs
    rows = max(r for r, _ in grid) + 1
    cols = max(c for _, c in grid) + 1
    return [[grid.get((r, c)) for c in range(cols)] for r in range(rows)]


def html_tables(html: str) -> list:
    doc = lxml.html.fromstring(html)
    return doc.findall(".//table")


@pytest.mark.parametrize("make", ["sample_answers", "numbered_answers"])
def test_html_parses_back_into_the_same_175_10_15_numbers(request, make):
    answers = request.getfixturevalue(make)()
    t2, t3, t4 = (expand(t) for t in html_tables(render(answers, "html")))
    want = lambda fid: format_value(fid, FORM.value(fid, answers))  # noqa: E731

    # 二: 4 columns; the one-value blocks span the three value columns
    assert len(t2) == 14 and all(len(r) == 4 for r in t2)
    got2 = {}
    r = 0
    for block in FORM.active_blocks:
        assert t2[r] == [block.heading] * 4
        assert t2[r + 1][0] == FORM.active_item_label
        r += 2
        for i, row in enumerate(block.rows):
            assert t2[r][0] == row.label
            got2.update(zip(block.field_ids[i], t2[r][1 : 1 + len(block.columns)], strict=True))
            r += 1
    assert got2 == {fid: want(fid) for fid in number_fields("active")}

    # 三: 3 header rows + 25 data rows, 3 label columns + 7 numbers
    assert len(t3) == 28 and all(len(r) == 10 for r in t3)
    got3 = {}
    for i, row in enumerate(FORM.requests_rows):
        cells = t3[3 + i]
        assert cells[2] == row.label and list(row.path) == [c for c in cells[: len(row.path)]]
        got3.update(zip([f"requests.{row.id}.{c.id}" for c in FORM.requests_columns], cells[3:], strict=True))
    assert len(got3) == 175
    assert got3 == {fid: want(fid) for fid in number_fields("requests")}

    # 四: 3 header rows, one row of 15 numbers
    assert len(t4) == 4 and all(len(r) == 15 for r in t4)
    ids4 = [f"{g.id}.{c.id}" for g in FORM.review_groups for c in FORM.review_columns]
    assert dict(zip(ids4, t4[3], strict=True)) == {fid: want(fid) for fid in ids4}


def spans(table) -> dict[str, tuple[int, int]]:  # noqa: ANN001
    return {
        c.text_content().strip(): (int(c.get("rowspan", 1)), int(c.get("colspan", 1)))
        for c in table.iter("th")
    }


def test_html_has_the_official_merged_cells(sample_answers):
    t2, t3, t4 = html_tables(render(sample_answers(), "html"))
    s3 = spans(t3)
    assert s3[FORM.requests_note] == (3, 3)
    assert s3["申请人情况"] == (1, 7)
    assert s3["自然人"] == (2, 1) and s3["总计"] == (2, 1)
    assert s3["法人或其他组织"] == (1, 5)
    assert s3["三、本年度办理结果"] == (22, 1)
    assert s3["（三）不予公开"] == (8, 1) and s3["（四）无法提供"] == (3, 1)
    assert s3["（五）不予处理"] == (5, 1) and s3["（六）其他处理"] == (3, 1)
    assert s3["一、本年新收政府信息公开申请数量"] == (1, 3)
    assert s3["（一）予以公开"] == (1, 2) and s3["（七）总计"] == (1, 2)
    assert s3["四、结转下年度继续办理"] == (1, 3)
    s4 = spans(t4)
    assert s4["行政复议"] == (1, 5)
    assert s4["行政诉讼"] == (1, 10)
    assert s4["未经复议直接起诉"] == (1, 5) and s4["复议后起诉"] == (1, 5)
    first_header_row = t4.find(".//tr")
    assert [c.text for c in first_header_row] == ["行政复议", "行政诉讼"]
    s2 = spans(t2)
    assert s2["第二十条第（一）项"] == (1, 4)
    assert t2.find(".//td[@data-field='active.fees']").get("colspan") == "3"


def test_html_sections_and_title(sample_answers):
    doc = lxml.html.fromstring(render(sample_answers(), "html"))
    assert (
        doc.findtext(".//title")
        == doc.find(".//h1").text_content()
        == FORM.title("怀化市洪江区科技和工业信息化局", 2024)
    )
    assert [h.text for h in doc.iter("h2")] == [s.heading for s in FORM.sections if s.heading]


# --- user text is data ------------------------------------------------------------------------


@pytest.fixture
def hostile_answers(sample_answers, hostile_text) -> dict:
    answers = sample_answers()
    for fid in (
        "meta.agency",
        "meta.preamble",
        "overview.intro",
        "overview.proactive",
        "problems",
        "measures",
        "other_matters",
    ):
        answers[fid] = hostile_text
    return answers


def test_txt_prints_user_text_literally(hostile_answers, hostile_text):
    txt = render(hostile_answers, "txt")
    assert txt.count(hostile_text) >= 7
    assert "49" not in txt.replace("2024", "")


def test_html_escapes_user_text(hostile_answers, hostile_text):
    html = render(hostile_answers, "html")
    assert "<script>" not in html
    doc = lxml.html.fromstring(html)
    assert not doc.findall(".//script") and not doc.findall(".//a")
    texts = [p.text_content() for p in doc.iter("p")]
    assert texts.count(hostile_text) >= 5
    assert doc.find(".//h1").text_content() == FORM.title(hostile_text, 2024)


def test_markdown_escapes_user_text(hostile_answers, sample_answers):
    md = render(hostile_answers, "md")
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "{{ 7\\*7 }}" in md  # literal braces; the * cannot start emphasis
    assert "\\[链\\](http://e.cn)" in md  # no link
    assert "\\|" in md  # a bar cannot split a table row
    assert "&amp;amp;" in md  # an entity typed by the user stays literal text
    # 「1. 」 at the start of a paragraph stays literal, not a list that a viewer renumbers
    md2 = render(sample_answers(), "md")
    assert "\n2\\. 提升工作人员业务素养" in md2


# --- drafts: gaps, optional fields, derived cells ----------------------------------------------


def test_draft_marks_gaps_and_leaves_out_empty_optional_fields():
    answers = {"meta.agency": "某县某局", "meta.year": 2025, "requests.new.natural": 2}
    txt = render(answers, "txt")
    lines = txt.splitlines()
    assert lines[0] == "某县某局2025年政府信息公开工作年度报告"
    # no preamble of its own: the standard opening sentence
    assert lines[2] == FORM.standard_preamble("某县某局", 2025)
    assert "国办公开办函〔2021〕30号" in lines[2]
    # required prose: sub-heading and 【待填写】; optional topics and rectification: absent
    assert lines[lines.index("（一）存在的主要问题") + 1] == GAP
    assert lines[lines.index("（二）改进措施") + 1] == GAP
    assert lines[lines.index("六、其他需要报告的事项") + 1] == GAP
    assert not any(ln.startswith("（一）主动公开") for ln in lines)
    assert lines[lines.index("一、总体情况") + 1] == GAP  # nothing at all in 一: still visibly missing
    # numbers: unanswered cells and totals that depend on them show the marker; answered ones the number
    values = parse_txt_tables(txt)
    assert values["requests.new.natural"] == "2"
    assert values["requests.new.commercial"] == GAP
    assert values["requests.new.total"] == GAP
    assert values["active.fees"] == GAP
    assert sum(1 for v in values.values() if v == GAP) == 200 - 1
    html = render(answers, "html")
    assert html.count(GAP) > 200


def test_without_gap_marks_the_gaps_are_empty():
    txt = render({"meta.agency": "某县某局", "meta.year": 2025}, "txt", mark_gaps=False)
    assert GAP not in txt
    assert "某县某局2025年政府信息公开工作年度报告" in txt


def test_an_empty_optional_topic_has_no_sub_heading_and_rectification_shows_when_answered(sample_answers):
    answers = sample_answers() | {
        "overview.on_request": "本年未收到申请。",
        "rectification": "上年问题已整改。",
        "overview.proactive": "  \n ",
    }
    lines = render(answers, "txt").splitlines()
    assert "（一）依申请公开" in lines and "（二）政府信息管理" in lines
    assert not any("主动公开" in ln and ln.startswith("（") for ln in lines)
    assert (
        lines.index("（一）上年度问题整改情况")
        < lines.index("（二）存在的主要问题")
        < lines.index("（三）改进措施")
    )
    assert lines[lines.index("（一）上年度问题整改情况") + 1] == "上年问题已整改。"


def test_derived_cells_computed_when_absent_and_printed_when_stored(sample_answers):
    answers = sample_answers() | {
        "requests.new.natural": 3,
        "requests.new.legal": 2,
        "requests.granted.natural": 4,
    }
    values = parse_txt_tables(render(answers, "txt"))
    assert values["requests.new.total"] == "5"
    assert values["requests.total.natural"] == "4"
    assert values["review.total"] == "0"
    # an imported report keeps the total it printed, even a wrong one (the rules judge it)
    values = parse_txt_tables(render(answers | {"requests.new.total": 9}, "txt"))
    assert values["requests.new.total"] == "9"


def test_money_is_written_by_answers_format_value(sample_answers):
    for fee in (Decimal("26.55"), Decimal("4068.208"), Decimal("0")):
        values = parse_txt_tables(render(sample_answers() | {"active.fees": fee}, "txt"))
        assert values["active.fees"] == format_value("active.fees", fee)
        assert Decimal(values["active.fees"]) == fee


def test_render_to_bytes_accepts_a_session_like_object_and_answers(sample_answers):
    answers = sample_answers()

    class FakeSession:
        pass

    s = FakeSession()
    s.answers = answers  # type: ignore[attr-defined]
    assert render_to_bytes(s, "txt") == render_to_bytes(answers, "txt") == render(answers, "txt").encode()
    with pytest.raises(ValueError):
        render(answers, "docx")
