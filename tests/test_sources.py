"""One reader for import, check and 「从上年报告开始」: a session or a published report → what it says."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from gkassist import checking
from gkassist.cellstates import INVALID, CellState
from gkassist.errors import UserError
from gkassist.importer import ImportedReport
from gkassist.session import SessionError, SessionStore, export_session, load_session
from gkassist.sources import SourceUnreadable, import_file, read_source

FIXTURES = Path(__file__).parent / "fixtures"
NEW = "一、本年新收政府信息公开申请数量"
CARRY_OVER = "四、结转下年度继续办理"


@pytest.fixture
def store(gkassist_home):
    return SessionStore()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- what a source says -------------------------------------------------------------------------


def test_a_report_keeps_its_printed_totals_and_never_a_bad_cell_as_an_answer(tmp_path, consistent_text, set_row):
    text = set_row(consistent_text(), NEW, [3, 1, 0, 0, 0, "-1", 5])  # 总计 5, its parts 4
    src = read_source(write(tmp_path / "r.txt", text))
    assert src.kind == "report" and src.session is None
    assert src.answers["requests.new.total"] == 5  # as printed: N2 compares it with its parts
    assert "requests.new.other" not in src.answers
    assert src.report.answers_as_printed()["requests.new.other"] == CellState(INVALID, "-1")
    assert src.agency == "怀化市洪江区科技和工业信息化局" and src.year == 2024
    assert src.source["kind"] == "import" and src.source["file"] == str(tmp_path / "r.txt")


def test_a_session_is_read_by_id_by_path_and_by_its_content(store, tmp_path):
    with store.create({"meta.agency": "某县某局", "requests.new.natural": 2}, previous={"meta.year": 2023}) as s:
        sid, path = s.id, s.path
    for ref in (sid, str(path), path):
        src = read_source(ref)
        assert src.kind == "session" and src.report is None
        assert src.answers == {"meta.agency": "某县某局", "requests.new.natural": 2}
        assert src.previous == {"meta.year": 2023}
        assert src.source == {"kind": "session", "id": sid, "file": str(path)}
    renamed = tmp_path / "last-year.txt"  # a session JSON under another name is still a session
    renamed.write_bytes(path.read_bytes())
    assert read_source(renamed).kind == "session"
    with pytest.raises(SessionError, match="找不到文件"):
        read_source(Path(sid))  # a Path is a file, never an id


def test_a_file_that_is_no_report_says_why(tmp_path):
    with pytest.raises(SourceUnreadable) as err:
        read_source(write(tmp_path / "empty.txt", ""))
    assert err.value.reasons == ["文件是空的，没有可读取的内容。"]
    assert err.value.message == "文件是空的，没有可读取的内容。"


def test_a_damaged_session_elsewhere_is_explained_and_left_alone(tmp_path):
    folder = tmp_path / "downloads"
    folder.mkdir()
    bad = write(folder / "last-year.json", "{")
    with pytest.raises(SessionError) as err:
        read_source(bad)
    assert "已损坏" in err.value.message and "gkassist 保存或导出的会话文件" in err.value.message
    assert [p.name for p in folder.iterdir()] == ["last-year.json"]


# --- import, check and last year read alike --------------------------------------------------------


def test_import_check_and_last_year_see_the_same_answers(store, sample_report):
    src = read_source(sample_report)
    with import_file(sample_report) as imported:
        assert dict(imported.answers) == src.answers
        assert dict(imported.notes) == src.notes
    assert checking.load_input(str(sample_report)).answers == src.report.answers_as_printed()
    assert checking.load_previous(str(sample_report)).answers == src.answers


def test_the_same_session_checked_and_carried_over_gives_the_same_answers(store):
    with store.create({"meta.agency": "某县某局", "requests.carry_over.natural": 2}) as s:
        path = s.path
    assert checking.load_input(str(path)).answers == read_source(path).answers
    assert checking.load_previous(s.id).answers == dict(load_session(s.id).answers)


def y1(this_year: Path, last_year: Path) -> dict[str, int]:
    """Y1 findings of ``check this_year --previous last_year``: column label → last year's number."""
    result = checking.check_file(str(this_year), checking.load_previous(str(last_year)))
    return {
        f.message.split("「")[1].split("」")[0]: f.numbers["previous.carry_over"]
        for f in result.findings
        if f.code == "Y1"
    }


def test_last_year_is_compared_as_printed_and_a_bad_cell_is_no_number(tmp_path, consistent_text, set_row):
    this_year = write(tmp_path / "2024.txt", consistent_text())  # 上年结转: 自然人 1, 总计 1
    last_year = consistent_text().replace("2024年", "2023年")
    # last year printed 总计 5 for parts that add up to 2: the rules quote the 5 it published
    printed = write(tmp_path / "2023.txt", set_row(last_year, CARRY_OVER, [2, 0, 0, 0, 0, 0, 5]))
    assert y1(this_year, printed) == {"自然人": 2, "总计": 5}
    # a cell printed as 「-1」 is not last year's number: nothing to compare that column with
    bad = write(tmp_path / "2023-bad.txt", set_row(last_year, CARRY_OVER, ["-1", 0, 0, 0, 0, 0, 2]))
    assert y1(this_year, bad) == {"总计": 2}


# --- import -------------------------------------------------------------------------------------


def test_export_then_import_on_another_machine_keeps_everything(store, tmp_path, monkeypatch):
    with store.create({"meta.agency": "测试局"}) as session:
        session.set_answer("active.fees", Decimal("4068.208"), note="n")
        session.set_position(step="problems")
    out = export_session(session.id, tmp_path / "out" / "r.json")
    monkeypatch.setenv("GKASSIST_HOME", str(tmp_path / "other-machine"))  # another data folder
    with import_file(out) as imported:
        assert imported.id == session.id
        assert imported.answers["active.fees"] == Decimal("4068.208")
        assert imported.position == {"step": "problems"} and imported.notes == {"active.fees": "n"}
        assert imported.path.parent == tmp_path / "other-machine" / "sessions"
        assert imported.to_document() == json.loads(out.read_text(encoding="utf-8"))


def test_import_gives_a_new_id_when_the_id_is_taken(store, tmp_path):
    with store.create({"meta.agency": "测试局"}) as session:
        pass
    out = export_session(session.id, tmp_path)  # a folder: <id>.json inside it
    assert out == tmp_path / f"{session.id}.json"
    with import_file(out) as copy:
        assert copy.id != session.id
        assert json.loads(copy.path.read_text(encoding="utf-8"))["id"] == copy.id
        assert dict(copy.answers) == dict(session.answers)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("{broken", "JSON 格式错误"),
        ('{"format": "gkassist-session", "version": 7, "id": "a", "answers": {}}', "更新版本"),
        ('{"hello": 1}', "不是 gkassist 会话文件"),
    ],
)
def test_import_refuses_bad_json_without_creating_anything(store, tmp_path, content, says):
    with pytest.raises(SessionError) as err:
        import_file(write(tmp_path / "in.json", content))
    assert says in err.value.message
    assert store.ids() == []


def test_import_of_a_published_report_keeps_what_it_printed(store, tmp_path, monkeypatch):
    seen = []

    def read_report(path):
        seen.append(path)
        return ImportedReport(
            answers={"requests.new.natural": 2, "requests.new.total": 2, "active.fees": Decimal("0"),
                     "meta.agency": "某县某局", "meta.year": 2023},
            notes={"requests.new.legal": "原表此格为「/」，按0计", "not.a.field": "dropped"},
            unreadable=["表四无法读取"],
            source={"kind": "import", "file": str(path), "format": "text-cells"},
        )

    monkeypatch.setattr("gkassist.importer.read_report", read_report)
    report = write(tmp_path / "2023.html", "<html>…</html>")
    with import_file(report) as s:
        assert seen == [report]
        assert s.source == {"kind": "import", "file": str(report.resolve()), "format": "text-cells",
                            "unreadable": ["表四无法读取"]}
        assert s.answers["meta.agency"] == "某县某局" and s.answers["meta.year"] == 2023
        assert s.answers["requests.new.total"] == 2  # an import keeps the printed total
        assert s.notes == {"requests.new.legal": "原表此格为「/」，按0计"}


def test_import_of_missing_or_folder_paths(tmp_path):
    with pytest.raises(SessionError, match="找不到文件"):
        import_file(tmp_path / "nope.json")
    with pytest.raises(SessionError, match="文件夹"):
        import_file(tmp_path)


def test_a_file_the_importer_cannot_read_creates_nothing(store, tmp_path):
    empty = write(tmp_path / "empty.txt", "")
    with pytest.raises(UserError) as err:
        import_file(empty)
    assert err.value.message == f"无法从 {empty} 读出年度报告：文件是空的，没有可读取的内容。"
    assert store.ids() == []


def test_import_of_the_published_sample_makes_an_import_session(store, sample_report):
    with import_file(sample_report) as s:
        assert s.source["kind"] == "import" and s.source["file"] == str(sample_report)
        assert s.answers["meta.agency"] == "怀化市洪江区科技和工业信息化局" and s.answers["meta.year"] == 2024
    again = load_session(s.id)
    assert again.source["kind"] == "import" and again.progress()[0] > 0
