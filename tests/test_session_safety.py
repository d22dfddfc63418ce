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


def on_disk(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# --- outputs never replace a session, a locked file or the input --------------------------------


def test_render_onto_its_own_session_file_is_refused(session, capsys):
    before = session.path.read_bytes()
    session.close()
    code = main(["render", session.id, "-f", "txt", "-o", str(session.path)])
    assert code == 2 and session.path.read_bytes() == before
    assert "不能写入" in capsys.readouterr().err


def test_render_onto_its_own_session_file_is_refused_even_from_outside_the_data_folder(
    session, tmp_path, capsys
):
    copy = tmp_path / "mine.json"
    copy.write_bytes(session.path.read_bytes())
    assert main(["render", str(copy), "-o", str(copy), "--force"]) == 2
    assert on_disk(copy)["id"] == session.id


def test_export_onto_another_session_is_refused_even_with_force(store, session, capsys):
    other = store.create({"meta.agency": "另一个局"})
    other.close()
    before = other.path.read_bytes()
    for extra in ([], ["--force"]):
        assert main(["export", session.id, "-o", str(other.path), *extra]) == 2
    assert other.path.read_bytes() == before


def test_export_onto_a_session_document_elsewhere_is_refused(store, session, tmp_path):
    other = store.create({"meta.agency": "另一个局"})
    other.close()
    elsewhere = tmp_path / "backup.json"
    elsewhere.write_bytes(other.path.read_bytes())
    assert main(["export", session.id, "-o", str(elsewhere), "--force"]) == 2
    assert on_disk(elsewhere)["id"] == other.id


def test_an_export_of_the_same_report_is_updated_with_force(session, tmp_path):
    out = tmp_path / "backup.json"
    assert main(["export", session.id, "-o", str(out)]) == 0
    session.set_answer("requests.new.natural", 7)
    assert main(["export", session.id, "-o", str(out)]) == 2  # exists: --force needed
    assert "requests.new.natural" not in on_disk(out)["answers"]
    assert main(["export", session.id, "-o", str(out), "--force"]) == 0
    assert on_disk(out)["answers"]["requests.new.natural"] == 7


def test_a_file_another_editor_holds_is_never_written(store, tmp_path):
    outside = tmp_path / "report.json"
    held = store.create({"meta.agency": "测试局"})
    held.close()
    outside.write_bytes(held.path.read_bytes())
    editing = SessionStore(tmp_path).open(outside)  # locked beside it, as another window would
    try:
        before = outside.read_bytes()
        assert main(["render", held.id, "-o", str(outside), "--force"]) == 2
        assert outside.read_bytes() == before
    finally:
        editing.close()


def test_an_existing_ordinary_file_needs_force(session, tmp_path, capsys):
    out = tmp_path / "报告.txt"
    out.write_text("我自己的笔记", encoding="utf-8")
    assert main(["render", session.id, "-o", str(out)]) == 2
    assert out.read_text(encoding="utf-8") == "我自己的笔记"
    assert "--force" in capsys.readouterr().err
    assert main(["render", session.id, "-o", str(out), "--force"]) == 0
    assert out.read_text(encoding="utf-8").startswith("测试局")


def test_nothing_is_written_into_the_data_folder(session, store):
    new = store.root / "report.txt"
    assert main(["render", session.id, "-o", str(new)]) == 2
    assert not new.exists()
    lock = store.root / f".{session.id}.json.lock"
    assert main(["render", session.id, "-o", str(lock), "--force"]) == 2


@posix_only
def test_a_symlink_to_the_input_is_the_input(session, tmp_path):
    session.close()
    link = tmp_path / "alias.json"
    link.symlink_to(session.path)
    before = session.path.read_bytes()
    assert main(["render", session.id, "-o", str(link), "--force"]) == 2
    assert session.path.read_bytes() == before


@posix_only
def test_devices_are_still_outputs(session):
    assert main(["render", session.id, "-o", os.devnull]) == 0


# --- locks and links ----------------------------------------------------------------------------


@posix_only
def test_a_session_opened_through_a_symlink_of_another_name_meets_the_same_lock(store, session, tmp_path):
    alias = tmp_path / "别名.json"
    alias.symlink_to(session.path)
    with pytest.raises(SessionError, match="正在被另一个"):
        SessionStore(tmp_path).open(alias)
    also_in_store = store.root / "zz-alias.json"
    also_in_store.symlink_to(session.path.name)
    with pytest.raises(SessionError, match="正在被另一个"):
        store.open(also_in_store)


@posix_only
def test_saving_through_a_symlink_keeps_the_link_and_the_mode(store, session, tmp_path):
    session.close()
    session.path.chmod(0o640)
    alias = tmp_path / "alias.json"
    alias.symlink_to(session.path)
    with SessionStore(tmp_path).open(alias) as s:
        s.set_answer("requests.new.natural", 5)
    assert alias.is_symlink()
    assert on_disk(session.path)["answers"]["requests.new.natural"] == 5
    assert session.path.stat().st_mode & 0o777 == 0o640
    assert not list(tmp_path.glob(".alias*")) and not list(store.root.glob(".*.tmp"))


@posix_only
def test_a_hard_linked_session_stays_shared(store, session, tmp_path):
    session.close()
    twin = tmp_path / "twin.json"
    os.link(session.path, twin)
    with store.open(session.id) as s:
        s.set_answer("requests.new.natural", 9)
    assert os.path.samefile(twin, session.path)
    assert on_disk(twin)["answers"]["requests.new.natural"] == 9
    with SessionStore(tmp_path).open(twin) as s:
        s.set_answer("requests.new.natural", 10)
    assert on_disk(session.path)["answers"]["requests.new.natural"] == 10


@posix_only
def test_a_hard_linked_session_cut_short_in_place_is_finished_on_open(store, session, monkeypatch):
    from gkassist import files

    session.close()
    os.link(session.path, session.path.with_name("twin.json.bak"))

    def killed(path, data):
        path.write_bytes(data[:20])
        raise KeyboardInterrupt

    with store.open(session.id) as s:
        with monkeypatch.context() as m, pytest.raises(KeyboardInterrupt):
            m.setattr(files, "_write_in_place", killed)
            s.set_answer("requests.new.natural", 4)
        # what another process reads meanwhile: the journal, never the torn file
        assert load_session(session.id).answers["requests.new.natural"] == 4
    with store.open(session.id) as s:  # a later editor finishes the copy
        assert s.answers["requests.new.natural"] == 4
    assert on_disk(session.path)["answers"]["requests.new.natural"] == 4


def test_the_lock_file_goes_with_the_editor(store, session):
    lock = session.path.with_name(f".{session.path.name}.lock")
    assert lock.exists()
    session.close()
    assert not lock.exists()


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


def test_what_the_cleaning_removed_is_noted_in_the_session(store, session):
    session.set_answer("overview.intro", "第一段\r\n第二段")  # line breaks made uniform: no note
    assert not [h for h in session.history if h.get("cause") == "cleaned"]
    session.set_answer("overview.intro", "第一段\x1b[31m红字")
    noted = [h for h in session.history if h.get("cause") == "cleaned"]
    assert [(h["field"], h["old"], h["new"]) for h in noted] == [("overview.intro", "第一段\\x1b[31m红字", "第一段红字")]
    session.close()
    doc = on_disk(session.path)
    doc["answers"]["meta.agency"] = "测试\ud800局"
    session.path.write_text(json.dumps(doc, ensure_ascii=True), encoding="utf-8")
    with store.open(session.id) as s:
        s.set_answer("requests.new.natural", 1)
    noted = [h for h in on_disk(session.path)["history"] if h.get("cause") == "cleaned"]
    assert [(h["field"], h["old"], h["new"]) for h in noted][-1] == ("meta.agency", "测试\\ud800局", "测试\ufffd局")
    with store.open(session.id) as s:  # noted once: the document on disk is clean now
        s.set_answer("requests.new.natural", 2)
    assert len([h for h in on_disk(session.path)["history"] if h.get("cause") == "cleaned"]) == 2


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


# --- a bounded history --------------------------------------------------------------------------


def test_ten_thousand_edits_of_a_long_answer_stay_under_a_megabyte(session):
    base = "本机关坚持以公开为常态、不公开为例外，" * 35  # ~2 KB in UTF-8
    fields = ("overview.proactive", "overview.on_request", "overview.management", "overview.platform")
    for i in range(10_000):
        session.record({fields[i % len(fields)]: f"{base}{i}"}, save=False)
    session.flush()
    assert session.path.stat().st_size < 1_000_000
    history = on_disk(session.path)["history"]
    assert len(history) <= session_mod.HISTORY_LIMIT + 50
    assert history[-1]["field"] == fields[9_999 % len(fields)]
    assert history[-1]["new"].startswith(base[:50]) and len(history[-1]["new"]) < len(base)


def test_a_long_history_on_disk_is_trimmed_on_load(store, session):
    session.close()
    doc = on_disk(session.path)
    doc["history"] = [{"field": "overview.intro", "old": None, "new": "字" * 5000, "time": "t"}] * 1000
    session.path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with store.open(session.id) as s:
        s.set_answer("requests.new.natural", 1)
    assert len(on_disk(session.path)["history"]) <= session_mod.HISTORY_LIMIT + 1
    assert session.path.stat().st_size < 1_000_000


# --- start-up cleaning --------------------------------------------------------------------------


def test_sweep_removes_what_dead_writers_left_and_nothing_live(store, session):
    other = store.create({"meta.agency": "另一个局"})
    other.close()
    root = store.root
    orphan_tmp = root / f".{other.id}.json.1a2b3c4d.tmp"
    orphan_part = root / f".{other.id}.json.5e6f7a8b.part"
    created_never = root / ".zzzzzzzz.json.0badc0de.tmp"  # a create killed before its rename
    journal_tmp = root / f"..{other.id}.json.journal.0123abcd.tmp"  # a hard-linked save killed early
    stale_lock = root / f".{other.id}.json.lock"
    stale_owner = root / f".{other.id}.json.owner"
    for p in (orphan_tmp, orphan_part, created_never, stale_lock, journal_tmp):
        p.write_bytes(b"half")
    stale_owner.write_text(json.dumps({"pid": 2**22 + 12345, "host": "h"}), encoding="utf-8")
    live_tmp = root / f".{session.id}.json.9f9f9f9f.tmp"  # the open session is writing
    live_tmp.write_bytes(b"half")
    removed = store.sweep()
    for p in (orphan_tmp, orphan_part, created_never, stale_lock, stale_owner, journal_tmp):
        assert not p.exists(), p.name
        assert p in removed
    assert live_tmp.exists() and session.path.with_name(f".{session.id}.json.lock").exists()
    assert session.path.with_name(f".{session.id}.json.owner").exists()
    session.set_answer("requests.new.natural", 2)  # still holds its lock
    with pytest.raises(SessionError, match="正在被另一个"):
        store.open(session.id)
    assert load_session(other.id).agency == "另一个局"


def test_the_interview_start_sweeps_the_data_folder(store, monkeypatch):
    from gkassist.commands import interview

    leftover = store.root / ".k7f3q2ab.json.1a2b3c4d.tmp"
    leftover.write_bytes(b"half")
    monkeypatch.setattr("gkassist.ui.run_app", lambda: 0)
    assert interview.run(None) == 0
    assert not leftover.exists()
