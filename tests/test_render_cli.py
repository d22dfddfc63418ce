"""`gkassist render SESSION --format … [-o OUT]`: files, screen output, and Chinese errors."""

from __future__ import annotations

import io
import shutil

import docx
import pytest
from test_render import FIXTURE, fixture_answers

from gkassist.cli import main
from gkassist.render import render
from gkassist.session import SessionStore


@pytest.mark.parametrize("fmt", ["txt", "md", "html"])
def test_text_formats_to_file_and_screen(fmt, tmp_path, capsys):
    out = tmp_path / "sub" / f"report.{fmt}"
    assert main(["render", str(FIXTURE), "--format", fmt, "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == render(fixture_answers(), fmt)
    assert "已生成" in capsys.readouterr().out
    assert main(["render", str(FIXTURE), "--format", fmt]) == 0
    assert capsys.readouterr().out == render(fixture_answers(), fmt)


def test_docx_to_file(tmp_path):
    out = tmp_path / "报告.docx"
    assert main(["render", str(FIXTURE), "-f", "docx", "-o", str(out)]) == 0
    d = docx.Document(io.BytesIO(out.read_bytes()))
    assert d.paragraphs[0].text.startswith("怀化市洪江区科技和工业信息化局")


def test_a_session_id_from_the_data_folder(capsys):
    store = SessionStore()
    session = store.create(fixture_answers())
    session.close()
    assert main(["render", session.id]) == 0  # txt is the default
    assert capsys.readouterr().out == render(fixture_answers(), "txt")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["render", "no-such-session"], "no-such-session"),
        (["render", "FIXTURE", "--format", "docx"], "-o"),
        (["render", "FIXTURE", "--format", "pdf"], "-o"),
    ],
)
def test_errors_are_chinese_messages_not_tracebacks(args, words, capsys):
    args = [str(FIXTURE) if a == "FIXTURE" else a for a in args]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_an_unknown_format_is_refused_in_chinese(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["render", str(FIXTURE), "--format", "odt"])
    assert exit_.value.code == 2
    assert "无效的选项" in capsys.readouterr().err


def test_pdf_without_libreoffice(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GKASSIST_SOFFICE", str(tmp_path / "missing"))
    out = tmp_path / "r.pdf"
    assert main(["render", str(FIXTURE), "--format", "pdf", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "LibreOffice" in err and "安装" in err and "Traceback" not in err
    assert not out.exists()


def test_unwritable_output_is_a_message(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["render", str(FIXTURE), "-o", str(blocker / "r.txt")]) == 2
    assert "无法写入" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_pdf_to_file(tmp_path):
    out = tmp_path / "r.pdf"
    assert main(["render", str(FIXTURE), "--format", "pdf", "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
