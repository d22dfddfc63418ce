"""No user text changes the structure of a report (issue 14): the txt title line, Markdown blocks,
HTML, the DOCX's XML, the terminal; and a DOCX is whole or not written at all."""

from __future__ import annotations

import io
import json
import re

import docx
import pytest

from gkassist.cli import main
from gkassist.form import FORM
from gkassist.render import docx as docx_mod
from gkassist.render import render, render_to_bytes
from gkassist.session import SessionStore

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
HOSTILE_AGENCY = "某某局\n# 注入的标题\n- 注入的列表\r\n1. 编号\x0b\x0c\x1c\x85\u2028尾"
HOSTILE_PROSE = "正文\x1b[31m红色\x1b[0m\x07\x00，\x1b]0;标题\x07结束\n## 小标题\n* 列表"


def hostile(answers: dict) -> dict:
    return {**answers, "meta.agency": HOSTILE_AGENCY, "overview.intro": HOSTILE_PROSE}


def test_the_txt_title_is_one_line_whatever_the_agency(sample_answers):
    text = render(hostile(sample_answers()), "txt")
    first = text.splitlines()[0]
    assert first.startswith("某某局 # 注入的标题 - 注入的列表 1. 编号") and first.endswith("年政府信息公开工作年度报告")
    assert not CONTROL.search(text)


def test_markdown_gets_no_heading_or_list_from_user_text(sample_answers):
    answers = hostile(sample_answers())
    text = render(answers, "md", outline={"overview": [{"field": "overview.intro", "heading": "（一）\n# 外来"}]})
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings[0].startswith("# 某某局") and len([h for h in headings if h.startswith("# ")]) == 1
    assert all(h.startswith(("# ", "## ", "### ")) for h in headings)
    assert not any("注入" in h and not h.startswith("# 某某局") for h in headings)
    assert not any(h.startswith("## 小标题") or "外来" in h and h.startswith("# ") for h in headings)
    assert not any(re.match(r"\s*([-*+]|\d+[.)]) ", line) for line in text.splitlines())
    assert not CONTROL.search(text)


def test_html_holds_no_control_character(sample_answers):
    html = render(hostile(sample_answers()), "html")
    assert not CONTROL.search(html) and "<h1" in html and "某某局 # 注入的标题" in html


def test_docx_takes_the_control_characters_that_made_it_fail(sample_answers):
    data = render_to_bytes(hostile(sample_answers()), "docx")
    d = docx.Document(io.BytesIO(data))
    assert d.paragraphs[0].text.replace("\n", "").startswith("某某局 # 注入的标题")
    assert len(d.tables) == 3


def test_a_lone_surrogate_in_the_html_gives_the_whole_docx(sample_answers):
    html = render(sample_answers(), "html")
    assert "本" in html
    whole = docx.Document(io.BytesIO(docx_mod.html_to_docx(html)))
    broken = html.replace("本", "本\ud800", 1)
    d = docx.Document(io.BytesIO(docx_mod.html_to_docx(broken)))
    assert len(d.tables) == 3
    assert [p.text.replace("\ufffd", "") for p in d.paragraphs] == [p.text for p in whole.paragraphs]


@pytest.mark.slow
def test_a_text_node_over_ten_megabytes_is_rendered_whole(sample_answers):
    answers = {**sample_answers(), "overview.intro": "公开" * 2_000_000}  # 12 MB in UTF-8
    d = docx.Document(io.BytesIO(render_to_bytes(answers, "docx")))
    assert len(d.tables) == 3
    assert any(len(p.text) == 4_000_000 for p in d.paragraphs)


def test_a_short_docx_is_an_error_and_no_file(sample_answers, monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(docx_mod._Builder, "_table", lambda self, el: None)  # a builder that drops tables
    with pytest.raises(docx_mod.DocxError):
        render_to_bytes(sample_answers(), "docx")
    session = SessionStore().create(sample_answers())
    session.close()
    out = tmp_path / "报告.docx"
    assert main(["render", session.id, "-f", "docx", "-o", str(out)]) == 2
    assert not out.exists() and list(tmp_path.iterdir()) == [tmp_path / "gkassist-home"]
    assert "DOCX" in capsys.readouterr().err


def test_render_to_the_screen_writes_no_escape(sample_answers, capsys):
    session = SessionStore().create(sample_answers())
    session.close()
    doc = json.loads(session.path.read_text(encoding="utf-8"))
    doc["answers"]["overview.intro"] = HOSTILE_PROSE
    doc["answers"]["meta.agency"] = HOSTILE_AGENCY
    session.path.write_text(json.dumps(doc), encoding="utf-8")  # as a hand edit or another tool would
    for fmt in ("txt", "md", "html"):
        assert main(["render", session.id, "-f", fmt]) == 0
        out = capsys.readouterr().out
        assert "红色" in out and not CONTROL.search(out.replace("\n", "")), fmt
        assert "\x1b" not in out


def test_jinja_still_never_evaluates_user_text(sample_answers):
    answers = {**sample_answers(), "overview.intro": "{{ 7 * 7 }}{% for x in range(3) %}x{% endfor %}"}
    for fmt in ("txt", "md", "html"):
        text = render(answers, fmt)
        assert "49" not in text.replace(str(FORM.value("meta.year", answers)), "")
        assert "xxx" not in text
