"""Hostile files (issue 14): only regular files are read, within a size limit; one bad file in the
data folder never breaks everything; nothing gkassist prints can crash it or steer the terminal.

Every command is run in-process under an alarm, so that a read that blocks (a FIFO) fails the test
instead of hanging the run.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import struct
import zipfile
from pathlib import Path

import pytest

from gkassist import cli, reading
from gkassist.importer import read_report
from gkassist.session import SessionError, SessionStore, load_session
from gkassist.sources import import_file, read_source
from gkassist.terminal import _SafeStream, printable

FIXTURES = Path(__file__).parent / "fixtures"
SESSION = FIXTURES / "hongjiang-2024.session.json"
REPORT = FIXTURES / "hongjiang-kjgxj-2024.txt"
POSIX = pytest.mark.skipif(os.name != "posix", reason="FIFOs, devices and SIGALRM are POSIX")


@contextlib.contextmanager
def within(seconds: int):
    """Fail (instead of hanging the test run) when the block takes longer than ``seconds``."""

    def expired(signum, frame):  # noqa: ANN001
        raise TimeoutError(f"still running after {seconds} s: it blocked or read without end")

    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    with within(20):
        code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def session_doc(**changes) -> dict:
    doc = json.loads(SESSION.read_text(encoding="utf-8"))
    doc.update(changes)
    return doc


def put(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def deep_json(depth: int) -> str:
    doc = json.dumps(session_doc(workbench={"x": None}), ensure_ascii=False)
    return doc.replace('"workbench": {"x": null}', '"workbench": {"x": ' + "[" * depth + "]" * depth + "}")


def surrogate_json() -> str:
    doc = session_doc()
    doc["answers"]["meta.agency"] = "\ud800局"
    return json.dumps(doc)  # ensure_ascii: the lone surrogate is written as the escape \ud800


# --- the reading module ---------------------------------------------------------------------------


@POSIX
def test_a_fifo_is_refused_at_once_not_waited_on(tmp_path):
    fifo = tmp_path / "report.txt"
    os.mkfifo(fifo)
    with within(5), pytest.raises(reading.FileRefused) as err:
        reading.read_bytes(fifo)
    assert err.value.kind == "special" and "FIFO" in err.value.message


@POSIX
def test_a_device_that_never_ends_is_refused_at_once():
    with within(5), pytest.raises(reading.FileRefused) as err:
        reading.read_bytes(Path("/dev/zero"))
    assert err.value.kind == "special"


def test_a_file_over_the_limit_is_refused_saying_the_limit_and_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv(reading.LIMIT_ENV, "1")
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * (1024 * 1024 + 1))
    with pytest.raises(reading.FileRefused) as err:
        reading.read_bytes(big)
    assert err.value.kind == "too_large"
    assert "1.0 MB" in err.value.message and reading.LIMIT_ENV in err.value.message
    assert reading.read_bytes(big, size=10) == b"x" * 10  # its start may still be looked at
    monkeypatch.setenv(reading.LIMIT_ENV, "2")
    assert len(reading.read_bytes(big)) == 1024 * 1024 + 1


def test_a_file_whose_text_is_far_longer_than_any_report_is_refused_not_read(tmp_path, monkeypatch):
    # under the file limit, but more characters than a report has: reading it took 47 s and 1 GB
    monkeypatch.setenv(reading.LIMIT_ENV, "1")
    report = (Path(__file__).parent / "corpus" / "reports").glob("*.txt")
    text = next(iter(sorted(report))).read_text(encoding="utf-8")
    limit = reading.text_limit()
    assert limit == 1024 * 1024 // 16
    under = tmp_path / "under.txt"
    under.write_text((text * (limit // len(text) + 1))[:limit], encoding="utf-8")
    assert not read_report(under).failed
    over = tmp_path / "over.txt"
    over.write_text((text * (limit // len(text) + 2))[: limit + 1], encoding="utf-8")
    report = read_report(over)
    assert report.failed and report.source["format"] == "too_large"
    assert reading.LIMIT_ENV in report.unreadable[0]


def test_a_looping_symlink_and_a_folder_are_named_for_what_they_are(tmp_path):
    loop = tmp_path / "loop.json"
    loop.symlink_to(loop.name)
    for path, kind in ((loop, "loop"), (tmp_path, "directory"), (tmp_path / "none.txt", "missing")):
        with pytest.raises(reading.FileRefused) as err:
            reading.read_bytes(path)
        assert err.value.kind == kind


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[" * 5000 + "]" * 5000, "嵌套"),  # RecursionError in the reader itself
        ("[" * 300 + "]" * 300, "嵌套"),  # read, but deeper than a document is (a deepcopy would fail)
        ('{"a": "\\ud800"}', "代理码"),
        ('{"\\udfff": 1}', "代理码"),
        ('{"a": ' + "1" * 4301 + "}", "4301 位"),
        ("", "空"),
        ("{", "JSON 格式错误"),
    ],
)
def test_json_a_session_cannot_be_is_a_reason_not_a_crash(text, says):
    with pytest.raises(reading.BadJson, match=says):
        reading.parse_json(text.encode("utf-8"))


def test_json_with_text_that_merely_looks_like_an_escape_is_read():
    assert reading.parse_json(b'{"a": "\\\\ud800", "b": "\\u4e2d"}') == {"a": "\\ud800", "b": "中"}


# --- one bad file in the data folder never breaks everything --------------------------------------


def bad_data_folder(home: Path) -> dict[str, str]:
    """A data folder holding one good session and one of each kind of bad file; their ids."""
    sessions = home / "sessions"
    put(sessions, "good1.json", SESSION.read_text(encoding="utf-8"))
    put(sessions, "deep1.json", deep_json(100_000))
    put(sessions, "surrogate1.json", surrogate_json())
    (sessions / "loop1.json").symlink_to("loop1.json")
    if os.name == "posix":
        os.mkfifo(sessions / "fifo1.json")
        os.mkfifo(sessions / ".fifo1.json.owner")  # the owner file the list reads
    return {"good": "good1", "deep": "deep1", "surrogate": "surrogate1", "loop": "loop1"}


def test_the_session_list_reports_each_bad_file_and_goes_on(gkassist_home):
    bad_data_folder(gkassist_home)
    with within(20):
        infos = {i.id: i for i in SessionStore().list()}
    assert infos["good1"].status == "ok" and infos["good1"].agency == "怀化市洪江区科技和工业信息化局"
    # a lone surrogate is cleaned where text enters a session (text.clean): the session opens
    assert infos["surrogate1"].status == "ok" and infos["surrogate1"].agency == "\ufffd局"
    for sid, says in (("deep1", "嵌套"), ("loop1", "循环"), ("fifo1", "FIFO")):
        if sid == "fifo1" and os.name != "posix":
            continue
        assert infos[sid].status == "corrupt" and says in infos[sid].problem, sid
        assert printable(infos[sid].problem) == infos[sid].problem  # safe to show anywhere


@POSIX
def test_sessions_render_import_and_check_go_on_past_bad_files(capsys, gkassist_home):
    ids = bad_data_folder(gkassist_home)
    code, out, _ = run(capsys, "sessions")
    assert code == 0 and "good1" in out and "另有 3 个文件无法打开" in out
    code, out, _ = run(capsys, "render", "good1")
    assert code == 0 and "怀化市洪江区科技和工业信息化局" in out
    code, out, _ = run(capsys, "render", "surrogate1")
    assert code == 0 and "\ufffd局" in out
    for sid, says in (("deep1", "嵌套"), ("loop1", "循环"), ("fifo1", "FIFO")):
        code, _, err = run(capsys, "render", sid)
        assert code == 2 and says in err, (sid, err)
        code, _, err = run(capsys, "import", str(gkassist_home / "sessions" / f"{sid}.json"))
        assert code == 2 and says in err, (sid, err)
    code, out, _ = run(capsys, "import", str(REPORT))
    assert code == 0 and "已导入" in out
    code, out, _ = run(capsys, "check", "--json", str(gkassist_home / "sessions"))
    results = {Path(r["file"]).stem: r for r in json.loads(out) if "file" in r}  # not the folder's record
    assert code == 2
    assert "error" not in results["good1"] and results["good1"]["findings"]
    assert "嵌套" in results[ids["deep"]]["error"] and "error" not in results[ids["surrogate"]]
    # the FIFO and the looping link are no files of the folder: skipped, never waited on
    assert "fifo1" not in results and "loop1" not in results


@POSIX
@pytest.mark.parametrize("command", ["check", "import", "render"])
@pytest.mark.parametrize("target", ["fifo", "/dev/zero", "loop"])
def test_a_fifo_a_device_or_a_looping_link_on_the_command_line_is_refused_at_once(capsys, tmp_path, command,
                                                                                target):
    if target == "fifo":
        path = tmp_path / "report.txt"
        os.mkfifo(path)
    elif target == "loop":
        path = tmp_path / "loop.json"
        path.symlink_to(path.name)
    else:
        path = Path(target)
    code, out, err = run(capsys, command, str(path))
    says = {"fifo": "FIFO", "/dev/zero": "设备文件", "loop": "循环"}[target]
    assert code == 2 and says in out + err


@POSIX
def test_check_goes_on_past_a_fifo_and_a_device_among_its_files(capsys, tmp_path):
    fifo = tmp_path / "report.txt"
    os.mkfifo(fifo)
    code, out, _ = run(capsys, "check", "--json", str(fifo), "/dev/zero", str(REPORT))
    results = {r["file"]: r for r in json.loads(out)}
    assert code == 1  # the sample's errors decide; the refused files are listed with theirs
    assert "FIFO" in results[str(fifo)]["error"] and "设备文件" in results["/dev/zero"]["error"]
    assert "error" not in results[str(REPORT)] and results[str(REPORT)]["findings"]


@pytest.mark.parametrize("recorded", ["/tmp/a\x00b.txt", "loop"])
def test_a_session_recording_an_unreadable_source_name_does_not_stop_an_import(capsys, gkassist_home, recorded):
    # import asks every session whether it came from the same file: a hand-edited name with a NUL
    # (ValueError) or a symlink loop (RuntimeError) in one of them was an internal error
    if recorded == "loop":
        loop = gkassist_home / "loop.txt"
        loop.parent.mkdir(parents=True, exist_ok=True)
        loop.symlink_to(loop.name)
        recorded = str(loop)
    put(gkassist_home / "sessions", "odd1.json",
        json.dumps(session_doc(source={"kind": "import", "file": recorded}), ensure_ascii=False))
    code, out, _ = run(capsys, "import", str(REPORT))
    assert code == 0 and "已导入" in out
    code, out, _ = run(capsys, "sessions")
    assert code == 0 and "odd1" in out


def test_sources_and_the_importer_refuse_what_is_no_regular_file(tmp_path):
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop.name)
    with pytest.raises(reading.FileRefused):
        read_source(loop)
    with pytest.raises(reading.FileRefused):
        import_file(loop)
    report = read_report(loop)
    assert report.failed and "循环" in report.unreadable[0]


def test_a_session_file_over_the_limit_says_so(gkassist_home, monkeypatch):
    put(gkassist_home / "sessions", "big1.json", json.dumps(session_doc(workbench={"pad": "x" * 1_200_000})))
    monkeypatch.setenv(reading.LIMIT_ENV, "1")
    with pytest.raises(SessionError, match=reading.LIMIT_ENV):
        load_session("big1")
    assert SessionStore().list()[0].status == "corrupt"


# --- damaged Word files ---------------------------------------------------------------------------


def docx_bytes(tmp_path: Path) -> bytes:
    from gkassist.render import render_to_bytes

    return render_to_bytes(load_session(SESSION), "docx")


def test_a_word_file_with_a_damaged_zip_header_is_a_damaged_word_file(tmp_path):
    data = bytearray(docx_bytes(tmp_path))
    central = data.find(b"PK\x01\x02")
    data[central + 6] = 0x92  # "version needed to extract" 14.6: zipfile raised NotImplementedError
    path = tmp_path / "bad.docx"
    path.write_bytes(bytes(data))
    report = read_report(path)
    assert report.failed and "Word 文件" in report.unreadable[0] and "损坏" in report.unreadable[0]


def test_a_word_file_that_unpacks_beyond_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv(reading.LIMIT_ENV, "1")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<w:document/>")
        z.writestr("word/media/zeros.bin", b"\0" * (2 * 1024 * 1024))  # 2 MB of zeros packs to 2 KB
    path = tmp_path / "bomb.docx"
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < 1024 * 1024
    report = read_report(path)
    assert report.failed and "解压后" in report.unreadable[0] and reading.LIMIT_ENV in report.unreadable[0]


def test_a_word_file_with_odd_cell_markup_is_read_past_it(tmp_path):
    with zipfile.ZipFile(io.BytesIO(docx_bytes(tmp_path))) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    xml = parts["word/document.xml"].decode("utf-8")
    at = xml.index("<w:tc>")
    parts["word/document.xml"] = (xml[:at] + '<w:tc><w:tcPr><w:gridSpan w:val="abc"/></w:tcPr>' + xml[at + 6:]).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    path = tmp_path / "odd.docx"
    path.write_bytes(buffer.getvalue())
    report = read_report(path)  # a span that is no number counts as one column; the rest is read
    plain = tmp_path / "plain.docx"
    plain.write_bytes(docx_bytes(tmp_path))
    assert not report.failed and report.answers == read_report(plain).answers


# --- printing never crashes, and never steers the terminal -----------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_text_to_a_terminal_has_its_controls_and_surrogates_escaped():
    tty, pipe = _Terminal(), io.StringIO()
    for stream in (tty, pipe):
        _SafeStream(stream).write("局\x1b[2J\r\x07\ud800\n\t末")
    assert tty.getvalue() == "局\\x1b[2J\\x0d\\x07\\ud800\n\t末"
    assert pipe.getvalue() == "局\x1b[2J\r\x07\\ud800\n\t末"  # a file gets the text, less what UTF-8 cannot hold


def test_a_file_name_that_is_no_utf8_is_printed_not_crashed_on(capsys, tmp_path):
    if not os.path.supports_unicode_filenames and os.name != "posix":
        pytest.skip("no byte file names here")
    folder = tmp_path / "reports"
    folder.mkdir()
    name = os.fsdecode(b"\xff\xfe-report.txt")  # surrogates when decoded: what Python makes of such a name
    try:
        (folder / name).write_text("会议纪要", encoding="utf-8")
    except (OSError, UnicodeEncodeError):
        pytest.skip("the file system refuses such a name")
    shutil.copy(REPORT, folder / "sample.txt")
    code, out, _ = run(capsys, "check", str(folder))
    assert code in (1, 2) and "\\udcff\\udcfe-report.txt" in out and "sample.txt" in out


def test_an_agency_with_terminal_escapes_is_shown_escaped_in_the_session_list(capsys, gkassist_home):
    doc = session_doc()
    doc["answers"]["meta.agency"] = "\x1b]0;owned\x07某局\x9b2J"
    put(gkassist_home / "sessions", "esc1.json", json.dumps(doc, ensure_ascii=False))
    infos = SessionStore().list()
    assert infos[0].agency == "某局"  # escapes removed where text enters a session (text.clean)
    code, out, _ = run(capsys, "sessions")
    assert code == 0 and "\x1b" not in out and "\x9b" not in out


# --- the picker starts, whatever the data folder holds ---------------------------------------------


@POSIX
async def test_the_picker_starts_and_resumes_past_bad_files(gkassist_home):
    from gkassist.ui.app import GkApp

    bad_data_folder(gkassist_home)
    app = GkApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert type(app.screen).__name__ == "PickerScreen"
        saved = app.screen.query_one("#saved")
        ids = [saved.get_option_at_index(i).id for i in range(saved.option_count)]
        assert set(ids) >= {"good1", "deep1", "surrogate1", "loop1", "fifo1"}
        enabled = [saved.get_option_at_index(i).id for i in range(saved.option_count)
                   if not saved.get_option_at_index(i).disabled]
        assert sorted(enabled) == ["good1", "surrogate1"]


def _central_version_offsets(data: bytes) -> list[int]:
    out, at = [], data.find(b"PK\x01\x02")
    while at >= 0:
        out.append(at + 6)
        at = data.find(b"PK\x01\x02", at + 4)
    return out


def test_every_damaged_version_byte_of_a_word_file_is_a_message(tmp_path):
    data = docx_bytes(tmp_path)
    path = tmp_path / "bad.docx"
    for value in (0x3F, 0x92, 0xFF):
        damaged = bytearray(data)
        for at in _central_version_offsets(data):
            struct.pack_into("<B", damaged, at, value)
        path.write_bytes(bytes(damaged))
        report = read_report(path)  # never NotImplementedError
        assert report.failed or report.answers
