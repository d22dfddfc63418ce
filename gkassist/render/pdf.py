"""DOCX → PDF with LibreOffice, headless, where it is installed.

PDF is optional: the DOCX is the deliverable, and LibreOffice is a large install. When it is
missing or fails, a ``UserError`` says in Chinese what to install or try instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from gkassist.errors import UserError, os_error_message

# Where installers put soffice when it is not on PATH.
_KNOWN_PLACES = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    "/opt/libreoffice/program/soffice",
    "/usr/lib/libreoffice/program/soffice",
)
TIMEOUT_SECONDS = 180

INSTALL_HINT = (
    "生成 PDF 需要 LibreOffice，但本机没有找到它（soffice 程序）。\n"
    "安装方法：\n"
    "  Debian / Ubuntu：sudo apt-get install libreoffice-writer-nogui fonts-noto-cjk\n"
    "  Windows / macOS：从 https://zh-cn.libreoffice.org/ 下载安装 LibreOffice\n"
    "已安装但不在 PATH 中时，可设置环境变量 GKASSIST_SOFFICE 为 soffice 程序的完整路径。\n"
    "也可以先生成 Word 文件（--format docx），再用 WPS 或 Word 另存为 PDF。"
)


def find_soffice() -> str | None:
    """The LibreOffice program to convert with, or None."""
    override = os.environ.get("GKASSIST_SOFFICE")
    if override:
        return override if Path(override).is_file() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for place in _KNOWN_PLACES:
        if Path(place).is_file():
            return place
    return None


def missing_cjk_font() -> bool:
    """True when fontconfig knows no Chinese font: LibreOffice would print empty boxes.

    Only answerable where fontconfig is (Linux); elsewhere the system fonts cover Chinese.
    """
    fc_list = shutil.which("fc-list")
    if fc_list is None or sys.platform in ("win32", "darwin"):
        return False
    try:
        out = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return out.returncode == 0 and not out.stdout.strip()


def docx_to_pdf(docx: bytes) -> bytes:
    """The PDF of a DOCX document, converted by headless LibreOffice."""
    soffice = find_soffice()
    if soffice is None:
        raise UserError(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="gkassist-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / "report.docx"
        source.write_bytes(docx)
        # A profile of our own: a LibreOffice the user has open would otherwise take the job and
        # return at once without a file.
        profile = (folder / "profile").as_uri()
        command = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            raise UserError(
                f"LibreOffice 在 {TIMEOUT_SECONDS} 秒内没有完成 PDF 转换。请关闭其他 LibreOffice 窗口后重试，"
                "或先生成 Word 文件（--format docx）再另存为 PDF。"
            ) from None
        except OSError as err:
            raise UserError(
                f"无法启动 LibreOffice（{soffice}）：{os_error_message(err)}。\n{INSTALL_HINT}"
            ) from err
        target = folder / "report.pdf"
        if result.returncode != 0 or not target.is_file():
            detail = (result.stderr or result.stdout).strip().splitlines()
            tail = detail[-1] if detail else f"退出码 {result.returncode}"
            raise UserError(
                f"LibreOffice 未能把报告转换为 PDF（{tail}）。"
                "可以先生成 Word 文件（--format docx），再用 WPS 或 Word 另存为 PDF。"
            )
        return target.read_bytes()
