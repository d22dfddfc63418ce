"""Sessions against hostile files and text (issue 14): outputs that would destroy a session,
links, the lock's key, text that cannot be saved or printed, the history's size, leftovers."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from gkassist import session as session_mod
from gkassist.cli import main
from gkassist.session import SessionError, SessionStore, load_session

posix_only = pytest.mark.skipif(os.name != "posix", reason="symlinks, hard links and modes are POSIX")


@pytest.fixture
def store(gkassist_home):
    return SessionStore()


@pytest.fixture
def session(store):
    s = store.create({"meta.agency": "测试局", "meta.year": 2024})
    yield s
    s.close()


def on_disk(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# --- text entering a session --------------------------------------------------------------------


def test_a_session_with_a_lone_surrogate_on_disk_loads_and_saves(store, session):
    session.close()
    doc = on_disk(session.path)
    doc["answers"]["meta.agency"] = "测试\ud800局"
    doc["answers"]["overview.intro"] = "一段\udfff话"
    doc["notes"]["meta.agency"] = "说明\ud83d"
    session.path.write_text(json.dumps(doc, ensure_ascii=True), encoding="utf-8")  # \\ud800 escaped
    with store.open(session.id) as s:
        assert s.answers["meta.agency"] == "测试\ufffd局"
        s.set_answer("requests.new.natural", 1)  # saves, where it raised UnicodeEncodeError
    saved = on_disk(session.path)
    assert saved["answers"]["overview.intro"] == "一段\ufffd话"
    assert saved["notes"]["meta.agency"] == "说明\ufffd"


def test_answers_lose_control_characters_and_escapes_and_the_agency_is_one_line(session):
    session.set_answer("meta.agency", "测试局\n# 标题\n- 列表\x1b[31m\x07")
    assert session.agency == "测试局 # 标题 - 列表"
    session.set_answer("overview.intro", "第一段\x00\x1b]0;title\x07\r\n第二段\t制表\x85第三段\x9b2J")
    assert session.answers["overview.intro"] == "第一段\n第二段\t制表\n第三段"
    session.record({"overview.platform": "平台\x0c建设"}, notes={"overview.platform": "注\x1b[0m"},
                   drafts={"q": "草稿\ud800"}, workbench={"k": ["值\x01"]})
    doc = on_disk(session.path)
    assert doc["answers"]["overview.platform"] == "平台\n建设"
    assert doc["notes"]["overview.platform"] == "注"
    assert doc["drafts"]["q"] == "草稿\ufffd" and doc["workbench"]["k"] == ["值"]


def test_an_imported_document_is_cleaned_at_the_same_boundary(store, session, tmp_path):
    doc = session.to_document()
    doc["answers"]["meta.agency"] = "导入局\r\n## 注入"
    doc["outline"] = {"overview": [{"field": "overview.intro", "heading": "（一）\n# 标题"}]}
    adopted = store.adopt({**doc, "id": "imported1"})
    try:
        assert adopted.agency == "导入局 ## 注入"
        assert adopted.outline["overview"][0]["heading"] == "（一） # 标题"
    finally:
        adopted.close()


def test_a_document_nested_too_deep_for_cleaning_is_a_damaged_file(store, session):
    session.close()
    text = session.path.read_text(encoding="utf-8")
    deep = "[" * 900 + "]" * 900  # json reads it; a walk over it would overflow the stack
    session.path.write_text(text.replace('"workbench": {}', f'"workbench": {{"x": {deep}}}'), encoding="utf-8")
    assert deep in session.path.read_text(encoding="utf-8")
    with pytest.raises(SessionError, match="已损坏"):
        store.open(session.id)


