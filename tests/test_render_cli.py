"""`gkassist render SESSION --format … [-o OUT]`: files, screen output, and Chinese errors."""

from __future__ import annotations

import io
import shutil

import docx
import pytest

from gkassist.cli import main
from gkassist.render import render
from gkassist.session import SessionStore


@pytest.mark.parametrize("fmt", ["txt", "md", "html"])
def test_text_formats_to_file_and_screen(sample_answers, sample_session, fmt, tmp_path, capsys):
    out = tmp_path / "sub" / f"report.{fmt}"
    assert main(["render", str(sample_session), "--format", fmt, "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == render(sample_answers(), fmt)
    assert "已生成" in capsys.readouterr().out
    assert main(["render", str(sample_session), "--format", fmt]) == 0
    assert capsys.readouterr().out == render(sample_answers(), fmt)


def test_docx_to_file(sample_session, tmp_path):
    out = tmp_path / "报告.docx"
    assert main(["render", str(sample_session), "-f", "docx", "-o", str(out)]) == 0
    d = docx.Document(io.BytesIO(out.read_bytes()))
    assert d.paragraphs[0].text.startswith("怀化市洪江区科技和工业信息化局")


def test_a_session_id_from_the_data_folder(sample_answers, capsys):
    store = SessionStore()
    session = store.create(sample_answers())
    session.close()
    assert main(["render", session.id]) == 0  # txt is the default
    assert capsys.readouterr().out == render(sample_answers(), "txt")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["render", "no-such-session"], "no-such-session"),
        (["render", "sample_session", "--format", "docx"], "-o"),
        (["render", "sample_session", "--format", "pdf"], "-o"),
    ],
)
def test_errors_are_chinese_messages_not_tracebacks(sample_session, args, words, capsys):
    args = [str(sample_session) if a == "sample_session" else a for a in args]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_an_unknown_format_is_refused_in_chinese(sample_session, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["render", str(sample_session), "--format", "odt"])
    assert exit_.value.code == 2
    assert "无效的选项" in capsys.readouterr().err


def test_pdf_without_libreoffice(sample_session, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GKASSIST_SOFFICE", str(tmp_path / "missing"))
    out = tmp_path / "r.pdf"
    assert main(["render", str(sample_session), "--format", "pdf", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "LibreOffice" in err and "安装" in err and "Traceback" not in err
    assert not out.exists()


def test_unwritable_output_is_a_message(sample_session, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["render", str(sample_session), "-o", str(blocker / "r.txt")]) == 2
    assert "无法写入" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_pdf_to_file(sample_session, tmp_path):
    out = tmp_path / "r.pdf"
    assert main(["render", str(sample_session), "--format", "pdf", "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
