"""gkassist sessions / export / import: Chinese messages and exit code 2, never a traceback."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from gkassist import cli
from gkassist.session import SessionStore, load_session

FIXTURE = Path(__file__).parent / "fixtures" / "hongjiang-2024.session.json"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def put(gkassist_home: Path, name: str, text: str) -> Path:
    path = gkassist_home / "sessions" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- sessions -----------------------------------------------------------------------------------


def test_sessions_in_an_empty_folder_says_how_to_start(capsys, gkassist_home):
    code, out, _ = run(capsys, "sessions")
    assert code == 0
    assert "还没有保存的报告" in out and "gkassist import" in out and str(gkassist_home) in out


def test_sessions_lists_id_agency_year_progress_and_last_change_aligned(capsys, gkassist_home):
    put(gkassist_home, "hongjiang2024.json", FIXTURE.read_text(encoding="utf-8"))
    with SessionStore().create({"meta.agency": "ABC", "meta.year": 2025}) as short:
        pass
    put(gkassist_home, "broken.json", "{")
    code, out, _ = run(capsys, "sessions")
    assert code == 0
    lines = out.splitlines()
    header = lines[0]
    assert header.split() == ["编号", "机关", "年度", "进度", "最后修改"]
    rows = {line.split()[0]: line for line in lines[1:4]}
    hj = rows["hongjiang2024"]
    done, n = load_session(gkassist_home / "sessions" / "hongjiang2024.json").progress()
    assert (
        "怀化市洪江区科技和工业信息化局" in hj and " 2024 " in hj and f"{done}/{n}" in hj and "2025-01-20" in hj
    )
    assert "ABC" in rows[short.id] and f"2/{n}" in rows[short.id]
    assert "文件已损坏" in rows["broken"]

    # columns line up on screen: same display offset for the year and progress in every row
    def offset(line: str, text: str) -> int:
        return cell_len(line[: line.index(f"  {text} ")]) + 2

    assert offset(hj, "2024") == offset(rows[short.id], "2025") == offset(header, "年度")
    assert offset(hj, f"{done}/{n}") == offset(rows[short.id], f"2/{n}") == offset(header, "进度")
    assert "另有 1 个文件无法打开" in out


def test_sessions_with_an_unusable_data_folder(capsys, tmp_path, monkeypatch):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    monkeypatch.setenv("GKASSIST_HOME", str(not_a_folder))
    code, _, err = run(capsys, "sessions")
    assert code == 2 and "GKASSIST_HOME" in err


# --- export -------------------------------------------------------------------------------------


def test_export_writes_the_document(capsys, gkassist_home, tmp_path):
    put(gkassist_home, "hongjiang2024.json", FIXTURE.read_text(encoding="utf-8"))
    out_file = tmp_path / "moved.json"
    code, out, _ = run(capsys, "export", "hongjiang2024", "-o", str(out_file))
    assert code == 0 and str(out_file) in out
    assert json.loads(out_file.read_text(encoding="utf-8"))["answers"]["meta.year"] == 2024


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["export", "nosuch99", "-o", "x.json"], "找不到编号为「nosuch99」的报告"),
        (["export", "missing/file.json", "-o", "x.json"], "找不到文件"),
        (["export", "broken", "-o", "x.json"], "已损坏"),
        (["export", "hongjiang2024", "-o", "{blocker}/sub/x.json"], "无法写入"),
        (["export", "hongjiang2024"], "缺少必需的参数"),
    ],
)
def test_export_errors(capsys, gkassist_home, tmp_path, monkeypatch, argv, says):
    monkeypatch.chdir(tmp_path)
    put(gkassist_home, "hongjiang2024.json", FIXTURE.read_text(encoding="utf-8"))
    put(gkassist_home, "broken.json", "[")
    (tmp_path / "blocker").write_text("a file, not a folder")
    argv = [a.replace("{blocker}", str(tmp_path / "blocker")) for a in argv]
    try:
        code, _, err = run(capsys, *argv)
    except SystemExit as exit_:  # argparse's own usage error
        code, err = exit_.code, capsys.readouterr().err
    assert code == 2
    assert says in err


def test_a_permission_error_reading_a_session_is_a_message(capsys, gkassist_home, monkeypatch):
    put(gkassist_home, "hongjiang2024.json", FIXTURE.read_text(encoding="utf-8"))

    real_open = os.open

    def denied(path, *args, **kw):  # files are opened by gkassist.reading (the tests run as root)
        if str(path).endswith("hongjiang2024.json"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kw)

    monkeypatch.setattr(os, "open", denied)
    code, _, err = run(capsys, "export", "hongjiang2024", "-o", "x.json")
    assert code == 2 and "没有权限" in err


# --- import -------------------------------------------------------------------------------------


def test_import_prints_id_and_path(capsys, gkassist_home):
    code, out, _ = run(capsys, "import", str(FIXTURE))
    assert code == 0
    assert "会话编号：hongjiang2024" in out
    assert str(gkassist_home / "sessions" / "hongjiang2024.json") in out
    code, out, _ = run(capsys, "import", str(FIXTURE))  # again: the id is taken now
    new_id = next(line.split("：")[1] for line in out.splitlines() if line.startswith("会话编号"))
    assert code == 0 and new_id != "hongjiang2024"
    assert load_session(new_id).answers == load_session("hongjiang2024").answers


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("nothing-here.json", None, "找不到文件"),
        ("bad.json", "{not json", "JSON 格式错误"),
        ("binary.json", b"\xff\xfe\x00garbage", "UTF-8"),
        ("other.json", '{"some": "thing"}', "不是 gkassist 会话文件"),
        ("newer.json", '{"format": "gkassist-session", "version": 99, "id": "a", "answers": {}}', "更新版本"),
        ("folder", "DIR", "文件夹"),
    ],
)
def test_import_errors(capsys, tmp_path, name, content, says):
    path = tmp_path / name
    if content == "DIR":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    code, _, err = run(capsys, "import", str(path))
    assert code == 2 and says in err


@pytest.mark.slow  # a real process
def test_no_traceback_from_a_real_process(tmp_path):
    env = {**os.environ, "GKASSIST_HOME": str(tmp_path / "home")}
    for argv in (
        ["export", "zzzz9999", "-o", str(tmp_path / "x.json")],
        ["import", str(tmp_path / "none.json")],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "gkassist", *argv], capture_output=True, text=True, env=env
        )
        assert done.returncode == 2
        assert "Traceback" not in done.stderr and done.stderr.strip()
